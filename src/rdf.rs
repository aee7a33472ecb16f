//! RDF: the vocabulary and the mapping of facts to triples. Only this module
//! mints IRIs; every IRI comes from a stable key (a name, a code, a hash of a
//! fact's content), never from a counter, and no blank node is made.
//!
//! The entry point is [`GraphBuilder`]; [`to_turtle`] writes sorted Turtle.

use std::collections::{BTreeMap, BTreeSet};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use sha2::{Digest, Sha256};

use crate::corpus::{Document, hex};
use crate::facts::{EntityKind, Fact, Relation};
use crate::resolve::org_key;
use crate::rules::Rules;

/// Namespaces and the terms the graph uses.
pub mod vocab {
    pub const SG: &str = "https://w3id.org/socialgraf/ns#";
    pub const ID: &str = "https://w3id.org/socialgraf/id/";
    pub const PROBLEM: &str = "https://w3id.org/socialgraf/problem/";
    pub const ORG: &str = "http://www.w3.org/ns/org#";
    pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
    pub const SCHEMA: &str = "https://schema.org/";
    pub const PROV: &str = "http://www.w3.org/ns/prov#";
    pub const OA: &str = "http://www.w3.org/ns/oa#";
    pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
    pub const DCTERMS: &str = "http://purl.org/dc/terms/";
    pub const DCTYPE: &str = "http://purl.org/dc/dcmitype/";
    pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
    pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

    /// Prefixes written in Turtle output, in this order.
    pub const PREFIXES: [(&str, &str); 25] = [
        ("sg", SG),
        ("person", "https://w3id.org/socialgraf/id/person/"),
        ("organisation", "https://w3id.org/socialgraf/id/org/"),
        ("kommun", "https://w3id.org/socialgraf/id/kommun/"),
        ("lan", "https://w3id.org/socialgraf/id/lan/"),
        ("role", "https://w3id.org/socialgraf/id/role/"),
        ("membership", "https://w3id.org/socialgraf/id/membership/"),
        ("event", "https://w3id.org/socialgraf/id/event/"),
        ("initiative", "https://w3id.org/socialgraf/id/initiative/"),
        ("doc", "https://w3id.org/socialgraf/id/doc/"),
        ("rule", "https://w3id.org/socialgraf/id/rule/"),
        ("fact", "https://w3id.org/socialgraf/id/fact/"),
        ("problem", PROBLEM),
        ("org", ORG),
        ("foaf", FOAF),
        ("schema", SCHEMA),
        ("prov", PROV),
        ("oa", OA),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("dctype", DCTYPE),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("xsd", XSD),
        ("owl", "http://www.w3.org/2002/07/owl#"),
    ];
}

use vocab::*;

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// A lowercase ASCII slug: `Sävsjö Kommun` → `savsjo-kommun`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let mapped = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' => 'u',
            'í' | 'ì' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if mapped == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(mapped);
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "x".to_string() } else { out }
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize()[..8])
}

fn lit(s: &str) -> Term {
    Literal::new_simple_literal(s).into()
}

fn lang(s: &str, tag: &str) -> Term {
    Literal::new_language_tagged_literal_unchecked(s, tag).into()
}

fn typed(s: &str, dt: &str) -> Term {
    Literal::new_typed_literal(s, iri(XSD, dt)).into()
}

/// IRIs of the graph's entities, minted from stable keys.
pub mod ids {
    use super::*;

