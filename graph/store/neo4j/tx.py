"""Pieces of one transaction of the Neo4j store: reading and locking a record, saving one,
raising change counters and appending audit entries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal, TypeVar, overload

from neo4j import ManagedTransaction, Record
from pydantic import BaseModel, TypeAdapter

from graph.errors import Conflict, NotFound
from graph.model import Actor, Link, SuggestionStep, Wijk, utcnow
from graph.store.common import doc, dumps, validated
from graph.store.neo4j import cypher
from graph.store.rules import actor_errors, refuse

M = TypeVar("M", bound=BaseModel)

BATCH = 5000
"""Rows per ``UNWIND`` statement."""

WHAT = {"wijk": "De wijk", "actor": "De actor", "link": "De verbinding"}
Parsed = list[Wijk] | list[Actor] | list[Link] | list[SuggestionStep]
ADAPTERS: dict[str, TypeAdapter[Parsed]] = {
    "wijk": TypeAdapter(list[Wijk]),
    "actor": TypeAdapter(list[Actor]),
    "link": TypeAdapter(list[Link]),
    "step": TypeAdapter(list[SuggestionStep]),
}
AuditItem = tuple[str, str, str, Sequence[str], Any, Any]
"""(action, entity, entity_id, wijken, before, after): one audit entry to append; before
and after are documents (dicts), their JSON text, or None."""


# -- records -------------------------------------------------------------------------------


def new(
    model: type[M], data: BaseModel, extra: dict[str, Any], confirmed_by: str | None = None
) -> M:
    """A new stored record (version 1, created now) of ``data`` with ``extra`` fields;
    confirmed by ``confirmed_by`` at its creation when given."""
    now = utcnow()
    fields = data.model_dump() | extra | {"version": 1, "created_at": now, "updated_at": now}
    if confirmed_by is not None:
        fields["confirmed"] = {"at": now, "by": confirmed_by}
    return validated(model, fields)


def next_version(model: type[M], before: dict[str, Any], data: BaseModel) -> M:
    """The stored record after a change: new input fields, next version, updated now."""
    kept = {"created_at": before["created_at"], "confirmed": before.get("confirmed")}
    return model.model_validate(
        data.model_dump() | kept | {"version": before["version"] + 1, "updated_at": utcnow()}
    )


@overload
def parse_many(entity: Literal["wijk"], docs: Sequence[str]) -> list[Wijk]: ...
@overload
def parse_many(entity: Literal["actor"], docs: Sequence[str]) -> list[Actor]: ...
@overload
def parse_many(entity: Literal["link"], docs: Sequence[str]) -> list[Link]: ...
@overload
def parse_many(entity: Literal["step"], docs: Sequence[str]) -> list[SuggestionStep]: ...
def parse_many(entity: str, docs: Sequence[str]) -> Parsed:
    """Parse stored JSON documents in one go (much faster than one model at a time)."""
    return ADAPTERS[entity].validate_json("[" + ",".join(docs) + "]")


def row(entity: str, d: dict[str, Any], text: str | None = None) -> list[Any]:
    """A record as one row of ``cypher.WRITE[entity, ...]``: a list, cheaper to send than a
    map. ``text`` is ``dumps(d)`` when the caller has it already."""
    text = text if text is not None else dumps(d)
    if entity == "actor":
        fields = ("id", "kind", "name", "organisation", "since", "until")
        return [*(d[k] for k in fields), text, d["wijken"]]
    if entity == "link":
        return [*(d[k] for k in ("id", "source", "target", "since", "until")), text]
    return [d["slug"], text]


# -- statements ----------------------------------------------------------------------------


def column(tx: ManagedTransaction, /, query: cypher.Cypher, **params: Any) -> list[Any]:
    """The first column of every row."""
    return [found[0] for found in tx.run(query, params)]


def first(tx: ManagedTransaction, /, query: cypher.Cypher, **params: Any) -> Any:
    """The first column of the first row, or None."""
    rows = column(tx, query, **params)
    return rows[0] if rows else None


def single(tx: ManagedTransaction, /, query: cypher.Cypher, **params: Any) -> Record | None:
    """The one row of ``query``, or None."""
    return tx.run(query, params).single()


def write(tx: ManagedTransaction, query: cypher.Cypher, rows: list[list[Any]]) -> int:
    """Run ``query`` over ``rows`` in batches of ``BATCH``; the sum of the effects.

    Every batch is sent before the first result is read, so that the server works on one
    batch while the next is being encoded.
    """
    results = [tx.run(query, rows=rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]
    return sum(result.single(strict=True)["n"] for result in results)


def read_docs(
    tx: ManagedTransaction, query: cypher.Cypher, keys: Sequence[str]
) -> list[dict[str, Any]]:
    """The documents ``query`` returns for ``keys``, read in batches of ``BATCH``."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH):
        out += [json.loads(r[0]) for r in tx.run(query, keys=keys[start : start + BATCH])]
    return out


