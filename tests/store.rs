//! The persistent store: `build` into a store folder, then again after
//! documents changed, were removed or were added.

use std::fs;
use std::path::Path;

use crate::util::{root, run, stderr, stdout};

/// Runs `build` with the store at `store` and returns the Turtle export.
fn build(cwd: &Path, corpus: &Path, store: &Path, ttl: &Path) -> String {
    let o = run(
        cwd,
        &[
            "build",
            corpus.to_str().expect("utf-8"),
            "--store",
            store.to_str().expect("utf-8"),
            "--turtle",
            ttl.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

fn copy_seeds(to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(root().join("corpus/seeds")).expect("seeds") {
        let p = e.expect("entry").path();
        fs::copy(&p, to.join(p.file_name().expect("name"))).expect("copy");
    }
}

#[test]
fn rebuild_after_changes_holds_exactly_the_current_corpus() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    copy_seeds(&corpus);
    let store = tmp.path().join("store");
    let ttl = tmp.path().join("g.ttl");

    // The first build fills the new store with the bulk loader; the later
    // ones replace the graphs of changed documents in transactions.
    let first = build(tmp.path(), &corpus, &store, &ttl);
    assert!(
        first.contains("5 added, 0 changed, 0 removed, 0 unchanged"),
        "{first}"
    );
    let committed = fs::read_to_string(root().join("graph.ttl")).expect("graph.ttl");
    assert_eq!(fs::read_to_string(&ttl).expect("ttl"), committed);

    // Nothing changed: nothing is extracted again, the graph is the same.
    let again = build(tmp.path(), &corpus, &store, &ttl);
    assert!(
        again.contains("0 added, 0 changed, 0 removed, 5 unchanged"),
        "{again}"
    );
    assert_eq!(fs::read_to_string(&ttl).expect("ttl"), committed);

    // One document changed, one removed, one added.
    let changed = corpus.join("000_8926704fb0129f77.txt");
    let text = fs::read_to_string(&changed).expect("read");
    fs::write(
        &changed,
        text.replace("Miriam Markusson Berg", "Miriam Lundgren Berg"),
    )
    .expect("write");
    fs::remove_file(corpus.join("003_c2c92928c4fea111.txt")).expect("remove");
    fs::write(
        corpus.join("new.txt"),
        "Om Mora kommun\n\nLena Holm, socialchef i Mora kommun, berättar om rekryteringen.\n",
    )
    .expect("write");
    let third = build(tmp.path(), &corpus, &store, &ttl);
    assert!(
        third.contains("1 added, 1 changed, 1 removed, 3 unchanged"),
        "{third}"
    );
    let incremental = fs::read_to_string(&ttl).expect("ttl");
    assert!(incremental.contains("Miriam Lundgren Berg"));
    assert!(
        !incremental.contains("Miriam Markusson Berg"),
        "no stale facts"
    );
    assert!(incremental.contains("Lena Holm"));

    // The same as a build of the current corpus into a fresh store.
    let fresh_ttl = tmp.path().join("fresh.ttl");
    build(tmp.path(), &corpus, &tmp.path().join("fresh"), &fresh_ttl);
    assert_eq!(incremental, fs::read_to_string(&fresh_ttl).expect("ttl"));
    // Quad for quad, in every named graph: a changed document's graph,
    // written as the difference to its old one, is its fresh graph.
    let (now, fresh) = (nquads(&store), nquads(&tmp.path().join("fresh")));
    assert_eq!(now.len(), fresh.len());
    assert!(now == fresh, "the stores differ");
}

#[test]
fn changed_rules_extract_every_document_again() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    copy_seeds(&corpus);
    let rules = tmp.path().join("rules");
    copy_dir(&root().join("extract"), &rules);
    let store = tmp.path().join("store");
    let args = |ttl: &str| {
        vec![
            "--rules".to_string(),
            rules.to_string_lossy().into_owned(),
            "build".to_string(),
            corpus.to_string_lossy().into_owned(),
            "--store".to_string(),
            store.to_string_lossy().into_owned(),
            "--turtle".to_string(),
            tmp.path().join(ttl).to_string_lossy().into_owned(),
        ]
    };
    let run_args = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(tmp.path(), &a);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    run_args(args("a.ttl"));
    let a = fs::read_to_string(tmp.path().join("a.ttl")).expect("ttl");
    assert!(a.contains("sg:attended"));
    // Without the attended rules, no document may keep attended facts.
    fs::remove_file(rules.join("rules/attended.toml")).expect("remove");
    let out = run_args(args("b.ttl"));
    assert!(out.contains("5 changed"), "{out}");
    assert!(out.contains("rules changed"), "{out}");
    let b = fs::read_to_string(tmp.path().join("b.ttl")).expect("ttl");
    assert!(
        !b.contains("sg:attended"),
        "facts of the old rules are gone"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let target = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            fs::copy(&p, &target).expect("copy");
        }
    }
}

