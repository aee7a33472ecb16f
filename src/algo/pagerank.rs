//! PageRank of an undirected weighted graph, by power iteration.
//!
//! Page, Brin, Motwani & Winograd 1999, "The PageRank citation ranking:
//! bringing order to the web" (Stanford InfoLab technical report 1999-66).
//! A random walker follows an edge with probability `damping`, picked in
//! proportion to its weight, and jumps to a uniformly random node
//! otherwise; a node whose edges weigh nothing in total (an isolated node,
//! or one with only zero-weight edges) is *dangling*: from it the walker
//! always jumps uniformly. The ranks are the walk's stationary distribution.
//!
//! This is the iteration of NetworkX's `pagerank(G, alpha, tol=tol,
//! weight="weight")` (3.x, `_pagerank_scipy`): start from `1/n` everywhere,
//! `x' = α (x W + Σ_dangling x / n) + (1 − α) / n` where `W` is the weight
//! matrix with rows scaled to sum 1, stop when `‖x' − x‖₁ < n · tol`. An
//! undirected edge of weight `w` is a pair of opposite arcs of weight `w`; a
//! self-loop is one arc (it adds its weight once to its node's out-weight,
//! as NetworkX's adjacency matrix does); parallel edges add their weights.
//! Weights must be non-negative: negative weights give meaningless ranks
//! (but no panic), NaN weights give NaN ranks.
//!
//! petgraph's own `algo::page_rank` is unweighted, takes a fixed iteration
//! count and costs `O(n² m)` per iteration, so it is not used.
//!
//! # Complexity
//! `O(n + m)` time per iteration, `O(I (n + m))` in all for `I`
//! iterations; `O(n + m)` space. Rows are processed in parallel (rayon); the
//! result does not depend on the number of threads.

use rayon::prelude::*;

use super::AnalyticsGraph;

/// Nodes per parallel work item; also the grain of the error sum, so the
/// result is the same on any number of threads.
const CHUNK: usize = 4096;

/// Parameters of [`pagerank`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankConfig {
    /// Probability of following an edge (NetworkX's `alpha`), usually 0.85.
    pub damping: f64,
    /// Stop when the L1 change of an iteration is below `n · tolerance`
    /// (NetworkX's `tol`, default 1e-6).
    pub tolerance: f64,
    /// At most this many iterations (NetworkX's `max_iter`, default 100).
    pub max_iterations: usize,
}

impl Default for PageRankConfig {
    /// NetworkX's defaults: damping 0.85, tolerance 1e-6, 100 iterations.
    fn default() -> Self {
        PageRankConfig {
            damping: 0.85,
            tolerance: 1e-6,
            max_iterations: 100,
        }
    }
}

/// The ranks with how they were reached.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRankRun {
    /// Rank of each node, indexed by `NodeIndex::index()`; sums to 1.
    pub scores: Vec<f64>,
    /// Iterations done.
    pub iterations: usize,
    /// Whether the tolerance was met within `max_iterations`. NetworkX
    /// raises `PowerIterationFailedConvergence` where this is false.
    pub converged: bool,
}

/// The PageRank of each node, indexed by `NodeIndex::index()`. An empty
/// graph gives an empty vector, a graph without edges `1/n` everywhere.
/// When the iteration does not converge within `max_iterations` this is
/// the last iterate (see [`pagerank_run`] to tell).
///
/// ```
/// use petgraph::graph::UnGraph;
/// use socialgraf::algo::{pagerank, PageRankConfig};
/// // A star: the centre ranks highest, the leaves share the rest.
/// let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)]);
/// let pr = pagerank(&g, &PageRankConfig::default());
/// assert!(pr[0] > pr[1] && (pr[1] - pr[3]).abs() < 1e-12);
/// assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
/// ```
pub fn pagerank<G: AnalyticsGraph>(g: &G, config: &PageRankConfig) -> Vec<f64> {
    pagerank_run(g, config).scores
}

