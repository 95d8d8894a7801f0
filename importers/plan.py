"""The dry run: what an import would create, update and skip, and every problem with it.

``build_plan(store, tables)`` reads the stored graph once, then decides per row:

- **matching**: an ``id`` column names the record; without one an actor is matched by
  normalised name + kind + wijk, a link by its ends and kind (a samenwerking either way
  round). New records get stable ids (``state.stable_actor_id``), so importing the same file
  twice changes nothing the second time.
- **merging**: a column the file has overwrites the stored value (an empty cell clears
  it); a column it lacks keeps the stored value (an export without contact details does
  not wipe them). Wijken are added, never removed: an import does not move an actor out
  of a wijk.
- **references**: links (van/naar) and a professional's organisation name an actor by id,
  by Kumu reference or by name, found in the file or in the store. With ``may_employ``
  (the importing user's rule) a new employer that is a stored organisation the user may
  not name is refused on its row.

Every refused cell becomes a ``Problem`` with row, column, value and a Dutch message; the
row is then ``error``. Nothing is written here: ``importers.apply`` does that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, PrivateAttr, ValidationError

from graph.errors import field_errors_from_pydantic
from graph.model import (
    Actor,
    ActorIn,
    ActorKind,
    Domain,
    Intensity,
    Kernaanpak,
    LinkIn,
    LinkKind,
    Role,
    Theme,
    WijkIn,
    slugify,
)
from graph.store.base import GraphStore
from graph.store.common import gc_paused, link_key, stable_link_id
from graph.store.rules import IMMUTABLE, employer_errors, werkt_bij_errors
from importers import values as cell
from importers.columns import ROLE_DOMAIN, kind_of_role, match_enum
from importers.state import Known, State, stable_actor_id
from importers.tables import Problem, Row, Table, shown

Action = Literal["create", "update", "skip", "error"]
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
    """The dry run of an import: rows, problems, notes and the wijken the writes touch."""

    rows: list[PlannedRow] = []
    problems: list[Problem] = []
    notes: list[str] = []
    wijken: list[str] = []
    """Every wijk a written record touches (for the role check)."""
    changes_wijken: bool = False
    """True when the file creates or changes wijk records (beheer only)."""
    counts: dict[str, dict[str, int]] = {}
    _records: dict[int, Record] = PrivateAttr(default_factory=dict)
    """Index in ``rows`` -> the validated record to write (create and update rows)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def records(self) -> list[tuple[int, Record]]:
        """(row index, record) of every create and update, in file order."""
        return sorted(self._records.items())


@dataclass
class _Draft:
    """One actor or link row on its way to a record."""

    table: Table
    row: Row
    index: int
    problems: list[Problem] = field(default_factory=list)
    given: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    wijken: set[str] = field(default_factory=set)
    organisation: str | None = None

    @property
    def where(self) -> str:
        return f"{self.table.source}, rij {self.row.number}"

    def problem(self, field_name: str, value: Any, message: str, code: str = "invalid") -> None:
        column = self.table.header(_column_field(field_name)) if field_name else ""
        self.problems.append(
            Problem(
                source=self.table.source,
                row=self.row.number,
                column=column,
                value=shown(value),
                message=message,
                code=code,
            )
        )

    def parse(self, field_name: str, parser: Callable[[Any], Any]) -> Any:
        """Parse a present field into ``given`` (a refusal becomes a problem)."""
        if field_name not in self.row.values:
            return None
        raw = self.row.values[field_name]
        try:
            self.given[field_name] = parser(raw)
        except cell.CellError as exc:
            self.problem(field_name, cell.text(raw), exc.message, exc.code)
        return self.given.get(field_name)


def _lookup(data: Any, dotted: str) -> Any:
    """The value at ``contact.email`` or ``themes.2`` in ``data`` ('' when absent)."""
    for part in dotted.split("."):
        if isinstance(data, dict):
            data = data.get(part, "")
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return ""
    return data


def _column_field(name: str) -> str:
    head = name.split(".")[0]
    if head == "contact":
        return name.split(".")[1] if "." in name else "email"
    return head


