"""The map data of a wijk: built once per version of the wijk, served gzipped with an ETag.

Both the wijk page (``/wijk/{slug}/kaart.json``) and the JSON API
(``/api/v1/wijken/{slug}/map``) serve it through :func:`map_response`; the app keeps one
``MapCache`` (``api.deps.MapCacheDep``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from fastapi import Request, Response

from graph.analysis import reports
from graph.analysis.cache import AnalysisCache
from graph.store import GraphStore
from visual.map import MapSuggestion, build_map

SIZE_MEASURES = {
    "degree": "Aantal verbindingen",
    "betweenness": "Verbindersrol (betweenness)",
    "domains_reached": "Bereikte domeinen",
    "effective_size": "Effectieve omvang",
}
"""What node size can show (from the analysis' actor profiles)."""

SUGGESTIONS = 10
"""Suggested introductions on the wijk page and on the map (the same ones)."""

MapKey = tuple[str, int, date, str | None, int]
"""A built map's key: wijk, its change counter, date, focus actor and focus steps."""


class MapCache:
    """Built maps as JSON bytes (plain and gzipped), keyed on the wijk's change counter."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[MapKey, tuple[bytes, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, key: MapKey) -> tuple[bytes, bytes, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: MapKey, data: dict[str, Any]) -> tuple[bytes, bytes, str]:
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        item = (raw, gzip.compress(raw, 5), hashlib.sha256(raw).hexdigest()[:20])
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return item


def map_response(
    request: Request,
    store: GraphStore,
    cache: AnalysisCache,
    maps: MapCache,
    slug: str,
    as_of: date | None,
    focus: str | None,
    steps: int,
) -> Response:
    """The map as JSON (gzipped when the client accepts it), 304 when the ETag matches."""
    counter = store.change_counter(slug)
    key: MapKey = (slug, counter, as_of or date.today(), focus, steps if focus else 0)
    item = maps.get(key)
    if item is None:
        item = maps.put(key, _build(store, cache, slug, as_of, focus, steps))
    raw, packed, etag = item
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding, Cookie, Authorization",
    }
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
    group_names = {c.number: getattr(c, "name", "") or c.text for c in analysis.communities}
    suggestions = [
        MapSuggestion(
            s.a.id,
            s.b.id,
            s.score,
            s.reasons[0].text if s.reasons else "",
            s.introducer.id if s.introducer else None,
        )
        for s in reports.suggestions_for(store, slug, as_of, limit=SUGGESTIONS, cache=cache)
    ]
    return build_map(
        snapshot,
        measures=measures,
        measure_labels=SIZE_MEASURES,
        groups=groups,
        group_names=group_names,
        suggestions=suggestions,
        weak_texts={c.id: c.text for c in analysis.cut_points},
        bridge_texts={(min(b.a.id, b.b.id), max(b.a.id, b.b.id)): b.text for b in analysis.bridges},
        focus=focus,
        steps=steps,
    )


def map_data(
    store: GraphStore,
    cache: AnalysisCache,
    maps: MapCache,
    slug: str,
    as_of: date | None,
) -> dict[str, Any]:
    """The whole map of ``slug`` as a dict, through the same cache as :func:`map_response`.

    For the pictures made on the server (the SVG export and the print view)."""
    counter = store.change_counter(slug)
    key: MapKey = (slug, counter, as_of or date.today(), None, 0)
    item = maps.get(key)
    if item is None:
        data = _build(store, cache, slug, as_of, None, 1)
        maps.put(key, data)
        return data
    loaded: dict[str, Any] = json.loads(item[0])
    return loaded
