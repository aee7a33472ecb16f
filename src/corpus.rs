//! Reading a corpus: the documents of a folder, with every unusable file
//! reported (named, with its problem) and the rest read.
//!
//! The entry point is [`read_corpus`]; [`list_files`] walks a folder and
//! [`read_document`] reads one file, both used by `ingest` as well.
//!
//! # What is read
//!
//! Only regular files named `*.txt` are read (a FIFO, socket or device is
//! skipped unopened, so it cannot hang a run). Their size is checked twice
//! against the limit: from the metadata before opening, and while reading
//! (at most `max + 1` bytes are read), so a file that grows is never read
//! whole. A subfolder that cannot be listed and a symbolic link that loops
//! (to itself, through other links, or to a folder above it) are reported
//! as skipped entries; the walk goes on. Only the corpus folder itself
//! failing to list is an error.
//!
//! # Decoding
//!
//! A file is decoded only when its encoding is certain:
//!
//! - a UTF-8 byte order mark is dropped;
//! - a UTF-16 byte order mark (`FF FE` little-endian, `FE FF` big-endian)
//!   decodes the rest as UTF-16; an unpaired surrogate or an odd last byte
//!   skips the file as [`SkipReason::InvalidUtf16`] with its byte offset;
//! - bytes that are valid UTF-8 are UTF-8;
//! - bytes that are not are decoded as Windows-1252 (a superset of
//!   Latin-1) only when all of these hold: no byte is a control other than
//!   tab, line feed, carriage return and form feed (no NUL, no DEL); no byte
//!   is one Windows-1252 leaves undefined (`81 8D 8F 90 9D`); no part of
//!   the file is non-ASCII UTF-8 (a file of mixed encodings is not
//!   guessed); and at least half of the bytes from `80` on are the letters
//!   typical of Swedish, å ä ö Å Ä Ö é É ü. Otherwise the file is skipped as
//!   [`SkipReason::InvalidUtf8`] with the offset of its first bad byte.
//!
//! A file with a NUL byte anywhere (UTF-16 aside, where the decoded text is
//! checked), or with more than 5% control bytes in its first 8 KiB, is
//! skipped as binary. A decoded document records its [`Encoding`], which
//! the commands report as a note. Line ends are kept as they are (`\r\n`
//! too): `text` normalises them, and spans are code points into the
//! decoded text, carriage returns counted, the byte order mark not.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The largest document read by default (bytes).
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A document of the corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file stem (`000_8926704fb0129f77`).
    pub id: String,
    pub path: PathBuf,
    /// The decoded text, without a byte order mark.
    pub text: String,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
    /// How the file's bytes were decoded.
    pub encoding: Encoding,
}

impl Document {
    /// The note for a file decoded from another encoding than UTF-8.
    pub fn decoded(&self) -> Option<Decoded> {
        (self.encoding != Encoding::Utf8).then(|| Decoded {
            path: self.path.clone(),
            encoding: self.encoding,
        })
    }
}

/// The encoding a document was decoded from (see the module's header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    #[default]
    Utf8,
    /// UTF-16, little-endian, with a byte order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte order mark.
    Utf16Be,
    /// Windows-1252, by the rule of the module's header.
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// A file read after decoding from another encoding than UTF-8: a note,
/// not a skip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub path: PathBuf,
    pub encoding: Encoding,
}

impl fmt::Display for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "note: {}: decoded as {}",
            self.path.display(),
            self.encoding
        )
    }
}

