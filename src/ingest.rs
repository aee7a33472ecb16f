//! Ingest: a corpus folder into the store, streamed and incremental.
//!
//! Files are read and hashed a chunk at a time, and the added or changed
//! ones extracted a chunk's worth at a time (in parallel within a batch),
//! so memory does not grow with the corpus. A document whose content, path
//! and rules are those of its stored copy is left as it is; the added and
//! changed ones of a batch get their named graphs replaced in one
//! transaction, which writes only the triples that differ; graphs of
//! documents gone from the folder are removed. A new
//! store is filled with Oxigraph's bulk loader instead, in one commit.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use oxigraph::model::{NamedNode, Quad, Triple};
use oxigraph::store::Store;
use rayon::prelude::*;

use crate::corpus::{self, Decoded, Document, DocumentIds, Listing, SkipReason, Skipped};
use crate::extract::{Diagnostic, Extractor};
use crate::facts::{Fact, Relation};
use crate::rules::Rules;
use crate::{rdf, store};

/// Documents read and extracted together: enough to keep every core busy,
/// few enough that a chunk's texts and triples stay small.
const CHUNK_DOCUMENTS: usize = 256;

/// The bulk loader's memory budget in MB, for all its threads (Oxigraph's
/// default is 2 GB per thread). 512 MB gave the same build times as 128 MB
/// at 100 MB of text and 340 MB more peak memory (README, Ingest).
const BULK_LOAD_MB: usize = 128;

/// What a build changed in the store.
#[derive(Debug, Default)]
pub struct SyncReport {
    /// Documents new to the store, changed since the last build, removed
    /// from the corpus, and left as they were.
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: Vec<String>,
    /// Whether the rules changed, so that every document was extracted again.
    pub rules_changed: bool,
    /// Whether results of `analyze --write` were dropped because the graph
    /// they describe changed.
    pub analytics_dropped: bool,
}

/// What a build did, without the documents themselves: what changed, the
/// files skipped and decoded, and what extraction said about the documents
/// it read.
#[derive(Debug, Default)]
pub struct SyncRun {
    pub report: SyncReport,
    /// Files and folders not read, sorted by path.
    pub skipped: Vec<Skipped>,
    /// Documents decoded from another encoding than UTF-8, in corpus order.
    pub decoded: Vec<Decoded>,
    pub diagnostics: Vec<Diagnostic>,
    /// Quads written to the store in this run (the documents' graphs, the
    /// shared graph and the bookkeeping graph).
    pub quads_written: usize,
    /// The first fact of each relation extracted in this run, in corpus
    /// order: examples for a summary.
    pub examples: Vec<Fact>,
}

