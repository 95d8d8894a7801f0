"""``merge_actors`` on Neo4j: lock and read what the merge concerns, then execute the
shared plan (``graph.store.merging``)."""

from __future__ import annotations

import json
from typing import Any

from neo4j import ManagedTransaction

from graph.model import Actor, ActorIn, Link, LinkIn
from graph.store.common import doc, dumps
from graph.store.merging import Merge, Step, merge_link_ids, merged_into, pair_audit, plan_merge
from graph.store.neo4j import cypher, tx
from graph.store.neo4j.workflow import WorkflowMixin, pair_of
from graph.store.rules import SAME_ACTOR, refuse


class MergeMixin(WorkflowMixin):
    def merge_actors(
        self,
        keep_id: str,
        drop_id: str,
        *,
        expected_versions: tuple[int, int] | None = None,
        by: str,
    ) -> Actor:
        if keep_id == drop_id:
            refuse([SAME_ACTOR.error("drop")])
        keep_version, drop_version = expected_versions or (None, None)

        def work(t: ManagedTransaction) -> Actor:
            keep_doc, _ = tx.lock(t, "actor", keep_id, keep_version)
            drop_doc, _ = tx.lock(t, "actor", drop_id, drop_version)
            links: dict[str, dict[str, Any]] = {}  # link id -> document
            wijken_of: dict[str, list[str]] = {}  # actor id -> wijken, as they are now
            for found in t.run(cypher.MERGE_LINKS, keys=[keep_id, drop_id]):
                link = json.loads(found["doc"])
                links[link["id"]] = link
                wijken_of[found["source"]] = found["source_wijken"]
                wijken_of[found["target"]] = found["target_wijken"]
            workers = {
                d["id"]: d for d in map(json.loads, tx.column(t, cypher.MERGE_WORKERS, key=drop_id))
            }
            link_list = [Link.model_validate(d) for d in links.values()]
            candidates = merge_link_ids(keep_id, drop_id, link_list)
            merge = plan_merge(
                Actor.model_validate(keep_doc),
                Actor.model_validate(drop_doc),
                link_list,
                [Actor.model_validate(d) for d in workers.values()],
                set(tx.column(t, cypher.LINK_IDS_TAKEN, keys=candidates)),
                tx.parse_many("step", tx.column(t, cypher.MERGE_STEPS, keys=[keep_id, drop_id])),
                wijken_of,
            )
            stored = {("actor", keep_id): keep_doc, ("actor", drop_id): drop_doc}
            stored |= {("link", key): d for key, d in links.items()}
            stored |= {("actor", key): d for key, d in workers.items()}
            return _execute(t, merge, stored, by)

        return self._run(True, work)


def _execute(
    t: ManagedTransaction, merge: Merge, stored: dict[tuple[str, str], dict[str, Any]], by: str
) -> Actor:
    """Write the steps of ``merge`` and their audit entries; returns ``keep`` as stored.
    ``stored`` holds the documents of every stored actor and link the steps replace, by
    (entity, key)."""
    entries: list[tx.AuditItem] = []
    kept = None
    for step in merge.steps:
        before: Any = None
        if step.entity != "decision" and step.before is not None:
            before = stored[step.entity, step.key]
        after: Any = None
        if step.entity == "decision":
            before, after = _write_pair(t, step)
        elif step.action == "merge":
            t.run(cypher.DELETE_ACTOR, key=step.key).consume()
            after = merged_into(merge.actor.id or "")
        elif step.action == "delete":
            t.run(cypher.DELETE_LINK, key=step.key).consume()
        elif step.action == "create":
            assert isinstance(step.after, LinkIn)
            link = tx.new(Link, step.after, {})
            tx.save(t, "link", link, created=True)
            after = doc(link)
        else:
            assert isinstance(step.after, ActorIn | LinkIn)
            model: type[Actor | Link] = Actor if step.entity == "actor" else Link
            record = tx.next_version(model, before, step.after)
            tx.save(t, step.entity, record)
            after = doc(record)
            if (step.entity, step.key) == ("actor", merge.actor.id):
                kept = record
        entries.append((step.action, step.entity, step.key, step.wijken, before, after))
    tx.touch(t, merge.wijken)
    tx.audit(t, by, entries)
    assert isinstance(kept, Actor)
    return kept


def _write_pair(t: ManagedTransaction, step: Step) -> tuple[Any, Any]:
    """Remove every step of a suggested pair, or append steps to it; returns the audit
    entry's before and after (``pair_audit``)."""
    pair = pair_of(*step.pair)
    if isinstance(step.before, tuple):
        t.run(cypher.DELETE_PAIR, pair=pair).consume()
    if isinstance(step.after, tuple):
        found = t.run(cypher.STEP_LAST, pair=pair, limit=1).single()
        n = found["n"] if found else 0
        wijk, a, b = step.pair
        rows = [
            [f"{pair}|{n + i}", pair, wijk, a, b, n + i, dumps(doc(s))]
            for i, s in enumerate(step.after, start=1)
        ]
        t.run(cypher.ADD_STEPS, rows=rows).consume()
    return pair_audit(step)
