"""``erase_personal_data`` on SQLite (what is erased: ``graph.store.erasure``)."""

from __future__ import annotations

import json
import sqlite3

from graph.errors import NotFound, WijknetError
from graph.model import Actor, Link, utcnow
from graph.store.common import dumps
from graph.store.erasure import Erasure, merged_ids
from graph.store.rules import apply_changes
from graph.store.sqlite.core import AuditRow, SqliteCore
from graph.store.sqlite.records import REC, TABLES, Rec, in_chunks


class ErasureMixin(SqliteCore):
    def erase_personal_data(self, actor_id: str, *, by: str) -> Actor | None:
        now = utcnow().isoformat()
        with self._write() as con:
            merges = con.execute(
                "SELECT entity_id, after FROM audit WHERE action = 'merge' AND entity = 'actor'"
            ).fetchall()
            pairs = [(drop, json.loads(after or "{}").get("merged_into")) for drop, after in merges]
            erasure = Erasure(merged_ids(actor_id, pairs))
            ids = sorted(erasure.ids)
            live = {
                found[0]: Rec(*found[1:])
                for found in in_chunks(
                    con, f"SELECT id, {REC} FROM actors WHERE id IN ({{marks}}) ORDER BY id", ids
                )
            }
            history = list(
                in_chunks(
                    con,
                    "SELECT seq, entity_id, wijken, before, after FROM audit"
                    " WHERE entity = 'actor' AND entity_id IN ({marks}) ORDER BY seq",
                    ids,
                )
            )
            own = [entry for entry in history if entry[1] == actor_id]
            if actor_id not in live and not own:
                raise NotFound(f"De actor {actor_id!r} bestaat niet.")
            for rec in live.values():
                erasure.collect(json.loads(rec.doc))
            for *_, before, after in history:
                for text in (before, after):
                    if text is not None:
                        erasure.collect(json.loads(text))
            # the person's own actors lose the personal data
            found = None
            for record_id, old in live.items():
                current = Actor.model_validate_json(old.doc)
                actor = apply_changes(current, erasure.changes(current, own=True))
                doc = self._replace(con, old, actor, by, "erase")
                if record_id == actor_id:
                    found = doc
            if found is None:  # the actor exists only in the audit log
                wijken = json.loads(own[-1][2])
                self._touch(con, wijken)
                self._audit(con, [(now, by, "erase", "actor", actor_id, wijken, None, None)])
            self._erase_texts(con, erasure, by, now)
            self._erase_history(con, erasure, ids)
        if not self._memory:
            # move the overwritten pages out of the write-ahead log too (best effort)
            try:
                with self._pool.connection(timeout=1.0) as con:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except (sqlite3.Error, WijknetError):
                pass
        return Actor.model_validate_json(found) if found is not None else None

    def _erase_texts(self, con: sqlite3.Connection, erasure: Erasure, by: str, now: str) -> None:
        """The person's data out of the free texts of every other record."""
        needles = erasure.needles
        where = " OR ".join(["instr({col}, ?) > 0"] * len(needles)) or "0"
        for table in ("actors", "links"):
            key = TABLES[table][0]
            model = Actor if table == "actors" else Link
            for found in con.execute(
                f"SELECT {key}, {REC} FROM {table} WHERE {where.format(col='input')}", needles
            ).fetchall():
                if table == "actors" and found[0] in erasure.ids:
                    continue
                old = Rec(*found[1:])
                current = model.model_validate_json(old.doc)
                changes = erasure.changes(current)
                if changes:
                    self._replace(con, old, apply_changes(current, changes), by, "erase")
        entries: list[AuditRow] = []
        for wijk, a, b, n, text in con.execute(
            "SELECT wijk, a, b, n, doc FROM suggestion_steps WHERE "
            f"{where.format(col='doc')} ORDER BY wijk, a, b, n",
            needles,
        ).fetchall():
            scrubbed = dumps(erasure.scrub(json.loads(text)))
            if json.loads(scrubbed) != json.loads(text):
                con.execute(
                    "UPDATE suggestion_steps SET doc = ? WHERE wijk = ? AND a = ? AND b = ?"
                    " AND n = ?",
                    (scrubbed, wijk, a, b, n),
                )
                pair = f"{a}|{b}"
                entries.append((now, by, "erase", "decision", pair, [wijk], scrubbed, scrubbed))
        self._touch(con, {w for entry in entries for w in entry[5]})
        self._audit(con, entries)

    @staticmethod
    def _erase_history(con: sqlite3.Connection, erasure: Erasure, ids: list[str]) -> None:
        """The person's data out of the audit log, this erasure's entries included."""
        needles = erasure.needles
        where = " OR ".join(["instr({col}, ?) > 0"] * len(needles))
        rows = list(
            in_chunks(
                con,
                "SELECT seq, entity, entity_id, before, after FROM audit"
                " WHERE entity = 'actor' AND entity_id IN ({marks})",
                ids,
            )
        )
        if needles:
            rows += con.execute(
                "SELECT seq, entity, entity_id, before, after FROM audit WHERE "
                + where.format(col="before")
                + " OR "
                + where.format(col="after"),
                needles + needles,
            ).fetchall()
        changed = {}
        for seq, entity, entity_id, before, after in {r[0]: r for r in rows}.values():
            texts = []
            for text in (before, after):
                data = json.loads(text) if text is not None else None
                new = erasure.audit_side(entity, entity_id, data)
                texts.append(text if new == data else dumps(new))
            if texts != [before, after]:
                changed[seq] = (*texts, seq)
        con.executemany(
            "UPDATE audit SET before = ?, after = ? WHERE seq = ?", list(changed.values())
        )
