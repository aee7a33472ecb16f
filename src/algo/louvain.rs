//! Community detection by modularity maximisation: the Louvain method.
//!
//! Blondel, Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding of
//! communities in large networks" (J. Stat. Mech. P10008): starting from
//! singletons, nodes move to the neighbouring community that raises the
//! modularity ([`modularity`](super::modularity())) most, until none
//! does; then each community becomes one node of a smaller weighted graph
//! (inner edges become its self-weight) and the moves repeat there, until
//! a level moves nothing. Two refinements:
//!
//! - nodes are visited from a queue: after a first pass over all nodes in
//!   a seeded random order, only the neighbours of nodes that moved are
//!   visited again (the *fast local move* of Traag, Waltman & van Eck 2019,
//!   "From Louvain to Leiden: guaranteeing well-connected communities",
//!   Sci. Rep. 9, 5233), which reaches the same kind of local optimum with
//!   far fewer visits;
//! - Louvain may leave a community internally disconnected; at the end each
//!   community is split into its connected parts, which never lowers the
//!   modularity (the Leiden algorithm's refinement phase, which guarantees
//!   more, is not implemented).
//!
//! The resolution `γ` weighs the null model: higher `γ` gives more, smaller
//! communities (`γ = 1` is classic modularity). The result is
//! deterministic for a given seed: the seed fixes the visiting orders, ties
//! go to the current community, then to the neighbour community met first
//! in node-index order, and no hash map is involved. It is not NetworkX's
//! partition for the same seed (a different generator), only one of
//! comparable modularity.
//!
//! Isolated nodes stay alone (contribution 0). A graph whose edges weigh
//! nothing in total, or with a NaN weight, is returned as singletons;
//! negative weights are not meaningful (no panic).
//!
//! # Complexity
//! `O(m)` per pass over all nodes, `O(n + m)` per aggregation; the number
//! of passes and levels is small in practice (the method's empirical cost
//! is near-linear in `m`; no polynomial bound on the number of moves is
//! known). Space `O(n + m)`.

use std::collections::VecDeque;

use petgraph::graph::UnGraph;

use super::AnalyticsGraph;
use super::csr::Csr;
use super::modularity::contributions;
use super::rng::SplitMix64;

/// Parameters of [`communities`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommunityConfig {
    /// Resolution `γ` of the modularity (1 is classic modularity).
    pub resolution: f64,
    /// Seed of the node visiting orders.
    pub seed: u64,
}

impl Default for CommunityConfig {
    /// Resolution 1, seed 0.
    fn default() -> Self {
        CommunityConfig {
            resolution: 1.0,
            seed: 0,
        }
    }
}

/// One community of a partition.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    /// Node indices (`NodeIndex::index()`), ascending.
    pub members: Vec<usize>,
    /// Its term of the modularity, `L_c / m − γ (d_c / 2m)²`.
    pub contribution: f64,
}

/// A partition into communities with its modularity.
#[derive(Debug, Clone, PartialEq)]
pub struct Communities {
    /// Community id of each node, indexed by `NodeIndex::index()`; ids
    /// index `communities`.
    pub membership: Vec<usize>,
    /// The modularity at the configured resolution: the sum of the
    /// contributions, in community order.
    pub modularity: f64,
    /// The communities, largest first (ties: smallest member first).
    pub communities: Vec<Community>,
}

/// Moves that raise the objective by less than this fraction of the moved
/// node's weighted degree are not made, so rounding noise cannot make a
/// node hop back and forth.
const MIN_GAIN: f64 = 1e-12;

