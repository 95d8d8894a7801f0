"""Faster engines under the analysis: igraph and scipy sparse matrices.

NetworkX is wijknet's analysis API and interchange format, but several of its algorithms
are pure Python and too slow for a large wijk or a whole region (exact betweenness on
2,000 actors takes tens of seconds; Burt's measures loop per node; Adamic-Adar over all
pairs loops per pair). This module computes *the same quantities* with compiled code and
hands them back in NetworkX's conventions (same normalisation, ``nan`` where NetworkX gives
``nan``). ``tests/graph/test_analysis_fast.py`` proves each function equal to its NetworkX
counterpart.

Everything starts from :func:`index_graph`, which numbers the nodes once (sorted, so the
result never depends on insertion order) and builds an igraph graph and a sparse adjacency
matrix that the other functions share.

====================  =====================================================  ==========
function              NetworkX counterpart                                   engine
====================  =====================================================  ==========
``betweenness``       ``betweenness_centrality(G, k=, seed=)``               igraph
``constraint``        ``constraint(G)``                                      igraph
``effective_size``    ``effective_size(G)``                                  igraph
``clustering``        ``clustering(G)``                                      igraph
``components``        ``connected_components(G)``                            igraph
``average_distance``  ``average_shortest_path_length(G.subgraph(lcc))``      igraph
``adamic_adar``       ``adamic_adar_index(G, pairs)``                        scipy
``biconnected``       ``biconnected_components`` / ``articulation_points``  igraph
``communities``       ``community.louvain_communities(G, seed=)``            igraph
``brokerage``         ``measures.brokerage_roles`` (Gould-Fernandez)         numpy
``tie_arcs``          ``measures.directed_ties``                             numpy
``mixing_counts``     ``measures.mixing``                                    numpy
====================  =====================================================  ==========
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import igraph as ig
import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = [
    "BoolArray",
    "FloatArray",
    "Indexed",
    "IntArray",
    "adamic_adar",
    "adamic_adar_rows",
    "average_distance",
    "betweenness",
    "biconnected",
    "brokerage",
    "clustering",
    "communities",
    "components",
    "constraint",
    "effective_size",
    "index_graph",
    "mixing_counts",
    "sample_nodes",
    "tie_arcs",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

N = TypeVar("N", bound=Hashable)

_IGRAPH_RNG_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Indexed:
    """A NetworkX graph numbered once, with the structures the fast engines share.

    ``nodes[i]`` is the node with index ``i``; ``src[e] < dst[e]`` are the ends of edge
    ``e`` and ``edge_data[e]`` its attribute dict; ``adj`` is the symmetric 0/1 adjacency
    matrix (CSR); ``ig`` the igraph graph with the same numbering.
    """

    graph: nx.Graph[Hashable]
    nodes: list[Hashable]
    index: dict[Hashable, int]
    src: IntArray
    dst: IntArray
    edge_data: list[dict[str, Any]]
    degree: IntArray
    adj: sp.csr_array
    ig: ig.Graph

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.src)


def _ordered(G: nx.Graph[Hashable]) -> list[Hashable]:
    nodes: list[Any] = list(G)  # hashable, and orderable unless sorted() says otherwise
    try:
        return sorted(nodes)
    except TypeError:  # mixed node types: keep insertion order
        return nodes


def index_graph(G: nx.Graph[Hashable]) -> Indexed:
    """Number the nodes of the undirected simple graph ``G`` (sorted) and build the engines.

    Self-loops are ignored (wijknet graphs have none).
    """
    if G.is_directed() or G.is_multigraph():
        raise nx.NetworkXNotImplemented("index_graph needs an undirected simple graph")
    nodes = _ordered(G)
    index = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    tails: list[int] = []
    heads: list[int] = []
    data: list[dict[str, Any]] = []
    for u, neighbours in G.adjacency():  # each edge once, from its lower-numbered end
        iu = index[u]
        for v, d in neighbours.items():
            iv = index[v]
            if iu < iv:
                tails.append(iu)
                heads.append(iv)
                data.append(d)
    order = np.lexsort((np.asarray(heads, dtype=np.int64), np.asarray(tails, dtype=np.int64)))
    src = np.asarray(tails, dtype=np.int64)[order]
    dst = np.asarray(heads, dtype=np.int64)[order]
    edge_data = [data[e] for e in order.tolist()]
    pairs = np.stack([src, dst], axis=1) if len(src) else np.zeros((0, 2), dtype=np.int64)
    ones = np.ones(2 * len(src))
    adj = sp.csr_array(
        (ones, (np.concatenate([src, dst]), np.concatenate([dst, src]))), shape=(n, n)
    )
    adj.sort_indices()
    degree = np.diff(adj.indptr).astype(np.int64)
    graph = ig.Graph(n=n, edges=pairs, directed=False)
    return Indexed(G, nodes, index, src, dst, edge_data, degree, adj, graph)


def sample_nodes(nodes: Sequence[N], k: int, seed: int) -> list[N]:
    """The ``k`` nodes NetworkX would sample with ``seed`` (``random.Random(seed).sample``)."""
    return random.Random(seed).sample(list(nodes), k)


def betweenness(ix: Indexed, *, k: int | None = None, seed: int = 0) -> FloatArray:
    """Normalised betweenness, equal to ``nx.betweenness_centrality(G, k=k, seed=seed)``.

    With ``k`` the paths from ``k`` sampled sources are counted (Brandes & Pich 2007) and
    rescaled exactly as NetworkX does, using the same sample for the same ``seed`` (drawn,
    as NetworkX draws it, from the nodes in the graph's own order).
    """
    n = ix.n
    if n < 3:
        return np.zeros(n)
    if k is None or k >= n:
        raw = np.asarray(ix.ig.betweenness(directed=False), dtype=np.float64)
        return raw * (2.0 / ((n - 1) * (n - 2)))
    sources = [ix.index[v] for v in sample_nodes(list(ix.graph), k, seed)]
    # igraph halves the undirected subset betweenness; NetworkX counts ordered pairs.
    raw = 2.0 * np.asarray(ix.ig.betweenness(directed=False, sources=sources), dtype=np.float64)
    scale = np.full(n, 1.0 / (k * (n - 2)), dtype=np.float64)
    scale[sources] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else np.nan
    return raw * scale


def constraint(ix: Indexed) -> FloatArray:
    """Burt's constraint per node, equal to ``nx.constraint(G)`` (``nan`` for isolates)."""
    out = np.asarray(ix.ig.constraint(), dtype=np.float64)
    out[ix.degree == 0] = np.nan
    return out


def triangles(ix: Indexed) -> FloatArray:
    """Number of triangles through each node (ties among its neighbours)."""
    local = np.asarray(ix.ig.transitivity_local_undirected(mode="zero"), dtype=np.float64)
    d = ix.degree.astype(np.float64)
    return np.rint(local * d * (d - 1) / 2.0)


def effective_size(ix: Indexed) -> FloatArray:
    """Burt's effective size in Borgatti's form ``n - 2t/n``, equal to ``nx.effective_size``.

    ``n`` is the number of contacts and ``t`` the ties among them; ``nan`` for isolates.
    """
    d = ix.degree.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = d - 2.0 * triangles(ix) / d
    out[ix.degree == 0] = np.nan
    return out


def clustering(ix: Indexed) -> FloatArray:
    """Local clustering coefficient, equal to ``nx.clustering(G)`` (0 below degree 2)."""
    return np.asarray(ix.ig.transitivity_local_undirected(mode="zero"), dtype=np.float64)


def components(ix: Indexed) -> tuple[IntArray, IntArray]:
    """Component label per node and size per label; labels ordered by size, then index."""
    membership = np.asarray(ix.ig.connected_components().membership, dtype=np.int64)
    labels = _canonical(membership)
    return labels, np.bincount(labels)


def average_distance(
    ix: Indexed,
    members: Iterable[int],
    *,
    k: int | None = None,
    seed: int = 0,
    targets: int = 2000,
) -> float | None:
    """Mean shortest-path length over ordered pairs of the connected node set ``members``.

    Equal to ``nx.average_shortest_path_length(G.subgraph(members))``. With ``k`` only the
    paths from ``k`` sampled sources are measured, to at most ``targets`` sampled targets
    (an unbiased estimate: the mean over uniformly drawn pairs).
    """
    members = sorted(members)
    if len(members) < 2:
        return None
    if k is None or k >= len(members):
        sub = ix.ig.induced_subgraph(members)
        return float(sub.average_path_length(directed=False, unconn=True))
    sources = [int(s) for s in sample_nodes(members, k, seed)]
    ends = members if len(members) <= targets else sorted(sample_nodes(members, targets, seed + 1))
    dist = np.asarray(ix.ig.distances(source=sources, target=ends), dtype=np.float64)
    pairs = k * len(ends) - len(set(sources) & set(ends))  # a node and itself is no pair
    return float(dist.sum() / pairs)


def _inverse_log_degree(ix: Indexed) -> FloatArray:
    d = ix.degree.astype(np.float64)
    with np.errstate(divide="ignore"):
        w = 1.0 / np.log(d)
    w[ix.degree < 2] = 0.0  # a node of degree < 2 is nobody's common neighbour
    return w


def adamic_adar_rows(ix: Indexed, rows: IntArray | slice) -> sp.csr_array:
    """Adamic-Adar index of the given rows against every node (a sparse block).

    Entry ``(r, j)`` is ``sum(1 / log(deg(w)))`` over the common neighbours ``w`` of row
    ``r`` and node ``j``; the diagonal is meaningless and left to the caller.
    """
    weighted = ix.adj[rows] @ sp.diags_array(_inverse_log_degree(ix))
    return sp.csr_array(weighted @ ix.adj)


def adamic_adar(ix: Indexed, pairs: Iterable[tuple[Hashable, Hashable]]) -> list[float]:
    """Adamic-Adar index of each pair, equal to ``nx.adamic_adar_index(G, pairs)``."""
    pairs = list(pairs)
    if not pairs:
        return []
    a = np.array([ix.index[u] for u, _ in pairs])
    b = np.array([ix.index[v] for _, v in pairs])
    w = _inverse_log_degree(ix)
    left = ix.adj[a] @ sp.diags_array(w)
    scores = left.multiply(ix.adj[b]).sum(axis=1)
    return [float(s) for s in np.asarray(scores).ravel()]


def biconnected(ix: Indexed) -> tuple[list[list[int]], list[int]]:
    """Biconnected components (blocks, as sorted index lists) and articulation points.

    A block of two nodes is a bridge. Isolated nodes belong to no block.
    """
    blocks, cuts = ix.ig.biconnected_components(return_articulation_points=True)
    return sorted(sorted(b) for b in blocks), sorted(cuts)


def brokerage(ix: Indexed, arcs: tuple[IntArray, IntArray], group: IntArray) -> IntArray:
    """Gould-Fernandez brokerage counts per node (columns in ``BROKERAGE_ROLES`` order:
    coordinator, gatekeeper, representative, consultant, liaison), equal to
    ``graph.analysis.measures.brokerage_roles``.

    ``arcs`` are the directed ties as index arrays ``(tails, heads)``, each an edge of
    ``ix`` in one or both directions; ``group`` gives each node's group as ``0..g-1``.
    For broker ``v`` and groups ``(x, y)`` the ordered pairs ``a -> v -> c`` number
    ``in[v, x] * out[v, y]``, less the pairs with ``a == c`` (mutual ties) and those with
    ``a -> c`` (found among the triangles of the undirected graph).
    """
    n, g = ix.n, int(group.max(initial=-1)) + 1
    tails, heads = arcs
    A = sp.csr_array((np.ones(len(tails)), (tails, heads)), shape=(n, n))
    H = sp.csr_array((np.ones(n), (np.arange(n), group)), shape=(n, max(g, 1)))
    into = (A.T @ H).toarray()
    out = (A @ H).toarray()
    pairs = into[:, :, None] * out[:, None, :]
    mutual = (A * A.T) @ H
    idx = np.arange(g)
    pairs[:, idx, idx] -= mutual.toarray()
    tri = np.asarray(ix.ig.list_triangles(), dtype=np.int64).reshape(-1, 3)
    if len(tri):
        keys = np.unique(tails * n + heads)
        for v_col, a_col, c_col in (
            (0, 1, 2),
            (0, 2, 1),
            (1, 0, 2),
            (1, 2, 0),
            (2, 0, 1),
            (2, 1, 0),
        ):
            v, a, c = tri[:, v_col], tri[:, a_col], tri[:, c_col]
            closed = _has(keys, a * n + v) & _has(keys, v * n + c) & _has(keys, a * n + c)
            np.subtract.at(pairs, (v[closed], group[a[closed]], group[c[closed]]), 1)
    ga, gc = np.meshgrid(idx, idx, indexing="ij")
    counts = np.zeros((n, 5))
    for gv in range(g):
        masks = np.stack(
            [
                (ga == gv) & (gc == gv),  # coordinator
                (ga != gv) & (gc == gv),  # gatekeeper
                (ga == gv) & (gc != gv),  # representative
                (ga == gc) & (ga != gv),  # consultant
                (ga != gv) & (gc != gv) & (ga != gc),  # liaison
            ]
        ).astype(np.float64)
        members = group == gv
        counts[members] = np.einsum("nxy,rxy->nr", pairs[members], masks)
    return np.rint(counts).astype(np.int64)


def _has(sorted_keys: IntArray, keys: IntArray) -> BoolArray:
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == keys if len(sorted_keys) else np.zeros(len(keys), dtype=bool)


def communities(ix: Indexed, *, seed: int = 0, engine: str = "igraph") -> IntArray:
    """Louvain communities (Blondel et al. 2008) as a label per node, seeded.

    ``engine="igraph"`` runs igraph's multilevel algorithm with a private
    ``random.Random(seed)``; ``engine="networkx"`` runs
    ``nx.community.louvain_communities(G, seed=seed)``. Labels are ordered by community
    size, then by smallest node index, so equal partitions get equal labels.
    """
    labels = np.zeros(ix.n, dtype=np.int64)
    if engine == "networkx":
        parts: list[Any] = nx.community.louvain_communities(ix.graph, seed=seed)
        for label, part in enumerate(parts):
            labels[[ix.index[v] for v in part]] = label
    elif engine == "igraph":
        with _IGRAPH_RNG_LOCK:
            ig.set_random_number_generator(random.Random(seed))
            try:
                labels[:] = ix.ig.community_multilevel().membership
            finally:
                ig.set_random_number_generator(random)
    else:
        raise ValueError(f"unknown community engine {engine!r}")
    return _canonical(labels)


def _canonical(labels: IntArray) -> IntArray:
    """Relabel groups 0, 1, ... by size (largest first), then by their smallest index."""
    if len(labels) == 0:
        return labels
    sizes = np.bincount(labels)
    first = np.full(len(sizes), len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels)))
    used = np.flatnonzero(sizes)
    order = used[np.lexsort((first[used], -sizes[used]))]
    relabel = np.empty(len(sizes), dtype=np.int64)
    relabel[order] = np.arange(len(order))
    return relabel[labels]


