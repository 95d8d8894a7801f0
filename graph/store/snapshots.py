"""The snapshots a store read last, kept as the documents they were built from, for both
backends.

A snapshot is the dated view of a wijk that every page, map and analysis starts from. A
store remembers the stored JSON of its last few snapshots by (wijk, day) with a *stamp*:
the wijk's change counter and its stored record, read again (cheaply) on every call.
Every write touching a wijk's actors or links raises its counter (``graph.store.base``)
and a wijk deleted and created again has another creation time, so an unchanged stamp
means the remembered documents are still the ones the database would give. Another
process writing the same database raises the same counter, so the check holds across
processes (app replicas, the CLI) too. A restore of a backup must therefore leave every
counter above the values it had before.

A repeated read then costs the stamp and building the models, never the query. The
models are built anew for every call (``parse``), so a caller may change its snapshot
without changing anyone else's; they are built with the validators for documents a store
wrote itself (``graph.store.trusted``): types checked, the models' Python validators
skipped, as every record passed them when it was written.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from threading import Lock

from graph.model import Actor, Link, Snapshot, Wijk
from graph.store.common import gc_paused
from graph.store.trusted import trusted

MAX_CHARS = 64 * 2**20
"""Characters of JSON kept over all remembered snapshots (a 2,000-actor wijk with 7,000
links is about 3 MB); the least recently used snapshots go first."""

Key = tuple[str, date]
"""(wijk slug, day)."""

ACTORS = trusted(list[Actor])
LINKS = trusted(list[Link])


@dataclass(frozen=True)
class Documents:
    """What a snapshot is built from: the stored JSON of the wijk, of its actors (one
    array) and of their links (one array), in any order, and the change counter."""

    wijk: str
    actors: str
    links: str
    change_counter: int

    @property
    def size(self) -> int:
        return len(self.wijk) + len(self.actors) + len(self.links)


def _by_name(actor: Actor) -> tuple[str, str]:
    return actor.name, actor.id


_by_id = attrgetter("id")


def parse(docs: Documents, day: date) -> Snapshot:
    """The snapshot of ``docs`` on ``day``: new models, actors sorted by name and id,
    links by id. Each array is parsed in one call (much faster than one model at a time);
    sorting the models is cheaper than sorting rows in the database."""
    with gc_paused():  # many objects that all stay alive: no collections meanwhile
        actors = ACTORS.validate_json(docs.actors)
        links = LINKS.validate_json(docs.links)
    actors.sort(key=_by_name)
    links.sort(key=_by_id)
    return Snapshot.model_construct(
        wijk=Wijk.model_validate_json(docs.wijk),
        as_of=day,
        actors=actors,
        links=links,
        change_counter=docs.change_counter,
    )


class SnapshotCache:
    """The documents of the last snapshots read, by (wijk, day), each with its stamp."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._entries: OrderedDict[Key, tuple[Hashable, Documents]] = OrderedDict()
        self._chars = 0
        self._lock = Lock()

    def __contains__(self, key: Key) -> bool:
        """Whether documents are remembered for ``key`` (under whatever stamp)."""
        with self._lock:
            return key in self._entries

    def get(self, key: Key, stamp: Hashable) -> Documents | None:
        """The documents remembered for ``key`` if read under ``stamp``, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Key, stamp: Hashable, docs: Documents) -> None:
        """Remember ``docs`` (unless they alone exceed ``max_chars``)."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._chars -= old[1].size
            if docs.size <= self.max_chars:
                self._entries[key] = (stamp, docs)
                self._chars += docs.size
            while self._chars > self.max_chars:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._chars -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0
