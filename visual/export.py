"""The wijk map as a standalone SVG document, for printing and for the wijkoverleg.

:func:`map_svg` draws the data :func:`visual.map.build_map` returns: a title block, the map
itself (cluster discs, the area of actors without links, links, the dashed suggested
introductions on top of the links, the nodes and their labels), the legend in a column at
the right and a source line at the bottom.

The map keeps its own coordinates: it sits in a nested ``<svg>`` whose ``viewBox`` is the
data's ``bounds`` plus a margin, so line widths, node sizes and label sizes stay exactly
as the page draws them. The title block, legend and source line use page units (the
document is ``PAGE_WIDTH`` wide), so they read the same whatever the size of the wijk.

The document is built with :mod:`xml.etree.ElementTree`: every name goes in as text or as
an attribute value and is escaped there, never pasted into markup. It uses presentation
attributes only (no ``<style>``, no script), so it may be shown inline in a page with a
strict Content-Security-Policy.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

__all__ = ["PAGE_WIDTH", "dutch_date", "map_svg", "source_line"]

SVG_NS = "http://www.w3.org/2000/svg"
PAGE_WIDTH = 1600.0
"""Width of the document in page units; a PNG at print resolution is drawn at twice this."""
PAD = 28.0
LEGEND_WIDTH = 330.0
TITLE_HEIGHT = 96.0
FOOT_HEIGHT = 46.0
MIN_MAP_HEIGHT = 560.0
MAX_MAP_RATIO = 1.25
"""The map area is at most this many times as high as it is wide (tall maps get narrower)."""

INK = "#1b1f23"
MUTED = "#5b6570"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
EDGE_COLOUR = "#8a96a3"
WORKS_AT_COLOUR = "#c3cad2"
CLUSTER_FILL = "#5b6b7b"
AREA_STROKE = "#9aa5b1"

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Box = tuple[float, float, float, float]


def dutch_date(day: date) -> str:
    """``date(2026, 11, 29)`` becomes ``"29 november 2026"``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_line(as_of: date, made_on: date) -> str:
    """The line under the map that says where it comes from and when."""
    return f"Bron: wijknet · situatie op {dutch_date(as_of)} · gemaakt op {dutch_date(made_on)}"


def _text(value: object) -> str:
    """Text for the document: characters XML 1.0 cannot hold are left out."""
    return _NOT_XML.sub("", str(value))


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _el(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: object) -> ET.Element:
    """A child element; attribute names use ``_`` for ``-`` (``stroke_width``)."""
    node = ET.SubElement(
        parent,
        tag,
        {
            k.rstrip("_").replace("_", "-"): _n(v) if isinstance(v, float) else _text(v)
            for k, v in attrs.items()
            if v is not None
        },
    )
    if text is not None:
        node.text = _text(text)
    return node


# -- the map ------------------------------------------------------------------------------


def _font_size(node: Mapping[str, Any]) -> float:
    size = node.get("font_size")
    if isinstance(size, (int, float)) and size > 0:
        return float(size)
    font = node.get("font")
    if isinstance(font, Mapping) and isinstance(font.get("size"), (int, float)):
        return float(font["size"])
    return 14.0


def _radius(node: Mapping[str, Any]) -> float:
    size = node.get("size")
    return float(size) if isinstance(size, (int, float)) and size > 0 else 12.0


def _label_lines(node: Mapping[str, Any]) -> list[str]:
    lines = node.get("label_lines")
    if isinstance(lines, list) and lines:
        return [str(line) for line in lines]
    return [str(node.get("label", ""))]


def _label_box(node: Mapping[str, Any]) -> Box:
    """Where the label goes: the data's ``label_box``, or centred below the node."""
    box = node.get("label_box")
    if isinstance(box, (list, tuple)) and len(box) == 4:
        x0, y0, x1, y1 = (float(v) for v in box)
        return x0, y0, x1, y1
    fs = _font_size(node)
    lines = _label_lines(node)
    width = max(len(line) for line in lines) * fs * 0.55
    x, y, r = float(node["x"]), float(node["y"]), _radius(node)
    top = y + r + fs * 0.3
    return x - width / 2, top, x + width / 2, top + len(lines) * 1.2 * fs


def _shows_label(node: Mapping[str, Any], full_mode: bool) -> bool:
    if full_mode:
        return bool(node.get("label_shown"))
    return bool(node.get("label"))


