"""From posted forms to domain input and back: field errors, similar names, conflicts.

Forms post plain strings; these helpers turn them into the dicts ``graph.model`` validates,
place every refusal beside its field (in Dutch), keep everything the user typed, and find
the names that look like the one being saved.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from graph.errors import FieldError, InvalidData, field_errors_from_pydantic
from graph.model import Actor, ActorKind, Role, normalise

SIMILAR_RATIO = 0.88
"""Names whose normalised forms match at least this well (difflib ratio) count as similar."""

_ROLES = list(Role)
ROLES_BY_KIND: dict[ActorKind, list[Role]] = {
    ActorKind.ORGANISATIE: _ROLES[: _ROLES.index(Role.HUISARTS)] + [Role.OVERIG],
    ActorKind.PROFESSIONAL: _ROLES[_ROLES.index(Role.HUISARTS) : _ROLES.index(Role.WIJKONTBIJT)]
    + [Role.OVERIG],
    ActorKind.INITIATIEF: _ROLES[_ROLES.index(Role.WIJKONTBIJT) :],
}

# Checks on the whole record have no field of their own in pydantic; place them by message
# (the key of the input they are about; ``_FIELD_ALIASES`` then gives the form field).
_MODEL_ERROR_KEYS = (
    ("einddatum", "until"),
    ("bij een organisatie", "organisation"),
    ("bij zichzelf", "organisation"),
    ("met zichzelf", "target"),
)
_FIELD_ALIASES = {
    "contact.name": "contact_name",
    "contact.email": "email",
    "contact.phone": "phone",
    "contact": "email",
    "source": "source_name",
    "target": "target_name",
}

_EMPTY = frozenset({"missing", "string_too_short", "too_short"})
_CHOICE = frozenset({"enum", "literal_error"})

_PLAIN = {
    ("name", "empty"): "De naam is leeg. Vul een naam in.",
    ("domain", "empty"): "Kies een domein.",
    ("domain", "choice"): "Kies een domein.",
    ("role", "choice"): "Kies een soort uit de lijst.",
    ("wijken", "empty"): "Kies minstens één wijk.",
    ("wijken", "string_pattern_mismatch"): "Kies de wijken uit de lijst.",
    ("themes", "choice"): "Kies de thema's uit de lijst.",
    ("kernaanpakken", "choice"): "Kies de kernaanpakken uit de lijst.",
    ("kind", "choice"): "Kies een soort verbinding uit de lijst.",
    ("intensity", "choice"): "Kies een intensiteit uit de lijst.",
    ("until", "period"): "De einddatum ligt vóór de startdatum.",
    ("email", "string_pattern_mismatch"): (
        "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."
    ),
    ("phone", "string_pattern_mismatch"): (
        "Vul een telefoonnummer in: cijfers, spaties, +, - en haakjes (6 tot 30 tekens)."
    ),
    ("*", "choice"): "Kies een waarde uit de lijst.",
    ("*", "date"): "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2025-03-01.",
}
"""Plainer words (B1) for refusals whose generic message says too little beside this field,
by (form field, kind of refusal); ``*`` is any field."""


def _plain(name: str, err: FieldError) -> str:
    """The message shown beside form field ``name`` for ``err``."""
    if err.code in _EMPTY:
        kind = "empty"
    elif err.code in _CHOICE:
        kind = "choice"
    elif err.code.startswith("date_"):
        kind = "date"
    elif name == "until" and "einddatum" in err.message.lower():
        kind = "period"
    else:
        kind = err.code
    return _PLAIN.get((name, kind)) or _PLAIN.get(("*", kind)) or err.message


@dataclass(frozen=True)
class Problem:
    """One line of a refused form's summary: the field it belongs to, with the field's
    label, or neither for a problem of the whole form (a conflict, the database)."""

    field: str | None
    label: str | None
    message: str

    @property
    def anchor(self) -> str | None:
        """The id of the field's input, for the summary's link."""
        return f"f-{self.field}" if self.field else None


@dataclass
class FormState:
    """What a form page shows: the typed values, errors by field, warnings."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    similar: list[Actor] = field(default_factory=list)
    save_anyway: bool = False
    """The user chose to save although the name resembles others ("toch opslaan")."""
    conflict: list[tuple[str, str, str]] = field(default_factory=list)
    unavailable: bool = False
    """The database could not be reached while saving (nothing was saved)."""

    @property
    def ok(self) -> bool:
        return not (self.errors or self.general)

    @property
    def status(self) -> int:
        """The status of the form page: 503 when the database was unreachable, 422 when
        something was refused, else 200."""
        if self.unavailable:
            return 503
        return 200 if self.ok else 422

    def add(self, errors: Iterable[FieldError]) -> None:
        """Place each refusal beside its field (the first per field counts) or, when it
        belongs to no field, with the form; the same message is kept once."""
        for err in errors:
            name = form_field(err)
            if name is None:
                self.fail(err.message)
            else:
                self.errors.setdefault(name, _plain(name, err))

    def fail(self, message: str) -> None:
        """A problem of the whole form (no field of its own), kept once."""
        if message not in self.general:
            self.general.append(message)

    def problems(self, labels: Mapping[str, str] | None = None) -> list[Problem]:
        """Every problem once, for the summary at the top: those of the whole form first,
        then those of the fields in the order of ``labels`` (the fields the page shows,
        with their labels). A field error for a field the page does not show has no link.
        Without ``labels`` every field error is listed with a link and no label."""
        out: list[Problem] = []
        seen: set[tuple[str | None, str]] = set()

        def put(problem: Problem) -> None:
            if (problem.label, problem.message) not in seen:
                seen.add((problem.label, problem.message))
                out.append(problem)

        for message in self.general:
            put(Problem(None, None, message))
        if labels is None:
            for name, message in self.errors.items():
                put(Problem(name, None, message))
            return out
        for name, title in labels.items():
            if name in self.errors:
                put(Problem(name, title, self.errors[name]))
        for name, message in self.errors.items():
            if name not in labels:
                put(Problem(None, None, message))
        return out


