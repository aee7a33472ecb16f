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
use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::Query as SparqlQuery;
use spargebra::algebra::GraphPattern;
use spargebra::term::GroundTerm;

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

    /// The bindings of the parameters' example values (their `# param:`
    /// lines), as benches and timing tools run a query.
    pub fn example_bindings(&self) -> Result<Vec<(Variable, Term)>> {
        let given = self
            .params
            .iter()
            .map(|p| (p.name.clone(), p.example.clone()))
            .collect();
        self.bindings(&given)
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

/// Runs a query on the store with `bindings` bound (see [`parse`]). The
/// default graph is the union of all graphs.
pub fn run(
    store: &Store,
    query: &str,
    bindings: &[(Variable, Term)],
) -> Result<QueryResults<'static>> {
    run_cancellable(store, query, bindings, CancellationToken::new())
}

/// [`run`] with a token that stops the evaluation once cancelled (Oxigraph
/// checks it when it reads the store; the results then end in an error).
pub fn run_cancellable(
    store: &Store,
    query: &str,
    bindings: &[(Variable, Term)],
    token: CancellationToken,
) -> Result<QueryResults<'static>> {
    let parsed = parse(query, bindings).context("parsing the SPARQL query")?;
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token)
        .for_query(parsed);
    prepared.dataset_mut().set_default_graph_as_union();
    prepared
        .on_store(store)
        .execute()
        .context("evaluating the SPARQL query")
}

/// Parses a query and binds `bindings` in it: the values are RDF terms put
/// into the parsed query as a one-row `VALUES` table joined at the start of
/// its WHERE pattern (under its solution modifiers, grouping and HAVING,
/// within the WHERE group's filters, BINDs and OPTIONALs), just as `WHERE {
/// VALUES (?v) { ("x") } ... }` would; never spliced into its text, so a
/// value cannot change the query whatever characters it holds.
///
/// Oxigraph's own `substitute_variable` gives the same answers, but its
/// plans for the canned queries were slower, up to 90 times (`cargo bench
/// --bench queries`).
pub fn parse(query: &str, bindings: &[(Variable, Term)]) -> Result<SparqlQuery> {
    let parsed = spargebra::SparqlParser::new()
        .parse_query(query)
        .map_err(|e| anyhow::anyhow!("SPARQL syntax error: {e}"))?;
    if bindings.is_empty() {
        return Ok(parsed);
    }
    let row = bindings
        .iter()
        .map(|(v, t)| match t {
            Term::NamedNode(n) => Ok(Some(GroundTerm::NamedNode(n.clone()))),
            Term::Literal(l) => Ok(Some(GroundTerm::Literal(l.clone()))),
            other => bail!(
                "?{} cannot be bound to {other}: not an IRI or literal",
                v.as_str()
            ),
        })
        .collect::<Result<Vec<_>>>()?;
    let values = GraphPattern::Values {
        variables: bindings.iter().map(|(v, _)| v.clone()).collect(),
        bindings: vec![row],
    };
    let bound = match parsed {
        SparqlQuery::Select {
            dataset,
            pattern,
            base_iri,
        } => SparqlQuery::Select {
            dataset,
            pattern: with_values(pattern, values),
            base_iri,
        },
        SparqlQuery::Construct {
            template,
            dataset,
            pattern,
            base_iri,
        } => SparqlQuery::Construct {
            template,
            dataset,
            pattern: with_values(pattern, values),
            base_iri,
        },
        SparqlQuery::Describe {
            dataset,
            pattern,
            base_iri,
        } => SparqlQuery::Describe {
            dataset,
            pattern: with_values(pattern, values),
            base_iri,
        },
        SparqlQuery::Ask {
            dataset,
            pattern,
            base_iri,
        } => SparqlQuery::Ask {
            dataset,
            pattern: with_values(pattern, values),
            base_iri,
        },
    };
    Ok(bound)
}