    pub fn person(name: &str) -> NamedNode {
        iri(ID, &format!("person/{}", slug(&crate::eval::norm(name))))
    }
    pub fn municipality(code: &str) -> NamedNode {
        iri(ID, &format!("kommun/{code}"))
    }
    /// The SCB code of a municipality's IRI (the inverse of
    /// [`municipality`]); `None` for any other IRI.
    pub fn municipality_code(iri: &str) -> Option<&str> {
        iri.strip_prefix(ID)?.strip_prefix("kommun/")
    }
    pub fn county(name: &str) -> NamedNode {
        iri(ID, &format!("lan/{}", slug(name)))
    }
    pub fn org(name: &str, kommun: &str, kind: &EntityKind) -> NamedNode {
        match kind {
            EntityKind::Municipality if !kommun.is_empty() => municipality(kommun),
            _ => iri(ID, &format!("org/{}", slug(&org_key(name, kommun, kind)))),
        }
    }
    pub fn role(lemma: &str) -> NamedNode {
        iri(ID, &format!("role/{}", slug(lemma)))
    }
    pub fn event(name: &str) -> NamedNode {
        iri(ID, &format!("event/{}", slug(&crate::eval::norm(name))))
    }
    pub fn initiative(name: &str, scope: &str) -> NamedNode {
        let n = slug(&crate::eval::norm(name));
        if scope.is_empty() {
            iri(ID, &format!("initiative/{n}"))
        } else {
            iri(ID, &format!("initiative/{n}--{}", slug(scope)))
        }
    }
    pub fn concept(id: &str) -> NamedNode {
        iri(PROBLEM, id)
    }
    pub fn document(id: &str) -> NamedNode {
        iri(ID, &format!("doc/{}", slug(id)))
    }
    pub fn rule(id: &str) -> NamedNode {
        iri(ID, &format!("rule/{}", slug(id)))
    }
}

/// The named graphs of the store: one per document, one for what every
/// build shares (municipalities and counties), one for loaded files and one
/// for the store's own bookkeeping (never exported).
pub mod graphs {
    use super::*;

    pub const BASE: &str = "https://w3id.org/socialgraf/graph/";

    pub fn shared() -> NamedNode {
        iri(BASE, "shared")
    }
    pub fn meta() -> NamedNode {
        iri(BASE, "meta")
    }
    pub fn document(id: &str) -> NamedNode {
        iri(BASE, &format!("doc/{}", slug(id)))
    }
    pub fn loaded(file_name: &str) -> NamedNode {
        iri(BASE, &format!("load/{}", slug(file_name)))
    }
    /// The results of `analyze --write`, replaced as a whole on each run.
    pub fn analytics() -> NamedNode {
        iri(BASE, "analytics")
    }
    /// Whether `graph` holds one document's facts.
    pub fn is_document(graph: &str) -> bool {
        graph.starts_with(&format!("{BASE}doc/"))
    }
}

/// The triples every build shares: municipalities and counties.
pub fn shared_triples(rules: &Rules) -> Vec<Triple> {
    let mut g = GraphBuilder::new();
    g.add_municipalities(rules);
    g.triples()
}

/// The triples of one document: its node and its facts with provenance.
pub fn document_triples(
    doc: &Document,
    source: &str,
    facts: &[Fact],
    rules: &Rules,
) -> Vec<Triple> {
    let mut g = GraphBuilder::new();
    // What an initiative addresses is said of the initiative its document
    // names as run by an organisation (the `addresses` row carries no
    // municipality of its own).
    for f in facts.iter().filter(|f| f.relation == Relation::Initiative) {
        g.initiative_scope
            .entry(crate::eval::norm(&f.subject))
            .or_insert_with(|| f.kommun.clone());
    }
    g.add_document(doc, source);
    for f in facts {
        g.add_fact(f, rules);
    }
    g.triples()
}

/// The bookkeeping triple that records which rules built the store.
pub fn rules_fingerprint_triple(fingerprint: &str) -> Triple {
    Triple::new(
        graphs::meta(),
        iri(SG, "rulesFingerprint"),
        lit(fingerprint),
    )
}

/// Triples read back from several graphs, merged and put in the order
/// [`GraphBuilder::triples`] gives: the union of the documents' graphs is
/// then exactly the graph a whole-corpus build makes.
pub fn in_output_order(triples: impl IntoIterator<Item = Triple>) -> Vec<Triple> {
    let mut g = GraphBuilder::new();
    let person = format!("{ID}person/");
    let (name, label) = (format!("{FOAF}name"), format!("{RDFS}label"));
    let (start, end) = (format!("{OA}start"), format!("{OA}end"));
    let offsets = [start.as_str(), end.as_str()];
    for t in triples {
        // The graph has no blank nodes; a loaded file's are left out.
        let NamedOrBlankNode::NamedNode(s) = &t.subject else {
            continue;
        };
        if s.as_str().starts_with(&person) {
            if let Term::Literal(l) = &t.object {
                if t.predicate.as_str() == name {
                    let names = g.person_names.entry(s.clone()).or_default();
                    names.insert(l.value().to_string());
                    continue;
                }
                if t.predicate.as_str() == label {
                    continue;
                }
            }
        }
        // Oxigraph keeps an xsd:nonNegativeInteger as an xsd:integer: the
        // selectors' offsets get their type back.
        let object = match &t.object {
            Term::Literal(l) if offsets.contains(&t.predicate.as_str()) => {
                typed(l.value(), "nonNegativeInteger")
            }
            other => other.clone(),
        };
        g.add(s, t.predicate.clone(), object);
    }
    g.triples()
}

