"""Synthetic demo data for wijknet: fictional actors and links in the 12 pilot wijken.

**Fictieve demodata (synthetic).** The wijken are the real PlusWIJken pilot wijken, but every
organisation, professional, residents' initiative and collaboration generated here is made
up. Person names are random combinations of common Dutch and Limburg first names and
surnames, not real people; e-mail addresses use the reserved ``.example`` domain and phone
numbers start with ``06-00``, a range that is never issued. Every actor's description says
the data is fictional.

The generator is deterministic: the same ``seed`` gives the same data in every run and every
Python process (it uses only ``random.Random`` instances seeded with strings, never the
global random state, and never iterates over an unsorted set). All dates are fixed relative
to ``DEMO_DATE``, not to today, so "ended" and "recent" mean the same in every run.

- ``generate(seed)`` gives the 12 pilot wijken with 40-150 actors each: organisations,
  professionals (each working at an organisation of the same wijk) and inwonersinitiatieven,
  with dense clusters inside the zorgdomein and inside the sociaal domein, few ties across,
  a few brokers, some isolated initiatives, and links that ended or began recently. Wijken
  differ on purpose (size, cross-domain ties, brokers, kernaanpak coverage).
- ``load_demo(store)`` writes it with one ``bulk_upsert`` (loading twice changes nothing).
- ``generate_wijk(slug, n_actors, seed)`` and ``generate_region(n_actors, n_links, seed)``
  produce large synthetic data for benchmarks.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from graph.model import (
    ActorIn,
    ActorKind,
    BulkResult,
    Domain,
    Intensity,
    Kernaanpak,
    LinkIn,
    LinkKind,
    Role,
    Theme,
    WijkIn,
    label,
    normalise,
)

__all__ = [
    "DEMO_DATE",
    "FICTIONAL_MARK",
    "PILOT_WIJKEN",
    "DemoData",
    "WijkProfile",
    "generate",
    "generate_region",
    "generate_wijk",
    "load_demo",
]

FICTIONAL_MARK = "Fictieve demodata (synthetic): naam en gegevens zijn verzonnen."
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


# --------------------------------------------------------------------------------------
# the pilot wijken


@dataclass(frozen=True)
class WijkProfile:
    """How a demo wijk is generated: its identity and the shape of its network."""

    slug: str
    name: str
    gemeente: str
    cohort: int | None
    size: int  # number of actors before a small seed-dependent jitter
    cross: float  # tendency to link across zorg and sociaal domein (0.02 fragmented - 0.2)
    brokers: int  # professionals with many ties into the other domain
    isolates: int  # initiatives without any link
    density: float  # links per actor, werkt_bij included
    coverage: tuple[float, float, float, float]  # share of fitting actors per kernaanpak:
    # doorbraakmethode, welzijn-op-recept, kernteam-ouderen, pluspraktijk


PILOT_WIJKEN: tuple[WijkProfile, ...] = (
    # cohort 1 (2025)
    WijkProfile("bleijerheide-centrum-nulland", "Bleijerheide-Centrum-Nulland", "Kerkrade", 1,
                132, 0.10, 2, 3, 2.0, (0.5, 0.7, 0.5, 0.6)),
    WijkProfile("daalhof", "Daalhof", "Maastricht", 1,
                112, 0.18, 3, 2, 2.2, (0.6, 0.8, 0.6, 0.7)),
    WijkProfile("de-baandert", "De Baandert", "Sittard-Geleen", 1,
                96, 0.06, 1, 3, 1.9, (0.4, 0.6, 0.3, 0.5)),
    WijkProfile("eijsden", "Eijsden", "Eijsden-Margraten", 1,
                74, 0.13, 2, 2, 2.1, (0.3, 0.7, 0.7, 0.6)),
    WijkProfile("hoensbroek-noord", "Hoensbroek-Noord", "Heerlen", 1,
                142, 0.05, 2, 4, 1.8, (0.6, 0.5, 0.4, 0.5)),
    WijkProfile("lindenheuvel", "Lindenheuvel", "Sittard-Geleen", 1,
                86, 0.09, 1, 2, 2.0, (0.5, 0.6, 0.5, 0.4)),
    # cohort 2
    WijkProfile("douvenrade", "Douvenrade", "Heerlen", 2,
                62, 0.04, 1, 3, 1.7, (0.3, 0.2, 0.2, 0.3)),
    WijkProfile("elsloo", "Elsloo", "Stein", 2,
                55, 0.08, 1, 2, 1.9, (0.1, 0.3, 0.4, 0.3)),
    WijkProfile("nuth", "Nuth", "Beekdaelen", 2,
                68, 0.07, 2, 2, 1.9, (0.2, 0.3, 0.3, 0.2)),
    WijkProfile("obbicht", "Obbicht", "Sittard-Geleen", 2,
                44, 0.03, 1, 3, 1.6, (0.1, 0.1, 0.2, 0.2)),
    WijkProfile("schaesberg", "Schaesberg", "Landgraaf", 2,
                92, 0.06, 1, 3, 1.8, (0.3, 0.2, 0.3, 0.3)),
    WijkProfile("schinveld", "Schinveld", "Beekdaelen", 2,
                48, 0.12, 1, 1, 2.0, (0.2, 0.4, 0.3, 0.2)),
)
_PROFILES = {p.slug: p for p in PILOT_WIJKEN}


# --------------------------------------------------------------------------------------
# fictional names

FIRST_NAMES: tuple[str, ...] = (
    "Anouk", "Bram", "Chantal", "Daan", "Eva", "Fleur", "Geert", "Hanneke", "Ilse", "Joep",
    "Karin", "Lars", "Maud", "Niels", "Olga", "Pieter", "Roel", "Sanne", "Tom", "Ellen",
    "Wim", "Yvonne", "Marloes", "Jos", "Mieke", "Sjef", "Truus", "Lei", "Harrie", "Noor",
    "Lotte", "Ruud", "Bianca", "Frank", "Ingrid", "Koen", "Linda", "Mark", "Nicole", "Paul",
    "Rianne", "Stefan", "Tanja", "Bart", "Carla", "Dennis", "Femke", "Guido", "Iris", "Jeroen",
    "Kim", "Luc", "Mariëlle", "Nina", "Patrick", "Renée", "Sandra", "Thijs", "Vera", "Wendy",
)
SURNAMES: tuple[str, ...] = (
    "Janssen", "Hendriks", "Smeets", "Peters", "Willems", "Vliegen", "Lemmens", "Schmeits",
    "Bemelmans", "Houben", "Coenen", "Wetzels", "Dassen", "Ramakers", "Hermans", "Brouwers",
    "Kusters", "Jacobs", "Gielen", "Pluijmen", "Frissen", "Kleijnen", "Bours", "Claessens",
    "Notermans", "Vaessen", "Quaedvlieg", "Slangen", "Schreurs", "Meijers", "Custers",
    "Habets", "Jeurissen", "Moonen", "Ortmans", "Paulissen", "Reinders", "Souren", "Thewissen",
    "Ummels", "Vossen", "Wolfs", "Bloemen", "Crombach", "Debets", "Engelen", "Franssen",
    "Geurts", "Heijnen", "Kessels", "Lardinois", "Merkx", "Nijsten", "Pelzer", "Rutten",
    "van der Linden", "de Bruijn", "van Dijk", "van Loon", "de Groot",
)

_TREES = ("De Linde", "De Kastanje", "De Vlier", "De Beuk", "De Hazelaar", "De Wilg", "De Eik",
          "De Esdoorn", "De Meidoorn", "De Berk", "De Hulst", "De Notelaar", "De Plataan",
          "De Vogelkers", "De Taxus", "De Lijsterbes")
_PLACES = ("Het Plein", "Het Anker", "De Brug", "De Poort", "Aan de Beek", "Op de Kamp",
           "De Hoeve", "Het Veld", "De Molen", "De Bron", "Het Hof", "De Akker", "De Steeg",
           "De Heuvel", "Het Erf", "De Kapel")
_STREETS = ("Merelstraat", "Lijsterbeslaan", "Populierenweg", "Kastanjelaan", "Vlierstraat",
            "Akkerweg", "Molenweg", "Schoolstraat", "Beukenlaan", "Dorpstraat", "Kerkstraat",
            "Lindenplein", "Veldstraat", "Bongerd", "Hoogstraat", "Pastoriestraat")
_SCHOOLS = ("De Regenboog", "De Wegwijzer", "De Vlinder", "De Kameleon", "De Zonnewijzer",
            "De Horizon", "De Triangel", "De Springplank", "Het Kompas", "De Toverbal")
_CLUBS = ("Vooruit", "Groen-Wit", "Rood-Geel", "De Stappers", "Samen Sterk", "Blauw-Wit",
          "De Kaatsers", "Fit en Fijn")

# role -> (domain, id code, name templates); "{w}" is the wijk name, "{g}" the gemeente,
# "{t}" a tree, "{p}" a place, "{s}" a school name, "{c}" a club name
_ORGS: dict[Role, tuple[Domain, str, tuple[str, ...]]] = {
    Role.GEMEENTE: (Domain.GEMEENTE, "gem", ("Gemeente {g}, gebiedsteam {w}",
                                             "Gemeente {g}, team Wmo {w}")),
    Role.HUISARTSENPRAKTIJK: (Domain.ZORG, "hap", ("Huisartsenpraktijk {t}",
                                                   "Huisartsenpraktijk {p}")),
    Role.WELZIJNSORGANISATIE: (Domain.SOCIAAL, "wzo", ("Welzijn Plus {w}",
                                                       "Stichting Samen {w}",
                                                       "Vrijwilligerspunt {w}")),
    Role.WIJKVERPLEGING: (Domain.ZORG, "wvp", ("Wijkverpleging Thuis Nabij",
                                               "Thuiszorg {t}", "Wijkzorg {p}")),
    Role.POLITIE: (Domain.VEILIGHEID, "pol", ("Politie, wijkteam {w}",)),
    Role.WONINGCORPORATIE: (Domain.WONEN, "woco", ("Woonstichting Het Erf",
                                                   "Wooncorporatie De Hoeksteen",
                                                   "Woonstichting {t}")),
    Role.SCHULDHULPORGANISATIE: (Domain.WERK_EN_INKOMEN, "sho", ("Budgetcentrum Op Orde",
                                                                  "Stichting Geldzaken Helder")),
    Role.SCHOOL: (Domain.ONDERWIJS, "school", ("Basisschool {s}", "Kindcentrum {s}")),
    Role.APOTHEEK: (Domain.ZORG, "apo", ("Apotheek {t}", "Apotheek {p}")),
    Role.ZORGVERZEKERAAR: (Domain.ZORGVERZEKERAAR, "zvz", ("Zorgverzekeraar Zuid",
                                                           "Zorgverzekeraar Maasland")),
    Role.OUDERENZORG: (Domain.ZORG, "ouz", ("Woonzorgcentrum {p}", "Dagbesteding {t}")),
    Role.GGZ_INSTELLING: (Domain.ZORG, "ggz", ("GGZ Dichtbij", "Stichting Mentaal {w}")),
    Role.JEUGDHULP: (Domain.SOCIAAL, "jgd", ("Centrum Jeugd en Gezin {w}", "Jeugdhulp Kompas")),
    Role.WIJKTEAM: (Domain.SOCIAAL, "wkt", ("Sociaal wijkteam {w}",)),
    Role.BIBLIOTHEEK: (Domain.SOCIAAL, "bib", ("Bibliotheekpunt {w}",)),
    Role.SPORTVERENIGING: (Domain.SOCIAAL, "sport", ("Sportvereniging {c}",
                                                     "Wandelsportvereniging {c}")),
}
# every wijk has these, in this order of priority (small wijken drop the tail)
_CORE_ORGS = (Role.GEMEENTE, Role.HUISARTSENPRAKTIJK, Role.WELZIJNSORGANISATIE,
              Role.WIJKVERPLEGING, Role.POLITIE, Role.WONINGCORPORATIE,
              Role.SCHULDHULPORGANISATIE, Role.HUISARTSENPRAKTIJK, Role.SCHOOL, Role.APOTHEEK)
_EXTRA_ORGS = {Role.HUISARTSENPRAKTIJK: 3.0, Role.SCHOOL: 2.0, Role.OUDERENZORG: 2.0,
               Role.GGZ_INSTELLING: 0.6, Role.JEUGDHULP: 1.0, Role.WIJKTEAM: 1.0,
               Role.BIBLIOTHEEK: 0.7, Role.SPORTVERENIGING: 2.0, Role.APOTHEEK: 0.6,
               Role.WONINGCORPORATIE: 0.8, Role.WIJKVERPLEGING: 1.0,
               Role.WELZIJNSORGANISATIE: 1.0}

# role -> (domain, id code, organisations it may work at, weight in the mix)
_PROS: dict[Role, tuple[Domain, str, tuple[Role, ...], float]] = {
    Role.HUISARTS: (Domain.ZORG, "ha", (Role.HUISARTSENPRAKTIJK,), 3.0),
    Role.POH_GGZ: (Domain.ZORG, "pohggz", (Role.HUISARTSENPRAKTIJK,), 1.1),
    Role.POH_SOMATIEK: (Domain.ZORG, "pohs", (Role.HUISARTSENPRAKTIJK,), 1.2),
    Role.FYSIOTHERAPEUT: (Domain.ZORG, "fysio", (Role.HUISARTSENPRAKTIJK,), 0.8),
    Role.WIJKVERPLEEGKUNDIGE: (Domain.ZORG, "wvk", (Role.WIJKVERPLEGING,), 3.0),
    Role.CASEMANAGER_DEMENTIE: (Domain.ZORG, "cmd", (Role.WIJKVERPLEGING, Role.OUDERENZORG), 1.0),
    Role.APOTHEKER: (Domain.ZORG, "apr", (Role.APOTHEEK,), 0.6),
    Role.JEUGDVERPLEEGKUNDIGE: (Domain.ZORG, "jvk", (Role.JEUGDHULP, Role.SCHOOL, Role.WIJKTEAM),
                                0.7),
    Role.WELZIJNSCOACH: (Domain.SOCIAAL, "wzc", (Role.WELZIJNSORGANISATIE,), 2.0),
    Role.SOCIAAL_WERKER: (Domain.SOCIAAL, "sw", (Role.WELZIJNSORGANISATIE, Role.WIJKTEAM), 3.0),
    Role.WIJKMAKELAAR: (Domain.SOCIAAL, "wmk", (Role.WELZIJNSORGANISATIE, Role.GEMEENTE), 0.6),
    Role.OUDERENADVISEUR: (Domain.SOCIAAL, "oua", (Role.WELZIJNSORGANISATIE, Role.OUDERENZORG),
                           1.0),
    Role.MANTELZORGCONSULENT: (Domain.SOCIAAL, "mzc", (Role.WELZIJNSORGANISATIE,), 0.7),
    Role.WMO_CONSULENT: (Domain.GEMEENTE, "wmo", (Role.GEMEENTE, Role.WIJKTEAM), 1.1),
    Role.BELEIDSMEDEWERKER: (Domain.GEMEENTE, "bm", (Role.GEMEENTE,), 0.5),
    Role.WIJKAGENT: (Domain.VEILIGHEID, "wa", (Role.POLITIE,), 0.6),
    Role.SCHULDHULPVERLENER: (Domain.WERK_EN_INKOMEN, "shv", (Role.SCHULDHULPORGANISATIE,), 1.0),
    Role.WOONCONSULENT: (Domain.WONEN, "woc", (Role.WONINGCORPORATIE,), 0.9),
}
# every wijk has at least one of each of these
_CORE_PROS = (Role.HUISARTS, Role.POH_GGZ, Role.WELZIJNSCOACH, Role.WIJKMAKELAAR,
              Role.SOCIAAL_WERKER, Role.WIJKVERPLEEGKUNDIGE, Role.WIJKAGENT,
              Role.SCHULDHULPVERLENER, Role.WMO_CONSULENT, Role.HUISARTS)

# role -> (id code, name templates ("{w}" wijk, "{x}" a street, "{p}" a place), weight)
_INITIATIVES: dict[Role, tuple[str, tuple[str, ...], float]] = {
    Role.WIJKONTBIJT: ("ontbijt", ("Wijkontbijt {p}", "Wijkontbijt {x}"), 2.0),
    Role.LIEF_EN_LEED_STRAAT: ("lls", ("Lief-en-leed-straat {x}",), 2.5),
    Role.BEWONERSCOALITIE: ("bwc", ("Bewonerscoalitie {w}", "Bewonersplatform {p}"), 0.8),
    Role.BUURTHUIS: ("bh", ("Buurthuis De Ontmoeting", "Buurthuis Het Trefpunt",
                            "Buurthuis De Schakel", "Buurthuis Ons Huis"), 1.2),
    Role.VRIJWILLIGERSGROEP: ("vwg", ("Boodschappenhulp {w}", "Klusteam {w}",
                                      "Maatjesproject {w}", "Vrijwillige thuisbezoekers {p}"),
                              2.0),
    Role.MANTELZORGGROEP: ("mzg", ("Mantelzorgcafé {w}", "Praatgroep mantelzorgers {p}"), 1.0),
    Role.OVERIG: ("ini", ("Taalcafé {w}", "Reparatiecafé {w}", "Wandelgroep {p}",
                          "Moestuin {x}", "Digicafé {w}", "Kledingruil {w}",
                          "Koffieochtend {p}", "Beweegclub 55+ {w}"), 2.5),
}
_INITIATIVE_LABELS = {
    Role.WIJKONTBIJT: "wijkontbijt", Role.LIEF_EN_LEED_STRAAT: "lief-en-leed-straat",
    Role.BEWONERSCOALITIE: "bewonerscoalitie", Role.BUURTHUIS: "buurthuis",
    Role.VRIJWILLIGERSGROEP: "vrijwilligersgroep", Role.MANTELZORGGROEP: "mantelzorggroep",
    Role.OVERIG: "bewonersactiviteit",
}

T = Theme
_THEMES: dict[Role, tuple[Theme, ...]] = {
    Role.HUISARTSENPRAKTIJK: (T.MENTALE_GEZONDHEID, T.LEEFSTIJL, T.OUDEREN,
                              T.ONBEKENDHEID_MET_HULP),
    Role.WELZIJNSORGANISATIE: (T.EENZAAMHEID, T.ONBEKENDHEID_MET_HULP, T.ARMOEDE_EN_SCHULDEN,
                               T.MANTELZORG, T.OUDEREN),
    Role.WIJKVERPLEGING: (T.OUDEREN, T.MANTELZORG),
    Role.GGZ_INSTELLING: (T.MENTALE_GEZONDHEID, T.SCHAAMTE_OM_HULP),
    Role.GEMEENTE: (T.ARMOEDE_EN_SCHULDEN, T.ONBEKENDHEID_MET_HULP, T.WONEN_EN_LEEFBAARHEID,
                    T.JEUGD_EN_GEZIN),
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
    Role.WELZIJNSCOACH: (T.EENZAAMHEID, T.MENTALE_GEZONDHEID, T.BEWEGEN_EN_SPORT,
                         T.ONBEKENDHEID_MET_HULP),
    Role.SOCIAAL_WERKER: (T.ARMOEDE_EN_SCHULDEN, T.EENZAAMHEID, T.ONBEKENDHEID_MET_HULP,
                          T.SCHAAMTE_OM_HULP, T.JEUGD_EN_GEZIN),
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
    Role.OVERIG: (T.TAAL_EN_DIGITALE_VAARDIGHEDEN, T.BEWEGEN_EN_SPORT, T.ARMOEDE_EN_SCHULDEN,
                  T.EENZAAMHEID, T.LEEFSTIJL),
}
del T

K = Kernaanpak
_KERNAANPAKKEN: dict[Role, tuple[Kernaanpak, ...]] = {
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
_COVERAGE_INDEX = {K.DOORBRAAKMETHODE: 0, K.WELZIJN_OP_RECEPT: 1, K.KERNTEAM_OUDEREN: 2,
                   K.PLUSPRAKTIJK: 3}
del K

# (referrer, receiver): a link between these roles is often a verwijzing in this direction
_REFERRALS: dict[tuple[Role, Role], str] = {
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
_PULL: dict[Role, float] = {
    Role.HUISARTSENPRAKTIJK: 1.4, Role.WELZIJNSORGANISATIE: 1.6, Role.GEMEENTE: 1.4,
    Role.HUISARTS: 1.2, Role.WELZIJNSCOACH: 1.5, Role.SOCIAAL_WERKER: 1.5,
    Role.WIJKVERPLEEGKUNDIGE: 1.4, Role.WIJKMAKELAAR: 2.0, Role.POH_GGZ: 1.2,
    Role.BUURTHUIS: 1.3, Role.BEWONERSCOALITIE: 1.2,
}
_BROKER_ROLES = (Role.WIJKMAKELAAR, Role.POH_GGZ, Role.WELZIJNSCOACH, Role.SOCIAAL_WERKER,
                 Role.WIJKVERPLEEGKUNDIGE, Role.OUDERENADVISEUR)

# blocks of the network: zorg (Z), sociaal domein and the other professional domains (S),
# residents' initiatives (I)
_BLOCK = {Domain.ZORG: "Z", Domain.ZORGVERZEKERAAR: "Z", Domain.INWONERS: "I"}


def _block(domain: Domain) -> str:
    return _BLOCK.get(domain, "S")


_ORG, _PRO = ActorKind.ORGANISATIE.value, ActorKind.PROFESSIONAL.value
_INI = ActorKind.INITIATIEF.value
_SAMENWERKING, _VERWIJZING = LinkKind.SAMENWERKING.value, LinkKind.VERWIJZING.value
_WERKT_BIJ = LinkKind.WERKT_BIJ.value
_INTENSITY = (1,) * 25 + (2,) * 35 + (3,) * 25 + (4,) * 15  # index with a random 0-99
_INTENSITY_ACROSS = (1,) * 45 + (2,) * 40 + (3,) * 15
_LAST_ESTABLISHED = date(2025, 9, 30)
_BROKER_NOTE = "Verbindt zorg en sociaal domein."
_WOR_NOTE = "Welzijn op Recept: verwijst patiënten naar de welzijnscoach."


def _mixing(cross: float) -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    """For a source block: the target blocks and their cumulative probabilities."""
    rows = {
        "Z": {"Z": 1.0, "S": cross, "I": cross * 0.3},
        "S": {"S": 1.0, "Z": cross, "I": 0.3},
        "I": {"I": 0.45, "S": 1.0, "Z": cross * 0.5},
    }
    out = {}
    for block, row in rows.items():
        keys = tuple(row)
        total = sum(row.values())
        acc, cum = 0.0, []
        for key in keys:
            acc += row[key] / total
            cum.append(acc)
        out[block] = (keys, tuple(cum))
    return out


# --------------------------------------------------------------------------------------
# the result


@dataclass
class DemoData:
    """Generated wijken, actors and links, ready for ``GraphStore.bulk_upsert``."""

    wijken: list[WijkIn] = field(default_factory=list)
    actors: list[ActorIn] = field(default_factory=list)
    links: list[LinkIn] = field(default_factory=list)

    def actors_in(self, slug: str) -> list[ActorIn]:
        """The actors that belong to wijk ``slug``."""
        return [a for a in self.actors if slug in a.wijken]

    def links_in(self, slug: str) -> list[LinkIn]:
        """The links whose two ends both belong to wijk ``slug``."""
        ids = {a.id for a in self.actors_in(slug)}
        return [lk for lk in self.links if lk.source in ids and lk.target in ids]

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per wijk slug: (number of actors, number of links)."""
        return {w.slug: (len(self.actors_in(w.slug)), len(self.links_in(w.slug)))
                for w in self.wijken}