def _bounds(data: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]], full: bool) -> Box:
    """The data's ``bounds``, or what the nodes and their labels cover."""
    given = data.get("bounds")
    if isinstance(given, (list, tuple)) and len(given) == 4:
        x0, y0, x1, y1 = (float(v) for v in given)
        if x1 > x0 and y1 > y0:
            return x0, y0, x1, y1
    xs: list[float] = []
    ys: list[float] = []
    for node in nodes:
        x, y, r = float(node["x"]), float(node["y"]), _radius(node)
        xs += [x - r, x + r]
        ys += [y - r, y + r]
        if _shows_label(node, full):
            bx0, by0, bx1, by1 = _label_box(node)
            xs += [bx0, bx1]
            ys += [by0, by1]
    if not xs:
        return -100.0, -100.0, 100.0, 100.0
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return x0, y0, max(x1, x0 + 1.0), max(y1, y0 + 1.0)


def _shape(parent: ET.Element, shape: str, x: float, y: float, r: float, **paint: object) -> None:
    """A node's shape as vis-network draws it (``r`` is its size)."""
    if shape == "square":
        _el(parent, "rect", x=x - r, y=y - r, width=2 * r, height=2 * r, **paint)
    elif shape == "triangle":
        side = 2 * r
        inner = math.sqrt(3) / 6 * side
        height = math.sqrt(side * side - side * side / 4)
        points = [(x, y - (height - inner)), (x + r, y + inner), (x - r, y + inner)]
        _el(parent, "polygon", points=" ".join(f"{_n(px)},{_n(py)}" for px, py in points), **paint)
    else:
        _el(parent, "circle", cx=x, cy=y, r=r, **paint)


def _colour(item: Mapping[str, Any], default: str) -> str:
    colour = item.get("color")
    if isinstance(colour, Mapping):
        value = colour.get("color") or colour.get("background")
        if isinstance(value, str):
            return value
    if isinstance(colour, str):
        return colour
    return default


def _arrow(parent: ET.Element, a: Mapping[str, Any], b: Mapping[str, Any], width: float) -> None:
    """An arrowhead at ``b``'s edge for a referral (``arrows: "to"``)."""
    ax, ay, bx, by = float(a["x"]), float(a["y"]), float(b["x"]), float(b["y"])
    length = math.hypot(bx - ax, by - ay)
    if length < 1e-6:
        return
    ux, uy = (bx - ax) / length, (by - ay) / length
    tip = _radius(b) + 1.0
    tx, ty = bx - ux * tip, by - uy * tip
    size = 6.0 + 2.0 * width
    base_x, base_y = tx - ux * size, ty - uy * size
    half = size * 0.5
    points = [
        (tx, ty),
        (base_x - uy * half, base_y + ux * half),
        (base_x + uy * half, base_y - ux * half),
    ]
    _el(
        parent,
        "polygon",
        points=" ".join(f"{_n(px)},{_n(py)}" for px, py in points),
        fill=EDGE_COLOUR,
    )


