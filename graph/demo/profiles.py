"""The data the demo is drawn from: the pilot wijken, fictional names and the role tables.

Everything here is a fixed table; ``graph.demo.builder`` draws from it with a seeded
``random.Random``. The wijken are the real PlusWIJken pilot wijken; the names are fictional
(see ``graph.demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from graph.model import ActorKind, Cohort, Domain, Kernaanpak, Role, Theme

__all__ = [
    "BLOCKS",
    "BROKER_ROLES",
    "CLUBS",
    "CORE_ORGS",
    "CORE_PROS",
    "COVERAGE_INDEX",
    "DEMO_DATE",
    "EARLIEST",
    "ENDED_BY",
    "ENDED_FROM",
    "EXTRA_ORGS",
    "FICTIONAL_MARK",
    "FIRST_NAMES",
    "INITIATIVES",
    "INITIATIVE_LABELS",
    "KERNAANPAKKEN",
    "MIN_ACTORS",
    "ORGS",
    "PILOT_BY_SLUG",
    "PILOT_WIJKEN",
    "PLACES",
    "PROS",
    "PULL",
    "RECENT_FROM",
    "REFERRALS",
    "SCHOOLS",
    "STALE_AFTER",
    "STALE_SHARE",
    "STREETS",
    "SURNAMES",
    "THEMES",
    "TREES",
    "WijkProfile",
    "domain_block",
    "regional_insurer",
]

FICTIONAL_MARK = "Fictieve demodata: naam en gegevens zijn verzonnen."
"""Appended to every generated actor's description."""

DEMO_DATE = date(2026, 10, 1)
"""The day the demo data describes; every generated date lies between 2023-01-01 and it."""

EARLIEST = date(2023, 1, 1)
RECENT_FROM = DEMO_DATE - timedelta(days=365)
"""A link or actor whose ``since`` is on or after this day began recently."""
ENDED_FROM = date(2023, 6, 1)
ENDED_BY = DEMO_DATE - timedelta(days=90)
"""Ended links and actors have their ``until`` between ``ENDED_FROM`` and this day."""

MIN_ACTORS = 12

STALE_AFTER = 365
"""Days without confirmation after which the app calls a record stale (its default)."""
STALE_SHARE = (0.16, 0.24)
"""The share of a demo wijk's actors not confirmed for over a year lies in this range."""


# --------------------------------------------------------------------------------------
# the pilot wijken


@dataclass(frozen=True)
class WijkProfile:
    """How a demo wijk is generated: its identity and the shape of its network."""

    slug: str
    name: str
    gemeente: str
    cohort: Cohort | None
    size: int  # number of actors before a small seed-dependent jitter
    cross: float  # tendency to link across zorg and sociaal domein (0.02 fragmented - 0.2)
    brokers: int  # professionals with many ties into the other domain
    isolates: int  # initiatives without any link
    density: float  # links per actor, werkt_bij included
    coverage: tuple[float, float, float, float]  # share of fitting actors per kernaanpak:
    # doorbraakmethode, welzijn-op-recept, kernteam-ouderen, pluspraktijk