/// The communities found by the Louvain method (see the module docs). An
/// empty graph gives no communities and modularity 0.
///
/// ```
/// use petgraph::graph::UnGraph;
/// use socialgraf::algo::{communities, CommunityConfig};
/// // Two triangles joined by one edge.
/// let g = UnGraph::<(), f64>::from_edges([
///     (0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0),
///     (3, 4, 1.0), (4, 5, 1.0), (5, 3, 1.0), (2, 3, 1.0),
/// ]);
/// let found = communities(&g, &CommunityConfig::default());
/// assert_eq!(found.communities.len(), 2);
/// assert_eq!(found.communities[0].members, vec![0, 1, 2]);
/// assert_eq!(found.membership, vec![0, 0, 0, 1, 1, 1]);
/// assert!((found.modularity - 5.0 / 14.0).abs() < 1e-12);
/// ```
pub fn communities<G: AnalyticsGraph>(g: &G, config: &CommunityConfig) -> Communities {
    let n = g.node_count();
    let csr = g.adjacency();
    let mut level = Level::from_csr(&csr);
    let total: f64 = level.strength.iter().sum();
    let mut membership: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64::new(config.seed);
    if total > 0.0 && total.is_finite() {
        loop {
            let (assignment, count) = level.local_moves(&mut rng, config.resolution, total);
            if count == level.len() {
                break;
            }
            for c in &mut membership {
                *c = assignment[*c] as usize;
            }
            level = level.aggregate(&assignment, count);
        }
    }
    let (membership, count) = split_disconnected(&csr, &membership);
    finish(g.graph(), membership, count, config.resolution)
}

/// Orders communities by size and computes their contributions.
fn finish<N>(
    g: &UnGraph<N, f64>,
    membership: Vec<usize>,
    count: usize,
    resolution: f64,
) -> Communities {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &c) in membership.iter().enumerate() {
        members[c].push(v);
    }
    // Ids are in order of smallest member; a stable sort by size keeps that
    // order among equal sizes.
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(members[c].len()));
    let mut rank = vec![0; count];
    for (new, &old) in order.iter().enumerate() {
        rank[old] = new;
    }
    let membership: Vec<usize> = membership.iter().map(|&c| rank[c]).collect();
    let contributions = contributions(g, &membership, count, resolution);
    let communities: Vec<Community> = order
        .iter()
        .zip(contributions)
        .map(|(&old, contribution)| Community {
            members: std::mem::take(&mut members[old]),
            contribution,
        })
        .collect();
    Communities {
        membership,
        modularity: communities.iter().map(|c| c.contribution).sum(),
        communities,
    }
}

/// Splits each community into its connected parts; ids `0..count` in
/// order of smallest member.
fn split_disconnected(csr: &Csr, membership: &[usize]) -> (Vec<usize>, usize) {
    let n = membership.len();
    let mut label = vec![usize::MAX; n];
    let mut count = 0;
    let mut stack = Vec::new();
    for start in 0..n {
        if label[start] != usize::MAX {
            continue;
        }
        label[start] = count;
        stack.push(start);
        while let Some(v) = stack.pop() {
            let (targets, _) = csr.row(v);
            for &u in targets {
                let u = u as usize;
                if label[u] == usize::MAX && membership[u] == membership[v] {
                    label[u] = count;
                    stack.push(u);
                }
            }
        }
        count += 1;
    }
    (label, count)
}

/// The graph of one level: CSR rows without self-loops, and each node's
/// weighted degree (self-loops twice, inner edges of merged nodes twice).
struct Level {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    strength: Vec<f64>,
}

impl Level {
    fn from_csr(csr: &Csr) -> Level {
        let n = csr.node_count();
        let strength = (0..n)
            .map(|v| csr.row(v).1.iter().sum::<f64>() + 2.0 * csr.self_loops[v])
            .collect();
        Level {
            offsets: csr.offsets.clone(),
            targets: csr.targets.clone(),
            weights: csr.weights.clone(),
            strength,
        }
    }

    fn len(&self) -> usize {
        self.strength.len()
    }

    fn row(&self, v: usize) -> (&[u32], &[f64]) {
        let range = self.offsets[v]..self.offsets[v + 1];
        (&self.targets[range.clone()], &self.weights[range])
    }

