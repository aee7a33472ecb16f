//! Text handling: normalisation of web and PDF-extracted text, sentence and
//! section structure, with every normalised byte mapped back to a Unicode
//! code point offset in the original file.
//!
//! The entry point is [`Text::new`]; extraction works on [`Text::sentences`].

use std::borrow::Cow;

use rustc_hash::FxHashSet;
use unicode_normalization::char::{canonical_combining_class, compose};

/// A document's text after normalisation, with offsets into the original.
#[derive(Debug, Clone)]
pub struct Text {
    /// The normalised text: soft hyphens removed, line-break hyphenation
    /// joined, quotes and dashes unified, NFC, `\r\n` as `\n`.
    pub norm: String,
    /// For each byte of `norm` (plus one past the end): the code point offset
    /// in the original text that produced it.
    map: Vec<u32>,
    /// Sentences in document order.
    pub sentences: Vec<Sentence>,
}

/// A sentence (or a heading, caption or other line-like unit) of a [`Text`].
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Byte range in [`Text::norm`].
    pub start: usize,
    pub end: usize,
    /// Index of the section (article) the sentence belongs to.
    pub section: usize,
    /// Index of the paragraph (block of lines without a blank line).
    pub paragraph: usize,
    /// What kind of unit this is.
    pub kind: SentenceKind,
    /// Interview speaker label that opened this sentence's paragraph
    /// (`Karita: ...`), as written.
    pub speaker: Option<String>,
}

/// The structural role of a [`Sentence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceKind {
    /// Running text.
    Body,
    /// A short line on its own: a title or subheading.
    Heading,
    /// A photo caption (contains `Foto:`).
    Caption,
    /// A byline (`TEXT X`, `Text: X`) or contact block line (address,
    /// phone, web address).
    Meta,
}

impl Text {
    /// Normalises `original` and splits it into sentences and sections.
    pub fn new(original: &str) -> Text {
        let (norm, map) = normalise(original);
        let sentences = split(&norm);
        Text {
            norm,
            map,
            sentences,
        }
    }

    /// The normalised text of a sentence.
    pub fn sentence_text(&self, s: &Sentence) -> &str {
        &self.norm[s.start..s.end]
    }

    /// Code point range in the original text for a byte range of `norm`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let last = self.map.len() - 1;
        let s = self.map[start.min(last)] as usize;
        // The end is exclusive: take the code point after the last byte.
        let e = if end == 0 {
            s
        } else {
            self.map[(end - 1).min(last)] as usize + 1
        };
        (s, e.max(s))
    }
}

/// The same as [`str::to_lowercase`], faster on Swedish text: the standard
/// one looks every non-ASCII character up in a table. A text of ASCII and
/// Latin-1 (the two-byte characters up to U+00FF: Å, Ä, Ö, É...) keeps its
/// length when lowercased: it is lowercased in place, ASCII in one pass and
/// the few capital Latin-1 letters one by one.
pub fn lowercase(s: &str) -> String {
    // A byte from 0xC4 on leads a character beyond U+00FF.
    if s.bytes().fold(0, u8::max) >= 0xC4 {
        return lowercase_any(s);
    }
    let mut out = s.to_owned();
    out.make_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = memchr::memchr(0xC3, &out.as_bytes()[from..]) {
        let at = from + k;
        // À..Þ but ×: 0xC3 0x80..=0x9E, the lowercase letter 0x20 further on.
        if let Some(&b @ 0x80..=0x9E) = out.as_bytes().get(at + 1) {
            if b != 0x97 {
                let lower = char::from_u32(0xC0 + u32::from(b - 0x80) + 0x20).unwrap_or(' ');
                out.replace_range(at..at + 2, lower.encode_utf8(&mut [0; 4]));
            }
        }
        from = at + 2;
    }
    out
}