PILOT_WIJKEN: tuple[WijkProfile, ...] = (
    # cohort 1 (2025)
    WijkProfile(
        "bleijerheide-centrum-nulland",
        "Bleijerheide-Centrum-Nulland",
        "Kerkrade",
        1,
        132,
        0.10,
        2,
        3,
        2.0,
        (0.5, 0.7, 0.5, 0.6),
    ),
    WijkProfile("daalhof", "Daalhof", "Maastricht", 1, 112, 0.18, 3, 2, 2.2, (0.6, 0.8, 0.6, 0.7)),
    WijkProfile(
        "de-baandert", "De Baandert", "Sittard-Geleen", 1, 96, 0.06, 1, 3, 1.9, (0.4, 0.6, 0.3, 0.5)
    ),
    WijkProfile(
        "eijsden", "Eijsden", "Eijsden-Margraten", 1, 74, 0.13, 2, 2, 2.1, (0.3, 0.7, 0.7, 0.6)
    ),
    WijkProfile(
        "hoensbroek-noord",
        "Hoensbroek-Noord",
        "Heerlen",
        1,
        142,
        0.05,
        2,
        4,
        1.8,
        (0.6, 0.5, 0.4, 0.5),
    ),
    WijkProfile(
        "lindenheuvel",
        "Lindenheuvel",
        "Sittard-Geleen",
        1,
        86,
        0.09,
        1,
        2,
        2.0,
        (0.5, 0.6, 0.5, 0.4),
    ),
    # cohort 2
    WijkProfile(
        "douvenrade", "Douvenrade", "Heerlen", 2, 62, 0.04, 1, 3, 1.7, (0.3, 0.2, 0.2, 0.3)
    ),
    WijkProfile("elsloo", "Elsloo", "Stein", 2, 55, 0.08, 1, 2, 1.9, (0.1, 0.3, 0.4, 0.3)),
    WijkProfile("nuth", "Nuth", "Beekdaelen", 2, 68, 0.07, 2, 2, 1.9, (0.2, 0.3, 0.3, 0.2)),
    WijkProfile(
        "obbicht", "Obbicht", "Sittard-Geleen", 2, 44, 0.03, 1, 3, 1.6, (0.1, 0.1, 0.2, 0.2)
    ),
    WijkProfile(
        "schaesberg", "Schaesberg", "Landgraaf", 2, 92, 0.06, 1, 3, 1.8, (0.3, 0.2, 0.3, 0.3)
    ),
    WijkProfile(
        "schinveld", "Schinveld", "Beekdaelen", 2, 48, 0.12, 1, 1, 2.0, (0.2, 0.4, 0.3, 0.2)
    ),
)
PILOT_BY_SLUG = {p.slug: p for p in PILOT_WIJKEN}


# --------------------------------------------------------------------------------------
# fictional names

FIRST_NAMES: tuple[str, ...] = (
    "Anouk",
    "Bram",
    "Chantal",
    "Daan",
    "Eva",
    "Fleur",
    "Geert",
    "Hanneke",
    "Ilse",
    "Joep",
    "Karin",
    "Lars",
    "Maud",
    "Niels",
    "Olga",
    "Pieter",
    "Roel",
    "Sanne",
    "Tom",
    "Ellen",
    "Wim",
    "Yvonne",
    "Marloes",
    "Jos",
    "Mieke",
    "Sjef",
    "Truus",
    "Lei",
    "Harrie",
    "Noor",
    "Lotte",
    "Ruud",
    "Bianca",
    "Frank",
    "Ingrid",
    "Koen",
    "Linda",
    "Mark",
    "Nicole",
    "Paul",
    "Rianne",
    "Stefan",
    "Tanja",
    "Bart",
    "Carla",
    "Dennis",
    "Femke",
    "Guido",
    "Iris",
    "Jeroen",
    "Kim",
    "Luc",
    "Mariëlle",
    "Nina",
    "Patrick",
    "Renée",
    "Sandra",
    "Thijs",
    "Vera",
    "Wendy",
)
SURNAMES: tuple[str, ...] = (
    "Janssen",
    "Hendriks",
    "Smeets",
    "Peters",
    "Willems",
    "Vliegen",
    "Lemmens",
    "Schmeits",
    "Bemelmans",
    "Houben",
    "Coenen",
    "Wetzels",
    "Dassen",
    "Ramakers",
    "Hermans",
    "Brouwers",
    "Kusters",
    "Jacobs",
    "Gielen",
    "Pluijmen",
    "Frissen",
    "Kleijnen",
    "Bours",
    "Claessens",
    "Notermans",
    "Vaessen",
    "Quaedvlieg",
    "Slangen",
    "Schreurs",
    "Meijers",
    "Custers",
    "Habets",
    "Jeurissen",
    "Moonen",
    "Ortmans",
    "Paulissen",
    "Reinders",
    "Souren",
    "Thewissen",
    "Ummels",
    "Vossen",
    "Wolfs",
    "Bloemen",
    "Crombach",
    "Debets",
    "Engelen",
    "Franssen",
    "Geurts",
    "Heijnen",
    "Kessels",
    "Lardinois",
    "Merkx",
    "Nijsten",
    "Pelzer",
    "Rutten",
    "van der Linden",
    "de Bruijn",
    "van Dijk",
    "van Loon",
    "de Groot",
)

