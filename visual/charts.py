"""Charts for the comparison pages, as geometry for an inline SVG.

The functions here compute coordinates only; the page template draws them as ``<svg>``
with autoescaped labels, so no chart ever carries markup built from user text and no
chart library or CDN is needed.

Text is measured by estimate: a character is ``CHAR_WIDTH`` times the font size wide
(``FONT_SIZE``, the size ``app.css`` gives chart text in viewBox units). Label columns are
as wide as their longest line, long names wrap onto more lines (never cut off), and axis
labels that would overlap are thinned out. The charts are narrow (about 380 units), so on a
phone, where the SVG is scaled down to the screen, the text stays at least 11 pixels high.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

__all__ = [
    "CHAR_WIDTH",
    "FONT_SIZE",
    "PERIODS",
    "Bar",
    "BarChart",
    "LineChart",
    "Point",
    "Tick",
    "bar_chart",
    "date_label",
    "line_chart",
    "nice_ticks",
    "text_width",
    "thin_ticks",
    "wrap_label",
]

Format = Callable[[float], str]
Anchor = Literal["start", "middle", "end"]
Period = Literal["jaar", "kwartaal", "maand", "week", "dag"]
PERIODS: tuple[Period, ...] = ("jaar", "kwartaal", "maand", "week", "dag")

FONT_SIZE = 13.0
"""The font size of chart text in viewBox units (``.chart text`` in ``app.css``)."""
CHAR_WIDTH = 0.6
"""The estimated width of one character, as a share of the font size."""
LINE_HEIGHT = 16.0
"""The distance between the lines of a wrapped label."""
LABEL_CHARS = 16
"""A bar's label longer than this wraps at its hyphens and spaces."""
GAP = 8.0
"""The least room between two axis labels."""

SHORT_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass(frozen=True)
class Tick:
    pos: float
    text: str
    anchor: Anchor = "middle"

    def extent(self, size: float = FONT_SIZE) -> tuple[float, float]:
        """Where the label's text starts and ends on its axis (estimated)."""
        width = text_width(self.text, size)
        if self.anchor == "start":
            return self.pos, self.pos + width
        if self.anchor == "end":
            return self.pos - width, self.pos
        return self.pos - width / 2, self.pos + width / 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    highlight: bool
    lines: tuple[str, ...] = ()
    """The label as it is drawn: one or more lines that together are the whole name."""
    text_y: float = 0.0
    """The baseline of the label's first line (the others follow ``LINE_HEIGHT`` apart)."""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per item: easy to read with long wijk names."""

    title: str
    width: int
    height: int
    left: float
    bars: list[Bar]
    ticks: list[Tick]
    mean: float | None
    mean_text: str
    line_height: float = LINE_HEIGHT


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str
    marked: bool = False
    """A day the caller singled out (a netwerkuitvraag's measurement): drawn as a ring."""


@dataclass(frozen=True)
class LineChart:
    title: str
    width: int
    height: int
    left: float
    top: float
    bottom: float
    right: float
    points: list[Point]
    path: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The estimated width of ``text`` in a chart: ``CHAR_WIDTH`` × font size per character."""
    return CHAR_WIDTH * size * len(text)


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values covering ``low..high``; ``whole``: whole numbers only (counts).

    >>> nice_ticks(0, 0.37)
    [0.0, 0.1, 0.2, 0.3, 0.4]
    >>> nice_ticks(0, 0)
    [0.0, 1.0]
    >>> nice_ticks(0, 1, whole=True), nice_ticks(0, 9, whole=True)
    ([0.0, 1.0], [0.0, 3.0, 6.0, 9.0])
    """
    if high <= low:
        return [float(low) + 0.0, low + 1.0]
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10) + 0.0)  # + 0.0: never a negative zero
        value += step
    return ticks


def date_label(day: date, period: str = "maand") -> str:
    """A day on a time axis, as precise as the period between the points.

    >>> [date_label(date(2018, 3, 3), p) for p in ("jaar", "kwartaal", "maand", "week", "dag")]
    ['2018', 'K1 2018', 'mrt 2018', '3 mrt', '3 mrt']
    """
    if period == "jaar":
        return str(day.year)
    if period == "kwartaal":
        return f"K{(day.month - 1) // 3 + 1} {day.year}"
    if period == "maand":
        return f"{SHORT_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {SHORT_MONTHS[day.month - 1]}"


def thin_ticks(
    ticks: Sequence[Tick], low: float, high: float, *, size: float = FONT_SIZE, gap: float = GAP
) -> list[Tick]:
    """The labels of an axis that fit side by side between ``low`` and ``high``.

    A label that would stick out at an end is anchored inward; a label equal to the one
    before it is left out; then every n-th label is kept, n as small as possible so that no
    two labels come closer than ``gap``. The last label is added when it still fits.
    """
    fitted: list[Tick] = []
    for tick in ticks:
        if fitted and fitted[-1].text == tick.text:
            continue
        half = text_width(tick.text, size) / 2
        if tick.pos - half < low:
            tick = replace(tick, anchor="start")
        elif tick.pos + half > high:
            tick = replace(tick, anchor="end")
        fitted.append(tick)

    def apart(a: Tick, b: Tick) -> bool:
        return a.extent(size)[1] + gap <= b.extent(size)[0]

    for step in range(1, len(fitted) + 1):
        kept = fitted[::step]
        if all(apart(a, b) for a, b in zip(kept, kept[1:], strict=False)):
            break
    else:  # no labels at all
        kept = fitted[:1]
    if fitted and kept[-1] is not fitted[-1] and apart(kept[-1], fitted[-1]):
        kept.append(fitted[-1])
    return kept


