//! Resolution of mentions to entities: person names, role lemmas,
//! organisations and the municipality they belong to.
//!
//! The entry point is [`Resolver`]; [`org_key`] gives the stable key an
//! organisation's IRI is minted from, so that name variants meet.

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use rustc_hash::FxHashMap;

use crate::extract::compile;
use crate::facts::EntityKind;
use crate::pattern::Pattern;
use crate::rules::Rules;

/// Finds gazetteer names in text as whole words (Aho-Corasick, leftmost
/// longest, case-sensitive): much faster than a regex alternation of
/// thousands of names with Unicode word boundaries.
///
/// The automaton is only run where a name can start: at each byte that
/// begins some name (a capital letter, for municipalities), an anchored
/// search takes the longest name there. Trying those positions left to
/// right and going on after each match finds exactly the matches of an
/// unanchored leftmost-longest scan, without running the automaton over
/// every byte of every sentence.
pub struct NameFinder {
    ac: AhoCorasick,
    /// The first bytes of the names.
    starts: [bool; 256],
    /// The least and the greatest ASCII first byte (lo > hi when there
    /// are none).
    ascii_starts: (u8, u8),
    /// The first characters of the names, sorted: a first byte such as
    /// 0xC3 also begins å, ä and ö, which begin no name.
    start_chars: Vec<char>,
    /// The two-byte first characters (Å, Ä, Ö, É...) by the low bits of
    /// their two bytes: a look-up where `start_chars` needs a search.
    two_byte_starts: [[bool; 64]; 32],
    /// Whether a name may carry a genitive `s` ("Uppsala universitets");
    /// the span returned leaves it out, so it still looks the name up.
    genitive: bool,
}

impl NameFinder {
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(names: I) -> NameFinder {
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.as_ref().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let mut start_chars: Vec<char> = names.iter().filter_map(|n| n.chars().next()).collect();
        start_chars.sort_unstable();
        start_chars.dedup();
        let mut starts = [false; 256];
        let mut two_byte_starts = [[false; 64]; 32];
        for c in &start_chars {
            let bytes = c.encode_utf8(&mut [0; 4]).as_bytes().to_owned();
            starts[usize::from(bytes[0])] = true;
            if let [lead, second] = bytes[..] {
                two_byte_starts[usize::from(lead & 0x1F)][usize::from(second & 0x3F)] = true;
            }
        }
        // A full DFA for anchored searches only: a trie of the names.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Anchored)
            .build(&names)
            .or_else(|_| AhoCorasick::new(Vec::<String>::new()));
        let ascii = (0..0x80u8).filter(|&b| starts[usize::from(b)]);
        let ascii_starts = (
            ascii.clone().min().unwrap_or(0x7F),
            ascii.max().unwrap_or(0),
        );
        NameFinder {
            ac: ac.unwrap_or_else(|_| unreachable!("an empty automaton always builds")),
            starts,
            ascii_starts,
            start_chars,
            two_byte_starts,
            genitive: false,
        }
    }

    /// Also finds the names in the genitive (a trailing `s`).
    pub fn with_genitive(mut self) -> NameFinder {
        self.genitive = true;
        self
    }

    /// Does the non-ASCII character at byte `p` (a character boundary) begin
    /// a name?
    fn starts_char(&self, bytes: &[u8], text: &str, p: usize) -> bool {
        match bytes.get(p..p + 2) {
            // A two-byte character: 110xxxxx 10yyyyyy.
            Some(&[lead, second]) if lead & 0xE0 == 0xC0 => {
                self.two_byte_starts[usize::from(lead & 0x1F)][usize::from(second & 0x3F)]
            }
            _ => text[p..]
                .chars()
                .next()
                .is_some_and(|c| self.start_chars.binary_search(&c).is_ok()),
        }
    }

