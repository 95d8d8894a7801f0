"""``wijknet backup`` and ``wijknet restore`` on SQLite: the store and the accounts file in
one ZIP, restored in an empty store (or with --vervang), refusals in Dutch."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.accounts import AccountStore
from api.cli import app
from api.mappings import MappingStore
from graph.model import ActorIn, LinkIn, SuggestionStep, WijkIn, utcnow
from graph.store import open_store
from graph.store.sqlite import SqliteStore
from importers.mapping import ImportMapping
from tests.support.web import FAST_HASHER

BY = "cli-test"
PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    paths = {"db": tmp_path / "wijknet.db", "accounts": tmp_path / "accounts.db"}
    use(monkeypatch, paths)
    return paths


def use(monkeypatch: pytest.MonkeyPatch, paths: dict[str, Path]) -> None:
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{paths['db']}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(paths["accounts"]))


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def fill(paths: dict[str, Path]) -> str:
    """A few records, a step, a confirmation; an account with a token and a mapping.
    Returns the token."""
    store = SqliteStore(paths["db"])
    try:
        store.create_wijk(WijkIn(slug="daalhof", name="Daalhof", gemeente="Maastricht"), by=BY)
        for n in (1, 2, 3):
            store.create_actor(
                ActorIn(id=f"i{n}", kind="initiatief", name=f"Initiatief {n}", domain="sociaal",
                        wijken=["daalhof"], contact={"email": f"i{n}@example.org"}),
                by=BY,
            )  # fmt: skip
        store.create_link(LinkIn(id="l1", source="i1", target="i2"), by=BY, confirm=True)
        store.add_suggestion_step(
            SuggestionStep(wijk="daalhof", a="i1", b="i3", status="voorgesteld", by=BY, at=utcnow())
        )
        store.confirm_actor("i1", by="Controleur")
    finally:
        store.close()
    accounts = AccountStore(str(paths["accounts"]), hasher=FAST_HASHER)
    try:
        accounts.add_user("anna", PASSWORD, "wijkmakelaar", ["daalhof"])
        accounts.add_user("beheer", PASSWORD, "beheer")
        token = accounts.create_token("anna", "script")
        MappingStore(accounts).save("Sociale kaart", ImportMapping(), by="anna")
    finally:
        accounts.close()
    return token


def state(paths: dict[str, Path]) -> dict[str, Any]:
    store = open_store(f"sqlite:///{paths['db']}")
    try:
        graph = {
            "wijken": [w.model_dump() for w in store.list_wijken()],
            "actors": [a.model_dump() for a in store.list_actors()],
            "links": [lk.model_dump() for lk in store.list_links()],
            "steps": [s.model_dump() for s in store.suggestion_history("daalhof")]
            if store.list_wijken()
            else [],
            "audit": [e.model_dump() for e in store.audit_log(limit=1000)],
        }
    finally:
        store.close()
    accounts = AccountStore(str(paths["accounts"]), hasher=FAST_HASHER)
    try:
        graph["users"] = [u.model_dump() for u in accounts.list_users()]
        graph["mappings"] = [
            (m.name, m.mapping.to_json(), m.updated_at, m.updated_by)
            for m in MappingStore(accounts).list()
        ]
    finally:
        accounts.close()
    return graph


def without_restores(found: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``found`` without the log's restore entries, and those entries."""
    restored = [e for e in found["audit"] if e["action"] == "restore"]
    return found | {"audit": [e for e in found["audit"] if e["action"] != "restore"]}, restored


def test_backup_then_restore_in_an_empty_place_gives_everything_back(env, tmp_path, monkeypatch):
    token = fill(env)
    before = state(env)
    result = run("backup", str(tmp_path / "backup.zip"))
    assert result.exit_code == 0, result.output
    assert "Back-up geschreven" in result.output and "3 actoren" in result.output
    assert "2 accounts" in result.output and "1 token" in result.output
    assert "netwerkuitvraag" not in result.output  # named only when there are any

    fresh = {"db": tmp_path / "nieuw" / "wijknet.db", "accounts": tmp_path / "nieuw" / "acc.db"}
    use(monkeypatch, fresh)
    result = run("restore", str(tmp_path / "backup.zip"), "--door", "beheerder")
    assert result.exit_code == 0, result.output
    assert "Back-up hersteld in sqlite" in result.output
    after, restored = without_restores(state(fresh))
    assert after == before
    # the log of every wijk says who restored which backup, after the backup's own entries
    assert sorted(e["entity_id"] for e in restored) == sorted(w["slug"] for w in before["wijken"])
    assert {e["by"] for e in restored} == {"beheerder"}
    assert all(e["after"]["source"].startswith("back-up backup.zip van ") for e in restored)
    assert min(e["seq"] for e in restored) > max(e["seq"] for e in before["audit"])
    accounts = AccountStore(str(fresh["accounts"]), hasher=FAST_HASHER)
    try:  # the password hashes and the token digests came along
        user = accounts.authenticate("anna", PASSWORD)
        assert user is not None and user.wijken == ["daalhof"]
        found = accounts.user_for_token(token)
        assert found is not None and found.username == "anna"
    finally:
        accounts.close()


def test_restore_into_a_store_with_data_needs_vervang(env, tmp_path):
    fill(env)
    assert run("backup", str(tmp_path / "backup.zip")).exit_code == 0
    store = SqliteStore(env["db"])
    try:
        store.update_actor("i2", {"name": "Later gewijzigd"}, expected_version=1, by=BY)
    finally:
        store.close()
    before = state(env)
    result = run("restore", str(tmp_path / "backup.zip"))
    assert result.exit_code == 1
    assert "niet leeg" in result.output and "--vervang" in result.output
    assert "niets hersteld" in result.output
    assert state(env) == before

    result = run("restore", str(tmp_path / "backup.zip"), "--vervang")
    assert result.exit_code == 0, result.output
    after = state(env)
    assert [a["name"] for a in after["actors"]] == ["Initiatief 1", "Initiatief 2", "Initiatief 3"]
    assert after["users"] == before["users"] and after["mappings"] == before["mappings"]


