"""Actueel houden: what has not been confirmed for a long time, and the "bevestig" button.

A record counts as vouched for on the latest of its confirmation and its last change (a
change is made by someone who looked at it). Records not vouched for in
``settings.stale_after_days`` are listed per wijk, oldest first, each with a button that
confirms it in one click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SettingsDep, StoreDep
from api.web.auth import safe_next
from api.web.render import render
from api.web.session import Form, PageUser, PageWriter, WebError
from graph.model import Actor, Link, label, utcnow

router = APIRouter(include_in_schema=False)


def vouched(record: Actor | Link) -> tuple[datetime, str | None]:
    """When the record was last confirmed or changed, and by whom it was confirmed."""
    if record.confirmed and record.confirmed.at >= record.updated_at:
        return record.confirmed.at, record.confirmed.by
    return record.updated_at, None


@dataclass(frozen=True)
class StaleRow:
    kind: str  # "actor" or "link"
    id: str
    title: str
    detail: str
    since: datetime
    by: str | None
    days: int
    may_confirm: bool


def _with_message(path: str, code: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}melding={code}"


@router.get("/wijk/{slug}/actueel", response_class=HTMLResponse)
def stale_page(
    request: Request, slug: str, store: StoreDep, settings: SettingsDep, user: PageUser
) -> Response:
    """The wijk's actors and links not confirmed for longer than the configured period."""
    wijk = store.get_wijk(slug)
    now = utcnow()
    limit = now - timedelta(days=settings.stale_after_days)
    actors = {a.id: a for a in store.list_actors(slug)}
    rows: list[StaleRow] = []
    for actor in actors.values():
        at, by = vouched(actor)
        if at < limit:
            rows.append(StaleRow("actor", actor.id, actor.name, label(actor.kind), at, by,
                                 (now - at).days, user.may_write_any(actor.wijken)))
    for link in store.list_links(slug):
        at, by = vouched(link)
        if at < limit:
            a, b = actors.get(link.source), actors.get(link.target)
            title = f"{a.name if a else link.source} — {b.name if b else link.target}"
            allowed = all(x is not None and user.may_write_any(x.wijken) for x in (a, b))
            rows.append(StaleRow("link", link.id, title, label(link.kind), at, by,
                                 (now - at).days, allowed))
    rows.sort(key=lambda r: r.since)
    context = {
        "wijk": wijk,
        "rows": rows,
        "days": settings.stale_after_days,
        "total": len(actors),
        "nav": "start",
    }
    return render(request, "actueel.html", context)


@router.post("/actor/{actor_id}/bevestig")
def confirm_actor(actor_id: str, form: Form, store: StoreDep, user: PageWriter) -> Response:
    """Confirm in one click that the actor is still as shown."""
    actor = store.get_actor(actor_id)
    if not user.may_write_any(actor.wijken):
        raise WebError(403, "Geen toegang", "Deze actor hoort niet bij uw wijken.")
    store.confirm_actor(actor_id, by=user.username)
    target = safe_next(form.get("terug")) if form.get("terug") else f"/actor/{actor_id}"
    return RedirectResponse(_with_message(target, "bevestigd"), status_code=303)


@router.post("/samenwerking/{link_id}/bevestig")
def confirm_link(link_id: str, form: Form, store: StoreDep, user: PageWriter) -> Response:
    """Confirm in one click that the link still holds."""
    link = store.get_link(link_id)
    ends = [store.get_actor(link.source), store.get_actor(link.target)]
    if not all(user.may_write_any(a.wijken) for a in ends):
        raise WebError(403, "Geen toegang", "Deze verbinding hoort niet bij uw wijken.")
    store.confirm_link(link_id, by=user.username)
    target = safe_next(form.get("terug")) if form.get("terug") else f"/actor/{link.source}"
    return RedirectResponse(_with_message(target, "bevestigd"), status_code=303)