/// [`pagerank`], also telling the iterations done and whether it converged.
pub fn pagerank_run<G: AnalyticsGraph>(g: &G, config: &PageRankConfig) -> PageRankRun {
    let n = g.node_count();
    if n == 0 {
        return PageRankRun {
            scores: Vec::new(),
            iterations: 0,
            converged: true,
        };
    }
    let csr = g.adjacency();
    let alpha = config.damping;
    let uniform = 1.0 / n as f64;
    // 1 / out-weight, 0 for dangling nodes.
    let inverse: Vec<f64> = (0..n)
        .map(|v| {
            let (_, weights) = csr.row(v);
            let total: f64 = weights.iter().sum::<f64>() + csr.self_loops[v];
            if total != 0.0 { 1.0 / total } else { 0.0 }
        })
        .collect();
    let dangling: Vec<usize> = (0..n).filter(|&v| inverse[v] == 0.0).collect();
    let mut x = vec![uniform; n];
    let mut share = vec![0.0; n];
    let mut next = vec![0.0; n];
    for iteration in 1..=config.max_iterations {
        let dangling_mass: f64 = dangling.iter().map(|&v| x[v]).sum();
        share
            .par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .zip(inverse.par_chunks(CHUNK))
            .for_each(|((s, x), inv)| {
                for ((s, x), inv) in s.iter_mut().zip(x).zip(inv) {
                    *s = x * inv;
                }
            });
        let jump = alpha * dangling_mass * uniform + (1.0 - alpha) * uniform;
        let errors: Vec<f64> = next
            .par_chunks_mut(CHUNK)
            .enumerate()
            .map(|(chunk, out)| {
                let first = chunk * CHUNK;
                let mut error = 0.0;
                for (offset, slot) in out.iter_mut().enumerate() {
                    let v = first + offset;
                    let (targets, weights) = csr.row(v);
                    let mut inflow = share[v] * csr.self_loops[v];
                    for (&u, &w) in targets.iter().zip(weights) {
                        inflow += share[u as usize] * w;
                    }
                    let value = alpha * inflow + jump;
                    error += (value - x[v]).abs();
                    *slot = value;
                }
                error
            })
            .collect();
        std::mem::swap(&mut x, &mut next);
        let error: f64 = errors.iter().sum();
        if error < n as f64 * config.tolerance {
            return PageRankRun {
                scores: x,
                iterations: iteration,
                converged: true,
            };
        }
    }
    PageRankRun {
        scores: x,
        iterations: config.max_iterations,
        converged: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::UnGraph;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    const TIGHT: PageRankConfig = PageRankConfig {
        damping: 0.85,
        tolerance: 1e-14,
        max_iterations: 1000,
    };

    #[test]
    fn regular_graph_is_uniform() {
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)]);
        assert!(close(&pagerank(&g, &TIGHT), &[1.0 / 3.0; 3]));
    }

    #[test]
    fn path_matches_closed_form() {
        // Path a - b - c, unit weights: by symmetry a = c, and
        // b = 0.15/3 + 0.85 (a + c), a = 0.15/3 + 0.85 b / 2.
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0)]);
        let pr = pagerank(&g, &TIGHT);
        let b = (0.05 + 1.7 * 0.05) / (1.0 - 1.7 * 0.425);
        let a = 0.05 + 0.425 * b;
        assert!(close(&pr, &[a, b, a]), "{pr:?}");
    }

    #[test]
    fn weights_steer_the_walk() {
        // Star with one heavy spoke: the heavy leaf outranks the light ones.
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 5.0), (0, 2, 1.0), (0, 3, 1.0)]);
        let pr = pagerank(&g, &TIGHT);
        assert!(pr[1] > pr[2] && (pr[2] - pr[3]).abs() < 1e-12);
    }

    #[test]
    fn dangling_and_disconnected_nodes() {
        // Two components, an isolated node and a zero-weight edge (both of
        // whose ends are dangling): still a distribution, no panic.
        let mut g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (2, 3, 0.0)]);
        g.add_node(());
        let run = pagerank_run(&g, &TIGHT);
        assert!(run.converged);
        assert!((run.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(close(&run.scores[2..], &[run.scores[2]; 3]));
        assert!(run.scores[0] > run.scores[2]);
    }

    #[test]
    fn self_loop_counts_once_in_out_weight() {
        // Node 0 keeps half its walk (loop weight 1 of out-weight 2).
        let g = UnGraph::<(), f64>::from_edges([(0, 0, 1.0), (0, 1, 1.0)]);
        let pr = pagerank(&g, &TIGHT);
        // x0 = 0.075 + 0.85 (x0 / 2 + x1), x1 = 0.075 + 0.85 x0 / 2.
        let x0 = (0.075 + 0.85 * 0.075) / (1.0 - 0.425 - 0.85 * 0.425);
        assert!(close(&pr, &[x0, 1.0 - x0]), "{pr:?}");
    }

    #[test]
    fn empty_graph_and_no_iterations() {
        assert!(pagerank(&UnGraph::<(), f64>::default(), &TIGHT).is_empty());
        let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 2, 1.0)]);
        let run = pagerank_run(
            &g,
            &PageRankConfig {
                max_iterations: 0,
                ..TIGHT
            },
        );
        assert!(!run.converged);
        assert_eq!(run.scores, vec![1.0 / 3.0; 3]);
    }
}
