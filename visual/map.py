"""The wijk map: the data vis-network draws, built from a snapshot of one wijk.

pyvis's ``Network`` model assembles the nodes and the options (physics off, plain edges);
edges are appended directly, because ``Network.add_edge`` scans every edge it already has
(quadratic for thousands of links). The result is plain JSON-ready data: the page renders
it with locally served vis-network through wijknet's own template and script, never
through pyvis's HTML template (which loads CDNs and puts some titles into ``innerHTML``).

Positions are computed here, seeded, so a wijk looks the same on every visit and the map
appears at once: vis-network's own first layout stalls past a few hundred nodes. Actors
without any link are set out in a grid below the network, so they stand out as isolated
instead of being flung to the edge. Beyond ``MAX_ACTORS`` actors the map switches to a
view of groups (one node per group) and a per-actor focus view.
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import igraph as ig
from pyvis.network import Network

from graph.model import (
    Actor,
    ActorKind,
    Domain,
    Intensity,
    Link,
    LinkKind,
    Role,
    Snapshot,
    label,
)

__all__ = [
    "MAX_ACTORS",
    "DOMAIN_COLOURS",
    "KIND_SHAPES",
    "MapSuggestion",
    "build_map",
    "ego_ids",
    "layout",
    "legend",
]

MAX_ACTORS = 2000
"""Above this many actors the map shows groups instead of every actor."""

SEED = 20250101
WIDE = 1.4
"""Horizontal stretch of the layout: screens and projectors are wider than high."""

# Okabe-Ito based: distinguishable with the common colour vision deficiencies.
DOMAIN_COLOURS: dict[Domain, str] = {
    Domain.ZORG: "#0072B2",
    Domain.SOCIAAL: "#E69F00",
    Domain.GEMEENTE: "#009E73",
    Domain.WONEN: "#CC79A7",
    Domain.ONDERWIJS: "#56B4E9",
    Domain.VEILIGHEID: "#4D4D4D",
    Domain.WERK_EN_INKOMEN: "#D55E00",
    Domain.INWONERS: "#F0E442",
    Domain.ZORGVERZEKERAAR: "#8C564B",
    Domain.ONBEKEND: "#BBBBBB",
}
KIND_SHAPES: dict[ActorKind, str] = {
    ActorKind.ORGANISATIE: "square",
    ActorKind.PROFESSIONAL: "dot",
    ActorKind.INITIATIEF: "triangle",
}
INTENSITY_WIDTH: dict[Intensity, float] = {
    Intensity.KENNEN: 1.0,
    Intensity.INFORMATIE_DELEN: 2.0,
    Intensity.AFSTEMMEN: 3.5,
    Intensity.SAMENWERKEN: 5.0,
}
EDGE_COLOUR = "#8a96a3"
WORKS_AT_COLOUR = "#c3cad2"
SUGGESTION_COLOUR = "#B0126B"
GROUP_COLOUR = "#5b6b7b"

_layout_lock = threading.Lock()


@dataclass(frozen=True)
class MapSuggestion:
    """A suggested introduction drawn as a dashed line: ``a`` and ``b`` are actor ids."""

    a: str
    b: str
    score: float
    reason: str = ""


def layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, seed: int = SEED
) -> dict[str, tuple[float, float]]:
    """Seeded positions in pixels for ``nodes``; isolated nodes in a grid below the rest.

    Fruchterman-Reingold from igraph (grid variant above 300 nodes), fed from a private
    random generator so the same graph always gets the same picture.

    >>> pos = layout(["a", "b", "c"], [("a", "b")])
    >>> pos == layout(["a", "b", "c"], [("a", "b")])
    True
    >>> pos["c"][1] > max(pos["a"][1], pos["b"][1])
    True
    """
    index = {n: i for i, n in enumerate(nodes)}
    pairs = {(index[a], index[b]) for a, b in edges if a in index and b in index and a != b}
    linked_set = {i for pair in pairs for i in pair}
    linked = sorted(linked_set)
    isolated = [n for i, n in enumerate(nodes) if i not in linked_set]
    positions: dict[str, tuple[float, float]] = {}
    bottom = 0.0
    if linked:
        local = {old: new for new, old in enumerate(linked)}
        graph = ig.Graph(n=len(linked), edges=sorted((local[a], local[b]) for a, b in pairs))
        with _layout_lock:
            ig.set_random_number_generator(random.Random(seed))
            try:
                big = len(linked) > 300
                coords = graph.layout_fruchterman_reingold(
                    niter=300 if big else 500, grid=big
                ).coords
            finally:
                ig.set_random_number_generator(random)
        span = max(500.0, math.sqrt(len(linked)) * 110.0)
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
        x0, y0 = min(xs), min(ys)
        width = (max(xs) - x0) or 1.0
        height = (max(ys) - y0) or 1.0
        scale = span / max(width, height)
        for i, (x, y) in zip(linked, coords, strict=True):
            positions[nodes[i]] = (
                round((x - x0 - width / 2) * scale * WIDE, 1),
                round((y - y0 - height / 2) * scale, 1),
            )
        bottom = height * scale / 2
    if isolated:
        per_row = max(5, int(math.sqrt(len(isolated)) * 1.5))
        step = 170.0
        left = -(min(per_row, len(isolated)) - 1) * step / 2
        for k, node in enumerate(sorted(isolated)):
            row, col = divmod(k, per_row)
            positions[node] = (round(left + col * step, 1), round(bottom + 120.0 + row * step, 1))
    return positions


def ego_ids(links: Sequence[Link], centre: str, steps: int) -> set[str]:
    """The actor ``centre`` and every actor at most ``steps`` links away."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        neighbours[link.source].add(link.target)
        neighbours[link.target].add(link.source)
    seen, frontier = {centre}, {centre}
    for _ in range(max(0, steps)):
        frontier = {n for f in frontier for n in neighbours[f]} - seen
        seen |= frontier
    return seen