TREES = (
    "De Linde",
    "De Kastanje",
    "De Vlier",
    "De Beuk",
    "De Hazelaar",
    "De Wilg",
    "De Eik",
    "De Esdoorn",
    "De Meidoorn",
    "De Berk",
    "De Hulst",
    "De Notelaar",
    "De Plataan",
    "De Vogelkers",
    "De Taxus",
    "De Lijsterbes",
)
PLACES = (
    "Het Plein",
    "Het Anker",
    "De Brug",
    "De Poort",
    "Aan de Beek",
    "Op de Kamp",
    "De Hoeve",
    "Het Veld",
    "De Molen",
    "De Bron",
    "Het Hof",
    "De Akker",
    "De Steeg",
    "De Heuvel",
    "Het Erf",
    "De Kapel",
)
STREETS = (
    "Merelstraat",
    "Lijsterbeslaan",
    "Populierenweg",
    "Kastanjelaan",
    "Vlierstraat",
    "Akkerweg",
    "Molenweg",
    "Schoolstraat",
    "Beukenlaan",
    "Dorpstraat",
    "Kerkstraat",
    "Lindenplein",
    "Veldstraat",
    "Bongerd",
    "Hoogstraat",
    "Pastoriestraat",
)
SCHOOLS = (
    "De Regenboog",
    "De Wegwijzer",
    "De Vlinder",
    "De Kameleon",
    "De Zonnewijzer",
    "De Horizon",
    "De Triangel",
    "De Springplank",
    "Het Kompas",
    "De Toverbal",
)
CLUBS = (
    "Vooruit",
    "Groen-Wit",
    "Rood-Geel",
    "De Stappers",
    "Samen Sterk",
    "Blauw-Wit",
    "De Kaatsers",
    "Fit en Fijn",
)

# role -> (domain, id code, name templates); "{w}" is the wijk name, "{g}" the gemeente,
# "{t}" a tree, "{p}" a place, "{s}" a school name, "{c}" a club name
ORGS: dict[Role, tuple[Domain, str, tuple[str, ...]]] = {
    Role.GEMEENTE: (
        Domain.GEMEENTE,
        "gem",
        ("Gemeente {g}, gebiedsteam {w}", "Gemeente {g}, team Wmo {w}"),
    ),
    Role.HUISARTSENPRAKTIJK: (
        Domain.ZORG,
        "hap",
        ("Huisartsenpraktijk {t}", "Huisartsenpraktijk {p}"),
    ),
    Role.WELZIJNSORGANISATIE: (
        Domain.SOCIAAL,
        "wzo",
        ("Welzijn Plus {w}", "Stichting Samen {w}", "Vrijwilligerspunt {w}"),
    ),
    Role.WIJKVERPLEGING: (
        Domain.ZORG,
        "wvp",
        ("Wijkverpleging Thuis Nabij", "Thuiszorg {t}", "Wijkzorg {p}"),
    ),
    Role.POLITIE: (Domain.VEILIGHEID, "pol", ("Politie, wijkteam {w}",)),
    Role.WONINGCORPORATIE: (
        Domain.WONEN,
        "woco",
        ("Woonstichting Het Erf", "Wooncorporatie De Hoeksteen", "Woonstichting {t}"),
    ),
    Role.SCHULDHULPORGANISATIE: (
        Domain.WERK_EN_INKOMEN,
        "sho",
        ("Budgetcentrum Op Orde", "Stichting Geldzaken Helder"),
    ),
    Role.SCHOOL: (Domain.ONDERWIJS, "school", ("Basisschool {s}", "Kindcentrum {s}")),
    Role.APOTHEEK: (Domain.ZORG, "apo", ("Apotheek {t}", "Apotheek {p}")),
    Role.ZORGVERZEKERAAR: (
        Domain.ZORGVERZEKERAAR,
        "zvz",
        ("Zorgverzekeraar Zuid", "Zorgverzekeraar Maasland"),
    ),
    Role.OUDERENZORG: (Domain.ZORG, "ouz", ("Woonzorgcentrum {p}", "Dagbesteding {t}")),
    Role.GGZ_INSTELLING: (Domain.ZORG, "ggz", ("GGZ Dichtbij", "Stichting Mentaal {w}")),
    Role.JEUGDHULP: (Domain.SOCIAAL, "jgd", ("Centrum Jeugd en Gezin {w}", "Jeugdhulp Kompas")),
    Role.WIJKTEAM: (Domain.SOCIAAL, "wkt", ("Sociaal wijkteam {w}",)),
    Role.BIBLIOTHEEK: (Domain.SOCIAAL, "bib", ("Bibliotheekpunt {w}",)),
    Role.SPORTVERENIGING: (
        Domain.SOCIAAL,
        "sport",
        ("Sportvereniging {c}", "Wandelsportvereniging {c}"),
    ),
}
# every wijk has these, in this order of priority (small wijken drop the tail)
CORE_ORGS = (
    Role.GEMEENTE,
    Role.HUISARTSENPRAKTIJK,
    Role.WELZIJNSORGANISATIE,
    Role.WIJKVERPLEGING,
    Role.POLITIE,
    Role.WONINGCORPORATIE,
    Role.SCHULDHULPORGANISATIE,
    Role.HUISARTSENPRAKTIJK,
    Role.SCHOOL,
    Role.APOTHEEK,
)
EXTRA_ORGS = {
    Role.HUISARTSENPRAKTIJK: 3.0,
    Role.SCHOOL: 2.0,
    Role.OUDERENZORG: 2.0,
    Role.GGZ_INSTELLING: 0.6,
    Role.JEUGDHULP: 1.0,
    Role.WIJKTEAM: 1.0,
    Role.BIBLIOTHEEK: 0.7,
    Role.SPORTVERENIGING: 2.0,
    Role.APOTHEEK: 0.6,
    Role.WONINGCORPORATIE: 0.8,
    Role.WIJKVERPLEGING: 1.0,
    Role.WELZIJNSORGANISATIE: 1.0,
}