/// Joins `values` to the WHERE pattern of a query's algebra: under the
/// solution modifiers (projection, DISTINCT, ORDER BY, slices), the SELECT
/// expressions, the grouping and HAVING (see [`at_start`] for where in the
/// WHERE pattern).
fn with_values(pattern: GraphPattern, values: GraphPattern) -> GraphPattern {
    use GraphPattern as P;
    let down = |inner: Box<GraphPattern>| Box::new(with_values(*inner, values.clone()));
    match pattern {
        P::Project { inner, variables } => P::Project {
            inner: down(inner),
            variables,
        },
        P::Distinct { inner } => P::Distinct { inner: down(inner) },
        P::Reduced { inner } => P::Reduced { inner: down(inner) },
        P::Slice {
            inner,
            start,
            length,
        } => P::Slice {
            inner: down(inner),
            start,
            length,
        },
        P::OrderBy { inner, expression } => P::OrderBy {
            inner: down(inner),
            expression,
        },
        P::Group {
            inner,
            variables,
            aggregates,
        } => P::Group {
            inner: down(inner),
            variables,
            aggregates,
        },
        // SELECT expressions and HAVING: over the groups.
        P::Extend {
            inner,
            variable,
            expression,
        } if groups(&inner) => P::Extend {
            inner: down(inner),
            variable,
            expression,
        },
        P::Filter { expr, inner } if groups(&inner) => P::Filter {
            expr,
            inner: down(inner),
        },
        other => at_start(other, values),
    }
}

/// Joins `values` at the start of a WHERE group, where `WHERE { VALUES (?v)
/// { ("x") } ... }` puts it: the group's algebra is built left to right
/// (each OPTIONAL a left join, MINUS, BIND an extension of what comes
/// before, FILTERs over the whole group), so the table goes down its left
/// spine, under the filters, BINDs, OPTIONALs, MINUSes and joins, and is
/// joined to the first pattern (not into a sub-select). The filters, BIND
/// expressions and OPTIONAL conditions of the group thus see the bound
/// values. Joins are entered (a join is associative, so the answers are the
/// same either way) because Oxigraph's plans follow the shape: a table
/// joined over the whole group made roles-of-person about 2.5 times slower
/// than the same `VALUES` written in the text.
fn at_start(pattern: GraphPattern, values: GraphPattern) -> GraphPattern {
    use GraphPattern as P;
    match pattern {
        P::Filter { expr, inner } => P::Filter {
            expr,
            inner: Box::new(at_start(*inner, values)),
        },
        P::Extend {
            inner,
            variable,
            expression,
        } => P::Extend {
            inner: Box::new(at_start(*inner, values)),
            variable,
            expression,
        },
        P::LeftJoin {
            left,
            right,
            expression,
        } => P::LeftJoin {
            left: Box::new(at_start(*left, values)),
            right,
            expression,
        },
        P::Minus { left, right } => P::Minus {
            left: Box::new(at_start(*left, values)),
            right,
        },
        P::Join { left, right } => P::Join {
            left: Box::new(at_start(*left, values)),
            right,
        },
        other => P::Join {
            left: Box::new(values),
            right: Box::new(other),
        },
    }
}

