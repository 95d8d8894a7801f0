"""The seeded generators: the demo of the 12 pilot wijken and large synthetic data for
benchmarks and tests.

Each generator seeds its own ``random.Random`` with a string, so the same arguments give the
same data in every run and every process; ``graph.demo.builder`` builds each wijk, and
:func:`_finish` numbers the links and validates every record.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.demo.builder import WijkBuilder, overlap
from graph.demo.profiles import (
    MIN_ACTORS,
    PILOT_BY_SLUG,
    PILOT_WIJKEN,
    STALE_SHARE,
    WijkProfile,
    regional_insurer,
)
from graph.demo.timeline import History, clock, moment, plan_wijk
from graph.errors import Conflict
from graph.model import ActorIn, ActorKind, BulkResult, LinkIn, LinkKind, WijkIn, utcnow
from graph.store.base import GraphStore

__all__ = ["DemoData", "generate", "generate_region", "generate_wijk", "load_demo"]


@dataclass
class DemoData:
    """Generated wijken, actors and links, ready for ``GraphStore.bulk_upsert``."""

    wijken: list[WijkIn] = field(default_factory=list)
    actors: list[ActorIn] = field(default_factory=list)
    links: list[LinkIn] = field(default_factory=list)
    actor_history: dict[str, History] = field(default_factory=dict)
    """When each actor was entered and last confirmed (``graph.demo.timeline``); an actor
    without one is written when the data is loaded."""
    link_history: dict[str, History] = field(default_factory=dict)
    """The same for each link, by id."""
    planted: list[tuple[str, str]] = field(default_factory=list)
    """The likely duplicates planted on purpose: (original id, duplicate id)."""

    def actors_in(self, slug: str) -> list[ActorIn]:
        """The actors that belong to wijk ``slug``."""
        return [a for a in self.actors if slug in a.wijken]

    def links_in(self, slug: str) -> list[LinkIn]:
        """The links whose two ends both belong to wijk ``slug``."""
        ids = {a.id for a in self.actors_in(slug)}
        return [lk for lk in self.links if lk.source in ids and lk.target in ids]

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per wijk slug: (number of actors, number of links)."""
        return {
            w.slug: (len(self.actors_in(w.slug)), len(self.links_in(w.slug))) for w in self.wijken
        }


def _finish(
    wijken: list[WijkIn],
    builders: list[WijkBuilder],
    shared: Sequence[dict[str, Any]],
    extra_links: Sequence[dict[str, Any]] = (),
    link_prefix: str | None = None,
    histories: Sequence[tuple[dict[str, History], list[History]]] = (),
) -> DemoData:
    """Number the links, validate every record and wrap it up; ``histories`` holds each
    builder's (actor, link) history when the records have one."""
    actors = [ActorIn.model_validate(a) for a in shared]
    links: list[LinkIn] = []
    actor_history: dict[str, History] = {}
    link_history: dict[str, History] = {}
    for k, b in enumerate(builders):
        actors.extend(ActorIn.model_validate(a) for a in b.actors)
        width = max(4, len(str(len(b.links))))
        for i, lk in enumerate(b.links, start=1):
            lk["id"] = f"{b.slug}-link-{i:0{width}d}"
            links.append(LinkIn.model_validate(lk))
        if histories:
            actor_history.update(histories[k][0])
            link_history.update(
                (lk["id"], h) for lk, h in zip(b.links, histories[k][1], strict=True)
            )
    width = max(4, len(str(len(extra_links))))
    for i, lk in enumerate(extra_links, start=1):
        lk["id"] = f"{link_prefix or 'regio'}-link-{i:0{width}d}"
        links.append(LinkIn.model_validate(lk))
    return DemoData(
        wijken=wijken,
        actors=actors,
        links=links,
        actor_history=actor_history,
        link_history=link_history,
        planted=[pair for b in builders for pair in b.planted],
    )


