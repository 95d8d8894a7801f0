"""The GraphStore contract and Neo4j's own promises, against a real Neo4j server."""

from __future__ import annotations

import socket

import pytest
from neo4j import GraphDatabase

from graph.errors import StoreUnavailable
from graph.model import DEFAULT_REASON, Decision, utcnow
from graph.store import open_store
from graph.store.neo4j import Neo4jStore
from tests.store.contract import BY, StoreContract, ini, link_in, pro, wijk_in

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="session")
def neo4j_admin(neo4j_server):
    """A driver of our own, to wipe and inspect the database behind the store's back."""
    with GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth) as driver:
        yield driver


@pytest.fixture(scope="session")
def shared_store(neo4j_server):
    """One store (one driver) for the whole session; tests get it wiped."""
    store = Neo4jStore(neo4j_server.url, auth=neo4j_server.auth)
    yield store
    store.close()


@pytest.fixture
def store(shared_store, neo4j_admin):
    """A fresh, empty store: every node deleted, the constraints kept."""
    with neo4j_admin.session() as session:  # an implicit transaction, for IN TRANSACTIONS
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    yield shared_store


class TestNeo4jStoreContract(StoreContract):
    pass


# -- Neo4j's own promises ----------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free again once closed: nothing listens there


def test_nothing_listening_is_store_unavailable_naming_the_server():
    url = f"bolt://127.0.0.1:{_closed_port()}"
    with pytest.raises(StoreUnavailable) as info:
        Neo4jStore(url, auth=("neo4j", "irrelevant"))
    assert url in str(info.value) and "cannot be reached" in str(info.value)


def test_wrong_password_is_store_unavailable(neo4j_server):
    with pytest.raises(StoreUnavailable) as info:
        Neo4jStore(neo4j_server.url, auth=(neo4j_server.user, "not-the-password"))
    assert neo4j_server.url in str(info.value) and "credentials" in str(info.value)


def test_constraints_exist_after_start(store, neo4j_admin):
    records, _, _ = neo4j_admin.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties "
        "RETURN type, labelsOrTypes[0] AS on, properties[0] AS property"
    )
    found = {(r["on"], r["property"], r["type"]) for r in records}
    assert {
        ("Wijk", "slug", "UNIQUENESS"),
        ("Actor", "id", "UNIQUENESS"),
        ("LINK", "id", "RELATIONSHIP_UNIQUENESS"),
        ("AuditEntry", "seq", "UNIQUENESS"),
        ("SuggestionStep", "key", "UNIQUENESS"),
        ("Counter", "name", "UNIQUENESS"),
    } <= found


def test_open_store_with_credentials_in_the_url(neo4j_server, store):
    host = neo4j_server.url.split("://", 1)[1]
    url = f"bolt://{neo4j_server.user}:{neo4j_server.password}@{host}"
    opened = open_store(url)
    try:
        assert opened.health().ok
        opened.create_wijk(wijk_in("daalhof"), by=BY)
        assert store.get_wijk("daalhof").slug == "daalhof"
    finally:
        opened.close()


def test_health_after_close_reports_not_ok(neo4j_server):
    store = Neo4jStore(neo4j_server.url, auth=neo4j_server.auth)
    store.close()
    health = store.health()
    assert health.ok is False and health.backend == "neo4j" and health.detail


def test_records_are_nodes_and_relationships(store, neo4j_admin):
    store.create_wijk(wijk_in("daalhof"), by=BY)
    store.create_actor(ini("i1"), by=BY)
    store.create_actor(ini("i2"), by=BY)
    store.create_link(link_in("l1", "i1", "i2"), by=BY)
    records, _, _ = neo4j_admin.execute_query(
        "MATCH (a:Actor {id: 'i1'})-[r:LINK]->(b:Actor), (a)-[:ACTIVE_IN]->(w:Wijk) "
        "RETURN r.id AS link, b.id AS target, w.slug AS wijk, keys(a) AS keys"
    )
    assert [(r["link"], r["target"], r["wijk"]) for r in records] == [("l1", "i2", "daalhof")]
    assert "_lock" not in records[0]["keys"]


def test_bulk_upsert_spans_many_unwind_batches(store, monkeypatch):
    monkeypatch.setattr("graph.store.neo4j.tx.BATCH", 3)
    actors = [ini(f"i{n:02d}") for n in range(10)]
    links = [link_in(f"l{n:02d}", f"i{n:02d}", f"i{(n + 1) % 10:02d}") for n in range(10)]
    result = store.bulk_upsert(wijken=[wijk_in("daalhof")], actors=actors, links=links, by=BY)
    assert (result.created, result.updated, result.unchanged) == (21, 0, 0)
    snap = store.snapshot("daalhof")
    assert (len(snap.actors), len(snap.links)) == (10, 10)
    assert [e.seq for e in store.audit_log(limit=100)] == list(range(21, 0, -1))
    links[4] = link_in("l04", "i04", "i05", note="gewijzigd")
    again = store.bulk_upsert(actors=actors, links=links, by=BY)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 19)
    assert store.get_link("l04").version == 2


