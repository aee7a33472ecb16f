//! How the extractor compiles and runs its regexes.
//!
//! Every rule, cue and resolver regex is a [`Pattern`]: compiled with its
//! letter classes narrowed to the Latin script ([`latin_letters`]), and
//! once more narrowed to ASCII and Latin-1 ([`latin1_letters`]). Swedish
//! text nearly always writes its letters with those (å, ä, ö, é, ü), and
//! the narrow automata are much smaller: the rules load in half the time
//! or less, the lazy DFAs warm up faster and each search touches a little
//! less memory (README, Speed). A text with a letter above U+00FF
//! ("Marković", "Łukasz", a Greek word) is matched by the Latin-script
//! regex, compiled the first time such a text comes; on any other text the
//! two match alike, because the letters in which their classes differ are
//! not in it.

use std::cell::{Cell, OnceCell};
use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Match, Matches, Regex};
use thread_local::ThreadLocal;

/// A regex of the extractor; see the module documentation.
#[derive(Debug)]
pub struct Pattern {
    /// Letter classes of ASCII and Latin-1.
    narrow: Regex,
    /// The Latin-script pattern and its regex, compiled when first needed;
    /// `None` when narrowing changed nothing.
    wide: Option<(String, OnceLock<Regex>)>,
    /// Each thread's copies of the regexes, which is what searches use. A
    /// regex keeps its search caches in a pool that the first thread to
    /// search takes for its own; every other thread locks the pool at each
    /// search. A copy shares the compiled automata and has a pool of its
    /// own, so that each thread is the first of its copy.
    local: ThreadLocal<Local>,
}

/// One thread's copies of a [`Pattern`]'s regexes.
#[derive(Debug)]
struct Local {
    narrow: Regex,
    wide: OnceCell<Regex>,
}

impl Clone for Pattern {
    fn clone(&self) -> Pattern {
        Pattern {
            narrow: self.narrow.clone(),
            wide: self.wide.clone(),
            local: ThreadLocal::new(),
        }
    }
}

/// Compiles a pattern as every regex of the extractor is compiled (see
/// [`Pattern`]), with a lazy-DFA cache of
/// 8 MB per regex and thread (the default, 2 MB, is too small for the large
/// alternations: every municipality form, every organisation head; the
/// engine then falls back to the NFA and the seeds take 18 times the
/// instructions). 4, 8 and 64 MB execute the same instructions on the
/// seeds; a 64 MB cache held about 100 MB more at the end of a 40 MB build
/// (README, Ingest).
pub fn compile_pattern(pattern: &str) -> Result<Pattern, regex::Error> {
    let wide = latin_letters(pattern);
    let narrow = latin1_letters(pattern);
    Ok(Pattern {
        wide: (wide != narrow).then(|| (wide, OnceLock::new())),
        narrow: build(&narrow)?,
        local: ThreadLocal::new(),
    })
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(256 << 20)
        .dfa_size_limit(8 << 20)
        .build()
}

impl Pattern {
    /// A pattern that matches nothing.
    pub fn never() -> Pattern {
        compile_pattern(r"[^\s\S]").unwrap_or_else(|e| unreachable!("an empty class compiles: {e}"))
    }

    /// The regex for `haystack`: the Latin-script one when the text has a
    /// letter above U+00FF, else the narrow one.
    pub fn for_text(&self, haystack: &str) -> &Regex {
        let local = self.local.get_or(|| Local {
            narrow: self.narrow.clone(),
            wide: OnceCell::new(),
        });
        match &self.wide {
            Some((pattern, regex))
                if !in_latin1_text(haystack) && has_letter_above_latin1(haystack) =>
            {
                local.wide.get_or_init(|| {
                    // The narrow pattern compiled, and the wide one differs
                    // in its classes only: it fails at most on a size
                    // limit, and then the narrow regex is the best there is.
                    (regex.get_or_init(|| build(pattern).unwrap_or_else(|_| self.narrow.clone())))
                        .clone()
                })
            }
            _ => &local.narrow,
        }
    }

    /// The pattern as [`latin_letters`] makes it: what the regex means on
    /// every text.
    pub fn as_str(&self) -> &str {
        self.wide
            .as_ref()
            .map_or_else(|| self.narrow.as_str(), |(pattern, _)| pattern.as_str())
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.for_text(haystack).is_match(haystack)
    }

