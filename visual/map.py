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
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from visual.labels import Placed, Spot, label_box_size, place_labels, wrap
from visual.layout import NODE_ROOM, SEED, SPACING, Structure, structured_layout
from visual.weak import weak_spots

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

VIEW = {"width": 940, "height": 610, "min_px": 10, "max_px": 16}
"""The first view the labels are chosen for (the map's canvas on a laptop, in CSS pixels)
and the range of on-screen label sizes the page keeps to as the user zooms."""
LABEL_PX = 13.0
"""On-screen font size of the labels at that first view."""
LABELS_AT_LEAST = 20
"""Shown labels at the first view: at least this many, or a quarter of the actors."""
BROKERS_FIRST = 10
"""Labels of this many top brokers come right after the isolated actors and cut points."""

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


@dataclass(frozen=True)
class MapSuggestion:
    """A suggested introduction drawn as a dashed line: ``a`` and ``b`` are actor ids."""

    a: str
    b: str
    score: float
    reason: str = ""
    introducer: str | None = None


def layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, seed: int = SEED
) -> dict[str, tuple[float, float]]:
    """Seeded positions for ``nodes``: the structured layout without groups.

    >>> pos = layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    >>> pos == layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    True
    >>> pos["d"][1] > max(pos["a"][1], pos["b"][1], pos["c"][1])
    True
    """
    return structured_layout(nodes, edges, seed=seed).positions


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
    size: float,
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
        size=size,
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


def node_size(degree: float, most: float) -> float:
    """A node's radius by its number of links: 10 to ``NODE_ROOM`` (24) world units."""
    return round(10.0 + (NODE_ROOM - 10.0) * math.sqrt(degree / most), 1) if most > 0 else 10.0


def _font_for(width: float, height: float, apart: bool) -> float:
    """The labels' world font size that shows as ``LABEL_PX`` when the first view fits the
    network (and the area below it, when some actors stand apart) into ``VIEW``; the first
    view never zooms in beyond 1:1."""
    if width <= 0 and height <= 0:
        return LABEL_PX
    w = width + 2 * SPACING
    h = (height + 2 * SPACING) * (1.3 if apart else 1.0)
    scale = min(VIEW["width"] / w, VIEW["height"] / h, 1.0)
    return round(LABEL_PX / scale, 1)


def _label_order(
    actors: Sequence[Actor],
    structure: Structure,
    degree: Mapping[str, int],
    cut_off: Mapping[str, list[str]],
    betweenness: Mapping[str, float],
) -> list[Actor]:
    """Most important label first: actors standing apart, cut points (by what they would
    cut off), the top brokers, then by number of links."""
    brokers = sorted(
        (a for a in actors if betweenness.get(a.id, 0.0) > 0),
        key=lambda a: (-betweenness[a.id], a.name, a.id),
    )[:BROKERS_FIRST]
    broker_rank = {a.id: k for k, a in enumerate(brokers)}

    def key(a: Actor) -> tuple[int, float, str, str]:
        if a.id not in structure.main:
            return (0, structure.component.get(a.id, 0), a.name, a.id)
        if a.id in cut_off:
            return (1, -len(cut_off[a.id]), a.name, a.id)
        if a.id in broker_rank:
            return (2, broker_rank[a.id], a.name, a.id)
        return (3, -degree.get(a.id, 0), a.name, a.id)

    return sorted(actors, key=key)


def _label_fields(
    nodes: list[dict[str, Any]], order: Sequence[str], font: float, placed: Mapping[str, Placed]
) -> None:
    """Put the first view's label placement into the nodes' data."""
    rank = {n: k for k, n in enumerate(order)}
    for node in nodes:
        here = placed.get(node["id"])
        node.update(
            font_size=font,
            label_rank=rank[node["id"]],
            label_shown=here is not None,
            label_lines=here.lines if here else wrap(node["label"]),
        )
        if here:
            node["label_box"] = list(here.box)


