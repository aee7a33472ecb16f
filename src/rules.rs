//! Rules and gazetteers: the data files under `extract/`, loaded and
//! compiled once. Nothing here is hard-coded Swedish knowledge: it all comes
//! from the files, so a user adds a role, an organisation or a pattern by
//! editing them.
//!
//! The entry point is [`Rules::load`].

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result};
use rayon::prelude::*;
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use crate::pattern::{Pattern, compile_pattern};
use crate::prefilter::{
    Candidates, LiteralFilter, minimal, required_literals, requires_sub_pattern,
};

/// A rule or gazetteer file that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// A file could not be read.
    #[error("reading {}: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    /// A TOML file does not have the documented shape.
    #[error("{}: {message}", file.display())]
    Syntax { file: PathBuf, message: String },
    /// A pattern does not compile after its macros were expanded.
    #[error("{}: rule {rule_id}: {message}", file.display())]
    Pattern {
        file: PathBuf,
        rule_id: String,
        message: String,
    },
}

/// Words before a role that belong to it: "biträdande enhetschef".
const KEPT_MODIFIERS: &[&str] = &["biträdande", "vice"];
/// Words before a role that do not change it: "tf socialchef" is a socialchef.
const DROPPED_MODIFIERS: &[&str] = &[
    "bitr.",
    "tillförordnad",
    "t.f.",
    "tf",
    "1:e",
    "förste",
    "första",
    "ny",
    "nya",
    "nyblivne",
    "nybliven",
    "nyanställd",
    "tidigare",
    "före detta",
    "f.d.",
    "blivande",
];
/// Endings of adjectives that may stand before a role: "socialpolitisk strateg".
const ADJECTIVE_ENDINGS: &[&str] = &["isk", "iska", "ig", "iga", "ell", "ella", "iv", "iva"];

/// One of the 290 municipalities.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// SCB code, four digits.
    pub code: String,
    /// Name as in SCB's list (`Borås`).
    pub name: String,
    /// County (`Västra Götalands län`).
    pub county: String,
}

impl Municipality {
    /// The organisation name: `Borås stad` for the cities that call
    /// themselves so, otherwise `Borås kommun`; the genitive form for names
    /// that take one (`Skinnskattebergs kommun`).
    pub fn genitive(&self) -> String {
        if self.name.ends_with(['s', 'x', 'z']) {
            self.name.clone()
        } else {
            format!("{}s", self.name)
        }
    }

    /// The official name of the municipality as an organisation:
    /// `Skinnskattebergs kommun`, `Sävsjö kommun` (names ending in a vowel
    /// take no genitive s).
    pub fn official(&self) -> String {
        if self
            .name
            .ends_with(['a', 'e', 'i', 'o', 'u', 'y', 'å', 'ä', 'ö'])
        {
            format!("{} kommun", self.name)
        } else {
            format!("{} kommun", self.genitive())
        }
    }
}

/// A known organisation (union, agency, university, company...).
#[derive(Debug, Clone)]
pub struct KnownOrg {
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: String,
    pub kommun: Option<String>,
}

/// An organisation head noun (`förvaltning`, `nämnd`...).
#[derive(Debug, Clone)]
pub struct OrgHead {
    pub head: String,
    pub forms: Vec<String>,
    pub kind: String,
    /// `top` for legal bodies, `unit` for their parts.
    pub level: String,
}

/// A problem concept with the cue phrases that signal it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    pub id: String,
    pub label_sv: String,
    pub label_en: String,
    pub scope: String,
    /// Phrases that mention the problem; `*` at the end of a word matches
    /// any continuation (`rekryter*`).
    #[serde(default)]
    pub cues: Vec<String>,
    /// Phrases that state the problem on their own (`personalomsättning`,
    /// `svårt att rekrytera`): no separate problem word is needed.
    #[serde(default)]
    pub strong: Vec<String>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub counterexamples: Vec<Example>,
}

/// A sentence with the facts a rule must (or must not) produce from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    /// Facts as TSV rows without the `req` column:
    /// `relation<TAB>subject<TAB>role<TAB>object<TAB>kommun`.
    #[serde(default)]
    pub facts: Vec<String>,
}

/// A pattern rule from `extract/rules/*.toml`.
#[derive(Debug, Clone)]
pub struct PatternRule {
    pub id: String,
    pub relation: String,
    pub description: String,
    pub regex: Pattern,
    /// The organisation a rule assigns when the text does not name one
    /// (`regeringen` for government inquiries).
    pub org: Option<String>,
    pub examples: Vec<Example>,
    pub counterexamples: Vec<Example>,
    pub file: PathBuf,
    /// Does every match contain a match of the `{PERSON}` macro? Then the
    /// rule is not run on sentences that name no one.
    pub requires_person: bool,
    /// Does every fact of the rule need a role word in its match (a
    /// membership: see [`Rules::has_role_word`])? Then the rule is not run
    /// on sentences without one, and a match without one is dropped before
    /// its groups are taken.
    pub requires_role_word: bool,
    /// Does the pattern end with `{TAIL}`? Then `regex` is the pattern
    /// without it, and the `tail` group is [`clause_tail`] of the text after
    /// the match: the same text, since `{TAIL}` always matches, but the
    /// capture engine's work grows with the length of the match.
    pub tail_after_match: bool,
}

/// The `{TAIL}` macro's text: the rest of the clause (up to `.`, `!`, `?`,
/// `;` or `:`), and the next line when a line break ends it first.
const CLAUSE_TAIL: &str = r"[^.!?;:\n]*(?:\n[^.!?;:\n]*)?";

/// What `{TAIL}` matches at the start of `rest`: its longest match, as a
/// pattern ending with `{TAIL}` takes it.
pub fn clause_tail(rest: &str) -> &str {
    static TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"\A(?:{CLAUSE_TAIL})")).expect("the {TAIL} pattern compiles")
    });
    TAIL.find(rest).map_or("", |m| m.as_str())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    relation: String,
    #[serde(default)]
    description: String,
    pattern: String,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    examples: Vec<Example>,
    #[serde(default)]
    counterexamples: Vec<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemFile {
    /// Words that make a sentence talk about a problem or challenge.
    problem_words: Vec<String>,
    /// Phrases that make a sentence speak of municipalities in general.
    #[serde(default)]
    general_subjects: Vec<String>,
    concept: Vec<Concept>,
}

