//! The commands behind the binary: each reads its inputs, runs the pipeline
//! and writes data to `out` and messages to stderr. They return the exit
//! status: [`Status::Ok`], or [`Status::Skipped`] when some documents could
//! not be used (they are named on stderr; the others were processed).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::analyze::{self, Settings};
use crate::corpus::{Decoded, Skipped};
use crate::eval::Outcome;
use crate::export::ExportFormat;
use crate::facts::Relation;
use crate::query::{CannedQuery, OutputFormat};
use crate::remote::{Endpoint, Queryable, Source};
use crate::rules::Rules;
use crate::store::{self, Location};
use crate::views::{self, View};
use crate::{evaluate, run_corpus};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Finished, but some input files were skipped.
    Skipped,
}

/// Where the reading commands (`query`, `sparql`, `analyze`, `render`,
/// `serve`) read from.
#[derive(Debug, Clone)]
pub enum ReadFrom {
    /// The embedded store.
    Store(Location),
    /// A remote SPARQL 1.1 query endpoint; each request may take at most
    /// `timeout` seconds.
    Endpoint { url: String, timeout: f64 },
}

impl std::fmt::Display for ReadFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFrom::Store(l) => write!(f, "{l}"),
            ReadFrom::Endpoint { url, .. } => write!(f, "{url}"),
        }
    }
}

impl ReadFrom {
    /// Opens the store (read-only) or connects to nothing yet (the first
    /// query will).
    pub fn open(&self) -> Result<Source> {
        match self {
            ReadFrom::Store(location) => Ok(Source::Store(store::open_existing(location)?)),
            ReadFrom::Endpoint { url, timeout } => {
                if !(*timeout > 0.0 && timeout.is_finite()) {
                    anyhow::bail!("--endpoint-timeout must be a positive number of seconds");
                }
                Ok(Source::Endpoint(Endpoint::new(
                    url,
                    std::time::Duration::from_secs_f64(*timeout),
                )?))
            }
        }
    }
}

/// Options shared by the commands that read a corpus.
pub struct CorpusOptions {
    pub corpus: PathBuf,
    pub rules: Option<PathBuf>,
    pub max_bytes: u64,
}

impl CorpusOptions {
    fn rules(&self) -> Result<Rules> {
        let dir = self.rules_dir();
        Rules::load(&dir).with_context(|| format!("loading rules from {}", dir.display()))
    }

    fn rules_dir(&self) -> PathBuf {
        self.rules.clone().unwrap_or_else(Rules::default_dir)
    }
}

/// Prints a note per decoded document and a line per skipped file or
/// folder; [`Status::Skipped`] when anything was skipped (decoding alone is
/// no skip).
fn report_skipped(decoded: &[Decoded], skipped: &[Skipped]) -> Status {
    for d in decoded {
        eprintln!("socialgraf: {d}");
    }
    for s in skipped {
        eprintln!("socialgraf: {s}");
    }
    if skipped.is_empty() {
        Status::Ok
    } else {
        Status::Skipped
    }
}

/// `socialgraf facts`: one facts TSV per document.
pub fn facts(opts: &CorpusOptions, out_dir: &Path, out: &mut dyn Write) -> Result<Status> {
    let rules = opts.rules()?;
    let run = run_corpus(&opts.corpus, &rules, opts.max_bytes)?;
    crate::write_facts(&run, out_dir)?;
    let status = report_skipped(&run.decoded(), &run.skipped);
    writeln!(
        out,
        "wrote {} facts for {} documents to {}",
        run.facts().count(),
        run.docs.len(),
        out_dir.display()
    )?;
    Ok(status)
}

