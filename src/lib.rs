//! socialgraf turns Swedish texts about municipal social services into a
//! knowledge graph of people, organisations, initiatives and the problems
//! they work on, with the evidence for every fact.
//!
//! The pipeline, in the order data flows through it:
//! [`corpus`] (read files) → [`text`] (normalise, split) → [`extract`]
//! (rules → facts) → [`resolve`] (names → entities) → [`rdf`] (facts →
//! triples) → [`store`] (Oxigraph) → [`export`] (Turtle). [`eval`] scores
//! facts against gold. The rules themselves are data, loaded by [`rules`].

pub mod app;
pub mod corpus;
pub mod eval;
pub mod export;
pub mod extract;
pub mod facts;
pub mod ontology;
pub mod prefilter;
pub mod rdf;
pub mod resolve;
pub mod rules;
pub mod store;
pub mod text;

use std::collections::BTreeMap;
use std::fs;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::corpus::{Document, Skipped};
use crate::extract::{Diagnostic, Extraction, Extractor};
use crate::facts::{Fact, Relation, Row};
use crate::rules::Rules;

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
}

/// Reads a corpus folder and extracts every document, in parallel, with a
/// progress bar when stderr is a terminal.
pub fn run_corpus(dir: &Path, rules: &Rules, max_bytes: u64) -> Result<CorpusRun> {
    let (docs, skipped) = corpus::read_corpus(dir, max_bytes)
        .with_context(|| format!("reading corpus folder {}", dir.display()))?;
    let extractor = Extractor::new(rules);
    let bar = if std::io::stderr().is_terminal() && !docs.is_empty() {
        let bar =
            ProgressBar::with_draw_target(Some(docs.len() as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} extracting [{bar:30}] {pos}/{len} documents ({elapsed})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let extractions: Vec<Extraction> = docs
        .par_iter()
        .map(|d| {
            let e = extractor.extract(&d.id, &d.text);
            bar.inc(1);
            e
        })
        .collect();
    bar.finish_and_clear();
    Ok(CorpusRun {
        docs,
        extractions,
        skipped,
    })
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
    let mut g = rdf::GraphBuilder::new();
    g.add_municipalities(rules);
    for d in &run.docs {
        let rel = d.path.strip_prefix(corpus_dir).unwrap_or(&d.path);
        g.add_document(d, &rel.to_string_lossy().replace('\\', "/"));
    }
    for f in run.facts() {
        g.add_fact(f, rules);
    }
    g.triples()
}

/// Counts of facts per relation.
pub fn relation_counts<'a>(facts: impl Iterator<Item = &'a Fact>) -> BTreeMap<Relation, usize> {
    let mut m = BTreeMap::new();
    for f in facts {
        *m.entry(f.relation).or_insert(0) += 1;
    }
    m
}

/// How the people and organisations of a corpus run hang together: the
/// number of actors (persons and organisations linked by memberships), the
/// number of connected groups they form, and the size of the largest.
/// Built as a petgraph graph; organisations meet across documents by their
/// identity (municipality code or normalised name).
pub fn actor_groups(run: &CorpusRun) -> (usize, usize, usize) {
    use petgraph::graph::{NodeIndex, UnGraph};
    use petgraph::unionfind::UnionFind;

    let mut graph: UnGraph<String, ()> = UnGraph::new_undirected();
    let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut node = |g: &mut UnGraph<String, ()>, key: String| {
        *index.entry(key.clone()).or_insert_with(|| g.add_node(key))
    };
    for f in run.facts().filter(|f| f.relation == Relation::Membership) {
        let person = node(&mut graph, format!("person:{}", eval::norm(&f.subject)));
        let org = node(&mut graph, format!("org:{}", f.identity().3));
        graph.update_edge(person, org, ());
    }
    let mut groups = UnionFind::new(graph.node_count());
    for e in graph.raw_edges() {
        groups.union(e.source().index(), e.target().index());
    }
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for n in 0..graph.node_count() {
        *sizes.entry(groups.find(n)).or_insert(0) += 1;
    }
    (
        graph.node_count(),
        petgraph::algo::connected_components(&graph),
        sizes.values().copied().max().unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_groups_join_people_through_shared_organisations() {
        let rules = Rules::load_default().expect("rules load");
        let extractor = Extractor::new(&rules);
        let text = "Anna Ek, socialchef i Mora kommun, och Bo Ek, enhetschef i Mora kommun, träffas. Cia Lund, kurator i Vision, var inte där.";
        let run = CorpusRun {
            docs: Vec::new(),
            extractions: vec![extractor.extract("d", text)],
            skipped: Vec::new(),
        };
        // Anna and Bo meet through Mora; Cia and Vision form their own group.
        assert_eq!(actor_groups(&run), (5, 2, 3));
    }
}
