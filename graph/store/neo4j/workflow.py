"""The workflow of suggested pairs on Neo4j: ``(:SuggestionStep)`` nodes (see
``graph.store.workflow`` for what is audited), the decisions of the first version as
wrappers around them, and the move of old ``(:Decision)`` nodes to steps when a store
opens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from neo4j import ManagedTransaction

from graph.errors import NotFound
from graph.model import Decision, SuggestionStep, utcnow
from graph.store.common import as_input, doc, dumps
from graph.store.neo4j import cypher, tx
from graph.store.neo4j.core import Neo4jCore
from graph.store.workflow import (
    Key,
    as_decision,
    checked,
    entity_id,
    from_decision,
    key_of,
    ordered,
    realised_steps,
)


def pair_of(wijk: str, a: str, b: str) -> str:
    """The ``pair`` property of the steps of one pair."""
    return "|".join((wijk, *ordered(a, b)))


def append(t: ManagedTransaction, steps: Sequence[SuggestionStep], by: str) -> None:
    """Append each step to its pair (after the pair's current step) and audit it; the
    wijken are locked (their change counters raised) before the numbers are read."""
    if not steps:
        return
    tx.touch(t, {step.wijk for step in steps})
    rows, entries = [], []
    last: dict[str, tuple[int, str | None]] = {}
    for step in steps:
        pair = pair_of(*key_of(step))
        if pair not in last:
            found = t.run(cypher.STEP_LAST, pair=pair, limit=1).single()
            last[pair] = (found["n"], found["doc"]) if found else (0, None)
        n, before = last[pair]
        text = dumps(doc(step))
        rows.append([f"{pair}|{n + 1}", pair, step.wijk, step.a, step.b, n + 1, text])
        entries.append(("decide", "decision", entity_id(step.a, step.b), [step.wijk], before, text))
        last[pair] = (n + 1, text)
    t.run(cypher.ADD_STEPS, rows=rows).consume()
    tx.audit(t, by, entries)


def realise(t: ManagedTransaction, linked: Iterable[tuple[str, str]], by: str) -> None:
    """Record ``gerealiseerd`` for every pair in ``linked`` (the ends of links just
    created) that has steps and is not realised yet, in this transaction."""
    wanted = {ordered(a, b) for a, b in linked if a != b}
    if not wanted:
        return
    with_steps = {(r["a"], r["b"]) for r in t.run(cypher.STEP_PAIRS)}
    pairs = sorted(wanted & with_steps)
    if not pairs:
        return
    docs = tx.column(t, cypher.CURRENT_OF_PAIRS, pairs=[list(p) for p in pairs])
    current: dict[Key, SuggestionStep] = {
        key_of(step): step for step in tx.parse_many("step", docs)
    }
    append(t, realised_steps(current, pairs, utcnow()), by)


def _migrate(t: ManagedTransaction) -> None:
    """Old ``(:Decision)`` nodes become the first step of their pair (``from_decision``);
    audited nowhere: the data is the same, in another shape."""
    docs = tx.column(t, cypher.LEGACY_DECISIONS)
    if not docs:
        return
    rows = []
    for text in docs:
        step = from_decision(Decision.model_validate_json(text))
        pair = pair_of(*key_of(step))
        found = t.run(cypher.STEP_LAST, pair=pair, limit=1).single()
        if found is not None:  # moved already
            continue
        rows.append([f"{pair}|1", pair, step.wijk, step.a, step.b, 1, dumps(doc(step))])
    t.run(cypher.ADD_STEPS, rows=rows).consume()
    t.run(cypher.DELETE_LEGACY_DECISIONS).consume()


class WorkflowMixin(Neo4jCore):
    def _prepare(self) -> None:
        super()._prepare()
        self._run(True, _migrate)

    # -- the workflow of suggested pairs -------------------------------------------------

    def add_suggestion_step(self, step: SuggestionStep) -> SuggestionStep:
        step = checked(step)

        def work(t: ManagedTransaction) -> None:
            if tx.first(t, cypher.GET["wijk"], key=step.wijk) is None:
                raise NotFound(f"De wijk {step.wijk!r} bestaat niet.")
            append(t, [step], step.by)

        self._run(True, work)
        return step

    def undo_suggestion_step(self, wijk: str, a: str, b: str, *, by: str) -> SuggestionStep | None:
        a, b = ordered(a, b)
        pair = pair_of(wijk, a, b)

        def work(t: ManagedTransaction) -> str | None:
            tx.touch(t, [wijk])
            found = list(t.run(cypher.STEP_LAST, pair=pair, limit=2))
            if not found:
                raise NotFound(
                    f"Het voorstel {a!r} en {b!r} in de wijk {wijk!r} heeft geen stap om "
                    "terug te draaien."
                )
            t.run(cypher.DELETE_STEP, key=f"{pair}|{found[0]['n']}").consume()
            current: str | None = found[1]["doc"] if len(found) > 1 else None
            tx.audit(
                t, by, [("undo", "decision", entity_id(a, b), [wijk], found[0]["doc"], current)]
            )
            return current

        current = self._run(True, work)
        return SuggestionStep.model_validate_json(current) if current is not None else None

    def suggestion_history(
        self, wijk: str, a: str | None = None, b: str | None = None
    ) -> list[SuggestionStep]:
        if a is not None and b is not None:
            docs = self._docs(cypher.HISTORY["pair"], pair=pair_of(wijk, a, b))
        elif a is not None or b is not None:
            docs = self._docs(cypher.HISTORY["actor"], wijk=wijk, actor=a or b)
        else:
            docs = self._docs(cypher.HISTORY["wijk"], wijk=wijk)
        return tx.parse_many("step", docs)

    def suggestion_states(self, wijk: str) -> dict[tuple[str, str], SuggestionStep]:
        steps = tx.parse_many("step", self._docs(cypher.STATES, wijk=wijk))
        return {(step.a, step.b): step for step in steps}

    # -- decisions on suggestions (the first version) -----------------------------------

    def record_decision(self, decision: Decision) -> Decision:
        step = self.add_suggestion_step(from_decision(as_input(Decision, decision)))
        return as_decision(step)

    def list_decisions(self, wijk: str) -> list[Decision]:
        return [as_decision(step) for step in self.suggestion_states(wijk).values()]

    def delete_decision(self, wijk: str, a: str, b: str, *, by: str) -> None:
        a, b = ordered(a, b)

        def work(t: ManagedTransaction) -> None:
            before = tx.first(t, cypher.DELETE_PAIR, pair=pair_of(wijk, a, b))
            if before is None:
                raise NotFound(f"Er is geen besluit over {a!r} en {b!r} in de wijk {wijk!r}.")
            tx.touch(t, [wijk])
            tx.audit(t, by, [("decide", "decision", entity_id(a, b), [wijk], before, None)])

        self._run(True, work)
