"""The effect of verbinden read from both backends: the scripted history of
``tests/graph/test_effect.py`` gives the same figures on SQLite and on the real Neo4j.

The stores are supplied as ``test_sqlite.py`` and ``test_neo4j.py`` supply them: a fresh
SQLite file, and one Neo4j store (one driver) wiped before each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from neo4j import GraphDatabase

from graph.analysis import effect, effect_rows
from graph.model import LinkIn, WijkIn, utcnow
from graph.store import GraphStore
from graph.store.neo4j import Neo4jStore
from graph.store.sqlite import SqliteStore
from tests.graph.test_effect import BY, WIJK, check_scripted, script


@pytest.fixture(scope="module")
def neo4j_store(request: pytest.FixtureRequest) -> Iterator[Neo4jStore]:
    server = request.getfixturevalue("neo4j_server")
    store = Neo4jStore(server.url, auth=server.auth)
    yield store
    store.close()


def _wipe(request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue("neo4j_server")
    with GraphDatabase.driver(server.url, auth=server.auth) as driver, driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()


@pytest.fixture(
    params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)],
)
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[GraphStore]:
    """A fresh, empty store of each backend."""
    if request.param == "sqlite":
        s = SqliteStore(tmp_path / "effect.db")
        yield s
        s.close()
        return
    _wipe(request)
    yield request.getfixturevalue("neo4j_store")


def test_the_scripted_history_gives_the_same_figures_on_every_backend(store):
    start, end = script(store)
    check_scripted(effect(store, WIJK, start, end), start, end)


def test_the_history_and_the_snapshots_are_read_as_the_figures_need(store):
    start, end = script(store)
    history = store.suggestion_history(WIJK)
    assert [(s.a, s.b) for s in history][:3] == [("i1", "i2"), ("i1", "i2"), ("i1", "s1")]
    realised = [s for s in history if s.status.value == "gerealiseerd"]
    assert {(s.a, s.b) for s in realised} == {("i1", "i2"), ("i1", "s1")}
    assert all(s.date == s.at.date() == end for s in realised)
    links = {lk.id: lk for lk in store.snapshot(WIJK, end).links}
    assert links["l-i1-s1"].since == end - timedelta(days=10)
    assert history[0].at < links["l-i1-i2"].created_at  # both timezone-aware
    assert "l-i1-s1" not in {lk.id for lk in store.snapshot(WIJK, start).links}


def test_a_link_without_since_is_new_on_its_creation_day(store):
    start, end = script(store)
    store.create_link(LinkIn(id="l-u1-s1", source="u1", target="s1"), by=BY)
    result = effect(store, WIJK, start, end)
    assert result.new_links == 3 and result.new_cross_domain_links == 1
    assert result.isolates_after == 0
    earlier = effect(store, WIJK, start, utcnow().date() - timedelta(days=1))
    assert earlier.new_links == 2  # l-u1-s1 is made today, after the period


def test_several_wijken_on_every_backend(store):
    start, end = script(store)
    store.create_wijk(WijkIn(slug="nuth", name="Nuth", gemeente="Beekdaelen"), by=BY)
    rows = effect_rows(store, [WIJK, "nuth"], start, end)
    check_scripted(rows[0], start, end)
    assert rows[1].wijk == "nuth" and rows[1].taken_up == 0 and rows[1].new_links == 0