def legend(present: Collection[Domain] = ()) -> dict[str, Any]:
    """What the map's colours, shapes and line widths mean, in Dutch.

    Every domain is listed, except "onbekend", which appears only when one of ``present``
    (the domains of the wijk's actors) is still unknown."""
    return {
        "domains": [
            {"value": d.value, "label": label(d), "colour": c}
            for d, c in DOMAIN_COLOURS.items()
            if d is not Domain.ONBEKEND or d in present
        ],
        "kinds": [
            {"value": k.value, "label": label(k), "shape": s} for k, s in KIND_SHAPES.items()
        ],
        "intensities": [
            {"value": int(i), "label": label(i), "width": w} for i, w in INTENSITY_WIDTH.items()
        ],
        "suggestion": {"label": "Voorgestelde kennismaking", "colour": SUGGESTION_COLOUR},
    }


def _options(net: Network, size: int) -> dict[str, Any]:
    """pyvis's options with physics off and plain edges, plus what our script needs."""
    net.toggle_physics(False)
    net.toggle_stabilization(False)
    net.options.edges.smooth.enabled = False
    net.inherit_edge_colors(False)
    net.toggle_hide_edges_on_drag(size > 600)  # large maps drop edges while moving, and
    net.options.interaction.hideEdgesOnZoom = size > 600  # while zooming: stays smooth
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["interaction"].update(
        hover=True,
        tooltipDelay=150,
        keyboard={"enabled": True, "bindToWindow": False},
        multiselect=False,
    )
    options["nodes"] = {
        "borderWidth": 1,
        "font": {
            "size": 14,
            "face": "system-ui, sans-serif",
            "color": "#1b1f23",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"enabled": True, "drawThreshold": 7 if size > 300 else 4}},
    }
    options["layout"] = {"improvedLayout": False, "randomSeed": SEED}
    return options


def _actor_node(
    net: Network,
    actor: Actor,
    pos: tuple[float, float],
    values: list[float],
    group: int | None,
) -> None:
    colour = DOMAIN_COLOURS[actor.domain]
    net.add_node(
        actor.id,
        label=actor.name,
        shape=KIND_SHAPES[actor.kind],
        color={
            "background": colour,
            "border": "#1b1f23",
            "highlight": {"background": colour, "border": "#000000"},
        },
        x=pos[0],
        y=pos[1],
        size=12,
        kind=actor.kind.value,
        domain=actor.domain.value,
        role="" if actor.role is Role.OVERIG else label(actor.role),
        themes=[t.value for t in actor.themes],
        kernaanpakken=[k.value for k in actor.kernaanpakken],
        since=actor.since.isoformat() if actor.since else None,
        until=actor.until.isoformat() if actor.until else None,
        m=values,
        group_no=group,
    )


def _link_edge(link: Link) -> dict[str, Any]:
    works_at = link.kind is LinkKind.WERKT_BIJ
    edge: dict[str, Any] = {
        "id": link.id,
        "from": link.source,
        "to": link.target,
        "width": 1.0 if works_at else INTENSITY_WIDTH[link.intensity],
        "color": {"color": WORKS_AT_COLOUR if works_at else EDGE_COLOUR, "opacity": 0.9},
        "kind": link.kind.value,
        "intensity": int(link.intensity),
    }
    if link.kind is LinkKind.VERWIJZING:
        edge["arrows"] = "to"
    return edge


def _suggestion_edges(
    suggestions: Sequence[MapSuggestion], shown: set[str]
) -> list[dict[str, Any]]:
    return [
        {
            "id": f"s{i}",
            "from": s.a,
            "to": s.b,
            "dashes": [8, 6],
            "width": 2.5,
            "color": {"color": SUGGESTION_COLOUR},
            "suggestion": True,
            "score": round(s.score, 3),
            "reason": s.reason,
        }
        for i, s in enumerate(suggestions)
        if s.a in shown and s.b in shown
    ]


