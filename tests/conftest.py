"""Fixtures shared by the test folders: the Neo4j server, and the demo app of the page and
API tests (a demo store per test, accounts, logged-in clients).

The demo data is loaded once per session into a template file; each test gets a copy, so
every test starts from the same wijken without paying for the load again. A test module
that needs a store of its own defines a ``store`` fixture, which takes the place of the
demo store for its tests (the backends in ``tests/store/`` each supply theirs).

A module marked ``both_stores`` runs each test twice, on SQLite and on the session's Neo4j
server (ids ``sqlite`` and ``neo4j``): ``store_backend`` says which, and ``store`` and
``empty_store`` follow it. On Neo4j, ``store`` is the demo written into the database
(again only after a test changed it, see ``Neo4jDemo``) and ``empty_store`` the wiped
database; the accounts stay in memory (SQLite) on both.
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
from tests.support.web import (
    ACCOUNTS,
    FAST_HASHER,
    PASSWORD,
    STORE_BACKENDS,
    Browser,
    Neo4jDemo,
    demo_store,
)

# the contract's helpers are imported outside tests/store too (tests/api): rewrite its
# asserts from the start, before any test module imports it
pytest.register_assert_rewrite("tests.store.contract")

SKIP_NEO4J = os.environ.get("WIJKNET_SKIP_NEO4J", "").strip() == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``neo4j`` run against the real server; only WIJKNET_SKIP_NEO4J=1 skips them."""
    if not SKIP_NEO4J:
        return
    skip = pytest.mark.skip(reason="WIJKNET_SKIP_NEO4J=1: the Neo4j tests were opted out")
    for item in items:
        if item.get_closest_marker("neo4j"):
            item.add_marker(skip)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The tests of a module marked ``both_stores`` run on SQLite and on Neo4j."""
    if "store_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_stores"
    ):
        metafunc.parametrize("store_backend", STORE_BACKENDS, indirect=True, scope="module")


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


@pytest.fixture(scope="module")
def store_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite``, or ``neo4j`` for the second run of a test in a ``both_stores`` module."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def neo4j_demo(neo4j_server: harness.Neo4jServer, demo_template: Path) -> Iterator[Neo4jDemo]:
    """One Neo4j store (one driver) for the page and API tests of the whole session."""
    template = open_store(f"sqlite:///{demo_template}")
    try:
        dump = template.export_all()
    finally:
        template.close()
    from neo4j import GraphDatabase

    from graph.store.neo4j import Neo4jStore

    with GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth) as driver:
        store = Neo4jStore(neo4j_server.url, auth=neo4j_server.auth)
        try:
            yield Neo4jDemo(store, driver, dump)
        finally:
            store.close()


@pytest.fixture
def store(
    request: pytest.FixtureRequest, store_backend: str, tmp_path: Path
) -> Iterator[GraphStore]:
    store = demo_store(request, store_backend, tmp_path)
    yield store
    if store_backend == "sqlite":
        store.close()


@pytest.fixture
def empty_store(
    request: pytest.FixtureRequest, store_backend: str, tmp_path: Path
) -> Iterator[GraphStore]:
    """A store of the test's backend with nothing in it."""
    if store_backend == "neo4j":
        yield request.getfixturevalue("neo4j_demo").empty()
        return
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
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
