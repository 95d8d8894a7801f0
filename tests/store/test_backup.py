"""Backups (``graph.store.backup``): a loaded store backed up, wiped and restored gives every
record back, on SQLite and on the real Neo4j server, and across the two."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from graph.demo import load_demo
from graph.errors import Conflict, InvalidData
from graph.model import LinkIn, SuggestionStep, utcnow
from graph.store import GraphStore
from graph.store.backup import (
    NOT_EMPTY,
    BackupError,
    StoreDump,
    backup_store,
    read_backup,
    write_backup,
)
from graph.store.sqlite import SqliteStore
from tests.store.test_neo4j import neo4j_admin, shared_store  # noqa: F401 - the same fixtures

BY = "Backup-test"


# -- the stores ----------------------------------------------------------------------------


def _wipe_neo4j(admin: Any) -> None:
    with admin.session() as session:  # an implicit transaction, for IN TRANSACTIONS
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo (``graph.demo.load_demo``) and the extras of ``load``,
    made once: loading the demo takes seconds on SQLite and far longer on Neo4j."""
    path = tmp_path_factory.mktemp("backup-demo") / "demo.db"
    store = SqliteStore(path)
    try:
        load(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def demo_dump(demo_file: Path) -> StoreDump:
    store = SqliteStore(demo_file)
    try:
        return store.export_all()
    finally:
        store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "wijknet.db")
    yield store
    store.close()


@pytest.fixture
def neo4j_store(shared_store, neo4j_admin) -> Iterator[GraphStore]:  # noqa: F811
    _wipe_neo4j(neo4j_admin)
    yield shared_store


@pytest.fixture
def loaded_sqlite(demo_file: Path, tmp_path: Path) -> Iterator[SqliteStore]:
    """The demo as ``load`` wrote it, in a copy of the file."""
    source = SqliteStore(demo_file)
    try:
        source.copy_to(tmp_path / "wijknet.db")
    finally:
        source.close()
    store = SqliteStore(tmp_path / "wijknet.db")
    yield store
    store.close()


@pytest.fixture
def small_neo4j(neo4j_store: GraphStore, demo_dump: StoreDump) -> GraphStore:
    """One wijk of the demo: enough for the refusals, quick to write."""
    neo4j_store.import_all(one_wijk(demo_dump))
    more(neo4j_store)
    return neo4j_store


@pytest.fixture
def small_sqlite(sqlite_store: SqliteStore, demo_dump: StoreDump) -> SqliteStore:
    sqlite_store.import_all(one_wijk(demo_dump))
    more(sqlite_store)
    return sqlite_store


def one_wijk(dump: StoreDump) -> StoreDump:
    """The records of the first wijk of ``dump`` whose actors are in that wijk alone."""
    slug = dump.wijken[0].slug
    actors = [a for a in dump.actors if a.wijken == [slug]]
    ids = {a.id for a in actors}
    actors = [a for a in actors if a.organisation is None or a.organisation in ids]
    ids = {a.id for a in actors}
    return StoreDump(
        wijken=dump.wijken[:1],
        actors=actors,
        links=[lk for lk in dump.links if lk.source in ids and lk.target in ids],
        steps=[s for s in dump.steps if s.step.wijk == slug],
        audit=[e for e in dump.audit if e.wijken == [slug]],
        changes={slug: dump.changes[slug]},
        audit_seq=dump.audit_seq,
    )


@pytest.fixture
def wipe(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[Any], Any]]:
    """Wipe a store: a fresh file for SQLite, every node deleted on Neo4j."""
    opened: list[SqliteStore] = []

    def wipe(store: GraphStore) -> GraphStore:
        if isinstance(store, SqliteStore):
            store.close()
            for file in Path(store.path).parent.glob(Path(store.path).name + "*"):
                file.unlink()
            fresh = SqliteStore(store.path)
            opened.append(fresh)
            return fresh
        _wipe_neo4j(request.getfixturevalue("neo4j_admin"))
        return store

    yield wipe
    for store in opened:
        store.close()


def _params(sqlite: str, neo4j: str) -> list[Any]:
    return [
        pytest.param(sqlite, id="sqlite"),
        pytest.param(neo4j, id="neo4j", marks=pytest.mark.neo4j),
    ]


