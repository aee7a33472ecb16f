//! Analytics speed: every algorithm of `socialgraf::algo` on a synthetic
//! weighted graph of 100,000 nodes and at least 1,000,000 edges, side by
//! side with NetworkX and python-igraph on the same edge list in the same
//! run (`benches/analytics_peers.py`).
//!
//! Run: `cargo bench --bench analytics` (release profile). The peers run
//! with `$SOCIALGRAF_VENV/bin/python` (default `~/.cache/socialgraf-venv`),
//! installed with
//! `~/.cache/socialgraf-venv/bin/pip install networkx==3.6.1 python-igraph==1.0.0 numpy==2.4.6 scipy==1.17.1`;
//! without them the bench says so and reports ours alone.
//! `ANALYTICS_PEERS=igraph` (or `networkx`, or `none`) limits the peers:
//! NetworkX takes about ten minutes.
//!
//! The graph: a degree-corrected stochastic block model (Karrer & Newman
//! 2011). Each node has a propensity drawn from a Pareto law (tail exponent
//! 1.5, so degrees follow a power law of exponent about 2.5, capped at 1000
//! times the minimum) and a community whose sizes are Pareto too (minimum
//! 30, capped at 5,000). An edge's first end is drawn by propensity, its
//! second by propensity inside the first end's community with probability
//! 0.8 and in the whole graph otherwise; loops and duplicates are dropped
//! until 1,000,000 distinct edges are reached; weights are integers 1 to 5.
//! Everything comes from one seeded SplitMix64, so the graph is the same on
//! every run. The edges are listed sorted by (smaller end, larger end), as
//! the views of `src/views.rs` add them; `ANALYTICS_EDGE_ORDER=shuffled`
//! lists them (to every side) in a seeded random order and orientation
//! instead, which makes ours build its adjacency in two passes, not one.
//!
//! The same generator also makes a small graph (2,000 nodes, 20,000 edges)
//! for exact betweenness, which NetworkX cannot do on the large one (one
//! search per node: about 45 hours there).
//!
//! Timing: graph construction is not timed in the algorithm rows on any
//! side. Ours builds a petgraph `UnGraph` and indexes it once
//! (`algo::IndexedGraph`: compressed adjacency, whose row lengths are the degrees), as igraph
//! indexes every `Graph` it makes and as `socialgraf analyze` does; NetworkX
//! builds a `Graph`, igraph a `Graph` with a weight attribute, each from the
//! same edge list. Construction is timed in rows of its own, outside the
//! targets, with ours on the bare `UnGraph` for degree (counted from the
//! edges, `O(m)`, as without the index). Each call is timed whole, from the
//! built graph to its result. Every side follows the same rule: run until
//! 100 runs or 2 s spent (at least once), keep the fastest.
//! Ours runs on a rayon pool of 1 thread and of 2 threads (only degree,
//! PageRank and betweenness are parallel); the peers are single-threaded,
//! so the ratios and targets use ours on 1 thread.
//!
//! Parameters, the same on every side: PageRank with damping 0.85, once to
//! NetworkX's default stopping rule (L1 change < n · 1e-6) and once to
//! PRPACK's (L1 change < 1e-10, NetworkX `tol=1e-10/n`), which is the only
//! one python-igraph offers (`solve(alpha, 1e-10)` is fixed in igraph's
//! C code); betweenness normalised, sampled from `PIVOTS` pivots (NetworkX:
//! `k=PIVOTS, seed=1`; igraph, which cannot sample: `sources=` the same
//! pivots as NetworkX's, `random.Random(1).sample`; ours: its own seeded
//! pivots; the graph is connected, so every search from any pivot settles
//! every node and scans every edge); Louvain at resolution 1 with seed 1.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use petgraph::graph::UnGraph;
use socialgraf::algo::{
    self, AnalyticsGraph, BetweennessConfig, CommunityConfig, IndexedGraph, PageRankConfig,
};

const NODES: usize = 100_000;
const EDGES: usize = 1_000_000;
/// The graph of the exact betweenness rows.
const SMALL_NODES: usize = 2_000;
const SMALL_EDGES: usize = 20_000;
const MIXING: f64 = 0.2;
const PIVOTS: usize = 32;
const SEED: u64 = 2026;

/// PRPACK's stopping rule as a NetworkX-style tolerance: L1 change < 1e-10.
const TIGHT_L1: f64 = 1e-10;
/// Each algorithm runs until this many runs or `BUDGET` seconds.
const RUNS: usize = 100;
const BUDGET: f64 = 2.0;

