"""The shared state on Neo4j: accounts, API tokens, sessions, login throttling, pending
uploads and saved import mappings (``api.shared``), and ``wijknet accounts migrate``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from api.accounts import AccountRole, AccountStore
from api.cli import app as cli
from api.errors import WebError
from api.mappings import MappingStore
from api.settings import Settings
from api.shared import open_accounts, shared_for
from api.shared.neo4j_accounts import Neo4jAccountStore
from api.shared.neo4j_db import SharedNeo4j
from api.shared.neo4j_mappings import Neo4jMappingStore
from api.shared.neo4j_uploads import Neo4jPendingUploads
from graph.errors import Conflict, InvalidData, NotFound
from graph.model import utcnow
from importers.mapping import ImportMapping
from tests.support.shared_state import wipe
from tests.support.web import FAST_HASHER, PASSWORD

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def admin(neo4j_server):
    with GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth) as driver:
        yield driver


@pytest.fixture(scope="module")
def shared_db(neo4j_server):
    db = SharedNeo4j(neo4j_server.url, auth=neo4j_server.auth)
    yield db
    db.close()


@pytest.fixture
def db(shared_db, admin):
    wipe(admin)
    return shared_db


@pytest.fixture
def accounts(db):
    store = Neo4jAccountStore(db, max_failed=3, lockout_minutes=15, hasher=FAST_HASHER)
    store.add_user("anna", PASSWORD, "wijkmakelaar", ["daalhof"])
    return store


def _later(monkeypatch, minutes: float) -> None:
    moment = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr("api.shared.neo4j_accounts.utcnow", lambda: moment)


def _count(admin, label: str) -> int:
    records, _, _ = admin.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n")
    return records[0]["n"]


def test_the_constraints_exist(db, admin):
    records, _, _ = admin.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties RETURN labelsOrTypes[0] AS label,"
        " properties[0] AS property"
    )
    found = {(r["label"], r["property"]) for r in records}
    assert {
        ("Account", "username"),
        ("ApiToken", "digest"),
        ("Session", "digest"),
        ("LoginFailure", "key"),
        ("PendingUpload", "token"),
        ("ImportMapping", "name"),
    } <= found


def test_accounts_are_nodes_with_argon2_hashes(accounts, admin):
    records, _, _ = admin.execute_query("MATCH (a:Account) RETURN a.password_hash AS h")
    assert records[0]["h"].startswith("$argon2") and PASSWORD not in records[0]["h"]
    assert accounts.authenticate("anna", PASSWORD).wijken == ["daalhof"]
    assert accounts.authenticate("anna", "fout-wachtwoord") is None
    with pytest.raises(Conflict):
        accounts.add_user("anna", "een-ander-wachtwoord", "beheer")
    with pytest.raises(InvalidData):
        accounts.add_user("kort", "kort", "lezer")
    with pytest.raises(InvalidData):
        accounts.add_user("piet", PASSWORD, "wijkmakelaar", ["nergens"], known_wijken=["daalhof"])
    accounts.add_user("baas", PASSWORD, AccountRole.BEHEER)
    assert [u.username for u in accounts.list_users()] == ["anna", "baas"]
    assert accounts.set_role("anna", "lezer", []).role is AccountRole.LEZER
    assert accounts.get_user("anna").role is AccountRole.LEZER
    with pytest.raises(NotFound):
        accounts.set_role("niemand", "lezer", [])


def test_throttling_locks_out_and_ends_after_the_lockout(accounts, monkeypatch):
    for _ in range(3):
        assert accounts.authenticate("anna", "fout-wachtwoord") is None
    assert accounts.is_locked("anna")
    assert accounts.authenticate("anna", PASSWORD) is None  # locked: even the right one
    # names without an account are counted and locked out alike
    for _ in range(3):
        assert accounts.authenticate("niemand", "fout-wachtwoord") is None
    assert accounts.is_locked("niemand") and not accounts.is_locked("iemand-anders")
    _later(monkeypatch, 16)
    assert not accounts.is_locked("anna") and not accounts.is_locked("niemand")
    assert accounts.authenticate("anna", PASSWORD).username == "anna"


def test_a_right_password_resets_the_count(accounts):
    for _ in range(2):
        accounts.authenticate("anna", "fout-wachtwoord")
    assert accounts.authenticate("anna", PASSWORD) is not None
    for _ in range(2):
        accounts.authenticate("anna", "fout-wachtwoord")
    assert not accounts.is_locked("anna")


def test_unknown_names_are_kept_in_a_bounded_number_of_nodes(db, admin):
    small = Neo4jAccountStore(db, hasher=FAST_HASHER, max_unknown_names=3)
    for n in range(6):
        small.authenticate(f"naam{n}", "fout-wachtwoord")
    assert _count(admin, "LoginFailure") == 3


def test_tokens_are_digests_and_can_be_revoked(accounts, admin):
    token = accounts.create_token("anna", "script")
    assert accounts.user_for_token(token).username == "anna"
    assert accounts.user_for_token(token + "x") is None
    records, _, _ = admin.execute_query("MATCH (t:ApiToken) RETURN t.digest AS d, t.label AS l")
    assert [r["l"] for r in records] == ["script"] and records[0]["d"] != token
    assert accounts.revoke_token(token) is True
    assert accounts.user_for_token(token) is None
    assert accounts.revoke_token(token) is False
    with pytest.raises(NotFound):
        accounts.create_token("niemand")


def test_sessions_expire_on_read_and_are_cleaned_on_write(accounts, admin, monkeypatch):
    anonymous = accounts.open_session(None, hours=1)
    session = accounts.get_session(anonymous)
    assert session is not None and session.user is None
    token = accounts.open_session("anna", hours=1)
    assert accounts.get_session(token).user.username == "anna"
    _later(monkeypatch, 61)
    assert accounts.get_session(token) is None  # expired: refused on read
    assert _count(admin, "Session") == 2
    accounts.open_session("anna", hours=1)  # the next write removes the expired ones
    assert _count(admin, "Session") == 1


def test_logout_password_change_and_deletion_end_sessions_and_tokens(accounts, admin):
    first = accounts.open_session("anna")
    accounts.end_session(first)
    assert accounts.get_session(first) is None
    second = accounts.open_session("anna")
    accounts.set_password("anna", "een-nieuw-wachtwoord")
    assert accounts.get_session(second) is None
    assert accounts.authenticate("anna", "een-nieuw-wachtwoord") is not None
    third = accounts.open_session("anna")
    token = accounts.create_token("anna")
    accounts.delete_user("anna")
    assert accounts.get_session(third) is None and accounts.user_for_token(token) is None
    assert _count(admin, "ApiToken") == 0
    with pytest.raises(NotFound):
        accounts.delete_user("anna")


def test_pending_uploads_round_trip_in_chunks(db, admin, monkeypatch):
    monkeypatch.setattr("api.shared.neo4j_uploads.CHUNK", 4)
    uploads = Neo4jPendingUploads(db, per_owner=2)
    files = [("../a.csv", b"naam\nAnna\nBert\n"), ("leeg.csv", b"")]
    first = uploads.add("sessie-1", "daalhof", files)
    kept = uploads.get(first, "sessie-1")
    assert kept is not None and kept.wijk == "daalhof"
    assert kept.files() == [("a.csv", b"naam\nAnna\nBert\n"), ("leeg.csv", b"")]
    assert uploads.get(first, "sessie-2") is None
    assert uploads.get("../../etc/passwd", "sessie-1") is None
    assert uploads.set_mapping(first, "sessie-1", {"naam": "x"})
    assert uploads.get(first, "sessie-1").mapping == {"naam": "x"}
    assert not uploads.set_mapping(first, "sessie-2", {"naam": "y"})
    second = uploads.add("sessie-1", "daalhof", [("b.csv", b"x")])
    uploads.add("sessie-1", "daalhof", [("c.csv", b"x")])
    assert uploads.get(first, "sessie-1") is None  # the oldest made way for the newest
    pending = uploads.get(second, "sessie-1")
    uploads.finish(pending, {"created": 1})
    assert uploads.get(second, "sessie-1").result == {"created": 1}
    records, _, _ = admin.execute_query(
        "MATCH (c:PendingChunk {token: $t}) RETURN count(c) AS n", t=second
    )
    assert records[0]["n"] == 0  # only the result is kept
    assert _count(admin, "PendingChunk") == 1  # the third upload's one chunk


def test_pending_uploads_expire_and_are_size_limited(db, admin):
    uploads = Neo4jPendingUploads(db, max_bytes=10)
    token = uploads.add("sessie-1", "daalhof", [("a.csv", b"0123456789")])
    with pytest.raises(WebError) as info:
        uploads.add("sessie-1", "daalhof", [("a.csv", b"01234"), ("b.csv", b"567890")])
    assert info.value.status == 413 and "groter dan" in info.value.message
    uploads.seconds = 0
    assert uploads.get(token, "sessie-1") is None  # expired: refused and removed
    assert _count(admin, "PendingUpload") == 0 and _count(admin, "PendingChunk") == 0


def test_saved_mappings(db):
    mappings = Neo4jMappingStore(db)
    assert mappings.names() == [] and mappings.get("Partnerlijst") is None
    saved = mappings.save("Partnerlijst", ImportMapping(), by="anna")
    assert saved.mapping.naam == "Partnerlijst"
    mappings.save("Kumu", ImportMapping(), by="baas")
    assert mappings.names() == ["Kumu", "Partnerlijst"]
    assert [m.updated_by for m in mappings.list()] == ["baas", "anna"]
    assert mappings.get("Kumu").mapping.naam == "Kumu"
    assert mappings.delete("Kumu") and not mappings.delete("Kumu")


def test_the_settings_choose_the_backend(db, neo4j_server, tmp_path):
    user, password = neo4j_server.auth
    on_neo4j = Settings(database=neo4j_server.url, neo4j_user=user, neo4j_password=password)
    shared = shared_for(open_accounts(on_neo4j, hasher=FAST_HASHER), on_neo4j)
    try:
        assert isinstance(shared.accounts, Neo4jAccountStore)
        assert isinstance(shared.mappings, Neo4jMappingStore)
        assert isinstance(shared.uploads, Neo4jPendingUploads)
    finally:
        shared.close()
    on_file = Settings(
        database=f"sqlite:///{tmp_path / 'g.db'}", accounts_database=str(tmp_path / "a.db")
    )
    shared = shared_for(open_accounts(on_file), on_file)
    try:
        assert type(shared.accounts) is AccountStore and type(shared.mappings) is MappingStore
    finally:
        shared.close()


def test_migrate_copies_an_accounts_file_once(db, neo4j_server, tmp_path, monkeypatch):
    path = tmp_path / "accounts.db"
    old = AccountStore(str(path), hasher=FAST_HASHER)
    old.add_user("anna", PASSWORD, "wijkmakelaar", ["daalhof", "nuth"])
    old.add_user("baas", PASSWORD, "beheer")
    token = old.create_token("baas", "script")
    MappingStore(old).save("Partnerlijst", ImportMapping(), by="anna")
    old.close()
    monkeypatch.setenv("WIJKNET_DATABASE", neo4j_server.url)
    monkeypatch.setenv("WIJKNET_NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("WIJKNET_NEO4J_PASSWORD", neo4j_server.password)
    runner = CliRunner()
    result = runner.invoke(cli, ["accounts", "migrate", "--from", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    assert "accounts: 2 gekopieerd, 0 stonden er al" in result.output
    assert "API-tokens: 1 gekopieerd" in result.output
    assert "koppelingen: 1 gekopieerd" in result.output
    again = runner.invoke(cli, ["accounts", "migrate", "--from", str(path)])
    assert again.exit_code == 0, again.output
    assert "accounts: 0 gekopieerd, 2 stonden er al" in again.output
    assert "koppelingen: 0 gekopieerd, 1 stonden er al" in again.output
    moved = Neo4jAccountStore(db, hasher=FAST_HASHER)
    assert moved.authenticate("anna", PASSWORD).wijken == ["daalhof", "nuth"]
    assert moved.user_for_token(token).username == "baas"
    assert Neo4jMappingStore(db).get("Partnerlijst") is not None
    # the user commands work on Neo4j too
    listed = runner.invoke(cli, ["user", "list"])
    assert listed.exit_code == 0 and "anna" in listed.output and "baas" in listed.output
    missing = runner.invoke(cli, ["accounts", "migrate", "--from", str(tmp_path / "geen.db")])
    assert missing.exit_code == 1 and "bestaat niet" in missing.output


def test_migrate_refuses_without_neo4j(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{tmp_path / 'g.db'}")
    result = CliRunner().invoke(cli, ["accounts", "migrate", "--from", str(tmp_path / "a.db")])
    assert result.exit_code == 1 and "geen Neo4j-database" in result.output