/// Everything under `extract/`, loaded and compiled.
#[derive(Debug)]
pub struct Rules {
    pub dir: PathBuf,
    pub given_names: FxHashSet<String>,
    pub surnames: FxHashSet<String>,
    /// Given names that are also common words: names only before a surname.
    pub ambiguous_given_names: FxHashSet<String>,
    /// Given names only women (`true`) or only men (`false`) carry
    /// (`fornamn_kon.tsv`): "hon"/"han" do not refer to the other gender.
    pub given_name_gender: FxHashMap<String, bool>,
    /// Capitalised words that are never part of a person's name.
    pub not_names: FxHashSet<String>,
    /// Lowercased role form → lemma.
    pub role_forms: FxHashMap<String, String>,
    /// Role lemma → its kind in roller.tsv (`chef`, `forskare`...).
    pub role_kinds: FxHashMap<String, String>,
    /// (inflected suffix, lemma suffix, minimum prefix length), longest first.
    pub role_suffixes: Vec<(String, String, usize)>,
    /// Positions in `role_suffixes` of each suffix text, and the distinct
    /// suffix lengths: a word's candidate suffixes are looked up rather
    /// than every suffix tried.
    role_suffix_at: FxHashMap<String, Vec<usize>>,
    role_suffix_lens: Vec<usize>,
    pub municipalities: Vec<Municipality>,
    /// Lowercased name variants → index into `municipalities`.
    pub municipality_names: FxHashMap<String, usize>,
    /// Extra names of municipalities as written (`kommun_alias.tsv`).
    pub municipality_aliases: Vec<String>,
    /// Municipality names that are also common words or surnames: they
    /// count only with `kommun`/`stad` after them.
    pub ambiguous_municipalities: FxHashSet<String>,
    /// Words that end the organisation part of an apposition.
    pub clause_words: Vec<String>,
    /// Words that never end an initiative's name.
    pub not_name_endings: Vec<String>,
    /// Lowercase words that end a capitalised organisation name ("konsult").
    pub org_name_endings: Vec<String>,
    /// Sentence openings that refer back to the initiative just named.
    pub back_references: Vec<String>,
    pub known_orgs: Vec<KnownOrg>,
    /// Each name and alias of `known_orgs` → the first organisation that
    /// has it.
    known_org_at: FxHashMap<String, usize>,
    pub org_heads: Vec<OrgHead>,
    /// Each head and form of `org_heads` → the kind of the first head that
    /// has it (see [`Rules::bare_org_head`]).
    org_head_kind: FxHashMap<String, String>,
    /// The kinds of `org_heads` at level `unit`, and at level `top`.
    unit_kinds: FxHashSet<String>,
    top_kinds: FxHashSet<String>,
    /// Each municipality name and genitive, lowercased, and every string
    /// one letter shorter → the municipalities that have it: a word one
    /// edit off a name shares one of these strings with it, so only those
    /// municipalities are compared (see [`Rules::municipality_one_letter_off`]).
    one_letter_off: FxHashMap<String, Vec<usize>>,
    pub concepts: Vec<Concept>,
    pub problem_words: Pattern,
    /// Municipalities in general ("många kommuner", "var tredje kommun"):
    /// a sentence saying this speaks for no municipality around it.
    pub general_subjects: Pattern,
    /// One regex per concept over its cues, and one over its strong cues.
    pub cue_regexes: Vec<(usize, Pattern, Option<Pattern>)>,
    pub patterns: Vec<PatternRule>,
    /// Expanded macro texts, for documentation and tests.
    pub macros: BTreeMap<String, String>,
    /// Every written form of a municipality name ("Borås", "Göteborgs stad").
    pub municipality_forms: Vec<String>,
    /// Which patterns, problem words, cues and general subjects may match
    /// a lowercased sentence, and whether it has a role word; see
    /// [`Rules::candidates`].
    filter: LiteralFilter,
    /// Every role form and role suffix, lowercased: a sentence without one
    /// cannot give a membership, so its membership rules are skipped.
    role_needles: Vec<String>,
    /// The same, for [`Rules::has_role_word`].
    role_words: aho_corasick::AhoCorasick,
}

/// What one literal scan of a sentence tells about it: which regexes of
/// [`Rules`] may match it (the others cannot) and whether it has a role word.
pub struct SentenceCandidates<'r> {
    rules: &'r Rules,
    may: Candidates,
}

impl SentenceCandidates<'_> {
    fn may(&self, slot: Slot) -> bool {
        self.may.may_match(self.rules.slot(slot))
    }

    /// May pattern rule `k` (index into [`Rules::patterns`]) match?
    pub fn pattern(&self, k: usize) -> bool {
        self.may(Slot::Pattern(k))
    }

    /// May [`Rules::problem_words`] match?
    pub fn problem_words(&self) -> bool {
        self.may(Slot::ProblemWords)
    }

    /// May the cue regex of entry `k` of [`Rules::cue_regexes`] match?
    pub fn cue(&self, k: usize) -> bool {
        self.may(Slot::Cue(k))
    }

    /// May the strong-cue regex of entry `k` of [`Rules::cue_regexes`] match?
    pub fn strong(&self, k: usize) -> bool {
        self.may(Slot::Strong(k))
    }

    /// Does the sentence contain a role form or role suffix?
    pub fn role_word(&self) -> bool {
        self.may(Slot::RoleWords)
    }

    /// May [`Rules::general_subjects`] match?
    pub fn general_subjects(&self) -> bool {
        self.may(Slot::GeneralSubjects)
    }

    /// May the sentence have ` kommun` or ` stad`, in any case (the
    /// suffixes a misspelt municipality is found before)?
    pub fn municipality_suffix(&self) -> bool {
        self.may(Slot::MunicipalitySuffix)
    }
}