# -- what every write does -----------------------------------------------------------------


def lock(
    tx: ManagedTransaction, entity: str, key: str, expected_version: int | None
) -> tuple[dict[str, Any], list[str]]:
    """Lock a record, then read it: its document and (for a link) its ends' wijken."""
    found = tx.run(cypher.LOCK[entity], key=key).single()
    if found is None:
        raise NotFound(f"{WHAT[entity]} {key!r} bestaat niet.")
    current = json.loads(found["doc"])
    if expected_version is not None and current["version"] != expected_version:
        raise Conflict(
            f"{WHAT[entity]} {key!r} is intussen door iemand anders gewijzigd (versie "
            f"{current['version']}, u had versie {expected_version}). Laad opnieuw en "
            "probeer het nog eens.",
            details={"version": current["version"]},
        )
    return current, sorted(set(found["ends"]))


def save(tx: ManagedTransaction, entity: str, record: BaseModel, created: bool = False) -> None:
    """Create or update one record with the statements ``bulk_upsert`` uses for many."""
    tx.run(cypher.WRITE[entity, created], rows=[row(entity, doc(record))])


def check_actor(tx: ManagedTransaction, actor: Actor, found_wijken: list[str]) -> None:
    """``InvalidData`` unless the actor's wijken exist and its organisation is one."""

    def kind_of(actor_id: str) -> str | None:  # locked: it cannot vanish before the commit
        kind: str | None = first(tx, cypher.KIND_LOCKED, key=actor_id)
        return kind

    refuse(actor_errors(actor, set(found_wijken).__contains__, kind_of))


def touch(tx: ManagedTransaction, slugs: Sequence[str] | set[str]) -> list[str]:
    """Raise the change counters of these wijken (locked in slug order); those found."""
    if not slugs:
        return []
    found: list[str] = tx.run(cypher.TOUCH, slugs=sorted(set(slugs))).single(strict=True)["found"]
    return found


def audit(tx: ManagedTransaction, by: str, entries: Sequence[AuditItem]) -> None:
    """Append one audit entry per record, numbered from the (locked) audit counter."""
    if not entries:
        return
    last = tx.run(cypher.NEXT_SEQ, n=len(entries)).single(strict=True)["last"]
    at = utcnow().isoformat()
    rows = []
    for seq, (action, entity, entity_id, wijken, before, after) in enumerate(entries, last + 1):
        slugs = sorted(set(wijken))
        head = dumps({
            "seq": seq, "at": at, "by": by, "action": action, "entity": entity,
            "entity_id": entity_id, "wijken": slugs,
        })  # fmt: skip
        text = f'{head[:-1]},"before":{_json(before)},"after":{_json(after)}}}'
        rows.append([seq, entity_id, slugs, text])
    for start in range(0, len(rows), BATCH):  # results are read at the commit
        tx.run(cypher.ADD_AUDIT, rows=rows[start : start + BATCH])


def _json(value: Any) -> str:
    """A document as JSON text (as it is when it is text already)."""
    if value is None:
        return "null"
    return value if isinstance(value, str) else dumps(value)
