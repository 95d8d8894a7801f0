"""Backend-neutral errors of wijknet's domain and stores.

::

    WijknetError
     ├── NotFound           the wijk, actor or link does not exist
     ├── Conflict           stale version, duplicate id, or a delete that would orphan data
     ├── InvalidData        data refused, with field-level messages (Dutch)
     └── StoreUnavailable   the database cannot be reached

Every store backend translates its driver's errors into these at its boundary, so the API,
the CLI and the importers handle one set of errors whatever the backend.
Each error has a stable ``code`` that the JSON API returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One refused field: where (``field``), why (``message``, Dutch) and a stable ``code``."""

    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "code": self.code}


class WijknetError(Exception):
    """Base class of every error wijknet raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(WijknetError):
    """The requested wijk, actor or link does not exist."""

    code = "not_found"


class Conflict(WijknetError):
    """The write lost a race (stale version) or would clash with stored data."""

    code = "conflict"


class InvalidData(WijknetError):
    """The data was refused; ``errors`` lists each refused field."""

    code = "invalid_data"

    def __init__(self, errors: list[FieldError], message: str | None = None) -> None:
        self.errors = list(errors)
        text = message or "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        super().__init__(text, details=[e.as_dict() for e in self.errors])


class StoreUnavailable(WijknetError):
    """The database behind the store cannot be reached or refused the connection."""

    code = "store_unavailable"


def field_errors_from_pydantic(exc: Any, prefix: str = "") -> list[FieldError]:
    """Turn a pydantic ``ValidationError`` into field errors with Dutch messages."""
    out = []
    for err in exc.errors():
        parts = list(err.get("loc", ()))
        if parts and parts[0] == "body":  # a request body as FastAPI reports it
            parts = parts[1:]
        loc = ".".join(str(p) for p in parts if p != "__root__")
        field = f"{prefix}{loc}" if loc else (prefix.rstrip(".") or "data")
        out.append(FieldError(field, dutch_message(err), err.get("type", "invalid")))
    return out


_TYPE_MESSAGES = {
    "missing": "Dit veld is verplicht.",
    "string_too_short": "Dit veld mag niet leeg zijn.",
    "string_too_long": "Deze tekst is te lang (maximaal {max_length} tekens).",
    "enum": "Onbekende waarde; kies uit: {expected}.",
    "literal_error": "Onbekende waarde; kies uit: {expected}.",
    "int_parsing": "Vul een geheel getal in.",
    "int_type": "Vul een geheel getal in.",
    "date_from_datetime_parsing": "Vul een datum in als JJJJ-MM-DD.",
    "date_parsing": "Vul een datum in als JJJJ-MM-DD.",
    "date_type": "Vul een datum in als JJJJ-MM-DD.",
    "greater_than_equal": "De waarde moet minstens {ge} zijn.",
    "less_than_equal": "De waarde mag hoogstens {le} zijn.",
    "string_pattern_mismatch": "Deze waarde heeft niet de juiste vorm.",
    "extra_forbidden": "Dit veld is onbekend.",
    "list_type": "Verwacht een lijst van waarden.",
    "string_type": "Verwacht tekst.",
    "string_unicode": "Deze tekst bevat een ongeldig teken; typ hem opnieuw.",
    "value_error": "{error}",
    "too_short": "Dit veld mag niet leeg zijn.",
    "too_long": "Dit is te lang (maximaal {max_length}).",
}


def dutch_message(err: dict[str, Any]) -> str:
    """A Dutch message for one pydantic error dict; our own validators already speak Dutch."""
    template = _TYPE_MESSAGES.get(err.get("type", ""))
    ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    if err.get("type") == "too_long" and ctx.get("field_type") == "Value":
        template = _TYPE_MESSAGES["string_too_long"]
    if template:
        try:
            return template.format(**ctx)
        except KeyError:
            pass
    return str(err.get("msg", "Ongeldige waarde."))
