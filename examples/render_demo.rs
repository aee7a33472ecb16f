//! Draws the README's example pictures, `docs/map.svg`, `docs/heatmap.svg`
//! and `docs/network.svg`, from the seed graph `graph.ttl`.
//!
//! DEMO DATA: until `socialgraf render` builds its views from the store,
//! this runner derives them itself with three SPARQL queries: the map
//! counts the distinct problems each municipality (or one of its units)
//! faces; the heatmap counts, per municipality and problem, the documents
//! with a `faces` fact; the network joins people and organisations by
//! their memberships, with connected components standing in for
//! communities and the number of memberships (degree) for centrality.
//!
//! Run from the repository root: `cargo run --example render_demo`
//! (writes into `docs/`; another folder as the first argument).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use oxigraph::model::Term;
use socialgraf::render::{heatmap, map, network};
use socialgraf::store;

const PREFIXES: &str = "
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX sg: <https://w3id.org/socialgraf/ns#>
";

/// Per municipality and problem: the documents with a `faces` fact about
/// the municipality or one of its units.
const FACES: &str = "
SELECT ?code ?problem ?label (COUNT(DISTINCT ?doc) AS ?docs) WHERE {
  ?f rdf:predicate sg:faces ; rdf:subject ?s ; rdf:object ?problem ; prov:wasDerivedFrom ?doc .
  { ?s sg:municipalityCode ?code } UNION { ?s sg:inMunicipality ?m . ?m sg:municipalityCode ?code }
  OPTIONAL { ?problem skos:prefLabel ?pl FILTER(LANG(?pl) = \"sv\") }
  BIND(COALESCE(STR(?pl), REPLACE(STR(?problem), \"^.*/\", \"\")) AS ?label)
}
GROUP BY ?code ?problem ?label
ORDER BY ?code ?problem
";

/// Person–organisation pairs from memberships, with their labels.
const MEMBERSHIPS: &str = "
SELECT DISTINCT ?person ?personLabel ?org ?orgLabel WHERE {
  ?m a org:Membership ; org:member ?person ; org:organization ?org .
  OPTIONAL { ?person rdfs:label|foaf:name ?pl }
  OPTIONAL { ?org rdfs:label ?ol }
  BIND(COALESCE(STR(?pl), REPLACE(STR(?person), \"^.*/\", \"\")) AS ?personLabel)
  BIND(COALESCE(STR(?ol), REPLACE(STR(?org), \"^.*/\", \"\")) AS ?orgLabel)
}
ORDER BY ?person ?org
";

fn text(t: &Option<Term>) -> String {
    match t {
        Some(Term::Literal(l)) => l.value().to_string(),
        Some(Term::NamedNode(n)) => n.as_str().to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn main() -> Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("docs"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let db = oxigraph::store::Store::new().context("creating an in-memory store")?;
    store::load_file(&db, Path::new("graph.ttl"))?;
    // The problems' Swedish labels.
    store::load_file(&db, Path::new("ontology/problems.ttl"))?;
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for m in map::municipalities()? {
        names.insert(&m.code, &m.name);
    }

    // Map and heatmap.
    let rows = store::select(
        &db,
        &format!("{PREFIXES}{FACES}"),
        &["code", "label", "docs"],
    )?;
    let mut cells: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in &rows {
        let docs: f64 = text(&r[2]).parse().context("a document count")?;
        cells.insert((text(&r[0]), text(&r[1])), docs);
    }
    let mut problems_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (code, problem) in cells.keys() {
        problems_of.entry(code).or_default().insert(problem);
    }
    let values: Vec<(String, f64)> = problems_of
        .iter()
        .map(|(code, p)| (code.to_string(), p.len() as f64))
        .collect();
    let svg = map::render(
        &values,
        "Problems municipalities face (demo: seed graph)",
        "distinct problems",
    )?;
    write(&out.join("map.svg"), &svg)?;

    // Rows: municipalities with the most documents first.
    let mut code_totals: BTreeMap<&str, f64> = BTreeMap::new();
    for ((code, _), docs) in &cells {
        *code_totals.entry(code).or_default() += docs;
    }
    let mut codes: Vec<&str> = code_totals.keys().copied().collect();
    codes.sort_by(|a, b| code_totals[b].total_cmp(&code_totals[a]).then(a.cmp(b)));
    let mut problem_totals: BTreeMap<&str, f64> = BTreeMap::new();
    for ((_, problem), docs) in &cells {
        *problem_totals.entry(problem).or_default() += docs;
    }
    let mut problems: Vec<&str> = problem_totals.keys().copied().collect();
    problems.sort_by(|a, b| {
        problem_totals[b]
            .total_cmp(&problem_totals[a])
            .then(a.cmp(b))
    });
    let row_labels: Vec<String> = codes
        .iter()
        .map(|c| {
            names
                .get(c)
                .map_or_else(|| c.to_string(), |n| n.to_string())
        })
        .collect();
    let col_labels: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let grid: Vec<Vec<f64>> = codes
        .iter()
        .map(|c| {
            problems
                .iter()
                .map(|p| {
                    cells
                        .get(&(c.to_string(), p.to_string()))
                        .copied()
                        .unwrap_or(0.0)
                })
                .collect()
        })
        .collect();
    let svg = heatmap::render(
        &row_labels,
        &col_labels,
        &grid,
        "Documents per municipality and problem (demo: seed graph)",
        "documents",
    )?;
    write(&out.join("heatmap.svg"), &svg)?;

    // Network.
    let rows = store::select(
        &db,
        &format!("{PREFIXES}{MEMBERSHIPS}"),
        &["person", "personLabel", "org", "orgLabel"],
    )?;
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut nodes: Vec<network::NetNode> = Vec::new();
    let mut node = |iri: String, label: String, nodes: &mut Vec<network::NetNode>| {
        *index.entry(iri.clone()).or_insert_with(|| {
            nodes.push(network::NetNode {
                id: iri,
                label,
                community: 0,
                size: 0.0,
            });
            nodes.len() - 1
        })
    };
    let mut edges = Vec::new();
    for r in &rows {
        let a = node(text(&r[0]), text(&r[1]), &mut nodes);
        let b = node(text(&r[2]), text(&r[3]), &mut nodes);
        edges.push((a, b, 1.0));
    }
    let mut groups = petgraph::unionfind::UnionFind::<usize>::new(nodes.len());
    for &(a, b, _) in &edges {
        groups.union(a, b);
        nodes[a].size += 1.0;
        nodes[b].size += 1.0;
    }
    for (i, n) in nodes.iter_mut().enumerate() {
        n.community = groups.find(i);
    }
    let svg = network::render(
        &nodes,
        &edges,
        "People and organisations by membership (demo: seed graph)",
        "memberships (degree)",
        1,
    )?;
    write(&out.join("network.svg"), &svg)?;
    Ok(())
}

fn write(path: &Path, svg: &str) -> Result<()> {
    socialgraf::write_atomically(path, svg.as_bytes())?;
    eprintln!("wrote {} ({} bytes)", path.display(), svg.len());
    Ok(())
}
