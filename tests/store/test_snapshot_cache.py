"""The snapshots a store remembers (``graph.store.snapshots``): a repeated read gives the
same data in models of its own, and any write, by this store or another process, is seen."""

from __future__ import annotations

from datetime import date

import pytest

from graph.demo import generate_wijk
from graph.model import ActorIn, ActorKind, Domain
from graph.store import open_store
from graph.store.snapshots import Documents, SnapshotCache

DAY = date(2026, 1, 1)


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "graph.db"
    store = open_store(f"sqlite:///{path}")
    data = generate_wijk("proefwijk", 60)
    store.bulk_upsert(wijken=data.wijken, actors=data.actors, links=data.links, by="test")
    store.close()
    return path


@pytest.fixture
def store(path):
    store = open_store(f"sqlite:///{path}")
    yield store
    store.close()


def test_a_repeated_read_is_the_same_snapshot_in_models_of_its_own(store):
    first = store.snapshot("proefwijk", DAY)
    second = store.snapshot("proefwijk", DAY)
    assert second == first
    assert second.actors[0] is not first.actors[0] and second.links[0] is not first.links[0]
    second.actors[0].themes.clear()  # a caller may change its own snapshot
    second.actors.clear()
    assert store.snapshot("proefwijk", DAY) == first


def test_a_write_is_seen_by_the_next_read(store):
    before = store.snapshot("proefwijk", DAY)
    actor = before.actors[0]
    store.update_actor(actor.id, {"name": "Nieuwe naam"}, expected_version=actor.version, by="t")
    after = store.snapshot("proefwijk", DAY)
    assert after.change_counter > before.change_counter
    assert "Nieuwe naam" in {a.name for a in after.actors}
    wijk = after.wijk
    store.update_wijk("proefwijk", {"name": "Andere wijk"}, expected_version=wijk.version, by="t")
    assert store.snapshot("proefwijk", DAY).wijk.name == "Andere wijk"


def test_a_write_by_another_process_is_seen(store, path):
    before = store.snapshot("proefwijk", DAY)
    other = open_store(f"sqlite:///{path}")
    try:
        other.create_actor(
            ActorIn(
                id="nieuw-1",
                kind=ActorKind.INITIATIEF,
                name="Buurtsoep",
                domain=Domain.INWONERS,
                wijken=["proefwijk"],
            ),
            by="t",
        )
    finally:
        other.close()
    after = store.snapshot("proefwijk", DAY)
    assert len(after.actors) == len(before.actors) + 1


def test_other_days_are_read_for_themselves(store):
    today = store.snapshot("proefwijk")
    long_ago = store.snapshot("proefwijk", date(1990, 1, 1))
    assert long_ago.as_of == date(1990, 1, 1) and today.as_of == date.today()
    assert len(long_ago.actors) <= len(today.actors)


def test_the_cache_keeps_at_most_its_characters():
    docs = Documents('{"slug": "a"}', "[]", "[]", 1)
    cache = SnapshotCache(max_chars=docs.size)
    cache.put(("a", DAY), 1, docs)
    assert ("a", DAY) in cache and cache.get(("a", DAY), 1) is docs
    assert cache.get(("a", DAY), 2) is None  # another stamp: not these documents
    cache.put(("b", DAY), 1, docs)  # room for one: the older goes
    assert cache.get(("a", DAY), 1) is None and cache.get(("b", DAY), 1) is docs
    cache.put(("c", DAY), 1, Documents("{}", "[" + " " * docs.size + "]", "[]", 1))
    assert ("c", DAY) not in cache  # too large alone: not kept
