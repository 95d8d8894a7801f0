"""Saved import mappings, and the glue between the import pages/API/CLI and the mapping step.

A mapping (``importers.mapping.ImportMapping``) says how a kind of file maps onto wijknet:
columns, values and defaults. Saved under a name it is used again next month, by anyone in
the region: ``MappingStore`` keeps them in the accounts SQLite file, in the table
``import_mappings``; with the graph in Neo4j ``api.shared.neo4j_mappings`` keeps them there
(``api.shared`` chooses). Wijkmakelaars and beheer save or overwrite; beheer deletes (the
callers check the role).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.accounts import AccountStore
from graph.store import GraphStore
from importers.apply import MappedPlan, plan_files
from importers.mapping import Defaults, ImportMapping, MappingError
from importers.plan import ImportPlan, MayEmploy, Progress

__all__ = [
    "NAME_RE",
    "MappingStore",
    "SavedMapping",
    "effective_mapping",
    "plan_import",
    "valid_name",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS import_mappings (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
"""

NAME_RE = re.compile(r"^[^\x00-\x1f\x7f/\\]{1,80}$")
"""A mapping's name: 1 to 80 characters, no control characters and no slashes."""


def valid_name(name: str) -> str | None:
    """The name stripped, or None when it cannot name a mapping."""
    name = (name or "").strip()
    return name if NAME_RE.match(name) else None


@dataclass(frozen=True)
class SavedMapping:
    name: str
    mapping: ImportMapping
    updated_at: str
    updated_by: str


class MappingStore:
    """Named mappings in the accounts file (its connection and its lock)."""

    def __init__(self, accounts: AccountStore) -> None:
        self._db = accounts._conn
        self._lock: threading.Lock = accounts._lock
        self._db.executescript(_SCHEMA)

    def names(self) -> list[str]:
        rows = self._db.execute("SELECT name FROM import_mappings ORDER BY name").fetchall()
        return [str(r[0]) for r in rows]

    def list(self) -> list[SavedMapping]:
        rows = self._db.execute(
            "SELECT name, body, updated_at, updated_by FROM import_mappings ORDER BY name"
        ).fetchall()
        return [s for s in (self._saved(r) for r in rows) if s is not None]

    def get(self, name: str) -> SavedMapping | None:
        row = self._db.execute(
            "SELECT name, body, updated_at, updated_by FROM import_mappings WHERE name = ?",
            (name,),
        ).fetchone()
        return self._saved(row) if row else None

    def save(self, name: str, mapping: ImportMapping, *, by: str) -> SavedMapping:
        """Save (or overwrite) ``mapping`` under ``name``; its ``naam`` becomes the name."""
        mapping = mapping.model_copy(update={"naam": name})
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute(
                "INSERT INTO import_mappings (name, body, updated_at, updated_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET body = excluded.body, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (name, mapping.to_json(), now, by),
            )
        return SavedMapping(name, mapping, now, by)

    def delete(self, name: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM import_mappings WHERE name = ?", (name,))
        return cursor.rowcount > 0

    @staticmethod
    def _saved(row: Any) -> SavedMapping | None:
        try:
            mapping = ImportMapping.load(str(row[0]), str(row[1]).encode())
        except (MappingError, sqlite3.Error):
            return None
        return SavedMapping(str(row[0]), mapping, str(row[2]), str(row[3]))


def plan_import(
    store: GraphStore,
    files: Iterable[tuple[str, bytes]],
    *,
    mapping: ImportMapping | None = None,
    defaults: Defaults | None = None,
    default_wijk: str | None = None,
    may_employ: MayEmploy | None = None,
    progress: Progress | None = None,
) -> MappedPlan:
    """The dry run of ``files`` with the user's mapping and file-wide defaults."""
    return plan_files(
        store,
        files,
        mapping=mapping,
        defaults=defaults,
        default_wijk=default_wijk,
        may_employ=may_employ,
        progress=progress,
    )


def effective_mapping(plan: ImportPlan, given: ImportMapping | None = None) -> ImportMapping:
    """The mapping the plan used: the planner's effective one, else the one given."""
    found = getattr(plan, "mapping", None)
    if isinstance(found, ImportMapping):
        return found
    return given or ImportMapping()


# -- reading the planner's ProposalInfo (how sure wijknet is, examples, unknown values) -----


def _get(obj: Any, *names: str) -> Any:
    """The first of ``names`` that ``obj`` has, as an attribute or a key; None otherwise."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if not isinstance(obj, dict) and hasattr(obj, name):
            return getattr(obj, name)
    return None


def _tables(proposal: Any) -> dict[str, Any]:
    found = _get(proposal, "tables", "tabellen")
    if isinstance(found, dict):
        return {str(k): v for k, v in found.items()}
    if isinstance(found, list):
        return {str(_get(t, "bron", "source", "name")): t for t in found}
    return {}


@dataclass(frozen=True)
class HeaderInfo:
    confidence: str
    """``herkend``, ``voorgesteld`` or ``niet herkend`` ('' when unknown)."""
    examples: list[str]


def header_info(proposal: Any, bron: str, header: str) -> HeaderInfo:
    """How sure wijknet is of a header's field, and a few example values."""
    table = _tables(proposal).get(bron)
    if table is None:
        table = next((t for b, t in _tables(proposal).items() if b.endswith(bron)), None)
    headers = _get(table, "headers", "columns", "kolommen") if table is not None else None
    entry = None
    if isinstance(headers, dict):
        entry = headers.get(header)
    elif isinstance(headers, list):
        entry = next((h for h in headers if _get(h, "header", "name", "kop") == header), None)
    confidence = _get(entry, "confidence", "zekerheid") if entry is not None else None
    examples = _get(entry, "examples", "voorbeelden") if entry is not None else None
    return HeaderInfo(
        str(getattr(confidence, "value", confidence) or ""),
        [str(e) for e in (examples or [])][:3],
    )


def unknown_values(proposal: Any, mapping: ImportMapping) -> dict[str, dict[str, int]]:
    """Per field, the values wijknet did not know, with their counts (file order).

    From the proposal when it says; otherwise the mapping's own value entries (count 0)."""
    found = _get(proposal, "unknown", "unknown_values")
    result: dict[str, dict[str, int]] = {}
    if isinstance(found, dict):
        for fieldname, values in found.items():
            counts: dict[str, int] = {}
            if isinstance(values, dict):
                for value, count in values.items():
                    number = _get(count, "count", "aantal") if not isinstance(count, int) else count
                    counts[str(value)] = int(number or 0)
            elif isinstance(values, list):
                for item in values:
                    counts[str(_get(item, "value", "waarde"))] = int(
                        _get(item, "count", "aantal") or 0
                    )
            result[str(fieldname)] = counts
    for fieldname, values in mapping.waarden.items():
        for value in values:
            result.setdefault(fieldname, {}).setdefault(value, 0)
    return result