# role -> (domain, id code, organisations it may work at, weight in the mix)
PROS: dict[Role, tuple[Domain, str, tuple[Role, ...], float]] = {
    Role.HUISARTS: (Domain.ZORG, "ha", (Role.HUISARTSENPRAKTIJK,), 3.0),
    Role.POH_GGZ: (Domain.ZORG, "pohggz", (Role.HUISARTSENPRAKTIJK,), 1.1),
    Role.POH_SOMATIEK: (Domain.ZORG, "pohs", (Role.HUISARTSENPRAKTIJK,), 1.2),
    Role.FYSIOTHERAPEUT: (Domain.ZORG, "fysio", (Role.HUISARTSENPRAKTIJK,), 0.8),
    Role.WIJKVERPLEEGKUNDIGE: (Domain.ZORG, "wvk", (Role.WIJKVERPLEGING,), 3.0),
    Role.CASEMANAGER_DEMENTIE: (Domain.ZORG, "cmd", (Role.WIJKVERPLEGING, Role.OUDERENZORG), 1.0),
    Role.APOTHEKER: (Domain.ZORG, "apr", (Role.APOTHEEK,), 0.6),
    Role.JEUGDVERPLEEGKUNDIGE: (
        Domain.ZORG,
        "jvk",
        (Role.JEUGDHULP, Role.SCHOOL, Role.WIJKTEAM),
        0.7,
    ),
    Role.WELZIJNSCOACH: (Domain.SOCIAAL, "wzc", (Role.WELZIJNSORGANISATIE,), 2.0),
    Role.SOCIAAL_WERKER: (Domain.SOCIAAL, "sw", (Role.WELZIJNSORGANISATIE, Role.WIJKTEAM), 3.0),
    Role.WIJKMAKELAAR: (Domain.SOCIAAL, "wmk", (Role.WELZIJNSORGANISATIE, Role.GEMEENTE), 0.6),
    Role.OUDERENADVISEUR: (
        Domain.SOCIAAL,
        "oua",
        (Role.WELZIJNSORGANISATIE, Role.OUDERENZORG),
        1.0,
    ),
    Role.MANTELZORGCONSULENT: (Domain.SOCIAAL, "mzc", (Role.WELZIJNSORGANISATIE,), 0.7),
    Role.WMO_CONSULENT: (Domain.GEMEENTE, "wmo", (Role.GEMEENTE, Role.WIJKTEAM), 1.1),
    Role.BELEIDSMEDEWERKER: (Domain.GEMEENTE, "bm", (Role.GEMEENTE,), 0.5),
    Role.WIJKAGENT: (Domain.VEILIGHEID, "wa", (Role.POLITIE,), 0.6),
    Role.SCHULDHULPVERLENER: (Domain.WERK_EN_INKOMEN, "shv", (Role.SCHULDHULPORGANISATIE,), 1.0),
    Role.WOONCONSULENT: (Domain.WONEN, "woc", (Role.WONINGCORPORATIE,), 0.9),
}
# every wijk has at least one of each of these
CORE_PROS = (
    Role.HUISARTS,
    Role.POH_GGZ,
    Role.WELZIJNSCOACH,
    Role.WIJKMAKELAAR,
    Role.SOCIAAL_WERKER,
    Role.WIJKVERPLEEGKUNDIGE,
    Role.WIJKAGENT,
    Role.SCHULDHULPVERLENER,
    Role.WMO_CONSULENT,
    Role.HUISARTS,
)

