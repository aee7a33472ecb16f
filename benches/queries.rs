//! Canned-query latency on the seed graph: each query of `queries/` run
//! 200 times (with its example parameters) on an in-memory store built from
//! `corpus/seeds/`; prints p50 and p99 per query.
//!
//! Run: `cargo bench --bench queries` (release profile).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use socialgraf::query::CannedQuery;
use socialgraf::rules::Rules;

const RUNS: usize = 200;

fn main() {
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let rules = Rules::load_default().expect("rules load");
    let run = socialgraf::run_corpus(&root.join("corpus/seeds"), &rules, u64::MAX).expect("seeds");
    let triples = socialgraf::build_graph(&run, &rules, &root.join("corpus/seeds"));
    let store = socialgraf::store::memory_store(&triples).expect("store");
    println!(
        "seed graph: {} triples; {RUNS} runs per query",
        triples.len()
    );
    println!(
        "{:24} {:>9} {:>9} {:>6}",
        "query", "p50 ms", "p99 ms", "rows"
    );
    for q in CannedQuery::load_dir(&root.join("queries")).expect("queries") {
        let given: BTreeMap<String, String> = q
            .params
            .iter()
            .map(|p| (p.name.clone(), p.example.clone()))
            .collect();
        let bindings = q.bindings(&given).expect("bindings");
        let mut times = Vec::with_capacity(RUNS);
        let mut rows = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let results = socialgraf::query::run(&store, &q.text, &bindings).expect("runs");
            let mut out = Vec::new();
            socialgraf::query::write_results(
                results,
                socialgraf::query::OutputFormat::Tsv,
                &mut out,
            )
            .expect("writes");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = out
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1);
        }
        times.sort_by(f64::total_cmp);
        let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!("{:24} {:9.2} {:9.2} {:6}", q.name, at(0.50), at(0.99), rows);
    }
}
