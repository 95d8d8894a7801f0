"""Network measures that NetworkX does not have, written over NetworkX graphs.

Each function takes an undirected graph whose nodes carry a group attribute (wijknet uses
the actor's ``domain``) where a group is needed. Formulas and references are in
``docs/analysis.md``; the examples below run as doctests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

__all__ = [
    "BROKERAGE_ROLES",
    "BlockCutTree",
    "brokerage_from_ties",
    "brokerage_roles",
    "degree_centralization",
    "directed_ties",
    "ei_index",
    "fragmentation",
    "group_ei_index",
    "mixing",
    "tie_digraph",
]

BROKERAGE_ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
"""Gould & Fernandez (1989) brokerage roles, in their order."""


def fragmentation(G: nx.Graph[Hashable]) -> float | None:
    """Share of ordered pairs of distinct nodes that cannot reach each other (Borgatti 2006).

    ``F = 1 - sum_k s_k (s_k - 1) / (n (n - 1))`` over the component sizes ``s_k``;
    ``None`` below two nodes.

    >>> G = nx.Graph([(1, 2), (3, 4)])
    >>> round(fragmentation(G), 4)
    0.6667
    >>> fragmentation(nx.path_graph(5))
    0.0
    """
    return fragmentation_from_sizes([len(c) for c in nx.connected_components(G)])


def fragmentation_from_sizes(sizes: Iterable[int]) -> float | None:
    """:func:`fragmentation` from the component sizes alone."""
    sizes = [int(s) for s in sizes]
    n = sum(sizes)
    if n < 2:
        return None
    return 1.0 - sum(s * (s - 1) for s in sizes) / (n * (n - 1))


def degree_centralization(G: nx.Graph[Hashable]) -> float | None:
    """Freeman's degree centralization: 1 for a star, 0 when all degrees are equal.

    ``C = sum_i (d_max - d_i) / ((n - 1)(n - 2))``; ``None`` below three nodes.

    >>> degree_centralization(nx.star_graph(4))
    1.0
    >>> degree_centralization(nx.cycle_graph(6))
    0.0
    """
    return degree_centralization_from([d for _, d in G.degree()])


def degree_centralization_from(degrees: Sequence[int]) -> float | None:
    """:func:`degree_centralization` from the degree sequence alone."""
    n = len(degrees)
    if n < 3:
        return None
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def mixing(G: nx.Graph[Hashable], attr: str = "domain") -> Counter[tuple[str, str]]:
    """Number of edges per unordered pair of groups, the pair sorted.

    >>> G = nx.Graph([(1, 2), (2, 3)])
    >>> nx.set_node_attributes(G, {1: "zorg", 2: "zorg", 3: "sociaal"}, "domain")
    >>> sorted(mixing(G).items())
    [(('sociaal', 'zorg'), 1), (('zorg', 'zorg'), 1)]
    """
    groups = nx.get_node_attributes(G, attr)
    counts: Counter[tuple[str, str]] = Counter()
    for u, v in G.edges():
        a, b = groups[u], groups[v]
        counts[(a, b) if a <= b else (b, a)] += 1
    return counts


def ei_index(G: nx.Graph[Hashable], attr: str = "domain") -> float | None:
    """Krackhardt & Stern's E-I index of the whole graph: ``(E - I) / (E + I)``.

    ``E`` counts edges between groups, ``I`` edges within a group; -1 means every tie stays
    inside its group, +1 every tie crosses. ``None`` without edges.

    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "b"}, "domain")
    >>> round(ei_index(G), 4)
    -0.3333
    """
    return ei_from_mixing(mixing(G, attr))


def ei_from_mixing(counts: Mapping[tuple[str, str], int]) -> float | None:
    """:func:`ei_index` from :func:`mixing` counts."""
    internal = sum(c for (a, b), c in counts.items() if a == b)
    external = sum(c for (a, b), c in counts.items() if a != b)
    total = internal + external
    return (external - internal) / total if total else None


def group_ei_index(G: nx.Graph[Hashable], attr: str = "domain") -> dict[str, float | None]:
    """The E-I index of each group: its ties leaving the group against those inside it.

    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "a", 2: "a", 3: "b", 4: "b"}, "domain")
    >>> group_ei_index(G)
    {'a': 0.0, 'b': 0.0}
    """
    return group_ei_from_mixing(mixing(G, attr), set(nx.get_node_attributes(G, attr).values()))


def group_ei_from_mixing(
    counts: Mapping[tuple[str, str], int], groups: Iterable[str]
) -> dict[str, float | None]:
    """:func:`group_ei_index` from :func:`mixing` counts (groups without ties get None)."""
    internal: Counter[str] = Counter()
    external: Counter[str] = Counter()
    for (a, b), c in counts.items():
        if a == b:
            internal[a] += c
        else:
            external[a] += c
            external[b] += c
    out: dict[str, float | None] = {}
    for g in sorted(groups):
        total = internal[g] + external[g]
        out[g] = (external[g] - internal[g]) / total if total else None
    return out


def directed_ties(G: nx.Graph[Hashable]) -> dict[Hashable, set[Hashable]]:
    """The successors of each node when a wijknet graph's ties are read with direction.

    An edge whose only kind is ``verwijzing`` keeps the direction(s) of its referrals (its
    ``referrals`` attribute lists ``(source, target)`` pairs); every other edge counts in
    both directions. A graph without these attributes comes out symmetric.

    >>> G = nx.Graph()
    >>> G.add_edge("gp", "coach", kinds=("verwijzing",), referrals=(("gp", "coach"),))
    >>> G.add_edge("coach", "club", kinds=("samenwerking",), referrals=())
    >>> {v: sorted(s) for v, s in sorted(directed_ties(G).items())}
    {'club': ['coach'], 'coach': ['club'], 'gp': ['coach']}
    """
    succ: dict[Hashable, set[Hashable]] = {v: set() for v in G}
    for u, v, data in G.edges(data=True):
        kinds = data.get("kinds", ())
        if kinds and set(kinds) == {"verwijzing"} and data.get("referrals"):
            for s, t in data["referrals"]:
                succ[s].add(t)
        else:
            succ[u].add(v)
            succ[v].add(u)
    return succ


def tie_digraph(G: nx.Graph[Hashable]) -> nx.DiGraph[Hashable]:
    """:func:`directed_ties` as a NetworkX directed graph (node attributes kept)."""
    D: nx.DiGraph[Hashable] = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    D.add_edges_from((u, v) for u, targets in directed_ties(G).items() for v in targets)
    return D


def brokerage_roles(G: nx.Graph[Hashable], attr: str = "domain") -> dict[Hashable, dict[str, int]]:
    """Gould & Fernandez brokerage roles of every node, with ``attr`` as the group.

    A node ``v`` brokers an ordered pair ``(a, c)`` when ``a -> v -> c`` and not ``a -> c``
    (``a != c``). By the groups of ``a``, ``v`` and ``c`` the brokerage is that of a
    *coordinator* (all one group), *gatekeeper* (``a`` outside, ``v`` and ``c`` one group),
    *representative* (``a`` and ``v`` one group, ``c`` outside), *consultant* (``a`` and
    ``c`` one group, ``v`` outside) or *liaison* (three groups). A directed graph is used as
    it is; an undirected one counts each edge in both directions (so every open triad is
    counted once from each side).

    >>> G = nx.Graph([("huisarts", "coach"), ("coach", "club")])
    >>> groups = {"huisarts": "zorg", "coach": "sociaal", "club": "inwoners"}
    >>> nx.set_node_attributes(G, groups, "domain")
    >>> brokerage_roles(G)["coach"]["liaison"]
    2

    Notes
    -----
    Runs in ``O(sum over arcs (a, v) of min(out(a), out(v)))`` set operations, about the
    cost of counting triangles.
    """
    if isinstance(G, nx.DiGraph):
        succ = {v: set(G.successors(v)) for v in G}
    else:
        succ = {v: set(G[v]) for v in G}
    return brokerage_from_ties(succ, nx.get_node_attributes(G, attr))


def brokerage_from_ties(
    succ: Mapping[Hashable, set[Hashable]], group: Mapping[Hashable, str]
) -> dict[Hashable, dict[str, int]]:
    """:func:`brokerage_roles` from successor sets and a group per node."""
    succ = {v: targets - {v} for v, targets in succ.items()}
    pred: dict[Hashable, set[Hashable]] = {v: set() for v in succ}
    for v, targets in succ.items():
        for t in targets:
            pred[t].add(v)
    roles: dict[Hashable, dict[str, int]] = {}
    for v in succ:
        ins, outs = pred[v], succ[v]
        count_in = Counter(group[a] for a in ins)
        count_out = Counter(group[c] for c in outs)
        pairs: Counter[tuple[str, str]] = Counter()
        for ga, na in count_in.items():
            for gc, nc in count_out.items():
                pairs[(ga, gc)] += na * nc
        for a in ins & outs:  # a == c is no pair
            pairs[(group[a], group[a])] -= 1
        for a in ins:  # a -> c directly: nothing to broker
            for c in succ[a] & outs:
                pairs[(group[a], group[c])] -= 1
        roles[v] = _classify(group[v], pairs)
    return roles


def _classify(gv: str, pairs: Mapping[tuple[str, str], int]) -> dict[str, int]:
    out = dict.fromkeys(BROKERAGE_ROLES, 0)
    for (ga, gc), count in pairs.items():
        if not count:
            continue
        if ga == gv and gc == gv:
            role = "coordinator"
        elif ga == gc:
            role = "consultant"
        elif gc == gv:
            role = "gatekeeper"
        elif ga == gv:
            role = "representative"
        else:
            role = "liaison"
        out[role] += count
    return out


@dataclass
class BlockCutTree:
    """The block-cut tree of a graph given its blocks and articulation points.

    Nodes are integers (indices). Removing cut vertex ``c`` splits its component into one
    part per block containing ``c``; :meth:`part_sizes` gives their sizes in linear time
    for all cut vertices together, :meth:`part_members` the members of one part.
    """

    blocks: list[list[int]]
    cuts: list[int]
    _cut_pos: dict[int, int] = field(init=False)
    _adj: list[list[int]] = field(init=False)
    _weight: list[int] = field(init=False)
    _sub: list[int] = field(init=False)
    _parent: list[int] = field(init=False)
    _total: list[int] = field(init=False)

    def __post_init__(self) -> None:
        nb = len(self.blocks)
        self._cut_pos = {c: nb + i for i, c in enumerate(self.cuts)}
        self._adj = [[] for _ in range(nb + len(self.cuts))]
        self._weight = [0] * nb + [1] * len(self.cuts)
        for b, members in enumerate(self.blocks):
            for v in members:
                t = self._cut_pos.get(v)
                if t is None:
                    self._weight[b] += 1
                else:
                    self._adj[b].append(t)
                    self._adj[t].append(b)
        self._rooted_sums()

    def _rooted_sums(self) -> None:
        size = len(self._adj)
        self._parent = [-2] * size
        self._sub = list(self._weight)
        self._total = [0] * size
        for root in range(size):
            if self._parent[root] != -2:
                continue
            self._parent[root] = -1
            order, stack = [], [root]
            while stack:
                x = stack.pop()
                order.append(x)
                for y in self._adj[x]:
                    if self._parent[y] == -2:
                        self._parent[y] = x
                        stack.append(y)
            for x in reversed(order):
                if self._parent[x] >= 0:
                    self._sub[self._parent[x]] += self._sub[x]
            for x in order:
                self._total[x] = self._sub[root]

    def part_sizes(self, cut: int) -> list[tuple[int, int]]:
        """``(block, size)`` of each part left when ``cut`` is removed, largest first."""
        t = self._cut_pos[cut]
        parts = []
        for b in self._adj[t]:
            size = self._sub[b] if self._parent[b] == t else self._total[t] - self._sub[t]
            parts.append((b, size))
        return sorted(parts, key=lambda p: (-p[1], p[0]))

    def part_members(self, cut: int, block: int) -> list[int]:
        """The nodes of the part that contains ``block`` once ``cut`` is removed."""
        t = self._cut_pos[cut]
        seen, stack = {t, block}, [block]
        members: list[int] = []
        while stack:
            x = stack.pop()
            if x < len(self.blocks):
                members.extend(v for v in self.blocks[x] if v not in self._cut_pos)
            else:
                members.append(self.cuts[x - len(self.blocks)])
            for y in self._adj[x]:
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        return sorted(members)

    def bridge_sides(self, block: int) -> tuple[int, int]:
        """For a block of two nodes ``(u, v)`` (a bridge): the sizes of ``u``'s and ``v``'s
        sides once the edge is removed."""
        u, v = self.blocks[block]
        if u in self._cut_pos:
            v_side = next(s for b, s in self.part_sizes(u) if b == block)
            return self._total[block] - v_side, v_side
        if v in self._cut_pos:
            u_side = next(s for b, s in self.part_sizes(v) if b == block)
            return u_side, self._total[block] - u_side
        return 1, 1
