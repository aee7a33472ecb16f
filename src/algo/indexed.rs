//! What the algorithms take: a petgraph `UnGraph<N, f64>` as it is, or an
//! [`IndexedGraph`] of one, which keeps the compressed adjacency
//! (`csr.rs`) the algorithms would otherwise build on every call; its row
//! lengths are the degrees.
//!
//! A bare `UnGraph` is the simple case: each call builds what it needs
//! (`O(n + m)`) and drops it. Running several algorithms on one graph, as
//! `socialgraf analyze` does, pays that once with an [`IndexedGraph`], which
//! is what igraph does for every graph it makes: its constructor builds an
//! index, so its degrees are read off in `O(n)`. Both give the same results
//! to the bit; a test checks it on every algorithm.
//!
//! # Complexity
//! [`IndexedGraph::new`]: `O(n + m)` time and space, once.

use std::borrow::Cow;

use petgraph::graph::UnGraph;

use super::csr::Csr;

/// A petgraph graph with its compressed adjacency, built once.
///
/// ```
/// use petgraph::graph::UnGraph;
/// use socialgraf::algo::{self, IndexedGraph};
/// let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 2, 1.0)]);
/// let indexed = IndexedGraph::new(&g);
/// assert_eq!(algo::degree(&indexed), algo::degree(&g));
/// assert_eq!(algo::components(&indexed), vec![0, 0, 0]);
/// ```
pub struct IndexedGraph<'g, N> {
    graph: &'g UnGraph<N, f64>,
    adjacency: Csr,
}

impl<'g, N> IndexedGraph<'g, N> {
    pub fn new(graph: &'g UnGraph<N, f64>) -> IndexedGraph<'g, N> {
        IndexedGraph {
            graph,
            adjacency: Csr::new(graph),
        }
    }

    /// The graph this indexes.
    pub fn graph(&self) -> &'g UnGraph<N, f64> {
        self.graph
    }
}

/// A graph the algorithms of [`crate::algo`] run on: `UnGraph<N, f64>` or
/// [`IndexedGraph<N>`]. Sealed: its methods are this module's business.
pub trait AnalyticsGraph: sealed::Prepared {
    type Node;

    /// The petgraph graph.
    fn graph(&self) -> &UnGraph<Self::Node, f64>;

    fn node_count(&self) -> usize {
        self.graph().node_count()
    }
}

impl<N> AnalyticsGraph for UnGraph<N, f64> {
    type Node = N;

    fn graph(&self) -> &UnGraph<N, f64> {
        self
    }
}

impl<N> AnalyticsGraph for IndexedGraph<'_, N> {
    type Node = N;

    fn graph(&self) -> &UnGraph<N, f64> {
        self.graph
    }
}

mod sealed {
    use super::*;

    /// What an [`AnalyticsGraph`] hands the algorithms: built on the spot
    /// for a bare graph, read off an [`IndexedGraph`].
    pub trait Prepared {
        fn adjacency(&self) -> Cow<'_, Csr>;
        fn degrees(&self) -> Vec<usize>;
    }

    impl<N> Prepared for UnGraph<N, f64> {
        fn adjacency(&self) -> Cow<'_, Csr> {
            Cow::Owned(Csr::new(self))
        }

        fn degrees(&self) -> Vec<usize> {
            super::super::degree::count_degrees(self)
        }
    }

    impl<N> Prepared for IndexedGraph<'_, N> {
        fn adjacency(&self) -> Cow<'_, Csr> {
            Cow::Borrowed(&self.adjacency)
        }

        fn degrees(&self) -> Vec<usize> {
            (0..self.adjacency.node_count())
                .map(|v| self.adjacency.degree(v))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::{self, BetweennessConfig};

    #[test]
    fn parallel_edges_and_loops_count_as_on_the_bare_graph() {
        // Out of order, a loop at 2, two parallel edges 0-1.
        let g = UnGraph::<(), f64>::from_edges([
            (3, 1, 1.0),
            (0, 1, 2.0),
            (2, 2, 4.0),
            (1, 0, 0.5),
            (1, 2, 1.0),
            (4, 3, 3.0),
        ]);
        let indexed = IndexedGraph::new(&g);
        assert_eq!(algo::degree(&indexed), vec![2, 4, 3, 2, 1]);
        assert_eq!(algo::degree(&indexed), algo::degree(&g));
        assert_eq!(algo::weighted_degree(&indexed), algo::weighted_degree(&g));
        for weighted in [false, true] {
            let config = BetweennessConfig {
                weighted,
                normalized: false,
                sample: None,
            };
            assert_eq!(
                algo::betweenness(&indexed, &config),
                algo::betweenness(&g, &config)
            );
        }
        // The index still holds both parallel entries for the others.
        assert!(indexed.adjacency.has_parallel_edges());
        assert!(std::ptr::eq(indexed.graph(), &g));
    }

    #[test]
    fn an_empty_graph_indexes_to_nothing() {
        let g = UnGraph::<(), f64>::default();
        let indexed = IndexedGraph::new(&g);
        assert!(algo::degree(&indexed).is_empty());
        assert_eq!(indexed.node_count(), 0);
    }
}
