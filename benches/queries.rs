//! Canned-query latency and endpoint throughput, on the seed graph and on a
//! synthetic graph of at least a million triples (renamed copies of the seed
//! graph, `socialgraf::synth`).
//!
//! Each graph is measured in two layouts:
//! - stored: one named graph per document, as `socialgraf build` (or `load`
//!   of N-Quads) stores it, queried with the union of all graphs as the
//!   default graph. Oxigraph 0.5 takes that union as a bag, not a set: a
//!   triple held by n document graphs (a rule's or a role's description, a
//!   municipality's `sg:faces`) matches n times, and joins over such triples
//!   grow with the number of documents;
//! - merged: the union's distinct triples in the default graph (what the
//!   union is as a set of triples).
//!
//! For each graph and layout, in one run:
//! 1. the data is written to a temp folder (N-Quads, or N-Triples for the
//!    merged layout) and bulk-loaded into a RocksDB socialgraf store;
//! 2. latency: every query of `queries/`, with its example parameters, run
//!    through the library on that store (opened read-only, as `socialgraf
//!    query` does) and written as TSV; p50 and p99 per query. A run that
//!    takes longer than the cap is stopped and the query reported as such;
//! 3. throughput (where every query ends within the cap): the same file
//!    loaded into a store of Oxigraph's own server (`oxigraph load`), both
//!    servers started on loopback, and each driven with the same fixed
//!    query mix (the canned queries with their example parameters bound by
//!    a `VALUES` clause, sent as `application/sparql-query` to `/query`,
//!    results as SPARQL JSON) by C client threads, each going round the
//!    whole mix, in alternating rounds; socialgraf's canned-query route
//!    `/queries/NAME?PARAM=VALUE` (parameters pre-bound by substitution) is
//!    measured beside it. Row counts are checked equal on both servers, the
//!    canned route and the library before timing; a difference stops the
//!    run.
//!
//! Run: `cargo bench --bench queries` (release profile; with
//! `SOCIALGRAF_BENCH_SECONDS=5` the seed graph takes about 5 minutes on 2
//! cores and the synthetic graph about 12; a query that overruns the cap
//! can run on past it, since cancellation is only checked on store reads).
//! The peer comes from PyPI: `pip install oxigraph==0.5.13` (the
//! version of our oxigraph crate); its binary is `$OXIGRAPH_BIN`, else
//! `~/.cache/socialgraf-venv/bin/oxigraph`, else `oxigraph` on the PATH.
//! Without it the peer part is skipped. `SOCIALGRAF_BENCH_SECONDS` sets the
//! length of one timed round (default 5 s on the seed graph, 20 s on the
//! big one); `SOCIALGRAF_BENCH_GRAPH=seed` or `synthetic` runs one graph.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, Quad};
use oxigraph::sparql::CancellationToken;
use oxigraph::store::Store;
use socialgraf::query::CannedQuery;
use socialgraf::rules::Rules;
use socialgraf::store::Location;

/// Fewest distinct triples of the synthetic graph.
const MIN_TRIPLES: usize = 1_000_000;
/// Latency runs per query, at most...
const RUNS: usize = 200;
/// ... or as many as fit in this time, but at least `MIN_RUNS`...
const LATENCY_BUDGET: Duration = Duration::from_secs(20);
const MIN_RUNS: usize = 5;
/// ... and a run that takes longer than this is stopped.
const CAP: Duration = Duration::from_secs(30);
/// Client threads driving a server.
const CLIENTS: [usize; 2] = [1, 4];
/// Timed rounds per server and client count, alternating between servers.
const ROUNDS: usize = 3;
/// The bounds socialgraf serves with: generous, so they do not shape the
/// comparison (the peer has no row or concurrency cap).
const SERVE_BOUNDS: [&str; 8] = [
    "--timeout",
    "600",
    "--max-rows",
    "100000000",
    "--max-concurrent",
    "64",
    "--max-body",
    "1000000",
];
const ACCEPT: &str = "application/sparql-results+json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Stored,
    Merged,
}