/// Collects triples; the set is sorted, so output order never depends on
/// the order facts were added in.
#[derive(Default)]
pub struct GraphBuilder {
    /// The triples as added, repeats included: [`GraphBuilder::triples`]
    /// sorts them and drops the repeats.
    triples: Vec<(NamedNode, NamedNode, Term)>,
    /// Person node → the spellings of its name seen.
    person_names: BTreeMap<NamedNode, BTreeSet<String>>,
    /// Initiative name (normalised) → the municipality code of the
    /// initiative node its `addresses` facts attach to.
    initiative_scope: BTreeMap<String, String>,
}

impl GraphBuilder {
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    fn add(&mut self, s: &NamedNode, p: NamedNode, o: impl Into<Term>) {
        self.triples.push((s.clone(), p, o.into()));
    }

    fn a(&mut self, s: &NamedNode, class: NamedNode) {
        self.add(s, iri(RDF, "type"), class);
    }

    /// Adds the municipalities and counties of the gazetteer.
    pub fn add_municipalities(&mut self, rules: &Rules) {
        for m in &rules.municipalities {
            let node = ids::municipality(&m.code);
            self.a(&node, iri(SG, "Municipality"));
            self.a(&node, iri(ORG, "Organization"));
            self.add(&node, iri(RDFS, "label"), lang(&m.name, "sv"));
            self.add(&node, iri(SKOS, "altLabel"), lang(&m.official(), "sv"));
            self.add(&node, iri(SG, "municipalityCode"), lit(&m.code));
            let county = ids::county(&m.county);
            self.add(&node, iri(SG, "county"), county.clone());
            self.a(&county, iri(SG, "County"));
            self.add(&county, iri(RDFS, "label"), lang(&m.county, "sv"));
        }
    }

    /// Adds a document node.
    pub fn add_document(&mut self, doc: &Document, source: &str) {
        let node = ids::document(&doc.id);
        self.a(&node, iri(DCTYPE, "Text"));
        self.a(&node, iri(PROV, "Entity"));
        self.add(&node, iri(DCTERMS, "identifier"), lit(&doc.id));
        self.add(&node, iri(DCTERMS, "source"), lit(source));
        self.add(&node, iri(SG, "contentHash"), lit(&doc.hash));
    }

    fn person(&mut self, name: &str) -> NamedNode {
        let node = ids::person(name);
        self.a(&node, iri(FOAF, "Person"));
        self.person_names
            .entry(node.clone())
            .or_default()
            .insert(name.to_string());
        node
    }

    fn org(&mut self, name: &str, kommun: &str, kind: &EntityKind, rules: &Rules) -> NamedNode {
        // A known organisation is one node whichever of its names was used.
        let known = rules.known_org(name);
        let name = known.map_or(name, |k| k.name.as_str());
        let node = ids::org(name, kommun, kind);
        if let Some(k) = known {
            for alias in &k.aliases {
                self.add(&node, iri(SKOS, "altLabel"), lit(alias));
            }
        }
        if let EntityKind::Municipality = kind {
            if !kommun.is_empty() {
                // The official name is in the shared graph already
                // (`add_municipalities`); said again in every document's
                // graph, it would match once per document in the union of
                // the graphs, which Oxigraph takes as a bag.
                let official = rules
                    .municipality_by_code(kommun)
                    .is_some_and(|m| m.official() == name);
                if !official {
                    self.add(&node, iri(SKOS, "altLabel"), lang(name, "sv"));
                }
                return node;
            }
        }
        self.a(&node, iri(ORG, "Organization"));
        self.add(&node, iri(RDFS, "label"), lit(name));
        if let EntityKind::Organisation(t) = kind {
            self.add(&node, iri(SG, "orgType"), lit(t));
        }
        if !kommun.is_empty() && rules.municipality_by_code(kommun).is_some() {
            let m = ids::municipality(kommun);
            self.add(&node, iri(SG, "inMunicipality"), m.clone());
            self.add(&node, iri(ORG, "unitOf"), m.clone());
            self.add(&m, iri(ORG, "hasUnit"), node.clone());
        }
        node
    }

