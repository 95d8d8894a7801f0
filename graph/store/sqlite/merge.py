"""``merge_actors`` on SQLite: read what the merge concerns, then execute the shared plan
(``graph.store.merging``)."""

from __future__ import annotations

import sqlite3

from graph.model import Actor, ActorIn, Link, LinkIn, SuggestionStep, utcnow
from graph.store.common import dumps
from graph.store.merging import (
    Merge,
    Step,
    merge_link_ids,
    merged_into,
    pair_audit,
    plan_merge,
)
from graph.store.rules import SAME_ACTOR, refuse
from graph.store.sqlite.core import AuditRow
from graph.store.sqlite.records import REC, Rec, in_chunks
from graph.store.sqlite.workflow import WorkflowMixin


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
        with self._write() as con:
            stored = {
                ("actor", keep_id): self._current(con, "actors", keep_id, keep_version),
                ("actor", drop_id): self._current(con, "actors", drop_id, drop_version),
            }
            keep = Actor.model_validate_json(stored["actor", keep_id].doc)
            drop = Actor.model_validate_json(stored["actor", drop_id].doc)
            pair = (keep_id, drop_id)
            links = {
                found[0]: Rec(*found[1:])
                for found in con.execute(
                    f"SELECT id, {REC} FROM links WHERE source IN (?, ?)"
                    f" UNION SELECT id, {REC} FROM links WHERE target IN (?, ?)",
                    pair + pair,
                )
            }
            workers = {
                found[0]: Rec(*found[1:])
                for found in con.execute(
                    f"SELECT id, {REC} FROM actors WHERE organisation = ?", (drop_id,)
                )
            }
            link_list = [Link.model_validate_json(rec.doc) for rec in links.values()]
            candidates = merge_link_ids(keep_id, drop_id, link_list)
            sql = "SELECT id FROM links WHERE id IN ({marks})"
            taken = {found[0] for found in in_chunks(con, sql, candidates)}
            workflow = [
                SuggestionStep.model_validate_json(found[0])
                for found in con.execute(
                    "SELECT doc FROM (SELECT wijk, a, b, n, doc FROM suggestion_steps"
                    " WHERE a IN (?, ?) UNION SELECT wijk, a, b, n, doc FROM suggestion_steps"
                    " WHERE b IN (?, ?)) ORDER BY wijk, a, b, n",
                    pair + pair,
                )
            ]
            ends = {end for lk in link_list for end in (lk.source, lk.target)}
            merge = plan_merge(
                keep,
                drop,
                link_list,
                [Actor.model_validate_json(rec.doc) for rec in workers.values()],
                taken,
                workflow,
                self._wijken_of(con, ends),
            )
            stored |= {("link", key): rec for key, rec in links.items()}
            stored |= {("actor", key): rec for key, rec in workers.items()}
            kept = self._execute(con, merge, stored, by)
        return Actor.model_validate_json(kept)

    def _execute(
        self, con: sqlite3.Connection, merge: Merge, recs: dict[tuple[str, str], Rec], by: str
    ) -> str:
        """Write the steps of ``merge`` and their audit entries; returns ``keep`` as stored.
        ``recs`` holds the rows of every stored actor and link the steps replace, by
        (entity, key)."""
        now = utcnow().isoformat()
        entries: list[AuditRow] = []
        kept = ""
        for step in merge.steps:
            before = None
            if step.entity != "decision" and step.before is not None:
                before = recs[step.entity, step.key].doc
            after: str | None = None
            if step.entity == "decision":
                before, after = self._write_pair(con, step)
            elif step.action == "merge":
                con.execute("DELETE FROM actors WHERE id = ?", (step.key,))
                after = dumps(merged_into(merge.actor.id or ""))
            elif step.action == "delete":
                con.execute("DELETE FROM links WHERE id = ?", (step.key,))
            elif step.action == "create":
                assert isinstance(step.after, ActorIn | LinkIn)
                after = self._insert(con, step.after, now)
            else:
                assert isinstance(step.after, ActorIn | LinkIn)
                after = self._update(con, recs[step.entity, step.key], step.after, now)
                if (step.entity, step.key) == ("actor", merge.actor.id):
                    kept = after
            entries.append(
                (now, by, step.action, step.entity, step.key, step.wijken, before, after)
            )
        self._touch(con, merge.wijken)
        self._audit(con, entries)
        return kept

    @staticmethod
    def _write_pair(con: sqlite3.Connection, step: Step) -> tuple[str | None, str | None]:
        """Remove every step of a suggested pair, or append steps to it; returns the audit
        entry's before and after (``pair_audit``)."""
        key = step.pair
        if isinstance(step.before, tuple):
            con.execute("DELETE FROM suggestion_steps WHERE wijk = ? AND a = ? AND b = ?", key)
        if isinstance(step.after, tuple):
            n = con.execute(
                "SELECT coalesce(max(n), 0) FROM suggestion_steps"
                " WHERE wijk = ? AND a = ? AND b = ?",
                key,
            ).fetchone()[0]
            con.executemany(
                "INSERT INTO suggestion_steps (wijk, a, b, n, doc) VALUES (?, ?, ?, ?, ?)",
                [(*key, n + i, s.model_dump_json()) for i, s in enumerate(step.after, start=1)],
            )
        before, after = pair_audit(step)
        return (
            dumps(before) if before is not None else None,
            dumps(after) if after is not None else None,
        )
