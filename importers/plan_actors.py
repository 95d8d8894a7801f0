"""The planner's rules for actor rows: type and kind, tags, wijken, identity, the record.

Lenient where the user cannot reasonably fix the source file (a missing kind or domain, an
unknown theme, a type wijknet does not know, a text over the limit, an invalid e-mail
address or phone number): the row is imported with a default, or that field left empty,
and a warning. Every named row is registered, refused or not, so a link to
a refused row says which row it is instead of "not in the file".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import ValidationError

from graph.model import (
    LABELS,
    NAME_MAX,
    NOTE_MAX,
    ActorIn,
    ActorKind,
    Contact,
    Domain,
    Kernaanpak,
    Role,
    Theme,
)
from graph.store.rules import IMMUTABLE, employer_errors
from importers import values as cell
from importers.columns import ROLE_DOMAIN, kind_of_role, match_enum, suggestion
from importers.plan_base import ACTOR_FIELDS, Draft, PlannerBase
from importers.state import Known, norm, stable_actor_id, stable_ref_id
from importers.tables import Row, Table

CONTACT_WARNINGS = {
    "email": "geen geldig e-mailadres; leeg gelaten. Vul het later aan, bijvoorbeeld "
    "naam@organisatie.nl.",
    "phone": "geen geldig telefoonnummer; leeg gelaten. Vul het later aan: 6 tot 30 tekens, "
    "alleen cijfers, spaties en + ( ) -.",
}
"""The warning for an invalid e-mail address or phone number in an import (the web form
and the API still refuse one)."""


class ActorRules(PlannerBase):
    file_names: Counter[str]
    """Normalised name -> how many actor rows of the file carry it."""

    def actor(self, table: Table, row: Row) -> Draft:
        """First pass over an actor row: parse the cells and settle its identity."""
        draft = self.draft(table, row, "actor")
        values, given = row.values, draft.given
        name = draft.cut("name", cell.text(values.get("name")), NAME_MAX)
        if any(not field_name for field_name, *_ in row.problems):
            draft.unreadable = True
            self.register_refused(draft, name, None)
            return draft  # the record as a whole is unreadable
        kind, role = self.actor_type(draft)
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
        self.lenient_many(draft, "themes", Theme, "thema")
        self.lenient_many(draft, "kernaanpakken", Kernaanpak, "kernaanpak")
        if "description" in values:
            given["description"] = draft.cut(
                "description", cell.text(values["description"]), NOTE_MAX
            )
        self.lenient_contact(draft)
        draft.parse("since", cell.a_date)
        draft.parse("until", lambda v: cell.a_date(v, end=True))
        if "organisation" in values:
            draft.organisation = cell.text(values["organisation"])
        self.actor_tags(draft, kind, role)
        kind = given.get("kind", kind)
        draft.wijken = self.actor_wijken(draft)
        kind = self.default_kind(draft, kind)
        self.actor_identity(draft, kind, name)
        if draft.id is None:
            self.register_refused(draft, name, kind)
        return draft

    def lenient_contact(self, draft: Draft) -> None:
        """E-mail and phone, each checked as ``Contact`` checks it: an invalid value (``?``,
        ``geen``) is left empty, as an empty cell would be, with a warning."""
        for field_name in ("email", "phone"):
            if field_name not in draft.row.values:
                continue
            value = cell.text(draft.row.values[field_name]) or None
            if value is not None:
                try:
                    Contact.model_validate({field_name: value})
                except ValidationError:
                    draft.warn(field_name, value, CONTACT_WARNINGS[field_name], "dropped_contact")
                    value = None
            draft.given[field_name] = value

    def actor_type(self, draft: Draft) -> tuple[ActorKind | None, Role | None]:
        values, given = draft.row.values, draft.given
        kind: ActorKind | None = None
        role: Role | None = None
        raw_type = cell.text(values.get("type"))
        if raw_type:
            kind = match_enum(ActorKind, raw_type)
            role = None if kind else match_enum(Role, raw_type)
            if kind is None and role is None and not cell.text(values.get("kind")):
                draft.unknown_type = raw_type
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

    def default_kind(self, draft: Draft, kind: ActorKind | None) -> ActorKind | None:
        """No kind, or a type wijknet does not know: the stored kind of the actor the row
        names, else the file's default kind (``--soort``) or organisatie, with a warning."""
        if kind is not None:
            return kind
        stored = self.state.actors.get(self.named_id(draft) or "")
        if stored is not None:
            return stored.kind
        kind = self.defaults.soort or ActorKind.ORGANISATIE
        draft.given["kind"] = kind
        if draft.unknown_type:
            role = draft.given.setdefault("role", self.defaults.rol)
            draft.warn(
                "type",
                draft.unknown_type,
                f"geen soort van wijknet; ingelezen als {kind.value} (rol {role.value}). "
                "Wijzig dit in de koppeling.",
                "default_kind",
            )
        else:
            draft.warn(
                "kind",
                "",
                f"geen soort ingevuld; ingelezen als {kind.value}. Vul de soort in, of kies "
                "een standaardsoort voor het hele bestand (--soort).",
                "default_kind",
            )
        return kind

    def named_id(self, draft: Draft) -> str | None:
        """The id the row names itself by: an explicit id, or its reference in its wijk."""
        explicit = cell.text(draft.row.values.get("id"))
        if explicit:
            return explicit
        ref = cell.text(draft.row.values.get("ref"))
        if ref and draft.wijken:
            return stable_ref_id(min(draft.wijken), ref)
        return None

    def lenient_many(self, draft: Draft, field_name: str, enum: Any, what: str) -> None:
        """Themes or kernaanpakken: the known values; an unknown one is skipped with a warning."""
        if field_name not in draft.row.values:
            return
        members, rest = cell.split_known(enum, draft.row.values[field_name])
        draft.given[field_name] = members
        for part in rest:
            draft.warn(
                field_name,
                part,
                f"geen {what} van wijknet; overgeslagen.{suggestion(enum, part)}",
                "skipped_value",
            )

    def actor_tags(self, draft: Draft, kind: ActorKind | None, role: Role | None) -> None:
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
                draft.warn(
                    "tags",
                    tag,
                    "geen thema, kernaanpak, domein, soort of rol van wijknet; overgeslagen.",
                    "skipped_value",
                )
        given["themes"], given["kernaanpakken"] = sorted(themes), sorted(approaches)
        if given.get("kind") is None:
            given.pop("kind", None)

    def actor_wijken(self, draft: Draft) -> set[str]:
        slugs, unknown = set(), []
        raw = draft.row.values.get("wijken")
        for part in cell.multi(raw):
            slug = self.state.wijk_slug(part)
            if slug is None:
                unknown.append(part)
            else:
                slugs.add(slug)
        for part in unknown:
            draft.unknown_wijk = True
            draft.problem(
                "wijken",
                part,
                f"Onbekende wijk '{part}'." + self.state.wijk_hint(part),
                "unknown_wijk",
            )
        if not slugs and not unknown and self.default_wijk:
            slugs.add(self.default_wijk)
        return slugs

    def actor_identity(self, draft: Draft, kind: ActorKind | None, name: str) -> None:
        state = self.state
        explicit = cell.text(draft.row.values.get("id"))
        ref = cell.text(draft.row.values.get("ref"))
        stored = state.actors.get(explicit) if explicit else None
        if explicit:
            draft.id = explicit
            if stored is not None and kind is not None and kind is not stored.kind:
                draft.problem("kind", kind.value, IMMUTABLE.text(), IMMUTABLE.code)
        elif draft.unknown_wijk:
            pass  # the unknown wijk is the row's one problem about its wijk
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
        elif ref:
            draft.id = self.ref_identity(draft, kind, name, ref)
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
        if ref:
            state.refs[ref] = draft.id

    def ref_identity(self, draft: Draft, kind: ActorKind, name: str, ref: str) -> str:
        """A row with a foreign id (Kumu ``_id``, a node id): the actor with the id that
        reference gives, else (an import made before references counted) the one stored
        actor with this name and kind when no other row of the file has the name, else new."""
        ref_id = stable_ref_id(min(draft.wijken), ref)
        if ref_id in self.state.actors:
            return ref_id
        if name and self.file_names.get(norm(name), 0) <= 1:
            ids = self.state.stored_match(name, kind, draft.wijken)
            if len(ids) == 1:
                draft.given.pop("name", None)
                return ids[0]
        return ref_id

    def register_refused(self, draft: Draft, name: str, kind: ActorKind | None) -> None:
        """A row without an id (refused): known by its name and reference all the same, so a
        link to it says which row it is, not that the actor is nowhere."""
        ref = cell.text(draft.row.values.get("ref"))
        if not (name or ref):
            return
        row_id = f"rij:{draft.where}"
        if name and norm(name) not in self.state.by_name:
            self.state.remember(
                Known(row_id, name, kind, set(draft.wijken), row=draft.where, broken=True)
            )
        elif ref:
            self.state.known[row_id] = Known(
                row_id, name or ref, kind, set(draft.wijken), row=draft.where, broken=True
            )
        if ref and row_id in self.state.known:
            self.state.refs.setdefault(ref, row_id)

    def fresh_id(self, wijk: str, kind: ActorKind, name: str) -> str:
        base = stable_actor_id(wijk, kind, name)
        candidate, n = base, 1
        while candidate in self.state.actors:  # a stored actor renamed since: keep clear
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def finish_actors(self, drafts: list[Draft]) -> None:
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
                    f"Deze organisatie staat op {self.state.known[org].row}; die rij wordt "
                    "niet geïmporteerd (zie daar).",
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

    def actor_record(self, draft: Draft) -> ActorIn | None:
        """The merged record; a row without an id is still validated (one pass: all its
        problems at once) but gives no record."""
        if draft.unreadable:
            return None
        stored = self.state.actors.get(draft.id or "")
        merged: dict[str, Any] = stored.model_dump(include=set(ACTOR_FIELDS)) if stored else {}
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
        if draft.organisation is not None and draft.id is not None:
            merged["organisation"] = self.organisation(draft) if draft.organisation else None
        if not merged.get("domain"):
            role = merged.get("role")
            merged["domain"] = ROLE_DOMAIN.get(role) if isinstance(role, Role) else None
            if merged["domain"] is None:
                merged["domain"] = domain = self.defaults.domein
                if not draft.has_problem("domain"):
                    draft.warn(
                        "domain",
                        "",
                        f"geen domein ingevuld; ingelezen als '{LABELS.get(domain, domain.value)}'"
                        ". Vul het domein later aan, of kies een standaarddomein (--domein).",
                        "default_domain",
                    )
        if "kind" not in merged or merged["kind"] is None:
            if not draft.has_problem("kind"):
                draft.problem(
                    "kind",
                    "",
                    "De soort ontbreekt. Vul organisatie, professional of "
                    "initiatief in (of een rol zoals huisarts).",
                    "missing",
                )
            merged["kind"] = ActorKind.ORGANISATIE
        if draft.id is None:
            merged.pop("id")
            merged["wijken"] = merged["wijken"] or ["xx"]
            self.validate(draft, ActorIn, merged)
            return None
        return self.validate(draft, ActorIn, merged)

    def organisation(self, draft: Draft) -> str | None:
        raw = draft.organisation or ""
        org_id, message = self.state.resolve(raw, min(draft.wijken) if draft.wijken else None)
        if org_id is None:
            draft.problem("organisation", raw, message, "unknown_actor")
            return None
        known = self.state.known[org_id]
        if known.broken:
            draft.problem(
                "organisation",
                raw,
                f"Deze organisatie staat op {known.row}; die rij wordt niet geïmporteerd "
                "(zie daar).",
                "broken_reference",
            )
            return None
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
