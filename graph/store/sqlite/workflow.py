"""The workflow of suggested pairs on SQLite: the ``suggestion_steps`` table (see
``graph.store.workflow`` for what is audited), and the decisions of the first version as
wrappers around it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from graph.errors import NotFound
from graph.model import Decision, SuggestionStep, utcnow
from graph.store.common import as_input
from graph.store.sqlite.core import AuditRow, SqliteCore
from graph.store.sqlite.trusted import STEPS
from graph.store.workflow import (
    Key,
    as_decision,
    checked,
    entity_id,
    from_decision,
    ordered,
    realised_steps,
)

CURRENT = (
    "SELECT wijk, a, b, n, doc FROM suggestion_steps s WHERE {where} AND n = "
    "(SELECT max(n) FROM suggestion_steps m WHERE m.wijk = s.wijk AND m.a = s.a AND m.b = s.b)"
)
"""The current step of each pair that ``{where}`` selects (columns of ``s``)."""


class WorkflowMixin(SqliteCore):
    # -- the workflow of suggested pairs -----------------------------------------------------

    def add_suggestion_step(self, step: SuggestionStep) -> SuggestionStep:
        step = checked(step)
        with self._write() as con:
            self._current(con, "wijken", step.wijk, None)
            self._append_steps(con, [step], step.by)
        return step

    def undo_suggestion_step(self, wijk: str, a: str, b: str, *, by: str) -> SuggestionStep | None:
        a, b = ordered(a, b)
        now = utcnow().isoformat()
        with self._write() as con:
            rows = con.execute(
                "SELECT n, doc FROM suggestion_steps WHERE wijk = ? AND a = ? AND b = ?"
                " ORDER BY n DESC LIMIT 2",
                (wijk, a, b),
            ).fetchall()
            if not rows:
                raise NotFound(
                    f"Het voorstel {a!r} en {b!r} in de wijk {wijk!r} heeft geen stap om "
                    "terug te draaien."
                )
            con.execute(
                "DELETE FROM suggestion_steps WHERE wijk = ? AND a = ? AND b = ? AND n = ?",
                (wijk, a, b, rows[0][0]),
            )
            current = rows[1][1] if len(rows) > 1 else None
            self._touch(con, [wijk])
            self._audit(
                con, [(now, by, "undo", "decision", entity_id(a, b), [wijk], rows[0][1], current)]
            )
        return SuggestionStep.model_validate_json(current) if current is not None else None

    def suggestion_history(
        self, wijk: str, a: str | None = None, b: str | None = None
    ) -> list[SuggestionStep]:
        where, params = "wijk = ?", [wijk]
        actor = a if a is not None else b
        if a is not None and b is not None:
            where += " AND a = ? AND b = ?"
            params += ordered(a, b)
        elif actor is not None:
            where += " AND (a = ? OR b = ?)"
            params += [actor, actor]
        return self._steps(
            f"SELECT doc FROM suggestion_steps WHERE {where} ORDER BY a, b, n", params
        )

    def suggestion_states(self, wijk: str) -> dict[tuple[str, str], SuggestionStep]:
        steps = self._steps(
            f"SELECT doc FROM ({CURRENT.format(where='s.wijk = ?')}) ORDER BY a, b", [wijk]
        )
        return {(s.a, s.b): s for s in steps}

    def _steps(self, sql: str, params: Sequence[Any]) -> list[SuggestionStep]:
        with self._read() as con:
            array = con.execute(
                f"SELECT '[' || coalesce(group_concat(doc, ','), '') || ']' FROM ({sql})", params
            ).fetchone()[0]
        return STEPS.validate_json(array)

    # -- what the writes share ---------------------------------------------------------------

    def _append_steps(
        self, con: sqlite3.Connection, steps: Sequence[SuggestionStep], by: str
    ) -> None:
        """Append each step to its pair (after the pair's current step) and audit it."""
        now = utcnow().isoformat()
        entries: list[AuditRow] = []
        for step in steps:
            key = (step.wijk, step.a, step.b)
            found = con.execute(
                "SELECT n, doc FROM suggestion_steps WHERE wijk = ? AND a = ? AND b = ?"
                " ORDER BY n DESC LIMIT 1",
                key,
            ).fetchone()
            n, before = (found[0], found[1]) if found else (0, None)
            doc = step.model_dump_json()
            con.execute(
                "INSERT INTO suggestion_steps (wijk, a, b, n, doc) VALUES (?, ?, ?, ?, ?)",
                (*key, n + 1, doc),
            )
            pair = entity_id(step.a, step.b)
            entries.append((now, by, "decide", "decision", pair, [step.wijk], before, doc))
        self._touch(con, {step.wijk for step in steps})
        self._audit(con, entries)

    def _realise(self, con: sqlite3.Connection, linked: Iterable[tuple[str, str]], by: str) -> None:
        """Record ``gerealiseerd`` for every pair in ``linked`` (the ends of links just
        created) that has steps and is not realised yet, in this transaction."""
        wanted = {ordered(a, b) for a, b in linked if a != b}
        if not wanted:
            return
        with_steps = set(con.execute("SELECT DISTINCT a, b FROM suggestion_steps").fetchall())
        pairs = sorted(wanted & {(a, b) for a, b in with_steps})
        if not pairs:
            return
        current: dict[Key, SuggestionStep] = {}
        for a, b in pairs:
            for wijk, _, _, _, doc in con.execute(
                CURRENT.format(where="s.a = ? AND s.b = ?"), (a, b)
            ):
                current[wijk, a, b] = SuggestionStep.model_validate_json(doc)
        self._append_steps(con, realised_steps(current, pairs, utcnow()), by)

    # -- decisions on suggestions (the first version) ---------------------------------------

    def record_decision(self, decision: Decision) -> Decision:
        step = self.add_suggestion_step(from_decision(as_input(Decision, decision)))
        return as_decision(step)

    def list_decisions(self, wijk: str) -> list[Decision]:
        return [as_decision(step) for step in self.suggestion_states(wijk).values()]

    def delete_decision(self, wijk: str, a: str, b: str, *, by: str) -> None:
        a, b = ordered(a, b)
        now = utcnow().isoformat()
        with self._write() as con:
            found = con.execute(
                "SELECT doc FROM suggestion_steps WHERE wijk = ? AND a = ? AND b = ?"
                " ORDER BY n DESC LIMIT 1",
                (wijk, a, b),
            ).fetchone()
            if found is None:
                raise NotFound(f"Er is geen besluit over {a!r} en {b!r} in de wijk {wijk!r}.")
            con.execute(
                "DELETE FROM suggestion_steps WHERE wijk = ? AND a = ? AND b = ?", (wijk, a, b)
            )
            self._touch(con, [wijk])
            self._audit(
                con, [(now, by, "decide", "decision", entity_id(a, b), [wijk], found[0], None)]
            )