    pub fn find<'h>(&self, haystack: &'h str) -> Option<Match<'h>> {
        self.for_text(haystack).find(haystack)
    }

    pub fn find_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Match<'h>> {
        self.for_text(haystack).find_at(haystack, start)
    }

    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> Matches<'r, 'h> {
        self.for_text(haystack).find_iter(haystack)
    }

    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        self.for_text(haystack).captures(haystack)
    }

    pub fn captures_at<'h>(&self, haystack: &'h str, start: usize) -> Option<Captures<'h>> {
        self.for_text(haystack).captures_at(haystack, start)
    }
}

thread_local! {
    /// The address range of a text without letters above U+00FF, while
    /// [`within_text`] runs on this thread; `(0, 0)` when there is none.
    static LATIN1_TEXT: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// Runs `f`; while it runs, a pattern matched on a part of `text` (a slice
/// of it, not a copy) knows without looking whether the part has letters
/// above U+00FF. The extractor matches thousands of patterns on slices of
/// one normalised text, and one look at the whole text answers for all.
pub fn within_text<R>(text: &str, f: impl FnOnce() -> R) -> R {
    struct Restore((usize, usize));
    impl Drop for Restore {
        fn drop(&mut self) {
            LATIN1_TEXT.with(|range| range.set(self.0));
        }
    }
    let range = if has_letter_above_latin1(text) {
        (0, 0)
    } else {
        let start = text.as_ptr() as usize;
        (start, start + text.len())
    };
    let _restore = Restore(LATIN1_TEXT.with(|r| r.replace(range)));
    f()
}

/// Is `haystack` a slice of the text of the [`within_text`] running on
/// this thread, and that text without letters above U+00FF? The text is
/// borrowed while it runs, so its memory holds nothing else.
fn in_latin1_text(haystack: &str) -> bool {
    let at = haystack.as_ptr() as usize;
    LATIN1_TEXT.with(|range| {
        let (start, end) = range.get();
        start <= at && at + haystack.len() <= end && start < end
    })
}

/// Does `text` have a letter above U+00FF? Such a letter starts with a
/// byte of 0xC4 or more; so do dashes and quotes ("–", "”"), which are not
/// letters.
fn has_letter_above_latin1(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = first_lead_above_latin1(bytes, from) {
        // A byte of 0xC4 or more starts a character.
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            return false;
        };
        if c.is_alphabetic() {
            return true;
        }
        from = at + c.len_utf8();
    }
    false
}

