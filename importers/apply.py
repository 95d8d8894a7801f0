"""Write a planned import: one ``store.bulk_upsert``, so one transaction, all or nothing.

By default a plan with any problem is refused and nothing is written (``ImportRefused``).
With ``valid_only=True`` the rows without problems are written (still in one transaction)
and the rest are reported. Either way nothing already stored is lost or half-changed: the
store writes the whole batch or none of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypedDict

from pydantic import BaseModel

from graph.errors import InvalidData
from graph.model import ActorIn, LinkIn, WijkIn
from graph.store.base import GraphStore
from graph.store.common import gc_paused
from importers.mapping import (
    Defaults,
    ImportMapping,
    Mapped,
    ProposalInfo,
    apply_mapping,
    effective,
    propose,
    stale,
)
from importers.plan import ImportPlan, MayEmploy, Progress, Record, build_plan
from importers.raw import RawRead
from importers.readers import read_file, read_raw
from importers.tables import Problem, ReadResult, aantal

MAX_RETRIES = 5
"""In valid-only mode, how often rows the store refuses are dropped and the batch retried."""


class ImportRefused(InvalidData):
    """The import was refused and nothing was written; ``problems`` say why, per row."""

    code = "import_refused"

    def __init__(self, problems: Sequence[Problem], message: str | None = None) -> None:
        super().__init__(
            [],
            message
            or (
                f"Import geweigerd: {aantal(len(problems), 'probleem', 'problemen')}; er is "
                "niets geschreven. "
                "Herstel het bestand, of importeer alleen de goede rijen (--valid-only)."
            ),
        )
        self.problems = list(problems)
        self.details = [p.model_dump() for p in problems]


class ImportResult(BaseModel):
    """What an import wrote."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    """Rows with a problem that were not written (valid-only mode)."""
    problems: list[Problem] = []
    wijken: list[str] = []


class MappedPlan(ImportPlan):
    """A dry run with the mapping it was read with and what the proposal saw."""

    proposal: ProposalInfo | None = None
    """Per table and header the proposed field, its confidence and example values; per
    field the values wijknet does not know (for the mapping card and ``--toon-koppeling``)."""


def read_files(files: Iterable[tuple[str, bytes]]) -> ReadResult:
    """Read several files into one set of tables, with the mapping wijknet proposes."""
    result = ReadResult()
    with gc_paused():
        for name, data in files:
            result.extend(read_file(name, data))
    return result


def read_raw_files(files: Iterable[tuple[str, bytes]]) -> RawRead:
    """Read several files into raw tables (columns not mapped yet)."""
    result = RawRead()
    with gc_paused():
        for name, data in files:
            result.extend(read_raw(name, data))
    return result


def map_files(
    store: GraphStore,
    files: Iterable[tuple[str, bytes]],
    *,
    mapping: ImportMapping | None = None,
    defaults: Defaults | None = None,
) -> tuple[RawRead, Mapped, ImportMapping, ProposalInfo]:
    """Read ``files`` and map them: the proposal for them, the effective mapping (the
    user's ``mapping`` and ``defaults`` win over the proposal) and the mapped tables."""
    read = read_raw_files(files)
    known = [w.slug for w in store.list_wijken()]
    proposal, info = propose(read.raw, known)
    used = effective(proposal, mapping, defaults)
    if mapping is not None:
        info.notes += stale(mapping, proposal)
    with gc_paused():
        mapped = apply_mapping(read.raw, used, confirmed=mapping)
    return read, mapped, used, info


def plan_files(
    store: GraphStore,
    files: Iterable[tuple[str, bytes]],
    *,
    default_wijk: str | None = None,
    progress: Progress | None = None,
    may_employ: MayEmploy | None = None,
    mapping: ImportMapping | None = None,
    defaults: Defaults | None = None,
) -> MappedPlan:
    """Read ``files`` (name, bytes), map them, and plan their import (the dry run).

    ``mapping`` is the user's mapping (saved, uploaded or from the page's form) and
    ``defaults`` the file-wide defaults of this import (``--soort``, ``--domein``); both win
    over what wijknet proposes. The plan carries the effective mapping (``plan.mapping``)
    and the proposal's details (``plan.proposal``).
    """
    read, mapped, used, info = map_files(store, files, mapping=mapping, defaults=defaults)
    plan = build_plan(
        store,
        mapped.tables,
        default_wijk=default_wijk,
        problems=read.problems + mapped.problems,
        warnings=mapped.warnings,
        notes=read.notes + info.notes + mapped.notes,
        progress=progress,
        may_employ=may_employ,
        defaults=used.standaard,
    )
    fields = {name: getattr(plan, name) for name in ImportPlan.model_fields}
    result = MappedPlan.model_construct(**(fields | {"mapping": used}), proposal=info)
    result.__pydantic_private__ = dict(plan.__pydantic_private__ or {})  # the records
    return result


def apply_plan(
    store: GraphStore, plan: ImportPlan, *, by: str, valid_only: bool = False
) -> ImportResult:
    """Write ``plan`` through one ``bulk_upsert``; see the module docstring."""
    if plan.problems and not valid_only:
        raise ImportRefused(plan.problems)
    if any(p.row == 0 for p in plan.problems):
        raise ImportRefused(
            [p for p in plan.problems if p.row == 0],
            "Import geweigerd: het bestand zelf heeft een probleem; er is niets geschreven.",
        )
    records = dict(plan.records())
    problems = list(plan.problems)
    skipped = sum(1 for r in plan.rows if r.action == "skip")
    for _ in range(MAX_RETRIES):
        batch = _batch(records)
        try:
            with gc_paused():
                result = store.bulk_upsert(**batch, by=by)
        except InvalidData as exc:
            refused = _refused_rows(plan, batch, exc)
            if not valid_only or not refused:
                raise ImportRefused(problems + list(refused.values())) from None
            problems += list(refused.values())
            for index in refused:
                records.pop(index, None)
            _drop_dangling(plan, records, problems)
            continue
        errors = sum(1 for r in plan.rows if r.action == "error")
        return ImportResult(
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged + skipped,
            refused=errors + len(plan.records()) - len(records),
            problems=problems,
            wijken=plan.wijken,
        )
    raise ImportRefused(problems)


class _Batch(TypedDict):
    """The records of one ``bulk_upsert``, by the keyword that takes them."""

    wijken: list[WijkIn]
    actors: list[ActorIn]
    links: list[LinkIn]


def _batch(records: dict[int, Record]) -> _Batch:
    batch = _Batch(wijken=[], actors=[], links=[])
    for _, record in sorted(records.items()):
        if isinstance(record, WijkIn):
            batch["wijken"].append(record)
        elif isinstance(record, ActorIn):
            batch["actors"].append(record)
        else:
            batch["links"].append(record)
    return batch


_FIELD = re.compile(r"^(wijken|actors|links)\.(\d+)\.?(.*)$")


def _refused_rows(plan: ImportPlan, batch: _Batch, exc: InvalidData) -> dict[int, Problem]:
    """Map the store's refusals (``actors.3.wijken``) back to the file's rows."""
    index_of = {id(record): index for index, record in plan.records()}
    sent: dict[str, Sequence[Record]] = {
        "wijken": batch["wijken"],
        "actors": batch["actors"],
        "links": batch["links"],
    }
    refused: dict[int, Problem] = {}
    for error in exc.errors:
        match = _FIELD.match(error.field)
        if not match or int(match[2]) >= len(sent[match[1]]):
            continue
        index = index_of[id(sent[match[1]][int(match[2])])]
        row = plan.rows[index]
        refused.setdefault(
            index,
            Problem(
                source=row.source,
                row=row.row,
                column=match[3] or "",
                value=row.label,
                message=error.message,
                code=error.code,
            ),
        )
    return refused


def _drop_dangling(plan: ImportPlan, records: dict[int, Record], problems: list[Problem]) -> None:
    """Drop links whose new end is no longer written (its row was refused)."""
    written = {r.id for i, r in records.items() if isinstance(r, ActorIn)}
    dropped = {plan.rows[i].id for i, _ in plan.records() if i not in records}
    for index, record in list(records.items()):
        if isinstance(record, LinkIn) and ({record.source, record.target} & (dropped - written)):
            row = plan.rows[index]
            problems.append(
                Problem(
                    source=row.source,
                    row=row.row,
                    value=row.label,
                    message="Niet geschreven: een van de actoren van deze "
                    "samenwerking is geweigerd.",
                    code="broken_reference",
                )
            )
            records.pop(index)
