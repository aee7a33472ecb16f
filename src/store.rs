//! The Oxigraph store: where it lives, the named graph of each document
//! (replaced in one transaction), and SPARQL questions to it.
//!
//! The entry points are [`open`], [`replace_graph`] and [`select`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, Quad, Term, Triple};
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;
use rustc_hash::FxHashSet;

use crate::remote::Queryable;

use crate::rdf::graphs;

/// The store folder used when none is given.
pub const DEFAULT_DIR: &str = "socialgraf.db";

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Memory,
    Disk(PathBuf),
}

impl Location {
    /// `--memory`, else `--store DIR`, else `$SOCIALGRAF_STORE`, else
    /// `./socialgraf.db`.
    pub fn resolve(store: Option<&Path>, memory: bool) -> Location {
        if memory {
            return Location::Memory;
        }
        let dir = store
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("SOCIALGRAF_STORE").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
        Location::Disk(dir)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Memory => write!(f, "memory"),
            Location::Disk(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// Opening a store for writing that another process holds open for
/// writing (RocksDB's `LOCK` file is taken): a caller can tell the user to
/// wait instead of showing RocksDB's message.
#[derive(Debug, thiserror::Error)]
#[error(
    "the store at {} is in use by another process (a build, load, backup or analyze --write): \
     wait for it to finish and run this again",
    .0.display()
)]
pub struct StoreInUse(pub PathBuf);

/// Opens (or creates) the store for writing.
pub fn open(location: &Location) -> Result<Store> {
    match location {
        Location::Memory => Store::new().context("creating an in-memory store"),
        Location::Disk(dir) => disk::open(dir),
    }
}

/// Flushes a store on disk: what the write-ahead log holds is written into
/// the store's files, so the next process to open it does not replay it.
pub fn flush(store: &Store, location: &Location) -> Result<()> {
    if let Location::Disk(_) = location {
        disk::flush(store).with_context(|| format!("writing the store {location} to disk"))?;
    }
    Ok(())
}

/// The store on disk (RocksDB), behind the default feature `rocksdb`.
/// Built without it (the fuzz targets are, to skip compiling RocksDB),
/// socialgraf keeps its in-memory store and a store folder is an error.
#[cfg(feature = "rocksdb")]
mod disk {
    use std::path::Path;

    use anyhow::Result;
    use oxigraph::store::Store;

    use super::StoreInUse;

    pub fn open(dir: &Path) -> Result<Store> {
        Store::open(dir).map_err(|e| {
            // RocksDB reports a held lock as an I/O error on the LOCK file
            // ("While lock file: DIR/LOCK: Resource temporarily
            // unavailable"); Oxigraph passes it on as text only.
            if e.to_string().contains("While lock file") {
                anyhow::Error::new(StoreInUse(dir.to_path_buf()))
            } else {
                anyhow::Error::new(e).context(format!("opening the store at {}", dir.display()))
            }
        })
    }

    pub fn open_read_only(dir: &Path) -> Result<Store> {
        Ok(Store::open_read_only(dir)?)
    }

    pub fn backup(store: &Store, target: &Path) -> Result<()> {
        Ok(store.backup(target)?)
    }

    pub fn flush(store: &Store) -> Result<()> {
        Ok(store.flush()?)
    }
}

#[cfg(not(feature = "rocksdb"))]
mod disk {
    use std::path::Path;

    use anyhow::{Result, bail};
    use oxigraph::store::Store;

    fn unavailable(dir: &Path) -> Result<Store> {
        bail!(
            "socialgraf was built without the `rocksdb` feature: no store at {} on disk, use --memory",
            dir.display()
        )
    }

    pub fn open(dir: &Path) -> Result<Store> {
        unavailable(dir)
    }

    pub fn open_read_only(dir: &Path) -> Result<Store> {
        unavailable(dir)
    }

    pub fn backup(_: &Store, target: &Path) -> Result<()> {
        unavailable(target).map(drop)
    }

