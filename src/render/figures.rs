//! The pictures of `socialgraf render` and of the server's `/render/...`
//! routes: the analytics views of [`crate::views`] and the results of
//! [`crate::analyze`] turned into the plain data the drawing modules take.
//!
//! - [`problem_map`]: each municipality shaded by the number of recurring
//!   problems it faces (problems linked to at least [`RECURRING`]
//!   municipalities), or, for one problem, by the number of facts linking
//!   it to that problem. Municipalities the corpus links to no problem at
//!   all stay grey ("no value"): the map says nothing about them.
//! - [`problem_heatmap`]: municipalities × problems, each cell the number
//!   of facts behind the link (the weight of the `municipality-problem`
//!   view); municipalities with the most problems first, problems in the
//!   order of the recurring-problems table.
//! - [`network`]: a view's nodes coloured by community and sized by
//!   PageRank, with the view's edges.
//!
//! [`draw`] reads what a [`Picture`] needs from the store (through the
//! views) and draws it: the one place where pictures meet the store.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use petgraph::visit::EdgeRef;

use super::network::NetNode;
use super::{RenderError, heatmap, map};
use crate::analyze::{self, Settings};
use crate::rdf::ids;
use crate::remote::Queryable;
use crate::views::{self, ProblemLinks, View, ViewGraph};

/// What to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picture {
    /// The map; with a problem concept's IRI, shaded by that problem only.
    Map {
        problem: Option<String>,
    },
    Heatmap,
    Network(View),
}

/// Reads the view `picture` needs from `store` and draws it as SVG.
/// `problem_labels` maps problem IRIs to labels (see [`views::build`]).
pub fn draw(
    store: &(impl Queryable + ?Sized),
    problem_labels: &BTreeMap<String, String>,
    picture: &Picture,
    settings: &Settings,
) -> Result<String> {
    Ok(match picture {
        Picture::Map { problem } => problem_map(
            &ProblemLinks::read(store, problem_labels)?,
            problem.as_deref(),
        )?,
        Picture::Heatmap => problem_heatmap(&ProblemLinks::read(store, problem_labels)?)?,
        Picture::Network(view) => network(
            *view,
            &views::build(store, *view, problem_labels)?,
            settings,
        )?,
    })
}

/// The IRI of the problem a user names by id (`hemmasittare`) or label
/// (`Hemmasittare`, any case), among `problem_labels`; the error lists the
/// known ids.
pub fn find_problem(
    problem_labels: &BTreeMap<String, String>,
    name: &str,
) -> Result<String, String> {
    let wanted = name.trim().to_lowercase();
    let id_of = |iri: &str| iri.rsplit('/').next().unwrap_or(iri).to_string();
    problem_labels
        .iter()
        .find(|(iri, label)| id_of(iri).to_lowercase() == wanted || label.to_lowercase() == wanted)
        .map(|(iri, _)| iri.clone())
        .ok_or_else(|| {
            let ids: Vec<String> = problem_labels.keys().map(|iri| id_of(iri)).collect();
            format!(
                "unknown problem `{name}`; known problems: {}",
                ids.join(", ")
            )
        })
}

/// A problem recurs when at least this many municipalities face it.
pub const RECURRING: usize = 2;