@pytest.fixture
def loaded(loaded_sqlite: SqliteStore) -> GraphStore:
    """A store with the whole demo, steps, confirmations and audit entries (on Neo4j see
    ``test_on_neo4j_and_across_the_backends``: loading the demo there takes long)."""
    return loaded_sqlite


@pytest.fixture(params=_params("small_sqlite", "small_neo4j"))
def small(request: pytest.FixtureRequest) -> GraphStore:
    """A store with one wijk of the demo and a few writes of its own."""
    return request.getfixturevalue(request.param)


@pytest.fixture(params=_params("sqlite_store", "neo4j_store"))
def empty(request: pytest.FixtureRequest) -> GraphStore:
    return request.getfixturevalue(request.param)


# -- a loaded store and what it holds ------------------------------------------------------


def load(store: GraphStore) -> None:
    """The demo data, plus steps of suggested pairs (one undone, one pair removed, one
    realised by a new link), confirmations, contact details and a deleted actor."""
    load_demo(store)
    more(store)


def more(store: GraphStore) -> None:
    """Steps of suggested pairs (one undone, one pair removed, one realised by a new
    link), confirmations, contact details and a deleted actor, written by ``store``."""
    wijk = store.list_wijken()[0].slug
    actors = [a for a in store.list_actors(wijk) if a.kind.value == "initiatief"]
    actors = [a for a in actors if a.wijken == [wijk]][:6]
    a, b, c, d, e, f = (x.id for x in actors)
    now = utcnow()

    def step(x: str, y: str, status: str, **extra: Any) -> None:
        store.add_suggestion_step(
            SuggestionStep(wijk=wijk, a=x, b=y, status=status, by=BY, at=now, **extra)
        )

    step(a, b, "voorgesteld")
    step(a, b, "benaderd", note="Gebeld")
    step(a, b, "later", date=date.today() + timedelta(days=30), note="Na de zomer")
    store.undo_suggestion_step(wijk, a, b, by=BY)
    step(c, d, "niet-relevant", note="Andere doelgroep")
    step(e, f, "voorgesteld")
    step(a, c, "voorgesteld")
    store.delete_decision(wijk, a, c, by=BY)
    store.create_link(LinkIn(source=e, target=f, note="Koffie"), by=BY)
    store.confirm_actor(a, by="Controleur")
    first = store.get_actor(b)
    store.update_actor(
        b,
        {"contact": {"name": "Ria Jansen", "email": "ria@example.org", "phone": "043 123 4567"}},
        expected_version=first.version,
        by=BY,
    )
    gone = store.get_actor(d)
    store.delete_actor(d, expected_version=gone.version, by=BY)


def everything(store: GraphStore) -> dict[str, Any]:
    """Every record as the store's public reads give it (model dumps)."""
    wijken = store.list_wijken()
    return {
        "wijken": [w.model_dump() for w in wijken],
        "actors": [a.model_dump() for a in store.list_actors()],
        "links": [lk.model_dump() for lk in store.list_links()],
        "steps": {
            w.slug: [s.model_dump() for s in store.suggestion_history(w.slug)] for w in wijken
        },
        "states": {w.slug: sorted(store.suggestion_states(w.slug)) for w in wijken},
        "audit": [e.model_dump() for e in store.audit_log(limit=10**6)],
    }


def counters(store: GraphStore) -> dict[str, int]:
    return {w.slug: store.change_counter(w.slug) for w in store.list_wijken()}


def restore(store: GraphStore, path: Path, *, replace: bool = False) -> None:
    store.import_all(read_backup(path).store, replace=replace)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.endswith(".jsonl")}


# -- round trips ---------------------------------------------------------------------------


def test_backup_wipe_restore_gives_every_record_back(loaded, wipe, tmp_path):
    store = loaded
    before, counted = everything(store), counters(store)
    path = tmp_path / "backup.zip"
    manifest = backup_store(store, path)
    assert manifest.backend == store.backend
    assert manifest.count("actors") == len(before["actors"])
    assert manifest.count("audit") == len(before["audit"])
    assert sum(len(s) for s in before["steps"].values()) == manifest.count("suggestion_steps") > 0
    assert any(a["confirmed"] for a in before["actors"])
    assert any(a["contact"] for a in before["actors"])

    store = wipe(store)
    assert store.list_wijken() == [] and store.audit_log() == []
    restore(store, path)

    assert everything(store) == before
    assert counters(store) == counted  # restored into an empty store: as they were
    backup_store(store, tmp_path / "again.zip")  # and it backs up the same again
    assert members(tmp_path / "again.zip") == members(path)
    # the audit numbering goes on after the restored entries
    store.confirm_actor(before["actors"][0]["id"], by=BY)
    assert store.audit_log(limit=1)[0].seq == before["audit"][0]["seq"] + 1


