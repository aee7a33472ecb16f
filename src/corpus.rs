//! Reading a corpus: the documents of a folder, with every unusable file
//! reported (named, with its problem) and the rest read.
//!
//! The entry point is [`read_corpus`].

use std::fmt;
use std::fs;
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
    pub text: String,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Unreadable(String),
    Empty,
    TooLarge { bytes: u64, max: u64 },
    Binary,
    InvalidUtf8 { at: usize },
    DuplicateId(PathBuf),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unreadable(e) => write!(f, "cannot be read: {e}"),
            SkipReason::Empty => write!(f, "is empty"),
            SkipReason::TooLarge { bytes, max } => write!(
                f,
                "is too large ({bytes} bytes, the limit is {max}; raise it with --max-bytes)"
            ),
            SkipReason::Binary => write!(f, "is a binary file, not text"),
            SkipReason::InvalidUtf8 { at } => {
                write!(f, "is not valid UTF-8 (first bad byte at offset {at})")
            }
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

/// The `.txt` files under `dir` (recursively), sorted by path.
pub fn list_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads one document, or says why it cannot be used.
pub fn read_document(path: &Path, max_bytes: u64) -> Result<Document, SkipReason> {
    let meta = fs::metadata(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if meta.len() > max_bytes {
        return Err(SkipReason::TooLarge {
            bytes: meta.len(),
            max: max_bytes,
        });
    }
    let bytes = fs::read(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    document_from_bytes(path, bytes)
}

/// Checks and decodes a document's bytes.
pub fn document_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Document, SkipReason> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SkipReason::Empty);
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    if head.contains(&0) || controls * 20 > head.len() {
        return Err(SkipReason::Binary);
    }
    let hash = hex(&Sha256::digest(&bytes));
    let text = String::from_utf8(bytes).map_err(|e| SkipReason::InvalidUtf8 {
        at: e.utf8_error().valid_up_to(),
    })?;
    let text = text
        .strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text);
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Document {
        id,
        path: path.to_path_buf(),
        text,
        hash,
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads every document under `dir`. Files that cannot be used are returned
/// with their reasons; they never stop the others.
pub fn read_corpus(dir: &Path, max_bytes: u64) -> std::io::Result<(Vec<Document>, Vec<Skipped>)> {
    let mut docs: Vec<Document> = Vec::new();
    let mut skipped = Vec::new();
    let mut ids = DocumentIds::default();
    for path in list_files(dir)? {
        match read_document(&path, max_bytes).and_then(|d| ids.claim(&d).map(|()| d)) {
            Ok(d) => docs.push(d),
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }
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

    #[test]
    fn bad_inputs_are_named() {
        assert_eq!(check(b"").unwrap_err(), SkipReason::Empty);
        assert_eq!(check(b"  \n").unwrap_err(), SkipReason::Empty);
        assert_eq!(
            check(b"PK\x03\x04\x00\x00abc").unwrap_err(),
            SkipReason::Binary
        );
        assert_eq!(
            check(b"ok \xff\xfe bad").unwrap_err(),
            SkipReason::InvalidUtf8 { at: 3 }
        );
        let d = check("\u{FEFF}Hej Borås".as_bytes()).unwrap();
        assert_eq!(d.text, "Hej Borås");
        assert_eq!(d.id, "x");
    }
}
