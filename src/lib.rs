//! socialgraf turns Swedish texts about municipal social services into a
//! knowledge graph of people, organisations, initiatives and the problems
//! they work on, with the evidence for every fact.
//!
//! The pipeline, in the order data flows through it:
//! [`corpus`] (read files) → [`text`] (normalise, split) → [`extract`]
//! (rules → facts) → [`resolve`] (names → entities) → [`rdf`] (facts →
//! triples) → [`store`] (Oxigraph; [`ingest`] streams a corpus into it) →
//! [`export`] (Turtle). [`eval`] scores
//! facts against gold. The rules themselves are data, loaded by [`rules`].
//! [`render`] draws pictures (map, heatmap, network) from plain data.

pub mod algo;
pub mod analyze;
pub mod app;
pub mod corpus;
pub mod eval;
pub mod export;
pub mod extract;
pub mod facts;
pub mod ingest;
pub mod invariants;
pub mod load;
pub mod ontology;
pub mod pattern;
pub mod prefilter;
pub mod push;
pub mod query;
pub mod rdf;
pub mod remote;
pub mod render;
pub mod resolve;
pub mod rules;
pub mod serve;
pub mod store;
pub mod synth;
pub mod synth_corpus;
pub mod text;
pub mod views;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::corpus::{Document, Skipped};
use crate::extract::{Diagnostic, Extraction, Extractor};
use crate::facts::{Fact, Relation, Row};
use crate::ingest::{corpus_source, quads_in};
use crate::rules::Rules;

pub use ingest::{SyncReport, SyncRun, sync_corpus};

/// The documents of a corpus with what was extracted from each.
pub struct CorpusRun {
    pub docs: Vec<Document>,
    pub extractions: Vec<Extraction>,
    pub skipped: Vec<Skipped>,
}

impl CorpusRun {
    pub fn facts(&self) -> impl Iterator<Item = &Fact> {
        self.extractions.iter().flat_map(|e| &e.facts)
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.extractions.iter().flat_map(|e| &e.diagnostics)
    }

    /// The documents decoded from another encoding than UTF-8.
    pub fn decoded(&self) -> Vec<corpus::Decoded> {
        self.docs.iter().filter_map(Document::decoded).collect()
    }
}

/// Reads a corpus folder and extracts every document, in parallel, with a
/// progress bar when stderr is a terminal.
pub fn run_corpus(dir: &Path, rules: &Rules, max_bytes: u64) -> Result<CorpusRun> {
    let (docs, skipped) = corpus::read_corpus(dir, max_bytes)
        .with_context(|| format!("reading corpus folder {}", dir.display()))?;
    Ok(extract_documents(docs, skipped, rules))
}

/// Extracts documents in parallel, with a progress bar when stderr is a
/// terminal.
fn extract_documents(docs: Vec<Document>, skipped: Vec<Skipped>, rules: &Rules) -> CorpusRun {
    let extractor = Extractor::new(rules);
    let bar = ingest::progress_bar(docs.len());
    let extractions: Vec<Extraction> = docs
        .par_iter()
        .map(|d| {
            let e = extractor.extract(&d.id, &d.text);
            bar.inc(1);
            e
        })
        .collect();
    bar.finish_and_clear();
    CorpusRun {
        docs,
        extractions,
        skipped,
    }
}

/// Writes one facts TSV per document into `out`.
pub fn write_facts(run: &CorpusRun, out: &Path) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (d, e) in run.docs.iter().zip(&run.extractions) {
        let path = out.join(format!("{}.tsv", d.id));
        write_atomically(&path, facts::write_tsv(&e.facts).as_bytes())?;
    }
    Ok(())
}

/// Writes a file through a temporary sibling and a rename, so a reader
/// never sees it half-written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// A fact as the scorer sees it (the TSV row it is written as).
pub fn fact_row(f: &Fact) -> Row {
    Row {
        relation: f.relation,
        subject: facts::clean(&f.subject),
        role: facts::clean(&f.role),
        object: facts::clean(&f.object),
        kommun: f.kommun.clone(),
        required: true,
        line: f.tsv_line(),
    }
}

/// Gold rows per document id, from `<id>.tsv` and `<id>.partK.tsv` files.
pub fn read_gold(dir: &Path) -> Result<BTreeMap<String, Vec<Row>>> {
    let mut out: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("reading gold folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = name.split(".part").next().unwrap_or(&name).to_string();
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let rows =
            facts::read_tsv(&text, true).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        out.entry(stem).or_default().extend(rows);
    }
    Ok(out)
}

/// The outcome of scoring a corpus run against gold.
pub struct Evaluation {
    pub report: eval::Report,
    /// (document, fact, outcome) for every deduplicated emitted fact.
    pub outcomes: Vec<(String, Fact, eval::Outcome)>,
    /// (document, gold row) for every required fact missed.
    pub missed: Vec<(String, Row)>,
}

/// Scores a corpus run against the gold folder (documents with gold only).
pub fn evaluate(run: &CorpusRun, gold_dir: &Path) -> Result<Evaluation> {
    let gold = read_gold(gold_dir)?;
    let mut report = eval::Report::default();
    let mut outcomes = Vec::new();
    let mut missed = Vec::new();
    for (id, g) in &gold {
        let facts: Vec<&Fact> = run
            .docs
            .iter()
            .zip(&run.extractions)
            .filter(|(d, _)| &d.id == id)
            .flat_map(|(_, e)| facts::distinct(&e.facts))
            .collect();
        let rows: Vec<Row> = facts.iter().map(|f| fact_row(f)).collect();
        let score = eval::score_doc(g, &rows);
        report.add_doc(&rows, &score);
        for &(si, o) in &score.system {
            outcomes.push((id.clone(), facts[si].clone(), o));
        }
        for m in score.missed {
            missed.push((id.clone(), m));
        }
    }
    Ok(Evaluation {
        report,
        outcomes,
        missed,
    })
}

