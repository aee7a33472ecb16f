//! A literal prefilter for many regexes at once: one Aho-Corasick pass over
//! a lowercased text tells which regexes can match in it, so that the
//! others are not run at all. Most sentences match few of the rules and
//! problem cues, and a regex call costs far more than a literal scan.
//!
//! The literals are derived from each regex's syntax tree: strings of which
//! every match, lowercased, contains at least one. The filter never rejects
//! a text a regex matches (see [`required_literals`]); it may let through
//! texts the regex then does not match.

use std::collections::HashMap;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, Anchored, MatchKind, StartKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many strings in one literal set; larger sets give up.
const MAX_SET: usize = 512;
/// At most this many characters in a class read as a set of literals.
const MAX_CLASS: u32 = 16;

/// What is known of the text a (sub-)pattern matches, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lits {
    /// The lowercased match is exactly one of these strings.
    Exact(Vec<String>),
    /// The lowercased match contains one of these strings.
    Contains(Vec<String>),
    /// Nothing useful.
    Unknown,
}

/// Strings of which every match of `pattern`, lowercased with
/// [`str::to_lowercase`], contains at least one; `None` when there are none
/// worth searching for (or the pattern does not parse).
///
/// Why lowercasing is sound: a lowercased text is the concatenation of its
/// characters' lowercase forms, except for the Greek capital sigma, whose
/// form depends on its neighbours; literals that involve a sigma are never
/// used. A character the pattern matches literally lowercases to the
/// literal's lowercase form, and one a small class matches (a
/// case-insensitive letter is a class of its case variants) to one of the
/// lowercase forms of the class's members, all of which the set holds.
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    match lits(&hir) {
        Lits::Exact(set) | Lits::Contains(set) if !set.iter().any(|l| too_common(l)) => Some(set),
        _ => None,
    }
}

/// Whether a literal is in nearly every text: empty, or one letter (the
/// genitive "s"). Searching for it costs a match every few bytes and
/// filters out nothing.
fn too_common(literal: &str) -> bool {
    literal.is_empty() || (literal.len() == 1 && literal.as_bytes()[0].is_ascii_alphabetic())
}

fn lits(hir: &Hir) -> Lits {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Lits::Exact(vec![String::new()]),
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) if !s.chars().any(involves_sigma) => Lits::Exact(vec![s.to_lowercase()]),
            _ => Lits::Unknown,
        },
        HirKind::Class(Class::Unicode(class)) => {
            let size: u32 = class
                .ranges()
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if size == 0 || size > MAX_CLASS {
                return Lits::Unknown;
            }
            let chars = class.iter().flat_map(|r| r.start()..=r.end());
            let mut set = Vec::new();
            for c in chars {
                if involves_sigma(c) {
                    return Lits::Unknown;
                }
                set.push(c.to_lowercase().collect());
            }
            Lits::Exact(dedup(set))
        }
        HirKind::Class(Class::Bytes(_)) => Lits::Unknown,
        HirKind::Capture(cap) => lits(&cap.sub),
        HirKind::Repetition(rep) => match (rep.min, rep.max) {
            (0, _) => Lits::Unknown,
            (1, Some(1)) => lits(&rep.sub),
            _ => match lits(&rep.sub) {
                Lits::Exact(set) | Lits::Contains(set) => Lits::Contains(set),
                Lits::Unknown => Lits::Unknown,
            },
        },
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            let mut exact = true;
            for alt in alts {
                match lits(alt) {
                    Lits::Exact(set) => all.extend(set),
                    Lits::Contains(set) => {
                        exact = false;
                        all.extend(set);
                    }
                    Lits::Unknown => return Lits::Unknown,
                }
                if all.len() > MAX_SET {
                    return Lits::Unknown;
                }
            }
            let all = dedup(all);
            if exact {
                Lits::Exact(all)
            } else {
                Lits::Contains(all)
            }
        }
        HirKind::Concat(parts) => concat(parts),
    }
}

