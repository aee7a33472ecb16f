//! A synthetic corpus for benchmarks: documents in the styles of the seed
//! corpus (web news, interviews, conference reports, a PDF-extracted
//! magazine), built from the sentence templates of `corpus/templates.toml`
//! filled with names, roles, municipalities and problem phrases from the
//! gazetteers and problem cues the extractor uses, so that extraction does
//! real work on them.
//!
//! Deterministic: document `i` depends only on the seed, `i` and the rules,
//! never on how many documents are made or on the machine. Document `i`
//! is about municipality `i mod 290` (in a seeded order), so any 290
//! consecutive documents name every municipality.
//!
//! The entry points are [`Generator::new`] and [`Generator::document`].

use std::fmt::Write as _;

use anyhow::{Context, Result};
use rustc_hash::FxHashSet;
use serde::Deserialize;

use crate::algo::rng::SplitMix64 as Rng;
use crate::rules::Rules;

/// The templates, compiled in so that the command works from any folder.
const TEMPLATES: &str = include_str!("../corpus/templates.toml");

/// Documents are filled with paragraphs up to about this many bytes
/// (between one and two times it).
const DOCUMENT_BYTES: usize = 4_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Templates {
    /// The share of paragraphs drawn from `background`.
    background_share: f64,
    background: Vec<String>,
    style: Vec<Style>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Style {
    name: String,
    titles: Vec<String>,
    paragraphs: Vec<String>,
    #[serde(default)]
    pdf: bool,
}

/// Makes the documents; holds the word lists, sorted, so that the output
/// does not depend on hash order.
pub struct Generator {
    styles: Vec<Style>,
    background: Vec<String>,
    /// A paragraph is background when a draw below 2^64 falls under this.
    background_below: u64,
    seed: u64,
    given_names: Vec<String>,
    surnames: Vec<String>,
    roles: Vec<String>,
    /// Municipalities in a seeded order: name and official name
    /// (`Laholm`, `Laholms kommun`).
    municipalities: Vec<(String, String)>,
    problems: Vec<String>,
}

/// One item of `items` (not empty), drawn with `rng`.
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len())]
}

/// The values of a document's slots.
struct Cast {
    slots: Vec<(&'static str, String)>,
}

impl Generator {
    /// A generator over the word lists of `rules`. Fails only if the
    /// compiled-in templates do not parse or a word list is empty.
    pub fn new(rules: &Rules, seed: u64) -> Result<Generator> {
        let templates: Templates =
            toml::from_str(TEMPLATES).context("parsing corpus/templates.toml")?;
        // Names the extractor can tell from other capitalised words, sorted.
        let names = |set: &FxHashSet<String>| {
            let mut v: Vec<String> = set
                .iter()
                .filter(|w| w.chars().all(char::is_alphabetic))
                .cloned()
                .collect();
            v.sort();
            v
        };
        let given_names = names(&rules.given_names);
        let surnames = names(&rules.surnames);
        let mut roles: Vec<String> = rules.role_forms.values().cloned().collect();
        roles.sort();
        roles.dedup();
        let mut municipalities: Vec<(String, String)> = rules
            .municipalities
            .iter()
            .map(|m| (m.name.clone(), m.official()))
            .collect();
        Rng::new(seed ^ 0x6D75_6E69).shuffle(&mut municipalities);
        let problems: Vec<String> = rules
            .concepts
            .iter()
            .flat_map(|c| &c.strong)
            .filter(|p| !p.contains('*'))
            .cloned()
            .collect();
        for (what, list) in [
            ("given names", given_names.len()),
            ("surnames", surnames.len()),
            ("roles", roles.len()),
            ("municipalities", municipalities.len()),
            ("problem phrases", problems.len()),
        ] {
            anyhow::ensure!(list > 0, "the rules have no {what} to build documents from");
        }
        anyhow::ensure!(
            (0.0..1.0).contains(&templates.background_share)
                && (templates.background_share == 0.0 || !templates.background.is_empty()),
            "corpus/templates.toml: background_share must be in [0, 1) with background paragraphs to draw"
        );
        Ok(Generator {
            styles: templates.style,
            background: templates.background,
            background_below: (templates.background_share * u64::MAX as f64) as u64,
            seed,
            given_names,
            surnames,
            roles,
            municipalities,
            problems,
        })
    }

