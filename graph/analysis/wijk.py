"""The analysis of one wijk: shape, crossing domains, key actors, groups, coverage.

:func:`analyse` measures a graph from :func:`graph.analysis.build_graph` and returns an
``Analysis`` (``graph.analysis.results``): it prepares the graph once
(``graph.analysis.prepare``), measures every actor, gathers the explained findings
(``graph.analysis.findings``) and the scalar measures. It is pure: no I/O, no web types.
The heavy lifting runs on the engines of ``graph.analysis.fast``, proven equal to NetworkX
in the tests. Formulas and references: ``docs/analysis.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx
import numpy as np

from graph.analysis import findings
from graph.analysis.kernaanpak import RuleSet, coverage
from graph.analysis.measures import (
    degree_centralization_from,
    ei_from_mixing,
    fragmentation_from_sizes,
    group_ei_from_mixing,
)
from graph.analysis.prepare import (
    DEFAULT_SEED,
    UNKNOWN_DOMAIN,
    ActorMeasures,
    Prepared,
    measure_actors,
    prepare,
)
from graph.analysis.results import Analysis, Community, DomainPair, Method

__all__ = ["DEFAULT_SAMPLES", "EXACT_WORK_LIMIT", "analyse"]

EXACT_WORK_LIMIT = 50_000_000
"""Above ``actors * ties`` of this, betweenness and distances are estimated from samples."""
DEFAULT_SAMPLES = 500
"""Number of sampled source actors for estimated betweenness and distances."""


def analyse(
    G: nx.Graph[Hashable],
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
    x = measure_actors(p, None if exact else min(samples, p.ix.n))
    brokers = findings.brokers(p, x)
    cut_points = findings.cut_points(p, x.tree)
    communities = findings.communities(p, x.domains)
    coverage_list = coverage(p.ix, p.states, p.refs, p.refs.display)
    refs, n = p.refs, p.ix.n
    return Analysis(
        **_scalars(p, x, communities, coverage_list),
        cut_point_count=len(cut_points),
        actors_by_kind=dict(sorted(Counter(refs(i).kind for i in range(n)).items())),
        actors_by_domain=dict(sorted(Counter(x.domains).items())),
        isolates=sorted(
            (refs(i) for i in np.flatnonzero(p.ix.degree == 0)), key=lambda r: (r.name, r.id)
        ),
        ei_by_domain=group_ei_from_mixing(x.mixing, set(x.domains) - {UNKNOWN_DOMAIN}),
        domain_pairs=[
            DomainPair(a=a, b=b, links=c)
            for (a, b), c in sorted(x.mixing.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        brokers=brokers,
        cut_points=cut_points,
        bridges=findings.bridges(p, x.tree),
        communities=communities,
        brokerage_by_domain=findings.brokerage_by_domain(p, x.domains, x.brokerage),
        kernaanpak_coverage=coverage_list,
        profiles=findings.profiles(p, x, {b.id for b in brokers}),
        method=Method(
            betweenness="exact" if exact else "sampled",
            average_distance="exact" if exact else "sampled",
            samples=x.samples,
            seed=p.seed,
            communities=f"louvain ({p.community_engine})",
        ),
    )


def _scalars(
    p: Prepared, x: ActorMeasures, communities: list[Community], coverage_list: list[Any]
) -> dict[str, Any]:
    """The scalar measures (``Metrics``) but the cut point count."""
    G, ix = p.graph, p.ix
    n, m = ix.n, ix.m
    cross = sum(c for (a, b), c in x.mixing.items() if a != b)
    known = sum(x.mixing.values())  # links between two actors of a known domain
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
        cross_domain_share=cross / known if known else None,
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
