"""Column headers and cell values as people write them, mapped to wijknet's fields.

Headers and enum values are matched without regard to case, accents, spacing, hyphens or
punctuation: ``"Thema's"``, ``"themas"`` and ``"THEMA'S"`` are one header, and
``"Welzijn op recept"``, ``"welzijn-op-recept"`` and ``"WelzijnOpRecept"`` one value. Dutch and
English are both accepted, and so are the Dutch labels wijknet shows (``label()``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from enum import Enum
from functools import lru_cache
from typing import Literal, TypeVar

from graph.model import (
    ActorKind,
    Domain,
    Intensity,
    Kernaanpak,
    LinkKind,
    Role,
    Theme,
    label,
    normalise,
)

TableKind = Literal["actors", "links", "wijken"]

MULTI_SPLIT = re.compile(r"[;,|\n]")
"""Several values in one cell are separated by ``;``, ``,`` or ``|`` (Kumu) or a line break."""


@lru_cache(maxsize=8192)
def key(text: str) -> str:
    """The matching key of a header or value: ``"Thema's"`` -> ``"themas"``."""
    return normalise(text).replace(" ", "")


# -- headers -----------------------------------------------------------------------------

# canonical field -> accepted headers (Dutch first: the first is the one exports write)
ACTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "actor id", "code"),
    "name": (
        "naam",
        "name",
        "label",
        "titel",
        "title",
        "actor",
        "naam organisatie",
        "naam instelling",
        "aanbieder",
        "voorziening",
        "partner",
        "partner name",
        "partner program name",
        "program name",
        "organisation name",
        "organization name",
        "company",
        "bedrijf",
        "full name",
        "volledige naam",
        "node",
        "knoop",
    ),
    "kind": ("soort", "kind", "soort actor", "categorie", "category"),
    "type": ("type", "element type", "node type", "soort aanbieder"),
    "domain": ("domein", "domain", "sector", "beleidsdomein", "werkveld", "field"),
    "role": (
        "rol",
        "role",
        "functie",
        "function",
        "beroep",
        "soort organisatie",
        "type organisatie",
        "organisatietype",
        "discipline",
        "specialisme",
    ),
    "wijken": (
        "wijken",
        "wijk",
        "neighbourhood",
        "neighbourhoods",
        "neighborhood",
        "district",
        "buurt",
        "wijk/buurt",
        "werkgebied",
        "stadsdeel",
        "area",
    ),
    "themes": ("thema's", "thema", "themes", "theme", "onderwerpen"),
    "kernaanpakken": ("kernaanpakken", "kernaanpak", "core approaches", "core approach"),
    "organisation": (
        "organisatie",
        "organisation",
        "organization",
        "werkgever",
        "employer",
        "works at",
        "werkt bij",
    ),
    "description": (
        "omschrijving",
        "beschrijving",
        "description",
        "toelichting",
        "notes",
        "korte omschrijving",
        "omschrijving aanbod",
        "info",
        "informatie",
        "over",
        "about",
        "summary",
        "samenvatting",
        "opmerkingen",
        "bio",
    ),
    "email": (
        "e-mail",
        "email",
        "mail",
        "e-mailadres",
        "email address",
        "emailadres",
        "contact email",
    ),
    "phone": (
        "telefoon",
        "telefoonnummer",
        "tel",
        "phone",
        "telephone",
        "mobiel",
        "tel.",
        "tel nr",
        "telefoon nr",
        "phone number",
        "mobile",
        "gsm",
    ),
    "since": (
        "sinds",
        "since",
        "vanaf",
        "start",
        "begin",
        "begindatum",
        "startdatum",
        "opgericht",
        "founded",
    ),
    "until": ("tot", "until", "einde", "einddatum", "end", "tot en met"),
    "tags": ("tags", "trefwoorden", "labels", "doelgroep", "doelgroepen"),
    "ref": ("ref", "kumu id"),
}
LINK_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "link id", "code"),
    "source": (
        "van",
        "from",
        "bron",
        "source",
        "van actor",
        "source id",
        "from id",
    ),
    "target": ("naar", "to", "doel", "target", "naar actor", "target id", "to id"),
    "kind": ("soort", "kind", "soort samenwerking", "relatie", "relation"),
    "type": (
        "type",
        "connection type",
        "link type",
        "edge type",
        "relationship",
        "soort relatie",
        "label",
    ),
    "intensity": (
        "intensiteit",
        "intensity",
        "sterkte",
        "strength",
        "niveau",
        "weight",
        "gewicht",
        "power score",
    ),
    "note": (
        "notitie",
        "toelichting",
        "omschrijving",
        "beschrijving",
        "note",
        "notes",
        "description",
        "opmerking",
    ),
    "since": ("sinds", "since", "vanaf", "start", "begin", "begindatum", "startdatum"),
    "until": ("tot", "until", "einde", "einddatum", "end", "tot en met"),
    "wijk": ("wijk", "wijken", "neighbourhood", "neighborhood"),
}
WIJK_COLUMNS: dict[str, tuple[str, ...]] = {
    "slug": ("slug", "wijkcode", "code"),
    "name": ("naam", "name", "wijk"),
    "gemeente": ("gemeente", "municipality"),
    "cohort": ("cohort",),
}
# Columns our exports add for people to read; the importer recognises and skips them.
INFORMATIONAL: dict[TableKind, tuple[str, ...]] = {
    "actors": ("organisatie (naam)", "versie", "version", "bijgewerkt", "updated", "bevestigd"),
    "links": (
        "van (naam)",
        "naar (naam)",
        "versie",
        "version",
        "bijgewerkt",
        "updated",
        "bevestigd",
        "direction",
        "richting",
        "tags",
    ),
    "wijken": ("versie", "version"),
}
COLUMNS: dict[TableKind, dict[str, tuple[str, ...]]] = {
    "actors": ACTOR_COLUMNS,
    "links": LINK_COLUMNS,
    "wijken": WIJK_COLUMNS,
}
TABLE_LABEL: dict[TableKind, str] = {
    "actors": "actoren",
    "links": "samenwerkingen",
    "wijken": "wijken",
}


def _header_index(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {key(alias): field for field, aliases in columns.items() for alias in aliases}


_HEADERS: dict[TableKind, dict[str, str]] = {t: _header_index(c) for t, c in COLUMNS.items()}
_INFO: dict[TableKind, set[str]] = {t: {key(h) for h in hs} for t, hs in INFORMATIONAL.items()}


EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "adres": (
        "adres",
        "address",
        "straat",
        "street",
        "straatnaam",
        "huisnummer",
        "postcode",
        "zip",
        "zip code",
        "plaats",
        "woonplaats",
        "city",
        "state",
        "provincie",
        "visible street address",
    ),
    "website": (
        "website",
        "url",
        "site",
        "web",
        "homepage",
        "instagram",
        "facebook",
        "linkedin",
        "twitter",
    ),
}
"""Columns folded into the description (actors) or note (links): ``Adres: …``."""

IGNORED_HEADERS: tuple[str, ...] = (
    "latitude",
    "longitude",
    "lat",
    "lon",
    "lng",
    "coordinates",
    "coördinaten",
    "coordinaten",
    "image",
    "attribution",
    "x",
    "y",
    "size",
    "color",
    "colour",
    "shape",
    "layout",
    "level",
    "timeset",
    "modularity_class",
    "degree",
    "laatst gecontroleerd op",
    "laatst bijgewerkt",
    "last updated",
    "gecontroleerd",
    "networkx_key",
    "gericht",
)
"""Headers of other tools (coordinates, layout, bookkeeping) skipped without a note."""

HEADER_STOPWORDS = frozenset(
    {"de", "het", "een", "van", "op", "voor", "the", "of", "a", "visible", "korte", "line"}
)

_EXTRA: dict[str, str] = {key(h): f for f, hs in EXTRA_COLUMNS.items() for h in hs}
_IGNORED = {key(h) for h in IGNORED_HEADERS}


def extra_of(header: str) -> str | None:
    """``adres`` or ``website`` when a header names a column folded into the text."""
    return _EXTRA.get(key(header))


def is_ignored(table: TableKind, header: str) -> bool:
    """A header of another tool or of our exports that is skipped without a note."""
    k = key(header)
    return k in _IGNORED or k in _INFO[table]


def _tokens_index(table: TableKind) -> dict[str, str]:
    index: dict[str, str] = {}
    for target, aliases in [*COLUMNS[table].items(), *EXTRA_COLUMNS.items()]:
        for alias in aliases:
            if " " not in alias and len(key(alias)) >= 3:
                index.setdefault(key(alias), target)
    return index


_TOKENS: dict[TableKind, dict[str, str]] = {t: _tokens_index(t) for t in COLUMNS}


def field_by_tokens(table: TableKind, header: str) -> str | None:
    """The one field (or ``adres``/``website``) whose single-word header is among the
    header's words: ``"Partner Program Name"`` -> ``name``, ``"Street Address"`` -> adres."""
    words = [w for w in normalise(header).split() if w not in HEADER_STOPWORDS]
    if words and all(key(w) in _IGNORED for w in words):
        return "overslaan"
    found = {_TOKENS[table][key(w)] for w in words if key(w) in _TOKENS[table]}
    return found.pop() if len(found) == 1 else None


