//! Extraction: runs the rules of [`Rules`] over a [`Text`] and returns facts
//! with provenance. Extraction never fails: odd input gives fewer facts and
//! diagnostics, never an error or a panic.
//!
//! The entry point is [`Extractor::extract`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Captures;
use rustc_hash::FxHashSet;

use crate::facts::{EntityKind, Fact, Relation};
use crate::pattern::Pattern;
use crate::resolve::{OrgRef, Resolver};
use crate::rules::{PatternRule, Rules, SentenceCandidates};
use crate::text::{Sentence, SentenceKind, Text};

/// Something worth telling the user about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub doc: String,
    pub message: String,
}

/// The result of extracting one document.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub facts: Vec<Fact>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A person introduced in the document.
#[derive(Debug, Clone)]
struct Person {
    full: String,
    first: String,
    /// Organisation of the person's first membership, for speaker context.
    org: Option<OrgRef>,
    sentence: usize,
}

struct Doc<'a> {
    rules: &'a Rules,
    resolver: &'a Resolver<'a>,
    text: &'a Text,
    id: &'a str,
    /// Context organisation per sentence, in `mentions` (see
    /// [`sentence_context`]).
    context: Vec<Option<(usize, usize)>>,
    /// The same over a narrower window, in `municipalities`, for `faces`.
    near_context: Vec<Option<(usize, usize)>>,
    /// The organisations each sentence names that can set its scene.
    mentions: Vec<Vec<OrgRef>>,
    /// Sentence index by the original start offset of its span (what a
    /// fact's `start` holds).
    sentence_at: BTreeMap<usize, usize>,
    /// The municipalities each sentence names, in order.
    municipalities: Vec<Vec<OrgRef>>,
    persons: Vec<Person>,
    facts: Vec<Fact>,
    /// Each sentence's evidence text (on one line), made when a fact
    /// first needs it: a sentence often gives several facts.
    evidence: Vec<std::cell::OnceCell<String>>,
    /// Indexes into `facts` of memberships whose organisation was not named
    /// with the person but taken from the surrounding text.
    guessed_org: Vec<usize>,
    /// The sentence being matched.
    current: &'a str,
    /// Per sentence (`None` for meta lines, which are not matched): its
    /// lowercased text and what the literal prefilter found in it, kept
    /// from [`Doc::run`] for the passes after it.
    scanned: Vec<Option<(String, SentenceCandidates<'a>)>>,
}

/// Rules with their resolver compiled once, ready to run on documents.
pub struct Extractor<'a> {
    rules: &'a Rules,
    resolver: Resolver<'a>,
}

