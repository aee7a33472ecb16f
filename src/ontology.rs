//! The ontology side: the SKOS problem scheme generated from
//! `extract/problems.toml`, and a SHACL check of a graph against
//! `ontology/shapes.ttl` (the subset the shapes file documents), run as
//! SPARQL on an Oxigraph store.
//!
//! The entry points are [`problems_ttl`] and [`check_shapes`].

use std::collections::BTreeMap;
use std::io::BufReader;

use anyhow::{Context, Result};
use oxigraph::model::{Literal, NamedNode, Term, Triple};
use oxigraph::store::Store;
use rio_api::model::{Subject, Term as RioTerm};
use rio_api::parser::TriplesParser;
use rio_turtle::{TurtleError, TurtleParser};

use crate::rdf::vocab::{PROBLEM, RDF, RDFS, SKOS};
use crate::rules::Rules;

fn nn(s: String) -> NamedNode {
    NamedNode::new_unchecked(s)
}

/// The SKOS concept scheme of the problem concepts, as Turtle: ids as local
/// names, Swedish and English labels, scope notes, and the extractor's cue
/// phrases (strong cues as `skos:altLabel`, others as `skos:hiddenLabel`).
pub fn problems_ttl(rules: &Rules) -> Result<String> {
    let scheme = nn(PROBLEM.to_string());
    let ty = nn(format!("{RDF}type"));
    let sv = |s: &str| -> Term { Literal::new_language_tagged_literal_unchecked(s, "sv").into() };
    let en = |s: &str| -> Term { Literal::new_language_tagged_literal_unchecked(s, "en").into() };
    let mut t = vec![
        Triple::new(
            scheme.clone(),
            ty.clone(),
            nn(format!("{SKOS}ConceptScheme")),
        ),
        Triple::new(
            scheme.clone(),
            nn(format!("{RDFS}label")),
            en("socialgraf problem concepts"),
        ),
        Triple::new(
            scheme.clone(),
            nn(format!("{RDFS}label")),
            sv("socialgrafs problembegrepp"),
        ),
    ];
    for c in &rules.concepts {
        let node = nn(format!("{PROBLEM}{}", c.id));
        t.push(Triple::new(
            node.clone(),
            ty.clone(),
            nn(format!("{SKOS}Concept")),
        ));
        t.push(Triple::new(
            node.clone(),
            nn(format!("{SKOS}inScheme")),
            scheme.clone(),
        ));
        t.push(Triple::new(
            node.clone(),
            nn(format!("{SKOS}notation")),
            Literal::new_simple_literal(&c.id),
        ));
        t.push(Triple::new(
            node.clone(),
            nn(format!("{SKOS}prefLabel")),
            sv(&c.label_sv),
        ));
        t.push(Triple::new(
            node.clone(),
            nn(format!("{SKOS}prefLabel")),
            en(&c.label_en),
        ));
        t.push(Triple::new(
            node.clone(),
            nn(format!("{SKOS}scopeNote")),
            en(&c.scope),
        ));
        for s in &c.strong {
            t.push(Triple::new(
                node.clone(),
                nn(format!("{SKOS}altLabel")),
                sv(s),
            ));
        }
        for s in c.cues.iter().filter(|s| !c.strong.contains(s)) {
            t.push(Triple::new(
                node.clone(),
                nn(format!("{SKOS}hiddenLabel")),
                sv(s),
            ));
        }
    }
    let header = "# Problem concepts: the SKOS scheme that `addresses` and `faces` facts point to.\n# Generated from extract/problems.toml by `socialgraf ontology`; do not edit by hand\n# (a test fails when this file is out of date). altLabel: strong cue phrases;\n# hiddenLabel: other cue phrases (`*` = any continuation of the word).\n";
    Ok(format!("{header}{}", crate::rdf::to_turtle(&t)?))
}

/// One SHACL property constraint of the supported subset.
#[derive(Debug, Default, Clone)]
struct PropertyShape {
    path: String,
    min: Option<u64>,
    max: Option<u64>,
    datatype: Option<String>,
    class: Option<String>,
    node_kind: Option<String>,
    message: String,
}

/// A violation found by [`check_shapes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub focus: String,
    pub shape: String,
    pub message: String,
}

fn rio_term(t: &RioTerm<'_>) -> String {
    match t {
        RioTerm::NamedNode(n) => n.iri.to_string(),
        RioTerm::BlankNode(b) => format!("_:{}", b.id),
        RioTerm::Literal(rio_api::model::Literal::Simple { value })
        | RioTerm::Literal(rio_api::model::Literal::LanguageTaggedString { value, .. })
        | RioTerm::Literal(rio_api::model::Literal::Typed { value, .. }) => value.to_string(),
        RioTerm::Triple(_) => String::new(),
    }
}

