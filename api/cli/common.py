"""The ``wijknet`` command line. Every command works on the store ``WIJKNET_DATABASE`` names.

Commands of other parts (analysis, import/export) are added by their own modules through
``register(app)`` at the bottom of this file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from api.accounts import AccountRole, AccountStore
from api.settings import Settings
from graph.errors import WijknetError
from graph.kernaanpak import use_rules
from graph.store import GraphStore, open_store

app = typer.Typer(
    help="wijknet: netwerkkaart van partners en initiatieven in de wijk.",
    no_args_is_help=True,
    add_completion=False,
)
user_app = typer.Typer(help="Accounts en API-tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")

DEMO_PASSWORD_NOTE = "demo-wachtwoord, alleen voor de lokale demo"
DEMO_ACCOUNTS = (
    ("beheer", "beheer-demo-2025", AccountRole.BEHEER, []),
    ("makelaar", "makelaar-demo-2025", AccountRole.WIJKMAKELAAR, ["daalhof", "de-baandert"]),
    ("lezer", "lezer-demo-2025", AccountRole.LEZER, []),
)


def settings() -> Settings:
    """The settings of this command; the kernaanpak rules they name take effect."""
    config = Settings()
    use_rules(config.kernaanpak_rules)
    return config


@contextmanager
def store_from_settings(config: Settings | None = None) -> Iterator[GraphStore]:
    """Open the configured store for one command and close it afterwards."""
    config = config or settings()
    store = open_store(config.database, auth=config.store_auth())
    try:
        yield store
    finally:
        store.close()


def accounts_from_settings(config: Settings | None = None) -> AccountStore:
    config = config or settings()
    return AccountStore(
        config.accounts_database,
        max_failed=config.max_failed_logins,
        lockout_minutes=config.lockout_minutes,
    )


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@app.command()
def check() -> None:
    """Check that the store answers (exit code 0 when healthy)."""
    config = settings()
    try:
        with store_from_settings(config) as store:
            health = store.health()
    except WijknetError as exc:
        raise fail(f"Store {config.database}: {exc.message}") from None
    typer.echo(f"{health.backend}: {'ok' if health.ok else 'NIET BEREIKBAAR'} {health.detail}")
    if not health.ok:
        raise typer.Exit(1)


@app.command("load-demo")
def load_demo() -> None:
    """Load the synthetic demo data of the 12 pilot wijken (idempotent) and demo accounts."""
    from graph.demo import load_demo as load

    config = settings()
    with store_from_settings(config) as store:
        result = load(store)
    typer.echo(
        f"Demodata (fictief) geladen in {config.database}: {result.created} nieuw, "
        f"{result.updated} bijgewerkt, {result.unchanged} ongewijzigd."
    )
    accounts = accounts_from_settings(config)
    try:
        typer.echo(f"Demo-accounts ({DEMO_PASSWORD_NOTE}):")
        for username, password, role, wijken in DEMO_ACCOUNTS:
            try:
                accounts.add_user(username, password, role, wijken)
            except WijknetError:
                accounts.set_role(username, role, wijken)
            scope = f" (wijken: {', '.join(wijken)})" if wijken else ""
            typer.echo(f"  {username:<9} wachtwoord {password:<20} rol {role.value}{scope}")
    finally:
        accounts.close()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Serve the web app and the JSON API (docs at /docs)."""
    import uvicorn

    from api.app import create_app

    config = settings()
    host = host or config.host
    port = port or config.port
    typer.echo(f"wijknet op http://{host}:{port}  (API-documentatie: /docs, store: {config.database})")
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


@app.command()
def demo(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Load the demo data, then serve the app."""
    load_demo()
    serve(host=host, port=port)


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


def print_json(value: object) -> None:
    """Print ``value`` (pydantic models included) as JSON on stdout."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def main() -> None:
    app()


from api import cli_io
cli_io.register(app)

from api import cli_analysis
cli_analysis.register(app)
