"""The SQLite backend: the shared contract, plus what only SQLite has (files, WAL)."""

from __future__ import annotations

import sqlite3

import pytest

from graph.errors import StoreUnavailable
from graph.store import open_store
from graph.store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.store.contract import BY, StoreContract, ini, link_in, org, pro, wijk_in


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "wijknet.db")
    yield s
    s.close()


class TestSqliteContract(StoreContract):
    pass


class TestSqliteInMemoryContract(StoreContract):
    """The same contract on ``:memory:`` (one connection shared by threads)."""

    @pytest.fixture
    def store(self):
        s = SqliteStore(":memory:")
        yield s
        s.close()


def test_file_is_in_wal_mode_with_foreign_keys_on(tmp_path):
    path = tmp_path / "wijknet.db"
    s = SqliteStore(path)
    try:
        with s._pool.connection() as con:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert con.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    finally:
        s.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()


def test_missing_parent_directories_are_created(tmp_path):
    path = tmp_path / "data" / "nested" / "wijknet.db"
    s = SqliteStore(path)
    try:
        s.create_wijk(wijk_in("daalhof"), by=BY)
    finally:
        s.close()
    assert path.is_file()


def test_data_survives_reopening_and_schema_creation_is_idempotent(tmp_path):
    path = tmp_path / "wijknet.db"
    first = SqliteStore(path)
    first.create_wijk(wijk_in("daalhof"), by=BY)
    first.create_actor(ini("i1"), by=BY)
    counter = first.change_counter("daalhof")
    first.close()
    second = SqliteStore(path)
    try:
        assert [a.id for a in second.list_actors("daalhof")] == ["i1"]
        assert second.change_counter("daalhof") == counter
    finally:
        second.close()


def test_open_store_url_picks_sqlite(tmp_path):
    s = open_store(f"sqlite:///{tmp_path}/via-url.db")
    try:
        assert isinstance(s, SqliteStore)
        assert s.health().ok
    finally:
        s.close()
    assert (tmp_path / "via-url.db").is_file()


def test_directory_as_database_path_is_unavailable(tmp_path):
    with pytest.raises(StoreUnavailable, match="cannot be used"):
        SqliteStore(tmp_path)


def test_parent_that_is_a_file_is_unavailable(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="Cannot create the directory"):
        SqliteStore(blocker / "wijknet.db")


def test_file_that_is_not_a_database_is_unavailable(tmp_path):
    path = tmp_path / "wijknet.db"
    path.write_bytes(b"this is not a database, just some text" * 100)
    with pytest.raises(StoreUnavailable, match="not a database"):
        SqliteStore(path)


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "wijknet.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreUnavailable, match="schema version"):
        SqliteStore(path)


def test_closed_store_reports_unhealthy_and_refuses_work(tmp_path):
    s = SqliteStore(tmp_path / "wijknet.db")
    s.close()
    health = s.health()
    assert health.ok is False and health.backend == "sqlite" and health.detail
    with pytest.raises(StoreUnavailable):
        s.list_wijken()
    s.close()  # closing twice is harmless