/// An entry of the literal filter ([`Rules::slot`] says where it sits).
#[derive(Debug, Clone, Copy)]
enum Slot {
    Pattern(usize),
    ProblemWords,
    Cue(usize),
    Strong(usize),
    RoleWords,
    GeneralSubjects,
    MunicipalitySuffix,
}

fn read(path: &Path) -> Result<String, RuleError> {
    fs::read_to_string(path).map_err(|source| RuleError::Io {
        file: path.to_path_buf(),
        source,
    })
}

/// Rows of a TSV gazetteer: `#` comments and blank lines skipped.
fn tsv_rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The first column of a one-word-per-line gazetteer.
fn first_column(path: &Path) -> Result<impl Iterator<Item = String>, RuleError> {
    let text = read(path)?;
    let words: Vec<String> = tsv_rows(&text).map(|r| r[0].to_string()).collect();
    Ok(words.into_iter())
}

fn split_alts(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|a| !a.is_empty())
}

/// One case-insensitive regex over a list of cue phrases, whole words only
/// (see [`cue_to_regex`]); a regex that never matches for an empty list.
///
/// Cue regexes are only asked whether they match, and whether a regex
/// matches depends on its language alone, so the word boundaries are put
/// around the alternation once instead of around each cue: the same
/// language, and an automaton a fraction of the size (each boundary is a
/// class of every character but letters and digits), which compiles
/// several times faster.
fn cues_pattern<'a>(cues: impl IntoIterator<Item = &'a String>) -> String {
    let alternatives: Vec<String> = cues.into_iter().map(|c| cue_to_regex(c)).collect();
    if alternatives.is_empty() {
        r"[^\s\S]".to_string()
    } else {
        whole_words(&alternatives.join("|"))
    }
}

/// A case-insensitive regex matching `fragment` as whole words. Consuming
/// boundaries instead of `\b`: a Unicode `\b` makes the regex engine leave
/// its DFA on non-ASCII text (å, ä, ö), which is many times slower.
/// Consuming the neighbouring character does no harm to a regex that is
/// only asked whether it matches.
fn whole_words(fragment: &str) -> String {
    format!(r"(?i)(?:^|[^\p{{L}}\p{{N}}_])(?:{fragment})(?:[^\p{{L}}\p{{N}}_]|$)")
}

/// Turns a cue phrase into a regex fragment: words separated by
/// whitespace, `*` at a word's end matching any letters. [`cues_pattern`]
/// puts the word boundaries around it.
pub fn cue_to_regex(cue: &str) -> String {
    let words: Vec<String> = cue
        .split_whitespace()
        .map(|w| {
            if let Some(stem) = w.strip_suffix('*') {
                format!(r"{}[\p{{L}}-]*", regex::escape(stem))
            } else {
                regex::escape(w)
            }
        })
        .collect();
    words.join(r"\s+")
}

/// Literals of which every match of a regex over `cues` (made with
/// [`cue_to_regex`], case-insensitive) contains one: the longest word stem
/// of each cue, in every lowercase form it matches (see
/// [`required_literals`]). Derived from the stems rather than the whole
/// regex because parsing the case-insensitive letter classes of every cue
/// is slow.
fn cue_literals<'c>(cues: impl IntoIterator<Item = &'c String>) -> Option<Vec<String>> {
    let mut all = Vec::new();
    for cue in cues {
        let stem = cue
            .split_whitespace()
            .map(|w| w.strip_suffix('*').unwrap_or(w))
            .max_by_key(|w| w.len())?;
        all.extend(required_literals(&format!("(?i){}", regex::escape(stem)))?);
    }
    Some(all)
}

fn alternation<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    let mut v: Vec<&String> = items.into_iter().collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    v.dedup();
    v.iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

impl Rules {
    /// Loads and compiles every file under `dir` (normally `extract/`).
    pub fn load(dir: &Path) -> Result<Rules, RuleError> {
        let g = dir.join("gazetteers");
        let given_names = first_column(&g.join("fornamn.tsv"))?.collect();
        let surnames = first_column(&g.join("efternamn.tsv"))?.collect();
        let ambiguous_given_names = first_column(&g.join("fornamn_tvetydiga.tsv"))?.collect();
        let gender_file = g.join("fornamn_kon.tsv");
        let mut given_name_gender = FxHashMap::default();
        for row in tsv_rows(&read(&gender_file)?) {
            let female = match row.get(1).copied() {
                Some("k") => true,
                Some("m") => false,
                other => {
                    return Err(RuleError::Syntax {
                        file: gender_file,
                        message: format!(
                            "{}: the gender must be k or m, not {:?}",
                            row[0],
                            other.unwrap_or("")
                        ),
                    });
                }
            };
            given_name_gender.insert(row[0].to_string(), female);
        }
        let not_names = first_column(&g.join("inte_namn.tsv"))?.collect();
        let mut role_forms = FxHashMap::default();
        let mut role_kinds = FxHashMap::default();
        for row in tsv_rows(&read(&g.join("roller.tsv"))?) {
            let lemma = row[0].to_lowercase();
            role_forms.insert(lemma.clone(), lemma.clone());
            if let Some(kind) = row.get(2) {
                role_kinds.insert(lemma.clone(), kind.to_string());
            }
            if let Some(forms) = row.get(1) {
                for f in split_alts(forms) {
                    role_forms
                        .entry(f.to_lowercase())
                        .or_insert_with(|| lemma.clone());
                }
            }
        }
        let mut role_suffixes = Vec::new();
        for row in tsv_rows(&read(&g.join("rollsuffix.tsv"))?) {
            let lemma = row[0].to_lowercase();
            let min: usize = row.get(2).and_then(|m| m.parse().ok()).unwrap_or(3);
            role_suffixes.push((lemma.clone(), lemma.clone(), min));
            if let Some(forms) = row.get(1) {
                for f in split_alts(forms) {
                    role_suffixes.push((f.to_lowercase(), lemma.clone(), min));
                }
            }
        }
        role_suffixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        role_suffixes.dedup();
        let mut role_suffix_at: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, (suffix, _, _)) in role_suffixes.iter().enumerate() {
            role_suffix_at.entry(suffix.clone()).or_default().push(i);
        }
        let mut role_suffix_lens: Vec<usize> = role_suffixes.iter().map(|s| s.0.len()).collect();
        role_suffix_lens.sort_unstable();
        role_suffix_lens.dedup();

