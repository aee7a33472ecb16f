//! No input makes extraction panic: arbitrary bytes go through decoding,
//! normalisation, sentence splitting, the rules and the RDF mapping.

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;
use socialgraf::corpus::document_from_bytes;
use socialgraf::extract::Extractor;
use socialgraf::rules::Rules;

static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::load_default().expect("rules load"));

fn whole_path(bytes: Vec<u8>) {
    let extractor = Extractor::new(&RULES);
    if let Ok(doc) = document_from_bytes(Path::new("p.txt"), bytes) {
        let e = extractor.extract(&doc.id, &doc.text);
        let n = doc.text.chars().count();
        let mut g = socialgraf::rdf::GraphBuilder::new();
        for f in &e.facts {
            assert!(
                f.start <= f.end && f.end <= n,
                "span {}..{} outside 0..{n}",
                f.start,
                f.end
            );
            g.add_fact(f, &RULES);
        }
        let _ = g.triples();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        whole_path(bytes);
    }

    #[test]
    fn arbitrary_swedish_like_text_never_panics(s in "[A-ZÅÄÖa-zåäö \\n,.:;!?\"–\u{00AD}\u{0308}-]{0,600}") {
        whole_path(s.into_bytes());
    }
}

#[test]
fn tricky_fragments_never_panic() {
    for s in [
        "-",
        "-\n",
        "a-\n",
        "a-\n\n\n",
        "\u{0308}",
        "Å\u{030A}",
        "Anna Ek, socialchef i",
        ".",
        "\r",
        "Foto:",
        "Karita:",
        "\u{FEFF}",
    ] {
        whole_path(s.as_bytes().to_vec());
    }
}
