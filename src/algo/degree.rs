//! Degree and weighted degree (strength) of every node.
//!
//! The degree of `v` is the number of edge ends at `v`; its weighted degree
//! (strength) is the sum of the weights of those ends (Barrat et al. 2004,
//! "The architecture of complex weighted networks", PNAS 101(11)). A
//! self-loop has two ends at its node, so it counts 2 (and twice its
//! weight), and each parallel edge counts: NetworkX's `G.degree()` and
//! `G.degree(weight="weight")` on a (multi)graph.
//!
//! # Complexity
//! `O(n + m)` time, `O(n)` space (the result); [`degree`] on an
//! [`IndexedGraph`](super::IndexedGraph) is `O(n)`: it reads them off the
//! lengths of the index's rows. On a bare graph it counts the edges
//! in parallel (rayon), one part per thread, each with its own counts
//! (`O(n)` more space per part); the counts are exact, so the result does
//! not depend on the number of threads. [`weighted_degree`] is sequential,
//! so that its sums are always taken in edge order.

use petgraph::graph::{Edge, UnGraph};
use rayon::prelude::*;

use super::AnalyticsGraph;

/// Edges per part below which counting in parallel does not pay.
const MIN_PART: usize = 1 << 16;

/// The degree of each node, indexed by `NodeIndex::index()`. A self-loop
/// counts 2; an isolated node has 0; an empty graph gives an empty vector.
/// `O(n)` on an [`IndexedGraph`](super::IndexedGraph), which keeps the
/// degrees; `O(n + m)` on a bare graph, counted in parallel.
///
/// ```
/// use petgraph::graph::UnGraph;
/// let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 2, 1.0)]);
/// assert_eq!(socialgraf::algo::degree(&g), vec![1, 2, 3]);
/// ```
pub fn degree<G: AnalyticsGraph>(g: &G) -> Vec<usize> {
    g.degrees()
}

/// The degree of each node of `g`, counted from its edges.
pub(crate) fn count_degrees<N>(g: &UnGraph<N, f64>) -> Vec<usize> {
    let n = g.node_count();
    let edges = g.raw_edges();
    let parts = rayon::current_num_threads().min(edges.len() / MIN_PART);
    if parts <= 1 {
        return count_ends(edges, n);
    }
    let mut counts: Vec<Vec<usize>> = edges
        .par_chunks(edges.len().div_ceil(parts))
        .map(|part| count_ends(part, n))
        .collect();
    let mut degree = counts.swap_remove(0);
    for part in &counts {
        for (d, c) in degree.iter_mut().zip(part) {
            *d += c;
        }
    }
    degree
}

/// The number of ends of `edges` at each of `n` nodes.
fn count_ends(edges: &[Edge<f64>], n: usize) -> Vec<usize> {
    let mut degree = vec![0usize; n];
    for e in edges {
        degree[e.source().index()] += 1;
        degree[e.target().index()] += 1;
    }
    degree
}

/// The weighted degree (strength) of each node: the sum of the weights of
/// its edges, a self-loop's twice. Zero and negative weights are summed as
/// given; a NaN weight makes its nodes' sums NaN.
///
/// ```
/// use petgraph::graph::UnGraph;
/// let g = UnGraph::<(), f64>::from_edges([(0, 1, 0.5), (1, 2, 2.0)]);
/// assert_eq!(socialgraf::algo::weighted_degree(&g), vec![0.5, 2.5, 2.0]);
/// ```
pub fn weighted_degree<G: AnalyticsGraph>(g: &G) -> Vec<f64> {
    let g = g.graph();
    let mut strength = vec![0.0; g.node_count()];
    for e in g.raw_edges() {
        strength[e.source().index()] += e.weight;
        strength[e.target().index()] += e.weight;
    }
    strength
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_path_and_isolated_node() {
        let mut g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (0, 2, 2.0), (0, 3, 3.0)]);
        g.add_node(());
        assert_eq!(degree(&g), vec![3, 1, 1, 1, 0]);
        assert_eq!(weighted_degree(&g), vec![6.0, 1.0, 2.0, 3.0, 0.0]);
    }

    #[test]
    fn self_loops_and_parallel_edges_count_every_end() {
        let g = UnGraph::<(), f64>::from_edges([(0, 0, 1.5), (0, 1, 1.0), (1, 0, 1.0)]);
        assert_eq!(degree(&g), vec![4, 2]);
        assert_eq!(weighted_degree(&g), vec![5.0, 2.0]);
    }

    #[test]
    fn parallel_counts_equal_sequential_ones() {
        // Enough edges for a part per thread, with loops and parallel edges.
        let n = 1000;
        let edges = (0..3 * MIN_PART as u32).map(|i| (i % n, (i * 7 + 3) % n, 1.0));
        let g = UnGraph::<(), f64>::from_edges(edges);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("pool");
        let parallel = pool.install(|| degree(&g));
        assert_eq!(parallel, count_ends(g.raw_edges(), g.node_count()));
        assert_eq!(parallel.iter().sum::<usize>(), 2 * g.edge_count());
    }

    #[test]
    fn empty_graph() {
        let g = UnGraph::<(), f64>::default();
        assert!(degree(&g).is_empty());
        assert!(weighted_degree(&g).is_empty());
    }
}
