//! A synthetic graph for benchmarks: `K` renamed copies of a real dataset
//! (the quads a build stores, see [`crate::build_dataset`]), deterministic,
//! with the shape of the real graph so the canned queries do real work and
//! return rows.
//!
//! What is copied and what is shared:
//! - per copy: persons, organisations that are not municipalities,
//!   memberships, events, initiatives, documents, facts with their
//!   annotation nodes (target, position and quote selectors), and the
//!   documents' named graphs. Copy `k > 0` appends `~k` to their IRIs (`~`
//!   never occurs in a minted IRI, so copies cannot collide with each other
//!   or with the original) and ` k` to their names (`foaf:name`,
//!   `rdfs:label`, `skos:altLabel`) and document identifiers;
//! - shared by all copies: municipalities, counties, roles, rules, problem
//!   concepts, vocabulary and classes, and the shared graph (written once).
//!
//! Copy 0 is the original, unchanged, so a canned query with a name
//! parameter still finds what it finds in the real graph, while queries that
//! aggregate over municipalities or problems see every copy.
//!
//! The entry points are [`quads`] and [`distinct_triples`].

use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple};

use crate::rdf::{graphs, vocab};

/// Kinds of entity whose IRIs are minted anew in each copy, as IRI
/// prefixes (see [`crate::rdf::ids`]).
const PER_COPY: [&str; 7] = [
    "person/",
    "org/",
    "membership/",
    "event/",
    "initiative/",
    "doc/",
    "fact/",
];

/// Predicates whose literal values are names, varied per copy.
fn is_name(predicate: &str) -> bool {
    [
        format!("{}name", vocab::FOAF),
        format!("{}label", vocab::RDFS),
        format!("{}altLabel", vocab::SKOS),
        format!("{}identifier", vocab::DCTERMS),
    ]
    .iter()
    .any(|p| p == predicate)
}

/// Whether an IRI names a per-copy entity or a document graph.
fn is_per_copy(iri: &str) -> bool {
    if let Some(local) = iri.strip_prefix(vocab::ID) {
        return PER_COPY.iter().any(|p| local.starts_with(p));
    }
    graphs::is_document(iri)
}

fn rename(node: &NamedNode, copy: usize) -> NamedNode {
    if copy == 0 || !is_per_copy(node.as_str()) {
        node.clone()
    } else {
        NamedNode::new_unchecked(format!("{}~{copy}", node.as_str()))
    }
}

fn rename_term(term: &Term, copy: usize) -> Term {
    match term {
        Term::NamedNode(n) => rename(n, copy).into(),
        other => other.clone(),
    }
}

/// A literal with ` copy` appended to its value, language tag or datatype
/// kept.
fn vary(literal: &Literal, copy: usize) -> Literal {
    let value = format!("{} {copy}", literal.value());
    match literal.language() {
        Some(lang) => Literal::new_language_tagged_literal_unchecked(value, lang),
        None => Literal::new_typed_literal(value, literal.datatype().into_owned()),
    }
}

/// Quad `q` of the original as it is in copy `copy`.
pub fn copy_quad(q: &Quad, copy: usize) -> Quad {
    if copy == 0 {
        return q.clone();
    }
    let subject = match &q.subject {
        NamedOrBlankNode::NamedNode(n) => NamedOrBlankNode::NamedNode(rename(n, copy)),
        other => other.clone(),
    };
    let subject_per_copy =
        matches!(&q.subject, NamedOrBlankNode::NamedNode(n) if is_per_copy(n.as_str()));
    let object = match &q.object {
        Term::Literal(l) if subject_per_copy && is_name(q.predicate.as_str()) => {
            vary(l, copy).into()
        }
        other => rename_term(other, copy),
    };
    let graph_name = match &q.graph_name {
        GraphName::NamedNode(n) => GraphName::NamedNode(rename(n, copy)),
        other => other.clone(),
    };
    Quad::new(subject, q.predicate.clone(), object, graph_name)
}

