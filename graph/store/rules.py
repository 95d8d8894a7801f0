"""The rules the stores keep, each written once, with one Dutch message and one code.

Both backends apply them; the importer's dry run (``importers.plan``) reports those it can
check per file row (``WERKT_BIJ``, ``NOT_AN_EMPLOYER``, ``IMMUTABLE``) with the same code
and message before anything is written.

======================  ========================  ==============================================
rule                    code                      refuses
======================  ========================  ==============================================
``ID_REQUIRED``         ``missing``               a record of a bulk load without an id
``DUPLICATE``           ``duplicate``             one slug or id twice in one bulk load
``IMMUTABLE``           ``immutable``             a change to a field that identifies a record
                                                  (slug; an actor's id and kind; a link's id,
                                                  ends and kind), by an update or a bulk load
``READ_ONLY``           ``read_only``             a change to what the store keeps (version,
                                                  times, confirmation)
``UNKNOWN_WIJK``        ``unknown_wijk``          an actor in a wijk that does not exist
``UNKNOWN_EMPLOYER``    ``unknown_organisation``  a professional's organisation that does not
                                                  exist
``NOT_AN_EMPLOYER``     ``not_an_organisation``   a professional's organisation that is no
                                                  organisation
``UNKNOWN_ACTOR``       ``unknown_actor``         a link end that does not exist
``WERKT_BIJ``           ``werkt_bij``             a ``werkt_bij`` link that does not go from a
                                                  professional (``source``) to an organisation
                                                  (``target``)
``SAME_ACTOR``          ``same``                  merging an actor into itself
``OTHER_KIND``          ``kind``                  merging actors of two kinds
``TOO_MANY``            ``too_many_errors``       (not a rule) the last of ``MAX_ERRORS`` errors
                                                  when there are more
======================  ========================  ==============================================

One refusal lists at most ``MAX_ERRORS`` field errors: the first ``MAX_ERRORS - 1`` and a
last one (field ``data``) that says how many more there are (``capped``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from pydantic import BaseModel

from graph.errors import FieldError, InvalidData
from graph.model import Actor, ActorIn, ActorKind, LinkIn, LinkKind, WijkIn
from graph.store.common import as_input, validated

MAX_ERRORS = 100
"""At most this many field errors in one refusal (the last says how many more there are)."""


@dataclass(frozen=True)
class Rule:
    """One rule: its stable code and its Dutch message (a ``str.format`` template)."""

    code: str
    message: str

    def text(self, **values: Any) -> str:
        return self.message.format(**values)

    def error(self, field: str, **values: Any) -> FieldError:
        return FieldError(field, self.text(**values), self.code)


ID_REQUIRED = Rule("missing", "Bij importeren is een id verplicht.")
DUPLICATE = Rule("duplicate", "{key!r} komt meer dan eens voor in deze import.")
IMMUTABLE = Rule(
    "immutable",
    "Dit veld kan niet gewijzigd worden: het bepaalt welk record dit is. Maak zo nodig een "
    "nieuw record.",
)
READ_ONLY = Rule("read_only", "Dit veld wordt door wijknet bijgehouden.")
UNKNOWN_WIJK = Rule("unknown_wijk", "Deze wijk bestaat niet: {slugs}.")
UNKNOWN_EMPLOYER = Rule("unknown_organisation", "De organisatie {id!r} bestaat niet.")
NOT_AN_EMPLOYER = Rule(
    "not_an_organisation",
    "{name!r} is geen organisatie maar een {kind}; een professional werkt bij een organisatie.",
)
UNKNOWN_ACTOR = Rule("unknown_actor", "De actor {id!r} bestaat niet.")
WERKT_BIJ = Rule(
    "werkt_bij", "Een 'werkt bij'-verbinding gaat van een professional naar een organisatie."
)
SAME_ACTOR = Rule("same", "Kies twee verschillende actoren.")
OTHER_KIND = Rule(
    "kind",
    "{drop!r} is een {drop_kind} en {keep!r} een {keep_kind}; alleen actoren van dezelfde "
    "soort kunnen samengevoegd worden.",
)
TOO_MANY = Rule("too_many_errors", "… en nog {n} {problems}.")

FIXED_FIELDS: dict[type, tuple[str, ...]] = {
    WijkIn: ("slug",),
    ActorIn: ("id", "kind"),
    LinkIn: ("id", "source", "target", "kind"),
}
"""The fields that identify a record, its key first: they never change."""

STORED_FIELDS = ("version", "created_at", "updated_at", "confirmed")
"""What the store keeps about a record; no caller sets it."""


def capped(errors: Sequence[FieldError]) -> list[FieldError]:
    """``errors`` as one refusal lists them: at most ``MAX_ERRORS``, the last one saying how
    many more there are."""
    if len(errors) <= MAX_ERRORS:
        return list(errors)
    shown = list(errors[: MAX_ERRORS - 1])
    rest = len(errors) - len(shown)
    word = "probleem" if rest == 1 else "problemen"
    return [*shown, TOO_MANY.error("data", n=rest, problems=word)]


def refuse(errors: Sequence[FieldError]) -> None:
    """Raise ``InvalidData`` with ``errors`` (capped) when there are any."""
    if errors:
        raise InvalidData(capped(errors))


# -- what identifies a record --------------------------------------------------------------


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _identity_of(model: type) -> Callable[[Any], tuple[Any, ...]]:
    names = FIXED_FIELDS[model][1:]
    if not names:
        return lambda record: ()
    get = attrgetter(*names)
    return (lambda record: (get(record),)) if len(names) == 1 else get


_IDENTITY = {model: _identity_of(model) for model in FIXED_FIELDS}


def identity(record: WijkIn | ActorIn | LinkIn) -> tuple[Any, ...]:
    """The values of the fields that identify ``record`` besides its key: what a stored
    record must still have for ``record`` to replace it. Kinds are ``str`` enums, so they
    equal the plain values a store keeps."""
    return _IDENTITY[_input_type(record)](record)


def changed_identity(
    record: WijkIn | ActorIn | LinkIn, stored: Sequence[Any] | None, prefix: str = ""
) -> list[FieldError]:
    """``IMMUTABLE`` for every field that identifies ``record`` and differs from ``stored``
    (``identity`` of the stored record; None when there is none)."""
    if stored is None:
        return []
    model = _input_type(record)
    names, new = FIXED_FIELDS[model][1:], _IDENTITY[model](record)
    return [
        IMMUTABLE.error(f"{prefix}{name}")
        for name, was, now in zip(names, stored, new, strict=True)
        if was != now
    ]


def change_errors(current: Any, changes: Mapping[str, Any]) -> list[FieldError]:
    """What is refused in ``changes`` to ``current`` (a stored record): fields that
    identify it, and what the store keeps."""
    fixed = FIXED_FIELDS[_input_type(current)]
    errors = [
        IMMUTABLE.error(name)
        for name, value in changes.items()
        if name in fixed and value != getattr(current, name)
    ]
    return errors + [READ_ONLY.error(name) for name in changes if name in STORED_FIELDS]


def apply_changes(current: Any, changes: Mapping[str, Any]) -> Any:
    """Merge ``changes`` into the input part of ``current`` (a stored wijk, actor or link)
    and validate the result: ``IMMUTABLE`` and ``READ_ONLY`` fields are refused, unknown
    fields too. Returns the validated input model (``WijkIn``/``ActorIn``/``LinkIn``)."""
    refuse(change_errors(current, changes))
    model = _input_type(current)
    merged = current.model_dump(include=set(model.model_fields)) | dict(changes)
    return validated(model, merged)


def _input_type(record: Any) -> type[BaseModel]:
    if type(record) in FIXED_FIELDS:
        return type(record)
    return next(model for model in FIXED_FIELDS if isinstance(record, model))


# -- references ----------------------------------------------------------------------------


KindOf = Callable[[str], "str | None"]
"""The kind (value) an actor has or will have, or None when it does not exist."""


def actor_errors(
    actor: ActorIn, wijk_known: Callable[[str], bool], kind_of: KindOf, prefix: str = ""
) -> list[FieldError]:
    """What is wrong with the references of ``actor``: its wijken and its organisation."""
    errors = []
    unknown = [w for w in actor.wijken if not wijk_known(w)]
    if unknown:
        errors.append(UNKNOWN_WIJK.error(f"{prefix}wijken", slugs=", ".join(unknown)))
    if actor.organisation is not None:
        errors += employer_errors(actor.organisation, kind_of(actor.organisation), prefix)
    return errors


def employer_errors(
    organisation: str, kind: str | None, prefix: str = "", name: str | None = None
) -> list[FieldError]:
    """What is wrong with ``organisation`` as a professional's employer, whose kind is
    ``kind`` (None: it does not exist); ``name`` is how the message names it."""
    field = f"{prefix}organisation"
    if kind is None:
        return [UNKNOWN_EMPLOYER.error(field, id=organisation)]
    if kind != ActorKind.ORGANISATIE.value:
        return [NOT_AN_EMPLOYER.error(field, name=name or organisation, kind=kind)]
    return []


def link_errors(link: LinkIn, kind_of: KindOf, prefix: str = "") -> list[FieldError]:
    """What is wrong with the ends of ``link``: unknown actors, or a wrong ``werkt_bij``."""
    source, target = kind_of(link.source), kind_of(link.target)
    if source is not None and target is not None and link.kind is not LinkKind.WERKT_BIJ:
        return []
    ends = (("source", link.source, source), ("target", link.target, target))
    errors = [
        UNKNOWN_ACTOR.error(f"{prefix}{end}", id=actor_id)
        for end, actor_id, kind in ends
        if kind is None
    ]
    if link.kind is LinkKind.WERKT_BIJ:
        errors += werkt_bij_errors(source, target, prefix)
    return errors


def werkt_bij_errors(source: Any, target: Any, prefix: str = "") -> list[FieldError]:
    """``WERKT_BIJ`` for each end of a ``werkt_bij`` link of the wrong kind (an
    ``ActorKind`` or its value; None, an unknown end, is not this rule's concern)."""
    errors = []
    if source is not None and _plain(source) != ActorKind.PROFESSIONAL.value:
        errors.append(WERKT_BIJ.error(f"{prefix}source"))
    if target is not None and _plain(target) != ActorKind.ORGANISATIE.value:
        errors.append(WERKT_BIJ.error(f"{prefix}target"))
    return errors


# -- merging -------------------------------------------------------------------------------


def merge_errors(keep: Actor, drop: Actor) -> list[FieldError]:
    """Why ``drop`` cannot be merged into ``keep`` (the same actor, or another kind)."""
    if keep.id == drop.id:
        return [SAME_ACTOR.error("drop")]
    if keep.kind is not drop.kind:
        return [
            OTHER_KIND.error(
                "drop",
                drop=drop.name,
                drop_kind=drop.kind.value,
                keep=keep.name,
                keep_kind=keep.kind.value,
            )
        ]
    return []


# -- bulk loads ----------------------------------------------------------------------------


@dataclass
class Batch:
    """The records of one ``bulk_upsert`` call, validated (``Batch.of``)."""

    wijken: list[WijkIn]
    actors: list[ActorIn]
    links: list[LinkIn]

    @classmethod
    def of(cls, wijken: Sequence[Any], actors: Sequence[Any], links: Sequence[Any]) -> Batch:
        """Validate every record without the database: its fields, an id on every actor and
        link (``ID_REQUIRED``), no slug or id twice (``DUPLICATE``). ``InvalidData`` names
        each refused field by its row (``actors.3.name``)."""
        errors: list[FieldError] = []
        batch = cls(
            _records("wijken", WijkIn, wijken, errors),
            _records("actors", ActorIn, actors, errors),
            _records("links", LinkIn, links, errors),
        )
        refuse(errors)
        return batch

    def wanted_wijken(self) -> set[str]:
        """The wijken the actors name that the batch does not bring itself."""
        return {slug for a in self.actors for slug in a.wijken} - {w.slug for w in self.wijken}

    def wanted_actors(self) -> set[str]:
        """The actors that organisations and link ends name that the batch does not bring."""
        named = {a.organisation for a in self.actors if a.organisation}
        named |= {end for lk in self.links for end in (lk.source, lk.target)}
        return named - {a.id for a in self.actors if a.id}

    def kinds(self, stored: Mapping[str, str]) -> dict[str, str]:
        """Every actor's kind as it is once the batch is written: ``stored`` (id -> kind of
        the stored actors the batch refers to) with the batch's own actors."""
        return dict(stored) | {a.id: a.kind.value for a in self.actors if a.id}

    def check(
        self,
        known_wijken: Container[str],
        kinds: Mapping[str, str],
        stored: Mapping[str, Mapping[str, Sequence[Any]]],
    ) -> None:
        """``InvalidData`` for references that hold neither in the batch nor in the store
        and for changes to what identifies a stored record. ``known_wijken`` holds the
        wijken that exist once the batch is written, ``kinds`` is ``Batch.kinds``, and
        ``stored`` maps ``"actors"``/``"links"`` to the ``identity`` of each stored record
        the batch replaces."""
        errors: list[FieldError] = []
        wijk_known = known_wijken.__contains__
        stored_actors, stored_links = stored.get("actors", {}), stored.get("links", {})
        for i, actor in enumerate(self.actors):
            prefix = f"actors.{i}."
            errors += _changed(actor, stored_actors, prefix)
            errors += actor_errors(actor, wijk_known, kinds.get, prefix)
        for i, link in enumerate(self.links):
            prefix = f"links.{i}."
            errors += _changed(link, stored_links, prefix)
            errors += link_errors(link, kinds.get, prefix)
        refuse(errors)


def _changed(
    record: ActorIn | LinkIn, stored: Mapping[str, Sequence[Any]], prefix: str
) -> list[FieldError]:
    """``changed_identity`` of a record of a batch (exactly an input model), quickly when
    nothing changed."""
    was = stored.get(record.id or "")
    if was is None or tuple(was) == _IDENTITY[type(record)](record):
        return []
    return changed_identity(record, was, prefix)


def _records(
    name: str, model: type[Any], rows: Sequence[Any], errors: list[FieldError]
) -> list[Any]:
    """The rows of one list as input models; what is wrong goes to ``errors``."""
    key = FIXED_FIELDS[model][0]
    out, seen = [], set()
    for i, data in enumerate(rows):
        try:
            record = as_input(model, data, f"{name}.{i}.")
        except InvalidData as exc:
            errors += exc.errors
            continue
        value = getattr(record, key)
        if value is None:
            errors.append(ID_REQUIRED.error(f"{name}.{i}.{key}"))
        elif value in seen:
            errors.append(DUPLICATE.error(f"{name}.{i}.{key}", key=value))
        seen.add(value)
        out.append(record)
    return out
