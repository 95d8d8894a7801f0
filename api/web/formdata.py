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

# Checks on the whole record have no field of their own in pydantic; place them by message.
_MODEL_ERROR_FIELDS = (
    ("einddatum", "until"),
    ("bij een organisatie", "organisation"),
    ("bij zichzelf", "organisation"),
    ("met zichzelf", "target_name"),
)
_FIELD_ALIASES = {
    "contact.email": "email",
    "contact.phone": "phone",
    "contact": "email",
    "source": "source_name",
    "target": "target_name",
}


_CLEARER = {
    (
        "email",
        "string_pattern_mismatch",
    ): "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.",
    (
        "phone",
        "string_pattern_mismatch",
    ): "Vul een telefoonnummer in: cijfers, spaties, +, - en haakjes (6 tot 30 tekens).",
}
"""Plainer words for refusals whose generic message says too little beside this field."""


@dataclass
class FormState:
    """What a form page shows: the typed values, errors by field, warnings."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    similar: list[Actor] = field(default_factory=list)
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
        for err in errors:
            name = form_field(err)
            if name is None:
                self.general.append(err.message)
            else:
                self.errors.setdefault(name, _CLEARER.get((name, err.code), err.message))


def form_field(err: FieldError) -> str | None:
    """The form field a refusal belongs beside, or None for a message about the whole form."""
    name = _FIELD_ALIASES.get(err.field, err.field)
    if name in ("", "data"):
        text = err.message.lower()
        return next((f for key, f in _MODEL_ERROR_FIELDS if key in text), None)
    return name.split(".")[0]


def validate(model: type[BaseModel], data: Mapping[str, Any], state: FormState) -> Any:
    """``model`` validated from ``data``; refusals go into ``state`` and None is returned."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        state.add(field_errors_from_pydantic(exc))
    return None


def store_refusal(exc: InvalidData, state: FormState) -> None:
    state.add(exc.errors)


STORE_UNAVAILABLE = (
    "De database is niet bereikbaar. Wat u hebt ingevuld staat hieronder nog; probeer het "
    "over een ogenblik opnieuw."
)


def store_unavailable(state: FormState) -> None:
    """The database could not be reached: the form is shown again with all that was typed."""
    state.unavailable = True
    state.general.append(STORE_UNAVAILABLE)


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
    if values["email"] or values["phone"]:
        data["contact"] = {"email": values["email"] or None, "phone": values["phone"] or None}
    else:
        data["contact"] = None
    return data


def values_of(actor: Actor, *, with_contact: bool) -> dict[str, Any]:
    """The form values of a stored actor."""
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