/// [`lowercase`] of any text: runs of ASCII at once, Latin-1 letters
/// directly, other characters through the standard table.
fn lowercase_any(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    while at < bytes.len() {
        let run = ascii_run(&bytes[at..], &[]);
        let start = out.len();
        out.push_str(&s[at..at + run]);
        out[start..].make_ascii_lowercase();
        at += run;
        let Some(c) = s[at..].chars().next() else {
            break;
        };
        match c {
            // À..Þ: the lowercase letter is 0x20 further on.
            'À'..='Þ' if c != '×' => out.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c)),
            // Caseless, or lowercase already.
            '\u{80}'..='\u{BF}' | '×' | 'ß'..='ÿ' => out.push(c),
            // The capital sigma lowercases by context: the standard way
            // handles it.
            'Σ' => return s.to_lowercase(),
            _ => out.extend(c.to_lowercase()),
        }
        at += c.len_utf8();
    }
    out
}

/// Byte-parallel (SWAR) helpers: eight bytes of text as one `u64`.
pub(crate) mod swar {
    /// 0x01 in every byte.
    pub const ONES: u64 = 0x0101_0101_0101_0101;
    /// The high bit of every byte.
    pub const HIGH: u64 = 0x8080_8080_8080_8080;

    /// The eight bytes of `bytes` from `at` on as one word, the first in
    /// its lowest byte.
    pub fn word(bytes: &[u8], at: usize) -> u64 {
        let mut word = [0; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(word)
    }
}

/// How many bytes at the start of `bytes` are ASCII and none of `stops`
/// (a few ASCII bytes), eight at a time: most of a Swedish text is such
/// runs.
fn ascii_run(bytes: &[u8], stops: &[u8]) -> usize {
    use swar::{HIGH, ONES};
    // The high bit of each byte of `w` equal to `b`, and maybe of bytes
    // above the first such (borrows run upwards): exact for the lowest.
    let equal = |w: u64, b: u8| {
        let x = w ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH
    };
    let mut n = 0;
    while n + 8 <= bytes.len() {
        let w = swar::word(bytes, n);
        let stop = stops.iter().fold(w & HIGH, |m, &b| m | equal(w, b));
        if stop != 0 {
            return n + (stop.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + (bytes[n..].iter())
        .take_while(|&&b| b.is_ascii() && !stops.contains(&b))
        .count()
}

/// `s` with its white space runs collapsed to single spaces and trimmed
/// (names and sentences broken across lines are one line); borrowed when
/// it already is.
pub fn one_line(s: &str) -> Cow<'_, str> {
    let mut previous_space = true;
    let bytes = s.as_bytes();
    let clean = bytes.iter().enumerate().all(|(i, &b)| {
        let ok = match b {
            b' ' => !previous_space,
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => false,
            // The lead bytes of the other white space characters (U+0085,
            // U+00A0, U+1680, U+2000..U+205F, U+3000).
            0xC2 | 0xE1 | 0xE2 | 0xE3 => !s[i..].starts_with(char::is_whitespace),
            _ => true,
        };
        previous_space = b == b' ';
        ok
    }) && !s.ends_with(' ');
    if clean {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

fn is_dash(c: char) -> bool {
    matches!(c, '\u{2013}' | '\u{2014}' | '\u{2012}' | '\u{2212}')
}

/// Applies the character-level normalisations and joins line-break
/// hyphenation. Returns the normalised text and the byte → code point map.
fn normalise(original: &str) -> (String, Vec<u32>) {
    // Words written with a hyphen inside a line anywhere in the document
    // ("Anna-Lena", "LSS-handläggare"): a line-break hyphen between the same
    // halves is kept rather than joined.
    let hyphenated = hyphenated_words(original);
    let bytes = original.as_bytes();
    let mut out = String::with_capacity(original.len());
    let mut map: Vec<u32> = Vec::with_capacity(original.len() + 1);
    let push = |out: &mut String, map: &mut Vec<u32>, c: char, at: u32| {
        let before = out.len();
        out.push(c);
        for _ in before..out.len() {
            map.push(at);
        }
    };
    // ASCII other than these is copied as it is, one byte per character
    // (what [`ascii_run`] skips).
    let plain = |b: u8| b.is_ascii() && !matches!(b, b'\r' | b'\t' | b'-');
    // `at` is a byte offset into `original`, `i` the code point it starts.
    let (mut at, mut i) = (0usize, 0u32);
    while let Some(c) = original[at..].chars().next() {
        if plain(bytes[at]) {
            let run = ascii_run(&bytes[at..], b"\r\t-");
            out.push_str(&original[at..at + run]);
            map.extend(i..i + run as u32);
            at += run;
            i += run as u32;
            continue;
        }
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => {}
            '\r' => {
                if bytes.get(at + 1) != Some(&b'\n') {
                    push(&mut out, &mut map, '\n', i);
                }
            }
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\t' => {
                push(&mut out, &mut map, ' ', i)
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => {
                push(&mut out, &mut map, '"', i)
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => push(&mut out, &mut map, '\'', i),
            '\u{2010}' | '\u{2011}' => push(&mut out, &mut map, '-', i),
            c if is_dash(c) => push(&mut out, &mut map, '\u{2013}', i),
            '-' => {
                if let Some((skip, keep)) = line_break_hyphen(original, at, &hyphenated) {
                    if keep {
                        push(&mut out, &mut map, '-', i);
                    }
                    // The hyphen and the break are ASCII: bytes are chars.
                    at += skip;
                    i += skip as u32;
                    continue;
                }
                push(&mut out, &mut map, '-', i);
            }
            // Combining marks start at U+0300: looking the class of every
            // letter up in the table is slow.
            c if c >= '\u{300}' && canonical_combining_class(c) != 0 => {
                // NFC: compose with the previous character where possible.
                let composed = out
                    .chars()
                    .next_back()
                    .and_then(|prev| compose(prev, c).map(|k| (prev, k)));
                match composed {
                    Some((prev, k)) => {
                        let from = map[out.len() - prev.len_utf8()];
                        for _ in 0..prev.len_utf8() {
                            map.pop();
                        }
                        out.pop();
                        push(&mut out, &mut map, k, from);
                    }
                    None => push(&mut out, &mut map, c, i),
                }
            }
            c => push(&mut out, &mut map, c, i),
        }
        at += c.len_utf8();
        i += 1;
    }
    map.push(i);
    (out, map)
}

/// Lowercased words that contain an inner hyphen on one line.
fn hyphenated_words(text: &str) -> FxHashSet<String> {
    let separator = |c: char| {
        c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '"' | '”')
    };
    let mut set = FxHashSet::default();
    // Only words with a hyphen count: look at the word around each hyphen
    // (words are the pieces between separators).
    let mut done = 0;
    for h in memchr::memchr_iter(b'-', text.as_bytes()) {
        if h < done {
            continue;
        }
        let start = text[..h]
            .char_indices()
            .rev()
            .find(|&(_, c)| separator(c))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let end = text[h..].find(separator).map_or(text.len(), |p| h + p);
        done = end;
        let w = text[start..end].trim_matches('-');
        if w.contains('-') && w.chars().all(|c| c.is_alphanumeric() || c == '-') {
            set.insert(w.to_lowercase());
        }
    }
    set
}

/// At the `-` at byte `at`: if it ends a line and the word continues on the
/// next line (possibly after a blank line and leading spaces, as PDF columns
/// leave it), returns how many bytes to skip (the hyphen and the break, all
/// ASCII) and whether to keep the hyphen.
fn line_break_hyphen(
    text: &str,
    at: usize,
    hyphenated: &FxHashSet<String>,
) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    // The hyphen must follow a letter ("barn- och" has a space after it).
    if !text[..at].chars().next_back()?.is_alphabetic() {
        return None;
    }
    let mut j = at + 1;
    while bytes.get(j) == Some(&b' ') {
        j += 1;
    }
    // A line ends in `\n` or `\r\n`.
    if bytes.get(j) == Some(&b'\r') {
        j += 1;
    }
    if bytes.get(j) != Some(&b'\n') {
        return None;
    }
    let mut newlines = 0;
    while let Some(&b) = bytes.get(j).filter(|&&b| matches!(b, b'\n' | b' ' | b'\r')) {
        newlines += usize::from(b == b'\n');
        j += 1;
    }
    if newlines > 2 {
        return None;
    }
    let next = text[j..].chars().next()?;
    if !next.is_alphabetic() {
        return None;
    }
    // The word before the hyphen and after the break.
    let a = text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '-'))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let b = text[j..]
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(p, _)| j + p);
    let (left, right) = (&text[a..at], &text[j..b]);
    let next_word = right.to_lowercase();
    // "barn-\noch ungdomsvård": a suspended compound before a conjunction.
    if matches!(
        next_word.as_str(),
        "och" | "eller" | "samt" | "resp" | "till"
    ) {
        return None;
    }
    let keep = next.is_uppercase()
        || left.chars().filter(|c| c.is_uppercase()).count() >= 2
        || left.chars().any(|c| c.is_ascii_digit())
        || hyphenated.contains(&format!("{left}-{right}").to_lowercase());
    Some((j - at, keep))
}