    /// Document `i`: a file name with its style (`synth-000042-web.txt`)
    /// and its text.
    pub fn document(&self, i: usize) -> (String, String) {
        let mut rng = Rng::new(self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ i as u64);
        let style = &self.styles[i % self.styles.len()];
        let primary = self.primary(i, &mut rng);
        let mut cast = Cast {
            slots: primary.clone(),
        };
        cast.slots.extend(self.secondary(i, &mut rng));
        let mut text = cast.fill(pick(&mut rng, &style.titles).as_str());
        text.push_str("\n\n");
        let target = DOCUMENT_BYTES + rng.below(DOCUMENT_BYTES);
        while text.len() < target {
            // The document's person and municipality stay; the others
            // change from paragraph to paragraph.
            cast.slots.truncate(primary.len());
            cast.slots.extend(self.secondary(i, &mut rng));
            let paragraphs = if rng.next_u64() < self.background_below {
                &self.background
            } else {
                &style.paragraphs
            };
            let paragraph = cast.fill(pick(&mut rng, paragraphs).as_str());
            if style.pdf {
                wrap_like_pdf(&paragraph, &mut rng, &mut text);
            } else {
                text.push_str(&paragraph);
            }
            text.push_str("\n\n");
        }
        (format!("synth-{i:06}-{}.txt", style.name), text)
    }

    /// A full name and its first name.
    fn person(&self, rng: &mut Rng) -> (String, String) {
        let first = pick(rng, &self.given_names).clone();
        (format!("{first} {}", pick(rng, &self.surnames)), first)
    }

    /// The slots that stay the same throughout document `i`.
    fn primary(&self, i: usize, rng: &mut Rng) -> Vec<(&'static str, String)> {
        let (kommun, official) = &self.municipalities[i % self.municipalities.len()];
        let (person, first) = self.person(rng);
        let org = match rng.below(4) {
            0 => format!("i {official}"),
            1 => format!("på socialförvaltningen i {kommun}"),
            2 => format!("vid individ- och familjeomsorgen i {kommun}"),
            _ => format!("på socialtjänsten i {kommun}"),
        };
        let initiative = format!(
            "{}-modellen",
            ["Tryggstart", "Hemmaplan", "Nära", "Förebygg", "Hållbar"][rng.below(5)]
        );
        let event = [
            "Socialchefsdagarna",
            "Barnrättsdagarna",
            "Framtidens socialtjänst-konferensen",
        ][rng.below(3)];
        let year = 2015 + rng.below(11);
        vec![
            ("PERSON", person),
            ("FIRST", first),
            ("ROLE", pick(rng, &self.roles).clone()),
            ("KOMMUN", kommun.clone()),
            ("KOMMUNORG", official.clone()),
            ("ORG", org),
            ("INITIATIVE", initiative),
            ("EVENT", format!("{event} {year}")),
            ("YEAR", year.to_string()),
        ]
    }