def field_by_likeness(table: TableKind, header: str) -> str | None:
    """A near miss of a known header (``"omschrijvng"``), for headers of 5+ characters."""
    k = key(header)
    if len(k) < 5:
        return None
    pool = {**{key(a): f for f, hs in COLUMNS[table].items() for a in hs}, **_EXTRA}
    pool = {a: f for a, f in pool.items() if len(a) >= 5}
    close = difflib.get_close_matches(k, list(pool), n=1, cutoff=0.84)
    return pool[close[0]] if close else None


def field_of(table: TableKind, header: str) -> str | None:
    """The canonical field a header names in ``table``, or None."""
    return _HEADERS[table].get(key(header))


def is_informational(table: TableKind, header: str) -> bool:
    return key(header) in _INFO[table]


def detect_table(headers: Iterable[str]) -> TableKind | None:
    """Which table a header row belongs to: links (van/naar), wijken (slug+gemeente), or
    actors (naam, or an id with other actor columns)."""
    keys = {key(h) for h in headers if h}

    def has(table: TableKind, field: str) -> bool:
        return any(_HEADERS[table].get(k) == field for k in keys)

    if has("links", "source") and has("links", "target"):
        return "links"
    if has("wijken", "slug") and has("wijken", "gemeente") and not has("actors", "domain"):
        return "wijken"
    if has("actors", "name") or (
        has("actors", "id") and any(_HEADERS["actors"].get(k) not in (None, "id") for k in keys)
    ):
        return "actors"
    return None