    pub fn flush(_: &Store) -> Result<()> {
        Ok(())
    }
}

/// Backs the store at `location` up into the new folder `target`, which is
/// itself a store (`--store TARGET` reads it). The backup is a consistent
/// snapshot (a RocksDB checkpoint: hard links where `target` is on the same
/// file system), taken with the store opened for writing so that no other
/// process writes meanwhile, written beside `target` and renamed into place, so `target`
/// is either absent or whole. Returns the quads the backup holds.
pub fn backup(location: &Location, target: &Path) -> Result<usize> {
    let Location::Disk(dir) = location else {
        bail!("--memory holds no data to back up: give --store DIR");
    };
    if target.exists() {
        bail!(
            "{} exists: give a new folder for the backup",
            target.display()
        );
    }
    let store = open_for_copy(dir)?;
    let partial = partial_path(target);
    remove_partial(&partial)?;
    disk::backup(&store, &partial)
        .with_context(|| format!("backing up {} to {}", dir.display(), partial.display()))?;
    drop(store);
    finish_copy(&partial, target)
}

/// Restores a backup made by [`backup`] into the new store folder of
/// `location`: the backup's files are copied beside it, checked to open
/// as a store, and renamed into place. The backup is not changed. Returns
/// the quads the restored store holds.
pub fn restore(backup: &Path, location: &Location) -> Result<usize> {
    let Location::Disk(dir) = location else {
        bail!("--memory cannot be restored into: give --store DIR");
    };
    if !backup.join("CURRENT").is_file() {
        bail!(
            "{} is not a store backup (it has no CURRENT file)",
            backup.display()
        );
    }
    if dir.exists() {
        bail!(
            "{} exists: restore into a new folder (move the old store away first)",
            dir.display()
        );
    }
    let partial = partial_path(dir);
    remove_partial(&partial)?;
    copy_tree(backup, &partial)
        .with_context(|| format!("copying {} to {}", backup.display(), partial.display()))?;
    finish_copy(&partial, dir)
}

/// A store opened to be copied: a clear message when it does not exist.
fn open_for_copy(dir: &Path) -> Result<Store> {
    if !dir.join("CURRENT").is_file() {
        bail!("no store at {}", dir.display());
    }
    open(&Location::Disk(dir.to_path_buf()))
}

/// Where a copy of a store is written before it is renamed to `target`.
fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    target.with_file_name(name)
}

/// Removes what an interrupted copy left at `partial` (a name only this
/// module writes).
fn remove_partial(partial: &Path) -> Result<()> {
    if partial.exists() {
        std::fs::remove_dir_all(partial)
            .with_context(|| format!("removing the unfinished copy {}", partial.display()))?;
    }
    Ok(())
}

/// Checks that the copy at `partial` opens as a store, counts its quads and
/// renames it to `target`.
fn finish_copy(partial: &Path, target: &Path) -> Result<usize> {
    let quads = disk::open_read_only(partial)
        .and_then(|s| Ok(s.len()?))
        .with_context(|| format!("checking the copy {}", partial.display()))?;
    std::fs::rename(partial, target)
        .with_context(|| format!("renaming {} to {}", partial.display(), target.display()))?;
    Ok(quads)
}

/// Copies the folder `from` to the new folder `to`, recursively.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Opens an existing store to read from it; a missing store is an error
/// that says how to make one.
pub fn open_existing(location: &Location) -> Result<Store> {
    match location {
        Location::Memory => bail!("--memory holds no data between commands: give --store DIR"),
        Location::Disk(dir) if !dir.join("CURRENT").is_file() => bail!(
            "no store at {}: run `socialgraf build CORPUS_DIR --store {}` (or `socialgraf load FILE`) first",
            dir.display(),
            dir.display()
        ),
        Location::Disk(dir) => disk::open_read_only(dir)
            .with_context(|| format!("opening the store at {}", dir.display())),
    }
}

/// Replaces the content of `graph` with `triples` in one transaction: a
/// reader sees the old graph or the new one, never a mix.
pub fn replace_graph(store: &Store, graph: &NamedNode, triples: &[Triple]) -> Result<()> {
    replace_graphs(store, &[(graph, triples)])
}