# --------------------------------------------------------------------------------------
# building one wijk


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> tuple[date | None, date | None]:
    """The days two actors both exist: (latest since, earliest until); None is open."""
    s1, s2, u1, u2 = a["since"], b["since"], a["until"], b["until"]
    lo = s2 if s1 is None else (s1 if s2 is None or s1 >= s2 else s2)
    hi = u2 if u1 is None else (u1 if u2 is None or u1 <= u2 else u2)
    return lo, hi


def _day(rng: random.Random, lo: date, hi: date) -> date:
    """A random day in lo..hi (both inclusive); lo when hi < lo."""
    span = (hi - lo).days
    return lo if span <= 0 else lo + timedelta(days=int(rng.random() * (span + 1)))


class _WijkBuilder:
    """Generates the actors and links of one wijk as plain dicts."""

    def __init__(
        self,
        rng: random.Random,
        *,
        slug: str,
        name: str,
        gemeente: str,
        n_actors: int,
        n_links: int,
        cross: float,
        brokers: int,
        isolates: int,
        coverage: Sequence[float],
        shared: Sequence[dict[str, Any]] = (),
        phone_counter: list[int] | None = None,
    ) -> None:
        self.rng = rng
        self.slug, self.name, self.gemeente = slug, name, gemeente
        self.n_actors, self.n_links = n_actors, n_links
        self.cross, self.n_brokers, self.n_isolates = cross, brokers, isolates
        self.coverage = tuple(coverage)
        self.shared = list(shared)  # regional actors already built, also active in this wijk
        self.phones = phone_counter if phone_counter is not None else [0]
        self.actors: list[dict[str, Any]] = []
        self.by_id: dict[str, dict[str, Any]] = {}
        self.links: list[dict[str, Any]] = []
        self.pairs: set[tuple[str, str]] = set()
        self.degree: dict[str, int] = {}
        self.role_of: dict[str, Role] = {}
        self.block_of: dict[str, str] = {}
        self.used_names: set[str] = set()
        self.name_counts: dict[str, int] = {}
        self.codes: dict[str, int] = {}
        self.staff: dict[str, list[str]] = {}  # organisation id -> professional ids
        self.isolated: list[str] = []
        self.brokers: list[str] = []

    # -- helpers -----------------------------------------------------------------------

    def _new_id(self, code: str, width: int) -> str:
        self.codes[code] = self.codes.get(code, 0) + 1
        return f"{self.slug}-{code}-{self.codes[code]:0{width}d}"

    def _width(self) -> int:
        """Digits in actor ids: ``daalhof-ha-03`` in a demo wijk, more in big ones."""
        return 2 if self.n_actors <= 200 else len(str(self.n_actors))

    def _unique(self, name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)``... when it is taken in this wijk."""
        candidate, k = name, self.name_counts.get(name, 1)
        while candidate in self.used_names:
            k += 1
            candidate = f"{name} ({k})"
        self.name_counts[name] = k
        self.used_names.add(candidate)
        return candidate

    def _fill(self, template: str) -> str:
        rng = self.rng
        values = {"w": self.name, "g": self.gemeente}
        for key, options in (("t", _TREES), ("p", _PLACES), ("s", _SCHOOLS), ("c", _CLUBS),
                             ("x", _STREETS)):
            if "{" + key + "}" in template:
                values[key] = rng.choice(options)
        return template.format(**values)

    def _place_name(self, templates: tuple[str, ...]) -> str:
        for _ in range(4):
            candidate = self._fill(self.rng.choice(templates))
            if candidate not in self.used_names:
                return self._unique(candidate)
        return self._unique(self._fill(templates[0]))

    def _person_name(self) -> tuple[str, str, str]:
        rng = self.rng
        tries = 25 if len(self.used_names) < 1500 else 3  # a huge wijk runs out of names
        for _ in range(tries):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            if f"{first} {last}" not in self.used_names:
                break
        full = f"{first} {last}"
        if full in self.used_names:  # very large wijken: add an initial
            for letter in "ABCDEFGHIJKLMNOPRSTVW":
                full = f"{first} {letter}. {last}"
                if full not in self.used_names:
                    break
        self.used_names.add(full)
        return first, last, full

    def _themes(self, role: Role, k_max: int = 3) -> list[str]:
        options = _THEMES.get(role, ())
        if not options:
            return []
        k = self.rng.randint(1, min(k_max, len(options)))
        return sorted(t.value for t in self.rng.sample(options, k))

    def _kernaanpakken(self, role: Role) -> list[str]:
        out = []
        for k in _KERNAANPAKKEN.get(role, ()):
            if self.rng.random() < self.coverage[_COVERAGE_INDEX[k]]:
                out.append(k.value)
        return sorted(out)

    def _actor_period(self, kind: ActorKind) -> tuple[date | None, date | None]:
        rng = self.rng
        if kind is ActorKind.ORGANISATIE:
            since = _day(rng, EARLIEST, date(2024, 12, 31)) if rng.random() < 0.1 else None
            return since, None
        p_end, p_new = (0.05, 0.07) if kind is ActorKind.PROFESSIONAL else (0.09, 0.10)
        r = rng.random()
        if r < p_end:
            until = _day(rng, date(2024, 1, 1) if kind is ActorKind.PROFESSIONAL else ENDED_FROM,
                         ENDED_BY)
            if rng.random() < 0.5:
                return _day(rng, EARLIEST, until - timedelta(days=120)), until
            return None, until
        if r < p_end + p_new:
            return _day(rng, RECENT_FROM, DEMO_DATE - timedelta(days=14)), None
        if rng.random() < 0.3:
            return _day(rng, EARLIEST, date(2025, 6, 30)), None
        return None, None

    def _register(self, record: dict[str, Any]) -> None:
        self.by_id[record["id"]] = record
        self.degree[record["id"]] = 0
        self.role_of[record["id"]] = Role(record["role"])
        self.block_of[record["id"]] = _block(Domain(record["domain"]))

    def _add_actor(self, record: dict[str, Any]) -> dict[str, Any]:
        self.actors.append(record)
        self._register(record)
        return record

    # -- actors ------------------------------------------------------------------------

    def build_actors(self) -> None:
        rng, n = self.rng, self.n_actors
        n_shared = len(self.shared)
        own = n - n_shared
        n_org = max(4, round(own * rng.uniform(0.19, 0.24)))
        n_ini = max(2, round(own * rng.uniform(0.18, 0.25)))
        n_pro = own - n_org - n_ini  # at least 5 in the smallest wijk (MIN_ACTORS)
        width = self._width()

        for shared in self.shared:
            self._register(shared)
            self.used_names.add(shared["name"])

        org_roles = list(_CORE_ORGS[:n_org])
        extra_roles = list(_EXTRA_ORGS)
        extra_cum = _cumulative([_EXTRA_ORGS[r] for r in extra_roles])
        while len(org_roles) < n_org:
            org_roles.append(extra_roles[_draw(rng, extra_cum)])
        if not self.shared and n_org >= 8:
            org_roles[-1] = Role.ZORGVERZEKERAAR  # a local insurer when no regional one
        orgs_by_role: dict[Role, list[str]] = {}
        for role in org_roles:
            domain, code, templates = _ORGS[role]
            since, until = self._actor_period(ActorKind.ORGANISATIE)
            name = self._place_name(templates)
            rec = self._add_actor({
                "id": self._new_id(code, width), "kind": _ORG,
                "name": name, "domain": domain.value, "role": role.value,
                "themes": self._themes(role), "kernaanpakken": self._kernaanpakken(role),
                "wijken": [self.slug],
                "description": f"{label(role)} in {self.name}. {FICTIONAL_MARK}",
                "since": since, "until": until,
            })
            orgs_by_role.setdefault(role, []).append(rec["id"])
            self.staff[rec["id"]] = []

        employers = {
            role: [oid for org_role in _PROS[role][2] for oid in orgs_by_role.get(org_role, ())]
            for role in _PROS
        }
        pro_roles = [r for r in _CORE_PROS if employers[r]][:n_pro]
        mix = [r for r in _PROS if employers[r]]
        mix_cum = _cumulative([_PROS[r][3] for r in mix])
        while len(pro_roles) < n_pro:
            pro_roles.append(mix[_draw(rng, mix_cum)])
        for role in pro_roles:
            self._add_professional(role, employers[role], width)

        ini_roles = list(_INITIATIVES)
        ini_cum = _cumulative([_INITIATIVES[r][2] for r in ini_roles])
        for _ in range(n_ini):
            role = ini_roles[_draw(rng, ini_cum)]
            code, templates, _w = _INITIATIVES[role]
            since, until = self._actor_period(ActorKind.INITIATIEF)
            themes = self._themes(role)
            what = _INITIATIVE_LABELS[role]
            self._add_actor({
                "id": self._new_id(code, width), "kind": _INI,
                "name": self._place_name(templates), "domain": Domain.INWONERS.value,
                "role": role.value, "themes": themes,
                "kernaanpakken": self._kernaanpakken(role), "wijken": [self.slug],
                "description": (
                    f"Inwonersinitiatief ({what}) in {self.name}, rond "
                    f"{', '.join(t.replace('-', ' ') for t in themes)}. {FICTIONAL_MARK}"
                ),
                "since": since, "until": until,
            })

    def _add_professional(self, role: Role, employers: list[str], width: int) -> None:
        rng = self.rng
        domain, code, _orgs, _w = _PROS[role]
        # the less busy of two organisations that could employ this role
        first, second = rng.choice(employers), rng.choice(employers)
        org_id = first if len(self.staff[first]) <= len(self.staff[second]) else second
        first_name, last_name, full = self._person_name()
        since, until = self._actor_period(ActorKind.PROFESSIONAL)
        org_since = self.by_id[org_id]["since"]
        if until is not None and org_since is not None and (until - org_since).days < 60:
            until = None  # nobody leaves an organisation before it existed
        contact = None
        if rng.random() < 0.35:
            self.phones[0] += 1
            local = f"{normalise(first_name)}.{normalise(last_name)}".replace(" ", "")
            contact = {"email": f"{local}@voorbeeld.example",
                       "phone": f"06-00{self.phones[0] % 1_000_000:06d}"}
        org_name = self.by_id[org_id]["name"]
        rec = self._add_actor({
            "id": self._new_id(code, width), "kind": _PRO,
            "name": full, "domain": domain.value, "role": role.value,
            "themes": self._themes(role), "kernaanpakken": self._kernaanpakken(role),
            "wijken": [self.slug], "organisation": org_id,
            "description": f"{label(role)} bij {org_name}. {FICTIONAL_MARK}",
            "contact": contact, "since": since, "until": until,
        })
        self.staff[org_id].append(rec["id"])

    # -- links -------------------------------------------------------------------------

    def _link_period(self, lo: date | None, hi: date | None) -> tuple[date | None, date | None]:
        rng = self.rng
        start = lo or EARLIEST
        if hi is not None:  # one end has ended: so has the link
            until = hi if rng.random() < 0.7 else _day(rng, start, hi)
            since = lo if lo is not None or rng.random() < 0.5 else _day(rng, EARLIEST, until)
            return since, until
        r = rng.random()
        if r < 0.07 and max(start, ENDED_FROM) < ENDED_BY:
            until = _day(rng, max(start, ENDED_FROM), ENDED_BY)
            since = lo if lo is not None or rng.random() < 0.4 else _day(rng, EARLIEST, until)
            return since, until
        if r < 0.17:
            return _day(rng, max(start, RECENT_FROM), DEMO_DATE), None
        if r < 0.5:
            last = _LAST_ESTABLISHED
            return (_day(rng, start, last) if start < last else _day(rng, start, DEMO_DATE)), None
        return lo, None

    def _link(self, source: str, target: str, *, kind: str = _SAMENWERKING,
              intensity: int = 0, note: str = "",
              period: tuple[date | None, date | None] | None = None) -> bool:
        """Add a link unless it is a self-link, a duplicate pair or its ends never overlap.

        ``intensity`` 0 draws one; ``period`` None draws since/until within the days both
        ends exist.
        """
        if source == target:
            return False
        pair = (source, target) if source < target else (target, source)
        if pair in self.pairs:
            return False
        if period is None:
            lo, hi = _overlap(self.by_id[source], self.by_id[target])
            if lo is not None and hi is not None and (hi - lo).days < 30:
                return False
            period = self._link_period(lo, hi)
        if not intensity:
            intensity = _INTENSITY[int(self.rng.random() * 100)]
        self.pairs.add(pair)
        self.degree[source] += 1
        self.degree[target] += 1
        link: dict[str, Any] = {"source": source, "target": target, "kind": kind,
                                "intensity": intensity}
        if note:
            link["note"] = note
        if period[0] is not None:
            link["since"] = period[0]
        if period[1] is not None:
            link["until"] = period[1]
        self.links.append(link)
        return True

    def _room(self) -> bool:
        return len(self.links) < self.n_links

    def build_links(self) -> None:
        rng = self.rng
        # 1. every professional works at its organisation
        for actor in self.actors:
            if actor["kind"] == _PRO:
                since, until = actor["since"], actor["until"]
                lo, _hi = _overlap(actor, self.by_id[actor["organisation"]])
                if until is None or (lo is not None and lo <= until):
                    since = lo  # not before the organisation existed
                self._link(actor["id"], actor["organisation"], kind=_WERKT_BIJ,
                           intensity=int(Intensity.SAMENWERKEN), period=(since, until))

        # 2. some initiatives stay outside the network altogether
        candidates = [a["id"] for a in self.actors if a["kind"] == _INI and a["until"] is None]
        self.isolated = sorted(rng.sample(candidates, min(self.n_isolates, len(candidates))))
        isolated = set(self.isolated)

        # 3. colleagues at one organisation know each other well
        for org_id, staff in self.staff.items():
            if len(staff) < 2:
                continue
            if len(staff) <= 5:
                pairs = [(staff[i], staff[j]) for i in range(len(staff))
                         for j in range(i + 1, len(staff))]
                pairs = [p for p in pairs if rng.random() < 0.7]
            else:
                pairs = [(p, rng.choice(staff)) for p in staff for _ in range(2)]
            note = f"Collega's bij {self.by_id[org_id]['name']}."
            for p, q in pairs:
                if not self._room():
                    break
                self._link(p, q, intensity=3 + (rng.random() < 0.5), note=note)

        blocks: dict[str, list[str]] = {"Z": [], "S": [], "I": []}
        weights: dict[str, list[float]] = {"Z": [], "S": [], "I": []}
        all_ids, all_w = [], []
        for actor_id, a in self.by_id.items():
            if actor_id in isolated:
                continue
            pull = _PULL.get(self.role_of[actor_id], 0.6 if a["kind"] == _INI else 1.0)
            w = pull * rng.lognormvariate(0.0, 0.6)
            block = self.block_of[actor_id]
            blocks[block].append(actor_id)
            weights[block].append(w)
            all_ids.append(actor_id)
            all_w.append(w)
        cum = {b: _cumulative(ws) for b, ws in weights.items()}
        all_cum = _cumulative(all_w)

        def pick(block: str) -> str | None:
            ids = blocks[block]
            return ids[_draw(rng, cum[block])] if ids else None

        # 4. Welzijn op Recept: GPs and POH-GGZ refer to the welzijnscoach
        wor = Kernaanpak.WELZIJN_OP_RECEPT.value
        coaches = [a["id"] for a in self.actors
                   if a["role"] == Role.WELZIJNSCOACH.value and wor in a["kernaanpakken"]]
        referrers = (Role.HUISARTS.value, Role.POH_GGZ.value)
        if coaches:
            for a in self.actors:
                if (a["role"] in referrers and wor in a["kernaanpakken"]
                        and rng.random() < 0.6 and self._room()):
                    self._link(a["id"], rng.choice(coaches), kind=_VERWIJZING,
                               intensity=rng.choice((2, 3)), note=_WOR_NOTE)

        # 5. brokers: a few professionals with many ties into the other domain
        broker_candidates = [
            a for role in _BROKER_ROLES for a in self.actors
            if a["role"] == role.value and a["until"] is None and a["id"] not in isolated
        ]
        for a in broker_candidates:
            if len(self.brokers) >= self.n_brokers:
                break
            if self.brokers and rng.random() < 0.3:
                continue
            self.brokers.append(a["id"])
            home = self.block_of[a["id"]]
            other = "S" if home == "Z" else "Z"
            # well rooted in its own domain, and with many ties into the other one
            reach = max(2, round(rng.uniform(3.0, 7.0) * min(1.0, self.cross / 0.1)))
            for block, wanted, note in ((home, rng.randint(2, 3), ""),
                                        (other, reach, _BROKER_NOTE)):
                made = 0
                for _ in range(40):
                    if made >= wanted:
                        break
                    target = pick(block)
                    if target is not None and self._link(
                        a["id"], target, intensity=rng.choice((2, 3, 3, 4)), note=note
                    ):
                        made += 1
            for _ in range(rng.randint(0, 2)):  # and residents' initiatives
                target = pick("I")
                if target is not None:
                    self._link(a["id"], target, note=_BROKER_NOTE if other == "S" else "")

        # 6. every other actor gets at least one tie (a few tries each) ...
        mixing = _mixing(self.cross)

        def partner(source: str) -> tuple[str | None, str, str]:
            src_block = self.block_of[source]
            keys, cum_p = mixing[src_block]
            target_block = keys[bisect.bisect_left(cum_p, rng.random() * cum_p[-1])]
            return pick(target_block), src_block, target_block

        def collaborate(source: str, target: str, src_block: str, target_block: str) -> None:
            kind, note = _SAMENWERKING, ""
            rs, rt = self.role_of[source], self.role_of[target]
            if (rt, rs) in _REFERRALS:
                source, target, rs, rt = target, source, rt, rs
            if (rs, rt) in _REFERRALS and rng.random() < 0.6:
                kind = _VERWIJZING
                if _REFERRALS[(rs, rt)]:
                    note = f"{_REFERRALS[(rs, rt)]}."
            intensity = 0
            if target_block != src_block and "I" not in (src_block, target_block):
                intensity = _INTENSITY_ACROSS[int(rng.random() * 100)]
            self._link(source, target, kind=kind, intensity=intensity, note=note)

        for source in all_ids:
            for _ in range(20):
                if self.degree[source] > 0:
                    break
                target, src_block, target_block = partner(source)
                if target is not None:
                    collaborate(source, target, src_block, target_block)

        # 7. ... then the rest, mostly inside a block and seldom across
        attempts = 0
        while self._room() and attempts < 30 * self.n_links + 100:
            attempts += 1
            source = all_ids[_draw(rng, all_cum)]
            target, src_block, target_block = partner(source)
            if target is not None:
                collaborate(source, target, src_block, target_block)

    def link_shared(self, per_shared: int) -> None:
        """Link each regional actor to a few organisations of this wijk."""
        targets = [a["id"] for a in self.actors if a["role"] in (
            Role.HUISARTSENPRAKTIJK.value, Role.GEMEENTE.value, Role.WIJKVERPLEGING.value,
            Role.WELZIJNSORGANISATIE.value)]
        for shared in self.shared:
            for target in self.rng.sample(targets, min(per_shared, len(targets))):
                self._link(shared["id"], target, intensity=self.rng.choice((1, 2, 2, 3)),
                           note="Contractafspraken en preventie.")


def _cumulative(weights: Sequence[float]) -> list[float]:
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc)
    return out


def _draw(rng: random.Random, cum: Sequence[float]) -> int:
    """An index drawn with the weights whose running sums are ``cum``."""
    return min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)


# --------------------------------------------------------------------------------------
# public API


def _regional_insurer() -> dict[str, Any]:
    role = Role.ZORGVERZEKERAAR
    return {
        "id": "regio-zvz-01", "kind": _ORG,
        "name": "Zorgverzekeraar Zuid", "domain": Domain.ZORGVERZEKERAAR.value,
        "role": role.value,
        "themes": [Theme.LEEFSTIJL.value, Theme.MENTALE_GEZONDHEID.value, Theme.OUDEREN.value],
        "kernaanpakken": [Kernaanpak.PLUSPRAKTIJK.value, Kernaanpak.WELZIJN_OP_RECEPT.value],
        "wijken": [],
        "description": f"Regionale zorgverzekeraar, actief in alle pilotwijken. {FICTIONAL_MARK}",
        "since": None, "until": None,
    }


def _finish(wijken: list[WijkIn], builders: list[_WijkBuilder],
            shared: Sequence[dict[str, Any]], extra_links: Sequence[dict[str, Any]] = (),
            link_prefix: str | None = None) -> DemoData:
    """Number the links, validate every record and wrap it up."""
    actors = [ActorIn.model_validate(a) for a in shared]
    links: list[LinkIn] = []
    for b in builders:
        actors.extend(ActorIn.model_validate(a) for a in b.actors)
        width = max(4, len(str(len(b.links))))
        for i, lk in enumerate(b.links, start=1):
            lk["id"] = f"{b.slug}-link-{i:0{width}d}"
            links.append(LinkIn.model_validate(lk))
    width = max(4, len(str(len(extra_links))))
    for i, lk in enumerate(extra_links, start=1):
        lk["id"] = f"{link_prefix or 'regio'}-link-{i:0{width}d}"
        links.append(LinkIn.model_validate(lk))
    return DemoData(wijken=wijken, actors=actors, links=links)


def generate(seed: int = 2025) -> DemoData:
    """The synthetic demo data of the 12 pilot wijken (identical for identical seeds).

    Each wijk gets 40-150 actors and its own network shape (see ``PILOT_WIJKEN``); one
    fictional regional insurer is active in all of them.
    """
    insurer = _regional_insurer()
    insurer["wijken"] = sorted(p.slug for p in PILOT_WIJKEN)
    phones = [0]
    wijken, builders = [], []
    for p in PILOT_WIJKEN:
        rng = random.Random(f"wijknet-demo:{seed}:{p.slug}")
        n = max(40, min(150, p.size + rng.randint(-6, 6)))
        b = _WijkBuilder(
            rng, slug=p.slug, name=p.name, gemeente=p.gemeente, n_actors=n,
            n_links=round(n * p.density * rng.uniform(0.95, 1.05)), cross=p.cross,
            brokers=p.brokers, isolates=p.isolates, coverage=p.coverage, shared=[insurer],
            phone_counter=phones,
        )
        b.build_actors()
        b.link_shared(rng.randint(1, 3))
        b.build_links()
        wijken.append(WijkIn(slug=p.slug, name=p.name, gemeente=p.gemeente, cohort=p.cohort))
        builders.append(b)
    return _finish(wijken, builders, [insurer])


def generate_wijk(
    slug: str,
    n_actors: int,
    seed: int = 2025,
    *,
    links_per_actor: float = 4.0,
    cross: float | None = None,
    name: str | None = None,
    gemeente: str | None = None,
) -> DemoData:
    """One large synthetic wijk for benchmarks: ``n_actors`` actors and
    ``round(links_per_actor * n_actors)`` links (werkt_bij included; mean degree twice
    ``links_per_actor``), with the structure of the demo (domain clusters, brokers,
    isolates, ended and recent links). The count is exact unless it is below the ties
    every wijk gets anyway (about 1.5 per actor: werkt_bij, brokers, a first tie for each
    actor) or above what a very small wijk can hold.

    A pilot slug takes that wijk's name, gemeente and network shape; any other slug gets
    a generic one. ``cross`` overrides the tendency to link across domains.
    """
    if n_actors < MIN_ACTORS:
        raise ValueError(f"n_actors must be at least {MIN_ACTORS}")
    if links_per_actor < 0:
        raise ValueError("links_per_actor cannot be negative")
    profile = _PROFILES.get(slug)
    rng = random.Random(f"wijknet-wijk:{seed}:{slug}:{n_actors}")
    wijk_name = name or (profile.name if profile else slug.replace("-", " ").title())
    wijk_gemeente = gemeente or (profile.gemeente if profile else "Voorbeeldgemeente")
    scale = max(1, n_actors // 100)
    b = _WijkBuilder(
        rng, slug=slug, name=wijk_name, gemeente=wijk_gemeente, n_actors=n_actors,
        n_links=round(links_per_actor * n_actors),
        cross=cross if cross is not None else (profile.cross if profile else 0.1),
        brokers=(profile.brokers if profile else 2) * scale,
        isolates=(profile.isolates if profile else 2) * scale,
        coverage=profile.coverage if profile else (0.4, 0.5, 0.4, 0.4),
    )
    b.build_actors()
    b.build_links()
    wijk = WijkIn(slug=slug, name=wijk_name, gemeente=wijk_gemeente,
                  cohort=profile.cohort if profile else None)
    return _finish([wijk], [b], [])


def generate_region(
    n_actors: int = 20_000,
    n_links: int = 150_000,
    seed: int = 2025,
    *,
    n_wijken: int = 12,
    cross_wijk_share: float = 0.02,
) -> DemoData:
    """A synthetic region for benchmarks: exactly ``n_actors`` actors and ``n_links`` links
    over ``n_wijken`` wijken (20,000 actors and 150,000 links take a few seconds, most of
    it pydantic validation). The link count is exact when it is at least about 1.5 per
    actor (see ``generate_wijk``).

    The first wijken are the pilot wijken (sized in proportion to the demo), further ones
    are called ``synthetische-wijk-13`` and so on. One regional insurer is active in all
    wijken; ``cross_wijk_share`` of the links join actors of different wijken.
    """
    if n_wijken < 1 or n_actors < 1 + (MIN_ACTORS - 1) * n_wijken:
        raise ValueError(f"n_actors must be at least {MIN_ACTORS - 1} per wijk, plus one")
    profiles = [
        PILOT_WIJKEN[i] if i < len(PILOT_WIJKEN) else WijkProfile(
            f"synthetische-wijk-{i + 1}", f"Synthetische wijk {i + 1}", "Voorbeeldgemeente",
            None, 80, 0.08, 1, 2, 2.0, (0.3, 0.4, 0.3, 0.3))
        for i in range(n_wijken)
    ]
    rng = random.Random(f"wijknet-region:{seed}:{n_actors}:{n_links}:{n_wijken}")
    insurer = _regional_insurer()
    insurer["wijken"] = sorted(p.slug for p in profiles)
    floor = MIN_ACTORS - 1  # each wijk also holds the insurer
    sizes = [floor + k for k in _apportion(n_actors - 1 - floor * n_wijken,
                                           [p.size for p in profiles])]
    n_cross = round(n_links * cross_wijk_share) if n_wijken > 1 else 0
    link_counts = _apportion(n_links - n_cross, sizes)
    phones = [0]
    wijken, builders = [], []
    for p, size, m in zip(profiles, sizes, link_counts):
        b = _WijkBuilder(
            random.Random(f"wijknet-region:{seed}:{p.slug}:{size}:{m}"),
            slug=p.slug, name=p.name, gemeente=p.gemeente, n_actors=size + 1, n_links=m,
            cross=p.cross, brokers=p.brokers * max(1, size // 100),
            isolates=p.isolates * max(1, size // 100), coverage=p.coverage, shared=[insurer],
            phone_counter=phones,
        )
        b.build_actors()
        b.link_shared(3)
        b.build_links()
        wijken.append(WijkIn(slug=p.slug, name=p.name, gemeente=p.gemeente, cohort=p.cohort))
        builders.append(b)

    # links between wijken: organisations and professionals working across the wijkgrens
    by_id = {a["id"]: a for b in builders for a in b.actors}
    pools = [[a["id"] for a in b.actors if a["kind"] != _INI] for b in builders]
    pairs = {pair for b in builders for pair in b.pairs}
    extra: list[dict[str, Any]] = []
    attempts = 0
    while len(extra) < n_cross and len(builders) > 1 and attempts < 30 * n_cross + 100:
        attempts += 1
        i, j = rng.sample(range(len(builders)), 2)
        s, t = rng.choice(pools[i]), rng.choice(pools[j])
        pair = (s, t) if s < t else (t, s)
        if pair in pairs:
            continue
        lo, hi = _overlap(by_id[s], by_id[t])
        if lo is not None and hi is not None and (hi - lo).days < 30:
            continue
        pairs.add(pair)
        link: dict[str, Any] = {"source": s, "target": t, "kind": _SAMENWERKING,
                                "intensity": rng.choice((1, 2, 2, 3))}
        if lo is not None:
            link["since"] = lo
        if hi is not None:
            link["until"] = hi
        extra.append(link)
    return _finish(wijken, builders, [insurer], extra, link_prefix="regio")


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers in proportion to ``weights`` (largest remainder)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def load_demo(store: Any, *, by: str = "demo", seed: int = 2025,
              data: DemoData | None = None) -> BulkResult:
    """Write the demo data (or ``data``) into ``store`` with one ``bulk_upsert``.

    Idempotent: loading the same data again leaves every record unchanged.
    """
    data = data if data is not None else generate(seed)
    return store.bulk_upsert(wijken=data.wijken, actors=data.actors, links=data.links, by=by)
