"""What the JSON API and the CLI ask of the analysis, for wijken in a store.

Each function reads what it needs from a ``GraphStore`` and returns a result model;
with an ``AnalysisCache`` repeated reads of an unchanged wijk are served from memory (the
cache is keyed on the store's change counter, so any write to the wijk invalidates).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

from graph.analysis.build import build_graph
from graph.analysis.cache import AnalysisCache
from graph.analysis.compare import (
    TREND_FIRST,
    Every,
    check_trend_days,
    compare,
    diff,
    region_graph,
    trend,
    trend_dates,
)
from graph.analysis.results import (
    Analysis,
    Comparison,
    Diff,
    KernaanpakCoverage,
    Suggestion,
    Trend,
)
from graph.analysis.suggestions import SuggestionWeights, suggest
from graph.analysis.wijk import analyse
from graph.errors import FieldError, InvalidData, NotFound
from graph.model import Decision, DecisionStatus, Snapshot, utcnow
from graph.store.base import GraphStore
from graph.store.common import validated

__all__ = [
    "analysis_for",
    "comparison_for",
    "coverage_for",
    "decide",
    "diff_for",
    "suggestions_for",
    "trend_for",
]

T = TypeVar("T")
Progress = Callable[[str], None]


def _cached(
    cache: AnalysisCache | None,
    store: GraphStore,
    wijk: str,
    day: date,
    kind: Any,
    compute: Callable[[], T],
) -> T:
    if cache is None:
        return compute()
    return cache.get(store, wijk, day, kind, compute)


def analysis_for(
    store: GraphStore,
    wijk: str,
    as_of: date | None = None,
    *,
    cache: AnalysisCache | None = None,
    snapshot: Callable[[], Snapshot] | None = None,
) -> Analysis:
    """The analysis of ``wijk`` on ``as_of`` (default today)."""
    day = as_of or date.today()
    read = snapshot or (lambda: store.snapshot(wijk, day))
    return _cached(cache, store, wijk, day, "analysis", lambda: analyse(build_graph(read())))


def coverage_for(
    store: GraphStore, wijk: str, as_of: date | None = None, *, cache: AnalysisCache | None = None
) -> list[KernaanpakCoverage]:
    """The kernaanpak coverage of ``wijk`` on ``as_of`` (default today)."""
    return analysis_for(store, wijk, as_of, cache=cache).kernaanpak_coverage


def suggestions_for(
    store: GraphStore,
    wijk: str,
    as_of: date | None = None,
    *,
    limit: int = 10,
    weights: SuggestionWeights | None = None,
    cache: AnalysisCache | None = None,
) -> list[Suggestion]:
    """The ``limit`` best introductions in ``wijk``, leaving out every decided pair."""
    day = as_of or date.today()
    weights = weights or SuggestionWeights()
    exclude = tuple(sorted((d.a, d.b) for d in store.list_decisions(wijk)))
    kind = ("suggestions", limit, weights.model_dump_json(), exclude)
    return _cached(
        cache,
        store,
        wijk,
        day,
        kind,
        lambda: suggest(
            build_graph(store.snapshot(wijk, day)), weights=weights, limit=limit, exclude=exclude
        ),
    )


def comparison_for(
    store: GraphStore,
    as_of: date | None = None,
    *,
    sort: str = "wijk",
    descending: bool = False,
    cache: AnalysisCache | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Every wijk side by side on ``as_of``, with the region as one network."""
    day = as_of or date.today()
    slugs = [w.slug for w in store.list_wijken()]
    snapshots: dict[str, Snapshot] = {}

    def snap(slug: str) -> Snapshot:
        if slug not in snapshots:
            snapshots[slug] = store.snapshot(slug, day)
        return snapshots[slug]

    counters = {s: store.change_counter(s) for s in slugs} if cache is not None else {}

    def through_cache(key: tuple[Any, ...], version: Any, compute: Callable[[], T]) -> T:
        return compute() if cache is None else cache.versioned(key, version, compute)

    def analysis_of(slug: str) -> Analysis:
        return analyse(build_graph(snap(slug)))

    rows = []
    for slug in slugs:
        if progress:
            progress(slug)
        analysis = through_cache(
            (slug, day, "analysis"), counters.get(slug), partial(analysis_of, slug)
        )
        rows.append(analysis.metrics())
    region_metrics = through_cache(
        ("*", day, "region"),
        tuple(counters.items()),
        lambda: analyse(region_graph((snap(s) for s in slugs), as_of=day)).metrics(),
    )
    return compare(rows, region_metrics, as_of=day, sort=sort, descending=descending)


def trend_for(
    store: GraphStore,
    wijk: str,
    since: date | None = None,
    until: date | None = None,
    *,
    every: Every = "maand",
    cache: AnalysisCache | None = None,
    progress: Progress | None = None,
) -> Trend:
    """The measures of ``wijk`` at every step from ``since`` to ``until`` (default: the
    last year up to today)."""
    until = until or date.today()
    check_trend_days(since=since, until=until)
    since = since or max(until - timedelta(days=365), TREND_FIRST)
    name = store.get_wijk(wijk).name
    points = []
    for day in trend_dates(since, until, every):
        if progress:
            progress(day.isoformat())
        points.append(analysis_for(store, wijk, day, cache=cache).metrics())
    return trend(wijk, name, points)


def diff_for(
    store: GraphStore,
    wijk: str,
    before: date | None = None,
    after: date | None = None,
    *,
    other: str | None = None,
    cache: AnalysisCache | None = None,
) -> Diff:
    """From ``wijk`` on ``before`` to ``other`` (default the same wijk) on ``after``."""
    after = after or date.today()
    before = before or after
    second = other or wijk

    def compute() -> Diff:
        old, new = store.snapshot(wijk, before), store.snapshot(second, after)
        return diff(
            old,
            new,
            analysis_for(store, wijk, before, cache=cache, snapshot=lambda: old).metrics(),
            analysis_for(store, second, after, cache=cache, snapshot=lambda: new).metrics(),
        )

    if cache is None:
        return compute()
    version = (store.change_counter(wijk), store.change_counter(second))
    return cache.versioned((wijk, before, ("diff", second, after)), version, compute)


def decide(
    store: GraphStore,
    wijk: str,
    a: str,
    b: str,
    status: DecisionStatus | str,
    *,
    by: str,
    note: str = "",
) -> Decision:
    """Record that the pair ``a``-``b`` of ``wijk`` was discussed or is not relevant, so
    it stays out of the suggestions. Both must be actors of the wijk."""
    store.get_wijk(wijk)
    errors = []
    for field, actor_id in (("a", a), ("b", b)):
        try:
            actor = store.get_actor(actor_id)
        except NotFound:
            errors.append(FieldError(field, "Deze actor bestaat niet.", "unknown_actor"))
            continue
        if wijk not in actor.wijken:
            errors.append(FieldError(field, "Deze actor hoort niet bij deze wijk.", "other_wijk"))
    if errors:
        raise InvalidData(errors)
    decision = validated(
        Decision,
        {"wijk": wijk, "a": a, "b": b, "status": status, "by": by, "at": utcnow(), "note": note},
    )
    return store.record_decision(decision)
