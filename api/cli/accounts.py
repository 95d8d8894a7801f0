"""``wijknet user …``: accounts and API tokens; ``wijknet accounts migrate``: an accounts file
copied into Neo4j. The accounts are where ``api.shared`` says: in the accounts file, or in
Neo4j when ``WIJKNET_DATABASE`` names a Neo4j server."""

from __future__ import annotations

from typing import Annotated

import typer

from api.accounts import AccountRole, AccountStore
from api.cli.common import (
    accounts_from_settings,
    app,
    fail,
    settings,
    store_from_settings,
    user_app,
)
from api.cli.dutch import DutchTyper
from api.settings import Settings
from api.shared import is_neo4j_url
from graph.errors import WijknetError

accounts_app = DutchTyper(help="Accounts overzetten naar Neo4j.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")


def _accounts(config: Settings | None = None) -> AccountStore:
    """The accounts of the configured database (the accounts file, or Neo4j)."""
    try:
        return accounts_from_settings(config)
    except WijknetError as exc:
        raise fail(f"Accounts: {exc.message}") from None


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(metavar="NAAM", help="Gebruikersnaam")],
    role: Annotated[
        AccountRole, typer.Option(metavar="ROL", help="Rol: lezer, wijkmakelaar of beheer")
    ],
    wijk: Annotated[
        list[str] | None,
        typer.Option(metavar="WIJK", help="Wijk van het account (herhaal voor meer wijken)"),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            metavar="WACHTWOORD", help="Wachtwoord (zonder deze optie vraagt wijknet erom)"
        ),
    ] = None,
) -> None:
    """Maak een account (elke --wijk moet al in de database staan)."""
    if password is None:
        password = typer.prompt("Wachtwoord", hide_input=True)
        if typer.prompt("Herhaal het wachtwoord", hide_input=True) != password:
            raise fail("De twee wachtwoorden zijn niet gelijk. Er is geen account gemaakt.")
    config = settings()
    known = None
    if wijk:
        try:
            with store_from_settings(config) as store:
                known = [w.slug for w in store.list_wijken()]
        except WijknetError as exc:
            raise fail(f"Database {config.database}: {exc.message}") from None
    accounts = _accounts(config)
    try:
        user = accounts.add_user(username, password, role, wijk or [], known_wijken=known)
    except WijknetError as exc:
        raise fail(exc.message) from None
    finally:
        accounts.close()
    typer.echo(f"Account {user.username} aangemaakt (rol {user.role.value}).")


@user_app.command("list")
def user_list() -> None:
    """Toon de accounts."""
    accounts = _accounts()
    try:
        for user in accounts.list_users():
            typer.echo(f"{user.username:<20} {user.role.value:<13} {', '.join(user.wijken)}")
    finally:
        accounts.close()


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(metavar="NAAM", help="Gebruikersnaam")],
    label: Annotated[str, typer.Option(metavar="LABEL", help="Naam van het token")] = "api",
) -> None:
    """Maak een API-token voor een account (u ziet het maar één keer)."""
    accounts = _accounts()
    try:
        token = accounts.create_token(username, label)
    except WijknetError as exc:
        raise fail(exc.message) from None
    finally:
        accounts.close()
    typer.echo(token)


@accounts_app.command("migrate")
def accounts_migrate(
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="BESTAND",
            help="Het accountbestand: sqlite:///pad/accounts.db of een pad",
        ),
    ],
) -> None:
    """Zet accounts, API-tokens en opgeslagen koppelingen uit een accountbestand over naar
    de Neo4j-database van WIJKNET_DATABASE. Wat er al staat blijft zoals het is, dus nog
    eens draaien kan geen kwaad. Sessies gaan niet mee: iedereen logt opnieuw in."""
    from api.shared.migrate import accounts_path, migrate_accounts
    from api.shared.neo4j_accounts import Neo4jAccountStore

    config = settings()
    if not is_neo4j_url(config.database):
        raise fail(
            f"WIJKNET_DATABASE is {config.database}: geen Neo4j-database. Met SQLite staan de "
            "accounts al in het accountbestand; er is niets over te zetten."
        )
    path = accounts_path(source)
    target = _accounts(config)
    assert isinstance(target, Neo4jAccountStore)
    try:
        report = migrate_accounts(path, target)
    except WijknetError as exc:
        raise fail(exc.message) from None
    finally:
        target.close()
    typer.echo(f"Overgezet van {path} naar {config.database}:")
    for label, tally in (
        ("accounts", report.accounts),
        ("API-tokens", report.tokens),
        ("koppelingen", report.mappings),
    ):
        typer.echo(f"  {label}: {tally.copied} gekopieerd, {tally.kept} stonden er al")