def expected_headers() -> str:
    """A Dutch sentence naming the headers a file needs, for the 'wrong headers' message."""
    return (
        "Verwacht voor actoren minstens de kolom 'naam' (name) en verder bijvoorbeeld "
        "'soort', 'domein', 'rol', 'wijk', 'thema's', 'kernaanpakken', 'organisatie', "
        "'omschrijving', 'sinds', 'tot'; voor samenwerkingen de kolommen 'van' (from) en "
        "'naar' (to) en verder 'soort', 'intensiteit', 'notitie', 'sinds', 'tot'. "
        "Zie docs/import-export.md."
    )


# -- values ------------------------------------------------------------------------------

_SYNONYMS: dict[Enum, tuple[str, ...]] = {
    ActorKind.ORGANISATIE: (
        "organisation",
        "organization",
        "org",
        "instelling",
        "organisaties",
        "company",
        "bedrijf",
        "business",
        "ngo",
        "stichting",
        "vereniging",
        "institution",
        "agency",
        "aanbieder",
    ),
    ActorKind.PROFESSIONAL: (
        "professionals",
        "persoon",
        "person",
        "medewerker",
        "people",
        "individual",
        "employee",
        "contactpersoon",
    ),
    ActorKind.INITIATIEF: (
        "initiative",
        "bewonersinitiatief",
        "initiatieven",
        "project",
        "community group",
        "buurtinitiatief",
        "burgerinitiatief",
    ),
    Domain.ZORG: ("care", "health", "healthcare", "gezondheidszorg", "zorgdomein", "gezondheid"),
    Domain.SOCIAAL: ("social", "sociaal", "welzijn", "welfare", "social domain"),
    Domain.GEMEENTE: ("municipality", "local government"),
    Domain.WONEN: ("housing",),
    Domain.ONDERWIJS: ("education",),
    Domain.VEILIGHEID: ("safety", "security"),
    Domain.WERK_EN_INKOMEN: ("work and income", "werk & inkomen", "income"),
    Domain.INWONERS: ("residents", "informeel", "informal", "bewoners", "inwoners"),
    Domain.ZORGVERZEKERAAR: ("health insurer", "insurer", "verzekeraar"),
    Role.HUISARTSENPRAKTIJK: ("huisartspraktijk", "gp practice", "general practice"),
    Role.HUISARTS: ("gp", "general practitioner"),
    Role.WELZIJNSCOACH: ("wellbeing coach", "welzijn coach"),
    Role.WIJKVERPLEEGKUNDIGE: ("district nurse", "community nurse"),
    Role.SOCIAAL_WERKER: ("social worker",),
    Role.WIJKAGENT: ("community police officer", "neighbourhood officer"),
    Role.SCHULDHULPVERLENER: ("debt counsellor",),
    Role.WONINGCORPORATIE: ("housing corporation", "woningbouwvereniging"),
    Role.POLITIE: ("police",),
    Role.BIBLIOTHEEK: ("library",),
    Role.APOTHEEK: ("pharmacy",),
    Role.APOTHEKER: ("pharmacist",),
    Role.FYSIOTHERAPEUT: ("physiotherapist", "fysio"),
    Role.OVERIG: ("other", "anders", "onbekend"),
    Theme.EENZAAMHEID: ("loneliness",),
    Theme.ARMOEDE_EN_SCHULDEN: (
        "poverty and debt",
        "armoede",
        "schulden",
        "armoede & schulden",
        "geldzaken",
        "financien",
    ),
    Theme.ONBEKENDHEID_MET_HULP: ("unfamiliarity with help", "onbekendheid"),
    Theme.OUDEREN: ("elderly", "older people", "senioren"),
    Theme.JEUGD_EN_GEZIN: (
        "youth and family",
        "jeugd",
        "opvoeden",
        "opvoeding",
        "jongeren",
        "kinderen",
        "gezin",
        "gezinnen",
    ),
    Theme.MENTALE_GEZONDHEID: ("mental health", "ggz", "psychische klachten", "psychisch"),
    Theme.LEEFSTIJL: ("lifestyle", "gezond leven"),
    Theme.MANTELZORG: ("informal care", "mantelzorgers"),
    Theme.WONEN_EN_LEEFBAARHEID: ("housing and liveability", "leefbaarheid", "huisvesting"),
    Theme.SCHAAMTE_OM_HULP: ("shame to ask for help", "schaamte"),
    Theme.BEWEGEN_EN_SPORT: ("exercise and sport", "sport", "bewegen"),
    Theme.TAAL_EN_DIGITALE_VAARDIGHEDEN: (
        "language and digital skills",
        "digitale vaardigheden",
        "taal",
        "laaggeletterdheid",
        "digitaal",
    ),
    Kernaanpak.WELZIJN_OP_RECEPT: ("wor", "welzijn op recept", "wellbeing on prescription"),
    Kernaanpak.DOORBRAAKMETHODE: ("doorbraak", "doorbraakaanpak"),
    Kernaanpak.KERNTEAM_OUDEREN: ("kernteam",),
    Kernaanpak.PLUSPRAKTIJK: ("plus praktijk",),
    LinkKind.SAMENWERKING: (
        "collaboration",
        "cooperation",
        "partnership",
        "samenwerken",
        "collaborates",
        "partner",
        "related",
        "connected",
        "knows",
        "directed",
        "undirected",
    ),
    LinkKind.VERWIJZING: ("referral", "refers", "verwijst", "verwijzen", "verwijst naar"),
    LinkKind.WERKT_BIJ: (
        "works at",
        "works for",
        "employment",
        "dienstverband",
        "werkt voor",
        "employed by",
        "employee of",
        "medewerker van",
        "member of",
    ),
    LinkKind.CONTACTPERSOON: ("contact person", "aanspreekpunt", "contactpersoon van"),
    Intensity.KENNEN: ("kennen", "know each other", "aware"),
    Intensity.INFORMATIE_DELEN: ("share information", "informeren", "informatie uitwisselen"),
    Intensity.AFSTEMMEN: ("align", "coordinate", "afstemming"),
    Intensity.SAMENWERKEN: ("collaborate", "samenwerking"),
}


