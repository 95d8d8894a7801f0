"""FastAPI dependencies: the store, the account store, the current user and the read
policy of the JSON API (``ReadAccess``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.accounts import AccountRole, AccountStore, User
from api.errors import forbidden, unauthorized
from api.schemas import visible_actor, visible_snapshot
from api.settings import PublicRead, Settings
from graph.model import Actor, ActorKind, Link, Snapshot, Wijk
from graph.store import GraphStore

_bearer = HTTPBearer(
    auto_error=False,
    description="API token (`wijknet user token NAME`); a web session's cookie also counts",
)


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_accounts(request: Request) -> AccountStore:
    return request.app.state.accounts


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
AccountsDep = Annotated[AccountStore, Depends(get_accounts)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_optional_user(
    request: Request,
    accounts: AccountsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User | None:
    """The user of the API token or of the web session, or None for an anonymous reader."""
    if credentials is not None:
        user = accounts.user_for_token(credentials.credentials)
        if user is None:
            raise unauthorized("The API token is not valid")
        return user
    return getattr(request.state, "user", None)


OptionalUserDep = Annotated[User | None, Depends(get_optional_user)]


def get_user(user: OptionalUserDep) -> User:
    """The logged-in user; 401 for anonymous requests."""
    if user is None:
        raise unauthorized()
    return user


UserDep = Annotated[User, Depends(get_user)]

PUBLIC_KINDS = frozenset({ActorKind.ORGANISATIE, ActorKind.INITIATIEF})
"""The actors an anonymous reader may see with ``WIJKNET_PUBLIC_READ=organisaties``."""


@dataclass(frozen=True)
class Reader:
    """Who reads through the JSON API, and what they may see of a record.

    ``user`` is the logged-in user (web session or API token). It is None only on a route
    that ``WIJKNET_PUBLIC_READ=organisaties`` opens: the anonymous reader then sees wijken,
    organisations, initiatives and the links between them, never a professional, and
    without contact details, free text (descriptions and notes may name people) or the
    account that confirmed a record.
    """

    user: User | None

    def sees(self, actor: Actor) -> bool:
        return self.user is not None or actor.kind in PUBLIC_KINDS

    def wijk(self, wijk: Wijk) -> Wijk:
        return wijk if self.user is not None else wijk.model_copy(update={"confirmed": None})

    def actor(self, actor: Actor) -> Actor:
        """The actor as this reader may see it; 401 for a professional and no login."""
        if not self.sees(actor):
            raise unauthorized("Log in to see professionals")
        actor = visible_actor(actor, self.user)
        if self.user is None:
            actor = actor.model_copy(update={"description": "", "confirmed": None})
        return actor

    def actors(self, actors: Iterable[Actor]) -> list[Actor]:
        return [self.actor(a) for a in actors if self.sees(a)]

    def link(self, link: Link, store: GraphStore) -> Link:
        """The link as this reader may see it; 401 when an end is a professional and no
        login."""
        if self.user is not None:
            return link
        if not all(self.sees(store.get_actor(end)) for end in (link.source, link.target)):
            raise unauthorized("Log in to see the links of professionals")
        return link.model_copy(update={"note": "", "confirmed": None})

    def links(self, links: Iterable[Link], actors: Iterable[Actor]) -> list[Link]:
        """``links`` as this reader may see them; ``actors`` holds both ends of each."""
        if self.user is not None:
            return list(links)
        shown = {a.id for a in actors if self.sees(a)}
        return [link.model_copy(update={"note": "", "confirmed": None}) for link in links
                if link.source in shown and link.target in shown]

    def snapshot(self, snapshot: Snapshot) -> Snapshot:
        if self.user is not None:
            return visible_snapshot(snapshot, self.user)
        return snapshot.model_copy(update={
            "wijk": self.wijk(snapshot.wijk),
            "actors": self.actors(snapshot.actors),
            "links": self.links(snapshot.links, snapshot.actors),
        })


class ReadAccess:
    """The read policy of the JSON API, one dependency for every read route.

    A read needs a logged-in user, by a web session or an API token: 401 ``unauthorized``
    otherwise. A route that declares ``ReadAccess(public=True)`` also admits anonymous
    readers when ``WIJKNET_PUBLIC_READ=organisaties``, and shows them only what the
    :class:`Reader` lets through. The decision per route is listed in docs/web.md
    (*Reading through the JSON API*); only ``/health`` goes without this dependency.
    """

    def __init__(self, *, public: bool = False) -> None:
        self.public = public

    def __call__(self, settings: SettingsDep, user: OptionalUserDep) -> Reader:
        if user is None and not (
            self.public and settings.public_read is PublicRead.ORGANISATIES
        ):
            raise unauthorized()
        return Reader(user)


ReaderDep = Annotated[Reader, Depends(ReadAccess())]
"""A read that needs a login whatever ``WIJKNET_PUBLIC_READ`` says."""
PublicReaderDep = Annotated[Reader, Depends(ReadAccess(public=True))]
"""A read that ``WIJKNET_PUBLIC_READ=organisaties`` opens to anonymous readers, filtered."""


def get_writer(user: UserDep) -> User:
    """A user whose role writes (wijkmakelaar or beheer); wijk checks follow per record."""
    if user.role is AccountRole.LEZER:
        raise forbidden("A lezer cannot change the map")
    return user


WriterDep = Annotated[User, Depends(get_writer)]


def get_admin(user: UserDep) -> User:
    if user.role is not AccountRole.BEHEER:
        raise forbidden("Only beheer may do this")
    return user


AdminDep = Annotated[User, Depends(get_admin)]
