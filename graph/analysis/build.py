"""From a store snapshot to a NetworkX graph: the one place where that happens.

:func:`build_graph` turns a snapshot into the graph that :func:`graph.analysis.analyse`
measures and :func:`graph.analysis.suggestions.suggest` reads; :func:`graph_from_records`
does the same from plain records. :func:`node_ref` and :func:`display_name` name a node of
that graph in results and texts.

The graph
---------
Actors become nodes (id as key; ``name``, ``kind``, ``domain``, ``role``, ``themes``,
``kernaanpakken``, ``organisation`` as attributes). Every link kind becomes an undirected
tie of one simple graph: ``samenwerking``, ``verwijzing`` and ``werkt_bij`` alike, and a
professional's ``organisation`` counts as a ``werkt_bij`` tie too. Two actors joined by
several links get one edge with the highest ``intensity``, all ``kinds`` and ``links``
(ids), and the direction of every ``verwijzing`` in ``referrals`` as ``(source, target)``
pairs. The measures of the analysis treat ties as binary and undirected; only the
brokerage roles read the referral directions (see ``graph.analysis.measures.directed_ties``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx

from graph.analysis.results import ActorRef
from graph.analysis.wording import role_label
from graph.model import ActorIn, ActorKind, Intensity, LinkIn, LinkKind, Snapshot

__all__ = ["build_graph", "display_name", "graph_from_records", "node_ref"]


def build_graph(
    snapshot: Snapshot, *, kinds: Iterable[LinkKind] | None = None
) -> nx.Graph[Hashable]:
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
) -> nx.Graph[Hashable]:
    """:func:`build_graph` from actor and link records (stored or input models).

    Links with an end outside ``actors`` are left out.
    """
    allowed = set(LinkKind) if kinds is None else set(kinds)
    G: nx.Graph[Hashable] = nx.Graph(**attrs)
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
            if a.id is not None and a.organisation is not None and a.organisation in G:
                _add_tie(G, a.id, a.organisation, LinkKind.WERKT_BIJ, Intensity.SAMENWERKEN, None)
    for link in sorted(links, key=lambda lk: str(lk.id)):
        if link.kind in allowed and link.source in G and link.target in G:
            _add_tie(G, link.source, link.target, link.kind, link.intensity, link)
    return G


def _add_tie(
    G: nx.Graph[Hashable], u: str, v: str, kind: LinkKind, intensity: int, link: LinkIn | None
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
        G.add_edge(
            u, v, intensity=int(intensity), kinds=(kind.value,), links=ids, referrals=referral
        )


def node_ref(G: nx.Graph[Hashable], v: Hashable) -> ActorRef:
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