        let mut municipalities = Vec::new();
        for row in tsv_rows(&read(&g.join("kommuner.tsv"))?) {
            if row.len() < 3 || row[0] == "kod" {
                continue;
            }
            municipalities.push(Municipality {
                code: row[0].to_string(),
                name: row[1].to_string(),
                county: row[2].to_string(),
            });
        }
        let mut municipality_names = FxHashMap::default();
        for (i, m) in municipalities.iter().enumerate() {
            let genitive = m.genitive();
            for v in [
                m.name.clone(),
                format!("{genitive} kommun"),
                format!("{genitive} stad"),
                format!("{} kommun", m.name),
                format!("{} stad", m.name),
                format!("{genitive}kommun"),
                genitive.clone(),
            ] {
                municipality_names.insert(v.to_lowercase(), i);
            }
        }
        let mut municipality_aliases = Vec::new();
        let alias_path = g.join("kommun_alias.tsv");
        for row in tsv_rows(&read(&alias_path)?) {
            if row.len() < 2 {
                continue;
            }
            if let Some(i) = municipalities.iter().position(|m| m.code == row[1]) {
                municipality_names.insert(row[0].to_lowercase(), i);
                municipality_aliases.push(row[0].to_string());
            }
        }

        let ambiguous_municipalities = first_column(&g.join("kommun_tvetydiga.tsv"))?.collect();
        let clause_words = first_column(&g.join("satsgranser.tsv"))?.collect();
        let not_name_endings = first_column(&g.join("inte_namnslut.tsv"))?.collect();
        let org_name_endings = first_column(&g.join("foretagsled.tsv"))?.collect();
        let back_references = first_column(&g.join("aterkoppling.tsv"))?
            .map(|w| w.to_lowercase())
            .collect();
        let mut known_orgs = Vec::new();
        for row in tsv_rows(&read(&g.join("organisationer.tsv"))?) {
            known_orgs.push(KnownOrg {
                name: row[0].to_string(),
                aliases: row
                    .get(1)
                    .map(|a| split_alts(a).map(String::from).collect())
                    .unwrap_or_default(),
                kind: row.get(2).unwrap_or(&"").to_string(),
                kommun: row.get(3).filter(|k| !k.is_empty()).map(|k| k.to_string()),
            });
        }
        let mut org_heads = Vec::new();
        for row in tsv_rows(&read(&g.join("orgtyper.tsv"))?) {
            org_heads.push(OrgHead {
                head: row[0].to_string(),
                forms: row
                    .get(1)
                    .map(|a| split_alts(a).map(String::from).collect())
                    .unwrap_or_default(),
                kind: row.get(2).unwrap_or(&"").to_string(),
                level: row.get(3).unwrap_or(&"unit").to_string(),
            });
        }

        let role_needles: Vec<String> = role_forms
            .keys()
            .cloned()
            .chain(role_suffixes.iter().map(|s| s.0.clone()))
            .collect();
        let problems_path = dir.join("problems.toml");
        let pf: ProblemFile =
            toml::from_str(&read(&problems_path)?).map_err(|e| RuleError::Syntax {
                file: problems_path.clone(),
                message: e.to_string(),
            })?;
        let compile = |file: &Path, id: &str, pat: &str| {
            compile_pattern(pat).map_err(|e| RuleError::Pattern {
                file: file.to_path_buf(),
                rule_id: id.to_string(),
                message: e.to_string(),
            })
        };
        let problem_words = compile(
            &problems_path,
            "problem_words",
            &cues_pattern(&pf.problem_words),
        )?;
        let general_subjects = compile(
            &problems_path,
            "general_subjects",
            &cues_pattern(&pf.general_subjects),
        )?;
        let cue_regexes = (pf.concept.par_iter().enumerate())
            .filter(|(_, c)| !(c.cues.is_empty() && c.strong.is_empty()))
            .map(|(i, c)| {
                let re = compile(
                    &problems_path,
                    &c.id,
                    &cues_pattern(c.cues.iter().chain(&c.strong)),
                )?;
                let strong = if c.strong.is_empty() {
                    None
                } else {
                    Some(compile(&problems_path, &c.id, &cues_pattern(&c.strong))?)
                };
                Ok((i, re, strong))
            })
            .collect::<Vec<Result<_, RuleError>>>()
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;

        let one_letter_off = one_letter_off_index(&municipalities);
        let mut rules = Rules {
            dir: dir.to_path_buf(),
            given_names,
            surnames,
            ambiguous_given_names,
            given_name_gender,
            not_names,
            role_forms,
            role_kinds,
            role_suffix_at,
            role_suffix_lens,
            role_suffixes,
            municipalities,
            municipality_names,
            municipality_aliases,
            ambiguous_municipalities,
            clause_words,
            not_name_endings,
            org_name_endings,
            back_references,
            known_org_at: known_orgs
                .iter()
                .enumerate()
                .rev()
                .flat_map(|(i, o)| {
                    std::iter::once(&o.name)
                        .chain(&o.aliases)
                        .map(move |n| (n.clone(), i))
                })
                .collect(),
            known_orgs,
            org_head_kind: org_heads
                .iter()
                .rev()
                .flat_map(|h| {
                    std::iter::once(&h.head)
                        .chain(&h.forms)
                        .map(|f| (f.clone(), h.kind.clone()))
                })
                .collect(),
            unit_kinds: org_heads
                .iter()
                .filter(|h| h.level == "unit")
                .map(|h| h.kind.clone())
                .collect(),
            top_kinds: org_heads
                .iter()
                .filter(|h| h.level == "top")
                .map(|h| h.kind.clone())
                .collect(),
            one_letter_off,
            org_heads,
            concepts: pf.concept,
            problem_words,
            general_subjects,
            cue_regexes,
            patterns: Vec::new(),
            macros: BTreeMap::new(),
            municipality_forms: Vec::new(),
            filter: LiteralFilter::new(&[]),
            role_words: aho_corasick::AhoCorasick::new(minimal(&role_needles)).map_err(|e| {
                RuleError::Syntax {
                    file: g.join("roller.tsv"),
                    message: format!("the role words make no automaton: {e}"),
                }
            })?,
            role_needles,
        };
        rules.municipality_forms = rules.municipality_forms();
        rules.macros = rules.build_macros();

