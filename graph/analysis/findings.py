"""The findings of an analysis, each with the text that explains it: brokers, cut points,
bridges, communities, brokerage per domain and the profile of every actor.

Each function reads what :func:`graph.analysis.prepare.prepare` and
:func:`graph.analysis.prepare.measure_actors` computed once; the texts come from
``graph.analysis.wording``.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from graph.analysis.measures import BROKERAGE_ROLES, BlockCutTree
from graph.analysis.prepare import UNKNOWN_DOMAIN, ActorMeasures, Prepared
from graph.analysis.results import (
    ActorProfile,
    Bridge,
    Broker,
    BrokerageCounts,
    Community,
    CutPoint,
    DomainBrokerage,
)
from graph.analysis.wording import (
    bridge_text,
    broker_text,
    community_name,
    community_text,
    cut_point_text,
    domain_label,
)

__all__ = [
    "bridges",
    "brokerage_by_domain",
    "brokers",
    "communities",
    "community_centers",
    "cut_points",
    "profiles",
]

BROKER_COUNT = 10
LISTED = 10


def profiles(p: Prepared, x: ActorMeasures, broker_ids: set[str]) -> list[ActorProfile]:
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
            position=_position(
                int(ix.degree[i]), i in cut_set, refs(i).id in broker_ids, mean_degree
            ),
        )
        for i in range(ix.n)
    ]


def _finite(x: float) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _position(degree: int, cut: bool, broker: bool, mean_degree: float) -> str:
    if degree == 0:
        return "geïsoleerd"
    if cut:
        return "snijpunt"
    if broker:
        return "verbinder"
    if degree >= max(3.0, 2 * mean_degree):
        return "spil"
    if degree == 1:
        return "rand"
    return "ingebed"


def brokers(p: Prepared, x: ActorMeasures) -> list[Broker]:
    order = np.lexsort((np.arange(p.ix.n), -x.betweenness))
    out = []
    for i in order[:BROKER_COUNT]:
        if x.betweenness[i] <= 0:
            break
        out.append(
            Broker(
                **p.refs(i).__dict__,
                degree=int(p.ix.degree[i]),
                betweenness=float(x.betweenness[i]),
                constraint=_finite(x.constraint[i]),
                effective_size=_finite(x.effective[i]),
                domains_reached=x.reached[i],
                text=broker_text(p.refs.display(i), float(x.betweenness[i]), x.reached[i]),
            )
        )
    return out


def cut_points(p: Prepared, tree: BlockCutTree) -> list[CutPoint]:
    out = []
    for c in tree.cuts:
        parts = tree.part_sizes(c)
        cut_off_count = sum(size for _, size in parts[1:])
        no_main_part = parts[0][1] == parts[1][1]  # then the text names every part
        cut_off = _members(tree, c, parts[1:])
        named = _members(tree, c, parts) if no_main_part else cut_off
        component = int(p.component_sizes[p.component[c]])
        out.append(
            CutPoint(
                **p.refs(c).__dict__,
                parts=len(parts),
                part_sizes=[size for _, size in parts],
                cut_off_count=cut_off_count,
                cut_off=[p.refs(i) for i in cut_off],
                text=cut_point_text(
                    p.refs.display(c),
                    len(parts),
                    component,
                    p.ix.n,
                    [p.refs.display(i) for i in named],
                    component - 1 if no_main_part else cut_off_count,
                    no_main_part=no_main_part,
                ),
            )
        )
    return sorted(out, key=lambda cp: (-cp.cut_off_count, -cp.parts, cp.name, cp.id))


def _members(tree: BlockCutTree, cut: int, parts: list[tuple[int, int]]) -> list[int]:
    """The first ``LISTED`` members of the given parts, part by part."""
    listed: list[int] = []
    for block, _ in parts:
        if len(listed) >= LISTED:
            break
        listed.extend(tree.part_members(cut, block))
    return listed[:LISTED]


def bridges(p: Prepared, tree: BlockCutTree) -> list[Bridge]:
    out = []
    for b, block in enumerate(tree.blocks):
        if len(block) != 2:
            continue
        sides = tree.bridge_sides(b)
        u, v = block
        out.append(
            Bridge(
                a=p.refs(u),
                b=p.refs(v),
                sides=list(sides),
                text=bridge_text(p.refs.display(u), p.refs.display(v), sides),
            )
        )
    return sorted(out, key=lambda br: (-min(br.sides), br.a.name, br.b.name, br.a.id, br.b.id))


def community_centers(p: Prepared) -> dict[int, int]:
    """The most central member of each community (label): the one with the most ties
    within its community, then by name, then by id. Groups are named after it."""
    adj = p.ix.adj.tocoo()
    inside = p.community[adj.row] == p.community[adj.col]
    degree = np.bincount(adj.row[inside], minlength=p.ix.n)
    centers: dict[int, int] = {}
    keys: dict[int, tuple[int, str, str]] = {}
    for i, label in enumerate(p.community.tolist()):
        attrs = p.refs.attrs(i)
        key = (-int(degree[i]), str(attrs.get("name", "")), str(p.ix.nodes[i]))
        if label not in keys or key < keys[label]:
            centers[label], keys[label] = i, key
    return centers


def communities(p: Prepared, domains: list[str]) -> list[Community]:
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(p.community.tolist()):
        groups.setdefault(label, []).append(i)
    centers = community_centers(p)
    out = []
    for label in sorted(groups):
        members = groups[label]
        if len(members) < 2:
            continue
        mix = Counter(domains[i] for i in members)
        # an unknown domain is not a domain: it is never the main one while another is
        # there, and a group of actors without a domain is no silo
        known = {d: c for d, c in mix.items() if d != UNKNOWN_DOMAIN} or mix
        main, top = min(known.items(), key=lambda kv: (-kv[1], kv[0]))
        silo = len(members) >= 3 and len(mix) == 1 and main != UNKNOWN_DOMAIN
        name = community_name(p.refs.display(centers[label]))
        out.append(
            Community(
                number=label + 1,
                name=name,
                center=p.refs(centers[label]),
                size=len(members),
                domains=dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
                main_domain=main,
                main_domain_share=top / len(members),
                silo=silo,
                members=sorted((p.refs(i) for i in members), key=lambda r: (r.name, r.id)),
                text=community_text(name, len(members), main, top / len(members), silo),
            )
        )
    return out


def brokerage_by_domain(
    p: Prepared, domains: list[str], brokerage: list[BrokerageCounts]
) -> list[DomainBrokerage]:
    out = []
    for domain in sorted(set(domains) - {UNKNOWN_DOMAIN}):
        members = [i for i, d in enumerate(domains) if d == domain]
        totals = {
            role: sum(getattr(brokerage[i], role) for i in members) for role in BROKERAGE_ROLES
        }
        ranked = sorted(
            (i for i in members if brokerage[i].across > 0),
            key=lambda i: (-brokerage[i].across, p.refs(i).name, i),
        )
        out.append(
            DomainBrokerage(
                domain=domain,
                label=domain_label(domain),
                roles=BrokerageCounts(**totals),
                top=[p.refs(i) for i in ranked[:3]],
            )
        )
    return out