def test_repeated_snapshots_never_serve_stale_data(store):
    store.create_wijk(wijk_in("daalhof"), by=BY)
    store.create_actor(ini("i1", name="Eerste"), by=BY)
    first = store.snapshot("daalhof")
    first.actors.clear()  # the caller's own list
    assert [a.name for a in store.snapshot("daalhof").actors] == ["Eerste"]
    store.update_actor("i1", {"name": "Tweede"}, expected_version=1, by=BY)
    assert store.snapshot("daalhof").actors[0].name == "Tweede"
    # a wijk deleted and created again starts its counter anew: still no stale snapshot
    store.delete_actor("i1", expected_version=2, by=BY)
    counter = store.snapshot("daalhof").change_counter
    store.delete_wijk("daalhof", expected_version=1, by=BY)
    store.create_wijk(wijk_in("daalhof", name="Nieuw Daalhof"), by=BY)
    for n in range(counter):
        store.record_decision(
            Decision(wijk="daalhof", a="x", b=f"y{n}", status="besproken", by=BY, at=utcnow())
        )
    assert store.change_counter("daalhof") == counter
    assert store.snapshot("daalhof").wijk.name == "Nieuw Daalhof"


def test_erasure_leaves_no_property_with_the_personal_data(store, neo4j_admin):
    """Erasing a deleted professional, and one with a duplicate merged into her, leaves
    their names and contact details in no node or relationship property."""
    secrets = ["Xaviera", "Quist", "xq@example.org", "0612340000", "Yolanda", "yz@example.org"]
    store.create_wijk(wijk_in("daalhof"), by=BY)
    store.create_actor(ini("i1"), by=BY)
    store.create_actor(pro("p1", name="Xaviera Quist", contact={"email": "xq@example.org"}), by=BY)
    store.create_actor(pro("p2", name="X. Quist", contact={"phone": "0612340000"}), by=BY)
    store.create_link(link_in("l1", "p2", "i1", note="Xaviera Quist"), by=BY)
    store.merge_actors("p1", "p2", by=BY)
    store.create_actor(pro("p3", name="Yolanda Zwart", contact={"email": "yz@example.org"}), by=BY)
    store.update_actor("p3", {"description": "POH"}, expected_version=1, by=BY)
    store.delete_actor("p3", expected_version=2, by=BY)
    store.erase_personal_data("p1", by=BY)
    store.erase_personal_data("p3", by=BY)
    records, _, _ = neo4j_admin.execute_query(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p"
    )
    text = str([r["p"] for r in records])
    assert "Verwijderde persoon" in text  # the properties were read
    assert [s for s in secrets if s in text] == []


def test_old_decision_nodes_become_steps_when_a_store_opens(store, neo4j_server, neo4j_admin):
    """A database of the first version keeps its verdicts, as the first step of each pair."""
    store.create_wijk(wijk_in("daalhof"), by=BY)
    docs = {
        "daalhof|a1|a2": '{"wijk":"daalhof","a":"a1","b":"a2","status":"besproken",'
        '"by":"Anna","at":"2025-05-01T10:00:00Z","note":"In het overleg"}',
        "daalhof|a1|a3": '{"wijk":"daalhof","a":"a1","b":"a3","status":"niet-relevant",'
        '"by":"Anna","at":"2025-05-02T10:00:00Z","note":""}',
    }
    for key, doc in docs.items():
        wijk, a, b = key.split("|")
        neo4j_admin.execute_query(
            "CREATE (:Decision {key: $key, wijk: $wijk, a: $a, b: $b, doc: $doc})",
            key=key, wijk=wijk, a=a, b=b, doc=doc,
        )  # fmt: skip
    audit = store.audit_log(limit=100)
    opened = Neo4jStore(neo4j_server.url, auth=neo4j_server.auth)
    try:
        states = opened.suggestion_states("daalhof")
    finally:
        opened.close()
    assert {pair: (s.status.value, s.note, s.by) for pair, s in states.items()} == {
        ("a1", "a2"): ("ontmoet", "In het overleg", "Anna"),
        ("a1", "a3"): ("niet-relevant", DEFAULT_REASON, "Anna"),
    }
    records, _, _ = neo4j_admin.execute_query("MATCH (d:Decision) RETURN count(d) AS n")
    assert records[0]["n"] == 0
    assert store.audit_log(limit=100) == audit
    assert [(d.a, d.b, d.status.value) for d in store.list_decisions("daalhof")] == [
        ("a1", "a2", "besproken"),
        ("a1", "a3", "niet-relevant"),
    ]
