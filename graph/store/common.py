"""Pieces both store backends share: validating changes, documents, erasure text, the
references of actors and links, and what merging two actors writes."""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import FieldError, InvalidData, field_errors_from_pydantic
from graph.model import (
    NOTE_MAX,
    Actor,
    ActorIn,
    ActorKind,
    Decision,
    Link,
    LinkIn,
    LinkKind,
    Role,
    Wijk,
    WijkIn,
    new_id,
)

ERASED_NAME = "Verwijderde persoon"
"""The name an erased professional gets (AVG, right to erasure)."""

M = TypeVar("M", bound=BaseModel)

_STORED_FIELDS = {"version", "created_at", "updated_at", "confirmed"}
_FIXED_FIELDS: dict[type, set[str]] = {
    WijkIn: {"slug"},
    ActorIn: {"id", "kind"},
    LinkIn: {"id", "source", "target", "kind"},
}


def validated(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model`` or raise ``InvalidData`` with field-level messages."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidData(field_errors_from_pydantic(exc)) from None


def apply_changes(current: Wijk | Actor | Link, changes: Mapping[str, Any]) -> Any:
    """Merge ``changes`` into the input part of ``current`` and validate the result.

    Fields that identify a record (slug, id, kind, link ends) cannot be changed; unknown
    fields are refused. Returns the validated input model (``WijkIn``/``ActorIn``/``LinkIn``).
    """
    model = next(m for m in _FIXED_FIELDS if isinstance(current, m))
    fixed = _FIXED_FIELDS[model]
    errors = [
        FieldError(k, "Dit veld kan niet gewijzigd worden.", "immutable")
        for k, v in changes.items()
        if k in fixed and v != getattr(current, k)
    ]
    errors += [
        FieldError(k, "Dit veld wordt door wijknet bijgehouden.", "read_only")
        for k in changes
        if k in _STORED_FIELDS
    ]
    if errors:
        raise InvalidData(errors)
    merged = current.model_dump(include=set(model.model_fields)) | dict(changes)
    return validated(model, merged)


def doc(model: BaseModel) -> dict[str, Any]:
    """A JSON-ready dict of a model (dates as ISO strings, enums as values)."""
    return model.model_dump(mode="json")


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON for storage."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


ERASED_TEXT = "[gewist]"
"""What an erased e-mail address or phone number in a free text becomes."""

_FREE_TEXT = ("description", "note")
"""The fields of stored documents that hold free text (of actors, links and decisions)."""


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
    transitively. ``values`` maps each of the person's names (of a professional), e-mail
    addresses and phone numbers, as any of those actors has or had them, to what it
    becomes in a free text.
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
        """A stored document (of a record or decision) with its free texts scrubbed."""
        if not isinstance(document, dict):
            return document
        return {
            key: self.text(value) if key in _FREE_TEXT and isinstance(value, str) else value
            for key, value in document.items()
        }

    def erased(self, document: Any) -> Any:
        """A document of one of the person's own actors without personal data: its free
        texts scrubbed, no contact details, and (a professional) no name."""
        if not isinstance(document, dict):
            return document
        out = self.scrub(document)
        if out.get("kind") == ActorKind.PROFESSIONAL.value and "name" in out:
            out["name"] = ERASED_NAME
        if "contact" in out:
            out["contact"] = None
        return out

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


def actor_errors(
    actor: ActorIn,
    wijk_known: Callable[[str], bool],
    kind_of: Callable[[str], str | None],
    prefix: str = "",
) -> list[FieldError]:
    """What is wrong with the references of ``actor``: its wijken and its organisation.

    ``kind_of(id)`` is the stored kind of an actor, or None when it does not exist.
    """
    errors = []
    unknown = [w for w in actor.wijken if not wijk_known(w)]
    if unknown:
        errors.append(
            FieldError(
                f"{prefix}wijken",
                "Deze wijk bestaat niet: " + ", ".join(unknown) + ".",
                "unknown_wijk",
            )
        )
    if actor.organisation is not None:
        kind = kind_of(actor.organisation)
        if kind is None:
            errors.append(
                FieldError(
                    f"{prefix}organisation",
                    f"De organisatie {actor.organisation!r} bestaat niet.",
                    "unknown_organisation",
                )
            )
        elif kind != ActorKind.ORGANISATIE.value:
            errors.append(
                FieldError(
                    f"{prefix}organisation",
                    f"{actor.organisation!r} is geen organisatie.",
                    "not_an_organisation",
                )
            )
    return errors


def link_errors(
    link: LinkIn, kind_of: Callable[[str], str | None], prefix: str = ""
) -> list[FieldError]:
    """What is wrong with the ends of ``link``: unknown actors, or a wrong ``werkt_bij``."""
    errors = []
    kinds = {}
    for end in ("source", "target"):
        actor_id = getattr(link, end)
        kinds[end] = kind_of(actor_id)
        if kinds[end] is None:
            errors.append(
                FieldError(f"{prefix}{end}", f"De actor {actor_id!r} bestaat niet.", "unknown_actor")
            )
    if link.kind is LinkKind.WERKT_BIJ:
        if kinds["source"] not in (None, ActorKind.PROFESSIONAL.value):
            errors.append(
                FieldError(
                    f"{prefix}source",
                    "Bij 'werkt bij' is de eerste actor een professional.",
                    "werkt_bij_source",
                )
            )
        if kinds["target"] not in (None, ActorKind.ORGANISATIE.value):
            errors.append(
                FieldError(
                    f"{prefix}target",
                    "Bij 'werkt bij' is de tweede actor een organisatie.",
                    "werkt_bij_target",
                )
            )
    return errors


# -- link identity -----------------------------------------------------------------------


def link_key(kind: LinkKind, source: str, target: str) -> tuple[str, str, str]:
    """Identity of a link by its ends: a samenwerking has no direction, so its ends are sorted."""
    if kind is LinkKind.SAMENWERKING and target < source:
        source, target = target, source
    return (kind.value, source, target)


def stable_link_id(kind: LinkKind, source: str, target: str) -> str:
    """The id a link between these ends gets when wijknet makes it (import, merge)."""
    digest = hashlib.sha1("|".join(link_key(kind, source, target)).encode()).hexdigest()
    return f"l-{digest[:12]}"


# -- merging two actors ------------------------------------------------------------------


@dataclass
class Merge:
    """What merging actor ``drop`` into ``keep`` writes (see ``GraphStore.merge_actors``)."""

    actor: ActorIn
    """``keep`` as it will be: wijken, themes and kernaanpakken of both, gaps filled."""
    deleted: list[Link] = field(default_factory=list)
    """Every link of ``drop``, ordered by id: all of them go."""
    created: list[LinkIn] = field(default_factory=list)
    """Links of ``drop`` re-created on ``keep`` (an end cannot change in place)."""
    updated: list[LinkIn] = field(default_factory=list)
    """Links ``keep`` already had, made stronger by their duplicate of ``drop``."""
    professionals: list[ActorIn] = field(default_factory=list)
    """Professionals who worked at ``drop``, now working at ``keep``."""


def merge_errors(keep: Actor, drop: Actor) -> list[FieldError]:
    """Why ``drop`` cannot be merged into ``keep`` (the same actor, or another kind)."""
    if keep.id == drop.id:
        return [same_actor_error()]
    if keep.kind is not drop.kind:
        return [
            FieldError(
                "drop",
                f"'{drop.name}' is een {drop.kind.value} en '{keep.name}' een "
                f"{keep.kind.value}; alleen actoren van dezelfde soort kunnen samengevoegd "
                "worden.",
                "kind",
            )
        ]
    return []


def same_actor_error() -> FieldError:
    return FieldError("drop", "Kies twee verschillende actoren.", "same")


def plan_merge(
    keep: Actor,
    drop: Actor,
    links: Iterable[Link],
    workers: Iterable[Actor],
    taken: Callable[[str], bool] = lambda link_id: False,
) -> Merge:
    """Work out the merge of ``drop`` into ``keep`` from the stored records.

    ``links`` holds (at least) every link of either actor, ``workers`` (at least) every
    professional whose organisation is ``drop``; ``taken(id)`` says whether a link id is in
    use, so a re-created link never takes the id of an unrelated one. ``InvalidData`` when
    the two cannot be merged.
    """
    errors = merge_errors(keep, drop)
    if errors:
        raise InvalidData(errors)
    links = sorted(links, key=lambda lk: lk.id)
    own = {
        link_key(lk.kind, lk.source, lk.target): lk
        for lk in links
        if keep.id in (lk.source, lk.target) and drop.id not in (lk.source, lk.target)
    }
    moved: dict[tuple[str, str, str], LinkIn] = {}
    merge = Merge(actor=merged_actor(keep, drop))
    for link in links:
        if drop.id not in (link.source, link.target):
            continue
        merge.deleted.append(link)
        source = keep.id if link.source == drop.id else link.source
        target = keep.id if link.target == drop.id else link.target
        if source == target:  # the link between the two
            continue
        key = link_key(link.kind, source, target)
        if key in moved:
            moved[key] = stronger_link(moved[key], link)
        elif key in own:
            moved[key] = stronger_link(own[key], link)
        else:
            link_id = stable_link_id(link.kind, source, target)
            if taken(link_id):
                link_id = new_id("l")
            data = _input(link, LinkIn) | {"id": link_id, "source": source, "target": target}
            moved[key] = LinkIn(**data)
    for key, link in moved.items():
        if key not in own:
            merge.created.append(link)
        elif link != _as_link_in(own[key]):
            merge.updated.append(link)
    merge.professionals = [
        ActorIn(**_input(worker, ActorIn) | {"organisation": keep.id})
        for worker in sorted(workers, key=lambda a: a.id)
        if worker.organisation == drop.id
    ]
    return merge


def merged_decision(decision: Decision, keep_id: str, drop_id: str) -> Decision | None:
    """A decision about ``drop`` re-pointed to ``keep``; None when it is about the two."""
    other = decision.b if decision.a == drop_id else decision.a
    if other == keep_id:
        return None
    return Decision.model_validate(decision.model_dump() | {"a": keep_id, "b": other})


def merged_actor(keep: Actor, drop: Actor) -> ActorIn:
    """``keep`` with the wijken, themes and kernaanpakken of both, its gaps filled from
    ``drop`` and its period covering both."""
    data = _input(keep, ActorIn)
    data["wijken"] = sorted(set(keep.wijken) | set(drop.wijken))
    data["themes"] = sorted(set(keep.themes) | set(drop.themes), key=lambda t: t.value)
    data["kernaanpakken"] = sorted(
        set(keep.kernaanpakken) | set(drop.kernaanpakken), key=lambda k: k.value
    )
    data["description"] = keep.description or drop.description
    data["contact"] = keep.contact or drop.contact
    data["organisation"] = keep.organisation or drop.organisation
    data["role"] = keep.role if keep.role is not Role.OVERIG else drop.role
    data["since"], data["until"] = _span(keep.since, keep.until, drop.since, drop.until)
    return ActorIn(**data)


def stronger_link(existing: LinkIn, other: LinkIn) -> LinkIn:
    """The existing link, at the higher intensity of the two, over both periods, with the
    other's note added."""
    data = _input(existing, LinkIn)
    data["intensity"] = max(existing.intensity, other.intensity)
    data["since"], data["until"] = _span(existing.since, existing.until, other.since, other.until)
    if other.note and other.note not in existing.note:
        data["note"] = "\n".join(n for n in (existing.note, other.note) if n)[:2000]
    return LinkIn(**data)


def _span(
    since_a: date | None, until_a: date | None, since_b: date | None, until_b: date | None
) -> tuple[date | None, date | None]:
    """The period covering both (an open bound stays open)."""
    since = None if since_a is None or since_b is None else min(since_a, since_b)
    until = None if until_a is None or until_b is None else max(until_a, until_b)
    return since, until


def _input(record: BaseModel, model: type[BaseModel]) -> dict[str, Any]:
    return record.model_dump(include=set(model.model_fields))


def _as_link_in(link: LinkIn) -> LinkIn:
    return link if type(link) is LinkIn else LinkIn(**_input(link, LinkIn))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while code builds many objects that all stay
    alive (a snapshot's models, an import's rows): it would scan them again and again;
    reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
