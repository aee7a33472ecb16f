//! Analytics views: petgraph graphs read from the store with SPARQL, for
//! the algorithms of [`crate::algo`].
//!
//! - [`View::Actors`]: persons, organisations (municipalities among them),
//!   initiatives and events; edges for memberships, `org:unitOf`, `sg:runBy`
//!   and `sg:attended`, weighted by the number of facts that state them (a
//!   unit-of link, stated by no fact, weighs 1).
//! - [`View::MunicipalityProblem`]: the bipartite graph of municipalities
//!   and problem concepts. A municipality is linked to a problem when it or
//!   one of its units faces it, or runs an initiative that addresses it; the
//!   weight is the number of distinct facts (`faces`, `addresses`) behind
//!   the link.
//! - Its projections: [`View::Municipalities`] (two municipalities linked
//!   with weight = the number of problems they share) and [`View::Problems`]
//!   (two problems linked with weight = the number of municipalities where
//!   both recur).
//!
//! Nodes are sorted by IRI and edges by their ends, so a view and
//! everything computed from it is the same on every run.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use oxigraph::model::Term;
use petgraph::graph::{NodeIndex, UnGraph};

use crate::rdf::vocab::{FOAF, ORG, PROV, RDF, RDFS, SCHEMA, SG};
use crate::remote::Queryable;

/// The views `analyze` and `render` work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum View {
    Actors,
    MunicipalityProblem,
    Municipalities,
    Problems,
}

impl View {
    pub const ALL: [View; 4] = [
        View::Actors,
        View::MunicipalityProblem,
        View::Municipalities,
        View::Problems,
    ];

    /// The view's name on the command line and in the graph.
    pub fn name(self) -> &'static str {
        match self {
            View::Actors => "actors",
            View::MunicipalityProblem => "municipality-problem",
            View::Municipalities => "municipalities",
            View::Problems => "problems",
        }
    }
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Person,
    Organisation,
    Municipality,
    Initiative,
    Event,
    Problem,
}

impl NodeKind {
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Person => "person",
            NodeKind::Organisation => "organisation",
            NodeKind::Municipality => "municipality",
            NodeKind::Initiative => "initiative",
            NodeKind::Event => "event",
            NodeKind::Problem => "problem",
        }
    }
}

/// A node of a view: the entity's IRI, a label to show, its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub iri: String,
    pub label: String,
    pub kind: NodeKind,
}

/// A view's graph: undirected, edge weights as `f64`.
pub type ViewGraph = UnGraph<Node, f64>;

/// One municipality–problem link with what supports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Support {
    /// The `sg:Fact`s (IRIs) behind the link.
    pub facts: BTreeSet<String>,
    /// The documents those facts come from.
    pub documents: BTreeSet<String>,
}

/// The municipality–problem links read from the store, the source of
/// [`View::MunicipalityProblem`], its projections and the recurring-problems
/// table.
#[derive(Debug, Clone, Default)]
pub struct ProblemLinks {
    /// (municipality IRI, problem IRI) → support.
    pub links: BTreeMap<(String, String), Support>,
    /// Labels of the municipalities and problems that occur.
    pub labels: BTreeMap<String, String>,
}

/// A problem and the municipalities where it recurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringProblem {
    pub iri: String,
    pub label: String,
    /// Labels of the municipalities, sorted.
    pub municipalities: Vec<String>,
    /// How many distinct documents support it in those municipalities.
    pub documents: usize,
}

fn iri_of(t: &Option<Term>) -> Option<String> {
    match t {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_string()),
        _ => None,
    }
}

fn text_of(t: &Option<Term>) -> Option<String> {
    match t {
        Some(Term::Literal(l)) => Some(l.value().to_string()),
        Some(Term::NamedNode(n)) => Some(n.as_str().to_string()),
        _ => None,
    }
}

/// The last segment of an IRI: a label when the graph has none.
fn local_name(iri: &str) -> String {
    iri.rsplit(['/', '#']).next().unwrap_or(iri).to_string()
}

