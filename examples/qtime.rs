//! Times canned queries through the library on a store, as `benches/queries.rs`
//! does, and writes each one's TSV results to a folder, for comparing a
//! rewritten query's answers with the old one's:
//!
//! `cargo run --release --example qtime -- STORE QUERY_DIR OUT_DIR [RUNS] [NAME...]`
//!
//! Each query runs with its example parameters; RUNS (default 5) runs or
//! until 30 s have passed (at least one), then the median and the largest
//! time are printed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use oxigraph::model::{Term, Variable};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use socialgraf::query::{CannedQuery, OutputFormat};
use socialgraf::store::Location;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, dir, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: qtime STORE QUERY_DIR OUT_DIR [RUNS] [NAME...]");
        std::process::exit(2);
    };
    let (runs, names) = match rest.split_first() {
        Some((n, names)) if n.parse::<usize>().is_ok() => (n.parse().unwrap_or(5), names),
        _ => (5, rest),
    };
    let store = socialgraf::store::open_existing(&Location::Disk(PathBuf::from(store)))
        .expect("open the store");
    let queries = CannedQuery::load_dir(std::path::Path::new(dir)).expect("queries");
    std::fs::create_dir_all(out).expect("out dir");
    for q in queries
        .iter()
        .filter(|q| names.is_empty() || names.contains(&q.name))
    {
        let bindings = q.example_bindings().expect("bindings");
        let mut times = Vec::new();
        let started = Instant::now();
        let mut rows = Vec::new();
        while times.len() < runs
            && (times.is_empty() || started.elapsed() < Duration::from_secs(30))
        {
            let t = Instant::now();
            rows.clear();
            let results = socialgraf::query::run(&store, &q.text, &bindings).expect("runs");
            socialgraf::query::write_results(results, OutputFormat::Tsv, &mut rows)
                .expect("results");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        if std::env::var_os("EXPLAIN").is_some() {
            explain(&store, &q.text, &bindings);
        }
        std::fs::write(PathBuf::from(out).join(format!("{}.tsv", q.name)), &rows)
            .expect("write results");
        times.sort_by(f64::total_cmp);
        println!(
            "{:24} p50 {:10.2} ms  max {:10.2} ms  rows {:6}  runs {}",
            q.name,
            times[times.len() / 2],
            times[times.len() - 1],
            rows.iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1),
            times.len()
        );
    }
}

/// Prints the plan Oxigraph evaluates, with row counts and times
/// (`EXPLAIN=1`).
fn explain(store: &oxigraph::store::Store, text: &str, bindings: &[(Variable, Term)]) {
    let parsed = socialgraf::query::parse(text, bindings).expect("parses");
    let mut prepared = SparqlEvaluator::new().for_query(parsed);
    prepared.dataset_mut().set_default_graph_as_union();
    let (results, explanation) = prepared.on_store(store).compute_statistics().explain();
    if let Ok(QueryResults::Solutions(solutions)) = results {
        for _ in solutions {}
    }
    println!("{explanation:?}");
}
