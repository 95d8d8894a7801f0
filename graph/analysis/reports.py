"""What the JSON API and the CLI ask of the analysis, for wijken in a store.

Each function reads what it needs from a ``GraphStore`` and returns a result model;
with an ``AnalysisCache`` repeated reads of an unchanged wijk are served from memory (the
cache is keyed on the store's change counter, so any write to the wijk invalidates).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from graph.analysis.build import build_graph, node_ref
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
    ActorRef,
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
from graph.model import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Decision,
    DecisionStatus,
    Snapshot,
    SuggestionStatus,
    SuggestionStep,
    utcnow,
)
from graph.store.base import GraphStore
from graph.store.common import validated
from graph.store.workflow import as_decision, from_decision, ordered

__all__ = [
    "AgendaItem",
    "add_step",
    "agenda",
    "analysis_for",
    "comparison_for",
    "coverage_for",
    "decide",
    "diff_for",
    "suggestions_for",
    "trend_for",
    "undo_step",
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
    """The ``limit`` best introductions in ``wijk``, leaving out every pair set aside by
    its current step (``set_aside``)."""
    day = as_of or date.today()
    weights = weights or SuggestionWeights()
    exclude = set_aside(store.suggestion_states(wijk), day)
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


def set_aside(
    states: dict[tuple[str, str], SuggestionStep], day: date
) -> tuple[tuple[str, str], ...]:
    """The pairs that are no fresh suggestion on ``day``: done with (``CLOSED_STATUSES``),
    in progress (``OPEN_STATUSES``, on the agenda instead) or ``later`` until its date."""
    waiting = SuggestionStatus.LATER
    out = [
        pair
        for pair, step in states.items()
        if step.status in CLOSED_STATUSES
        or step.status in OPEN_STATUSES
        or (step.status is waiting and step.date is not None and day < step.date)
    ]
    return tuple(sorted(out))


class AgendaItem(BaseModel):
    """An open suggested introduction and where it stands."""

    model_config = ConfigDict(extra="forbid")

    a: ActorRef
    b: ActorRef
    status: SuggestionStatus = Field(description="The current status; voorgesteld when fresh")
    step: SuggestionStep | None = Field(None, description="The current step, if the pair has one")
    suggestion: Suggestion | None = Field(
        None, description="Score, reasons and introducer, when the pair is a fresh suggestion"
    )


_AGENDA_ORDER = {
    SuggestionStatus.ONTMOET: 0,
    SuggestionStatus.KENNISMAKING_GEPLAND: 1,
    SuggestionStatus.BENADERD: 2,
    SuggestionStatus.VOORGESTELD: 3,
}


def agenda(
    store: GraphStore,
    wijk: str,
    as_of: date | None = None,
    *,
    limit: int = 10,
    weights: SuggestionWeights | None = None,
    cache: AnalysisCache | None = None,
    everything: bool = False,
) -> list[AgendaItem]:
    """The open suggestions of ``wijk`` on ``as_of`` with their status: first the pairs in
    progress (ontmoet, kennismaking-gepland (soonest first), benaderd, and voorgesteld when
    recorded as a step), then the ``limit`` best fresh suggestions (``suggestions_for``) as
    voorgesteld, or ``later`` when their wait is over. With ``everything`` the pairs set
    aside or done with follow (later, niet-relevant, samenwerking-vastgelegd,
    gerealiseerd). A pair whose two actors are not both in the wijk on that day is left
    out."""
    day = as_of or date.today()
    states = store.suggestion_states(wijk)
    fresh = {
        ordered(s.a.id, s.b.id): s
        for s in suggestions_for(store, wijk, day, limit=limit, weights=weights, cache=cache)
    }
    G = build_graph(store.snapshot(wijk, day))
    items = []
    open_steps = sorted(
        (s for s in states.values() if s.status in _AGENDA_ORDER),
        key=lambda s: (_AGENDA_ORDER[s.status], s.date or s.at.date(), s.a, s.b),
    )
    for open_step in open_steps:
        a, b = open_step.a, open_step.b
        if a in G and b in G:
            items.append(
                AgendaItem(
                    a=node_ref(G, a),
                    b=node_ref(G, b),
                    status=open_step.status,
                    step=open_step,
                    suggestion=fresh.pop((a, b), None),
                )
            )
    for pair, suggestion in fresh.items():
        current = states.get(pair)
        status = current.status if current is not None else SuggestionStatus.VOORGESTELD
        items.append(
            AgendaItem(
                a=suggestion.a, b=suggestion.b, status=status, step=current, suggestion=suggestion
            )
        )
    if everything:
        listed = {ordered(item.a.id, item.b.id) for item in items}
        rest = sorted(
            (
                s
                for pair, s in states.items()
                if pair not in listed and s.status not in _AGENDA_ORDER
            ),
            key=lambda s: (s.status.value, s.a, s.b),
        )
        items += [
            AgendaItem(a=node_ref(G, s.a), b=node_ref(G, s.b), status=s.status, step=s)
            for s in rest
            if s.a in G and s.b in G
        ]
    return items


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
    also: Iterable[date] = (),
    cache: AnalysisCache | None = None,
    progress: Progress | None = None,
) -> Trend:
    """The measures of ``wijk`` at every step from ``since`` to ``until`` (default: the
    last year up to today), and on each day of ``also`` within that period (the days a
    netwerkuitvraag measured the network)."""
    until = until or date.today()
    check_trend_days(since=since, until=until)
    since = since or max(until - timedelta(days=365), TREND_FIRST)
    name = store.get_wijk(wijk).name
    days = set(trend_dates(since, until, every)) | {d for d in also if since <= d <= until}
    points = []
    for day in sorted(days):
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


def _check_pair(store: GraphStore, wijk: str, a: str, b: str) -> None:
    """``NotFound`` for an unknown wijk; ``InvalidData`` unless both are actors of it."""
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


def add_step(
    store: GraphStore,
    wijk: str,
    a: str,
    b: str,
    status: SuggestionStatus | str,
    *,
    by: str,
    note: str = "",
    day: date | None = None,
) -> SuggestionStep:
    """Record the next step of the suggested pair ``a``-``b`` of ``wijk`` (both actors of
    the wijk). ``niet-relevant`` needs a reason (``note``), ``kennismaking-gepland`` and
    ``later`` a date (``day``); ``gerealiseerd`` is for wijknet itself (it records it when
    the pair gets a link): ``InvalidData`` with codes ``reason_required``,
    ``date_required``, ``date_not_allowed`` and ``status_by_wijknet``."""
    _check_pair(store, wijk, a, b)
    step = validated(
        SuggestionStep,
        {"wijk": wijk, "a": a, "b": b, "status": status, "by": by, "at": utcnow(),
         "note": note, "date": day},
    )  # fmt: skip
    if step.status is SuggestionStatus.GEREALISEERD:
        raise InvalidData(
            [
                FieldError(
                    "status",
                    "Deze stap zet wijknet zelf, zodra er een verbinding tussen de twee is.",
                    "status_by_wijknet",
                )
            ]
        )
    return store.add_suggestion_step(step)


def undo_step(store: GraphStore, wijk: str, a: str, b: str, *, by: str) -> SuggestionStep | None:
    """Undo the latest step of the pair ``a``-``b`` of ``wijk``; the step now current, or
    None. ``NotFound`` for an unknown wijk or a pair without steps."""
    store.get_wijk(wijk)
    return store.undo_suggestion_step(wijk, a, b, by=by)


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
    it stays out of the suggestions: the first version of ``add_step`` (``besproken`` is
    the step ``ontmoet``; ``niet-relevant`` without a note gets the reason "Niet relevant
    voor deze wijk"). Both must be actors of the wijk."""
    _check_pair(store, wijk, a, b)
    decision = validated(
        Decision,
        {"wijk": wijk, "a": a, "b": b, "status": status, "by": by, "at": utcnow(), "note": note},
    )
    return as_decision(store.add_suggestion_step(from_decision(decision)))
