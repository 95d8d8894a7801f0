"""Cell values to typed values, each refusal a Dutch message that says how to fix it.

Every parser takes what a reader gives (text, a list from JSON, a number or a date from
Excel) and returns the typed value, or raises ``CellError`` with the message.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Any

from importers.columns import match_enum, split_multi, suggestion


class CellError(ValueError):
    """A cell that cannot be read; ``message`` says how to fix it (Dutch).

    ``enum`` is set when the cell must name a member of it: the planner then lists the
    allowed values once per column (``ImportPlan.allowed``), not in every message.
    """

    def __init__(self, message: str, code: str = "invalid", enum: type[Enum] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.enum = enum


UNKNOWN = {
    "domein": "Onbekend domein",
    "type": "Onbekend type",
    "cohort": "Onbekend cohort",
    "rol": "Onbekende rol",
    "soort": "Onbekende soort",
    "soort samenwerking": "Onbekende soort samenwerking",
    "intensiteit": "Onbekende intensiteit",
    "thema's": "Onbekende thema's",
    "kernaanpakken": "Onbekende kernaanpakken",
}
"""``what`` -> the Dutch phrase with the right article (het domein, de rol)."""


def unknown(what: str) -> str:
    return UNKNOWN.get(what, f"Onbekende waarde voor {what}")


def text(value: Any) -> str:
    """A cell as text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value).strip()


def multi(value: Any) -> list[str]:
    """Several values: a JSON list, or text split on ``;``, ``,``, ``|`` or line breaks."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return split_multi(str(value))


def one_of(enum: type[Enum], value: Any, what: str) -> Enum:
    """One member of ``enum`` named by ``value``."""
    raw = text(value)
    member = match_enum(enum, raw)
    if member is None:
        raise CellError(
            f"{unknown(what)} '{raw}'.{suggestion(enum, raw)} "
            "Zie de toegestane waarden voor deze kolom.",
            "unknown_value",
            enum,
        )
    return member


def split_known(enum: type[Enum], value: Any) -> tuple[list[Enum], list[str]]:
    """The members of ``enum`` named in one cell, and the parts that name none."""
    members, rest = [], []
    for part in multi(value):
        member = match_enum(enum, part)
        if member is None:
            rest.append(part)
        else:
            members.append(member)
    return members, rest


def many_of(enum: type[Enum], value: Any, what: str) -> list[Enum]:
    """Members of ``enum`` named in one cell; every unknown value is named in the message."""
    members, rest = split_known(enum, value)
    if rest:
        hints = "".join(suggestion(enum, u) for u in rest[:3])
        names = ", ".join(f"'{u}'" for u in rest)
        raise CellError(
            f"{unknown(what)}: {names}.{hints} Zie de toegestane waarden voor deze kolom "
            "(meerdere waarden scheiden met ; of ,).",
            "unknown_value",
            enum,
        )
    return members


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def a_date(value: Any, *, end: bool = False) -> date | None:
    """A date: ISO (2024-03-01), Dutch (01-03-2024, 1/3/2024), an Excel date, or a year.

    A year alone means its first day, or its last day for an end date (``end=True``).
    """
    if value is None or isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    try:
        if m := _ISO.match(raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(raw):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _YEAR.match(raw):
            return date(int(m[1]), 12, 31) if end else date(int(m[1]), 1, 1)
    except ValueError:
        pass
    raise CellError(
        f"Onbekende datum '{raw}'. Schrijf de datum als JJJJ-MM-DD (2024-03-01) of "
        "DD-MM-JJJJ (01-03-2024).",
        "bad_date",
    )


def cohort(value: Any) -> int | None:
    raw = text(value)
    if not raw:
        return None
    if raw in {"1", "2"}:
        return int(raw)
    raise CellError(
        f"Onbekend cohort '{raw}'. Vul 1 of 2 in, of laat de cel leeg.", "unknown_value"
    )
