//! Betweenness centrality: exact (Brandes) and sampled (Brandes & Pich).
//!
//! The betweenness of `v` is `Σ_{s ≠ v ≠ t} σ_st(v) / σ_st`, where `σ_st`
//! counts the shortest `s`–`t` paths and `σ_st(v)` those through `v`
//! (Freeman 1977). Brandes 2001, "A faster algorithm for betweenness
//! centrality" (J. Math. Sociol. 25(2)), computes it with one shortest-path
//! search per source — breadth-first when unweighted, Dijkstra when
//! weighted — and a backward pass accumulating dependencies. The sampled
//! mode runs that search from `k` pivots drawn uniformly without
//! replacement and extrapolates (Brandes & Pich 2007, "Centrality
//! estimation in large networks", Int. J. Bifurcation and Chaos 17(7)).
//!
//! The figures are NetworkX's `betweenness_centrality(G, k, normalized,
//! weight=None | "weight", endpoints=False)` (3.6): undirected pairs counted
//! once; normalised by `1 / ((n − 1)(n − 2))`; with `k < n` pivots, scaled
//! like NetworkX 3.6 does it, by `(n − 1) / (2k)` for non-pivots and
//! `(n − 1) / (2(k − 1))` for pivots (normalised: `1 / (k (n − 2))` and
//! `1 / ((k − 1)(n − 2))`), so that the estimate is unbiased; with `k = 1`
//! the pivot's own value is NaN, as in NetworkX (nothing estimates it).
//! Our pivots come from our seeded generator, not Python's, so a sampled
//! result equals NetworkX's only in expectation; `k ≥ n` is exact.
//!
//! Paths are simple paths through distinct neighbours: parallel edges
//! count once (the lightest, when weighted), self-loops never lie on a
//! shortest path. Weighted lengths must be positive: a zero-weight edge
//! makes ties that depend on the search order (NetworkX's results are not
//! defined there either), negative or NaN weights give meaningless values;
//! none of them panics.
//!
//! petgraph 0.8 has no betweenness centrality.
//!
//! # Complexity
//! Exact: `O(n m)` time unweighted, `O(n m + n² log n)` weighted. Sampled:
//! `O(k m)` and `O(k (m + n log n))`. Space `O(n + m)` per thread. Sources
//! are processed in parallel (rayon) in fixed groups whose partial sums are
//! added in a fixed order, so the result does not depend on the number of
//! threads.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use petgraph::graph::UnGraph;
use rayon::prelude::*;

use super::csr::Csr;
use super::rng::SplitMix64;

/// Sources per parallel work item.
const GROUP: usize = 8;
/// Work items whose partial sums are held at once.
const ROUND: usize = 16;

/// Parameters of [`betweenness`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BetweennessConfig {
    /// Shortest paths by total edge weight (Dijkstra) instead of hop count.
    pub weighted: bool,
    /// Divide by the number of pairs not containing the node,
    /// `(n − 1)(n − 2) / 2`, as NetworkX's `normalized=True`.
    pub normalized: bool,
    /// `Some((pivots, seed))`: estimate from that many sources, drawn with
    /// the seed; `None`: exact.
    pub sample: Option<(usize, u64)>,
}

/// The betweenness centrality of each node, indexed by
/// `NodeIndex::index()`. An empty graph gives an empty vector; isolated
/// nodes and graphs of fewer than three nodes give zeros; sampling with 0
/// pivots gives zeros.
///
/// ```
/// use petgraph::graph::UnGraph;
/// use socialgraf::algo::{betweenness, BetweennessConfig};
/// // Path 0 - 1 - 2: only the middle lies between the ends.
/// let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0)]);
/// let raw = BetweennessConfig { weighted: false, normalized: false, sample: None };
/// assert_eq!(betweenness(&g, &raw), vec![0.0, 1.0, 0.0]);
/// ```
pub fn betweenness<N>(g: &UnGraph<N, f64>, config: &BetweennessConfig) -> Vec<f64> {
    let n = g.node_count();
    let mut csr = Csr::new(g);
    csr.dedup_min();
    let sources: Vec<usize> = match config.sample {
        Some((k, seed)) if k < n => {
            let mut pivots = SplitMix64::new(seed).sample(n, k);
            pivots.sort_unstable();
            pivots
        }
        _ => (0..n).collect(),
    };
    let mut total = vec![0.0; n];
    for round in sources.chunks(GROUP * ROUND) {
        let partials: Vec<Vec<f64>> = round
            .par_chunks(GROUP)
            .map_init(
                || Search::new(n),
                |search, group| {
                    let mut partial = vec![0.0; n];
                    for &s in group {
                        if config.weighted {
                            search.dijkstra(&csr, s);
                        } else {
                            search.bfs(&csr, s);
                        }
                        search.accumulate(&csr, s, config.weighted, &mut partial);
                    }
                    partial
                },
            )
            .collect();
        for partial in partials {
            for (t, p) in total.iter_mut().zip(partial) {
                *t += p;
            }
        }
    }
    let pivots = (sources.len() < n).then_some(&sources[..]);
    rescale(&mut total, config.normalized, pivots);
    total
}

