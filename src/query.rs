//! Canned queries (`queries/*.rq`) and running SPARQL against the store:
//! parameters bound as RDF terms, results written as a table, CSV, TSV or
//! the SPARQL JSON format.
//!
//! The entry points are [`CannedQuery::load_dir`], [`run`] and [`write_results`].

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

/// A parameter a canned query declares in its header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Param {
    pub name: String,
    pub meaning: String,
    pub example: String,
}

/// A query of `queries/`, with what its header says about it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CannedQuery {
    pub name: String,
    pub description: String,
    pub params: Vec<Param>,
    #[serde(rename = "query")]
    pub text: String,
    #[serde(skip)]
    pub path: PathBuf,
}

impl CannedQuery {
    /// Parses a `.rq` file: header lines `# name: ...`, `# description:
    /// ...` and `# param: NAME | meaning | example`, then the query.
    pub fn parse(path: &Path, text: &str) -> Result<CannedQuery> {
        let mut name = None;
        let mut description = None;
        let mut params = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let Some(comment) = line.strip_prefix('#') else {
                break;
            };
            let Some((key, value)) = comment.split_once(':') else {
                continue;
            };
            let value = value.trim().to_string();
            match key.trim() {
                "name" => name = Some(value),
                "description" => description = Some(value),
                "param" => {
                    let parts: Vec<&str> = value.split('|').map(str::trim).collect();
                    let [pname, meaning, example] = parts.as_slice() else {
                        bail!(
                            "{} line {}: a param line is `# param: NAME | meaning | example`",
                            path.display(),
                            i + 1
                        );
                    };
                    if Variable::new(*pname).is_err() {
                        bail!(
                            "{} line {}: `{pname}` is not a SPARQL variable name",
                            path.display(),
                            i + 1
                        );
                    }
                    params.push(Param {
                        name: pname.to_string(),
                        meaning: meaning.to_string(),
                        example: example.to_string(),
                    });
                }
                _ => {}
            }
        }
        let (Some(name), Some(description)) = (name, description) else {
            bail!(
                "{}: the header needs `# name:` and `# description:` lines",
                path.display()
            );
        };
        let _checked = SparqlEvaluator::new()
            .parse_query(text)
            .with_context(|| format!("{}: the query does not parse", path.display()))?;
        Ok(CannedQuery {
            name,
            description,
            params,
            text: text.to_string(),
            path: path.to_path_buf(),
        })
    }

    /// Every `.rq` file of a folder, sorted by name.
    pub fn load_dir(dir: &Path) -> Result<Vec<CannedQuery>> {
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .with_context(|| format!("reading the query folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "rq"))
            .collect();
        paths.sort();
        let mut out: Vec<CannedQuery> = Vec::new();
        for p in paths {
            let text =
                fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            let q = CannedQuery::parse(&p, &text)?;
            if let Some(other) = out.iter().find(|o| o.name == q.name) {
                bail!(
                    "{} and {} are both named `{}`",
                    other.path.display(),
                    p.display(),
                    q.name
                );
            }
            out.push(q);
        }
        Ok(out)
    }

    /// The query folder used when none is given: `$SOCIALGRAF_QUERIES`,
    /// else `queries/` (see [`crate::data_dir`]).
    pub fn default_dir() -> PathBuf {
        crate::data_dir("SOCIALGRAF_QUERIES", "queries")
    }

    /// The bindings for `given` (name → value): every declared parameter
    /// must be given, and nothing else. Values become plain literals.
    pub fn bindings(&self, given: &BTreeMap<String, String>) -> Result<Vec<(Variable, Term)>> {
        for name in given.keys() {
            if !self.params.iter().any(|p| &p.name == name) {
                bail!(
                    "query `{}` has no parameter `{name}` (it has: {})",
                    self.name,
                    self.param_names()
                );
            }
        }
        self.params
            .iter()
            .map(|p| {
                let value = given.get(&p.name).with_context(|| {
                    format!(
                        "query `{}` needs --param {}=VALUE ({}; e.g. {})",
                        self.name, p.name, p.meaning, p.example
                    )
                })?;
                Ok((
                    Variable::new_unchecked(p.name.clone()),
                    Literal::new_simple_literal(value).into(),
                ))
            })
            .collect()
    }

    fn param_names(&self) -> String {
        if self.params.is_empty() {
            "none".to_string()
        } else {
            let names: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
            names.join(", ")
        }
    }
}

/// Runs a query on the store with `bindings` pre-bound: the values are RDF
/// terms substituted into the parsed query, never spliced into its text.
/// The default graph is the union of all graphs.
pub fn run(
    store: &Store,
    query: &str,
    bindings: &[(Variable, Term)],
) -> Result<QueryResults<'static>> {
    let mut prepared = SparqlEvaluator::new()
        .parse_query(query)
        .context("parsing the SPARQL query")?;
    prepared.dataset_mut().set_default_graph_as_union();
    for (v, t) in bindings {
        prepared = prepared.substitute_variable(v.clone(), t.clone());
    }
    prepared
        .on_store(store)
        .execute()
        .context("evaluating the SPARQL query")
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Csv,
    Tsv,
    Json,
}

