"""The audit log as people read it: who changed what, when, without data they may not see.

A step of a suggested pair reads as one sentence, with names instead of ids:
"Benaderd: Huisartsenpraktijk Zuid ↔ Buurthuis De Schakel, door jan, op 29 november 2026".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.accounts import User
from api.web.render import dutch_date
from graph.model import Actor, AuditEntry, SuggestionStatus, label
from graph.store import GraphStore

ACTIONS = {
    "create": "aangemaakt",
    "update": "gewijzigd",
    "delete": "verwijderd",
    "confirm": "bevestigd",
    "erase": "persoonsgegevens gewist",
    "decide": "stap vastgelegd",
    "undo": "stap teruggedraaid",
    "merge": "samengevoegd",
    "restore": "hersteld uit een back-up",
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
_KEYS = {"name": "naam", "email": "e-mail", "phone": "telefoon"}
"""The keys of a value that is a dict (contact details), in Dutch."""


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
        return ", ".join(
            f"{_KEYS.get(k, k)}: {v}" for k, v in value.items() if v not in (None, True)
        )
    return str(value)


def _title(entry: AuditEntry, names: Mapping[str, str]) -> str:
    doc = entry.after or entry.before or {}
    if entry.entity == "link" and "source" in doc:
        ends = (names.get(doc["source"], doc["source"]), names.get(doc["target"], doc["target"]))
        return " — ".join(ends)
    if entry.entity == "decision" and "a" in doc:
        pair = " ↔ ".join(names.get(doc[k], doc[k]) for k in ("a", "b"))
        return _step_title(entry, pair) if entry.action in ("decide", "undo") else pair
    return str(doc.get("name") or entry.entity_id)


def status_label(value: Any) -> str:
    """The Dutch name of a step's status; an old verdict (``besproken``) by its own name."""
    try:
        return label(SuggestionStatus(value))
    except ValueError:
        return str(value).replace("-", " ").capitalize()


def _step_title(entry: AuditEntry, pair: str) -> str:
    """One sentence for a step of a suggested pair, added, undone or all taken back."""
    if entry.after is None and entry.action == "decide":
        return f"Alle stappen weggehaald: {pair}, door {entry.by}, op {dutch_date(entry.at)}"
    step = entry.after if entry.action == "decide" else entry.before
    assert step is not None  # an undo has the step it removed as before
    what = status_label(step.get("status"))
    day = step.get("date")
    if day and step.get("status") == SuggestionStatus.KENNISMAKING_GEPLAND.value:
        what += f" ({dutch_date(day)})"
    elif day and step.get("status") == SuggestionStatus.LATER.value:
        what += f" (tot {dutch_date(day)})"
    if entry.action == "undo":
        return f"Teruggedraaid: {what}: {pair}, door {entry.by}, op {dutch_date(entry.at)}"
    return f"{what}: {pair}, door {step.get('by') or entry.by}, op {dutch_date(step.get('at'))}"


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
        if entry.entity == "decision" and entry.action in ("decide", "undo"):
            step = after if entry.action == "decide" else before
            if step.get("note"):
                changes.append(Change(FIELDS["note"], "—", _text(step["note"])))
        elif entry.action in ("update", "decide", "erase"):
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


def actor_entries(store: GraphStore, actor: Actor, limit: int = 50) -> list[AuditEntry]:
    """The audit entries of an actor's page, newest first: the actor's own, and those of
    every link with the actor at either end, so a link shows in the history of both its
    actors (whichever page or form made it). Links are those of the actor's wijken, as the
    page lists them."""
    found = {e.seq: e for e in store.audit_log(entity_id=actor.id, limit=limit)}
    links = {
        link.id
        for slug in actor.wijken
        for link in store.list_links(slug)
        if actor.id in (link.source, link.target)
    }
    for link_id in sorted(links):
        found.update(
            (e.seq, e)
            for e in store.audit_log(entity_id=link_id, limit=limit)
            if e.entity == "link"
        )
    return sorted(found.values(), key=lambda e: e.seq, reverse=True)[:limit]


def for_actor(store: GraphStore, actor: Actor, user: User, limit: int = 50) -> list[HistoryRow]:
    """The readable history of an actor's page (``actor_entries``), links titled with the
    names of their two ends."""
    names = {a.id: a.name for slug in actor.wijken for a in store.list_actors(slug)}
    names[actor.id] = actor.name
    return rows(actor_entries(store, actor, limit), user, names)
