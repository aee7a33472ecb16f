//! Ingest at scale, on synthetic corpora of growing size (the documents of
//! `socialgraf bench corpus`, seed 1). Per size:
//! - extraction alone, in this process: MB/s per core on one thread and on
//!   all cores (the first size only);
//! - `socialgraf build` end to end into a new store: wall time, MB/s,
//!   quads/s (quads written over the whole build), peak memory;
//! - the same build after changing 1% of the documents (incremental).
//!
//! Then, on the store of the largest size: canned-query latency (every
//! query of `queries/` with its example parameters, through the library,
//! p50 and p99) and analytics (`socialgraf analyze` per view, end to end).
//! The targets of issue #6 for this 2-core machine are printed beside the
//! figures: extraction at least 20 MB/s per core, a 100 MB build under
//! 60 s, peak RSS under 2 GB and flat as the corpus grows, an incremental
//! rebuild under 10% of the full build.
//!
//! Run: `cargo bench --bench ingest` (release profile; it runs the release
//! `socialgraf` binary). `INGEST_MB=10,100` sets the sizes in MB (default
//! `5,10,20`; 100 MB takes about three minutes more, most of it exact
//! betweenness on the actors view). Peak memory is the
//! maximum resident set size reported by GNU time (`/usr/bin/time`), left
//! out when that is not installed. Corpora and stores go to
//! `$TMPDIR/socialgraf-ingest-bench`, removed at the start of each size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;
use socialgraf::extract::Extractor;
use socialgraf::query::CannedQuery;
use socialgraf::rules::Rules;
use socialgraf::store::Location;
use socialgraf::synth_corpus::Generator;

/// A run of the binary: wall seconds, peak RSS in kB when known, stdout.
struct Measured {
    seconds: f64,
    peak_kb: Option<u64>,
    stdout: String,
}