impl<'a> Extractor<'a> {
    pub fn new(rules: &'a Rules) -> Extractor<'a> {
        Extractor {
            rules,
            resolver: Resolver::new(rules),
        }
    }

    pub fn rules(&self) -> &Rules {
        self.rules
    }

    /// Extracts facts from one document's original text.
    pub fn extract(&self, doc_id: &str, original: &str) -> Extraction {
        let mut diagnostics = Vec::new();
        if original.trim().is_empty() {
            diagnostics.push(Diagnostic {
                doc: doc_id.to_string(),
                message: "the document has no text".to_string(),
            });
            return Extraction {
                facts: Vec::new(),
                diagnostics,
            };
        }
        let text = Text::new(original);
        crate::pattern::within_text(&text.norm, || self.extract_from(doc_id, &text, diagnostics))
    }

    /// [`Extractor::extract`] after normalising the text.
    fn extract_from(
        &self,
        doc_id: &str,
        text: &Text,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Extraction {
        // First what each sentence holds, found without any state of the
        // document: its lowercased text and the literal prefilter's verdict
        // (meta lines are not matched: `None`). A rule that looks at the
        // next sentence finds its verdict there.
        let lowered: Vec<Option<String>> = (text.sentences.iter())
            .map(|s| {
                (s.kind != SentenceKind::Meta)
                    .then(|| crate::text::lowercase(text.sentence_text(s)))
            })
            .collect();
        let mut verdicts = (self.rules)
            .candidates_of_each(
                &lowered
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            )
            .into_iter();
        let scanned: Vec<Option<(String, SentenceCandidates)>> = (lowered.into_iter())
            .map(|lower| Some((lower?, verdicts.next()?)))
            .collect();
        let mentions: Vec<Vec<OrgRef>> = (text.sentences.iter().zip(&scanned))
            .map(|(s, scan)| match scan {
                None => Vec::new(),
                Some((_, may)) => self
                    .resolver
                    .context_orgs_in(text.sentence_text(s), may.municipality_suffix()),
            })
            .collect();
        let context = sentence_context(text, &mentions, WIDE_CONTEXT);
        // Problems are faced by municipalities: only they count for `faces`.
        let municipal: Vec<Vec<OrgRef>> = mentions
            .iter()
            .map(|m| {
                m.iter()
                    .filter(|o| o.kind == EntityKind::Municipality)
                    .cloned()
                    .collect()
            })
            .collect();
        let near_context = sentence_context(text, &municipal, NEAR_CONTEXT);
        let mut doc = Doc {
            rules: self.rules,
            resolver: &self.resolver,
            text,
            id: doc_id,
            context,
            near_context,
            mentions,
            sentence_at: (text.sentences.iter().enumerate())
                .map(|(i, s)| (text.original_span(s.start, s.end).0, i))
                .collect(),
            municipalities: municipal,
            persons: Vec::new(),
            facts: Vec::new(),
            evidence: vec![std::cell::OnceCell::new(); text.sentences.len()],
            guessed_org: Vec::new(),
            current: "",
            scanned,
        };
        doc.run();
        doc.addresses_from_later_mentions();
        doc.settle_memberships();
        doc.settle_municipalities();
        doc.settle_initiative_names();
        let mut facts = doc.facts;
        facts.sort_by(|a, b| {
            (
                a.start, a.end, &a.rule, a.relation, &a.subject, &a.object, &a.role,
            )
                .cmp(&(
                    b.start, b.end, &b.rule, b.relation, &b.subject, &b.object, &b.role,
                ))
        });
        // The cheap comparison first: keys normalise text.
        // Equal text needs no normalising to compare equal.
        facts.dedup_by(|a, b| {
            a.start == b.start
                && a.relation == b.relation
                && a.kommun == b.kommun
                && ((a.subject == b.subject && a.role == b.role && a.object == b.object)
                    || a.key() == b.key())
        });
        if facts.is_empty() {
            diagnostics.push(Diagnostic {
                doc: doc_id.to_string(),
                message: "no facts found".to_string(),
            });
        }
        Extraction { facts, diagnostics }
    }
}

/// The item of an enumeration `sentence` (items end at `,` and ` och `)
/// that holds the byte range `start..end`.
fn enumeration_item(sentence: &str, start: usize, end: usize) -> &str {
    let before = &sentence[..start];
    let after = &sentence[end..];
    let from = [before.rfind(','), before.rfind(" och ").map(|k| k + 4)]
        .into_iter()
        .flatten()
        .max()
        .map_or(0, |k| k + 1);
    let to = [after.find(','), after.find(" och ")]
        .into_iter()
        .flatten()
        .min()
        .map_or(sentence.len(), |k| end + k);
    &sentence[from..to]
}

/// Whether a head noun's type (orgtyper.tsv) and a known organisation's type
/// (organisationer.tsv) describe the same kind of body.
fn same_kind_of_body(head_kind: &str, known_kind: &str) -> bool {
    match head_kind {
        "universitet" | "högskola" => matches!(known_kind, "universitet" | "högskola"),
        "stiftelse" | "förening" => known_kind == "ideell",
        "förbund" => known_kind == "fackförbund",
        other => other == known_kind,
    }
}

/// How many sentences before and after a sentence count for its context:
/// wide for the organisation of a person's role, near for the organisation
/// that faces a problem.
const WIDE_CONTEXT: (usize, usize) = (30, 5);
const NEAR_CONTEXT: (usize, usize) = (10, 2);

/// The municipality each sentence's surroundings are about: the one
/// mentioned most often in the nearby sentences of the same section (the
/// nearest earlier mention breaks ties), as the place of its first mention
/// there: `(j, k)` for `mentions[j][k]`.
fn sentence_context(
    text: &Text,
    mentions: &[Vec<OrgRef>],
    (before, after): (usize, usize),
) -> Vec<Option<(usize, usize)>> {
    let n = text.sentences.len();
    // An organisation counts under its municipality's code, else its name.
    let keyed: Vec<Vec<&str>> = mentions
        .iter()
        .map(|found| {
            found
                .iter()
                .map(|org| org.kommun.as_deref().unwrap_or(&org.name))
                .collect()
        })
        .collect();
    // The sentences that name any: most name none.
    let naming: Vec<usize> = (0..n).filter(|&j| !keyed[j].is_empty()).collect();
    // (key, count, recency, first mention): few organisations are named
    // near a sentence, so a list beats a map.
    let mut counts: Vec<(&str, usize, usize, (usize, usize))> = Vec::new();
    (0..n)
        .map(|i| {
            let section = text.sentences[i].section;
            let lo = i.saturating_sub(before);
            let hi = (i + after).min(n.saturating_sub(1));
            counts.clear();
            let from = naming.partition_point(|&j| j < lo);
            for &j in naming[from..].iter().take_while(|&&j| j <= hi) {
                if text.sentences[j].section != section {
                    continue;
                }
                for (k, &code) in keyed[j].iter().enumerate() {
                    // Ties go to the nearest mention before the sentence,
                    // then to the nearest after it.
                    let recency = if j <= i { n + j } else { n - j };
                    match counts.iter_mut().find(|e| e.0 == code) {
                        Some(e) => {
                            e.1 += 1;
                            e.2 = e.2.max(recency);
                        }
                        None => counts.push((code, 1, recency, (j, k))),
                    }
                }
            }
            // The key breaks the last ties: the same choice every run.
            (counts.iter())
                .max_by(|a, b| (a.1, a.2, a.0).cmp(&(b.1, b.2, b.0)))
                .map(|&(_, _, _, at)| at)
        })
        .collect()
}

impl Doc<'_> {
    fn run(&mut self) {
        let text = self.text;
        let rules = self.rules;
        // First the full names in each sentence (its lowercased text and
        // prefilter verdict are in `scanned` already).
        let mut named: Vec<(bool, Vec<String>)> = (text.sentences.iter())
            .map(|s| match s.kind {
                SentenceKind::Meta => (false, Vec::new()),
                _ => self.persons_named(text.sentence_text(s)),
            })
            .collect();
        // Then the sentences in order, as a reader meets them: names
        // introduced earlier are what later first names and pronouns
        // refer to.
        for (i, s) in text.sentences.iter().enumerate() {
            let Some((lower, may)) = self.scanned[i].take() else {
                continue;
            };
            let st = text.sentence_text(s);
            self.current = st;
            let (names_someone, names) = std::mem::take(&mut named[i]);
            for name in names {
                self.register(&name, i);
            }
            for (k, rule) in rules.patterns.iter().enumerate() {
                if !may.pattern(k)
                    || (rule.requires_role_word && !may.role_word())
                    || (rule.requires_person && !names_someone)
                {
                    continue;
                }
                // Captions name people with their roles; other relations
                // need running text.
                if s.kind == SentenceKind::Caption && rule.relation != "membership" {
                    continue;
                }
                // Matches may overlap ("A, roll X, B, roll Y"): search again
                // from just after each match's start.
                let mut at = 0;
                while at < st.len() {
                    let Some(m) = rule.regex.find_at(st, at) else {
                        break;
                    };
                    // A match that starts inside a word ("AL-planen" in
                    // "KAL-planen") is a tail of an earlier match.
                    let inside_word = m.as_str().starts_with(char::is_alphanumeric)
                        && st[..m.start()]
                            .chars()
                            .next_back()
                            .is_some_and(|ch| ch.is_alphanumeric() || ch == '-');
                    // Most matches of the rules with a role before a name
                    // have no role word ("säger Anna Ek"): the groups are
                    // taken (by the capture engine, which costs several
                    // times the search) only when the match can give a fact.
                    let wanted = !inside_word
                        && (!rule.requires_role_word
                            || rules.has_role_word(&crate::text::lowercase(m.as_str())));
                    if wanted {
                        // The match that starts there is the one found.
                        if let Some(c) = rule.regex.captures_at(st, m.start()) {
                            self.apply(rule, &c, i, s, &may);
                        }
                    }
                    at = m.start() + st[m.start()..].chars().next().map_or(1, char::len_utf8);
                }
            }
            if s.kind != SentenceKind::Caption {
                self.problems(i, s, &may);
            }
            self.scanned[i] = Some((lower, may));
        }
    }

    /// Whether the `{PERSON}` regex matches anywhere in a sentence, and the
    /// plausible full names among its matches: registered when the
    /// sentence is read, so that first names, pronouns and "De" can refer
    /// back to them.
    fn persons_named(&self, st: &str) -> (bool, Vec<String>) {
        let mut matched = false;
        let found = (self.resolver.person_regex().find_iter(st))
            .inspect(|_| matched = true)
            .filter_map(|m| self.resolver.clean_person(m.as_str(), false))
            .collect();
        (matched, found)
    }

    fn register(&mut self, name: &str, sentence: usize) {
        // The latest mention counts for what a pronoun refers to.
        if let Some(p) = self.persons.iter_mut().find(|x| x.full == name) {
            p.sentence = p.sentence.max(sentence);
        } else {
            let first = name.split(' ').next().unwrap_or("").to_string();
            self.persons.push(Person {
                full: name.to_string(),
                first,
                org: None,
                sentence,
            });
        }
    }

    fn fact(
        &self,
        relation: Relation,
        subject: &str,
        role: &str,
        object: &str,
        org: Option<&OrgRef>,
        kind: EntityKind,
        rule: &str,
        s: &Sentence,
    ) -> Fact {
        let (start, end) = self.text.original_span(s.start, s.end);
        // Names broken across lines ("Göteborgs\nregionen") are one line.
        let one_line = |name: &str| crate::text::one_line(name).into_owned();
        Fact {
            relation,
            subject: one_line(subject),
            role: one_line(role),
            object: one_line(object),
            kommun: org.and_then(|o| o.kommun.clone()).unwrap_or_default(),
            org_kind: kind,
            org_canonical: org
                .and_then(|o| self.rules.known_org(&o.name))
                .map(|k| k.name.clone())
                .unwrap_or_default(),
            doc: self.id.to_string(),
            start,
            end,
            evidence: self.evidence(s).into_owned(),
            rule: rule.to_string(),
        }
    }

    /// A sentence's text on one line, the evidence of its facts.
    fn evidence(&self, s: &Sentence) -> Cow<'_, str> {
        let one_line = || crate::text::one_line(self.text.sentence_text(s));
        match self.evidence.get(self.index_of(s)) {
            Some(cell) => Cow::Borrowed(cell.get_or_init(|| one_line().into_owned())),
            None => one_line(),
        }
    }

    /// The index of one of the document's sentences in `text.sentences`.
    fn index_of(&self, s: &Sentence) -> usize {
        self.text.sentences.partition_point(|x| x.start < s.start)
    }

    /// The person a match names: a full name, a first name or pronoun
    /// referring back to one.
    fn person_of(&mut self, c: &Captures, sentence: usize, strong: bool) -> Option<String> {
        if let Some(p) = c.name("person") {
            if self.starts_inside_a_name(p.start()) {
                return None;
            }
            // A name right before a comma is an apposition: strong evidence
            // even for a given name the gazetteer lacks.
            let strong = strong
                && self
                    .current
                    .get(p.end()..)
                    .is_some_and(|rest| rest.trim_start().starts_with(','));
            let name = self.resolver.clean_person(p.as_str(), strong)?;
            self.register(&name, sentence);
            return Some(name);
        }
        if let Some(f) = c.name("first") {
            return self.by_first_name(f.as_str());
        }
        if let Some(pronoun) = c.name("pronoun") {
            // The most recently mentioned person within a few sentences whose
            // given name may be the pronoun's gender.
            return self
                .persons
                .iter()
                .filter(|p| p.sentence <= sentence && sentence - p.sentence <= 5)
                .filter(|p| self.rules.pronoun_fits(pronoun.as_str(), &p.full))
                .max_by_key(|p| p.sentence)
                .map(|p| p.full.clone());
        }
        None
    }