RECORDS = ("wijken", "actors", "links", "steps", "audit", "audit_seq")
"""What ``export_all`` gives besides the counters (whose keys differ between backends)."""


def same_records(found: StoreDump, expected: StoreDump) -> None:
    for kind in RECORDS:
        assert getattr(found, kind) == getattr(expected, kind), kind


@pytest.mark.neo4j
def test_on_neo4j_backup_wipe_restore_gives_every_record_back(small_neo4j, wipe, tmp_path):
    """As on SQLite, with one wijk of the demo written to by Neo4j itself (the whole demo
    crosses the backends below)."""
    store = small_neo4j
    before, counted = everything(store), counters(store)
    path = tmp_path / "backup.zip"
    manifest = backup_store(store, path)
    assert manifest.backend == "neo4j" and manifest.count("audit") == len(before["audit"])
    store = wipe(store)
    assert store.list_wijken() == [] and store.audit_log() == []
    restore(store, path)
    assert everything(store) == before
    assert counters(store) == counted
    backup_store(store, tmp_path / "again.zip")
    assert members(tmp_path / "again.zip") == members(path)
    store.confirm_actor(before["actors"][0]["id"], by=BY)
    assert store.audit_log(limit=1)[0].seq == before["audit"][0]["seq"] + 1


@pytest.mark.neo4j
def test_the_demo_crosses_from_sqlite_to_neo4j_and_back(loaded_sqlite, neo4j_store, tmp_path):
    """The demo backed up from SQLite restores into Neo4j; written to there and backed up,
    it restores into SQLite. Compared record by record (``export_all``: one read each)."""
    dump, counted = loaded_sqlite.export_all(), counters(loaded_sqlite)
    backup_store(loaded_sqlite, tmp_path / "from-sqlite.zip")
    restore(neo4j_store, tmp_path / "from-sqlite.zip")
    same_records(neo4j_store.export_all(), dump)
    assert counters(neo4j_store) == counted

    more(neo4j_store)  # records, steps and audit entries written by Neo4j itself
    counted = counters(neo4j_store)
    manifest = backup_store(neo4j_store, tmp_path / "from-neo4j.zip")
    back = SqliteStore(tmp_path / "back.db")
    try:
        restore(back, tmp_path / "from-neo4j.zip")
        found = back.export_all()
        same_records(found, read_backup(tmp_path / "from-neo4j.zip").store)
        assert manifest.count("audit") == len(found.audit) > len(dump.audit)
        assert counters(back) == counted
        assert everything(back)["actors"] == [a.model_dump() for a in neo4j_store.list_actors()]
    finally:
        back.close()


# -- refusals ------------------------------------------------------------------------------


def _rewrite(path: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))


def test_a_tampered_backup_is_refused_and_nothing_changes(small, tmp_path):
    store = small
    path = tmp_path / "backup.zip"
    backup_store(store, path)
    store.create_link(
        LinkIn(id="l-after", source=store.list_actors()[0].id, target=store.list_actors()[1].id),
        by=BY,
    )
    before, counted = everything(store), counters(store)
    tampered = tmp_path / "tampered.zip"

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"Ria Jansen", b"Ria Janssen") if name == "actors.jsonl" else data

    _rewrite(path, tampered, change)
    with pytest.raises(BackupError) as info:
        restore(store, tampered, replace=True)
    assert "controlesom van actors.jsonl klopt niet" in info.value.message
    assert "Er is niets hersteld" in info.value.message
    assert everything(store) == before and counters(store) == counted


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda name, data: data if name != "manifest.json" else b"{",
            "manifest.json is onleesbaar",
        ),
        (lambda name, data: data + b"{}\n" if name == "links.jsonl" else data, "controlesom"),
    ],
)
def test_broken_backups_are_refused_in_dutch(small_sqlite, tmp_path, change, message):
    backup_store(small_sqlite, tmp_path / "backup.zip")
    _rewrite(tmp_path / "backup.zip", tmp_path / "broken.zip", change)
    with pytest.raises(BackupError, match=message):
        read_backup(tmp_path / "broken.zip")


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    (tmp_path / "notes.zip").write_text("geen zip")
    with pytest.raises(BackupError, match="geen ZIP-bestand"):
        read_backup(tmp_path / "notes.zip")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hallo")
    with pytest.raises(BackupError, match="manifest.json ontbreekt"):
        read_backup(tmp_path / "other.zip")
    with pytest.raises(BackupError, match="bestaat niet"):
        read_backup(tmp_path / "missing.zip")