/// Whether a pattern is a grouping, under SELECT expressions and HAVING.
fn groups(pattern: &GraphPattern) -> bool {
    match pattern {
        GraphPattern::Group { .. } => true,
        GraphPattern::Extend { inner, .. } | GraphPattern::Filter { inner, .. } => groups(inner),
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, NamedNode, Quad};

    fn store() -> Store {
        let store = Store::new().unwrap();
        let ex = |s: &str| NamedNode::new_unchecked(format!("http://ex.org/{s}"));
        let label = NamedNode::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");
        let member = ex("member");
        let graph = GraphName::NamedNode(ex("g"));
        for (org, name, people) in [
            ("a", "Borås stad", 3),
            ("b", "Partille kommun", 2),
            ("c", "Borås Energi", 1),
            ("d", "Sävsjö \"kommun\" }", 1),
        ] {
            store
                .insert(&Quad::new(
                    ex(org),
                    label.clone(),
                    Literal::new_language_tagged_literal_unchecked(name, "sv"),
                    graph.clone(),
                ))
                .unwrap();
            for p in 0..people {
                store
                    .insert(&Quad::new(
                        ex(&format!("{org}{p}")),
                        member.clone(),
                        ex(org),
                        graph.clone(),
                    ))
                    .unwrap();
            }
        }
        store
    }

    /// Rows of a SELECT as sorted strings (solutions are a bag).
    fn rows(results: QueryResults<'_>) -> Vec<String> {
        let QueryResults::Solutions(solutions) = results else {
            panic!("not solutions")
        };
        let mut rows: Vec<String> = solutions
            .map(|s| {
                let s = s.unwrap();
                let mut cells: Vec<String> = s.iter().map(|(v, t)| format!("{v}={t}")).collect();
                cells.sort();
                cells.join(" ")
            })
            .collect();
        rows.sort();
        rows
    }

    /// `query` with `?name` bound to `value` by [`parse`] answers as
    /// `by_hand`, the same query with a VALUES clause written at the start
    /// of its WHERE group.
    fn same_as_by_hand(query: &str, by_hand: &str, value: &str) -> Vec<String> {
        let store = store();
        let bindings = vec![(
            Variable::new_unchecked("name"),
            Literal::new_simple_literal(value).into(),
        )];
        let bound = rows(run(&store, query, &bindings).unwrap());
        let literal = Literal::new_simple_literal(value).to_string();
        let by_hand = by_hand.replace("$VALUE", &literal);
        let expected = rows(run(&store, &by_hand, &[]).unwrap());
        assert_eq!(bound, expected, "bound by parse vs by hand:\n{by_hand}");
        bound
    }

    const PREFIX: &str =
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX ex: <http://ex.org/>\n";

    #[test]
    fn binding_under_group_by_is_a_values_clause() {
        let q = |values: &str| {
            format!(
                "{PREFIX}SELECT ?org ?name (COUNT(?p) AS ?people) WHERE {{ {values} \
                 ?org rdfs:label ?l . ?p ex:member ?org . \
                 FILTER(CONTAINS(LCASE(STR(?l)), LCASE(?name))) }} \
                 GROUP BY ?org ?name HAVING (COUNT(?p) > 0) ORDER BY DESC(?people)"
            )
        };
        let rows = same_as_by_hand(&q(""), &q("VALUES (?name) { ($VALUE) }"), "borås");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(
            rows.iter().all(|r| r.contains("?name=\"borås\"")),
            "{rows:?}"
        );
    }

    #[test]
    fn binding_within_filter_bind_and_optional_is_a_values_clause() {
        let q = |values: &str| {
            format!(
                "{PREFIX}SELECT DISTINCT ?org ?key ?p WHERE {{ {values} \
                 ?org rdfs:label ?l . \
                 BIND(LCASE(?name) AS ?key) \
                 OPTIONAL {{ ?p ex:member ?org FILTER(STRLEN(?name) > 5) }} \
                 FILTER(LCASE(STR(?l)) = ?key) }} ORDER BY ?org ?p LIMIT 10"
            )
        };
        let rows = same_as_by_hand(&q(""), &q("VALUES (?name) { ($VALUE) }"), "Borås stad");
        assert_eq!(rows.len(), 3, "BIND and OPTIONAL see the value: {rows:?}");
        // A value with quotes and braces is a value, not query text.
        let rows = same_as_by_hand(
            &q(""),
            &q("VALUES (?name) { ($VALUE) }"),
            "Sävsjö \"kommun\" }",
        );
        assert_eq!(rows.len(), 1, "{rows:?}");
        let rows = same_as_by_hand(
            &q(""),
            &q("VALUES (?name) { ($VALUE) }"),
            "x\" } ?org ?p ?o . { \"",
        );
        assert!(rows.is_empty(), "{rows:?}");
    }

    #[test]
    fn binding_a_blank_node_is_refused() {
        let bindings = vec![(
            Variable::new_unchecked("name"),
            oxigraph::model::BlankNode::default().into(),
        )];
        assert!(parse("SELECT * WHERE { ?s ?p ?name }", &bindings).is_err());
    }
}
