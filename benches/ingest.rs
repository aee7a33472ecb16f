//! Ingest at scale: `socialgraf build` end to end on synthetic corpora of
//! growing size (the documents of `socialgraf bench corpus`, seed 1), each
//! into a new store, then again after changing 1% of the documents (an
//! incremental rebuild). Prints wall time, throughput and peak memory per
//! size, so that the README can show how they grow, and the targets of
//! issue #6 for this 2-core machine: a 100 MB build under 60 s, peak RSS
//! under 2 GB and flat as the corpus grows, an incremental rebuild under
//! 10% of the full build.
//!
//! Run: `cargo bench --bench ingest` (release profile; it runs the release
//! `socialgraf` binary). `INGEST_MB=10,100` sets the sizes in MB (default
//! `5,10,20`; 100 MB takes about three minutes more). Peak memory is the
//! maximum resident set size reported by GNU time (`/usr/bin/time`), left
//! out when that is not installed. Corpora and stores go to
//! `$TMPDIR/socialgraf-ingest-bench`, removed at the start of each size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use socialgraf::rules::Rules;
use socialgraf::synth_corpus::Generator;

/// A run of the binary: wall seconds and peak RSS in kB when known.
struct Measured {
    seconds: f64,
    peak_kb: Option<u64>,
}

fn run_measured(args: &[&Path]) -> Measured {
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
    Measured { seconds, peak_kb }
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
    for mb in sizes {
        let _ = std::fs::remove_dir_all(&root);
        let (corpus, store) = (root.join("corpus"), root.join("store"));
        let (paths, bytes) = write_corpus(&generator, &corpus, mb * 1_000_000);
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
    let _ = std::fs::remove_dir_all(&root);
    println!(
        "targets (issue #6, 2 cores): 100 MB build < 60 s; peak RSS < 2048 MB and flat; incremental < 10% of full"
    );
    println!(
        "| corpus | documents | full build (s) | MB/s | peak RSS (MB) | incremental, 1% changed (s) | peak RSS (MB) | incremental ÷ full |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (bytes, docs, full, changed, incremental) in &rows {
        let mb = *bytes as f64 / 1e6;
        println!(
            "| {mb:.1} MB | {docs} | {:.1} | {:.2} | {} | {:.1} ({changed} documents) | {} | {:.2} |",
            full.seconds,
            mb / full.seconds,
            megabytes(full.peak_kb),
            incremental.seconds,
            megabytes(incremental.peak_kb),
            incremental.seconds / full.seconds,
        );
    }
}