# role -> (id code, name templates ("{w}" wijk, "{x}" a street, "{p}" a place), weight)
INITIATIVES: dict[Role, tuple[str, tuple[str, ...], float]] = {
    Role.WIJKONTBIJT: ("ontbijt", ("Wijkontbijt {p}", "Wijkontbijt {x}"), 2.0),
    Role.LIEF_EN_LEED_STRAAT: ("lls", ("Lief-en-leed-straat {x}",), 2.5),
    Role.BEWONERSCOALITIE: ("bwc", ("Bewonerscoalitie {w}", "Bewonersplatform {p}"), 0.8),
    Role.BUURTHUIS: (
        "bh",
        (
            "Buurthuis De Ontmoeting",
            "Buurthuis Het Trefpunt",
            "Buurthuis De Schakel",
            "Buurthuis Ons Huis",
        ),
        1.2,
    ),
    Role.VRIJWILLIGERSGROEP: (
        "vwg",
        (
            "Boodschappenhulp {w}",
            "Klusteam {w}",
            "Maatjesproject {w}",
            "Vrijwillige thuisbezoekers {p}",
        ),
        2.0,
    ),
    Role.MANTELZORGGROEP: ("mzg", ("Mantelzorgcafé {w}", "Praatgroep mantelzorgers {p}"), 1.0),
    Role.OVERIG: (
        "ini",
        (
            "Taalcafé {w}",
            "Reparatiecafé {w}",
            "Wandelgroep {p}",
            "Moestuin {x}",
            "Digicafé {w}",
            "Kledingruil {w}",
            "Koffieochtend {p}",
            "Beweegclub 55+ {w}",
        ),
        2.5,
    ),
}
INITIATIVE_LABELS = {
    Role.WIJKONTBIJT: "wijkontbijt",
    Role.LIEF_EN_LEED_STRAAT: "lief-en-leed-straat",
    Role.BEWONERSCOALITIE: "bewonerscoalitie",
    Role.BUURTHUIS: "buurthuis",
    Role.VRIJWILLIGERSGROEP: "vrijwilligersgroep",
    Role.MANTELZORGGROEP: "mantelzorggroep",
    Role.OVERIG: "bewonersactiviteit",
}