/// A concatenation: runs of exact parts multiply out into longer literals;
/// the most selective run or part is what every match contains.
fn concat(parts: &[Hir]) -> Lits {
    let mut best: Option<Vec<String>> = None;
    let mut offer = |set: Vec<String>| {
        if best.as_ref().is_none_or(|b| better(&set, b)) {
            best = Some(set);
        }
    };
    let mut run: Option<Vec<String>> = None;
    let mut all_exact = true;
    for part in parts {
        match lits(part) {
            Lits::Exact(set) => {
                run = Some(match run.take() {
                    None => set,
                    Some(prefix) if prefix.len() * set.len() <= MAX_SET => prefix
                        .iter()
                        .flat_map(|p| set.iter().map(move |s| format!("{p}{s}")))
                        .collect(),
                    Some(prefix) => {
                        // Too many combinations: the run ends here.
                        all_exact = false;
                        offer(prefix);
                        set
                    }
                });
            }
            other => {
                all_exact = false;
                if let Some(prefix) = run.take() {
                    offer(prefix);
                }
                if let Lits::Contains(set) = other {
                    offer(set);
                }
            }
        }
    }
    match run {
        Some(set) if all_exact => Lits::Exact(dedup(set)),
        Some(set) => {
            offer(set);
            best.map_or(Lits::Unknown, Lits::Contains)
        }
        None => best.map_or(Lits::Unknown, Lits::Contains),
    }
}

/// Is literal set `a` more selective than `b`: a longer shortest string,
/// then fewer strings?
fn better(a: &[String], b: &[String]) -> bool {
    let shortest = |s: &[String]| s.iter().map(String::len).min().unwrap_or(0);
    (shortest(a), std::cmp::Reverse(a.len())) > (shortest(b), std::cmp::Reverse(b.len()))
}

/// Characters whose lowercase form depends on context (Σ) or that a sigma
/// lowercases to.
fn involves_sigma(c: char) -> bool {
    matches!(c, 'Σ' | 'σ' | 'ς')
}

fn dedup(mut set: Vec<String>) -> Vec<String> {
    set.sort();
    set.dedup();
    set
}

/// Does every match of `pattern` contain a match of `sub`? Then a text in
/// which `sub` matches nowhere cannot match `pattern` either. `sub` is
/// looked for as a part of `pattern`'s syntax tree that every match goes
/// through (a capture group around `sub` itself is ignored); `false` when
/// unsure.
pub fn requires_sub_pattern(pattern: &str, sub: &str) -> bool {
    let parse = |p: &str| regex_syntax::ParserBuilder::new().build().parse(p).ok();
    let (Some(hir), Some(sub)) = (parse(pattern), parse(sub)) else {
        return false;
    };
    let sub = match sub.kind() {
        HirKind::Capture(cap) => (*cap.sub).clone(),
        _ => sub,
    };
    contains(&hir, &sub)
}

/// Does every match of `hir` go through a match of `sub`?
fn contains(hir: &Hir, sub: &Hir) -> bool {
    if hir == sub {
        return true;
    }
    match hir.kind() {
        HirKind::Capture(cap) => contains(&cap.sub, sub),
        HirKind::Repetition(rep) => rep.min >= 1 && contains(&rep.sub, sub),
        HirKind::Alternation(alts) => alts.iter().all(|a| contains(a, sub)),
        HirKind::Concat(parts) => {
            // Concatenations are flattened: `sub`'s own parts may sit in a
            // row among `hir`'s.
            let in_a_row = match sub.kind() {
                HirKind::Concat(needle) => parts.windows(needle.len()).any(|w| w == &needle[..]),
                _ => false,
            };
            in_a_row || parts.iter().any(|p| contains(p, sub))
        }
        _ => false,
    }
}

