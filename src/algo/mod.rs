//! Graph analytics on petgraph: centralities, components and communities.
//!
//! Every algorithm takes an undirected graph whose edge weights are `f64`:
//! a `&petgraph::graph::UnGraph<N, f64>` (any node weight `N`), or an
//! [`IndexedGraph`] of one, which builds the compressed adjacency and the
//! degrees once for several algorithms ([`AnalyticsGraph`] is either; same
//! results to the bit). They return plain vectors indexed by
//! `NodeIndex::index()`. The figures are those of
//! NetworkX 3.6 on the same graph (checked against fixtures computed with
//! it: `tests/fixtures/analytics/`). Nothing here touches the store: the
//! graphs are built elsewhere.
//!
//! | algorithm | entry point | file | time | reference |
//! |---|---|---|---|---|
//! | degree, weighted degree | [`degree`], [`weighted_degree`] | `degree.rs` | `O(n + m)`; degree `O(n)` on an [`IndexedGraph`] | Barrat et al. 2004 |
//! | PageRank (power iteration) | [`pagerank`], [`pagerank_run`] | `pagerank.rs` | `O(n + m)` per iteration | Page et al. 1999 |
//! | betweenness, exact | [`betweenness`] | `betweenness.rs` | `O(nm)`; weighted `O(nm + n² log n)` | Brandes 2001 |
//! | betweenness, `k` sampled pivots | [`betweenness`] | `betweenness.rs` | `O(km)`; weighted `O(k(m + n log n))` | Brandes & Pich 2007 |
//! | connected components | [`components`] | `components.rs` | `O(n + m α(n))` | Tarjan 1975 (petgraph's `UnionFind`) |
//! | communities (Louvain, fast local move) | [`communities`] | `louvain.rs` | `O(m)` per pass, near-linear in practice | Blondel et al. 2008; Traag et al. 2019 |
//! | modularity with resolution `γ` | [`modularity()`] | `modularity.rs` | `O(n + m)` | Newman 2006; Reichardt & Bornholdt 2006 |
//!
//! `n` nodes, `m` edges. Each file's header gives the definition, the
//! NetworkX function it matches, how self-loops, parallel edges, zero
//! weights and empty graphs are treated, and the space used. Parallel parts
//! (PageRank rows, betweenness sources) use rayon with a fixed split, so the
//! results do not depend on the number of threads (degree counts are split
//! per thread, but integer counts are exact); seeded parts use the
//! private SplitMix64 generator of `rng.rs`, so they do not depend on the
//! platform. Inner loops walk the compressed adjacency of `csr.rs`.

mod betweenness;
mod components;
mod csr;
mod degree;
mod indexed;
mod louvain;
mod modularity;
mod pagerank;
pub(crate) mod rng;

pub use betweenness::{BetweennessConfig, betweenness};
pub use components::components;
pub use degree::{degree, weighted_degree};
pub use indexed::{AnalyticsGraph, IndexedGraph};
pub use louvain::{Communities, Community, CommunityConfig, communities};
pub use modularity::modularity;
pub use pagerank::{PageRankConfig, PageRankRun, pagerank, pagerank_run};
