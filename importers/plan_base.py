"""The planner's shared parts: the plan and its rows, a row on its way to a record, and the
bookkeeping every rule uses (settling a row, validation, grouped warnings, allowed values).

``importers.plan`` puts the rules together; ``plan_actors`` and ``plan_links`` hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, PrivateAttr, ValidationError

from graph.errors import field_errors_from_pydantic
from graph.model import Actor, ActorIn, LinkIn, WijkIn, slugify
from importers import values as cell
from importers.mapping import Defaults, ImportMapping
from importers.state import State
from importers.tables import Problem, Row, Table, shown

Action = Literal["create", "update", "skip", "merge", "error"]
"""``merge``: a link row folded into an earlier row of the same pair (nothing of its own)."""
ACTIONS: tuple[Action, ...] = ("create", "update", "skip", "merge", "error")
COUNTED: tuple[Action, ...] = ("create", "update", "skip", "error")
"""Always in ``ImportPlan.counts``; ``merge`` is there only when a row was merged."""
Entity = Literal["wijk", "actor", "link"]
Progress = Callable[[int, int], None]
MayEmploy = Callable[[Actor], bool]
"""Whether the importing user may name this stored organisation as a professional's employer."""
Record = WijkIn | ActorIn | LinkIn
"""A validated record to write."""
M = TypeVar("M", bound=BaseModel)

ACTOR_FIELDS = tuple(ActorIn.model_fields)
LINK_FIELDS = tuple(LinkIn.model_fields)
WIJK_FIELDS = tuple(WijkIn.model_fields)


@dataclass(slots=True)
class PlannedRow:
    """What the import does with one row (a plain dataclass: a plan may hold 100,000 of
    them, and pydantic serialises it all the same)."""

    source: str
    row: int
    entity: Entity
    action: Action
    id: str | None = None
    label: str = ""
    wijken: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """The fields an update changes."""


class ImportPlan(BaseModel):
    """The dry run of an import: rows, problems, warnings, notes and the wijken it touches."""

    rows: list[PlannedRow] = []
    problems: list[Problem] = []
    """Refusals (level ``fout``), one per row and cell."""
    warnings: list[Problem] = []
    """What was imported another way than written (level ``let op``), grouped per column,
    value and kind of warning, with the row numbers."""
    notes: list[str] = []
    allowed: dict[str, list[str]] = {}
    """The user's column header -> the values wijknet accepts there, for every column with
    an unknown value (shown once, not in every message)."""
    mapping: ImportMapping | None = None
    """The effective mapping the file was read with (set by ``apply.plan_files``)."""
    wijken: list[str] = []
    """Every wijk a written record touches (for the role check)."""
    changes_wijken: bool = False
    """True when the file creates or changes wijk records (beheer only)."""
    counts: dict[str, dict[str, int]] = {}
    _records: dict[int, Record] = PrivateAttr(default_factory=dict)
    """Index in ``rows`` -> the validated record to write (create and update rows)."""

    @property
    def ok(self) -> bool:
        return not any(p.level == "fout" for p in self.problems)

    def records(self) -> list[tuple[int, Record]]:
        """(row index, record) of every create and update, in file order."""
        return sorted(self._records.items())


