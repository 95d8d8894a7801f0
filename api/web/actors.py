"""The actor page: details, links, history of changes, and the buttons to edit or confirm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import PageUser, StoreDep
from api.permissions import may_confirm_actor, may_link, may_write_actor
from api.schemas import visible_actor
from api.web import history
from api.web.agenda import actor_pairs
from api.web.render import render
from graph.model import Actor, Link

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class LinkRow:
    link: Link
    partner: Actor | None
    partner_id: str
    direction: str
    active: bool


def link_rows(
    actor: Actor, links: list[Link], names: dict[str, Actor], today: date
) -> list[LinkRow]:
    """The actor's links with the partner at the other end, active ones first."""
    out = []
    for link in links:
        if actor.id not in (link.source, link.target):
            continue
        other = link.target if link.source == actor.id else link.source
        if link.kind.value == "verwijzing":
            direction = "verwijst naar" if link.source == actor.id else "krijgt verwijzingen van"
        elif link.kind.value == "werkt_bij":
            direction = "werkt bij" if link.source == actor.id else "medewerker"
        elif link.kind.value == "contactpersoon":
            direction = "contactpersoon" if link.source == actor.id else "contactpersoon van"
        else:
            direction = "werkt samen met"
        out.append(LinkRow(link, names.get(other), other, direction, link.active_on(today)))
    return sorted(
        out, key=lambda r: (not r.active, (r.partner.name if r.partner else r.partner_id).lower())
    )


@router.get("/actor/{actor_id}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: str, store: StoreDep, user: PageUser) -> Response:
    """One actor with its links, the suggested introductions it takes part in and the
    history of its changes."""
    actor = visible_actor(store.get_actor(actor_id), user)
    names: dict[str, Actor] = {}
    links: dict[str, Link] = {}
    for slug in actor.wijken:
        names.update((a.id, a) for a in store.list_actors(slug))
        links.update((lk.id, lk) for lk in store.list_links(slug))
    wijken = {w.slug: w for w in store.list_wijken()}
    organisation = names.get(actor.organisation) if actor.organisation else None
    rows = link_rows(actor, list(links.values()), names, date.today())
    shown = [wijken[s] for s in actor.wijken if s in wijken]
    context = {
        "actor": actor,
        "organisation": organisation,
        "wijken": shown,
        "pairs": actor_pairs(store, actor.id, shown, {k: a.name for k, a in names.items()}),
        "links": rows,
        "editable_links": {r.link.id for r in rows if may_link(user, actor, r.partner)},
        "history": history.for_actor(store, actor, user),
        "may_edit": may_write_actor(user, actor),
        "may_confirm": may_confirm_actor(user, actor),
        "home": actor.wijken[0],
    }
    return render(request, "actor.html", context)
