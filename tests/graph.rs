//! graph.ttl is what `socialgraf build corpus/seeds` produces, byte for byte;
//! it re-parses with an independent parser; it satisfies ontology/shapes.ttl.
//! ontology/problems.ttl is what `socialgraf ontology` produces.

use socialgraf::rules::Rules;

use super::util::root;

fn check_generated(path: &str, expected: &str) {
    let file = root().join(path);
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    if committed != expected {
        if std::env::var_os("CI").is_none() {
            std::fs::write(&file, expected).expect("rewrite the generated file");
        }
        panic!(
            "{path} was not up to date; it has been regenerated (outside CI): review and commit it"
        );
    }
}

fn seed_graph() -> Vec<oxigraph::model::Triple> {
    let rules = Rules::load_default().expect("rules load");
    let dir = root().join("corpus/seeds");
    let run = socialgraf::run_corpus(&dir, &rules, u64::MAX).expect("corpus runs");
    socialgraf::build_graph(&run, &rules, &dir)
}

#[test]
fn graph_ttl_is_up_to_date() {
    let ttl = socialgraf::export::turtle(&seed_graph()).expect("turtle");
    check_generated("graph.ttl", &ttl);
}

#[test]
fn problems_ttl_is_up_to_date() {
    let rules = Rules::load_default().expect("rules load");
    check_generated(
        "ontology/problems.ttl",
        &socialgraf::ontology::problems_ttl(&rules).expect("problems ttl"),
    );
}

#[test]
fn build_is_deterministic_and_reparses() {
    let a = socialgraf::export::turtle(&seed_graph()).expect("turtle");
    let b = socialgraf::export::turtle(&seed_graph()).expect("turtle");
    assert_eq!(a, b, "two builds differ");
    let triples = seed_graph();
    let reparsed = socialgraf::export::reparse(&a).expect("rio_turtle parses the output");
    assert_eq!(reparsed.len(), triples.len());
    assert!(!a.contains("_:"), "no blank nodes");
}

#[test]
fn shapes_hold_on_graph_ttl() {
    let store = oxigraph::store::Store::new().expect("store");
    for f in [
        "graph.ttl",
        "ontology/problems.ttl",
        "ontology/socialgraf.ttl",
    ] {
        let text = std::fs::read_to_string(root().join(f)).expect("read");
        store
            .load_from_reader(oxigraph::io::RdfFormat::Turtle, text.as_bytes())
            .unwrap_or_else(|e| panic!("loading {f}: {e}"));
    }
    let shapes = std::fs::read_to_string(root().join("ontology/shapes.ttl")).expect("shapes");
    let v = socialgraf::ontology::check_shapes(&store, &shapes).expect("shapes check runs");
    assert!(
        v.is_empty(),
        "{} violation(s), e.g. {:?}",
        v.len(),
        &v[..v.len().min(10)]
    );
}

#[test]
fn shapes_catch_a_violation() {
    let store = oxigraph::store::Store::new().expect("store");
    let bad = "@prefix foaf: <http://xmlns.com/foaf/0.1/> . <urn:x:p> a foaf:Person .";
    store
        .load_from_reader(oxigraph::io::RdfFormat::Turtle, bad.as_bytes())
        .expect("load");
    let shapes = std::fs::read_to_string(root().join("ontology/shapes.ttl")).expect("shapes");
    let v = socialgraf::ontology::check_shapes(&store, &shapes).expect("shapes check runs");
    assert!(v.iter().any(|x| x.focus == "<urn:x:p>"), "{v:?}");
}