/// Replaces several named graphs' contents in one transaction: all of them
/// or none. Only the difference is written: a changed document's graph
/// mostly keeps its triples, and each quad written costs an update of
/// every index. No graphs, no transaction.
///
/// The old graphs are read in parallel before the transaction starts
/// (decoding their terms is most of the time, and a transaction reads on
/// one thread). That is the same as reading them inside it as long as
/// nothing else writes them meanwhile, which holds for socialgraf: RocksDB
/// lets one process open a store for writing, and each command writes from
/// one thread.
pub fn replace_graphs(store: &Store, graphs: &[(&NamedNode, &[Triple])]) -> Result<()> {
    use rayon::prelude::*;
    if graphs.is_empty() {
        return Ok(());
    }
    let old: Vec<FxHashSet<Triple>> = graphs
        .par_iter()
        .map(|&(graph, _)| {
            store
                .quads_for_pattern(None, None, None, Some(graph.into()))
                .map(|q| q.map(Triple::from))
                .collect::<Result<FxHashSet<Triple>, _>>()
                .with_context(|| format!("reading graph {graph}"))
        })
        .collect::<Result<_>>()?;
    let mut tx = store
        .start_transaction()
        .context("starting a transaction")?;
    for (&(graph, triples), old) in graphs.iter().zip(&old) {
        let new: FxHashSet<&Triple> = triples.iter().collect();
        for t in old.iter().filter(|t| !new.contains(t)) {
            tx.remove(t.as_ref().in_graph(graph));
        }
        for t in triples.iter().filter(|t| !old.contains(*t)) {
            tx.insert(t.as_ref().in_graph(graph));
        }
    }
    tx.commit().with_context(|| match graphs {
        [(graph, _)] => format!("writing graph {graph}"),
        _ => format!("writing {} graphs", graphs.len()),
    })?;
    Ok(())
}

/// Loads an RDF file (format from its extension) in one transaction and
/// returns how many quads it held. Triples go to the file's own named
/// graph, replaced if it was loaded before; quads keep their graphs.
pub fn load_file(store: &Store, path: &Path) -> Result<usize> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let Some(format) = RdfFormat::from_extension(&ext) else {
        bail!("unknown RDF file extension `.{ext}` (use .ttl, .nt, .nq, .trig, .rdf or .jsonld)");
    };
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let graph = graphs::loaded(&name);
    let quads: Vec<Quad> = RdfParser::from_format(format)
        .with_default_graph(graph.clone())
        .for_slice(&bytes)
        .collect::<Result<_, _>>()
        .with_context(|| format!("parsing {}", path.display()))?;
    let mut tx = store
        .start_transaction()
        .context("starting a transaction")?;
    tx.clear_graph(&graph)
        .with_context(|| format!("clearing graph {graph}"))?;
    for q in &quads {
        tx.insert(q);
    }
    tx.commit()
        .with_context(|| format!("loading {}", path.display()))?;
    Ok(quads.len())
}

/// Removes a named graph and its triples.
pub fn remove_graph(store: &Store, graph: &NamedNode) -> Result<()> {
    store
        .remove_named_graph(graph)
        .with_context(|| format!("removing graph {graph}"))?;
    Ok(())
}

/// Whether the store has a named graph `graph`.
pub fn has_graph(store: &Store, graph: &NamedNode) -> Result<bool> {
    store
        .contains_named_graph(graph)
        .with_context(|| format!("looking for graph {graph}"))
}

/// A document as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub graph: NamedNode,
    /// Path relative to the corpus folder.
    pub source: String,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
}

/// The documents the store holds, by document id, read from each document
/// graph's document node.
pub fn stored_documents(store: &Store) -> Result<BTreeMap<String, StoredDocument>> {
    let rows = select(
        store,
        "SELECT ?g ?id ?source ?hash WHERE { GRAPH ?g { ?d a <http://purl.org/dc/dcmitype/Text> ; \
         <http://purl.org/dc/terms/identifier> ?id ; <http://purl.org/dc/terms/source> ?source ; \
         <https://w3id.org/socialgraf/ns#contentHash> ?hash } }",
        &["g", "id", "source", "hash"],
    )?;
    let mut out = BTreeMap::new();
    for row in rows {
        if let [
            Some(Term::NamedNode(g)),
            Some(Term::Literal(id)),
            Some(Term::Literal(source)),
            Some(Term::Literal(hash)),
        ] = row.as_slice()
        {
            if graphs::is_document(g.as_str()) {
                out.insert(
                    id.value().to_string(),
                    StoredDocument {
                        graph: g.clone(),
                        source: source.value().to_string(),
                        hash: hash.value().to_string(),
                    },
                );
            }
        }
    }
    Ok(out)
}

