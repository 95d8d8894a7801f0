"""``bulk_upsert`` for the Neo4j store: plan in Python, write with ``UNWIND`` in batches.

The whole call is one transaction (``Neo4jStore.bulk_upsert``). ``Batch.of`` validates the
records without the database; ``Batch.plan`` reads what is stored for them (locking the
records it may replace), sorts each record into new, changed or unchanged and checks every
reference against the stored data plus the batch; ``Plan.write`` then sends a handful of
``UNWIND`` statements of at most ``BATCH`` rows each instead of one statement per row.

All-or-nothing has a price on the server: the transaction holds every new record and its
audit entry until the commit, about 9 KB per record. 20,000 actors with 100,000 links
need about 1.1 GB of transaction memory (``dbms.memory.transaction.total.max``, by default
70% of the heap), so give such a server a heap of 2 GB or more.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel

from graph.errors import Conflict, FieldError, InvalidData
from graph.model import ActorIn, BulkResult, LinkIn, WijkIn
from graph.store.common import actor_errors, doc, dumps, link_errors, validated

BATCH = 5000
"""Rows per ``UNWIND`` statement."""

_IMMUTABLE = "Dit veld kan niet gewijzigd worden."


def row(entity: str, d: dict[str, Any], text: str | None = None) -> list[Any]:
    """A record as one row of ``WRITE[entity, ...]``: a list, cheaper to send than a map.

    ``text`` is ``dumps(d)`` when the caller has it already.
    """
    text = text if text is not None else dumps(d)
    if entity == "actor":
        fields = ("id", "kind", "name", "organisation", "since", "until")
        return [*(d[k] for k in fields), text, d["wijken"]]
    if entity == "link":
        return [*(d[k] for k in ("id", "source", "target", "since", "until")), text]
    return [d["slug"], text]


# -- Cypher --------------------------------------------------------------------------------

WRITE = {  # (entity, created) -> statement over $rows (see row()); returns n, the effects
    ("wijk", True): """
        UNWIND $rows AS row
        CREATE (w:Wijk {slug: row[0], doc: row[1], changes: 0})
        RETURN count(w) AS n
    """,
    ("wijk", False): """
        UNWIND $rows AS row
        MATCH (w:Wijk {slug: row[0]})
        SET w.doc = row[1]
        RETURN count(w) AS n
    """,
    ("actor", True): """
        UNWIND $rows AS row
        CREATE (a:Actor {id: row[0], kind: row[1], name: row[2], organisation: row[3],
                         since: row[4], until: row[5], doc: row[6]})
        WITH a, row
        UNWIND row[7] AS slug
        MATCH (w:Wijk {slug: slug})
        CREATE (a)-[:ACTIVE_IN]->(w)
        RETURN count(*) AS n
    """,
    ("actor", False): """
        UNWIND $rows AS row
        MATCH (a:Actor {id: row[0]})
        SET a.name = row[2], a.organisation = row[3], a.since = row[4], a.until = row[5],
            a.doc = row[6]
        WITH a, row
        CALL (a) { MATCH (a)-[r:ACTIVE_IN]->() DELETE r }
        WITH a, row
        UNWIND row[7] AS slug
        MATCH (w:Wijk {slug: slug})
        CREATE (a)-[:ACTIVE_IN]->(w)
        RETURN count(*) AS n
    """,
    ("link", True): """
        UNWIND $rows AS row
        MATCH (s:Actor {id: row[1]})
        MATCH (t:Actor {id: row[2]})
        CREATE (s)-[r:LINK {id: row[0], since: row[3], until: row[4], doc: row[5]}]->(t)
        RETURN count(r) AS n
    """,
    ("link", False): """
        UNWIND $rows AS row
        MATCH ()-[r:LINK {id: row[0]}]->()
        SET r.since = row[3], r.until = row[4], r.doc = row[5]
        RETURN count(r) AS n
    """,
}
ADD_AUDIT = """
    UNWIND $rows AS row
    CREATE (:AuditEntry {seq: row[0], entity_id: row[1], wijken: row[2], doc: row[3]})
"""
_LOCK_WIJKEN = """
    UNWIND $keys AS key
    MATCH (n:Wijk {slug: key})
    SET n._lock = true REMOVE n._lock
    RETURN n.doc AS doc
