"""FastAPI dependencies: the store, the account store and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.accounts import AccountRole, AccountStore, User
from api.errors import forbidden, unauthorized
from api.settings import Settings
from graph.store import GraphStore

_bearer = HTTPBearer(auto_error=False, description="API token (`wijknet token USER`)")


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