def wrap_label(text: str, limit: int = LABEL_CHARS) -> tuple[str, ...]:
    """``text`` in lines of at most ``limit`` characters, broken after a hyphen or at a space.

    Nothing is cut off: a word longer than ``limit`` gets a line of its own.

    >>> wrap_label("Bleijerheide-Centrum-Nulland")
    ('Bleijerheide-', 'Centrum-Nulland')
    >>> wrap_label("Daalhof")
    ('Daalhof',)
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return (text,)
    words = [w for w in re.split(r"(?<=-)|\s+", text) if w]
    lines: list[str] = []
    for word in words:
        if lines:
            joined = lines[-1] + ("" if lines[-1].endswith("-") else " ") + word
            if len(joined) <= limit:
                lines[-1] = joined
                continue
        lines.append(word)
    return tuple(lines)


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    *,
    fmt: Format,
    highlight: str | None = None,
    mean: float | None = None,
    width: int | None = None,
    plot: float = 200.0,
    row: int = 26,
) -> BarChart:
    """One bar per ``(label, value)``; missing values get no bar but keep their row.

    The label column is as wide as the longest line of the (wrapped) names, the value
    column as wide as the longest value; ``width`` (when given) fixes the whole width,
    otherwise the bars get ``plot`` units.
    """
    top, bar_h = 8.0, row - 8.0
    wrapped = [wrap_label(name) for name, _ in items]
    values = [v for _, v in items if v is not None]
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(values) if values else 1.0)
    low, high = ticks[0], ticks[-1]
    texts = [fmt(v) for _, v in items if v is not None]
    longest_line = max((text_width(line) for lines in wrapped for line in lines), default=0.0)
    left = max(40.0, math.ceil(longest_line + 12))
    right = math.ceil(
        max([text_width(t) + 8 for t in texts] + [text_width(fmt(high)) / 2 + 4, 24.0])
    )
    if width is not None:
        plot = max(80.0, width - left - right)
    total = int(math.ceil(left + plot + right))
    span = (high - low) or 1.0

    def x_of(v: float) -> float:
        return left + (v - low) / span * plot

    bars = []
    y = top
    for (name, value), lines in zip(items, wrapped, strict=True):
        height = max(float(row), len(lines) * LINE_HEIGHT + 10)
        middle = y + height / 2
        text_y = round(middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 4.5, 1)
        bar_y = round(middle - bar_h / 2, 1)
        if value is None:
            bars.append(Bar(left, bar_y, 0, bar_h, name, "—", name == highlight, lines, text_y))
        else:
            x0, x1 = sorted((x_of(0.0 if low <= 0 <= high else low), x_of(value)))
            bars.append(
                Bar(
                    round(x0, 1),
                    bar_y,
                    round(max(x1 - x0, 1.0), 1),
                    bar_h,
                    name,
                    fmt(value),
                    name == highlight,
                    lines,
                    text_y,
                )
            )
        y += height
    tick_marks = [Tick(round(x_of(t), 1), fmt(t)) for t in ticks]
    return BarChart(
        title,
        total,
        int(y + 24),
        left,
        bars,
        thin_ticks(tick_marks, 0.0, float(total)),
        round(x_of(mean), 1) if mean is not None else None,
        fmt(mean) if mean is not None else "",
    )


def line_chart(
    title: str,
    points: Sequence[tuple[date, float | None]],
    *,
    fmt: Format,
    period: str = "maand",
    width: int = 380,
    height: int = 220,
    whole: bool = False,
    marked: Collection[date] = (),
) -> LineChart:
    """A line through the values over time; days without a value break nothing.

    The time axis is labelled as precisely as ``period`` (one of ``PERIODS``) needs, and
    thinned so that no two labels overlap; ``whole``: the value axis has whole numbers
    only (for counts); the points of the days in ``marked`` are marked.
    """
    top, bottom, right = 12.0, 34.0, 16.0
    known = [(d, v) for d, v in points if v is not None]
    values = [v for _, v in known]
    ticks = nice_ticks(
        min(0.0, *values) if values else 0.0, max(values) if values else 1.0, whole=whole
    )
    low, high = ticks[0], ticks[-1]
    left = max(36.0, math.ceil(max(text_width(fmt(t)) for t in ticks) + 12))
    days = [d.toordinal() for d, _ in points] or [0]
    first, last = min(days), max(days)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(d: date) -> float:
        return left + ((d.toordinal() - first) / ((last - first) or 1)) * plot_w

    def y_of(v: float) -> float:
        return top + plot_h - (v - low) / ((high - low) or 1) * plot_h

    pts = [
        Point(
            round(x_of(d), 1),
            round(y_of(v), 1),
            f"{d.day} {SHORT_MONTHS[d.month - 1]} {d.year}",
            fmt(v),
            d in marked,
        )
        for d, v in known
    ]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(pts))
    x_ticks = thin_ticks(
        [Tick(round(x_of(d), 1), date_label(d, period)) for d, _ in points], 0.0, float(width)
    )
    return LineChart(
        title,
        width,
        height,
        left,
        top,
        height - bottom,
        width - right,
        pts,
        path,
        [Tick(round(y_of(t), 1), fmt(t)) for t in ticks],
        x_ticks,
    )
