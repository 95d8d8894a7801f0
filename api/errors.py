"""One mapping from domain errors to HTTP, and one error body for every failure.

Every error response of the JSON API has the body ``{"code", "message", "details"}``:
``code`` is stable (scripts may rely on it), ``message`` is for people. The pages answer a
``WebError`` with a Dutch error page and ``LoginRequired`` with the login page (the handlers
are in ``api.web``). Refusals for lack of rights (403) are made in ``api.permissions``.

A refused request lists at most ``MAX_ERRORS_SHOWN`` field errors (the message says how
many more there were), and a JSON body over ``MAX_JSON_BODY`` bytes is refused with 413
before it is parsed, so a hostile body costs bounded work and a small answer.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import (
    Conflict,
    InvalidData,
    NotFound,
    StoreUnavailable,
    WijknetError,
    field_errors_from_pydantic,
)

MAX_ERRORS_SHOWN = 100
"""At most this many field errors in ``details``."""

MAX_JSON_BODY = 1024 * 1024
"""The largest JSON request body the API reads (bytes); records are a few kB at most."""

STATUS: dict[type[WijknetError], int] = {
    NotFound: 404,
    Conflict: 409,
    InvalidData: 422,
    StoreUnavailable: 503,
}


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str
    message: str
    details: Any = None


class ApiError(WijknetError):
    """An HTTP-level refusal raised by the API itself (authentication, roles)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.status = status
        self.code = code


def unauthorized(message: str = "Log in or send a valid API token") -> ApiError:
    return ApiError(401, "unauthorized", message)


class WebError(Exception):
    """A page-level refusal shown as a Dutch error page (``status`` and ``message``)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class LoginRequired(Exception):
    """The page needs a logged-in user: send the browser to the login page."""


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(code=code, message=message, details=details).model_dump()
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, headers=headers or None)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers on the request's path."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    allowed = []
    for method in _METHODS:
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in routes):
            allowed.append(method)
    return allowed


def http_headers(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    """The headers an HTTP error carries; a 405 names every method the path allows (the
    router names only those of the first route that matched the path)."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        methods = allowed_methods(request)
        if methods:
            headers["Allow"] = ", ".join(methods)
        headers.setdefault("Allow", "GET, HEAD")  # a mounted folder of static files
    return headers


def capped_errors(exc: Any) -> tuple[list[dict[str, str]], int]:
    """The first ``MAX_ERRORS_SHOWN`` errors of a validation error (as field errors with
    Dutch messages) and how many there were in all."""
    errors = exc.errors()
    first = SimpleNamespace(errors=lambda: errors[:MAX_ERRORS_SHOWN])
    return [e.as_dict() for e in field_errors_from_pydantic(first)], len(errors)


class JsonBodyLimit:
    """Refuse a JSON body of more than ``limit`` bytes to the API with 413 before anything
    reads it (uploads are multipart and have a limit of their own)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_JSON_BODY) -> None:
        self.app = app
        self.limit = limit

    @staticmethod
    def _is_json(scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"content-type":
                kind: bytes = value.split(b";")[0].strip().lower()
                return kind.startswith(b"application/") and (
                    kind == b"application/json" or kind.endswith(b"+json")
                )
        return True  # FastAPI reads a body without a content type as JSON

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "payload_too_large",
            f"The request body is larger than {self.limit // 1024} kB",
            {"limit": self.limit},
        )
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or not scope["path"].startswith("/api/")
            or not self._is_json(scope)
        ):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(scope, receive, send)
                return
        messages: list[Message] = []
        size = 0
        while True:  # read the body up to the limit, then hand it on as it came
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def status_of(exc: WijknetError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)


async def domain_error_json(_: Request, exc: WijknetError) -> JSONResponse:
    """A domain error as the API's JSON error body."""
    message, details = exc.message, exc.details
    if isinstance(exc, InvalidData) and len(exc.errors) > MAX_ERRORS_SHOWN:
        shown = exc.errors[:MAX_ERRORS_SHOWN]
        message = "; ".join(f"{e.field}: {e.message}" for e in shown) + (
            f" (and {len(exc.errors) - len(shown)} more errors)"
        )
        details = [e.as_dict() for e in shown]
    return error_response(status_of(exc), exc.code, message, details)


async def request_error_json(_: Request, exc: RequestValidationError) -> JSONResponse:
    """A request FastAPI could not validate as the API's JSON error body."""
    errors, total = capped_errors(exc)
    message = "The request is not valid"
    if total > len(errors):
        message += (
            f" ({total} errors; the first {len(errors)} are listed, "
            f"{total - len(errors)} more are not)"
        )
    return error_response(422, "invalid_request", message, errors)


async def http_error_json(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """An HTTP error (404, 405, …) as the API's JSON error body."""
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(
        exc.status_code, code, str(exc.detail), headers=http_headers(request, exc)
    )


def install(app: FastAPI) -> None:
    """Register the handlers and the JSON body limit on ``app``."""
    app.add_middleware(JsonBodyLimit)
    # the decorator, called directly: add_exception_handler's type takes only handlers of
    # Exception itself, while each of these takes the one class it is registered for
    app.exception_handler(WijknetError)(domain_error_json)
    app.exception_handler(RequestValidationError)(request_error_json)
    app.exception_handler(StarletteHTTPException)(http_error_json)