/// Why a file (or a folder) was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Opening or reading the file failed (the system's reason).
    Unreadable(String),
    /// Listing a subfolder failed (the system's reason).
    UnreadableFolder(String),
    /// A symbolic link that leads back to itself or to a folder above it.
    SymlinkLoop,
    /// A FIFO, socket, device or folder where a file was expected.
    NotRegularFile,
    /// Nothing but white space.
    Empty,
    /// Larger than the limit: the size from the metadata, or `None` when
    /// the file grew past the limit while it was read.
    TooLarge { bytes: Option<u64>, max: u64 },
    /// NUL bytes, or many control bytes.
    Binary,
    /// Not UTF-8 nor certainly Windows-1252; `at` is the byte offset of the
    /// first bad byte.
    InvalidUtf8 { at: usize },
    /// A UTF-16 byte order mark, then a bad code unit at byte offset `at`.
    InvalidUtf16 { at: usize },
    /// The id (file stem) of a file read before.
    DuplicateId(PathBuf),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unreadable(e) => write!(f, "cannot be read: {e}"),
            SkipReason::UnreadableFolder(e) => write!(f, "cannot read folder: {e}"),
            SkipReason::SymlinkLoop => write!(
                f,
                "is a symlink loop (it leads back to itself or to a folder above it)"
            ),
            SkipReason::NotRegularFile => write!(
                f,
                "is not a regular file (a FIFO, socket or device is not read)"
            ),
            SkipReason::Empty => write!(f, "is empty"),
            SkipReason::TooLarge {
                bytes: Some(bytes),
                max,
            } => write!(
                f,
                "is too large ({bytes} bytes, the limit is {max}; raise it with --max-bytes)"
            ),
            SkipReason::TooLarge { bytes: None, max } => write!(
                f,
                "is too large (it grew past the limit of {max} bytes while read; raise it with --max-bytes)"
            ),
            SkipReason::Binary => write!(f, "is a binary file, not text"),
            SkipReason::InvalidUtf8 { at } => write!(
                f,
                "is not valid UTF-8 (first bad byte at offset {at}) and not certainly Windows-1252; convert it to UTF-8"
            ),
            SkipReason::InvalidUtf16 { at } => write!(
                f,
                "is not valid UTF-16 after its byte order mark (bad code unit at byte offset {at})"
            ),
            SkipReason::DuplicateId(other) => {
                write!(
                    f,
                    "has the same name as {} (documents are identified by file stem)",
                    other.display()
                )
            }
        }
    }
}

/// A file that was not read, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "skipped {}: {}", self.path.display(), self.reason)
    }
}

/// What [`list_files`] found: the files to read, and the entries that
/// cannot be (unreadable subfolders, symlink loops), both sorted by path.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
}

/// The `.txt` files under `dir` (recursively, following symbolic links
/// that do not loop), sorted by path. Only `dir` itself failing to list is
/// an error; a subfolder that cannot be read and a symlink loop are
/// returned as skipped.
pub fn list_files(dir: &Path) -> io::Result<Listing> {
    let entries = fs::read_dir(dir)?;
    let mut listing = Listing::default();
    let mut above = vec![fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())];
    walk(dir, entries, &mut above, &mut listing);
    listing.files.sort();
    listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listing)
}

/// Lists the folder `dir` (whose entries are `entries`) into `out`;
/// `above` holds the canonical paths of `dir` and the folders above it.
fn walk(dir: &Path, entries: fs::ReadDir, above: &mut Vec<PathBuf>, out: &mut Listing) {
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => paths.push(e.path()),
            Err(e) => {
                out.skipped.push(Skipped {
                    path: dir.to_path_buf(),
                    reason: SkipReason::UnreadableFolder(io_problem(&e)),
                });
                break;
            }
        }
    }
    paths.sort();
    let txt = |p: &Path| p.extension().is_some_and(|e| e == "txt");
    for path in paths {
        let skip = |out: &mut Listing, reason| {
            out.skipped.push(Skipped {
                path: path.clone(),
                reason,
            })
        };
        // Follows symbolic links.
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(_) if is_symlink_loop(&path) => {
                skip(out, SkipReason::SymlinkLoop);
                continue;
            }
            Err(e) if txt(&path) => {
                skip(out, SkipReason::Unreadable(io_problem(&e)));
                continue;
            }
            // A broken link or vanished entry that is no document.
            Err(_) => continue,
        };
        if meta.is_dir() {
            let canonical = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if above.contains(&canonical) {
                skip(out, SkipReason::SymlinkLoop);
                continue;
            }
            match fs::read_dir(&path) {
                Ok(entries) => {
                    above.push(canonical);
                    walk(&path, entries, above, out);
                    above.pop();
                }
                Err(e) => skip(out, SkipReason::UnreadableFolder(io_problem(&e))),
            }
        } else if txt(&path) {
            out.files.push(path);
        }
    }
}

/// Whether `path` is a symbolic link whose chain of links comes back to a
/// link already followed (or is longer than the system would follow).
fn is_symlink_loop(path: &Path) -> bool {
    let mut seen = HashSet::new();
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = fs::read_link(&p) else {
            return false;
        };
        if !seen.insert(p.clone()) {
            return true;
        }
        p = match p.parent() {
            Some(parent) => parent.join(target),
            None => target,
        };
    }
    true
}

