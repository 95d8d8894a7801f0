"""``wijknet check``, ``load-demo``, ``serve`` and ``demo``: the store's health, the demo
data and accounts, and the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from api.accounts import AccountRole
from api.cli.common import accounts_from_settings, app, fail, settings, store_from_settings
from graph.errors import WijknetError

DEMO_PASSWORD_NOTE = "demo-wachtwoord, alleen voor de lokale demo"
DEMO_ACCOUNTS: tuple[tuple[str, str, AccountRole, list[str]], ...] = (
    ("beheer", "beheer-demo-2025", AccountRole.BEHEER, []),
    ("makelaar", "makelaar-demo-2025", AccountRole.WIJKMAKELAAR, ["daalhof", "de-baandert"]),
    ("lezer", "lezer-demo-2025", AccountRole.LEZER, []),
)


@app.command()
def check() -> None:
    """Controleer of de database antwoordt (afsluitcode 0 als alles goed is)."""
    config = settings()
    try:
        with store_from_settings(config) as store:
            health = store.health()
    except WijknetError as exc:
        raise fail(f"Database {config.database}: {exc.message}") from None
    typer.echo(f"{health.backend}: {'ok' if health.ok else 'NIET BEREIKBAAR'} {health.detail}")
    if not health.ok:
        raise typer.Exit(1)


@app.command("load-demo")
def load_demo(base_url: Annotated[str | None, typer.Option(hidden=True)] = None) -> None:
    """Laad de verzonnen demodata van de 12 pilotwijken, de demo-accounts en een
    netwerkuitvraag in Daalhof (nog eens laden verandert niets)."""
    from api.shared import shared_for
    from api.uitvraag.demo import load_demo_round
    from graph.demo import load_demo as load

    config = settings()
    base_url = base_url or f"http://{config.host}:{config.port}"
    accounts = accounts_from_settings(config)
    try:
        with store_from_settings(config) as store:
            result = load(store)
            typer.echo(
                f"Demodata (fictief) geladen in {config.database}: {result.created} nieuw, "
                f"{result.updated} bijgewerkt, {result.unchanged} ongewijzigd."
            )
            token = load_demo_round(store, shared_for(accounts, config).rounds, by="makelaar")
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
    if token is not None:
        typer.echo(
            "Netwerkuitvraag Daalhof (demo): drie partners antwoordden al (zie Daalhof › "
            "Netwerkuitvraag); probeer de pagina van een partner op "
            f"{base_url}/uitvraag/{token}"
        )


Host = Annotated[str | None, typer.Option(metavar="ADRES", help="Adres van de webserver")]
Port = Annotated[int | None, typer.Option(metavar="POORT", help="Poort van de webserver")]


@app.command()
def serve(host: Host = None, port: Port = None) -> None:
    """Start de webapp en de JSON-API (uitleg van de API op /docs)."""
    import uvicorn

    from api.app import create_app

    config = settings()
    host = host or config.host
    port = port or config.port
    typer.echo(
        f"wijknet op http://{host}:{port}  (API-documentatie: /docs, database: {config.database})"
    )
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


@app.command()
def demo(host: Host = None, port: Port = None) -> None:
    """Laad de demodata en start dan de webapp."""
    config = settings()
    load_demo(base_url=f"http://{host or config.host}:{port or config.port}")
    serve(host=host, port=port)