fn main() {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let rules = Rules::load_default().expect("rules load");
    let seeds = root.join("corpus/seeds");
    let run = socialgraf::run_corpus(&seeds, &rules, u64::MAX).expect("seeds");
    let seed = socialgraf::build_dataset(&run, &rules, &seeds);
    let queries = CannedQuery::load_dir(&root.join("queries")).expect("queries");
    let tmp = tempfile::Builder::new()
        .prefix("socialgraf-bench-")
        .tempdir()
        .expect("temp dir");
    let peer = oxigraph_bin();
    match &peer {
        Some(bin) => println!("peer: {} ({})", bin.display(), version(bin)),
        None => println!(
            "peer: the `oxigraph` binary was not found ($OXIGRAPH_BIN, ~/.cache/socialgraf-venv/bin/oxigraph, PATH): \
             install it with `~/.cache/socialgraf-venv/bin/pip install oxigraph==0.5.13` (or `pip install oxigraph==0.5.13`); \
             the endpoint comparison is skipped"
        ),
    }
    let seconds = std::env::var("SOCIALGRAF_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok());
    let big_copies = socialgraf::synth::copies_for(&seed, MIN_TRIPLES);
    // `SOCIALGRAF_BENCH_GRAPH=seed` (or `synthetic`) runs one graph only.
    let only = std::env::var("SOCIALGRAF_BENCH_GRAPH").ok();
    for (name, copies, round) in [("seed", 1, 5.0), ("synthetic", big_copies, 20.0)] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let round = Duration::from_secs_f64(seconds.unwrap_or(round));
        let quads = socialgraf::synth::quad_count(&seed, copies);
        let triples = socialgraf::synth::distinct_triples(&seed, copies);
        println!();
        println!(
            "==== {name} graph: {copies} cop{} of the seed graph: {triples} distinct triples, {quads} quads",
            if copies == 1 { "y" } else { "ies" }
        );
        for layout in [Layout::Stored, Layout::Merged] {
            let graph = Graph {
                name,
                layout,
                quads: if layout == Layout::Stored {
                    quads
                } else {
                    triples
                },
                copies,
            };
            bench_graph(
                &root,
                tmp.path(),
                &graph,
                &seed,
                &queries,
                peer.as_deref(),
                round,
            );
        }
    }
}

struct Graph {
    name: &'static str,
    layout: Layout,
    /// Quads of the store (the distinct triples for the merged layout).
    quads: usize,
    copies: usize,
}

impl Graph {
    fn label(&self) -> String {
        format!(
            "{}-{}",
            self.name,
            match self.layout {
                Layout::Stored => "stored",
                Layout::Merged => "merged",
            }
        )
    }
}

/// Latency and throughput on one graph in one layout.
fn bench_graph(
    root: &Path,
    tmp: &Path,
    graph: &Graph,
    seed: &[Quad],
    queries: &[CannedQuery],
    peer: Option<&Path>,
    round: Duration,
) {
    let label = graph.label();
    println!();
    match graph.layout {
        Layout::Stored => println!(
            "== {label}: one named graph per document, default graph = union of all graphs; {} quads",
            graph.quads
        ),
        Layout::Merged => println!(
            "== {label}: the distinct triples in the default graph; {} triples",
            graph.quads
        ),
    }
    let file = tmp.join(match graph.layout {
        Layout::Stored => format!("{label}.nq"),
        Layout::Merged => format!("{label}.nt"),
    });
    let t = Instant::now();
    {
        let format = match graph.layout {
            Layout::Stored => RdfFormat::NQuads,
            Layout::Merged => RdfFormat::NTriples,
        };
        let out = std::fs::File::create(&file).expect("create the data file");
        let mut w = RdfSerializer::from_format(format).for_writer(BufWriter::new(out));
        for q in socialgraf::synth::quads(seed, graph.copies) {
            match graph.layout {
                Layout::Stored => w.serialize_quad(&q),
                // Duplicates are written; the stores keep each triple once.
                Layout::Merged => w.serialize_triple(q.as_ref()),
            }
            .expect("write a quad");
        }
        w.finish()
            .expect("finish the data file")
            .flush()
            .expect("flush the data file");
    }
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "wrote {} ({:.1} MB) in {:.1} s",
        file.display(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let sg_dir = tmp.join(format!("{label}-socialgraf.db"));
    let t = Instant::now();
    {
        let store = Store::open(&sg_dir).expect("open the socialgraf store");
        let mut loader = store.bulk_loader();
        let format = match graph.layout {
            Layout::Stored => RdfFormat::NQuads,
            Layout::Merged => RdfFormat::NTriples,
        };
        let data = std::fs::File::open(&file).expect("open the data file");
        loader
            .load_from_reader(format, BufReader::new(data))
            .expect("bulk load");
        loader.commit().expect("commit the bulk load");
        assert_eq!(
            store.len().expect("store size"),
            graph.quads,
            "quads in the store"
        );
    }
    println!(
        "socialgraf store (RocksDB, bulk loader): {} quads, loaded in {:.1} s",
        graph.quads,
        t.elapsed().as_secs_f64()
    );

    let expected = latency(&sg_dir, queries);

    let Some(peer) = peer else {
        return;
    };
    if let Some(slow) = queries.iter().find(|q| !expected.contains_key(&q.name)) {
        println!(
            "throughput: not measured on this layout: `{}` did not end within {} s",
            slow.name,
            CAP.as_secs()
        );
        return;
    }
    let ox_dir = tmp.join(format!("{label}-oxigraph.db"));
    let t = Instant::now();
    let status = Command::new(peer)
        .args(["load", "--location"])
        .arg(&ox_dir)
        .arg("--file")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("oxigraph load runs");
    assert!(status.success(), "oxigraph load failed: {status}");
    println!(
        "oxigraph store (`oxigraph load`): loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let sg = start_socialgraf(root, &sg_dir, &tmp.join(format!("{label}-socialgraf.log")));
    let ox = start_oxigraph(peer, &ox_dir, &tmp.join(format!("{label}-oxigraph.log")));
    println!(
        "servers: socialgraf serve {} (store read-only); oxigraph serve-read-only --union-default-graph --timeout-s 600",
        SERVE_BOUNDS.join(" ")
    );
    let mix = mix(queries);
    check_rows(&mix, &expected, &sg, &ox);
    // A server that keeps failing stops this layout's comparison, not the run.
    let measured = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        throughput(&mix, &sg, &ox, round);
    }));
    if measured.is_err() {
        println!("throughput: stopped on this layout: a server kept failing (above)");
    }
}