def test_accounts_in_place_need_vervang_or_zonder_accounts(env, tmp_path, monkeypatch):
    fill(env)
    assert run("backup", str(tmp_path / "backup.zip")).exit_code == 0
    fresh = {"db": tmp_path / "nieuw" / "wijknet.db", "accounts": tmp_path / "nieuw" / "acc.db"}
    use(monkeypatch, fresh)
    accounts = AccountStore(str(fresh["accounts"]), hasher=FAST_HASHER)
    try:
        accounts.add_user("eerste", PASSWORD, "beheer")
    finally:
        accounts.close()
    result = run("restore", str(tmp_path / "backup.zip"))
    assert result.exit_code == 1 and "accountbestand is niet leeg" in result.output
    assert state(fresh)["actors"] == []  # nothing written in the store either

    result = run("restore", str(tmp_path / "backup.zip"), "--zonder-accounts")
    assert result.exit_code == 0, result.output
    after = state(fresh)
    assert len(after["actors"]) == 3
    assert [u["username"] for u in after["users"]] == ["eerste"]


def test_a_tampered_backup_is_refused_in_dutch_and_nothing_changes(env, tmp_path):
    fill(env)
    assert run("backup", str(tmp_path / "backup.zip")).exit_code == 0
    with (
        zipfile.ZipFile(tmp_path / "backup.zip") as src,
        zipfile.ZipFile(tmp_path / "tampered.zip", "w") as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "accounts.jsonl":
                data = data.replace(b'"wijkmakelaar"', b'"beheer"')
            dst.writestr(info.filename, data)
    before = state(env)
    result = run("restore", str(tmp_path / "tampered.zip"), "--vervang")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "controlesom van accounts.jsonl klopt niet" in text and "niets hersteld" in text
    assert state(env) == before


def test_sqlite_kopie_writes_a_copy_of_the_database_file(env, tmp_path):
    fill(env)
    target = tmp_path / "kopie" / "wijknet-kopie.db"
    result = run("backup", str(target), "--sqlite-kopie")
    assert result.exit_code == 0, result.output
    assert "SQLite-kopie geschreven" in result.output
    raw = sqlite3.connect(target)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT count(*) FROM actors").fetchone()[0] == 3
    finally:
        raw.close()


def test_backup_needs_a_file(env):
    result = run("backup")
    assert result.exit_code == 2
    assert "Argument 'BESTAND' ontbreekt." in result.output


def test_a_missing_backup_file_is_named(env, tmp_path):
    result = run("restore", str(tmp_path / "bestaat-niet.zip"))
    assert result.exit_code == 1
    assert "bestaat niet" in result.output


# -- with Neo4j: the graph and the accounts in the Neo4j server -------------------------------


@pytest.fixture
def neo4j_env(neo4j_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``WIJKNET_DATABASE`` names the test server, wiped (graph and accounts)."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth)
    with driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    monkeypatch.setenv("WIJKNET_DATABASE", neo4j_server.url)
    monkeypatch.setenv("WIJKNET_NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("WIJKNET_NEO4J_PASSWORD", neo4j_server.password)
    return neo4j_server


@pytest.mark.neo4j
def test_a_sqlite_backup_restores_into_neo4j_with_its_accounts_and_back(
    env, neo4j_env, tmp_path, monkeypatch
):
    from api.settings import Settings
    from api.shared import open_accounts

    token = fill(env)
    before = state(env)
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{env['db']}")
    assert run("backup", str(tmp_path / "from-sqlite.zip")).exit_code == 0

    monkeypatch.setenv("WIJKNET_DATABASE", neo4j_env.url)
    result = run("restore", str(tmp_path / "from-sqlite.zip"))
    assert result.exit_code == 0, result.output
    assert "Back-up hersteld in neo4j" in result.output
    accounts = open_accounts(Settings())
    try:
        user = accounts.user_for_token(token)
        assert user is not None and user.username == "anna"
        assert [u.model_dump() for u in accounts.list_users()] == before["users"]
    finally:
        accounts.close()

    result = run("backup", str(tmp_path / "from-neo4j.zip"))
    assert result.exit_code == 0, result.output
    assert "2 accounts" in result.output
    fresh = {"db": tmp_path / "terug" / "wijknet.db", "accounts": tmp_path / "terug" / "acc.db"}
    use(monkeypatch, fresh)
    result = run("restore", str(tmp_path / "from-neo4j.zip"))
    assert result.exit_code == 0, result.output
    after, restored = without_restores(state(fresh))
    assert after == before
    # each restore logged once per wijk: into Neo4j (kept in the second backup) and back
    assert len(restored) == 2 * len(before["wijken"])


def test_sqlite_kopie_is_refused_on_neo4j_in_dutch(monkeypatch):
    class NoCopy:
        backend = "neo4j"

        def close(self) -> None:
            pass

    monkeypatch.setattr("api.cli.backup.store_from_settings", _yielding(NoCopy()))
    result = run("backup", "kopie.db", "--sqlite-kopie")
    assert result.exit_code == 1
    assert "alleen bij een SQLite-database" in result.output
    assert "neo4j-admin database dump" in result.output


def _yielding(value: Any) -> Any:
    from contextlib import contextmanager

    @contextmanager
    def opened(config: Any = None) -> Any:
        yield value

    return opened
