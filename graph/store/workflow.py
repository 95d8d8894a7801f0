"""The workflow of suggested pairs (``SuggestionStep``), worked out once for both backends:
the old decisions as steps, the step wijknet records when a pair gets a link, and what the
audit log holds about a step.

A pair's steps are numbered 1, 2, … within (wijk, a, b); the highest number is its current
status. Adding a step is audited as ``decide`` on entity ``decision`` with id ``a|b``:
``before`` the step that was current (or None), ``after`` the new one. Undoing the latest
step is audited as ``undo``: ``before`` the step removed, ``after`` the step current again
(or None).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from graph.model import (
    DEFAULT_REASON,
    REALISED_NOTE,
    REALISED_STATUSES,
    SYSTEM_BY,
    Decision,
    DecisionStatus,
    SuggestionStatus,
    SuggestionStep,
)
from graph.store.common import validated

Key = tuple[str, str, str]
"""A pair in a wijk: (wijk, a, b) with a < b."""


def checked(step: Any) -> SuggestionStep:
    """``step`` (a model or a dict) validated afresh as a step: ``InvalidData`` naming the
    refused fields (``note`` for a missing reason, ``date`` for a missing date)."""
    return validated(SuggestionStep, dict(step) if isinstance(step, BaseModel) else step)


def ordered(a: str, b: str) -> tuple[str, str]:
    """The two ends of a pair in stored order (``a < b``)."""
    return (a, b) if a <= b else (b, a)


def key_of(step: SuggestionStep) -> Key:
    return step.wijk, step.a, step.b


def entity_id(a: str, b: str) -> str:
    """The audit ``entity_id`` of a pair (as the decisions had it)."""
    return "|".join(ordered(a, b))


def from_decision(decision: Decision) -> SuggestionStep:
    """A verdict of the first version as a step: ``besproken`` becomes ``ontmoet``, and
    ``niet-relevant`` without a note gets ``DEFAULT_REASON``."""
    status = (
        SuggestionStatus.NIET_RELEVANT
        if decision.status is DecisionStatus.NIET_RELEVANT
        else SuggestionStatus.ONTMOET
    )
    note = decision.note
    if status is SuggestionStatus.NIET_RELEVANT and not note:
        note = DEFAULT_REASON
    return validated(
        SuggestionStep,
        {
            "wijk": decision.wijk,
            "a": decision.a,
            "b": decision.b,
            "status": status,
            "by": decision.by,
            "at": decision.at,
            "note": note,
        },
    )


def as_decision(step: SuggestionStep) -> Decision:
    """The old view of a pair's current step (see ``Decision``)."""
    status = (
        DecisionStatus.NIET_RELEVANT
        if step.status is SuggestionStatus.NIET_RELEVANT
        else DecisionStatus.BESPROKEN
    )
    return Decision(
        wijk=step.wijk, a=step.a, b=step.b, status=status, by=step.by, at=step.at, note=step.note
    )


def realised(current: SuggestionStep, at: datetime) -> SuggestionStep | None:
    """The ``gerealiseerd`` step a pair gets when it gets a link, on the day of ``at``;
    None when its current step says it is realised already."""
    if current.status in REALISED_STATUSES:
        return None
    return SuggestionStep(
        wijk=current.wijk,
        a=current.a,
        b=current.b,
        status=SuggestionStatus.GEREALISEERD,
        by=SYSTEM_BY,
        at=at,
        note=REALISED_NOTE,
        date=at.date(),
    )


def realised_steps(
    current: Mapping[Key, SuggestionStep], linked: Iterable[tuple[str, str]], at: datetime
) -> list[SuggestionStep]:
    """The ``gerealiseerd`` steps of the pairs in ``linked`` (either order) that have a
    current step in ``current`` and are not realised yet, ordered by pair."""
    wanted = {ordered(a, b) for a, b in linked if a != b}
    out = []
    for key in sorted(current):
        if (key[1], key[2]) in wanted:
            step = realised(current[key], at)
            if step is not None:
                out.append(step)
    return out