/// Row names, shared with `analytics_peers.py`.
const ALGORITHMS: [&str; 10] = [
    "degree",
    "weighted degree",
    "pagerank (tol 1e-6)",
    "pagerank (L1 < 1e-10)",
    "betweenness, k=32",
    "weighted betweenness, k=32",
    "components",
    "communities",
    "betweenness, exact (small)",
    "weighted betweenness, exact (small)",
];

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pareto(&mut self, exponent: f64, min: f64, cap: f64) -> f64 {
        (min * (1.0 - self.unit()).powf(-1.0 / exponent)).min(cap)
    }
}

/// Draws an index in proportion to the weights whose running sums are
/// `cumulative`.
fn draw(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng.unit() * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

fn running_sums(values: impl Iterator<Item = f64>) -> Vec<f64> {
    values
        .scan(0.0, |sum, v| {
            *sum += v;
            Some(*sum)
        })
        .collect()
}

fn generate(nodes: usize, edges: usize) -> Vec<(u32, u32, f64)> {
    let mut rng = Rng(SEED);
    let propensity: Vec<f64> = (0..nodes).map(|_| rng.pareto(1.5, 1.0, 1000.0)).collect();
    // Communities over a shuffled node order, so ids say nothing of them.
    let mut order: Vec<usize> = (0..nodes).collect();
    for i in (1..nodes).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut community = vec![0usize; nodes];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut placed = 0;
    while placed < nodes {
        let size = (rng.pareto(1.5, 30.0, 5000.0) as usize).min(nodes - placed);
        let block: Vec<usize> = order[placed..placed + size].to_vec();
        for &v in &block {
            community[v] = members.len();
        }
        members.push(block);
        placed += size;
    }
    let global = running_sums(propensity.iter().copied());
    let local: Vec<Vec<f64>> = members
        .iter()
        .map(|block| running_sums(block.iter().map(|&v| propensity[v])))
        .collect();
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(edges + edges / 10);
    while pairs.len() < edges {
        for _ in 0..(edges - pairs.len()) + edges / 20 {
            let u = draw(&mut rng, &global);
            let v = if rng.unit() < MIXING {
                draw(&mut rng, &global)
            } else {
                let c = community[u];
                members[c][draw(&mut rng, &local[c])]
            };
            if u != v {
                pairs.push((u.min(v) as u32, u.max(v) as u32));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
    }
    pairs
        .into_iter()
        .map(|(u, v)| (u, v, 1.0 + (rng.next_u64() % 5) as f64))
        .collect()
}

/// Puts the edges in a seeded random order, each with a random orientation.
fn shuffle(edges: &mut [(u32, u32, f64)]) {
    let mut rng = Rng(SEED + 1);
    for i in (1..edges.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        edges.swap(i, j);
    }
    for (u, v, _) in edges.iter_mut() {
        if rng.next_u64() & 1 == 1 {
            std::mem::swap(u, v);
        }
    }
}

fn write_edges(path: &Path, nodes: usize, edges: &[(u32, u32, f64)]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "# nodes {nodes}")?;
    for (u, v, w) in edges {
        writeln!(out, "{u}\t{v}\t{w}")?;
    }
    out.flush()
}

/// The fastest of `RUNS` runs or of those that fit in `BUDGET` seconds
/// (at least one), with the last run's note and the number of runs.
fn fastest(mut f: impl FnMut() -> String) -> (f64, String) {
    let (mut best, mut spent, mut runs) = (f64::INFINITY, 0.0, 0);
    let mut note = String::new();
    while runs < RUNS && (runs == 0 || spent < BUDGET) {
        let start = Instant::now();
        note = std::hint::black_box(f());
        let seconds = start.elapsed().as_secs_f64();
        best = best.min(seconds);
        spent += seconds;
        runs += 1;
    }
    (best, format!("{note}, best of {runs}"))
}

/// Rows outside the targets, shared with `analytics_peers.py`.
const OTHER_ROWS: [&str; 2] = ["construction", "degree, bare graph"];

/// Times building the graph and its index from the edge list, and degree
/// on the bare graph (no index); in `OTHER_ROWS` order.
fn ours_other(edges: &[(u32, u32, f64)], g: &UnGraph<(), f64>) -> Vec<(f64, String)> {
    vec![
        fastest(|| {
            let g = build(NODES, edges);
            let indexed = IndexedGraph::new(&g);
            format!("{} nodes", indexed.node_count())
        }),
        fastest(|| format!("max {}", algo::degree(g).iter().max().unwrap_or(&0))),
    ]
}

/// Times every algorithm; seconds and a note, in `ALGORITHMS` order.
fn ours(g: &IndexedGraph<()>, small: &IndexedGraph<()>) -> Vec<(f64, String)> {
    let sampled = |weighted| BetweennessConfig {
        weighted,
        normalized: true,
        sample: Some((PIVOTS, 1)),
    };
    let exact = |weighted| BetweennessConfig {
        weighted,
        normalized: true,
        sample: None,
    };
    let pagerank = |config: PageRankConfig| {
        move || {
            let run = algo::pagerank_run(g, &config);
            assert!(run.converged, "pagerank did not converge");
            format!("{} iterations", run.iterations)
        }
    };
    let betweenness = |graph: &IndexedGraph<()>, config: BetweennessConfig| {
        let sum: f64 = algo::betweenness(graph, &config).iter().sum();
        format!("sum {sum:.4}")
    };
    vec![
        fastest(|| format!("max {}", algo::degree(g).iter().max().unwrap_or(&0))),
        fastest(|| format!("sum {}", algo::weighted_degree(g).iter().sum::<f64>())),
        fastest(pagerank(PageRankConfig::default())),
        fastest(pagerank(PageRankConfig {
            tolerance: TIGHT_L1 / g.node_count() as f64,
            max_iterations: 1000,
            ..PageRankConfig::default()
        })),
        fastest(|| betweenness(g, sampled(false))),
        fastest(|| betweenness(g, sampled(true))),
        fastest(|| {
            let ids = algo::components(g);
            format!("{} components", ids.iter().max().map_or(0, |m| m + 1))
        }),
        fastest(|| {
            let found = algo::communities(
                g,
                &CommunityConfig {
                    resolution: 1.0,
                    seed: 1,
                },
            );
            format!(
                "Q={:.4}, {} communities",
                found.modularity,
                found.communities.len()
            )
        }),
        fastest(|| betweenness(small, exact(false))),
        fastest(|| betweenness(small, exact(true))),
    ]
}

struct PeerTime {
    peer: String,
    algorithm: String,
    seconds: f64,
    note: String,
}

fn python() -> PathBuf {
    let venv = std::env::var_os("SOCIALGRAF_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/socialgraf-venv")
        });
    venv.join("bin/python")
}