def build_map(
    snapshot: Snapshot,
    *,
    measures: Mapping[str, Mapping[str, float]] | None = None,
    measure_labels: Mapping[str, str] | None = None,
    groups: Mapping[str, int] | None = None,
    suggestions: Sequence[MapSuggestion] = (),
    focus: str | None = None,
    steps: int = 1,
    max_actors: int = MAX_ACTORS,
) -> dict[str, Any]:
    """The map of one wijk as JSON-ready data.

    Parameters
    ----------
    snapshot : the wijk's actors and links on one day.
    measures : measure name -> actor id -> value, for sizing nodes (e.g. degree).
    measure_labels : measure name -> Dutch label for the size menu.
    groups : actor id -> group number (communities); used for the group view.
    suggestions : suggested introductions, drawn as a dashed layer.
    focus, steps : show only ``focus`` and the actors ``steps`` links away.
    max_actors : above this many actors (and without ``focus``), show groups.

    Returns
    -------
    dict with ``mode`` ("actors" or "groups"), ``nodes``, ``edges``, ``suggestions``,
    ``options``, ``measures`` and ``legend``. Names stay plain strings: the page's script
    puts them into the canvas and into text nodes, never into HTML.
    """
    measures = measures or {}
    keys = list(measures)
    actors = snapshot.actors
    links = snapshot.links
    if focus is not None:
        keep = ego_ids(links, focus, steps)
        actors = [a for a in actors if a.id in keep]
        links = [lk for lk in links if lk.source in keep and lk.target in keep]
    elif len(actors) > max_actors:
        return _group_map(snapshot, groups)
    ids = [a.id for a in actors]
    positions = layout(ids, [(lk.source, lk.target) for lk in links])
    net = Network(directed=False)
    for actor in actors:
        values = [round(float(measures[k].get(actor.id, 0.0)), 6) for k in keys]
        _actor_node(net, actor, positions[actor.id], values, (groups or {}).get(actor.id))
    net.edges = [_link_edge(lk) for lk in links]
    return {
        "mode": "actors",
        "wijk": snapshot.wijk.slug,
        "as_of": snapshot.as_of.isoformat(),
        "change_counter": snapshot.change_counter,
        "focus": focus,
        "nodes": net.nodes,
        "edges": net.edges,
        "suggestions": _suggestion_edges(suggestions, set(ids)),
        "measures": [{"key": k, "label": (measure_labels or {}).get(k, k)} for k in keys],
        "options": _options(net, len(ids)),
        "legend": legend({a.domain for a in snapshot.actors}),
    }


def _group_map(snapshot: Snapshot, groups: Mapping[str, int] | None) -> dict[str, Any]:
    """One node per group (community, or domain without groups) and the links between."""
    domains = list(Domain)
    if groups:
        of = {a.id: groups.get(a.id, -1) for a in snapshot.actors}
    else:
        of = {a.id: domains.index(a.domain) for a in snapshot.actors}
    members: dict[int, list[Actor]] = defaultdict(list)
    for actor in snapshot.actors:
        members[of[actor.id]].append(actor)
    between: Counter[tuple[int, int]] = Counter()
    for link in snapshot.links:
        ga, gb = of.get(link.source), of.get(link.target)
        if ga is not None and gb is not None and ga != gb:
            between[(min(ga, gb), max(ga, gb))] += 1
    names = [f"g{g}" for g in sorted(members)]
    # groups are big circles: spread them further than single actors
    positions = {
        k: (x * 1.6, y * 1.6)
        for k, (x, y) in layout(names, [(f"g{a}", f"g{b}") for a, b in between]).items()
    }
    net = Network(directed=False)
    for g in sorted(members):
        group_actors = members[g]
        domain = Counter(a.domain for a in group_actors).most_common(1)[0][0]
        if not groups:
            title = label(domains[g])
        elif g < 0:
            title = "Zonder groep"
        else:
            title = f"Groep {g}"  # 1 is the largest
        net.add_node(
            f"g{g}",
            label=f"{title} ({len(group_actors)})",
            shape="dot",
            color={"background": DOMAIN_COLOURS[domain], "border": "#1b1f23"},
            x=positions[f"g{g}"][0],
            y=positions[f"g{g}"][1],
            size=8 + 2.5 * math.sqrt(len(group_actors)),
            font={"size": 24},
            kind="groep",
            domain=domain.value,
            members=len(group_actors),
            sample=[a.name for a in sorted(group_actors, key=lambda a: a.name)[:8]],
            m=[],
        )
    net.edges = [
        {
            "id": f"e{a}-{b}",
            "from": f"g{a}",
            "to": f"g{b}",
            "width": min(8.0, 1 + math.log2(n)),
            "color": {"color": GROUP_COLOUR, "opacity": 0.5},
            "count": n,
        }
        for (a, b), n in sorted(between.items())
    ]
    return {
        "mode": "groups",
        "wijk": snapshot.wijk.slug,
        "as_of": snapshot.as_of.isoformat(),
        "change_counter": snapshot.change_counter,
        "focus": None,
        "nodes": net.nodes,
        "edges": net.edges,
        "suggestions": [],
        "measures": [],
        "options": _options(net, len(names)),
        "legend": legend({a.domain for a in snapshot.actors}),
        "actors": len(snapshot.actors),
    }