impl ProblemLinks {
    /// Reads the links from the store. `problem_labels` maps problem IRIs
    /// to labels (the problem scheme lives in the rules, not in the graph).
    ///
    /// The default graph is the union of the documents' graphs as a bag: a
    /// triple that n documents state (an initiative's `sg:runBy`, a unit's
    /// `sg:inMunicipality`) matches n times, so a join of such triples in
    /// one query grows with the square of n. Each query here reads one kind
    /// of triple, made distinct, and the joins are done below.
    pub fn read(
        store: &(impl Queryable + ?Sized),
        problem_labels: &BTreeMap<String, String>,
    ) -> Result<ProblemLinks> {
        let select = crate::store::select;
        let facts = select(
            store,
            &format!(
                "SELECT ?r ?s ?c ?doc ?f WHERE {{ VALUES ?r {{ \"faces\" \"addresses\" }}
                   ?f <{SG}relation> ?r ; <{RDF}subject> ?s ; <{RDF}object> ?c ;
                      <{PROV}wasDerivedFrom> ?doc }}"
            ),
            &["r", "s", "c", "doc", "f"],
        )?;
        let run_by = crate::store::objects_by_subject(store, &format!("{SG}runBy"))?;
        let in_municipality =
            crate::store::objects_by_subject(store, &format!("{SG}inMunicipality"))?;
        // Municipalities with their smallest label, if any.
        let mut municipalities: BTreeMap<String, Option<String>> = BTreeMap::new();
        let query = format!(
            "SELECT DISTINCT ?m ?label WHERE {{ ?m a <{SG}Municipality> OPTIONAL {{ ?m <{RDFS}label> ?label }} }}"
        );
        for row in select(store, &query, &["m", "label"])? {
            if let Some(m) = iri_of(&row[0]) {
                let entry = municipalities.entry(m).or_default();
                if let Some(label) = text_of(&row[1]) {
                    if entry.as_ref().is_none_or(|l| label < *l) {
                        *entry = Some(label);
                    }
                }
            }
        }
        let none = BTreeSet::new();
        let mut out = ProblemLinks::default();
        for row in facts {
            let (Some(s), Some(c), Some(f)) = (iri_of(&row[1]), iri_of(&row[2]), iri_of(&row[4]))
            else {
                continue;
            };
            // Who faces the problem: the fact's subject, or the
            // organisations that run the initiative that addresses it.
            let actors: Vec<&String> = match text_of(&row[0]).as_deref() {
                Some("faces") => vec![&s],
                _ => run_by.get(&s).unwrap_or(&none).iter().collect(),
            };
            let doc = iri_of(&row[3]);
            for actor in actors {
                let own = municipalities.contains_key(actor).then_some(actor);
                let places = in_municipality.get(actor).unwrap_or(&none);
                for m in own.into_iter().chain(places) {
                    let label = municipalities
                        .get(m)
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| local_name(m));
                    out.labels.entry(m.clone()).or_insert(label);
                    let problem_label = problem_labels
                        .get(&c)
                        .cloned()
                        .unwrap_or_else(|| local_name(&c));
                    out.labels.entry(c.clone()).or_insert(problem_label);
                    let support = out.links.entry((m.clone(), c.clone())).or_default();
                    support.facts.insert(f.clone());
                    if let Some(doc) = &doc {
                        support.documents.insert(doc.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    /// Problems ranked by the number of municipalities where they recur
    /// (then by label), each with its municipalities and documents.
    pub fn recurring(&self) -> Vec<RecurringProblem> {
        let mut by_problem: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
        for ((m, c), support) in &self.links {
            let entry = by_problem.entry(c).or_default();
            entry.0.insert(self.label(m));
            entry.1.extend(support.documents.iter().map(String::as_str));
        }
        let mut out: Vec<RecurringProblem> = by_problem
            .into_iter()
            .map(|(c, (ms, docs))| RecurringProblem {
                iri: c.to_string(),
                label: self.label(c).to_string(),
                municipalities: ms.into_iter().map(str::to_string).collect(),
                documents: docs.len(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.municipalities
                .len()
                .cmp(&a.municipalities.len())
                .then_with(|| a.label.cmp(&b.label))
        });
        out
    }

    fn label<'a>(&'a self, iri: &'a str) -> &'a str {
        self.labels.get(iri).map_or(iri, String::as_str)
    }

    fn node(&self, iri: &str, kind: NodeKind) -> Node {
        Node {
            iri: iri.to_string(),
            label: self.label(iri).to_string(),
            kind,
        }
    }

    /// The bipartite municipality–problem graph.
    pub fn bipartite(&self) -> ViewGraph {
        let mut g = GraphBuilder::default();
        for ((m, c), support) in &self.links {
            g.node(self.node(m, NodeKind::Municipality));
            g.node(self.node(c, NodeKind::Problem));
            g.edge(m, c, support.facts.len() as f64);
        }
        g.finish()
    }

    /// The projection on municipalities (`municipalities`) or problems
    /// (`problems`): two nodes linked by the number of nodes of the other
    /// side they share.
    pub fn projection(&self, on_municipalities: bool) -> ViewGraph {
        // Each node of the other side, with the nodes of this side it links.
        let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (m, c) in self.links.keys() {
            let (this, other) = if on_municipalities { (m, c) } else { (c, m) };
            groups.entry(other).or_default().insert(this);
        }
        let kind = if on_municipalities {
            NodeKind::Municipality
        } else {
            NodeKind::Problem
        };
        let mut g = GraphBuilder::default();
        let mut shared: BTreeMap<(&str, &str), f64> = BTreeMap::new();
        for members in groups.values() {
            let members: Vec<&str> = members.iter().copied().collect();
            for (i, a) in members.iter().enumerate() {
                g.node(self.node(a, kind));
                for b in &members[i + 1..] {
                    *shared.entry((a, b)).or_insert(0.0) += 1.0;
                }
            }
        }
        for ((a, b), w) in shared {
            g.edge(a, b, w);
        }
        g.finish()
    }
}

/// Builds a view with nodes sorted by IRI and edges by their ends.
#[derive(Default)]
struct GraphBuilder {
    nodes: BTreeMap<String, Node>,
    edges: BTreeMap<(String, String), f64>,
}

impl GraphBuilder {
    fn node(&mut self, node: Node) {
        self.nodes.entry(node.iri.clone()).or_insert(node);
    }

    /// Adds `w` to the edge between `a` and `b` (either order).
    fn edge(&mut self, a: &str, b: &str, w: f64) {
        if a == b {
            return;
        }
        let key = if a < b { (a, b) } else { (b, a) };
        *self
            .edges
            .entry((key.0.to_string(), key.1.to_string()))
            .or_insert(0.0) += w;
    }

    fn finish(self) -> ViewGraph {
        let mut g = ViewGraph::with_capacity(self.nodes.len(), self.edges.len());
        let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
        for (iri, node) in self.nodes {
            index.insert(iri, g.add_node(node));
        }
        for ((a, b), w) in self.edges {
            if let (Some(&a), Some(&b)) = (index.get(&a), index.get(&b)) {
                g.add_edge(a, b, w);
            }
        }
        g
    }
}

/// The actors view: persons, organisations, initiatives and events, linked
/// by memberships, unit-of, runs and attended.
pub fn actors(store: &(impl Queryable + ?Sized)) -> Result<ViewGraph> {
    let mut g = GraphBuilder::default();
    let kinds = [
        (format!("{FOAF}Person"), NodeKind::Person),
        (format!("{ORG}Organization"), NodeKind::Organisation),
        (format!("{SG}Municipality"), NodeKind::Municipality),
        (format!("{SG}Initiative"), NodeKind::Initiative),
        (format!("{SCHEMA}Event"), NodeKind::Event),
    ];
    let kind_of = |class: &str| kinds.iter().find(|(c, _)| c == class).map(|(_, k)| *k);
    // Nodes that facts or units name; municipalities only when linked (the
    // graph holds all 290 of them). Their classes and labels are read in
    // two queries, each made distinct: in the union of the documents'
    // graphs a node's type and label repeat once per document that names
    // it, and joining both in one query grows with the square of that.
    let stated_by = r#"VALUES ?r { "membership" "initiative" "attended" }"#;
    let linked = format!(
        "{{ SELECT DISTINCT ?n WHERE {{
               {{ {stated_by} ?f <{SG}relation> ?r ; <{RDF}subject>|<{RDF}object> ?n }}
               UNION {{ ?n <{ORG}unitOf> ?m }} UNION {{ ?u <{ORG}unitOf> ?n }}
           }} }}"
    );
    let mut nodes: BTreeMap<String, (NodeKind, Option<String>)> = BTreeMap::new();
    let classes = format!("SELECT DISTINCT ?n ?class WHERE {{ {linked} ?n a ?class }}");
    for row in crate::store::select(store, &classes, &["n", "class"])? {
        let (Some(n), Some(class)) = (iri_of(&row[0]), iri_of(&row[1])) else {
            continue;
        };
        let Some(kind) = kind_of(&class) else {
            continue;
        };
        let entry = nodes.entry(n).or_insert((kind, None));
        // A municipality is also an org:Organization: the narrower kind wins.
        if kind == NodeKind::Municipality {
            entry.0 = kind;
        }
    }
    let labels = format!("SELECT DISTINCT ?n ?label WHERE {{ {linked} ?n <{RDFS}label> ?label }}");
    for row in crate::store::select(store, &labels, &["n", "label"])? {
        let (Some(n), Some(label)) = (iri_of(&row[0]), text_of(&row[1])) else {
            continue;
        };
        if let Some(entry) = nodes.get_mut(&n) {
            if entry.1.as_ref().is_none_or(|l| label < *l) {
                entry.1 = Some(label);
            }
        }
    }
    for (iri, (kind, label)) in &nodes {
        g.node(Node {
            iri: iri.clone(),
            label: label.clone().unwrap_or_else(|| local_name(iri)),
            kind: *kind,
        });
    }
    let stated = format!(
        "SELECT ?a ?b (COUNT(DISTINCT ?f) AS ?n) WHERE {{
           ?f <{SG}relation> ?r ; <{RDF}subject> ?a ; <{RDF}object> ?b . {stated_by}
         }} GROUP BY ?a ?b"
    );
    for row in crate::store::select(store, &stated, &["a", "b", "n"])? {
        if let (Some(a), Some(b)) = (iri_of(&row[0]), iri_of(&row[1])) {
            let w = text_of(&row[2]).and_then(|n| n.parse().ok()).unwrap_or(1.0);
            if nodes.contains_key(&a) && nodes.contains_key(&b) {
                g.edge(&a, &b, w);
            }
        }
    }
    let units = format!("SELECT DISTINCT ?u ?m WHERE {{ ?u <{ORG}unitOf> ?m }}");
    for row in crate::store::select(store, &units, &["u", "m"])? {
        if let (Some(u), Some(m)) = (iri_of(&row[0]), iri_of(&row[1])) {
            if nodes.contains_key(&u) && nodes.contains_key(&m) {
                g.edge(&u, &m, 1.0);
            }
        }
    }
    Ok(g.finish())
}

