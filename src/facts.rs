//! Facts: what extraction produces, and their TSV exchange format
//! (`tests/gold/FORMAT.md`).
//!
//! The entry points are [`Fact`], [`write_tsv`] and [`read_tsv`].

use std::fmt;
use std::str::FromStr;

/// The five relations socialgraf extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    Membership,
    Initiative,
    Addresses,
    Faces,
    Attended,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Membership,
        Relation::Initiative,
        Relation::Addresses,
        Relation::Faces,
        Relation::Attended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Membership => "membership",
            Relation::Initiative => "initiative",
            Relation::Addresses => "addresses",
            Relation::Faces => "faces",
            Relation::Attended => "attended",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Relation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Relation::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| format!("unknown relation {s:?}"))
    }
}

/// What kind of thing a fact's object (or, for `faces`, subject) is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// A municipality itself.
    Municipality,
    /// An organisation; the string is its type (`förvaltning`, `fackförbund`...).
    Organisation(String),
    /// A problem concept id.
    Concept,
    /// An event.
    Event,
    /// Nothing (a role with no organisation named).
    None,
}

/// One extracted fact with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fact {
    pub relation: Relation,
    pub subject: String,
    /// Membership only: the role lemma; empty otherwise.
    pub role: String,
    pub object: String,
    /// SCB code of the municipality the object (for `faces`: the subject)
    /// is or belongs to; empty when none.
    pub kommun: String,
    /// Kind of the organisation side (object, or subject for `faces`).
    pub org_kind: EntityKind,
    /// The canonical name of a known organisation on the organisation side
    /// (`Akademikerförbundet SSR` for `SSR`); empty for others.
    pub org_canonical: String,
    /// Document id (file stem).
    pub doc: String,
    /// Code point span of the evidence in the original file.
    pub start: usize,
    pub end: usize,
    /// The evidence sentence, as normalised text.
    pub evidence: String,
    /// Id of the rule that produced the fact.
    pub rule: String,
}

impl Fact {
    /// The key the scorer deduplicates on.
    pub fn key(&self) -> (Relation, String, String, String, String) {
        (
            self.relation,
            crate::eval::norm(&self.subject),
            crate::eval::norm(&self.role),
            crate::eval::norm(&self.object),
            self.kommun.clone(),
        )
    }

    /// What the fact states, as far as a reader of the TSV can tell: two
    /// facts with the same identity say the same thing (an organisation of a
    /// municipality and the municipality itself are the same side of a
    /// `faces` or `membership` fact when both carry its code).
    pub fn identity(&self) -> (Relation, String, String, String) {
        let by_code = |name: &str| {
            if !self.kommun.is_empty() {
                format!("#{}", self.kommun)
            } else if !self.org_canonical.is_empty() {
                crate::eval::norm(&self.org_canonical)
            } else {
                crate::eval::norm(name)
            }
        };
        match self.relation {
            Relation::Faces => (
                self.relation,
                by_code(&self.subject),
                String::new(),
                crate::eval::norm(&self.object),
            ),
            Relation::Membership | Relation::Initiative => (
                self.relation,
                crate::eval::norm(&self.subject),
                crate::eval::norm(&self.role),
                by_code(&self.object),
            ),
            _ => (
                self.relation,
                crate::eval::norm(&self.subject),
                String::new(),
                crate::eval::norm(&self.object),
            ),
        }
    }

    /// The fact as a line of the exchange format (white space collapsed).
    pub fn tsv_line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}",
            self.relation,
            clean(&self.subject),
            clean(&self.role),
            clean(&self.object),
            self.kommun
        )
    }
}

/// The facts a document states, one per [`Fact::identity`], first
/// occurrence kept (the graph keeps every occurrence as evidence). A role
/// that another fact of the same person and organisation names more
/// precisely (`ordförande` beside `förbundsordförande`) is dropped.
pub fn distinct(facts: &[Fact]) -> Vec<&Fact> {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<_> = facts.iter().map(Fact::identity).collect();
    facts
        .iter()
        .zip(&ids)
        .filter(|(f, id)| {
            if f.relation == Relation::Membership {
                let finer = ids.iter().any(|o| {
                    o.0 == id.0
                        && o.1 == id.1
                        && o.3 == id.3
                        && o.2.len() > id.2.len()
                        && o.2.ends_with(id.2.as_str())
                });
                if finer {
                    return false;
                }
            }
            seen.insert((*id).clone())
        })
        .map(|(f, _)| f)
        .collect()
}

/// The header line of a facts TSV file.
pub const HEADER: &str = "relation\tsubject\trole\tobject\tkommun";

pub(crate) fn clean(s: &str) -> String {
    crate::text::one_line(s).into_owned()
}

/// Writes facts as TSV in the exchange format: the header, then one line
/// per distinct fact (see [`distinct`]).
pub fn write_tsv(facts: &[Fact]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    let mut seen = std::collections::HashSet::new();
    for f in distinct(facts) {
        let line = f.tsv_line();
        if seen.insert(line.clone()) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A row of a facts TSV file (tool output or gold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub relation: Relation,
    pub subject: String,
    pub role: String,
    pub object: String,
    pub kommun: String,
    /// Gold only: a fact a careful reader must find.
    pub required: bool,
    /// The line as written.
    pub line: String,
}

/// Parses a facts TSV file. `gold` reads the `req` column.
pub fn read_tsv(text: &str, gold: bool) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut header_seen = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let mut cols: Vec<&str> = line.split('\t').collect();
        if !header_seen && cols[0].trim().eq_ignore_ascii_case("relation") {
            header_seen = true;
            continue;
        }
        while cols.len() < 6 {
            cols.push("");
        }
        let relation = cols[0]
            .parse::<Relation>()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        rows.push(Row {
            relation,
            subject: cols[1].trim().to_string(),
            role: cols[2].trim().to_string(),
            object: cols[3].trim().to_string(),
            kommun: cols[4].trim().to_string(),
            required: if gold { cols[5].trim() != "0" } else { true },
            line: line.to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let f = Fact {
            relation: Relation::Membership,
            subject: "Anna  Berg".into(),
            role: "socialchef".into(),
            object: "Lunds kommun".into(),
            kommun: "1281".into(),
            org_kind: EntityKind::Municipality,
            org_canonical: String::new(),
            doc: "d".into(),
            start: 0,
            end: 1,
            evidence: "x".into(),
            rule: "r".into(),
        };
        let tsv = write_tsv(&[f.clone(), f]);
        assert_eq!(
            tsv,
            "relation\tsubject\trole\tobject\tkommun\nmembership\tAnna Berg\tsocialchef\tLunds kommun\t1281\n"
        );
        let rows = read_tsv(&tsv, false).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].subject, "Anna Berg");
        assert!(read_tsv("bogus\tx\n", false).is_err());
    }
}