/// The strings of `set` that contain no other string of it: a text that
/// contains any string of `set` contains one of these. Role words are the
/// bulk of the filter's literals, and most of them contain a shorter role
/// word or suffix ("socialchefen": "chef"); dropping them makes the
/// automaton a fraction of the size, and it is read for every sentence.
pub(crate) fn minimal(set: &[String]) -> Vec<&str> {
    let Ok(ac) = AhoCorasick::new(set) else {
        return set.iter().map(String::as_str).collect();
    };
    set.iter()
        .filter(|lit| {
            !ac.find_overlapping_iter(lit.as_str())
                .any(|m| m.len() < lit.len())
        })
        .map(String::as_str)
        .collect()
}

/// Tells, for a lowercased text, which of a list of regexes can match.
#[derive(Debug)]
pub struct LiteralFilter {
    /// The literals' automaton; `None` when it would be too large (every
    /// regex is then a candidate).
    dfa: Option<DFA>,
    /// For each literal, the regexes that require it (one of theirs).
    owners: Vec<Vec<usize>>,
    /// Regexes without required literals: always candidates.
    always: Vec<usize>,
    len: usize,
}

/// The regexes that may match a text, by their index in the list given to
/// [`LiteralFilter::new`].
#[derive(Debug, Clone)]
pub struct Candidates(Vec<bool>);

impl Candidates {
    pub fn may_match(&self, i: usize) -> bool {
        self.0.get(i).copied().unwrap_or(true)
    }
}

impl LiteralFilter {
    /// A filter over regexes given as their literal sets (from
    /// [`required_literals`]; `None`: always a candidate).
    pub fn new(required: &[Option<Vec<String>>]) -> LiteralFilter {
        let mut literals: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, req) in required.iter().enumerate() {
            let Some(set) = req else {
                always.push(i);
                continue;
            };
            for lit in minimal(set) {
                let k = *index.entry(lit).or_insert_with(|| {
                    literals.push(lit);
                    owners.push(Vec::new());
                    literals.len() - 1
                });
                if !owners[k].contains(&i) {
                    owners[k].push(i);
                }
            }
        }
        // A full DFA: the automaton is small and runs on every sentence.
        match DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .build(&literals)
        {
            Ok(dfa) => LiteralFilter {
                dfa: Some(dfa),
                owners,
                always,
                len: required.len(),
            },
            // Too large an automaton: no filtering, every regex runs.
            Err(_) => LiteralFilter {
                dfa: None,
                owners: Vec::new(),
                always: (0..required.len()).collect(),
                len: required.len(),
            },
        }
    }

    /// The regexes that may match in `lowercased` (a text lowercased with
    /// [`str::to_lowercase`]).
    pub fn candidates(&self, lowercased: &str) -> Candidates {
        let mut may = self.always_candidates();
        if let Some(dfa) = &self.dfa {
            self.scan(dfa, start_state(dfa), lowercased.as_bytes(), &mut may);
        }
        Candidates(may)
    }

    /// [`LiteralFilter::candidates`] of each text. Two texts are read at
    /// once: each byte costs a load from the automaton that depends on the
    /// one before, and two such chains overlap in the processor.
    pub fn candidates_of_each(&self, lowercased: &[&str]) -> Vec<Candidates> {
        let mut out = Vec::with_capacity(lowercased.len());
        for pair in lowercased.chunks(2) {
            let (a, b) = match pair {
                [a, b] => (a.as_bytes(), b.as_bytes()),
                [a] => (a.as_bytes(), &[][..]),
                _ => continue,
            };
            let (mut may_a, mut may_b) = (self.always_candidates(), self.always_candidates());
            if let Some(dfa) = &self.dfa {
                let both = a.len().min(b.len());
                let (mut sa, mut sb) = (start_state(dfa), start_state(dfa));
                for (&x, &y) in a[..both].iter().zip(&b[..both]) {
                    sa = dfa.next_state(Anchored::No, sa, x);
                    sb = dfa.next_state(Anchored::No, sb, y);
                    self.mark(dfa, sa, &mut may_a);
                    self.mark(dfa, sb, &mut may_b);
                }
                self.scan(dfa, sa, &a[both..], &mut may_a);
                self.scan(dfa, sb, &b[both..], &mut may_b);
            }
            out.push(Candidates(may_a));
            if pair.len() == 2 {
                out.push(Candidates(may_b));
            }
        }
        out
    }

    /// Reads `bytes` on from `state`, marking the regexes of the literals
    /// found.
    fn scan(&self, dfa: &DFA, mut state: StateID, bytes: &[u8], may: &mut [bool]) {
        for &b in bytes {
            state = dfa.next_state(Anchored::No, state, b);
            self.mark(dfa, state, may);
        }
    }

    fn always_candidates(&self) -> Vec<bool> {
        let mut may = vec![false; self.len];
        for &i in &self.always {
            may[i] = true;
        }
        may
    }

    /// Marks the regexes of every literal that ends where the automaton is
    /// in `state`, overlapping ones included: a match state of a standard
    /// automaton lists them all (the automaton's overlapping iterator
    /// reports them one at a time, at several times the cost).
    #[inline]
    fn mark(&self, dfa: &DFA, state: StateID, may: &mut [bool]) {
        if dfa.is_match(state) {
            for k in 0..dfa.match_len(state) {
                for &i in &self.owners[dfa.match_pattern(state, k).as_usize()] {
                    may[i] = true;
                }
            }
        }
    }
}