        let mut files: Vec<PathBuf> = fs::read_dir(dir.join("rules"))
            .map_err(|source| RuleError::Io {
                file: dir.join("rules"),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        // Parsed and expanded in file order, compiled in parallel: compiling
        // the regexes is most of the time the rules take to load.
        let mut seen = HashSet::new();
        let mut expanded_rules = Vec::new();
        for file in files {
            let rf: RuleFile = toml::from_str(&read(&file)?).map_err(|e| RuleError::Syntax {
                file: file.clone(),
                message: e.to_string(),
            })?;
            for r in rf.rule {
                if !seen.insert(r.id.clone()) {
                    return Err(RuleError::Syntax {
                        file: file.clone(),
                        message: format!("rule id {} is used twice", r.id),
                    });
                }
                let before_tail = r.pattern.strip_suffix("{TAIL}");
                let tail_after_match = before_tail.is_some();
                let pattern = before_tail.unwrap_or(&r.pattern);
                let expanded = rules.expand(pattern).map_err(|m| RuleError::Pattern {
                    file: file.clone(),
                    rule_id: r.id.clone(),
                    message: m,
                })?;
                expanded_rules.push((file.clone(), r, expanded, tail_after_match));
            }
        }
        let person = rules.macros.get("PERSON");
        rules.patterns = expanded_rules
            .into_par_iter()
            .map(|(file, r, expanded, tail_after_match)| {
                let regex = compile(&file, &r.id, &expanded)?;
                Ok(PatternRule {
                    requires_role_word: r.relation == "membership",
                    id: r.id,
                    relation: r.relation,
                    description: r.description,
                    regex,
                    org: r.org,
                    examples: r.examples,
                    counterexamples: r.counterexamples,
                    requires_person: person.is_some_and(|p| requires_sub_pattern(&expanded, p)),
                    file,
                    tail_after_match,
                })
            })
            .collect::<Vec<Result<_, RuleError>>>()
            .into_iter()
            // The first error in file order, as a sequential load reports it.
            .collect::<Result<_, _>>()?;
        rules.filter = rules.literal_filter(&pf.problem_words, &pf.general_subjects);
        Ok(rules)
    }

    /// A fingerprint of every file under a rules folder (paths and
    /// contents) and of the extractor's version: a build whose rules or
    /// program changed extracts every document again.
    pub fn fingerprint(dir: &Path) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut files = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for entry in fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
                let path = entry
                    .with_context(|| format!("reading {}", d.display()))?
                    .path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut h = Sha256::new();
        h.update(concat!("socialgraf ", env!("CARGO_PKG_VERSION"), "\0"));
        for f in files {
            let rel = f.strip_prefix(dir).unwrap_or(&f);
            h.update(rel.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(fs::read(&f).with_context(|| format!("reading {}", f.display()))?);
            h.update([0]);
        }
        Ok(crate::corpus::hex(&h.finalize()))
    }

    /// Where an entry sits in the literal filter: the pattern rules, the
    /// problem words, each concept's cues and strong cues, the role words,
    /// the general subjects and the municipality suffixes, in this order.
    fn slot(&self, slot: Slot) -> usize {
        let cues = self.patterns.len() + 1;
        match slot {
            Slot::Pattern(k) => k,
            Slot::ProblemWords => self.patterns.len(),
            Slot::Cue(k) => cues + 2 * k,
            Slot::Strong(k) => cues + 2 * k + 1,
            Slot::RoleWords => cues + 2 * self.cue_regexes.len(),
            Slot::GeneralSubjects => cues + 2 * self.cue_regexes.len() + 1,
            Slot::MunicipalitySuffix => cues + 2 * self.cue_regexes.len() + 2,
        }
    }

    /// The literal filter, laid out as [`Rules::slot`] says.
    fn literal_filter(
        &self,
        problem_words: &[String],
        general_subjects: &[String],
    ) -> LiteralFilter {
        // Parsing each pattern again is most of the filter's cost.
        let mut required: Vec<Option<Vec<String>>> = (self.patterns.par_iter())
            .map(|p| required_literals(p.regex.as_str()))
            .collect();
        let mut put = |slot: Slot, literals: Option<Vec<String>>| {
            debug_assert_eq!(required.len(), self.slot(slot), "{slot:?}");
            required.push(literals);
        };
        put(Slot::ProblemWords, cue_literals(problem_words));
        for (k, (ci, _, strong)) in self.cue_regexes.iter().enumerate() {
            let c = &self.concepts[*ci];
            put(Slot::Cue(k), cue_literals(c.cues.iter().chain(&c.strong)));
            // No strong cues: that regex is never asked.
            put(
                Slot::Strong(k),
                strong.as_ref().and_then(|_| cue_literals(&c.strong)),
            );
        }
        put(Slot::RoleWords, Some(self.role_needles.clone()));
        put(Slot::GeneralSubjects, cue_literals(general_subjects));
        put(
            Slot::MunicipalitySuffix,
            Some(
                crate::resolve::MUNICIPALITY_SUFFIXES
                    .map(String::from)
                    .to_vec(),
            ),
        );
        LiteralFilter::new(&required)
    }

    /// One literal scan of a sentence lowercased with [`str::to_lowercase`]
    /// (or the same, faster, [`crate::text::lowercase`]):
    /// the regexes that may match it, and whether it has a role word.
    pub fn candidates(&self, lowercased: &str) -> SentenceCandidates<'_> {
        SentenceCandidates {
            rules: self,
            may: self.filter.candidates(lowercased),
        }
    }

