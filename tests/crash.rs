//! A `build` killed with SIGKILL at any moment leaves a store that opens,
//! with every document either as it was or as the corpus has it now, never
//! half; the next `build` finishes the job.
//!
//! The kills are timed: the test measures how long an uninterrupted build
//! takes and kills builds at fractions of that, so they land in reading,
//! extraction, the bulk load and the per-document transactions.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use oxigraph::store::Store;

use crate::util::{ok, root};

/// Each graph of a store with its quads as N-Quads lines. The bookkeeping
/// graph (the rules fingerprint) is left out: a build writes it last.
type Graphs = BTreeMap<String, BTreeSet<String>>;

fn graphs(store: &Path) -> Graphs {
    // A killed process holds no lock: the store opens for writing, which
    // is what the next build does.
    let store = Store::open(store).expect("the store opens after a kill");
    let mut out = Graphs::new();
    for quad in store.iter() {
        let quad = quad.expect("every quad reads");
        let graph = quad.graph_name.to_string();
        if graph.contains("/graph/meta") {
            continue;
        }
        out.entry(graph).or_default().insert(quad.to_string());
    }
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs `build CORPUS --store STORE` and SIGKILLs it after `after`
/// (nothing happens if it finished before). Returns whether it was killed.
fn build_killed_after(corpus: &Path, store: &Path, after: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socialgraf"))
        .args(["build", s(corpus), "--store", s(store)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the socialgraf binary starts");
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    true
}

/// Builds `corpus` into the new store `store` and returns the time it took.
fn timed_build(corpus: &Path, store: &Path) -> Duration {
    let start = Instant::now();
    ok(&root(), &["build", s(corpus), "--store", s(store)]);
    start.elapsed()
}

/// Asserts that each graph of `got` equals that graph in `old` or in
/// `new`, and that each document in both `old` and `new` is there.
fn assert_whole(got: &Graphs, old: &Graphs, new: &Graphs, when: &str) {
    for (graph, quads) in got {
        assert!(
            old.get(graph) == Some(quads) || new.get(graph) == Some(quads),
            "{when}: graph {graph} is neither its old nor its new content ({} quads)",
            quads.len()
        );
    }
    for graph in old.keys().filter(|g| new.contains_key(*g)) {
        assert!(got.contains_key(graph), "{when}: graph {graph} is gone");
    }
}

#[test]
fn a_killed_build_leaves_each_document_old_or_new() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let old_corpus = tmp.path().join("old");
    ok(
        &root(),
        &["bench", "corpus", "--docs", "150", "--out", s(&old_corpus)],
    );
    // The new corpus: every third document changed, every tenth removed,
    // fifteen added.
    let new_corpus = tmp.path().join("new");
    fs::create_dir_all(&new_corpus).expect("mkdir");
    let mut names: Vec<_> = fs::read_dir(&old_corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    for (i, name) in names.iter().enumerate() {
        let text = fs::read_to_string(old_corpus.join(name)).expect("read");
        if i % 10 == 9 {
            continue;
        }
        let text = if i % 3 == 0 {
            format!("{text}\nLisa Holm är ny socialchef i Mora kommun.\n")
        } else {
            text
        };
        fs::write(new_corpus.join(name), text).expect("write");
    }
    let added = tmp.path().join("added");
    ok(
        &root(),
        &["bench", "corpus", "--docs", "165", "--out", s(&added)],
    );
    for name in names.iter().take(15) {
        let mut renamed = std::ffi::OsString::from("extra-");
        renamed.push(name);
        fs::copy(added.join(name), new_corpus.join(renamed)).expect("copy");
    }

    // The two ends: each corpus built without interruption.
    let old = tmp.path().join("old.db");
    let new = tmp.path().join("new.db");
    let bulk_time = timed_build(&old_corpus, &old);
    eprintln!("uninterrupted bulk load: {bulk_time:?}");
    timed_build(&new_corpus, &new);
    let (old_graphs, new_graphs) = (graphs(&old), graphs(&new));
    assert!(old_graphs.len() > 150 && new_graphs.len() > 150);
    let empty = Graphs::new();

    // Into a new store (the bulk load): after a kill the store is empty or
    // whole, and the next build makes it whole.
    for k in 1..=3 {
        let store = tmp.path().join(format!("bulk{k}.db"));
        let after = bulk_time.mul_f64(f64::from(k) / 4.0);
        if build_killed_after(&old_corpus, &store, after) && store.join("CURRENT").exists() {
            let when = format!("bulk load killed after {after:?}");
            eprintln!("{when}");
            assert_whole(&graphs(&store), &empty, &old_graphs, &when);
        }
        ok(&root(), &["build", s(&old_corpus), "--store", s(&store)]);
        assert_eq!(
            graphs(&store),
            old_graphs,
            "bulk{k}: rebuilt after the kill"
        );
    }

    // An incremental build (one transaction per document), killed again
    // and again on the same store: it is always old-or-new per document,
    // and each build goes on from where the last one was killed.
    let store = tmp.path().join("incremental.db");
    copy_dir(&old, &store);
    let probe = tmp.path().join("probe.db");
    copy_dir(&old, &probe);
    let update_time = timed_build(&new_corpus, &probe);
    eprintln!("uninterrupted incremental build: {update_time:?}");
    let mut kills = 0;
    for k in 1..=6 {
        let after = update_time.mul_f64(f64::from(k) / 8.0);
        if build_killed_after(&new_corpus, &store, after) {
            kills += 1;
            let when = format!("incremental build killed after {after:?}");
            eprintln!("{when}");
            assert_whole(&graphs(&store), &old_graphs, &new_graphs, &when);
        }
    }
    assert!(kills > 0, "no build was killed: the corpus is too small");
    ok(&root(), &["build", s(&new_corpus), "--store", s(&store)]);
    assert_eq!(graphs(&store), new_graphs, "finished after the kills");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).expect("copy");
        }
    }
}