/// The store's quads as sorted N-Quads lines.
fn nquads(store: &Path) -> Vec<String> {
    let out = crate::util::ok(
        &root(),
        &[
            "export",
            "--format",
            "nquads",
            "--store",
            store.to_str().expect("utf-8"),
        ],
    );
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn backup_and_restore_keep_every_quad() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = crate::util::seed_store(tmp.path());
    let before = nquads(&store);
    assert!(before.len() > 1000, "the seed store has quads");
    let backup = tmp.path().join("backup");
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    let out = crate::util::ok(&root(), &["backup", &s(&backup), "--store", &s(&store)]);
    // The count includes the store's bookkeeping graph, which export omits.
    assert!(out.contains(" quads); restore with"), "{out}");
    assert!(!tmp.path().join("backup.partial").exists());
    // The backup is a store of its own, equal to the original.
    assert_eq!(nquads(&backup), before);

    let restored = tmp.path().join("restored");
    let out = crate::util::ok(&root(), &["restore", &s(&backup), "--store", &s(&restored)]);
    assert!(out.contains(" quads)"), "{out}");
    assert_eq!(nquads(&restored), before);
    assert_eq!(
        nquads(&backup),
        before,
        "restoring leaves the backup as it was"
    );

    // Neither overwrites a folder that exists; both say which.
    let o = run(&root(), &["backup", &s(&backup), "--store", &s(&store)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!("{} exists", s(&backup))),
        "{}",
        stderr(&o)
    );
    let o = run(&root(), &["restore", &s(&backup), "--store", &s(&store)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!("{} exists", s(&store))),
        "{}",
        stderr(&o)
    );
    assert_eq!(nquads(&store), before);
    // A folder that is no backup is named as such.
    let o = run(
        &root(),
        &[
            "restore",
            &s(tmp.path()),
            "--store",
            &s(&tmp.path().join("x")),
        ],
    );
    assert!(
        stderr(&o).contains("is not a store backup"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_second_writer_is_told_the_store_is_in_use() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = crate::util::seed_store(tmp.path());
    let before = nquads(&store);
    let corpus = tmp.path().join("corpus");
    copy_seeds(&corpus);
    fs::write(
        corpus.join("extra.txt"),
        "Anna Berg är socialchef i Mora kommun.\n",
    )
    .expect("write");
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    // Another process's writer is this test's open store: RocksDB locks
    // the folder for the process.
    let writer = oxigraph::store::Store::open(&store).expect("open the store");
    let o = run(&root(), &["build", &s(&corpus), "--store", &s(&store)]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "the store at {} is in use by another process",
            s(&store)
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // Readers are not locked out.
    assert_eq!(nquads(&store), before);
    drop(writer);
    // Once the writer is gone, the build goes through.
    let out = crate::util::ok(&root(), &["build", &s(&corpus), "--store", &s(&store)]);
    assert!(out.contains("1 added"), "{out}");
}

#[test]
fn a_person_named_in_many_documents_gets_one_iri_whichever_thread_reads_them() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(&corpus).expect("mkdir");
    // Enough documents that the parallel extraction splits them over its
    // threads; the organisation is written in two ways.
    let documents = 48;
    for i in 0..documents {
        let org = if i % 2 == 0 {
            "Mora kommun"
        } else {
            "Mora Kommun"
        };
        fs::write(
            corpus.join(format!("doc{i:02}.txt")),
            format!(
                "Nytt om socialtjänsten, del {i}\n\nLena Holm, socialchef i {org}, berättar om rekryteringen.\n"
            ),
        )
        .expect("write");
    }
    let store = tmp.path().join("store");
    build(tmp.path(), &corpus, &store, &tmp.path().join("g.ttl"));
    let count = |query: &str| crate::util::sparql_count(&store, query);
    let members = "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(DISTINCT ?g) AS ?n) \
        WHERE { GRAPH ?g { ?m org:member ?p } }";
    assert_eq!(
        count(members),
        documents as u64,
        "a membership per document"
    );
    let persons = "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(DISTINCT ?p) AS ?n) \
        WHERE { ?m org:member ?p }";
    assert_eq!(count(persons), 1);
    let organisations = "PREFIX org: <http://www.w3.org/ns/org#> SELECT (COUNT(DISTINCT ?o) AS ?n) \
        WHERE { ?m org:organization ?o }";
    assert_eq!(count(organisations), 1);
}
