"""Analysis: measures per wijk, suggestions and their steps (and the decisions of the first
version), coverage, comparison, trend, diff, and the effect of verbinden over a period."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict

from api.deps import CacheDep, ReaderDep, StoreDep, WriterDep
from api.permissions import ApiRefusal, api_refused, may_write_wijk
from api.schemas import Page, page
from graph.analysis import reports
from graph.analysis.effect import (
    EFFECT_LABELS,
    Effect,
    check_period,
    default_period,
    effect,
    effect_rows,
)
from graph.analysis.results import (
    SORT_KEYS,
    Analysis,
    Comparison,
    Diff,
    KernaanpakCoverage,
    Suggestion,
    Trend,
)
from graph.model import (
    Decision,
    DecisionStatus,
    EntityId,
    Note,
    SuggestionStatus,
    SuggestionStep,
)
from importers.tables import neutralise

router = APIRouter(tags=["analyse"])

AsOf = Annotated[date | None, Query(description="The day to look at (default today)")]
Day = date  # a field named ``date`` would hide the type inside a model


class DecisionIn(BaseModel):
    """A verdict on a suggested pair."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"a": "a-1", "b": "a-2", "status": "besproken"}]},
    )

    a: EntityId
    b: EntityId
    status: DecisionStatus
    note: Note = ""


class StepIn(BaseModel):
    """The next step of a suggested pair. ``niet-relevant`` needs a reason (``note``);
    ``kennismaking-gepland`` (the day of the meeting) and ``later`` (the day until which
    the pair waits) need a ``date``; the other steps take none. ``gerealiseerd`` is
    recorded by wijknet itself when the pair gets a link."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"a": "a-1", "b": "a-2", "status": "kennismaking-gepland", "date": "2026-12-03"},
                {"a": "a-1", "b": "a-2", "status": "niet-relevant", "note": "Kennen elkaar al"},
            ]
        },
    )

    a: EntityId
    b: EntityId
    status: SuggestionStatus
    note: Note = ""
    date: Day | None = None


class UndoResult(BaseModel):
    """What an undo leaves: the pair's current step, or None when it has no step left."""

    current: SuggestionStep | None


@router.get("/wijken/{slug}/analysis", response_model=Analysis)
def read_analysis(
    slug: str, store: StoreDep, cache: CacheDep, reader: ReaderDep, as_of: AsOf = None
) -> Response:
    """Every measure of the wijk's network on ``as_of``."""
    day = as_of or date.today()
    body = cache.get(
        store,
        slug,
        day,
        "analysis.json",
        lambda: reports.analysis_for(store, slug, day, cache=cache).model_dump_json().encode(),
    )
    return Response(body, media_type="application/json")  # cached as JSON: a large document


@router.get("/wijken/{slug}/suggestions", response_model=Page[Suggestion])
def read_suggestions(
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    reader: ReaderDep,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 10,
) -> Page[Suggestion]:
    """Who should meet, best first, with reasons and a shared partner to introduce them."""
    return page(reports.suggestions_for(store, slug, as_of, limit=limit, cache=cache))


@router.get("/wijken/{slug}/suggestions/agenda", response_model=Page[reports.AgendaItem])
def read_agenda(
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    reader: ReaderDep,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Fresh suggestions at most")] = 10,
) -> Page[reports.AgendaItem]:
    """The open suggestions with their status: the pairs in progress first, then the best
    fresh suggestions (as ``voorgesteld``)."""
    return page(reports.agenda(store, slug, as_of, limit=limit, cache=cache))


@router.get("/wijken/{slug}/suggestions/history", response_model=Page[SuggestionStep])
def read_suggestion_history(
    slug: str,
    store: StoreDep,
    reader: ReaderDep,
    actor: Annotated[str | None, Query(description="Only the pairs with this actor")] = None,
) -> Page[SuggestionStep]:
    """Every step of the suggested pairs of the wijk (or of one actor's pairs), by pair,
    each pair's steps oldest first; the last step of a pair is its current status."""
    store.get_wijk(slug)
    return page(store.suggestion_history(slug, actor))


@router.post(
    "/wijken/{slug}/suggestions/steps",
    response_model=SuggestionStep,
    status_code=status.HTTP_201_CREATED,
)
def create_suggestion_step(
    slug: str, body: StepIn, store: StoreDep, user: WriterDep
) -> SuggestionStep:
    """Record the next step of a suggested pair (both actors of the wijk). A missing
    reason or date is a 422 with the code ``reason_required`` or ``date_required`` on
    the field ``note`` or ``date``."""
    if not may_write_wijk(user, slug):
        raise api_refused(ApiRefusal.DECIDE)
    return reports.add_step(
        store, slug, body.a, body.b, body.status, by=user.username, note=body.note, day=body.date
    )


@router.delete("/wijken/{slug}/suggestions/steps/{a}/{b}/latest", response_model=UndoResult)
def undo_suggestion_step(slug: str, a: str, b: str, store: StoreDep, user: WriterDep) -> UndoResult:
    """Undo the latest step of a pair (either order): the step before it is current
    again. 404 ``not_found`` when the pair has no step."""
    if not may_write_wijk(user, slug):
        raise api_refused(ApiRefusal.DECIDE)
    return UndoResult(current=reports.undo_step(store, slug, a, b, by=user.username))