    /// [`Rules::candidates`] of each sentence, lowercased, read two at a
    /// time (see [`LiteralFilter::candidates_of_each`]).
    pub fn candidates_of_each(&self, lowercased: &[&str]) -> Vec<SentenceCandidates<'_>> {
        (self.filter.candidates_of_each(lowercased).into_iter())
            .map(|may| SentenceCandidates { rules: self, may })
            .collect()
    }

    /// Does a lowercased text contain a role form or role suffix? Every
    /// role [`Rules::role_lemma`] knows contains one, so a text without
    /// one names no role.
    pub fn has_role_word(&self, lowercased: &str) -> bool {
        self.role_words.is_match(lowercased)
    }

    /// Loads the default rules, from the folder [`Rules::default_dir`] finds.
    pub fn load_default() -> Result<Rules> {
        let dir = Rules::default_dir();
        Rules::load(&dir).with_context(|| format!("loading rules from {}", dir.display()))
    }

    /// May a pronoun ("hon", "han", any case) refer to a person with this
    /// full name? Not when the given name is known to be the other
    /// gender's; yes when it is unknown.
    pub fn pronoun_fits(&self, pronoun: &str, full_name: &str) -> bool {
        let female = match pronoun.to_lowercase().as_str() {
            "hon" => true,
            "han" => false,
            _ => return true,
        };
        let first = full_name.split([' ', '-']).next().unwrap_or("");
        self.given_name_gender
            .get(first)
            .is_none_or(|&g| g == female)
    }

    /// The rules folder used when none is given: `$SOCIALGRAF_RULES`, else
    /// `extract/` (see [`crate::data_dir`]).
    pub fn default_dir() -> PathBuf {
        crate::data_dir("SOCIALGRAF_RULES", "extract")
    }

    /// The macros usable in patterns, as regex text.
    fn build_macros(&self) -> BTreeMap<String, String> {
        let name = r"\p{Lu}[\p{Ll}']+(?:-\p{Lu}[\p{Ll}']+)?";
        let particle = r"(?:(?:von|af|de|van|der|la)\s+)?";
        let mut m = BTreeMap::new();
        m.insert(
            "PERSON".to_string(),
            format!(r"(?P<person>{name}(?:[ \t]*\n?[ \t]*{particle}{name}){{1,2}})"),
        );
        m.insert("FIRSTNAME".to_string(), format!(r"(?P<first>{name})"));
        let one = format!(r"{name}(?:[ \t]*\n?[ \t]*{particle}{name}){{1,2}}");
        m.insert(
            "NAMES".to_string(),
            format!(r"(?P<persons>{one}(?:(?:,\s*|\s+och\s+){one})*)"),
        );
        // "Anna Ek (S)": a party or other short tag in brackets after a name.
        m.insert(
            "PARTY".to_string(),
            r"(?:\s*\(\p{Lu}{1,3}\p{Ll}?\))?".to_string(),
        );
        m.insert(
            "PRONOUN".to_string(),
            r"(?P<pronoun>[Hh]on|[Hh]an)".to_string(),
        );
        // Any lowercase word (or an acronym compound such as "IFO-chef"):
        // the extractor keeps only words that `role_lemma` knows as roles.
        // A compact pattern keeps the regexes small and fast; an
        // alternation of every role form made matching a hundred times
        // slower.
        let role_word = r"(?:\p{Lu}{2,}-)?\p{Ll}[\p{Ll}-]*";
        let words: Vec<String> = KEPT_MODIFIERS
            .iter()
            .chain(DROPPED_MODIFIERS)
            .map(|m| regex::escape(m))
            .collect();
        let modifier = format!(
            r"(?:(?:{}|\p{{Ll}}{{3,}}(?:{}))\s+)?",
            words.join("|"),
            ADJECTIVE_ENDINGS.join("|")
        );
        let role = format!(r"{modifier}{role_word}");
        m.insert("ROLE".to_string(), format!(r"(?P<role>{role})"));
        m.insert(
            "ROLES".to_string(),
            format!(r"(?P<roles>{role}(?:(?:,\s*|\s+och\s+|\s+samt\s+){role})*)"),
        );
        let muni_forms = &self.municipality_forms;
        m.insert(
            "MUNI".to_string(),
            format!(r"(?P<muni>\b(?:{})\b)", alternation(muni_forms.iter())),
        );
        m.insert("TAIL".to_string(), format!(r"(?P<tail>{CLAUSE_TAIL})"));
        m.insert(
            "EVENT".to_string(),
            r"(?P<event>\p{Lu}[\p{L}-]*(?:dagarna|dagen|konferensen|mässan|veckan|forumet|kongressen|festivalen|seminariet)(?:\s+(?:19|20)\d\d)?|(?:Almedalen|Järvaveckan|MR-dagarna)(?:\s+(?:19|20)\d\d)?)".to_string(),
        );
        m.insert(
            "INITIATIVE".to_string(),
            r"(?P<initiative>[\p{L}\d-]*[\p{L}\d]-(?:planen|projektet|modellen|satsningen|programmet|metoden|reformen|teamet|nätverket|initiativet)|\p{Lu}[\p{Ll}]+(?:modellen|projektet|satsningen|programmet|resan|lyftet))(?:[^\p{L}]|$)".to_string(),
        );
        let known: Vec<String> = self
            .known_orgs
            .iter()
            .flat_map(|o| std::iter::once(o.name.clone()).chain(o.aliases.iter().cloned()))
            .collect();
        m.insert(
            "KNOWNORG".to_string(),
            format!(r"(?P<known>\b(?:{})\b)", alternation(known.iter())),
        );
        m
    }

    /// Every written form of every municipality's name.
    fn municipality_forms(&self) -> Vec<String> {
        let mut forms: Vec<String> = self
            .municipalities
            .iter()
            .flat_map(|mu| {
                let genitive = mu.genitive();
                [
                    mu.name.clone(),
                    format!("{genitive} kommun"),
                    format!("{genitive} stad"),
                    format!("{genitive} Kommun"),
                    format!("{genitive} Stad"),
                    genitive.clone(),
                    format!("{} kommun", mu.name),
                    format!("{} Kommun", mu.name),
                    format!("{} stad", mu.name),
                    format!("{} Stad", mu.name),
                ]
            })
            .chain(self.municipality_aliases.iter().cloned())
            .collect();
        forms.sort();
        forms.dedup();
        forms
    }

    /// Replaces `{NAME}` macros in a pattern. Unknown macros are an error.
    fn expand(&self, pattern: &str) -> Result<String, String> {
        let macro_re = Regex::new(r"\{([A-Z]+)\}").map_err(|e| e.to_string())?;
        let mut out = String::new();
        let mut last = 0;
        for c in macro_re.captures_iter(pattern) {
            let (Some(whole), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            // `\p{L}` is a Unicode class, not a macro.
            if pattern[..whole.start()].ends_with("\\p")
                || pattern[..whole.start()].ends_with("\\P")
            {
                continue;
            }
            out.push_str(&pattern[last..whole.start()]);
            match self.macros.get(name.as_str()) {
                Some(m) => out.push_str(m),
                None => return Err(format!("unknown macro {{{}}}", name.as_str())),
            }
            last = whole.end();
        }
        out.push_str(&pattern[last..]);
        Ok(out)
    }

    /// Lemma of a role word or phrase (`socialchefen` → `socialchef`,
    /// `IFO-chefer` → `ifo-chef`), or `None` when it is not a role.
    pub fn role_lemma(&self, word: &str) -> Option<String> {
        let w = crate::text::lowercase(word.trim());
        if let Some(l) = self.role_forms.get(&w) {
            return Some(l.clone());
        }
        for m in KEPT_MODIFIERS {
            if let Some(rest) = w.strip_prefix(m).and_then(|r| r.strip_prefix(' ')) {
                return self.role_lemma(rest).map(|l| format!("{m} {l}"));
            }
        }
        for m in DROPPED_MODIFIERS {
            if let Some(rest) = w.strip_prefix(m).and_then(|r| r.strip_prefix(' ')) {
                return self.role_lemma(rest);
            }
        }
        // An adjective before the role ("socialpolitisk strateg").
        if let Some((adj, rest)) = w.split_once(' ') {
            let adjective = ADJECTIVE_ENDINGS.iter().any(|e| adj.ends_with(e));
            if adjective && adj.chars().count() >= 6 {
                if let Some(l) = self.role_lemma(rest) {
                    return Some(l);
                }
            }
        }
        // The first suffix in `role_suffixes` order that fits.
        let mut fitting: Vec<usize> = self
            .role_suffix_lens
            .iter()
            .filter_map(|&n| w.len().checked_sub(n))
            .filter(|&at| w.is_char_boundary(at))
            .filter_map(|at| self.role_suffix_at.get(&w[at..]))
            .flatten()
            .copied()
            .collect();
        fitting.sort_unstable();
        for i in fitting {
            let (suffix, lemma, min) = &self.role_suffixes[i];
            let prefix = &w[..w.len() - suffix.len()];
            if prefix.chars().count() >= *min
                && prefix.chars().all(|c| c.is_alphabetic() || c == '-')
            {
                return Some(format!("{prefix}{lemma}"));
            }
        }
        None
    }

    /// The municipality a name refers to (`Göteborgs stad`, `Sävsjö Kommun`, `Borås`).
    pub fn municipality(&self, name: &str) -> Option<&Municipality> {
        self.municipality_names
            .get(&crate::text::lowercase(name.trim()))
            .map(|&i| &self.municipalities[i])
    }

    /// The municipality whose name or genitive is one edit (a letter added,
    /// dropped or changed) away from `word`, when exactly one is and the
    /// word is long enough (7 letters) for a typo to be told from another
    /// name.
    pub fn municipality_one_letter_off(&self, word: &str) -> Option<&Municipality> {
        let lower = word.to_lowercase();
        let word: Vec<char> = lower.chars().collect();
        if word.len() < 7 {
            return None;
        }
        let mut near: Vec<usize> = std::iter::once(lower)
            .chain(one_letter_shorter(&word))
            .filter_map(|k| self.one_letter_off.get(&k))
            .flatten()
            .copied()
            .collect();
        near.sort_unstable();
        near.dedup();
        let mut found = near
            .into_iter()
            .filter_map(|i| self.municipalities.get(i))
            .filter(|m| {
                [m.name.to_lowercase(), m.genitive().to_lowercase()]
                    .iter()
                    .any(|n| one_edit_apart(&word, &n.chars().collect::<Vec<_>>()))
            });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// The municipality with an SCB code.
    pub fn municipality_by_code(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code == code)
    }

    /// Whether a role is a research or university teaching role (kind
    /// `forskare` in roller.tsv: docent, lektor, professor...).
    pub fn is_academic_role(&self, lemma: &str) -> bool {
        self.role_kinds.get(lemma).is_some_and(|k| k == "forskare")
    }

    /// Whether organisations of this kind (`enhet`, `förvaltning`...) are
    /// parts of a body rather than bodies in their own right.
    pub fn is_unit_kind(&self, kind: &str) -> bool {
        self.unit_kinds.contains(kind)
    }

    /// Whether organisations of this type (orgtyper.tsv) are bodies in their
    /// own right other than a municipality: a company, foundation,
    /// university, agency, association.
    pub fn is_other_body_kind(&self, kind: &str) -> bool {
        !matches!(kind, "kommun" | "stad" | "region") && self.top_kinds.contains(kind)
    }

    /// The type of body a bare organisation noun names ("högskolan",
    /// "företagets", "kommunen": a head form with nothing before it).
    pub fn bare_org_head(&self, name: &str) -> Option<&str> {
        self.org_head_kind
            .get(&crate::text::lowercase(name.trim()))
            .map(String::as_str)
    }

    /// The known organisation a name or alias refers to.
    pub fn known_org(&self, name: &str) -> Option<&KnownOrg> {
        self.known_org_at.get(name).map(|&i| &self.known_orgs[i])
    }

    /// Is this a plausible given name?
    pub fn is_given_name(&self, w: &str) -> bool {
        self.given_names.contains(w) || w.split('-').all(|p| self.given_names.contains(p))
    }

    /// Whether `w` is a given name given the word after it: "Hans" is one
    /// before a known surname ("Hans Eklund"), not before anything else.
    pub fn is_given_name_before(&self, w: &str, next: &str) -> bool {
        self.is_given_name(w)
            || (self.ambiguous_given_names.contains(w) && self.surnames.contains(next))
    }
}