/// The system's reason for an I/O failure, in the words of our messages.
fn io_problem(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::NotFound => "not found".to_string(),
        _ => {
            let s = e.to_string();
            // "Too many levels of symbolic links (os error 40)"
            let s = s.split(" (os error").next().unwrap_or(&s);
            let mut c = s.chars();
            c.next()
                .map(|first| first.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// Reads one document, or says why it cannot be used: only a regular
/// file, never more than `max_bytes + 1` bytes of it.
pub fn read_document(path: &Path, max_bytes: u64) -> Result<Document, SkipReason> {
    let unreadable = |e: io::Error| SkipReason::Unreadable(io_problem(&e));
    let meta = fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(SkipReason::NotRegularFile);
    }
    if meta.len() > max_bytes {
        return Err(SkipReason::TooLarge {
            bytes: Some(meta.len()),
            max: max_bytes,
        });
    }
    let file = fs::File::open(path).map_err(unreadable)?;
    let bytes = read_bounded(file, max_bytes, meta.len())?;
    document_from_bytes(path, bytes)
}

/// Reads `reader` to its end unless it holds more than `max` bytes;
/// `expected` (the size from the metadata) sizes the buffer.
pub fn read_bounded(reader: impl Read, max: u64, expected: u64) -> Result<Vec<u8>, SkipReason> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected.min(max)).unwrap_or(0));
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| SkipReason::Unreadable(io_problem(&e)))?;
    if bytes.len() as u64 > max {
        return Err(SkipReason::TooLarge { bytes: None, max });
    }
    Ok(bytes)
}

/// Checks and decodes a document's bytes (see the module's header).
pub fn document_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Document, SkipReason> {
    let hash = hex(&Sha256::digest(&bytes));
    let (text, encoding) = decode(bytes)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Document {
        id,
        path: path.to_path_buf(),
        text,
        hash,
        encoding,
    })
}

/// The text of a file's bytes, without a byte order mark, and how it was
/// decoded.
fn decode(bytes: Vec<u8>) -> Result<(String, Encoding), SkipReason> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let text = decode_utf16(rest, u16::from_le_bytes)?;
        check_content(text.as_bytes())?;
        return Ok((text, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let text = decode_utf16(rest, u16::from_be_bytes)?;
        check_content(text.as_bytes())?;
        return Ok((text, Encoding::Utf16Be));
    }
    const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    check_content(&bytes[bom..])?;
    let mut bytes = bytes;
    bytes.drain(..bom);
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Encoding::Utf8)),
        Err(e) => {
            let at = bom + e.utf8_error().valid_up_to();
            windows_1252(e.as_bytes())
                .map(|text| (text, Encoding::Windows1252))
                .ok_or(SkipReason::InvalidUtf8 { at })
        }
    }
}

/// Skips text that is only white space, or binary: a NUL anywhere, or
/// more than 5% control bytes in the first 8 KiB.
fn check_content(bytes: &[u8]) -> Result<(), SkipReason> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SkipReason::Empty);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().filter(|&&b| is_control(b)).count();
    if memchr::memchr(0, bytes).is_some() || controls * 20 > head.len() {
        return Err(SkipReason::Binary);
    }
    Ok(())
}

/// A C0 control byte other than tab, line feed, form feed and carriage
/// return, or DEL.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c | b'\r')) || b == 0x7F
}

/// UTF-16 code units (two bytes each, `unit` puts them together) as text;
/// offsets count the byte order mark.
fn decode_utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, SkipReason> {
    let pairs = body.chunks_exact(2);
    let odd = !pairs.remainder().is_empty();
    let units = pairs.map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(body.len());
    let mut at = 2;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                at += 2 * c.len_utf16();
            }
            Err(_) => return Err(SkipReason::InvalidUtf16 { at }),
        }
    }
    if odd {
        return Err(SkipReason::InvalidUtf16 { at });
    }
    Ok(text)
}

/// Windows-1252's characters for the bytes 80–9F (`None`: undefined); the
/// bytes A0–FF are U+00A0–U+00FF, as in Latin-1.
const WINDOWS_1252_80: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The Windows-1252 bytes of å ä ö Å Ä Ö é É ü.
const SWEDISH_1252: &[u8] = &[0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xE9, 0xC9, 0xFC];

/// `bytes` decoded as Windows-1252 when that is certain by the rule of
/// the module's header, else `None`.
fn windows_1252(bytes: &[u8]) -> Option<String> {
    let (mut high, mut swedish) = (0usize, 0usize);
    for &b in bytes {
        if is_control(b) {
            return None;
        }
        if b >= 0x80 {
            high += 1;
            swedish += usize::from(SWEDISH_1252.contains(&b));
        }
    }
    if swedish == 0 || swedish * 2 < high {
        return None;
    }
    // Non-ASCII UTF-8 somewhere: the file mixes encodings.
    if bytes.utf8_chunks().any(|c| !c.valid().is_ascii()) {
        return None;
    }
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => WINDOWS_1252_80[usize::from(b - 0x80)],
            _ => Some(char::from(b)),
        })
        .collect()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads every document under `dir`. Files and folders that cannot be used
