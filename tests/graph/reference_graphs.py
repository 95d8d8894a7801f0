"""The reference graphs the analysis is checked on: those NetworkX ships, and random ones."""

from __future__ import annotations

import networkx as nx


def plain(G: nx.Graph) -> nx.Graph:
    """The unweighted simple graph of ``G`` (wijknet's measures ignore weights)."""
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H


def _davis_women() -> nx.Graph:
    B = nx.davis_southern_women_graph()
    women = [v for v, d in B.nodes(data=True) if d["bipartite"] == 0]
    return nx.bipartite.projected_graph(B, women)


def _with_isolates(G: nx.Graph) -> nx.Graph:
    G = plain(G)
    G.add_nodes_from(
        [f"los-{i}" for i in range(3)]
        if isinstance(next(iter(G)), str)
        else [10_000 + i for i in range(3)]
    )
    return G


GRAPHS = {
    "karate": lambda: plain(nx.karate_club_graph()),
    "florentine": lambda: plain(nx.florentine_families_graph()),
    "davis-women": _davis_women,
    "davis-bipartite": lambda: plain(nx.davis_southern_women_graph()),
    "les-miserables": lambda: plain(nx.les_miserables_graph()),
    "florentine+isolates": lambda: _with_isolates(nx.florentine_families_graph()),
    **{f"gnp-{s}": (lambda s=s: plain(nx.gnp_random_graph(80, 0.04, seed=s))) for s in range(4)},
    "gnm-dense": lambda: plain(nx.gnm_random_graph(60, 400, seed=7)),
    "powerlaw": lambda: plain(nx.powerlaw_cluster_graph(150, 3, 0.4, seed=3)),
}
