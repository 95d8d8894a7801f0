"""The composition root: ``create_app(settings)`` builds the FastAPI app.

Nothing is opened at import time: the store and the shared state (accounts, sessions,
saved mappings, pending uploads; ``api.shared`` picks SQLite or Neo4j from the settings)
are opened in the lifespan (or passed in, as the tests do) and closed when the app stops.
The JSON API is under ``/api/v1``; the pages for people (``api.web``) at ``/``, ``/wijk/{slug}``, …
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import docs, errors, web
from api.accounts import AccountStore
from api.mapdata import MapCache
from api.routes import accounts, actors, analysis, io, links, maps, system, uitvraag, wijken
from api.settings import Settings
from api.shared import open_shared, shared_for
from graph.analysis.cache import AnalysisCache
from graph.analysis.kernaanpak import use_rules
from graph.store import GraphStore, open_store

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for module in (wijken, actors, links, system, analysis, io, maps, accounts, uitvraag):
        router.include_router(module.router)
    return router


def create_app(
    settings: Settings | None = None,
    *,
    store: GraphStore | None = None,
    accounts: AccountStore | None = None,
) -> FastAPI:
    """Build the app; ``store``/``accounts`` given here are used (and not closed) as they are."""
    settings = settings or Settings()
    use_rules(settings.kernaanpak_rules)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = app.state.store is None
        own_accounts = app.state.accounts is None
        if own_store:
            app.state.store = open_store(settings.database, auth=settings.store_auth())
        if own_accounts:
            try:
                shared = open_shared(settings)
            except BaseException:
                if own_store:
                    app.state.store.close()
                    app.state.store = None
                raise
            app.state.accounts = shared.accounts
            app.state.uploads = shared.uploads
            app.state.rounds = shared.rounds
        try:
            yield
        finally:
            if own_store:
                app.state.store.close()
                app.state.store = None
            if own_accounts:
                app.state.accounts.close()
                app.state.accounts = None

    app = FastAPI(
        title="wijknet",
        summary="Netwerkkaart van partners en initiatieven in de wijk (PlusWIJken)",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses={
            401: {
                "model": errors.ErrorBody,
                "description": "Not logged in: no web session and no valid API token",
            },
            403: {"model": errors.ErrorBody},
            404: {"model": errors.ErrorBody},
            409: {"model": errors.ErrorBody},
            422: {"model": errors.ErrorBody},
            503: {"model": errors.ErrorBody},
        },
    )
    app.state.settings = settings
    app.state.store = store
    app.state.accounts = accounts
    app.state.analysis_cache = AnalysisCache()
    app.state.map_cache = MapCache()
    errors.install(app)
    app.include_router(api_router())
    docs.install(app)
    web.install(app)
    if accounts is not None:  # the uploads and rounds beside the accounts given
        shared = shared_for(accounts, settings)
        app.state.uploads = shared.uploads
        app.state.rounds = shared.rounds
    return app