fn run_measured<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> Measured {
    let bin = env!("CARGO_BIN_EXE_socialgraf");
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.args(["-f", "peak-kb %M", bin]);
        c
    } else {
        Command::new(bin)
    };
    command.args(args);
    let started = Instant::now();
    let output = command.output().expect("socialgraf runs");
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "socialgraf {args:?} failed:\n{stderr}"
    );
    let peak_kb = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-kb "))
        .and_then(|kb| kb.trim().parse().ok());
    Measured {
        seconds,
        peak_kb,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

/// The number of quads a build reports ("… (N quads written now)").
fn quads_reported(stdout: &str) -> f64 {
    stdout
        .lines()
        .next()
        .and_then(|l| l.strip_suffix(" quads written now)"))
        .and_then(|l| l.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .expect("build reports its quads")
}

/// Extraction alone: MB/s per core on `threads` threads, best of 3 passes
/// over the documents (read beforehand).
fn extraction_per_core(paths: &[PathBuf], rules: &Rules, threads: usize) -> f64 {
    let docs: Vec<_> = paths
        .iter()
        .map(|p| socialgraf::corpus::read_document(p, u64::MAX).expect("document reads"))
        .collect();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let extractor = Extractor::new(rules);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let best = (0..3)
        .map(|_| {
            let started = Instant::now();
            let facts: usize = pool.install(|| {
                docs.par_iter()
                    .map(|d| extractor.extract(&d.id, &d.text).facts.len())
                    .sum()
            });
            assert!(facts > 0);
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    bytes as f64 / 1e6 / best / threads as f64
}

/// Every canned query with its example parameters, through the library on
/// the store (read-only): p50 and p99 of `RUNS` runs after one warm-up.
fn query_latency(store: &Path) {
    const RUNS: usize = 20;
    let store = socialgraf::store::open_existing(&Location::Disk(store.to_path_buf()))
        .expect("store opens");
    let queries = CannedQuery::load_dir(&CannedQuery::default_dir()).expect("queries load");
    println!(
        "canned-query latency on that store (library, results as TSV; {RUNS} runs after a warm-up):"
    );
    println!("| query | rows | p50 (ms) | p99 (ms) |");
    println!("|---|---|---|---|");
    let mut all = Vec::new();
    for q in &queries {
        let bindings = q.example_bindings().expect("example parameters");
        let mut times = Vec::with_capacity(RUNS);
        let mut rows = 0;
        for run in 0..=RUNS {
            let started = Instant::now();
            let mut out = Vec::new();
            socialgraf::query::run(&store, &q.text, &bindings)
                .and_then(|r| {
                    socialgraf::query::write_results(
                        r,
                        socialgraf::query::OutputFormat::Tsv,
                        &mut out,
                    )
                })
                .expect("the query runs");
            if run > 0 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            rows = out
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1);
        }
        all.extend(&times);
        let (p50, p99) = percentiles(&mut times);
        println!("| {} | {rows} | {p50:.2} | {p99:.2} |", q.name);
    }
    let (p50, p99) = percentiles(&mut all);
    println!("| all | | {p50:.2} | {p99:.2} |");
}

fn percentiles(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.50), at(0.99))
}

/// `socialgraf analyze` per view on the store, end to end (opening the
/// store, building the view with SPARQL, the algorithms, printing).
fn analytics(store: &Path) {
    println!("analytics on that store (`socialgraf analyze`, end to end):");
    println!("| command | seconds | peak RSS (MB) |");
    println!("|---|---|---|");
    let store = store.to_string_lossy();
    let mut commands: Vec<Vec<&str>> = vec![vec!["recurring-problems"]];
    for view in [
        "municipality-problem",
        "municipalities",
        "problems",
        "actors",
    ] {
        commands.push(vec!["communities", "--view", view]);
        commands.push(vec!["centrality", "--view", view]);
    }
    commands.push(vec!["--samples", "256", "centrality", "--view", "actors"]);
    for command in commands {
        let mut args = vec!["analyze", "--store", &store];
        args.extend(&command);
        let m = run_measured(&args);
        println!(
            "| analyze {} | {:.1} | {} |",
            command.join(" "),
            m.seconds,
            megabytes(m.peak_kb)
        );
    }
}

/// Writes synthetic documents to `dir` until they hold `bytes`; returns
/// their paths and total size.
fn write_corpus(generator: &Generator, dir: &Path, bytes: usize) -> (Vec<PathBuf>, usize) {
    std::fs::create_dir_all(dir).expect("corpus folder");
    let (mut paths, mut total) = (Vec::new(), 0);
    while total < bytes {
        let (name, text) = generator.document(paths.len());
        let path = dir.join(name);
        std::fs::write(&path, &text).expect("document written");
        total += text.len();
        paths.push(path);
    }
    (paths, total)
}

fn megabytes(kb: Option<u64>) -> String {
    kb.map_or("–".to_string(), |kb| format!("{:.0}", kb as f64 / 1024.0))
}

fn main() {
    let sizes: Vec<usize> = std::env::var("INGEST_MB")
        .unwrap_or_else(|_| "5,10,20".to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rules = Rules::load_default().expect("rules load");
    let generator = Generator::new(&rules, 1).expect("generator");
    let root = std::env::temp_dir().join("socialgraf-ingest-bench");
    let mut rows = Vec::new();
    let (corpus, store) = (root.join("corpus"), root.join("store"));
    for (i, &mb) in sizes.iter().enumerate() {
        let _ = std::fs::remove_dir_all(&root);
        let (paths, bytes) = write_corpus(&generator, &corpus, mb * 1_000_000);
        if i == 0 {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let one = extraction_per_core(&paths, &rules, 1);
            let all = extraction_per_core(&paths, &rules, cores);
            println!(
                "extraction alone ({mb} MB): {one:.1} MB/s on one core; {all:.1} MB/s per core on {cores} \
                 ({:.2}x one core's total; target 20 MB/s per core, near-linear)",
                all * cores as f64 / one
            );
        }
        let build = [Path::new("build"), &corpus, Path::new("--store"), &store];
        let full = run_measured(&build);
        // Change 1% of the documents: a sentence more at the end.
        let changed = paths.len().div_ceil(100);
        for path in paths.iter().step_by(100) {
            let mut text = std::fs::read_to_string(path).expect("document reads");
            text.push_str("Rapporten uppdaterades i dag.\n");
            std::fs::write(path, text).expect("document rewritten");
        }
        let incremental = run_measured(&build);
        eprintln!(
            "{mb} MB: {} documents, full build {:.1} s, incremental ({changed} changed) {:.1} s",
            paths.len(),
            full.seconds,
            incremental.seconds
        );
        rows.push((bytes, paths.len(), full, changed, incremental));
    }
    println!(
        "targets (issue #6, 2 cores): 100 MB build < 60 s; peak RSS < 2048 MB and flat; incremental < 10% of full"
    );
    println!(
        "| corpus | documents | full build (s) | MB/s | quads/s | peak RSS (MB) | incremental, 1% changed (s) | peak RSS (MB) | incremental ÷ full |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (bytes, docs, full, changed, incremental) in &rows {
        let mb = *bytes as f64 / 1e6;
        println!(
            "| {mb:.1} MB | {docs} | {:.1} | {:.2} | {:.0} | {} | {:.1} ({changed} documents) | {} | {:.2} |",
            full.seconds,
            mb / full.seconds,
            quads_reported(&full.stdout) / full.seconds,
            megabytes(full.peak_kb),
            incremental.seconds,
            megabytes(incremental.peak_kb),
            incremental.seconds / full.seconds,
        );
    }
    query_latency(&store);
    analytics(&store);
    let _ = std::fs::remove_dir_all(&root);
}