/// The map of Sweden's municipalities: by recurring problems, or by the
/// facts on `problem` (a problem concept's IRI) when given.
pub fn problem_map(links: &ProblemLinks, problem: Option<&str>) -> Result<String, RenderError> {
    let mut values: BTreeMap<&str, f64> = BTreeMap::new();
    for (m, _) in links.links.keys() {
        if let Some(code) = ids::municipality_code(m) {
            values.insert(code, 0.0);
        }
    }
    let (title, legend) = match problem {
        Some(problem) => {
            for ((m, c), support) in &links.links {
                if let (true, Some(code)) = (c == problem, ids::municipality_code(m)) {
                    *values.entry(code).or_default() += support.facts.len() as f64;
                }
            }
            let label = links.labels.get(problem).map_or(problem, String::as_str);
            (
                format!("Where the corpus links municipalities to {label}"),
                "facts on the problem".to_string(),
            )
        }
        None => {
            let recurring: BTreeSet<String> = links
                .recurring()
                .into_iter()
                .filter(|r| r.municipalities.len() >= RECURRING)
                .map(|r| r.iri)
                .collect();
            for (m, c) in links.links.keys() {
                if let (true, Some(code)) = (recurring.contains(c), ids::municipality_code(m)) {
                    *values.entry(code).or_default() += 1.0;
                }
            }
            (
                format!(
                    "Recurring problems per municipality ({} problems recur in {RECURRING} or more municipalities)",
                    recurring.len()
                ),
                "recurring problems faced".to_string(),
            )
        }
    };
    let values: Vec<(String, f64)> = values
        .into_iter()
        .map(|(code, v)| (code.to_string(), v))
        .collect();
    map::render(&values, &title, &legend)
}

/// The municipality × problem heatmap.
pub fn problem_heatmap(links: &ProblemLinks) -> Result<String, RenderError> {
    let problems: Vec<(String, String)> = links
        .recurring()
        .into_iter()
        .map(|r| (r.iri, r.label))
        .collect();
    let mut per_municipality: BTreeMap<&str, usize> = BTreeMap::new();
    for (m, _) in links.links.keys() {
        *per_municipality.entry(m).or_default() += 1;
    }
    let label = |iri: &str| links.labels.get(iri).cloned().unwrap_or_default();
    let mut municipalities: Vec<(&str, usize)> = per_municipality.into_iter().collect();
    municipalities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| label(a.0).cmp(&label(b.0))));
    let cells: Vec<Vec<f64>> = municipalities
        .iter()
        .map(|(m, _)| {
            problems
                .iter()
                .map(|(c, _)| {
                    links
                        .links
                        .get(&(m.to_string(), c.clone()))
                        .map_or(0.0, |s| s.facts.len() as f64)
                })
                .collect()
        })
        .collect();
    let rows: Vec<String> = municipalities.iter().map(|(m, _)| label(m)).collect();
    let cols: Vec<String> = problems.into_iter().map(|(_, l)| l).collect();
    heatmap::render(
        &rows,
        &cols,
        &cells,
        &format!(
            "Problems by municipality: {} municipalities, {} problems",
            rows.len(),
            cols.len()
        ),
        "supporting facts",
    )
}