    /// The slots drawn anew for each paragraph of document `i`: a second
    /// person and municipality, the problems.
    fn secondary(&self, i: usize, rng: &mut Rng) -> Vec<(&'static str, String)> {
        let n = self.municipalities.len();
        let (kommun, official) = &self.municipalities[(i + 1 + rng.below(n - 1)) % n];
        let (person, first) = self.person(rng);
        vec![
            ("PERSON2", person),
            ("FIRST2", first),
            ("ROLE2", pick(rng, &self.roles).clone()),
            ("KOMMUN2", kommun.clone()),
            ("KOMMUNORG2", official.clone()),
            ("PROBLEM", pick(rng, &self.problems).clone()),
            ("PROBLEM2", pick(rng, &self.problems).clone()),
        ]
    }
}

impl Cast {
    /// `template` with its slots filled; an unknown slot stays as written.
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            rest = &rest[open..];
            let value = self.slots.iter().find(|(name, _)| {
                rest[1..].starts_with(name) && rest[1 + name.len()..].starts_with('}')
            });
            match value {
                Some((name, value)) => {
                    out.push_str(value);
                    rest = &rest[name.len() + 2..];
                }
                None => {
                    out.push('{');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Appends `paragraph` as PDF extraction leaves a magazine column: lines of
/// 50 to 65 characters, a long word at the end of a line split with a
/// hyphen, now and then a blank line inside the paragraph.
fn wrap_like_pdf(paragraph: &str, rng: &mut Rng, out: &mut String) {
    let width = 50 + rng.below(16);
    let mut line = 0;
    for word in paragraph.split(' ') {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            let room = width.saturating_sub(line + 2);
            let chars: Vec<char> = word.chars().collect();
            if len >= 10 && room >= 4 && chars.iter().all(|c| c.is_alphabetic()) {
                let head: String = chars[..room].iter().collect();
                let tail: String = chars[room..].iter().collect();
                let _ = write!(out, " {head}-\n{tail}");
                line = tail.chars().count();
                continue;
            }
            out.push('\n');
            if rng.below(12) == 0 {
                out.push('\n');
            }
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator() -> Generator {
        let rules = Rules::load_default().expect("the rules load");
        Generator::new(&rules, 7).expect("the generator builds")
    }

    #[test]
    fn documents_are_deterministic_and_filled() {
        let g = generator();
        for i in 0..8 {
            let (name, text) = g.document(i);
            assert_eq!((name.clone(), text.clone()), g.document(i));
            assert!(!text.contains('{') && !text.contains('}'), "{name}: {text}");
            assert!(text.len() >= DOCUMENT_BYTES, "{name}");
        }
        assert_ne!(g.document(0).1, g.document(1).1);
    }

    #[test]
    fn any_run_of_documents_names_every_municipality() {
        let g = generator();
        let texts: Vec<String> = (290..580).map(|i| g.document(i).1).collect();
        for (name, _) in &g.municipalities {
            assert!(texts.iter().any(|t| t.contains(name.as_str())), "{name}");
        }
    }

    #[test]
    fn synthetic_corpus_gives_every_relation() {
        let rules = Rules::load_default().expect("the rules load");
        let g = Generator::new(&rules, 7).expect("the generator builds");
        let extractor = crate::extract::Extractor::new(&rules);
        let mut found = std::collections::BTreeMap::new();
        for i in 0..16 {
            let (name, text) = g.document(i);
            for fact in extractor.extract(&name, &text).facts {
                *found.entry(fact.relation).or_insert(0) += 1;
            }
        }
        for relation in crate::facts::Relation::ALL {
            assert!(
                found.get(&relation).is_some_and(|&n| n > 0),
                "{relation:?}: {found:?}"
            );
        }
    }

    #[test]
    fn background_paragraphs_state_no_facts() {
        let rules = Rules::load_default().expect("the rules load");
        let g = Generator::new(&rules, 7).expect("the generator builds");
        let extractor = crate::extract::Extractor::new(&rules);
        let text = format!("{}\n\n", g.background.join("\n\n"));
        let facts = extractor.extract("background", &text).facts;
        assert!(facts.is_empty(), "{facts:?}");
    }

    /// Facts per MB of the seed corpus's gold files, and of what the
    /// extractor finds in synthetic documents: within a factor of 1.5 of
    /// each other, so that a synthetic MB costs what a real one does.
    #[test]
    fn synthetic_corpus_is_as_dense_in_facts_as_the_seeds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut seed_bytes, mut gold_facts) = (0, 0);
        for entry in std::fs::read_dir(root.join("corpus/seeds")).expect("seeds") {
            seed_bytes += std::fs::metadata(entry.expect("entry").path())
                .expect("size")
                .len() as usize;
        }
        for entry in std::fs::read_dir(root.join("tests/gold")).expect("gold") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "tsv") {
                let text = std::fs::read_to_string(&path).expect("gold file");
                gold_facts += crate::facts::read_tsv(&text, true)
                    .expect("gold parses")
                    .len();
            }
        }
        let rules = Rules::load_default().expect("the rules load");
        let g = Generator::new(&rules, 1).expect("the generator builds");
        let extractor = crate::extract::Extractor::new(&rules);
        let (mut bytes, mut facts) = (0, 0);
        for i in 0..200 {
            let (name, text) = g.document(i);
            bytes += text.len();
            facts += extractor.extract(&name, &text).facts.len();
        }
        let per_mb = |n: usize, b: usize| n as f64 * 1e6 / b as f64;
        let (seeds, synthetic) = (per_mb(gold_facts, seed_bytes), per_mb(facts, bytes));
        assert!(
            synthetic / seeds > 1.0 / 1.5 && synthetic / seeds < 1.5,
            "facts per MB: seeds' gold {seeds:.0}, synthetic {synthetic:.0}"
        );
    }

    #[test]
    fn pdf_lines_are_wrapped_and_words_split() {
        let mut out = String::new();
        let paragraph = "Socialtjänsten i kommunen har under flera år arbetat med \
            kompetensförsörjningsfrågor och handläggningstider tillsammans med \
            familjeomsorgen och socialförvaltningen.";
        wrap_like_pdf(paragraph, &mut Rng::new(1), &mut out);
        assert!(out.lines().all(|l| l.chars().count() <= 66), "{out}");
        assert!(out.lines().count() >= 3, "{out}");
        let joined: String = out
            .replace("-\n", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            joined,
            paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
}