/// Splits normalised text into sentences, paragraphs and sections.
fn split(norm: &str) -> Vec<Sentence> {
    let lines = lines_with_offsets(norm);
    let wrapped = is_wrapped(&lines);
    let mut out = Vec::new();
    let mut section = 0usize;
    let mut paragraph = 0usize;
    let mut blank_run = 0usize;
    // Current sentence being accumulated: start byte.
    let mut cur: Option<usize> = None;
    let mut cur_speaker: Option<String> = None;
    let mut prev_line_end: Option<(usize, &str)> = None;

    let flush = |out: &mut Vec<Sentence>,
                 start: usize,
                 end: usize,
                 section: usize,
                 paragraph: usize,
                 speaker: &Option<String>| {
        let s = &norm[start..end];
        let trimmed_start = start + (s.len() - s.trim_start().len());
        let trimmed_end = end - (s.len() - s.trim_end().len());
        if trimmed_end > trimmed_start {
            let t = &norm[trimmed_start..trimmed_end];
            out.push(Sentence {
                start: trimmed_start,
                end: trimmed_end,
                section,
                paragraph,
                kind: classify(t),
                speaker: speaker.clone(),
            });
        }
    };

    for &(ls, le) in &lines {
        let line = &norm[ls..le];
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        // Does this line continue the sentence of the previous line?
        let continues = match prev_line_end {
            Some((_, prev)) if cur.is_some() => {
                let prev_t = prev.trim_end();
                let first = line.trim_start().chars().next().unwrap_or(' ');
                let ends_sentence = prev_t.ends_with(['.', '!', '?', ':', '"']);
                if blank_run > 1 || ends_sentence || first == '–' || first == '•' {
                    false
                } else if blank_run == 1 {
                    // PDF columns leave a blank line inside a sentence.
                    wrapped
                        && first.is_lowercase()
                        && prev_t.ends_with(|c: char| c.is_alphabetic() || c == ',')
                } else if wrapped {
                    prev_t.chars().count() >= 30 || first.is_lowercase()
                } else {
                    // A short capitalised line is a heading, unless it reads
                    // like the start of a sentence ("Det säger Anna Ek,
                    // enhetschef\noch ...").
                    let sentence_like =
                        prev_t.contains(',') || prev_t.split_whitespace().count() >= 6;
                    first.is_lowercase() && (sentence_like || !is_heading_like(prev_t))
                }
            }
            _ => false,
        };
        if !continues {
            if let Some(start) = cur.take() {
                let end = prev_line_end.map(|(e, _)| e).unwrap_or(start);
                flush(&mut out, start, end, section, paragraph, &cur_speaker);
            }
            if blank_run > 0 || prev_line_end.is_none() {
                paragraph += 1;
                cur_speaker = None;
            }
            // Two or more blank lines before a heading-like line open a new
            // section (article); so does a heading after a blank line when
            // the document separates articles that way.
            if !out.is_empty() && blank_run >= 2 && is_heading_like(line.trim()) {
                section += 1;
            }
            if let Some(sp) = speaker_label(line) {
                cur_speaker = Some(sp.to_string());
            }
        }
        blank_run = 0;
        // Split the line into sentences at terminal punctuation.
        let mut start = if continues {
            cur.take().unwrap_or(ls)
        } else {
            ls
        };
        for k in memchr::memchr3_iter(b'.', b'!', b'?', line.as_bytes()) {
            if is_sentence_end(line, k) {
                let end = ls + k + 1;
                flush(&mut out, start, end, section, paragraph, &cur_speaker);
                start = end;
            }
        }
        if start < le && !norm[start..le].trim().is_empty() {
            cur = Some(start);
        }
        prev_line_end = Some((le, line));
    }
    if let (Some(start), Some((end, _))) = (cur, prev_line_end) {
        flush(&mut out, start, end, section, paragraph, &cur_speaker);
    }
    out
}

