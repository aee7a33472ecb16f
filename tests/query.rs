//! Canned queries, ad-hoc SPARQL, loading and exporting, on a store built
//! from the seed corpus.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{ok, root, run, stderr};

/// A store built from the seeds in a temp folder (kept alive by the guard).
fn seed_store() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = crate::util::seed_store(tmp.path());
    (tmp, store)
}

fn query(store: &Path, name: &str, params: &[&str]) -> String {
    let mut args = vec!["query", name, "--store", store.to_str().expect("utf-8")];
    for p in params {
        args.extend(["--param", p]);
    }
    args.extend(["--format", "tsv"]);
    ok(&root(), &args)
}

#[test]
fn query_list_shows_every_canned_query_with_its_parameters() {
    let out = ok(&root(), &["query", "--list"]);
    for name in [
        "people-at-organisation",
        "roles-of-person",
        "municipality-overview",
        "initiatives",
        "problems-ranked",
        "shared-problems",
        "evidence",
    ] {
        assert!(out.contains(name), "{name} in {out}");
    }
    assert!(out.contains("--param org=VALUE"), "{out}");
}

#[test]
fn canned_queries_give_real_answers_on_the_seed_graph() {
    let (_tmp, store) = seed_store();

    let people = query(&store, "people-at-organisation", &["org=Borås stad"]);
    assert!(
        people
            .lines()
            .any(|l| l.contains("\"Karin Larsson\"") && l.contains("\"socialsekreterare\"")),
        "{people}"
    );

    let roles = query(&store, "roles-of-person", &["person=karin larsson"]);
    assert!(roles.contains("\"Barn och Unga\""), "{roles}");
    assert!(
        roles.contains("002_a95eb78a26b556fb"),
        "the source document: {roles}"
    );
    assert!(roles.contains("membership."), "the rule: {roles}");

    let overview = query(&store, "municipality-overview", &["kommun=Partille"]);
    assert!(overview.contains("\"Tinna Molén\""), "{overview}");

    let initiatives = query(&store, "initiatives", &[]);
    let kal = initiatives
        .lines()
        .find(|l| l.contains("\"KAL-planen\""))
        .unwrap_or_else(|| panic!("KAL-planen in {initiatives}"));
    assert!(kal.contains("Borås"), "run by Borås: {kal}");
    assert!(kal.contains("rekrytering"), "addresses recruitment: {kal}");

    let ranked = query(&store, "problems-ranked", &[]);
    let counts: Vec<u32> = ranked
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(2)?.parse().ok())
        .collect();
    assert!(counts.len() >= 5 && counts[0] >= 4, "{ranked}");
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {counts:?}"
    );

    let shared = query(&store, "shared-problems", &["kommun=Partille"]);
    assert!(shared.contains("\"Borås\""), "{shared}");

    let evidence = query(&store, "evidence", &["entity=Partille kommun"]);
    assert!(evidence.contains("\"faces\""), "{evidence}");
    assert!(evidence.contains("002_a95eb78a26b556fb"), "{evidence}");
}

#[test]
fn parameter_values_cannot_change_the_query() {
    let (_tmp, store) = seed_store();
    let count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    let s = store.to_str().expect("utf-8");
    let before = ok(&root(), &["sparql", count, "--store", s, "--format", "csv"]);
    for hostile in [
        "org=\"} ; DELETE WHERE {?s ?p ?o} #",
        "org=Borås stad\") || true || (\"",
        "org=} UNION { ?membership ?x ?y }",
    ] {
        let out = query(&store, "people-at-organisation", &[hostile]);
        assert_eq!(
            out.lines().count(),
            1,
            "only the header for {hostile}: {out}"
        );
    }
    let after = ok(&root(), &["sparql", count, "--store", s, "--format", "csv"]);
    assert_eq!(before, after, "the store is unchanged");
}

