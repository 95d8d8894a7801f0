"""The effect of verbinden: what the suggestions led to in a wijk over a period.

For a wijkevaluatie: per wijk and period, the suggested pairs taken up and where they
stand at the end of the period, the new links (how many cross domains, how many realise
a suggestion) and the change in isolated actors and fragmentation. :func:`effect` reads the
store once for the steps of the suggested pairs and twice for a snapshot (the day before
the period and its last day); the measures of the network are those of the analysis and
the trend (``graph.analysis.wijk``), computed with the same functions on the same graph.
Every figure is defined on the field of :class:`Effect` and in ``docs/analysis.md``
(*The effect of verbinden*).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from graph.analysis import fast
from graph.analysis.build import build_graph
from graph.analysis.compare import check_trend_days
from graph.analysis.measures import fragmentation_from_sizes
from graph.analysis.prepare import UNKNOWN_DOMAIN
from graph.errors import FieldError, InvalidData
from graph.model import (
    OPEN_STATUSES,
    REALISED_STATUSES,
    Link,
    Snapshot,
    SuggestionStatus,
    SuggestionStep,
)
from graph.store.base import GraphStore

__all__ = [
    "EFFECT_LABELS",
    "Effect",
    "check_period",
    "default_period",
    "effect",
    "effect_from",
    "effect_rows",
]

Pair = tuple[str, str]


class Effect(BaseModel):
    """The effect of verbinden in one wijk from ``start`` to ``end`` (both inclusive).

    The day of a step is the day of its ``at`` and the day a link was made is its ``since``,
    or, when it has none, the day of its ``created_at`` (both as stored, in UTC). Steps that
    were undone are gone from the history and count nowhere.
    """

    model_config = ConfigDict(extra="forbid")

    wijk: str
    name: str
    start: date = Field(description="First day of the period")
    end: date = Field(description="Last day of the period")
    before_day: date = Field(description="The day before the period: the network 'before'")
    after_day: date = Field(description="The last day of the period: the network 'after'")

    taken_up: int = Field(
        description="Suggested pairs taken up: pairs whose first step falls in the period"
    )
    voorgesteld: int = Field(
        description="Of those, the pairs whose status on `end` is voorgesteld (recorded)"
    )
    in_progress: int = Field(
        description="Of those, in behandeling on `end`: benaderd, kennismaking-gepland, ontmoet"
    )
    realised: int = Field(
        description="Of those, gerealiseerd on `end`: gerealiseerd or samenwerking-vastgelegd"
    )
    declined: int = Field(description="Of those, afgewezen on `end`: niet-relevant")
    later: int = Field(description="Of those, later on `end`")
    median_days_to_realised: float | None = Field(
        description="Median of the days from the first step to the first realised step "
        "(gerealiseerd: its date; samenwerking-vastgelegd: the day of the step) over the "
        "realised pairs; null when none"
    )

    new_links: int = Field(description="Links of the network on `end` that were made in the period")
    new_cross_domain_links: int = Field(
        description="Of the new links, those between two different known domains "
        "(an end of domain onbekend does not count)"
    )
    new_links_realising: int = Field(
        description="Of the new links, those between a suggested pair of this wijk whose "
        "first step was recorded before the link was created"
    )

    actors_before: int = Field(description="Actors of the network on `before_day`")
    actors_after: int = Field(description="Actors of the network on `after_day`")
    isolates_before: int = Field(description="Actors without any tie on `before_day`")
    isolates_after: int = Field(description="Actors without any tie on `after_day`")
    isolates_change: int = Field(description="isolates_after - isolates_before")
    components_before: int = Field(description="Parts of the network on `before_day`")
    components_after: int = Field(description="Parts of the network on `after_day`")
    components_change: int = Field(description="components_after - components_before")
    fragmentation_before: float | None = Field(
        description="Fragmentation on `before_day` (null below two actors)"
    )
    fragmentation_after: float | None = Field(
        description="Fragmentation on `after_day` (null below two actors)"
    )
    fragmentation_change: float | None = Field(
        description="fragmentation_after - fragmentation_before; null when either is null"
    )


EFFECT_LABELS: dict[str, str] = {
    "taken_up": "Voorstellen opgepakt",
    "voorgesteld": "Nog voorgesteld",
    "in_progress": "In behandeling",
    "realised": "Gerealiseerd",
    "declined": "Afgewezen",
    "later": "Later",
    "median_days_to_realised": "Mediaan dagen tot gerealiseerd",
    "new_links": "Nieuwe verbindingen",
    "new_cross_domain_links": "Nieuwe domeinoverstijgende verbindingen",
    "new_links_realising": "Nieuwe verbindingen uit een voorstel",
    "actors_before": "Actoren voor",
    "actors_after": "Actoren na",
    "isolates_before": "Geïsoleerd voor",
    "isolates_after": "Geïsoleerd na",
    "isolates_change": "Verschil geïsoleerd",
    "components_before": "Losse delen voor",
    "components_after": "Losse delen na",
    "components_change": "Verschil losse delen",
    "fragmentation_before": "Fragmentatie voor",
    "fragmentation_after": "Fragmentatie na",
    "fragmentation_change": "Verschil fragmentatie",
}
"""The Dutch name of every figure of ``Effect`` (CSV headers, the CLI), in their order."""


def check_period(
    start: date, end: date, *, start_field: str = "start", end_field: str = "end"
) -> None:
    """Refuse a day outside the calendar of the trend (``out_of_range``) and an end before
    the start (``end_before_start``, on ``end_field``)."""
    check_trend_days(**{start_field: start, end_field: end})
    if end < start:
        raise InvalidData(
            [FieldError(end_field, "De einddatum ligt vóór de begindatum.", "end_before_start")]
        )


def default_period(
    start: date | None = None, end: date | None = None, *, today: date | None = None
) -> tuple[date, date]:
    """The period with its defaults filled in: ``end`` today, ``start`` the day after the
    same day twelve months before ``end`` (so the period is the last twelve months)."""
    end = end or today or date.today()
    if start is None:
        try:
            year_before = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            year_before = end.replace(year=end.year - 1, day=28)
        start = year_before + timedelta(days=1)
    return start, end


def _made_on(link: Link) -> date:
    return link.since if link.since is not None else link.created_at.date()


def _day(step: SuggestionStep) -> date:
    return step.at.date()


def _realised_day(step: SuggestionStep) -> date:
    if step.status is SuggestionStatus.GEREALISEERD and step.date is not None:
        return step.date
    return _day(step)


def _shape(snapshot: Snapshot) -> tuple[int, int, int, float | None]:
    """Actors, isolated actors, parts and fragmentation of the snapshot's network, as the
    analysis computes them (``graph.analysis.wijk._scalars``)."""
    ix = fast.index_graph(build_graph(snapshot))
    _, sizes = fast.components(ix)
    return ix.n, int((ix.degree == 0).sum()), len(sizes), fragmentation_from_sizes(sizes)


def _minus(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def effect_from(
    history: Iterable[SuggestionStep],
    before: Snapshot,
    after: Snapshot,
    start: date,
    end: date,
) -> Effect:
    """:func:`effect` from what it reads: the steps of the wijk's suggested pairs (by pair,
    each pair's steps oldest first, as ``suggestion_history`` gives them) and the
    snapshots on the day before ``start`` and on ``end``."""
    pairs: dict[Pair, list[SuggestionStep]] = {}
    for step in history:
        pairs.setdefault((step.a, step.b), []).append(step)

    counts = {"voorgesteld": 0, "in_progress": 0, "realised": 0, "declined": 0, "later": 0}
    days: list[int] = []
    taken_up = 0
    for steps in pairs.values():
        first = steps[0]
        if not start <= _day(first) <= end:
            continue
        taken_up += 1
        until_end = [s for s in steps if _day(s) <= end]
        status = until_end[-1].status
        if status in REALISED_STATUSES:
            counts["realised"] += 1
            done = next(s for s in until_end if s.status in REALISED_STATUSES)
            days.append((_realised_day(done) - _day(first)).days)
        elif status in OPEN_STATUSES:
            counts["in_progress"] += 1
        elif status is SuggestionStatus.NIET_RELEVANT:
            counts["declined"] += 1
        elif status is SuggestionStatus.LATER:
            counts["later"] += 1
        else:
            counts["voorgesteld"] += 1

    domains = {a.id: a.domain.value for a in after.actors}
    new = [lk for lk in after.links if start <= _made_on(lk) <= end]
    cross = sum(
        1
        for lk in new
        if UNKNOWN_DOMAIN not in (domains[lk.source], domains[lk.target])
        and domains[lk.source] != domains[lk.target]
    )
    realising = 0
    for lk in new:
        pair_steps = pairs.get((min(lk.source, lk.target), max(lk.source, lk.target)), [])
        if pair_steps and pair_steps[0].at < lk.created_at:
            realising += 1

    n0, iso0, parts0, frag0 = _shape(before)
    n1, iso1, parts1, frag1 = _shape(after)
    return Effect(
        wijk=after.wijk.slug,
        name=after.wijk.name,
        start=start,
        end=end,
        before_day=before.as_of,
        after_day=after.as_of,
        taken_up=taken_up,
        **counts,
        median_days_to_realised=float(statistics.median(days)) if days else None,
        new_links=len(new),
        new_cross_domain_links=cross,
        new_links_realising=realising,
        actors_before=n0,
        actors_after=n1,
        isolates_before=iso0,
        isolates_after=iso1,
        isolates_change=iso1 - iso0,
        components_before=parts0,
        components_after=parts1,
        components_change=parts1 - parts0,
        fragmentation_before=frag0,
        fragmentation_after=frag1,
        fragmentation_change=_minus(frag1, frag0),
    )


def effect(store: GraphStore, wijk: str, start: date, end: date) -> Effect:
    """The effect of verbinden in ``wijk`` from ``start`` to ``end`` (both inclusive).

    Reads the wijk's snapshot on the day before ``start`` and on ``end`` and the steps of
    its suggested pairs once. In short (each field of :class:`Effect` defines its figure):

    - ``taken_up``: pairs whose first step falls in the period, split by their status on
      ``end`` into ``voorgesteld``, ``in_progress`` (benaderd, kennismaking-gepland,
      ontmoet), ``realised`` (gerealiseerd, samenwerking-vastgelegd), ``declined``
      (niet-relevant) and ``later``; ``median_days_to_realised`` over the realised ones;
    - ``new_links``: links of the network on ``end`` made in the period (``since``, else the
      day of ``created_at``), of which ``new_cross_domain_links`` join two different known
      domains and ``new_links_realising`` join a pair taken up before the link was created;
    - actors, isolated actors, parts and fragmentation before (the day before ``start``)
      and after (``end``), as the analysis measures them, with the change.

    ``NotFound`` for an unknown wijk; ``InvalidData`` for an end before the start
    (``end_before_start``) or a day outside 1900-01-01..2999-12-31.
    """
    check_period(start, end)
    before = store.snapshot(wijk, start - timedelta(days=1))
    after = store.snapshot(wijk, end)
    return effect_from(store.suggestion_history(wijk), before, after, start, end)


def effect_rows(store: GraphStore, wijken: Iterable[str], start: date, end: date) -> list[Effect]:
    """:func:`effect` for each of ``wijken``, in the order given."""
    check_period(start, end)
    return [effect(store, slug, start, end) for slug in wijken]