@router.get("/wijken/{slug}/suggestions/decisions", response_model=Page[Decision])
def read_decisions(slug: str, store: StoreDep, reader: ReaderDep) -> Page[Decision]:
    """The current step of every pair with one, in the terms of the first version:
    ``niet-relevant``, or ``besproken`` for any other step."""
    store.get_wijk(slug)
    return page(store.list_decisions(slug))


@router.post(
    "/wijken/{slug}/suggestions/decisions",
    response_model=Decision,
    status_code=status.HTTP_201_CREATED,
)
def create_decision(slug: str, body: DecisionIn, store: StoreDep, user: WriterDep) -> Decision:
    """Mark a pair as ``besproken`` (recorded as the step ``ontmoet``) or ``niet-relevant``:
    it is no longer suggested."""
    if not may_write_wijk(user, slug):
        raise api_refused(ApiRefusal.DECIDE)
    return reports.decide(
        store, slug, body.a, body.b, body.status, by=user.username, note=body.note
    )


@router.delete(
    "/wijken/{slug}/suggestions/decisions/{a}/{b}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_decision(slug: str, a: str, b: str, store: StoreDep, user: WriterDep) -> None:
    """Take back the verdict on a pair (either order), with every step of the pair: it may
    be suggested again."""
    if not may_write_wijk(user, slug):
        raise api_refused(ApiRefusal.DECIDE)
    store.delete_decision(slug, a, b, by=user.username)


@router.get("/wijken/{slug}/kernaanpakken", response_model=Page[KernaanpakCoverage])
def read_coverage(
    slug: str, store: StoreDep, cache: CacheDep, reader: ReaderDep, as_of: AsOf = None
) -> Page[KernaanpakCoverage]:
    """For each kernaanpak: who takes part, which links it needs, and what is missing."""
    return page(reports.coverage_for(store, slug, as_of, cache=cache))


@router.get("/wijken/{slug}/trend", response_model=Trend)
def read_trend(
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    reader: ReaderDep,
    since: Annotated[date | None, Query(description="First day (default a year ago)")] = None,
    until: Annotated[date | None, Query(description="Last day (default today)")] = None,
    every: Literal["week", "maand", "kwartaal", "jaar"] = "maand",
) -> Trend:
    """The measures of the wijk at a series of dates."""
    return reports.trend_for(store, slug, since, until, every=every, cache=cache)


@router.get("/wijken/{slug}/diff", response_model=Diff)
def read_diff(
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    reader: ReaderDep,
    before: Annotated[date | None, Query(description="The earlier day (default: after)")] = None,
    after: Annotated[date | None, Query(description="The later day (default today)")] = None,
    other: Annotated[str | None, Query(description="Compare with this wijk instead")] = None,
) -> Diff:
    """What appeared, disappeared and moved between two moments, or between two wijken."""
    return reports.diff_for(store, slug, before, after, other=other, cache=cache)


@router.get("/comparison", response_model=Comparison)
def read_comparison(
    store: StoreDep,
    cache: CacheDep,
    reader: ReaderDep,
    as_of: AsOf = None,
    sort: Annotated[str, Query(description=f"One of: {', '.join(SORT_KEYS)}")] = "wijk",
    descending: bool = False,
) -> Comparison:
    """All wijken side by side, sortable, with the region as one network and the means."""
    return reports.comparison_for(store, as_of, sort=sort, descending=descending, cache=cache)


# -- the effect of verbinden -----------------------------------------------------------------

From = Annotated[
    date | None,
    Query(alias="from", description="First day of the period (default: 12 months before `to`)"),
]
To = Annotated[date | None, Query(alias="to", description="Last day of the period (default today)")]


def _effect_period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for, with its defaults; 422 ``invalid_data`` with the field code
    ``end_before_start`` (on ``to``) or ``out_of_range``."""
    start, end = default_period(start, end)
    check_period(start, end, start_field="from", end_field="to")
    return start, end


@router.get("/wijken/{slug}/effect", response_model=Effect)
def read_effect(
    slug: str, store: StoreDep, reader: ReaderDep, start: From = None, end: To = None
) -> Effect:
    """The effect of verbinden in the wijk over a period (default the last 12 months):
    the suggested pairs taken up and where they stand at its end, the new links (crossing
    domains, realising a suggestion) and the change in isolated actors, parts and
    fragmentation. ``to`` before ``from`` is a 422 with the code ``end_before_start``."""
    first, last = _effect_period(start, end)
    return effect(store, slug, first, last)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(round(value, 6)).replace(".", ",")
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


@router.get(
    "/effect.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One row per wijk"}},
)
def read_effect_csv(
    store: StoreDep,
    reader: ReaderDep,
    start: From = None,
    end: To = None,
    wijk: Annotated[
        list[str] | None, Query(description="Only these wijken (repeatable; default all)")
    ] = None,
) -> Response:
    """The effect of verbinden per wijk as CSV for the programme team: one row per wijk
    (every wijk the reader may read, or those named by ``wijk``), Dutch headers,
    semicolons, decimal commas, UTF-8 with BOM (opens as is in Dutch Excel)."""
    first, last = _effect_period(start, end)
    slugs = [slug for slug in wijk or () if slug] or [w.slug for w in store.list_wijken()]
    rows = effect_rows(store, slugs, first, last)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Wijk (code)", "Wijk", "Van", "Tot", *EFFECT_LABELS.values()])
    for row in rows:
        writer.writerow(
            [_csv_cell(row.wijk), _csv_cell(row.name), first.isoformat(), last.isoformat()]
            + [_csv_cell(getattr(row, key)) for key in EFFECT_LABELS]
        )
    name = f"wijknet-effect-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