/// One request of the query mix: the query with its parameters bound by a
/// `VALUES` clause (for `/query`), and the canned route with them in the
/// query string.
struct Request {
    name: String,
    sparql: String,
    canned: String,
}

fn mix(queries: &[CannedQuery]) -> Vec<Request> {
    let where_ = regex::Regex::new(r"(?i)\bWHERE\s*\{").expect("regex");
    queries
        .iter()
        .map(|q| {
            let sparql = if q.params.is_empty() {
                q.text.clone()
            } else {
                let vars: Vec<String> = q.params.iter().map(|p| format!("?{}", p.name)).collect();
                let values: Vec<String> = q
                    .params
                    .iter()
                    .map(|p| Literal::new_simple_literal(&p.example).to_string())
                    .collect();
                let at = where_
                    .find(&q.text)
                    .unwrap_or_else(|| panic!("{}: no WHERE {{", q.name))
                    .end();
                format!(
                    "{} VALUES ({}) {{ ({}) }}{}",
                    &q.text[..at],
                    vars.join(" "),
                    values.join(" "),
                    &q.text[at..]
                )
            };
            let params: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(q.params.iter().map(|p| (&p.name, &p.example)))
                .finish();
            Request {
                name: q.name.clone(),
                sparql,
                canned: format!("/queries/{}?{params}", q.name),
            }
        })
        .collect()
}

/// Latency of each canned query through the library on the store at `dir`;
/// returns the rows of each query that ended within the cap.
fn latency(dir: &Path, queries: &[CannedQuery]) -> BTreeMap<String, usize> {
    let store = socialgraf::store::open_existing(&Location::Disk(dir.to_path_buf()))
        .expect("open the store read-only");
    println!(
        "latency: library (socialgraf::query::run, results as TSV); per query {RUNS} runs or as many as fit in {} s \
         (at least {MIN_RUNS}); a run over {} s is stopped",
        LATENCY_BUDGET.as_secs(),
        CAP.as_secs()
    );
    println!(
        "{:24} {:>9} {:>9} {:>7} {:>5}",
        "query", "p50 ms", "p99 ms", "rows", "runs"
    );
    let mut rows_of = BTreeMap::new();
    for q in queries {
        let bindings = q.example_bindings().expect("bindings");
        let mut times = Vec::with_capacity(RUNS);
        let mut rows = 0;
        let started = Instant::now();
        let mut stopped = false;
        while times.len() < RUNS && (times.len() < MIN_RUNS || started.elapsed() < LATENCY_BUDGET) {
            let token = CancellationToken::new();
            let (done, wait) = mpsc::channel::<()>();
            let timer = {
                let token = token.clone();
                std::thread::spawn(move || {
                    if wait.recv_timeout(CAP) == Err(mpsc::RecvTimeoutError::Timeout) {
                        token.cancel();
                    }
                })
            };
            let t = Instant::now();
            let mut out = Vec::new();
            let ran = socialgraf::query::run_cancellable(&store, &q.text, &bindings, token.clone())
                .and_then(|results| {
                    socialgraf::query::write_results(
                        results,
                        socialgraf::query::OutputFormat::Tsv,
                        &mut out,
                    )
                });
            let elapsed = t.elapsed();
            drop(done);
            timer.join().expect("the timer thread");
            if token.is_cancelled() {
                stopped = true;
                println!(
                    "{:24} stopped after {:.1} s (cap {} s), after {} complete runs",
                    q.name,
                    elapsed.as_secs_f64(),
                    CAP.as_secs(),
                    times.len()
                );
                break;
            }
            ran.expect("the query runs");
            times.push(elapsed.as_secs_f64() * 1000.0);
            rows = out
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1);
        }
        if stopped {
            continue;
        }
        times.sort_by(f64::total_cmp);
        let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "{:24} {:9.2} {:9.2} {:7} {:5}",
            q.name,
            at(0.50),
            at(0.99),
            rows,
            times.len()
        );
        rows_of.insert(q.name.clone(), rows);
    }
    rows_of
}