def _value_index(enum: type[Enum]) -> dict[str, Enum]:
    index: dict[str, Enum] = {}
    for member in enum:
        for text in (str(member.value), member.name, label(member), *_SYNONYMS.get(member, ())):
            index.setdefault(key(text), member)
    return index


_VALUES: dict[type[Enum], dict[str, Enum]] = {
    e: _value_index(e) for e in (ActorKind, Domain, Role, Theme, Kernaanpak, LinkKind, Intensity)
}


E = TypeVar("E", bound=Enum)


def match_enum(enum: type[E], text: str) -> E | None:
    """The member ``text`` names (value, name, Dutch label or a known synonym), or None."""
    member = _VALUES[enum].get(key(text))
    return member if isinstance(member, enum) else None  # the index holds enum's own members


def closest(enum: type[E], text: str, cutoff: float = 0.75) -> E | None:
    """The member ``text`` nearly names (``"socaal"`` -> sociaal), for texts of 4+ characters."""
    k = key(text)
    if len(k) < 4:
        return None
    close = difflib.get_close_matches(k, list(_VALUES[enum]), n=1, cutoff=cutoff)
    member = _VALUES[enum][close[0]] if close else None
    return member if isinstance(member, enum) else None


def choices(enum: type[Enum]) -> str:
    """The accepted values of ``enum`` for a message: ``"zorg, sociaal, …"``."""
    if enum is Intensity:
        return ", ".join(f"{m.value} ({label(m).lower()})" for m in Intensity)
    return ", ".join(str(m.value) for m in enum)