/// NetworkX 3.6's `_rescale` for undirected graphs without endpoints.
fn rescale(values: &mut [f64], normalized: bool, pivots: Option<&[usize]>) {
    let n = values.len();
    if n < 3 {
        return;
    }
    let pairs = (n - 1) as f64; // N: possible targets other than v
    match pivots {
        None => {
            let scale = if normalized {
                1.0 / (pairs * (pairs - 1.0))
            } else {
                0.5
            };
            values.iter_mut().for_each(|v| *v *= scale);
        }
        Some(pivots) => {
            let k = pivots.len() as f64;
            let (source, other) = if normalized {
                (1.0 / ((k - 1.0) * (pairs - 1.0)), 1.0 / (k * (pairs - 1.0)))
            } else {
                (pairs / ((k - 1.0) * 2.0), pairs / (k * 2.0))
            };
            // k = 1 leaves the pivot without data (NaN); k = 0 gives zeros.
            let source = if k > 1.0 { source } else { f64::NAN };
            let other = if k > 0.0 { other } else { 0.0 };
            let mut is_pivot = vec![false; n];
            for &p in pivots {
                is_pivot[p] = true;
            }
            for (v, value) in values.iter_mut().enumerate() {
                *value *= if is_pivot[v] { source } else { other };
            }
        }
    }
}

/// Scratch space of one single-source search, reused across sources.
struct Search {
    /// Hop or weighted distance; meaningful only for visited nodes.
    distance: Vec<f64>,
    /// Position in `order`, `u32::MAX` when not (yet) settled.
    position: Vec<u32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    /// Nodes in the order they were settled (non-decreasing distance).
    order: Vec<u32>,
    queue: std::collections::VecDeque<u32>,
    heap: BinaryHeap<Entry>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            distance: vec![f64::INFINITY; n],
            position: vec![u32::MAX; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::with_capacity(n),
            queue: std::collections::VecDeque::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.order {
            let v = v as usize;
            self.distance[v] = f64::INFINITY;
            self.position[v] = u32::MAX;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
        }
        self.order.clear();
    }

    fn bfs(&mut self, csr: &Csr, s: usize) {
        self.reset();
        self.distance[s] = 0.0;
        self.sigma[s] = 1.0;
        self.queue.push_back(s as u32);
        while let Some(v) = self.queue.pop_front() {
            let v = v as usize;
            self.position[v] = self.order.len() as u32;
            self.order.push(v as u32);
            let next = self.distance[v] + 1.0;
            let sigma_v = self.sigma[v];
            let (targets, _) = csr.row(v);
            for &w in targets {
                let w = w as usize;
                if self.distance[w] == f64::INFINITY {
                    self.distance[w] = next;
                    self.queue.push_back(w as u32);
                }
                if self.distance[w] == next {
                    self.sigma[w] += sigma_v;
                }
            }
        }
    }

    /// Every node whose distance is lowered gets a heap entry at that
    /// distance, so every reached node is settled (and later reset).
    fn dijkstra(&mut self, csr: &Csr, s: usize) {
        self.reset();
        self.distance[s] = 0.0;
        self.sigma[s] = 1.0;
        self.heap.push(Entry {
            distance: 0.0,
            node: s as u32,
        });
        while let Some(Entry { distance, node }) = self.heap.pop() {
            let v = node as usize;
            if self.position[v] != u32::MAX || distance > self.distance[v] {
                continue;
            }
            self.position[v] = self.order.len() as u32;
            self.order.push(node);
            let sigma_v = self.sigma[v];
            let (targets, weights) = csr.row(v);
            for (&w, &weight) in targets.iter().zip(weights) {
                let w = w as usize;
                if self.position[w] != u32::MAX {
                    continue;
                }
                let candidate = distance + weight;
                if candidate < self.distance[w] {
                    self.distance[w] = candidate;
                    self.sigma[w] = sigma_v;
                    self.heap.push(Entry {
                        distance: candidate,
                        node: w as u32,
                    });
                } else if candidate == self.distance[w] {
                    self.sigma[w] += sigma_v;
                }
            }
        }
    }

    /// Brandes' backward pass: the predecessors of `w` are its neighbours
    /// settled before it on a shortest path (`d(v) + w(v, w) = d(w)`).
    fn accumulate(&mut self, csr: &Csr, s: usize, weighted: bool, into: &mut [f64]) {
        for i in (0..self.order.len()).rev() {
            let w = self.order[i] as usize;
            let coefficient = (1.0 + self.delta[w]) / self.sigma[w];
            let (targets, weights) = csr.row(w);
            for (&v, &weight) in targets.iter().zip(weights) {
                let v = v as usize;
                if self.position[v] >= i as u32 {
                    continue;
                }
                let step = if weighted { weight } else { 1.0 };
                if self.distance[v] + step == self.distance[w] {
                    self.delta[v] += self.sigma[v] * coefficient;
                }
            }
            if w != s {
                into[w] += self.delta[w];
            }
        }
    }
}

