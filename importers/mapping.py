"""The mapping step of an import: how a file's columns and values become wijknet's.

A file made elsewhere (a Kumu map, a Gephi file, a sociale-kaart workbook, a partner list)
names its columns and values in its own words. wijknet proposes a mapping
(:func:`propose`), the user confirms or changes it, and the same mapping can be saved and
used again next month: as JSON or TOML (:meth:`ImportMapping.to_toml`), on the import page
or with ``wijknet import --mapping FILE``. Keys are Dutch, as the user reads them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.model import (
    INVALID_CHARACTER,
    ActorKind,
    Domain,
    Intensity,
    Kernaanpak,
    LinkKind,
    Role,
    Theme,
)
from importers.columns import (
    COLUMNS,
    TABLE_LABEL,
    TableKind,
    closest,
    detect_table,
    expected_headers,
    extra_of,
    field_by_likeness,
    field_by_tokens,
    field_of,
    is_ignored,
    key,
    match_enum,
    split_multi,
)
from importers.raw import Formula, RawTable
from importers.tables import (
    MAX_CELL_CHARS,
    SURROGATE,
    Problem,
    Row,
    Table,
    aantal,
    shown,
    unneutralise,
)

__all__ = [
    "SKIP",
    "Defaults",
    "ImportMapping",
    "Mapped",
    "MappingError",
    "ProposalInfo",
    "TableMap",
    "apply_mapping",
    "effective",
    "find_header_row",
    "from_form",
    "propose",
    "stale",
]

SKIP = "overslaan"
"""The target that leaves a column, a value or a row out of the import."""

TableKindName = Literal["actoren", "samenwerkingen", "wijken", "overslaan"]


class MappingError(ValueError):
    """A mapping file that cannot be used; the message is Dutch and names the key."""


class TableMap(BaseModel):
    """How one table of the file (a sheet, a CSV, Kumu's elements or connections) maps."""

    model_config = ConfigDict(extra="forbid")

    bron: str = Field(description="the table as the file names it, e.g. 'Elements'")
    soort: TableKindName = "actoren"
    koprij: int | None = Field(None, ge=1, description="header row (1-based); None: found")
    kolommen: dict[str, str] = Field(
        default_factory=dict, description="header as written -> wijknet field or 'overslaan'"
    )


class Defaults(BaseModel):
    """File-wide defaults for what a row leaves empty (``--soort``, ``--domein``)."""

    model_config = ConfigDict(extra="forbid")

    soort: ActorKind | None = None
    domein: Domain = Domain.ONBEKEND
    rol: Role = Role.OVERIG
    samenwerking: LinkKind = LinkKind.SAMENWERKING
    intensiteit: Intensity | None = None
    datumvolgorde: Literal["dmj", "mdj", "auto"] = "auto"


class ImportMapping(BaseModel):
    """Columns, values and defaults of one kind of file; the wijk is not part of it."""

    model_config = ConfigDict(extra="forbid")

    versie: Literal[1] = 1
    naam: str = ""
    tabellen: list[TableMap] = Field(default_factory=list)
    waarden: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="field -> {value as written: wijknet value}"
    )
    standaard: Defaults = Field(default_factory=Defaults)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_toml(self) -> str:
        return tomli_w.dumps(self.model_dump(mode="json", exclude_none=True))

    def digest(self) -> str:
        """A fingerprint of the mapping, for the preview's check that nothing changed."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @classmethod
    def load(cls, name: str, data: bytes) -> ImportMapping:
        """Read a mapping file: JSON when it starts with ``{``, TOML otherwise."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MappingError(f"{name}: de koppeling is geen UTF-8-tekst.") from exc
        try:
            raw = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise MappingError(f"{name}: de koppeling is niet te lezen ({exc}).") from exc
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(bestand)"
            raise MappingError(
                f"{name}: '{where}' in de koppeling klopt niet ({first['msg']})."
            ) from exc


# -- targets and choices -----------------------------------------------------------------

EXTRA_FIELDS = ("adres", "website", "extra")
"""Columns folded into the description (actors) or note (links): ``Adres: …``."""

TABLE_KINDS: dict[str, TableKind] = {
    "actoren": "actors",
    "samenwerkingen": "links",
    "wijken": "wijken",
}
KIND_NAMES: dict[TableKind, TableKindName] = {
    "actors": "actoren",
    "links": "samenwerkingen",
    "wijken": "wijken",
}

MULTI_FIELDS = frozenset({"wijken", "themes", "kernaanpakken", "tags"})
"""Fields several columns may fill together (their values are joined)."""

VALUE_FIELDS: dict[TableKind, dict[str, str]] = {
    "actors": {
        "type": "type",
        "kind": "soort",
        "role": "rol",
        "domain": "domein",
        "themes": "thema's",
        "kernaanpakken": "kernaanpakken",
        "tags": "tags",
        "wijken": "wijken",
    },
    "links": {"kind": "samenwerking", "type": "samenwerking", "intensity": "intensiteit"},
    "wijken": {},
}
"""Per table kind: canonical field -> the ``waarden`` key its values are mapped under."""

APPLIED_PROPOSALS = frozenset({"type", "intensiteit"})
"""The value fields whose proposed targets are used without the user confirming them (with
a warning): another tool's element types (Stakeholder, Company) and out-of-range weights.
Other unknown values stay as written, for the planner's own rules and messages; the page
preselects the suggestion."""

STANDAARDWIJK = "standaardwijk"
"""The value target 'the wijk chosen for the whole import'."""

Confidence = Literal["herkend", "voorgesteld", "niet herkend"]

_PERSON_WORDS = (
    "person",
    "persoon",
    "people",
    "individual",
    "interviewee",
    "contactpersoon",
    "medewerker",
    "employee",
)
_INITIATIVE_WORDS = ("initiatief", "buurt", "bewoners", "vrijwilligers", "community")


def field_name(kind: TableKind, field_: str) -> str:
    """The Dutch name of a canonical field in a mapping: ``name`` -> ``naam``."""
    if field_ in EXTRA_FIELDS or field_ == SKIP:
        return field_
    return COLUMNS[kind][field_][0]


def canonical(kind: TableKind, target: str) -> str | None:
    """The canonical field a mapping target names (``naam`` -> ``name``), an extra field
    (``adres``), or None for ``overslaan`` and unknown targets."""
    if target in EXTRA_FIELDS:
        return target
    if target == SKIP:
        return None
    return field_of(kind, target)


def column_choices(kind: TableKind) -> list[str]:
    """Every target a column of a table of ``kind`` may map to (Dutch names)."""
    names = [aliases[0] for aliases in COLUMNS[kind].values()]
    extra = list(EXTRA_FIELDS) if kind != "wijken" else []
    return [*names, *extra, SKIP]


def _members(*enums: type[Enum]) -> list[str]:
    seen: dict[str, None] = {}
    for enum in enums:
        seen.update(dict.fromkeys(str(m.value) for m in enum))
    return list(seen)


def value_choices(field_: str, wijken: Collection[str] = ()) -> list[str]:
    """Every target a value of ``field_`` (a ``waarden`` key) may map to."""
    options: dict[str, list[str]] = {
        "type": [*_members(ActorKind, Role), SKIP],
        "soort": [*_members(ActorKind), SKIP],
        "rol": [*_members(Role), SKIP],
        "domein": _members(Domain),
        "thema's": [*_members(Theme), SKIP],
        "kernaanpakken": [*_members(Kernaanpak), SKIP],
        "tags": [*_members(Theme, Kernaanpak, Domain, ActorKind, Role), SKIP],
        "wijken": [*sorted(wijken), STANDAARDWIJK, SKIP],
        "samenwerking": [*_members(LinkKind), SKIP],
        "intensiteit": [str(m.value) for m in Intensity],
    }
    return options.get(field_, [])


VALUE_KEYS = (
    "type",
    "soort",
    "rol",
    "domein",
    "thema's",
    "kernaanpakken",
    "tags",
    "wijken",
    "samenwerking",
    "intensiteit",
)


# -- what the proposal tells the page --------------------------------------------------


class ColumnInfo(BaseModel):
    """One header of a table: what wijknet proposes, how sure it is, and example values."""

    header: str
    target: str
    confidence: Confidence
    examples: list[str] = Field(default_factory=list)


class TableInfo(BaseModel):
    """One table of the file as the proposal saw it."""

    bron: str
    source: str
    soort: TableKindName
    koprij: int | None = None
    columns: list[ColumnInfo] = Field(default_factory=list)
    choices: list[str] = Field(default_factory=list)
    """The targets its columns may map to."""


class ProposalInfo(BaseModel):
    """What the page shows next to the proposed mapping (not saved with it)."""

    tables: list[TableInfo] = Field(default_factory=list)
    unknown: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Per ``waarden`` field the values wijknet does not know, with how often they occur."""
    known: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Per ``waarden`` field the values wijknet recognised, with their counts."""
    suggested: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Per ``waarden`` field, a target for each unknown value (the page preselects it)."""
    wijken: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def table(self, bron: str) -> TableInfo | None:
        return next((t for t in self.tables if key(t.bron) == key(bron)), None)

    def value_choices(self, field_: str) -> list[str]:
        return value_choices(field_, self.wijken)


# -- header row --------------------------------------------------------------------------

HEADER_SEARCH_ROWS = 10
"""How many non-empty rows at the top of a sheet are searched for the header row."""
_NUMBER = re.compile(r"^[\d\s.,:/+-]+$")


def _cell_text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _header_score(cells: list[Any]) -> float:
    score = 0.0
    for cell in cells:
        text = _cell_text(cell)
        if not text:
            continue
        if any(field_of(t, text) or is_ignored(t, text) for t in TABLE_KINDS.values()):
            score += 2
        elif extra_of(text) or field_by_tokens("actors", text):
            score += 1
        elif len(text) <= 40 and not _NUMBER.match(text):
            score += 0.2
    return score


def find_header_row(grid: list[tuple[int, list[Any]]]) -> int:
    """The number of the row that holds the headers: among the first ten non-empty rows,
    the one that looks most like headers (known column names first), with at least two
    filled cells; on a tie the earlier row. A grid with no such row: its first row."""
    best: tuple[float, int] | None = None
    for number, cells in grid[:HEADER_SEARCH_ROWS]:
        if sum(1 for c in cells if _cell_text(c)) < 2:
            continue
        score = _header_score(cells)
        if best is None or score > best[0]:
            best = (score, number)
    return best[1] if best else grid[0][0]


# -- proposing a mapping -----------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^[0-9+() .-]{6,}$")
_DATE_LIKE = re.compile(r"^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{4})$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)


def _columns_of(
    table: RawTable, koprij: int | None = None
) -> tuple[int | None, list[str], list[tuple[int, list[Any]]]]:
    """Header row number, headers, and the data rows as cell lists aligned with them."""
    if table.grid:
        number = koprij or find_header_row(table.grid)
        header_cells = next((c for n, c in table.grid if n == number), table.grid[0][1])
        headers = [_cell_text(c) for c in header_cells]
        data = [(n, c) for n, c in table.grid if n > number]
        return number, headers, data
    return (
        None,
        list(table.headers),
        [(row.number, [row.cells.get(h) for h in table.headers]) for row in table.rows],
    )


def _column_values(data: list[tuple[int, list[Any]]], position: int, limit: int = 200) -> list[str]:
    values = []
    for _, cells in data:
        if position < len(cells):
            cell = cells[position]
            parts = cell if isinstance(cell, list) else [cell]
            values += [t for t in (_cell_text(p) for p in parts) if t]
        if len(values) >= limit:
            break
    return values


def _sniff(values: list[str], wijken: set[str]) -> str | None:
    if not values:
        return None

    def share(pattern: re.Pattern[str]) -> float:
        return sum(1 for v in values if pattern.match(v)) / len(values)

    if share(_EMAIL) >= 0.6:
        return "email"
    if share(_URL) >= 0.6:
        return "website"
    if share(_PHONE) >= 0.6 and share(_DATE_LIKE) < 0.5:
        return "phone"
    distinct = {key(v) for v in values}
    if wijken and len(distinct & wijken) >= 0.5 * len(distinct):
        return "wijken"
    return None


def _propose_column(
    kind: TableKind, header: str, values: list[str], wijken: set[str]
) -> tuple[str, Confidence]:
    """The canonical field (or extra field, or ``overslaan``) for one header."""
    if not header:
        return SKIP, "herkend"
    found = field_of(kind, header)
    if found:
        return found, "herkend"
    extra = extra_of(header)
    if extra:
        return extra, "herkend"
    if is_ignored(kind, header):
        return SKIP, "herkend"
    by_tokens = field_by_tokens(kind, header)
    if by_tokens == SKIP:
        return SKIP, "herkend"
    if by_tokens:
        return by_tokens, "voorgesteld"
    alike = field_by_likeness(kind, header)
    if alike:
        return alike, "voorgesteld"
    sniffed = _sniff(values, wijken)
    if sniffed and (kind == "actors" or sniffed == "website"):
        return sniffed, "voorgesteld"
    return SKIP, "niet herkend"


def _table_kind(table: RawTable, headers: list[str]) -> TableKind:
    if table.kind_hint is not None:
        return table.kind_hint
    return detect_table(headers) or "actors"


def _name_candidate(headers: list[str], data: list[tuple[int, list[Any]]]) -> int | None:
    """The first text column whose values are nearly all distinct and short enough for a
    name: the name column of a file whose header for it is not known."""
    for position, header in enumerate(headers):
        if not header:
            continue
        values = _column_values(data, position, limit=10_000)
        if len(values) < max(1, len(data) // 2):
            continue
        if any(len(v) > 200 for v in values) or all(_NUMBER.match(v) for v in values):
            continue
        if len(set(values)) >= 0.9 * len(values):
            return position
    return None


def propose(
    raw: list[RawTable], known_wijken: Collection[str]
) -> tuple[ImportMapping, ProposalInfo]:
    """The mapping wijknet proposes for ``raw`` tables, and what the page shows with it.

    Headers are matched by synonyms (Dutch, English, Kumu, Gephi, sociale kaart), then by
    their words, by likeness, and by sniffing the values (e-mail, phone, website, wijk).
    Values of enum fields that wijknet does not know get a proposed target.
    """
    wijken = {key(w) for w in known_wijken}
    mapping = ImportMapping()
    info = ProposalInfo(wijken=sorted(known_wijken))
    for table in raw:
        number, headers, data = _columns_of(table)
        kind = _table_kind(table, headers)
        targets: dict[str, tuple[str, Confidence]] = {}
        used: set[str] = set()
        owners: dict[str, tuple[str, bool]] = {}
        positions: dict[str, int] = {}
        for position, header in enumerate(headers):
            if header in targets or not header:
                continue
            positions[header] = position
            values = _column_values(data, position)
            target: str
            confidence: Confidence
            if table.origin == "kumu-json" and header == "_id":
                target, confidence = ("ref", "herkend") if kind == "actors" else (SKIP, "herkend")
            else:
                target, confidence = _propose_column(kind, header, values, wijken)
            scalar = target not in MULTI_FIELDS and target not in EXTRA_FIELDS and target != SKIP
            if scalar and target in owners:
                earlier, earlier_filled = owners[target]
                if not earlier_filled and values:
                    # an empty column gives way to a filled one (Kumu's empty "Label")
                    targets[earlier] = (SKIP, "herkend")
                elif confidence != "herkend" or not values:
                    target, confidence = SKIP, "niet herkend" if values else "herkend"
            if target != SKIP:
                used.add(target)
                owners.setdefault(target, (header, bool(values)))
                if owners[target][0] != header and not owners[target][1] and values:
                    owners[target] = (header, True)
            targets[header] = (target, confidence)
        if kind == "actors" and not used & {"name"}:
            organisation = [h for h, (t, _) in targets.items() if t == "organisation"]
            if organisation:
                targets[organisation[0]] = ("name", "voorgesteld")
            elif used - {"id", "ref"} or table.kind_hint:
                candidate = _name_candidate(headers, data)
                if candidate is not None and targets.get(headers[candidate], (SKIP,))[0] in (
                    SKIP,
                    "description",
                ):
                    targets[headers[candidate]] = ("name", "voorgesteld")
        unknown_headers = [h for h, (_, c) in targets.items() if c == "niet herkend"]
        if unknown_headers and not table.own_ids:
            info.notes.append(
                f"{table.source}: kolom(men) niet herkend en overgeslagen: "
                + ", ".join(f"'{h}'" for h in unknown_headers)
                + ". Kies in de koppeling wat ze betekenen."
            )
        mapping.tabellen.append(
            TableMap(
                bron=table.name,
                soort=KIND_NAMES[kind],
                koprij=number,
                kolommen={h: field_name(kind, t) for h, (t, _) in targets.items()},
            )
        )
        info.tables.append(
            TableInfo(
                bron=table.name,
                source=table.source,
                soort=KIND_NAMES[kind],
                koprij=number,
                choices=column_choices(kind),
                columns=[
                    ColumnInfo(
                        header=h,
                        target=field_name(kind, t),
                        confidence=c,
                        examples=_examples(data, positions[h]),
                    )
                    for h, (t, c) in targets.items()
                ],
            )
        )
        _propose_values(kind, targets, positions, data, wijken, mapping, info)
    return mapping, info


def _examples(data: list[tuple[int, list[Any]]], position: int) -> list[str]:
    seen: dict[str, None] = {}
    for value in _column_values(data, position, limit=50):
        seen.setdefault(shown(value)[:60])
        if len(seen) == 3:
            break
    return list(seen)


def _parts(cell: Any, multi: bool) -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, list):
        return [t for t in (_cell_text(c) for c in cell) if t]
    text = _cell_text(cell)
    if not text:
        return []
    return split_multi(text) if multi else [text]


def _is_known(field_: str, value: str, wijken: set[str]) -> bool:
    enums: dict[str, tuple[type[Enum], ...]] = {
        "type": (ActorKind, Role),
        "soort": (ActorKind,),
        "rol": (Role,),
        "domein": (Domain,),
        "thema's": (Theme,),
        "kernaanpakken": (Kernaanpak,),
        "tags": (Theme, Kernaanpak, Domain, ActorKind, Role),
        "samenwerking": (LinkKind,),
        "intensiteit": (Intensity,),
    }
    if field_ == "wijken":
        return key(value) in wijken
    return any(match_enum(e, value) is not None for e in enums.get(field_, ()))


def _proposed_value(field_: str, value: str, wijken: set[str]) -> str | None:
    """The target proposed for a value wijknet does not know, or None (no entry)."""
    enums: dict[str, type[Enum]] = {
        "soort": ActorKind,
        "rol": Role,
        "domein": Domain,
        "thema's": Theme,
        "kernaanpakken": Kernaanpak,
    }
    if field_ in enums:
        near = closest(enums[field_], value)
        if near is not None:
            return str(near.value)
    words = key(value)
    if field_ in {"type", "soort"}:
        near_kind = closest(ActorKind, value)
        if near_kind is not None:
            return str(near_kind.value)
        if any(w in words for w in _PERSON_WORDS):
            return ActorKind.PROFESSIONAL.value
        if any(w in words for w in _INITIATIVE_WORDS):
            return ActorKind.INITIATIEF.value
        return ActorKind.ORGANISATIE.value
    if field_ == "rol":
        return Role.OVERIG.value
    if field_ == "domein":
        return Domain.ONBEKEND.value
    if field_ in {"thema's", "kernaanpakken", "tags"}:
        return SKIP
    if field_ == "intensiteit":
        try:
            number = round(float(value.replace(",", ".")))
        except ValueError:
            return str(Intensity.INFORMATIE_DELEN.value)
        return str(min(max(number, 1), 4))
    if field_ == "wijken":
        close = difflib.get_close_matches(key(value), list(wijken), n=1, cutoff=0.85)
        return close[0] if close else None
    return None


def _propose_values(
    kind: TableKind,
    targets: dict[str, tuple[str, Confidence]],
    positions: dict[str, int],
    data: list[tuple[int, list[Any]]],
    wijken: set[str],
    mapping: ImportMapping,
    info: ProposalInfo,
) -> None:
    for header, (target, _) in targets.items():
        field_ = VALUE_FIELDS[kind].get(target)
        if field_ is None:
            continue
        counts: Counter[str] = Counter()
        for _, cells in data:
            position = positions[header]
            if position < len(cells):
                counts.update(_parts(cells[position], target in MULTI_FIELDS))
        for value, count in counts.items():
            bucket = info.known if _is_known(field_, value, wijken) else info.unknown
            entry = bucket.setdefault(field_, {})
            entry[value] = entry.get(value, 0) + count
            if bucket is info.unknown:
                proposed = _proposed_value(field_, value, wijken)
                if proposed is None:
                    continue
                info.suggested.setdefault(field_, {})[value] = proposed
                if field_ in APPLIED_PROPOSALS:
                    mapping.waarden.setdefault(field_, {})[value] = proposed


# -- the effective mapping ---------------------------------------------------------------


def effective(
    proposal: ImportMapping, user: ImportMapping | None, defaults: Defaults | None
) -> ImportMapping:
    """The mapping an import uses: the proposal, with every entry of the user's mapping
    (saved or uploaded) winning, and then the defaults given for this import
    (``--soort``, ``--domein``) winning over both. Tables of ``user`` that are not in the
    file are left out."""
    result = proposal.model_copy(deep=True)
    if user is not None:
        result.naam = user.naam or result.naam
        for table in result.tabellen:
            mine = next((t for t in user.tabellen if key(t.bron) == key(table.bron)), None)
            if mine is None:
                continue
            table.soort = mine.soort
            if mine.koprij is not None:
                table.koprij = mine.koprij
            table.kolommen = table.kolommen | mine.kolommen
        for field_, values in user.waarden.items():
            result.waarden[field_] = result.waarden.get(field_, {}) | values
        result.standaard = user.standaard.model_copy()
    if defaults is not None:
        result.standaard = result.standaard.model_copy(
            update={name: getattr(defaults, name) for name in defaults.model_fields_set}
        )
    return result


def stale(user: ImportMapping, proposal: ImportMapping) -> list[str]:
    """Notes for entries of the user's mapping that this file does not have (a table or a
    column), so a saved mapping that no longer fits is noticed."""
    notes = []
    tables = {key(t.bron): t for t in proposal.tabellen}
    for mine in user.tabellen:
        table = tables.get(key(mine.bron))
        if table is None:
            notes.append(f"Koppeling: de tabel '{mine.bron}' staat niet in het bestand.")
            continue
        missing = [h for h in mine.kolommen if h not in table.kolommen]
        if missing:
            notes.append(
                f"Koppeling: kolom(men) {', '.join(repr(h) for h in missing)} van "
                f"'{mine.bron}' staan niet in het bestand."
            )
    return notes


# -- applying a mapping ------------------------------------------------------------------


@dataclass
class Ignored:
    """A row the mapping leaves out (its type or link type maps to ``overslaan``)."""

    source: str
    row: int
    label: str
    reason: str
    refs: list[str] = field(default_factory=list)
    """The names and references other rows may use for it (links to it are left out too)."""


@dataclass
class Mapped:
    """Raw tables after the mapping: tables of canonical fields for the planner."""

    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Values read another way than written (level ``let op``), grouped per column and value."""
    notes: list[str] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