def suggestion(enum: type[Enum] | None, text: str, candidates: Iterable[str] = ()) -> str:
    """`` Bedoelt u 'x'?`` for a near miss, else an empty string."""
    pool = {key(c): c for c in candidates}
    if enum is not None:
        pool |= {k: str(m.value) for k, m in _VALUES[enum].items()}
    close = difflib.get_close_matches(key(text), list(pool), n=1, cutoff=0.75)
    return f" Bedoelt u '{pool[close[0]]}'?" if close else ""


def split_multi(value: str) -> list[str]:
    """``"eenzaamheid; ouderen"`` -> ``["eenzaamheid", "ouderen"]`` (empties dropped)."""
    return [part.strip() for part in MULTI_SPLIT.split(value) if part.strip()]


# -- inference ---------------------------------------------------------------------------

_ORGANISATION_ROLES = {
    Role.HUISARTSENPRAKTIJK,
    Role.WELZIJNSORGANISATIE,
    Role.WIJKVERPLEGING,
    Role.GGZ_INSTELLING,
    Role.GEMEENTE,
    Role.WONINGCORPORATIE,
    Role.SCHOOL,
    Role.POLITIE,
    Role.SCHULDHULPORGANISATIE,
    Role.ZORGVERZEKERAAR,
    Role.APOTHEEK,
    Role.OUDERENZORG,
    Role.JEUGDHULP,
    Role.WIJKTEAM,
    Role.BIBLIOTHEEK,
    Role.SPORTVERENIGING,
}
_INITIATIVE_ROLES = {
    Role.WIJKONTBIJT,
    Role.LIEF_EN_LEED_STRAAT,
    Role.BEWONERSCOALITIE,
    Role.BUURTHUIS,
    Role.VRIJWILLIGERSGROEP,
    Role.MANTELZORGGROEP,
}