    /// Does a person match start in the middle of a longer name ("Lena
    /// Sellergren" inside "Anna-Lena Sellergren")? `start` is relative to the
    /// haystack the captures came from.
    fn starts_inside_a_name(&self, start: usize) -> bool {
        let hay = self.current;
        let Some(before) = hay.get(..start) else {
            return false;
        };
        match before.chars().next_back() {
            Some(ch) if ch.is_alphanumeric() || ch == '-' => true,
            Some(' ') | Some('\n') => {
                let word = before
                    .trim_end()
                    .rsplit(|ch: char| ch.is_whitespace())
                    .next()
                    .unwrap_or("");
                word.chars().next().is_some_and(char::is_uppercase)
                    && word.chars().all(|ch| ch.is_alphabetic() || ch == '-')
                    && !self.rules.not_names.contains(word)
                    && self.rules.role_lemma(word).is_none()
            }
            _ => false,
        }
    }

    fn by_first_name(&self, first: &str) -> Option<String> {
        let mut found: Vec<&Person> = self.persons.iter().filter(|p| p.first == first).collect();
        found.dedup_by(|a, b| a.full == b.full);
        match found.as_slice() {
            [one] => Some(one.full.clone()),
            _ => None,
        }
    }

    fn context_org(&self, s: &Sentence) -> Option<OrgRef> {
        let (j, k) = self.context.get(self.index_of(s)).copied().flatten()?;
        Some(self.mentions[j][k].clone())
    }

    fn near_context_org(&self, s: &Sentence) -> Option<OrgRef> {
        let (j, k) = self.near_context.get(self.index_of(s)).copied().flatten()?;
        Some(self.municipalities[j][k].clone())
    }

    /// Applies a rule's match; `may` is what the prefilter found in the
    /// sentence.
    fn apply(
        &mut self,
        rule: &PatternRule,
        c: &Captures,
        i: usize,
        s: &Sentence,
        may: &SentenceCandidates,
    ) {
        match rule.relation.as_str() {
            "membership" => self.membership(rule, c, i, s),
            "attended" => self.attended(rule, c, i, s),
            "initiative" => self.initiative(rule, c, i, s, may),
            _ => {}
        }
    }

    fn membership(&mut self, rule: &PatternRule, c: &Captures, i: usize, s: &Sentence) {
        // A role before the name that follows a comma or "och" continues the
        // apposition of the previous person ("A, lärare och docent i X, B").
        if let (Some(r), Some(p)) = (
            c.name("roles"),
            c.name("person").or_else(|| c.name("persons")),
        ) {
            let before = self.current[..r.start()].trim_end();
            if r.start() < p.start() && (before.ends_with(',') || before.ends_with(" och")) {
                return;
            }
        }
        // "enhetscheferna Anna Ek och Bo Ek": every name of the list.
        if let Some(list) = c.name("persons") {
            let names: Vec<String> = self
                .resolver
                .person_regex()
                .find_iter(list.as_str())
                .filter_map(|m| self.resolver.clean_person(m.as_str(), false))
                .collect();
            for name in names {
                self.register(&name, i);
                self.membership_of(&name, rule, c, s);
            }
            return;
        }
        let Some(person) = self.person_of(c, i, true) else {
            return;
        };
        self.membership_of(&person, rule, c, s);
    }

    fn membership_of(&mut self, person: &str, rule: &PatternRule, c: &Captures, s: &Sentence) {
        let person = person.to_string();
        let roles_text = c
            .name("roles")
            .or_else(|| c.name("role"))
            .map_or("", |m| m.as_str());
        let mut roles = self.resolver.split_roles(roles_text);
        if roles.is_empty() {
            return;
        }
        // The organisation: named in the match, else in the text after the
        // role, else the section's municipality.
        let mut org = None;
        for g in ["org", "known", "muni"] {
            if let Some(m) = c.name(g) {
                org = self.resolver.org(m.as_str(), self.context_org(s).as_ref());
                if org.is_some() {
                    break;
                }
            }
        }
        let mut more: Vec<(Vec<String>, Option<OrgRef>)> = Vec::new();
        if org.is_none() {
            let tail = if rule.tail_after_match {
                c.get(0)
                    .map(|m| crate::rules::clause_tail(&self.current[m.end()..]))
            } else {
                c.name("tail").map(|t| t.as_str())
            };
            if let Some(t) = tail {
                let (first_org, rest) = self.resolver.tail(t, self.context_org(s).as_ref());
                org = first_org;
                more = rest;
            }
        }
        if org.is_none() {
            // "A, socialchef, och B, IFO-chef, båda från X kommun."
            let st = self.text.sentence_text(s);
            // "..., Hasse Larsson, har arbetat vid stiftelsen X i tre år."
            let shared = SHARED_ORG.captures(st).or_else(|| WORKS_AT.captures(st));
            if let Some(m) = shared.and_then(|c| c.get(1)) {
                org = self
                    .resolver
                    .org_text(m.as_str(), self.context_org(s).as_ref());
            }
        }
        let mut guessed = false;
        if org.is_none() {
            // Docents and lecturers work at the university the text names,
            // even in an article about a municipality.
            let academic = roles.iter().any(|r| self.rules.is_academic_role(r));
            org = academic
                .then(|| self.nearest_academic_org(s))
                .flatten()
                .or_else(|| self.context_org(s));
            guessed = true;
        }
        let org = org.map(|o| self.antecedent(o, s));
        if let Some(o) = &org {
            for p in self
                .persons
                .iter_mut()
                .filter(|p| p.full == person && p.org.is_none())
            {
                p.org = Some(o.clone());
            }
        }
        let mut groups = vec![(std::mem::take(&mut roles), org)];
        groups.extend(more);
        for (k, (roles, org)) in groups.into_iter().enumerate() {
            let guessed = org.is_none() || (k == 0 && guessed);
            let Some(org) = org.or_else(|| self.context_org(s)) else {
                continue;
            };
            for role in roles {
                if guessed {
                    self.guessed_org.push(self.facts.len());
                }
                let f = self.fact(
                    Relation::Membership,
                    &person,
                    &role,
                    &org.name,
                    Some(&org),
                    org.kind.clone(),
                    &rule.id,
                    s,
                );
                self.facts.push(f);
            }
        }
    }

    /// The organisation a bare definite noun refers back to: "högskolans
    /// uppdragsutbildningsenhet", "på företaget" name the last university or
    /// company the section mentioned. Other names are returned as they are.
    fn antecedent(&self, org: OrgRef, s: &Sentence) -> OrgRef {
        let Some(kind) = self.rules.bare_org_head(&org.name) else {
            return org;
        };
        let found = self.last_mentioned(s, true, |m| match &m.kind {
            EntityKind::Municipality => matches!(kind, "kommun" | "stad"),
            EntityKind::Organisation(k) => same_kind_of_body(kind, k),
            _ => false,
        });
        let Some(found) = found else { return org };
        // Written out in full where the document does so ("Ersta Sköndal
        // Bräcke högskola", not a shorter alias met last).
        let canonical = self.rules.known_org(&found.name).map(|k| &k.name);
        self.mentions
            .iter()
            .flatten()
            .filter(|m| {
                canonical.is_some() && self.rules.known_org(&m.name).map(|k| &k.name) == canonical
            })
            .max_by_key(|m| m.name.chars().count())
            .unwrap_or(found)
            .clone()
    }

    /// The university, university college or research centre named last
    /// before sentence `s` (within the wide context window).
    fn nearest_academic_org(&self, s: &Sentence) -> Option<OrgRef> {
        self.last_mentioned(s, false, |m| {
            matches!(&m.kind, EntityKind::Organisation(k)
                if matches!(k.as_str(), "universitet" | "högskola" | "forskning"))
        })
        .cloned()
    }

    /// The last organisation mentioned at or before sentence `s`, within
    /// the wide context window (and its section, if `same_section`), that
    /// `wanted` accepts.
    fn last_mentioned(
        &self,
        s: &Sentence,
        same_section: bool,
        wanted: impl Fn(&OrgRef) -> bool,
    ) -> Option<&OrgRef> {
        let i = self.index_of(s);
        (i.saturating_sub(WIDE_CONTEXT.0)..=i)
            .rev()
            .filter(|&j| {
                !same_section
                    || self
                        .text
                        .sentences
                        .get(j)
                        .is_some_and(|x| x.section == s.section)
            })
            .flat_map(|j| self.mentions.get(j).into_iter().flatten().rev())
            .find(|m| wanted(m))
    }