def _draw_map(
    svg: ET.Element,
    data: Mapping[str, Any],
    nodes: list[Mapping[str, Any]],
    full: bool,
    visible: set[str] | None,
) -> None:
    by_id = {str(n["id"]): n for n in nodes}
    shown_groups = {n.get("group_no") for n in nodes}
    shown_areas = {n.get("area") for n in nodes}
    font_sizes = sorted(_font_size(n) for n in nodes) or [14.0]
    base_font = font_sizes[len(font_sizes) // 2]

    clusters = _el(svg, "g", id="groepen")
    for c in data.get("clusters") or ():
        if visible is not None and c.get("group") not in shown_groups:
            continue
        _el(
            clusters,
            "circle",
            cx=float(c["x"]),
            cy=float(c["y"]),
            r=float(c["r"]),
            fill=CLUSTER_FILL,
            fill_opacity="0.07",
        )

    areas = _el(svg, "g", id="gebieden")
    for area in data.get("areas") or ():
        if visible is not None and area.get("key") not in shown_areas:
            continue
        x0, y0 = float(area["x0"]), float(area["y0"])
        x1, y1 = float(area["x1"]), float(area["y1"])
        _el(
            areas,
            "rect",
            x=x0,
            y=y0,
            width=x1 - x0,
            height=y1 - y0,
            rx=base_font * 0.6,
            fill="#f4f6f8",
            stroke=AREA_STROKE,
            stroke_width=base_font * 0.1,
            stroke_dasharray=f"{_n(base_font * 0.5)} {_n(base_font * 0.35)}",
        )
        _el(
            areas,
            "text",
            str(area.get("label", "")),
            x=x0 + base_font * 0.6,
            y=y0 + base_font * 1.5,
            font_size=base_font * 1.1,
            font_family=FONT,
            font_weight="600",
            fill=MUTED,
        )

    def between(edge: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
        a, b = by_id.get(str(edge.get("from"))), by_id.get(str(edge.get("to")))
        return (a, b) if a is not None and b is not None else None

    links = _el(svg, "g", id="verbindingen", stroke_linecap="round")
    for edge in data.get("edges") or ():
        ends = between(edge)
        if ends is None:
            continue
        a, b = ends
        works_at = edge.get("kind") == "werkt_bij"
        width = float(edge.get("width") or 1.0)
        _el(
            links,
            "line",
            x1=float(a["x"]),
            y1=float(a["y"]),
            x2=float(b["x"]),
            y2=float(b["y"]),
            stroke=_colour(edge, WORKS_AT_COLOUR if works_at else EDGE_COLOUR),
            stroke_width=width,
            stroke_opacity="0.7" if works_at else "0.9",
        )
        if edge.get("arrows") == "to":
            _arrow(links, a, b, width)

    suggested = _el(svg, "g", id="voorstellen", fill="none")
    for edge in data.get("suggestions") or ():
        ends = between(edge)
        if ends is None:
            continue
        a, b = ends
        dashes = edge.get("dashes")
        pattern = dashes if isinstance(dashes, list) and dashes else [8, 6]
        _el(
            suggested,
            "line",
            x1=float(a["x"]),
            y1=float(a["y"]),
            x2=float(b["x"]),
            y2=float(b["y"]),
            stroke=_colour(edge, "#B0126B"),
            stroke_width=float(edge.get("width") or 2.5),
            stroke_dasharray=" ".join(_n(float(d)) for d in pattern),
        )

    shapes = _el(svg, "g", id="actoren", stroke=INK)
    for node in nodes:
        colour = node.get("color")
        fill = colour.get("background") if isinstance(colour, Mapping) else None
        r = _radius(node)
        _shape(
            shapes,
            str(node.get("shape", "dot")),
            float(node["x"]),
            float(node["y"]),
            r,
            fill=fill if isinstance(fill, str) else "#bbbbbb",
            stroke_width=max(0.8, r * 0.1),
            data_id=str(node["id"]),
        )

    labels = _el(
        svg,
        "g",
        id="namen",
        font_family=FONT,
        fill=INK,
        stroke="#ffffff",
        stroke_linejoin="round",
        paint_order="stroke",
        text_anchor="middle",
    )
    for node in nodes:
        if not _shows_label(node, full):
            continue
        fs = _font_size(node)
        x0, y0, x1, _ = _label_box(node)
        text = _el(labels, "text", font_size=fs, stroke_width=fs * 0.22, data_id=str(node["id"]))
        for i, line in enumerate(_label_lines(node)):
            top = y0 + i * 1.2 * fs
            # the line box is 1.2 em high; its baseline sits about 0.95 em below its top
            _el(text, "tspan", line, x=(x0 + x1) / 2, y=top + 0.95 * fs)


# -- legend and frame ---------------------------------------------------------------------


def _legend(svg: ET.Element, legend: Mapping[str, Any], x: float, y: float) -> float:
    """The legend as a column from (``x``, ``y``); returns the y below it."""
    group = _el(svg, "g", id="legenda", font_family=FONT, fill=INK)
    _el(group, "text", "Legenda", x=x, y=y + 22, font_size=22, font_weight="700")
    y += 40

    def heading(title: str) -> None:
        nonlocal y
        _el(group, "text", title, x=x, y=y + 20, font_size=16, font_weight="700", fill=MUTED)
        y += 30

    def row(label: str) -> float:
        nonlocal y
        _el(group, "text", label, x=x + 44, y=y + 17, font_size=16)
        middle = y + 11
        y += 26
        return middle

    def line(middle: float, stroke: str, w: float, dashes: str | None = None) -> None:
        _el(
            group,
            "line",
            x1=x + 2,
            y1=middle,
            x2=x + 34,
            y2=middle,
            stroke=stroke,
            stroke_width=w,
            stroke_dasharray=dashes,
        )

    domains = legend.get("domains") or []
    if domains:
        heading("Kleur: domein")
        for d in domains:
            middle = row(str(d.get("label", "")))
            _el(group, "circle", cx=x + 18, cy=middle, r=8, fill=d.get("colour"), stroke=INK)
        y += 8
    kinds = legend.get("kinds") or []
    if kinds:
        heading("Vorm: soort")
        for k in kinds:
            middle = row(str(k.get("label", "")))
            _shape(group, str(k.get("shape", "dot")), x + 18, middle, 8, fill="#ffffff", stroke=INK)
        y += 8
    intensities = legend.get("intensities") or []
    if intensities:
        heading("Lijndikte: intensiteit")
        for i in intensities:
            middle = row(str(i.get("label", "")))
            line(middle, EDGE_COLOUR, float(i.get("width", 1.0)))
        y += 8
    heading("Lijnen")
    suggestion = legend.get("suggestion") or {}
    middle = row(str(suggestion.get("label", "Voorgestelde kennismaking")))
    line(middle, str(suggestion.get("colour", "#B0126B")), 2.5, "7 5")
    middle = row("Werkt bij (organisatie)")
    line(middle, WORKS_AT_COLOUR, 1.5)
    return y


def _legend_height(legend: Mapping[str, Any]) -> float:
    sections = [legend.get("domains") or [], legend.get("kinds") or [], legend.get("intensities")]
    rows = sum(len(s or []) for s in sections) + 2
    headings = sum(1 for s in sections if s) + 1
    return 40 + headings * 30 + rows * 26 + len(sections) * 8


def _visible_nodes(
    nodes: Iterable[Mapping[str, Any]], visible: set[str] | None
) -> list[Mapping[str, Any]]:
    return [n for n in nodes if visible is None or str(n.get("id")) in visible]


def map_svg(
    data: Mapping[str, Any],
    *,
    title: str,
    gemeente: str,
    made_on: date,
    visible: set[str] | None = None,
    frame: bool = True,
) -> str:
    """The map of ``data`` (from :func:`visual.map.build_map`) as an SVG document.

    Parameters
    ----------
    data : the map data, mode "actors" (with ``bounds``, ``clusters``, ``areas`` and the
        label fields of the nodes) or "groups" (every label drawn below its node).
    title, gemeente : the wijk's name and municipality, for the title block.
    made_on : the day the picture is made (the source line).
    visible : when given, only these node ids, and the links and suggestions between them.
    frame : with the title block and the source line; without them (the print view has
        its own heading) the document holds the map and the legend.
    """
    as_of = date.fromisoformat(str(data.get("as_of") or made_on.isoformat()))
    full = data.get("mode", "actors") == "actors" and any(
        "label_shown" in n for n in data.get("nodes") or ()
    )
    every = list(data.get("nodes") or ())
    nodes = _visible_nodes(every, visible)
    x0, y0, x1, y1 = _bounds(data, every, full)
    margin = max(x1 - x0, y1 - y0) * 0.03 + 10
    x0, y0, x1, y1 = x0 - margin, y0 - margin, x1 + margin, y1 + margin

    legend = data.get("legend") or {}
    top = PAD + (TITLE_HEIGHT if frame else 0.0)
    map_width = PAGE_WIDTH - 2 * PAD - LEGEND_WIDTH - PAD
    map_height = map_width * (y1 - y0) / (x1 - x0)
    map_height = min(
        max(map_height, MIN_MAP_HEIGHT, _legend_height(legend)), MAX_MAP_RATIO * map_width
    )
    height = top + map_height + PAD + (FOOT_HEIGHT if frame else 0.0)

    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "version": "1.1",
            "width": _n(PAGE_WIDTH),
            "height": _n(height),
            "viewBox": f"0 0 {_n(PAGE_WIDTH)} {_n(height)}",
            "role": "img",
            "font-family": FONT,
        },
    )
    _el(root, "title", f"Netwerkkaart {title}")
    _el(root, "desc", f"{gemeente} · situatie op {dutch_date(as_of)}")
    _el(root, "rect", x=0.0, y=0.0, width=PAGE_WIDTH, height=height, fill="#ffffff")
    if frame:
        head = _el(root, "g", id="titel", fill=INK)
        _el(head, "text", title, x=PAD, y=PAD + 40, font_size=40, font_weight="700")
        _el(
            head,
            "text",
            f"{gemeente} · Situatie op {dutch_date(as_of)}",
            x=PAD,
            y=PAD + 74,
            font_size=22,
            fill=MUTED,
        )
        _el(
            root,
            "line",
            x1=PAD,
            y1=top - 8,
            x2=PAGE_WIDTH - PAD,
            y2=top - 8,
            stroke="#d0d6dc",
            stroke_width=1.5,
        )

    inner = _el(
        root,
        "svg",
        id="kaart",
        x=PAD,
        y=top,
        width=map_width,
        height=map_height,
        viewBox=" ".join(_n(v) for v in (x0, y0, x1 - x0, y1 - y0)),
        preserveAspectRatio="xMidYMid meet",
    )
    _draw_map(inner, data, nodes, full, visible)
    _legend(root, legend, PAGE_WIDTH - PAD - LEGEND_WIDTH, top)

    if frame:
        _el(
            root,
            "text",
            source_line(as_of, made_on),
            id="bron",
            x=PAD,
            y=height - PAD,
            font_size=16,
            fill=MUTED,
        )
    return ET.tostring(root, encoding="unicode", xml_declaration=False)
