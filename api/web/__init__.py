"""The web app for people: Dutch HTML pages next to the JSON API.

``install(app)`` adds the session middleware, the static files, the page routers and the
error pages. Pages live at ``/``, ``/wijk/{slug}``, ``/actor/{id}``, … while the JSON API
stays under ``/api/v1``; errors under ``/api/`` keep their JSON body.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import (
    LoginRequired,
    WebError,
    domain_error_json,
    error_response,
    http_error_json,
    http_headers,
    request_error_json,
    status_of,
)
from api.permissions import NO_ACCESS, PageRefusal
from api.session import SessionMiddleware
from api.uploads import PendingUploads
from api.web import (
    actors,
    admin,
    agenda,
    auth,
    compare,
    forms,
    importing,
    linkforms,
    merging,
    pages,
    printing,
    respondent,
    uitvraag,
    upkeep,
)
from api.web.render import STATIC, render
from graph.errors import StoreUnavailable, WijknetError

__all__ = ["install"]

_TITLES = {
    400: "Dat ging niet goed",
    401: "Log eerst in",
    403: NO_ACCESS,
    404: "Niet gevonden",
    405: "Dat kan hier niet",
    409: "Iemand anders was u voor",
    422: "Deze gegevens kloppen niet",
    503: "De database is niet bereikbaar",
}
_MESSAGES = {
    401: "Log in om verder te gaan.",
    403: PageRefusal.ROLE,
    404: "Deze pagina of deze gegevens bestaan niet (meer).",
    405: "Wat u probeerde, kan niet op deze pagina.",
    409: "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw.",
    422: "De gegevens zijn niet geldig.",
    503: "De database is even niet bereikbaar. Probeer het zo nog eens.",
}


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/docs", "/redoc", "/openapi.json"))


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    title = _TITLES.get(status, "Er ging iets mis")
    text = message or _MESSAGES.get(status, "Probeer het later nog eens.")
    return render(request, "error.html", {"title": title, "message": text}, status=status)


def _accounts_unavailable(request: Request, exc: StoreUnavailable) -> Response:
    """The answer when the session cannot be read: 503 as JSON or as a Dutch page."""
    if not _is_page(request):
        return error_response(503, exc.code, exc.message)
    return error_page(request, 503)


def install(app: FastAPI) -> None:
    """Add pages, static files, the session middleware and HTML error pages to ``app``."""
    app.add_middleware(SessionMiddleware, unavailable=_accounts_unavailable)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.uploads = PendingUploads(app.state.settings.upload_dir)
    for module in (
        auth,
        pages,
        agenda,
        actors,
        forms,
        linkforms,
        upkeep,
        compare,
        admin,
        importing,
        merging,
        printing,
        uitvraag,
        respondent,
    ):
        app.include_router(module.router)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return render(
            request, "error.html", {"title": exc.title, "message": exc.message}, status=exc.status
        )

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        return RedirectResponse("/inloggen?" + urlencode({"volgende": target}), status_code=303)

    @app.exception_handler(WijknetError)
    async def _domain(request: Request, exc: WijknetError) -> Response:
        if not _is_page(request):
            return await domain_error_json(request, exc)
        return error_page(request, status_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_page(request):
            return await http_error_json(request, exc)
        response = error_page(request, exc.status_code)
        response.headers.update(http_headers(request, exc))
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not _is_page(request):
            return await request_error_json(request, exc)
        return error_page(request, 400, "Het adres of het formulier is niet geldig.")
