//! Analytics: runs the algorithms of [`crate::algo`] on the views of
//! [`crate::views`] and turns the results into tables and RDF.
//!
//! Centrality: degree, weighted degree, PageRank (on the weights) and
//! betweenness (unweighted: view weights are strengths, not distances),
//! with each node's connected component. Communities: modularity
//! maximisation on the weights, with a resolution and a seed. The results
//! written back to the store ([`analytics_triples`]) sit in a graph of
//! their own, replaced as a whole, with the run as a PROV activity.

use std::collections::BTreeMap;

use oxigraph::model::Triple;

use crate::algo;
use crate::views::{Node, View, ViewGraph};

/// The parameters of an analytics run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Modularity resolution (1 is the classic modularity; higher gives
    /// more, smaller communities).
    pub resolution: f64,
    /// Seed of the community detection and of sampled betweenness.
    pub seed: u64,
    /// PageRank damping factor.
    pub damping: f64,
    /// PageRank convergence tolerance.
    pub tolerance: f64,
    /// Betweenness from this many sampled source nodes instead of all
    /// (for large graphs); `None`: exact.
    pub samples: Option<usize>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            resolution: 1.0,
            seed: 42,
            damping: 0.85,
            tolerance: 1e-10,
            samples: None,
        }
    }
}

/// One node's centrality figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Centrality {
    pub node: Node,
    pub component: usize,
    pub degree: usize,
    pub weighted_degree: f64,
    pub pagerank: f64,
    pub betweenness: f64,
}

/// A community: its members and its share of the modularity.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    /// Numbered from 0, largest community first.
    pub id: usize,
    pub members: Vec<Node>,
    pub contribution: f64,
}

/// The communities of a view and the modularity of the partition.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub communities: Vec<Community>,
    pub modularity: f64,
}

/// Centrality of every node, highest PageRank first (ties by IRI).
pub fn centrality(g: &ViewGraph, settings: &Settings) -> Vec<Centrality> {
    // Five algorithms on one graph: index it once.
    let indexed = algo::IndexedGraph::new(g);
    let degree = algo::degree(&indexed);
    let weighted = algo::weighted_degree(&indexed);
    let pagerank = algo::pagerank(
        &indexed,
        &algo::PageRankConfig {
            damping: settings.damping,
            tolerance: settings.tolerance,
            ..algo::PageRankConfig::default()
        },
    );
    let betweenness = algo::betweenness(
        &indexed,
        &algo::BetweennessConfig {
            weighted: false,
            normalized: true,
            sample: settings.samples.map(|k| (k, settings.seed)),
        },
    );
    let components = algo::components(&indexed);
    let mut out: Vec<Centrality> = g
        .node_indices()
        .map(|n| {
            let i = n.index();
            Centrality {
                node: g[n].clone(),
                component: components[i],
                degree: degree[i],
                weighted_degree: weighted[i],
                pagerank: pagerank[i],
                betweenness: betweenness[i],
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.pagerank
            .total_cmp(&a.pagerank)
            .then_with(|| a.node.iri.cmp(&b.node.iri))
    });
    out
}

/// Communities of a view, largest first (ties by their first member's
/// IRI), members sorted by label.
pub fn communities(g: &ViewGraph, settings: &Settings) -> Partition {
    let found = algo::communities(
        g,
        &algo::CommunityConfig {
            resolution: settings.resolution,
            seed: settings.seed,
        },
    );
    let mut communities: Vec<Community> = found
        .communities
        .iter()
        .map(|c| {
            let mut members: Vec<Node> = c
                .members
                .iter()
                .map(|&i| g[petgraph::graph::NodeIndex::new(i)].clone())
                .collect();
            members.sort_by(|a, b| (&a.label, &a.iri).cmp(&(&b.label, &b.iri)));
            Community {
                id: 0,
                members,
                contribution: c.contribution,
            }
        })
        .collect();
    let first_iri = |c: &Community| c.members.iter().map(|m| m.iri.clone()).min();
    communities.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then_with(|| first_iri(a).cmp(&first_iri(b)))
    });
    for (i, c) in communities.iter_mut().enumerate() {
        c.id = i;
    }
    Partition {
        communities,
        modularity: found.modularity,
    }
}

/// The results of one view, as [`analytics_triples`] writes them.
pub struct ViewResults {
    pub view: View,
    pub nodes: usize,
    pub edges: usize,
    pub centrality: Vec<Centrality>,
    pub partition: Partition,
}

/// Runs centrality and communities on `view`'s graph.
pub fn analyse(view: View, g: &ViewGraph, settings: &Settings) -> ViewResults {
    ViewResults {
        view,
        nodes: g.node_count(),
        edges: g.edge_count(),
        centrality: centrality(g, settings),
        partition: communities(g, settings),
    }
}

/// The RDF of an analytics run: the run (a `prov:Activity` with its
/// parameters and times), per view its figures, each node's scores and
/// community, and each community with its members.
pub fn analytics_triples(
    results: &[ViewResults],
    settings: &Settings,
    started: &str,
    ended: &str,
) -> Vec<Triple> {
    let mut g = crate::rdf::AnalyticsBuilder::new(settings, started, ended);
    for r in results {
        g.view(r.view.name(), r.nodes, r.edges, r.partition.modularity);
        let community_of: BTreeMap<&str, usize> = r
            .partition
            .communities
            .iter()
            .flat_map(|c| c.members.iter().map(move |m| (m.iri.as_str(), c.id)))
            .collect();
        for c in &r.partition.communities {
            let members: Vec<&str> = c.members.iter().map(|m| m.iri.as_str()).collect();
            g.community(r.view.name(), c.id, &members, c.contribution);
        }
        for s in &r.centrality {
            g.score(
                r.view.name(),
                &s.node.iri,
                &crate::rdf::Scores {
                    degree: s.degree,
                    weighted_degree: s.weighted_degree,
                    pagerank: s.pagerank,
                    betweenness: s.betweenness,
                    component: s.component,
                    community: community_of.get(s.node.iri.as_str()).copied(),
                },
            );
        }
    }
    g.triples()
}
