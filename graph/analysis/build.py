"""Network analysis of one wijk: shape, crossing domains, key actors, groups, coverage.

:func:`build_graph` is the one place where a store snapshot becomes a NetworkX graph;
:func:`analyse` measures that graph and returns an ``Analysis`` (``graph.results``). Both
are pure: no I/O, no web types. The heavy lifting runs on the engines of ``graph.fast``,
proven equal to NetworkX in the tests. Formulas and references: ``docs/analysis.md``.

The graph
---------
Actors become nodes (id as key; ``name``, ``kind``, ``domain``, ``role``, ``themes``,
``kernaanpakken``, ``organisation`` as attributes). Every link kind becomes an undirected
tie of one simple graph: ``samenwerking``, ``verwijzing`` and ``werkt_bij`` alike, and a
professional's ``organisation`` counts as a ``werkt_bij`` tie too. Two actors joined by
several links get one edge with the highest ``intensity``, all ``kinds`` and ``links``
(ids), and the direction of every ``verwijzing`` in ``referrals`` as ``(source, target)``
pairs. The measures of this module treat ties as binary and undirected; only the
brokerage roles read the referral directions (see ``graph.metrics.directed_ties``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from graph import fast
from graph.kernaanpak import RequirementState, RuleSet, coverage, evaluate
from graph.metrics import (
    BROKERAGE_ROLES,
    BlockCutTree,
    degree_centralization_from,
    ei_from_mixing,
    fragmentation_from_sizes,
    group_ei_from_mixing,
)
from graph.model import ActorIn, ActorKind, Intensity, LinkIn, LinkKind, Snapshot
from graph.results import (
    ActorProfile,
    ActorRef,
    Analysis,
    Bridge,
    Broker,
    BrokerageCounts,
    Community,
    CutPoint,
    DomainBrokerage,
    DomainPair,
    Method,
)
from graph.wording import (
    bridge_text,
    broker_text,
    community_text,
    cut_point_text,
    domain_label,
    role_label,
)

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "EXACT_WORK_LIMIT",
    "Prepared",
    "analyse",
    "build_graph",
    "display_name",
    "graph_from_records",
    "mixing_counts",
    "node_ref",
    "prepare",
    "tie_arcs",
]

DEFAULT_SEED = 2025
"""Seed of everything random in the analysis (Louvain, samples): same input, same output."""
EXACT_WORK_LIMIT = 50_000_000
"""Above ``actors * ties`` of this, betweenness and distances are estimated from samples."""
DEFAULT_SAMPLES = 500
"""Number of sampled source actors for estimated betweenness and distances."""
BROKER_COUNT = 10
LISTED = 10


def build_graph(snapshot: Snapshot, *, kinds: Iterable[LinkKind] | None = None) -> nx.Graph:
    """The undirected simple graph of a snapshot (see the module docstring).

    ``kinds`` restricts the link kinds taken as ties (default: all). The graph carries
    ``wijk``, ``name``, ``as_of`` and ``change_counter`` as graph attributes.
    """
    return graph_from_records(
        snapshot.actors,
        snapshot.links,
        kinds=kinds,
        wijk=snapshot.wijk.slug,
        name=snapshot.wijk.name,
        as_of=snapshot.as_of,
        change_counter=snapshot.change_counter,
    )


def graph_from_records(
    actors: Iterable[ActorIn],
    links: Iterable[LinkIn],
    *,
    kinds: Iterable[LinkKind] | None = None,
    **attrs: Any,
) -> nx.Graph:
    """:func:`build_graph` from actor and link records (stored or input models).

    Links with an end outside ``actors`` are left out.
    """
    allowed = set(LinkKind) if kinds is None else set(kinds)
    G = nx.Graph(**attrs)
    actors = sorted(actors, key=lambda a: str(a.id))
    for a in actors:
        G.add_node(
            a.id,
            name=a.name,
            kind=a.kind.value,
            domain=a.domain.value,
            role=a.role.value,
            themes=tuple(t.value for t in a.themes),
            kernaanpakken=tuple(k.value for k in a.kernaanpakken),
            organisation=a.organisation,
        )
    if LinkKind.WERKT_BIJ in allowed:
        for a in actors:
            if a.organisation is not None and a.organisation in G:
                _add_tie(G, a.id, a.organisation, LinkKind.WERKT_BIJ, Intensity.SAMENWERKEN, None)
    for link in sorted(links, key=lambda lk: str(lk.id)):
        if link.kind in allowed and link.source in G and link.target in G:
            _add_tie(G, link.source, link.target, link.kind, link.intensity, link)
    return G


def _add_tie(
    G: nx.Graph, u: str, v: str, kind: LinkKind, intensity: int, link: LinkIn | None
) -> None:
    referral = ((u, v),) if kind is LinkKind.VERWIJZING else ()
    ids = (link.id,) if link is not None and link.id else ()
    if G.has_edge(u, v):
        d = G.edges[u, v]
        d["intensity"] = max(d["intensity"], int(intensity))
        d["kinds"] = tuple(sorted(set(d["kinds"]) | {kind.value}))
        d["links"] = tuple(sorted(set(d["links"]) | set(ids)))
        d["referrals"] = tuple(sorted(set(d["referrals"]) | set(referral)))
    else:
        G.add_edge(u, v, intensity=int(intensity), kinds=(kind.value,), links=ids,
                   referrals=referral)


def node_ref(G: nx.Graph, v: Hashable) -> ActorRef:
    """The ``ActorRef`` of node ``v`` of a graph from :func:`build_graph`."""
    a = G.nodes[v]
    org = a.get("organisation")
    return ActorRef(
        id=str(v),
        name=str(a.get("name", v)),
        kind=a.get("kind", "organisatie"),
        domain=a.get("domain", "overig"),
        role=a.get("role", "overig"),
        organisation=G.nodes[org].get("name") if org is not None and org in G else None,
    )


def display_name(ref: ActorRef) -> str:
    """The name, with the role for a professional: ``"Anna Smeets (huisarts)"``."""
    if ref.kind == ActorKind.PROFESSIONAL.value:
        return f"{ref.name} ({role_label(ref.role)})"
    return ref.name


class Refs:
    """``ActorRef`` and display names of the nodes of an indexed graph, made once each."""

    def __init__(self, ix: fast.Indexed) -> None:
        self.ix = ix
        self._refs: list[ActorRef | None] = [None] * ix.n

    def attrs(self, i: int) -> dict[str, Any]:
        return self.ix.graph.nodes[self.ix.nodes[i]]

    def __call__(self, i: int) -> ActorRef:
        ref = self._refs[i]
        if ref is None:
            ref = self._refs[i] = node_ref(self.ix.graph, self.ix.nodes[i])
        return ref

    def display(self, i: int) -> str:
        return display_name(self(i))


@dataclass(frozen=True, eq=False)
class Prepared:
    """What both the analysis and the suggestions need from a graph, computed once."""

    graph: nx.Graph
    ix: fast.Indexed
    component: np.ndarray
    component_sizes: np.ndarray
    community: np.ndarray
    states: list[RequirementState]
    refs: Refs
    seed: int
    community_engine: str

    def domains(self) -> list[str]:
        return [self.refs.attrs(i).get("domain", "overig") for i in range(self.ix.n)]


def prepare(
    G: nx.Graph,
    *,
    rules: RuleSet | None = None,
    seed: int = DEFAULT_SEED,
    community_engine: str = "igraph",
) -> Prepared:
    """Index ``G`` and find its components, communities and kernaanpak coverage."""
    ix = fast.index_graph(G)
    component, sizes = fast.components(ix)
    community = fast.communities(ix, seed=seed, engine=community_engine)
    return Prepared(G, ix, component, sizes, community, evaluate(ix, rules), Refs(ix), seed,
                    community_engine)


def analyse(
    G: nx.Graph,
    *,
    prepared: Prepared | None = None,
    rules: RuleSet | None = None,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
    exact_limit: int = EXACT_WORK_LIMIT,
    community_engine: str = "igraph",
) -> Analysis:
    """Measure the graph of one wijk (from :func:`build_graph`) and explain the result.

    Betweenness and the average distance are exact while ``actors * ties`` stays within
    ``exact_limit`` and estimated from ``samples`` seeded source actors above it.
    """
    p = prepared or prepare(G, rules=rules, seed=seed, community_engine=community_engine)
    exact = p.ix.n * p.ix.m <= exact_limit
    x = _measure(p, None if exact else min(samples, p.ix.n))
    brokers = _brokers(p, x)
    cut_points = _cut_points(p, x.tree)
    communities = _communities(p, x.domains)
    coverage_list = coverage(p.ix, p.states, p.refs, p.refs.display)
    refs, n = p.refs, p.ix.n
    return Analysis(
        **_scalars(p, x, communities, coverage_list),
        cut_point_count=len(cut_points),
        actors_by_kind=dict(sorted(Counter(refs(i).kind for i in range(n)).items())),
        actors_by_domain=dict(sorted(Counter(x.domains).items())),
        isolates=sorted((refs(i) for i in np.flatnonzero(p.ix.degree == 0)),
                        key=lambda r: (r.name, r.id)),
        ei_by_domain=group_ei_from_mixing(x.mixing, set(x.domains)),
        domain_pairs=[DomainPair(a=a, b=b, links=c)
                      for (a, b), c in sorted(x.mixing.items(), key=lambda kv: (-kv[1], kv[0]))],
        brokers=brokers,
        cut_points=cut_points,
        bridges=_bridges(p, x.tree),
        communities=communities,
        brokerage_by_domain=_brokerage_by_domain(p, x.domains, x.brokerage),
        kernaanpak_coverage=coverage_list,
        profiles=_profiles(p, x, {b.id for b in brokers}),
        method=Method(
            betweenness="exact" if exact else "sampled",
            average_distance="exact" if exact else "sampled",
            samples=x.samples,
            seed=p.seed,
            communities=f"louvain ({p.community_engine})",
        ),
    )


@dataclass(frozen=True, eq=False)
class _Measures:
    """The per-actor measures, computed once for the whole analysis."""

    samples: int | None
    betweenness: np.ndarray
    average_distance: float | None
    clustering: np.ndarray
    constraint: np.ndarray
    effective: np.ndarray
    tree: BlockCutTree
    domains: list[str]
    reached: list[list[str]]
    brokerage: list[BrokerageCounts]
    mixing: Counter[tuple[str, str]]


def _measure(p: Prepared, k: int | None) -> _Measures:
    ix = p.ix
    lcc = np.flatnonzero(p.component == 0) if ix.n else np.zeros(0, dtype=np.int64)
    domains = p.domains()
    codes, group = np.unique(np.array(domains, dtype=object), return_inverse=True)
    group = group.ravel()
    roles = fast.brokerage(ix, tie_arcs(ix), group)
    return _Measures(
        samples=k,
        betweenness=fast.betweenness(ix, k=k, seed=p.seed),
        average_distance=fast.average_distance(ix, lcc, k=k, seed=p.seed),
        clustering=fast.clustering(ix),
        constraint=fast.constraint(ix),
        effective=fast.effective_size(ix),
        tree=BlockCutTree(*fast.biconnected(ix)),
        domains=domains,
        reached=_domains_reached(ix, domains),
        brokerage=[BrokerageCounts(**dict(zip(BROKERAGE_ROLES, r))) for r in roles.tolist()],
        mixing=mixing_counts(ix, codes, group),
    )


def _scalars(p: Prepared, x: _Measures, communities: list[Community],
             coverage_list: list[Any]) -> dict[str, Any]:
    """The scalar measures (``Metrics``) but the cut point count."""
    G, ix = p.graph, p.ix
    n, m = ix.n, ix.m
    cross = sum(c for (a, b), c in x.mixing.items() if a != b)
    zorg_sociaal = x.mixing.get(("sociaal", "zorg"), 0)
    scores = {c.kernaanpak: c.coverage for c in coverage_list}
    return dict(
        wijk=str(G.graph.get("wijk", "")),
        name=str(G.graph.get("name", G.graph.get("wijk", ""))),
        as_of=G.graph.get("as_of"),
        change_counter=G.graph.get("change_counter"),
        actors=n,
        links=m,
        density=2 * m / (n * (n - 1)) if n > 1 else None,
        average_degree=2 * m / n if n else None,
        components=len(p.component_sizes),
        largest_component_share=float(p.component_sizes[0]) / n if n else None,
        isolate_count=int((ix.degree == 0).sum()),
        fragmentation=fragmentation_from_sizes(p.component_sizes),
        average_clustering=float(x.clustering.mean()) if n else None,
        degree_centralization=degree_centralization_from(ix.degree.tolist()),
        average_distance=x.average_distance,
        cross_domain_links=cross,
        cross_domain_share=cross / m if m else None,
        zorg_sociaal_links=zorg_sociaal,
        zorg_sociaal_share=zorg_sociaal / m if m else None,
        ei_index=ei_from_mixing(x.mixing),
        modularity=float(ix.ig.modularity(p.community.tolist())) if m else None,
        community_count=len(communities),
        silo_count=sum(c.silo for c in communities),
        bridge_count=sum(len(b) == 2 for b in x.tree.blocks),
        kernaanpak_score=float(np.mean(list(scores.values()))) if scores else None,
        kernaanpak_scores=scores,
    )


def _profiles(p: Prepared, x: _Measures, broker_ids: set[str]) -> list[ActorProfile]:
    ix, refs = p.ix, p.refs
    mean_degree = 2 * ix.m / ix.n if ix.n else 0.0
    community_sizes = np.bincount(p.community) if ix.n else np.zeros(0, dtype=np.int64)
    cut_set = set(x.tree.cuts)
    return [
        ActorProfile(
            **refs(i).__dict__,
            degree=int(ix.degree[i]),
            domains_reached=x.reached[i],
            betweenness=float(x.betweenness[i]),
            constraint=_finite(x.constraint[i]),
            effective_size=_finite(x.effective[i]),
            clustering=float(x.clustering[i]),
            component=int(p.component[i]) + 1,
            community=int(p.community[i]) + 1 if community_sizes[p.community[i]] > 1 else None,
            cut_point=i in cut_set,
            brokerage=x.brokerage[i],
            position=_position(int(ix.degree[i]), i in cut_set, refs(i).id in broker_ids,
                               mean_degree),
        )
        for i in range(ix.n)
    ]


def _finite(x: float) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def tie_arcs(ix: fast.Indexed) -> tuple[np.ndarray, np.ndarray]:
    """The directed ties of ``ix`` as index arrays (tails, heads): the rule of
    ``graph.metrics.directed_ties``, each edge both ways unless it is only a referral."""
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


def mixing_counts(ix: fast.Indexed, codes: np.ndarray, group: np.ndarray) -> Counter[tuple[str, str]]:
    """``graph.metrics.mixing`` from index arrays: edges per sorted pair of groups."""
    a, b = group[ix.src], group[ix.dst]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    k = len(codes)
    found, counts = np.unique(lo * k + hi, return_counts=True)
    return Counter({(str(codes[f // k]), str(codes[f % k])): int(c)
                    for f, c in zip(found.tolist(), counts.tolist())})


def _domains_reached(ix: fast.Indexed, domains: list[str]) -> list[list[str]]:
    indptr, indices = ix.adj.indptr, ix.adj.indices
    return [sorted({domains[j] for j in indices[indptr[i]:indptr[i + 1]]}) for i in range(ix.n)]




def _position(degree: int, cut: bool, broker: bool, mean_degree: float) -> str:
    if degree == 0:
        return "geïsoleerd"
    if cut:
        return "snijpunt"
    if broker:
        return "makelaar"
    if degree >= max(3.0, 2 * mean_degree):
        return "spil"
    if degree == 1:
        return "rand"
    return "ingebed"


def _brokers(p: Prepared, x: _Measures) -> list[Broker]:
    order = np.lexsort((np.arange(p.ix.n), -x.betweenness))
    out = []
    for i in order[:BROKER_COUNT]:
        if x.betweenness[i] <= 0:
            break
        out.append(Broker(
            **p.refs(i).__dict__,
            degree=int(p.ix.degree[i]),
            betweenness=float(x.betweenness[i]),
            constraint=_finite(x.constraint[i]),
            effective_size=_finite(x.effective[i]),
            domains_reached=x.reached[i],
            text=broker_text(p.refs.display(i), float(x.betweenness[i]), x.reached[i]),
        ))
    return out


def _cut_points(p: Prepared, tree: BlockCutTree) -> list[CutPoint]:
    out = []
    for c in tree.cuts:
        parts = tree.part_sizes(c)
        cut_off_count = sum(size for _, size in parts[1:])
        no_main_part = parts[0][1] == parts[1][1]  # then the text names every part
        cut_off = _members(tree, c, parts[1:])
        named = _members(tree, c, parts) if no_main_part else cut_off
        component = int(p.component_sizes[p.component[c]])
        out.append(CutPoint(
            **p.refs(c).__dict__,
            parts=len(parts),
            part_sizes=[size for _, size in parts],
            cut_off_count=cut_off_count,
            cut_off=[p.refs(i) for i in cut_off],
            text=cut_point_text(p.refs.display(c), len(parts), component, p.ix.n,
                                [p.refs.display(i) for i in named],
                                component - 1 if no_main_part else cut_off_count,
                                no_main_part=no_main_part),
        ))
    return sorted(out, key=lambda cp: (-cp.cut_off_count, -cp.parts, cp.name, cp.id))


def _members(tree: BlockCutTree, cut: int, parts: list[tuple[int, int]]) -> list[int]:
    """The first ``LISTED`` members of the given parts, part by part."""
    listed: list[int] = []
    for block, _ in parts:
        if len(listed) >= LISTED:
            break
        listed.extend(tree.part_members(cut, block))
    return listed[:LISTED]


def _bridges(p: Prepared, tree: BlockCutTree) -> list[Bridge]:
    out = []
    for b, block in enumerate(tree.blocks):
        if len(block) != 2:
            continue
        sides = tree.bridge_sides(b)
        u, v = block
        out.append(Bridge(
            a=p.refs(u), b=p.refs(v), sides=list(sides),
            text=bridge_text(p.refs.display(u), p.refs.display(v), sides),
        ))
    return sorted(out, key=lambda br: (-min(br.sides), br.a.name, br.b.name, br.a.id, br.b.id))


def _communities(p: Prepared, domains: list[str]) -> list[Community]:
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(p.community.tolist()):
        groups.setdefault(label, []).append(i)
    out = []
    for label in sorted(groups):
        members = groups[label]
        if len(members) < 2:
            continue
        mix = Counter(domains[i] for i in members)
        main, top = min(mix.items(), key=lambda kv: (-kv[1], kv[0]))
        silo = len(members) >= 3 and len(mix) == 1
        out.append(Community(
            number=label + 1,
            size=len(members),
            domains=dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
            main_domain=main,
            main_domain_share=top / len(members),
            silo=silo,
            members=sorted((p.refs(i) for i in members), key=lambda r: (r.name, r.id)),
            text=community_text(label + 1, len(members), main, top / len(members), silo),
        ))
    return out


def _brokerage_by_domain(
    p: Prepared, domains: list[str], brokerage: list[BrokerageCounts]
) -> list[DomainBrokerage]:
    out = []
    for domain in sorted(set(domains)):
        members = [i for i, d in enumerate(domains) if d == domain]
        totals = {role: sum(getattr(brokerage[i], role) for i in members)
                  for role in BROKERAGE_ROLES}
        ranked = sorted((i for i in members if brokerage[i].across > 0),
                        key=lambda i: (-brokerage[i].across, p.refs(i).name, i))
        out.append(DomainBrokerage(
            domain=domain,
            label=domain_label(domain),
            roles=BrokerageCounts(**totals),
            top=[p.refs(i) for i in ranked[:3]],
        ))
    return out