/// Whether a quad's graph is written once for all copies (the shared graph,
/// the default graph, any graph that is not a document's).
fn in_shared_graph(q: &Quad) -> bool {
    match &q.graph_name {
        GraphName::NamedNode(n) => !is_per_copy(n.as_str()),
        _ => true,
    }
}

/// The synthetic dataset: `copies` copies of `original` (at least one, the
/// original itself), in a fixed order: copy 0 whole, then each further copy
/// without the quads of shared graphs.
pub fn quads(original: &[Quad], copies: usize) -> impl Iterator<Item = Quad> + '_ {
    (0..copies.max(1)).flat_map(move |copy| {
        original
            .iter()
            .filter(move |q| copy == 0 || !in_shared_graph(q))
            .map(move |q| copy_quad(q, copy))
    })
}

/// How many quads [`quads`] gives.
pub fn quad_count(original: &[Quad], copies: usize) -> usize {
    let copied = original.iter().filter(|q| !in_shared_graph(q)).count();
    original.len() + copied * (copies.max(1) - 1)
}

/// How many distinct triples the union of the synthetic dataset's graphs
/// holds: those of the original, plus in each further copy those that name
/// a per-copy entity (the others are the same triple in every copy).
pub fn distinct_triples(original: &[Quad], copies: usize) -> usize {
    let mut all = std::collections::HashSet::new();
    let mut copied = std::collections::HashSet::new();
    for q in original {
        let t = Triple::new(q.subject.clone(), q.predicate.clone(), q.object.clone());
        let per_copy = !in_shared_graph(q)
            && (matches!(&t.subject, NamedOrBlankNode::NamedNode(n) if is_per_copy(n.as_str()))
                || matches!(&t.object, Term::NamedNode(n) if is_per_copy(n.as_str())));
        if per_copy {
            copied.insert(t.clone());
        }
        all.insert(t);
    }
    all.len() + copied.len() * (copies.max(1) - 1)
}

