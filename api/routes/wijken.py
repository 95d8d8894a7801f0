"""Wijken: list, create, read, change, delete; a wijk's actors, links and snapshot."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import AdminDep, PublicReaderDep, StoreDep
from api.schemas import Changes, Page, page
from graph.model import Actor, Link, Snapshot, Wijk, WijkIn

router = APIRouter(prefix="/wijken", tags=["wijken"])


@router.get("", response_model=Page[Wijk])
def read_wijken(store: StoreDep, reader: PublicReaderDep) -> Page[Wijk]:
    """All wijken, ordered by slug."""
    return page([reader.wijk(w) for w in store.list_wijken()])


@router.post("", response_model=Wijk, status_code=status.HTTP_201_CREATED)
def create_wijk(data: WijkIn, store: StoreDep, user: AdminDep) -> Wijk:
    """Create a wijk (beheer)."""
    return store.create_wijk(data, by=user.username)


@router.get("/{slug}", response_model=Wijk)
def read_wijk(slug: str, store: StoreDep, reader: PublicReaderDep) -> Wijk:
    """One wijk."""
    return reader.wijk(store.get_wijk(slug))


@router.patch("/{slug}", response_model=Wijk)
def update_wijk(slug: str, body: Changes, store: StoreDep, user: AdminDep) -> Wijk:
    """Change a wijk's name, gemeente or cohort (beheer)."""
    return store.update_wijk(slug, body.fields(), expected_version=body.version, by=user.username)


@router.delete("/{slug}", status_code=status.HTTP_204_NO_CONTENT)
def delete_wijk(slug: str, store: StoreDep, user: AdminDep, version: int = Query(ge=1)) -> None:
    """Delete an empty wijk (beheer)."""
    store.delete_wijk(slug, expected_version=version, by=user.username)


@router.get("/{slug}/actors", response_model=Page[Actor])
def read_wijk_actors(slug: str, store: StoreDep, reader: PublicReaderDep) -> Page[Actor]:
    """Every actor active in the wijk, whatever its dates (without a login: only
    organisations and initiatives, when the setting allows it)."""
    store.get_wijk(slug)
    return page(reader.actors(store.list_actors(slug)))


@router.get("/{slug}/links", response_model=Page[Link])
def read_wijk_links(slug: str, store: StoreDep, reader: PublicReaderDep) -> Page[Link]:
    """Every link whose two ends are active in the wijk (without a login: only links
    between organisations and initiatives, when the setting allows it)."""
    store.get_wijk(slug)
    links = store.list_links(slug)
    if reader.user is not None:
        return page(links)
    return page(reader.links(links, store.list_actors(slug)))


@router.get("/{slug}/snapshot", response_model=Snapshot)
def read_snapshot(
    slug: str,
    store: StoreDep,
    reader: PublicReaderDep,
    as_of: Annotated[date | None, Query(description="The day to look at (default today)")] = None,
) -> Snapshot:
    """The actors and links of the wijk as they were on ``as_of``."""
    return reader.snapshot(store.snapshot(slug, as_of))
