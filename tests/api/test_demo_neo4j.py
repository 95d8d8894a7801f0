"""``make demo-neo4j``'s building blocks: the local server (``graph.store.neo4j.local``),
the settings it gives wijknet, a demo load into it and the app serving on it.

The server is the session's (``tests/conftest.py`` starts it through the same module).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import GraphDatabase

from api.app import create_app
from api.settings import Settings
from api.stale import stale_rows
from graph.demo import load_demo
from graph.store import open_store
from graph.store.neo4j import local
from graph.store.sqlite import SqliteStore
from tests.support.shared_state import wipe

DEMO = Path(__file__).resolve().parents[2] / "tools" / "neo4j" / "demo.py"


@pytest.fixture
def admin(neo4j_server):
    with GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth) as driver:
        wipe(driver)
        yield driver
        wipe(driver)


@pytest.mark.neo4j
def test_the_demo_loads_into_the_local_server_and_the_app_serves_it(
    neo4j_server, admin, monkeypatch
):
    assert isinstance(neo4j_server, local.LocalNeo4j)
    for key, value in neo4j_server.environment().items():  # what demo.py hands wijknet
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.database == neo4j_server.url
    store = open_store(settings.database, auth=settings.store_auth())
    reference = SqliteStore(":memory:")
    try:
        result = load_demo(store)  # the whole demo, its history copied in one transaction
        assert result == load_demo(reference)
        # the same records, dates and history as on the embedded default
        assert store.export_all().counts() == reference.export_all().counts()
        for slug in ("daalhof", "de-baandert"):  # "Actueel houden" lists the same records
            stale, expected = (
                [(row.kind, row.id, row.by) for row in stale_rows(s, slug, days=365, user=None)]
                for s in (store, reference)
            )
            assert stale and stale == expected
        again = load_demo(store)
        assert again.created == 0 and again.updated == 0  # a second run changes nothing
    finally:
        store.close()
        reference.close()
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/v1/health")
    assert answer.status_code == 200
    assert answer.json()["ok"] is True and answer.json()["backend"] == "neo4j"


def test_a_kept_home_without_its_password_is_refused(tmp_path):
    (tmp_path / "data" / "databases").mkdir(parents=True)
    with pytest.raises(local.LocalNeo4jError, match=local.CREDENTIALS):
        local._kept_password(tmp_path / "no-lib", tmp_path)


def test_the_demo_script_keeps_its_data_under_data(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("wijknet_demo_neo4j", DEMO)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.HOME.relative_to(DEMO.parents[2]) == Path("data/neo4j")