FORMULA = "formula"

_REQUIRED: dict[TableKind, tuple[tuple[str, ...], ...]] = {
    "actors": (("name", "id", "ref"),),
    "links": (("source",), ("target",)),
    "wijken": (("slug", "name"),),
}


def _table_map(mapping: ImportMapping, table: RawTable) -> TableMap | None:
    return next((t for t in mapping.tabellen if key(t.bron) == key(table.name)), None)


def apply_mapping(
    raw: list[RawTable], mapping: ImportMapping, *, confirmed: ImportMapping | None = None
) -> Mapped:
    """Turn ``raw`` tables into the planner's tables as ``mapping`` says: the header row,
    the column of each field, the values rewritten, address/website/extra columns folded
    into the description or note. A table the mapping does not name is mapped as proposed.

    A value rewritten by an entry the user did not give (one not in ``confirmed``, the
    user's own mapping) gives one grouped warning per column and value."""
    result = Mapped()
    rewrites: dict[tuple[str, str, str, str], list[int]] = {}
    found_any = False
    nameless: list[Problem] = []
    for table in raw:
        tmap = _table_map(mapping, table)
        if tmap is None:
            tmap = propose([table], ())[0].tabellen[0]
        if tmap.soort == SKIP:
            result.notes.append(f"{table.source}: tabel overgeslagen (koppeling).")
            continue
        kind = TABLE_KINDS[tmap.soort]
        number, headers, data = _columns_of(table, tmap.koprij)
        if table.grid and number is not None and number > table.grid[0][0]:
            result.notes.append(
                f"{table.source}: de kolomkoppen staan op rij {number}; "
                "de rijen erboven zijn overgeslagen."
            )
        fields: list[str | None] = []
        columns: dict[str, str] = {}
        for header in headers:
            target = tmap.kolommen.get(header)
            if target is None:
                target = field_name(kind, _propose_column(kind, header, [], set())[0])
            field_ = canonical(kind, target) if header else None
            if header and field_ is None and target != SKIP:
                result.notes.append(
                    f"{table.source}: kolom '{header}' is in de koppeling '{target}'; dat is "
                    f"geen veld van {TABLE_LABEL[kind]}, dus de kolom is overgeslagen."
                )
            if field_ and field_ not in MULTI_FIELDS and field_ not in EXTRA_FIELDS:
                if field_ in columns:
                    result.problems.append(
                        Problem(
                            source=table.source,
                            row=number or 0,
                            column=header,
                            value=header,
                            message=f"De kolommen '{columns[field_]}' en '{header}' betekenen "
                            "hetzelfde; houd er één over (of zet er één op 'overslaan' in de "
                            "koppeling).",
                            code="duplicate_column",
                        )
                    )
                    field_ = None
                else:
                    columns[field_] = header
            elif field_:
                columns.setdefault(field_, header)
            fields.append(field_)
        missing = [
            alternatives
            for alternatives in _REQUIRED[kind]
            if not any(a in columns for a in alternatives)
        ]
        if missing:
            nameless.append(_missing_problem(table, kind, number, headers, missing))
            continue
        found_any = True
        out = Table(
            kind=kind,
            source=table.source,
            columns={f: h for f, h in columns.items() if f not in EXTRA_FIELDS},
            rows=[],
        )
        skipped: Counter[tuple[str, str]] = Counter()
        raw_rows = {row.number: row for row in table.rows}
        for row_number, cells in data:
            if not any(_cell_text(c) for c in cells) and row_number not in raw_rows:
                continue
            row = _row(row_number, headers, fields, cells, grid=bool(table.grid))
            if row_number in raw_rows:
                row.problems += [
                    (canonical(kind, tmap.kolommen.get(h, "")) or "", v, m, c)
                    for h, v, m, c in raw_rows[row_number].problems
                ]
            rewritten: list[tuple[str, str, str]] = []
            reason = _rewrite_values(kind, row, mapping, skipped, rewritten)
            for field_, value, target in rewritten:
                if _lookup(confirmed, VALUE_FIELDS[kind][field_], value) is None:
                    where = (table.source, columns.get(field_, field_), value, target)
                    rewrites.setdefault(where, []).append(row.number)
            if reason:
                result.ignored.append(_ignored(table.source, row, reason))
                continue
            out.rows.append(row)
        _date_order(out, mapping.standaard.datumvolgorde, result.notes)
        for (field_, value), count in sorted(skipped.items()):
            result.notes.append(
                f"{table.source}: {field_} '{value}' overgeslagen ({count}×; koppeling)."
            )
        if not out.rows:
            result.notes.append(f"{table.source}: de tabel {TABLE_LABEL[kind]} heeft geen rijen.")
        result.tables.append(out)
    for (source, header, value, target), rows in rewrites.items():
        result.warnings.append(
            Problem(
                source=source,
                row=rows[0],
                column=header,
                value=shown(value),
                message=f"ingelezen als '{target}' (voorstel van wijknet). "
                "Wijzig dit in de koppeling.",
                code="mapped_value",
                level="let op",
                count=len(rows),
                rows=rows,
            )
        )
    _ignore_links_to_ignored(result)
    if found_any:
        result.notes += [
            f"{p.source}: blad overgeslagen (geen naam of van/naar gevonden)." for p in nameless
        ]
    else:
        result.problems += nameless
    if result.ignored:
        result.notes.append(
            f"{aantal(len(result.ignored), 'rij', 'rijen')} overgeslagen volgens de koppeling "
            "(een type op 'overslaan', of een samenwerking met zo'n rij)."
        )
    return result