fn lines_with_offsets(norm: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', norm.as_bytes()) {
        v.push((start, i));
        start = i + 1;
    }
    if start < norm.len() {
        v.push((start, norm.len()));
    }
    v
}

/// PDF-extracted text wraps running text at a fixed width: most non-empty
/// lines are of moderate length and do not end a sentence.
fn is_wrapped(lines: &[(usize, usize)]) -> bool {
    let mut total = 0usize;
    let mut wrapped = 0usize;
    for &(a, b) in lines {
        let n = b - a;
        if n == 0 {
            continue;
        }
        total += 1;
        if (25..=90).contains(&n) {
            wrapped += 1;
        }
    }
    total >= 20 && wrapped * 10 >= total * 6
}

fn is_heading_like(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.chars().count() <= 70
        && !t.ends_with(['.', ',', ';', ':', '-'])
        && t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c == '"' || c.is_ascii_digit())
}

/// Is the `.`/`!`/`?` at byte `k` of `line` the end of a sentence?
fn is_sentence_end(line: &str, k: usize) -> bool {
    let rest = &line[k + 1..];
    let Some(next) = rest.chars().next() else {
        return true;
    };
    if next != ' ' && next != '"' {
        return false;
    }
    let after = rest.trim_start_matches([' ', '"']);
    let Some(first) = after.chars().next() else {
        return true;
    };
    if !(first.is_uppercase() || first == '–' || first.is_ascii_digit()) {
        return false;
    }
    // Abbreviations: "t.ex. Anna", "bl.a. Socialstyrelsen", initials "A. Berg".
    let before = &line[..k];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lw = word.to_lowercase();
    if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
        return false;
    }
    !matches!(
        lw.as_str(),
        "t.ex"
            | "bl.a"
            | "m.m"
            | "d.v.s"
            | "dvs"
            | "s.k"
            | "ca"
            | "jfr"
            | "resp"
            | "nr"
            | "kl"
            | "tel"
            | "t.o.m"
            | "fr.o.m"
            | "p.g.a"
            | "o.s.v"
            | "osv"
            | "etc"
            | "m.fl"
            | "e.d"
            | "ev"
            | "f.d"
            | "fd"
            | "st"
            | "dr"
            | "prof"
    )
}

