//! Connected components of an undirected graph.
//!
//! Union–find with path compression and union by rank (Tarjan 1975,
//! "Efficiency of a good but not linear set union algorithm", J. ACM
//! 22(2)), petgraph's `unionfind::UnionFind`; petgraph's own
//! `algo::connected_components` only counts the components.
//!
//! Component ids are numbered in order of each component's smallest node
//! index: node 0 is in component 0, the first node outside it starts
//! component 1, and so on, which is the order in which NetworkX's
//! `connected_components` yields them for nodes `0..n`. Edge weights are
//! ignored (a zero-weight edge still connects); an isolated node is a
//! component of its own.
//!
//! # Complexity
//! `O(n + m α(n))` time (`α` the inverse Ackermann function), `O(n)` space.

use petgraph::unionfind::UnionFind;

use super::AnalyticsGraph;

/// The component id of each node, indexed by `NodeIndex::index()`, ids
/// `0..c` in order of their smallest node. An empty graph gives an empty
/// vector.
///
/// ```
/// use petgraph::graph::UnGraph;
/// let mut g = UnGraph::<(), f64>::from_edges([(0, 2, 1.0), (1, 3, 1.0)]);
/// g.add_node(());
/// assert_eq!(socialgraf::algo::components(&g), vec![0, 1, 0, 1, 2]);
/// ```
pub fn components<G: AnalyticsGraph>(g: &G) -> Vec<usize> {
    let g = g.graph();
    let n = g.node_count();
    let mut sets = UnionFind::<usize>::new(n);
    for e in g.raw_edges() {
        sets.union(e.source().index(), e.target().index());
    }
    let roots = sets.into_labeling();
    let mut id_of_root = vec![usize::MAX; n];
    let mut next = 0;
    roots
        .into_iter()
        .map(|root| {
            if id_of_root[root] == usize::MAX {
                id_of_root[root] = next;
                next += 1;
            }
            id_of_root[root]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::UnGraph;

    #[test]
    fn ids_follow_smallest_member() {
        let g =
            UnGraph::<(), f64>::from_edges([(3, 4, 1.0), (1, 0, 0.0), (2, 2, 1.0), (4, 5, 1.0)]);
        assert_eq!(components(&g), vec![0, 0, 1, 2, 2, 2]);
    }

    #[test]
    fn empty_and_edgeless() {
        assert!(components(&UnGraph::<(), f64>::default()).is_empty());
        let mut g = UnGraph::<(), f64>::default();
        g.add_node(());
        g.add_node(());
        assert_eq!(components(&g), vec![0, 1]);
    }
}