_SLASHED_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _date_order(table: Table, order: str, notes: list[str]) -> None:
    """Read a date column as month/day/year when the mapping says so (``mdj``), or, with
    ``auto``, when some of its dates are impossible as day-month-year and all are possible as
    month/day/year (an American list): the column's dates become ISO dates, with a note."""
    if order == "dmj":
        return
    for field_ in ("since", "until"):
        cells = [
            (row, m)
            for row in table.rows
            if isinstance(row.values.get(field_), str)
            and (m := _SLASHED_DATE.match(row.values[field_].strip()))
        ]
        if not cells:
            continue
        if order == "auto":
            dmy = all(_valid(int(m[3]), int(m[2]), int(m[1])) for _, m in cells)
            mdy = all(_valid(int(m[3]), int(m[1]), int(m[2])) for _, m in cells)
            if dmy or not mdy:
                continue
        for row, m in cells:
            if _valid(int(m[3]), int(m[1]), int(m[2])):
                row.values[field_] = f"{int(m[3]):04d}-{int(m[1]):02d}-{int(m[2]):02d}"
        notes.append(
            f"{table.source}: de datums in kolom '{table.header(field_)}' zijn gelezen als "
            "maand/dag/jaar."
        )


def _ignore_links_to_ignored(result: Mapped) -> None:
    """A link to a row the mapping leaves out is left out too (not refused)."""
    gone = {key(ref) for ignored in result.ignored for ref in ignored.refs}
    if not gone:
        return
    for table in result.tables:
        if table.kind != "links":
            continue
        kept = []
        for row in table.rows:
            ends = [_cell_text(row.values.get(f)) for f in ("source", "target")]
            if any(key(end) in gone for end in ends if end):
                result.ignored.append(
                    Ignored(
                        source=table.source,
                        row=row.number,
                        label=" — ".join(ends),
                        reason="een kant is een overgeslagen rij",
                    )
                )
            else:
                kept.append(row)
        table.rows = kept


