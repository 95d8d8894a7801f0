"""The snapshots a store remembers (``graph.store.snapshots``): a repeated read gives the
same data (shared models, lists of its own), a read after a write builds only the changed
records anew, and any write, by this store or another process, is seen."""

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


def test_a_repeated_read_shares_the_models_but_not_the_lists(store):
    first = store.snapshot("proefwijk", DAY)
    second = store.snapshot("proefwijk", DAY)
    assert second == first
    assert second.actors[0] is first.actors[0]  # read-only models, built once
    second.actors.clear()  # a caller may change its own lists
    assert store.snapshot("proefwijk", DAY) == first


def test_an_edit_builds_only_the_changed_actor_anew(store):
    before = store.snapshot("proefwijk", DAY)
    actor = before.actors[0]
    store.update_actor(actor.id, {"name": "Nieuwe naam"}, expected_version=actor.version, by="t")
    after = store.snapshot("proefwijk", DAY)
    kept = {id(a) for a in before.actors} & {id(a) for a in after.actors}
    assert len(kept) == len(before.actors) - 1  # the others keep their models
    assert {a.name for a in after.actors if a.id == actor.id} == {"Nieuwe naam"}


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


def _docs(snapshot, **per_record):
    """The documents of ``snapshot``, one per record, some replaced (by id)."""
    actors = [per_record.get(a.id, a).model_dump_json() for a in snapshot.actors]
    links = [lk.model_dump_json() for lk in snapshot.links]
    return Documents(snapshot.wijk.model_dump_json(), actors, links, snapshot.change_counter)


def test_a_read_after_a_write_builds_only_the_changed_records(store):
    snapshot = store.snapshot("proefwijk", DAY)
    cache = SnapshotCache()
    first = cache.put(("proefwijk", DAY), 1, _docs(snapshot))
    changed = first.actors[0].model_copy(update={"name": "Andere naam", "version": 2})
    second = cache.put(("proefwijk", DAY), 2, _docs(snapshot, **{changed.id: changed}))
    assert cache.get(("proefwijk", DAY), 1) is None and cache.get(("proefwijk", DAY), 2) == second
    kept = {id(a) for a in first.actors} & {id(a) for a in second.actors}
    assert len(kept) == len(first.actors) - 1  # every actor but the changed one kept its model
    assert {a.name for a in second.actors if a.id == changed.id} == {"Andere naam"}
    assert all(a is b for a, b in zip(first.links, second.links, strict=True))


def test_links_of_another_day_or_to_actors_not_in_the_snapshot_are_left_out(store):
    snapshot = store.snapshot("proefwijk", DAY)
    link = snapshot.links[0]
    ended = link.model_copy(update={"id": "oud", "until": date(2020, 1, 1)})
    stray = link.model_copy(update={"id": "weg", "target": "niet-in-de-wijk"})
    docs = _docs(snapshot)
    docs = Documents(
        docs.wijk,
        docs.actors,
        [*docs.links, ended.model_dump_json(), stray.model_dump_json()],
        docs.change_counter,
    )
    built = SnapshotCache().put(("proefwijk", DAY), 1, docs)
    assert [lk.id for lk in built.links] == [lk.id for lk in snapshot.links]


def test_the_cache_keeps_at_most_its_characters(store):
    docs = Documents(store.get_wijk("proefwijk").model_dump_json(), "[]", "[]", 1)
    cache = SnapshotCache(max_chars=docs.size)
    cache.put(("a", DAY), 1, docs)
    assert ("a", DAY) in cache and cache.get(("a", DAY), 1) is not None
    assert cache.get(("a", DAY), 2) is None  # another stamp: not this snapshot
    cache.put(("b", DAY), 1, docs)  # room for one: the older goes
    assert cache.get(("a", DAY), 1) is None and cache.get(("b", DAY), 1) is not None
    cache.put(("c", DAY), 1, Documents(docs.wijk, "[" + " " * docs.size + "]", "[]", 1))
    assert ("c", DAY) not in cache  # too large alone: not kept