/// `socialgraf eval`: precision, recall and F1 against gold.
pub fn eval(
    opts: &CorpusOptions,
    gold: &Path,
    show_errors: bool,
    by_rule: bool,
    out: &mut dyn Write,
) -> Result<Status> {
    let rules = opts.rules()?;
    let run = run_corpus(&opts.corpus, &rules, opts.max_bytes)?;
    let status = report_skipped(&run.decoded(), &run.skipped);
    let ev = evaluate(&run, gold)?;
    if show_errors {
        for (doc, f, o) in &ev.outcomes {
            if *o == Outcome::FalsePositive {
                let row = crate::fact_row(f);
                writeln!(
                    out,
                    "FP\t{doc}\t{}\t[{}]\n\tevidence: {}",
                    row.line, f.rule, f.evidence
                )?;
            }
        }
        // Each document is normalised once, not once per missed fact.
        let mut texts: BTreeMap<&str, crate::text::Text> = BTreeMap::new();
        for (doc, g) in &ev.missed {
            let text = match texts.entry(doc) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let original = run
                        .docs
                        .iter()
                        .find(|d| &d.id == doc)
                        .map_or("", |d| d.text.as_str());
                    e.insert(crate::text::Text::new(original))
                }
            };
            let evidence = find_evidence(text, &g.subject);
            writeln!(
                out,
                "FN\t{doc}\t{}\n\tevidence: {}",
                g.line,
                evidence.unwrap_or_else(|| "(subject not found in the text)".to_string())
            )?;
        }
        writeln!(out)?;
    }
    if by_rule {
        let mut rules_seen: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for (_, f, o) in &ev.outcomes {
            let e = rules_seen.entry(&f.rule).or_default();
            match o {
                Outcome::TruePositive => e.0 += 1,
                Outcome::Optional => e.1 += 1,
                Outcome::FalsePositive => e.2 += 1,
            }
        }
        writeln!(
            out,
            "{:40} {:>5} {:>5} {:>5} {:>6}",
            "rule", "tp", "opt", "fp", "prec"
        )?;
        for (r, (tp, opt, fp)) in rules_seen {
            let p = if tp + fp > 0 {
                tp as f64 / (tp + fp) as f64
            } else {
                1.0
            };
            writeln!(out, "{r:40} {tp:5} {opt:5} {fp:5} {p:6.3}")?;
        }
        writeln!(out)?;
    }
    write!(out, "{}", ev.report.table())?;
    Ok(status)
}

