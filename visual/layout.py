"""Positions for the wijk map that show its structure at first sight.

- The largest connected part is "het netwerk". Its groups (the communities the analysis
  finds) are laid out one by one with igraph's Fruchterman-Reingold, each in a disc whose
  area grows with its members; the discs are then placed by the same layout on the graph
  of groups (weighted by the links between them), pushed apart until a gap separates every
  pair, and each group is turned so that its members with links to other groups face them.
- Every other part (fragments) and every actor without links stands in a labelled area
  "Los van het netwerk" below it: fragments first, largest first, then the isolated actors
  in a grid whose cells are wide enough for their labels.

Everything is seeded: the same wijk always gets the same picture. Units are the map's world
units; ``SPACING`` is the typical distance between neighbours inside a group.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import igraph as ig
import numpy as np

__all__ = ["SEED", "SPACING", "Cluster", "Structure", "structured_layout"]

SEED = 20250101
SPACING = 80.0
GROUP_GAP = 1.2 * SPACING
"""Room between two groups' discs."""
NODE_ROOM = 24.0
"""The largest node's radius: room kept above and below an actor set apart."""
WIDE = 1.3
"""Horizontal stretch: screens and projectors are wider than high."""

_rng_lock = threading.Lock()

Point = tuple[float, float]


@dataclass(frozen=True)
class Cluster:
    group: int
    x: float
    y: float
    r: float
    members: list[str]


@dataclass
class Structure:
    """The layout: positions, the groups' discs, and which actors stand apart."""

    positions: dict[str, Point] = field(default_factory=dict)
    clusters: list[Cluster] = field(default_factory=list)
    main: set[str] = field(default_factory=set)
    component: dict[str, int] = field(default_factory=dict)
    """Actor id -> its part: 0 is the largest, then by size."""
    apart: list[str] = field(default_factory=list)
    """Actors outside the largest part, in the order they are set out."""
    area: tuple[float, float, float, float] | None = None
    """The "los van het netwerk" area (x0, y0, x1, y1), when there is one."""
    font: float = 14.0
    """The labels' font size, chosen from the network's extent by ``font_for``."""


def _fr(graph: ig.Graph, seed: int, weights: Sequence[float] | None = None) -> list[Point]:
    """igraph's Fruchterman-Reingold, fed from a private seeded generator."""
    if graph.vcount() == 1:
        return [(0.0, 0.0)]
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            big = graph.vcount() > 300
            coords = graph.layout_fruchterman_reingold(
                weights=list(weights) if weights is not None else None,
                niter=300 if big else 500,
                grid=big,
            ).coords
        finally:
            ig.set_random_number_generator(random)
    return [(float(c[0]), float(c[1])) for c in coords]


def _spread_out(graph: ig.Graph, seed: int) -> list[Point]:
    """A group's own layout: Kamada-Kawai (even spacing) for a connected group of up to
    150 actors, started from a seeded Fruchterman-Reingold; Fruchterman-Reingold beyond."""
    start = _fr(graph, seed)
    if graph.vcount() < 3 or graph.vcount() > 150 or not graph.is_connected():
        return start
    coords = graph.layout_kamada_kawai(seed=start, maxiter=50 * graph.vcount()).coords
    return [(float(c[0]), float(c[1])) for c in coords]


def _fit_disc(coords: list[Point], radius: float) -> list[Point]:
    """``coords`` centred on their mean and scaled so the farthest lies on ``radius``."""
    n = len(coords)
    if n == 1:
        return [(0.0, 0.0)]
    cx = sum(x for x, _ in coords) / n
    cy = sum(y for _, y in coords) / n
    far = max(math.hypot(x - cx, y - cy) for x, y in coords) or 1.0
    return [((x - cx) * radius / far, (y - cy) * radius / far) for x, y in coords]


def _radius(n: int) -> float:
    """A disc holding ``n`` actors about ``SPACING`` apart (one actor: its own size)."""
    return 0.0 if n == 1 else SPACING * 0.62 * math.sqrt(n) + 0.3 * SPACING


