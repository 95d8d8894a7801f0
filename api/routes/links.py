"""Links between actors: create, read, change, delete, confirm."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from api.accounts import User
from api.deps import PublicReaderDep, StoreDep, WriterDep
from api.permissions import ApiRefusal, api_refused, may_link
from api.schemas import Changes
from graph.errors import FieldError, InvalidData, NotFound
from graph.model import Link, LinkIn
from graph.store import GraphStore

router = APIRouter(prefix="/links", tags=["links"])


def _check_ends(store: GraphStore, user: User, source: str, target: str) -> None:
    """A wijkmakelaar links actors only when each end is active in one of their wijken."""
    ends = []
    for field, actor_id in (("source", source), ("target", target)):
        try:
            ends.append(store.get_actor(actor_id))
        except NotFound:
            raise InvalidData(
                [FieldError(field, "Deze actor bestaat niet.", "unknown_actor")]
            ) from None
    if not may_link(user, *ends):
        raise api_refused(ApiRefusal.LINK)


@router.post("", response_model=Link, status_code=status.HTTP_201_CREATED)
def create_link(data: LinkIn, store: StoreDep, user: WriterDep) -> Link:
    """Link two actors (samenwerking, verwijzing, werkt_bij or contactpersoon: the target is
    the contact person of the source); it counts as confirmed by you now."""
    _check_ends(store, user, data.source, data.target)
    return store.create_link(data, by=user.username, confirm=True)


@router.get("/{link_id}", response_model=Link)
def read_link(link_id: str, store: StoreDep, reader: PublicReaderDep) -> Link:
    """One link."""
    return reader.link(store.get_link(link_id), store)


@router.patch("/{link_id}", response_model=Link)
def update_link(link_id: str, body: Changes, store: StoreDep, user: WriterDep) -> Link:
    """Change a link's intensity, dates or note; send the version you read."""
    current = store.get_link(link_id)
    _check_ends(store, user, current.source, current.target)
    return store.update_link(
        link_id, body.fields(), expected_version=body.version, by=user.username
    )


@router.delete("/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_link(link_id: str, store: StoreDep, user: WriterDep, version: int = Query(ge=1)) -> None:
    """Delete a link; send the version you read."""
    current = store.get_link(link_id)
    _check_ends(store, user, current.source, current.target)
    store.delete_link(link_id, expected_version=version, by=user.username)


@router.post("/{link_id}/confirm", response_model=Link)
def confirm_link(link_id: str, store: StoreDep, user: WriterDep) -> Link:
    """Record that the link still holds."""
    current = store.get_link(link_id)
    _check_ends(store, user, current.source, current.target)
    return store.confirm_link(link_id, by=user.username)
