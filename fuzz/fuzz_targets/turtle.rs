//! A Turtle file parsed, written as socialgraf's deterministic Turtle and
//! parsed back (socialgraf::invariants::turtle says what is checked).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    socialgraf::invariants::turtle(bytes);
});
