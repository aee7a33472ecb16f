//! Extraction throughput on a corpus made by repeating the seed documents to
//! at least 50 MB. Prints MB/s on one core and on all cores, and the ratio to
//! the target of 20 MB/s per core.
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

    let t = Instant::now();
    let mut facts = 0usize;
    for (id, text) in &docs {
        facts += extractor.extract(id, text).facts.len();
    }
    let one = t.elapsed().as_secs_f64();
    let per_core = mb / one;
    println!(
        "1 core:  {:.2} s, {:.2} MB/s, {} facts; {:.2}x the target of {} MB/s per core",
        one,
        per_core,
        facts,
        per_core / TARGET_MB_PER_S_PER_CORE,
        TARGET_MB_PER_S_PER_CORE
    );

    let cores = rayon::current_num_threads();
    let t = Instant::now();
    let facts_par: usize = docs
        .par_iter()
        .map(|(id, text)| extractor.extract(id, text).facts.len())
        .sum();
    let all = t.elapsed().as_secs_f64();
    println!(
        "{} cores: {:.2} s, {:.2} MB/s ({:.2} MB/s per core), {} facts; speed-up {:.2}x over 1 core",
        cores,
        all,
        mb / all,
        mb / all / cores as f64,
        facts_par,
        one / all
    );
    assert_eq!(
        facts, facts_par,
        "parallel and sequential runs give the same facts"
    );
}
