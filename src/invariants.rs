//! Promises of the input paths, checked on arbitrary bytes: by the fuzz
//! targets of `fuzz/` and, on every input the fuzzers found and we fixed
//! (`fuzz/regressions/`), by the robustness test. An input a path rejects
//! with an error is fine; a panic, or output that breaks a promise below,
//! is a bug. Each function panics with what was broken.
//!
//! The entry points are [`extraction`], [`facts_tsv`] and [`turtle`].

use std::collections::BTreeSet;
use std::path::Path;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Triple;

use crate::corpus::document_from_bytes;
use crate::extract::Extractor;

/// A document's bytes through decoding, normalisation, the rules and the
/// RDF mapping: every fact's span lies in the text, its TSV line reads back
/// as one row, the same text with CRLF line ends gives the same facts, and
/// the document's Turtle parses back to the same triples.
pub fn extraction(extractor: &Extractor, bytes: &[u8]) {
    let Ok(doc) = document_from_bytes(Path::new("fuzz.txt"), bytes.to_vec()) else {
        return;
    };
    let extraction = extractor.extract(&doc.id, &doc.text);
    let chars = doc.text.chars().count();
    for f in &extraction.facts {
        assert!(
            f.start <= f.end && f.end <= chars,
            "fact span {}..{} outside the text's 0..{chars}: {f:?}",
            f.start,
            f.end
        );
    }
    let tsv = crate::facts::write_tsv(&extraction.facts);
    let rows = crate::facts::read_tsv(&tsv, false)
        .unwrap_or_else(|e| panic!("the facts TSV written does not read back: {e}\n{tsv}"));
    assert_eq!(
        rows.len(),
        tsv.lines().count() - 1,
        "a fact's TSV line does not read back as one row:\n{tsv}"
    );
    if !doc.text.contains('\r') {
        let crlf = doc.text.replace('\n', "\r\n");
        let again = crate::facts::write_tsv(&extractor.extract(&doc.id, &crlf).facts);
        assert_eq!(again, tsv, "CRLF line ends give other facts than LF");
    }
    let triples =
        crate::rdf::document_triples(&doc, "fuzz.txt", &extraction.facts, extractor.rules());
    assert_turtle_round_trip(&triples);
}

/// A facts TSV file (tool output or gold) read both ways and scored
/// against itself: each required gold row is matched once or missed.
pub fn facts_tsv(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let (Ok(system), Ok(gold)) = (
        crate::facts::read_tsv(text, false),
        crate::facts::read_tsv(text, true),
    ) else {
        return;
    };
    assert_eq!(
        system.len(),
        gold.len(),
        "gold and system read different rows"
    );
    let score = crate::eval::score_doc(&gold, &system);
    assert!(score.system.len() <= system.len());
    let claimed = score
        .system
        .iter()
        .filter(|(_, o)| *o == crate::eval::Outcome::TruePositive)
        .count();
    assert_eq!(
        claimed + score.missed.len(),
        gold.iter().filter(|r| r.required).count(),
        "a required gold row is neither matched once nor missed"
    );
    let nothing = crate::eval::score_doc(&[], &system);
    assert!(nothing.missed.is_empty());
    assert_eq!(nothing.system.len(), score.system.len());
}

/// A Turtle file (as `socialgraf load` reads one): if Oxigraph parses it,
/// the deterministic Turtle socialgraf writes of its triples parses back,
/// with Oxigraph and with rio_turtle, to the same triples.
pub fn turtle(bytes: &[u8]) {
    let Ok(triples) = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(bytes)
        .map(|q| q.map(Triple::from))
        .collect::<Result<Vec<_>, _>>()
    else {
        return;
    };
    assert_turtle_round_trip(&triples);
}

fn assert_turtle_round_trip(triples: &[Triple]) {
    let ttl = crate::export::turtle(triples).expect("writing Turtle");
    let read: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(ttl.as_bytes())
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("the Turtle written does not parse: {e}\n{ttl}"));
    // Blank nodes get new labels when parsed: those triples are counted,
    // the others compared.
    let (written_ground, written_blank) = ground_and_blank(triples);
    let (read_ground, read_blank) = ground_and_blank(&read);
    assert_eq!(
        read_ground, written_ground,
        "the Turtle written reads back as other triples:\n{ttl}"
    );
    assert_eq!(read_blank, written_blank, "blank-node triples lost:\n{ttl}");
    let rio = crate::export::reparse(&ttl)
        .unwrap_or_else(|e| panic!("rio_turtle does not parse the Turtle written: {e}\n{ttl}"));
    assert_eq!(
        rio.into_iter().collect::<BTreeSet<_>>().len(),
        written_ground.len() + written_blank,
        "rio_turtle reads another number of triples:\n{ttl}"
    );
}

/// The distinct triples without blank nodes, and how many distinct
/// triples have one.
fn ground_and_blank(triples: &[Triple]) -> (BTreeSet<String>, usize) {
    let (blank, ground): (Vec<&Triple>, Vec<&Triple>) = triples
        .iter()
        .partition(|t| t.subject.is_blank_node() || t.object.is_blank_node());
    let distinct = |ts: Vec<&Triple>| ts.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>();
    (distinct(ground), distinct(blank).len())
}
