"""Dutch sentences for analysis results, phrased the way a PlusWIJkteam reads them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from graph.model import LABELS, Domain, Kernaanpak, Role, Theme, label

__all__ = [
    "FirstContact",
    "Pair",
    "bridge_text",
    "bridging_action",
    "bridging_fallback_text",
    "bridging_opening",
    "bridging_reason_text",
    "broker_text",
    "community_name",
    "community_text",
    "cut_point_text",
    "domain_label",
    "domains_reason",
    "fragments_reason",
    "groups_reason",
    "kernaanpak_label",
    "kernaanpak_reason",
    "names",
    "partners_reason",
    "percent",
    "role_label",
    "theme_label",
    "themes_reason",
    "zorg_sociaal_reason",
]

Pair = tuple[str, str] | None
"""The names of the two actors of a suggestion when a reason opens it (it then names
them), else None (the reason follows the opening and is phrased without names)."""


def domain_label(value: str) -> str:
    try:
        return label(Domain(value))
    except ValueError:
        return value


def theme_label(value: str) -> str:
    """``"armoede-en-schulden"`` becomes ``"armoede en schulden"``."""
    try:
        return label(Theme(value)).lower()
    except ValueError:
        return value


def kernaanpak_label(value: str) -> str:
    try:
        return label(Kernaanpak(value))
    except ValueError:
        return value


def role_label(value: str) -> str:
    """``"sociaal-werker"`` becomes ``"sociaal werker"``; ``"poh-ggz"`` becomes ``"POH-GGZ"``."""
    try:
        return LABELS.get(Role(value)) or value.replace("-", " ")
    except ValueError:
        return value


def percent(share: float) -> str:
    """``0.234`` becomes ``"23%"``; small non-zero shares show as ``"<1%"``."""
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100)}%"


def names(items: Sequence[str], limit: int = 3, total: int | None = None) -> str:
    """``["A", "B", "C", "D"]`` becomes ``"A, B, C en nog 1 andere"``.

    ``total`` is the number of items meant when ``items`` lists only the first few.

    >>> names(["A"]), names(["A", "B"]), names(["A", "B", "C", "D", "E"])
    ('A', 'A en B', 'A, B, C en nog 2 anderen')
    >>> names(["A", "B"], total=12)
    'A, B en nog 10 anderen'
    """
    items = list(items)
    total = max(total or 0, len(items))
    if total <= limit and len(items) == total:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]
    items = items[:limit]
    rest = total - len(items)
    return ", ".join(items[:limit]) + f" en nog {rest} {'andere' if rest == 1 else 'anderen'}"


def cut_point_text(
    who: str,
    parts: int,
    component: int,
    network: int,
    cut_off: Sequence[str],
    total: int,
    *,
    no_main_part: bool = False,
) -> str:
    """'Als X wegvalt, valt het netwerk uiteen in 3 delen: A en B raken los van de rest.'

    ``cut_off`` names (the first of) the ``total`` actors who lose the largest part; with
    ``no_main_part`` (no part is larger than the others) it names everyone, who then lose
    each other.

    >>> cut_point_text("Wijkcentrum De Brug", 2, 10, 10, ["Wijkontbijt"], 1)
    ... # doctest: +NORMALIZE_WHITESPACE
    'Als Wijkcentrum De Brug wegvalt, valt het netwerk uiteen in 2 delen: Wijkontbijt raakt
    los van de rest.'
    """
    where = (
        "het netwerk" if component == network else f"dit deel van het netwerk ({component} actoren)"
    )
    verb = "raakt" if total == 1 else "raken"
    rest = "elkaar" if no_main_part else "de rest"
    return (
        f"Als {who} wegvalt, valt {where} uiteen in {parts} delen: "
        f"{names(cut_off, total=total)} {verb} los van {rest}."
    )


def bridge_text(a: str, b: str, sides: tuple[int, int]) -> str:
    """Why a single tie matters: who hangs on it."""
    if min(sides) == 1 and max(sides) > 1:
        leaf, hub = (a, b) if sides[0] == 1 else (b, a)
        return f"{leaf} is alleen via {hub} met de rest van het netwerk verbonden."
    if max(sides) == 1:
        return f"{a} en {b} zijn alleen met elkaar verbonden, met niemand anders."
    small = min(sides)
    return (
        f"De verbinding tussen {a} en {b} is de enige tussen een groep van {small} actoren "
        "en de rest van het netwerk."
    )


def broker_text(who: str, betweenness: float, domains: Sequence[str]) -> str:
    reached = [domain_label(d) for d in domains]
    text = f"{who} ligt op de kortste weg tussen {percent(betweenness)} van alle paren actoren"
    if len(reached) > 1:
        text += f" en heeft contact met {len(reached)} domeinen ({names(reached, 5)})"
    return text + "."


def community_name(center: str) -> str:
    """A group is named after its most central member: ``"Groep rond Wijkcentrum De Brug"``."""
    return f"Groep rond {center}"


def community_text(name: str, size: int, main: str, share: float, silo: bool) -> str:
    """'Groep rond X: 12 actoren, vooral zorg (100%). Een silo: alle leden komen uit zorg.'

    >>> community_text("Groep rond Wijkcentrum De Brug", 5, "sociaal", 0.6, False)
    'Groep rond Wijkcentrum De Brug: 5 actoren, vooral sociaal domein (60%).'
    """
    domain = domain_label(main).lower()
    text = f"{name}: {size} actoren, vooral {domain} ({percent(share)})."
    if silo:
        text += f" Een silo: alle leden komen uit {domain}."
    return text


# Reasons of the suggestions ("wie moet wie ontmoeten"). The first reason of a suggestion
# opens it and names both actors (``pair``); the others follow without names.


def zorg_sociaal_reason(pair: Pair = None) -> str:
    why = "domeinoverstijgend samenwerken is waar PlusWIJken om draait."
    if pair:
        return f"{pair[0]} en {pair[1]} verbinden het zorgdomein en het sociaal domein: {why}"
    return f"Verbindt het zorgdomein en het sociaal domein: {why}"


def domains_reason(a: str, b: str, pair: Pair = None) -> str:
    """``a`` and ``b`` are domain values."""
    both = f"{domain_label(a)} en {domain_label(b)}"
    if pair:
        return f"{pair[0]} en {pair[1]} verbinden twee domeinen: {both}."
    return f"Verbindt twee domeinen: {both}."


def themes_reason(themes: Sequence[str], pair: Pair = None) -> str:
    """``themes`` are theme labels."""
    if pair:
        return f"{pair[0]} en {pair[1]} werken allebei aan {names(themes, 5)}."
    return f"Werken allebei aan {names(themes, 5)}."


def partners_reason(partners: Sequence[str], pair: Pair = None) -> str:
    word = "partner" if len(partners) == 1 else "partners"
    fact = f"{len(partners)} gezamenlijke {word} ({names(partners)})"
    close = "ze zitten dicht bij elkaar in het netwerk, een kennismaking ligt voor de hand."
    if pair:
        return f"{pair[0]} en {pair[1]} hebben {fact}: {close}"
    return f"Hebben {fact}: {close}"


def fragments_reason(sizes: tuple[int, int], pair: Pair = None) -> str:
    word = "actor" if sizes[0] == sizes[1] == 1 else "actoren"
    parts = (
        f"twee delen van het netwerk die nu los van elkaar staan ({sizes[0]} en {sizes[1]} {word})"
    )
    if pair:
        return f"{pair[0]} en {pair[1]} zitten in {parts}."
    return f"Verbindt {parts}."


def groups_reason(a: str, b: str, pair: Pair = None) -> str:
    """``a`` and ``b`` are the central members the groups are named after."""
    groups = f"twee groepen die nu weinig contact hebben: de groep rond {a} en de groep rond {b}"
    if pair:
        return f"{pair[0]} en {pair[1]} zitten in {groups}."
    return f"Verbindt {groups}."


def kernaanpak_reason(name: str, what: str, met: bool, pair: Pair = None) -> str:
    """``name`` is the kernaanpak, ``what`` the requirement their tie meets."""
    if met:
        if pair:
            return f"{pair[0]} en {pair[1]} kunnen samen {name} versterken: {what}."
        return f"Versterkt {name}: {what}."
    if pair:
        return (
            f"{pair[0]} en {pair[1]} kunnen samen een gat in {name} vullen: {what} "
            "ontbreekt nog in deze wijk."
        )
    return f"Vult een gat in {name}: {what} ontbreekt nog in deze wijk."


# The bridging suggestions: an isolated actor or a loose part of the network meets
# someone of the largest part.


def _alone(who: str, size: int) -> str:
    if size == 1:
        return f"{who} heeft nog met niemand contact"
    return (
        f"{who} hoort bij een los deel van het netwerk ({size} actoren zonder contact met de rest)"
    )


def bridging_reason_text(code: str, fact: str, other: str, *, inline: bool = False) -> str:
    """What ``other``, of the largest part, has in common with the member of a loose part:
    a sentence of its own, or (``inline``) a phrase after ``other``'s name in the opening.

    ``fact`` is what the code needs: the themes, kernaanpakken or domain (labels), the names
    of the similar contacts and their role, the role, the number of domains reached.

    >>> bridging_reason_text("brug_thema", "ouderen", "Jos Houben (wijkmakelaar)")
    'Werken allebei aan ouderen.'
    >>> bridging_reason_text("brug_thema", "ouderen", "Jos", inline=True)
    'werkt ook aan ouderen'
    """
    phrases = {
        "brug_thema": (f"werkt ook aan {fact}", f"Werken allebei aan {fact}."),
        "brug_kernaanpak": (f"doet ook mee aan {fact}", f"Doen allebei mee aan {fact}."),
        "brug_domein": (
            f"komt uit hetzelfde domein ({fact})",
            f"Komen uit hetzelfde domein: {fact}.",
        ),
        "brug_kent": (f"werkt al met {fact}", f"{other} werkt al met {fact}."),
        "brug_rol": (
            f"is als {fact} een goed eerste aanspreekpunt",
            f"{other} is als {fact} een goed eerste aanspreekpunt in de wijk.",
        ),
        "brug_bereik": (
            f"heeft al contact met {fact} domeinen",
            f"{other} heeft al contact met {fact} domeinen: een goede brug naar de rest "
            "van de wijk.",
        ),
    }
    phrase, sentence = phrases[code]
    return phrase if inline else sentence


def bridging_opening(who: str, size: int, other: str, code: str, fact: str) -> str:
    """'Buurthuis De Schakel heeft nog met niemand contact; Jos Houben (wijkmakelaar)
    werkt ook aan eenzaamheid en ouderen.'"""
    return f"{_alone(who, size)}; {other} {bridging_reason_text(code, fact, other, inline=True)}."


