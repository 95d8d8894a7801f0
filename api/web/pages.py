"""The start page (all wijken), the wijk page (map and analysis) and the map's data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.accounts import User
from api.deps import CacheDep, Form, MapCacheDep, PageUser, StoreDep
from api.errors import WebError
from api.mapdata import SIZE_MEASURES, map_response
from api.permissions import PageRefusal, may_write_wijk, page_refused
from api.web import agenda
from api.web.importing import export_links
from api.web.render import MESSAGES, render
from graph.analysis import reports
from graph.analysis.cache import AnalysisCache
from graph.analysis.results import Metrics
from graph.errors import FieldError, InvalidData, NotFound
from graph.model import (
    DEFAULT_REASON,
    Domain,
    Kernaanpak,
    SuggestionStatus,
    Theme,
    Wijk,
    label,
    normalise,
)
from graph.store import GraphStore
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
    paar: Annotated[str, Query(max_length=170)] = "",
    melding: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The map of one wijk beside its key figures, gaps, brokers and suggested introductions."""
    return _wijk_response(
        request, store, cache, user, slug, _as_of(datum), pair=paar, message=MESSAGES.get(melding)
    )


def _wijk_response(
    request: Request,
    store: GraphStore,
    cache: AnalysisCache,
    user: User,
    slug: str,
    as_of: date | None,
    *,
    pair: str = "",
    message: str | None = None,
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The wijk page; a step just taken (or refused) is reported beside its suggestion."""
    wijk = store.get_wijk(slug)
    items = [i for i in agenda.agenda_items(store, cache, slug, as_of) if i.group == "open"]
    if not agenda.mark(items, pair, message, errors, typed) and errors:
        why = " ".join(errors.values())
        raise WebError(400, "Dat ging niet goed", f"De stap is niet vastgelegd. {why}")
    context = {
        "wijk": wijk,
        "a": reports.analysis_for(store, slug, as_of, cache=cache),
        "items": items,
        "terug": f"/wijk/{slug}",
        "melding": None if pair else message,  # a step's message stands beside its item
        "datum": as_of.isoformat() if as_of else "",
        "map_url": f"/wijk/{slug}/kaart.json" + (f"?datum={as_of.isoformat()}" if as_of else ""),
        "nav": "start",
        **_options(user, slug),
    }
    return render(request, "wijk.html", context, status=status)


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


VOORSTEL_STATUSES = {s.value for s in SuggestionStatus} - {"gerealiseerd"} | {"besproken"}
"""The steps a user records on the wijk page (``besproken`` is recorded as ``ontmoet``;
wijknet records ``gerealiseerd`` itself), besides ``ongedaan`` (undo the latest step)."""


@router.post("/wijk/{slug}/voorstel")
def decide(
    request: Request,
    slug: str,
    form: Form,
    store: StoreDep,
    cache: CacheDep,
    user: PageUser,
) -> Response:
    """Record the next step of a suggested introduction (the buttons "besproken" and "niet
    relevant", or any step with ``notitie`` and ``datum``), or undo the latest step
    (``status=ongedaan``). With ``terug`` (a path on this site) the answer returns to that
    page at the pair's item; a refused step from the agenda comes back beside its item."""
    store.get_wijk(slug)
    if not may_write_wijk(user, slug):
        raise page_refused(PageRefusal.DECIDE)
    status = str(form.get("status") or "")
    a, b = str(form.get("a")), str(form.get("b"))
    back = agenda.return_path(form.get("terug"), f"/wijk/{slug}")
    note = str(form.get("notitie") or "").strip()
    if status == "niet-relevant" and not note and form.get("notitie") is None:
        note = DEFAULT_REASON  # the one-click button; the step form asks for a reason
    try:
        if status == "ongedaan":
            try:
                reports.undo_step(store, slug, a, b, by=user.username)
            except NotFound:  # nothing to undo (any more)
                why = "Dit voorstel heeft geen stap om terug te draaien."
                raise InvalidData([FieldError("status", why, "nothing_to_undo")]) from None
        elif status in VOORSTEL_STATUSES:
            day = _step_day(str(form.get("datum") or "").strip())
            reports.add_step(store, slug, a, b, status, by=user.username, note=note, day=day)
        else:
            raise InvalidData([FieldError("status", "Onbekende stap.", "enum")])
    except InvalidData as exc:
        if agenda.is_agenda(back, slug):
            return agenda.refused(request, store, cache, user, slug, form, exc.errors)
        if back == f"/wijk/{slug}":
            messages, typed = agenda.refusal(form, exc.errors)
            return _wijk_response(
                request,
                store,
                cache,
                user,
                slug,
                None,
                pair=agenda.pair_key(a, b),
                errors=messages,
                typed=typed,
                status=422,
            )
        why = exc.errors[0].message if exc.errors else ""
        if exc.errors and exc.errors[0].code == "nothing_to_undo":
            raise WebError(400, "Dat ging niet goed", why) from None
        raise WebError(
            400, "Dat ging niet goed", f"De stap is niet vastgelegd. {why}".strip()
        ) from None
    if form.get("terug") is None:
        return RedirectResponse(f"/wijk/{slug}?melding={status}#voorstellen", status_code=303)
    return RedirectResponse(agenda.back_to(back, status, a, b), status_code=303)


def _step_day(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        why = "Geef de datum als JJJJ-MM-DD, bijvoorbeeld 2026-12-03."
        raise InvalidData([FieldError("date", why, "date")]) from None
