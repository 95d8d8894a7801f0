"""Actueel houden: which actors and links of a wijk have not been vouched for in a while.

A record counts as vouched for on the latest of its confirmation and its last change (a
change is made by someone who looked at it). Records not vouched for in
``settings.stale_after_days`` are listed per wijk, oldest first: on the page
``/wijk/{slug}/actueel`` (``api.web.upkeep``), each with a button that confirms it in one
click, and in the JSON API at ``/api/v1/wijken/{slug}/stale``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from api.accounts import User
from api.permissions import may_confirm_actor, may_link
from graph.model import Actor, Link, label, utcnow
from graph.store import GraphStore


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


def stale_rows(store: GraphStore, slug: str, *, days: int, user: User | None) -> list[StaleRow]:
    """Actors and links of ``slug`` not vouched for in ``days`` days, oldest first."""
    now = utcnow()
    limit = now - timedelta(days=days)
    actors = {a.id: a for a in store.list_actors(slug)}

    rows: list[StaleRow] = []
    for actor in actors.values():
        at, by = vouched(actor)
        if at < limit:
            rows.append(
                StaleRow(
                    kind="actor",
                    id=actor.id,
                    title=actor.name,
                    detail=label(actor.kind),
                    since=at,
                    by=by,
                    days=(now - at).days,
                    may_confirm=user is not None and may_confirm_actor(user, actor),
                )
            )
    for link in store.list_links(slug):
        at, by = vouched(link)
        if at < limit:
            a, b = actors.get(link.source), actors.get(link.target)
            title = f"{a.name if a else link.source} — {b.name if b else link.target}"
            rows.append(
                StaleRow(
                    kind="link",
                    id=link.id,
                    title=title,
                    detail=label(link.kind),
                    since=at,
                    by=by,
                    days=(now - at).days,
                    may_confirm=user is not None and may_link(user, a, b),
                )
            )
    rows.sort(key=lambda r: r.since)
    return rows
