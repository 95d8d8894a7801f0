"""Request and response shapes of the JSON API that the domain model does not give."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from api.accounts import User
from graph.model import Actor, Snapshot

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A list response: ``data`` and its ``count``."""

    data: list[T]
    count: int


class Changes(BaseModel):
    """An update: the ``version`` you read plus the fields to change."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{"version": 3, "name": "Nieuwe naam"}]},
    )

    version: int = Field(ge=1, description="The version you read; a stale one gives 409")

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def page(items: list[T]) -> Page[T]:
    return Page[T](data=items, count=len(items))


def visible_actor(actor: Actor, user: User | None) -> Actor:
    """The actor as ``user`` may see it: contact details only for roles that may."""
    if actor.contact is None or (user is not None and user.may_see_contact):
        return actor
    return actor.model_copy(update={"contact": None})


def visible_snapshot(snapshot: Snapshot, user: User | None) -> Snapshot:
    return snapshot.model_copy(update={"actors": [visible_actor(a, user) for a in snapshot.actors]})
