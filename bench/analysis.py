"""Benchmark: wijknet's analysis against plain NetworkX and igraph alone, in one run.

    .venv/bin/python bench/analysis.py            # about three minutes
    .venv/bin/python bench/analysis.py --quick    # the two wijk sizes only

For each graph it times, on the same NetworkX graph in the same process:

- **wijknet**: the full analysis (``prepare`` + ``analyse``, plus ``suggest`` for a wijk):
  every measure, the Dutch texts, brokerage roles, kernaanpak coverage, profiles;
- **wijknet core**: wijknet's engines (``graph.analysis.fast``) on the *common measure set* only;
- **NetworkX**: plain NetworkX on the common measure set;
- **igraph**: igraph alone on the common measure set (converting from the same NetworkX
  graph included, as wijknet's time includes its own indexing).

The common measure set: density, components, average clustering, Freeman degree
centralization, betweenness, average distance in the largest component, Burt's
constraint and effective size, Louvain communities, cut points and bridges, and for a wijk
the Adamic-Adar index of every unlinked pair (the core of the suggestions).

For the region, betweenness and distances are estimated from ``DEFAULT_SAMPLES`` seeded
source actors in all three. Plain NetworkX would need many minutes on the large graphs,
so its slowest parts are measured on a part and scaled linearly (betweenness and
distances per source, constraint and effective size per actor: each costs the same per
source or actor: NetworkX's effective size copies the whole graph for every actor);
those lines are marked "geschat" (estimated).
The run ends with the error of sampled betweenness and distance against exact values.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import igraph as ig
import networkx as nx
import numpy as np

from graph.analysis import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    analyse,
    fast,
    graph_from_records,
    prepare,
)
from graph.analysis.measures import degree_centralization_from, fragmentation_from_sizes
from graph.analysis.suggestions import suggest
from graph.demo import generate_region, generate_wijk

SEED = DEFAULT_SEED


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


# -- the common measure set, three ways ---------------------------------------------------


def core_wijknet(G: nx.Graph, k: int | None, pairs: bool) -> None:
    ix = fast.index_graph(G)
    n, m = ix.n, ix.m
    _density = 2 * m / (n * (n - 1))
    labels, sizes = fast.components(ix)
    fragmentation_from_sizes(sizes)
    fast.clustering(ix).mean()
    degree_centralization_from(ix.degree.tolist())
    fast.betweenness(ix, k=k, seed=SEED)
    fast.average_distance(ix, np.flatnonzero(labels == 0), k=k, seed=SEED)
    fast.constraint(ix)
    fast.effective_size(ix)
    fast.communities(ix, seed=SEED)
    fast.biconnected(ix)
    if pairs:
        fast.adamic_adar_rows(ix, np.arange(n))


def core_networkx(
    G: nx.Graph,
    k: int | None,
    pairs: bool,
    *,
    sources_part: int | None = None,
    actors_part: int | None = None,
) -> dict[str, float]:
    """Seconds per measure for plain NetworkX. With ``sources_part`` betweenness and
    distances run from that many sources and are scaled to ``k`` (or all) sources; with
    ``actors_part`` constraint and effective size run for that many actors and are scaled
    to all: both cost the same per source or actor, so the scaled time is an honest
    estimate."""
    times: dict[str, float] = {}

    def clock(name: str, fn: Callable[[], Any], scale: float = 1.0) -> None:
        started = time.perf_counter()
        fn()
        times[name] = (time.perf_counter() - started) * scale

    n = G.number_of_nodes()
    clock("density", lambda: nx.density(G))
    clock(
        "components", lambda: fragmentation_from_sizes(len(c) for c in nx.connected_components(G))
    )
    clock("clustering", lambda: nx.average_clustering(G))
    clock("centralization", lambda: degree_centralization_from([d for _, d in G.degree()]))
    lcc = G.subgraph(max(nx.connected_components(G), key=len))
    if sources_part is None:
        clock("betweenness", lambda: nx.betweenness_centrality(G, k=k, seed=SEED))
        clock(
            "distance",
            lambda: (
                nx.average_shortest_path_length(lcc) if k is None else _nx_sampled_distance(lcc, k)
            ),
        )
    else:
        clock(
            "betweenness",
            lambda: nx.betweenness_centrality(G, k=sources_part, seed=SEED),
            (k or n) / sources_part,
        )
        clock(
            "distance",
            lambda: _nx_sampled_distance(lcc, sources_part),
            (k or lcc.number_of_nodes()) / sources_part,
        )
    if actors_part is None:
        clock("constraint", lambda: nx.constraint(G))
        clock("effective size", lambda: nx.effective_size(G))
    else:
        some = random.Random(SEED).sample(list(G), actors_part)
        clock("constraint", lambda: nx.constraint(G, nodes=some), n / actors_part)
        clock("effective size", lambda: nx.effective_size(G, nodes=some), n / actors_part)
    clock("louvain", lambda: nx.community.louvain_communities(G, seed=SEED))
    clock("cut points", lambda: (list(nx.articulation_points(G)), list(nx.bridges(G))))
    if pairs:
        clock("adamic-adar", lambda: sum(1 for _ in nx.adamic_adar_index(G)))
    return times


def _nx_sampled_distance(lcc: nx.Graph, k: int) -> float:
    sources = random.Random(SEED).sample(sorted(lcc), k)
    total: int = sum(sum(nx.single_source_shortest_path_length(lcc, s).values()) for s in sources)
    nodes: int = lcc.number_of_nodes()
    return total / (k * (nodes - 1))


def core_igraph(G: nx.Graph, k: int | None, pairs: bool) -> None:
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges()])
    g.density()
    comps = g.connected_components()
    g.transitivity_avglocal_undirected(mode="zero")
    top = g.maxdegree()
    sum(top - d for d in g.degree())
    sources = None if k is None else random.Random(SEED).sample(range(g.vcount()), k)
    g.betweenness(directed=False, sources=sources)
    giant = comps.giant()
    if k is None:
        giant.average_path_length(directed=False)
    else:  # the same estimator as wijknet's: k sources, 2,000 targets
        ends = range(giant.vcount())
        giant.distances(
            source=random.Random(SEED).sample(ends, k),
            target=random.Random(SEED + 1).sample(ends, min(2000, len(ends))),
        )
    g.constraint()
    g.transitivity_local_undirected(mode="zero")  # effective size = degree - 2 t / degree
    g.community_multilevel()
    g.biconnected_components(return_articulation_points=True)
    if pairs:
        g.similarity_inverse_log_weighted()


# -- the graphs ---------------------------------------------------------------------------


def wijk_graph(n: int, links_per_actor: float) -> nx.Graph:
    data = generate_wijk("bench-wijk", n, seed=SEED, links_per_actor=links_per_actor)
    return graph_from_records(data.actors, data.links, wijk="bench-wijk", name="Benchwijk")


def region_graph(n: int, m: int) -> nx.Graph:
    data = generate_region(n, m, seed=SEED)
    return graph_from_records(data.actors, data.links, wijk="regio", name="Regio")


def run_case(
    label: str,
    G: nx.Graph,
    *,
    wijk: bool,
    repeat: int,
    sources_part: int | None = None,
    actors_part: int | None = None,
) -> dict[str, Any]:
    n, m = G.number_of_nodes(), G.number_of_edges()
    exact = wijk
    k = None if exact else DEFAULT_SAMPLES

    def ours_full() -> None:
        p = prepare(G)
        analyse(G, prepared=p)
        if wijk:
            suggest(G, prepared=p)

    row: dict[str, Any] = {"label": label, "n": n, "m": m}
    row["ours"] = best_of(ours_full, repeat)
    row["core"] = best_of(lambda: core_wijknet(G, k, wijk), repeat)
    row["igraph"] = best_of(lambda: core_igraph(G, k, wijk), repeat)
    row["networkx_parts"] = core_networkx(
        G, k, wijk, sources_part=sources_part, actors_part=actors_part
    )
    row["networkx"] = sum(row["networkx_parts"].values())
    row["estimated"] = sources_part, actors_part
    return row


def print_rows(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'graaf':<12} {'actoren':>7} {'banden':>7} {'wijknet':>9} {'kern':>8} "
        f"{'networkx':>10} {'igraph':>8} {'nx/wijknet':>10} {'nx/kern':>8} "
        f"{'wijknet/ig':>10} {'kern/ig':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        nx_time = f"{r['networkx']:.2f}s" + ("*" if any(r["estimated"]) else "")
        print(
            f"{r['label']:<12} {r['n']:>7} {r['m']:>7} {r['ours']:>8.3f}s {r['core']:>7.3f}s "
            f"{nx_time:>10} {r['igraph']:>7.3f}s {r['networkx'] / r['ours']:>9.1f}x "
            f"{r['networkx'] / r['core']:>7.1f}x {r['ours'] / r['igraph']:>9.2f}x "
            f"{r['core'] / r['igraph']:>7.2f}x"
        )
    for r in rows:
        slowest = sorted(r["networkx_parts"].items(), key=lambda kv: -kv[1])[:3]
        print(
            f"  {r['label']}: NetworkX het traagst in "
            + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in slowest)
        )
    for r in rows:
        sources, actors = r["estimated"]
        if sources or actors:
            what = [f"betweenness en afstanden gemeten vanuit {sources} bronnen"] if sources else []
            what += [f"constraint en effective size voor {actors} actoren"] if actors else []
            print(f"* {r['label']}: NetworkX geschat: {' en '.join(what)}, lineair opgeschaald")


# -- the error of sampling ----------------------------------------------------------------


def sampling_error(n: int, m: int) -> None:
    G = region_graph(n, m)
    ix = fast.index_graph(G)
    print(f"\nFout van de steekproef (regio-achtige graaf, {ix.n} actoren, {ix.m} banden):")
    started = time.perf_counter()
    exact = fast.betweenness(ix)
    print(f"  exacte betweenness (igraph): {time.perf_counter() - started:.1f}s")
    labels, _ = fast.components(ix)
    lcc = np.flatnonzero(labels == 0)
    exact_distance = fast.average_distance(ix, lcc)
    top = set(np.argsort(-exact)[:20].tolist())
    print(
        f"  {'bronnen':>8} {'max |fout|':>11} {'gem |fout|':>11} {'top-20 rel.':>11} "
        f"{'top-20 gelijk':>13} {'afstand rel.':>12}"
    )
    for k in (100, 250, DEFAULT_SAMPLES, 1000):
        k = min(k, ix.n)
        estimate = fast.betweenness(ix, k=k, seed=SEED)
        error = np.abs(estimate - exact)
        rel = np.median(error[list(top)] / exact[list(top)])
        overlap = len(top & set(np.argsort(-estimate)[:20].tolist()))
        dist = fast.average_distance(ix, lcc, k=k, seed=SEED)
        dist_rel = (
            abs(dist - exact_distance) / exact_distance if dist and exact_distance else math.nan
        )
        print(
            f"  {k:>8} {error.max():>11.5f} {error.mean():>11.6f} {rel:>10.1%} "
            f"{overlap:>10}/20 {dist_rel:>11.2%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the two wijk sizes only")
    args = parser.parse_args()
    print("wijknet analyse-benchmark: wijknet, NetworkX en igraph op dezelfde grafen\n")
    cases: list[tuple[str, Callable[[], nx.Graph], dict[str, Any]]] = [
        ("wijk-500", lambda: wijk_graph(500, 4.0), {"wijk": True, "repeat": 3}),
        (
            "wijk-2000",
            lambda: wijk_graph(2000, 4.0),
            {"wijk": True, "repeat": 3, "sources_part": 200},
        ),
    ]
    if not args.quick:
        cases.append(
            (
                "regio-20000",
                lambda: region_graph(20_000, 200_000),
                {"wijk": False, "repeat": 1, "sources_part": 20, "actors_part": 5},
            )
        )
    rows = []
    for label, make, options in cases:
        started = time.perf_counter()
        rows.append(run_case(label, make(), **options))
        print(f"  … {label}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    print_rows(rows)
    print(
        "\nwijknet = volledige analyse (+ suggesties voor een wijk); kern = dezelfde maten "
        "als NetworkX en igraph, met wijknets engines"
    )
    if not args.quick:
        sampling_error(5_000, 50_000)


if __name__ == "__main__":
    main()