/// Builds the RDF graph of a corpus run: municipalities, documents, facts
/// with provenance.
pub fn build_graph(
    run: &CorpusRun,
    rules: &Rules,
    corpus_dir: &Path,
) -> Vec<oxigraph::model::Triple> {
    let mut triples = rdf::shared_triples(rules);
    for (d, e) in run.docs.iter().zip(&run.extractions) {
        let source = corpus_source(corpus_dir, d);
        triples.extend(rdf::document_triples(d, &source, &e.facts, rules));
    }
    rdf::in_output_order(triples)
}

/// The quads a build of a corpus stores (see [`sync_corpus`]): the shared
/// triples (municipalities, counties) in the shared graph and each
/// document's triples in its own named graph. The bookkeeping graph is left
/// out.
pub fn build_dataset(
    run: &CorpusRun,
    rules: &Rules,
    corpus_dir: &Path,
) -> Vec<oxigraph::model::Quad> {
    let documents = run.docs.iter().zip(&run.extractions).flat_map(|(d, e)| {
        quads_in(
            rdf::document_triples(d, &corpus_source(corpus_dir, d), &e.facts, rules),
            rdf::graphs::document(&d.id),
        )
    });
    quads_in(rdf::shared_triples(rules), rdf::graphs::shared())
        .chain(documents)
        .collect()
}

/// A folder of the project's data (`extract`, `queries`) used when none is
/// given: `$ENV_VAR`, else `./NAME` when the current folder is a socialgraf
/// checkout, else the crate's own (found at run time under cargo, so a
/// checkout that moved still finds its own data; the path compiled in is
/// the last resort).
pub fn data_dir(env_var: &str, name: &str) -> std::path::PathBuf {
    use std::path::PathBuf;
    if let Some(dir) = std::env::var_os(env_var) {
        return PathBuf::from(dir);
    }
    let is_checkout = |root: &Path| root.join("extract/gazetteers").is_dir();
    if is_checkout(Path::new(".")) {
        return PathBuf::from(name);
    }
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|d| is_checkout(d))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join(name)
}

/// Counts of facts per relation.
pub fn relation_counts<'a>(facts: impl Iterator<Item = &'a Fact>) -> BTreeMap<Relation, usize> {
    let mut m = BTreeMap::new();
    for f in facts {
        *m.entry(f.relation).or_insert(0) += 1;
    }
    m
}

/// Persons and organisations linked by memberships (`org:Membership` nodes
/// with their `org:member` and `org:organization`) in a store, as a
/// petgraph graph: how many there are, in how many connected groups, and
/// the size of the largest group.
pub fn actor_groups(store: &oxigraph::store::Store) -> Result<(usize, usize, usize)> {
    use petgraph::graph::{NodeIndex, UnGraph};
    use petgraph::unionfind::UnionFind;

    // Each side of the memberships read distinct and joined here: in the
    // union of the documents' graphs a membership's triples repeat once per
    // document that states it, and one query joining both sides grows with
    // the square of that.
    let side = |property: &str| {
        store::objects_by_subject(store, &format!("{}{property}", rdf::vocab::ORG))
    };
    let (members, organisations) = rayon::join(|| side("member"), || side("organization"));
    let (members, organisations) = (members?, organisations?);
    let mut graph: UnGraph<String, ()> = UnGraph::new_undirected();
    let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut node = |g: &mut UnGraph<String, ()>, key: &str| {
        *index
            .entry(key.to_string())
            .or_insert_with(|| g.add_node(key.to_string()))
    };
    for (m, persons) in &members {
        for org in organisations.get(m).into_iter().flatten() {
            for person in persons {
                let person = node(&mut graph, person);
                let org = node(&mut graph, org);
                graph.update_edge(person, org, ());
            }
        }
    }
    let mut groups = UnionFind::new(graph.node_count());
    for e in graph.raw_edges() {
        groups.union(e.source().index(), e.target().index());
    }
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for n in 0..graph.node_count() {
        *sizes.entry(groups.find(n)).or_insert(0) += 1;
    }
    Ok((
        graph.node_count(),
        petgraph::algo::connected_components(&graph),
        sizes.values().copied().max().unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_groups_join_people_through_shared_organisations() {
        let rules = Rules::load_default().expect("rules load");
        let extractor = Extractor::new(&rules);
        let text = "Anna Ek, socialchef i Mora kommun, och Bo Ek, enhetschef i Mora kommun, träffas. Cia Lund, kurator i Vision, var inte där.";
        let doc = Document {
            id: "d".to_string(),
            path: "d.txt".into(),
            text: text.to_string(),
            hash: String::new(),
            encoding: Default::default(),
        };
        let facts = extractor.extract("d", text).facts;
        let triples = rdf::document_triples(&doc, "d.txt", &facts, &rules);
        // Anna and Bo meet through Mora; Cia and Vision form their own group.
        let store = store::memory_store(&triples).expect("store loads");
        assert_eq!(actor_groups(&store).expect("query runs"), (5, 2, 3));
    }
}