fn start_state(dfa: &DFA) -> StateID {
    let Ok(state) = dfa.start_state(Anchored::No) else {
        unreachable!("the automaton is built for unanchored searches")
    };
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    fn req(p: &str) -> Option<Vec<String>> {
        required_literals(p)
    }

    #[test]
    fn literals_of_simple_patterns() {
        assert_eq!(req("abc"), Some(vec!["abc".to_string()]));
        assert_eq!(req(r"\w+"), None);
        assert_eq!(
            req(r"(?:^|\s)(?:är|var)\s+x"),
            Some(vec!["var".into(), "är".into()])
        );
        assert_eq!(
            req(r"\p{Lu}[\p{L}-]*(?:dagarna|dagen)"),
            Some(vec!["dagarna".into(), "dagen".into()])
        );
        // The longest required piece wins.
        assert_eq!(req(r"a\s+hello\s+b"), Some(vec!["hello".into()]));
        // One letter is no filter; a comma still is.
        assert_eq!(req(r"\w+(?:s|:s)\s+\w+"), None);
        assert_eq!(req(r"\w+,\s+\w+"), Some(vec![",".into()]));
    }

    #[test]
    fn case_insensitive_letters_become_lowercase_literals() {
        assert_eq!(req("(?i)Rekryter"), Some(vec!["rekryter".to_string()]));
        // `k` folds with the Kelvin sign, which lowercases to `k`; `s` folds
        // with the long s, which stays as it is.
        let set = req("(?i)ks").unwrap_or_default();
        assert_eq!(set, vec!["ks".to_string(), "kſ".to_string()]);
        assert_eq!(req("(?i)σ"), None);
    }

    #[test]
    fn sub_patterns_every_match_goes_through() {
        let name = r"(?P<n>\p{Lu}\p{Ll}+\s\p{Lu}\p{Ll}+)";
        let body = r"\p{Lu}\p{Ll}+\s\p{Lu}\p{Ll}+";
        assert!(requires_sub_pattern(&format!(r"{name},\s+\w+"), name));
        assert!(requires_sub_pattern(&format!(r"(?:a|b)\s+{name}"), name));
        assert!(requires_sub_pattern(
            &format!(r"(?P<all>{body}(?:,\s*{body})*)"),
            name
        ));
        assert!(requires_sub_pattern(&format!(r"(?:{body}|x{body})"), name));
        assert!(!requires_sub_pattern(
            &format!(r"(?:{name}|han)\s+är"),
            name
        ));
        assert!(!requires_sub_pattern(&format!(r"(?:{name})?\s+är"), name));
        assert!(!requires_sub_pattern(&format!(r"(?i:{name})"), name));
    }

    #[test]
    fn literals_that_contain_another_of_their_set_are_dropped() {
        let set = ["chef", "socialchefen", "enhetschef", "kurator"].map(String::from);
        assert_eq!(minimal(&set), vec!["chef", "kurator"]);
        let filter = LiteralFilter::new(&[Some(set.to_vec()), Some(vec!["socialchefen".into()])]);
        let may = filter.candidates("hon är socialchefen");
        assert!(may.may_match(0) && may.may_match(1));
        let may = filter.candidates("hon är enhetschef");
        assert!(may.may_match(0) && !may.may_match(1));
    }

    /// Texts of letters that fold or lowercase in odd ways.
    fn tricky_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'A', 'k', 'K', '\u{212A}', 's', 'S', 'ſ', 'å', 'Å', '\u{212B}', 'ö', 'Ö', 'İ',
                'i', 'I', 'Σ', 'σ', 'ς', 'ß', 'ẞ', ' ', ',', '-', 'x',
            ]),
            0..12,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        /// Overlapping and nested literals ("bc" inside "abc", "c" at the
        /// end of both) are all seen: a regex is a candidate exactly when
        /// the text contains one of its literals.
        #[test]
        fn candidates_are_the_regexes_with_a_literal_in_the_text(
            text in proptest::collection::vec(
                proptest::sample::select(vec!['a', 'b', 'c', 'å', ' ']), 0..16
            ).prop_map(|v| v.into_iter().collect::<String>())
        ) {
            let sets = [
                vec!["abc"], vec!["bc", "å"], vec!["c"], vec!["ab", "ca"], vec!["cab"], vec!["b a"],
            ];
            let required: Vec<Option<Vec<String>>> = (sets.iter())
                .map(|set| Some(set.iter().map(|l| l.to_string()).collect()))
                .chain([None])
                .collect();
            let may = LiteralFilter::new(&required).candidates(&text);
            for (i, set) in sets.iter().enumerate() {
                prop_assert_eq!(may.may_match(i), set.iter().any(|l| text.contains(l)), "{:?}", set);
            }
            prop_assert!(may.may_match(sets.len()), "a regex without literals always is");
        }

        /// Texts read two at a time get the verdicts they get alone, also
        /// when one of a pair is longer or the count is odd.
        #[test]
        fn texts_read_two_at_a_time_as_alone(
            texts in proptest::collection::vec("[abcå ]{0,12}", 0..5)
        ) {
            let required: Vec<Option<Vec<String>>> = [vec!["abc"], vec!["bc", "å"], vec!["c a"]]
                .iter()
                .map(|set| Some(set.iter().map(|l| l.to_string()).collect()))
                .collect();
            let filter = LiteralFilter::new(&required);
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let each = filter.candidates_of_each(&texts);
            prop_assert_eq!(each.len(), texts.len());
            for (may, text) in each.iter().zip(&texts) {
                prop_assert_eq!(&may.0, &filter.candidates(text).0, "{:?}", text);
            }
        }

        #[test]
        fn never_rejects_a_matching_text(text in tricky_text()) {
            let patterns = [
                "(?i)ask", "(?i)skå", "(?i)kö", "(?i)ß", "(?i)is", "Ask", "(?i)a(?:s|k)+ö",
                r"(?:^|\s)(?i:sk)[\p{L}-]*,", "(?i)ẞ", "İ", "(?i)xσ", "a{2,3}k",
            ];
            for p in patterns {
                let re = Regex::new(p).expect("test pattern");
                let filter = LiteralFilter::new(&[required_literals(p)]);
                if re.is_match(&text) {
                    prop_assert!(
                        filter.candidates(&text.to_lowercase()).may_match(0),
                        "{p} matches {text:?}"
                    );
                }
            }
        }
    }
}
