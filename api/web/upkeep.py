"""Actueel houden: what has not been confirmed for a long time, and the "bevestig" button.

The page lists the records of ``api.stale.stale_rows`` (oldest first), each with a button
that confirms it in one click.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import Form, PageUser, PageWriter, SettingsDep, StoreDep
from api.permissions import PageRefusal, may_confirm_actor, may_link, may_write_wijk, page_refused
from api.stale import stale_rows
from api.web.auth import safe_next
from api.web.render import render

router = APIRouter(include_in_schema=False)


def _with_message(path: str, code: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}melding={code}"


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
        "may_ask": may_write_wijk(user, slug),
        "nav": "start",
    }
    return render(request, "actueel.html", context)


@router.post("/actor/{actor_id}/bevestig")
def confirm_actor(actor_id: str, form: Form, store: StoreDep, user: PageWriter) -> Response:
    """Confirm in one click that the actor is still as shown."""
    actor = store.get_actor(actor_id)
    if not may_confirm_actor(user, actor):
        raise page_refused(PageRefusal.ACTOR)
    store.confirm_actor(actor_id, by=user.username)
    target = safe_next(form.get("terug")) if form.get("terug") else f"/actor/{actor_id}"
    return RedirectResponse(_with_message(target, "bevestigd"), status_code=303)


@router.post("/samenwerking/{link_id}/bevestig")
def confirm_link(link_id: str, form: Form, store: StoreDep, user: PageWriter) -> Response:
    """Confirm in one click that the link still holds."""
    link = store.get_link(link_id)
    ends = [store.get_actor(link.source), store.get_actor(link.target)]
    if not may_link(user, *ends):
        raise page_refused(PageRefusal.LINK)
    store.confirm_link(link_id, by=user.username)
    target = safe_next(form.get("terug")) if form.get("terug") else f"/actor/{link.source}"
    return RedirectResponse(_with_message(target, "bevestigd"), status_code=303)