/// Checks the graph in `store` against a shapes file's node shapes; returns
/// every violation (at most 20 per constraint).
pub fn check_shapes(store: &Store, shapes_ttl: &str) -> Result<Vec<Violation>> {
    const SH: &str = "http://www.w3.org/ns/shacl#";
    let mut by_subject: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut parser = TurtleParser::new(BufReader::new(shapes_ttl.as_bytes()), None);
    parser
        .parse_all(&mut |t| {
            let s = match t.subject {
                Subject::NamedNode(n) => n.iri.to_string(),
                Subject::BlankNode(b) => format!("_:{}", b.id),
                Subject::Triple(_) => return Ok(()),
            };
            by_subject
                .entry(s)
                .or_default()
                .push((t.predicate.iri.to_string(), rio_term(&t.object)));
            Ok(()) as Result<(), TurtleError>
        })
        .context("parsing the shapes file")?;
    let get = |s: &str, p: &str| -> Vec<String> {
        by_subject
            .get(s)
            .map(|v| {
                v.iter()
                    .filter(|(pp, _)| pp == p)
                    .map(|(_, o)| o.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut violations = Vec::new();
    for (shape, props) in &by_subject {
        let Some(class) = props
            .iter()
            .find(|(p, _)| p == &format!("{SH}targetClass"))
            .map(|(_, o)| o.clone())
        else {
            continue;
        };
        for ps in get(shape, &format!("{SH}property")) {
            let one = |p: &str| get(&ps, &format!("{SH}{p}")).into_iter().next();
            let Some(path) = one("path") else { continue };
            let c = PropertyShape {
                path,
                min: one("minCount").and_then(|v| v.parse().ok()),
                max: one("maxCount").and_then(|v| v.parse().ok()),
                datatype: one("datatype"),
                class: one("class"),
                node_kind: one("nodeKind"),
                message: one("message").unwrap_or_default(),
            };
            let mut queries: Vec<(&str, String)> = Vec::new();
            let (cl, p) = (&class, &c.path);
            if let Some(min) = c.min {
                queries.push(("minCount", format!("SELECT ?x WHERE {{ ?x a <{cl}> OPTIONAL {{ ?x <{p}> ?v }} }} GROUP BY ?x HAVING (COUNT(DISTINCT ?v) < {min}) LIMIT 20")));
            }
            if let Some(max) = c.max {
                queries.push(("maxCount", format!("SELECT ?x WHERE {{ ?x a <{cl}> ; <{p}> ?v }} GROUP BY ?x HAVING (COUNT(DISTINCT ?v) > {max}) LIMIT 20")));
            }
            if let Some(dt) = &c.datatype {
                // Oxigraph stores the integer subtypes as xsd:integer, so a
                // non-negative integer is checked by its type and value.
                let filter = if dt == "http://www.w3.org/2001/XMLSchema#nonNegativeInteger" {
                    format!(
                        "!isLiteral(?v) || !(datatype(?v) IN (<{dt}>, <http://www.w3.org/2001/XMLSchema#integer>)) || ?v < 0"
                    )
                } else {
                    format!("!isLiteral(?v) || !sameTerm(datatype(?v), <{dt}>)")
                };
                queries.push(("datatype", format!("SELECT DISTINCT ?x WHERE {{ ?x a <{cl}> ; <{p}> ?v FILTER({filter}) }} LIMIT 20")));
            }
            if let Some(k) = &c.class {
                queries.push(("class", format!("SELECT DISTINCT ?x WHERE {{ ?x a <{cl}> ; <{p}> ?v FILTER NOT EXISTS {{ ?v a/<{RDFS}subClassOf>* <{k}> }} }} LIMIT 20")));
            }
            match c.node_kind.as_deref() {
                Some(k) if k == format!("{SH}IRI") => {
                    queries.push(("nodeKind", format!("SELECT DISTINCT ?x WHERE {{ ?x a <{cl}> ; <{p}> ?v FILTER(!isIRI(?v)) }} LIMIT 20")))
                }
                Some(k) if k == format!("{SH}Literal") => {
                    queries.push(("nodeKind", format!("SELECT DISTINCT ?x WHERE {{ ?x a <{cl}> ; <{p}> ?v FILTER(!isLiteral(?v)) }} LIMIT 20")))
                }
                _ => {}
            }
            for (constraint, q) in queries {
                for row in crate::store::select(store, &q, &["x"])? {
                    violations.push(Violation {
                        focus: row
                            .first()
                            .cloned()
                            .flatten()
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                        shape: shape.clone(),
                        message: format!("{} (sh:{constraint} on {})", c.message, c.path),
                    });
                }
            }
        }
    }
    Ok(violations)
}
