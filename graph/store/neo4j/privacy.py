"""``erase_personal_data`` on Neo4j (what is erased: ``graph.store.erasure``)."""

from __future__ import annotations

import json
from typing import Any

from neo4j import ManagedTransaction

from graph.errors import NotFound
from graph.model import Actor, Link
from graph.store.common import doc, dumps
from graph.store.erasure import Erasure, merged_ids
from graph.store.neo4j import cypher, tx
from graph.store.neo4j.core import Neo4jCore
from graph.store.rules import apply_changes


class ErasureMixin(Neo4jCore):
    def erase_personal_data(self, actor_id: str, *, by: str) -> Actor | None:
        """Rewrites the audit log first, so the entries of this erasure are written clean."""

        def work(t: ManagedTransaction) -> Actor | None:
            merges = []
            for found in t.run(cypher.ERASE_MERGES, marker='"merged_into":'):
                entry = json.loads(found["doc"])
                if entry["action"] == "merge" and entry["entity"] == "actor":
                    merges.append((entry["entity_id"], (entry["after"] or {}).get("merged_into")))
            erasure = Erasure(merged_ids(actor_id, merges))
            ids = sorted(erasure.ids)
            live = {
                d["id"]: d for d in map(json.loads, tx.column(t, cypher.ERASE_ACTORS, keys=ids))
            }
            history = []  # (seq, entry) of the person's own actors
            for found in t.run(cypher.ERASE_HISTORY, keys=ids):
                entry = json.loads(found["doc"])
                if entry["entity"] == "actor":  # not a link or decision with the same id
                    history.append((found["seq"], entry))
            own = sorted((seq, e) for seq, e in history if e["entity_id"] == actor_id)
            if actor_id not in live and not own:
                raise NotFound(f"De actor {actor_id!r} bestaat niet.")
            for document in live.values():
                erasure.collect(document)
            for _, entry in history:
                erasure.collect(entry["before"])
                erasure.collect(entry["after"])
            _erase_history(t, erasure, dict(history))
            # the person's own actors lose the personal data
            entries: list[tx.AuditItem] = []
            erased = None
            for record_id in ids:
                if record_id not in live:
                    continue
                before = live[record_id]
                current = Actor.model_validate(before)
                actor = tx.next_version(
                    Actor, before, apply_changes(current, erasure.changes(current, own=True))
                )
                tx.save(t, "actor", actor)
                wijken = [*current.wijken, *actor.wijken]
                clean = erasure.erased(before)
                entries.append(("erase", "actor", record_id, wijken, clean, doc(actor)))
                if record_id == actor_id:
                    erased = actor
            if erased is None:  # the actor exists only in the audit log
                entries.append(("erase", "actor", actor_id, own[-1][1]["wijken"], None, None))
            entries += _erase_texts(t, erasure, ids)
            tx.touch(t, [w for entry in entries for w in entry[3]])
            tx.audit(t, by, entries)
            return erased

        return self._run(True, work)


def _erase_history(t: ManagedTransaction, erasure: Erasure, found: dict[int, Any]) -> None:
    """The person's data out of the audit log: ``found`` holds the entries about the
    person's actors, by seq; those with the person's data in a free text are added."""
    if erasure.needles:
        for row in t.run(cypher.ERASE_TEXTS["audit"], needles=erasure.needles):
            found.setdefault(row["seq"], json.loads(row["doc"]))
    rows = []
    for seq, entry in found.items():
        new = entry | {
            side: erasure.audit_side(entry["entity"], entry["entity_id"], entry[side])
            for side in ("before", "after")
        }
        if new != entry:
            rows.append({"seq": seq, "doc": dumps(new)})
    t.run(cypher.REWRITE_AUDIT, rows=rows).consume()


def _erase_texts(t: ManagedTransaction, erasure: Erasure, ids: list[str]) -> list[tx.AuditItem]:
    """The person's data out of the free texts of every other record; their audit items."""
    needles = erasure.needles
    if not needles:
        return []
    entries: list[tx.AuditItem] = []
    for row in t.run(cypher.ERASE_TEXTS["actor"], needles=needles, keys=ids):
        before = json.loads(row["doc"])
        current = Actor.model_validate(before)
        changes = erasure.changes(current)
        if changes:
            actor = tx.next_version(Actor, before, apply_changes(current, changes))
            tx.save(t, "actor", actor)
            wijken = [*current.wijken, *actor.wijken]
            entries.append(("erase", "actor", actor.id, wijken, erasure.scrub(before), doc(actor)))
    for row in t.run(cypher.ERASE_TEXTS["link"], needles=needles):
        before = json.loads(row["doc"])
        link = Link.model_validate(before)
        changes = erasure.changes(link)
        if changes:
            changed = tx.next_version(Link, before, apply_changes(link, changes))
            tx.save(t, "link", changed)
            entries.append(
                ("erase", "link", changed.id, row["ends"], erasure.scrub(before), doc(changed))
            )
    for row in t.run(cypher.ERASE_TEXTS["decision"], needles=needles):
        before = json.loads(row["doc"])
        scrubbed = erasure.scrub(before)
        if scrubbed != before:
            text = dumps(scrubbed)
            t.run(cypher.REWRITE_STEP, key=row["key"], doc=text).consume()
            pair = f"{scrubbed['a']}|{scrubbed['b']}"
            entries.append(("erase", "decision", pair, [scrubbed["wijk"]], text, text))
    return entries
