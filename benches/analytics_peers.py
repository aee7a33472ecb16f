#!/usr/bin/env python3
"""The peers' side of `cargo bench --bench analytics`: times NetworkX and
python-igraph on the edge lists the bench wrote, with the same algorithms and
parameters as ours, and prints one JSON object per line:
{"peer": ..., "algorithm": ..., "seconds": ..., "note": ...}.

Usage: analytics_peers.py EDGES.tsv SMALL.tsv PIVOTS [networkx,igraph]
EDGES.tsv, SMALL.tsv: a "# nodes N" line, then "u<TAB>v<TAB>weight" lines;
SMALL.tsv is the graph of the exact betweenness rows.

Install the pinned peers (PageRank in NetworkX needs SciPy):
    python3 -m venv ~/.cache/socialgraf-venv
    ~/.cache/socialgraf-venv/bin/pip install networkx==3.6.1 python-igraph==1.0.0 numpy==2.4.6 scipy==1.17.1

Graph construction is not timed in the algorithm rows; it has a row of its
own, "construction" (ours: petgraph graph plus its index). Each algorithm call is timed whole, with
the same rule as ours: run until 100 runs or 2 s spent (at least once), keep
the fastest. What each peer runs (n nodes, k = PIVOTS):
  construction       nx.Graph() + add_weighted_edges    ig.Graph(n, edges) + es["weight"]
  degree             dict(G.degree())                   g.degree()
  weighted degree    dict(G.degree(weight="weight"))    g.strength(weights="weight")
  pagerank (tol 1e-6)
                     nx.pagerank(G, 0.85, tol=1e-6)     (igraph cannot stop there)
  pagerank (L1 < 1e-10)
                     nx.pagerank(G, 0.85, tol=1e-10/n, max_iter=1000)
                                                        g.pagerank(damping=0.85, weights="weight"):
                                                        PRPACK, which stops at L1 change < 1e-10
  betweenness, k     nx.betweenness_centrality(G, k=k, seed=1, weight=None|"weight")
                     igraph has no sampling: g.betweenness(sources=<the same k pivots,
                     random.Random(1).sample>, weights=None|"weight"): one search per pivot
  components         list(nx.connected_components(G))   g.connected_components()
  communities        nx.community.louvain_communities(G, weight="weight", seed=1)
                     g.community_multilevel(weights="weight") (Louvain), resolution 1
  betweenness, exact (small)
                     nx.betweenness_centrality(G, weight=None|"weight")
                     g.betweenness(weights=None|"weight")
"""

import json
import random
import sys
import time

RUNS = 100
BUDGET = 2.0


def emit(peer, algorithm, seconds, note=""):
    print(json.dumps({"peer": peer, "algorithm": algorithm, "seconds": seconds, "note": note}), flush=True)


def fastest(f):
    """The fastest of RUNS runs or of those that fit in BUDGET seconds (at
    least one), the last run's result, and the number of runs."""
    best, spent, runs, result = float("inf"), 0.0, 0, None
    while runs < RUNS and (runs == 0 or spent < BUDGET):
        start = time.perf_counter()
        result = f()
        seconds = time.perf_counter() - start
        best = min(best, seconds)
        spent += seconds
        runs += 1
    return best, result, runs


def read_edges(path):
    with open(path, encoding="ascii") as f:
        n = int(f.readline().split()[2])
        edges, weights = [], []
        for line in f:
            u, v, w = line.split("\t")
            edges.append((int(u), int(v)))
            weights.append(float(w))
    return n, edges, weights


def run_networkx(large, small, pivots):
    import networkx as nx

    def build(n, edges, weights):
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_weighted_edges_from((u, v, w) for (u, v), w in zip(edges, weights))
        return g

    g = build(*large)
    n = g.number_of_nodes()
    peer = f"networkx {nx.__version__}"

    def time_it(algorithm, f, note=lambda result: ""):
        seconds, result, runs = fastest(f)
        emit(peer, algorithm, seconds, ", ".join(filter(None, [note(result), f"best of {runs}"])))

    time_it("construction", lambda: build(*large))

    time_it("degree", lambda: dict(g.degree()))
    time_it("weighted degree", lambda: dict(g.degree(weight="weight")))
    time_it("pagerank (tol 1e-6)", lambda: nx.pagerank(g, alpha=0.85, tol=1e-6, weight="weight"))
    time_it(
        "pagerank (L1 < 1e-10)",
        lambda: nx.pagerank(g, alpha=0.85, tol=1e-10 / n, max_iter=1000, weight="weight"),
    )
    for name, weight in [("betweenness", None), ("weighted betweenness", "weight")]:
        time_it(
            f"{name}, k={pivots}",
            lambda: nx.betweenness_centrality(g, k=pivots, seed=1, normalized=True, weight=weight),
        )
    time_it("components", lambda: list(nx.connected_components(g)))

    def louvain_note(parts):
        q = nx.community.modularity(g, parts, weight="weight")
        return f"Q={q:.4f}, {len(parts)} communities"

    time_it("communities", lambda: nx.community.louvain_communities(g, weight="weight", seed=1), louvain_note)
    h = build(*small)
    for name, weight in [("betweenness", None), ("weighted betweenness", "weight")]:
        time_it(
            f"{name}, exact (small)",
            lambda: nx.betweenness_centrality(h, normalized=True, weight=weight),
        )


def run_igraph(large, small, pivots):
    import igraph as ig

    def build(n, edges, weights):
        g = ig.Graph(n=n, edges=edges, directed=False)
        g.es["weight"] = weights
        return g

    g = build(*large)
    n = g.vcount()
    # NetworkX's pivots: betweenness_centrality(k=, seed=1) draws
    # random.Random(1).sample(list(G), k), and list(G) is range(n) here.
    sources = random.Random(1).sample(range(n), pivots)
    peer = f"igraph {ig.__version__}"

    def time_it(algorithm, f, note=lambda result: ""):
        seconds, result, runs = fastest(f)
        emit(peer, algorithm, seconds, ", ".join(filter(None, [note(result), f"best of {runs}"])))

    time_it("construction", lambda: build(*large))

    time_it("degree", lambda: g.degree())
    time_it("weighted degree", lambda: g.strength(weights="weight"))
    time_it("pagerank (L1 < 1e-10)", lambda: g.pagerank(damping=0.85, weights="weight"), lambda r: "PRPACK")
    for name, weights in [("betweenness", None), ("weighted betweenness", "weight")]:
        time_it(
            f"{name}, k={pivots}",
            lambda: g.betweenness(directed=False, sources=sources, weights=weights),
            lambda r: f"{pivots} sources",
        )
    time_it("components", lambda: g.connected_components())

    def louvain_note(clustering):
        q = g.modularity(clustering, weights="weight")
        return f"Q={q:.4f}, {len(clustering)} communities"

    time_it("communities", lambda: g.community_multilevel(weights="weight"), louvain_note)
    h = build(*small)
    for name, weights in [("betweenness", None), ("weighted betweenness", "weight")]:
        time_it(f"{name}, exact (small)", lambda: h.betweenness(directed=False, weights=weights))


def main():
    large, small, pivots = read_edges(sys.argv[1]), read_edges(sys.argv[2]), int(sys.argv[3])
    peers = sys.argv[4].split(",") if len(sys.argv) > 4 else ["igraph", "networkx"]
    for peer, run in [("igraph", run_igraph), ("networkx", run_networkx)]:
        if peer not in peers:
            continue
        try:
            run(large, small, pivots)
        except ImportError as e:
            emit(peer, "missing", 0.0, str(e))


if __name__ == "__main__":
    main()
