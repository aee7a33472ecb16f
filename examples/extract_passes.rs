//! Extracts the seed documents N times over (default 50) after one warm-up
//! pass, and prints the time: a steady loop for profilers. The README's
//! instruction counts come from running it under cachegrind with N = 4 and
//! N = 0 and taking the difference (loading the rules and the warm-up pass
//! cancel out):
//!
//! ```sh
//! cargo build --release --example extract_passes
//! valgrind --tool=cachegrind target/release/examples/extract_passes 4
//! ```

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use socialgraf::extract::Extractor;
use socialgraf::rules::Rules;

/// The allocator of the `socialgraf` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let passes: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().context("the number of passes")?,
        None => 50,
    };
    let rules = Rules::load_default()?;
    let extractor = Extractor::new(&rules);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let (seeds, _) = socialgraf::corpus::read_corpus(&dir, u64::MAX)?;
    for d in &seeds {
        extractor.extract(&d.id, &d.text);
    }
    let started = Instant::now();
    let facts = steady_passes(&extractor, &seeds, passes);
    let seconds = started.elapsed().as_secs_f64();
    let mb = passes as f64 * seeds.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "{passes} passes: {:.1} ms, {:.2} MB/s, {facts} facts",
        seconds * 1e3,
        mb / seconds.max(1e-9)
    );
    Ok(())
}

/// The timed passes, in a function of their own so that a profiler can
/// collect them alone (`valgrind --tool=callgrind --collect-atstart=no
/// --toggle-collect='*steady_passes*'`).
#[inline(never)]
fn steady_passes(
    extractor: &Extractor,
    seeds: &[socialgraf::corpus::Document],
    passes: usize,
) -> usize {
    let mut facts = 0;
    for _ in 0..passes {
        for d in seeds {
            facts += extractor.extract(&d.id, &d.text).facts.len();
        }
    }
    facts
}