T = Theme
THEMES: dict[Role, tuple[Theme, ...]] = {
    Role.HUISARTSENPRAKTIJK: (
        T.MENTALE_GEZONDHEID,
        T.LEEFSTIJL,
        T.OUDEREN,
        T.ONBEKENDHEID_MET_HULP,
    ),
    Role.WELZIJNSORGANISATIE: (
        T.EENZAAMHEID,
        T.ONBEKENDHEID_MET_HULP,
        T.ARMOEDE_EN_SCHULDEN,
        T.MANTELZORG,
        T.OUDEREN,
    ),
    Role.WIJKVERPLEGING: (T.OUDEREN, T.MANTELZORG),
    Role.GGZ_INSTELLING: (T.MENTALE_GEZONDHEID, T.SCHAAMTE_OM_HULP),
    Role.GEMEENTE: (
        T.ARMOEDE_EN_SCHULDEN,
        T.ONBEKENDHEID_MET_HULP,
        T.WONEN_EN_LEEFBAARHEID,
        T.JEUGD_EN_GEZIN,
    ),
    Role.WONINGCORPORATIE: (T.WONEN_EN_LEEFBAARHEID, T.ARMOEDE_EN_SCHULDEN),
    Role.SCHOOL: (T.JEUGD_EN_GEZIN, T.TAAL_EN_DIGITALE_VAARDIGHEDEN, T.BEWEGEN_EN_SPORT),
    Role.POLITIE: (T.VEILIGHEID, T.WONEN_EN_LEEFBAARHEID),
    Role.SCHULDHULPORGANISATIE: (T.ARMOEDE_EN_SCHULDEN, T.SCHAAMTE_OM_HULP),
    Role.ZORGVERZEKERAAR: (T.LEEFSTIJL, T.OUDEREN, T.MENTALE_GEZONDHEID),
    Role.APOTHEEK: (T.OUDEREN, T.LEEFSTIJL),
    Role.OUDERENZORG: (T.OUDEREN, T.MANTELZORG, T.EENZAAMHEID),
    Role.JEUGDHULP: (T.JEUGD_EN_GEZIN, T.MENTALE_GEZONDHEID),
    Role.WIJKTEAM: (T.ARMOEDE_EN_SCHULDEN, T.JEUGD_EN_GEZIN, T.ONBEKENDHEID_MET_HULP),
    Role.BIBLIOTHEEK: (T.TAAL_EN_DIGITALE_VAARDIGHEDEN, T.EENZAAMHEID),
    Role.SPORTVERENIGING: (T.BEWEGEN_EN_SPORT, T.LEEFSTIJL, T.JEUGD_EN_GEZIN),
    Role.HUISARTS: (T.MENTALE_GEZONDHEID, T.LEEFSTIJL, T.OUDEREN, T.ONBEKENDHEID_MET_HULP),
    Role.POH_GGZ: (T.MENTALE_GEZONDHEID, T.EENZAAMHEID, T.SCHAAMTE_OM_HULP),
    Role.POH_SOMATIEK: (T.LEEFSTIJL, T.OUDEREN, T.BEWEGEN_EN_SPORT),
    Role.FYSIOTHERAPEUT: (T.BEWEGEN_EN_SPORT, T.OUDEREN),
    Role.WIJKVERPLEEGKUNDIGE: (T.OUDEREN, T.MANTELZORG, T.EENZAAMHEID),
    Role.CASEMANAGER_DEMENTIE: (T.OUDEREN, T.MANTELZORG),
    Role.APOTHEKER: (T.OUDEREN,),
    Role.JEUGDVERPLEEGKUNDIGE: (T.JEUGD_EN_GEZIN, T.LEEFSTIJL),
    Role.WELZIJNSCOACH: (
        T.EENZAAMHEID,
        T.MENTALE_GEZONDHEID,
        T.BEWEGEN_EN_SPORT,
        T.ONBEKENDHEID_MET_HULP,
    ),
    Role.SOCIAAL_WERKER: (
        T.ARMOEDE_EN_SCHULDEN,
        T.EENZAAMHEID,
        T.ONBEKENDHEID_MET_HULP,
        T.SCHAAMTE_OM_HULP,
        T.JEUGD_EN_GEZIN,
    ),
    Role.WIJKMAKELAAR: (T.WONEN_EN_LEEFBAARHEID, T.ONBEKENDHEID_MET_HULP, T.EENZAAMHEID),
    Role.OUDERENADVISEUR: (T.OUDEREN, T.EENZAAMHEID, T.MANTELZORG),
    Role.MANTELZORGCONSULENT: (T.MANTELZORG, T.OUDEREN),
    Role.WMO_CONSULENT: (T.OUDEREN, T.ONBEKENDHEID_MET_HULP, T.MANTELZORG),
    Role.BELEIDSMEDEWERKER: (T.ARMOEDE_EN_SCHULDEN, T.WONEN_EN_LEEFBAARHEID, T.EENZAAMHEID),
    Role.WIJKAGENT: (T.VEILIGHEID, T.WONEN_EN_LEEFBAARHEID),
    Role.SCHULDHULPVERLENER: (T.ARMOEDE_EN_SCHULDEN, T.SCHAAMTE_OM_HULP),
    Role.WOONCONSULENT: (T.WONEN_EN_LEEFBAARHEID, T.ARMOEDE_EN_SCHULDEN),
    Role.WIJKONTBIJT: (T.EENZAAMHEID, T.ARMOEDE_EN_SCHULDEN),
    Role.LIEF_EN_LEED_STRAAT: (T.EENZAAMHEID, T.OUDEREN, T.WONEN_EN_LEEFBAARHEID),
    Role.BEWONERSCOALITIE: (T.WONEN_EN_LEEFBAARHEID, T.VEILIGHEID, T.ONBEKENDHEID_MET_HULP),
    Role.BUURTHUIS: (T.EENZAAMHEID, T.ONBEKENDHEID_MET_HULP, T.OUDEREN),
    Role.VRIJWILLIGERSGROEP: (T.EENZAAMHEID, T.OUDEREN, T.MANTELZORG),
    Role.MANTELZORGGROEP: (T.MANTELZORG, T.EENZAAMHEID),
    Role.OVERIG: (
        T.TAAL_EN_DIGITALE_VAARDIGHEDEN,
        T.BEWEGEN_EN_SPORT,
        T.ARMOEDE_EN_SCHULDEN,
        T.EENZAAMHEID,
        T.LEEFSTIJL,
    ),
}
del T