/// The fingerprint of the rules the store was built with, if any.
pub fn rules_fingerprint(store: &Store) -> Result<Option<String>> {
    let rows = select(
        store,
        &format!(
            "SELECT ?f WHERE {{ GRAPH <{g}> {{ <{g}> <https://w3id.org/socialgraf/ns#rulesFingerprint> ?f }} }}",
            g = graphs::meta().as_str()
        ),
        &["f"],
    )?;
    Ok(rows
        .into_iter()
        .find_map(|r| match r.into_iter().next().flatten() {
            Some(Term::Literal(l)) => Some(l.value().to_string()),
            _ => None,
        }))
}

/// Every quad but the bookkeeping graph's, sorted by graph, subject,
/// predicate and object.
pub fn exported_quads(store: &Store) -> Result<Vec<Quad>> {
    let meta = GraphName::NamedNode(graphs::meta());
    let mut quads = Vec::new();
    for q in store.iter() {
        let q = q.context("reading the store")?;
        if q.graph_name != meta {
            quads.push(q);
        }
    }
    quads.sort_by_cached_key(|q| {
        (
            q.graph_name.to_string(),
            q.subject.to_string(),
            q.predicate.to_string(),
            q.object.to_string(),
        )
    });
    Ok(quads)
}

/// The graph the store holds: every graph but the bookkeeping one merged,
/// each triple once, in the order of a whole-corpus build (so it exports as
/// exactly that build's Turtle).
pub fn graph(store: &Store) -> Result<Vec<Triple>> {
    Ok(merged(exported_quads(store)?))
}

/// [`graph`] without the results of `analyze --write`: what the corpus
/// and loaded files give, as `build --turtle` writes it.
pub fn corpus_graph(store: &Store) -> Result<Vec<Triple>> {
    let analytics = GraphName::NamedNode(crate::rdf::graphs::analytics());
    let mut quads = exported_quads(store)?;
    quads.retain(|q| q.graph_name != analytics);
    Ok(merged(quads))
}

fn merged(quads: Vec<Quad>) -> Vec<Triple> {
    let mut seen = BTreeSet::new();
    let triples = quads
        .into_iter()
        .map(|q| Triple::new(q.subject, q.predicate, q.object))
        .filter(|t| seen.insert(t.to_string()));
    crate::rdf::in_output_order(triples)
}

/// An in-memory store holding `triples` in its default graph.
pub fn memory_store(triples: &[Triple]) -> Result<Store> {
    let store = Store::new().context("creating an in-memory store")?;
    store
        .extend(
            triples
                .iter()
                .map(|t| t.clone().in_graph(GraphNameRef::DefaultGraph.into_owned())),
        )
        .context("loading triples into the store")?;
    Ok(store)
}

/// Runs a SELECT query and returns its rows, each with the values of
/// `vars` in order (`None` where unbound).
pub fn select(
    source: &(impl Queryable + ?Sized),
    query: &str,
    vars: &[&str],
) -> Result<Vec<Vec<Option<Term>>>> {
    let results = source
        .run(query, &[])
        .with_context(|| format!("running SPARQL query {query}"))?;
    let QueryResults::Solutions(solutions) = results else {
        anyhow::bail!("not a SELECT query: {query}");
    };
    let mut rows = Vec::new();
    for s in solutions {
        let s = s.context("reading a SPARQL solution")?;
        rows.push(vars.iter().map(|v| s.get(*v).cloned()).collect());
    }
    Ok(rows)
}

/// The distinct (subject, object) IRI pairs of `property` over the union
/// of all graphs, as each subject's objects. In the union a triple that n
/// graphs hold comes n times; reading one property distinct keeps a join of
/// such triples (done by the caller) linear.
pub fn objects_by_subject(
    source: &(impl Queryable + ?Sized),
    property: &str,
) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let query = format!("SELECT DISTINCT ?s ?o WHERE {{ ?s <{property}> ?o }}");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in select(source, &query, &["s", "o"])? {
        if let [Some(Term::NamedNode(s)), Some(Term::NamedNode(o))] = row.as_slice() {
            out.entry(s.as_str().to_string())
                .or_default()
                .insert(o.as_str().to_string());
        }
    }
    Ok(out)
}

/// The integer value of a single-row, single-variable count query.
pub fn count(source: &(impl Queryable + ?Sized), query: &str) -> Result<u64> {
    let rows = select(source, query, &["n"])?;
    let n = rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|t| match t {
            Term::Literal(l) => l.value().parse().ok(),
            _ => None,
        })
        .unwrap_or(0);
    Ok(n)
}
