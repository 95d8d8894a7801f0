"""``bulk_upsert`` on SQLite: the batch checked by the shared rules (``rules.Batch``)
against what is stored, then written with a few ``executemany`` calls."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from graph.model import ActorIn, BulkResult, LinkIn, WijkIn, utcnow
from graph.store.rules import FIXED_FIELDS, Batch
from graph.store.sqlite.core import AuditRow
from graph.store.sqlite.records import (
    INDEXED,
    INSERT,
    INSERT_ACTOR_WIJK,
    PK_ORDER,
    REC,
    TABLES,
    UPDATE,
    Rec,
    Row,
    actor_wijk_rows,
    in_chunks,
    key_of,
    stored_json,
)
from graph.store.sqlite.workflow import WorkflowMixin

_MODELS = {"wijken": WijkIn, "actors": ActorIn, "links": LinkIn}


class BulkMixin(WorkflowMixin):
    def bulk_upsert(
        self,
        *,
        wijken: Sequence[WijkIn] = (),
        actors: Sequence[ActorIn] = (),
        links: Sequence[LinkIn] = (),
        by: str,
    ) -> BulkResult:
        batch = Batch.of(wijken, actors, links)
        records: dict[str, Sequence[Any]] = {
            "wijken": batch.wijken, "actors": batch.actors, "links": batch.links,
        }  # fmt: skip
        now = utcnow().isoformat()
        result = BulkResult()
        entries: list[AuditRow] = []
        touched: set[str] = set()
        linked: list[tuple[str, str]] = []  # the ends of the links created
        with self._write() as con:
            found = _Found(con, batch)
            batch.check(found.known_wijken(), batch.kinds(found.kinds()), found.identity)
            wijken_of = found.end_wijken()
            no_wijken: frozenset[str] = frozenset()
            for table, items in records.items():
                old_recs = found.old[table]
                entity = TABLES[table][2]
                indexed_of = INDEXED[table]
                new_rows, changed_rows, moved, member_rows = [], [], [], []
                for record in items:
                    key = key_of(record)
                    input_json = record.model_dump_json()
                    old = old_recs.get(key)
                    if old is not None and old.input == input_json:
                        result.unchanged += 1
                        continue
                    if table == "links":
                        slugs = wijken_of.get(record.source, no_wijken) | wijken_of.get(
                            record.target, no_wijken
                        )
                    elif table == "actors":
                        slugs = frozenset(record.wijken)
                        member_rows += actor_wijk_rows(record)
                    else:
                        slugs = frozenset((key,))
                    indexed = indexed_of(record)
                    if old is None:
                        if table == "links":
                            linked.append((record.source, record.target))
                        doc = stored_json(input_json, 1, now, now, None)
                        new_rows.append((*indexed, 1, now, now, None, input_json, key))
                        entries.append((now, by, "create", entity, key, slugs, None, doc))
                    else:
                        version = old.version + 1
                        doc = stored_json(input_json, version, old.created_at, now, old.confirmed)
                        changed_rows.append(
                            (*indexed, version, old.created_at, now, old.confirmed, input_json, key)
                        )
                        if table == "actors":
                            moved.append((key,))
                            slugs |= frozenset(json.loads(old.input)["wijken"])
                        entries.append((now, by, "update", entity, key, slugs, old.doc, doc))
                    touched |= slugs
                new_rows.sort(key=PK_ORDER[table])
                member_rows.sort()
                con.executemany(INSERT[table], new_rows)
                con.executemany(UPDATE[table], changed_rows)
                con.executemany("DELETE FROM actor_wijk WHERE actor_id = ?", moved)
                con.executemany(INSERT_ACTOR_WIJK, member_rows)
                result.created += len(new_rows)
                result.updated += len(changed_rows)
            self._touch(con, touched)
            self._audit(con, entries)
            self._realise(con, linked, by)
        return result


class _Found:
    """What the database holds for one batch: the stored state of the records it replaces
    (``old``) with what identifies them (``identity``), and what it refers to."""

    def __init__(self, con: sqlite3.Connection, batch: Batch) -> None:
        self.con, self.batch = con, batch
        self.old: dict[str, dict[str, Rec]] = {}
        self.identity: dict[str, dict[str, Row]] = {}
        self._load("wijken", [w.slug for w in batch.wijken])
        self._load("actors", [a.id for a in batch.actors if a.id])
        self._load("links", [lk.id for lk in batch.links if lk.id])

    def _load(self, table: str, keys: list[str]) -> None:
        key, fixed = TABLES[table][0], FIXED_FIELDS[_MODELS[table]][1:]
        n = len(fixed)
        sql = f"SELECT {', '.join((key, *fixed))}, {REC} FROM {table} WHERE {key} IN ({{marks}})"
        self.old[table], self.identity[table] = {}, {}
        for found in in_chunks(self.con, sql, keys):
            self.old[table][found[0]] = Rec(*found[1 + n :])
            self.identity[table][found[0]] = tuple(found[1 : 1 + n])

    def known_wijken(self) -> set[str]:
        """The wijken that exist once the batch is written, of those it refers to."""
        sql = "SELECT slug FROM wijken WHERE slug IN ({marks})"
        found = {r[0] for r in in_chunks(self.con, sql, self.batch.wanted_wijken())}
        return found | {w.slug for w in self.batch.wijken}

    def kinds(self) -> dict[str, str]:
        """The kinds of the stored actors the batch refers to and does not bring."""
        sql = "SELECT id, kind FROM actors WHERE id IN ({marks})"
        return dict(in_chunks(self.con, sql, self.batch.wanted_actors()))

    def end_wijken(self) -> dict[str, frozenset[str]]:
        """The wijken of every link end, as they are once the batch is written."""
        batch = {a.id: frozenset(a.wijken) for a in self.batch.actors if a.id}
        ends = {end for lk in self.batch.links for end in (lk.source, lk.target)} - batch.keys()
        stored: dict[str, set[str]] = {}
        for actor_id, slug in in_chunks(
            self.con, "SELECT actor_id, wijk FROM actor_wijk WHERE actor_id IN ({marks})", ends
        ):
            stored.setdefault(actor_id, set()).add(slug)
        return {k: frozenset(v) for k, v in stored.items()} | batch