    fn rule(&mut self, id: &str, rules: &Rules) -> NamedNode {
        let node = ids::rule(id);
        self.a(&node, iri(SG, "Rule"));
        self.a(&node, iri(PROV, "Plan"));
        self.add(&node, iri(SG, "ruleId"), lit(id));
        let file = rules
            .patterns
            .iter()
            .find(|r| r.id == id)
            .map(|r| {
                format!(
                    "extract/rules/{}",
                    r.file
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default()
                )
            })
            .unwrap_or_else(|| "extract/problems.toml".to_string());
        self.add(&node, iri(DCTERMS, "source"), lit(&file));
        node
    }

    /// Adds a fact: its statement and its provenance.
    pub fn add_fact(&mut self, f: &Fact, rules: &Rules) {
        let (s, p, o, membership): (NamedNode, NamedNode, NamedNode, Option<NamedNode>) =
            match f.relation {
                Relation::Membership => {
                    let person = self.person(&f.subject);
                    let org = self.org(&f.object, &f.kommun, &f.org_kind, rules);
                    let m = iri(
                        ID,
                        &format!(
                            "membership/{}",
                            short_hash(&[person.as_str(), &f.role, org.as_str()])
                        ),
                    );
                    self.a(&m, iri(ORG, "Membership"));
                    self.add(&m, iri(ORG, "member"), person.clone());
                    self.add(&m, iri(ORG, "organization"), org.clone());
                    if !f.role.is_empty() {
                        let role = ids::role(&f.role);
                        self.a(&role, iri(ORG, "Role"));
                        self.add(&role, iri(SKOS, "prefLabel"), lang(&f.role, "sv"));
                        self.add(&m, iri(ORG, "role"), role);
                    }
                    (person, iri(ORG, "memberOf"), org, Some(m))
                }
                Relation::Initiative => {
                    let org = self.org(&f.object, &f.kommun, &f.org_kind, rules);
                    let node = ids::initiative(&f.subject, &f.kommun);
                    self.a(&node, iri(SG, "Initiative"));
                    self.add(&node, iri(RDFS, "label"), lit(&f.subject));
                    self.add(&node, iri(SG, "runBy"), org.clone());
                    (node, iri(SG, "runBy"), org, None)
                }
                Relation::Addresses => {
                    let scope = self
                        .initiative_scope
                        .get(&crate::eval::norm(&f.subject))
                        .unwrap_or(&f.kommun)
                        .clone();
                    let node = ids::initiative(&f.subject, &scope);
                    self.a(&node, iri(SG, "Initiative"));
                    self.add(&node, iri(RDFS, "label"), lit(&f.subject));
                    let c = ids::concept(&f.object);
                    self.add(&node, iri(SG, "addresses"), c.clone());
                    (node, iri(SG, "addresses"), c, None)
                }
                Relation::Faces => {
                    let org = self.org(&f.subject, &f.kommun, &f.org_kind, rules);
                    let c = ids::concept(&f.object);
                    self.add(&org, iri(SG, "faces"), c.clone());
                    (org, iri(SG, "faces"), c, None)
                }
                Relation::Attended => {
                    let person = self.person(&f.subject);
                    let ev = ids::event(&f.object);
                    self.a(&ev, iri(SCHEMA, "Event"));
                    self.add(&ev, iri(RDFS, "label"), lit(&f.object));
                    self.add(&person, iri(SG, "attended"), ev.clone());
                    (person, iri(SG, "attended"), ev, None)
                }
            };
        let start = f.start.to_string();
        let end = f.end.to_string();
        let h = short_hash(&[
            &f.doc,
            &start,
            &end,
            f.relation.as_str(),
            s.as_str(),
            p.as_str(),
            o.as_str(),
            &f.role,
            &f.rule,
        ]);
        let fact = iri(ID, &format!("fact/{h}"));
        for class in [iri(SG, "Fact"), iri(OA, "Annotation"), iri(PROV, "Entity")] {
            self.a(&fact, class);
        }
        self.add(&fact, iri(SG, "relation"), lit(f.relation.as_str()));
        self.add(&fact, iri(RDF, "subject"), s);
        self.add(&fact, iri(RDF, "predicate"), p);
        self.add(&fact, iri(RDF, "object"), o);
        if let Some(m) = membership {
            self.add(&fact, iri(SG, "membership"), m);
        }
        let rule = self.rule(&f.rule, rules);
        self.add(&fact, iri(SG, "rule"), rule);
        let doc = ids::document(&f.doc);
        self.add(&fact, iri(PROV, "wasDerivedFrom"), doc.clone());
        self.add(&fact, iri(SG, "evidence"), lit(&f.evidence));
        let target = iri(ID, &format!("fact/{h}-target"));
        let pos = iri(ID, &format!("fact/{h}-position"));
        let quote = iri(ID, &format!("fact/{h}-quote"));
        self.add(&fact, iri(OA, "hasTarget"), target.clone());
        self.a(&target, iri(OA, "SpecificResource"));
        self.add(&target, iri(OA, "hasSource"), doc);
        self.add(&target, iri(OA, "hasSelector"), pos.clone());
        self.add(&target, iri(OA, "hasSelector"), quote.clone());
        self.a(&pos, iri(OA, "TextPositionSelector"));
        self.add(&pos, iri(OA, "start"), typed(&start, "nonNegativeInteger"));
        self.add(&pos, iri(OA, "end"), typed(&end, "nonNegativeInteger"));
        self.a(&quote, iri(OA, "TextQuoteSelector"));
        self.add(&quote, iri(OA, "exact"), lit(&f.evidence));
    }