def generate(seed: int = 2025) -> DemoData:
    """The synthetic demo data of the 12 pilot wijken (identical for identical seeds).

    Each wijk gets 40-150 actors and its own network shape (see ``PILOT_WIJKEN``); one
    fictional regional insurer is active in all of them. Each wijk has 2-3 planted likely
    duplicates and a history of entries and confirmations (``graph.demo.timeline``) that
    leaves 16-24 % of its actors not confirmed for over a year.
    """
    insurer = regional_insurer()
    insurer["wijken"] = sorted(p.slug for p in PILOT_WIJKEN)
    regio = random.Random(f"wijknet-demo:{seed}:regio")
    shared = {insurer["id"]: 700}  # the insurer was entered before any wijk's mapping
    phones = [0]
    wijken, builders, histories = [], [], []
    for p in PILOT_WIJKEN:
        key = f"wijknet-demo:{seed}:{p.slug}"
        rng = random.Random(key)
        n = max(40, min(150, p.size + rng.randint(-6, 6)))
        b = WijkBuilder(
            rng,
            slug=p.slug,
            name=p.name,
            gemeente=p.gemeente,
            n_actors=n,
            n_links=round(n * p.density * rng.uniform(0.95, 1.05)),
            cross=p.cross,
            brokers=p.brokers,
            isolates=p.isolates,
            coverage=p.coverage,
            shared=[insurer],
            phone_counter=phones,
            names_seed=key,
        )
        b.build_actors()
        b.link_shared(rng.randint(1, 3))
        b.build_links()
        upkeep = random.Random(f"{key}:upkeep")
        b.plant_duplicates(upkeep.choice((2, 3)))
        start = upkeep.randint(540, 640) if p.cohort == 1 else upkeep.randint(430, 500)
        stale = upkeep.uniform(*STALE_SHARE)
        histories.append(plan_wijk(b, upkeep, start=start, stale=stale, shared=shared))
        wijken.append(WijkIn(slug=p.slug, name=p.name, gemeente=p.gemeente, cohort=p.cohort))
        builders.append(b)
    data = _finish(wijken, builders, [insurer], histories=histories)
    data.actor_history[insurer["id"]] = History(shared[insurer["id"]], regio.randint(1, 330))
    return data


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
    profile = PILOT_BY_SLUG.get(slug)
    key = f"wijknet-wijk:{seed}:{slug}:{n_actors}"
    rng = random.Random(key)
    wijk_name = name or (profile.name if profile else slug.replace("-", " ").title())
    wijk_gemeente = gemeente or (profile.gemeente if profile else "Voorbeeldgemeente")
    scale = max(1, n_actors // 100)
    b = WijkBuilder(
        rng,
        slug=slug,
        name=wijk_name,
        gemeente=wijk_gemeente,
        n_actors=n_actors,
        n_links=round(links_per_actor * n_actors),
        cross=cross if cross is not None else (profile.cross if profile else 0.1),
        brokers=(profile.brokers if profile else 2) * scale,
        isolates=(profile.isolates if profile else 2) * scale,
        coverage=profile.coverage if profile else (0.4, 0.5, 0.4, 0.4),
        names_seed=key,
    )
    b.build_actors()
    b.build_links()
    wijk = WijkIn(
        slug=slug,
        name=wijk_name,
        gemeente=wijk_gemeente,
        cohort=profile.cohort if profile else None,
    )
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
        PILOT_WIJKEN[i]
        if i < len(PILOT_WIJKEN)
        else WijkProfile(
            f"synthetische-wijk-{i + 1}",
            f"Synthetische wijk {i + 1}",
            "Voorbeeldgemeente",
            None,
            80,
            0.08,
            1,
            2,
            2.0,
            (0.3, 0.4, 0.3, 0.3),
        )
        for i in range(n_wijken)
    ]
    rng = random.Random(f"wijknet-region:{seed}:{n_actors}:{n_links}:{n_wijken}")
    insurer = regional_insurer()
    insurer["wijken"] = sorted(p.slug for p in profiles)
    floor = MIN_ACTORS - 1  # each wijk also holds the insurer
    sizes = [
        floor + k for k in _apportion(n_actors - 1 - floor * n_wijken, [p.size for p in profiles])
    ]
    n_cross = round(n_links * cross_wijk_share) if n_wijken > 1 else 0
    link_counts = _apportion(n_links - n_cross, sizes)
    phones = [0]
    wijken, builders = [], []
    for p, size, m in zip(profiles, sizes, link_counts, strict=True):
        key = f"wijknet-region:{seed}:{p.slug}:{size}:{m}"
        b = WijkBuilder(
            random.Random(key),
            slug=p.slug,
            name=p.name,
            gemeente=p.gemeente,
            n_actors=size + 1,
            n_links=m,
            cross=p.cross,
            brokers=p.brokers * max(1, size // 100),
            isolates=p.isolates * max(1, size // 100),
            coverage=p.coverage,
            shared=[insurer],
            phone_counter=phones,
            names_seed=key,
        )
        b.build_actors()
        b.link_shared(3)
        b.build_links()
        wijken.append(WijkIn(slug=p.slug, name=p.name, gemeente=p.gemeente, cohort=p.cohort))
        builders.append(b)

    extra = _links_between(builders, n_cross, rng)
    return _finish(wijken, builders, [insurer], extra, link_prefix="regio")


def _links_between(
    builders: list[WijkBuilder], n_cross: int, rng: random.Random
) -> list[dict[str, Any]]:
    """``n_cross`` links between wijken: organisations and professionals working across the
    wijkgrens."""
    by_id = {a["id"]: a for b in builders for a in b.actors}
    initiative = ActorKind.INITIATIEF.value
    pools = [[a["id"] for a in b.actors if a["kind"] != initiative] for b in builders]
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
        lo, hi = overlap(by_id[s], by_id[t])
        if lo is not None and hi is not None and (hi - lo).days < 30:
            continue
        pairs.add(pair)
        link: dict[str, Any] = {
            "source": s,
            "target": t,
            "kind": LinkKind.SAMENWERKING.value,
            "intensity": rng.choice((1, 2, 2, 3)),
        }
        if lo is not None:
            link["since"] = lo
        if hi is not None:
            link["until"] = hi
        extra.append(link)
    return extra


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers in proportion to ``weights`` (largest remainder)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def load_demo(
    store: GraphStore, *, by: str = "demo", seed: int = 2025, data: DemoData | None = None
) -> BulkResult:
    """Write the demo data (or ``data``) into ``store``.

    Records with a history (``DemoData.actor_history``, ``link_history``) that the store
    does not hold yet are written as they were entered: in sessions with one
    ``bulk_upsert`` each, stamped that many days before now, and confirmed by ``by`` on
    their day (``graph.demo.timeline``). Every other record is written now, in one
    ``bulk_upsert``: data without history (``generate_wijk``, ``generate_region``) in one
    call, as before.

    Idempotent: loading the same data again leaves every record unchanged and confirms
    nothing. Records the store already holds (an earlier demo) keep their dates, so their
    history shows only in a store that did not hold them.

    Into a store that holds nothing, the history is written in a SQLite store in memory
    first and then copied in one transaction (``import_all``): thousands of small
    transactions cost minutes on a Neo4j server, one costs seconds.
    """
    data = data if data is not None else generate(seed)
    if not data.actor_history and not data.link_history:
        return store.bulk_upsert(wijken=data.wijken, actors=data.actors, links=data.links, by=by)
    stored_wijken = {w.slug for w in store.list_wijken()}
    stored_actors = {a.id for a in store.list_actors()}
    stored_links = {lk.id for lk in store.list_links()}
    if store.backend != "sqlite" and not (stored_wijken or stored_actors or stored_links):
        return _load_by_copy(store, data, by)
    sessions: dict[int, tuple[list[WijkIn], list[ActorIn], list[LinkIn]]] = {}
    confirms: dict[int, list[tuple[str, str]]] = {}
    now: tuple[list[WijkIn], list[ActorIn], list[LinkIn]] = ([], [], [])
    oldest = max(h.entered for h in data.actor_history.values())

    def place(kind: int, record: Any, history: History | None, stored: bool) -> None:
        if stored or history is None:
            now[kind].append(record)
            return
        sessions.setdefault(history.entered, ([], [], []))[kind].append(record)
        if history.confirmed is not None:
            confirms.setdefault(history.confirmed, []).append(
                ("actor" if kind == 1 else "link", record.id)
            )

    for w in data.wijken:
        if w.slug in stored_wijken:
            now[0].append(w)
        else:
            sessions.setdefault(oldest, ([], [], []))[0].append(w)
    for a in data.actors:
        place(1, a, data.actor_history.get(a.id or ""), a.id in stored_actors)
    for lk in data.links:
        place(2, lk, data.link_history.get(lk.id or ""), lk.id in stored_links)

    result = BulkResult()
    start = utcnow()
    for days in sorted(sessions.keys() | confirms.keys(), reverse=True):
        if days in sessions:
            wijken, actors, links = sessions[days]
            with clock(moment(days, start)):
                done = store.bulk_upsert(wijken=wijken, actors=actors, links=links, by=by)
            result = _add(result, done)
        if days in confirms:
            with clock(moment(days, start, later=True)):
                for what, record_id in confirms[days]:
                    if what == "actor":
                        store.confirm_actor(record_id, by=by)
                    else:
                        store.confirm_link(record_id, by=by)
    if any(now):
        result = _add(result, store.bulk_upsert(wijken=now[0], actors=now[1], links=now[2], by=by))
    return result


def _load_by_copy(store: GraphStore, data: DemoData, by: str) -> BulkResult:
    """``load_demo`` into an empty ``store`` through a SQLite store in memory."""
    from graph.store.sqlite import SqliteStore

    scratch = SqliteStore(":memory:")
    try:
        result = load_demo(scratch, by=by, data=data)
        dump = scratch.export_all()
    finally:
        scratch.close()
    try:
        store.import_all(dump)
    except Conflict:  # written meanwhile (the audit log or steps only): the slow way
        return load_demo(store, by=by, data=data)
    return result


def _add(a: BulkResult, b: BulkResult) -> BulkResult:
    return BulkResult(
        created=a.created + b.created,
        updated=a.updated + b.updated,
        unchanged=a.unchanged + b.unchanged,
    )