def test_a_member_missing_from_the_manifest_is_refused(small_sqlite, tmp_path):
    backup_store(small_sqlite, tmp_path / "backup.zip")
    with zipfile.ZipFile(tmp_path / "backup.zip", "a") as zf:
        zf.writestr("extra.jsonl", "{}\n")
    with pytest.raises(BackupError, match="extra.jsonl staat niet in het manifest"):
        read_backup(tmp_path / "backup.zip")


def test_a_backup_with_dangling_references_is_refused(tmp_path, small_sqlite):
    sqlite_store = small_sqlite
    dump = sqlite_store.export_all()
    dump.actors = [a for a in dump.actors if a.id != dump.links[0].source]
    write_backup(tmp_path / "dangling.zip", dump, backend="sqlite")
    with pytest.raises(BackupError, match="onbekende actor"):
        read_backup(tmp_path / "dangling.zip")
    with pytest.raises(InvalidData):
        sqlite_store.import_all(dump, replace=True)


def test_a_non_empty_store_is_refused_without_replace(small, tmp_path):
    store = small
    path = tmp_path / "backup.zip"
    backup_store(store, path)
    first = store.list_actors()[0]
    store.update_actor(
        first.id, {"description": "Na de back-up"}, expected_version=first.version, by=BY
    )
    before, counted = everything(store), counters(store)
    with pytest.raises(Conflict) as info:
        restore(store, path)
    assert info.value.message == NOT_EMPTY
    assert everything(store) == before and counters(store) == counted

    restore(store, path, replace=True)  # with replace: the backup's records, every one
    assert store.get_actor(first.id).description == first.description
    assert store.get_actor(first.id).version == first.version
    # the counters never go back: above what the store had, caches keyed on them stay right
    assert all(store.change_counter(w) > n for w, n in counted.items())


def test_a_restore_that_fails_halfway_changes_nothing(small, monkeypatch):
    store = small
    dump = store.export_all()
    before, counted = everything(store), counters(store)
    broken = StoreDump(**{**dump.__dict__, "links": [*dump.links, _dangling(dump)]})
    for module in ("graph.store.sqlite.backup", "graph.store.neo4j.backup"):
        monkeypatch.setattr(f"{module}.check_dump", lambda dump: [])
    with pytest.raises(Conflict):
        store.import_all(broken, replace=True)  # the old records were deleted first, then…
    assert everything(store) == before and counters(store) == counted


def _dangling(dump: StoreDump) -> Any:
    link = dump.links[0]
    return link.model_copy(update={"id": "l-dangling", "target": "bestaat-niet"})


def test_an_empty_store_backs_up_and_restores(empty, tmp_path):
    store = empty
    backup_store(store, tmp_path / "empty.zip")
    found = read_backup(tmp_path / "empty.zip")
    assert found.manifest.count("wijken") == 0
    store.import_all(found.store)
    assert store.list_wijken() == [] and store.audit_log() == []


# -- SQLite's byte-level copy --------------------------------------------------------------


def test_sqlite_copy_is_a_consistent_database_file(loaded_sqlite, tmp_path):
    sqlite_store = loaded_sqlite
    target = tmp_path / "copy" / "kopie.db"
    sqlite_store.copy_to(target)
    raw = sqlite3.connect(target)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()
    copy = SqliteStore(target)
    try:
        assert everything(copy) == everything(sqlite_store)
        assert counters(copy) == counters(sqlite_store)
    finally:
        copy.close()
