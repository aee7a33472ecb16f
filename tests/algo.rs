//! The graph algorithms of `socialgraf::algo` against NetworkX 3.6.1: the
//! fixtures of tests/fixtures/analytics/ (made by reference.py there) hold
//! each graph's edges and NetworkX's PageRank, betweenness, components and
//! Louvain modularity. PageRank and betweenness must agree to 1e-6; our
//! communities must reach NetworkX's Louvain modularity minus 0.01. Run
//! with `--nocapture` to see the largest differences.

use std::path::Path;

use petgraph::graph::UnGraph;
use serde::Deserialize;
use socialgraf::algo::{self, BetweennessConfig, CommunityConfig, PageRankConfig};

use super::util::{ok, root};

const FIXTURES: [&str; 4] = ["karate", "edge_cases", "municipalities", "planted"];
const TOLERANCE: f64 = 1e-6;

#[derive(Deserialize)]
struct Fixture {
    name: String,
    nodes: usize,
    edges: Vec<(u32, u32, f64)>,
    pagerank: Vec<PageRankCase>,
    betweenness: Vec<BetweennessCase>,
    components: Vec<usize>,
    louvain: Vec<LouvainCase>,
}

#[derive(Deserialize)]
struct PageRankCase {
    damping: f64,
    tolerance: f64,
    max_iterations: usize,
    values: Vec<f64>,
}

#[derive(Deserialize)]
struct BetweennessCase {
    weighted: bool,
    normalized: bool,
    values: Vec<f64>,
}

#[derive(Deserialize)]
struct LouvainCase {
    resolution: f64,
    modularity: f64,
    membership: Vec<usize>,
    modularity_at: std::collections::BTreeMap<String, f64>,
}

fn fixture(name: &str) -> (Fixture, UnGraph<(), f64>) {
    let path = root()
        .join("tests/fixtures/analytics")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture reads");
    let fixture: Fixture = serde_json::from_str(&text).expect("fixture parses");
    let mut g = UnGraph::with_capacity(fixture.nodes, fixture.edges.len());
    for _ in 0..fixture.nodes {
        g.add_node(());
    }
    for &(u, v, w) in &fixture.edges {
        g.add_edge(u.into(), v.into(), w);
    }
    (fixture, g)
}