/// The first sentence of a text that contains one of a gold subject's
/// alternatives.
fn find_evidence(text: &crate::text::Text, subject: &str) -> Option<String> {
    for alt in subject.split('|').filter(|a| !a.is_empty()) {
        let needle = alt.to_lowercase();
        if let Some(s) = text
            .sentences
            .iter()
            .find(|s| text.sentence_text(s).to_lowercase().contains(&needle))
        {
            return Some(
                text.sentence_text(s)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    None
}

/// `socialgraf build`: brings the store in line with the corpus, writes
/// the graph as Turtle when asked, and prints a summary.
pub fn build(
    opts: &CorpusOptions,
    location: &Location,
    turtle: Option<&Path>,
    examples: usize,
    out: &mut dyn Write,
) -> Result<Status> {
    let rules = opts.rules()?;
    let fingerprint = Rules::fingerprint(&opts.rules_dir())?;
    let store = store::open(location)?;
    let run = crate::sync_corpus(&store, &opts.corpus, &rules, &fingerprint, opts.max_bytes)?;
    let report = &run.report;
    // Written out of the write-ahead log into the store's files now, not
    // replayed by whoever opens the store next (17 s after a 5 MB build).
    // After a bulk load, this waits for RocksDB to merge the loaded files,
    // which would otherwise slow down the next command.
    store::flush(&store, location)?;
    let status = report_skipped(&run.decoded, &run.skipped);
    for d in &run.diagnostics {
        eprintln!("socialgraf: {}: {}", d.doc, d.message);
    }
    // The whole graph in output order only when it is written: on a large
    // store that costs more than the rest of an incremental build.
    if let Some(path) = turtle {
        let ttl = crate::export::turtle(&store::corpus_graph(&store)?)?;
        crate::write_atomically(path, ttl.as_bytes())?;
    }

    let summary = StoreSummary::of(&store)?;
    writeln!(
        out,
        "socialgraf: {} documents, {} facts in the store ({} quads written now)",
        report.added.len() + report.changed.len() + report.unchanged.len(),
        summary.facts,
        run.quads_written
    )?;
    writeln!(
        out,
        "  store {location}: {} added, {} changed, {} removed, {} unchanged{}",
        report.added.len(),
        report.changed.len(),
        report.removed.len(),
        report.unchanged.len(),
        if report.rules_changed && !report.changed.is_empty() {
            " (rules changed: every document extracted again)"
        } else {
            ""
        }
    )?;
    if report.analytics_dropped {
        writeln!(
            out,
            "  analytics results removed (the graph changed): run `socialgraf analyze --write` again"
        )?;
    }
    writeln!(out, "  facts by relation:")?;
    for (r, n) in Relation::ALL.iter().zip(&summary.by_relation) {
        writeln!(out, "    {:12} {n}", r.as_str())?;
    }
    let [persons, organisations, municipalities, initiatives] = summary.entities;
    writeln!(
        out,
        "  entities: {persons} persons, {organisations} organisations, {municipalities} municipalities with facts, {initiatives} initiatives",
    )?;
    let (actors, groups, largest) = summary.actor_groups;
    writeln!(
        out,
        "  actors: {actors} persons and organisations linked by memberships, in {groups} connected groups (largest: {largest})"
    )?;
    if examples > 0 && !run.examples.is_empty() {
        writeln!(
            out,
            "  some facts of the documents extracted now, with evidence:"
        )?;
    }
    for f in run.examples.iter().take(examples) {
        let row = crate::fact_row(f);
        let ev: String = f.evidence.chars().take(160).collect();
        writeln!(
            out,
            "    {}\n      \"{}\" ({} chars {}..{}, rule {})",
            row.line.replace('\t', " | "),
            ev,
            f.doc,
            f.start,
            f.end,
            f.rule
        )?;
    }
    if let Some(path) = turtle {
        writeln!(out, "  graph written to {}", path.display())?;
    }
    Ok(status)
}

/// The counts `build` prints about the whole store.
struct StoreSummary {
    facts: u64,
    /// In the order of [`Relation::ALL`].
    by_relation: Vec<u64>,
    /// Persons, organisations (not municipalities), municipalities with
    /// facts, initiatives.
    entities: [u64; 4],
    actor_groups: (usize, usize, usize),
}

impl StoreSummary {
    /// Runs the summary's queries, in parallel: they are independent reads,
    /// and after a small incremental build they take longer than the
    /// build's own writes.
    fn of(store: &oxigraph::store::Store) -> Result<StoreSummary> {
        use rayon::prelude::*;
        let relations = Relation::ALL.iter().map(|r| {
            // sg:relation belongs to facts alone (its domain): no join with
            // their type, which costs a scan of every fact.
            format!(
                "SELECT (COUNT(?f) AS ?n) WHERE {{ ?f sg:relation \"{}\" }}",
                r.as_str()
            )
        });
        let queries: Vec<String> = [
            "SELECT (COUNT(?f) AS ?n) WHERE { ?f a sg:Fact }",
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a foaf:Person }",
            "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization FILTER NOT EXISTS { ?o a sg:Municipality } }",
            "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a sg:Municipality { ?f rdf:object ?m } UNION { ?f rdf:subject ?m } UNION { ?u sg:inMunicipality ?m } }",
            "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a sg:Initiative }",
        ]
        .into_iter()
        .map(str::to_string)
        .chain(relations)
        .collect();
        let (counts, actor_groups) = rayon::join(
            || {
                (queries.par_iter())
                    .map(|q| store::count(store, &format!("{PREFIXES} {q}")))
                    .collect::<Result<Vec<u64>>>()
            },
            || crate::actor_groups(store),
        );
        let counts = counts?;
        Ok(StoreSummary {
            facts: counts[0],
            entities: [counts[1], counts[2], counts[3], counts[4]],
            by_relation: counts[5..].to_vec(),
            actor_groups: actor_groups?,
        })
    }
}

/// The prefixes the summary queries use.
const PREFIXES: &str = "PREFIX sg: <https://w3id.org/socialgraf/ns#> PREFIX org: <http://www.w3.org/ns/org#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>";

/// The rules of `rules_dir`, else the default folder's.
fn load_rules(rules_dir: Option<&Path>) -> Result<Rules> {
    match rules_dir {
        Some(d) => Rules::load(d).with_context(|| format!("loading rules from {}", d.display())),
        None => Rules::load_default(),
    }
}

/// `socialgraf bench load`: the load test of [`crate::load`] against a
/// running server; an error when any request failed.
pub fn bench_load(opts: &crate::load::LoadOptions, out: &mut dyn Write) -> Result<Status> {
    let report = crate::load::run(opts)?;
    write!(out, "{report}")?;
    if report.errors > 0 {
        bail!("{} of {} requests failed", report.errors, report.sent);
    }
    Ok(Status::Ok)
}

/// `socialgraf bench corpus`: writes `docs` synthetic documents to `dir`
/// (in parallel; each file written whole, through a temporary file).
pub fn bench_corpus(
    rules_dir: Option<&Path>,
    docs: usize,
    dir: &Path,
    seed: u64,
    out: &mut dyn Write,
) -> Result<Status> {
    use rayon::prelude::*;
    let rules = load_rules(rules_dir)?;
    let generator = crate::synth_corpus::Generator::new(&rules, seed)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let bytes = (0..docs)
        .into_par_iter()
        .map(|i| {
            let (name, text) = generator.document(i);
            let path = dir.join(name);
            crate::write_atomically(&path, text.as_bytes())?;
            Ok(text.len())
        })
        .sum::<Result<usize>>()?;
    writeln!(
        out,
        "wrote {docs} documents, {:.1} MB, to {}",
        bytes as f64 / 1e6,
        dir.display()
    )?;
    Ok(Status::Ok)
}

/// `socialgraf ontology`: writes the problem concept scheme.
pub fn ontology(rules_dir: Option<&Path>, problems: &Path, out: &mut dyn Write) -> Result<Status> {
    let rules = load_rules(rules_dir)?;
    let ttl = crate::ontology::problems_ttl(&rules)?;
    crate::write_atomically(problems, ttl.as_bytes())?;
    writeln!(
        out,
        "wrote {} concepts to {}",
        rules.concepts.len(),
        problems.display()
    )?;
    Ok(Status::Ok)
}

/// `socialgraf query --list`: the canned queries with their parameters.
pub fn list_queries(dir: &Path, out: &mut dyn Write) -> Result<Status> {
    for q in CannedQuery::load_dir(dir)? {
        writeln!(out, "{}\n    {}", q.name, q.description)?;
        for p in &q.params {
            writeln!(
                out,
                "    --param {}=VALUE  {} (e.g. {})",
                p.name, p.meaning, p.example
            )?;
        }
    }
    Ok(Status::Ok)
}

/// `socialgraf query NAME --param K=V`: runs a canned query.
pub fn query(
    dir: &Path,
    from: &ReadFrom,
    name: &str,
    params: &[(String, String)],
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<Status> {
    let queries = CannedQuery::load_dir(dir)?;
    let Some(q) = queries.iter().find(|q| q.name == name) else {
        let names: Vec<&str> = queries.iter().map(|q| q.name.as_str()).collect();
        anyhow::bail!(
            "no canned query `{name}` in {} (there are: {})",
            dir.display(),
            names.join(", ")
        );
    };
    let given: BTreeMap<String, String> = params.iter().cloned().collect();
    let bindings = q.bindings(&given)?;
    let source = from.open()?;
    let results = source
        .run(&q.text, &bindings)
        .with_context(|| format!("running {} on {from}", q.path.display()))?;
    crate::query::write_results(results, format, out)?;
    Ok(Status::Ok)
}

/// `socialgraf sparql`: runs an ad-hoc query, given as text or in a file.
pub fn sparql(
    from: &ReadFrom,
    query: Option<&str>,
    file: Option<&Path>,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<Status> {
    let text = match (query, file) {
        (Some(q), _) => q.to_string(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?
        }
        (None, None) => anyhow::bail!("give a query or -f FILE"),
    };
    let results = from
        .open()?
        .run(&text, &[])
        .with_context(|| format!("running the query on {from}"))?;
    crate::query::write_results(results, format, out)?;
    Ok(Status::Ok)
}

/// `socialgraf load FILE...`: loads RDF files into the store. A file of
/// triples goes to a named graph of its own (loading it again replaces it);
/// a file of quads keeps its graphs. A file that does not parse is named
/// with the error and leaves the store as it was; the others are loaded.
pub fn load(location: &Location, files: &[PathBuf], out: &mut dyn Write) -> Result<Status> {
    let store = store::open(location)?;
    let mut status = Status::Ok;
    for f in files {
        match store::load_file(&store, f) {
            Ok(n) => writeln!(out, "loaded {n} quads from {}", f.display())?,
            Err(e) => {
                eprintln!("socialgraf: {}: {e:#}", f.display());
                status = Status::Skipped;
            }
        }
    }
    store::flush(&store, location)?;
    Ok(status)
}

/// `socialgraf export`: the whole store in an RDF format.
pub fn export(
    location: &Location,
    format: ExportFormat,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Status> {
    let store = store::open_existing(location)?;
    let bytes = crate::export::export(&store, format)?;
    match file {
        Some(path) => {
            crate::write_atomically(path, &bytes)?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => out.write_all(&bytes)?,
    }
    Ok(Status::Ok)
}

/// `socialgraf backup TARGET`: the store copied into the new folder `TARGET`.
pub fn backup(location: &Location, target: &Path, out: &mut dyn Write) -> Result<Status> {
    let quads = store::backup(location, target)?;
    writeln!(
        out,
        "backed up the store at {location} to {} ({quads} quads); restore with `socialgraf restore {} --store DIR`",
        target.display(),
        target.display()
    )?;
    Ok(Status::Ok)
}

/// `socialgraf restore BACKUP`: a backup copied into a new store folder.
pub fn restore(backup: &Path, location: &Location, out: &mut dyn Write) -> Result<Status> {
    let quads = store::restore(backup, location)?;
    writeln!(
        out,
        "restored {} into the store at {location} ({quads} quads)",
        backup.display()
    )?;
    Ok(Status::Ok)
}

/// `socialgraf export --shard-quads N --out DIR`: the store as N-Quads
/// shards of at most `per_shard` quads.
pub fn export_shards(
    location: &Location,
    format: ExportFormat,
    per_shard: usize,
    dir: &Path,
    out: &mut dyn Write,
) -> Result<Status> {
    if format != ExportFormat::NQuads {
        anyhow::bail!("--shard-quads writes N-Quads only: give --format nquads");
    }
    let store = store::open_existing(location)?;
    let shards = crate::export::nquads_shards(&store, per_shard, dir)?;
    writeln!(
        out,
        "wrote {} shards of at most {per_shard} quads to {}",
        shards.len(),
        dir.display()
    )?;
    Ok(Status::Ok)
}

/// The options of `socialgraf serve`, as given.
pub struct ServeArgs {
    pub bind: std::net::SocketAddr,
    pub timeout: f64,
    pub max_rows: usize,
    pub max_body: usize,
    pub max_concurrent: usize,
    pub max_connections: usize,
    pub read_timeout: f64,
    pub allow_update: bool,
    pub token_file: Option<PathBuf>,
    pub queries: Option<PathBuf>,
    /// The rules folder, for the problems' labels.
    pub rules: Option<PathBuf>,
}

/// A secret from `file`, else from the environment variable `var` (never
/// from the command line), trimmed; `None` when neither is given.
fn read_token(file: Option<&Path>, var: &str) -> Result<Option<String>> {
    let token = match file {
        Some(f) => Some(
            std::fs::read_to_string(f)
                .with_context(|| format!("reading the token file {}", f.display()))?,
        ),
        None => std::env::var(var).ok(),
    };
    Ok(token.map(|t| t.trim().to_string()))
}

/// `socialgraf push`: the store's graph to another store's SPARQL Update
/// endpoint.
pub fn push(
    location: &Location,
    endpoint: &str,
    graph: Option<&str>,
    batch: usize,
    attempts: u32,
    token_file: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Status> {
    if !endpoint.starts_with("http://") {
        anyhow::bail!("--endpoint must be an http:// URL (got {endpoint})");
    }
    let graph = graph
        .map(|g| {
            oxigraph::model::NamedNode::new(g).with_context(|| format!("--graph {g} is not an IRI"))
        })
        .transpose()?;
    let token = read_token(token_file, "SOCIALGRAF_PUSH_TOKEN")?;
    let store = store::open_existing(location)?;
    let settings = crate::push::PushSettings {
        endpoint: endpoint.to_string(),
        graph,
        batch,
        token,
        attempts,
        backoff: std::time::Duration::from_millis(500),
    };
    let report = crate::push::push(&store, &settings)?;
    writeln!(
        out,
        "pushed {} quads in {} batches to {endpoint} ({} retries)",
        report.quads, report.batches, report.retries
    )?;
    Ok(Status::Ok)
}

/// `socialgraf serve`: the HTTP endpoint, until stopped. Prints the address
/// it listens on once it is ready.
pub fn serve(from: &ReadFrom, args: ServeArgs, out: &mut dyn Write) -> Result<Status> {
    let update_token = if args.allow_update {
        let token =
            read_token(args.token_file.as_deref(), "SOCIALGRAF_TOKEN")?.ok_or_else(|| {
                anyhow::anyhow!(
                    "--allow-update needs a token: --token-file FILE or $SOCIALGRAF_TOKEN"
                )
            })?;
        if token.len() < 16 {
            anyhow::bail!("the update token must be at least 16 characters long");
        }
        if !args.bind.ip().is_loopback() {
            eprintln!(
                "socialgraf: warning: updates are allowed and {} is reachable from other machines",
                args.bind
            );
        }
        Some(token)
    } else {
        None
    };
    for (flag, seconds) in [
        ("--timeout", args.timeout),
        ("--read-timeout", args.read_timeout),
    ] {
        if !(seconds > 0.0 && seconds.is_finite()) {
            anyhow::bail!("{flag} must be a positive number of seconds");
        }
    }
    let source = match (from, &update_token) {
        (ReadFrom::Endpoint { url, .. }, Some(_)) => anyhow::bail!(
            "--allow-update writes to the local store only; a server reading from \
             --endpoint {url} is read-only"
        ),
        (ReadFrom::Store(location), Some(_)) => Source::Store(store::open(location)?),
        // A remote request may take no longer than a query may.
        (ReadFrom::Endpoint { url, timeout }, None) => ReadFrom::Endpoint {
            url: url.clone(),
            timeout: timeout.min(args.timeout),
        }
        .open()?,
        (ReadFrom::Store(_), None) => from.open()?,
    };
    let options = crate::serve::ServeOptions {
        bind: args.bind,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
        max_rows: args.max_rows,
        max_body: args.max_body,
        max_concurrent: args.max_concurrent.max(1),
        max_connections: args.max_connections.max(1),
        read_timeout: std::time::Duration::from_secs_f64(args.read_timeout),
        update_token,
        queries_dir: args.queries.unwrap_or_else(CannedQuery::default_dir),
        problem_labels: problem_labels(args.rules.as_deref())?,
    };
    let mut ready: Result<()> = Ok(());
    crate::serve::serve(source, options, |addr| {
        ready = writeln!(out, "socialgraf: serving http://{addr}/ (SPARQL at /query)")
            .and_then(|()| out.flush())
            .map_err(Into::into);
    })?;
    ready?;
    Ok(Status::Ok)
}

/// What `socialgraf analyze` shows.
#[derive(Debug, Clone, Copy)]
pub enum AnalyzeTask {
    RecurringProblems,
    Communities(View),
    Centrality { view: View, top: usize },
    Edges(View),
}

/// The problem concepts' IRIs and Swedish labels (the scheme lives in the
/// rules, not in the graph).
fn problem_labels(rules_dir: Option<&Path>) -> Result<BTreeMap<String, String>> {
    let rules = load_rules(rules_dir)?;
    Ok(rules
        .concepts
        .iter()
        .map(|c| {
            let iri = crate::rdf::ids::concept(&c.id).as_str().to_string();
            (iri, c.label_sv.clone())
        })
        .collect())
}

/// `socialgraf analyze`: recurring problems, communities, centrality or a
/// view's edges as a table; with `write`, every view's results stored in
/// the analytics graph (replacing the previous run's).
pub fn analyze(
    from: &ReadFrom,
    rules_dir: Option<&Path>,
    task: Option<AnalyzeTask>,
    write: bool,
    settings: &Settings,
    format: OutputFormat,
    out: &mut dyn Write,
) -> Result<Status> {
    use crate::query::{Cell, write_rows};
    let labels = problem_labels(rules_dir)?;
    let source = match (from, write) {
        (ReadFrom::Endpoint { url, .. }, true) => anyhow::bail!(
            "analyze --write stores its results in the local store only; \
             drop --endpoint {url} (and push the store again afterwards)"
        ),
        (ReadFrom::Store(location), true) => Source::Store(store::open(location)?),
        (_, false) => from.open()?,
    };
    let view = |v: View| views::build(&source, v, &labels);
    match task {
        None => {}
        Some(AnalyzeTask::RecurringProblems) => {
            let links = views::ProblemLinks::read(&source, &labels)?;
            let rows: Vec<Vec<Cell>> = links
                .recurring()
                .into_iter()
                .map(|r| {
                    vec![
                        Cell::Text(r.label),
                        Cell::Int(r.municipalities.len()),
                        Cell::Int(r.documents),
                        Cell::Text(r.municipalities.join(", ")),
                        Cell::Text(r.iri),
                    ]
                })
                .collect();
            let header = ["problem", "municipalities", "documents", "where", "iri"];
            write_rows(&header, &rows, format, out)?;
        }
        Some(AnalyzeTask::Communities(v)) => {
            let partition = analyze::communities(&view(v)?, settings);
            let rows: Vec<Vec<Cell>> = (partition.communities.iter())
                .map(|c| {
                    let names: Vec<&str> = c.members.iter().map(|m| m.label.as_str()).collect();
                    vec![
                        Cell::Int(c.id),
                        Cell::Int(c.members.len()),
                        Cell::Num(c.contribution),
                        Cell::Text(names.join(", ")),
                    ]
                })
                .collect();
            let header = ["community", "size", "modularity", "members"];
            write_rows(&header, &rows, format, out)?;
            if format == OutputFormat::Table {
                writeln!(out, "modularity {:.6}", partition.modularity)?;
            }
        }
        Some(AnalyzeTask::Centrality { view: v, top }) => {
            let rows: Vec<Vec<Cell>> = analyze::centrality(&view(v)?, settings)
                .into_iter()
                .take(top)
                .map(|c| {
                    vec![
                        Cell::Text(c.node.label),
                        Cell::Text(c.node.kind.name().to_string()),
                        Cell::Num(c.pagerank),
                        Cell::Num(c.betweenness),
                        Cell::Int(c.degree),
                        Cell::Num(c.weighted_degree),
                        Cell::Int(c.component),
                        Cell::Text(c.node.iri),
                    ]
                })
                .collect();
            let header = [
                "node",
                "kind",
                "pagerank",
                "betweenness",
                "degree",
                "weighted_degree",
                "component",
                "iri",
            ];
            write_rows(&header, &rows, format, out)?;
        }
        Some(AnalyzeTask::Edges(v)) => {
            let g = view(v)?;
            let rows: Vec<Vec<Cell>> = g
                .edge_indices()
                .filter_map(|e| {
                    let (a, b) = g.edge_endpoints(e)?;
                    Some(vec![
                        Cell::Text(g[a].iri.clone()),
                        Cell::Text(g[b].iri.clone()),
                        Cell::Num(g[e]),
                        Cell::Text(g[a].label.clone()),
                        Cell::Text(g[b].label.clone()),
                    ])
                })
                .collect();
            let header = ["source", "target", "weight", "source_label", "target_label"];
            write_rows(&header, &rows, format, out)?;
        }
    }
    if write {
        let started = oxsdatatypes::DateTime::now().to_string();
        let mut results = Vec::new();
        for v in View::ALL {
            results.push(analyze::analyse(v, &view(v)?, settings));
        }
        let ended = oxsdatatypes::DateTime::now().to_string();
        let triples = analyze::analytics_triples(&results, settings, &started, &ended);
        let Some(store) = source.store() else {
            anyhow::bail!("internal: analyze --write without a local store");
        };
        store::replace_graph(store, &crate::rdf::graphs::analytics(), &triples)?;
        for r in &results {
            eprintln!(
                "socialgraf: {}: {} nodes, {} edges, {} communities (modularity {:.4})",
                r.view.name(),
                r.nodes,
                r.edges,
                r.partition.communities.len(),
                r.partition.modularity
            );
        }
        eprintln!(
            "socialgraf: wrote {} triples to graph <{}> in {from}",
            triples.len(),
            crate::rdf::graphs::analytics().as_str()
        );
    }
    Ok(Status::Ok)
}

/// What `socialgraf render` draws; the problem as the user named it.
#[derive(Debug, Clone)]
pub enum RenderTask {
    Map { problem: Option<String> },
    Heatmap,
    Network(View),
}

/// `socialgraf render`: a picture of the graph as SVG, to `file` (written
/// whole or not at all) or standard output.
pub fn render(
    from: &ReadFrom,
    rules_dir: Option<&Path>,
    task: RenderTask,
    settings: &Settings,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Status> {
    use crate::render::figures::{self, Picture};
    let labels = problem_labels(rules_dir)?;
    let picture = match task {
        RenderTask::Map { problem: None } => Picture::Map { problem: None },
        RenderTask::Map {
            problem: Some(name),
        } => Picture::Map {
            problem: Some(figures::find_problem(&labels, &name).map_err(anyhow::Error::msg)?),
        },
        RenderTask::Heatmap => Picture::Heatmap,
        RenderTask::Network(view) => Picture::Network(view),
    };
    let source = from.open()?;
    let svg = figures::draw(&source, &labels, &picture, settings)
        .with_context(|| format!("drawing from {from}"))?;
    match file {
        Some(path) => {
            crate::write_atomically(path, svg.as_bytes())?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => out.write_all(svg.as_bytes())?,
    }
    Ok(Status::Ok)
}