def _bounds(
    nodes: Sequence[dict[str, Any]], area: tuple[float, float, float, float] | None
) -> list[float]:
    boxes = [
        (n["x"] - n["size"], n["y"] - n["size"], n["x"] + n["size"], n["y"] + n["size"])
        for n in nodes
    ]
    boxes += [
        (n["label_box"][0], n["label_box"][1], n["label_box"][2], n["label_box"][3])
        for n in nodes
        if n.get("label_shown")
    ]
    if area:
        boxes.append(area)
    if not boxes:
        return [0.0, 0.0, 0.0, 0.0]
    return [
        round(min(b[0] for b in boxes), 1),
        round(min(b[1] for b in boxes), 1),
        round(max(b[2] for b in boxes), 1),
        round(max(b[3] for b in boxes), 1),
    ]


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
            "introducer": s.introducer if s.introducer in shown else None,
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
    group_names: Mapping[int, str] | None = None,
    suggestions: Sequence[MapSuggestion] = (),
    weak_texts: Mapping[str, str] | None = None,
    bridge_texts: Mapping[tuple[str, str], str] | None = None,
    focus: str | None = None,
    steps: int = 1,
    max_actors: int = MAX_ACTORS,
) -> dict[str, Any]:
    """The map of one wijk as JSON-ready data.

    Parameters
    ----------
    snapshot : the wijk's actors and links on one day.
    measures : measure name -> actor id -> value, for sizing nodes (e.g. degree); a
        "betweenness" measure also ranks the brokers' labels.
    measure_labels : measure name -> Dutch label for the size menu.
    groups : actor id -> group number (communities): the clusters of the layout, and the
        nodes of the group view.
    group_names : group number -> its name ("Groep rond …").
    suggestions : suggested introductions, drawn as a dashed layer.
    weak_texts, bridge_texts : the analysis' sentences on cut points (by actor id) and
        bridges (by the pair of actor ids, smaller first).
    focus, steps : show only ``focus`` and the actors ``steps`` links away.
    max_actors : above this many actors (and without ``focus``), show groups.

    Returns
    -------
    dict with ``mode`` ("actors" or "groups"), ``nodes``, ``edges``, ``suggestions``,
    ``options``, ``measures``, ``legend`` and, for actors, the label placement of the first
    view (per node ``font_size``, ``label_shown``, ``label_rank``, ``label_lines``,
    ``label_box``), ``clusters``, ``areas``, ``weak_spots``, ``bounds`` and ``view``.
    Names stay plain strings: the page's script puts them into the canvas and into text
    nodes, never into HTML.
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
        return _group_map(snapshot, groups, group_names)
    ids = [a.id for a in actors]
    pairs = [(lk.source, lk.target) for lk in links]
    names = {a.id: a.name for a in actors}
    structure = structured_layout(
        ids,
        pairs,
        groups=groups,
        font_for=_font_for,
        label_width=lambda n, f: label_box_size(wrap(names[n]), f)[0],
    )
    font = structure.font
    degree: Counter[str] = Counter()
    for a, b in {(min(p), max(p)) for p in pairs if p[0] != p[1]}:
        degree[a] += 1
        degree[b] += 1
    most = max(degree.values(), default=0)
    cut_off, bridge_sides = weak_spots(ids, pairs)
    order = _label_order(actors, structure, degree, cut_off, measures.get("betweenness", {}))
    sizes = {a.id: node_size(degree[a.id], most) for a in actors}
    spots = [Spot(a.id, *structure.positions[a.id], sizes[a.id], a.name) for a in order]
    placed = place_labels(spots, font)
    net = Network(directed=False)
    for actor in actors:
        values = [round(float(measures[k].get(actor.id, 0.0)), 6) for k in keys]
        _actor_node(
            net,
            actor,
            structure.positions[actor.id],
            sizes[actor.id],
            values,
            (groups or {}).get(actor.id),
        )
    _label_fields(net.nodes, [a.id for a in order], font, placed)
    for node in net.nodes:
        node.update(
            area="netwerk" if node["id"] in structure.main else "los",
            component=structure.component[node["id"]],
            cut_point=node["id"] in cut_off,
        )
    net.edges = [_link_edge(lk) for lk in links]
    link_of = {(min(lk.source, lk.target), max(lk.source, lk.target)): lk.id for lk in links}
    areas = []
    if structure.area:
        x0, y0, x1, y1 = structure.area
        areas.append(
            {"key": "los", "label": "Los van het netwerk", "x0": x0, "y0": y0, "x1": x1, "y1": y1}
        )
    return {
        "mode": "actors",
        "wijk": snapshot.wijk.slug,
        "title": snapshot.wijk.name,
        "as_of": snapshot.as_of.isoformat(),
        "change_counter": snapshot.change_counter,
        "focus": focus,
        "view": VIEW,
        "nodes": net.nodes,
        "edges": net.edges,
        "suggestions": _suggestion_edges(suggestions, set(ids)),
        "clusters": [
            {
                "group": c.group,
                "x": round(c.x, 1),
                "y": round(c.y, 1),
                "r": round(c.r + NODE_ROOM, 1),
                "size": len(c.members),
                "label": (group_names or {}).get(c.group, ""),
            }
            for c in structure.clusters
            if len(c.members) > 2
        ],
        "areas": areas,
        "weak_spots": {
            "cut_points": [
                {"id": i, "name": names[i], "text": (weak_texts or {}).get(i, ""), "cut_off": off}
                for i, off in sorted(cut_off.items(), key=lambda kv: (-len(kv[1]), names[kv[0]]))
            ],
            "bridges": [
                {
                    "a": a,
                    "b": b,
                    "link": link_of.get((a, b)),
                    "text": (bridge_texts or {}).get((a, b), ""),
                    "cut_off": side,
                }
                for (a, b), side in bridge_sides.items()
            ],
        },
        "bounds": _bounds(net.nodes, structure.area),
        "measures": [{"key": k, "label": (measure_labels or {}).get(k, k)} for k in keys],
        "options": _options(net, len(ids)),
        "legend": legend({a.domain for a in snapshot.actors}),
    }


def _group_map(
    snapshot: Snapshot, groups: Mapping[str, int] | None, group_names: Mapping[int, str] | None
) -> dict[str, Any]:
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
            title = (group_names or {}).get(g) or f"Groep {g}"  # 1 is the largest
        net.add_node(
            f"g{g}",
            label=f"{title} ({len(group_actors)})",
            shape="dot",
            color={"background": DOMAIN_COLOURS[domain], "border": "#1b1f23"},
            x=positions[f"g{g}"][0],
            y=positions[f"g{g}"][1],
            size=round(8 + 2.5 * math.sqrt(len(group_actors)), 1),
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
    xs = [n["x"] for n in net.nodes]
    ys = [n["y"] for n in net.nodes]
    font = _font_for(max(xs) - min(xs), max(ys) - min(ys), False)
    order = [n["id"] for n in sorted(net.nodes, key=lambda n: (-n["members"], n["id"]))]
    spots = {n["id"]: Spot(n["id"], n["x"], n["y"], n["size"], n["label"]) for n in net.nodes}
    placed = place_labels([spots[i] for i in order], font)
    _label_fields(net.nodes, order, font, placed)
    return {
        "mode": "groups",
        "wijk": snapshot.wijk.slug,
        "title": snapshot.wijk.name,
        "as_of": snapshot.as_of.isoformat(),
        "view": VIEW,
        "bounds": _bounds(net.nodes, None),
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