def _missing_problem(
    table: RawTable,
    kind: TableKind,
    number: int | None,
    headers: list[str],
    missing: list[tuple[str, ...]],
) -> Problem:
    found = ", ".join(f"'{h}'" for h in headers if h) or "geen"
    what = " en ".join(f"'{field_name(kind, m[0])}'" for m in missing)
    return Problem(
        source=table.source,
        row=number or 0,
        value=shown(found),
        message=f"Geen kolom voor {what} gevonden (kolomkoppen: {found}). Kies in de koppeling "
        "welke kolom dat is (wijknet import --mapping, of --toon-koppeling om een koppeling "
        "te beginnen). " + expected_headers(),
        code="wrong_headers",
    )


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return split_multi(value) if isinstance(value, str) else [value]


def _row(
    number: int, headers: list[str], fields: list[str | None], cells: list[Any], *, grid: bool
) -> Row:
    """One row of canonical fields; a spreadsheet row has every mapped field (empty ones as
    None), a record only the fields it has."""
    row = Row(number=number, values={f: None for f in fields if f} if grid else {})
    extras: list[tuple[str, str, str]] = []
    # a row of a file may have fewer or more cells than the header row has columns
    for header, field_, cell in zip(headers, fields, cells, strict=False):
        if field_ is None or (cell is None and grid):
            continue
        where = "description" if field_ in EXTRA_FIELDS else field_
        if isinstance(cell, Formula):
            row.problems.append(
                (
                    where,
                    shown(cell),
                    "Deze cel bevat een formule; wijknet voert "
                    "geen formules uit. Vervang de formule door de waarde zelf "
                    "(kopiëren en 'plakken als waarde').",
                    FORMULA,
                )
            )
            continue
        if _has_surrogate(cell):
            row.problems.append((where, shown(cell), INVALID_CHARACTER, "invalid_character"))
            cell = _without_surrogates(cell)
        if isinstance(cell, str):
            if len(cell) > MAX_CELL_CHARS:
                row.problems.append(
                    (
                        where,
                        shown(cell),
                        f"Deze cel is te lang ({len(cell)} "
                        f"tekens); een cel mag hoogstens {MAX_CELL_CHARS} tekens "
                        "hebben. Kort de tekst in.",
                        "cell_too_long",
                    )
                )
                continue
            cell = cell.strip()
            if grid:
                cell = unneutralise(cell)
            if not cell and grid:
                continue
        elif isinstance(cell, list) and any(len(str(v)) > MAX_CELL_CHARS for v in cell):
            row.problems.append(
                (where, shown(cell), "Deze lijst bevat een te lange waarde.", "cell_too_long")
            )
            continue
        if field_ in EXTRA_FIELDS:
            text = ", ".join(str(c) for c in cell) if isinstance(cell, list) else _cell_text(cell)
            if text:
                extras.append((field_, header, text))
            continue
        if field_ in MULTI_FIELDS and row.values.get(field_) not in (None, "", []):
            row.values[field_] = _as_list(row.values[field_]) + _as_list(cell)
            continue
        row.values[field_] = cell
    if extras:
        _fold(row, extras)
    return row


