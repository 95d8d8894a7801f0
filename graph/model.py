"""The domain model of wijknet: wijken, actors and the links between them.

Pydantic v2 models and enums, validated here once; the API, the forms, the CLI and the
importers all go through them. Enum values are stable slugs (stored and sent over the API);
``LABELS`` gives the Dutch text a person reads.

Input models (``WijkIn``, ``ActorIn``, ``LinkIn``) hold what a user supplies; the stored
models (``Wijk``, ``Actor``, ``Link``) add what the store keeps: version, timestamps and
the last confirmation. Checks that need other records (a professional's organisation must
exist, a link's ends must exist) are made by the store, which raises ``InvalidData``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from enum import Enum, IntEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

NAME_MAX = 200
NOTE_MAX = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
INVALID_CHARACTER = "Deze tekst bevat een ongeldig teken; typ hem opnieuw."
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"


_FIXED_NOW: ContextVar[datetime | None] = ContextVar("wijknet_fixed_now", default=None)


def utcnow() -> datetime:
    """Now, timezone-aware in UTC, to the millisecond (what both backends can store); the
    moment :func:`stamped_at` sets, inside it."""
    now = _FIXED_NOW.get() or datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@contextmanager
def stamped_at(moment: datetime) -> Iterator[None]:
    """While inside, in this thread or task only, every store write is stamped ``moment``
    (records written as they were on an earlier day: the demo's history)."""
    token = _FIXED_NOW.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _FIXED_NOW.reset(token)


def new_id(prefix: str) -> str:
    """A fresh stable id such as ``a-3f9c2b1d7e4a``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: for matching names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def slugify(text: str) -> str:
    """``"De Baandert"`` becomes ``"de-baandert"``."""
    return normalise(text).replace(" ", "-")


def _clean_text(value: str) -> str:
    if _SURROGATE.search(value):  # JSON's "\ud800" escape: no character, cannot be stored
        raise ValueError(INVALID_CHARACTER)
    value = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(value):
        raise ValueError("Deze tekst bevat onzichtbare stuurtekens; typ hem opnieuw.")
    return value


def _clean_line(value: str) -> str:
    value = _clean_text(value)
    if "\n" in value or "\r" in value or "\t" in value:
        raise ValueError("Deze tekst moet op één regel passen.")
    return " ".join(value.split())


Name = Annotated[str, AfterValidator(_clean_line), Field(min_length=1, max_length=NAME_MAX)]
Note = Annotated[str, AfterValidator(_clean_text), Field(max_length=NOTE_MAX)]
Slug = Annotated[str, Field(pattern=SLUG_RE, min_length=2, max_length=60)]
EntityId = Annotated[str, Field(pattern=ID_RE)]

Cohort = Literal[1, 2]
"""The PlusWIJken cohort a wijk joined in."""

_Tag = TypeVar("_Tag", bound=str)


class ActorKind(str, Enum):
    ORGANISATIE = "organisatie"
    PROFESSIONAL = "professional"
    INITIATIEF = "initiatief"


class Domain(str, Enum):
    ZORG = "zorg"
    SOCIAAL = "sociaal"
    GEMEENTE = "gemeente"
    WONEN = "wonen"
    ONDERWIJS = "onderwijs"
    VEILIGHEID = "veiligheid"
    WERK_EN_INKOMEN = "werk-en-inkomen"
    INWONERS = "inwoners"
    ZORGVERZEKERAAR = "zorgverzekeraar"
    ONBEKEND = "onbekend"
    """Not known yet: an imported record whose file names no domain (to be filled in)."""


class Role(str, Enum):
    """Type of an organisation or initiative, or role of a professional."""

    # organisations
    HUISARTSENPRAKTIJK = "huisartsenpraktijk"
    WELZIJNSORGANISATIE = "welzijnsorganisatie"
    WIJKVERPLEGING = "wijkverpleging"
    GGZ_INSTELLING = "ggz-instelling"
    GEMEENTE = "gemeente"
    WONINGCORPORATIE = "woningcorporatie"
    SCHOOL = "school"
    POLITIE = "politie"
    SCHULDHULPORGANISATIE = "schuldhulporganisatie"
    ZORGVERZEKERAAR = "zorgverzekeraar"
    APOTHEEK = "apotheek"
    OUDERENZORG = "ouderenzorg"
    JEUGDHULP = "jeugdhulp"
    WIJKTEAM = "wijkteam"
    BIBLIOTHEEK = "bibliotheek"
    SPORTVERENIGING = "sportvereniging"
    # professionals
    HUISARTS = "huisarts"
    POH_GGZ = "poh-ggz"
    POH_SOMATIEK = "poh-somatiek"
    WELZIJNSCOACH = "welzijnscoach"
    WIJKVERPLEEGKUNDIGE = "wijkverpleegkundige"
    SOCIAAL_WERKER = "sociaal-werker"
    WIJKAGENT = "wijkagent"
    SCHULDHULPVERLENER = "schuldhulpverlener"
    WIJKMAKELAAR = "wijkmakelaar"
    OUDERENADVISEUR = "ouderenadviseur"
    CASEMANAGER_DEMENTIE = "casemanager-dementie"
    WMO_CONSULENT = "wmo-consulent"
    JEUGDVERPLEEGKUNDIGE = "jeugdverpleegkundige"
    WOONCONSULENT = "woonconsulent"
    BELEIDSMEDEWERKER = "beleidsmedewerker"
    MANTELZORGCONSULENT = "mantelzorgconsulent"
    FYSIOTHERAPEUT = "fysiotherapeut"
    APOTHEKER = "apotheker"
    # residents' initiatives
    WIJKONTBIJT = "wijkontbijt"
    LIEF_EN_LEED_STRAAT = "lief-en-leed-straat"
    BEWONERSCOALITIE = "bewonerscoalitie"
    BUURTHUIS = "buurthuis"
    VRIJWILLIGERSGROEP = "vrijwilligersgroep"
    MANTELZORGGROEP = "mantelzorggroep"
    OVERIG = "overig"


class Theme(str, Enum):
    """Controlled list of themes, starting from the wijkbeelden."""

    EENZAAMHEID = "eenzaamheid"
    ARMOEDE_EN_SCHULDEN = "armoede-en-schulden"
    ONBEKENDHEID_MET_HULP = "onbekendheid-met-hulp"
    OUDEREN = "ouderen"
    JEUGD_EN_GEZIN = "jeugd-en-gezin"
    MENTALE_GEZONDHEID = "mentale-gezondheid"
    LEEFSTIJL = "leefstijl"
    MANTELZORG = "mantelzorg"
    WONEN_EN_LEEFBAARHEID = "wonen-en-leefbaarheid"
    SCHAAMTE_OM_HULP = "schaamte-om-hulp"
    BEWEGEN_EN_SPORT = "bewegen-en-sport"
    VEILIGHEID = "veiligheid"
    TAAL_EN_DIGITALE_VAARDIGHEDEN = "taal-en-digitale-vaardigheden"


class Kernaanpak(str, Enum):
    DOORBRAAKMETHODE = "doorbraakmethode"
    WELZIJN_OP_RECEPT = "welzijn-op-recept"
    KERNTEAM_OUDEREN = "kernteam-ouderen"
    PLUSPRAKTIJK = "pluspraktijk"


class LinkKind(str, Enum):
    SAMENWERKING = "samenwerking"  # undirected
    VERWIJZING = "verwijzing"  # directed referral, source refers to target
    WERKT_BIJ = "werkt_bij"  # professional (source) works at organisation (target)
    CONTACTPERSOON = "contactpersoon"  # the target is the contact person of the source


class Intensity(IntEnum):
    KENNEN = 1
    INFORMATIE_DELEN = 2
    AFSTEMMEN = 3
    SAMENWERKEN = 4


LABELS: dict[Enum, str] = {
    ActorKind.ORGANISATIE: "Organisatie",
    ActorKind.PROFESSIONAL: "Professional",
    ActorKind.INITIATIEF: "Inwonersinitiatief",
    Domain.ZORG: "Zorg",
    Domain.SOCIAAL: "Sociaal domein",
    Domain.GEMEENTE: "Gemeente",
    Domain.WONEN: "Wonen",
    Domain.ONDERWIJS: "Onderwijs",
    Domain.VEILIGHEID: "Veiligheid",
    Domain.WERK_EN_INKOMEN: "Werk en inkomen",
    Domain.INWONERS: "Informeel / inwoners",
    Domain.ZORGVERZEKERAAR: "Zorgverzekeraar",
    Domain.ONBEKEND: "Onbekend (nog aanvullen)",
    Kernaanpak.DOORBRAAKMETHODE: "Doorbraakmethode",
    Kernaanpak.WELZIJN_OP_RECEPT: "Welzijn op Recept",
    Kernaanpak.KERNTEAM_OUDEREN: "Kernteam Ouderen",
    Kernaanpak.PLUSPRAKTIJK: "PlusPraktijk",
    LinkKind.SAMENWERKING: "Samenwerking",
    LinkKind.VERWIJZING: "Verwijzing",
    LinkKind.WERKT_BIJ: "Werkt bij",
    LinkKind.CONTACTPERSOON: "Contactpersoon",
    Intensity.KENNEN: "Kennen elkaar",
    Intensity.INFORMATIE_DELEN: "Informatie delen",
    Intensity.AFSTEMMEN: "Afstemmen",
    Intensity.SAMENWERKEN: "Samenwerken",
    Role.POH_GGZ: "POH-GGZ",
    Role.POH_SOMATIEK: "POH-somatiek",
    Role.GGZ_INSTELLING: "GGZ-instelling",
    Role.WMO_CONSULENT: "Wmo-consulent",
}


def label(value: Enum) -> str:
    """The Dutch label of an enum value (falls back to the value, capitalised)."""
    if value in LABELS:
        return LABELS[value]
    return str(value.value).replace("-", " ").replace("_", " ").capitalize()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False)


_EMAIL_LOCAL = re.compile(r"[\w!#$%&'*+/=?^{|}~-]+(?:\.[\w!#$%&'*+/=?^{|}~-]+)*")
_EMAIL_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_EMAIL_TLD = re.compile(r"[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59}", re.IGNORECASE)
EMAIL_MESSAGE = "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."


def _check_email(value: str) -> str:
    """An address as people type it: ``naam@organisatie.nl`` or ``j.d'hondt@…``; no spaces,
    double quotes or ``<>``,
    and a domain of at least two labels ending in a real-looking top-level domain."""
    local, at, domain = value.rpartition("@")
    labels = domain.split(".")
    if not (
        at
        and len(local) <= 64
        and _EMAIL_LOCAL.fullmatch(local)
        and len(labels) >= 2
        and all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        and _EMAIL_TLD.fullmatch(labels[-1])
    ):
        raise ValueError(EMAIL_MESSAGE)
    return value


class Contact(_Model):
    """Contact details of a professional or contact person: personal data under the AVG.

    ``name`` is the contact person of an organisation or initiative (a professional's own
    name is the actor's); left out of the stored JSON when empty, so contact details
    stored before it existed read back unchanged."""

    name: Name | None = Field(None, exclude_if=lambda value: value is None)
    email: Annotated[str, Field(max_length=254), AfterValidator(_check_email)] | None = None
    phone: Annotated[str, Field(max_length=30, pattern=r"^[0-9+() -]{6,30}$")] | None = None
    personal: Literal[True] = True

    @field_validator("name", "email", "phone", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class Confirmation(_Model):
    at: datetime
    by: Name


class _Period(_Model):
    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _until_after_since(self) -> _Period:
        if self.since and self.until and self.until < self.since:
            raise ValueError("De einddatum (tot) ligt vóór de begindatum (sinds).")
        return self

    def active_on(self, day: date) -> bool:
        """True when ``day`` lies within since..until, both inclusive."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )


class _Stored(_Model):
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    confirmed: Confirmation | None = None


class WijkIn(_Model):
    slug: Slug
    name: Name
    gemeente: Name
    cohort: Cohort | None = None


class Wijk(WijkIn, _Stored):
    pass


class ActorIn(_Period):
    id: EntityId | None = None
    kind: ActorKind
    name: Name
    domain: Domain
    role: Role = Role.OVERIG
    themes: list[Theme] = Field(default_factory=list, max_length=len(Theme))
    kernaanpakken: list[Kernaanpak] = Field(default_factory=list, max_length=len(Kernaanpak))
    wijken: list[Slug] = Field(min_length=1, max_length=100)
    organisation: EntityId | None = None
    description: Note = ""
    contact: Contact | None = None

    @field_validator("themes", "kernaanpakken", "wijken")
    @classmethod
    def _unique_sorted(cls, values: list[_Tag]) -> list[_Tag]:
        return sorted(set(values), key=lambda v: getattr(v, "value", v))

    @model_validator(mode="after")
    def _organisation_only_for_professionals(self) -> ActorIn:
        if self.organisation is not None and self.kind is not ActorKind.PROFESSIONAL:
            raise ValueError("Alleen een professional hoort bij een organisatie.")
        if self.organisation is not None and self.organisation == self.id:
            raise ValueError("Een professional kan niet bij zichzelf werken.")
        return self


class Actor(ActorIn, _Stored):
    id: EntityId


class LinkIn(_Period):
    id: EntityId | None = None
    source: EntityId
    target: EntityId
    kind: LinkKind = LinkKind.SAMENWERKING
    intensity: Intensity = Intensity.INFORMATIE_DELEN
    note: Note = ""

    @model_validator(mode="after")
    def _no_self_link(self) -> LinkIn:
        if self.source == self.target:
            raise ValueError("Een actor kan niet met zichzelf verbonden worden.")
        return self


class Link(LinkIn, _Stored):
    id: EntityId


class Snapshot(_Model):
    """The actors and links of one wijk as they were on one day."""

    wijk: Wijk
    as_of: date
    actors: list[Actor]
    links: list[Link]
    change_counter: int


class AuditEntry(_Model):
    seq: int
    at: datetime
    by: str
    action: Literal[
        "create", "update", "delete", "confirm", "erase", "decide", "undo", "merge", "restore"
    ]
    entity: Literal["wijk", "actor", "link", "decision"]
    entity_id: str
    wijken: list[str]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class BulkResult(_Model):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Health(_Model):
    ok: bool
    backend: str
    detail: str = ""


class DecisionStatus(str, Enum):
    """The two verdicts of the first version; kept for the decision endpoints, which are
    wrappers around the steps now (``besproken`` is recorded as the step ``ontmoet``)."""

    BESPROKEN = "besproken"
    NIET_RELEVANT = "niet-relevant"


class Decision(_Model):
    """A user's verdict on a suggested pair; the pair stays out of later suggestions.

    The old view of a pair's workflow (``SuggestionStep``): ``niet-relevant`` when its
    current step is, ``besproken`` for any other current step."""

    wijk: Slug
    a: EntityId
    b: EntityId
    status: DecisionStatus
    by: Name
    at: datetime
    note: Note = ""

    @model_validator(mode="after")
    def _ordered_pair(self) -> Decision:
        if self.a == self.b:
            raise ValueError("Een actor kan niet met zichzelf verbonden worden.")
        if self.b < self.a:
            self.a, self.b = self.b, self.a
        return self


class SuggestionStatus(str, Enum):
    """Where a suggested introduction stands: the status of a ``SuggestionStep``.

    The way forward is voorgesteld → benaderd → kennismaking-gepland → ontmoet →
    samenwerking-vastgelegd; ``niet-relevant`` and ``later`` put a pair aside;
    ``gerealiseerd`` is recorded by wijknet itself when the pair gets a link. The old
    verdict ``besproken`` is read as ``ontmoet`` (``LEGACY_STATUSES``).
    """

    VOORGESTELD = "voorgesteld"
    BENADERD = "benaderd"
    KENNISMAKING_GEPLAND = "kennismaking-gepland"
    ONTMOET = "ontmoet"
    SAMENWERKING_VASTGELEGD = "samenwerking-vastgelegd"
    NIET_RELEVANT = "niet-relevant"
    LATER = "later"
    GEREALISEERD = "gerealiseerd"


LEGACY_STATUSES = {"besproken": SuggestionStatus.ONTMOET}
"""Statuses of the first version and the status they are read as."""

DATED_STATUSES = frozenset(
    {SuggestionStatus.KENNISMAKING_GEPLAND, SuggestionStatus.LATER, SuggestionStatus.GEREALISEERD}
)
"""Statuses whose step needs a date: the day of the meeting, the day until which the pair
waits, the day the link was made."""

OPEN_STATUSES = frozenset(
    {
        SuggestionStatus.BENADERD,
        SuggestionStatus.KENNISMAKING_GEPLAND,
        SuggestionStatus.ONTMOET,
    }
)
"""In progress: no longer a fresh suggestion, still on the agenda."""

CLOSED_STATUSES = frozenset(
    {
        SuggestionStatus.NIET_RELEVANT,
        SuggestionStatus.GEREALISEERD,
        SuggestionStatus.SAMENWERKING_VASTGELEGD,
    }
)
"""Done with: never suggested again (unless the step is undone)."""

REALISED_STATUSES = frozenset(
    {SuggestionStatus.GEREALISEERD, SuggestionStatus.SAMENWERKING_VASTGELEGD}
)
"""A pair whose current step has one of these gets no automatic ``gerealiseerd`` step."""

SYSTEM_BY = "wijknet"
"""The ``by`` of the steps wijknet records itself (``gerealiseerd``)."""

REALISED_NOTE = "Vanzelf vastgelegd: er is nu een verbinding tussen deze twee."
"""The note of an automatic ``gerealiseerd`` step."""

DEFAULT_REASON = "Niet relevant voor deze wijk"
"""The reason given for ``niet-relevant`` when a form or an old client gives none."""

LABELS.update(
    {
        SuggestionStatus.VOORGESTELD: "Voorgesteld",
        SuggestionStatus.BENADERD: "Benaderd",
        SuggestionStatus.KENNISMAKING_GEPLAND: "Kennismaking gepland",
        SuggestionStatus.ONTMOET: "Ontmoet",
        SuggestionStatus.SAMENWERKING_VASTGELEGD: "Samenwerking vastgelegd",
        SuggestionStatus.NIET_RELEVANT: "Niet relevant",
        SuggestionStatus.LATER: "Later",
        SuggestionStatus.GEREALISEERD: "Gerealiseerd",
    }
)

_Day = date  # the field ``date`` of a step would hide the type inside the class


class SuggestionStep(_Model):
    """One step of a suggested pair (``a`` < ``b``, swapped when given the other way round)
    in a wijk: who (``by``), when (``at``), a note and, where the status needs one
    (``DATED_STATUSES``), a date. A pair's steps are kept in order; the latest is its
    current status.

    ``niet-relevant`` needs a reason (the note); ``kennismaking-gepland``, ``later`` and
    ``gerealiseerd`` need a date, and the other statuses take none.
    """

    wijk: Slug
    a: EntityId
    b: EntityId
    status: SuggestionStatus
    by: Name
    at: datetime
    note: Note = Field("", validate_default=True)
    date: _Day | None = Field(None, validate_default=True)

    @field_validator("status", mode="before")
    @classmethod
    def _legacy_status(cls, value: object) -> object:
        if isinstance(value, str) and value in LEGACY_STATUSES:
            return LEGACY_STATUSES[value]
        return value

    @field_validator("note")
    @classmethod
    def _reason(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("status") is SuggestionStatus.NIET_RELEVANT and not value:
            raise PydanticCustomError(
                "reason_required", "Geef een reden waarom dit voorstel niet relevant is."
            )
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: _Day | None, info: ValidationInfo) -> _Day | None:
        status = info.data.get("status")
        if status in DATED_STATUSES and value is None:
            raise PydanticCustomError("date_required", _DATE_NEEDED[status])
        if isinstance(status, SuggestionStatus) and status not in DATED_STATUSES and value:
            raise PydanticCustomError(
                "date_not_allowed", "Bij deze stap hoort geen datum; laat de datum leeg."
            )
        return value

    @model_validator(mode="after")
    def _ordered_pair(self) -> SuggestionStep:
        if self.a == self.b:
            raise ValueError("Een actor kan niet met zichzelf verbonden worden.")
        if self.b < self.a:
            self.a, self.b = self.b, self.a
        return self


_DATE_NEEDED = {
    SuggestionStatus.KENNISMAKING_GEPLAND: "Vul de datum van de kennismaking in.",
    SuggestionStatus.LATER: "Vul in tot welke datum dit voorstel moet wachten.",
    SuggestionStatus.GEREALISEERD: "Vul de datum in waarop de verbinding er kwam.",
}
