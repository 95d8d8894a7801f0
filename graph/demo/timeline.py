"""When the demo's records were entered and last confirmed, and loading them that way.

A real map is not entered in one afternoon: the organisations and professionals of a wijk
go in when its mapping starts, initiatives and links follow over the months, and
people confirm records now and then ("Actueel houden"). Without that history every record
of the demo would count as vouched for on the day it was loaded, and the page
``/wijk/{slug}/actueel`` would stay empty.

**The choice of dates.** The app compares with *today* (``api.stale``: a record is stale
when its last confirmation or change lies more than ``stale_after_days``, 365 by default,
before now). So the history is kept in days before the demo day (``DEMO_DATE``), and
loading maps the demo day onto the day of loading: a record entered 400 days before
``DEMO_DATE`` is written 400 days before the moment it is loaded. Whenever the demo is
loaded, the same share of records is stale (15-25 % of the actors per wijk); the dates in
the data itself (``since``, ``until``) stay fixed relative to ``DEMO_DATE``. A record
confirmed 330 days before loading becomes stale a month after loading, as it would in
real use.

The store stamps every write with ``graph.model.utcnow``; :func:`clock` sets the moment it
returns (``graph.model.stamped_at``, for the loading thread only) while one batch or one
confirmation is written.
"""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import graph.model
from graph.demo.profiles import DEMO_DATE, STALE_AFTER

if TYPE_CHECKING:
    from graph.demo.builder import WijkBuilder

__all__ = ["History", "clock", "moment", "plan_wijk", "session_day"]

_SESSION = 14
"""Records are entered in sessions: their entry day is rounded to every 14th day."""
_STALE_MIN = STALE_AFTER + 20
"""A stale record was entered or confirmed at least this many days before the demo day."""
_LINK_SHARE = (0.15, 0.24)
"""The share of a wijk's links not vouched for in over a year lies in this range."""
_FRESH_MAX = 330
"""A record that is not stale was entered or confirmed at most this many days before."""


@dataclass(frozen=True)
class History:
    """When a record was entered and last confirmed, in days before the demo day (which
    loading maps onto the day of loading); ``confirmed`` None: never."""

    entered: int
    confirmed: int | None = None

    @property
    def vouched(self) -> int:
        """Days since the record was last entered or confirmed (``api.stale.vouched``)."""
        return self.entered if self.confirmed is None else min(self.entered, self.confirmed)


def session_day(days: int, offset: int) -> int:
    """``days`` rounded down to a session day of the wijk (every 14th day); at least 1."""
    return max(1, days - (days - offset) % _SESSION)


def moment(days: int, now: datetime, *, later: bool = False) -> datetime:
    """The moment ``days`` before ``now`` a session (or, ``later``, a confirmation round)
    took place: during office hours, the hour fixed by the day."""
    minutes = 9 * 60 + (days * 37) % (7 * 60) + (95 if later else 0)
    day = now.date() - timedelta(days=days)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=UTC)


def clock(at: datetime) -> AbstractContextManager[None]:
    """While inside, every store write of this thread is stamped ``at``
    (``graph.model.stamped_at``)."""
    return graph.model.stamped_at(at)


def _age(day: date) -> int:
    return (DEMO_DATE - day).days


def plan_wijk(
    b: WijkBuilder, rng: random.Random, *, start: int, stale: float, shared: dict[str, int]
) -> tuple[dict[str, History], list[History]]:
    """The history of one wijk's actors (by id) and links (in the order of ``b.links``).

    The wijk's mapping started ``start`` days before the demo day; ``stale`` is the share of
    its actors (``shared`` ones included: they are never stale) not vouched for in over a
    year; about as many of its links are stale. ``shared`` gives the entry day of the
    regional actors already planned.
    """
    offset = rng.randrange(_SESSION)
    planted = {dup for _original, dup in b.planted}
    entered: dict[str, int] = dict(shared)
    for a in b.actors:
        if a["id"] in planted:  # entered a second time by another mapper
            days = start - rng.randint(30, 60)
        elif a["kind"] == "organisatie":
            days = start - rng.randint(0, 7)
        elif a["kind"] == "professional":
            days = start - rng.randint(7, 45)
        else:
            days = start - rng.randint(20, 60)
        if a["since"] is not None and _age(a["since"]) < days:
            days = max(1, _age(a["since"]) - rng.randint(0, 21))  # entered when it began
        if a.get("organisation"):
            days = min(days, entered[a["organisation"]])
        entered[a["id"]] = session_day(days, offset)

    # the stale actors: active, entered long ago, never confirmed since
    eligible = sorted(
        a["id"]
        for a in b.actors
        if a["until"] is None and a["id"] not in planted and entered[a["id"]] >= _STALE_MIN
    )
    n_stale = min(len(eligible), round(stale * (len(b.actors) + len(shared))))
    stale_actors = set(rng.sample(eligible, n_stale))
    actors = {a["id"]: _history(rng, entered[a["id"]], a["id"] in stale_actors) for a in b.actors}

    links: list[History | None] = [None] * len(b.links)
    n_stale_links = 0
    for i, lk in enumerate(b.links):
        if lk["kind"] == "werkt_bij":  # entered and confirmed with the professional
            links[i] = actors[lk["source"]]
            n_stale_links += actors[lk["source"]].vouched > STALE_AFTER
    share = min(_LINK_SHARE[1], max(_LINK_SHARE[0], stale + rng.uniform(-0.03, 0.03)))
    wanted = round(len(b.links) * share)
    first: dict[int, int] = {}  # the latest day a link can have been entered: both ends exist
    for i, lk in enumerate(b.links):
        if links[i] is None:
            first[i] = min(entered[lk["source"]], entered[lk["target"]])
            since = lk.get("since")
            if since is not None and _age(since) < first[i]:
                first[i] = max(1, _age(since) - rng.randint(0, 14))
    candidates = sorted(
        i for i, days in first.items() if days >= _STALE_MIN and "until" not in b.links[i]
    )
    stale_links = set(rng.sample(candidates, min(len(candidates), wanted - n_stale_links)))
    for i, latest in first.items():
        if i in stale_links:
            days = rng.randint(_STALE_MIN, latest)
        elif "since" not in b.links[i] and latest > STALE_AFTER:
            # made when it was entered (``graph.analysis.effect``): before the last twelve
            # months, so it never counts as a new link there; confirmed since
            days = rng.randint(STALE_AFTER + _SESSION + 1, max(latest, STALE_AFTER + _SESSION + 1))
            days = min(days, latest)
        elif latest > _FRESH_MAX and rng.random() < 0.5:
            days = rng.randint(_FRESH_MAX + 1, latest)  # entered long ago, confirmed since
        else:
            days = rng.randint(1, min(latest, STALE_AFTER - 5))
        links[i] = _history(rng, session_day(days, offset), i in stale_links)
    return actors, [h for h in links if h is not None]


def _history(rng: random.Random, entered: int, stale: bool) -> History:
    """A record entered ``entered`` days before the demo day, and when it was confirmed."""
    if stale:
        if entered > _STALE_MIN and rng.random() < 0.3:
            return History(entered, rng.randint(_STALE_MIN, entered - 1))
        return History(entered)
    if entered > _FRESH_MAX:
        return History(entered, rng.randint(1, _FRESH_MAX))
    if entered > 1 and rng.random() < 0.2:
        return History(entered, rng.randint(1, entered - 1))
    return History(entered)