def test_writer_lock_held_elsewhere_becomes_unavailable(tmp_path, monkeypatch):
    from graph.store.sqlite import pool

    monkeypatch.setattr(pool, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "wijknet.db"
    s = SqliteStore(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreUnavailable, match="locked"):
            s.create_wijk(wijk_in("daalhof"), by=BY)
        other.execute("ROLLBACK")
        s.create_wijk(wijk_in("daalhof"), by=BY)  # and it recovers
    finally:
        other.close()
        s.close()


def test_erased_name_is_not_left_in_the_database_file(tmp_path):
    path = tmp_path / "wijknet.db"
    s = SqliteStore(path)
    try:
        s.create_wijk(wijk_in("daalhof"), by=BY)
        s.create_actor(pro("p1", name="Xaviera Quist", contact={"email": "xq@example.org"}), by=BY)
        s.update_actor("p1", {"description": "POH"}, expected_version=1, by=BY)
        s.erase_personal_data("p1", by=BY)
    finally:
        s.close()
    for file in tmp_path.iterdir():
        data = file.read_bytes()
        assert b"Xaviera" not in data and b"xq@example.org" not in data, file.name


def test_erased_history_is_not_left_in_the_database_file(tmp_path):
    """Erasing a deleted professional, and one with a duplicate merged into her, leaves
    their names and contact details nowhere in the file or its write-ahead log."""
    path = tmp_path / "wijknet.db"
    secrets = [b"Xaviera", b"Quist", b"xq@example.org", b"0612340000", b"Yolanda", b"yz@example"]
    s = SqliteStore(path)
    try:
        s.create_wijk(wijk_in("daalhof"), by=BY)
        s.create_actor(org("o1"), by=BY)
        s.create_actor(pro("p1", name="Xaviera Quist", contact={"email": "xq@example.org"}), by=BY)
        s.create_actor(pro("p2", name="X. Quist", contact={"phone": "0612340000"}), by=BY)
        s.create_link(link_in("l1", "p2", "o1", note="Xaviera Quist"), by=BY)
        s.merge_actors("p1", "p2", by=BY)
        s.create_actor(pro("p3", name="Yolanda Zwart", contact={"email": "yz@example.org"}), by=BY)
        s.update_actor("p3", {"description": "POH"}, expected_version=1, by=BY)
        s.delete_actor("p3", expected_version=2, by=BY)
        s.erase_personal_data("p1", by=BY)
        s.erase_personal_data("p3", by=BY)
        files = [f for f in tmp_path.iterdir() if f.name.startswith("wijknet.db")]
        assert path in files
        for file in files:  # while the store is open, the write-ahead log too
            data = file.read_bytes()
            assert not [x for x in secrets if x in data], file.name
    finally:
        s.close()
    for file in tmp_path.iterdir():
        data = file.read_bytes()
        assert not [x for x in secrets if x in data], file.name


def test_reads_give_the_same_models_as_full_validation(tmp_path):
    """Lists and snapshots skip the models' Python validators for stored JSON; the
    records they return must equal fully validated ones."""
    from datetime import date

    from graph.model import Actor, Link, LinkKind, Theme

    s = SqliteStore(tmp_path / "wijknet.db")
    try:
        s.create_wijk(wijk_in("daalhof"), by=BY)
        s.create_wijk(wijk_in("nuth"), by=BY)
        s.create_actor(org("o1", name="Huisartsenpraktijk Zuid"), by=BY)
        s.create_actor(
            pro(
                "p1",
                "nuth",
                "daalhof",
                name="Émile Ödön",
                organisation="o1",
                themes=[Theme.OUDEREN, Theme.EENZAAMHEID],
                contact={"email": "e@example.org", "phone": "043 123 4567"},
                description="Twee\nregels",
                since=date(2024, 2, 29),
            ),
            by=BY,
        )
        s.create_link(link_in("l1", "p1", "o1", kind=LinkKind.WERKT_BIJ, note="sinds 2024"), by=BY)
        s.confirm_actor("p1", by="Controleur")
        s.confirm_link("l1", by="Controleur")
        actors = s.list_actors()
        links = s.list_links("daalhof")
        snap = s.snapshot("daalhof", date(2025, 1, 1))
        for actor in actors + snap.actors:
            assert actor == Actor.model_validate_json(actor.model_dump_json())
            assert actor == s.get_actor(actor.id)
        for link in links + snap.links:
            assert link == Link.model_validate_json(link.model_dump_json())
        assert [a.id for a in snap.actors] == ["o1", "p1"]  # by name, code point order
    finally:
        s.close()


def test_large_reads_keep_their_order(tmp_path):
    import random

    rng = random.Random(7)
    s = SqliteStore(tmp_path / "wijknet.db")
    try:
        s.create_wijk(wijk_in("daalhof"), by=BY)
        ids = [f"i{n:04d}" for n in range(300)]
        rng.shuffle(ids)
        actors = [ini(i, name=f"Initiatief {rng.randrange(50)}") for i in ids]
        links = [
            link_in(f"l{rng.randrange(10**6):07d}-{n}", ids[n % 300], ids[(n * 7 + 1) % 300])
            for n in range(600)
        ]
        s.bulk_upsert(actors=actors, links=links, by=BY)
        want_actors = sorted((a.name, a.id) for a in actors)
        want_links = sorted(lk.id for lk in links)
        snap = s.snapshot("daalhof")
        assert [(a.name, a.id) for a in snap.actors] == want_actors
        assert [lk.id for lk in snap.links] == want_links
        assert [(a.name, a.id) for a in s.list_actors("daalhof")] == want_actors
        assert [lk.id for lk in s.list_links()] == want_links
    finally:
        s.close()


def test_two_stores_on_one_file_see_each_others_writes_and_conflicts(tmp_path):
    """The web app and the CLI may open the same file: versions guard them too."""
    import threading

    from graph.errors import Conflict
    from graph.model import Actor

    path = tmp_path / "wijknet.db"
    first, second = SqliteStore(path), SqliteStore(path)
    try:
        first.create_wijk(wijk_in("daalhof"), by=BY)
        second.create_actor(ini("i1"), by=BY)
        assert [a.id for a in first.list_actors("daalhof")] == ["i1"]
        barrier = threading.Barrier(2)
        outcome: dict[str, object] = {}

        def write(store: SqliteStore, who: str) -> None:
            barrier.wait(timeout=10)
            try:
                outcome[who] = store.update_actor(
                    "i1", {"description": who}, expected_version=1, by=who
                )
            except Conflict as exc:
                outcome[who] = exc

        threads = [
            threading.Thread(target=write, args=(first, "web")),
            threading.Thread(target=write, args=(second, "cli")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        winners = [w for w, r in outcome.items() if isinstance(r, Actor)]
        assert len(winners) == 1 and len(outcome) == 2
        assert first.get_actor("i1").description == winners[0]
        assert second.get_actor("i1").version == 2
    finally:
        first.close()
        second.close()


def test_a_version_1_file_gets_its_decisions_as_steps(tmp_path):
    """A database of the first version (one verdict per pair in ``decisions``) is migrated
    in place when it is opened: each verdict is the first step of its pair."""
    from graph.model import DEFAULT_REASON

    path = tmp_path / "wijknet.db"
    s = SqliteStore(path)
    s.create_wijk(wijk_in("daalhof"), by=BY)
    s.create_actor(ini("a1"), by=BY)
    s.close()
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.executescript(
            """
            BEGIN;
            DROP TABLE suggestion_steps;
            CREATE TABLE decisions (
                wijk TEXT NOT NULL REFERENCES wijken(slug) ON DELETE CASCADE,
                a TEXT NOT NULL, b TEXT NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (wijk, a, b)
            ) WITHOUT ROWID;
            INSERT INTO decisions VALUES ('daalhof', 'a1', 'a2', '{"wijk":"daalhof","a":"a1",'
                || '"b":"a2","status":"besproken","by":"Anna",'
                || '"at":"2025-05-01T10:00:00Z","note":"In het overleg"}');
            INSERT INTO decisions VALUES ('daalhof', 'a1', 'a3', '{"wijk":"daalhof","a":"a1",'
                || '"b":"a3","status":"niet-relevant","by":"Anna",'
                || '"at":"2025-05-02T10:00:00Z","note":""}');
            PRAGMA user_version = 1;
            COMMIT;
            """
        )
    finally:
        raw.close()
    for _ in range(2):  # opening again changes nothing
        s = SqliteStore(path)
        try:
            states = s.suggestion_states("daalhof")
            assert {pair: (x.status.value, x.note, x.by) for pair, x in states.items()} == {
                ("a1", "a2"): ("ontmoet", "In het overleg", "Anna"),
                ("a1", "a3"): ("niet-relevant", DEFAULT_REASON, "Anna"),
            }
            assert [(d.a, d.b, d.status.value) for d in s.list_decisions("daalhof")] == [
                ("a1", "a2", "besproken"),
                ("a1", "a3", "niet-relevant"),
            ]
            assert [a.id for a in s.list_actors()] == ["a1"]
        finally:
            s.close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "decisions" not in tables and "suggestion_steps" in tables
    finally:
        raw.close()
