"""What every ``wijknet`` command shares: the Typer apps (with Dutch help, see
``api.cli.dutch``), the settings, the store and the account store of one command, and how a
command prints JSON or fails.

The commands live in their own modules of ``api.cli`` (``serve``, ``accounts``, ``io``,
``analysis``), each importing only this one; ``api/cli/__init__.py`` imports them all.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from api.accounts import AccountStore
from api.cli.dutch import DutchTyper, use_dutch_help
from api.settings import Settings
from graph.analysis.kernaanpak import use_rules
from graph.store import GraphStore, open_store

use_dutch_help()
app = DutchTyper(
    help="wijknet: netwerkkaart van partners en initiatieven in de wijk.",
    no_args_is_help=True,
    add_completion=False,
)
user_app = DutchTyper(help="Accounts en API-tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
uitvraag_app = DutchTyper(  # here, so its place in the help does not follow import order
    help="Netwerkuitvraag: partners bevestigen en vullen hun eigen samenwerkingen aan.",
    no_args_is_help=True,
)
app.add_typer(uitvraag_app, name="uitvraag")


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
    """The accounts the settings name: the accounts file, or Neo4j (``api.shared``)."""
    from api.shared import open_accounts

    return open_accounts(config or settings())


def default_by() -> str:
    """Who a command writes as, without ``--door``: ``cli:`` and the user's login name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


ByOption = Annotated[
    str, typer.Option("--door", metavar="NAAM", help="Naam die in het logboek komt")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def print_json(value: object) -> None:
    """Print ``value`` (pydantic models included) as JSON on stdout."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    elif isinstance(value, list):
        value = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