/// The first byte of `bytes` from `from` on that is 0xC4 or more, eight at
/// a time (asked for each document and each haystack that is not a slice
/// of one, and most have none).
fn first_lead_above_latin1(bytes: &[u8], from: usize) -> Option<usize> {
    use crate::text::swar::{HIGH, ONES, word};
    let mut at = from;
    while at + 8 <= bytes.len() {
        let w = word(bytes, at);
        // A byte with its high bit set is 0xC4 or more when its low seven
        // bits are 0x44 or more: adding 0x3C then sets bit 7 (and never
        // carries out of the byte).
        let hit = ((w & !HIGH) + 0x3C * ONES) & w & HIGH;
        if hit != 0 {
            return Some(at + hit.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    (bytes.get(at..)?.iter())
        .position(|&b| b >= 0xC4)
        .map(|p| at + p)
}

/// A pattern with its letter and digit classes narrowed to the script
/// Swedish texts are written in: `\p{L}`, `\p{Lu}` and `\p{Ll}` (also
/// inside brackets) match letters of the Latin script only (a–z, å, ä, ö,
/// é, ü, ø, ç, ł, ş...), and `\d` matches 0–9. Every pattern is compiled
/// through this: a class of all Unicode letters makes the automata several
/// times larger, which costs time on every sentence and when the rules load.
/// A doubled backslash (`\\p`) is a literal backslash and stays.
pub fn latin_letters(pattern: &str) -> String {
    with_classes(pattern, &LATIN_CLASSES)
}

/// A pattern whose letter classes match ASCII and Latin-1 letters only (the
/// Latin letters up to U+00FF: a–z, å, ä, ö, é, ü, ø, ç, ß...), and `\d`
/// 0–9. On a text without a letter above U+00FF it matches exactly as
/// [`latin_letters`] does.
pub fn latin1_letters(pattern: &str) -> String {
    with_classes(pattern, &LATIN1_CLASSES)
}

/// `pattern` with each class of `classes` replaced by its explicit ranges.
fn with_classes(pattern: &str, classes: &[(&str, String); 4]) -> String {
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut rest = pattern;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let replaced = classes.iter().find(|(from, _)| rest.starts_with(from));
        match replaced {
            Some((from, to)) => {
                out.push_str(to);
                rest = &rest[from.len()..];
            }
            None => {
                // Any other escape, `\\` included, is copied whole.
                let len = rest[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[..1 + len]);
                rest = &rest[1 + len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The classes [`latin_letters`] puts in, each as the explicit ranges of
/// `[\p{..}&&\p{Latin}]` (the same set, case folding included: test
/// `latin_classes_are_the_intersections_they_stand_for`). Computed once:
/// intersecting two Unicode tables at each of the hundreds of places the
/// macros put a letter class, or parsing long `\x{..}` ranges there, was
/// a quarter of the instructions of loading the rules.
static LATIN_CLASSES: LazyLock<[(&str, String); 4]> = LazyLock::new(|| letter_classes(""));

/// The classes [`latin1_letters`] puts in: those of [`LATIN_CLASSES`]
/// without the letters above U+00FF.
static LATIN1_CLASSES: LazyLock<[(&str, String); 4]> =
    LazyLock::new(|| letter_classes(r"&&\x00-\xFF"));

/// The letter classes intersected with the Latin script and `within` (a
/// further `&&` intersection, or nothing), and `\d` as 0–9.
fn letter_classes(within: &str) -> [(&'static str, String); 4] {
    let narrowed = |class: &str| explicit_ranges(&format!(r"[\p{{{class}}}&&\p{{Latin}}{within}]"));
    [
        (r"\p{Lu}", narrowed("Lu")),
        (r"\p{Ll}", narrowed("Ll")),
        (r"\p{L}", narrowed("L")),
        (r"\d", "[0-9]".to_string()),
    ]
}

/// A bracket class listing the code point ranges of a class pattern.
fn explicit_ranges(class: &str) -> String {
    let hir = regex_syntax::Parser::new()
        .parse(class)
        .unwrap_or_else(|e| unreachable!("{class} parses: {e}"));
    let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(set)) = hir.kind()
    else {
        unreachable!("{class} is a Unicode class")
    };
    // Letters as themselves (none is special in a class), anything else
    // escaped; a one-letter range as the letter: the text stays short,
    // and parsing it is what the class costs each time.
    let item = |c: char| {
        if c.is_alphabetic() {
            c.to_string()
        } else {
            format!(r"\x{{{:X}}}", u32::from(c))
        }
    };
    let mut out = String::from("[");
    for r in set.ranges() {
        out.push_str(&item(r.start()));
        if r.end() != r.start() {
            out.push('-');
            out.push_str(&item(r.end()));
        }
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn letter_classes_are_narrowed_to_the_latin_script() {
        let hir = |p: &str| regex_syntax::Parser::new().parse(p).expect("parses");
        assert_eq!(
            hir(&latin_letters(r"\p{Lu}[\p{Ll}'-]+\s\d{4}")),
            hir(r"[\p{Lu}&&\p{Latin}][[\p{Ll}&&\p{Latin}]'-]+\s[0-9]{4}")
        );
        // An escaped backslash and other classes stay as they are.
        assert_eq!(latin_letters(r"\\p{L}\P{L}\w"), r"\\p{L}\P{L}\w");
        let name = regex::Regex::new(&latin_letters(r"^\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+$"))
            .expect("a valid pattern");
        for latin in ["Łukasz Nowak", "Çağla Şahin", "Åsa Öberg", "Nguyễn Văn"] {
            assert!(name.is_match(latin), "{latin}");
        }
        assert!(!name.is_match("Иван Петров"));
    }

    #[test]
    fn latin_classes_are_the_intersections_they_stand_for() {
        let hir = |p: &str| regex_syntax::Parser::new().parse(p).expect("parses");
        for class in ["Lu", "Ll", "L"] {
            let intersection = format!(r"[\p{{{class}}}&&\p{{Latin}}]");
            let narrowed = latin_letters(&format!(r"\p{{{class}}}"));
            assert!(!narrowed.contains(r"\p"), "{narrowed}");
            // Alone, inside brackets, and folded for case.
            for (before, after) in [("", ""), ("[", "'-]"), ("(?i)", ""), ("(?i)x[", "']")] {
                assert_eq!(
                    hir(&format!("{before}{narrowed}{after}")),
                    hir(&format!("{before}{intersection}{after}")),
                    "{before}\\p{{{class}}}{after}"
                );
            }
        }
    }

    #[test]
    fn latin1_classes_are_the_latin_ones_up_to_u00ff() {
        let hir = |p: &str| regex_syntax::Parser::new().parse(p).expect("parses");
        for class in ["Lu", "Ll", "L"] {
            let narrowed = latin1_letters(&format!(r"\p{{{class}}}"));
            assert_eq!(
                hir(&narrowed),
                hir(&format!(r"[\p{{{class}}}&&\p{{Latin}}&&\x00-\xFF]"))
            );
        }
        assert_eq!(latin1_letters(r"\\p{L}\P{L}\w"), r"\\p{L}\P{L}\w");
    }

    #[test]
    fn letters_above_latin1_are_found_and_dashes_are_not() {
        assert!(!has_letter_above_latin1(
            "Åsa Öberg – ”socialchef” i Malmö 🙂"
        ));
        for text in ["Ivana Marković", "Łukasz", "– ſ", "Ω", "x\u{212A}"] {
            assert!(has_letter_above_latin1(text), "{text}");
        }
    }

    #[test]
    fn slices_of_a_latin1_text_need_no_look() {
        let text = String::from("Åsa Öberg – socialchef");
        let copy = text.clone();
        within_text(&text, || {
            assert!(in_latin1_text(&text[5..]));
            assert!(!in_latin1_text(&copy));
            within_text("Ivana Marković", || assert!(!in_latin1_text(&text)));
            assert!(in_latin1_text(&text));
        });
        assert!(!in_latin1_text(&text));
        let name = compile_pattern(r"\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+").expect("compiles");
        let other = String::from("Ivana Marković");
        within_text(&text, || {
            assert_eq!(
                name.find(&other).map(|m| m.as_str()),
                Some("Ivana Marković")
            );
        });
    }

    proptest! {
        #[test]
        fn the_first_lead_byte_above_latin1_is_found(bytes in proptest::collection::vec(any::<u8>(), 0..40), from in 0usize..40) {
            let from = from.min(bytes.len());
            let want = bytes[from..].iter().position(|&b| b >= 0xC4).map(|p| from + p);
            prop_assert_eq!(first_lead_above_latin1(&bytes, from), want);
        }
    }

    #[test]
    fn a_name_with_a_letter_above_latin1_is_matched_whole() {
        let name = compile_pattern(r"\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+").expect("compiles");
        let found = |t: &str| name.find(t).map(|m| m.as_str().to_string());
        assert_eq!(
            found("säger Ivana Marković, socialchef").as_deref(),
            Some("Ivana Marković")
        );
        assert_eq!(
            found("säger Åsa Öberg, socialchef").as_deref(),
            Some("Åsa Öberg")
        );
        assert_eq!(found("Иван Петров").as_deref(), None);
        // The same pattern without letter classes is compiled once.
        assert!(
            compile_pattern("socialchef")
                .expect("compiles")
                .wide
                .is_none()
        );
    }

    proptest! {
        /// On any text the pattern finds what the Latin-script regex finds:
        /// texts mix ASCII, Latin-1, dashes and letters above U+00FF.
        #[test]
        fn patterns_match_as_the_latin_script_regex(
            text in r"[a-zA-Z åäöÅÄÖéüß,.–”\-]{0,40}(?:[ćŁſ\u{212A}Ωd][a-zåäö ]{0,10}){0,2}"
        ) {
            for source in [
                r"\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)+",
                r"(?i)(?:^|[^\p{L}\p{N}_])s\p{L}*(?:[^\p{L}\p{N}_]|$)",
                r"[\p{L}-]+\s+\d",
            ] {
                let pattern = compile_pattern(source).expect("compiles");
                let wide = Regex::new(&latin_letters(source)).expect("compiles");
                let all = |re: &Regex| re.find_iter(&text).map(|m| m.range()).collect::<Vec<_>>();
                prop_assert_eq!(all(pattern.for_text(&text)), all(&wide), "{}", source);
            }
        }
    }
}
