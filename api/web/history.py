"""The audit log as people read it: who changed what, when, without data they may not see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.accounts import User
from graph.model import AuditEntry

ACTIONS = {
    "create": "aangemaakt",
    "update": "gewijzigd",
    "delete": "verwijderd",
    "confirm": "bevestigd",
    "erase": "persoonsgegevens gewist",
    "decide": "besluit over voorstel",
    "merge": "samengevoegd",
}
ENTITIES = {"wijk": "wijk", "actor": "actor", "link": "verbinding", "decision": "voorstel"}
FIELDS = {
    "name": "naam",
    "domain": "domein",
    "role": "soort/rol",
    "themes": "thema's",
    "kernaanpakken": "kernaanpakken",
    "wijken": "wijken",
    "organisation": "organisatie",
    "description": "beschrijving",
    "contact": "contactgegevens",
    "since": "sinds",
    "until": "tot",
    "intensity": "intensiteit",
    "note": "notitie",
    "kind": "soort",
    "gemeente": "gemeente",
    "cohort": "cohort",
    "status": "besluit",
}
_HIDDEN = {"version", "created_at", "updated_at", "confirmed", "id"}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    by: str
    action: str
    entity: str
    entity_id: str
    title: str
    wijken: list[str]
    changes: list[Change]


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, True))
    return str(value)


def _title(entry: AuditEntry, names: Mapping[str, str]) -> str:
    doc = entry.after or entry.before or {}
    if entry.entity == "link" and "source" in doc:
        ends = (names.get(doc["source"], doc["source"]), names.get(doc["target"], doc["target"]))
        return " — ".join(ends)
    if entry.entity == "decision" and "a" in doc:
        return " — ".join(names.get(doc[k], doc[k]) for k in ("a", "b"))
    return str(doc.get("name") or entry.entity_id)


def rows(
    entries: list[AuditEntry], user: User, names: Mapping[str, str] | None = None
) -> list[HistoryRow]:
    """Readable rows; contact details are masked for roles that may not see them.

    ``names`` (actor id -> name) turns the ends of links and suggestions into names.
    """
    out = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = []
        if entry.action in ("update", "decide", "erase"):
            for key in sorted(set(before) | set(after)):
                if key in _HIDDEN or before.get(key) == after.get(key):
                    continue
                if key == "contact" and not user.may_see_contact:
                    changes.append(Change(FIELDS[key], "(afgeschermd)", "(afgeschermd)"))
                    continue
                changes.append(
                    Change(FIELDS.get(key, key), _text(before.get(key)), _text(after.get(key)))
                )
        out.append(
            HistoryRow(
                at=entry.at,
                by=entry.by,
                action=ACTIONS.get(entry.action, entry.action),
                entity=ENTITIES.get(entry.entity, entry.entity),
                entity_id=entry.entity_id,
                title=_title(entry, names or {}),
                wijken=entry.wijken,
                changes=changes,
            )
        )
    return out