/// Builds `view` from the store.
pub fn build(
    store: &(impl Queryable + ?Sized),
    view: View,
    problem_labels: &BTreeMap<String, String>,
) -> Result<ViewGraph> {
    Ok(match view {
        View::Actors => actors(store)?,
        View::MunicipalityProblem => ProblemLinks::read(store, problem_labels)?.bipartite(),
        View::Municipalities => ProblemLinks::read(store, problem_labels)?.projection(true),
        View::Problems => ProblemLinks::read(store, problem_labels)?.projection(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::extract::Extractor;
    use crate::rules::Rules;
    use oxigraph::store::Store;

    /// A store holding the graph of `texts`, one document each.
    fn store_of(texts: &[&str]) -> (Store, BTreeMap<String, String>) {
        let rules = Rules::load_default().expect("rules load");
        let extractor = Extractor::new(&rules);
        let mut triples = crate::rdf::shared_triples(&rules);
        for (i, text) in texts.iter().enumerate() {
            let id = format!("d{i}");
            let doc = Document {
                id: id.clone(),
                path: format!("{id}.txt").into(),
                text: text.to_string(),
                hash: String::new(),
                encoding: Default::default(),
            };
            let facts = extractor.extract(&id, text).facts;
            triples.extend(crate::rdf::document_triples(
                &doc,
                &doc.path.to_string_lossy(),
                &facts,
                &rules,
            ));
        }
        let labels = rules
            .concepts
            .iter()
            .map(|c| {
                (
                    crate::rdf::ids::concept(&c.id).as_str().to_string(),
                    c.label_sv.clone(),
                )
            })
            .collect();
        (crate::store::memory_store(&triples).expect("store"), labels)
    }

    fn two_municipalities() -> (Store, BTreeMap<String, String>) {
        store_of(&[
            "Anna Ek, socialchef i Mora kommun, säger att kommunen har svårt att rekrytera socionomer.",
            "Bo Lind, enhetschef på socialförvaltningen i Rättvik, berättar att Rättviks kommun har svårt att rekrytera och en hög personalomsättning.",
        ])
    }

    /// The edges of a view as sorted (label, label, weight) triples.
    fn edges(g: &ViewGraph) -> Vec<(String, String, f64)> {
        let mut out: Vec<(String, String, f64)> = g
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = g.edge_endpoints(e)?;
                let (a, b) = (g[a].label.clone(), g[b].label.clone());
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                Some((a, b, g[e]))
            })
            .collect();
        out.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        out
    }

    fn edge(a: &str, b: &str, w: f64) -> (String, String, f64) {
        (a.to_string(), b.to_string(), w)
    }

    #[test]
    fn actors_link_people_to_their_organisations_and_units_to_municipalities() {
        let (store, labels) = two_municipalities();
        let g = build(&store, View::Actors, &labels).expect("view");
        assert_eq!(
            edges(&g),
            vec![
                // "Mora kommun" is the municipality itself.
                edge("Anna Ek", "Mora", 1.0),
                edge("Bo Lind", "socialförvaltningen i Rättvik", 1.0),
                edge("Rättvik", "socialförvaltningen i Rättvik", 1.0),
            ]
        );
        let kinds: BTreeSet<NodeKind> = g.node_weights().map(|n| n.kind).collect();
        assert!(kinds.contains(&NodeKind::Person) && kinds.contains(&NodeKind::Municipality));
    }

    #[test]
    fn municipality_problem_view_and_its_projections() {
        let (store, labels) = two_municipalities();
        let (rec, turnover) = ("Rekrytering och kompetensförsörjning", "Personalomsättning");
        let bipartite = build(&store, View::MunicipalityProblem, &labels).expect("view");
        assert_eq!(
            edges(&bipartite),
            vec![
                edge("Mora", rec, 1.0),
                edge(turnover, "Rättvik", 1.0),
                edge(rec, "Rättvik", 1.0),
            ]
        );
        // Mora and Rättvik share one problem; the two problems recur
        // together in one municipality.
        let municipalities = build(&store, View::Municipalities, &labels).expect("view");
        assert_eq!(edges(&municipalities), vec![edge("Mora", "Rättvik", 1.0)]);
        let problems = build(&store, View::Problems, &labels).expect("view");
        assert_eq!(edges(&problems), vec![edge(turnover, rec, 1.0)]);
    }

    #[test]
    fn recurring_problems_ranked_by_municipalities() {
        let (store, labels) = two_municipalities();
        let recurring = ProblemLinks::read(&store, &labels)
            .expect("links")
            .recurring();
        let rows: Vec<(&str, Vec<&str>, usize)> = recurring
            .iter()
            .map(|r| {
                let ms = r.municipalities.iter().map(String::as_str).collect();
                (r.label.as_str(), ms, r.documents)
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "Rekrytering och kompetensförsörjning",
                    vec!["Mora", "Rättvik"],
                    2
                ),
                ("Personalomsättning", vec!["Rättvik"], 1),
            ]
        );
    }

    #[test]
    fn views_are_the_same_on_every_run() {
        let (store, labels) = two_municipalities();
        for v in View::ALL {
            let a = build(&store, v, &labels).expect("view");
            let b = build(&store, v, &labels).expect("view");
            let nodes = |g: &ViewGraph| g.node_weights().cloned().collect::<Vec<_>>();
            assert_eq!(nodes(&a), nodes(&b), "{}", v.name());
            assert_eq!(edges(&a), edges(&b), "{}", v.name());
        }
    }
}