    /// The municipality named nearest to sentence `i` in its section, in
    /// either direction: where a unit named without one ("utredningsenheten")
    /// belongs.
    fn section_municipality(&self, i: usize) -> Option<&OrgRef> {
        let section = self.text.sentences.get(i)?.section;
        let in_section = |j: &usize| self.text.sentences[*j].section == section;
        let before = (0..=i).rev().take_while(in_section);
        let after = (i + 1..self.text.sentences.len()).take_while(in_section);
        let municipality = |j: usize| {
            self.mentions[j]
                .iter()
                .find(|m| m.kind == EntityKind::Municipality)
                .map(|m| (j.abs_diff(i), j > i, m))
        };
        before
            .filter_map(municipality)
            .chain(after.filter_map(municipality))
            .min_by_key(|(distance, later, _)| (*distance, *later))
            .map(|(_, _, m)| m)
    }

    /// Reconciles the memberships of each person across the document: an
    /// organisation named with the person outweighs one guessed from the
    /// surroundings, and a unit named without its municipality
    /// ("utredningsenheten") belongs to the municipality the person's other
    /// memberships name.
    fn settle_memberships(&mut self) {
        let guessed: FxHashSet<usize> = self.guessed_org.drain(..).collect();
        let mut named_roles: FxHashSet<(String, String)> = FxHashSet::default();
        let mut named_kommun: BTreeMap<String, String> = BTreeMap::new();
        for (k, f) in self.facts.iter().enumerate() {
            if f.relation == Relation::Membership && !guessed.contains(&k) {
                named_roles.insert((f.subject.clone(), f.role.clone()));
                if !f.kommun.is_empty() {
                    named_kommun
                        .entry(f.subject.clone())
                        .or_insert_with(|| f.kommun.clone());
                }
            }
        }
        let facts = std::mem::take(&mut self.facts);
        self.facts = facts
            .into_iter()
            .enumerate()
            .filter_map(|(k, mut f)| {
                if f.relation != Relation::Membership {
                    return Some(f);
                }
                if guessed.contains(&k)
                    && named_roles.contains(&(f.subject.clone(), f.role.clone()))
                {
                    return None;
                }
                let unit = matches!(&f.org_kind,
                    EntityKind::Organisation(kind) if self.rules.is_unit_kind(kind));
                if unit && f.kommun.is_empty() {
                    let nearest = || {
                        let i = self.sentence_at.get(&f.start)?;
                        self.section_municipality(*i)?.kommun.clone()
                    };
                    if let Some(kommun) = named_kommun.get(&f.subject).cloned().or_else(nearest) {
                        f.kommun = kommun;
                    }
                }
                Some(f)
            })
            .collect();
    }

    /// An initiative one organisation runs, named in the definite and the
    /// indefinite form ("plattformsarbetet", "Plattformsarbete"), is one
    /// initiative: its facts take the definite form, the one running text
    /// refers to it by. Two organisations' programmes of one name stay
    /// apart.
    fn settle_initiative_names(&mut self) {
        let key = |f: &Fact| (f.subject.to_lowercase(), f.kommun.clone());
        let named: FxHashSet<(String, String)> = self
            .facts
            .iter()
            .filter(|f| f.relation == Relation::Initiative)
            .map(key)
            .collect();
        // Indefinite name (any case) → definite name, where one organisation
        // runs both.
        let mut definite: BTreeMap<String, String> = BTreeMap::new();
        for f in self
            .facts
            .iter()
            .filter(|f| f.relation == Relation::Initiative)
        {
            let (lower, kommun) = key(f);
            let stem = ["met", "en", "et", "n", "t"].iter().find_map(|ending| {
                let stem = lower.strip_suffix(ending)?;
                named
                    .contains(&(stem.to_string(), kommun.clone()))
                    .then_some(stem)
            });
            if let Some(stem) = stem {
                definite.insert(stem.to_string(), f.subject.clone());
            }
        }
        for f in &mut self.facts {
            if matches!(f.relation, Relation::Initiative | Relation::Addresses) {
                if let Some(form) = definite.get(&f.subject.to_lowercase()) {
                    f.subject = form.clone();
                }
            }
        }
    }

    /// One organisation name, one municipality, across the document: a name
    /// that some sentence places in a municipality ("Barn och Unga" under a
    /// Borås heading) is in that municipality wherever else it is named.
    fn settle_municipalities(&mut self) {
        let org_side = |f: &Fact| match f.relation {
            Relation::Faces => Some(crate::eval::norm(&f.subject)),
            Relation::Membership | Relation::Initiative => Some(crate::eval::norm(&f.object)),
            _ => None,
        };
        let mut kommun_of: BTreeMap<String, String> = BTreeMap::new();
        for f in &self.facts {
            if let Some(name) = org_side(f).filter(|_| !f.kommun.is_empty()) {
                kommun_of.entry(name).or_insert_with(|| f.kommun.clone());
            }
        }
        for f in &mut self.facts {
            if f.kommun.is_empty() {
                if let Some(kommun) = org_side(f).and_then(|name| kommun_of.get(&name)) {
                    f.kommun = kommun.clone();
                }
            }
        }
    }

    fn attended(&mut self, rule: &PatternRule, c: &Captures, i: usize, s: &Sentence) {
        let Some(event) = c.name("event").map(|m| m.as_str().to_string()) else {
            return;
        };
        let mut people = Vec::new();
        if let Some(list) = c.name("persons") {
            let names: Vec<String> = self
                .resolver
                .person_regex()
                .find_iter(list.as_str())
                .filter_map(|m| self.resolver.clean_person(m.as_str(), true))
                .collect();
            people.extend(names);
        } else if let Some(firsts) = c.name("firsts") {
            // "Anna och Andreas": each first name refers back to a person.
            people.extend(
                firsts
                    .as_str()
                    .split([',', ' '])
                    .filter(|w| w.starts_with(char::is_uppercase))
                    .filter_map(|first| self.by_first_name(first)),
            );
        } else if c.name("person").is_some() || c.name("first").is_some() {
            if let Some(p) = self.person_of(c, i, false) {
                people.push(p);
            }
        }
        if c.name("group").is_some() || c.name("pronoun").is_some() {
            // "De har varit på X": everyone introduced in the previous sentences of the paragraph.
            let para = s.paragraph;
            let pronoun = c.name("pronoun").map_or("", |m| m.as_str());
            let recent: Vec<String> = self
                .persons
                .iter()
                .filter(|p| {
                    let ps = &self.text.sentences[p.sentence];
                    p.sentence <= i
                        && (ps.paragraph == para || ps.paragraph + 1 == para)
                        && ps.section == s.section
                        && self.rules.pronoun_fits(pronoun, &p.full)
                })
                .map(|p| p.full.clone())
                .collect();
            if c.name("pronoun").is_some() {
                people.extend(recent.last().cloned());
            } else {
                people.extend(recent);
            }
        }
        for p in people {
            let f = self.fact(
                Relation::Attended,
                &p,
                "",
                &event,
                None,
                EntityKind::Event,
                &rule.id,
                s,
            );
            self.facts.push(f);
        }
    }

