"""``bulk_upsert`` on Neo4j: plan in Python, write with ``UNWIND`` in batches.

The whole call is one transaction (``Neo4jStore.bulk_upsert``). ``rules.Batch.of``
validates the records without the database; ``plan`` reads what is stored for them
(locking the records it may replace), checks the batch against it with the shared rules
(``Batch.check``) and sorts each record into new, changed or unchanged; ``Plan.write``
then sends a handful of ``UNWIND`` statements of at most ``tx.BATCH`` rows each instead of
one statement per row.

All-or-nothing has a price on the server: the transaction holds every new record and its
audit entry until the commit, about 9 KB per record. 20,000 actors with 100,000 links
need about 1.1 GB of transaction memory (``dbms.memory.transaction.total.max``, by default
70% of the heap), so give such a server a heap of 2 GB or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel

from graph.errors import Conflict
from graph.model import ActorIn, BulkResult, LinkIn
from graph.store.common import doc, dumps
from graph.store.neo4j import cypher, tx
from graph.store.rules import FIXED_FIELDS, Batch


@dataclass
class Plan:
    """What one ``bulk_upsert`` writes: statements with their rows, audit items, counters."""

    stamp: str
    result: BulkResult = field(default_factory=BulkResult)
    entries: list[tx.AuditItem] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    rows: dict[tuple[str, bool], list[list[Any]]] = field(default_factory=dict)
    effects: dict[tuple[str, bool], int] = field(default_factory=dict)
    linked: list[tuple[str, str]] = field(default_factory=list)
    """The ends of the links created."""

    def add(
        self,
        entity: str,
        key: str,
        old: dict[str, Any] | None,
        new: dict[str, Any],
        wijken: Sequence[str],
    ) -> None:
        """Queue, count and audit one new or changed record (or count it as unchanged)."""
        if old is not None and all(old[k] == v for k, v in new.items()):
            self.result.unchanged += 1
            return
        if old is None:
            full = new | {"version": 1, "created_at": self.stamp, "updated_at": self.stamp,
                          "confirmed": None}  # fmt: skip
            self.result.created += 1
            if entity == "link":
                self.linked.append((new["source"], new["target"]))
        else:
            full = old | new | {"version": old["version"] + 1, "updated_at": self.stamp}
            self.result.updated += 1
        text = dumps(full)  # once, for the record and for its audit entry
        self.entries.append(("create" if old is None else "update", entity, key, wijken, old, text))
        statement = (entity, old is None)
        self.rows.setdefault(statement, []).append(tx.row(entity, full, text))
        effects = len(full["wijken"]) if entity == "actor" else 1  # ACTIVE_IN created
        self.effects[statement] = self.effects.get(statement, 0) + effects
        self.touched.update(wijken)

    def write(self, t: ManagedTransaction) -> None:
        """Send the queued rows (wijken, then actors, then links) in batches."""
        for statement, rows in self.rows.items():
            if tx.write(t, cypher.WRITE[statement], rows) != self.effects[statement]:
                # a record it refers to was deleted meanwhile
                raise Conflict("Gegevens waar deze import naar verwijst zijn intussen gewijzigd; "
                               "probeer het opnieuw.")  # fmt: skip


def plan(t: ManagedTransaction, batch: Batch, now: datetime) -> Plan:
    """Read what is stored for ``batch``, check it (``InvalidData`` if any rule fails) and
    plan the writes."""
    slugs = [w.slug for w in batch.wijken]
    stored_wijken = {d["slug"]: d for d in tx.read_docs(t, cypher.LOCK_WIJKEN, slugs)}
    known_wijken = set(slugs) | set(
        t.run(cypher.KNOWN_WIJKEN, keys=sorted(batch.wanted_wijken())).value()
    )
    stored = {d["id"]: d for d in tx.read_docs(t, cypher.LOCK_ACTORS, _ids(batch.actors))}
    others = tx.read_docs(t, cypher.READ_ACTORS, sorted(batch.wanted_actors() - stored.keys()))
    stored_links = {d["id"]: d for d in tx.read_docs(t, cypher.LOCK_LINKS, _ids(batch.links))}
    kinds = {d["id"]: d["kind"] for d in [*others, *stored.values()]}
    identities = {
        "actors": _identities(stored, ActorIn),
        "links": _identities(stored_links, LinkIn),
    }
    batch.check(known_wijken, batch.kinds(kinds), identities)

    # every actor as it will be after the write
    final = {d["id"]: d for d in others} | stored | {a.id: doc(a) for a in batch.actors}
    out = Plan(stamp=now.isoformat())
    for wijk in batch.wijken:
        out.add("wijk", wijk.slug, stored_wijken.get(wijk.slug), doc(wijk), [wijk.slug])
    for actor in batch.actors:
        old = stored.get(actor.id or "")
        wijken = sorted(set(actor.wijken) | set(old["wijken"] if old else ()))
        out.add("actor", actor.id or "", old, final[actor.id or ""], wijken)
    for link in batch.links:
        ends = (final[link.source]["wijken"], final[link.target]["wijken"])
        out.add("link", link.id or "", stored_links.get(link.id or ""), doc(link),
                sorted(set(ends[0]) | set(ends[1])))  # fmt: skip
    return out


def _ids(records: Sequence[Any]) -> list[str]:
    return [r.id for r in records]


def _identities(
    docs: dict[str, dict[str, Any]], model: type[BaseModel]
) -> dict[str, tuple[Any, ...]]:
    """What identifies each stored document (``rules.identity``), by its key."""
    names = FIXED_FIELDS[model][1:]
    return {key: tuple(d[name] for name in names) for key, d in docs.items()}
