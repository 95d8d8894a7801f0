"""What a reader finds in a file before any column is mapped: raw tables of raw rows.

A spreadsheet or CSV gives a grid (every non-empty row; which row holds the headers is
decided by the mapping step); a JSON or XML file gives records keyed by the file's own
names. ``importers.mapping`` turns raw tables into the ``Table`` of canonical fields that
the planner reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from importers.columns import TableKind
from importers.tables import Problem

Origin = Literal["csv", "xlsx", "kumu-xlsx", "kumu-json", "wijknet-json", "graphml", "gexf"]


class Formula(str):
    """A cell that held a formula (``=SUM(…)``); kept only to be reported."""

    __slots__ = ()


@dataclass
class RawRow:
    """One record: the spreadsheet row number (or the record number from 1) and its cells."""

    number: int
    cells: dict[str, Any]
    """Header as written -> raw value (text, list, number, date or ``Formula``)."""
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)
    """Problems found while reading: (header, value, message, code)."""


@dataclass
class RawTable:
    """One table of a file (a sheet, a CSV, Kumu's elements), its columns not yet mapped."""

    source: str
    """As problems name it: ``"bestand.xlsx › Elements"``, ``"kaart.json › connections"``."""
    origin: Origin
    kind_hint: TableKind | None = None
    """What the structure says the table is (Kumu elements, GraphML edges, our JSON keys)."""
    grid: list[tuple[int, list[Any]]] = field(default_factory=list)
    """CSV and XLSX: every non-empty row with its number; the header row is not chosen yet."""
    headers: list[str] = field(default_factory=list)
    """JSON and XML: the union of the records' keys, in first-seen order."""
    rows: list[RawRow] = field(default_factory=list)
    """JSON and XML: the records."""
    own_ids: bool = False
    """The ids are wijknet ids (our own export), not another tool's references."""

    @property
    def name(self) -> str:
        """The table as a mapping names it (``bron``): the part after the last ``›``."""
        return self.source.rsplit("›", 1)[-1].strip()


@dataclass
class RawRead:
    """What reading one or more files gave: raw tables, file-level problems and notes."""

    raw: list[RawTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extend(self, other: RawRead) -> None:
        self.raw += other.raw
        self.problems += other.problems
        self.notes += other.notes


def record_table(
    source: str,
    origin: Origin,
    kind: TableKind | None,
    records: list[RawRow],
    *,
    own_ids: bool = False,
) -> RawTable:
    """A raw table of records, its headers the union of their keys in first-seen order."""
    headers: dict[str, None] = {}
    for row in records:
        headers.update(dict.fromkeys(row.cells))
    return RawTable(
        source=source,
        origin=origin,
        kind_hint=kind,
        headers=list(headers),
        rows=records,
        own_ids=own_ids,
    )
