"""Network analysis of the wijken: pure functions over a NetworkX graph built from a snapshot.

The modules, from the graph to what the API and CLI call:

- ``build``: a store snapshot becomes a NetworkX graph (:func:`build_graph`).
- ``measures``: measures NetworkX lacks, on NetworkX graphs (the reference definitions).
- ``fast``: the same quantities computed with igraph and scipy, proven equal in the tests.
- ``prepare``: what the analysis and the suggestions compute once per graph (:func:`prepare`).
- ``findings``: brokers, cut points, bridges, communities and actor profiles, explained.
- ``wijk``: :func:`analyse`, the ``Analysis`` of one wijk.
- ``kernaanpak`` (+ ``kernaanpak_rules.toml``): kernaanpak coverage and its rules.
- ``suggestions``: who should meet, and why.
- ``compare``: wijken side by side, one wijk over time, differences.
- ``effect``: the effect of verbinden in a period (suggestions taken up, new links, change).
- ``wording``: the Dutch texts of the results; ``results``: the result models.
- ``cache`` and ``reports``: results cached per wijk on the store's change counter.

The names below are the package's public functions; the other modules are imported by
their own names (``from graph.analysis import reports``).
"""

from graph.analysis.build import build_graph, display_name, graph_from_records, node_ref
from graph.analysis.effect import Effect, effect, effect_rows
from graph.analysis.fast import mixing_counts, tie_arcs
from graph.analysis.prepare import DEFAULT_SEED, Prepared, prepare
from graph.analysis.wijk import DEFAULT_SAMPLES, EXACT_WORK_LIMIT, analyse

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "EXACT_WORK_LIMIT",
    "Effect",
    "Prepared",
    "analyse",
    "build_graph",
    "display_name",
    "effect",
    "effect_rows",
    "graph_from_records",
    "mixing_counts",
    "node_ref",
    "prepare",
    "tie_arcs",
]
