"""The wijk map's data and the list of records to keep current: what the pages show."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import CacheDep, MapCacheDep, ReaderDep, SettingsDep, StoreDep
from api.mapdata import map_response
from api.schemas import Page, page
from api.stale import StaleRow, stale_rows

router = APIRouter(prefix="/wijken", tags=["kaart"])


@router.get("/{slug}/map")
def read_map(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    maps: MapCacheDep,
    reader: ReaderDep,
    as_of: Annotated[date | None, Query(description="The day to look at (default today)")] = None,
    focus: str | None = Query(None, max_length=80, description="Only this actor and its partners"),
    steps: int = Query(1, ge=1, le=2, description="How far from the focus actor"),
) -> Response:
    """The map of the wijk as vis-network data: nodes with server-side positions, edges,
    suggested introductions, options and legend (no contact details)."""
    return map_response(request, store, cache, maps, slug, as_of, focus, steps)


@router.get("/{slug}/stale", response_model=Page[StaleRow])
def read_stale(
    slug: str, store: StoreDep, settings: SettingsDep, reader: ReaderDep
) -> Page[StaleRow]:
    """Actors and links not confirmed or changed for ``WIJKNET_STALE_AFTER_DAYS`` days."""
    store.get_wijk(slug)
    return page(stale_rows(store, slug, days=settings.stale_after_days, user=reader.user))