K = Kernaanpak
KERNAANPAKKEN: dict[Role, tuple[Kernaanpak, ...]] = {
    Role.HUISARTSENPRAKTIJK: (K.PLUSPRAKTIJK, K.WELZIJN_OP_RECEPT),
    Role.WELZIJNSORGANISATIE: (K.WELZIJN_OP_RECEPT, K.KERNTEAM_OUDEREN),
    Role.WIJKVERPLEGING: (K.KERNTEAM_OUDEREN,),
    Role.OUDERENZORG: (K.KERNTEAM_OUDEREN,),
    Role.GEMEENTE: (K.DOORBRAAKMETHODE,),
    Role.WIJKTEAM: (K.DOORBRAAKMETHODE,),
    Role.SCHULDHULPORGANISATIE: (K.DOORBRAAKMETHODE,),
    Role.WONINGCORPORATIE: (K.DOORBRAAKMETHODE,),
    Role.ZORGVERZEKERAAR: (K.PLUSPRAKTIJK, K.WELZIJN_OP_RECEPT),
    Role.HUISARTS: (K.WELZIJN_OP_RECEPT, K.PLUSPRAKTIJK, K.KERNTEAM_OUDEREN),
    Role.POH_GGZ: (K.WELZIJN_OP_RECEPT, K.PLUSPRAKTIJK),
    Role.POH_SOMATIEK: (K.PLUSPRAKTIJK, K.KERNTEAM_OUDEREN),
    Role.WELZIJNSCOACH: (K.WELZIJN_OP_RECEPT,),
    Role.WIJKVERPLEEGKUNDIGE: (K.KERNTEAM_OUDEREN,),
    Role.CASEMANAGER_DEMENTIE: (K.KERNTEAM_OUDEREN,),
    Role.OUDERENADVISEUR: (K.KERNTEAM_OUDEREN,),
    Role.MANTELZORGCONSULENT: (K.KERNTEAM_OUDEREN,),
    Role.FYSIOTHERAPEUT: (K.KERNTEAM_OUDEREN,),
    Role.APOTHEKER: (K.KERNTEAM_OUDEREN,),
    Role.SOCIAAL_WERKER: (K.DOORBRAAKMETHODE, K.WELZIJN_OP_RECEPT),
    Role.SCHULDHULPVERLENER: (K.DOORBRAAKMETHODE,),
    Role.WMO_CONSULENT: (K.DOORBRAAKMETHODE, K.KERNTEAM_OUDEREN),
    Role.WOONCONSULENT: (K.DOORBRAAKMETHODE,),
    Role.MANTELZORGGROEP: (K.KERNTEAM_OUDEREN,),
}
COVERAGE_INDEX = {
    K.DOORBRAAKMETHODE: 0,
    K.WELZIJN_OP_RECEPT: 1,
    K.KERNTEAM_OUDEREN: 2,
    K.PLUSPRAKTIJK: 3,
}
del K