    /// The first byte from `at` on that may begin a whole-word name: a
    /// first byte of some name, not right after an ASCII letter, digit or
    /// `_` (inside a word). Eight bytes at a time, skipping words without
    /// a byte in the range of the ASCII first bytes or from 0xC0 on (the
    /// bulk of a text: lowercase letters, spaces, continuation bytes).
    fn next_start(&self, bytes: &[u8], at: usize) -> Option<usize> {
        use crate::text::swar::{self, HIGH, ONES};
        let (lo, hi) = self.ascii_starts;
        let is_start = |q: usize| {
            self.starts[usize::from(bytes[q])]
                && (q == 0 || !(bytes[q - 1].is_ascii_alphanumeric() || bytes[q - 1] == b'_'))
        };
        let mut q = at;
        while q + 8 <= bytes.len() {
            let w = swar::word(bytes, q);
            // A seven-bit value plus at most 0x80 stays within its byte:
            // the high bits say `lo <= x` and `hi < x`.
            let x = w & !HIGH;
            let at_least_lo = x + ONES * u64::from(0x80 - lo);
            let above_hi = x + ONES * u64::from(0x7F - hi);
            let ascii = at_least_lo & !above_hi & !w;
            // Lead bytes of characters from U+0080 on: 0b11xxxxxx.
            let leads = w & (w << 1);
            let mut candidates = (ascii | leads) & HIGH;
            while candidates != 0 {
                let p = q + (candidates.trailing_zeros() / 8) as usize;
                if is_start(p) {
                    return Some(p);
                }
                candidates &= candidates - 1;
            }
            q += 8;
        }
        (q..bytes.len()).find(|&p| is_start(p))
    }

    /// Byte ranges of whole-word occurrences, left to right.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize)> + 't {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let bytes = text.as_bytes();
        let mut at = 0;
        std::iter::from_fn(move || {
            while at < bytes.len() {
                // A first byte of a name is never a UTF-8 continuation byte:
                // `p` is a character boundary.
                let p = self.next_start(bytes, at)?;
                if !bytes[p].is_ascii() && !self.starts_char(bytes, text, p) {
                    at = p + 1;
                    continue;
                }
                let input = Input::new(text).span(p..text.len()).anchored(Anchored::Yes);
                match self.ac.find(input) {
                    Some(m) => {
                        at = m.end();
                        return Some((m.start(), m.end()));
                    }
                    None => at = p + 1,
                }
            }
            None
        })
        .filter(move |&(a, b)| {
            let after = &text[b..];
            let ends = |rest: &str| !rest.chars().next().is_some_and(word);
            !text[..a].chars().next_back().is_some_and(word)
                && (ends(after) || (self.genitive && after.starts_with('s') && ends(&after[1..])))
        })
    }
}

/// Words as a regex alternation of literals.
fn escaped(words: &[String]) -> String {
    let words: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    words.join("|")
}

/// An organisation as resolved from a mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRef {
    /// The name as written (`Socialförvaltningen i Borås`).
    pub name: String,
    /// SCB code of its municipality.
    pub kommun: Option<String>,
    pub kind: EntityKind,
}

/// Further roles of an apposition with the organisation each is held at.
pub type RolesAt = (Vec<String>, Option<OrgRef>);

/// The words, lowercased and with the space before them, that follow a
/// municipality's name when it names the municipality as an organisation
/// (`Kalix kommun`, `Göteborgs stad`): a misspelt name is looked for before
/// them, and only in sentences in which the literal filter finds one.
pub const MUNICIPALITY_SUFFIXES: [&str; 2] = [" kommun", " stad"];

/// Resolves mentions against the gazetteers of a [`Rules`].
pub struct Resolver<'a> {
    rules: &'a Rules,
    muni: NameFinder,
    known: NameFinder,
    org_phrase: Pattern,
    capitalised: Pattern,
    boundary: Pattern,
    role_start: Pattern,
    person: Pattern,
    /// [`MUNICIPALITY_SUFFIXES`] without their first two bytes (`ommun`,
    /// `tad`): ` kommun`, ` Kommun`, ` stad` and ` Stad` found in two scans.
    municipality_suffix_ends: [memchr::memmem::Finder<'static>; 2],
    /// Each lowercased head and form of [`Rules::org_heads`] → the heads
    /// that have it, by their index there, in order.
    heads_by_form: FxHashMap<String, Vec<usize>>,
    /// The longest of those forms, in bytes.
    longest_form: usize,
}