    /// The triples, sorted by subject, then `rdf:type` first, then
    /// predicate and object.
    pub fn triples(mut self) -> Vec<Triple> {
        // One name per person: the first spelling in sort order, so variants
        // that normalise alike do not give a person two names.
        for (node, names) in std::mem::take(&mut self.person_names) {
            if let Some(name) = names.first() {
                self.add(&node, iri(FOAF, "name"), lit(name));
                self.add(&node, iri(RDFS, "label"), lit(name));
            }
        }
        // By subject; within one, `rdf:type` first, then by predicate and
        // by the object's N-Triples form (made once per triple).
        type Keyed = (String, (NamedNode, NamedNode, Term));
        fn order<'t>((key, (s, p, _)): &'t Keyed, ty: &str) -> (&'t str, bool, &'t str, &'t str) {
            (s.as_str(), p.as_str() != ty, p.as_str(), key.as_str())
        }
        let ty = format!("{RDF}type");
        let mut keyed: Vec<Keyed> = (self.triples.into_iter())
            .map(|t| (t.2.to_string(), t))
            .collect();
        keyed.sort_unstable_by(|a, b| order(a, &ty).cmp(&order(b, &ty)));
        keyed.dedup_by(|a, b| order(a, &ty) == order(b, &ty));
        (keyed.into_iter())
            .map(|(_, (s, p, o))| Triple::new(s, p, o))
            .collect()
    }
}

/// One node's figures in one view, as [`AnalyticsBuilder::score`] writes
/// them.
pub struct Scores {
    pub degree: usize,
    pub weighted_degree: f64,
    pub pagerank: f64,
    pub betweenness: f64,
    pub component: usize,
    pub community: Option<usize>,
}

/// An `xsd:double` literal (`INF`, `-INF` and `NaN` spelt as XSD does).
fn double(x: f64) -> Term {
    let text = if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "INF" } else { "-INF" }.to_string()
    } else {
        format!("{x:e}")
    };
    typed(&text, "double")
}

fn integer(n: usize) -> Term {
    typed(&n.to_string(), "integer")
}

