"""``bulk_upsert`` for the Neo4j store: plan in Python, write with ``UNWIND`` in batches.

The whole call is one transaction (``Neo4jStore.bulk_upsert``). ``Batch.of`` validates the
records without the database; ``Batch.plan`` reads what is stored for them (locking the
records it may replace), sorts each record into new, changed or unchanged and checks every
reference against the stored data plus the batch; ``Plan.write`` then sends a handful of
``UNWIND`` statements of at most ``BATCH`` rows each instead of one statement per row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction

from graph.errors import Conflict, FieldError, InvalidData
from graph.model import ActorIn, BulkResult, LinkIn, WijkIn
from graph.store.common import actor_errors, doc, dumps, link_errors, validated

BATCH = 5000
"""Rows per ``UNWIND`` statement."""

_IMMUTABLE = "Dit veld kan niet gewijzigd worden."


def wijk_props(d: dict[str, Any]) -> dict[str, Any]:
    """The properties of a wijk node: the document and the copies Cypher matches on."""
    return {"slug": d["slug"], "version": d["version"], "doc": dumps(d)}


def actor_props(d: dict[str, Any]) -> dict[str, Any]:
    """The properties of an actor node: the document and the copies Cypher matches on."""
    keys = ("id", "kind", "name", "organisation", "since", "until", "version")
    return {k: d[k] for k in keys} | {"doc": dumps(d)}


def link_props(d: dict[str, Any]) -> dict[str, Any]:
    """The properties of a LINK relationship: the document and the copies Cypher matches on."""
    return {k: d[k] for k in ("id", "kind", "since", "until", "version")} | {"doc": dumps(d)}


# -- Cypher --------------------------------------------------------------------------------

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
_CREATE_WIJKEN = """
    UNWIND $rows AS row
    CREATE (w:Wijk) SET w = row, w.changes = 0
    RETURN count(w) AS n
"""
_UPDATE_WIJKEN = """
    UNWIND $rows AS row
    MATCH (w:Wijk {slug: row.slug})
    SET w += row
    RETURN count(w) AS n
"""
_CREATE_ACTORS = """
    UNWIND $rows AS row
    CREATE (a:Actor) SET a = row.props
    WITH a, row
    UNWIND row.wijken AS slug
    MATCH (w:Wijk {slug: slug})
    CREATE (a)-[:ACTIVE_IN]->(w)
    RETURN count(*) AS n
"""
_UPDATE_ACTORS = """
    UNWIND $rows AS row
    MATCH (a:Actor {id: row.props.id})
    SET a += row.props
    WITH a, row
    CALL (a) { MATCH (a)-[r:ACTIVE_IN]->() DELETE r }
    WITH a, row
    UNWIND row.wijken AS slug
    MATCH (w:Wijk {slug: slug})
    CREATE (a)-[:ACTIVE_IN]->(w)
    RETURN count(*) AS n
"""
_CREATE_LINKS = """
    UNWIND $rows AS row
    MATCH (s:Actor {id: row.source})
    MATCH (t:Actor {id: row.target})
    CREATE (s)-[r:LINK]->(t) SET r = row.props
    RETURN count(r) AS n
"""
_UPDATE_LINKS = """
    UNWIND $rows AS row
    MATCH ()-[r:LINK {id: row.id}]->()
    SET r += row
    RETURN count(r) AS n
"""


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
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    effects: dict[str, int] = field(default_factory=dict)

    def add(self, query: str, row: dict[str, Any], effects: int = 1) -> None:
        """Queue ``row`` for ``query``, which should report ``effects`` for it."""
        self.rows.setdefault(query, []).append(row)
        self.effects[query] = self.effects.get(query, 0) + effects

    def record(self, entity: str, key: str, old: dict | None, new: dict, wijken: Sequence[str]) -> dict:
        """Count and audit one new or changed record; return its stored document."""
        if old is None:
            full = new | {"version": 1, "created_at": self.stamp, "updated_at": self.stamp,
                          "confirmed": None}  # fmt: skip
            self.result.created += 1
        else:
            full = old | new | {"version": old["version"] + 1, "updated_at": self.stamp}
            self.result.updated += 1
        self.entries.append(("create" if old is None else "update", entity, key, wijken, old, full))
        return full

    def write(self, tx: ManagedTransaction) -> None:
        """Send the queued rows (wijken, then actors, then links) in batches."""
        for query, rows in self.rows.items():
            done = 0
            for start in range(0, len(rows), BATCH):
                done += tx.run(query, rows=rows[start : start + BATCH]).single(strict=True)["n"]
            if done != self.effects[query]:  # a record it refers to vanished meanwhile
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
        out: dict[str, list[Any]] = {}
        for name, model, rows, key in [
            ("wijken", WijkIn, wijken, "slug"),
            ("actors", ActorIn, actors, "id"),
            ("links", LinkIn, links, "id"),
        ]:
            seen: set[str] = set()
            out[name] = []
            for i, row in enumerate(rows):
                if isinstance(row, model) and type(row) is not model:  # a stored record
                    row = row.model_dump(include=set(model.model_fields))
                try:
                    record = validated(model, row)
                except InvalidData as exc:
                    errors += [FieldError(f"{name}.{i}.{e.field}", e.message, e.code)
                               for e in exc.errors]  # fmt: skip
                    continue
                value = getattr(record, key)
                if value is None:
                    errors.append(FieldError(f"{name}.{i}.id", "Een import heeft een id nodig.",
                                             "missing"))  # fmt: skip
                elif value in seen:
                    errors.append(FieldError(f"{name}.{i}.{key}", "Dit staat twee keer in de import.",
                                             "duplicate"))  # fmt: skip
                seen.add(value)
                out[name].append(record)
        if errors:
            raise InvalidData(errors)
        return cls(out["wijken"], out["actors"], out["links"])

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
            full = plan.record("wijk", wijk.slug, old, new, [wijk.slug])
            plan.add(_CREATE_WIJKEN if old is None else _UPDATE_WIJKEN, wijk_props(full))
            plan.touched.add(wijk.slug)
        for actor in self.actors:
            old, new = stored.get(actor.id), final[actor.id]
            if old is not None and all(old[k] == v for k, v in new.items()):
                plan.result.unchanged += 1
                continue
            wijken = sorted(set(actor.wijken) | set(old["wijken"] if old else ()))
            full = plan.record("actor", actor.id, old, new, wijken)
            row = {"props": actor_props(full), "wijken": actor.wijken}
            plan.add(_CREATE_ACTORS if old is None else _UPDATE_ACTORS, row, len(actor.wijken))
            plan.touched.update(wijken)
        for link in self.links:
            old, new = stored_links.get(link.id), doc(link)
            if old is not None and all(old[k] == v for k, v in new.items()):
                plan.result.unchanged += 1
                continue
            wijken = sorted(set(final[link.source]["wijken"]) | set(final[link.target]["wijken"]))
            full = plan.record("link", link.id, old, new, wijken)
            if old is None:
                row = {"source": link.source, "target": link.target, "props": link_props(full)}
                plan.add(_CREATE_LINKS, row)
            else:
                plan.add(_UPDATE_LINKS, link_props(full))
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