fn max_diff(ours: &[f64], theirs: &[f64]) -> f64 {
    assert_eq!(ours.len(), theirs.len());
    ours.iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

#[test]
fn pagerank_matches_networkx() {
    for name in FIXTURES {
        let (fixture, g) = fixture(name);
        for case in &fixture.pagerank {
            let config = PageRankConfig {
                damping: case.damping,
                tolerance: case.tolerance,
                max_iterations: case.max_iterations,
            };
            let run = algo::pagerank_run(&g, &config);
            let diff = max_diff(&run.scores, &case.values);
            eprintln!(
                "{}: pagerank α={} tol={}: max |ours − networkx| = {diff:.2e} ({} iterations)",
                fixture.name, case.damping, case.tolerance, run.iterations
            );
            assert!(run.converged, "{name}: pagerank did not converge");
            assert!(
                diff <= TOLERANCE,
                "{name}: pagerank {config:?} differs by {diff}"
            );
        }
    }
}

#[test]
fn betweenness_matches_networkx() {
    for name in FIXTURES {
        let (fixture, g) = fixture(name);
        for case in &fixture.betweenness {
            let config = BetweennessConfig {
                weighted: case.weighted,
                normalized: case.normalized,
                sample: None,
            };
            let diff = max_diff(&algo::betweenness(&g, &config), &case.values);
            eprintln!(
                "{}: betweenness weighted={} normalized={}: max |ours − networkx| = {diff:.2e}",
                fixture.name, case.weighted, case.normalized
            );
            assert!(
                diff <= TOLERANCE,
                "{name}: betweenness {config:?} differs by {diff}"
            );
        }
    }
}

#[test]
fn components_match_networkx() {
    for name in FIXTURES {
        let (fixture, g) = fixture(name);
        assert_eq!(algo::components(&g), fixture.components, "{name}");
    }
}

#[test]
fn modularity_matches_networkx_on_its_partitions() {
    for name in FIXTURES {
        let (fixture, g) = fixture(name);
        for case in &fixture.louvain {
            let q = algo::modularity(&g, &case.membership, case.resolution);
            assert!(
                (q - case.modularity).abs() < 1e-9,
                "{name}: {q} vs {}",
                case.modularity
            );
            for (resolution, expected) in &case.modularity_at {
                let resolution: f64 = resolution.parse().expect("a resolution");
                let q = algo::modularity(&g, &case.membership, resolution);
                assert!(
                    (q - expected).abs() < 1e-9,
                    "{name} γ={resolution}: {q} vs {expected}"
                );
            }
        }
    }
}

#[test]
fn communities_reach_networkx_louvain_modularity() {
    for name in FIXTURES {
        let (fixture, g) = fixture(name);
        for case in &fixture.louvain {
            for seed in [0, 1, 2] {
                let config = CommunityConfig {
                    resolution: case.resolution,
                    seed,
                };
                let found = algo::communities(&g, &config);
                eprintln!(
                    "{}: γ={} seed {seed}: ours Q = {:.6} ({} communities), networkx Louvain Q = {:.6}",
                    fixture.name,
                    case.resolution,
                    found.modularity,
                    found.communities.len(),
                    case.modularity
                );
                assert!(
                    found.modularity >= case.modularity - 0.01,
                    "{name} γ={} seed {seed}: {} < networkx {} − 0.01",
                    case.resolution,
                    found.modularity,
                    case.modularity
                );
            }
        }
    }
}

#[test]
fn communities_are_deterministic_and_contributions_add_up() {
    for name in FIXTURES {
        let (_, g) = fixture(name);
        for resolution in [0.5, 1.0, 2.0] {
            let config = CommunityConfig {
                resolution,
                seed: 7,
            };
            let found = algo::communities(&g, &config);
            assert_eq!(
                found,
                algo::communities(&g, &config),
                "{name}: same seed, same result"
            );
            let sum: f64 = found.communities.iter().map(|c| c.contribution).sum();
            assert!((sum - found.modularity).abs() < 1e-12, "{name}");
            let q = algo::modularity(&g, &found.membership, resolution);
            assert!(
                (q - found.modularity).abs() < 1e-12,
                "{name}: {q} vs {}",
                found.modularity
            );
            // Membership and member lists describe the same partition.
            for (id, community) in found.communities.iter().enumerate() {
                assert!(community.members.iter().all(|&v| found.membership[v] == id));
            }
            let listed: usize = found.communities.iter().map(|c| c.members.len()).sum();
            assert_eq!(listed, g.node_count());
        }
    }
}

/// Every algorithm gives the same result, to the bit, on a bare graph and
/// on its `IndexedGraph`.
#[test]
fn indexed_graph_gives_the_same_results() {
    for name in FIXTURES {
        let (_, g) = fixture(name);
        let indexed = algo::IndexedGraph::new(&g);
        let bits = |values: Vec<f64>| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(algo::degree(&g), algo::degree(&indexed), "{name}");
        assert_eq!(
            bits(algo::weighted_degree(&g)),
            bits(algo::weighted_degree(&indexed)),
            "{name}"
        );
        let config = PageRankConfig::default();
        assert_eq!(
            bits(algo::pagerank(&g, &config)),
            bits(algo::pagerank(&indexed, &config)),
            "{name}"
        );
        for weighted in [false, true] {
            for sample in [None, Some((5, 3))] {
                let config = BetweennessConfig {
                    weighted,
                    normalized: true,
                    sample,
                };
                assert_eq!(
                    bits(algo::betweenness(&g, &config)),
                    bits(algo::betweenness(&indexed, &config)),
                    "{name}, weighted {weighted}, sample {sample:?}"
                );
            }
        }
        assert_eq!(algo::components(&g), algo::components(&indexed), "{name}");
        let config = CommunityConfig::default();
        let (bare, fast) = (
            algo::communities(&g, &config),
            algo::communities(&indexed, &config),
        );
        assert_eq!(bare.membership, fast.membership, "{name}");
        assert_eq!(
            bare.modularity.to_bits(),
            fast.modularity.to_bits(),
            "{name}"
        );
        assert_eq!(
            algo::modularity(&g, &bare.membership, 1.0).to_bits(),
            algo::modularity(&indexed, &bare.membership, 1.0).to_bits(),
            "{name}"
        );
    }
}

#[test]
fn sampled_betweenness_estimates_the_exact_values() {
    let (fixture, g) = fixture("planted");
    let exact = &fixture
        .betweenness
        .iter()
        .find(|c| !c.weighted && c.normalized)
        .expect("a normalised unweighted case")
        .values;
    let config = BetweennessConfig {
        weighted: false,
        normalized: true,
        sample: Some((300, 11)),
    };
    let sampled = algo::betweenness(&g, &config);
    assert_eq!(
        sampled,
        algo::betweenness(&g, &config),
        "seeded sampling is repeatable"
    );
    // Each node's estimate is noisy (these values vary little from node to
    // node), but unbiased: the total is close, and the average of several
    // seeds' estimates follows the exact values more closely than one.
    let total = |v: &[f64]| v.iter().sum::<f64>();
    let correlation = |x: &[f64]| {
        let (mx, me) = (total(x) / x.len() as f64, total(exact) / x.len() as f64);
        let cov: f64 = x.iter().zip(exact).map(|(a, b)| (a - mx) * (b - me)).sum();
        let spread = |v: &[f64], m: f64| v.iter().map(|a| (a - m).powi(2)).sum::<f64>().sqrt();
        cov / (spread(x, mx) * spread(exact, me))
    };
    let bias = (total(&sampled) - total(exact)).abs() / total(exact);
    let mut average = vec![0.0; exact.len()];
    for seed in 0..8 {
        let config = BetweennessConfig {
            sample: Some((300, seed)),
            ..config
        };
        for (a, b) in average.iter_mut().zip(algo::betweenness(&g, &config)) {
            *a += b / 8.0;
        }
    }
    let (one, eight) = (correlation(&sampled), correlation(&average));
    eprintln!(
        "planted: 300 of 1200 pivots: total off by {bias:.4}; correlation with exact {one:.4}, \
         of the mean of 8 seeds {eight:.4}"
    );
    assert!(bias < 0.02, "total off by {bias}");
    assert!(
        one > 0.8 && eight > 0.95 && eight > one,
        "correlations {one}, {eight}"
    );
    let all = BetweennessConfig {
        sample: Some((fixture.nodes, 11)),
        ..config
    };
    assert!(max_diff(&algo::betweenness(&g, &all), exact) <= TOLERANCE);
}

/// municipalities.csv is what municipalities.rq gives on graph.ttl (if not,
/// rerun the commands in reference.py's header, then reference.py).
#[test]
fn municipality_fixture_matches_graph_ttl() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store");
    let store = store.to_str().expect("utf-8 path");
    let root = root();
    let graph = root.join("graph.ttl");
    let query = root.join("tests/fixtures/analytics/municipalities.rq");
    ok(dir.path(), &["load", path(&graph), "--store", store]);
    let csv = ok(
        dir.path(),
        &[
            "sparql",
            "-f",
            path(&query),
            "--format",
            "csv",
            "--store",
            store,
        ],
    );
    let committed =
        std::fs::read_to_string(root.join("tests/fixtures/analytics/municipalities.csv"))
            .expect("municipalities.csv reads");
    assert_eq!(
        csv.replace("\r\n", "\n"),
        committed.replace("\r\n", "\n"),
        "municipalities.csv is out of date: see tests/fixtures/analytics/reference.py"
    );
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
