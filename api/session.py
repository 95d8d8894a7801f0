"""Web sessions: the cookie, the current user, CSRF checks and security headers.

``SessionMiddleware`` reads the session cookie on every request and puts the session and
its user on ``request.state`` (``api.deps.get_optional_user`` reads ``state.user``, so the
JSON API knows the browser's user too). A write to the JSON API with the session cookie
counts only when it carries the session's CSRF token in ``X-CSRF-Token``; without it the
request is anonymous. Page forms carry the token in the field ``csrf_token``, checked by
``api.deps.checked_form`` before any handler sees the form.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.accounts import AccountStore, Session
from api.settings import Settings
from graph.errors import StoreUnavailable

COOKIE = "wijknet_sessie"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
_NO_CSP_PREFIXES = ("/docs", "/redoc", "/openapi.json")


def _headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The raw request headers: (lower-case name, value) byte pairs, as ASGI gives them."""
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    return headers


def _cookie(scope: Scope) -> str | None:
    for name, value in _headers(scope):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == COOKIE and val:
                    return val
    return None


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in _headers(scope):
        if name == wanted:
            return value.decode("latin-1")
    return None


class SessionMiddleware:
    """Pure ASGI middleware: session and user on ``request.state``, security headers.

    When the accounts database cannot be read, the request is answered here by
    ``unavailable`` (a 503: JSON for the API, a Dutch page for pages), never as anonymous.
    """

    def __init__(
        self,
        app: ASGIApp,
        unavailable: Callable[[Request, StoreUnavailable], Response] | None = None,
    ) -> None:
        self.app = app
        self.unavailable = unavailable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state.update(session=None, session_token=None, user=None)
        add_csp = not scope["path"].startswith(("/api/", *_NO_CSP_PREFIXES))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}  # a route's own wins
                headers += [(n, v) for n, v in _HEADERS if n not in present]
                if add_csp:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        token = _cookie(scope)
        try:  # in a thread: a locked accounts file must not hold up the event loop
            accounts: AccountStore = scope["app"].state.accounts
            session = await run_in_threadpool(accounts.get_session, token) if token else None
        except StoreUnavailable as exc:
            if self.unavailable is None:
                raise
            response = self.unavailable(Request(scope, receive), exc)
            await response(scope, receive, send_with_headers)
            return
        user = session.user if session else None
        if (
            session is not None
            and user is not None
            and scope["path"].startswith("/api/")
            and scope["method"] in UNSAFE
            and not session.check_csrf(_header(scope, CSRF_HEADER.encode()))
        ):
            user = None  # a cookie alone never authorises an API write
        state["session"] = session
        state["session_token"] = token if session else None
        state["user"] = user
        await self.app(scope, receive, send_with_headers)


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure
    )


def current_session(request: Request) -> Session | None:
    return getattr(request.state, "session", None)
