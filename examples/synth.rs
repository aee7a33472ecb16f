//! Writes the synthetic benchmark dataset (`socialgraf::synth`) as N-Quads
//! and, if a folder is given, bulk-loads it into a RocksDB store there, as
//! `benches/queries.rs` does, for timing queries by hand:
//!
//! `cargo run --release --example synth -- COPIES OUT.nq [STORE_DIR]`
//!
//! COPIES is the number of copies of the seed graph (`min` for the fewest
//! that give a million distinct triples, what the bench uses).

use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::store::Store;
use socialgraf::rules::Rules;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [copies, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: synth COPIES|min OUT.nq [STORE_DIR]");
        std::process::exit(2);
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rules = Rules::load_default().expect("rules load");
    let seeds = root.join("corpus/seeds");
    let run = socialgraf::run_corpus(&seeds, &rules, u64::MAX).expect("seeds");
    let seed = socialgraf::build_dataset(&run, &rules, &seeds);
    let copies = if copies == "min" {
        socialgraf::synth::copies_for(&seed, 1_000_000)
    } else {
        copies.parse().expect("COPIES is a number or `min`")
    };
    let file = std::fs::File::create(out).expect("create the output file");
    let mut w = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(BufWriter::new(file));
    for q in socialgraf::synth::quads(&seed, copies) {
        w.serialize_quad(&q).expect("write a quad");
    }
    w.finish().expect("finish").flush().expect("flush");
    eprintln!(
        "{copies} copies: {} quads, {} distinct triples, in {out}",
        socialgraf::synth::quad_count(&seed, copies),
        socialgraf::synth::distinct_triples(&seed, copies)
    );
    if let [dir] = rest {
        let store = Store::open(dir).expect("open the store");
        let mut loader = store.bulk_loader();
        let data = std::fs::File::open(out).expect("open the N-Quads");
        loader
            .load_from_reader(RdfFormat::NQuads, BufReader::new(data))
            .expect("bulk load");
        loader.commit().expect("commit");
        eprintln!("loaded into {dir}: {} quads", store.len().expect("len"));
    }
}