def build_plan(
    store: GraphStore,
    tables: Sequence[Table],
    *,
    default_wijk: str | None = None,
    problems: Iterable[Problem] = (),
    notes: Iterable[str] = (),
    progress: Progress | None = None,
    may_employ: MayEmploy | None = None,
) -> ImportPlan:
    """Plan the import of ``tables`` into ``store`` (nothing is written)."""
    with gc_paused():
        return _build(store, tables, default_wijk, problems, notes, progress, may_employ)


def _build(
    store: GraphStore,
    tables: Sequence[Table],
    default_wijk: str | None,
    problems: Iterable[Problem],
    notes: Iterable[str],
    progress: Progress | None,
    may_employ: MayEmploy | None = None,
) -> ImportPlan:
    planner = _Planner(State.load(store), progress, sum(len(t.rows) for t in tables))
    planner.may_employ = may_employ
    planner.plan.problems += list(problems)
    planner.plan.notes += list(notes)
    planner.set_default_wijk(default_wijk)
    for table in tables:
        if table.kind == "wijken":
            planner.wijken(table)
    drafts = [planner.actor(t, r) for t in tables if t.kind == "actors" for r in t.rows]
    planner.finish_actors(drafts)
    for table in tables:
        if table.kind == "links":
            for row in table.rows:
                planner.link(table, row)
    return planner.done(bool(tables))