def _fold(row: Row, extras: list[tuple[str, str, str]]) -> None:
    """Address, website and extra columns as lines after the description (or link note)."""
    target = "note" if "source" in row.values or "target" in row.values else "description"
    lines = []
    address = [t for f, _, t in extras if f == "adres"]
    if address:
        lines.append("Adres: " + ", ".join(address))
    sites = [t for f, _, t in extras if f == "website"]
    if sites:
        lines.append("Website: " + " · ".join(sites))
    lines += [f"{h}: {t}" for f, h, t in extras if f == "extra"]
    before = _cell_text(row.values.get(target))
    row.values[target] = "\n".join([before, *lines] if before else lines)


def _lookup(mapping: ImportMapping | None, field_: str, value: str) -> str | None:
    table = mapping.waarden.get(field_) if mapping is not None else None
    if not table:
        return None
    if value in table:
        return table[value]
    wanted = key(value)
    return next((t for v, t in table.items() if key(v) == wanted), None)


def _rewrite_values(
    kind: TableKind,
    row: Row,
    mapping: ImportMapping,
    skipped: Counter[tuple[str, str]],
    rewritten: list[tuple[str, str, str]],
) -> str:
    """Rewrite enum cells through ``mapping.waarden`` (each rewrite is added to
    ``rewritten`` as field, value, target); the reason when the whole row is left out (its
    type or link type maps to ``overslaan``), else ''."""
    for field_, value_field in VALUE_FIELDS[kind].items():
        cell = row.values.get(field_)
        if cell in (None, "", []) or not mapping.waarden.get(value_field):
            continue
        if field_ in MULTI_FIELDS:
            kept = []
            for part in _parts(cell, True):
                target = _lookup(mapping, value_field, part)
                if target == SKIP:
                    skipped[(value_field, part)] += 1
                elif target == STANDAARDWIJK:
                    continue
                else:
                    kept.append(target or part)
            row.values[field_] = kept
            continue
        text = _cell_text(cell)
        target = _lookup(mapping, value_field, text)
        if target is None:
            continue
        if target == SKIP:
            if field_ in {"type", "kind"}:
                return f"{value_field} '{text}'"
            row.values[field_] = None
            continue
        if key(target) == key(text):
            continue
        rewritten.append((field_, text, target))
        if kind == "links" and field_ == "type":
            if not _cell_text(row.values.get("kind")):
                row.values["kind"] = target
            note = _cell_text(row.values.get("note"))
            row.values["note"] = f"{note}\nType: {text}".strip() if note else f"Type: {text}"
            continue
        row.values[field_] = target
    return ""