/// Writes query results: solutions and booleans in `format`; graphs
/// (CONSTRUCT, DESCRIBE) as Turtle whatever the format.
pub fn write_results(
    results: QueryResults<'_>,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<()> {
    match results {
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let rows = solutions
                .collect::<Result<Vec<_>, _>>()
                .context("evaluating the SPARQL query")?;
            let sparql_format = match format {
                OutputFormat::Table => {
                    let header: Vec<String> =
                        variables.iter().map(|v| v.as_str().to_string()).collect();
                    let cells: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| {
                            variables
                                .iter()
                                .map(|v| r.get(v).map(display_term).unwrap_or_default())
                                .collect()
                        })
                        .collect();
                    return write_table(&header, &cells, out);
                }
                OutputFormat::Csv => QueryResultsFormat::Csv,
                OutputFormat::Tsv => QueryResultsFormat::Tsv,
                OutputFormat::Json => QueryResultsFormat::Json,
            };
            let mut w = QueryResultsSerializer::from_format(sparql_format)
                .serialize_solutions_to_writer(out, variables.clone())?;
            for r in &rows {
                w.serialize(r)?;
            }
            w.finish()?;
        }
        QueryResults::Boolean(b) => match format {
            OutputFormat::Table => writeln!(out, "{b}")?,
            OutputFormat::Csv | OutputFormat::Tsv | OutputFormat::Json => {
                let f = match format {
                    OutputFormat::Csv => QueryResultsFormat::Csv,
                    OutputFormat::Tsv => QueryResultsFormat::Tsv,
                    _ => QueryResultsFormat::Json,
                };
                QueryResultsSerializer::from_format(f).serialize_boolean_to_writer(out, b)?;
            }
        },
        QueryResults::Graph(triples) => {
            let mut w = RdfSerializer::from_format(RdfFormat::Turtle).for_writer(out);
            for t in triples {
                w.serialize_triple(&t.context("evaluating the SPARQL query")?)?;
            }
            w.finish()?;
        }
    }
    Ok(())
}

/// A cell of a table written by [`write_rows`]: text or a number (numbers
/// stay numbers in JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(usize),
    Num(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => format!("{x:.6}"),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Num(x) => serde_json::Number::from_f64(*x)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
        }
    }
}

/// Writes a table of `rows` under `header`: aligned text, CSV (RFC 4180
/// quoting), TSV (tabs and line breaks in cells become spaces) or JSON (an
/// array of objects keyed by the header).
pub fn write_rows(
    header: &[&str],
    rows: &[Vec<Cell>],
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        OutputFormat::Table => {
            let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(Cell::text).collect())
                .collect();
            write_table(&header, &cells, out)
        }
        OutputFormat::Csv => {
            let quote = |s: &str| {
                if s.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_string()
                }
            };
            let line = |cells: Vec<String>| cells.iter().map(|c| quote(c)).collect::<Vec<_>>();
            writeln!(
                out,
                "{}",
                line(header.iter().map(|h| h.to_string()).collect()).join(",")
            )?;
            for r in rows {
                writeln!(
                    out,
                    "{}",
                    line(r.iter().map(Cell::text).collect()).join(",")
                )?;
            }
            Ok(())
        }
        OutputFormat::Tsv => {
            let clean = |s: String| s.replace(['\t', '\n', '\r'], " ");
            writeln!(out, "{}", header.join("\t"))?;
            for r in rows {
                let cells: Vec<String> = r.iter().map(|c| clean(c.text())).collect();
                writeln!(out, "{}", cells.join("\t"))?;
            }
            Ok(())
        }
        OutputFormat::Json => {
            let objects: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let map: serde_json::Map<String, serde_json::Value> = header
                        .iter()
                        .zip(r)
                        .map(|(h, c)| (h.to_string(), c.json()))
                        .collect();
                    serde_json::Value::Object(map)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &objects)?;
            writeln!(out)?;
            Ok(())
        }
    }
}

/// A term as a person reads it: an IRI as is, a literal's value.
fn display_term(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => n.as_str().to_string(),
        Term::Literal(l) => l.value().to_string(),
        other => other.to_string(),
    }
}

/// An aligned text table, long cells cut at 60 characters.
fn write_table(header: &[String], rows: &[Vec<String>], out: &mut dyn Write) -> Result<()> {
    const MAX: usize = 60;
    let cut = |s: &str| -> String {
        let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > MAX {
            format!("{}…", one_line.chars().take(MAX - 1).collect::<String>())
        } else {
            one_line
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cut(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(header))?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    writeln!(out, "{}", line(&rule))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    writeln!(out, "({} rows)", rows.len())?;
    Ok(())
}
