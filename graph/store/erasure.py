"""Erasing a person's personal data (``GraphStore.erase_personal_data``), for both backends:
whose data it is, what it is, and what each stored document becomes without it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from graph.model import NOTE_MAX, ActorKind
from graph.store.common import dumps

ERASED_NAME = "Verwijderde persoon"
"""The name an erased professional gets (AVG, right to erasure)."""

ERASED_TEXT = "[gewist]"
"""What an erased e-mail address or phone number in a free text becomes."""

_FREE_TEXT = ("description", "note")
"""The fields of stored documents that hold free text (of actors, links and the steps of
suggested pairs)."""


def merged_ids(actor_id: str, merges: Iterable[tuple[str, Any]]) -> set[str]:
    """``actor_id`` and every actor merged into it, transitively; ``merges`` holds the
    (dropped id, ``merged_into``) pairs of the audit log's ``merge`` entries."""
    dropped: dict[str, set[str]] = {}
    for drop, keep in merges:
        if isinstance(keep, str):
            dropped.setdefault(keep, set()).add(drop)
    ids, todo = {actor_id}, [actor_id]
    while todo:
        for drop in dropped.get(todo.pop(), ()):
            if drop not in ids:
                ids.add(drop)
                todo.append(drop)
    return ids


@dataclass
class Erasure:
    """What erasing one person removes (see ``GraphStore.erase_personal_data``).

    ``ids`` are the person's actors: the one named and every actor merged into it,
    transitively. ``values`` maps each of the person's names (of a professional, or of a
    contact person in an actor's contact details), e-mail addresses and phone numbers, as
    any of those actors has or had them, to what it becomes in a free text.
    """

    ids: set[str]
    values: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False)

    def collect(self, document: Any) -> None:
        """Add the personal data in one document of the person's actors (live or from the
        audit log)."""
        if not isinstance(document, dict):
            return
        name = document.get("name")
        if document.get("kind") == ActorKind.PROFESSIONAL.value and name and name != ERASED_NAME:
            self.values[name] = ERASED_NAME
        contact = document.get("contact")
        if isinstance(contact, dict):
            if contact.get("name") and contact["name"] != ERASED_NAME:
                self.values[contact["name"]] = ERASED_NAME  # a contact person's name
            for key in ("email", "phone"):
                if contact.get(key):
                    self.values[contact[key]] = ERASED_TEXT
        self._pattern = None

    @property
    def needles(self) -> list[str]:
        """The values as they are written inside stored JSON, to find the documents that
        may hold one (a document found may still hold none: check with ``scrub``)."""
        return sorted({dumps(value)[1:-1] for value in self.values})

    def text(self, value: str) -> str:
        """A free text with the person's names, e-mail addresses and phone numbers replaced."""
        if not self.values:
            return value
        if self._pattern is None:
            longest_first = sorted(self.values, key=len, reverse=True)
            alternatives = "|".join(re.escape(v) for v in longest_first)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        replaced = self._pattern.sub(lambda m: self.values[m.group(0)], value)
        return replaced[:NOTE_MAX]

    def scrub(self, document: Any) -> Any:
        """A stored document (of a record or a step) with its free texts scrubbed."""
        if not isinstance(document, dict):
            return document
        return {
            key: self.text(value) if key in _FREE_TEXT and isinstance(value, str) else value
            for key, value in document.items()
        }

    def erased(self, document: Any) -> Any:
        """A document of one of the person's own actors without personal data: its free
        texts scrubbed, no contact details (whatever its kind), and (a professional) no
        name."""
        if not isinstance(document, dict):
            return document
        out = self.scrub(document)
        if out.get("kind") == ActorKind.PROFESSIONAL.value and "name" in out:
            out["name"] = ERASED_NAME
        if "contact" in out:
            out["contact"] = None
        return out

    def audit_side(self, entity: str, entity_id: str, document: Any) -> Any:
        """One side (``before`` or ``after``) of an audit entry without the person's data:
        of an entry about one of the person's actors everything (``erased``), of any other
        the free texts (``scrub``)."""
        if entity == "actor" and entity_id in self.ids:
            return self.erased(document)
        return self.scrub(document)

    def changes(self, record: BaseModel, own: bool = False) -> dict[str, Any]:
        """The changes that take the person's data out of a live record: everything from
        one of the person's own actors (``own``), only the free texts from any other record."""
        out: dict[str, Any] = {}
        for name in _FREE_TEXT:
            value = getattr(record, name, None)
            if isinstance(value, str) and self.text(value) != value:
                out[name] = self.text(value)
        if own:
            out["contact"] = None
            if getattr(record, "kind", None) is ActorKind.PROFESSIONAL:
                out["name"] = ERASED_NAME
        return out