"""
_KNOWN_WIJKEN = "UNWIND $keys AS key MATCH (n:Wijk {slug: key}) RETURN n.slug AS slug"
_LOCK_ACTORS = """
    UNWIND $keys AS key
    MATCH (n:Actor {id: key})
    SET n._lock = true REMOVE n._lock
    RETURN n.doc AS doc
"""
_READ_ACTORS = "UNWIND $keys AS key MATCH (n:Actor {id: key}) RETURN n.doc AS doc"
_LOCK_LINKS = """
    UNWIND $keys AS key
    MATCH ()-[n:LINK {id: key}]->()
    SET n._lock = true REMOVE n._lock
    RETURN n.doc AS doc
"""


def write(tx: ManagedTransaction, query: str, rows: list[list[Any]]) -> int:
    """Run ``query`` over ``rows`` in batches of ``BATCH``; the sum of the effects.

    Every batch is sent before the first result is read, so that the server works on one
    batch while the next is being encoded.
    """
    results = [tx.run(query, rows=rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]
    return sum(result.single(strict=True)["n"] for result in results)


def as_input(model: type[Any], data: Any) -> Any:
    """``data`` validated as exactly the input ``model`` (a stored record is cut back to it)."""
    if isinstance(data, BaseModel) and type(data) is not model:
        data = data.model_dump(include=set(model.model_fields))
    return validated(model, data)


def _validated_rows(
    name: str, model: type[Any], rows: Sequence[Any], key: str, errors: list[FieldError]
) -> list[Any]:
    """Rows of one kind as input models; what is wrong goes to ``errors`` as ``name.i.field``."""
    out, seen = [], set()
    for i, data in enumerate(rows):
        try:
            record = as_input(model, data)
        except InvalidData as exc:
            errors += [FieldError(f"{name}.{i}.{e.field}", e.message, e.code) for e in exc.errors]
            continue
        value = getattr(record, key)
        if value is None:
            errors.append(FieldError(f"{name}.{i}.id", "Een import heeft een id nodig.", "missing"))
        elif value in seen:
            errors.append(
                FieldError(f"{name}.{i}.{key}", "Dit staat twee keer in de import.", "duplicate")
            )
        seen.add(value)
        out.append(record)
    return out


def _docs(tx: ManagedTransaction, query: str, keys: Sequence[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH):
        out += [json.loads(r[0]) for r in tx.run(query, keys=keys[start : start + BATCH])]
    return out


# -- the plan ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What one ``bulk_upsert`` writes: statements with their rows, audit items, counters."""

    stamp: str
    result: BulkResult = field(default_factory=BulkResult)
    entries: list[tuple] = field(default_factory=list)  # neo4j.AuditItem
    touched: set[str] = field(default_factory=set)
    rows: dict[tuple[str, bool], list[list[Any]]] = field(default_factory=dict)
    effects: dict[tuple[str, bool], int] = field(default_factory=dict)

    def add(
        self, entity: str, key: str, old: dict | None, new: dict, wijken: Sequence[str]
    ) -> None:
        """Queue, count and audit one new or changed record."""
        if old is None:
            full = new | {"version": 1, "created_at": self.stamp, "updated_at": self.stamp,
                          "confirmed": None}  # fmt: skip
            self.result.created += 1
        else:
            full = old | new | {"version": old["version"] + 1, "updated_at": self.stamp}
            self.result.updated += 1
        text = dumps(full)  # once, for the record and for its audit entry
        self.entries.append(("create" if old is None else "update", entity, key, wijken, old, text))
        statement = (entity, old is None)
        self.rows.setdefault(statement, []).append(row(entity, full, text))
        effects = len(full["wijken"]) if entity == "actor" else 1  # ACTIVE_IN created
        self.effects[statement] = self.effects.get(statement, 0) + effects

    def write(self, tx: ManagedTransaction) -> None:
        """Send the queued rows (wijken, then actors, then links) in batches."""
        for statement, rows in self.rows.items():
            if write(tx, WRITE[statement], rows) != self.effects[statement]:
                # a record it refers to was deleted meanwhile
                raise Conflict("Gegevens waar deze import naar verwijst zijn intussen gewijzigd; "
                               "probeer het opnieuw.")  # fmt: skip


