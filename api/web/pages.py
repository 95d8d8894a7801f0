"""The start page (all wijken), the wijk page (map and analysis) and the map's data."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.accounts import User
from api.deps import CacheDep, Form, MapCacheDep, PageUser, StoreDep
from api.errors import WebError
from api.mapdata import SIZE_MEASURES, SUGGESTIONS, map_response
from api.permissions import PageRefusal, may_write_wijk, page_refused
from api.web.importing import export_links
from api.web.render import render
from graph.analysis import reports
from graph.analysis.results import Metrics
from graph.errors import InvalidData
from graph.model import Domain, Kernaanpak, Theme, Wijk, label, normalise
from visual.map import legend

router = APIRouter(include_in_schema=False)


def _as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WebError(400, "Ongeldige datum", "Geef de datum als JJJJ-MM-DD.") from None


@router.get("/", response_class=HTMLResponse)
def start_page(
    request: Request, store: StoreDep, cache: CacheDep, user: PageUser, q: str = ""
) -> Response:
    """All wijken with their key figures, by cohort, with a search box."""
    comparison = reports.comparison_for(store, cache=cache)
    wijken = {w.slug: w for w in store.list_wijken()}
    rows = [(wijken[m.wijk], m) for m in comparison.rows if m.wijk in wijken]
    if q.strip():
        wanted = normalise(q)
        rows = [
            (w, m)
            for w, m in rows
            if wanted in normalise(w.name) or wanted in normalise(w.gemeente)
        ]
    cohorts: dict[str, list[tuple[Wijk, Metrics]]] = {}
    for wijk, metrics in sorted(rows, key=lambda r: (r[0].cohort or 9, r[0].name)):
        title = f"Cohort {wijk.cohort}" if wijk.cohort else "Overige wijken"
        cohorts.setdefault(title, []).append((wijk, metrics))
    context = {"cohorts": cohorts, "q": q, "nav": "start", "count": len(rows)}
    return render(request, "start.html", context)


def _options(user: User, slug: str) -> dict[str, Any]:
    return {
        "themes": [(t.value, label(t)) for t in Theme],
        "domains": [(d.value, label(d)) for d in Domain],
        "kinds": [(k["value"], k["label"]) for k in legend()["kinds"]],
        "kernaanpakken": [(k.value, label(k)) for k in Kernaanpak],
        "measures": list(SIZE_MEASURES.items()),
        "may_write": may_write_wijk(user, slug),
        **export_links(slug, user),
    }


@router.get("/wijk/{slug}", response_class=HTMLResponse)
def wijk_page(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    user: PageUser,
    datum: str | None = None,
) -> Response:
    """The map of one wijk beside its key figures, gaps, brokers and suggested introductions."""
    as_of = _as_of(datum)
    wijk = store.get_wijk(slug)
    context = {
        "wijk": wijk,
        "a": reports.analysis_for(store, slug, as_of, cache=cache),
        "suggestions": reports.suggestions_for(store, slug, as_of, limit=SUGGESTIONS, cache=cache),
        "datum": as_of.isoformat() if as_of else "",
        "map_url": f"/wijk/{slug}/kaart.json" + (f"?datum={as_of.isoformat()}" if as_of else ""),
        "nav": "start",
        **_options(user, slug),
    }
    return render(request, "wijk.html", context)


@router.get("/wijk/{slug}/kaart.json")
def map_data(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    maps: MapCacheDep,
    user: PageUser,
    datum: str | None = None,
    focus: str | None = Query(None, max_length=80),
    stappen: int = Query(1, ge=1, le=2),
) -> Response:
    """The map's nodes, edges, options and legend; cached until the wijk changes."""
    return map_response(request, store, cache, maps, slug, _as_of(datum), focus, stappen)


@router.post("/wijk/{slug}/voorstel")
def decide(slug: str, form: Form, store: StoreDep, user: PageUser) -> Response:
    """Mark a suggested introduction as "besproken" or "niet relevant"."""
    store.get_wijk(slug)
    if not may_write_wijk(user, slug):
        raise page_refused(PageRefusal.DECIDE)
    status = str(form.get("status"))
    try:
        reports.decide(
            store, slug, str(form.get("a")), str(form.get("b")), status, by=user.username
        )
    except InvalidData:
        raise WebError(
            400, "Dat ging niet goed", "Dit voorstel kon niet worden vastgelegd."
        ) from None
    return RedirectResponse(f"/wijk/{slug}?melding={status}#voorstellen", status_code=303)
