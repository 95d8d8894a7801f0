"""Fixtures shared by the test folders: the Neo4j server, and the demo app of the page and
API tests (a demo store per test, accounts, logged-in clients).

The demo data is loaded once per session into a template file; each test gets a copy, so
every test starts from the same wijken without paying for the load again. A test module
that needs a store of its own defines a ``store`` fixture, which takes the place of the
demo store for its tests (the backends in ``tests/store/`` each supply theirs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from graph.demo import load_demo
from graph.store import GraphStore, open_store
from tests.support import neo4j_server as harness
from tests.support.web import ACCOUNTS, FAST_HASHER, PASSWORD, Browser, copy_store

SKIP_NEO4J = os.environ.get("WIJKNET_SKIP_NEO4J", "").strip() == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``neo4j`` run against the real server; only WIJKNET_SKIP_NEO4J=1 skips them."""
    if not SKIP_NEO4J:
        return
    skip = pytest.mark.skip(reason="WIJKNET_SKIP_NEO4J=1: the Neo4j tests were opted out")
    for item in items:
        if item.get_closest_marker("neo4j"):
            item.add_marker(skip)


# -- Neo4j ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[harness.Neo4jServer]:
    """One Neo4j server for the whole session (or the one WIJKNET_TEST_NEO4J_URL names).

    If it cannot start, every test that needs it errors with the reason and the server's log.
    """
    server = harness.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _neo4j_marker(request: pytest.FixtureRequest) -> None:
    """Tests marked ``neo4j`` get the session's server started for them."""
    if request.node.get_closest_marker("neo4j"):
        request.getfixturevalue("neo4j_server")


# -- the demo app of the page and API tests ---------------------------------------------


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo data, made once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    try:
        load_demo(store)
    finally:
        store.close()
    return path


@pytest.fixture
def store(demo_template: Path, tmp_path: Path) -> Iterator[GraphStore]:
    store = copy_store(demo_template, tmp_path / "web.db")
    yield store
    store.close()


@pytest.fixture
def accounts() -> Iterator[AccountStore]:
    accounts = AccountStore(":memory:", max_failed=3, lockout_minutes=15, hasher=FAST_HASHER)
    for name, role, wijken in ACCOUNTS:
        accounts.add_user(name, PASSWORD, role, wijken)
    yield accounts
    accounts.close()


@pytest.fixture
def app(store: GraphStore, accounts: AccountStore):
    return create_app(Settings(stale_after_days=365), store=store, accounts=accounts)


@pytest.fixture
def browse(app):
    """``browse("anna")`` gives a client logged in as anna (each call a fresh client)."""
    clients: list[TestClient] = []

    def make(username: str | None = None) -> Browser:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        browser = Browser(client)
        return browser.login(username) if username else browser

    yield make
    for client in clients:
        client.__exit__(None, None, None)
