"""Pieces both store backends share: validating input, documents as JSON, the identity of
a link, and pausing the garbage collector. The rules the stores keep are in
``graph.store.rules``, erasure in ``graph.store.erasure`` and merging two actors in
``graph.store.merging``."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from graph.errors import InvalidData, field_errors_from_pydantic
from graph.model import LinkKind

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model`` or raise ``InvalidData`` with field-level messages."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidData(field_errors_from_pydantic(exc)) from None


def as_input(model: type[M], data: Any, prefix: str = "") -> M:
    """``data`` as exactly the input model ``model`` (a stored record is cut back to it);
    ``InvalidData`` names each refused field, after ``prefix`` (``actors.3.``)."""
    if type(data) is model:
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump(include=set(model.model_fields))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidData(field_errors_from_pydantic(exc, prefix)) from None


def doc(model: BaseModel) -> dict[str, Any]:
    """A JSON-ready dict of a model (dates as ISO strings, enums as values)."""
    return model.model_dump(mode="json")


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON for storage."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
