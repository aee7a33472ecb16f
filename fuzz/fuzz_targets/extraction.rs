//! A document's bytes through decoding, text normalisation, the rules and
//! the RDF mapping (socialgraf::invariants::extraction says what is checked).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use socialgraf::extract::Extractor;
use socialgraf::rules::Rules;

static RULES: LazyLock<Rules> =
    LazyLock::new(|| Rules::load_default().expect("the rules of extract/ load"));
// Made once: building an extractor (its resolver's automata) costs more
// than extracting a small document.
static EXTRACTOR: LazyLock<Extractor<'static>> = LazyLock::new(|| Extractor::new(&RULES));

fuzz_target!(|bytes: &[u8]| {
    socialgraf::invariants::extraction(&EXTRACTOR, bytes);
});