def form_field(err: FieldError) -> str | None:
    """The form field a refusal belongs beside, or None for a message about the whole form."""
    if err.field in ("", "data"):
        key = _input_key(err)
        return None if key is None else _FIELD_ALIASES.get(key, key)
    if err.field.startswith("links."):  # a link saved with the actor: its contact person
        return "contact_professional"
    return _FIELD_ALIASES.get(err.field, err.field).split(".")[0]


def _input_key(err: FieldError) -> str | None:
    """The key of the validated input a refusal is about, or None when it is about the
    record as a whole and no rule says which."""
    if err.field in ("", "data"):
        text = err.message.lower()
        return next((key for words, key in _MODEL_ERROR_KEYS if words in text), None)
    return err.field.split(".")[0]


ACTOR_STAND_INS: dict[str, Any] = {"name": "Naam", "domain": "zorg", "wijken": ["wijk"]}
LINK_STAND_INS: dict[str, Any] = {"source": "onbekend-1", "target": "onbekend-2"}
"""Valid values for the required inputs of ``ActorIn`` and ``LinkIn`` (see ``validate``)."""


def validate(
    model: type[BaseModel],
    data: Mapping[str, Any],
    state: FormState,
    stand_ins: Mapping[str, Any] | None = None,
) -> Any:
    """``model`` validated from ``data``; refusals go into ``state`` and None is returned.

    Pydantic checks the record as a whole (an end before the start, a self-link) only when
    every field is valid. So that a form shows all its problems at once, each refused input
    is then replaced (by its stand-in, else left out for the model's default) and the rest is
    validated again, until no new problem turns up.
    """
    data = dict(data)
    stand_ins = stand_ins or {}
    replaced: set[str] = set()
    while True:
        try:
            checked = model.model_validate(data)
        except ValidationError as exc:
            found = [
                err for err in field_errors_from_pydantic(exc) if _input_key(err) not in replaced
            ]
            state.add(found)
            keys = {key for err in found if (key := _input_key(err)) is not None}
            if not keys:
                return None
            for key in keys:
                if key in stand_ins:
                    data[key] = stand_ins[key]
                else:
                    data.pop(key, None)
            replaced |= keys
        else:
            return None if replaced else checked


def store_refusal(exc: InvalidData, state: FormState) -> None:
    state.add(exc.errors)