/// are returned with their reasons, sorted by path; they never stop the
/// others. Only `dir` itself failing to list is an error.
pub fn read_corpus(dir: &Path, max_bytes: u64) -> io::Result<(Vec<Document>, Vec<Skipped>)> {
    let Listing { files, mut skipped } = list_files(dir)?;
    let mut docs: Vec<Document> = Vec::new();
    let mut ids = DocumentIds::default();
    for path in files {
        match read_document(&path, max_bytes).and_then(|d| ids.claim(&d).map(|()| d)) {
            Ok(d) => docs.push(d),
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((docs, skipped))
}

/// The ids of the documents read so far, with their files: a second file
/// with an id already read (the same stem in another folder) is skipped.
#[derive(Debug, Default)]
pub struct DocumentIds(rustc_hash::FxHashMap<String, PathBuf>);

impl DocumentIds {
    /// Records `d`'s id, or says which file had it first.
    pub fn claim(&mut self, d: &Document) -> Result<(), SkipReason> {
        match self.0.get(&d.id) {
            Some(first) => Err(SkipReason::DuplicateId(first.clone())),
            None => {
                self.0.insert(d.id.clone(), d.path.clone());
                Ok(())
            }
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8]) -> Result<Document, SkipReason> {
        document_from_bytes(Path::new("x.txt"), bytes.to_vec())
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            out.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    const SWEDISH: &str = "Anna Ek, socialchef i Borås, möter Åsa och Örjan – “Säg hej”.\r\n";

    #[test]
    fn bad_inputs_are_named() {
        assert_eq!(check(b"").unwrap_err(), SkipReason::Empty);
        assert_eq!(check(b"  \n").unwrap_err(), SkipReason::Empty);
        assert_eq!(check(b"\xEF\xBB\xBF \n").unwrap_err(), SkipReason::Empty);
        assert_eq!(
            check(b"PK\x03\x04\x00\x00abc").unwrap_err(),
            SkipReason::Binary
        );
        assert_eq!(
            check(b"ok \x81\x8d bad").unwrap_err(),
            SkipReason::InvalidUtf8 { at: 3 }
        );
        let d = check("\u{FEFF}Hej Borås".as_bytes()).unwrap();
        assert_eq!(d.text, "Hej Borås");
        assert_eq!(d.id, "x");
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.decoded(), None);
    }

    #[test]
    fn nul_bytes_anywhere_are_binary() {
        let mut text = "Anna Ek är socialchef. ".repeat(1000).into_bytes();
        text.push(0);
        text.extend(b"mer text");
        assert_eq!(check(&text).unwrap_err(), SkipReason::Binary);
        assert_eq!(check(b"text\x00").unwrap_err(), SkipReason::Binary);
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let le = check(&utf16(SWEDISH, false)).unwrap();
        assert_eq!(
            (le.text.as_str(), le.encoding),
            (SWEDISH, Encoding::Utf16Le)
        );
        let be = check(&utf16(SWEDISH, true)).unwrap();
        assert_eq!(
            (be.text.as_str(), be.encoding),
            (SWEDISH, Encoding::Utf16Be)
        );
        assert_eq!(
            be.decoded().map(|d| d.to_string()),
            Some("note: x.txt: decoded as UTF-16BE".to_string())
        );
        // Outside the BMP: a surrogate pair.
        assert_eq!(check(&utf16("a😀b", false)).unwrap().text, "a😀b");
    }

    #[test]
    fn invalid_utf16_is_skipped_with_its_offset() {
        // "ab", then an unpaired high surrogate at byte 6, then "c".
        let mut bytes = utf16("ab", false);
        bytes.extend([0x00, 0xD8, b'c', 0x00]);
        assert_eq!(
            check(&bytes).unwrap_err(),
            SkipReason::InvalidUtf16 { at: 6 }
        );
        // A lone low surrogate.
        assert_eq!(
            check(&[0xFE, 0xFF, 0xDC, 0x00]).unwrap_err(),
            SkipReason::InvalidUtf16 { at: 2 }
        );
        // An odd last byte.
        let mut odd = utf16("abc", true);
        odd.push(b'd');
        assert_eq!(check(&odd).unwrap_err(), SkipReason::InvalidUtf16 { at: 8 });
        // Empty and binary once decoded.
        assert_eq!(check(&utf16(" \n", false)).unwrap_err(), SkipReason::Empty);
        assert_eq!(
            check(&utf16("a\0b", false)).unwrap_err(),
            SkipReason::Binary
        );
    }

    #[test]
    fn windows_1252_only_when_certain() {
        let cp1252: Vec<u8> = SWEDISH
            .chars()
            .map(|c| match c {
                '–' => 0x96,
                '“' => 0x93,
                '”' => 0x94,
                c => u8::try_from(u32::from(c)).unwrap(),
            })
            .collect();
        let d = check(&cp1252).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            (SWEDISH, Encoding::Windows1252)
        );
        assert_eq!(check(b"Bor\xe5s").unwrap().text, "Borås");
        // Not certain: no Swedish letter, an undefined byte, a control, mixed
        // with UTF-8, or mostly other high bytes.
        for (bytes, at) in [
            (&b"caf\xff"[..], 3),
            (b"Bor\xe5s \x81", 3),
            (b"Bor\xe5s ligger i V\xe4sterg\xf6tland\x01", 3),
            (b"Bor\xe5s och Bor\xc3\xa5s", 3),
            (b"x\xe5\xfe\xfd\xfb", 1),
        ] {
            assert_eq!(
                check(bytes).unwrap_err(),
                SkipReason::InvalidUtf8 { at },
                "{bytes:?}"
            );
        }
        // The offset counts a UTF-8 byte order mark.
        assert_eq!(
            check(b"\xEF\xBB\xBFok\xff").unwrap_err(),
            SkipReason::InvalidUtf8 { at: 5 }
        );
    }

    #[test]
    fn crlf_is_kept() {
        assert_eq!(check(b"a\r\nb\r\n").unwrap().text, "a\r\nb\r\n");
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let big = vec![b'a'; 1000];
        assert_eq!(
            read_bounded(&big[..], 999, 10).unwrap_err(),
            SkipReason::TooLarge {
                bytes: None,
                max: 999
            }
        );
        assert_eq!(read_bounded(&big[..], 1000, 10).unwrap().len(), 1000);
        assert_eq!(read_bounded(&big[..], u64::MAX, 0).unwrap().len(), 1000);
    }

    #[test]
    fn too_large_and_not_regular_files_are_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("a.txt");
        fs::write(&f, "Anna Ek är socialchef.").unwrap();
        assert_eq!(
            read_document(&f, 5).unwrap_err(),
            SkipReason::TooLarge {
                bytes: Some(23),
                max: 5
            }
        );
        assert_eq!(
            read_document(tmp.path(), 100).unwrap_err(),
            SkipReason::NotRegularFile
        );
        assert!(matches!(
            read_document(&tmp.path().join("gone.txt"), 100),
            Err(SkipReason::Unreadable(e)) if e == "not found"
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_skipped_and_the_walk_goes_on() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/doc.txt"), "Anna Ek är socialchef.").unwrap();
        fs::write(root.join("top.txt"), "Bo Ek är kurator.").unwrap();
        fs::write(root.join("notes.md"), "not read").unwrap();
        symlink("b.txt", root.join("a.txt")).unwrap();
        symlink("a.txt", root.join("b.txt")).unwrap();
        symlink("self", root.join("self")).unwrap();
        symlink("..", root.join("sub/up")).unwrap();
        symlink("gone", root.join("dangling")).unwrap();
        symlink("sub/doc.txt", root.join("link.txt")).unwrap();
        let l = list_files(root).unwrap();
        let rel = |p: &Path| p.strip_prefix(root).unwrap().display().to_string();
        let files: Vec<String> = l.files.iter().map(|p| rel(p)).collect();
        assert_eq!(files, ["link.txt", "sub/doc.txt", "top.txt"]);
        let skipped: Vec<(String, SkipReason)> = l
            .skipped
            .iter()
            .map(|s| (rel(&s.path), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("a.txt".to_string(), SkipReason::SymlinkLoop),
                ("b.txt".to_string(), SkipReason::SymlinkLoop),
                ("self".to_string(), SkipReason::SymlinkLoop),
                ("sub/up".to_string(), SkipReason::SymlinkLoop),
            ]
        );
        // The corpus folder itself failing is an error.
        assert!(list_files(&root.join("missing")).is_err());
    }

    #[test]
    fn io_problems_read_as_messages() {
        let e = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            SkipReason::UnreadableFolder(io_problem(&e)).to_string(),
            "cannot read folder: permission denied"
        );
        let e = io::Error::other("Too many levels of symbolic links (os error 40)");
        assert_eq!(io_problem(&e), "too many levels of symbolic links");
    }
}
