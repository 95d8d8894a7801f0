"""Small hand-made wijken for the analysis tests, built as store snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime

from graph.model import Actor, Link, Snapshot, Wijk

AT = datetime(2025, 1, 1, tzinfo=UTC)
DAY = date(2025, 6, 1)


def wijk(slug: str = "testwijk", name: str = "Testwijk") -> Wijk:
    return Wijk(
        slug=slug, name=name, gemeente="Teststad", cohort=1, version=1, created_at=AT, updated_at=AT
    )


def actor(
    id: str,
    domain: str = "zorg",
    role: str = "overig",
    *,
    kind: str | None = None,
    name: str | None = None,
    themes: tuple[str, ...] = (),
    kernaanpakken: tuple[str, ...] = (),
    organisation: str | None = None,
    wijken: tuple[str, ...] = ("testwijk",),
    since: date | None = None,
    until: date | None = None,
) -> Actor:
    if kind is None:
        kind = "professional" if organisation else "organisatie"
    return Actor(
        id=id,
        kind=kind,
        name=name or id.upper(),
        domain=domain,
        role=role,
        themes=list(themes),
        kernaanpakken=list(kernaanpakken),
        wijken=list(wijken),
        organisation=organisation,
        since=since,
        until=until,
        version=1,
        created_at=AT,
        updated_at=AT,
    )


def link(
    source: str,
    target: str,
    kind: str = "samenwerking",
    intensity: int = 2,
    id: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Link:
    return Link(
        id=id or f"l-{source}-{target}-{kind}",
        source=source,
        target=target,
        kind=kind,
        intensity=intensity,
        since=since,
        until=until,
        version=1,
        created_at=AT,
        updated_at=AT,
    )


def snapshot(
    actors: list[Actor],
    links: list[Link],
    *,
    slug: str = "testwijk",
    as_of: date = DAY,
    counter: int = 1,
) -> Snapshot:
    return Snapshot(
        wijk=wijk(slug, slug.title()),
        as_of=as_of,
        actors=actors,
        links=links,
        change_counter=counter,
    )


def chain_wijk() -> Snapshot:
    """A small wijk with known structure.

    ::

        ha(zorg,huisarts) - poh(zorg,poh-ggz) - wc(sociaal,welzijnscoach) - club(inwoners)
              |                    |                  |
        prak(zorg,praktijk) -------+              sw(sociaal,sociaal-werker) - gem(gemeente)
                                                                               |
                                                                     shv(werk,schuldhulp)
        los (inwoners, no links)

    ``ha``, ``poh`` and ``prak`` form a triangle. Cut points: poh (2 parts), wc (3 parts),
    sw and gem (2 parts each); bridges: poh-wc, wc-club, wc-sw, sw-gem and gem-shv.
    """
    actors = [
        actor(
            "ha",
            "zorg",
            "huisarts",
            kind="professional",
            name="Anna Huisarts",
            themes=("eenzaamheid", "ouderen"),
            kernaanpakken=("welzijn-op-recept",),
        ),
        actor(
            "poh",
            "zorg",
            "poh-ggz",
            kind="professional",
            name="Piet POH",
            themes=("mentale-gezondheid",),
        ),
        actor(
            "prak",
            "zorg",
            "huisartsenpraktijk",
            name="Praktijk Noord",
            kernaanpakken=("pluspraktijk",),
        ),
        actor(
            "wc",
            "sociaal",
            "welzijnscoach",
            kind="professional",
            name="Wil Coach",
            themes=("eenzaamheid", "mentale-gezondheid"),
            kernaanpakken=("welzijn-op-recept",),
        ),
        actor(
            "club",
            "inwoners",
            "sportvereniging",
            kind="initiatief",
            name="Sportclub Vooruit",
            themes=("bewegen-en-sport",),
        ),
        actor(
            "sw",
            "sociaal",
            "sociaal-werker",
            kind="professional",
            name="Sanne Sociaal",
            themes=("armoede-en-schulden",),
        ),
        actor("gem", "gemeente", "gemeente", name="Gemeente Teststad"),
        actor(
            "shv",
            "werk-en-inkomen",
            "schuldhulpverlener",
            kind="professional",
            name="Sem Schuldhulp",
            themes=("armoede-en-schulden",),
        ),
        actor(
            "los",
            "inwoners",
            "wijkontbijt",
            kind="initiatief",
            name="Wijkontbijt Los",
            themes=("eenzaamheid",),
        ),
    ]
    links = [
        link("ha", "poh", intensity=4),
        link("ha", "prak", "werkt_bij", intensity=4),
        link("poh", "prak", "werkt_bij", intensity=4),
        link("poh", "wc", "verwijzing", intensity=3),
        link("wc", "club", intensity=2),
        link("wc", "sw", intensity=3),
        link("sw", "gem", intensity=2),
        link("gem", "shv", intensity=1),
    ]
    return snapshot(actors, links)
