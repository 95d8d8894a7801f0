"""The planner's rules for link rows: ends, type, identity, and merging repeated pairs.

The same pair more than once (a samenwerking either way round, a verwijzing or werkt bij
per direction) is merged into the first row: the strongest intensity, the earliest start,
the latest end (an open end wins), the notes joined with the types kept; the later row gets
the action ``merge`` and a warning. A werkt bij from an organisation to a professional is
turned round, and one between two organisations is read as a samenwerking, each with a
warning. A link to an actor whose row is refused says which row that is, once per link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.model import NOTE_MAX, ActorKind, Intensity, LinkIn, LinkKind
from graph.store.common import link_key, stable_link_id
from graph.store.rules import IMMUTABLE, werkt_bij_errors
from importers import values as cell
from importers.columns import match_enum
from importers.plan_base import LINK_FIELDS, Draft, PlannerBase
from importers.tables import Row, Table


@dataclass
class LinkSlot:
    """The first row of a link id: what later rows of the same pair merge into."""

    index: int
    row: int
    data: dict[str, Any]
    stored: Any
    touched: set[str]
    failed: bool


class LinkRules(PlannerBase):
    link_slots: dict[str, LinkSlot]
    claimed_links: dict[str, str]
    unknown_types: dict[str, int]

    def link(self, table: Table, row: Row) -> None:
        draft = self.draft(table, row, "link")
        if any(not name for name, *_ in row.problems):
            self.settle(draft.index, draft.problems, None, None, LINK_FIELDS, set())
            return
        values, given = row.values, draft.given
        wijk = self.link_wijk(draft)
        ends: dict[str, str] = {}
        broken: list[tuple[str, str]] = []
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
                broken.append((end, raw))
                ends[end] = actor_id
            else:
                ends[end] = actor_id
        if broken:
            self.broken_ends(draft, broken, ends)
        self.link_type(draft)
        if cell.text(values.get("kind")):
            draft.parse("kind", lambda v: cell.one_of(LinkKind, v, "soort samenwerking"))
        draft.parse(
            "intensity",
            lambda v: cell.one_of(Intensity, v, "intensiteit") if cell.text(v) else None,
        )
        if given.get("intensity") is None and "intensity" in values:
            given["intensity"] = self.defaults.intensiteit or Intensity.INFORMATIE_DELEN
        if "note" in values:
            given["note"] = draft.cut("note", cell.text(values["note"]), NOTE_MAX)
        draft.parse("since", cell.a_date)
        draft.parse("until", lambda v: cell.a_date(v, end=True))
        record, stored = None, None
        planned = self.rows[draft.index]
        if len(ends) == 2 and not broken:
            kind = self.check_werkt_bij(
                draft, given.get("kind") or self.defaults.samenwerking, ends
            )
            stored, slot = self.link_identity(draft, kind, ends)
            if slot is not None:
                self.merge_into(draft, slot)
                return
            if draft.id is not None:
                merged = stored.model_dump(include=set(LINK_FIELDS)) if stored else {}
                merged |= given | ends | {"id": draft.id, "kind": kind}
                if "intensity" not in merged:
                    merged["intensity"] = self.defaults.intensiteit or Intensity.INFORMATIE_DELEN
                record = self.validate(draft, LinkIn, merged)
                if not cell.text(values.get("id")):
                    self.link_slots[draft.id] = LinkSlot(
                        draft.index,
                        row.number,
                        merged,
                        stored,
                        set(),
                        bool(draft.problems) or record is None,
                    )
        planned.id = draft.id
        planned.label = " — ".join(self.state.known[i].name for i in ends.values())
        touched = self.link_wijken(list(ends.values()))
        planned.wijken = sorted(touched)
        if draft.id in self.link_slots:
            self.link_slots[draft.id].touched = touched
        self.settle(draft.index, draft.problems, record, stored, LINK_FIELDS, touched)

    def broken_ends(
        self, draft: Draft, broken: list[tuple[str, str]], ends: dict[str, str]
    ) -> None:
        """One problem per link for its ends whose rows are refused (never 'nowhere')."""
        known = self.state.known
        rows = list(dict.fromkeys(known[ends[end]].row or "" for end, _ in broken))
        value = " — ".join(raw for _, raw in broken)
        if len(broken) == 1:
            message = f"Deze actor staat op {rows[0]}; die rij wordt niet geïmporteerd (zie daar)."
        else:
            message = (
                f"Deze actoren staan op {' en '.join(rows)}; "
                f"{'die rij wordt' if len(rows) == 1 else 'die rijen worden'} niet geïmporteerd "
                "(zie daar)."
            )
        draft.problem(broken[0][0], value, message, "broken_reference")

    def link_wijk(self, draft: Draft) -> str | None:
        raw = cell.text(draft.row.values.get("wijk"))
        if not raw:
            return self.default_wijk
        slug = self.state.wijk_slug(raw)
        if slug is None:
            draft.problem(
                "wijk", raw, f"Onbekende wijk '{raw}'." + self.state.wijk_hint(raw), "unknown_wijk"
            )
        return slug

    def link_type(self, draft: Draft) -> None:
        """Kumu's connection type: a link kind when it names one, otherwise kept in the note."""
        raw = cell.text(draft.row.values.get("type"))
        if not raw or cell.text(draft.row.values.get("kind")):
            return
        kind = match_enum(LinkKind, raw)
        if kind is not None:
            draft.given["kind"] = kind
            return
        self.unknown_types[raw] = self.unknown_types.get(raw, 0) + 1
        note = cell.text(draft.row.values.get("note"))
        draft.row.values["note"] = f"{note}\nType: {raw}".strip() if note else f"Type: {raw}"

    def check_werkt_bij(self, draft: Draft, kind: LinkKind, ends: dict[str, str]) -> LinkKind:
        """The kind the link is read as. A werkt bij from an organisation to a professional
        is turned round, one between two organisations becomes a samenwerking (the type kept
        in the note), each with a warning; other wrong ends stay refusals (the store's rule)."""
        if kind is not LinkKind.WERKT_BIJ:
            return kind
        known = self.state.known
        source, target = known[ends["source"]].kind, known[ends["target"]].kind
        if source is ActorKind.ORGANISATIE and target is ActorKind.PROFESSIONAL:
            ends["source"], ends["target"] = ends["target"], ends["source"]
            draft.warn(
                "source",
                "",
                "een werkt bij van een organisatie naar een professional; omgedraaid (de "
                "professional werkt bij de organisatie).",
                "turned_link",
            )
            return kind
        if source is ActorKind.ORGANISATIE and target is ActorKind.ORGANISATIE:
            note = merge_notes(draft.given.get("note"), "Type: werkt bij")
            draft.given["note"] = draft.cut("note", note, NOTE_MAX)
            draft.given["kind"] = LinkKind.SAMENWERKING
            draft.warn(
                _kind_field(draft),
                "",
                "een werkt bij tussen twee organisaties; ingelezen als samenwerking "
                "('Type: werkt bij' staat in de notitie).",
                "werkt_bij_samenwerking",
            )
            return LinkKind.SAMENWERKING
        named = {"source": known[ends["source"]], "target": known[ends["target"]]}
        for error in werkt_bij_errors(source, target):
            draft.problem(error.field, named[error.field].name, error.message, error.code)
        return kind

    def link_identity(
        self, draft: Draft, kind: LinkKind, ends: dict[str, str]
    ) -> tuple[Any, LinkSlot | None]:
        """Settle the link's id; a stored samenwerking keeps the direction it was stored in.
        A pair met before in the file gives the slot of its first row (to merge into)."""
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
                return None, None
        else:
            draft.id = state.link_ids.get(link_key(kind, source, target)) or stable_link_id(
                kind, source, target
            )
            stored = state.links.get(draft.id)
            if draft.id in self.link_slots:
                return stored, self.link_slots[draft.id]
        if draft.id in self.claimed_links:
            draft.problem(
                "source",
                "",
                f"Deze samenwerking staat ook op {self.claimed_links[draft.id]}; houd één van "
                "beide rijen over.",
                "duplicate_row",
            )
            return stored, None
        self.claimed_links[draft.id] = draft.where
        if stored is not None and kind is LinkKind.SAMENWERKING:
            ends["source"], ends["target"] = stored.source, stored.target
        return stored, None

    def merge_into(self, draft: Draft, slot: LinkSlot) -> None:
        """A repeated pair: fold this row into the first row of the pair, with a warning."""
        planned = self.rows[draft.index]
        planned.id = draft.id
        planned.label = self.rows[slot.index].label  # the pair as its first row names it
        planned.wijken = sorted(slot.touched)
        if draft.problems:  # its own cells are wrong: refused, not merged
            self.settle(draft.index, draft.problems, None, None, LINK_FIELDS, set())
            return
        planned.action = "merge"
        draft.warn(
            "source",
            planned.label,
            f"dezelfde twee actoren staan vaker in het bestand (ook andersom); samengevoegd "
            f"met rij {slot.row}: de sterkste intensiteit, de vroegste begindatum en de "
            "types in de notitie.",
            "merged_link",
        )
        if slot.failed:
            return
        data, given = dict(slot.data), draft.given
        if given.get("intensity") is not None:
            data["intensity"] = max(data.get("intensity") or 1, given["intensity"])
        if given.get("since") is not None:
            data["since"] = min(d for d in (data.get("since"), given["since"]) if d is not None)
        if "until" in given:
            ends_at = [data.get("until"), given["until"]]
            data["until"] = None if None in ends_at else max(d for d in ends_at if d is not None)
        note = merge_notes(data.get("note"), given.get("note"))
        data["note"] = draft.cut("note", note, NOTE_MAX) if note else note
        record = self.validate(draft, LinkIn, data)
        if record is None:  # cannot happen for two valid rows; keep the first as it was
            self.settle(draft.index, draft.problems, None, None, LINK_FIELDS, set())
            return
        slot.data = data
        self.settle(slot.index, [], record, slot.stored, LINK_FIELDS, slot.touched)

    def link_wijken(self, ends: list[str]) -> set[str]:
        """The wijken a link touches: where both ends are active, else where either is."""
        sets = [self.state.known[i].wijken for i in ends]
        if len(sets) < 2:
            return set().union(*sets) if sets else set()
        return (sets[0] & sets[1]) or (sets[0] | sets[1])

    def types_note(self) -> None:
        if self.unknown_types:
            top = sorted(self.unknown_types.items(), key=lambda kv: -kv[1])[:10]
            listed = ", ".join(f"'{t}'" for t, _ in top)
            self.plan.notes.append(
                f"Verbindingstypes die wijknet niet kent zijn als samenwerking "
                f"ingelezen (het type staat in de notitie): {listed}."
            )


def merge_notes(first: str | None, second: str | None) -> str:
    """Two notes as one: lines once each, every ``Type: X`` gathered as ``Types: A, B``."""
    lines: list[str] = []
    types: list[str] = []
    for note in (first, second):
        for line in (note or "").splitlines():
            line = line.strip()
            if line.startswith(("Type: ", "Types: ")):
                for name in line.split(": ", 1)[1].split(", "):
                    if name and name not in types:
                        types.append(name)
            elif line and line not in lines:
                lines.append(line)
    if types:
        lines.append(("Type: " if len(types) == 1 else "Types: ") + ", ".join(types))
    return "\n".join(lines)


def _kind_field(draft: Draft) -> str:
    """The field a link's kind was read from (its column names the warning)."""
    for name in ("kind", "type"):
        if cell.text(draft.row.values.get(name)):
            return name
    return "kind"


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