def tie_arcs(ix: Indexed) -> tuple[IntArray, IntArray]:
    """The directed ties of ``ix`` as index arrays (tails, heads): the rule of
    ``measures.directed_ties``, each edge both ways unless it is only a referral."""
    keep = np.ones(ix.m, dtype=bool)
    extra_tails: list[int] = []
    extra_heads: list[int] = []
    for e, d in enumerate(ix.edge_data):
        if d.get("kinds") == ("verwijzing",) and d.get("referrals"):
            keep[e] = False
            for s, t in d["referrals"]:
                extra_tails.append(ix.index[s])
                extra_heads.append(ix.index[t])
    src, dst = ix.src[keep], ix.dst[keep]
    tails = np.concatenate([src, dst, np.asarray(extra_tails, dtype=np.int64)])
    heads = np.concatenate([dst, src, np.asarray(extra_heads, dtype=np.int64)])
    return tails, heads


def mixing_counts(
    ix: Indexed, codes: npt.NDArray[np.object_], group: IntArray
) -> Counter[tuple[str, str]]:
    """``measures.mixing`` from index arrays: edges per sorted pair of groups."""
    a, b = group[ix.src], group[ix.dst]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    k = len(codes)
    found, counts = np.unique(lo * k + hi, return_counts=True)
    return Counter(
        {
            (str(codes[f // k]), str(codes[f % k])): int(c)
            for f, c in zip(found.tolist(), counts.tolist(), strict=True)
        }
    )
