"""Comparing networks: wijken side by side, one wijk over time, two moments as a difference.

Pure functions over snapshots and ``Metrics`` (from ``graph.analysis``); fetching and
caching are the callers' business (``graph.analysis.reports``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import date, timedelta
from typing import Literal

import networkx as nx

from graph.analysis.build import graph_from_records, node_ref
from graph.analysis.results import (
    METRIC_LABELS,
    SORT_KEYS,
    ActorRef,
    Comparison,
    Diff,
    LinkRef,
    MetricChange,
    Metrics,
    Moment,
    Trend,
)
from graph.errors import FieldError, InvalidData
from graph.model import Actor, Link, Snapshot

__all__ = [
    "SORT_KEYS",
    "TREND_FIRST",
    "TREND_LAST",
    "check_trend_days",
    "compare",
    "diff",
    "region_graph",
    "sort_rows",
    "trend",
    "trend_dates",
]

Every = Literal["week", "maand", "kwartaal", "jaar"]
MAX_POINTS = 120
TREND_FIRST = date(1900, 1, 1)
TREND_LAST = date(2999, 12, 31)
"""A trend runs between these days (both inclusive), so no step of it leaves the calendar."""


def check_trend_days(**days: date | None) -> None:
    """Refuse a trend day (by field name) outside ``TREND_FIRST``..``TREND_LAST``."""
    message = f"Kies een datum van {TREND_FIRST.isoformat()} tot en met {TREND_LAST.isoformat()}."
    errors = [
        FieldError(field, message, "out_of_range")
        for field, day in days.items()
        if day is not None and not TREND_FIRST <= day <= TREND_LAST
    ]
    if errors:
        raise InvalidData(errors)


def region_graph(
    snapshots: Iterable[Snapshot],
    *,
    wijk: str = "regio",
    name: str = "Regio (alle wijken)",
    as_of: date | None = None,
) -> nx.Graph[Hashable]:
    """All snapshots as one network: an actor active in several wijken counts once."""
    actors: dict[str, Actor] = {}
    links: dict[str, Link] = {}
    for snap in snapshots:
        actors.update((a.id, a) for a in snap.actors)
        links.update((lk.id, lk) for lk in snap.links)
    return graph_from_records(actors.values(), links.values(), wijk=wijk, name=name, as_of=as_of)


def sort_rows(
    rows: Sequence[Metrics], key: str = "wijk", descending: bool = False
) -> list[Metrics]:
    """Rows sorted on ``key`` (one of ``SORT_KEYS``); rows without a value go last."""
    if key not in SORT_KEYS:
        raise InvalidData(
            [FieldError("sort", f"Sorteer op een van: {', '.join(SORT_KEYS)}.", "unknown_sort_key")]
        )
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: r.wijk)
    present.sort(key=lambda r: getattr(r, key), reverse=descending)
    return present + sorted(missing, key=lambda r: r.wijk)


def compare(
    rows: Sequence[Metrics],
    region: Metrics,
    *,
    as_of: date,
    sort: str = "wijk",
    descending: bool = False,
) -> Comparison:
    """All wijken side by side, sorted, with the region as one network and the means."""
    means: dict[str, float | None] = {}
    for key in METRIC_LABELS:
        values = [getattr(r, key) for r in rows if getattr(r, key) is not None]
        means[key] = sum(values) / len(values) if values else None
    return Comparison(
        as_of=as_of,
        sort=sort,
        descending=descending,
        rows=sort_rows(rows, sort, descending),
        region=region,
        means=means,
    )


def trend_dates(since: date, until: date, every: Every = "maand") -> list[date]:
    """``since``, then every week/month/quarter/year after it, and ``until`` (inclusive).

    >>> trend_dates(date(2025, 1, 31), date(2025, 4, 15))  # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2025, 1, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 31),
     datetime.date(2025, 4, 15)]
    """
    check_trend_days(since=since, until=until)
    if until < since:
        raise InvalidData([FieldError("until", "De einddatum ligt vóór de begindatum.", "order")])
    months = {"maand": 1, "kwartaal": 3, "jaar": 12}.get(every)
    out, step = [], 0
    while True:
        day = since + timedelta(weeks=step) if months is None else _add_months(since, step * months)
        if day >= until:
            break
        out.append(day)
        step += 1
        if len(out) >= MAX_POINTS:
            raise InvalidData(
                [
                    FieldError(
                        "every",
                        f"Te veel meetmomenten (meer dan {MAX_POINTS}); kies een grotere stap.",
                        "too_many_points",
                    )
                ]
            )
    return [*out, until]


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def trend(wijk: str, name: str, points: Sequence[Metrics]) -> Trend:
    """The metrics of one wijk at a series of dates, oldest first."""
    return Trend(wijk=wijk, name=name, points=sorted(points, key=lambda m: m.as_of or date.min))


def diff(
    before: Snapshot, after: Snapshot, before_metrics: Metrics, after_metrics: Metrics
) -> Diff:
    """What changed from ``before`` to ``after``: two moments of a wijk, or two wijken.

    Actors and links are matched by id; every scalar measure is given with its change.
    """
    g_before, g_after = graph_from_records(before.actors, []), graph_from_records(after.actors, [])
    old = {a.id for a in before.actors}
    new = {a.id for a in after.actors}

    def refs(G: nx.Graph[Hashable], ids: set[str]) -> list[ActorRef]:
        return sorted((node_ref(G, v) for v in ids), key=lambda r: (r.name, r.id))

    def link_refs(links: Iterable[Link], G: nx.Graph[Hashable]) -> list[LinkRef]:
        return [
            LinkRef(
                id=lk.id,
                a=node_ref(G, lk.source),
                b=node_ref(G, lk.target),
                kind=lk.kind.value,
                intensity=int(lk.intensity),
            )
            for lk in sorted(links, key=lambda lk: lk.id)
        ]

    old_links = {lk.id: lk for lk in before.links}
    new_links = {lk.id: lk for lk in after.links}
    changes = []
    for key, text in METRIC_LABELS.items():
        x, y = getattr(before_metrics, key), getattr(after_metrics, key)
        changes.append(
            MetricChange(
                metric=key,
                label=text,
                before=x,
                after=y,
                change=None if x is None or y is None else y - x,
            )
        )
    return Diff(
        before=Moment(wijk=before.wijk.slug, name=before.wijk.name, as_of=before.as_of),
        after=Moment(wijk=after.wijk.slug, name=after.wijk.name, as_of=after.as_of),
        actors_added=refs(g_after, new - old),
        actors_removed=refs(g_before, old - new),
        links_added=link_refs((lk for i, lk in new_links.items() if i not in old_links), g_after),
        links_removed=link_refs(
            (lk for i, lk in old_links.items() if i not in new_links), g_before
        ),
        metrics=changes,
    )