/// A server process, killed when dropped (also on panic).
struct Server {
    name: &'static str,
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_socialgraf(root: &Path, store: &Path, log: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socialgraf"))
        .arg("serve")
        .arg("--store")
        .arg(store)
        .args(["--bind", "127.0.0.1:0", "--queries"])
        .arg(root.join("queries"))
        .args(SERVE_BOUNDS)
        .env_remove("SOCIALGRAF_TOKEN")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("socialgraf serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    let mut server = Server {
        name: "socialgraf",
        child,
        base: String::new(),
        log: log.to_path_buf(),
    };
    let base = match read {
        Ok(_) => line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .map(|w| w.trim_end_matches('/').to_string()),
        Err(_) => None,
    };
    let Some(base) = base else {
        panic!(
            "socialgraf serve did not say where it listens ({line:?}); see {}",
            log.display()
        );
    };
    server.base = base;
    wait_ready(server)
}

fn start_oxigraph(bin: &Path, store: &Path, log: &Path) -> Server {
    // A free loopback port: bound, read and released (oxigraph takes no 0).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(bin)
        .args(["serve-read-only", "--location"])
        .arg(store)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--union-default-graph", "--timeout-s", "600"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("oxigraph serve starts");
    wait_ready(Server {
        name: "oxigraph",
        child,
        base: format!("http://127.0.0.1:{port}"),
        log: log.to_path_buf(),
    })
}

/// Waits until the server answers `ASK {}` (at most a minute).
fn wait_ready(mut server: Server) -> Server {
    let agent = agent();
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "{} exited ({status}) before it was ready; see {}",
                server.name,
                server.log.display()
            );
        }
        let answer = agent
            .get(format!("{}/query?query=ASK%7B%7D", server.base))
            .header("Accept", ACCEPT)
            .call();
        if answer.is_ok_and(|r| r.status() == 200) {
            return server;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} did not answer within a minute; see {}",
            server.name,
            server.log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into()
}

