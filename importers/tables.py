"""What a reader hands to the planner: tables of rows with canonical fields, and problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from importers.columns import TableKind

MAX_CELL_CHARS = 10_000
"""A cell longer than this is refused (no field of wijknet holds more than 2,000 characters)."""

SHOWN_VALUE_CHARS = 120
"""How much of a refused value a problem repeats."""


SURROGATE = re.compile(r"[\ud800-\udfff]")
"""A lone UTF-16 surrogate: JSON text can hold one (``"\\ud800"``), no stored text may."""


def shown(value: Any) -> str:
    """A value as a problem repeats it: text, cut to ``SHOWN_VALUE_CHARS``; a lone surrogate
    (which no page or JSON answer can carry) is shown as U+FFFD."""
    text = SURROGATE.sub("\ufffd", "" if value is None else str(value))
    if len(text) > SHOWN_VALUE_CHARS:
        return text[:SHOWN_VALUE_CHARS] + f"… ({len(text)} tekens)"
    return text


class Problem(BaseModel):
    """One thing wrong with a file: where (source, row, column), the value, and how to fix it.

    ``row`` is the row number as the person sees it in their spreadsheet (the header is row 1),
    the record number in a JSON list (from 1), or 0 for the file as a whole.
    """

    source: str
    row: int = 0
    column: str = ""
    value: str = ""
    message: str
    code: str = "invalid"
    level: Literal["fout", "let op"] = "fout"
    """``fout`` refuses the row; ``let op`` is a warning: the row is imported as told."""
    count: int = 1
    """How many rows a grouped warning stands for."""
    rows: list[int] = []
    """The row numbers of a grouped warning (``row`` is the first)."""


def aantal(n: int, enkelvoud: str, meervoud: str) -> str:
    """``1 probleem``, ``16 problemen``: a count with the right Dutch noun."""
    return f"{n} {enkelvoud if n == 1 else meervoud}"


def rows_text(rows: list[int]) -> str:
    """``rij 3`` or ``3 rijen: 3, 7, 9`` (at most 20 numbers shown)."""
    if len(rows) == 1:
        return f"rij {rows[0]}"
    shown_rows = ", ".join(str(r) for r in rows[:20]) + (", …" if len(rows) > 20 else "")
    return f"{aantal(len(rows), 'rij', 'rijen')}: {shown_rows}"


def describe(problem: Problem) -> str:
    """One line for a problem or a grouped warning, in the user's own words: ``kolom 'Type',
    waarde 'Stakeholder' (2 rijen: 3, 7): geen soort van wijknet; …``."""
    parts = [f"kolom '{problem.column}'"] if problem.column else []
    if problem.value:
        parts.append(f"waarde '{problem.value}'")
    rows = problem.rows or ([problem.row] if problem.row else [])
    where = ", ".join(parts) or problem.source
    if rows:
        where += f" ({rows_text(rows)})"
    return f"{where}: {problem.message}"


FIELD_NAMES = {
    "name": "naam",
    "kind": "soort",
    "type": "type",
    "domain": "domein",
    "role": "rol",
    "wijken": "wijk",
    "wijk": "wijk",
    "themes": "thema's",
    "kernaanpakken": "kernaanpakken",
    "tags": "tags",
    "organisation": "organisatie",
    "description": "omschrijving",
    "contact": "contactgegevens",
    "email": "e-mail",
    "phone": "telefoon",
    "since": "sinds",
    "until": "tot",
    "source": "van",
    "target": "naar",
    "intensity": "intensiteit",
    "note": "notitie",
    "gemeente": "gemeente",
    "cohort": "cohort",
    "slug": "wijkcode",
}
"""The Dutch name of a canonical field, for a column the file does not have."""


@dataclass
class Row:
    """One record of a table: canonical field -> raw value (text, list, number or date)."""

    number: int
    values: dict[str, Any]
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)
    """Cell problems found while reading: (field, value, message, code)."""


@dataclass
class Table:
    """A table of one kind (actors, links or wijken) from one file or sheet."""

    kind: TableKind
    source: str
    columns: dict[str, str]
    """Canonical field -> the header as written in the file (for messages)."""
    rows: list[Row]
    lenient: bool = False
    """Kumu: unknown types become notes instead of problems."""

    def header(self, field_name: str) -> str:
        """The user's own header for a field, else the field's Dutch name."""
        return self.columns.get(field_name) or FIELD_NAMES.get(field_name, field_name)


@dataclass
class ReadResult:
    """What reading one file gave: its tables, file-level problems and notes."""

    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.tables += other.tables
        self.problems += other.problems
        self.notes += other.notes


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``).

    Symmetric with ``unneutralise``: a value that already starts with apostrophes before such
    a character gets one more, so a round trip gives back exactly what was stored.
    """
    if text.lstrip("'").startswith(_DANGEROUS):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo ``neutralise``: drop one leading ``'`` before ``=``, ``+``, ``-``, ``@``."""
    if text.startswith("'") and text.lstrip("'").startswith(_DANGEROUS):
        return text[1:]
    return text