def _ignored(source: str, row: Row, reason: str) -> Ignored:
    refs = [_cell_text(row.values.get(f)) for f in ("id", "ref", "name") if row.values.get(f)]
    label = refs[-1] if refs else ""
    return Ignored(source=source, row=row.number, label=label, reason=reason, refs=refs)


# -- the page's form -----------------------------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_FORM_VALUE = 200


def from_form(form: Mapping[str, str], proposal: ImportMapping) -> ImportMapping:
    """The mapping the import page's form describes, on top of ``proposal``.

    Keys: ``kolom::<bron>::<header>``, ``waarde::<field>::<value>``, ``standaard::<key>``,
    ``koprij::<bron>``, ``tabel::<bron>`` (and ``naam``). Every target is checked against
    the choices of its table or field; unknown keys, tables, headers and targets are ignored,
    so a form cannot add fields the page did not offer.
    """
    result = proposal.model_copy(deep=True)
    tables = {key(t.bron): t for t in result.tabellen}
    for name, raw_value in form.items():
        value = str(raw_value).strip()
        parts = str(name).split("::", 2)
        if (
            parts[0] == "tabel"
            and len(parts) == 2
            and key(parts[1]) in tables
            and value in (*TABLE_KINDS, SKIP)
        ):
            tables[key(parts[1])].soort = value  # type: ignore[assignment]
    for name, raw_value in form.items():
        value = str(raw_value).strip()
        parts = str(name).split("::", 2)
        if parts[0] == "naam" and len(parts) == 1:
            result.naam = value[:MAX_FORM_VALUE]
        elif parts[0] == "kolom" and len(parts) == 3:
            table = tables.get(key(parts[1]))
            if table is None or parts[2] not in table.kolommen or table.soort == SKIP:
                continue
            if value in column_choices(TABLE_KINDS[table.soort]):
                table.kolommen[parts[2]] = value
        elif parts[0] == "koprij" and len(parts) == 2:
            table = tables.get(key(parts[1]))
            if table is None:
                continue
            if not value:
                table.koprij = None
            elif value.isdigit() and 1 <= int(value) <= 1_000_000:
                table.koprij = int(value)
        elif parts[0] == "waarde" and len(parts) == 3 and parts[1] in VALUE_KEYS:
            field_, text = parts[1], parts[2]
            if not text or len(text) > MAX_FORM_VALUE:
                continue
            allowed = value_choices(field_)
            if value in allowed or (field_ == "wijken" and _SLUG.match(value)):
                result.waarden.setdefault(field_, {})[text] = value
        elif parts[0] == "standaard" and len(parts) == 2:
            if parts[1] not in Defaults.model_fields:
                continue
            update = {parts[1]: value or None}
            try:
                candidate = Defaults.model_validate(result.standaard.model_dump() | update)
            except ValidationError:
                continue
            result.standaard = candidate
    return result