/// Requests answered 500 "Resource temporarily unavailable" (EAGAIN) and
/// sent again (Oxigraph's server gives it under fast concurrent requests).
static RETRIED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sends one request of the mix and returns the response body; a 500 with
/// "os error 11" (EAGAIN) is sent again after 10 ms, up to 100 times, and counted in
/// [`RETRIED`]; any other status but 200 stops the run.
fn send(agent: &ureq::Agent, server: &Server, r: &Request, canned: bool) -> Vec<u8> {
    let mut attempt = 0;
    loop {
        let (status, body) = send_once(agent, server, r, canned);
        if status == 200 {
            return body;
        }
        let eagain = status == 500 && String::from_utf8_lossy(&body).contains("os error 11");
        assert!(
            eagain && attempt < 100,
            "{} {}: status {status}: {}",
            server.name,
            r.name,
            String::from_utf8_lossy(&body)
        );
        attempt += 1;
        RETRIED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn send_once(agent: &ureq::Agent, server: &Server, r: &Request, canned: bool) -> (u16, Vec<u8>) {
    let answer = if canned {
        agent
            .get(format!("{}{}", server.base, r.canned))
            .header("Accept", ACCEPT)
            .call()
    } else {
        agent
            .post(format!("{}/query", server.base))
            .header("Accept", ACCEPT)
            .header("Content-Type", "application/sparql-query")
            .send(r.sparql.as_str())
    };
    let mut response = answer.unwrap_or_else(|e| panic!("{} {}: {e}", server.name, r.name));
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("{} {}: reading the body: {e}", server.name, r.name));
    (status, body)
}

/// Rows of a SPARQL JSON result.
fn json_rows(body: &[u8]) -> usize {
    let v: serde_json::Value = serde_json::from_slice(body).expect("SPARQL JSON");
    v["results"]["bindings"]
        .as_array()
        .map_or(0, |rows| rows.len())
}

/// Every query of the mix gives the library's row count on both servers and
/// on the canned route; a difference stops the run.
fn check_rows(mix: &[Request], expected: &BTreeMap<String, usize>, sg: &Server, ox: &Server) {
    let agent = agent();
    let mut differ = Vec::new();
    for r in mix {
        let want = expected[&r.name];
        let got = [
            ("socialgraf /query", json_rows(&send(&agent, sg, r, false))),
            ("socialgraf canned", json_rows(&send(&agent, sg, r, true))),
            ("oxigraph /query", json_rows(&send(&agent, ox, r, false))),
        ];
        for (who, n) in got {
            if n != want {
                differ.push(format!("{}: {who} {n} rows, library {want}", r.name));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "ROW COUNTS DIFFER between the servers:\n{}",
        differ.join("\n")
    );
    println!(
        "row counts: equal on both servers and the library for all {} queries",
        mix.len()
    );
}

/// Requests completed by `clients` threads, each going round the whole mix
/// from its own starting point until `length` has passed (a round begun is
/// finished, so every query counts alike); and the time taken, until the
/// last client ended.
fn drive(
    mix: &[Request],
    server: &Server,
    canned: bool,
    clients: usize,
    length: Duration,
) -> (usize, f64) {
    let started = Instant::now();
    let deadline = started + length;
    let done: usize = std::thread::scope(|s| {
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                s.spawn(move || {
                    let agent = agent();
                    let mut n = 0;
                    let first = c * mix.len() / clients;
                    while Instant::now() < deadline {
                        for i in 0..mix.len() {
                            send(&agent, server, &mix[(first + i) % mix.len()], canned);
                        }
                        n += mix.len();
                    }
                    n
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a client thread"))
            .sum()
    });
    (done, started.elapsed().as_secs_f64())
}

/// Queries per second of each server (and of socialgraf's canned route) at
/// each client count, measured in alternating rounds; the ratio
/// socialgraf/oxigraph.
fn throughput(mix: &[Request], sg: &Server, ox: &Server, round: Duration) {
    println!(
        "throughput: the {} canned queries in a fixed mix, Accept: {ACCEPT}; {ROUNDS} alternating rounds of {:.0} s per server",
        mix.len(),
        round.as_secs_f64()
    );
    println!(
        "{:>7} {:>16} {:>16} {:>10} {:>22}",
        "clients", "socialgraf q/s", "oxigraph q/s", "ratio", "socialgraf canned q/s"
    );
    for clients in CLIENTS {
        // One untimed round of the mix per client on each, to open the
        // clients' connections.
        for (server, canned) in [(sg, false), (ox, false), (sg, true)] {
            drive(mix, server, canned, clients, Duration::from_millis(1));
        }
        let mut totals = [(0usize, 0f64); 3];
        for r in 0..ROUNDS {
            let mut order = [(0, false), (1, false), (2, true)];
            if r % 2 == 1 {
                order.reverse();
            }
            for (slot, canned) in order {
                let server = if slot == 1 { ox } else { sg };
                let (n, secs) = drive(mix, server, canned, clients, round);
                totals[slot].0 += n;
                totals[slot].1 += secs;
            }
        }
        let qps = |(n, secs): (usize, f64)| n as f64 / secs;
        let (s, o, c) = (qps(totals[0]), qps(totals[1]), qps(totals[2]));
        println!("{clients:>7} {s:>16.1} {o:>16.1} {:>10.3} {c:>22.1}", s / o);
    }
    println!(
        "requests sent again after a 500 EAGAIN so far: {}",
        RETRIED.load(std::sync::atomic::Ordering::Relaxed)
    );
}

/// The peer's binary: `$OXIGRAPH_BIN`, the project's virtual environment,
/// or `oxigraph` on the PATH.
fn oxigraph_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OXIGRAPH_BIN") {
        return Some(PathBuf::from(p));
    }
    let venv = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/socialgraf-venv/bin/oxigraph"));
    if let Some(v) = venv.filter(|v| v.is_file()) {
        return Some(v);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("oxigraph"))
            .find(|p| p.is_file())
    })
}

fn version(bin: &Path) -> String {
    Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|e| format!("--version failed: {e}"))
}
