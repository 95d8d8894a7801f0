"""When the database cannot be written (a read-only file, or another writer holding the lock
past the busy timeout), the forms come back with everything that was typed and a Dutch
message, and the JSON API answers 503 without naming the database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import graph.store.sqlite.pool as backend
from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from graph.model import ActorIn, LinkIn
from graph.store.sqlite import SqliteStore
from tests.support.api import token_client
from tests.support.importing import new_store
from tests.support.web import FAST_HASHER, PASSWORD, Browser, actor_form

UNREACHABLE = "De database is niet bereikbaar."


@pytest.fixture
def path(tmp_path) -> Path:
    """A small wijk: two initiatives of daalhof and the link between them."""
    path = tmp_path / "geheime-map" / "wijknet.db"
    store = new_store(path)
    for id_, name in (("a-soep", "Buurtsoep Daalhof"), ("a-tuin", "Moestuin Daalhof")):
        store.create_actor(
            ActorIn(
                id=id_,
                kind="initiatief",
                name=name,
                domain="inwoners",
                role="buurthuis",
                wijken=["daalhof"],
            ),
            by="test",
        )
    store.create_link(LinkIn(id="l-1", source="a-soep", target="a-tuin", note="Groente"), by="test")
    store.close()
    return path


@contextmanager
def read_only(path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(f"{path.as_uri()}?mode=ro")
    try:
        yield store
    finally:
        store.close()


@contextmanager
def locked(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqliteStore]:
    """The store, while another connection holds the write lock (busy timeout 0.2 s)."""
    monkeypatch.setattr(backend, "BUSY_TIMEOUT_S", 0.2)
    store = SqliteStore(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield store
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


@contextmanager
def anna(store: SqliteStore) -> Iterator[Browser]:
    accounts = AccountStore(":memory:", hasher=FAST_HASHER)
    accounts.add_user("anna", PASSWORD, "wijkmakelaar", ["daalhof"])
    try:
        with TestClient(create_app(Settings(), store=store, accounts=accounts)) as client:
            yield Browser(client).login("anna")
    finally:
        accounts.close()


def assert_kept(page, *typed: str) -> None:
    assert page.status_code == 503
    assert 'role="alert"' in page.text and UNREACHABLE in page.text
    assert 'method="post"' in page.text  # the form itself, not an error page
    for text in typed:
        assert text in page.text, text


def test_new_actor_form_keeps_what_was_typed_on_a_read_only_database(path):
    with read_only(path) as store, anna(store) as browser:
        page = browser.post(
            "/wijk/daalhof/nieuw/initiatief",
            actor_form(
                name="Taalcafé De Kiosk",
                description="Elke woensdag Nederlands oefenen.",
                since="2025-03-05",
            ),
        )
        assert_kept(
            page,
            'value="Taalcafé De Kiosk"',
            ">Elke woensdag Nederlands oefenen.<",
            'value="2025-03-05"',
        )
        assert [a.name for a in store.list_actors("daalhof")] == [
            "Buurtsoep Daalhof",
            "Moestuin Daalhof",
        ]


def test_edit_actor_form_keeps_what_was_typed_while_another_writer_holds_the_lock(
    path, monkeypatch
):
    with locked(path, monkeypatch) as store, anna(store) as browser:
        form = actor_form(
            name="Buurtsoep Daalhof-Noord",
            description="Nu ook op zaterdag.",
            version="1",
            toch_opslaan="1",
        )
        page = browser.post("/actor/a-soep/bewerken", form)
        assert_kept(page, 'value="Buurtsoep Daalhof-Noord"', ">Nu ook op zaterdag.<")
    store = SqliteStore(path)
    try:
        assert store.get_actor("a-soep").name == "Buurtsoep Daalhof"
    finally:
        store.close()


def test_new_link_form_keeps_what_was_typed_on_a_read_only_database(path):
    with read_only(path) as store, anna(store) as browser:
        page = browser.post(
            "/wijk/daalhof/samenwerking/nieuw",
            {
                "source_name": "Buurtsoep Daalhof",
                "source": "",
                "target_name": "Moestuin Daalhof",
                "target": "",
                "kind": "verwijzing",
                "intensity": "3",
                "since": "2025-04-01",
                "until": "",
                "note": "Soep van eigen groente",
            },
        )
        assert_kept(page, ">Soep van eigen groente<", 'value="2025-04-01"')


def test_edit_link_form_keeps_what_was_typed_while_another_writer_holds_the_lock(path, monkeypatch):
    with locked(path, monkeypatch) as store, anna(store) as browser:
        page = browser.post(
            "/samenwerking/l-1/bewerken",
            {
                "version": "1",
                "intensity": "4",
                "since": "",
                "until": "2025-12-31",
                "note": "Ook fruit",
            },
        )
        assert_kept(page, ">Ook fruit<", 'value="2025-12-31"')


@pytest.mark.parametrize("unavailable", [read_only, locked], ids=["read-only", "locked"])
def test_api_503_does_not_name_the_database_file(path, monkeypatch, unavailable):
    args = (path, monkeypatch) if unavailable is locked else (path,)
    with unavailable(*args) as store, token_client(store, ["daalhof"]) as client:
        r = client.post(
            "/api/v1/wijken",
            json={"slug": "nuth", "name": "Nuth", "gemeente": "Beekdaelen"},
            headers=client.tokens["beheer"],
        )
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["code"] == "store_unavailable" and body["message"]
    for secret in (str(path), "geheime-map", "wijknet.db"):
        assert secret not in r.text