fn classify(t: &str) -> SentenceKind {
    // "Foto:" or "FOTO:" anywhere, found in one pass over the colons.
    let photo_label = memchr::memchr_iter(b':', t.as_bytes())
        .any(|i| i >= 4 && matches!(&t.as_bytes()[i - 4..i], b"Foto" | b"FOTO"));
    if photo_label || t.starts_with("Foto ") || t.starts_with("FOTO ") {
        return SentenceKind::Caption;
    }
    // Only the start matters, compared without regard to ASCII case: the
    // same as lowercasing it, as the only non-ASCII characters that
    // lowercase to ASCII letters (the Kelvin sign, `İ`) give `k` and `i`,
    // which none of these prefixes holds.
    let starts = |prefix: &str| {
        t.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    if t.starts_with("TEXT ")
        || starts("text:")
        || starts("www.")
        || starts("tel") && t.bytes().any(|b| b.is_ascii_digit())
        || starts("e-post")
        || t.contains('@') && !t.contains(' ')
    {
        return SentenceKind::Meta;
    }
    if !t.ends_with(['.', '!', '?', '"']) && t.chars().count() <= 70 {
        return SentenceKind::Heading;
    }
    SentenceKind::Body
}

/// `Karita: Jag ser...` → `Karita`. A label is one or two capitalised
/// words followed by a colon at the start of a line.
pub fn speaker_label(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let colon = t.find(':')?;
    let label = &t[..colon];
    let rest = t[colon + 1..].trim_start();
    if rest.is_empty() || label.is_empty() || label.chars().count() > 30 {
        return None;
    }
    let words: Vec<&str> = label.split(' ').collect();
    if words.len() > 2 {
        return None;
    }
    let ok = words.iter().all(|w| {
        let mut cs = w.chars();
        cs.next().is_some_and(|c| c.is_uppercase()) && cs.all(|c| c.is_lowercase() || c == '-')
    });
    // "Foto: X", "Text: X" are not speakers.
    if !ok
        || matches!(
            label,
            "Foto" | "Text" | "Källa" | "Bild" | "Tel" | "Fråga" | "Svar" | "Läs" | "Fakta"
        )
    {
        return None;
    }
    Some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_run_stops_where_a_byte_by_byte_scan_does(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b' ', b'\r', b'\t', b'-', b',', 0x7f, 0x80, 0xc3, 0xff, 0, 1]),
                0..40,
            )
        ) {
            let expected = bytes
                .iter()
                .take_while(|&&b| b.is_ascii() && !matches!(b, b'\r' | b'\t' | b'-'))
                .count();
            proptest::prop_assert_eq!(ascii_run(&bytes, b"\r\t-"), expected);
        }

        #[test]
        fn lowercase_is_the_standard_lowercase(s in "\\PC{0,40}") {
            proptest::prop_assert_eq!(lowercase(&s), s.to_lowercase());
        }

        #[test]
        fn lowercase_of_latin_and_greek(s in "[a-zA-Z\u{80}-\u{24F}ΣσςİK ]{0,20}") {
            proptest::prop_assert_eq!(lowercase(&s), s.to_lowercase());
        }

        #[test]
        fn lowercase_of_latin_1(s in "[a-zA-Z0-9 .\u{80}-\u{FF}]{0,30}") {
            proptest::prop_assert_eq!(lowercase(&s), s.to_lowercase());
        }

        #[test]
        fn one_line_collapses_white_space(
            s in "[a\u{e5} \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{a9}\u{1680}\u{1e00}\u{2000}\u{200a}\u{2013}\u{2028}\u{202f}\u{205f}\u{3000}\u{3001}]{0,20}"
        ) {
            proptest::prop_assert_eq!(
                one_line(&s),
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    #[test]
    fn bylines_and_contact_lines_are_meta_in_any_case() {
        for line in [
            "TEXT ANNA EK",
            "Text: Anna Ek",
            "TEXT: ANNA EK",
            "www.mora.se",
            "WWW.MORA.SE",
            "Tel 0250-260 00",
            "TELEFON: 0250-260 00",
            "E-post: anna.ek@mora.se",
            "anna.ek@mora.se",
        ] {
            assert_eq!(classify(line), SentenceKind::Meta, "{line}");
        }
        for line in [
            "Telefonerna ringer hela dagen.",
            "Texten skrevs av Anna Ek.",
            "Anna Ek, socialchef i Mora kommun, nås på mejl.",
        ] {
            assert_eq!(classify(line), SentenceKind::Body, "{line}");
        }
    }

    #[test]
    fn one_line_borrows_a_line_that_is_clean() {
        assert!(matches!(one_line("Anna Ek, socialchef"), Cow::Borrowed(_)));
        assert_eq!(one_line(" Göteborgs\n  regionen "), "Göteborgs regionen");
    }

    fn norm(s: &str) -> String {
        Text::new(s).norm
    }

    #[test]
    fn joins_line_break_hyphenation() {
        assert_eq!(
            norm("Akademiker-\nförbundet SSR"),
            "Akademikerförbundet SSR"
        );
        assert_eq!(
            norm("rimlig ar-\nbetsbelastning"),
            "rimlig arbetsbelastning"
        );
        // A blank line from a PDF column break between the halves.
        assert_eq!(norm("arbetskam-\n\nrater"), "arbetskamrater");
    }

    #[test]
    fn keeps_real_hyphens() {
        assert_eq!(norm("Anna-Lena Berg"), "Anna-Lena Berg");
        assert_eq!(norm("Eva Saapunki-\nBjörk"), "Eva Saapunki-Björk");
        assert_eq!(norm("barn- och ungdomsvård"), "barn- och ungdomsvård");
        assert_eq!(norm("LSS-\nhandläggare"), "LSS-handläggare");
        // The document writes the word with a hyphen elsewhere.
        assert_eq!(
            norm("Vi har en vuxen-enhet. Vi har en vuxen-\nenhet till."),
            "Vi har en vuxen-enhet. Vi har en vuxen-enhet till."
        );
    }

    #[test]
    fn soft_hyphens_quotes_dashes_nfc() {
        assert_eq!(norm("social\u{00AD}sekreterare"), "socialsekreterare");
        assert_eq!(
            norm("\u{201D}ja\u{201D} \u{2014} nej"),
            "\"ja\" \u{2013} nej"
        );
        assert_eq!(norm("Sa\u{0308}vsjo\u{0308}"), "Sävsjö");
        assert_eq!(norm("a\r\nb"), "a\nb");
    }

    #[test]
    fn offsets_point_into_original() {
        let original = "Ett ar-\nbete i Bo\u{0308}ra\u{030A}s.";
        let t = Text::new(original);
        let i = t.norm.find("Börås").unwrap();
        let (s, e) = t.original_span(i, i + "Börås".len());
        let orig: Vec<char> = original.chars().collect();
        assert_eq!(
            orig[s..e].iter().collect::<String>(),
            "Bo\u{0308}ra\u{030A}s"
        );
        let j = t.norm.find("arbete").unwrap();
        let (s, e) = t.original_span(j, j + "arbete".len());
        assert_eq!(orig[s..e].iter().collect::<String>(), "ar-\nbete");
    }

    #[test]
    fn crlf_gives_the_lf_text_with_offsets_counting_cr() {
        let lf = "Ett ar-\nbete i Borås.\n\nNästa stycke.";
        let crlf = lf.replace('\n', "\r\n");
        let (a, b) = (Text::new(lf), Text::new(&crlf));
        assert_eq!(a.norm, b.norm);
        let orig: Vec<char> = crlf.chars().collect();
        let j = b.norm.find("arbete").unwrap();
        let (s, e) = b.original_span(j, j + "arbete".len());
        assert_eq!(orig[s..e].iter().collect::<String>(), "ar-\r\nbete");
        let k = b.norm.find("Nästa").unwrap();
        let (s, e) = b.original_span(k, b.norm.len());
        assert_eq!(orig[s..e].iter().collect::<String>(), "Nästa stycke.");
    }

    #[test]
    fn sentences_and_abbreviations() {
        let t = Text::new("Hon bor i Ale, t.ex. Nödinge. Han bor i Lund! Vem?\n");
        let s: Vec<&str> = t.sentences.iter().map(|s| t.sentence_text(s)).collect();
        assert_eq!(
            s,
            ["Hon bor i Ale, t.ex. Nödinge.", "Han bor i Lund!", "Vem?"]
        );
    }

    #[test]
    fn headings_speakers_captions() {
        let t = Text::new(
            "Rubrik här\n\nKalle: Jag tycker om det. Mycket.\n\nAnna Ek och Bo Ek. Foto: Kim Ek\n",
        );
        assert_eq!(t.sentences[0].kind, SentenceKind::Heading);
        assert_eq!(t.sentences[1].speaker.as_deref(), Some("Kalle"));
        assert_eq!(t.sentences[2].speaker.as_deref(), Some("Kalle"));
        assert_eq!(t.sentences.last().unwrap().kind, SentenceKind::Caption);
    }

    #[test]
    fn sections_split_on_double_blank_lines() {
        let t = Text::new("Första rubriken\n\nText ett.\n\n\nAndra rubriken\n\nText två.\n");
        let secs: Vec<usize> = t.sentences.iter().map(|s| s.section).collect();
        assert_eq!(secs, [0, 0, 1, 1]);
    }

    #[test]
    fn wrapped_pdf_lines_join_into_sentences() {
        let line = "detta är en rad som fortsätter på nästa rad i en spalt\n";
        let mut doc =
            String::from("Anna Berg, enhetschef i Västra \nGöteborg, är inte överraskad.\n");
        for _ in 0..30 {
            doc.push_str(line);
        }
        let t = Text::new(&doc);
        assert_eq!(
            t.sentence_text(&t.sentences[0]),
            "Anna Berg, enhetschef i Västra \nGöteborg, är inte överraskad."
        );
    }
}
