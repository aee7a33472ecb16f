//! A facts TSV file read as tool output and as gold, and scored
//! (socialgraf::invariants::facts_tsv says what is checked).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    socialgraf::invariants::facts_tsv(bytes);
});
