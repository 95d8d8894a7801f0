"""Analysis: measures per wijk, suggestions and decisions, coverage, comparison, trend, diff."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict

from api.deps import CacheDep, ReaderDep, StoreDep, WriterDep
from api.permissions import ApiRefusal, api_refused, may_write_wijk
from api.schemas import Page, page
from graph.analysis import reports
from graph.analysis.results import (
    SORT_KEYS,
    Analysis,
    Comparison,
    Diff,
    KernaanpakCoverage,
    Suggestion,
    Trend,
)
from graph.model import Decision, DecisionStatus, EntityId, Note

router = APIRouter(tags=["analyse"])

AsOf = Annotated[date | None, Query(description="The day to look at (default today)")]


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


@router.get("/wijken/{slug}/suggestions/decisions", response_model=Page[Decision])
def read_decisions(slug: str, store: StoreDep, reader: ReaderDep) -> Page[Decision]:
    """The pairs marked as discussed or not relevant."""
    store.get_wijk(slug)
    return page(store.list_decisions(slug))


@router.post(
    "/wijken/{slug}/suggestions/decisions",
    response_model=Decision,
    status_code=status.HTTP_201_CREATED,
)
def create_decision(slug: str, body: DecisionIn, store: StoreDep, user: WriterDep) -> Decision:
    """Mark a pair as ``besproken`` or ``niet-relevant``: it is no longer suggested."""
    if not may_write_wijk(user, slug):
        raise api_refused(ApiRefusal.DECIDE)
    return reports.decide(
        store, slug, body.a, body.b, body.status, by=user.username, note=body.note
    )


@router.delete(
    "/wijken/{slug}/suggestions/decisions/{a}/{b}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_decision(slug: str, a: str, b: str, store: StoreDep, user: WriterDep) -> None:
    """Take back the verdict on a pair (either order): it may be suggested again."""
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