def _separate(centres: list[list[float]], radii: list[float], gap: float) -> None:
    """Push discs apart (in place) until no two are closer than ``gap``; deterministic.

    Every round moves each disc away from the discs it overlaps (half the overlap each,
    damped); what still overlaps after the rounds is resolved by spreading all centres
    from their middle, which keeps the picture and guarantees the gap."""
    if len(centres) < 2:
        return
    p = np.array(centres, dtype=float)
    r = np.array(radii, dtype=float)
    need = r[:, None] + r[None, :] + gap
    np.fill_diagonal(need, 0.0)
    k = len(centres)
    fixed = np.stack([np.cos(np.arange(k)), np.sin(np.arange(k))], axis=1)
    for _ in range(300 if k <= 60 else 40):  # many groups: fewer rounds, then spread
        dx = p[:, None, 0] - p[None, :, 0]
        dy = p[:, None, 1] - p[None, :, 1]
        dist = np.hypot(dx, dy)
        over = need - dist
        hit = over > 1e-6
        if not hit.any():
            break
        same = hit & (dist < 1e-9)
        if same.any():  # the same spot: part them along a fixed direction per disc
            dx = np.where(same, fixed[:, None, 0] - fixed[None, :, 0], dx)
            dy = np.where(same, fixed[:, None, 1] - fixed[None, :, 1], dy)
            dist = np.where(same, np.hypot(dx, dy), dist)
        factor = np.where(hit, (over / 2 + 1e-3) / np.maximum(dist, 1e-9), 0.0)
        p[:, 0] += 0.5 * (dx * factor).sum(axis=1)
        p[:, 1] += 0.5 * (dy * factor).sum(axis=1)
    d = p[:, None, :] - p[None, :, :]
    dist = np.hypot(d[..., 0], d[..., 1])
    np.fill_diagonal(dist, np.inf)
    grow = float(np.max(need / np.maximum(dist, 1e-9)))
    if grow > 1.0:
        middle = p.mean(axis=0)
        p = middle + (p - middle) * (grow + 1e-6)
    for i in range(k):
        centres[i][0], centres[i][1] = float(p[i, 0]), float(p[i, 1])


def _turn(points: list[Point], angle: float) -> list[Point]:
    c, s = math.cos(angle), math.sin(angle)
    return [(x * c - y * s, x * s + y * c) for x, y in points]