    /// `may` is what the prefilter found in sentence `s`.
    fn initiative(
        &mut self,
        rule: &PatternRule,
        c: &Captures,
        i: usize,
        s: &Sentence,
        may: &SentenceCandidates,
    ) {
        let Some(m) = c.name("initiative") else {
            return;
        };
        // Trailing function words are not part of a name ("satsningen på
        // återfallsprevention och" → "satsningen på återfallsprevention").
        let mut name = m.as_str().trim().trim_matches('"').trim();
        while let Some((head, last)) = name.rsplit_once(' ') {
            if self
                .rules
                .clause_words
                .iter()
                .chain(&self.rules.not_name_endings)
                .any(|w| w == last)
            {
                name = head.trim_end_matches([',', ' ']);
            } else {
                break;
            }
        }
        let name = name.to_string();
        if name.chars().count() < 3 || self.is_degree_programme(&name) {
            return;
        }
        let st = self.text.sentence_text(s);
        let ctx = self.context_org(s);
        let lower_name = name.to_lowercase();
        let org = c
            .name("org")
            .or_else(|| c.name("known"))
            .and_then(|o| self.resolver.org(o.as_str(), ctx.as_ref()))
            .or_else(|| rule.org.as_deref().and_then(|o| self.resolver.org(o, None)))
            .or_else(|| {
                // Not the initiative itself, nor a piece of its name.
                let rest = format!("{}{}", &st[..m.start()], &st[m.end()..]);
                self.resolver
                    .first_org_in(&rest, ctx.as_ref())
                    .filter(|o| !lower_name.contains(&o.name.to_lowercase()))
            })
            // Initiatives are mostly run by municipalities: a municipality
            // close by comes before the wider context.
            .or_else(|| self.near_context_org(s))
            .or(ctx);
        if let Some(org) = &org {
            let f = self.fact(
                Relation::Initiative,
                &name,
                "",
                &org.name,
                Some(org),
                org.kind.clone(),
                &rule.id,
                s,
            );
            self.facts.push(f);
        }
        // The problems the sentence names are what the initiative addresses;
        // so are those of a next sentence that refers back to it ("Syftet
        // är...", "Planen omfattar...").
        // An item of an enumeration ("mentorstillägg, högre lön,
        // erfarenhetssatsning, ...") addresses only what its own item says.
        let mut texts = vec![(
            if st.matches(',').count() >= 3 {
                enumeration_item(st, m.start(), m.end())
            } else {
                st
            },
            Some(may),
        )];
        if let Some(next) = self
            .text
            .sentences
            .get(i + 1)
            .filter(|x| x.paragraph == s.paragraph)
        {
            let nt = self.text.sentence_text(next);
            let first = nt.split_whitespace().next().unwrap_or("").to_lowercase();
            if self.rules.back_references.contains(&first) {
                // The sentences were all scanned before any was matched.
                let next_may = self.scanned.get(i + 1).and_then(Option::as_ref);
                texts.push((nt, next_may.map(|(_, may)| may)));
            }
        }
        // A cue the prefilter rules out in a text cannot match it.
        let concepts: Vec<usize> = (self.rules.cue_regexes.iter().enumerate())
            .filter(|(k, (_, re, _))| {
                texts
                    .iter()
                    .any(|(text, may)| may.is_none_or(|m| m.cue(*k)) && re.is_match(text))
            })
            .map(|(_, (ci, _, _))| *ci)
            .collect();
        for ci in concepts {
            let concept = self.rules.concepts[ci].id.clone();
            let f = self.fact(
                Relation::Addresses,
                &name,
                "",
                &concept,
                None,
                EntityKind::Concept,
                &format!("addresses.{concept}"),
                s,
            );
            self.facts.push(f);
        }
    }

    /// An initiative is what later sentences of its section that name it
    /// again talk about: "Några av åtgärderna som introducerats via
    /// plattformsarbetet är förstärkt introduktion..." gives `addresses`
    /// for the problems such a sentence names.
    fn addresses_from_later_mentions(&mut self) {
        let mut seen: FxHashSet<(String, usize)> = FxHashSet::default();
        let mut more = Vec::new();
        for f in self
            .facts
            .iter()
            .filter(|f| f.relation == Relation::Initiative)
        {
            let Some(&at) = self.sentence_at.get(&f.start) else {
                continue;
            };
            if !seen.insert((f.subject.clone(), at)) {
                continue;
            }
            // A short name is found again by its head noun in any form
            // ("Partsgemensamt förändringsarbete" in "förändringsarbetet").
            let lower = f.subject.to_lowercase();
            let words: Vec<&str> = lower.split_whitespace().collect();
            let name = match words.as_slice() {
                // Only a long compound is specific enough ("organisation"
                // is not).
                [.., head] if words.len() <= 2 && head.chars().count() >= 14 => {
                    ["met", "et", "en", "na"]
                        .iter()
                        .find_map(|ending| head.strip_suffix(ending))
                        .filter(|stem| stem.chars().count() >= 6)
                        .unwrap_or(head)
                        .to_string()
                }
                _ => lower.clone(),
            };
            // One searcher for every later sentence.
            let finder = memchr::memmem::Finder::new(&name);
            let section = self.text.sentences[at].section;
            for (j, later) in self.text.sentences.iter().enumerate().skip(at + 1) {
                if later.section != section {
                    break;
                }
                // Meta lines are not scanned.
                let Some((lower, may)) = self.scanned.get(j).and_then(Option::as_ref) else {
                    continue;
                };
                if finder.find(lower.as_bytes()).is_none() {
                    continue;
                }
                let text = self.text.sentence_text(later);
                for (k, (ci, re, _)) in self.rules.cue_regexes.iter().enumerate() {
                    if may.cue(k) && re.is_match(text) {
                        more.push((f.subject.clone(), *ci, j));
                    }
                }
            }
        }
        for (name, ci, j) in more {
            let concept = self.rules.concepts[ci].id.clone();
            let s = &self.text.sentences[j];
            let f = self.fact(
                Relation::Addresses,
                &name,
                "",
                &concept,
                None,
                EntityKind::Concept,
                &format!("addresses.{concept}"),
                s,
            );
            self.facts.push(f);
        }
    }

    /// "socionomprogrammet", "psykologprogram": a degree programme named
    /// after the profession it trains for, not an initiative.
    fn is_degree_programme(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        ["programmet", "program"]
            .iter()
            .find_map(|head| lower.strip_suffix(head))
            .is_some_and(|profession| {
                // The bare lemma ("socionom"), not a genitive ("mentors").
                self.rules.role_forms.get(profession).map(String::as_str) == Some(profession)
            })
    }

    /// `faces`: a problem cue in a sentence that talks about a problem or
    /// challenge, attributed to the organisation the sentence is about.
    /// `may` tells which cue regexes can match the sentence at all.
    fn problems(&mut self, i: usize, s: &Sentence, may: &SentenceCandidates) {
        let st = self.text.sentence_text(s);
        // "12 Konsulter behövs..." in a table of contents, "3 Rimlig
        // arbetsbelastning" in a ranked list: not statements about anyone.
        if st.starts_with(|c: char| c.is_ascii_digit()) {
            return;
        }
        let cues = &self.rules.cue_regexes;
        if !(0..cues.len()).any(|k| may.cue(k)) {
            return;
        }
        // Without an organisation no hit gives a fact: the cheap questions
        // first, the cue regexes only when a hit can count.
        let Some(org) = self.sentence_org(i, s, may) else {
            return;
        };
        // A heading needs a problem word: a strong cue alone in a title
        // is usually an advertisement or a table of contents.
        let strong_may_hit = s.kind != SentenceKind::Heading
            && (cues.iter().enumerate())
                .any(|(k, (_, _, strong))| strong.is_some() && may.cue(k) && may.strong(k));
        let context = || {
            (may.problem_words() && self.rules.problem_words.is_match(st))
                || self.answers_a_question_on_problems(s)
        };
        // Asked only when a cue without a strong hit needs it, or first when
        // no cue can have one: then nothing counts without it.
        let mut problem_context = None;
        if !strong_may_hit && !*problem_context.get_or_insert_with(context) {
            return;
        }
        let mut hits = Vec::new();
        for (k, (ci, re, strong)) in cues.iter().enumerate() {
            if !may.cue(k) || !re.is_match(st) {
                continue;
            }
            let strong_hit = s.kind != SentenceKind::Heading
                && strong
                    .as_ref()
                    .is_some_and(|r| may.strong(k) && r.is_match(st));
            if strong_hit || *problem_context.get_or_insert_with(context) {
                hits.push(*ci);
            }
        }
        for ci in hits {
            let concept = self.rules.concepts[ci].id.clone();
            let f = self.fact(
                Relation::Faces,
                &org.name,
                "",
                &concept,
                Some(&org),
                org.kind.clone(),
                &format!("faces.{concept}"),
                s,
            );
            self.facts.push(f);
        }
    }