/// The fewest copies of `original` whose union holds at least `triples`
/// distinct triples.
pub fn copies_for(original: &[Quad], triples: usize) -> usize {
    let base = distinct_triples(original, 1);
    let per_copy = distinct_triples(original, 2) - base;
    if base >= triples || per_copy == 0 {
        1
    } else {
        1 + (triples - base).div_ceil(per_copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str, p: &str, o: Term, g: &str) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked(p),
            o,
            NamedNode::new_unchecked(g),
        )
    }

    #[test]
    fn copies_rename_entities_and_keep_shared_things() {
        let doc_graph = graphs::document("d1");
        let person = format!("{}person/anna-berg", vocab::ID);
        let kommun = format!("{}kommun/1490", vocab::ID);
        let name = format!("{}name", vocab::FOAF);
        let faces = format!("{}faces", vocab::SG);
        let problem = format!("{}rekrytering", vocab::PROBLEM);
        let original = vec![
            q(
                &person,
                &name,
                Literal::new_simple_literal("Anna Berg").into(),
                doc_graph.as_str(),
            ),
            q(
                &kommun,
                &faces,
                NamedNode::new_unchecked(&problem).into(),
                doc_graph.as_str(),
            ),
            q(
                &kommun,
                &format!("{}label", vocab::RDFS),
                Literal::new_language_tagged_literal_unchecked("Borås", "sv").into(),
                graphs::shared().as_str(),
            ),
        ];
        let all: Vec<Quad> = quads(&original, 3).collect();
        assert_eq!(all.len(), quad_count(&original, 3));
        assert_eq!(all.len(), 3 + 2 * 2);
        assert_eq!(all[..3], original[..]);
        let second = &all[3];
        assert_eq!(
            second.subject.to_string(),
            format!("<{person}~1>"),
            "a person is renamed"
        );
        assert_eq!(second.object.to_string(), "\"Anna Berg 1\"");
        assert_eq!(
            second.graph_name.to_string(),
            format!("<{}~1>", doc_graph.as_str())
        );
        let faced = &all[4];
        assert_eq!(faced.subject.to_string(), format!("<{kommun}>"));
        assert_eq!(faced.object.to_string(), format!("<{problem}>"));
        // Anna Berg three times, the municipality's two triples once each.
        assert_eq!(distinct_triples(&original, 3), 3 + 2);
        assert_eq!(copies_for(&original, 5), 3);
        // Deterministic.
        assert_eq!(all, quads(&original, 3).collect::<Vec<_>>());
    }

    /// The IRIs a quad names, graph included.
    fn iris(q: &Quad) -> Vec<String> {
        let mut out = Vec::new();
        if let NamedOrBlankNode::NamedNode(n) = &q.subject {
            out.push(n.as_str().to_string());
        }
        if let Term::NamedNode(n) = &q.object {
            out.push(n.as_str().to_string());
        }
        if let GraphName::NamedNode(n) = &q.graph_name {
            out.push(n.as_str().to_string());
        }
        out
    }

    #[test]
    fn copies_of_the_seed_dataset_do_not_collide_and_scale() {
        use std::collections::{BTreeSet, HashSet};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = crate::rules::Rules::load_default().expect("rules load");
        let seeds = root.join("corpus/seeds");
        let run = crate::run_corpus(&seeds, &rules, u64::MAX).expect("seeds");
        let seed = crate::build_dataset(&run, &rules, &seeds);
        assert!(!seed.is_empty());
        // Blank nodes would be shared by the copies; a build makes none.
        assert!(
            seed.iter()
                .all(|q| q.subject.is_named_node() && !q.object.is_blank_node())
        );

        // Copy 0 is the original, quad for quad.
        let one: Vec<Quad> = quads(&seed, 1).collect();
        assert_eq!(one, seed);
        assert!(seed.iter().all(|q| copy_quad(q, 0) == *q));

        // The per-copy IRIs of each copy: disjoint from every other copy's.
        let per_copy = |copy: usize| -> BTreeSet<String> {
            seed.iter()
                .flat_map(iris)
                .filter(|i| is_per_copy(i))
                .map(|i| {
                    rename(&NamedNode::new_unchecked(i), copy)
                        .as_str()
                        .to_string()
                })
                .collect()
        };
        let original: BTreeSet<String> = seed.iter().flat_map(iris).collect();
        let sets: Vec<BTreeSet<String>> = (0..4).map(per_copy).collect();
        assert!(!sets[0].is_empty());
        for i in 0..sets.len() {
            assert_eq!(sets[i].len(), sets[0].len(), "copy {i} renames one to one");
            if i > 0 {
                assert!(
                    sets[i].is_disjoint(&original),
                    "copy {i} names an original IRI"
                );
            }
            for j in i + 1..sets.len() {
                assert!(
                    sets[i].is_disjoint(&sets[j]),
                    "copies {i} and {j} share {:?}",
                    sets[i].intersection(&sets[j]).next()
                );
            }
        }

        // Distinct triples grow by the same amount with each copy, and
        // `distinct_triples` counts what `quads` gives.
        let counted = |copies: usize| -> usize {
            quads(&seed, copies)
                .map(|q| Triple::new(q.subject, q.predicate, q.object))
                .collect::<HashSet<_>>()
                .len()
        };
        let base = counted(1);
        let step = counted(2) - base;
        assert!(step > 0);
        for copies in 1..=4 {
            assert_eq!(
                counted(copies),
                base + (copies - 1) * step,
                "{copies} copies"
            );
            assert_eq!(distinct_triples(&seed, copies), counted(copies));
            assert_eq!(quads(&seed, copies).count(), quad_count(&seed, copies));
        }
        let k = copies_for(&seed, 10 * base);
        assert!(distinct_triples(&seed, k) >= 10 * base);
        assert!(distinct_triples(&seed, k - 1) < 10 * base);
    }
}
