//! Evaluation against gold facts, with the matching rules of
//! `tests/gold/FORMAT.md` (the same as the reference scorer `score.py`).
//!
//! The entry point is [`score_doc`], one document at a time.

use std::collections::{BTreeMap, HashSet};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::facts::{Relation, Row};

/// Normalises a string for comparison: NFC, case folding, white space runs
/// collapsed, a trailing `.`/`,` dropped.
pub fn norm(s: &str) -> String {
    let folded = if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        crate::text::lowercase(s)
    } else {
        crate::text::lowercase(&s.nfc().collect::<String>())
    };
    let mut out = crate::text::one_line(&folded).into_owned();
    while out.ends_with(['.', ',']) {
        out.pop();
        out = out.trim_end().to_string();
    }
    out
}

fn alts(s: &str) -> HashSet<String> {
    if s.trim().is_empty() {
        return HashSet::from([String::new()]);
    }
    s.split('|').map(norm).collect()
}

/// Does a system row match a gold row?
pub fn matches(gold: &Row, sys: &Row) -> bool {
    if gold.relation != sys.relation {
        return false;
    }
    let k_ok = !gold.kommun.is_empty() && gold.kommun == sys.kommun;
    match gold.relation {
        Relation::Faces => {
            (alts(&gold.subject).contains(&norm(&sys.subject)) || k_ok)
                && alts(&gold.object).contains(&norm(&sys.object))
        }
        rel => {
            let subj = alts(&gold.subject).contains(&norm(&sys.subject));
            let obj = alts(&gold.object).contains(&norm(&sys.object))
                || (matches!(rel, Relation::Membership | Relation::Initiative) && k_ok);
            let role = rel != Relation::Membership || alts(&gold.role).contains(&norm(&sys.role));
            subj && obj && role
        }
    }
}

/// Outcome for one system row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Matched a required gold line.
    TruePositive,
    /// Matched an optional gold line: no credit, no penalty.
    Optional,
    /// Matched no gold line.
    FalsePositive,
}

/// The scoring of one document.
#[derive(Debug, Clone, Default)]
pub struct DocScore {
    /// For each deduplicated system row: its index in the input and outcome.
    pub system: Vec<(usize, Outcome)>,
    /// Required gold rows that nothing matched.
    pub missed: Vec<Row>,
}

/// Greedy one-to-one matching, required gold lines claimed first (as
/// `score.py` does).
pub fn score_doc(gold: &[Row], system: &[Row]) -> DocScore {
    let mut seen = HashSet::new();
    let sys: Vec<usize> = (0..system.len())
        .filter(|&i| {
            let r = &system[i];
            seen.insert((
                r.relation,
                norm(&r.subject),
                norm(&r.role),
                norm(&r.object),
                r.kommun.clone(),
            ))
        })
        .collect();
    let mut order: Vec<usize> = (0..gold.len()).collect();
    order.sort_by_key(|&i| !gold[i].required);
    let mut used = vec![false; gold.len()];
    let mut out = DocScore::default();
    for si in sys {
        let s = &system[si];
        let mut outcome = Outcome::FalsePositive;
        for &gi in &order {
            if !used[gi] && matches(&gold[gi], s) {
                used[gi] = true;
                outcome = if gold[gi].required {
                    Outcome::TruePositive
                } else {
                    Outcome::Optional
                };
                break;
            }
        }
        out.system.push((si, outcome));
    }
    for (gi, g) in gold.iter().enumerate() {
        if g.required && !used[gi] {
            out.missed.push(g.clone());
        }
    }
    out
}

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }

    /// Precision, recall and F1 with `score.py`'s conventions for empty sets.
    pub fn prf(&self) -> (f64, f64, f64) {
        let (tp, fp, fn_) = (self.tp as f64, self.fp as f64, self.fn_ as f64);
        let p = if self.tp + self.fp > 0 {
            tp / (tp + fp)
        } else if self.fn_ == 0 {
            1.0
        } else {
            0.0
        };
        let r = if self.tp + self.fn_ > 0 {
            tp / (tp + fn_)
        } else {
            1.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

/// Scores per relation and overall.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub by_relation: BTreeMap<Relation, Counts>,
}

impl Report {
    pub fn overall(&self) -> Counts {
        let mut c = Counts::default();
        for v in self.by_relation.values() {
            c.add(*v);
        }
        c
    }

    pub fn relation(&self, r: Relation) -> Counts {
        self.by_relation.get(&r).copied().unwrap_or_default()
    }

    /// Adds one document's score.
    pub fn add_doc(&mut self, system: &[Row], score: &DocScore) {
        for r in Relation::ALL {
            self.by_relation.entry(r).or_default();
        }
        for &(si, o) in &score.system {
            let c = self.by_relation.entry(system[si].relation).or_default();
            match o {
                Outcome::TruePositive => c.tp += 1,
                Outcome::FalsePositive => c.fp += 1,
                Outcome::Optional => {}
            }
        }
        for m in &score.missed {
            self.by_relation.entry(m.relation).or_default().fn_ += 1;
        }
    }

    /// The table `score.py` prints.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:12} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6}\n",
            "relation", "tp", "fp", "fn", "P", "R", "F1"
        );
        let mut rows: Vec<(String, Counts)> = Relation::ALL
            .iter()
            .map(|r| (r.to_string(), self.relation(*r)))
            .collect();
        rows.push(("overall".to_string(), self.overall()));
        for (name, c) in rows {
            let (p, r, f) = c.prf();
            s.push_str(&format!(
                "{:12} {:5} {:5} {:5} {:6.3} {:6.3} {:6.3}\n",
                name, c.tp, c.fp, c.fn_, p, r, f
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::read_tsv;

    #[test]
    fn norm_folds_case_space_and_trailing_punctuation() {
        assert_eq!(norm("  Sävsjö   Kommun., "), "sävsjö kommun");
        assert_eq!(norm("A\u{030A}sa"), "åsa");
    }

    #[test]
    fn kommun_code_matches_any_unit_of_the_municipality() {
        let gold = read_tsv(
            "membership\tAnna Ek\tsocialchef\tLunds kommun\t1281\t1\n",
            true,
        )
        .unwrap();
        let sys = read_tsv(
            "membership\tAnna Ek\tsocialchef\tSocialförvaltningen i Lund\t1281\n",
            false,
        )
        .unwrap();
        assert!(matches(&gold[0], &sys[0]));
        let first_name =
            read_tsv("membership\tAnna\tsocialchef\tLunds kommun\t1281\n", false).unwrap();
        assert!(!matches(&gold[0], &first_name[0]));
    }

    #[test]
    fn optional_lines_neither_reward_nor_penalise() {
        let gold = read_tsv(
            "faces\tLund\t\tekonomi\t1281\t0\nfaces\tLund\t\tlss\t1281\t1\n",
            true,
        )
        .unwrap();
        let sys = read_tsv(
            "faces\tLunds kommun\t\tekonomi\t1281\nfaces\tLund\t\tlon\t1281\n",
            false,
        )
        .unwrap();
        let s = score_doc(&gold, &sys);
        let mut r = Report::default();
        r.add_doc(&sys, &s);
        assert_eq!(
            r.relation(Relation::Faces),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            }
        );
    }
}