    /// Whether the sentence is part of the answer to an interview question
    /// about problems ("Vad brottas ni med just nu?", "Vilka är de största
    /// utmaningarna?"): the question before its paragraph asks for them.
    fn answers_a_question_on_problems(&self, s: &Sentence) -> bool {
        let sentences = &self.text.sentences;
        let i = self.index_of(s);
        let first = (0..=i)
            .rev()
            .take_while(|&j| sentences[j].paragraph == s.paragraph)
            .last()
            .unwrap_or(i);
        first
            .checked_sub(1)
            .map(|q| self.text.sentence_text(&sentences[q]))
            .is_some_and(|q| q.ends_with('?') && self.rules.problem_words.is_match(q))
    }

    /// The organisation a sentence speaks for: one it names, the speaker's,
    /// or the section's. A sentence about a company, university or
    /// foundation ("Stiftelsen satsar...", "Dedicares verksamhet...") speaks
    /// for none of the municipalities around it.
    fn sentence_org(&self, i: usize, s: &Sentence, may: &SentenceCandidates) -> Option<OrgRef> {
        if let Some(o) = self.municipalities.get(i).and_then(|m| m.first()) {
            return Some(o.clone());
        }
        let st = self.text.sentence_text(s);
        let first_word = st.split_whitespace().next().unwrap_or("");
        let about_another_body = self
            .rules
            .bare_org_head(first_word)
            .is_some_and(|kind| self.rules.is_other_body_kind(kind))
            || self
                .mentions
                .get(i)
                .is_some_and(|m| m.iter().any(|o| o.kind != EntityKind::Municipality));
        // "Var tredje kommun saknar ...": municipalities in general, not
        // the one of the section.
        if about_another_body
            || (may.general_subjects() && self.rules.general_subjects.is_match(st))
        {
            return None;
        }
        if let Some(sp) = &s.speaker {
            if let Some(full) = self.by_first_name(sp) {
                if let Some(o) = self
                    .persons
                    .iter()
                    .find(|p| p.full == full)
                    .and_then(|p| p.org.clone())
                {
                    return Some(o);
                }
            }
        }
        // "I Krokoms kommun är läget ett annat. Där är det svårt att
        // rekrytera.": the one municipality the previous sentence of the
        // paragraph names.
        let previous = i
            .checked_sub(1)
            .filter(|&p| self.text.sentences[p].paragraph == s.paragraph)
            .and_then(|p| self.municipalities.get(p));
        if let Some([one]) = previous.map(Vec::as_slice) {
            return Some(one.clone());
        }
        self.near_context_org(s)
    }
}

/// "båda från X", "alla tre på X": an organisation shared by the people of a sentence.
static SHARED_ORG: LazyLock<Pattern> = LazyLock::new(|| {
    compile(
        r"(?:^|\s)(?:båda|bägge|alla|samtliga)(?:\s+(?:två|tre|fyra|fem))?\s+(?:från|på|i|vid|inom|hos)\s+([^.;:!?]+)",
    )
});

/// "arbetar vid X", "har arbetat på X": where the person of a sentence works.
static WORKS_AT: LazyLock<Pattern> = LazyLock::new(|| {
    compile(
        r"(?:^|\s)(?:arbetar|arbetat|arbetade|jobbar|jobbat|jobbade|är\s+anställd)\s+(?:vid|på|hos|inom)\s+([^.;:!?]+)",
    )
});

/// Compiles a pattern-independent regex once; used by [`Resolver`].
pub(crate) fn compile(re: &str) -> Pattern {
    // Patterns here are built from gazetteer words escaped with
    // `regex::escape`, so they always compile; an empty alternation falls
    // back to a regex that never matches.
    crate::pattern::compile_pattern(re).unwrap_or_else(|_| Pattern::never())
}

