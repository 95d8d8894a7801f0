"""What the analysis and the suggestions compute once per graph.

:func:`prepare` indexes a graph from :func:`graph.analysis.build_graph` for the engines of
``graph.analysis.fast`` and finds its components, communities and kernaanpak states;
:func:`measure_actors` adds the per-actor measures that :func:`graph.analysis.analyse`
reports. Everything seeded is seeded with ``DEFAULT_SEED`` unless told otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, SupportsIndex

import networkx as nx
import numpy as np

from graph.analysis import fast
from graph.analysis.build import display_name, node_ref
from graph.analysis.kernaanpak import RequirementState, RuleSet, evaluate
from graph.analysis.measures import BROKERAGE_ROLES, BlockCutTree
from graph.analysis.results import ActorRef, BrokerageCounts
from graph.model import Domain

UNKNOWN_DOMAIN = Domain.ONBEKEND.value
"""Actors whose domain is not known yet (imported without one): left out of every
cross-domain figure (E-I, the share of cross-domain links, brokerage per domain), which they
would otherwise inflate, since every tie to them would count as crossing a domain."""

__all__ = ["DEFAULT_SEED", "ActorMeasures", "Prepared", "Refs", "measure_actors", "prepare"]

DEFAULT_SEED = 2025
"""Seed of everything random in the analysis (Louvain, samples): same input, same output."""


class Refs:
    """``ActorRef`` and display names of the nodes of an indexed graph, made once each."""

    def __init__(self, ix: fast.Indexed) -> None:
        self.ix = ix
        self._refs: list[ActorRef | None] = [None] * ix.n

    def attrs(self, i: int) -> dict[str, Any]:
        attrs: dict[str, Any] = self.ix.graph.nodes[self.ix.nodes[i]]
        return attrs

    def __call__(self, i: SupportsIndex) -> ActorRef:
        ref = self._refs[i]
        if ref is None:
            ref = self._refs[i] = node_ref(self.ix.graph, self.ix.nodes[i])
        return ref

    def display(self, i: int) -> str:
        return display_name(self(i))


@dataclass(frozen=True, eq=False)
class Prepared:
    """What both the analysis and the suggestions need from a graph, computed once."""

    graph: nx.Graph[Hashable]
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
    G: nx.Graph[Hashable],
    *,
    rules: RuleSet | None = None,
    seed: int = DEFAULT_SEED,
    community_engine: str = "igraph",
) -> Prepared:
    """Index ``G`` and find its components, communities and kernaanpak coverage."""
    ix = fast.index_graph(G)
    component, sizes = fast.components(ix)
    community = fast.communities(ix, seed=seed, engine=community_engine)
    return Prepared(
        G, ix, component, sizes, community, evaluate(ix, rules), Refs(ix), seed, community_engine
    )


@dataclass(frozen=True, eq=False)
class ActorMeasures:
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
    """Links per pair of domains, without the links of an actor of unknown domain."""


def measure_actors(p: Prepared, k: int | None) -> ActorMeasures:
    """The measures of every actor of ``p``: betweenness and the average distance exact when
    ``k`` is None, else estimated from ``k`` seeded source actors."""
    ix = p.ix
    lcc = np.flatnonzero(p.component == 0) if ix.n else np.zeros(0, dtype=np.int64)
    domains = p.domains()
    codes, group = np.unique(np.array(domains, dtype=object), return_inverse=True)
    group = group.ravel()
    roles = fast.brokerage(ix, fast.tie_arcs(ix), group)
    return ActorMeasures(
        samples=k,
        betweenness=fast.betweenness(ix, k=k, seed=p.seed),
        average_distance=fast.average_distance(ix, lcc, k=k, seed=p.seed),
        clustering=fast.clustering(ix),
        constraint=fast.constraint(ix),
        effective=fast.effective_size(ix),
        tree=BlockCutTree(*fast.biconnected(ix)),
        domains=domains,
        reached=_domains_reached(ix, domains),
        brokerage=[
            BrokerageCounts(**dict(zip(BROKERAGE_ROLES, r, strict=True))) for r in roles.tolist()
        ],
        mixing=Counter(
            {
                pair: c
                for pair, c in fast.mixing_counts(ix, codes, group).items()
                if UNKNOWN_DOMAIN not in pair
            }
        ),
    )


def _domains_reached(ix: fast.Indexed, domains: list[str]) -> list[list[str]]:
    indptr, indices = ix.adj.indptr, ix.adj.indices
    return [sorted({domains[j] for j in indices[indptr[i] : indptr[i + 1]]}) for i in range(ix.n)]