    /// Moves nodes between communities until no move raises the
    /// modularity; returns each node's community, renumbered `0..count` in
    /// order of smallest node, and the count.
    fn local_moves(&self, rng: &mut SplitMix64, resolution: f64, total: f64) -> (Vec<u32>, usize) {
        let n = self.len();
        let mut community: Vec<u32> = (0..n as u32).collect();
        let mut community_strength = self.strength.clone();
        let mut order: Vec<u32> = (0..n as u32).collect();
        rng.shuffle(&mut order);
        let mut queue: VecDeque<u32> = order.into();
        let mut queued = vec![true; n];
        let mut link = vec![0.0; n];
        let mut seen = vec![false; n];
        let mut touched: Vec<u32> = Vec::new();
        let scale = resolution / total;
        while let Some(v) = queue.pop_front() {
            let v = v as usize;
            queued[v] = false;
            let (targets, weights) = self.row(v);
            for (&u, &w) in targets.iter().zip(weights) {
                let c = community[u as usize];
                if !seen[c as usize] {
                    seen[c as usize] = true;
                    touched.push(c);
                }
                link[c as usize] += w;
            }
            let own = community[v] as usize;
            let k = self.strength[v];
            community_strength[own] -= k;
            // Gain of joining c (up to the factor 1/m): the weight to c
            // minus γ k Σ_c / 2m.
            let stay = link[own] - scale * k * community_strength[own];
            let (mut best, mut best_gain) = (own, stay);
            for &c in &touched {
                let c = c as usize;
                let gain = link[c] - scale * k * community_strength[c];
                if gain > best_gain {
                    best = c;
                    best_gain = gain;
                }
            }
            if best_gain - stay <= MIN_GAIN * k.abs() {
                best = own;
            }
            community_strength[best] += k;
            for &c in &touched {
                seen[c as usize] = false;
                link[c as usize] = 0.0;
            }
            touched.clear();
            if best != own {
                community[v] = best as u32;
                for &u in targets {
                    let u = u as usize;
                    if !queued[u] && community[u] as usize != best {
                        queued[u] = true;
                        queue.push_back(u as u32);
                    }
                }
            }
        }
        // Renumber in order of smallest node.
        let mut id = vec![u32::MAX; n];
        let mut count = 0u32;
        for c in &mut community {
            if id[*c as usize] == u32::MAX {
                id[*c as usize] = count;
                count += 1;
            }
            *c = id[*c as usize];
        }
        (community, count as usize)
    }

