"""The wijk map for the wijkoverleg: the map as an SVG file and a print view (A4 or A3).

``/wijk/{slug}/kaart.svg`` draws the map on the server (``visual.export``) from the same
cached map data as ``kaart.json``; the page's script turns it into a PNG at print
resolution. ``/wijk/{slug}/afdrukken`` is a page made for paper: the map, the key figures
and the open suggestions, with ``@page`` set to landscape. Both read like ``kaart.json``:
every role, after logging in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from api.deps import CacheDep, MapCacheDep, PageUser, StoreDep
from api.errors import WebError
from api.mapdata import SUGGESTIONS, map_data
from api.web.render import render
from graph.analysis import reports
from visual.export import map_svg, source_line

router = APIRouter(include_in_schema=False)


Filter = Annotated[str, Query(max_length=60)]


def _as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WebError(400, "Ongeldige datum", "Geef de datum als JJJJ-MM-DD.") from None


def visible_ids(data: Mapping[str, Any], filters: Mapping[str, str]) -> set[str] | None:
    """The node ids that pass ``filters`` the way the map's filters work, or ``None``
    (everything) when no filter is set."""
    wanted = {k: v for k, v in filters.items() if v}
    if not wanted:
        return None

    def passes(node: Mapping[str, Any]) -> bool:
        if "domein" in wanted and node.get("domain") != wanted["domein"]:
            return False
        if "soort" in wanted and node.get("kind") != wanted["soort"]:
            return False
        if "thema" in wanted and wanted["thema"] not in (node.get("themes") or ()):
            return False
        kernaanpak = wanted.get("kernaanpak")
        return not kernaanpak or kernaanpak in (node.get("kernaanpakken") or ())

    return {str(n["id"]) for n in data.get("nodes") or () if passes(n)}


@router.get("/wijk/{slug}/kaart.svg")
def map_picture(
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    maps: MapCacheDep,
    user: PageUser,
    datum: str | None = None,
    domein: Filter = "",
    soort: Filter = "",
    thema: Filter = "",
    kernaanpak: Filter = "",
    download: bool = False,
) -> Response:
    """The map as a standalone SVG: title block, map, legend and source line."""
    as_of = _as_of(datum)
    wijk = store.get_wijk(slug)
    data = map_data(store, cache, maps, slug, as_of)
    filters = {"domein": domein, "soort": soort, "thema": thema, "kernaanpak": kernaanpak}
    svg = map_svg(
        data,
        title=wijk.name,
        gemeente=wijk.gemeente,
        made_on=date.today(),
        visible=visible_ids(data, filters),
    )
    headers = {"Cache-Control": "private, no-cache", "Vary": "Cookie"}
    if download:
        day = data.get("as_of") or (as_of or date.today()).isoformat()
        headers["Content-Disposition"] = f'attachment; filename="wijknet-{slug}-{day}.svg"'
    return Response(svg, media_type="image/svg+xml", headers=headers)


@router.get("/wijk/{slug}/afdrukken", response_class=HTMLResponse)
def print_view(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    maps: MapCacheDep,
    user: PageUser,
    formaat: Annotated[str, Query(pattern="^(a4|a3)$")] = "a4",
    datum: str | None = None,
) -> Response:
    """The map, key figures and open suggestions on landscape paper (A4 or A3)."""
    as_of = _as_of(datum)
    wijk = store.get_wijk(slug)
    data = map_data(store, cache, maps, slug, as_of)
    today = date.today()
    day = date.fromisoformat(str(data.get("as_of"))) if data.get("as_of") else as_of or today
    # map_svg escapes every text it writes (xml.etree), so the document may go in as is
    picture = map_svg(data, title=wijk.name, gemeente=wijk.gemeente, made_on=today, frame=False)
    context = {
        "wijk": wijk,
        "formaat": formaat,
        "day": day,
        "datum": as_of.isoformat() if as_of else "",
        "a": reports.analysis_for(store, slug, as_of, cache=cache),
        "suggestions": reports.suggestions_for(store, slug, as_of, limit=SUGGESTIONS, cache=cache),
        "map": Markup(picture),  # built with xml.etree: every text in it is escaped
        "source": source_line(day, today),
        "nav": "start",
    }
    return render(request, "afdrukken.html", context)