impl<'a> Resolver<'a> {
    pub fn new(rules: &'a Rules) -> Resolver<'a> {
        let m = |k: &str| rules.macros.get(k).cloned().unwrap_or_default();
        let mut heads_by_form: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (k, h) in rules.org_heads.iter().enumerate() {
            for form in std::iter::once(&h.head).chain(&h.forms) {
                let heads = heads_by_form.entry(form.to_lowercase()).or_default();
                if heads.last() != Some(&k) {
                    heads.push(k);
                }
            }
        }
        let mut heads: Vec<String> = rules
            .org_heads
            .iter()
            .flat_map(|h| std::iter::once(h.head.clone()).chain(h.forms.iter().cloned()))
            .map(|h| regex::escape(&h))
            .collect();
        heads.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        heads.dedup();
        // No `\b` here: a Unicode word boundary sends the regex engine off its
        // fast DFA on Swedish text. Leftmost matching starts a phrase at a
        // word's first letter anyway.
        let place = r"\p{Lu}[\p{L}-]*(?:\s+\p{Lu}[\p{L}-]*)?(?:\s+(?:kommun|stad|Kommun|Stad))?";
        // Heads of several words ("individ- och familjeomsorgen") are whole
        // names of units by themselves; one-word heads need a modifier
        // ("socialförvaltningen", not "förvaltningen").
        let multi_word = heads
            .iter()
            .filter(|h| h.contains(' '))
            .cloned()
            .collect::<Vec<_>>()
            .join("|");
        let heads = heads.join("|");
        let org_phrase = format!(
            r"(?:\p{{Lu}}[\p{{L}}-]*\s+(?i:{heads})|(?i:{multi_word}|(?:\p{{L}}+-\s+(?:och|eller)\s+)?\p{{L}}+(?:{heads}))(?:\s+(?:i|på|inom)\s+{place})?|(?i:{heads})\s+(?:i|på|inom)\s+{place})"
        );
        let boundary_words = escaped(&rules.clause_words);
        Resolver {
            rules,
            muni: NameFinder::new(&rules.municipality_forms),
            known: NameFinder::new(
                rules
                    .known_orgs
                    .iter()
                    .flat_map(|o| std::iter::once(&o.name).chain(&o.aliases)),
            )
            .with_genitive(),
            org_phrase: compile(&org_phrase),
            // "FoU Nordöst", "Kvinnors Nätverk", "Centrum för socialt arbete".
            // "Kronan konsult": a lowercase word of foretagsled.tsv ends one.
            capitalised: compile(&format!(
                r"\p{{Lu}}[\p{{L}}&-]*(?:\s+(?:\p{{Lu}}[\p{{L}}&-]*|och|i)){{0,4}}(?:\s+för\s+\p{{Ll}}+(?:\s+\p{{Ll}}+)?|\s+(?:{})(?:[^\p{{L}}]|$))?",
                escaped(&rules.org_name_endings)
            )),
            boundary: compile(&format!(
                r"[,;:()]|\s–\s|(?:^|\s)(?:{})(?:\s|$)",
                boundary_words
            )),
            person: compile(&m("PERSON")),
            municipality_suffix_ends: MUNICIPALITY_SUFFIXES
                .map(|s| memchr::memmem::Finder::new(&s[2..]).into_owned()),
            longest_form: heads_by_form.keys().map(String::len).max().unwrap_or(0),
            heads_by_form,
            role_start: compile(&format!(
                r"^\s*(?:,\s*|och\s+|samt\s+)(?:{})",
                m("ROLE").replace("(?P<role>", "(?:")
            )),
        }
    }

    /// The regex of the {PERSON} macro.
    pub fn person_regex(&self) -> &Pattern {
        &self.person
    }

    /// The organisations a sentence names that can be the setting of the
    /// text around it: municipalities, and known organisations that employ
    /// people (universities, companies, non-profits, research centres).
    /// `suffixed`: may the sentence have ` kommun` or ` stad` in any case
    /// (else a misspelt municipality before one is not looked for)?
    pub fn context_orgs_in(&self, text: &str, suffixed: bool) -> Vec<OrgRef> {
        let known: Vec<(usize, usize)> = self.known.find_iter(text).collect();
        let mut out = self.municipalities_outside(text, &known, suffixed);
        for (a, b) in known {
            let k = &text[a..b];
            if let Some(o) = self.rules.known_org(k) {
                if matches!(
                    o.kind.as_str(),
                    "universitet" | "högskola" | "företag" | "ideell" | "forskning"
                ) {
                    out.push(OrgRef {
                        name: k.to_string(),
                        kommun: o.kommun.clone(),
                        kind: EntityKind::Organisation(o.kind.clone()),
                    });
                }
            }
        }
        out
    }

    /// Municipalities named in a text, in order, skipping names that are
    /// part of a person's name (`Maria Berg`) and ambiguous names that need
    /// a `kommun`/`stad` suffix.
    pub fn municipalities_in(&self, text: &str) -> Vec<OrgRef> {
        let known: Vec<(usize, usize)> = self.known.find_iter(text).collect();
        self.municipalities_outside(text, &known, true)
    }

    /// [`Self::municipalities_in`] given the known organisations' spans in
    /// `text` (found once when the caller needs them too); misspelt names
    /// only when `suffixed` (see [`Self::context_orgs_in`]).
    fn municipalities_outside(
        &self,
        text: &str,
        inside_known: &[(usize, usize)],
        suffixed: bool,
    ) -> Vec<OrgRef> {
        let mut out = Vec::new();
        // "Ersta Sköndal Bräcke högskola" names a university, not Bräcke.
        for (ms, me) in self.muni.find_iter(text) {
            if inside_known
                .iter()
                .any(|&(a, b)| a <= ms && me <= b && (a, b) != (ms, me))
            {
                continue;
            }
            let s = &text[ms..me];
            let Some(mu) = self.rules.municipality(s) else {
                continue;
            };
            let bare = !s.contains(' ');
            if bare && self.rules.ambiguous_municipalities.contains(&mu.name) {
                continue;
            }
            // Preceded by a capitalised word: a surname or a longer name.
            let before = text[..ms].trim_end();
            let prev_word = before
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            if bare && before.len() + 1 >= ms && self.rules.is_given_name(prev_word) {
                continue;
            }
            // Followed by a capitalised word: "Berg Andersson", "Lund University".
            let after = &text[me..];
            if bare
                && after.starts_with(' ')
                && after[1..].chars().next().is_some_and(|c| c.is_uppercase())
                && !after[1..].starts_with("Stad")
                && !after[1..].starts_with("Kommun")
            {
                continue;
            }
            let name = if bare || !s.contains(' ') {
                mu.official()
            } else {
                s.to_string()
            };
            out.push(OrgRef {
                name,
                kommun: Some(mu.code.clone()),
                kind: EntityKind::Municipality,
            });
        }
        if suffixed {
            out.extend(self.misspelt_municipalities(text));
        }
        out
    }

    /// "Helsingsborgs stad": a capitalised word one letter off a
    /// municipality's name, right before `kommun` or `stad`.
    fn misspelt_municipalities(&self, text: &str) -> Vec<OrgRef> {
        let mut out = Vec::new();
        // Every ` kommun`, then every ` stad`, ` Kommun`, ` Stad` (none can
        // overlap another: each begins with the only space in it). A scan
        // per suffix costs more than the few matches: two scans find the
        // ends, and the two bytes before them tell the suffix.
        let bytes = text.as_bytes();
        // The first letters of ` kommun`, ` stad`, ` Kommun`, ` Stad`, in
        // the order they are reported.
        const INITIALS: [u8; 4] = [b'k', b's', b'K', b'S'];
        let mut suffixes: Vec<(usize, usize)> = (self.municipality_suffix_ends.iter())
            .zip([*b"kK", *b"sS"])
            .flat_map(|(finder, initials)| {
                finder.find_iter(bytes).filter_map(move |end| {
                    let at = end.checked_sub(2)?;
                    let initial = bytes[at + 1];
                    let rank = INITIALS.iter().position(|&c| c == initial)?;
                    (bytes[at] == b' ' && initials.contains(&initial)).then_some((rank, at))
                })
            })
            .collect();
        suffixes.sort_unstable();
        for at in suffixes.into_iter().map(|(_, at)| at) {
            let word = text[..at]
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            if !word.starts_with(char::is_uppercase) || self.rules.municipality(word).is_some() {
                continue;
            }
            if let Some(mu) = self.rules.municipality_one_letter_off(word) {
                // The word only: "Helsingsborgs stad." names "Helsingsborgs stad".
                let suffix = text[at + 1..]
                    .split(|c: char| !c.is_alphabetic())
                    .next()
                    .unwrap_or("");
                out.push(OrgRef {
                    name: format!("{word} {suffix}"),
                    kommun: Some(mu.code.clone()),
                    kind: EntityKind::Municipality,
                });
            }
        }
        out
    }

    /// Cleans a matched person name: drops leading words that are not part
    /// of a name ("Även Jonna Sundberg") and checks what is left. `strong`
    /// accepts an unknown given name when the pattern itself is strong
    /// evidence (name, comma, role).
    pub fn clean_person(&self, raw: &str, strong: bool) -> Option<String> {
        let mut words: Vec<&str> = raw.split_whitespace().collect();
        let given_first = |words: &[&str]| {
            words.len() >= 2 && self.rules.is_given_name_before(words[0], words[1])
        };
        while let Some(w) = words.first() {
            if given_first(&words) {
                break;
            }
            if self.rules.not_names.contains(*w)
                || (!self.rules.is_given_name(w)
                    && words.len() > 2
                    && self.rules.is_given_name(words[1]))
            {
                words.remove(0);
            } else {
                break;
            }
        }
        if words.len() < 2 || words.len() > 4 {
            return None;
        }
        let skip = usize::from(given_first(&words));
        if words[skip..]
            .iter()
            .any(|w| self.rules.not_names.contains(*w) || self.rules.role_lemma(w).is_some())
        {
            return None;
        }
        let last = words[words.len() - 1];
        if self.rules.municipality(last).is_some()
            && !self.rules.surnames.contains(last)
            && words.len() == 2
            && !self.rules.is_given_name(words[0])
        {
            return None;
        }
        let known_first = given_first(&words);
        if !known_first && !strong {
            return None;
        }
        Some(words.join(" "))
    }

    /// Splits a role phrase ("socionom och socialsekreterare") into lemmas.
    pub fn split_roles(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        // Lines wrapped inside the list ("verksamhetschef\noch delägare").
        let text = crate::text::one_line(text);
        for part in text
            .split([','])
            .flat_map(|p| p.split(" och "))
            .flat_map(|p| p.split(" samt "))
        {
            if let Some(l) = self.rules.role_lemma(part) {
                if !out.contains(&l) {
                    out.push(l);
                }
            }
        }
        out
    }

    /// Resolves an organisation phrase.
    pub fn org(&self, phrase: &str, ctx: Option<&OrgRef>) -> Option<OrgRef> {
        let p = phrase.trim();
        if p.is_empty() {
            return None;
        }
        if let Some(k) = self.rules.known_org(p) {
            return Some(OrgRef {
                name: k.name.clone(),
                kommun: k.kommun.clone(),
                kind: EntityKind::Organisation(k.kind.clone()),
            });
        }
        if let Some(mu) = self.rules.municipality(p) {
            let name = if p.contains(' ') {
                p.to_string()
            } else {
                mu.official()
            };
            return Some(OrgRef {
                name,
                kommun: Some(mu.code.clone()),
                kind: EntityKind::Municipality,
            });
        }
        self.org_in(p, ctx)
    }

    /// The organisation a piece of free text names.
    pub fn org_text(&self, seg: &str, ctx: Option<&OrgRef>) -> Option<OrgRef> {
        self.org_in(seg, ctx)
    }

    /// "Socialnämndens ordförande": an organisation phrase whose last word
    /// is a head noun in the genitive names the organisation itself.
    fn without_genitive<'t>(&self, phrase: &'t str) -> &'t str {
        let Some(stem) = phrase.strip_suffix('s') else {
            return phrase;
        };
        let last = stem.rsplit(' ').next().unwrap_or(stem).to_lowercase();
        if self.forms_ending(&last).any(|(form, _)| form.len() >= 4) {
            stem
        } else {
            phrase
        }
    }

    /// The organisation a piece of text names. Candidates are ranked: a
    /// known organisation, then a capitalised name or an organisation phrase
    /// with a place, then a municipality, then a lowercase organisation
    /// phrase; the earliest wins within a rank.
    fn org_in(&self, seg: &str, ctx: Option<&OrgRef>) -> Option<OrgRef> {
        // Stop at the next person named in the text.
        let seg = match self
            .person
            .find_iter(seg)
            .find(|m| self.clean_person(m.as_str(), false).is_some())
        {
            Some(m) => &seg[..m.start()],
            None => seg,
        };
        let muni = self.municipalities_in(seg).into_iter().next();
        let ctx_kommun = ctx.and_then(|c| c.kommun.clone());
        let mut best: Option<(u8, usize, OrgRef)> = None;
        let mut offer = |rank: u8, start: usize, org: OrgRef| {
            if best
                .as_ref()
                .is_none_or(|(r, s, _)| (rank, start) < (*r, *s))
            {
                best = Some((rank, start, org));
            }
        };
        if let Some((a, b)) = self.known.find_iter(seg).next() {
            if let Some(o) = self.rules.known_org(&seg[a..b]) {
                offer(
                    0,
                    a,
                    OrgRef {
                        name: seg[a..b].to_string(),
                        kommun: o.kommun.clone(),
                        kind: EntityKind::Organisation(o.kind.clone()),
                    },
                );
            }
        }
        if let Some(m) = self.org_phrase.find(seg) {
            let phrase = self.without_genitive(m.as_str());
            // "Partille kommun", "Göteborgs stad", even misspelt
            // ("Helsingsborgs stad"): the municipality itself.
            let whole = self
                .rules
                .municipality(phrase)
                .map(|mu| mu.code.clone())
                .or_else(|| {
                    self.misspelt_municipalities(phrase)
                        .into_iter()
                        .find(|o| o.name == phrase)
                        .and_then(|o| o.kommun)
                });
            if let Some(code) = whole {
                offer(
                    1,
                    m.start(),
                    OrgRef {
                        name: phrase.to_string(),
                        kommun: Some(code),
                        kind: EntityKind::Municipality,
                    },
                );
            }
            let placed = phrase.contains(" i ")
                || phrase.contains(" på ")
                || phrase.chars().next().is_some_and(char::is_uppercase);
            // "socialförvaltningen i Mora": the place after the head is the
            // municipality even when its name alone is too ambiguous to
            // count (Mora, Berg, Habo).
            let place = [" i ", " på "]
                .iter()
                .find_map(|p| phrase.rsplit_once(p))
                .and_then(|(_, place)| self.rules.municipality(place));
            let kommun = self
                .municipalities_in(phrase)
                .into_iter()
                .next()
                .and_then(|o| o.kommun)
                .or_else(|| place.map(|mu| mu.code.clone()))
                .or(ctx_kommun.clone());
            offer(
                if placed { 1 } else { 3 },
                m.start(),
                OrgRef {
                    name: phrase.to_string(),
                    kommun,
                    kind: EntityKind::Organisation(self.head_kind(phrase)),
                },
            );
        }
        if let Some(m) = muni.clone() {
            let at = seg
                .find(m.name.split(' ').next().unwrap_or(""))
                .unwrap_or(0);
            offer(2, at, m);
        }
        // A capitalised name at the start or after a preposition.
        let lead = seg.len() - seg.trim_start().len();
        let t = seg.trim_start();
        let (skip, t) = ["på ", "vid ", "hos ", "inom ", "i ", "för ", "från "]
            .iter()
            .find_map(|p| t.strip_prefix(p).map(|r| (p.len(), r)))
            .unwrap_or((0, t));
        if let Some(c) = self.capitalised.find(t).filter(|c| c.start() == 0) {
            let mut name = c
                .as_str()
                .trim_end_matches(|ch: char| !ch.is_alphanumeric());
            while let Some((head, last)) = name.rsplit_once(' ') {
                let trailing = self
                    .rules
                    .clause_words
                    .iter()
                    .chain(&self.rules.not_name_endings)
                    .any(|w| w == last);
                if trailing {
                    name = head;
                } else {
                    break;
                }
            }
            let name = name.to_string();
            let is_place = self.rules.municipality(&name).is_some();
            if !is_place
                && !self.rules.not_names.contains(name.as_str())
                && self.clean_person(&name, false).is_none()
            {
                // A company ("Kronan konsult") is not part of the
                // municipality the text is about.
                let company = name
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| self.rules.org_name_endings.iter().any(|e| e == w));
                let kommun = muni
                    .as_ref()
                    .and_then(|m| m.kommun.clone())
                    .or(ctx_kommun.clone().filter(|_| !company));
                offer(
                    1,
                    lead + skip,
                    OrgRef {
                        name,
                        kommun,
                        kind: EntityKind::Organisation("organisation".to_string()),
                    },
                );
            }
        }
        best.map(|(_, _, o)| o)
    }

    fn head_kind(&self, phrase: &str) -> String {
        let lower = crate::text::lowercase(phrase);
        let first = lower.split(" i ").next().unwrap_or(&lower);
        // The longest head; of equally long ones, the last.
        (self.forms_ending(first))
            .flat_map(|(_, heads)| heads)
            .map(|&k| (self.rules.org_heads[k].head.len(), k))
            .max()
            .map(|(_, k)| self.rules.org_heads[k].kind.clone())
            .unwrap_or_else(|| "organisation".to_string())
    }

    /// The head forms that `lower` (lowercased) ends with, each with the
    /// heads that have it: one look-up per suffix of `lower` no longer than
    /// the longest form.
    fn forms_ending<'t>(&'t self, lower: &'t str) -> impl Iterator<Item = (&'t str, &'t [usize])> {
        let from = lower.len().saturating_sub(self.longest_form);
        (from..=lower.len())
            .filter(|&i| lower.is_char_boundary(i))
            .filter_map(|i| {
                let form = &lower[i..];
                self.heads_by_form
                    .get(form)
                    .map(|heads| (form, heads.as_slice()))
            })
    }

    /// Parses the text after a role: the organisation of that role, and
    /// further roles with their organisations ("styrelseledamot i X och
    /// socialsekreterare i Y").
    pub fn tail(&self, tail: &str, ctx: Option<&OrgRef>) -> (Option<OrgRef>, Vec<RolesAt>) {
        // Lines wrapped inside the tail read as spaces ("i X \noch utredare").
        let tail = tail.replace(['\n', '\t'], " ");
        let mut segments: Vec<(Vec<String>, &str)> = Vec::new();
        let mut rest = tail.as_str();
        let mut roles = Vec::new();
        loop {
            // Where does the next role start?
            let mut cut = None;
            let mut search = 0;
            while let Some(pos) = rest[search..].find(" och ").map(|p| p + search) {
                if let Some(m) = self.role_start.find(&rest[pos..]) {
                    let end = pos + m.end();
                    if !self
                        .split_roles(&rest[pos..end].replacen(" och ", "", 1))
                        .is_empty()
                    {
                        cut = Some((pos, end));
                        break;
                    }
                }
                search = pos + 5;
            }
            match cut {
                Some((a, b)) => {
                    segments.push((std::mem::take(&mut roles), &rest[..a]));
                    roles = self.split_roles(&rest[a..b].replacen(" och ", "", 1));
                    rest = &rest[b..];
                }
                None => {
                    segments.push((roles, rest));
                    break;
                }
            }
        }
        let mut first = None;
        let mut more = Vec::new();
        for (k, (roles, seg)) in segments.into_iter().enumerate() {
            let seg = match self.boundary.find(seg) {
                Some(b) => &seg[..b.start()],
                None => seg,
            };
            let org = self.org_in(seg, ctx);
            if k == 0 {
                first = org;
            } else {
                more.push((roles, org));
            }
        }
        (first, more)
    }

    /// The first organisation or municipality named anywhere in a sentence.
    pub fn first_org_in(&self, sentence: &str, ctx: Option<&OrgRef>) -> Option<OrgRef> {
        let phrase = self.org_phrase.find(sentence).map(|m| m.start());
        let known = self.known.find_iter(sentence).next().map(|(a, _)| a);
        match (phrase, known) {
            (Some(p), Some(k)) if k < p => self.org_in(&sentence[k..], ctx),
            (Some(p), _) => self.org_in(&sentence[p..], ctx),
            (None, Some(k)) => self.org_in(&sentence[k..], ctx),
            (None, None) => self.municipalities_in(sentence).into_iter().next(),
        }
    }
}

