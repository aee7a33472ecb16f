//! Every rule file's examples and counterexamples hold.

use socialgraf::extract::{Extractor, check_examples};
use socialgraf::rules::Rules;

#[test]
fn rule_examples_hold() {
    let rules = Rules::load_default().expect("the rules under extract/ load");
    let failures = check_examples(&Extractor::new(&rules));
    assert!(
        failures.is_empty(),
        "{} rule example(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The prefilters that skip regexes (literals, a named person) never skip
/// one that matches: checked on every sentence of the seeds and examples.
#[test]
fn prefilters_never_skip_a_match() {
    let rules = Rules::load_default().expect("rules load");
    let resolver = socialgraf::resolve::Resolver::new(&rules);
    let (docs, _) =
        socialgraf::corpus::read_corpus(&super::util::root().join("corpus/seeds"), u64::MAX)
            .expect("seed corpus");
    let examples = rules
        .patterns
        .iter()
        .flat_map(|r| r.examples.iter().chain(&r.counterexamples))
        .chain(
            rules
                .concepts
                .iter()
                .flat_map(|c| c.examples.iter().chain(&c.counterexamples)),
        )
        .map(|e| e.text.clone())
        .chain(
            [
                "Var tredje kommun saknar socionomer.",
                "I MÅNGA KOMMUNER är läget svårt.",
                "De flesta kommunerna har problem med rekryteringen.",
                "Socialchefen i Helsingsborgs stad och Kalixx Kommun svarar.",
                "HELSINGSBORGS STAD, Helsingsborgs\tstad",
            ]
            .map(String::from),
        );
    let mut checked = 0;
    for doc in docs.iter().map(|d| d.text.clone()).chain(examples) {
        let text = socialgraf::text::Text::new(&doc);
        for s in &text.sentences {
            let st = text.sentence_text(s);
            let may = rules.candidates(&st.to_lowercase());
            let named = resolver.person_regex().is_match(st);
            for (k, r) in rules.patterns.iter().enumerate() {
                if r.regex.is_match(st) {
                    assert!(may.pattern(k), "{} skipped on {st:?}", r.id);
                    assert!(named || !r.requires_person, "{} on {st:?}", r.id);
                }
            }
            if rules.problem_words.is_match(st) {
                assert!(may.problem_words(), "problem words skipped on {st:?}");
            }
            if rules.general_subjects.is_match(st) {
                assert!(may.general_subjects(), "general subjects skipped on {st:?}");
            }
            // Misspelt municipalities are looked for only where the filter
            // sees a suffix: the same organisations as looking everywhere.
            assert_eq!(
                resolver.context_orgs_in(st, may.municipality_suffix()),
                resolver.context_orgs_in(st, true),
                "{st:?}"
            );
            for (k, (ci, cues, strong)) in rules.cue_regexes.iter().enumerate() {
                let id = &rules.concepts[*ci].id;
                if cues.is_match(st) {
                    assert!(may.cue(k), "cues of {id} skipped on {st:?}");
                }
                if strong.as_ref().is_some_and(|r| r.is_match(st)) {
                    assert!(may.strong(k), "strong cues of {id} skipped on {st:?}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} sentences");
}

#[test]
fn every_rule_and_concept_has_an_example() {
    let rules = Rules::load_default().expect("rules load");
    let missing: Vec<String> = rules
        .patterns
        .iter()
        .filter(|r| r.examples.is_empty())
        .map(|r| format!("{}: {}", r.file.display(), r.id))
        .collect();
    assert!(missing.is_empty(), "rules without examples: {missing:?}");
}

#[test]
fn a_broken_pattern_is_reported_with_file_and_rule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = super::util::root().join("extract");
    copy_dir(&src, dir.path());
    std::fs::write(
        dir.path().join("rules/zz_bad.toml"),
        "[[rule]]\nid = \"bad.one\"\nrelation = \"membership\"\npattern = '{PERSON} ({ROLE}'\n",
    )
    .expect("write");
    let err = Rules::load(dir.path()).expect_err("a broken pattern is an error");
    let msg = err.to_string();
    assert!(
        msg.contains("zz_bad.toml") && msg.contains("bad.one"),
        "{msg}"
    );
    std::fs::write(
        dir.path().join("rules/zz_bad.toml"),
        "[[rule]]\nid = \"bad.two\"\nrelation = \"membership\"\npattern = '{NOSUCH}'\n",
    )
    .expect("write");
    let msg = Rules::load(dir.path())
        .expect_err("an unknown macro is an error")
        .to_string();
    assert!(msg.contains("unknown macro {NOSUCH}"), "{msg}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let target = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}
