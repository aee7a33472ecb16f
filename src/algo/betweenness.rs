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

use rayon::prelude::*;

use super::AnalyticsGraph;
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
pub fn betweenness<G: AnalyticsGraph>(g: &G, config: &BetweennessConfig) -> Vec<f64> {
    let n = g.node_count();
    let mut csr = g.adjacency();
    if csr.has_parallel_edges() {
        csr.to_mut().dedup_min();
    }
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
    /// Hop count from the source (breadth-first searches); `u32::MAX` when
    /// not reached.
    hops: Vec<u32>,
    /// Weighted distance (Dijkstra); meaningful only for reached nodes.
    distance: Vec<f64>,
    /// Position in `order` (Dijkstra), `u32::MAX` when not (yet) settled.
    position: Vec<u32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    /// Nodes in the order they were settled (non-decreasing distance);
    /// also the breadth-first queue.
    order: Vec<u32>,
    heap: NodeHeap,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            hops: vec![u32::MAX; n],
            distance: vec![f64::INFINITY; n],
            position: vec![u32::MAX; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::with_capacity(n),
            heap: NodeHeap::new(n),
        }
    }

    fn reset(&mut self) {
        for &v in &self.order {
            let v = v as usize;
            self.hops[v] = u32::MAX;
            self.distance[v] = f64::INFINITY;
            self.position[v] = u32::MAX;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
        }
        self.order.clear();
    }

    /// Breadth-first search: `order` is the queue, nodes enter it when first
    /// reached, which for a breadth-first search is the order they settle.
    fn bfs(&mut self, csr: &Csr, s: usize) {
        self.reset();
        let Search {
            hops, sigma, order, ..
        } = self;
        hops[s] = 0;
        sigma[s] = 1.0;
        order.push(s as u32);
        let mut head = 0;
        while let Some(&v) = order.get(head) {
            head += 1;
            let v = v as usize;
            let next = hops[v] + 1;
            let sigma_v = sigma[v];
            let (targets, _) = csr.row(v);
            for &w in targets {
                let w = w as usize;
                if hops[w] == u32::MAX {
                    hops[w] = next;
                    order.push(w as u32);
                }
                if hops[w] == next {
                    sigma[w] += sigma_v;
                }
            }
        }
    }

    /// Dijkstra's search; the heap holds each reached, unsettled node once,
    /// at its current distance, and settles them in order of (distance,
    /// node index).
    fn dijkstra(&mut self, csr: &Csr, s: usize) {
        self.reset();
        let Search {
            distance,
            position,
            sigma,
            order,
            heap,
            ..
        } = self;
        distance[s] = 0.0;
        sigma[s] = 1.0;
        heap.push_or_decrease(s as u32, 0.0);
        while let Some((reached, node)) = heap.pop() {
            let v = node as usize;
            position[v] = order.len() as u32;
            order.push(node);
            let sigma_v = sigma[v];
            let (targets, weights) = csr.row(v);
            for (&w, &weight) in targets.iter().zip(weights) {
                let w = w as usize;
                if position[w] != u32::MAX {
                    continue;
                }
                let candidate = reached + weight;
                if candidate < distance[w] {
                    distance[w] = candidate;
                    sigma[w] = sigma_v;
                    heap.push_or_decrease(w as u32, candidate);
                } else if candidate == distance[w] {
                    sigma[w] += sigma_v;
                }
            }
        }
    }

    /// Brandes' backward pass: the predecessors of `w` are its neighbours
    /// settled before it on a shortest path (`d(v) + w(v, w) = d(w)`; one
    /// hop less, in a breadth-first search).
    fn accumulate(&mut self, csr: &Csr, s: usize, weighted: bool, into: &mut [f64]) {
        let Search {
            hops,
            distance,
            position,
            sigma,
            delta,
            order,
            ..
        } = self;
        for (i, &w) in order.iter().enumerate().rev() {
            let w = w as usize;
            if w == s {
                continue;
            }
            let coefficient = (1.0 + delta[w]) / sigma[w];
            let (targets, weights) = csr.row(w);
            if weighted {
                let d = distance[w];
                for (&v, &weight) in targets.iter().zip(weights) {
                    let v = v as usize;
                    if distance[v] + weight == d && position[v] < i as u32 {
                        delta[v] += sigma[v] * coefficient;
                    }
                }
            } else {
                // Reached nodes only: `w`'s neighbours are all reached.
                let previous = hops[w] - 1;
                for &v in targets {
                    let v = v as usize;
                    if hops[v] == previous {
                        delta[v] += sigma[v] * coefficient;
                    }
                }
            }
            into[w] += delta[w];
        }
    }
}

