"""Validators for JSON a store wrote itself (lists, snapshots), shared by both backends.

Types are checked and the models built as usual (nested models, enums, dates), but the
models' own Python validators (text clean-up, sorting, cross-field checks) are skipped: the
record passed them when it was written, and skipping them nearly halves the time to build
the actors of a 2,000-actor snapshot. Data entering a store is always validated in full;
these validators are only for reading back what a store keeps.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from pydantic import TypeAdapter
from pydantic_core import SchemaValidator

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class JsonValidator(Protocol[T_co]):
    """What ``trusted`` gives: a ``TypeAdapter`` or a bare ``SchemaValidator``."""

    def validate_json(self, data: str | bytes, /) -> T_co: ...


def _without_python_validators(schema: Any) -> Any:
    """A copy of a pydantic core schema without its before/after validator functions."""
    if isinstance(schema, dict):
        if schema.get("type") in ("function-after", "function-before") and "schema" in schema:
            return _without_python_validators(schema["schema"])
        return {k: _without_python_validators(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_without_python_validators(v) for v in schema]
    return schema


def trusted(tp: type[T]) -> JsonValidator[T]:
    """A validator of ``tp`` for JSON a store wrote itself; a full validator if the schema
    cannot be stripped."""
    adapter = TypeAdapter(tp)
    try:
        return SchemaValidator(_without_python_validators(adapter.core_schema))
    except Exception:  # noqa: BLE001 - a full validator is always correct, just slower
        return adapter