@dataclass
class Batch:
    """The validated records of one ``bulk_upsert`` call."""

    wijken: list[WijkIn]
    actors: list[ActorIn]
    links: list[LinkIn]

    @classmethod
    def of(cls, wijken: Sequence[Any], actors: Sequence[Any], links: Sequence[Any]) -> Batch:
        """Validate every record; ``InvalidData`` names each refused field by its row."""
        errors: list[FieldError] = []
        batch = cls(
            _validated_rows("wijken", WijkIn, wijken, "slug", errors),
            _validated_rows("actors", ActorIn, actors, "id", errors),
            _validated_rows("links", LinkIn, links, "id", errors),
        )
        if errors:
            raise InvalidData(errors)
        return batch

    def plan(self, tx: ManagedTransaction, now: datetime) -> Plan:
        """Compare with the stored records and check references; ``InvalidData`` if any fail."""
        plan = Plan(stamp=now.isoformat())
        slugs = [w.slug for w in self.wijken]
        stored_wijken = {d["slug"]: d for d in _docs(tx, _LOCK_WIJKEN, slugs)}
        referenced = sorted({s for a in self.actors for s in a.wijken} - set(slugs))
        known_wijken = set(slugs) | set(tx.run(_KNOWN_WIJKEN, keys=referenced).value())

        ids = [a.id for a in self.actors]
        stored = {d["id"]: d for d in _docs(tx, _LOCK_ACTORS, ids)}
        others = {a.organisation for a in self.actors if a.organisation}
        others |= {end for lk in self.links for end in (lk.source, lk.target)}
        others_stored = _docs(tx, _READ_ACTORS, sorted(others - set(ids)))
        stored_links = {d["id"]: d for d in _docs(tx, _LOCK_LINKS, [lk.id for lk in self.links])}

        # every actor as it will be after the write
        final = {d["id"]: d for d in others_stored} | stored | {a.id: doc(a) for a in self.actors}
        errors = self._errors(known_wijken, final, stored, stored_links)
        if errors:
            raise InvalidData(errors)

        for wijk in self.wijken:
            old, new = stored_wijken.get(wijk.slug), doc(wijk)
            if old is not None and all(old[k] == v for k, v in new.items()):
                plan.result.unchanged += 1
                continue
            plan.add("wijk", wijk.slug, old, new, [wijk.slug])
            plan.touched.add(wijk.slug)
        for actor in self.actors:
            old, new = stored.get(actor.id), final[actor.id]
            if old is not None and all(old[k] == v for k, v in new.items()):
                plan.result.unchanged += 1
                continue
            wijken = sorted(set(actor.wijken) | set(old["wijken"] if old else ()))
            plan.add("actor", actor.id, old, new, wijken)
            plan.touched.update(wijken)
        for link in self.links:
            old, new = stored_links.get(link.id), doc(link)
            if old is not None and all(old[k] == v for k, v in new.items()):
                plan.result.unchanged += 1
                continue
            wijken = sorted(set(final[link.source]["wijken"]) | set(final[link.target]["wijken"]))
            plan.add("link", link.id, old, new, wijken)
            plan.touched.update(wijken)
        return plan

    def _errors(
        self,
        known_wijken: set[str],
        final: dict[str, dict[str, Any]],
        stored: dict[str, dict[str, Any]],
        stored_links: dict[str, dict[str, Any]],
    ) -> list[FieldError]:
        """Refused references and changes of fields that identify a record."""

        def kind_of(actor_id: str) -> str | None:
            found = final.get(actor_id)
            return found["kind"] if found else None

        errors: list[FieldError] = []
        for i, actor in enumerate(self.actors):
            errors += actor_errors(actor, known_wijken.__contains__, kind_of, f"actors.{i}.")
            old = stored.get(actor.id)
            if old is not None and old["kind"] != actor.kind.value:
                errors.append(FieldError(f"actors.{i}.kind", _IMMUTABLE, "immutable"))
        for i, link in enumerate(self.links):
            errors += link_errors(link, kind_of, f"links.{i}.")
            old, new = stored_links.get(link.id), doc(link)
            errors += [
                FieldError(f"links.{i}.{k}", _IMMUTABLE, "immutable")
                for k in ("source", "target", "kind")
                if old is not None and old[k] != new[k]
            ]
        return errors