/// Brings the store in line with a corpus (see the module's header).
/// A change of rules re-extracts everything.
pub fn sync_corpus(
    store: &Store,
    dir: &Path,
    rules: &Rules,
    rules_fingerprint: &str,
    max_bytes: u64,
) -> Result<SyncRun> {
    let Listing {
        files: paths,
        skipped,
    } = corpus::list_files(dir)
        .with_context(|| format!("reading corpus folder {}", dir.display()))?;
    // The resolver's automata are built while the store is read.
    let (extractor, stored) =
        rayon::join(|| Extractor::new(rules), || store::stored_documents(store));
    let mut ingest = Ingest {
        dir,
        rules,
        max_bytes,
        extractor,
        stored: stored?,
        ids: DocumentIds::default(),
        todo: Vec::new(),
        run: SyncRun {
            skipped,
            ..SyncRun::default()
        },
        bar: progress_bar(paths.len()),
    };
    ingest.run.report.rules_changed =
        store::rules_fingerprint(store)?.as_deref() != Some(rules_fingerprint);
    let fingerprint = rdf::rules_fingerprint_triple(rules_fingerprint);
    if store.is_empty().context("reading the store")? {
        // Oxigraph's bulk loader writes the store's files directly, several
        // times faster than transactions, and commits everything at once
        // or nothing.
        let mut loader = store
            .bulk_loader()
            .with_max_memory_size_in_megabytes(BULK_LOAD_MB);
        // The last item, `None`, extracts what the last chunks left.
        let chunks = paths.chunks(CHUNK_DOCUMENTS).map(Some).chain([None]);
        let documents = chunks.flat_map(|chunk| {
            ingest
                .read_and_extract(chunk)
                .into_iter()
                .flat_map(|(graph, triples)| quads_in(triples, graph))
                .collect::<Vec<_>>()
        });
        let mut quads_written = 0;
        loader
            .load_quads(
                quads_in(rdf::shared_triples(rules), rdf::graphs::shared())
                    .chain(documents)
                    .chain(quads_in(vec![fingerprint], rdf::graphs::meta()))
                    .inspect(|_| quads_written += 1),
            )
            .context("loading the graph into the new store")?;
        loader.commit().context("writing the new store")?;
        ingest.run.quads_written = quads_written;
    } else {
        // The rules' fingerprint, and the shared graph when the rules
        // changed: it is made from them alone.
        let mut quads_written = 1;
        if ingest.run.report.rules_changed {
            let shared = rdf::shared_triples(rules);
            store::replace_graph(store, &rdf::graphs::shared(), &shared)?;
            quads_written += shared.len();
        }
        let chunks = paths.chunks(CHUNK_DOCUMENTS).map(Some).chain([None]);
        for chunk in chunks {
            let graphs = ingest.read_and_extract(chunk);
            // One transaction for the batch: each document's graph is
            // replaced whole or not at all, and a commit costs far more
            // than the graph of one document.
            let batch: Vec<(&NamedNode, &[Triple])> =
                graphs.iter().map(|(g, t)| (g, t.as_slice())).collect();
            store::replace_graphs(store, &batch)?;
            quads_written += graphs.iter().map(|(_, t)| t.len()).sum::<usize>();
        }
        ingest.remove_missing(store)?;
        store::replace_graph(store, &rdf::graphs::meta(), &[fingerprint])?;
        ingest.run.quads_written = quads_written;
        let report = &mut ingest.run.report;
        let changed =
            !(report.added.is_empty() && report.changed.is_empty() && report.removed.is_empty());
        if changed && store::has_graph(store, &rdf::graphs::analytics())? {
            store::remove_graph(store, &rdf::graphs::analytics())?;
            report.analytics_dropped = true;
        }
    }
    ingest.bar.finish_and_clear();
    ingest.run.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(ingest.run)
}

/// The state of one [`sync_corpus`].
struct Ingest<'a> {
    dir: &'a Path,
    rules: &'a Rules,
    max_bytes: u64,
    extractor: Extractor<'a>,
    stored: BTreeMap<String, store::StoredDocument>,
    /// Documents read so far.
    ids: DocumentIds,
    /// Documents read, added or changed, and not yet extracted, with their
    /// sources.
    todo: Vec<(Document, String)>,
    run: SyncRun,
    bar: ProgressBar,
}