STORE_UNAVAILABLE = (
    "De database is niet bereikbaar. Wat u hebt ingevuld staat hieronder nog; probeer het "
    "over een ogenblik opnieuw."
)


def store_unavailable(state: FormState) -> None:
    """The database could not be reached: the form is shown again with all that was typed."""
    state.unavailable = True
    state.fail(STORE_UNAVAILABLE)


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def many(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def actor_values(form: FormData) -> dict[str, Any]:
    """The actor fields exactly as typed (shown again when something is wrong)."""
    return {
        "name": text(form, "name"),
        "domain": text(form, "domain"),
        "role": text(form, "role"),
        "themes": many(form, "themes"),
        "kernaanpakken": many(form, "kernaanpakken"),
        "wijken": many(form, "wijken"),
        "organisation": text(form, "organisation"),
        "description": text(form, "description"),
        "contact_professional": text(form, "contact_professional"),
        "contact_name": text(form, "contact_name"),
        "email": text(form, "email").strip(),
        "phone": text(form, "phone").strip(),
        "since": text(form, "since"),
        "until": text(form, "until"),
    }


def empty_actor_values() -> dict[str, Any]:
    return {
        "name": "",
        "domain": "",
        "role": "",
        "themes": [],
        "kernaanpakken": [],
        "wijken": [],
        "organisation": "",
        "description": "",
        "contact_professional": "",
        "contact_name": "",
        "email": "",
        "phone": "",
        "since": "",
        "until": "",
    }


def actor_input(values: Mapping[str, Any], kind: ActorKind, actor_id: str | None) -> dict[str, Any]:
    """The dict ``ActorIn`` validates, from the typed values."""
    data: dict[str, Any] = {
        "kind": kind.value,
        "name": values["name"],
        "domain": values["domain"] or None,
        "role": values["role"] or "overig",
        "themes": values["themes"],
        "kernaanpakken": values["kernaanpakken"],
        "wijken": values["wijken"],
        "organisation": values["organisation"] or None,
        "description": values["description"],
        "since": values["since"] or None,
        "until": values["until"] or None,
    }
    if actor_id:
        data["id"] = actor_id
    contact = {
        "name": values.get("contact_name") or None,
        "email": values["email"] or None,
        "phone": values["phone"] or None,
    }
    data["contact"] = contact if any(contact.values()) else None
    return data


def values_of(
    actor: Actor, *, with_contact: bool, contact_professional: str = ""
) -> dict[str, Any]:
    """The form values of a stored actor (``contact_professional``: the professional its
    current contact link points to)."""
    contact = actor.contact if with_contact else None
    return {
        "name": actor.name,
        "domain": actor.domain.value,
        "role": actor.role.value,
        "themes": [t.value for t in actor.themes],
        "kernaanpakken": [k.value for k in actor.kernaanpakken],
        "wijken": list(actor.wijken),
        "organisation": actor.organisation or "",
        "description": actor.description,
        "contact_professional": contact_professional,
        "contact_name": (contact.name or "") if contact else "",
        "email": (contact.email or "") if contact else "",
        "phone": (contact.phone or "") if contact else "",
        "since": actor.since.isoformat() if actor.since else "",
        "until": actor.until.isoformat() if actor.until else "",
    }


def similar_actors(
    name: str, others: Iterable[Actor], *, exclude: str | None = None
) -> list[Actor]:
    """Actors whose normalised name equals or closely resembles ``name``, best first."""
    wanted = normalise(name)
    if not wanted:
        return []
    scored = []
    for actor in others:
        if actor.id == exclude:
            continue
        ratio = difflib.SequenceMatcher(None, wanted, normalise(actor.name)).ratio()
        if ratio >= SIMILAR_RATIO:
            scored.append((-ratio, actor.name, actor))
    return [a for _, _, a in sorted(scored, key=lambda t: (t[0], t[1]))][:5]


def differences(
    mine: Mapping[str, Any], theirs: Mapping[str, Any], labels: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """Rows (field label, my value, stored value) where the two versions differ."""
    rows = []
    for key, title in labels.items():
        a, b = mine.get(key, ""), theirs.get(key, "")
        if _shown(a) != _shown(b):
            rows.append((title, _shown(a), _shown(b)))
    return rows


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"
