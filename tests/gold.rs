//! Extraction quality against the seeds' gold, and agreement of our scorer
//! with the reference scorer `tests/gold/score.py`.

use std::collections::BTreeMap;
use std::process::Command;

use socialgraf::eval::{Report, score_doc};
use socialgraf::facts::{Relation, read_tsv};
use socialgraf::rules::Rules;

use super::util::{root, run, stdout};

#[derive(serde::Deserialize)]
struct Thresholds {
    target: BTreeMap<String, f64>,
    floor: BTreeMap<String, f64>,
}

#[test]
fn gold_quality_holds() {
    let rules = Rules::load_default().expect("rules load");
    let run = socialgraf::run_corpus(&root().join("corpus/seeds"), &rules, u64::MAX)
        .expect("corpus runs");
    let ev = socialgraf::evaluate(&run, &root().join("tests/gold")).expect("evaluation runs");
    let r = &ev.report;
    let mut measured = BTreeMap::new();
    measured.insert("overall_f1", r.overall().prf().2);
    measured.insert(
        "membership_precision",
        r.relation(Relation::Membership).prf().0,
    );
    measured.insert(
        "membership_recall",
        r.relation(Relation::Membership).prf().1,
    );
    measured.insert("faces_f1", r.relation(Relation::Faces).prf().2);
    measured.insert("addresses_f1", r.relation(Relation::Addresses).prf().2);
    let text = std::fs::read_to_string(root().join("tests/gold/thresholds.toml"))
        .expect("thresholds file");
    let t: Thresholds = toml::from_str(&text).expect("thresholds parse");
    let mut below = Vec::new();
    for (name, value) in &measured {
        let floor = t
            .floor
            .get(*name)
            .copied()
            .expect("a floor for every figure");
        let target = t
            .target
            .get(*name)
            .copied()
            .expect("a target for every figure");
        eprintln!(
            "{name:22} {value:.3}  floor {floor:.3}  target {target:.3}{}",
            if *value < target {
                "  (below target)"
            } else {
                ""
            }
        );
        if *value + 1e-9 < floor {
            below.push(format!(
                "{name} = {value:.3} fell below its floor {floor:.3}"
            ));
        }
        // Every target is reached: falling below one is a failure too.
        if *value + 1e-9 < target {
            below.push(format!(
                "{name} = {value:.3} fell below its target {target:.3}"
            ));
        }
    }
    eprintln!("{}", r.table());
    assert!(
        below.is_empty(),
        "extraction quality regressed:\n{}",
        below.join("\n")
    );
}

#[derive(Debug, serde::Deserialize)]
struct PyFigures {
    tp: usize,
    fp: usize,
    #[serde(rename = "fn")]
    fn_: usize,
}

fn python_scores(gold: &std::path::Path, system: &std::path::Path) -> BTreeMap<String, PyFigures> {
    let out = Command::new("python3")
        .arg(root().join("tests/gold/score.py"))
        .arg(gold)
        .arg(system)
        .arg("--json")
        .output()
        .expect("python3 runs the reference scorer");
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("score.py prints JSON")
}

fn assert_agree(ours: &Report, py: &BTreeMap<String, PyFigures>) {
    for rel in Relation::ALL {
        let c = ours.relation(rel);
        let p = &py[rel.as_str()];
        assert_eq!(
            (c.tp, c.fp, c.fn_),
            (p.tp, p.fp, p.fn_),
            "{rel}: ours vs score.py"
        );
    }
    let o = ours.overall();
    let p = &py["overall"];
    assert_eq!(
        (o.tp, o.fp, o.fn_),
        (p.tp, p.fp, p.fn_),
        "overall: ours vs score.py"
    );
}

#[test]
fn scorer_agrees_with_reference_on_fixture() {
    let dir = root().join("tests/fixtures/eval");
    let gold = socialgraf::read_gold(&dir.join("gold")).expect("fixture gold");
    let mut report = Report::default();
    for (id, g) in &gold {
        let text = std::fs::read_to_string(dir.join("system").join(format!("{id}.tsv")))
            .unwrap_or_default();
        let sys = read_tsv(&text, false).expect("fixture system parses");
        report.add_doc(&sys, &score_doc(g, &sys));
    }
    assert_agree(
        &report,
        &python_scores(&dir.join("gold"), &dir.join("system")),
    );
    // The fixture exercises the matching rules: case, trailing punctuation,
    // kommun codes, alternatives, optional lines, first names, part files.
    assert_eq!(report.overall().tp, 6);
}

#[test]
fn eval_command_agrees_with_reference_on_seeds() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let facts_dir = tmp.path().join("facts");
    let o = run(
        &root(),
        &[
            "facts",
            "corpus/seeds",
            "--out",
            facts_dir.to_str().expect("utf-8 path"),
        ],
    );
    assert!(o.status.success(), "{}", super::util::stderr(&o));
    let py = python_scores(&root().join("tests/gold"), &facts_dir);
    let o = run(&root(), &["eval", "corpus/seeds", "--gold", "tests/gold"]);
    assert!(o.status.success());
    let table = stdout(&o);
    for (name, p) in &py {
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name.as_str()))
            .expect("a table line per relation");
        let nums: Vec<usize> = line
            .split_whitespace()
            .skip(1)
            .take(3)
            .map(|n| n.parse().expect("counts"))
            .collect();
        assert_eq!(
            nums,
            vec![p.tp, p.fp, p.fn_],
            "{name}: eval command vs score.py"
        );
    }
}

#[test]
fn eval_lists_errors_and_rules() {
    let o = run(
        &root(),
        &[
            "eval",
            "corpus/seeds",
            "--gold",
            "tests/gold",
            "--show-errors",
            "--by-rule",
        ],
    );
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(
        s.lines().any(|l| l.starts_with("FP\t")),
        "false positives listed"
    );
    assert!(
        s.lines().any(|l| l.starts_with("FN\t")),
        "false negatives listed"
    );
    assert!(s.contains("\tevidence: "), "with evidence");
    assert!(
        s.lines().any(|l| l.starts_with("membership.apposition ")),
        "per-rule table"
    );
}