    /// The graph whose nodes are the communities of `assignment`.
    fn aggregate(&self, assignment: &[u32], count: usize) -> Level {
        let n = self.len();
        // Members of each community, by counting sort.
        let mut start = vec![0usize; count + 1];
        for &c in assignment {
            start[c as usize + 1] += 1;
        }
        for c in 0..count {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut members = vec![0u32; n];
        for (v, &c) in assignment.iter().enumerate() {
            members[fill[c as usize]] = v as u32;
            fill[c as usize] += 1;
        }
        let mut strength = vec![0.0; count];
        let mut offsets = Vec::with_capacity(count + 1);
        offsets.push(0);
        let mut targets = Vec::new();
        let mut weights = Vec::new();
        let mut link = vec![0.0; count];
        let mut seen = vec![false; count];
        let mut touched: Vec<u32> = Vec::new();
        for c in 0..count {
            for &v in &members[start[c]..start[c + 1]] {
                let v = v as usize;
                strength[c] += self.strength[v];
                let (row_targets, row_weights) = self.row(v);
                for (&u, &w) in row_targets.iter().zip(row_weights) {
                    let d = assignment[u as usize];
                    if d as usize == c {
                        continue;
                    }
                    if !seen[d as usize] {
                        seen[d as usize] = true;
                        touched.push(d);
                    }
                    link[d as usize] += w;
                }
            }
            touched.sort_unstable();
            for &d in &touched {
                targets.push(d);
                weights.push(link[d as usize]);
                seen[d as usize] = false;
                link[d as usize] = 0.0;
            }
            touched.clear();
            offsets.push(targets.len());
        }
        Level {
            offsets,
            targets,
            weights,
            strength,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::modularity;

    fn cliques(count: u32, size: u32) -> UnGraph<(), f64> {
        // `count` cliques in a ring, neighbouring cliques joined by one edge.
        let mut edges = Vec::new();
        for c in 0..count {
            for i in 0..size {
                for j in i + 1..size {
                    edges.push((c * size + i, c * size + j, 1.0));
                }
            }
            edges.push((c * size, ((c + 1) % count) * size + 1, 1.0));
        }
        UnGraph::from_edges(edges)
    }

    #[test]
    fn ring_of_cliques_finds_the_cliques() {
        let g = cliques(8, 5);
        let found = communities(&g, &CommunityConfig::default());
        assert_eq!(found.communities.len(), 8);
        for (i, c) in found.communities.iter().enumerate() {
            let first = i * 5;
            assert_eq!(c.members, (first..first + 5).collect::<Vec<_>>());
        }
        let sum: f64 = found.communities.iter().map(|c| c.contribution).sum();
        assert_eq!(sum, found.modularity);
        assert!((found.modularity - modularity(&g, &found.membership, 1.0)).abs() < 1e-12);
    }

    #[test]
    fn same_seed_same_partition() {
        let g = cliques(12, 4);
        for seed in [0, 1, 99] {
            let config = CommunityConfig {
                resolution: 1.0,
                seed,
            };
            assert_eq!(communities(&g, &config), communities(&g, &config));
        }
    }

    #[test]
    fn resolution_trades_size_for_count() {
        let g = cliques(8, 5);
        let coarse = communities(
            &g,
            &CommunityConfig {
                resolution: 0.05,
                seed: 3,
            },
        );
        let fine = communities(
            &g,
            &CommunityConfig {
                resolution: 1.0,
                seed: 3,
            },
        );
        assert!(coarse.communities.len() < fine.communities.len());
        // γ = 0: one community per connected component, Q = 1.
        let zero = communities(
            &g,
            &CommunityConfig {
                resolution: 0.0,
                seed: 3,
            },
        );
        assert_eq!(zero.communities.len(), 1);
        assert!((zero.modularity - 1.0).abs() < 1e-12);
    }

    #[test]
    fn disconnected_isolated_and_self_loops() {
        let mut g = UnGraph::<(), f64>::from_edges([
            (0, 1, 1.0),
            (1, 2, 1.0),
            (2, 0, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (5, 3, 1.0),
            (5, 5, 2.0),
        ]);
        g.add_node(());
        let found = communities(&g, &CommunityConfig::default());
        assert_eq!(found.membership, vec![0, 0, 0, 1, 1, 1, 2]);
        assert_eq!(found.communities[2].contribution, 0.0);
        assert!((found.modularity - modularity(&g, &found.membership, 1.0)).abs() < 1e-12);
    }

    #[test]
    fn degenerate_graphs() {
        let empty = communities(&UnGraph::<(), f64>::default(), &CommunityConfig::default());
        assert!(empty.membership.is_empty() && empty.communities.is_empty());
        assert_eq!(empty.modularity, 0.0);
        let zero = UnGraph::<(), f64>::from_edges([(0, 1, 0.0), (1, 2, 0.0)]);
        let found = communities(&zero, &CommunityConfig::default());
        assert_eq!(found.membership, vec![0, 1, 2]);
        assert_eq!(found.modularity, 0.0);
        let nan = UnGraph::<(), f64>::from_edges([(0, 1, f64::NAN), (1, 2, 1.0)]);
        assert_eq!(
            communities(&nan, &CommunityConfig::default())
                .membership
                .len(),
            3
        );
    }
}
