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
from datetime import UTC, date, datetime
from enum import Enum, IntEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

NAME_MAX = 200
NOTE_MAX = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
INVALID_CHARACTER = "Deze tekst bevat een ongeldig teken; typ hem opnieuw."
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"


def utcnow() -> datetime:
    """Now, timezone-aware in UTC, to the millisecond (what both backends can store)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


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
    """Contact details of a professional or contact person: personal data under the AVG."""

    email: Annotated[str, Field(max_length=254), AfterValidator(_check_email)] | None = None
    phone: Annotated[str, Field(max_length=30, pattern=r"^[0-9+() -]{6,30}$")] | None = None
    personal: Literal[True] = True

    @field_validator("email", "phone", mode="before")
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
    action: Literal["create", "update", "delete", "confirm", "erase", "decide", "merge"]
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
    BESPROKEN = "besproken"
    NIET_RELEVANT = "niet-relevant"


class Decision(_Model):
    """A user's verdict on a suggested pair; the pair stays out of later suggestions."""

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
