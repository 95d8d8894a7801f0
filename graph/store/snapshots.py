"""The snapshots a store read last, kept as models, for both backends.

A snapshot is the dated view of a wijk that every page, map and analysis starts from. A
store remembers its last few snapshots by (wijk, day) with a *stamp*: the wijk's change
counter and its stored record, read again (cheaply) on every call. Every write touching a
wijk's actors or links raises its counter (``graph.store.base``) and a wijk deleted and
created again has another creation time, so an unchanged stamp means the remembered
snapshot is still the one the database would give. Another process writing the same
database raises the same counter, so the check holds across processes (app replicas, the
CLI) too. A restore of a backup must therefore leave every counter above the values it had
before.

A repeated read then costs the stamp only. **The models of a snapshot are shared** between
the callers that read the same (wijk, day) under the same stamp: a caller gets lists of
its own but must not change the models in them (``model_copy(deep=True)`` first); nothing
in wijknet does. A read after a write builds models only for the documents that changed
(both backends give one document per record): an actor or link whose stored JSON is the
one read before keeps its model. The models are built with the validators for
documents a store wrote itself (``graph.store.trusted``): types checked, the models' Python
validators skipped, as every record passed them when it was written.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from threading import Lock
from typing import TypeVar

from graph.model import Actor, Link, Snapshot, Wijk
from graph.store.common import gc_paused
from graph.store.trusted import JsonValidator, trusted

MAX_CHARS = 64 * 2**20
"""Characters of JSON read for all remembered snapshots together (a 2,000-actor wijk with
7,000 links is about 3 MB); the least recently used snapshots go first."""

Key = tuple[str, date]
"""(wijk slug, day)."""

ACTORS = trusted(list[Actor])
LINKS = trusted(list[Link])
M = TypeVar("M", Actor, Link)


@dataclass(frozen=True)
class Documents:
    """What a snapshot is built from: the stored JSON of the wijk, of its actors and of
    their links, and the change counter. Actors and links each come as one JSON array, or
    as one document per record (which lets a later read keep the models of unchanged
    records); in any order, links of other days or to other actors allowed."""

    wijk: str
    actors: str | Sequence[str]
    links: str | Sequence[str]
    change_counter: int

    @property
    def size(self) -> int:
        return len(self.wijk) + _chars(self.actors) + _chars(self.links)


def _chars(docs: str | Sequence[str]) -> int:
    return len(docs) if isinstance(docs, str) else sum(map(len, docs))


@dataclass
class _Entry:
    stamp: Hashable
    snapshot: Snapshot
    size: int
    actors: dict[str, Actor] = field(default_factory=dict)
    """Model by document, when the documents came one per record."""
    links: dict[str, Link] = field(default_factory=dict)


def _by_name(actor: Actor) -> tuple[str, str]:
    return actor.name, actor.id


_by_id = attrgetter("id")


def _models(
    validator: JsonValidator[list[M]], docs: str | Sequence[str], known: Mapping[str, M]
) -> tuple[list[M], dict[str, M]]:
    """The models of ``docs`` and, for one document per record, the model of each
    document: those in ``known`` are kept, the others parsed in one call (much faster
    than one model at a time)."""
    if isinstance(docs, str):
        return validator.validate_json(docs), {}
    missing = [doc for doc in docs if doc not in known]
    made = dict(zip(missing, validator.validate_json("[" + ",".join(missing) + "]"), strict=True))
    by_doc = {doc: known.get(doc) or made[doc] for doc in docs}
    return list(by_doc.values()), by_doc


def _shell(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` with lists of its own (the models shared)."""
    return snapshot.model_copy(
        update={"actors": list(snapshot.actors), "links": list(snapshot.links)}
    )


def _build(docs: Documents, day: date, before: _Entry | None) -> _Entry:
    """The snapshot of ``docs`` on ``day``: actors sorted by name and id, links by id, only
    the links of that day between its actors; sorting and filtering the models is cheaper
    than doing it in the database."""
    with gc_paused():  # many objects that all stay alive: no collections meanwhile
        actors, actor_docs = _models(ACTORS, docs.actors, before.actors if before else {})
        links, link_docs = _models(LINKS, docs.links, before.links if before else {})
    ids = {actor.id for actor in actors}
    links = [lk for lk in links if lk.active_on(day) and lk.source in ids and lk.target in ids]
    actors.sort(key=_by_name)
    links.sort(key=_by_id)
    snapshot = Snapshot.model_construct(
        wijk=Wijk.model_validate_json(docs.wijk),
        as_of=day,
        actors=actors,
        links=links,
        change_counter=docs.change_counter,
    )
    return _Entry(None, snapshot, docs.size, actor_docs, link_docs)


class SnapshotCache:
    """The last snapshots read, by (wijk, day), each with its stamp."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._chars = 0
        self._lock = Lock()

    def __contains__(self, key: Key) -> bool:
        """Whether a snapshot is remembered for ``key`` (under whatever stamp)."""
        with self._lock:
            return key in self._entries

    def get(self, key: Key, stamp: Hashable) -> Snapshot | None:
        """The snapshot remembered for ``key`` if read under ``stamp``, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.stamp != stamp:
                return None
            self._entries.move_to_end(key)
            return _shell(entry.snapshot)

    def put(self, key: Key, stamp: Hashable, docs: Documents) -> Snapshot:
        """The snapshot of ``docs`` on the key's day, remembered under ``stamp`` (unless
        its documents alone exceed ``max_chars``); models of the snapshot remembered for
        ``key`` before are kept for unchanged documents."""
        with self._lock:
            before = self._entries.get(key)
        entry = _build(docs, key[1], before)  # outside the lock: other reads go on
        entry.stamp = stamp
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._chars -= old.size
            if entry.size <= self.max_chars:
                self._entries[key] = entry
                self._chars += entry.size
            while self._chars > self.max_chars:
                _, dropped = self._entries.popitem(last=False)
                self._chars -= dropped.size
        return _shell(entry.snapshot)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0
