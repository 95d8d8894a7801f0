"""Pieces both store backends share: validating changes, documents, erasure text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import FieldError, InvalidData, field_errors_from_pydantic
from graph.model import Actor, ActorIn, Link, LinkIn, Wijk, WijkIn

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