def _main_part(
    members: list[str],
    edges: Sequence[tuple[str, str]],
    groups: Mapping[str, int],
    seed: int,
) -> tuple[dict[str, Point], list[Cluster]]:
    """The largest part, group by group; positions around (0, 0)."""
    by_group: dict[int, list[str]] = defaultdict(list)
    for node in members:
        by_group[groups[node]].append(node)
    order = sorted(by_group, key=lambda g: (-len(by_group[g]), g))
    index = {g: k for k, g in enumerate(order)}
    inside: dict[int, list[tuple[str, str]]] = defaultdict(list)
    between: Counter[tuple[int, int]] = Counter()
    outward: dict[str, list[int]] = defaultdict(list)
    for a, b in edges:
        ga, gb = index[groups[a]], index[groups[b]]
        if ga == gb:
            inside[ga].append((a, b))
        else:
            between[(min(ga, gb), max(ga, gb))] += 1
            outward[a].append(gb)
            outward[b].append(ga)
    # each group on its own
    local: list[list[Point]] = []
    radii: list[float] = []
    for k, g in enumerate(order):
        nodes = sorted(by_group[g])
        by_group[g] = nodes
        at = {n: i for i, n in enumerate(nodes)}
        graph = ig.Graph(n=len(nodes), edges=sorted({(at[a], at[b]) for a, b in inside[k]}))
        radii.append(_radius(len(nodes)))
        local.append(_fit_disc(_spread_out(graph, seed + k), radii[-1]))
    # the groups' discs: laid out on the graph of groups, then parted
    pairs = sorted(between)
    quotient = ig.Graph(n=len(order), edges=pairs)
    coords = _fr(quotient, seed, weights=[math.log2(1 + between[p]) for p in pairs])
    if len(order) > 1:
        mean_r = sum(radii) / len(radii)
        lengths = [math.dist(coords[a], coords[b]) for a, b in pairs] or [1.0]
        scale = 2.2 * mean_r / (sorted(lengths)[len(lengths) // 2] or 1.0)
    else:
        scale = 1.0
    centres = [[x * scale * WIDE, y * scale] for x, y in coords]
    _separate(centres, radii, GROUP_GAP)
    # turn each group so that its members with outside links face those groups
    positions: dict[str, Point] = {}
    clusters = []
    for k, g in enumerate(order):
        nodes = by_group[g]
        best, best_cost = local[k], math.inf
        for step in range(12):
            turned = _turn(local[k], step * math.pi / 6)
            cost = 0.0
            for n, (x, y) in zip(nodes, turned, strict=True):
                for other in outward.get(n, ()):
                    ox = centres[other][0] - centres[k][0]
                    oy = centres[other][1] - centres[k][1]
                    cost += math.hypot(ox - x, oy - y)
            if cost < best_cost - 1e-9:
                best, best_cost = turned, cost
        for n, (x, y) in zip(nodes, best, strict=True):
            positions[n] = (centres[k][0] + x, centres[k][1] + y)
        clusters.append(Cluster(g, centres[k][0], centres[k][1], radii[k], nodes))
    return positions, clusters


def structured_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    groups: Mapping[str, int] | None = None,
    font_for: Callable[[float, float, bool], float] = lambda w, h, apart: 14.0,
    label_width: Callable[[str, float], float] = lambda name, font: 2.2 * SPACING,
    seed: int = SEED,
) -> Structure:
    """Seeded positions for ``nodes`` (see the module's text).

    ``groups`` maps actors to their group (missing ones form groups of their own);
    ``font_for`` chooses the labels' font size from the width and height of the network
    (0 when there is none) and whether some actors stand apart; ``label_width`` gives the
    width of an actor's label at a font size (the room it needs when it stands apart).

    >>> s = structured_layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    >>> sorted(s.main), s.apart
    (['a', 'b', 'c'], ['d'])
    >>> s.positions["d"][1] > max(s.positions[n][1] for n in "abc")
    True
    """
    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in edges
            if a in index and b in index and a != b
        }
    )
    graph = ig.Graph(n=len(nodes), edges=pairs)
    parts = sorted(
        (sorted(nodes[i] for i in part) for part in graph.connected_components()),
        key=lambda part: (-len(part), part[0]),
    )
    out = Structure()
    for k, part in enumerate(parts):
        for n in part:
            out.component[n] = k
    if not parts:
        return out
    main = parts[0] if len(parts[0]) > 2 else []
    out.main = set(main)
    named = [(nodes[a], nodes[b]) for a, b in pairs]
    if main:
        fallback = -1 - max((g for g in (groups or {}).values()), default=0)
        of = {n: (groups or {}).get(n, fallback - k) for k, n in enumerate(main)}
        # an actor alone in its group joins the group of its best-linked neighbour
        sizes = Counter(of.values())
        neighbour_groups: dict[str, Counter[int]] = defaultdict(Counter)
        for a, b in named:
            if a in out.main and b in out.main:
                neighbour_groups[a][of[b]] += 1
                neighbour_groups[b][of[a]] += 1
        for n in main:
            if sizes[of[n]] == 1 and neighbour_groups[n]:
                of[n] = min(neighbour_groups[n].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        inner = [(a, b) for a, b in named if a in out.main and b in out.main]
        positions, out.clusters = _main_part(main, inner, of, seed)
        out.positions.update(positions)
    apart = parts[1:] if main else parts
    settled = dict(out.positions)
    if settled:
        xs = [x for x, _ in settled.values()]
        ys = [y for _, y in settled.values()]
        font = font_for(max(xs) - min(xs), max(ys) - min(ys), bool(apart))
    else:
        font = font_for(0.0, 0.0, bool(apart))
    for _ in range(4):  # the area's size depends on the font, the font on the whole extent
        out.positions, out.apart, out.area = dict(settled), [], None
        room = partial(_room, label_width, font)
        _set_apart(out, apart, named, room, font, seed)
        if not apart or out.area is None:
            break
        xs = [x for x, _ in out.positions.values()] + [out.area[0], out.area[2]]
        ys = [y for _, y in out.positions.values()] + [out.area[1], out.area[3]]
        better = font_for(max(xs) - min(xs), max(ys) - min(ys), False)
        if abs(better - font) <= 0.05 * font:
            break
        font = better
    out.font = font
    out.positions = {n: (round(x, 1), round(y, 1)) for n, (x, y) in out.positions.items()}
    return out


def _room(label_width: Callable[[str, float], float], font: float, node: str) -> float:
    """The width an actor set apart needs: its label and a margin."""
    return label_width(node, font) + 0.4 * SPACING


def _set_apart(
    out: Structure,
    parts: list[list[str]],
    edges: Sequence[tuple[str, str]],
    cell_width: Callable[[str], float],
    font: float,
    seed: int,
) -> None:
    """Fragments and isolated actors in rows, below the network or at its right."""
    below = 2 * NODE_ROOM + 2.6 * font + 0.3 * SPACING  # a node and a two-line label
    if not parts:
        return
    left = right = head = bottom = 0.0
    if out.positions:
        xs = [x for x, _ in out.positions.values()]
        ys = [y for _, y in out.positions.values()]
        left, right, head, bottom = min(xs), max(xs), min(ys), max(ys)
    pad = 0.6 * SPACING
    header = 2.2 * font + 0.3 * SPACING  # room for the area's name
    fragment_edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in edges:
        fragment_edges[a].append((a, b))
    boxes: list[tuple[list[str], list[Point], float, float]] = []
    for k, part in enumerate(parts):
        if len(part) == 1:
            w = cell_width(part[0])
            boxes.append((part, [(w / 2, NODE_ROOM)], w, below))
            continue
        at = {n: i for i, n in enumerate(part)}
        inner = sorted({(at[a], at[b]) for n in part for a, b in fragment_edges[n]})
        if len(part) == 2:  # one above the other, the upper label between them
            coords = [(0.0, 0.0), (0.0, below - 0.3 * SPACING)]
        else:  # labels here are wide: neighbours get room for them
            graph = ig.Graph(n=len(part), edges=inner)
            coords = _fit_disc(_spread_out(graph, seed + 1000 + k), _radius(len(part)))
            closest = min(
                math.dist(coords[i], coords[j])
                for i in range(len(coords))
                for j in range(i + 1, len(coords))
            )
            wanted = 0.6 * max(cell_width(n) for n in part)
            if 0 < closest < wanted:
                grow = min(4.0, wanted / closest)
                coords = [(cx * grow, cy * grow) for cx, cy in coords]
        xs = [c[0] for c in coords]
        ys = [c[1] for c in coords]
        widest = max(cell_width(n) for n in part)
        w = max(xs) - min(xs) + widest
        h = max(ys) - min(ys) + below
        shifted = [(cx - min(xs) + widest / 2, cy - min(ys) + NODE_ROOM) for cx, cy in coords]
        boxes.append((part, shifted, w, h))
    gap = 0.3 * SPACING
    widest_box = max(w for _, _, w, _ in boxes)
    if not out.positions:  # nothing but fragments and isolated actors
        width = max(widest_box, math.sqrt(sum(w * h for _, _, w, h in boxes) * 1.6))
        _place_shelves(out, boxes, 0.0, 0.0, width, gap, pad, header)
        return
    main_w, main_h = right - left, bottom - head
    # below the network, as wide as it; or in a column at its right, as high as it
    below_w = max(main_w, 9 * SPACING)
    _, below_h = _shelf(boxes, below_w - 2 * pad, gap)
    side_w = widest_box
    while True:
        used, side_h = _shelf(boxes, side_w, gap)
        if header + side_h <= main_h or side_w >= below_w:
            break
        side_w += widest_box / 2
    extent_below = (below_w, main_h + 1.6 * SPACING + header + below_h)
    extent_side = (main_w + 1.6 * SPACING + used + 2 * pad, max(main_h, header + side_h))
    if _fit(*extent_side) > _fit(*extent_below):
        _place_shelves(out, boxes, right + 1.6 * SPACING, head, side_w + 2 * pad, gap, pad, header)
    else:
        _place_shelves(out, boxes, left, bottom + 1.6 * SPACING, below_w, gap, pad, header)


def _fit(width: float, height: float) -> float:
    """The zoom at which an extent fills a landscape view (the first view of a laptop)."""
    return min(940 / width, 610 / height)


def _shelf(
    boxes: Sequence[tuple[list[str], list[Point], float, float]], width: float, gap: float
) -> tuple[float, float]:
    """Width used and height of ``boxes`` set out in rows at most ``width`` wide."""
    x = y = row = used = 0.0
    for _, _, w, h in boxes:
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        used = max(used, x + w)
        x += w + gap
        row = max(row, h)
    return used, y + row


def _place_shelves(
    out: Structure,
    boxes: Sequence[tuple[list[str], list[Point], float, float]],
    left: float,
    top: float,
    width: float,
    gap: float,
    pad: float,
    header: float,
) -> None:
    """Set ``boxes`` out in rows inside the area at (left, top), ``width`` wide."""
    x, y, row = 0.0, 0.0, 0.0
    inner = width - 2 * pad
    for part, coords, w, h in boxes:
        if x > 0 and x + w > inner:
            x, y, row = 0.0, y + row, 0.0
        for n, (cx, cy) in zip(part, coords, strict=True):
            out.positions[n] = (left + pad + x + cx, top + header + y + cy)
            out.apart.append(n)
        x += w + gap
        row = max(row, h)
    used, height = _shelf(boxes, inner, gap)
    out.area = (
        round(left, 1),
        round(top, 1),
        round(left + max(width, used + 2 * pad), 1),
        round(top + header + height + 0.2 * SPACING, 1),
    )