ROLE_DOMAIN: dict[Role, Domain] = {
    **{r: Domain.INWONERS for r in _INITIATIVE_ROLES},
    Role.HUISARTSENPRAKTIJK: Domain.ZORG,
    Role.WIJKVERPLEGING: Domain.ZORG,
    Role.GGZ_INSTELLING: Domain.ZORG,
    Role.APOTHEEK: Domain.ZORG,
    Role.OUDERENZORG: Domain.ZORG,
    Role.HUISARTS: Domain.ZORG,
    Role.POH_GGZ: Domain.ZORG,
    Role.POH_SOMATIEK: Domain.ZORG,
    Role.WIJKVERPLEEGKUNDIGE: Domain.ZORG,
    Role.CASEMANAGER_DEMENTIE: Domain.ZORG,
    Role.JEUGDVERPLEEGKUNDIGE: Domain.ZORG,
    Role.FYSIOTHERAPEUT: Domain.ZORG,
    Role.APOTHEKER: Domain.ZORG,
    Role.WELZIJNSORGANISATIE: Domain.SOCIAAL,
    Role.JEUGDHULP: Domain.SOCIAAL,
    Role.WIJKTEAM: Domain.SOCIAAL,
    Role.BIBLIOTHEEK: Domain.SOCIAAL,
    Role.SPORTVERENIGING: Domain.SOCIAAL,
    Role.WELZIJNSCOACH: Domain.SOCIAAL,
    Role.SOCIAAL_WERKER: Domain.SOCIAAL,
    Role.WIJKMAKELAAR: Domain.SOCIAAL,
    Role.OUDERENADVISEUR: Domain.SOCIAAL,
    Role.MANTELZORGCONSULENT: Domain.SOCIAAL,
    Role.GEMEENTE: Domain.GEMEENTE,
    Role.WMO_CONSULENT: Domain.GEMEENTE,
    Role.BELEIDSMEDEWERKER: Domain.GEMEENTE,
    Role.WONINGCORPORATIE: Domain.WONEN,
    Role.WOONCONSULENT: Domain.WONEN,
    Role.SCHOOL: Domain.ONDERWIJS,
    Role.POLITIE: Domain.VEILIGHEID,
    Role.WIJKAGENT: Domain.VEILIGHEID,
    Role.SCHULDHULPORGANISATIE: Domain.WERK_EN_INKOMEN,
    Role.SCHULDHULPVERLENER: Domain.WERK_EN_INKOMEN,
    Role.ZORGVERZEKERAAR: Domain.ZORGVERZEKERAAR,
}
"""The domain an actor of a role most likely works in: used when the domain cell is empty."""


def kind_of_role(role: Role) -> ActorKind | None:
    """The kind of actor a role belongs to (``None`` for ``overig``)."""
    if role in _ORGANISATION_ROLES:
        return ActorKind.ORGANISATIE
    if role in _INITIATIVE_ROLES:
        return ActorKind.INITIATIEF
    if role is Role.OVERIG:
        return None
    return ActorKind.PROFESSIONAL
