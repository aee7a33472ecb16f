//! Extraction throughput on a corpus made by repeating the seed documents to
//! at least 50 MB. Prints MB/s on one core and on all cores, and the ratio to
//! the target of 20 MB/s per core: the best of five rounds
//! (`SOCIALGRAF_BENCH_ROUNDS` sets how many), with the median.
//!
//! Run: `cargo bench --bench extract` (release profile). It allocates with
//! mimalloc, as the `socialgraf` binary does.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use socialgraf::extract::Extractor;
use socialgraf::rules::Rules;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_MB_PER_S_PER_CORE: f64 = 20.0;
const MIN_BYTES: usize = 50 * 1000 * 1000;

fn main() {
    let rules = Rules::load_default().expect("rules load");
    let extractor = Extractor::new(&rules);
    let (seeds, _) = socialgraf::corpus::read_corpus(
        &std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
            .join("corpus/seeds"),
        u64::MAX,
    )
    .expect("seed corpus");
    let seed_bytes: usize = seeds.iter().map(|d| d.text.len()).sum();
    let copies = MIN_BYTES.div_ceil(seed_bytes);
    let docs: Vec<(String, &str)> = (0..copies)
        .flat_map(|i| {
            seeds
                .iter()
                .map(move |d| (format!("{}-{i}", d.id), d.text.as_str()))
        })
        .collect();
    let total: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let mb = total as f64 / 1e6;
    println!(
        "corpus: {} documents, {:.1} MB ({} copies of the {} seeds)",
        docs.len(),
        mb,
        copies,
        seeds.len()
    );

    // Each figure is the best of several rounds, the two kinds taking
    // turns: on a shared machine a single run can be a fifth slower than
    // the next. The median is printed beside it.
    let rounds: usize = std::env::var("SOCIALGRAF_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let cores = rayon::current_num_threads();
    let (mut one, mut all) = (Vec::new(), Vec::new());
    let (mut facts, mut facts_par) = (0, 0);
    let facts_of = |(id, text): &(String, &str)| extractor.extract(id, text).facts.len();
    for _ in 0..rounds {
        let t = Instant::now();
        facts = docs.iter().map(facts_of).sum();
        one.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        facts_par = docs.par_iter().map(facts_of).sum();
        all.push(t.elapsed().as_secs_f64());
        assert_eq!(
            facts, facts_par,
            "parallel and sequential runs give the same facts"
        );
    }
    let (one_best, one_median) = best_and_median(&mut one);
    let (all_best, all_median) = best_and_median(&mut all);
    println!(
        "1 core:  {:.2} MB/s (best of {rounds}; median {:.2}), {facts} facts; {:.2}x the target of {} MB/s per core",
        mb / one_best,
        mb / one_median,
        mb / one_best / TARGET_MB_PER_S_PER_CORE,
        TARGET_MB_PER_S_PER_CORE
    );
    println!(
        "{cores} cores: {:.2} MB/s, {:.2} MB/s per core (best of {rounds}; median {:.2} per core), {facts_par} facts; speed-up {:.2}x over 1 core",
        mb / all_best,
        mb / all_best / cores as f64,
        mb / all_median / cores as f64,
        one_best / all_best
    );
}

/// The shortest and the median of some timings.
fn best_and_median(seconds: &mut [f64]) -> (f64, f64) {
    seconds.sort_by(f64::total_cmp);
    (seconds[0], seconds[seconds.len() / 2])
}