/// The index behind [`Rules::municipality_one_letter_off`]: each
/// municipality's lowercased name and genitive, and each of them with one
/// letter dropped.
fn one_letter_off_index(municipalities: &[Municipality]) -> FxHashMap<String, Vec<usize>> {
    let mut index: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, m) in municipalities.iter().enumerate() {
        for name in [m.name.to_lowercase(), m.genitive().to_lowercase()] {
            let chars: Vec<char> = name.chars().collect();
            for key in std::iter::once(name).chain(one_letter_shorter(&chars)) {
                let at = index.entry(key).or_default();
                if !at.contains(&i) {
                    at.push(i);
                }
            }
        }
    }
    index
}

/// A word with each of its letters dropped in turn. Two words one edit
/// apart share a string among themselves and these: a word with a letter
/// added or dropped is the other with one dropped, and with a letter
/// changed the two are the same with that letter dropped.
fn one_letter_shorter(word: &[char]) -> impl Iterator<Item = String> + '_ {
    (0..word.len()).map(|i| word[..i].iter().chain(&word[i + 1..]).collect())
}

/// Whether two words differ by exactly one inserted, deleted or replaced
/// letter (Levenshtein distance 1).
fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_tail_is_what_the_tail_group_captures() {
        let group = Regex::new(&format!(r"x(?P<tail>{CLAUSE_TAIL})")).expect("compiles");
        for rest in [
            "",
            " på Vision i Umeå. Sedan dess",
            " i Kalix\nkommun; och mer",
            " i Ås\n\nNästa stycke",
            ": en rubrik",
            " vid A\nB\nC",
            " inom äldreomsorgen!",
        ] {
            let hay = format!("x{rest}");
            let captured = group.captures(&hay).and_then(|c| c.name("tail"));
            assert_eq!(
                Some(clause_tail(rest)),
                captured.map(|m| m.as_str()),
                "{rest:?}"
            );
        }
    }

    #[test]
    fn a_pattern_ending_with_tail_is_compiled_without_it() {
        let rules = Rules::load_default().expect("the rules load");
        let apposition = rules
            .patterns
            .iter()
            .find(|p| p.id == "membership.apposition")
            .expect("the apposition rule");
        assert!(apposition.tail_after_match);
        assert!(!apposition.regex.as_str().contains("?P<tail>"));
    }

    #[test]
    fn every_role_has_a_role_word() {
        let rules = Rules::load_default().expect("the rules load");
        // Every form, in other cases and with the modifiers and adjectives
        // role_lemma takes off, and words made with each role suffix.
        let mut words: Vec<String> = rules.role_forms.keys().cloned().collect();
        for form in rules.role_forms.keys().take(50) {
            words.push(form.to_uppercase());
            words.push(format!("vice {form}"));
            words.push(format!("biträdande {form}"));
            words.push(format!("socialpolitisk {form}"));
        }
        for (suffix, _, _) in &rules.role_suffixes {
            words.push(format!("familje{suffix}"));
            words.push(format!("IFO-{suffix}"));
        }
        let mut roles = 0;
        for w in &words {
            if rules.role_lemma(w).is_some() {
                roles += 1;
                assert!(rules.has_role_word(&crate::text::lowercase(w)), "{w}");
            }
        }
        assert!(roles > rules.role_forms.len(), "{roles} roles");
        for not_a_role in ["säger anna ek", "enligt", "berättar bo ek, som"] {
            assert!(!rules.has_role_word(not_a_role), "{not_a_role}");
        }
    }

    /// A cue regex has the word boundaries once around its alternation;
    /// it matches exactly where one regex per cue with its own boundaries
    /// would (the same language, so the same `is_match`). Texts are made of
    /// the cues' words and stems, continuations, digits, `_`, hyphens,
    /// spaces, line breaks and letters on both sides of U+00FF.
    #[test]
    fn cue_boundaries_around_the_alternation_match_as_around_each_cue() {
        use proptest::prelude::*;
        let word = prop::sample::select(vec![
            "rekryter", "ing", "svår", "att", "hög", "Hög", "HÖG", "kommun", "många", "ökat",
            "tryck", "a", "ł", "é", "7", "_", "-", " ", "  ", "\n", ".", ",", "\u{2013}",
        ]);
        let cue = prop::sample::select(vec![
            "rekryter*",
            "svår* att",
            "hög",
            "många kommuner",
            "ökat tryck",
            "a*",
            "ing",
            "kommun*-",
        ]);
        let one_per_cue = |c: &String| whole_words(&cue_to_regex(c));
        let cues = ["rekryter*".to_string(), "svår* att".to_string()];
        let fixed =
            Regex::new(&crate::pattern::latin_letters(&cues_pattern(&cues))).expect("compiles");
        assert!(fixed.is_match("Svårt att rekrytera."));
        assert!(fixed.is_match("svårigheter\natt"));
        assert!(!fixed.is_match("svårt_att"));
        assert!(!fixed.is_match("nyrekrytering"));
        proptest!(|(
            cues in prop::collection::vec(cue.prop_map(String::from), 1..4),
            text in prop::collection::vec(word, 0..12),
        )| {
            let text = text.concat();
            let regex = |p: &str| Regex::new(&crate::pattern::latin_letters(p)).expect("compiles");
            let each = cues.iter().any(|c| regex(&one_per_cue(c)).is_match(&text));
            let alternation = regex(&cues_pattern(&cues)).is_match(&text);
            prop_assert_eq!(alternation, each, "{:?} in {:?}", cues, text);
        });
    }

    #[test]
    fn one_edit_apart_counts_one_letter() {
        let w = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(one_edit_apart(&w("helsingsborgs"), &w("helsingborgs")));
        assert!(one_edit_apart(&w("göteborg"), &w("göteborj")));
        assert!(one_edit_apart(&w("malmö"), &w("malmöx")));
        assert!(!one_edit_apart(&w("malmö"), &w("malmö")));
        assert!(!one_edit_apart(&w("lund"), &w("lunds-x")));
        assert!(!one_edit_apart(&w("abcd"), &w("badc")));
    }
}
