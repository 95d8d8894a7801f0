"""Dutch sentences for analysis results, phrased the way a PlusWIJkteam reads them."""

from __future__ import annotations

from collections.abc import Sequence

from graph.model import LABELS, Domain, Role, label

__all__ = [
    "bridge_text",
    "broker_text",
    "community_text",
    "cut_point_text",
    "domain_label",
    "names",
    "percent",
    "role_label",
]


def domain_label(value: str) -> str:
    try:
        return label(Domain(value))
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


def community_text(number: int, size: int, main: str, share: float, silo: bool) -> str:
    text = f"Groep {number}: {size} actoren, vooral {domain_label(main)} ({percent(share)})."
    if silo:
        text += f" Een silo: alle leden komen uit {domain_label(main)}."
    return text
