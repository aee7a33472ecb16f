//! Compressed sparse row adjacency of an undirected petgraph graph, the
//! layout the algorithms of this module walk in their inner loops.
//!
//! Every edge `{u, v}` with `u != v` appears twice, as `u → v` in row `u`
//! and `v → u` in row `v`; each row is sorted by neighbour index, so the
//! layout (and every sum taken along it) does not depend on the order the
//! edges were added in. Self-loops are kept apart, as a total weight per
//! node. Parallel edges stay separate entries unless [`Csr::dedup_min`] merges
//! them. Building it is `O(n + m)` time and space (two counting passes; the
//! second is skipped when the first leaves the rows sorted already).

use petgraph::graph::UnGraph;

#[derive(Clone)]
/// Public only to the sealed trait of `indexed.rs`: this module is private.
pub struct Csr {
    /// Row `v` is `targets[offsets[v]..offsets[v + 1]]`; `n + 1` entries.
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    pub weights: Vec<f64>,
    /// Total weight of the self-loops at each node (each loop once).
    pub self_loops: Vec<f64>,
    /// The number of self-loops at each node.
    pub loop_count: Vec<usize>,
}

impl Csr {
    pub fn new<N>(g: &UnGraph<N, f64>) -> Csr {
        let n = g.node_count();
        let mut self_loops = vec![0.0; n];
        let mut loop_count = vec![0; n];
        // First pass: rows in edge order (unsorted).
        let mut counts = vec![0usize; n + 1];
        for e in g.raw_edges() {
            let (u, v) = (e.source().index(), e.target().index());
            if u != v {
                counts[u + 1] += 1;
                counts[v + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let offsets = counts;
        let len = offsets[n];
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; len];
        let mut weights = vec![0.0; len];
        for e in g.raw_edges() {
            let (u, v) = (e.source().index(), e.target().index());
            if u == v {
                self_loops[u] += e.weight;
                loop_count[u] += 1;
                continue;
            }
            targets[fill[u]] = v as u32;
            weights[fill[u]] = e.weight;
            fill[u] += 1;
            targets[fill[v]] = u as u32;
            weights[fill[v]] = e.weight;
            fill[v] += 1;
        }
        // Edges listed in order (by smaller end, then larger end, as an edge
        // list sorted by (u, v) with u < v gives) leave every row sorted
        // already: row `v` gets its smaller neighbours from the edges
        // `(u, v)`, in order of `u`, before its larger ones from the edges
        // `(v, w)`, in order of `w`. Strictly increasing rows are then
        // exactly what the second pass would give.
        let sorted = (0..n).all(|v| {
            targets[offsets[v]..offsets[v + 1]]
                .windows(2)
                .all(|pair| pair[0] < pair[1])
        });
        if sorted {
            return Csr {
                offsets,
                targets,
                weights,
                self_loops,
                loop_count,
            };
        }
        // Second pass: the transpose of a symmetric matrix is itself, and
        // filling row `v` while walking sources `u` in increasing order
        // leaves every row sorted by neighbour.
        let mut fill = offsets.clone();
        let mut sorted_targets = vec![0u32; len];
        let mut sorted_weights = vec![0.0; len];
        for u in 0..n {
            for k in offsets[u]..offsets[u + 1] {
                let v = targets[k] as usize;
                sorted_targets[fill[v]] = u as u32;
                sorted_weights[fill[v]] = weights[k];
                fill[v] += 1;
            }
        }
        Csr {
            offsets,
            targets: sorted_targets,
            weights: sorted_weights,
            self_loops,
            loop_count,
        }
    }

    pub fn node_count(&self) -> usize {
        self.self_loops.len()
    }

    /// The entries of row `v`: neighbours and weights.
    #[inline]
    pub fn row(&self, v: usize) -> (&[u32], &[f64]) {
        let range = self.offsets[v]..self.offsets[v + 1];
        (&self.targets[range.clone()], &self.weights[range])
    }

    /// The degree of `v`: its row's entries, and each self-loop twice.
    pub fn degree(&self, v: usize) -> usize {
        self.offsets[v + 1] - self.offsets[v] + 2 * self.loop_count[v]
    }

    /// Whether two entries of a row have the same neighbour.
    pub fn has_parallel_edges(&self) -> bool {
        (0..self.node_count()).any(|v| self.row(v).0.windows(2).any(|pair| pair[0] == pair[1]))
    }

    /// Merges parallel edges into one entry per neighbour, keeping the
    /// lightest weight (what NetworkX's shortest paths on a multigraph use).
    pub fn dedup_min(&mut self) {
        let n = self.node_count();
        let mut write = 0;
        let mut start = 0;
        for v in 0..n {
            let end = self.offsets[v + 1];
            let row_start = write;
            for k in start..end {
                let (t, w) = (self.targets[k], self.weights[k]);
                if write > row_start && self.targets[write - 1] == t {
                    if w < self.weights[write - 1] {
                        self.weights[write - 1] = w;
                    }
                } else {
                    self.targets[write] = t;
                    self.weights[write] = w;
                    write += 1;
                }
            }
            start = end;
            self.offsets[v + 1] = write;
        }
        self.targets.truncate(write);
        self.weights.truncate(write);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_symmetric() {
        let g =
            UnGraph::<(), f64>::from_edges([(2, 0, 1.0), (0, 1, 2.0), (1, 1, 5.0), (2, 1, 3.0)]);
        let csr = Csr::new(&g);
        assert_eq!(csr.row(0), (&[1u32, 2][..], &[2.0, 1.0][..]));
        assert_eq!(csr.row(1), (&[0u32, 2][..], &[2.0, 3.0][..]));
        assert_eq!(csr.row(2), (&[0u32, 1][..], &[1.0, 3.0][..]));
        assert_eq!(csr.self_loops, vec![0.0, 5.0, 0.0]);
    }

    #[test]
    fn edges_in_any_order_give_the_same_rows() {
        // Sorted edges take the one-pass path, shuffled ones and parallel
        // edges the two-pass one: the same layout either way.
        let edges: Vec<(u32, u32, f64)> = (0..40u32)
            .flat_map(|u| {
                (u + 1..40)
                    .filter(move |v| (u * v) % 7 == 1)
                    .map(move |v| (u, v, f64::from(u + v)))
            })
            .collect();
        let sorted = Csr::new(&UnGraph::<(), f64>::from_edges(edges.iter().copied()));
        let mut shuffled_edges = edges.clone();
        crate::algo::rng::SplitMix64::new(9).shuffle(&mut shuffled_edges);
        let flipped = shuffled_edges.iter().map(|&(u, v, w)| (v, u, w));
        let shuffled = Csr::new(&UnGraph::<(), f64>::from_edges(flipped));
        assert_eq!(sorted.offsets, shuffled.offsets);
        assert_eq!(sorted.targets, shuffled.targets);
        assert_eq!(sorted.weights, shuffled.weights);
        for v in 0..40 {
            assert!(sorted.row(v).0.windows(2).all(|p| p[0] < p[1]));
        }
        let mut doubled = edges.clone();
        doubled.push((3, 4, 1.0));
        doubled.push((3, 4, 2.0));
        let parallel = Csr::new(&UnGraph::<(), f64>::from_edges(doubled));
        assert_eq!(parallel.targets.len(), sorted.targets.len() + 4);
        assert!((0..40).all(|v| parallel.row(v).0.windows(2).all(|p| p[0] <= p[1])));
    }

    #[test]
    fn dedup_keeps_lightest_parallel_edge() {
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 2.0), (1, 0, 0.5), (1, 2, 1.0)]);
        let mut csr = Csr::new(&g);
        csr.dedup_min();
        assert_eq!(csr.row(0), (&[1u32][..], &[0.5][..]));
        assert_eq!(csr.row(1), (&[0u32, 2][..], &[0.5, 1.0][..]));
        assert_eq!(csr.row(2), (&[1u32][..], &[1.0][..]));
    }
}