FirstContact = Literal["wijkmakelaar", "geen_wijkmakelaar", "besproken"]
"""Who the first contact is when nothing fits: the wijkmakelaar; the best-connected actor
because the largest part has no wijkmakelaar; or because its pairs were decided on."""


def bridging_fallback_text(
    who: str, size: int, other: str, first: FirstContact, *, decided: bool = False
) -> str:
    """No one of the largest part shares a theme, kernaanpak, domain or kind of contact
    (or, ``decided``, those who do were decided on already): the wijkmakelaar is the first
    contact, or else the best-connected actor."""
    if decided:
        why = "Wie in het grootste deel van het netwerk op dezelfde manier werkt, is al besproken."
    else:
        why = (
            "In het grootste deel van het netwerk heeft niemand dezelfde thema's, dezelfde "
            "kernaanpak of hetzelfde domein."
        )
    text = f"{_alone(who, size)}. {why} "
    if first == "wijkmakelaar":
        return text + f"Begin bij {other}: de wijkmakelaar is het eerste aanspreekpunt in de wijk."
    if first == "geen_wijkmakelaar":
        return text + (
            f"Deze wijk heeft daar geen wijkmakelaar; begin bij {other}, die in dat deel de "
            "meeste contacten heeft."
        )
    return text + f"Begin bij {other}, die in dat deel de meeste contacten heeft."


def bridging_action(who: str, size: int, other: str) -> str:
    if size == 1:
        return f"Vraag {other} om contact op te nemen met {who} en te helpen aansluiten in de wijk."
    return (
        f"Vraag {other} om contact op te nemen met {who}, zodat dat deel van het netwerk "
        "aansluit bij de rest."
    )
