"""Actueel houden: what has not been confirmed for a long time, and the "bevestig" button.

A record counts as vouched for on the latest of its confirmation and its last change (a
change is made by someone who looked at it). Records not vouched for in
``settings.stale_after_days`` are listed per wijk, oldest first, each with a button that
confirms it in one click.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from api.accounts import User
from api.deps import SettingsDep, StoreDep
from api.web.auth import safe_next
from api.web.render import render
from api.web.session import Form, PageUser, PageWriter, WebError
from graph.model import Actor, Link, label, utcnow
from graph.store import GraphStore

router = APIRouter(include_in_schema=False)


def vouched(record: Actor | Link) -> tuple[datetime, str | None]:
    """When the record was last confirmed or changed, and by whom it was confirmed."""
    if record.confirmed and record.confirmed.at >= record.updated_at:
        return record.confirmed.at, record.confirmed.by
    return record.updated_at, None


class StaleRow(BaseModel):
    """One record waiting for confirmation."""

    kind: Literal["actor", "link"]
    id: str
    title: str = Field(description="Name of the actor, or the names of the link's two ends")
    detail: str = Field(description="Kind of actor or of link, in Dutch")
    since: datetime = Field(description="Last confirmed or changed")
    by: str | None = Field(description="Who confirmed it last (None: changed, not confirmed)")
    days: int
    may_confirm: bool = Field(description="Whether the asking account may confirm it")


def _with_message(path: str, code: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}melding={code}"


def stale_rows(store: GraphStore, slug: str, *, days: int, user: User | None) -> list[StaleRow]:
    """Actors and links of ``slug`` not vouched for in ``days`` days, oldest first."""
    now = utcnow()
    limit = now - timedelta(days=days)
    actors = {a.id: a for a in store.list_actors(slug)}

    def may(*ends: Actor | None) -> bool:
        return user is not None and all(e is not None and user.may_write_any(e.wijken)
                                        for e in ends)

    rows: list[StaleRow] = []
    for actor in actors.values():
        at, by = vouched(actor)
        if at < limit:
            rows.append(StaleRow(kind="actor", id=actor.id, title=actor.name,
                                 detail=label(actor.kind), since=at, by=by,
                                 days=(now - at).days, may_confirm=may(actor)))
    for link in store.list_links(slug):
        at, by = vouched(link)
        if at < limit:
            a, b = actors.get(link.source), actors.get(link.target)
            title = f"{a.name if a else link.source} — {b.name if b else link.target}"
            rows.append(StaleRow(kind="link", id=link.id, title=title, detail=label(link.kind),
                                 since=at, by=by, days=(now - at).days, may_confirm=may(a, b)))
    rows.sort(key=lambda r: r.since)
    return rows


@router.get("/wijk/{slug}/actueel", response_class=HTMLResponse)
def stale_page(
    request: Request, slug: str, store: StoreDep, settings: SettingsDep, user: PageUser
) -> Response:
    """The wijk's actors and links not confirmed for longer than the configured period."""
    wijk = store.get_wijk(slug)
    context = {
        "wijk": wijk,
        "rows": stale_rows(store, slug, days=settings.stale_after_days, user=user),
        "days": settings.stale_after_days,
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
