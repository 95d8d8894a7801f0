"""Logging in and out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import AccountsDep, Form, SettingsDep
from api.session import (
    COOKIE,
    clear_session_cookie,
    current_session,
    set_session_cookie,
)
from api.web.render import render
from importers.tables import aantal

router = APIRouter(include_in_schema=False)


def safe_next(value: object) -> str:
    """A local path to return to after login; anything else becomes ``/``."""
    text = value if isinstance(value, str) else ""
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text
    return "/"


@router.get("/inloggen", response_class=HTMLResponse)
def login_page(request: Request, accounts: AccountsDep, settings: SettingsDep) -> Response:
    """The login form; it opens an anonymous session so the form can carry a CSRF token."""
    nxt = safe_next(request.query_params.get("volgende"))
    if getattr(request.state, "user", None) is not None:
        return RedirectResponse(nxt, status_code=303)
    token = None
    if current_session(request) is None:
        token = accounts.open_session(None, hours=1)
        request.state.session = accounts.get_session(token)
    response = render(request, "login.html", {"volgende": nxt, "username": ""})
    if token:
        set_session_cookie(response, token, settings)
    return response


@router.post("/inloggen", response_class=HTMLResponse)
def login(request: Request, form: Form, accounts: AccountsDep, settings: SettingsDep) -> Response:
    """Check the password; on success start a fresh session (the old one is ended)."""
    username = str(form.get("username") or "").strip().lower()
    password = str(form.get("password") or "")
    nxt = safe_next(form.get("volgende"))
    user = accounts.authenticate(username, password) if username and password else None
    if user is None:
        if username and accounts.is_locked(username):
            error = (
                "Te veel mislukte pogingen: dit account is tijdelijk geblokkeerd. "
                f"Probeer het over {aantal(settings.lockout_minutes, 'minuut', 'minuten')} "
                "opnieuw."
            )
        else:
            error = "De gebruikersnaam of het wachtwoord klopt niet."
        context = {"volgende": nxt, "username": username, "error": error}
        return render(request, "login.html", context, status=400)
    old = request.cookies.get(COOKIE)
    if old:
        accounts.end_session(old)
    token = accounts.open_session(user.username, hours=settings.session_hours)
    response = RedirectResponse(nxt, status_code=303)
    set_session_cookie(response, token, settings)
    return response


@router.post("/uitloggen")
def logout(request: Request, form: Form, accounts: AccountsDep, settings: SettingsDep) -> Response:
    """End the session and forget the cookie."""
    token = request.cookies.get(COOKIE)
    if token:
        accounts.end_session(token)
    response = RedirectResponse("/inloggen?melding=uitgelogd", status_code=303)
    clear_session_cookie(response, settings)
    return response