/// The key an organisation's IRI is minted from: its municipality code and
/// normalised name, so that `Sävsjö Kommun` and `Sävsjö kommun` meet, and a
/// municipality is keyed by its code alone.
pub fn org_key(org_name: &str, kommun: &str, kind: &EntityKind) -> String {
    match kind {
        EntityKind::Municipality => format!("kommun/{kommun}"),
        _ => {
            let n = crate::eval::norm(org_name);
            if kommun.is_empty() {
                n
            } else {
                format!("{kommun}/{n}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`NameFinder::find_iter`] must equal: an unanchored
    /// leftmost-longest scan over every byte, then the whole-word filter.
    fn scanned(names: &[&str], text: &str) -> Vec<(usize, usize)> {
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(names)
            .expect("small automaton");
        ac.find_iter(text)
            .map(|m| (m.start(), m.end()))
            .filter(|&(a, b)| {
                !text[..a].chars().next_back().is_some_and(word)
                    && !text[b..].chars().next().is_some_and(word)
            })
            .collect()
    }

    #[test]
    fn misspelt_municipalities_come_in_the_order_of_their_suffixes() {
        let rules = Rules::load_default().expect("rules load");
        let resolver = Resolver::new(&rules);
        let text = "Helsingsborgs Stad, Falkenbergg kommun och Helsingsborgs stad. \
            Falkenbergg Kommun, Falkenbergg-kommun, Helsingsborgsstad.";
        let found: Vec<String> = (resolver.misspelt_municipalities(text).into_iter())
            .map(|o| format!("{} {}", o.name, o.kommun.unwrap_or_default()))
            .collect();
        assert_eq!(
            found,
            [
                "Falkenbergg kommun 1382",
                "Helsingsborgs stad 1283",
                "Falkenbergg Kommun 1382",
                "Helsingsborgs Stad 1283",
            ]
        );
    }

    #[test]
    fn names_are_found_as_whole_words() {
        let finder = NameFinder::new(["Borås", "Borås stad", "Ale", "Sala"]);
        let text = "Borås stadshus, Alexander i Ale och Borås stad. Sala";
        let found: Vec<&str> = finder.find_iter(text).map(|(a, b)| &text[a..b]).collect();
        // "Borås stad" is the longest name at the start but not a whole word
        // there, and it hides the shorter "Borås", as in a plain scan.
        assert_eq!(found, ["Ale", "Borås stad", "Sala"]);
    }

    #[test]
    fn a_place_after_an_organisation_is_its_municipality_even_when_ambiguous() {
        let rules = Rules::load_default().expect("the rules load");
        let resolver = Resolver::new(&rules);
        let elsewhere = OrgRef {
            name: "Burlövs kommun".to_string(),
            kommun: Some("1231".to_string()),
            kind: EntityKind::Municipality,
        };
        for (text, code) in [
            ("socialförvaltningen i Mora", "2062"),
            ("individ- och familjeomsorgen i Habo", "0643"),
            ("enheten för barn och unga på socialtjänsten i Berg", "2326"),
        ] {
            let org = resolver
                .org_text(text, Some(&elsewhere))
                .expect("an organisation");
            assert_eq!(org.kommun.as_deref(), Some(code), "{text}");
        }
        // Without a place the context still decides.
        let org = resolver
            .org_text("socialförvaltningen", Some(&elsewhere))
            .expect("an organisation");
        assert_eq!(org.kommun.as_deref(), Some("1231"));
    }

    proptest::proptest! {
        #[test]
        fn anchored_search_finds_what_a_scan_finds(text in "[ABÅÄäab åŁł€.-]{0,30}") {
            // Å begins a name and Ä, ä do not, with the same first byte;
            // Ł a two-byte name with another first byte, € a three-byte one.
            let names = ["Ab", "Aba", "Åb", "Ba b", "B", "bÅ", "Ł", "€a"];
            let finder = NameFinder::new(names);
            proptest::prop_assert_eq!(finder.find_iter(&text).collect::<Vec<_>>(), scanned(&names, &text));
        }

        #[test]
        fn capitalised_names_are_found_as_a_scan_finds_them(text in "[CDZaz_1 åÅÖö-]{0,40}") {
            // Capital first letters only, as municipalities have: the
            // eight-byte skip passes over lowercase and continuation bytes.
            let names = ["C", "Dz", "Z a", "Åz", "Ö", "Zz_"];
            let finder = NameFinder::new(names);
            proptest::prop_assert_eq!(finder.find_iter(&text).collect::<Vec<_>>(), scanned(&names, &text));
        }
    }
}