/// Runs every example and counterexample of every rule file and problem
/// concept; returns one message per failure, naming the file and rule id.
pub fn check_examples(extractor: &Extractor) -> Vec<String> {
    let rules = extractor.rules();
    let mut failures = Vec::new();
    let rows = |text: &str| -> Vec<(String, String)> {
        extractor
            .extract("example", text)
            .facts
            .iter()
            .map(|f| (crate::fact_row(f).line, f.rule.clone()))
            .collect()
    };
    let norm_row = |r: &str| {
        let cols: Vec<String> = r.split('\t').map(crate::eval::norm).collect();
        cols.join("\t")
    };
    let mut check = |file: String,
                     id: &str,
                     examples: &[crate::rules::Example],
                     counter: &[crate::rules::Example],
                     produced_by: &dyn Fn(&str) -> bool| {
        for ex in examples {
            let got = rows(&ex.text);
            for want in &ex.facts {
                if !got.iter().any(|(line, _)| norm_row(line) == norm_row(want)) {
                    let got_lines: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
                    failures.push(format!(
                        "{file}: rule {id}: example {:?} should give {:?}, got {:?}",
                        ex.text, want, got_lines
                    ));
                }
            }
        }
        for ex in counter {
            let bad: Vec<String> = rows(&ex.text)
                .into_iter()
                .filter(|(_, r)| produced_by(r))
                .map(|(l, _)| l)
                .collect();
            if !bad.is_empty() {
                failures.push(format!(
                    "{file}: rule {id}: counterexample {:?} gave {:?}",
                    ex.text, bad
                ));
            }
        }
    };
    for r in &rules.patterns {
        let id = r.id.clone();
        check(
            r.file.display().to_string(),
            &r.id,
            &r.examples,
            &r.counterexamples,
            &|rule: &str| rule == id,
        );
    }
    let problems = rules.dir.join("problems.toml").display().to_string();
    for c in &rules.concepts {
        let faces = format!("faces.{}", c.id);
        let addresses = format!("addresses.{}", c.id);
        check(
            problems.clone(),
            &c.id,
            &c.examples,
            &c.counterexamples,
            &|rule: &str| rule == faces || rule == addresses,
        );
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        let rules = Rules::load_default().expect("rules load");
        let ex = Extractor::new(&rules);
        let mut v: Vec<String> = ex
            .extract("t", text)
            .facts
            .iter()
            .map(|f| crate::fact_row(f).line)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn has(text: &str, want: &str) -> bool {
        facts(text).iter().any(|l| l == want)
    }

    #[test]
    fn names_with_letters_above_latin1_are_whole() {
        // Such a text is matched with the Latin-script regexes (see
        // `pattern`); the rest of the document as usual.
        let text = "Ivana Marković, socialchef i Malmö stad, säger att det är svårt.\n\n\
                    Łukasz Nowak, enhetschef på socialförvaltningen i Lunds kommun, berättar.";
        assert!(has(
            text,
            "membership\tIvana Marković\tsocialchef\tMalmö stad\t1280"
        ));
        assert!(has(
            text,
            "membership\tŁukasz Nowak\tenhetschef\tsocialförvaltningen i Lunds kommun\t1281"
        ));
    }

    #[test]
    fn a_municipality_named_as_an_organisation_is_the_municipality() {
        let rules = Rules::load_default().expect("rules load");
        let ex = Extractor::new(&rules);
        for (text, code) in [
            (
                "Karin Ek, socialsekreterare i Vänersborgs kommun, berättar.",
                "1487",
            ),
            ("Det säger Per Ljung, socialchef i Lunds Kommun.", "1281"),
            (
                "Nils Berg är enhetschef i Västerås stad sedan i våras.",
                "1980",
            ),
            // One letter off: still Helsingborg.
            (
                "Eva Sand, familjebehandlare i Helsingsborgs stad, ser ett mönster.",
                "1283",
            ),
        ] {
            let out = ex.extract("t", text);
            let m = out
                .facts
                .iter()
                .find(|f| f.relation == Relation::Membership)
                .unwrap_or_else(|| panic!("no membership in {text:?}"));
            assert_eq!(
                (&m.org_kind, m.kommun.as_str()),
                (&EntityKind::Municipality, code),
                "{text:?}"
            );
        }
    }

    #[test]
    fn names_broken_across_lines_are_one_line() {
        assert!(has(
            "Idag berättar Jenny Åberg, enhetschef på socialförvaltningen\ni Kalmar, om arbetet.",
            "membership\tJenny Åberg\tenhetschef\tsocialförvaltningen i Kalmar\t0880"
        ));
        let rules = Rules::load_default().expect("rules load");
        let out = Extractor::new(&rules).extract(
            "t",
            "Det säger Karl Nilsson, socialsekreterare på individ- och\nfamiljeomsorgen i Luleå, i en intervju.",
        );
        assert!(!out.facts.is_empty());
        for f in &out.facts {
            assert!(
                ![&f.subject, &f.object, &f.evidence]
                    .iter()
                    .any(|s| s.contains('\n')),
                "{f:?}"
            );
        }
    }

    #[test]
    fn membership_apposition_with_unit_and_municipality() {
        assert!(has(
            "Idag berättar Jenny Åberg, enhetschef på socialförvaltningen i Kalmar, om arbetet.",
            "membership\tJenny Åberg\tenhetschef\tsocialförvaltningen i Kalmar\t0880"
        ));
    }

    #[test]
    fn membership_role_before_name_and_first_name_later() {
        let text = "Socialchefen i Gislaved, Tomas Holm, vill se fler socionomer. Tomas tycker att det går bra.";
        assert!(has(
            text,
            "membership\tTomas Holm\tsocialchef\tGislaveds kommun\t0662"
        ));
        assert!(!facts(text).iter().any(|l| l.contains("\tTomas\t")));
    }

    #[test]
    fn membership_falls_back_to_the_municipality_of_the_section() {
        let text = "Nytt arbetssätt i Ockelbo\n\nI Ockelbo kommun har man ändrat arbetet. Sara Lind, socialsekreterare, är nöjd.\n";
        assert!(has(
            text,
            "membership\tSara Lind\tsocialsekreterare\tOckelbo kommun\t2101"
        ));
    }

    #[test]
    fn membership_national_organisation_has_no_municipality() {
        assert!(has(
            "Det säger Karl Berg, ordförande för Vision i en intervju.",
            "membership\tKarl Berg\tordförande\tVision\t"
        ));
    }

    #[test]
    fn membership_organisation_from_where_the_person_works() {
        assert!(has(
            "Teamledaren för familjestödet, Hasse Berg, har arbetat vid Capio i tre år.",
            "membership\tHasse Berg\tteamledare\tCapio\t"
        ));
    }

    #[test]
    fn membership_org_named_with_the_person_outweighs_the_surroundings() {
        let text = "Om Kiruna kommun\n\nKiruna kommun växer. Lisa Holm – socialchef\n\n\
                    Lisa Holm är socialchef i Gällivare kommun sedan 2019.";
        let f = facts(text);
        assert!(
            f.contains(&"membership\tLisa Holm\tsocialchef\tGällivare kommun\t2523".to_string())
        );
        assert!(!f.iter().any(|l| l.contains("Kiruna")), "{f:#?}");
    }

    #[test]
    fn membership_unit_takes_the_municipality_of_its_section() {
        // The municipality comes only after the person's unit.
        let text = "Familjer i fokus\n\nDet säger Pia Ek, enhetschef för familjeenheten. \
                    Hon har många kollegor. Arbetet i Ludvika kommun har gått bra.";
        assert!(
            has(text, "membership\tPia Ek\tenhetschef\tfamiljeenheten\t2085"),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn membership_bare_definite_org_refers_back() {
        let text = "Linköpings universitet utbildar socionomer. Många studerar där. \
                    Det menar Per Nyström, lektor vid universitetets institution för socialt arbete.";
        assert!(
            has(
                text,
                "membership\tPer Nyström\tlektor\tLinköpings universitet\t"
            ),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn membership_known_org_in_the_genitive_is_not_a_municipality() {
        // "Lunds universitets" names the university, not Lund.
        let text = "Lunds universitets forskare har studerat saken. \
                    Det säger Eva Dahl, forskare.";
        assert!(
            !facts(text).iter().any(|l| l.contains("Lunds kommun")),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn membership_multi_word_unit_heads() {
        let text =
            "Det säger Omar Said som är chef för individ- och familjeomsorgen i Falu kommun.";
        assert!(
            has(
                text,
                "membership\tOmar Said\tchef\tindivid- och familjeomsorgen i Falu kommun\t2080"
            ),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn membership_part_of_the_country_is_not_an_organisation() {
        let text = "Skellefteå kommun anställer. Det berättar Nils Berg, regionchef i Norrland.";
        assert!(
            !facts(text).iter().any(|l| l.contains("\tNorrland\t")),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn membership_given_name_that_is_also_a_word() {
        // "Hans" is "his" at the start of a sentence, and a name before a surname.
        let text = "Det säger Hans Lindqvist, enhetschef i Mora kommun. Hans kollega håller med.";
        let f = facts(text);
        assert!(
            f.contains(&"membership\tHans Lindqvist\tenhetschef\tMora kommun\t2062".to_string()),
            "{f:#?}"
        );
        assert!(!f.iter().any(|l| l.contains("Hans kollega")), "{f:#?}");
    }

    #[test]
    fn membership_role_list_wrapped_across_lines() {
        let text = "Det betonar Åsa Wik, verksamhetschef \noch delägare i Solbacka konsult.";
        let f = facts(text);
        for role in ["verksamhetschef", "delägare"] {
            let want = format!("membership\tÅsa Wik\t{role}\tSolbacka konsult\t");
            assert!(f.contains(&want), "{want} in {f:#?}");
        }
    }

    #[test]
    fn membership_academic_role_goes_to_the_university() {
        let text = "Om Nacka kommun\n\nNacka kommun samarbetar med Stockholms universitet. \
                    Kursen är populär, säger Ida Falk, docent i socialt arbete.";
        let f = facts(text);
        assert!(
            f.contains(&"membership\tIda Falk\tdocent\tStockholms universitet\t".to_string()),
            "{f:#?}"
        );
    }

    #[test]
    fn one_organisation_name_one_municipality_in_a_document() {
        // "Familjeteamet" is placed in Tranås once; the caption names it alone.
        let text = "Om Tranås kommun\n\nTranås kommun satsar. Det säger Eva Ström, \
                    socialsekreterare inom Familjeteamet.\n\nOm annat\n\n\
                    Eva Ström, socialsekreterare inom Familjeteamet";
        let f = facts(text);
        assert!(!f.iter().any(|l| l.ends_with("Familjeteamet\t")), "{f:#?}");
    }

    #[test]
    fn membership_needs_a_role_word() {
        assert!(
            facts("Karl Berg, glad och nöjd, gick hem till Vision.")
                .iter()
                .all(|l| !l.starts_with("membership"))
        );
    }

    #[test]
    fn attended_event_and_group() {
        let text = "Eva Lund och Omar Ali arbetar i Tranås kommun. De har varit på Framtidsdagarna flera gånger.";
        let f = facts(text);
        assert!(
            f.contains(&"attended\tEva Lund\t\tFramtidsdagarna\t".to_string()),
            "{f:?}"
        );
        assert!(
            f.contains(&"attended\tOmar Ali\t\tFramtidsdagarna\t".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn faces_needs_a_problem_word_or_strong_cue() {
        let text = "Läget i Vimmerby\n\nI Vimmerby kommun är det svårt att rekrytera socionomer. Kommunen har en budget.\n";
        let f = facts(text);
        assert!(
            f.contains(&"faces\tVimmerby kommun\t\trekrytering\t0884".to_string()),
            "{f:?}"
        );
        assert!(!f.iter().any(|l| l.ends_with("ekonomi\t0884")), "{f:?}");
    }

    #[test]
    fn faces_in_a_heading_needs_a_problem_word() {
        let ad = facts(
            "Om Eslövs kommun\n\nKurs om personalomsättningen\n\nAnmäl dig i Eslövs kommun.\n",
        );
        assert!(!ad.iter().any(|l| l.starts_with("faces")), "{ad:?}");
        let title =
            facts("Hög personalomsättning ett problem i Eslöv\n\nEslövs kommun har det svårt.\n");
        assert!(
            title
                .iter()
                .any(|l| l.starts_with("faces") && l.contains("personalomsattning")),
            "{title:?}"
        );
    }

    #[test]
    fn faces_from_the_answer_to_a_question_on_problems() {
        let answer = "Det är framför allt budgeten för nästa år.";
        let text = format!(
            "Om Kumla kommun\n\nEva Ek är socialchef i Kumla kommun.\n\n\
             Vad brottas ni med just nu?\n\n{answer}"
        );
        assert!(
            has(&text, "faces\tKumla kommun\t\tekonomi\t1881"),
            "{:#?}",
            facts(&text)
        );
        let text = format!(
            "Om Kumla kommun\n\nEva Ek är socialchef i Kumla kommun.\n\n\
             Vad ser du fram emot?\n\n{answer}"
        );
        assert!(
            !facts(&text).iter().any(|l| l.starts_with("faces")),
            "{:#?}",
            facts(&text)
        );
    }

    #[test]
    fn faces_not_for_a_sentence_about_a_company_or_foundation() {
        let text = "Om Kumla kommun\n\nKumla kommun har svårt att rekrytera. \
                    Stiftelsen satsar också stort på socialpsykiatri. \
                    Attendos verksamhet kämpar med hög personalomsättning.";
        let f = facts(text);
        assert!(f.iter().any(|l| l.contains("rekrytering")), "{f:#?}");
        assert!(!f.iter().any(|l| l.contains("psykisk_ohalsa")), "{f:#?}");
        assert!(
            !f.iter().any(|l| l.contains("personalomsattning")),
            "{f:#?}"
        );
    }

    #[test]
    fn a_name_is_not_a_problem_word() {
        // "kris*" must not catch Kristina, nor "oro*" orosanmälan.
        let text = "Om Kumla kommun\n\nKristina Berg tar emot orosanmälan om barn i Kumla kommun.";
        assert!(
            !facts(text).iter().any(|l| l.starts_with("faces")),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn a_misspelt_municipality_before_stad_is_found() {
        let text = "Det säger Olle Berg, utvecklingschef Helsingsborgs stad.";
        assert!(
            has(
                text,
                "membership\tOlle Berg\tutvecklingschef\tHelsingsborgs stad\t1283"
            ),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn an_area_of_work_is_not_a_problem_by_itself() {
        let f =
            facts("I Vimmerby kommun ryms äldreomsorg, ensamkommande barn och ekonomiskt bistånd.");
        assert!(!f.iter().any(|l| l.starts_with("faces")), "{f:?}");
        let g = facts("I Vimmerby kommun är ensamkommande barn en stor utmaning.");
        assert!(
            g.contains(&"faces\tVimmerby kommun\t\tensamkommande\t0884".to_string()),
            "{g:?}"
        );
    }

    #[test]
    fn an_organisation_in_the_genitive_is_named_without_its_s() {
        let f = facts(
            "Budgeten i Kramfors kommun är ansträngd. \
             Socialnämndens nya introduktionsprogram ska hjälpa nyanställda socialsekreterare.",
        );
        assert!(
            f.iter()
                .any(|x| x.starts_with("initiative\tintroduktionsprogram\t\tSocialnämnden\t")),
            "{f:?}"
        );
    }

    #[test]
    fn a_problem_belongs_to_the_municipality_of_the_sentence_before() {
        let f = facts(
            "I Östersunds kommun har många socialsekreterare slutat. Östersund anlitar \
             inhyrda konsulter. I Krokoms kommun är läget ett annat. Där är det svårt \
             att rekrytera erfarna socialsekreterare.",
        );
        assert!(
            f.contains(&"faces\tKrokoms kommun\t\trekrytering\t2309".to_string()),
            "{f:?}"
        );
        assert!(
            !f.contains(&"faces\tÖstersunds kommun\t\trekrytering\t2380".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn a_sentence_about_municipalities_in_general_speaks_for_none() {
        let intro = "Karin Lund är socialchef i Krokoms kommun. ";
        let general = facts(&format!(
            "{intro}Var tredje kommun har svårt att rekrytera erfarna socialsekreterare."
        ));
        assert!(
            !general
                .iter()
                .any(|l| l.starts_with("faces\tKrokoms kommun")),
            "{general:?}"
        );
        let own = facts(&format!(
            "{intro}Det är svårt att rekrytera erfarna socialsekreterare."
        ));
        assert!(
            own.contains(&"faces\tKrokoms kommun\t\trekrytering\t2309".to_string()),
            "{own:?}"
        );
        // A municipality the sentence names still counts.
        let named = facts(&format!(
            "{intro}Många kommuner, bland annat Krokom, har svårt att rekrytera socialsekreterare."
        ));
        assert!(
            named.contains(&"faces\tKrokoms kommun\t\trekrytering\t2309".to_string()),
            "{named:?}"
        );
    }

    #[test]
    fn a_pronoun_refers_to_the_last_person_of_its_gender() {
        let f = facts(
            "Vi träffade Eva Stål på mötet i Ljungby. Där var också Per Holm. \
             Hon är socialchef i Ljungby kommun och han är enhetschef i Växjö kommun.",
        );
        assert!(
            f.contains(&"membership\tEva Stål\tsocialchef\tLjungby kommun\t0781".to_string()),
            "{f:?}"
        );
        assert!(
            !f.iter()
                .any(|x| x.starts_with("membership\tPer Holm\tsocialchef")),
            "{f:?}"
        );
        // A given name of unknown gender may still be referred to.
        let f = facts("Vi talade med Kim Berg. Hon är socialchef i Ljungby kommun.");
        assert!(
            f.contains(&"membership\tKim Berg\tsocialchef\tLjungby kommun\t0781".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn initiative_with_the_problems_it_addresses() {
        let f = facts(
            "Socialförvaltningen i Härnösand har tagit fram STARK-planen mot hög personalomsättning.",
        );
        assert!(
            f.contains(
                &"initiative\tSTARK-planen\t\tSocialförvaltningen i Härnösand\t2280".to_string()
            ),
            "{f:?}"
        );
        assert!(
            f.contains(&"addresses\tSTARK-planen\t\tpersonalomsattning\t".to_string()),
            "{f:?}"
        );
    }

    #[test]
    fn addresses_from_a_later_sentence_naming_the_initiative() {
        let text = "Om Eslövs kommun\n\nI Eslöv infördes då mentorsprogrammet för alla. \
                    Vädret var fint. Tack vare mentorsprogrammet har färre sagt upp sig och \
                    personalomsättningen har sjunkit.";
        assert!(
            has(text, "addresses\tmentorsprogrammet\t\tpersonalomsattning\t"),
            "{:#?}",
            facts(text)
        );
    }

    #[test]
    fn attended_by_first_names() {
        let text = "Ida Ek, socialchef, och Per Falk, enhetschef, båda från Eslövs kommun. \
                    Både Ida och Per har varit med på Kommundagarna tidigare.";
        let f = facts(text);
        for who in ["Ida Ek", "Per Falk"] {
            let want = format!("attended\t{who}\t\tKommundagarna\t");
            assert!(f.contains(&want), "{want} in {f:#?}");
        }
    }

    #[test]
    fn addresses_from_a_sentence_referring_back() {
        let f = facts(
            "I Mjölby kommun har man tagit fram LYFT-planen. Syftet är att minska personalomsättningen.",
        );
        assert!(
            f.contains(&"addresses\tLYFT-planen\t\tpersonalomsattning\t".to_string()),
            "{f:?}"
        );
        let g =
            facts("I Mjölby kommun har man tagit fram LYFT-planen. Vi har hög personalomsättning.");
        assert!(!g.iter().any(|l| l.starts_with("addresses")), "{g:?}");
    }

    #[test]
    fn evidence_span_points_into_the_original() {
        let rules = Rules::load_default().expect("rules load");
        let ex = Extractor::new(&rules);
        let original = "Inledning.\r\nLisa Ek, socialchef i Ljus-\ndals kommun, talar.";
        let e = ex.extract("t", original);
        let f = e
            .facts
            .iter()
            .find(|f| f.relation == Relation::Membership)
            .expect("a membership");
        let chars: Vec<char> = original.chars().collect();
        let span: String = chars[f.start..f.end].iter().collect();
        assert!(
            span.starts_with("Lisa Ek") && span.ends_with("talar."),
            "{span:?}"
        );
    }

    #[test]
    fn empty_text_gives_a_diagnostic() {
        let rules = Rules::load_default().expect("rules load");
        let e = Extractor::new(&rules).extract("t", "  \n");
        assert!(e.facts.is_empty());
        assert_eq!(e.diagnostics.len(), 1);
    }
}