/// A heap entry ordered by smallest distance first, then node index.
#[derive(PartialEq)]
struct Entry {
    distance: f64,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .distance
            .total_cmp(&self.distance)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: BetweennessConfig = BetweennessConfig {
        weighted: false,
        normalized: false,
        sample: None,
    };

    #[test]
    fn star_centre_lies_between_all_leaf_pairs() {
        let g =
            UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0), (0, 4, 1.0)]);
        assert_eq!(betweenness(&g, &RAW), vec![6.0, 0.0, 0.0, 0.0, 0.0]);
        let normalized = BetweennessConfig {
            normalized: true,
            ..RAW
        };
        assert_eq!(betweenness(&g, &normalized), vec![1.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn path_and_triangle() {
        let path = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]);
        assert_eq!(betweenness(&path, &RAW), vec![0.0, 2.0, 2.0, 0.0]);
        let triangle = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)]);
        assert_eq!(betweenness(&triangle, &RAW), vec![0.0; 3]);
    }

    #[test]
    fn square_splits_paths_between_two_routes() {
        // Cycle 0-1-2-3-0: each opposite pair has two shortest paths.
        let g =
            UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)]);
        assert_eq!(betweenness(&g, &RAW), vec![0.5; 4]);
    }

    #[test]
    fn weights_pick_the_light_route() {
        // Square with one heavy side: 0-3 goes round through 1 and 2.
        let g =
            UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 5.0)]);
        let weighted = BetweennessConfig {
            weighted: true,
            ..RAW
        };
        assert_eq!(betweenness(&g, &weighted), vec![0.0, 2.0, 2.0, 0.0]);
    }

    #[test]
    fn disconnected_isolated_self_loops_and_parallel_edges() {
        let mut g = UnGraph::<(), f64>::from_edges([
            (0, 1, 1.0),
            (1, 2, 1.0),
            (1, 2, 3.0),
            (1, 1, 1.0),
            (3, 4, 1.0),
        ]);
        g.add_node(());
        for weighted in [false, true] {
            let config = BetweennessConfig { weighted, ..RAW };
            assert_eq!(betweenness(&g, &config), vec![0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        }
    }

    #[test]
    fn zero_and_nan_weights_do_not_panic() {
        let g = UnGraph::<(), f64>::from_edges([
            (0, 1, 0.0),
            (1, 2, f64::NAN),
            (2, 3, 1.0),
            (3, 0, 0.0),
        ]);
        let config = BetweennessConfig {
            weighted: true,
            ..RAW
        };
        assert_eq!(betweenness(&g, &config).len(), 4);
    }

    #[test]
    fn empty_and_tiny_graphs() {
        assert!(betweenness(&UnGraph::<(), f64>::default(), &RAW).is_empty());
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0)]);
        let normalized = BetweennessConfig {
            normalized: true,
            ..RAW
        };
        assert_eq!(betweenness(&g, &normalized), vec![0.0, 0.0]);
    }

    #[test]
    fn sampling_all_nodes_is_exact_and_seeded_sampling_is_repeatable() {
        let g = UnGraph::<(), f64>::from_edges((0..30u32).map(|i| (i, (i * 7 + 3) % 30, 1.0)));
        let exact = betweenness(&g, &RAW);
        let all = BetweennessConfig {
            sample: Some((30, 1)),
            ..RAW
        };
        assert_eq!(betweenness(&g, &all), exact);
        let some = BetweennessConfig {
            sample: Some((10, 42)),
            ..RAW
        };
        assert_eq!(betweenness(&g, &some), betweenness(&g, &some));
        let none = BetweennessConfig {
            sample: Some((0, 42)),
            ..RAW
        };
        assert_eq!(betweenness(&g, &none), vec![0.0; 30]);
    }

    #[test]
    fn sampled_scaling_is_unbiased_on_a_star() {
        // Star: centre 0, leaves 1..=5. With two pivots the centre is
        // either not a pivot (dependency 4 from each leaf pivot, scaled by
        // (n - 1) / (2k) = 5 / 4) or a pivot (4 from the leaf pivot, scaled
        // by (n - 1) / (2 (k - 1)) = 5 / 2): 10, the exact value, either way.
        let g = UnGraph::<(), f64>::from_edges((1..6u32).map(|i| (0, i, 1.0)));
        for seed in 0..10 {
            let config = BetweennessConfig {
                sample: Some((2, seed)),
                ..RAW
            };
            assert_eq!(
                betweenness(&g, &config),
                vec![10.0, 0.0, 0.0, 0.0, 0.0, 0.0]
            );
        }
    }
}
