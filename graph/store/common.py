"""Pieces both store backends share: validating changes, documents, erasure text."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import FieldError, InvalidData, field_errors_from_pydantic
from graph.model import Actor, ActorIn, ActorKind, Link, LinkIn, LinkKind, Wijk, WijkIn

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


def erase_doc(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of an actor document with its personal data removed."""
    if document is None:
        return None
    out = dict(document)
    if "name" in out:
        out["name"] = ERASED_NAME
    if "contact" in out:
        out["contact"] = None
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