# (referrer, receiver): a link between these roles is often a verwijzing in this direction
REFERRALS: dict[tuple[Role, Role], str] = {
    (Role.HUISARTS, Role.WELZIJNSCOACH): "Welzijn op Recept",
    (Role.POH_GGZ, Role.WELZIJNSCOACH): "Welzijn op Recept",
    (Role.HUISARTS, Role.POH_GGZ): "",
    (Role.HUISARTS, Role.WIJKVERPLEEGKUNDIGE): "",
    (Role.HUISARTS, Role.CASEMANAGER_DEMENTIE): "",
    (Role.HUISARTS, Role.FYSIOTHERAPEUT): "",
    (Role.POH_SOMATIEK, Role.FYSIOTHERAPEUT): "",
    (Role.WIJKVERPLEEGKUNDIGE, Role.CASEMANAGER_DEMENTIE): "",
    (Role.WIJKVERPLEEGKUNDIGE, Role.OUDERENADVISEUR): "",
    (Role.SOCIAAL_WERKER, Role.SCHULDHULPVERLENER): "",
    (Role.WOONCONSULENT, Role.SCHULDHULPVERLENER): "",
    (Role.WIJKAGENT, Role.SOCIAAL_WERKER): "",
    (Role.WMO_CONSULENT, Role.SOCIAAL_WERKER): "",
    (Role.OUDERENADVISEUR, Role.WMO_CONSULENT): "",
    (Role.SOCIAAL_WERKER, Role.WELZIJNSCOACH): "",
    (Role.WELZIJNSCOACH, Role.MANTELZORGCONSULENT): "",
}

# how attractive an actor is as a partner (before a per-actor random factor)
PULL: dict[Role, float] = {
    Role.HUISARTSENPRAKTIJK: 1.4,
    Role.WELZIJNSORGANISATIE: 1.6,
    Role.GEMEENTE: 1.4,
    Role.HUISARTS: 1.2,
    Role.WELZIJNSCOACH: 1.5,
    Role.SOCIAAL_WERKER: 1.5,
    Role.WIJKVERPLEEGKUNDIGE: 1.4,
    Role.WIJKMAKELAAR: 2.0,
    Role.POH_GGZ: 1.2,
    Role.BUURTHUIS: 1.3,
    Role.BEWONERSCOALITIE: 1.2,
}
BROKER_ROLES = (
    Role.WIJKMAKELAAR,
    Role.POH_GGZ,
    Role.WELZIJNSCOACH,
    Role.SOCIAAL_WERKER,
    Role.WIJKVERPLEEGKUNDIGE,
    Role.OUDERENADVISEUR,
)

# blocks of the network: zorg (Z), sociaal domein and the other professional domains (S),
# residents' initiatives (I)
BLOCKS = {Domain.ZORG: "Z", Domain.ZORGVERZEKERAAR: "Z", Domain.INWONERS: "I"}


def domain_block(domain: Domain) -> str:
    return BLOCKS.get(domain, "S")


def regional_insurer() -> dict[str, Any]:
    """The fictional regional insurer, active in every generated wijk (the caller fills in
    its ``wijken``): a new record on every call."""
    role = Role.ZORGVERZEKERAAR
    return {
        "id": "regio-zvz-01",
        "kind": ActorKind.ORGANISATIE.value,
        "name": "Zorgverzekeraar Zuid",
        "domain": Domain.ZORGVERZEKERAAR.value,
        "role": role.value,
        "themes": [Theme.LEEFSTIJL.value, Theme.MENTALE_GEZONDHEID.value, Theme.OUDEREN.value],
        "kernaanpakken": [Kernaanpak.PLUSPRAKTIJK.value, Kernaanpak.WELZIJN_OP_RECEPT.value],
        "wijken": [],
        "description": f"Regionale zorgverzekeraar, actief in alle pilotwijken. {FICTIONAL_MARK}",
        "since": None,
        "until": None,
    }
