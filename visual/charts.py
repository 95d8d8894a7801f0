"""Charts for the comparison pages, as geometry for an inline SVG.

The functions here compute coordinates only; the page template draws them as ``<svg>``
with autoescaped labels, so no chart ever carries markup built from user text and no
chart library or CDN is needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["Bar", "BarChart", "LineChart", "Point", "Tick", "bar_chart", "line_chart", "nice_ticks"]

Format = Callable[[float], str]


@dataclass(frozen=True)
class Tick:
    pos: float
    text: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    highlight: bool


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


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


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


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low..high``.

    >>> nice_ticks(0, 0.37)
    [0.0, 0.1, 0.2, 0.3, 0.4]
    >>> nice_ticks(0, 0)
    [0.0, 1.0]
    """
    if high <= low:
        return [low, low + 1.0]
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    *,
    fmt: Format,
    highlight: str | None = None,
    mean: float | None = None,
    width: int = 560,
    row: int = 26,
) -> BarChart:
    """One bar per ``(label, value)``; missing values get no bar but keep their row."""
    left, right, top = 190.0, 60.0, 8.0
    values = [v for _, v in items if v is not None]
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(values) if values else 1.0)
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1.0
    plot = width - left - right

    def x_of(v: float) -> float:
        return left + (v - low) / span * plot

    bars = []
    for i, (name, value) in enumerate(items):
        y = top + i * row
        if value is None:
            bars.append(Bar(left, y + 4, 0, row - 8, name, "—", name == highlight))
            continue
        x0, x1 = sorted((x_of(0.0 if low <= 0 <= high else low), x_of(value)))
        bars.append(
            Bar(
                round(x0, 1),
                y + 4,
                round(max(x1 - x0, 1.0), 1),
                row - 8,
                name,
                fmt(value),
                name == highlight,
            )
        )
    height = int(top + len(items) * row + 24)
    return BarChart(
        title,
        width,
        height,
        left,
        bars,
        [Tick(round(x_of(t), 1), fmt(t)) for t in ticks],
        round(x_of(mean), 1) if mean is not None else None,
        fmt(mean) if mean is not None else "",
    )


def line_chart(
    title: str,
    points: Sequence[tuple[date, float | None]],
    *,
    fmt: Format,
    width: int = 560,
    height: int = 230,
) -> LineChart:
    """A line through the values over time; days without a value break nothing."""
    left, right, top, bottom = 56.0, 36.0, 12.0, 34.0
    known = [(d, v) for d, v in points if v is not None]
    values = [v for _, v in known]
    ticks = nice_ticks(min(0.0, *values) if values else 0.0, max(values) if values else 1.0)
    low, high = ticks[0], ticks[-1]
    days = [d.toordinal() for d, _ in points] or [0]
    first, last = min(days), max(days)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(d: date) -> float:
        return left + ((d.toordinal() - first) / ((last - first) or 1)) * plot_w

    def y_of(v: float) -> float:
        return top + plot_h - (v - low) / ((high - low) or 1) * plot_h

    pts = [Point(round(x_of(d), 1), round(y_of(v), 1), d.isoformat(), fmt(v)) for d, v in known]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(pts))
    step = max(1, len(points) // 6)
    x_ticks = [Tick(round(x_of(d), 1), f"{d.month:02d}-{d.year}") for d, _ in points[::step]]
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
