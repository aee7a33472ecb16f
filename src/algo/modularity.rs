//! Modularity of a partition of a weighted undirected graph.
//!
//! Newman & Girvan 2004 ("Finding and evaluating community structure in
//! networks", Phys. Rev. E 69, 026113) and Newman 2006 ("Modularity and
//! community structure in networks", PNAS 103(23)), with the resolution
//! `γ` of Reichardt & Bornholdt 2006:
//!
//! `Q = Σ_c [ L_c / m − γ (d_c / 2m)² ]`
//!
//! where `m` is the total edge weight, `L_c` the weight of the edges inside
//! community `c` and `d_c` the sum of its nodes' weighted degrees. This is
//! NetworkX's `community.modularity(G, communities, weight="weight",
//! resolution=γ)`: a self-loop adds its weight once to `L_c` and twice to
//! `d_c`; parallel edges add their weights. Each term of the sum is the
//! community's *contribution*. A graph whose edges weigh nothing in total
//! (`m = 0`, e.g. no edges) has modularity 0 and every contribution 0, where
//! NetworkX divides by zero.
//!
//! # Complexity
//! `O(n + m)` time and `O(n)` space for community ids below `n`;
//! `O(n log n)` more when ids have to be renumbered.

use petgraph::graph::UnGraph;

use super::AnalyticsGraph;

/// The modularity of the partition `membership` (a community id per node,
/// indexed by `NodeIndex::index()`; any `usize` ids) at resolution `γ`.
/// NaN when `membership` does not have one entry per node.
///
/// ```
/// use petgraph::graph::UnGraph;
/// use socialgraf::algo::modularity;
/// // Two triangles joined by one edge, split into the triangles.
/// let g = UnGraph::<(), f64>::from_edges([
///     (0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0),
///     (3, 4, 1.0), (4, 5, 1.0), (5, 3, 1.0), (2, 3, 1.0),
/// ]);
/// let q = modularity(&g, &[7, 7, 7, 9, 9, 9], 1.0);
/// assert!((q - (2.0 * (3.0 / 7.0 - 0.25))).abs() < 1e-12);
/// ```
pub fn modularity<G: AnalyticsGraph>(g: &G, membership: &[usize], resolution: f64) -> f64 {
    let g = g.graph();
    if membership.len() != g.node_count() {
        return f64::NAN;
    }
    let (dense, count) = renumber(membership);
    contributions(g, &dense, count, resolution).iter().sum()
}

/// Community ids renumbered to `0..count`, keeping their order.
fn renumber(membership: &[usize]) -> (Vec<usize>, usize) {
    let n = membership.len();
    if membership.iter().all(|&c| c < n) {
        let mut id = vec![usize::MAX; n];
        for &c in membership {
            id[c] = 0;
        }
        let mut count = 0;
        for slot in id.iter_mut().filter(|slot| **slot == 0) {
            *slot = count;
            count += 1;
        }
        (membership.iter().map(|&c| id[c]).collect(), count)
    } else {
        let mut ids = membership.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let dense = membership
            .iter()
            .map(|c| ids.binary_search(c).unwrap_or_default())
            .collect();
        (dense, ids.len())
    }
}

/// Each community's contribution `L_c / m − γ (d_c / 2m)²`, for dense ids
/// `membership[v] < count`.
pub(crate) fn contributions<N>(
    g: &UnGraph<N, f64>,
    membership: &[usize],
    count: usize,
    resolution: f64,
) -> Vec<f64> {
    let mut inside = vec![0.0; count];
    let mut degree = vec![0.0; count];
    let mut total = 0.0;
    for e in g.raw_edges() {
        let (cu, cv) = (
            membership[e.source().index()],
            membership[e.target().index()],
        );
        degree[cu] += e.weight;
        degree[cv] += e.weight;
        if cu == cv {
            inside[cu] += e.weight;
        }
        total += e.weight;
    }
    if total == 0.0 {
        return vec![0.0; count];
    }
    inside
        .iter()
        .zip(&degree)
        .map(|(l, d)| l / total - resolution * (d / (2.0 * total)).powi(2))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_triangles() -> UnGraph<(), f64> {
        UnGraph::from_edges([
            (0, 1, 1.0),
            (1, 2, 1.0),
            (2, 0, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (5, 3, 1.0),
            (2, 3, 1.0),
        ])
    }

    #[test]
    fn one_community_has_modularity_one_minus_gamma() {
        let g = two_triangles();
        assert!((modularity(&g, &[0; 6], 1.0)).abs() < 1e-12);
        assert!((modularity(&g, &[0; 6], 0.5) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn singletons_and_ids_beyond_n() {
        let g = two_triangles();
        // Singletons: no internal weight, Σ (d / 14)² = (4·4 + 2·9) / 196.
        let q = modularity(&g, &[10, 11, 12, 13, 14, 15], 1.0);
        assert!((q + (4.0 * 4.0 + 2.0 * 9.0) / 196.0).abs() < 1e-12);
        assert_eq!(
            modularity(&g, &[0, 0, 0, 1, 1, 1], 1.0),
            modularity(&g, &[5, 5, 5, usize::MAX, usize::MAX, usize::MAX], 1.0)
        );
    }

    #[test]
    fn self_loop_counts_once_inside_twice_in_degree() {
        // Edge 0-1 (1) and loop at 0 (1): m = 2; {0}, {1}:
        // Q = 1/2 − (3/4)² − (1/4)².
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (0, 0, 1.0)]);
        let q = modularity(&g, &[0, 1], 1.0);
        assert!((q - (0.5 - 0.5625 - 0.0625)).abs() < 1e-12);
    }

    #[test]
    fn degenerate_inputs() {
        let empty = UnGraph::<(), f64>::default();
        assert_eq!(modularity(&empty, &[], 1.0), 0.0);
        let zero = UnGraph::<(), f64>::from_edges([(0, 1, 0.0)]);
        assert_eq!(modularity(&zero, &[0, 1], 1.0), 0.0);
        assert!(modularity(&two_triangles(), &[0, 0], 1.0).is_nan());
    }
}
