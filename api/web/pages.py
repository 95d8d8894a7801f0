"""The start page (all wijken), the wijk page (map and analysis) and the map's data."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.accounts import User
from api.deps import StoreDep
from api.web.render import render
from api.routes.analysis import CacheDep
from api.web.session import Form, PageUser, WebError
from graph import reports
from graph.cache import AnalysisCache
from graph.errors import InvalidData
from graph.model import Domain, Kernaanpak, Theme, label, normalise
from graph.store import GraphStore
from visual.map import MapSuggestion, build_map, legend

router = APIRouter(include_in_schema=False)

SIZE_MEASURES = {
    "degree": "Aantal verbindingen",
    "betweenness": "Makelaarsrol (betweenness)",
    "domains_reached": "Bereikte domeinen",
    "effective_size": "Effectieve omvang",
}
SUGGESTIONS = 10


class _MapCache:
    """Built maps as JSON bytes (plain and gzipped), keyed on the wijk's change counter."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[tuple, tuple[bytes, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, key: tuple) -> tuple[bytes, bytes, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple, data: dict[str, Any]) -> tuple[bytes, bytes, str]:
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        item = (raw, gzip.compress(raw, 5), hashlib.sha256(raw).hexdigest()[:20])
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return item


def map_cache(request: Request) -> _MapCache:
    """The app's cache of built maps (one per app: tests run several apps in one process)."""
    state = request.app.state
    with _MAP_CACHE_LOCK:
        if getattr(state, "map_cache", None) is None:
            state.map_cache = _MapCache()
    return state.map_cache


_MAP_CACHE_LOCK = threading.Lock()
MapCacheDep = Annotated[_MapCache, Depends(map_cache)]


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
        rows = [(w, m) for w, m in rows
                if wanted in normalise(w.name) or wanted in normalise(w.gemeente)]
    cohorts: dict[str, list] = {}
    for wijk, metrics in sorted(rows, key=lambda r: (r[0].cohort or 9, r[0].name)):
        title = f"Cohort {wijk.cohort}" if wijk.cohort else "Overige wijken"
        cohorts.setdefault(title, []).append((wijk, metrics))
    context = {"cohorts": cohorts, "q": q, "nav": "start", "region": comparison.region,
               "count": len(rows)}
    return render(request, "start.html", context)


def _options(user: User, slug: str) -> dict[str, Any]:
    return {
        "themes": [(t.value, label(t)) for t in Theme],
        "domains": [(d.value, label(d)) for d in Domain],
        "kinds": [(k["value"], k["label"]) for k in legend()["kinds"]],
        "kernaanpakken": [(k.value, label(k)) for k in Kernaanpak],
        "measures": list(SIZE_MEASURES.items()),
        "may_write": user.may_write_in([slug]),
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
    as_of = _as_of(datum)
    counter = store.change_counter(slug)
    key = (slug, counter, as_of or date.today(), focus, stappen if focus else 0)
    item = maps.get(key)
    if item is None:
        item = maps.put(key, _build(store, cache, slug, as_of, focus, stappen))
    raw, packed, etag = item
    headers = {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding, Cookie"}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="application/json", headers=headers)
    return Response(raw, media_type="application/json", headers=headers)


def _build(
    store: GraphStore,
    cache: AnalysisCache,
    slug: str,
    as_of: date | None,
    focus: str | None,
    steps: int,
) -> dict[str, Any]:
    snapshot = store.snapshot(slug, as_of)
    analysis = reports.analysis_for(store, slug, as_of, cache=cache, snapshot=lambda: snapshot)
    measures: dict[str, dict[str, float]] = {k: {} for k in SIZE_MEASURES}
    for p in analysis.profiles:
        measures["degree"][p.id] = p.degree
        measures["betweenness"][p.id] = p.betweenness
        measures["domains_reached"][p.id] = len(p.domains_reached)
        measures["effective_size"][p.id] = p.effective_size or 0.0
    groups = {p.id: p.community for p in analysis.profiles if p.community is not None}
    suggestions = [
        MapSuggestion(s.a.id, s.b.id, s.score, s.reasons[0].text if s.reasons else "")
        for s in reports.suggestions_for(store, slug, as_of, limit=SUGGESTIONS, cache=cache)
    ]
    return build_map(snapshot, measures=measures, measure_labels=SIZE_MEASURES, groups=groups,
                     suggestions=suggestions, focus=focus, steps=steps)


@router.post("/wijk/{slug}/voorstel")
def decide(slug: str, form: Form, store: StoreDep, user: PageUser) -> Response:
    """Mark a suggested introduction as "besproken" or "niet relevant"."""
    store.get_wijk(slug)
    if not user.may_write_in([slug]):
        raise WebError(403, "Geen toegang", "Alleen wijkmakelaars van deze wijk en beheer kunnen voorstellen afhandelen.")
    status = str(form.get("status"))
    try:
        reports.decide(store, slug, str(form.get("a")), str(form.get("b")), status, by=user.username)
    except InvalidData:
        raise WebError(400, "Dat ging niet goed", "Dit voorstel kon niet worden vastgelegd.") from None
    return RedirectResponse(f"/wijk/{slug}?melding={status}#voorstellen", status_code=303)