/// A view as a network: communities as colours, PageRank as sizes.
pub fn network(view: View, g: &ViewGraph, settings: &Settings) -> Result<String, RenderError> {
    let partition = analyze::communities(g, settings);
    let community: BTreeMap<&str, usize> = partition
        .communities
        .iter()
        .flat_map(|c| c.members.iter().map(move |m| (m.iri.as_str(), c.id)))
        .collect();
    let pagerank: BTreeMap<String, f64> = analyze::centrality(g, settings)
        .into_iter()
        .map(|c| (c.node.iri, c.pagerank))
        .collect();
    let nodes: Vec<NetNode> = g
        .node_weights()
        .map(|n| NetNode {
            id: n.iri.clone(),
            label: n.label.clone(),
            community: community.get(n.iri.as_str()).copied().unwrap_or(0),
            size: pagerank.get(&n.iri).copied().unwrap_or(0.0),
        })
        .collect();
    let edges: Vec<(usize, usize, f64)> = g
        .edge_references()
        .map(|e| (e.source().index(), e.target().index(), *e.weight()))
        .collect();
    let title = format!(
        "The {} view: {} nodes, {} edges, {} communities (modularity {:.3})",
        view.name(),
        nodes.len(),
        edges.len(),
        partition.communities.len(),
        partition.modularity
    );
    super::network::render(&nodes, &edges, &title, "PageRank", settings.seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::Support;

    fn support(facts: &[&str]) -> Support {
        Support {
            facts: facts.iter().map(|f| f.to_string()).collect(),
            documents: BTreeSet::from(["d".to_string()]),
        }
    }

    /// Borås (1490) faces two problems, Sävsjö (0684) one of them.
    fn links() -> ProblemLinks {
        let m = |code: &str| ids::municipality(code).as_str().to_string();
        let c = |id: &str| ids::concept(id).as_str().to_string();
        let mut links = ProblemLinks::default();
        links
            .links
            .insert((m("1490"), c("rekrytering")), support(&["f1", "f2"]));
        links
            .links
            .insert((m("1490"), c("hemmasittare")), support(&["f3"]));
        links
            .links
            .insert((m("0684"), c("rekrytering")), support(&["f4"]));
        for (iri, label) in [
            (m("1490"), "Borås"),
            (m("0684"), "Sävsjö"),
            (c("rekrytering"), "rekrytering"),
            (c("hemmasittare"), "hemmasittare"),
        ] {
            links.labels.insert(iri, label.to_string());
        }
        links
    }

    fn shaded(svg: &str) -> BTreeMap<String, String> {
        let doc = roxmltree::Document::parse(svg).expect("valid SVG");
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("kommun") && n.has_attribute("data-value"))
            .map(|n| {
                (
                    n.attribute("data-kod").unwrap_or_default().to_string(),
                    n.attribute("data-value").unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn the_map_counts_recurring_problems_and_one_problem_s_facts() {
        let links = links();
        // Only rekrytering recurs (two municipalities): one each.
        let values = shaded(&problem_map(&links, None).expect("map"));
        assert_eq!(values.get("1490").map(String::as_str), Some("1"));
        assert_eq!(values.get("0684").map(String::as_str), Some("1"));
        assert_eq!(values.len(), 2, "{values:?}");
        let hemmasittare = ids::concept("hemmasittare").as_str().to_string();
        let values = shaded(&problem_map(&links, Some(&hemmasittare)).expect("map"));
        assert_eq!(values.get("1490").map(String::as_str), Some("1"));
        assert_eq!(values.get("0684").map(String::as_str), Some("0"));
    }

    #[test]
    fn problems_are_found_by_id_or_label() {
        let iri = ids::concept("hemmasittare").as_str().to_string();
        let labels = BTreeMap::from([(iri.clone(), "Hemmasittare".to_string())]);
        assert_eq!(find_problem(&labels, "hemmasittare"), Ok(iri.clone()));
        assert_eq!(find_problem(&labels, " HEMMASITTARE "), Ok(iri));
        let e = find_problem(&labels, "ensamhet").expect_err("unknown");
        assert!(
            e.contains("`ensamhet`") && e.contains("hemmasittare"),
            "{e}"
        );
    }

    #[test]
    fn the_heatmap_has_a_cell_per_municipality_and_problem() {
        let svg = problem_heatmap(&links()).expect("heatmap");
        let doc = roxmltree::Document::parse(&svg).expect("valid SVG");
        let cells: Vec<(&str, &str, &str)> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("cell"))
            .map(|n| {
                (
                    n.attribute("data-row").unwrap_or_default(),
                    n.attribute("data-col").unwrap_or_default(),
                    n.attribute("data-value").unwrap_or_default(),
                )
            })
            .collect();
        // Rows: Borås (two problems) then Sävsjö; columns: rekrytering (two
        // municipalities) then hemmasittare.
        assert_eq!(
            cells,
            [
                ("0", "0", "2"),
                ("0", "1", "1"),
                ("1", "0", "1"),
                ("1", "1", "0")
            ]
        );
    }

    #[test]
    fn the_network_draws_every_node_of_the_view() {
        let links = links();
        let g = links.bipartite();
        let svg = network(View::MunicipalityProblem, &g, &Settings::default()).expect("network");
        let doc = roxmltree::Document::parse(&svg).expect("valid SVG");
        let nodes = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("node"))
            .count();
        assert_eq!(nodes, g.node_count());
        assert!(svg.contains("4 nodes, 3 edges"), "{svg}");
    }
}