fn peers(edges: &Path, small: &Path, which: &str) -> Vec<PeerTime> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = python();
    let child = Command::new(&python)
        .arg(root.join("benches/analytics_peers.py"))
        .arg(edges)
        .arg(small)
        .arg(PIVOTS.to_string())
        .arg(which)
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!(
                "peers not run: {} ({e}); see this file's header to install them",
                python.display()
            );
            return Vec::new();
        }
    };
    let mut times = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let text = |key: &str| value[key].as_str().unwrap_or_default().to_string();
            let time = PeerTime {
                peer: text("peer"),
                algorithm: text("algorithm"),
                seconds: value["seconds"].as_f64().unwrap_or(f64::NAN),
                note: text("note"),
            };
            if time.algorithm == "missing" {
                eprintln!(
                    "{} is not installed ({}): ~/.cache/socialgraf-venv/bin/pip install networkx==3.6.1 python-igraph==1.0.0 numpy==2.4.6 scipy==1.17.1",
                    time.peer, time.note
                );
            } else {
                eprintln!(
                    "  {:18} {:36} {:>10} ms  {}",
                    time.peer,
                    time.algorithm,
                    milliseconds(time.seconds),
                    time.note
                );
            }
            times.push(time);
        }
    }
    let _ = child.wait();
    times
}

/// Seconds as milliseconds to three significant digits (at least one
/// decimal).
fn milliseconds(seconds: f64) -> String {
    let ms = seconds * 1e3;
    let decimals = match ms {
        ms if ms < 10.0 => 3,
        ms if ms < 100.0 => 2,
        _ => 1,
    };
    format!("{ms:.decimals$}")
}

fn build(nodes: usize, edges: &[(u32, u32, f64)]) -> UnGraph<(), f64> {
    let mut g = UnGraph::<(), f64>::with_capacity(nodes, edges.len());
    for _ in 0..nodes {
        g.add_node(());
    }
    for &(u, v, w) in edges {
        g.add_edge(u.into(), v.into(), w);
    }
    g
}

fn describe(name: &str, g: &UnGraph<(), f64>) {
    let mut degrees = algo::degree(g);
    degrees.sort_unstable();
    let components = algo::components(g).iter().max().map_or(0, |m| m + 1);
    println!(
        "{name}: {} nodes, {} edges, weights 1-5, max degree {}, median degree {}, {components} component(s)",
        g.node_count(),
        g.edge_count(),
        degrees.last().unwrap_or(&0),
        degrees[degrees.len() / 2],
    );
}