/// Builds the triples of an analytics run (`analyze --write`): the run as a
/// `prov:Activity` with its parameters and times, each view's figures,
/// each community with its members and modularity share, and each node's
/// scores in each view.
pub struct AnalyticsBuilder {
    graph: GraphBuilder,
    run: NamedNode,
}

impl AnalyticsBuilder {
    pub fn new(
        settings: &crate::analyze::Settings,
        started: &str,
        ended: &str,
    ) -> AnalyticsBuilder {
        let mut graph = GraphBuilder::new();
        let run = iri(ID, "analysis/run");
        graph.a(&run, iri(PROV, "Activity"));
        graph.a(&run, iri(SG, "AnalyticsRun"));
        graph.add(&run, iri(RDFS, "label"), lit("socialgraf analyze"));
        graph.add(&run, iri(PROV, "startedAtTime"), typed(started, "dateTime"));
        graph.add(&run, iri(PROV, "endedAtTime"), typed(ended, "dateTime"));
        graph.add(&run, iri(SG, "resolution"), double(settings.resolution));
        graph.add(
            &run,
            iri(SG, "seed"),
            typed(&settings.seed.to_string(), "integer"),
        );
        graph.add(&run, iri(SG, "damping"), double(settings.damping));
        graph.add(&run, iri(SG, "tolerance"), double(settings.tolerance));
        if let Some(k) = settings.samples {
            graph.add(&run, iri(SG, "betweennessSamples"), integer(k));
        }
        AnalyticsBuilder { graph, run }
    }

    fn view_node(view: &str) -> NamedNode {
        iri(ID, &format!("analysis/{view}"))
    }

    fn community_node(view: &str, id: usize) -> NamedNode {
        iri(ID, &format!("analysis/{view}/community/{id}"))
    }

    /// A view's size and the modularity of its communities.
    pub fn view(&mut self, view: &str, nodes: usize, edges: usize, modularity: f64) {
        let node = Self::view_node(view);
        let g = &mut self.graph;
        g.a(&node, iri(SG, "AnalyticsView"));
        g.add(&node, iri(RDFS, "label"), lit(view));
        g.add(&node, iri(SG, "nodeCount"), integer(nodes));
        g.add(&node, iri(SG, "edgeCount"), integer(edges));
        g.add(&node, iri(SG, "modularity"), double(modularity));
        g.add(&node, iri(PROV, "wasGeneratedBy"), self.run.clone());
    }

    /// A community of a view with its members.
    pub fn community(&mut self, view: &str, id: usize, members: &[&str], contribution: f64) {
        let node = Self::community_node(view, id);
        let g = &mut self.graph;
        g.a(&node, iri(SG, "Community"));
        g.add(
            &node,
            iri(RDFS, "label"),
            lit(&format!("{view} community {id}")),
        );
        g.add(&node, iri(SG, "view"), Self::view_node(view));
        g.add(&node, iri(SG, "size"), integer(members.len()));
        g.add(
            &node,
            iri(SG, "modularityContribution"),
            double(contribution),
        );
        for m in members {
            g.add(&node, iri(SG, "hasMember"), NamedNode::new_unchecked(*m));
        }
        g.add(&node, iri(PROV, "wasGeneratedBy"), self.run.clone());
    }

    /// A node's scores in a view.
    pub fn score(&mut self, view: &str, node: &str, scores: &Scores) {
        let score = iri(
            ID,
            &format!("analysis/{view}/score/{}", short_hash(&[node])),
        );
        let g = &mut self.graph;
        g.a(&score, iri(SG, "CentralityScore"));
        g.add(&score, iri(SG, "view"), Self::view_node(view));
        g.add(&score, iri(SG, "scoreOf"), NamedNode::new_unchecked(node));
        g.add(&score, iri(SG, "degree"), integer(scores.degree));
        g.add(
            &score,
            iri(SG, "weightedDegree"),
            double(scores.weighted_degree),
        );
        g.add(&score, iri(SG, "pageRank"), double(scores.pagerank));
        g.add(&score, iri(SG, "betweenness"), double(scores.betweenness));
        g.add(&score, iri(SG, "component"), integer(scores.component));
        if let Some(c) = scores.community {
            g.add(&score, iri(SG, "community"), Self::community_node(view, c));
        }
        g.add(&score, iri(PROV, "wasGeneratedBy"), self.run.clone());
    }