/// A 4-ary min-heap of nodes keyed by (distance, node index), with
/// decrease-key: each node is in it at most once. Distances compare by
/// `f64::total_cmp`, so NaN has a place and nothing panics.
struct NodeHeap {
    /// (distance, node), heap-ordered.
    entries: Vec<(f64, u32)>,
    /// Each node's index in `entries`, `u32::MAX` when it is not there.
    slot: Vec<u32>,
}

impl NodeHeap {
    fn new(n: usize) -> NodeHeap {
        NodeHeap {
            entries: Vec::new(),
            slot: vec![u32::MAX; n],
        }
    }

    fn before(a: (f64, u32), b: (f64, u32)) -> bool {
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)) == Ordering::Less
    }

    /// Puts `entry` at index `i` and records where its node is.
    fn place(&mut self, i: usize, entry: (f64, u32)) {
        self.entries[i] = entry;
        self.slot[entry.1 as usize] = i as u32;
    }

    /// Inserts `node` at `distance`, or lowers it there if it is in.
    fn push_or_decrease(&mut self, node: u32, distance: f64) {
        let i = match self.slot[node as usize] {
            u32::MAX => {
                self.entries.push((distance, node));
                self.entries.len() - 1
            }
            i => i as usize,
        };
        self.sift_up(i, (distance, node));
    }

    fn pop(&mut self) -> Option<(f64, u32)> {
        let top = *self.entries.first()?;
        self.slot[top.1 as usize] = u32::MAX;
        let last = self.entries.pop()?;
        if !self.entries.is_empty() {
            self.sift_down(last);
        }
        Some(top)
    }

    /// Places `entry` at `i` or above.
    fn sift_up(&mut self, mut i: usize, entry: (f64, u32)) {
        while i > 0 {
            let parent = (i - 1) / 4;
            let above = self.entries[parent];
            if !Self::before(entry, above) {
                break;
            }
            self.place(i, above);
            i = parent;
        }
        self.place(i, entry);
    }

    /// Places `entry` at the root or below.
    fn sift_down(&mut self, entry: (f64, u32)) {
        let len = self.entries.len();
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= len {
                break;
            }
            let mut best = first;
            for child in first + 1..(first + 4).min(len) {
                if Self::before(self.entries[child], self.entries[best]) {
                    best = child;
                }
            }
            let below = self.entries[best];
            if !Self::before(below, entry) {
                break;
            }
            self.place(i, below);
            i = best;
        }
        self.place(i, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::UnGraph;

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
    fn heap_pops_by_distance_then_node_after_decreases() {
        let mut heap = NodeHeap::new(8);
        for (node, d) in [
            (5, 3.0),
            (1, 2.0),
            (7, 2.0),
            (0, 9.0),
            (3, f64::NAN),
            (2, 4.0),
        ] {
            heap.push_or_decrease(node, d);
        }
        heap.push_or_decrease(0, 1.0);
        heap.push_or_decrease(2, 2.0);
        let popped: Vec<u32> = std::iter::from_fn(|| heap.pop().map(|(_, v)| v)).collect();
        assert_eq!(popped, vec![0, 1, 2, 7, 5, 3]);
        assert!(heap.slot.iter().all(|&slot| slot == u32::MAX));
        // Many keys, half of them lowered: popped in sorted order.
        let mut rng = SplitMix64::new(5);
        let mut keys: Vec<f64> = (0..500).map(|_| rng.below(40) as f64).collect();
        let mut heap = NodeHeap::new(keys.len());
        for (v, &d) in keys.iter().enumerate() {
            heap.push_or_decrease(v as u32, d);
        }
        for v in (0..keys.len()).step_by(2) {
            keys[v] -= rng.below(10) as f64;
            heap.push_or_decrease(v as u32, keys[v]);
        }
        let popped: Vec<(f64, u32)> = std::iter::from_fn(|| heap.pop()).collect();
        let mut expected: Vec<(f64, u32)> = keys.iter().zip(0..).map(|(&d, v)| (d, v)).collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        assert_eq!(popped, expected);
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
