"""``wijknet user …``: accounts and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from api.accounts import AccountRole
from api.cli.common import accounts_from_settings, fail, settings, store_from_settings, user_app
from graph.errors import WijknetError


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[AccountRole, typer.Option(help="lezer, wijkmakelaar or beheer")],
    wijk: Annotated[list[str] | None, typer.Option(help="Assigned wijk (repeat)")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (asked for when omitted)", hide_input=True)
    ] = None,
) -> None:
    """Create an account (every --wijk must exist in the store)."""
    if password is None:
        password = typer.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    config = settings()
    known = None
    if wijk:
        try:
            with store_from_settings(config) as store:
                known = [w.slug for w in store.list_wijken()]
        except WijknetError as exc:
            raise fail(f"Store {config.database}: {exc.message}") from None
    accounts = accounts_from_settings(config)
    try:
        user = accounts.add_user(username, password, role, wijk or [], known_wijken=known)
    except WijknetError as exc:
        raise fail(exc.message) from None
    finally:
        accounts.close()
    typer.echo(f"Account {user.username} aangemaakt (rol {user.role.value}).")


@user_app.command("list")
def user_list() -> None:
    """List the accounts."""
    accounts = accounts_from_settings()
    try:
        for user in accounts.list_users():
            typer.echo(f"{user.username:<20} {user.role.value:<13} {', '.join(user.wijken)}")
    finally:
        accounts.close()


@user_app.command("token")
def user_token(username: str, label: str = "api") -> None:
    """Create an API token for an account (shown once)."""
    accounts = accounts_from_settings()
    try:
        token = accounts.create_token(username, label)
    except WijknetError as exc:
        raise fail(exc.message) from None
    finally:
        accounts.close()
    typer.echo(token)