class Warnings:
    """Warnings grouped by (table, column, value, code): one line for 230 rows alike."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str, str, str], Problem] = {}

    def add(self, source: str, row: int, column: str, value: str, message: str, code: str) -> None:
        key = (source, column, value, code)
        group = self.groups.get(key)
        if group is None:
            self.groups[key] = Problem(
                source=source,
                row=row,
                column=column,
                value=value,
                message=message,
                code=code,
                level="let op",
                rows=[row],
            )
        elif row not in group.rows:
            group.rows.append(row)
            group.count = len(group.rows)

    def problems(self) -> list[Problem]:
        return list(self.groups.values())


@dataclass
class Draft:
    """One actor or link row on its way to a record."""

    table: Table
    row: Row
    index: int
    warnings: Warnings
    allowed: dict[str, list[str]]
    problems: list[Problem] = field(default_factory=list)
    given: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    wijken: set[str] = field(default_factory=set)
    organisation: str | None = None
    unknown_wijk: bool = False
    """An unknown wijk was reported: that is the one problem, not also 'de wijk ontbreekt'."""
    unknown_type: str = ""
    """A type value that names no kind or role (read with the default kind)."""
    unreadable: bool = False
    """The record as a whole cannot be read (its one problem says why)."""

    @property
    def where(self) -> str:
        return f"{self.table.source}, rij {self.row.number}"

    def column(self, field_name: str) -> str:
        return self.table.header(column_field(field_name)) if field_name else ""

    def problem(self, field_name: str, value: Any, message: str, code: str = "invalid") -> None:
        self.problems.append(
            Problem(
                source=self.table.source,
                row=self.row.number,
                column=self.column(field_name),
                value=shown(value),
                message=message,
                code=code,
            )
        )

    def has_problem(self, field_name: str) -> bool:
        column = self.column(field_name)
        return any(p.column == column for p in self.problems)

    def warn(self, field_name: str, value: Any, message: str, code: str) -> None:
        self.warnings.add(
            self.table.source, self.row.number, self.column(field_name), shown(value), message, code
        )

    def refused_value(self, field_name: str, enum: type[Enum] | None) -> None:
        """Remember the allowed values of a column once (``ImportPlan.allowed``)."""
        if enum is not None:
            self.allowed.setdefault(self.column(field_name), [str(m.value) for m in enum])

    def parse(self, field_name: str, parser: Callable[[Any], Any]) -> Any:
        """Parse a present field into ``given`` (a refusal becomes a problem)."""
        if field_name not in self.row.values:
            return None
        raw = self.row.values[field_name]
        try:
            self.given[field_name] = parser(raw)
        except cell.CellError as exc:
            self.problem(field_name, cell.text(raw), exc.message, exc.code)
            self.refused_value(field_name, exc.enum)
        return self.given.get(field_name)

    def cut(self, field_name: str, value: str, limit: int) -> str:
        """Text over ``limit`` characters, cut to it with '…' and a warning."""
        if len(value) <= limit:
            return value
        self.warn(
            field_name,
            "",
            f"langer dan {limit} tekens; ingekort tot {limit} tekens (eindigt op '…').",
            "cut_text",
        )
        return value[: limit - 1].rstrip() + "…"


def lookup(data: Any, dotted: str) -> Any:
    """The value at ``contact.email`` or ``themes.2`` in ``data`` ('' when absent)."""
    for part in dotted.split("."):
        if isinstance(data, dict):
            data = data.get(part, "")
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return ""
    return data


def column_field(name: str) -> str:
    head = name.split(".")[0]
    if head == "contact":
        return name.split(".")[1] if "." in name else "email"
    return head


class PlannerBase:
    """Bookkeeping shared by the actor, link and wijk rules."""

    def __init__(
        self,
        state: State,
        progress: Progress | None,
        total: int,
        defaults: Defaults | None = None,
    ) -> None:
        self.state = state
        self.defaults = defaults or Defaults()
        self.plan = ImportPlan()
        self.rows: list[PlannedRow] = self.plan.rows
        self.records: dict[int, Record] = {}
        self.progress = progress
        self.total = total
        self.seen = 0
        self.default_wijk: str | None = None
        self.claimed: dict[str, str] = {}
        self.touched: set[str] = set()
        self.warnings = Warnings()
        self.may_employ: MayEmploy | None = None

    def tick(self) -> None:
        self.seen += 1
        if self.progress and (self.seen % 500 == 0 or self.seen == self.total):
            self.progress(self.seen, self.total)

    def add_row(self, table: Table, row: Row, entity: Entity) -> int:
        self.rows.append(PlannedRow(table.source, row.number, entity, "error"))
        return len(self.rows) - 1

    def draft(self, table: Table, row: Row, entity: Entity) -> Draft:
        """A new row of the plan and its draft, with the problems the reader found."""
        self.tick()
        draft = Draft(
            table, row, self.add_row(table, row, entity), self.warnings, self.plan.allowed
        )
        for name, value, message, code in row.problems:
            draft.problem(name, value, message, code)
        return draft

    def settle(
        self,
        index: int,
        problems: list[Problem],
        record: Record | None,
        stored: Any,
        fields: Sequence[str],
        touched: set[str],
    ) -> None:
        """Decide create/update/skip/error for a row and keep the record to write."""
        planned = self.rows[index]
        self.records.pop(index, None)
        if problems or record is None:
            self.plan.problems += problems
            planned.action = "error"
            return
        if stored is None:
            planned.action = "create"
        else:
            new, old = record.model_dump(), stored.model_dump(include=set(fields))
            planned.changes = [f for f in fields if new.get(f) != old.get(f)]
            planned.action = "update" if planned.changes else "skip"
        if planned.action != "skip":
            self.records[index] = record
            self.touched |= touched

    def set_default_wijk(self, value: str | None) -> None:
        if not value:
            return
        self.default_wijk = self.state.wijk_slug(value) or slugify(value)

    def validate(self, draft: Draft, model: type[M], data: dict[str, Any]) -> M | None:
        """The record, or None with a problem per field; a column that has a problem
        already gets no second one (one problem per cell)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            seen = {p.column for p in draft.problems}
            for error in field_errors_from_pydantic(exc):
                name = error.field if error.field != "data" else ""
                if name and draft.column(name) in seen:
                    continue
                value = lookup(data, name) if name else ""
                draft.problem(name, cell.text(value), error.message, error.code)
            return None

    def done(self, had_tables: bool) -> ImportPlan:
        plan = self.plan
        if (
            self.default_wijk
            and self.default_wijk not in self.state.wijken
            and self.default_wijk not in self.state.file_wijken
        ):
            plan.problems.append(
                Problem(
                    source="--wijk",
                    value=self.default_wijk,
                    code="unknown_wijk",
                    message=f"De standaardwijk '{self.default_wijk}' bestaat niet."
                    + self.state.wijk_hint(self.default_wijk),
                )
            )
        if had_tables and not plan.rows and not plan.problems:
            plan.problems.append(
                Problem(
                    source="import",
                    code="empty",
                    message="Er staan geen rijen in om te importeren.",
                )
            )
        plan.warnings += self.warnings.problems()
        plan.wijken = sorted(self.touched)
        plan._records = self.records
        counts: dict[str, dict[str, int]] = {}
        for planned in plan.rows:
            per = counts.setdefault(planned.entity, dict.fromkeys(COUNTED, 0))
            per[planned.action] = per.get(planned.action, 0) + 1
        plan.counts = counts
        return plan
