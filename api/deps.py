"""Every FastAPI dependency of the app: a provider function and its ``Annotated`` alias,
for the JSON API (``api/routes``) and the pages (``api/web``) alike.

- What the app holds: the store, the account store, the settings, the analysis cache, the
  cache of built maps and the uploads waiting for their confirmation.
- Who asks through the JSON API: the user of an API token or of the web session, the read
  policy (``ReadAccess``) and the roles that write (``WriterDep``, ``AdminDep``).
- Who asks on a page: ``PageUser`` (anonymous visitors go to the login page),
  ``PageWriter`` and ``PageAdmin``; and ``Form``, the posted form after its CSRF check.

The roles are checked with the rules of ``api.permissions``; the checks per record follow
in the handlers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import FormData

from api.accounts import AccountStore, User
from api.errors import LoginRequired, unauthorized
from api.mapdata import MapCache
from api.mappings import MappingStore
from api.permissions import (
    ApiRefusal,
    PageRefusal,
    api_refused,
    csrf_refused,
    may_change_map,
    may_manage,
    page_refused,
)
from api.schemas import visible_actor, visible_snapshot
from api.session import CSRF_FIELD, current_session
from api.settings import PublicRead, Settings
from api.shared import shared_for
from api.uitvraag.store import RoundStore
from api.uploads import PendingUploads
from graph.analysis.cache import AnalysisCache
from graph.model import Actor, ActorKind, Link, Snapshot, Wijk
from graph.store import GraphStore

_bearer = HTTPBearer(
    auto_error=False,
    description="API token (`wijknet user token NAME`); a web session's cookie also counts",
)


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


def get_accounts(request: Request) -> AccountStore:
    accounts: AccountStore = request.app.state.accounts
    return accounts


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_analysis_cache(request: Request) -> AnalysisCache:
    """The app's analysis cache (one per app, made by ``create_app``)."""
    cache: AnalysisCache = request.app.state.analysis_cache
    return cache


def get_map_cache(request: Request) -> MapCache:
    """The app's cache of built maps (one per app, made by ``create_app``)."""
    maps: MapCache = request.app.state.map_cache
    return maps


def get_uploads(request: Request) -> PendingUploads:
    """The uploads waiting between an import's preview and its confirmation (``api.web``)."""
    uploads: PendingUploads = request.app.state.uploads
    return uploads


def get_rounds(request: Request) -> RoundStore:
    """The netwerkuitvraag's rounds, beside the accounts (``api.uitvraag``, ``api.shared``)."""
    rounds: RoundStore = request.app.state.rounds
    return rounds


StoreDep = Annotated[GraphStore, Depends(get_store)]
AccountsDep = Annotated[AccountStore, Depends(get_accounts)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[AnalysisCache, Depends(get_analysis_cache)]
MapCacheDep = Annotated[MapCache, Depends(get_map_cache)]
UploadsDep = Annotated[PendingUploads, Depends(get_uploads)]
RoundsDep = Annotated[RoundStore, Depends(get_rounds)]


def get_mappings(request: Request, accounts: AccountsDep) -> MappingStore:
    """The saved import mappings, beside the accounts: in the accounts file or in Neo4j
    (``api.mappings``, ``api.shared``)."""
    found = getattr(accounts, "_import_mappings", None)
    if not isinstance(found, MappingStore):
        found = shared_for(accounts, get_settings(request)).mappings
        accounts._import_mappings = found  # type: ignore[attr-defined]
    return found


MappingsDep = Annotated[MappingStore, Depends(get_mappings)]


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
        return [
            link.model_copy(update={"note": "", "confirmed": None})
            for link in links
            if link.source in shown and link.target in shown
        ]

    def snapshot(self, snapshot: Snapshot) -> Snapshot:
        if self.user is not None:
            return visible_snapshot(snapshot, self.user)
        return snapshot.model_copy(
            update={
                "wijk": self.wijk(snapshot.wijk),
                "actors": self.actors(snapshot.actors),
                "links": self.links(snapshot.links, snapshot.actors),
            }
        )


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
        if user is None and not (self.public and settings.public_read is PublicRead.ORGANISATIES):
            raise unauthorized()
        return Reader(user)


ReaderDep = Annotated[Reader, Depends(ReadAccess())]
"""A read that needs a login whatever ``WIJKNET_PUBLIC_READ`` says."""
PublicReaderDep = Annotated[Reader, Depends(ReadAccess(public=True))]
"""A read that ``WIJKNET_PUBLIC_READ=organisaties`` opens to anonymous readers, filtered."""


def get_writer(user: UserDep) -> User:
    """A user whose role writes (wijkmakelaar or beheer); wijk checks follow per record."""
    if not may_change_map(user):
        raise api_refused(ApiRefusal.LEZER)
    return user


WriterDep = Annotated[User, Depends(get_writer)]


def get_admin(user: UserDep) -> User:
    if not may_manage(user):
        raise api_refused(ApiRefusal.BEHEER)
    return user


AdminDep = Annotated[User, Depends(get_admin)]


def page_user(request: Request) -> User:
    """The logged-in user of a page; anonymous visitors go to the login page."""
    user: User | None = getattr(request.state, "user", None)
    if user is None:
        raise LoginRequired()
    return user


PageUser = Annotated[User, Depends(page_user)]


def page_writer(user: PageUser) -> User:
    """A user whose role may change the map (wijk checks follow per record)."""
    if not may_change_map(user):
        raise page_refused(PageRefusal.LEZER)
    return user


PageWriter = Annotated[User, Depends(page_writer)]


def page_admin(user: PageUser) -> User:
    if not may_manage(user):
        raise page_refused(PageRefusal.BEHEER)
    return user


PageAdmin = Annotated[User, Depends(page_admin)]


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token has been checked against the session."""
    form = await request.form()
    session = current_session(request)
    token = form.get(CSRF_FIELD)
    if session is None or not isinstance(token, str) or not session.check_csrf(token):
        raise csrf_refused()
    return form


Form = Annotated[FormData, Depends(checked_form)]