#[test]
fn missing_and_unknown_parameters_are_named() {
    let (_tmp, store) = seed_store();
    let s = store.to_str().expect("utf-8");
    let o = run(&root(), &["query", "roles-of-person", "--store", s]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--param person=VALUE"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &root(),
        &["query", "initiatives", "--param", "who=x", "--store", s],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no parameter `who`"), "{}", stderr(&o));
    let o = run(&root(), &["query", "no-such-query", "--store", s]);
    assert!(
        stderr(&o).contains("no canned query `no-such-query`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_missing_store_is_an_error_that_says_what_to_do() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let s = tmp.path().join("none");
    let o = run(
        &root(),
        &[
            "query",
            "initiatives",
            "--store",
            s.to_str().expect("utf-8"),
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("socialgraf build"), "{}", stderr(&o));
}

#[test]
fn sparql_runs_ad_hoc_queries_from_text_or_file() {
    let (tmp, store) = seed_store();
    let s = store.to_str().expect("utf-8");
    let q = "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n LIMIT 3";
    let out = ok(&root(), &["sparql", q, "--store", s, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("SPARQL JSON results");
    assert_eq!(
        json["results"]["bindings"].as_array().map(Vec::len),
        Some(3)
    );
    let file = tmp.path().join("q.rq");
    fs::write(&file, "ASK { ?s a <http://www.w3.org/ns/org#Membership> }").expect("write");
    let out = ok(
        &root(),
        &[
            "sparql",
            "-f",
            file.to_str().expect("utf-8"),
            "--store",
            s,
            "--format",
            "table",
        ],
    );
    assert_eq!(out.trim(), "true");
    let construct = "CONSTRUCT { ?p a <http://xmlns.com/foaf/0.1/Person> } WHERE { { SELECT DISTINCT ?p WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> } ORDER BY ?p LIMIT 2 } }";
    let out = ok(&root(), &["sparql", construct, "--store", s]);
    assert_eq!(
        socialgraf::export::reparse(&out).expect("Turtle").len(),
        2,
        "{out}"
    );
}

#[test]
fn export_formats_hold_the_same_graph() {
    let (_tmp, store) = seed_store();
    let s = store.to_str().expect("utf-8");
    let export = |format: &str| ok(&root(), &["export", "--format", format, "--store", s]);
    let ttl = export("turtle");
    assert_eq!(
        ttl,
        fs::read_to_string(root().join("graph.ttl")).expect("graph.ttl"),
        "the Turtle export is graph.ttl"
    );
    // An independent parser reads the same triples as the N-Triples export.
    let from_turtle: BTreeSet<String> = socialgraf::export::reparse(&ttl)
        .expect("rio_turtle parses the export")
        .into_iter()
        .collect();
    let nt = export("ntriples");
    let from_nt: BTreeSet<String> = nt
        .lines()
        .map(|l| l.trim_end_matches(" .").to_string())
        .collect();
    assert_eq!(from_turtle.len(), nt.lines().count());
    assert_eq!(
        from_turtle, from_nt,
        "the Turtle and N-Triples exports are isomorphic"
    );
    let nq = export("nquads");
    assert!(
        nq.contains("<https://w3id.org/socialgraf/graph/doc/"),
        "document graphs kept"
    );
    assert!(!nq.contains("graph/meta"), "bookkeeping is not exported");
    let trig = export("trig");
    assert!(
        trig.contains("graph/doc/"),
        "{}",
        &trig[..200.min(trig.len())]
    );
    let json: serde_json::Value = serde_json::from_str(&export("jsonld")).expect("JSON-LD is JSON");
    assert!(json.is_array() || json.is_object());
    assert!(export("rdfxml").starts_with("<?xml"));
}

#[test]
fn nquads_shards_concatenated_are_the_nquads_export() {
    let (tmp, store) = seed_store();
    let s = store.to_str().expect("utf-8");
    let whole = ok(&root(), &["export", "--format", "nquads", "--store", s]);
    let quads = whole.lines().count();
    let dir = tmp.path().join("shards");
    let d = dir.to_str().expect("utf-8");
    let shard = |n: &str| {
        ok(
            &root(),
            &[
                "export",
                "--format",
                "nquads",
                "--shard-quads",
                n,
                "--out",
                d,
                "--store",
                s,
            ],
        )
    };
    let names = |dir: &Path| -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .expect("shard folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    let out = shard("1000");
    let expected = quads.div_ceil(1000);
    assert!(expected > 2, "several shards ({quads} quads)");
    assert!(out.contains(&format!("wrote {expected} shards")), "{out}");
    let written = names(&dir);
    assert_eq!(written.len(), expected, "{written:?}");
    assert_eq!(written[0], "part-00000.nq");
    let concatenated: String = written
        .iter()
        .map(|n| fs::read_to_string(dir.join(n)).expect("shard"))
        .collect();
    assert_eq!(
        concatenated, whole,
        "the shards in name order are the export"
    );
    for n in &written[..written.len() - 1] {
        assert_eq!(
            fs::read_to_string(dir.join(n))
                .expect("shard")
                .lines()
                .count(),
            1000
        );
    }
    // Fewer, larger shards replace the old ones.
    shard(&quads.to_string());
    assert_eq!(names(&dir), ["part-00000.nq"]);
    assert_eq!(
        fs::read_to_string(dir.join("part-00000.nq")).expect("shard"),
        whole
    );
    let refused = run(
        &root(),
        &[
            "export",
            "--format",
            "turtle",
            "--shard-quads",
            "10",
            "--out",
            d,
            "--store",
            s,
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("--format nquads"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn load_reads_rdf_files_replacing_them_when_loaded_again() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = tmp.path().join("store");
    let s = store.to_str().expect("utf-8");
    let graph = root().join("graph.ttl");
    let g = graph.to_str().expect("utf-8");
    let bad = tmp.path().join("bad.ttl");
    fs::write(&bad, "<a> <b> .").expect("write");
    let o = run(
        &root(),
        &["load", g, bad.to_str().expect("utf-8"), "--store", s],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a bad file is reported: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("bad.ttl"), "{}", stderr(&o));
    let count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    let n = |out: String| out.lines().nth(1).unwrap_or_default().to_string();
    let first = n(ok(
        &root(),
        &["sparql", count, "--store", s, "--format", "csv"],
    ));
    let expected = socialgraf::export::reparse(&fs::read_to_string(&graph).expect("read"))
        .expect("parse")
        .len();
    assert_eq!(first, expected.to_string());
    ok(&root(), &["load", g, "--store", s]);
    let second = n(ok(
        &root(),
        &["sparql", count, "--store", s, "--format", "csv"],
    ));
    assert_eq!(first, second, "loading again replaces, never duplicates");
}
