//! `socialgraf analyze` on a store built from the seed corpus: the tables,
//! the edge lists, and the results written back to the graph.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{ok, root, run, sparql_count as count, stderr};

fn seed_store() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = crate::util::seed_store(tmp.path());
    (tmp, store)
}

fn analyze(store: &Path, args: &[&str]) -> String {
    let mut all = vec!["analyze"];
    all.extend(args);
    all.extend(["--store", store.to_str().expect("utf-8")]);
    ok(&root(), &all)
}

fn json(text: &str) -> Vec<serde_json::Value> {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

const ANALYTICS: &str = "https://w3id.org/socialgraf/graph/analytics";

#[test]
fn recurring_problems_are_ranked_with_their_municipalities() {
    let (_tmp, store) = seed_store();
    let rows = json(&analyze(
        &store,
        &["recurring-problems", "--format", "json"],
    ));
    assert!(rows.len() >= 3, "{rows:?}");
    let counts: Vec<u64> = rows
        .iter()
        .map(|r| r["municipalities"].as_u64().expect("a count"))
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {counts:?}"
    );
    assert!(counts[0] >= 2, "the top problem recurs: {rows:?}");
    for r in &rows {
        let names: Vec<&str> = r["where"].as_str().expect("names").split(", ").collect();
        assert_eq!(names.len() as u64, r["municipalities"].as_u64().expect("n"));
        assert!(r["documents"].as_u64().expect("documents") >= 1);
    }
    // Every municipality the canned query finds facing a problem is among
    // ours (ours also counts initiatives that address it).
    let canned = ok(
        &root(),
        &[
            "query",
            "problems-ranked",
            "--store",
            store.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
    );
    let canned: serde_json::Value = serde_json::from_str(&canned).expect("json");
    for b in canned["results"]["bindings"].as_array().expect("rows") {
        let problem = b["problem"]["value"].as_str().expect("iri");
        let ours = rows
            .iter()
            .find(|r| r["iri"] == problem)
            .unwrap_or_else(|| panic!("{problem} in {rows:?}"));
        let mine: BTreeSet<&str> = ours["where"].as_str().expect("s").split(", ").collect();
        for m in b["where"]["value"].as_str().expect("names").split(", ") {
            assert!(mine.contains(m), "{m} for {problem}: {mine:?}");
        }
    }
}

#[test]
fn communities_cover_each_node_once_and_repeat_exactly() {
    let (_tmp, store) = seed_store();
    let edges = analyze(
        &store,
        &["edges", "--view", "municipalities", "--format", "csv"],
    );
    let mut lines = edges.lines();
    assert_eq!(
        lines.next(),
        Some("source,target,weight,source_label,target_label")
    );
    let mut linked = BTreeSet::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        assert!(cells[2].parse::<f64>().expect("weight") >= 1.0, "{l}");
        linked.insert(cells[0].to_string());
        linked.insert(cells[1].to_string());
    }
    assert!(linked.len() >= 3, "{edges}");

    let args = [
        "communities",
        "--view",
        "municipalities",
        "--format",
        "json",
    ];
    let first = analyze(&store, &args);
    assert_eq!(
        first,
        analyze(&store, &args),
        "the same seed, the same answer"
    );
    let communities = json(&first);
    let mut seen = 0;
    for c in &communities {
        let members = c["members"].as_str().expect("members");
        seen += members.split(", ").count() as u64;
        assert_eq!(
            c["size"].as_u64().expect("size"),
            members.split(", ").count() as u64
        );
    }
    assert_eq!(
        seen,
        linked.len() as u64,
        "each municipality in one community"
    );
}

#[test]
fn centrality_lists_the_top_actors_by_pagerank() {
    let (_tmp, store) = seed_store();
    let rows = json(&analyze(
        &store,
        &[
            "centrality",
            "--view",
            "actors",
            "--top",
            "5",
            "--format",
            "json",
        ],
    ));
    assert_eq!(rows.len(), 5);
    let ranks: Vec<f64> = rows
        .iter()
        .map(|r| r["pagerank"].as_f64().expect("pagerank"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    for r in &rows {
        assert!(r["degree"].as_u64().expect("degree") >= 1, "{r}");
        let b = r["betweenness"].as_f64().expect("betweenness");
        assert!((0.0..=1.0).contains(&b), "{r}");
    }
    let all = json(&analyze(
        &store,
        &[
            "centrality",
            "--view",
            "actors",
            "--top",
            "100000",
            "--format",
            "json",
        ],
    ));
    let total: f64 = all
        .iter()
        .map(|r| r["pagerank"].as_f64().unwrap_or(0.0))
        .sum();
    assert!((total - 1.0).abs() < 1e-6, "PageRank sums to 1: {total}");
}

#[test]
fn write_stores_results_once_and_a_changed_corpus_drops_them() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    for f in std::fs::read_dir(root().join("corpus/seeds")).expect("seeds") {
        let f = f.expect("entry").path();
        std::fs::copy(&f, corpus.join(f.file_name().expect("name"))).expect("copy");
    }
    let store = tmp.path().join("store");
    let s = store.to_str().expect("utf-8");
    ok(
        &root(),
        &["build", corpus.to_str().expect("utf-8"), "--store", s],
    );

    let in_graph =
        format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ANALYTICS}> {{ ?s ?p ?o }} }}");
    let runs =
        "SELECT (COUNT(?r) AS ?n) WHERE { ?r a <https://w3id.org/socialgraf/ns#AnalyticsRun> }";
    let o = run(&root(), &["analyze", "--write", "--store", s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("communities"), "{}", stderr(&o));
    let first = count(&store, &in_graph);
    assert!(first > 100, "{first} triples");
    ok(&root(), &["analyze", "--write", "--store", s]);
    assert_eq!(count(&store, &in_graph), first, "replaced, not added to");
    assert_eq!(count(&store, runs), 1);

    // Every scored actor is a node of the graph; the canned query reads them.
    let central = ok(
        &root(),
        &["query", "central-actors", "--store", s, "--format", "csv"],
    );
    assert!(central.lines().count() > 5, "{central}");

    // The results are exported with the rest, but not in build's Turtle.
    let nquads = ok(&root(), &["export", "--format", "nquads", "--store", s]);
    assert!(nquads.contains(&format!("<{ANALYTICS}>")));
    let ttl = tmp.path().join("g.ttl");
    ok(
        &root(),
        &[
            "build",
            corpus.to_str().expect("utf-8"),
            "--store",
            s,
            "--turtle",
            ttl.to_str().expect("utf-8"),
        ],
    );
    let committed = std::fs::read_to_string(root().join("graph.ttl")).expect("graph.ttl");
    assert_eq!(std::fs::read_to_string(&ttl).expect("ttl"), committed);

    // A changed corpus makes the results stale: build drops them.
    let first_doc = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .min()
        .expect("a document");
    std::fs::remove_file(first_doc).expect("remove");
    let out = ok(
        &root(),
        &["build", corpus.to_str().expect("utf-8"), "--store", s],
    );
    assert!(out.contains("analytics results removed"), "{out}");
    assert_eq!(count(&store, &in_graph), 0);
}

#[test]
fn analyze_without_a_task_says_what_to_do() {
    let (_tmp, store) = seed_store();
    let o = run(
        &root(),
        &["analyze", "--store", store.to_str().expect("utf-8")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("recurring-problems"), "{}", stderr(&o));
}