fn main() -> std::io::Result<()> {
    let start = Instant::now();
    let mut edges = generate(NODES, EDGES);
    let mut small_edges = generate(SMALL_NODES, SMALL_EDGES);
    let order = std::env::var("ANALYTICS_EDGE_ORDER").unwrap_or_else(|_| "sorted".into());
    if order == "shuffled" {
        shuffle(&mut edges);
        shuffle(&mut small_edges);
    }
    println!("edge order: {order}");
    let g = build(NODES, &edges);
    let small = build(SMALL_NODES, &small_edges);
    println!("generated in {:.1} s", start.elapsed().as_secs_f64());
    describe("graph", &g);
    describe("small graph (exact betweenness)", &small);
    let dir = std::env::temp_dir().join("socialgraf-analytics-bench");
    std::fs::create_dir_all(&dir)?;
    let edge_file = dir.join("edges.tsv");
    let small_file = dir.join("edges-small.tsv");
    write_edges(&edge_file, NODES, &edges)?;
    write_edges(&small_file, SMALL_NODES, &small_edges)?;
    println!(
        "edge lists: {}, {}",
        edge_file.display(),
        small_file.display()
    );

    let (mut mine, mut mine_other) = (Vec::new(), Vec::new());
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(std::io::Error::other)?;
        let (times, other) = pool.install(|| {
            let (indexed, small) = (IndexedGraph::new(&g), IndexedGraph::new(&small));
            (ours(&indexed, &small), ours_other(&edges, &g))
        });
        let rows = ALGORITHMS.iter().zip(&times);
        for (name, (seconds, note)) in rows.chain(OTHER_ROWS.iter().zip(&other)) {
            eprintln!(
                "  ours ({threads} thread{}) {name:36} {:>10} ms  {note}",
                if threads > 1 { "s" } else { "" },
                milliseconds(*seconds),
            );
        }
        mine.push(times);
        mine_other.push(other);
    }

    let which = std::env::var("ANALYTICS_PEERS").unwrap_or_else(|_| "igraph,networkx".into());
    let others = if which == "none" {
        Vec::new()
    } else {
        peers(&edge_file, &small_file, &which)
    };
    let find = |prefix: &str, algorithm: &str| {
        others
            .iter()
            .find(|t| t.peer.starts_with(prefix) && t.algorithm == algorithm)
            .map(|t| t.seconds)
    };
    let versions: Vec<&str> = others
        .iter()
        .filter(|t| t.algorithm == "degree")
        .map(|t| t.peer.as_str())
        .collect();
    println!(
        "peers: {}",
        if versions.is_empty() {
            "none".into()
        } else {
            versions.join(", ")
        }
    );
    println!(
        "targets: NetworkX ÷ ours ≥ 20 and ours ÷ igraph ≤ 2, ours on 1 thread (the peers use one)"
    );
    println!(
        "| algorithm | ours, 1 thread (ms) | ours, 2 threads (ms) | NetworkX (ms) | igraph (ms) | NetworkX ÷ ours | ours ÷ igraph | ≥ 20× NetworkX | ≤ 2× igraph |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let cell = |x: Option<f64>| x.map_or("–".to_string(), milliseconds);
    let ratio = |x: Option<f64>| x.map_or("–".to_string(), |r| format!("{r:.2}"));
    let verdict = |x: Option<bool>| match x {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "–",
    };
    let (mut met, mut missed) = (0, 0);
    for (i, name) in ALGORITHMS.iter().enumerate() {
        let (one, two) = (mine[0][i].0, mine[1][i].0);
        let nx = find("networkx", name).map(|t| t / one);
        let ig = find("igraph", name).map(|t| one / t);
        let targets = [nx.map(|r| r >= 20.0), ig.map(|r| r <= 2.0)];
        for t in targets.into_iter().flatten() {
            if t {
                met += 1;
            } else {
                missed += 1;
            }
        }
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
            milliseconds(one),
            milliseconds(two),
            cell(find("networkx", name)),
            cell(find("igraph", name)),
            ratio(nx),
            ratio(ig),
            verdict(targets[0]),
            verdict(targets[1]),
        );
    }
    println!("targets met: {met}, missed: {missed}");
    println!("not targets (construction is untimed in the rows above, on every side):");
    println!("| row | ours, 1 thread (ms) | ours, 2 threads (ms) | NetworkX (ms) | igraph (ms) |");
    println!("|---|---|---|---|---|");
    for (i, name) in OTHER_ROWS.iter().enumerate() {
        println!(
            "| {name} | {} | {} | {} | {} |",
            milliseconds(mine_other[0][i].0),
            milliseconds(mine_other[1][i].0),
            cell(find("networkx", name)),
            cell(find("igraph", name)),
        );
    }
    for t in others.iter().filter(|t| t.algorithm == "communities") {
        println!("{} communities: {}", t.peer, t.note);
    }
    println!("ours communities: {}", mine[0][7].1);
    Ok(())
}
