"""Backup and restore on SQLite: ``export_all`` and ``import_all`` (see
``graph.store.backup``), and ``copy_to``, a byte-level copy through SQLite's online backup
API."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from graph.errors import Conflict, FieldError, InvalidData
from graph.model import ActorIn, AuditEntry, LinkIn, WijkIn, utcnow
from graph.store.backup import NOT_EMPTY, NumberedStep, StoreDump, check_dump, restored_counter
from graph.store.common import as_input, dumps
from graph.store.sqlite.core import SqliteCore
from graph.store.sqlite.pool import unavailable
from graph.store.sqlite.records import (
    INSERT,
    INSERT_ACTOR_WIJK,
    PK_ORDER,
    REC,
    Rec,
    actor_wijk_rows,
    row,
)
from graph.store.sqlite.trusted import ACTORS, LINKS, STEPS, WIJKEN

_HOLDS_DATA = """
SELECT EXISTS (SELECT 1 FROM wijken) OR EXISTS (SELECT 1 FROM actors)
    OR EXISTS (SELECT 1 FROM links) OR EXISTS (SELECT 1 FROM suggestion_steps)
    OR EXISTS (SELECT 1 FROM audit)
"""
_CLEAR = (
    "DELETE FROM links",
    "DELETE FROM actor_wijk",
    "DELETE FROM suggestion_steps",
    "DELETE FROM actors",
    "DELETE FROM wijken",
    "DELETE FROM audit_wijk",
    "DELETE FROM audit",
)


def _array(docs: list[str]) -> str:
    return "[" + ",".join(docs) + "]"


class BackupMixin(SqliteCore):
    def export_all(self) -> StoreDump:
        with self._read() as con:
            wijken = [Rec(*r).doc for r in con.execute(f"SELECT {REC} FROM wijken ORDER BY slug")]
            actors = [Rec(*r).doc for r in con.execute(f"SELECT {REC} FROM actors ORDER BY id")]
            links = [Rec(*r).doc for r in con.execute(f"SELECT {REC} FROM links ORDER BY id")]
            step_rows = con.execute(
                "SELECT n, doc FROM suggestion_steps ORDER BY wijk, a, b, n"
            ).fetchall()
            audit_rows = con.execute(
                'SELECT seq, at, "by", action, entity, entity_id, wijken, before, after'
                " FROM audit ORDER BY seq"
            ).fetchall()
            changes = dict(con.execute("SELECT slug, counter FROM wijk_counters ORDER BY slug"))
            found = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        steps = STEPS.validate_json(_array([r[1] for r in step_rows]))
        audit = [
            AuditEntry(
                seq=seq,
                at=datetime.fromisoformat(at),
                by=who,
                action=action,
                entity=entity,
                entity_id=eid,
                wijken=json.loads(slugs),
                before=json.loads(before) if before is not None else None,
                after=json.loads(after) if after is not None else None,
            )
            for seq, at, who, action, entity, eid, slugs, before, after in audit_rows
        ]
        last = max([found[0] if found else 0, *(e.seq for e in audit)])
        return StoreDump(
            wijken=WIJKEN.validate_json(_array(wijken)),
            actors=ACTORS.validate_json(_array(actors)),
            links=LINKS.validate_json(_array(links)),
            steps=[NumberedStep(n=r[0], step=s) for r, s in zip(step_rows, steps, strict=True)],
            audit=audit,
            changes=changes,
            audit_seq=last,
        )

    def import_all(
        self, dump: StoreDump, *, replace: bool = False, by: str | None = None, source: str = ""
    ) -> None:
        errors = check_dump(dump)
        if errors:
            raise InvalidData([FieldError("backup", e, "reference") for e in errors[:100]])
        tables: dict[str, list[tuple[Any, ...]]] = {"wijken": [], "actors": [], "links": []}
        members: list[tuple[Any, ...]] = []
        for table, model, records in (
            ("wijken", WijkIn, dump.wijken),
            ("actors", ActorIn, dump.actors),
            ("links", LinkIn, dump.links),
        ):
            for record in records:
                data: Any = as_input(model, record)
                confirmed = record.confirmed.model_dump_json() if record.confirmed else None
                rec = Rec(
                    record.version,
                    record.created_at.isoformat(),
                    record.updated_at.isoformat(),
                    confirmed,
                    data.model_dump_json(),
                )
                tables[table].append(row(data, rec))
                if isinstance(data, ActorIn):
                    members += actor_wijk_rows(data)
            tables[table].sort(key=PK_ORDER[table])
        steps = [
            (s.step.wijk, s.step.a, s.step.b, s.n, s.step.model_dump_json()) for s in dump.steps
        ]
        audit, per_wijk = [], []
        for e in dump.audit:
            slugs = sorted(set(e.wijken))
            before = dumps(e.before) if e.before is not None else None
            after = dumps(e.after) if e.after is not None else None
            audit.append(
                (
                    e.seq,
                    e.at.isoformat(),
                    e.by,
                    e.action,
                    e.entity,
                    e.entity_id,
                    dumps(slugs),
                    before,
                    after,
                )  # fmt: skip
            )
            per_wijk += [(slug, e.seq) for slug in slugs]
        with self._write() as con:
            if con.execute(_HOLDS_DATA).fetchone()[0]:
                if not replace:
                    raise Conflict(NOT_EMPTY)
                gone = {r[0] for r in con.execute("SELECT slug FROM wijken")}
                for statement in _CLEAR:
                    con.execute(statement)
                # the wijken deleted here count as changed, as ``delete_wijk`` counts them
                self._touch(con, gone - {w.slug for w in dump.wijken})
            current = dict(con.execute("SELECT slug, counter FROM wijk_counters"))
            for table, rows in tables.items():
                con.executemany(INSERT[table], rows)
            con.executemany(INSERT_ACTOR_WIJK, sorted(members))
            con.executemany(
                "INSERT INTO suggestion_steps (wijk, a, b, n, doc) VALUES (?, ?, ?, ?, ?)", steps
            )
            con.executemany(
                'INSERT INTO audit (seq, at, "by", action, entity, entity_id, wijken, before,'
                " after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                audit,
            )
            con.executemany("INSERT INTO audit_wijk (wijk, seq) VALUES (?, ?)", per_wijk)
            counters = {w.slug: dump.changes.get(w.slug, 0) for w in dump.wijken} | dump.changes
            con.executemany(
                "INSERT INTO wijk_counters (slug, counter) VALUES (?, ?)"
                " ON CONFLICT (slug) DO UPDATE SET counter = excluded.counter",
                [
                    (slug, restored_counter(value, current.get(slug)))
                    for slug, value in sorted(counters.items())
                ],
            )
            found = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
            if found is None:
                con.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ('audit', ?)", (dump.audit_seq,)
                )
            elif found[0] < dump.audit_seq:
                con.execute(
                    "UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", (dump.audit_seq,)
                )
            if by is not None:
                now, after = utcnow().isoformat(), dumps({"source": source})
                self._audit(
                    con,
                    [
                        (now, by, "restore", "wijk", w.slug, [w.slug], None, after)
                        for w in dump.wijken
                    ],
                )

    def copy_to(self, path: str | os.PathLike[str]) -> None:
        """Copy the database to a new SQLite file ``path`` with SQLite's online backup API
        (a consistent copy, while others go on reading and writing). ``path`` is written
        beside its place first and then takes it, so it is never half written."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            dest = sqlite3.connect(tmp)
            try:
                with self._pool.connection() as con:
                    con.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            tmp.unlink(missing_ok=True)
            raise unavailable(self.path, exc) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
