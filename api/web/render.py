"""Rendering pages: one autoescaping Jinja2 environment, Dutch formatting, messages.

Everything a template prints is escaped (``Jinja2Templates`` turns autoescape on for
``.html``); data for scripts goes through ``tojson`` into ``<script type="application/json">``
blocks or through JSON endpoints, never into HTML or inline script.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.permissions import may_manage
from api.session import CSRF_FIELD, current_session
from api.web.explain import EXPLANATIONS
from graph.model import label
from visual.export import MONTHS

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


MESSAGES = {
    "opgeslagen": "Opgeslagen.",
    "toegevoegd": "Toegevoegd.",
    "bevestigd": "Bevestigd: dit klopt nog.",
    "verwijderd": "Verwijderd.",
    "samengevoegd": "Samengevoegd: de verbindingen en medewerkers van de andere actor staan "
    "nu hier, en de andere actor is verwijderd.",
    "uitgelogd": "U bent uitgelogd.",
    "besproken": "Gemarkeerd als besproken; dit voorstel komt niet meer terug.",
    "niet-relevant": "Gemarkeerd als niet relevant; dit voorstel komt niet meer terug.",
    "voorgesteld": "Vastgelegd: dit voorstel staat op de agenda.",
    "benaderd": "Vastgelegd: de twee zijn benaderd.",
    "kennismaking-gepland": "Vastgelegd: de kennismaking is gepland.",
    "ontmoet": "Vastgelegd: de twee hebben elkaar ontmoet.",
    "samenwerking-vastgelegd": "Vastgelegd: de twee werken nu samen.",
    "later": "Vastgelegd: dit voorstel wacht tot de datum die u gaf en komt daarna terug.",
    "ongedaan": "De laatste stap is teruggedraaid.",
    "account-aangemaakt": "Het account is aangemaakt.",
    "account-gewijzigd": "Het account is gewijzigd.",
    "account-verwijderd": "Het account is verwijderd.",
    "wachtwoord-gewijzigd": (
        "Het wachtwoord is gewijzigd; wie met dit account was ingelogd, is nu uitgelogd."
    ),
}
"""Confirmations shown after a redirect (``?melding=…``): only these fixed texts, so no
request value is ever echoed into a page."""


def dutch_date(value: date | datetime | str | None, *, time: bool = False) -> str:
    """``date(2025, 3, 12)`` becomes ``"12 maart 2025"``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if time and isinstance(value, datetime):
        text += f", {value.astimezone():%H:%M}"
    return text


def _signed(text: str) -> str:
    """``text`` without its minus sign when every digit in it is zero: never "-0,00"."""
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        return text[1:]
    return text


def number(value: float | int | None, digits: int = 2) -> str:
    """Dutch number: decimal comma (``0,25``); integers as they are; never a negative zero.

    >>> number(-0.001), number(-0.0, 0), number(-1234, 0), number(-0.5)
    ('0,00', '0', '-1.234', '-0,50')
    """
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer() and digits == 0:
        return _signed(f"{int(value):,}".replace(",", "."))
    return _signed(f"{value:.{digits}f}".replace(".", ","))


def percent(value: float | None, digits: int = 0) -> str:
    """A share as a Dutch percentage (``0.25`` becomes ``25%``); never a negative zero.

    >>> percent(-0.001), percent(0.125, 1), percent(-0.2)
    ('0%', '12,5%', '-20%')
    """
    if value is None:
        return "—"
    return _signed(f"{value * 100:.{digits}f}".replace(".", ",")) + "%"


def enum_label(value: Enum | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return label(value)
    return str(value)


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file() and path.suffix in {".css", ".js"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(datum=dutch_date, getal=number, procent=percent, label=enum_label)
templates.env.globals.update(
    static_version=_static_version(), csrf_field=CSRF_FIELD, uitleg_teksten=EXPLANATIONS
)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render template ``name`` with the user, the CSRF token and any confirmation."""
    session = current_session(request)
    melding = request.query_params.get("melding")
    user = getattr(request.state, "user", None)
    ctx: dict[str, Any] = {
        "user": user,
        "may_manage": user is not None and may_manage(user),
        "csrf_token": session.csrf_token() if session else "",
        "melding": MESSAGES.get(melding or ""),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status)