    pub fn triples(self) -> Vec<Triple> {
        self.graph.triples()
    }
}

/// Writes triples as Turtle with the project's prefixes, in the given
/// order (consecutive triples of a subject are grouped with `;`).
pub fn to_turtle(triples: &[Triple]) -> anyhow::Result<String> {
    let mut ser = RdfSerializer::from_format(RdfFormat::Turtle);
    for (p, ns) in PREFIXES {
        ser = ser.with_prefix(p, ns)?;
    }
    let mut w = ser.for_writer(Vec::new());
    for t in triples {
        w.serialize_triple(t)?;
    }
    let text = String::from_utf8(w.finish()?)?;
    // The serializer writes its prefix lines in hash order: put them in the
    // order of PREFIXES so the output is the same on every run.
    let (prefix_lines, body): (Vec<&str>, Vec<&str>) = text
        .split_inclusive('\n')
        .partition(|l| l.starts_with("@prefix "));
    let mut out = String::with_capacity(text.len());
    for (p, _) in PREFIXES {
        let head = format!("@prefix {p}: ");
        if let Some(l) = prefix_lines.iter().find(|l| l.starts_with(&head)) {
            out.push_str(l);
        }
    }
    out.extend(body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_stable_ascii() {
        assert_eq!(slug("Sävsjö Kommun"), "savsjo-kommun");
        assert_eq!(slug("  Anna-Lena  Öberg "), "anna-lena-oberg");
        assert_eq!(slug("!!"), "x");
    }

    /// A municipality's official name is said once, in the shared graph:
    /// repeated in every document's graph it would match once per document
    /// in the union of the graphs (a bag). Other spellings stay with the
    /// document that wrote them.
    #[test]
    fn a_document_graph_leaves_a_municipality_official_name_to_the_shared_graph() {
        let rules = Rules::load_default().expect("rules");
        let extractor = crate::extract::Extractor::new(&rules);
        let text = "Borås stad har svårt att rekrytera socionomer. \
                    Även Borås har problem med hög personalomsättning.";
        let doc = Document {
            id: "d".into(),
            path: "d.txt".into(),
            text: text.into(),
            hash: "0".into(),
            encoding: Default::default(),
        };
        let facts = extractor.extract("d", text).facts;
        assert!(!facts.is_empty());
        let borås = ids::municipality("1490");
        let labels = |triples: &[Triple]| -> BTreeSet<String> {
            triples
                .iter()
                .filter(|t| t.subject == borås.clone().into())
                .filter(|t| {
                    [
                        format!("{RDFS}label"),
                        format!("{SKOS}prefLabel"),
                        format!("{SKOS}altLabel"),
                    ]
                    .contains(&t.predicate.as_str().to_string())
                })
                .filter_map(|t| match &t.object {
                    Term::Literal(l) => Some(l.value().to_string()),
                    _ => None,
                })
                .collect()
        };
        let official = rules
            .municipality_by_code("1490")
            .map(|m| m.official())
            .expect("Borås");
        let shared = labels(&shared_triples(&rules));
        let in_doc = labels(&document_triples(&doc, "d.txt", &facts, &rules));
        assert!(shared.contains(&official), "{shared:?}");
        assert!(!in_doc.contains(&official), "{in_doc:?}");
        assert!(in_doc.contains("Borås stad"), "{in_doc:?}");
    }

    #[test]
    fn name_variants_meet() {
        let k = EntityKind::Municipality;
        assert_eq!(
            ids::org("Sävsjö Kommun", "0684", &k),
            ids::org("Sävsjö kommun", "0684", &k)
        );
        let u = EntityKind::Organisation("förvaltning".into());
        assert_eq!(
            ids::org("Socialförvaltningen i Borås", "1490", &u),
            ids::org("socialförvaltningen  i Borås", "1490", &u)
        );
        assert_eq!(ids::person("Anna Berg"), ids::person("anna  berg"));
    }
}
