"""The dry run: what an import would create, update and skip, and every problem with it.

``build_plan(store, tables)`` reads the stored graph once, then decides per row:

- **matching**: an ``id`` column names the record; a ``ref`` (a foreign id such as Kumu's
  ``_id`` or a GraphML node id) gives a stable id per wijk (``state.stable_ref_id``);
  without either an actor is matched by normalised name + kind + wijk, a link by its ends
  and kind (a samenwerking either way round). New records get stable ids, so importing the
  same file twice changes nothing the second time.
- **merging**: a column the file has overwrites the stored value (an empty cell clears
  it); a column it lacks keeps the stored value (an export without contact details does
  not wipe them). Wijken are added, never removed: an import does not move an actor out
  of a wijk. The same pair linked twice in the file becomes one link.
- **references**: links (van/naar) and a professional's organisation name an actor by id,
  by reference or by name, found in the file or in the store. With ``may_employ`` (the
  importing user's rule) a new employer that is a stored organisation the user may not
  name is refused on its row.
- **lenient rules**: what a user cannot reasonably fix in a file made elsewhere (no kind,
  no domain, an unknown theme or tag, a type wijknet does not know, text over the limit, a
  repeated pair) is imported with a default and a warning (``ImportPlan.warnings``, level
  ``let op``, grouped per column and value). Refused (level ``fout``) is only what would
  corrupt the graph: a link to an actor that is nowhere, an impossible date, a self-link, a
  formula, a change of an immutable field, a right the user lacks.

Every refused cell becomes a ``Problem`` with row, the user's own column header, value and a
Dutch message; all problems of a row are found in one pass. Nothing is written here:
``importers.apply`` does that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from graph.model import WijkIn, slugify
from graph.store.base import GraphStore
from graph.store.common import gc_paused
from importers import values as cell
from importers.mapping import Defaults
from importers.plan_actors import ActorRules
from importers.plan_base import (
    ACTIONS,
    ACTOR_FIELDS,
    LINK_FIELDS,
    WIJK_FIELDS,
    Action,
    Entity,
    ImportPlan,
    MayEmploy,
    PlannedRow,
    Progress,
    Record,
)
from importers.plan_links import LinkRules
from importers.state import State, norm
from importers.tables import Problem, Table

__all__ = [
    "ACTIONS",
    "ACTOR_FIELDS",
    "LINK_FIELDS",
    "WIJK_FIELDS",
    "Action",
    "Entity",
    "ImportPlan",
    "MayEmploy",
    "PlannedRow",
    "Progress",
    "Record",
    "build_plan",
]


def build_plan(
    store: GraphStore,
    tables: Sequence[Table],
    *,
    default_wijk: str | None = None,
    problems: Iterable[Problem] = (),
    warnings: Iterable[Problem] = (),
    notes: Iterable[str] = (),
    progress: Progress | None = None,
    may_employ: MayEmploy | None = None,
    defaults: Defaults | None = None,
) -> ImportPlan:
    """Plan the import of ``tables`` into ``store`` (nothing is written).

    ``defaults`` (the mapping's ``standaard``: ``--soort``, ``--domein``, …) fill what rows
    leave empty; ``warnings`` from the mapping step are added to the plan's own.
    """
    with gc_paused():
        planner = _Planner(
            State.load(store), progress, sum(len(t.rows) for t in tables), defaults or Defaults()
        )
        planner.may_employ = may_employ
        planner.plan.problems += list(problems)
        planner.plan.warnings += list(warnings)
        planner.plan.notes += list(notes)
        planner.set_default_wijk(default_wijk)
        actor_tables = [t for t in tables if t.kind == "actors"]
        planner.file_names = Counter(
            norm(name)
            for t in actor_tables
            for r in t.rows
            if (name := cell.text(r.values.get("name")))
        )
        for table in tables:
            if table.kind == "wijken":
                planner.wijken(table)
        drafts = [planner.actor(t, r) for t in actor_tables for r in t.rows]
        planner.finish_actors(drafts)
        for table in tables:
            if table.kind == "links":
                for row in table.rows:
                    planner.link(table, row)
        planner.types_note()
        return planner.done(bool(tables))


class _Planner(ActorRules, LinkRules):
    def __init__(
        self, state: State, progress: Progress | None, total: int, defaults: Defaults
    ) -> None:
        super().__init__(state, progress, total, defaults)
        self.file_names = Counter()
        self.link_slots = {}
        self.claimed_links = {}
        self.unknown_types = {}

    def wijken(self, table: Table) -> None:
        for row in table.rows:
            draft = self.draft(table, row, "wijk")
            values = row.values
            slug = slugify(cell.text(values.get("slug")) or cell.text(values.get("name")))
            stored = self.state.wijken.get(slug)
            if not slug:
                draft.problem(
                    "slug",
                    "",
                    "De wijkcode (slug) ontbreekt; vul bijvoorbeeld 'de-baandert' in.",
                    "missing",
                )
            merged = stored.model_dump(include=set(WIJK_FIELDS)) if stored else {}
            merged["slug"] = slug
            for name in ("name", "gemeente"):
                if cell.text(values.get(name)):
                    merged[name] = cell.text(values[name])
            draft.parse("cohort", cell.cohort)
            if "cohort" in draft.given:
                merged["cohort"] = draft.given["cohort"]
            record = self.validate(draft, WijkIn, merged)
            self.rows[draft.index].id = slug
            self.rows[draft.index].label = merged.get("name", slug)
            self.settle(draft.index, draft.problems, record, stored, WIJK_FIELDS, {slug})
            if record is not None and not draft.problems:
                self.state.file_wijken[slug] = record.name
                if self.rows[draft.index].action != "skip":
                    self.plan.changes_wijken = True
