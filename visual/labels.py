"""Where the map's labels go: only as many as fit, never over each other or over a node.

A label is a box of text beside its node. Its size is estimated, not measured: every
character is taken as ``CHAR_WIDTH`` × the font size wide (generous for the sans-serif
faces browsers use) and a line as ``LINE_HEIGHT`` × the font size high. A name longer than
``WRAP_AT`` characters is wrapped once, at the space nearest its middle.

:func:`place_labels` walks the nodes in order of importance and gives each label the first
of four spots around its node (below, above, right, left) that overlaps no label placed
before it and no other node. A label that finds no free spot is not shown: it appears on
hover, on focus, or once the user zooms in and there is room (the page's script runs the
same rule with the font size of the zoomed view).

Sizes are in the map's own (world) units, so a placement holds at every zoom level where
labels grow with the map.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CHAR_WIDTH",
    "LINE_HEIGHT",
    "WRAP_AT",
    "Box",
    "Spot",
    "Placed",
    "label_box_size",
    "overlaps",
    "place_labels",
    "wrap",
]

CHAR_WIDTH = 0.6
LINE_HEIGHT = 1.2
WRAP_AT = 18
GAP = 0.15
"""Space between a node and its label above or below, in font sizes."""
SIDE_GAP = 0.3
"""Space between a node and its label to the right or left, in font sizes."""

Box = tuple[float, float, float, float]
"""x0, y0, x1, y1 with x0 < x1 and y0 < y1 (y grows downwards, as on a screen)."""


@dataclass(frozen=True)
class Spot:
    """A node as the label rule sees it: centre, radius (half the side of its square)."""

    id: str
    x: float
    y: float
    size: float
    label: str


@dataclass(frozen=True)
class Placed:
    lines: list[str]
    box: Box


def wrap(name: str) -> list[str]:
    """The label's lines: one, or two for a long name with a space.

    >>> wrap("Buurthuis De Schakel")
    ['Buurthuis', 'De Schakel']
    >>> wrap("Huisartsen")
    ['Huisartsen']
    """
    name = " ".join(name.split())
    if len(name) <= WRAP_AT or " " not in name:
        return [name]
    middle = len(name) / 2
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: (abs(i - middle), i))
    return [name[:cut], name[cut + 1 :]]


def label_box_size(lines: Sequence[str], font: float) -> tuple[float, float]:
    """Width and height of a label of ``lines`` at ``font``."""
    return CHAR_WIDTH * font * max(len(line) for line in lines), LINE_HEIGHT * font * len(lines)


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def candidates(spot: Spot, width: float, height: float, font: float) -> list[Box]:
    """The four places a label may take, in order of preference."""
    x, y, s = spot.x, spot.y, spot.size
    below = y + s + GAP * font
    above = y - s - GAP * font
    right = x + s + SIDE_GAP * font
    left = x - s - SIDE_GAP * font
    return [
        (x - width / 2, below, x + width / 2, below + height),
        (x - width / 2, above - height, x + width / 2, above),
        (right, y - height / 2, right + width, y + height / 2),
        (left - width, y - height / 2, left, y + height / 2),
    ]


def _outward(box: Box) -> Box:
    """``box`` rounded to tenths, never smaller (the map data carries one decimal)."""
    return (
        math.floor(box[0] * 10) / 10,
        math.floor(box[1] * 10) / 10,
        math.ceil(box[2] * 10) / 10,
        math.ceil(box[3] * 10) / 10,
    )


class _Grid:
    """Boxes bucketed by cell, to find the few that may overlap a new one."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[Box, str]]] = defaultdict(list)

    def _keys(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def add(self, box: Box, owner: str) -> None:
        for key in self._keys(box):
            self.cells[key].append((box, owner))

    def hits(self, box: Box, owner: str) -> bool:
        for key in self._keys(box):
            for other, who in self.cells.get(key, ()):
                if who != owner and overlaps(box, other):
                    return True
        return False


def place_labels(
    ranked: Sequence[Spot], font: float, *, obstacles: Sequence[Spot] | None = None
) -> dict[str, Placed]:
    """The labels shown, by node id: walk ``ranked`` (most important first) and keep each
    label that fits beside its node without touching a kept label or any node of
    ``obstacles`` (default: ``ranked``) other than its own.

    >>> a, b = Spot("a", 0, 0, 10, "Welzijn"), Spot("b", 0, 30, 10, "Huisarts")
    >>> sorted(place_labels([a, b], 14))
    ['a', 'b']
    """
    if font <= 0:
        return {}
    grid = _Grid(cell=max(4.0 * font, 1.0))
    for spot in ranked if obstacles is None else obstacles:
        s = spot.size
        grid.add((spot.x - s, spot.y - s, spot.x + s, spot.y + s), spot.id)
    placed: dict[str, Placed] = {}
    for spot in ranked:
        if not spot.label.strip():
            continue
        lines = wrap(spot.label)
        width, height = label_box_size(lines, font)
        for box in candidates(spot, width, height, font):
            box = _outward(box)
            if not grid.hits(box, spot.id):
                grid.add(box, f"label:{spot.id}")
                placed[spot.id] = Placed(lines, box)
                break
    return placed
