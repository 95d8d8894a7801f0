"""Backup and restore on Neo4j: ``export_all`` reads everything in one read transaction,
``import_all`` writes a dump in one write transaction (see ``graph.store.backup``)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from graph.errors import Conflict, FieldError, InvalidData
from graph.model import AuditEntry
from graph.store.backup import NOT_EMPTY, NumberedStep, StoreDump, check_dump, restored_counter
from graph.store.common import doc, dumps
from graph.store.neo4j import cypher, tx
from graph.store.neo4j.core import Neo4jCore
from graph.store.neo4j.workflow import pair_of

EXPORT: dict[str, cypher.Cypher] = {
    "wijk": "MATCH (w:Wijk) RETURN w.doc AS doc, w.changes AS changes ORDER BY w.slug",
    "actor": "MATCH (a:Actor) RETURN a.doc AS doc ORDER BY a.id",
    "link": "MATCH ()-[r:LINK]->() RETURN r.doc AS doc ORDER BY r.id",
    "step": """
        MATCH (s:SuggestionStep)
        RETURN s.n AS n, s.doc AS doc ORDER BY s.wijk, s.a, s.b, s.n
    """,
    "audit": "MATCH (e:AuditEntry) RETURN e.doc AS doc ORDER BY e.seq",
    "seq": "MATCH (c:Counter {name: 'audit'}) RETURN c.value AS value",
}
HOLDS_DATA: cypher.Cypher = """
    MATCH (n) WHERE n:Wijk OR n:Actor OR n:SuggestionStep OR n:AuditEntry
    RETURN 1 AS found LIMIT 1
"""
CLEAR: cypher.Cypher = """
    MATCH (n) WHERE n:Wijk OR n:Actor OR n:SuggestionStep OR n:AuditEntry
    DETACH DELETE n
"""
WIJK_CHANGES: cypher.Cypher = "MATCH (w:Wijk) RETURN w.slug AS slug, w.changes AS changes"
SET_CHANGES: cypher.Cypher = """
    UNWIND $rows AS row
    MATCH (w:Wijk {slug: row[0]})
    SET w.changes = row[1]
    RETURN count(w) AS n
"""
SET_SEQ: cypher.Cypher = """
    MERGE (c:Counter {name: 'audit'})
    ON CREATE SET c.value = 0
    SET c.value = CASE WHEN c.value < $value THEN $value ELSE c.value END
"""


def _export(t: ManagedTransaction) -> dict[str, Any]:
    wijken = list(t.run(EXPORT["wijk"]))
    step_rows = list(t.run(EXPORT["step"]))
    return {
        "wijken": [r["doc"] for r in wijken],
        "changes": [r["changes"] for r in wijken],
        "actors": tx.column(t, EXPORT["actor"]),
        "links": tx.column(t, EXPORT["link"]),
        "step_n": [r["n"] for r in step_rows],
        "steps": [r["doc"] for r in step_rows],
        "audit": tx.column(t, EXPORT["audit"]),
        "seq": tx.first(t, EXPORT["seq"]),
    }


class BackupMixin(Neo4jCore):
    def export_all(self) -> StoreDump:
        found = self._run(False, _export)
        wijken = tx.parse_many("wijk", found["wijken"])
        changes = {w.slug: int(c) for w, c in zip(wijken, found["changes"], strict=True)}
        audit = [AuditEntry.model_validate_json(d) for d in found["audit"]]
        steps = tx.parse_many("step", found["steps"])
        return StoreDump(
            wijken=wijken,
            actors=tx.parse_many("actor", found["actors"]),
            links=tx.parse_many("link", found["links"]),
            steps=[NumberedStep(n=n, step=s) for n, s in zip(found["step_n"], steps, strict=True)],
            audit=audit,
            changes=changes,
            audit_seq=max([int(found["seq"] or 0), *(e.seq for e in audit)]),
        )

    def import_all(
        self, dump: StoreDump, *, replace: bool = False, by: str | None = None, source: str = ""
    ) -> None:
        errors = check_dump(dump)
        if errors:
            raise InvalidData([FieldError("backup", e, "reference") for e in errors[:100]])
        wijken = [tx.row("wijk", doc(w)) for w in dump.wijken]
        actors = [tx.row("actor", doc(a)) for a in dump.actors]
        links = [tx.row("link", doc(lk)) for lk in dump.links]
        steps = []
        for s in dump.steps:
            pair = pair_of(s.step.wijk, s.step.a, s.step.b)
            steps.append(
                [f"{pair}|{s.n}", pair, s.step.wijk, s.step.a, s.step.b, s.n, dumps(doc(s.step))]
            )
        audit = []
        for e in dump.audit:
            entry = doc(e) | {"at": e.at.isoformat(), "wijken": sorted(set(e.wijken))}
            audit.append([e.seq, e.entity_id, entry["wijken"], dumps(entry)])
        memberships = sum(len(a.wijken) for a in dump.actors)

        def work(t: ManagedTransaction) -> None:
            current: dict[str, int] = {}
            if t.run(HOLDS_DATA).single() is not None:
                if not replace:
                    raise Conflict(NOT_EMPTY)
                current = {r["slug"]: int(r["changes"] or 0) for r in t.run(WIJK_CHANGES)}
                t.run(CLEAR).consume()
            written = (
                tx.write(t, cypher.WRITE["wijk", True], wijken),
                tx.write(t, cypher.WRITE["actor", True], actors),
                tx.write(t, cypher.WRITE["link", True], links),
            )
            if written != (len(wijken), memberships, len(links)):
                raise Conflict(
                    "De back-up kon niet volledig worden teruggezet; er is niets veranderd."
                )
            counters = [
                [w.slug, restored_counter(dump.changes.get(w.slug, 0), current.get(w.slug))]
                for w in dump.wijken
            ]
            tx.write(t, SET_CHANGES, counters)
            for start in range(0, len(steps), tx.BATCH):
                t.run(cypher.ADD_STEPS, rows=steps[start : start + tx.BATCH]).consume()
            for start in range(0, len(audit), tx.BATCH):
                t.run(cypher.ADD_AUDIT, rows=audit[start : start + tx.BATCH]).consume()
            t.run(SET_SEQ, value=dump.audit_seq).consume()
            if by is not None:
                after = {"source": source}
                tx.audit(
                    t, by, [("restore", "wijk", w.slug, [w.slug], None, after) for w in dump.wijken]
                )

        self._run(True, work)