class _Planner:
    def __init__(self, state: State, progress: Progress | None, total: int) -> None:
        self.state = state
        self.plan = ImportPlan()
        self.rows: list[PlannedRow] = self.plan.rows
        self.records: dict[int, Record] = {}
        self.progress = progress
        self.total = total
        self.seen = 0
        self.default_wijk: str | None = None
        self.claimed: dict[str, str] = {}
        self.claimed_links: dict[str, str] = {}
        self.touched: set[str] = set()
        self.unknown_tags: Counter[str] = Counter()
        self.unknown_types: Counter[str] = Counter()
        self.may_employ: MayEmploy | None = None

    # -- bookkeeping ---------------------------------------------------------------------

    def tick(self) -> None:
        self.seen += 1
        if self.progress and (self.seen % 500 == 0 or self.seen == self.total):
            self.progress(self.seen, self.total)

    def add_row(self, table: Table, row: Row, entity: Entity) -> int:
        self.rows.append(PlannedRow(table.source, row.number, entity, "error"))
        return len(self.rows) - 1

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
        if self.unknown_tags:
            listed = ", ".join(f"'{t}'" for t, _ in self.unknown_tags.most_common(10))
            plan.notes.append(
                f"Tags die geen thema, kernaanpak, domein of rol zijn, zijn overgeslagen: {listed}."
            )
        if self.unknown_types:
            listed = ", ".join(f"'{t}'" for t, _ in self.unknown_types.most_common(10))
            plan.notes.append(
                f"Verbindingstypes die wijknet niet kent zijn als samenwerking "
                f"ingelezen (het type staat in de notitie): {listed}."
            )
        plan.wijken = sorted(self.touched)
        plan._records = self.records
        counts: dict[str, dict[str, int]] = {}
        for planned in plan.rows:
            per = counts.setdefault(
                planned.entity, dict.fromkeys(("create", "update", "skip", "error"), 0)
            )
            per[planned.action] += 1
        plan.counts = counts
        return plan

    # -- wijken --------------------------------------------------------------------------

    def wijken(self, table: Table) -> None:
        for row in table.rows:
            self.tick()
            draft = _Draft(table, row, self.add_row(table, row, "wijk"))
            for name, value, message, code in row.problems:
                draft.problem(name, value, message, code)
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

    # -- actors --------------------------------------------------------------------------

    def actor(self, table: Table, row: Row) -> _Draft:
        """First pass over an actor row: parse the cells and settle its identity."""
        self.tick()
        draft = _Draft(table, row, self.add_row(table, row, "actor"))
        for name, value, message, code in row.problems:
            draft.problem(name, value, message, code)
        if any(not name for name, *_ in row.problems):
            return draft  # the record as a whole is unreadable
        values, given = row.values, draft.given
        kind, role = self.actor_type(draft)
        name = cell.text(values.get("name"))
        if name:
            given["name"] = name
        elif "name" in values or not cell.text(values.get("id")):
            draft.problem(
                "name",
                "",
                "De naam ontbreekt. Vul de naam van de organisatie, "
                "professional of het initiatief in.",
                "missing",
            )
        draft.parse("domain", lambda v: cell.one_of(Domain, v, "domein") if cell.text(v) else None)
        draft.parse("themes", lambda v: cell.many_of(Theme, v, "thema's"))
        draft.parse("kernaanpakken", lambda v: cell.many_of(Kernaanpak, v, "kernaanpakken"))
        draft.parse("description", cell.text)
        draft.parse("email", lambda v: cell.text(v) or None)
        draft.parse("phone", lambda v: cell.text(v) or None)
        draft.parse("since", cell.a_date)
        draft.parse("until", lambda v: cell.a_date(v, end=True))
        if "organisation" in values:
            draft.organisation = cell.text(values["organisation"])
        self.actor_tags(draft, kind, role)
        kind = given.get("kind", kind)
        draft.wijken = self.actor_wijken(draft)
        self.actor_identity(draft, kind, name)
        return draft

    def actor_type(self, draft: _Draft) -> tuple[ActorKind | None, Role | None]:
        values, given = draft.row.values, draft.given
        kind: ActorKind | None = None
        role: Role | None = None
        raw_type = cell.text(values.get("type"))
        if raw_type:
            kind = match_enum(ActorKind, raw_type)
            role = None if kind else match_enum(Role, raw_type)
            if kind is None and role is None and not cell.text(values.get("kind")):
                draft.problem(
                    "type",
                    raw_type,
                    f"Onbekend type '{raw_type}'. Gebruik "
                    "organisatie, professional of initiatief, of een rol zoals "
                    "huisartsenpraktijk of welzijnscoach.",
                    "unknown_value",
                )
        if cell.text(values.get("kind")):
            kind = draft.parse("kind", lambda v: cell.one_of(ActorKind, v, "soort"))
            if kind is None:
                kind = ActorKind.ORGANISATIE  # refused already; any kind keeps the row going
        if "role" in values:
            parsed = draft.parse(
                "role", lambda v: cell.one_of(Role, v, "rol") if cell.text(v) else Role.OVERIG
            )
            role = parsed or role
        if role is not None:
            given.setdefault("role", role)
        if kind is None and role is not None:
            kind = kind_of_role(role)
        if kind is not None:
            given["kind"] = kind
        return kind, role

    def actor_tags(self, draft: _Draft, kind: ActorKind | None, role: Role | None) -> None:
        """Kumu tags: themes, kernaanpakken, a domain, a kind or a role, in any order."""
        if "tags" not in draft.row.values:
            return
        given = draft.given
        themes = set(given.get("themes", []))
        approaches = set(given.get("kernaanpakken", []))
        for tag in cell.multi(draft.row.values["tags"]):
            hits = [m for m in (match_enum(Theme, tag), match_enum(Kernaanpak, tag)) if m]
            themes |= {m for m in hits if isinstance(m, Theme)}
            approaches |= {m for m in hits if isinstance(m, Kernaanpak)}
            domain = match_enum(Domain, tag)
            tag_kind = match_enum(ActorKind, tag)
            tag_role = match_enum(Role, tag)
            if domain and not given.get("domain"):
                given["domain"] = domain
            if tag_kind and kind is None:
                given["kind"] = kind = tag_kind
            if tag_role and role is None and "role" not in given:
                given["role"] = role = tag_role
                given.setdefault("kind", kind_of_role(tag_role))
            if not (hits or domain or tag_kind or tag_role or self.state.wijk_slug(tag)):
                self.unknown_tags[tag] += 1
        given["themes"], given["kernaanpakken"] = sorted(themes), sorted(approaches)

    def actor_wijken(self, draft: _Draft) -> set[str]:
        slugs, unknown = set(), []
        raw = draft.row.values.get("wijken")
        for part in cell.multi(raw):
            slug = self.state.wijk_slug(part)
            if slug is None:
                unknown.append(part)
            else:
                slugs.add(slug)
        for part in unknown:
            draft.problem(
                "wijken",
                part,
                f"Onbekende wijk '{part}'." + self.state.wijk_hint(part),
                "unknown_wijk",
            )
        if not slugs and not unknown and self.default_wijk:
            slugs.add(self.default_wijk)
        return slugs

    def actor_identity(self, draft: _Draft, kind: ActorKind | None, name: str) -> None:
        state = self.state
        explicit = cell.text(draft.row.values.get("id"))
        stored = state.actors.get(explicit) if explicit else None
        if explicit:
            draft.id = explicit
            if stored is not None and kind is not None and kind is not stored.kind:
                draft.problem("kind", kind.value, IMMUTABLE.text(), IMMUTABLE.code)
        elif not draft.wijken:
            draft.problem(
                "wijken",
                "",
                "De wijk ontbreekt. Vul de kolom wijk in, of kies een "
                "standaardwijk voor het hele bestand (--wijk).",
                "missing",
            )
        elif kind is None:
            if name:
                draft.problem(
                    "kind",
                    "",
                    "De soort ontbreekt. Vul organisatie, professional "
                    "of initiatief in (of een rol zoals huisarts).",
                    "missing",
                )
        elif name:
            ids = state.stored_match(name, kind, draft.wijken)
            if len(ids) > 1:
                draft.problem(
                    "name",
                    name,
                    f"In wijknet staan al {len(ids)} actoren met deze "
                    f"naam en soort in deze wijk ({', '.join(ids)}). Vul de kolom id "
                    "in om te kiezen welke bedoeld is.",
                    "ambiguous",
                )
            draft.id = ids[0] if ids else self.fresh_id(min(draft.wijken), kind, name)
            if ids:  # matched by name: the stored spelling stays (only an id renames)
                draft.given.pop("name", None)
        if draft.id is None:
            return
        stored = state.actors.get(draft.id)
        if draft.id in self.claimed:
            draft.problem(
                "name" if not explicit else "id",
                name or draft.id,
                f"Deze actor staat ook op {self.claimed[draft.id]}; houd één van beide rijen over.",
                "duplicate_row",
            )
            return
        self.claimed[draft.id] = draft.where
        known_kind = kind or (stored.kind if stored else None)
        wijken = draft.wijken | (set(stored.wijken) if stored else set())
        state.remember(
            Known(
                draft.id,
                name or (stored.name if stored else draft.id),
                known_kind,
                wijken,
                row=draft.where,
            )
        )
        ref = cell.text(draft.row.values.get("ref"))
        if ref:
            state.refs[ref] = draft.id

    def fresh_id(self, wijk: str, kind: ActorKind, name: str) -> str:
        base = stable_actor_id(wijk, kind, name)
        candidate, n = base, 1
        while candidate in self.state.actors:  # a stored actor renamed since: keep clear
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def finish_actors(self, drafts: list[_Draft]) -> None:
        """Second pass: organisations resolved, records merged and validated, then settled."""
        records = [self.actor_record(d) for d in drafts]
        for draft in drafts:
            if (
                draft.problems
                and draft.id in self.state.known
                and draft.id not in self.state.actors
            ):
                self.state.known[draft.id].broken = True
        for draft, record in zip(drafts, records, strict=True):
            org = record.organisation if record is not None else None
            if org and org in self.state.known and self.state.known[org].broken:
                draft.problem(
                    "organisation",
                    draft.organisation,
                    f"De organisatie staat op "
                    f"{self.state.known[org].row} en die rij heeft een fout; "
                    "herstel die rij eerst.",
                    "broken_reference",
                )
                if draft.id in self.state.known and draft.id not in self.state.actors:
                    self.state.known[draft.id].broken = True
            stored = self.state.actors.get(draft.id or "")
            planned = self.rows[draft.index]
            planned.id, planned.label = (
                draft.id,
                draft.given.get("name", stored.name if stored else ""),
            )
            planned.wijken = sorted(record.wijken) if record is not None else sorted(draft.wijken)
            touched = set(planned.wijken) | (set(stored.wijken) if stored else set())
            self.settle(draft.index, draft.problems, record, stored, ACTOR_FIELDS, touched)

    def actor_record(self, draft: _Draft) -> ActorIn | None:
        if draft.id is None:
            return None
        stored = self.state.actors.get(draft.id)
        merged = stored.model_dump(include=set(ACTOR_FIELDS)) if stored else {}
        given = dict(draft.given)
        contact = {k: given.pop(k) for k in ("email", "phone") if k in given}
        merged |= given
        merged["id"] = draft.id
        merged["wijken"] = sorted(draft.wijken | set(merged.get("wijken") or []))
        if contact:
            current = dict(merged.get("contact") or {})
            current.pop("personal", None)
            current |= contact
            merged["contact"] = current if any(current.values()) else None
        if draft.organisation is not None:
            merged["organisation"] = self.organisation(draft) if draft.organisation else None
        if not merged.get("domain"):
            role = merged.get("role")
            merged["domain"] = ROLE_DOMAIN.get(role) if isinstance(role, Role) else None
            if merged["domain"] is None:
                if not any(p.column == draft.table.header("domain") for p in draft.problems):
                    draft.problem(
                        "domain",
                        "",
                        "Het domein ontbreekt. Vul bijvoorbeeld zorg, "
                        "sociaal, gemeente, wonen of inwoners in.",
                        "missing",
                    )
                return None
        if "kind" not in merged:
            draft.problem(
                "kind",
                "",
                "De soort ontbreekt. Vul organisatie, professional of "
                "initiatief in (of een rol zoals huisarts).",
                "missing",
            )
            return None
        return self.validate(draft, ActorIn, merged)

    def organisation(self, draft: _Draft) -> str | None:
        raw = draft.organisation or ""
        org_id, message = self.state.resolve(raw, min(draft.wijken) if draft.wijken else None)
        if org_id is None:
            draft.problem("organisation", raw, message, "unknown_actor")
            return None
        known = self.state.known[org_id]
        if known.kind is not None:
            refused = employer_errors(org_id, known.kind.value, name=known.name)
            for error in refused:
                draft.problem("organisation", raw, error.message, error.code)
            if refused:
                return None
        stored_org, current = self.state.actors.get(org_id), self.state.actors.get(draft.id or "")
        if (
            self.may_employ is not None
            and stored_org is not None
            and (current is None or current.organisation != org_id)
            and not self.may_employ(stored_org)
        ):
            draft.problem(
                "organisation",
                raw,
                f"'{known.name}' is niet actief in uw wijken. U "
                "kunt een professional alleen koppelen aan een organisatie die actief "
                "is in een van uw wijken; vraag zo nodig beheer.",
                "forbidden",
            )
            return None
        return org_id

    # -- links ---------------------------------------------------------------------------

    def link(self, table: Table, row: Row) -> None:
        self.tick()
        draft = _Draft(table, row, self.add_row(table, row, "link"))
        for name, value, message, code in row.problems:
            draft.problem(name, value, message, code)
        if any(not name for name, *_ in row.problems):
            self.settle(draft.index, draft.problems, None, None, LINK_FIELDS, set())
            return
        values, given = row.values, draft.given
        wijk = self.link_wijk(draft)
        ends = {}
        for end in ("source", "target"):
            raw = cell.text(values.get(end))
            if not raw:
                draft.problem(
                    end, "", "Deze cel is leeg: vul de naam of id van een actor in.", "missing"
                )
                continue
            actor_id, message = self.state.resolve(raw, wijk)
            if actor_id is None:
                draft.problem(end, raw, message, "unknown_actor")
            elif self.state.known[actor_id].broken:
                draft.problem(
                    end,
                    raw,
                    f"Deze actor staat op {self.state.known[actor_id].row} "
                    "en die rij heeft een fout; herstel die rij eerst.",
                    "broken_reference",
                )
            else:
                ends[end] = actor_id
        self.link_type(draft)
        if cell.text(values.get("kind")):
            draft.parse("kind", lambda v: cell.one_of(LinkKind, v, "soort samenwerking"))
        draft.parse(
            "intensity",
            lambda v: (
                cell.one_of(Intensity, v, "intensiteit")
                if cell.text(v)
                else Intensity.INFORMATIE_DELEN
            ),
        )
        draft.parse("note", cell.text)
        draft.parse("since", cell.a_date)
        draft.parse("until", lambda v: cell.a_date(v, end=True))
        record, stored = None, None
        if len(ends) == 2:
            kind = given.get("kind") or LinkKind.SAMENWERKING
            self.check_werkt_bij(draft, kind, ends["source"], ends["target"])
            stored = self.link_identity(draft, kind, ends)
            if draft.id is not None:
                merged = stored.model_dump(include=set(LINK_FIELDS)) if stored else {}
                merged |= given | ends | {"id": draft.id, "kind": kind}
                record = self.validate(draft, LinkIn, merged)
        planned = self.rows[draft.index]
        planned.id = draft.id
        planned.label = " — ".join(self.state.known[i].name for i in ends.values())
        touched = self.link_wijken(list(ends.values()))
        planned.wijken = sorted(touched)
        self.settle(draft.index, draft.problems, record, stored, LINK_FIELDS, touched)

    def link_wijk(self, draft: _Draft) -> str | None:
        raw = cell.text(draft.row.values.get("wijk"))
        if not raw:
            return self.default_wijk
        slug = self.state.wijk_slug(raw)
        if slug is None:
            draft.problem(
                "wijk", raw, f"Onbekende wijk '{raw}'." + self.state.wijk_hint(raw), "unknown_wijk"
            )
        return slug

    def link_type(self, draft: _Draft) -> None:
        """Kumu's connection type: a link kind when it names one, otherwise kept in the note."""
        raw = cell.text(draft.row.values.get("type"))
        if not raw or cell.text(draft.row.values.get("kind")):
            return
        kind = match_enum(LinkKind, raw)
        if kind is not None:
            draft.given["kind"] = kind
            return
        self.unknown_types[raw] += 1
        note = cell.text(draft.row.values.get("note"))
        draft.row.values["note"] = f"{note}\nType: {raw}".strip() if note else f"Type: {raw}"

    def check_werkt_bij(self, draft: _Draft, kind: LinkKind, source: str, target: str) -> None:
        if kind is not LinkKind.WERKT_BIJ:
            return
        known = self.state.known
        ends = {"source": known[source], "target": known[target]}
        for error in werkt_bij_errors(ends["source"].kind, ends["target"].kind):
            draft.problem(error.field, ends[error.field].name, error.message, error.code)

    def link_identity(self, draft: _Draft, kind: LinkKind, ends: dict[str, str]) -> Any:
        """Settle the link's id; a stored samenwerking keeps the direction it was stored in."""
        state = self.state
        source, target = ends["source"], ends["target"]
        explicit = cell.text(draft.row.values.get("id"))
        if explicit:
            draft.id = explicit
            stored = state.links.get(explicit)
            if stored is not None and (
                link_key(stored.kind, stored.source, stored.target)
                != link_key(kind, source, target)
            ):
                for name in _changed_identity(stored, kind, source, target):
                    value = kind.value if name == "kind" else state.known[ends[name]].name
                    draft.problem(name, value, IMMUTABLE.text(), IMMUTABLE.code)
                return None
        else:
            draft.id = state.link_ids.get(link_key(kind, source, target)) or stable_link_id(
                kind, source, target
            )
            stored = state.links.get(draft.id)
        if draft.id in self.claimed_links:
            where = self.claimed_links[draft.id]
            draft.problem(
                "source",
                "",
                f"Deze samenwerking staat ook op {where}; houd één van beide rijen over.",
                "duplicate_row",
            )
            return stored
        self.claimed_links[draft.id] = draft.where
        if stored is not None and kind is LinkKind.SAMENWERKING:
            ends["source"], ends["target"] = stored.source, stored.target
        return stored

    def link_wijken(self, ends: list[str]) -> set[str]:
        """The wijken a link touches: where both ends are active, else where either is."""
        sets = [self.state.known[i].wijken for i in ends]
        if len(sets) < 2:
            return set().union(*sets) if sets else set()
        return (sets[0] & sets[1]) or (sets[0] | sets[1])

    # -- validation ----------------------------------------------------------------------

    def validate(self, draft: _Draft, model: type[M], data: dict[str, Any]) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in field_errors_from_pydantic(exc):
                name = error.field if error.field != "data" else ""
                value = _lookup(data, name) if name else ""
                draft.problem(name, cell.text(value), error.message, error.code)
            return None


def _changed_identity(stored: Any, kind: LinkKind, source: str, target: str) -> list[str]:
    """What of a stored link's identity a row would change: its ends (either way round
    when one of the two is a samenwerking) or its kind."""
    changed = [] if kind is stored.kind else ["kind"]
    unordered = LinkKind.SAMENWERKING in (kind, stored.kind)
    if unordered and {source, target} == {stored.source, stored.target}:
        return changed
    ends = [
        n
        for n, was, now in (("source", stored.source, source), ("target", stored.target, target))
        if was != now
    ]
    return ends + changed