impl Ingest<'_> {
    /// Reads the files of a chunk (`None` at the end of the corpus) and,
    /// once a chunk's worth of documents is added or changed (or at the
    /// end), extracts them in parallel: batches stay full when few
    /// documents changed. Returns the extracted documents' named graphs
    /// with their triples, in corpus order.
    fn read_and_extract(&mut self, paths: Option<&[PathBuf]>) -> Vec<(NamedNode, Vec<Triple>)> {
        match paths {
            Some(paths) => {
                self.read(paths);
                if self.todo.len() < CHUNK_DOCUMENTS {
                    return Vec::new();
                }
            }
            None if self.todo.is_empty() => return Vec::new(),
            None => {}
        }
        self.extract()
    }

    /// Reads the files of a chunk and sorts each into unchanged, changed,
    /// added or skipped; the changed and added ones join `todo`.
    fn read(&mut self, paths: &[PathBuf]) {
        let read: Vec<Result<Document, SkipReason>> = paths
            .par_iter()
            .map(|p| corpus::read_document(p, self.max_bytes))
            .collect();
        let before = self.todo.len();
        for (path, document) in paths.iter().zip(read) {
            let d = match document.and_then(|d| self.ids.claim(&d).map(|()| d)) {
                Ok(d) => {
                    self.run.decoded.extend(d.decoded());
                    d
                }
                Err(reason) => {
                    self.run.skipped.push(Skipped {
                        path: path.clone(),
                        reason,
                    });
                    continue;
                }
            };
            let source = corpus_source(self.dir, &d);
            let report = &mut self.run.report;
            match self.stored.get(&d.id) {
                Some(s) if s.hash == d.hash && s.source == source && !report.rules_changed => {
                    report.unchanged.push(d.id)
                }
                Some(_) => {
                    report.changed.push(d.id.clone());
                    self.todo.push((d, source));
                }
                None => {
                    report.added.push(d.id.clone());
                    self.todo.push((d, source));
                }
            }
        }
        self.bar
            .inc((paths.len() - (self.todo.len() - before)) as u64);
    }

    /// Extracts the documents of `todo` in parallel and empties it.
    fn extract(&mut self) -> Vec<(NamedNode, Vec<Triple>)> {
        let (extractor, rules, bar) = (&self.extractor, self.rules, &self.bar);
        let done: Vec<_> = std::mem::take(&mut self.todo)
            .par_iter()
            .map(|(d, source)| {
                let e = extractor.extract(&d.id, &d.text);
                let triples = rdf::document_triples(d, source, &e.facts, rules);
                bar.inc(1);
                (rdf::graphs::document(&d.id), triples, e)
            })
            .collect();
        done.into_iter()
            .map(|(graph, triples, e)| {
                for f in e.facts {
                    if !self.run.examples.iter().any(|x| x.relation == f.relation)
                        && self.run.examples.len() < Relation::ALL.len()
                    {
                        self.run.examples.push(f);
                    }
                }
                self.run.diagnostics.extend(e.diagnostics);
                (graph, triples)
            })
            .collect()
    }

    /// Removes the graphs of stored documents no longer in the corpus. A
    /// document that could not be read this time, or that sits in a folder
    /// that could not be listed, keeps its old facts.
    fn remove_missing(&mut self, store: &Store) -> Result<()> {
        let unreadable: BTreeSet<&str> = self
            .run
            .skipped
            .iter()
            .filter_map(|s| s.path.file_stem().and_then(|x| x.to_str()))
            .collect();
        let folders: Vec<String> = self
            .run
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::UnreadableFolder(_)))
            .map(|s| format!("{}/", relative(self.dir, &s.path)))
            .collect();
        for (id, s) in &self.stored {
            let in_unread_folder = folders.iter().any(|f| s.source.starts_with(f));
            if !self.ids.contains(id) && !unreadable.contains(id.as_str()) && !in_unread_folder {
                store::remove_graph(store, &s.graph)?;
                self.run.report.removed.push(id.clone());
            }
        }
        Ok(())
    }
}

/// A progress bar over `len` documents on a terminal, hidden otherwise.
pub(crate) fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() || len == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} extracting [{bar:30}] {pos}/{len} documents ({elapsed})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// `triples` as quads of `graph`.
pub(crate) fn quads_in(triples: Vec<Triple>, graph: NamedNode) -> impl Iterator<Item = Quad> {
    triples.into_iter().map(move |t| t.in_graph(graph.clone()))
}

/// A document's path relative to its corpus folder, with `/` separators
/// (`dcterms:source`, and half of what identifies a stored document).
pub(crate) fn corpus_source(dir: &Path, doc: &Document) -> String {
    relative(dir, &doc.path)
}

/// `path` relative to the corpus folder `dir`, with `/` separators.
fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}
