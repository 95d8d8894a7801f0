"""Fixtures and helpers of the web tests: a demo store per test, accounts, logged-in clients.

The demo data is loaded once per session into a template file; each test gets a copy, so
every test starts from the same wijken without paying for the load again.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from graph.demo import load_demo
from graph.store import GraphStore, open_store

PASSWORD = "een-lang-wachtwoord"
ACCOUNTS = (
    ("baas", "beheer", []),
    ("anna", "wijkmakelaar", ["daalhof"]),
    ("lees", "lezer", []),
)
HOSTILE = "<img src=x onerror=alert(1)>"
"""A name that would run script if any page put it into HTML unescaped."""

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Argon2 with small parameters: the tests log in often."""

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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


def copy_store(template: Path, target: Path) -> GraphStore:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copy(source, f"{target}{suffix}")
    return open_store(f"sqlite:///{target}")


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
def app(store: GraphStore, accounts: AccountStore):  # type: ignore[no-untyped-def]
    return create_app(Settings(stale_after_days=365), store=store, accounts=accounts)


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


class Browser:
    """A test client that logs in through the login form and posts forms with their token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token = ""

    def login(self, username: str, password: str = PASSWORD) -> Browser:
        page = self.client.get("/inloggen")
        response = self.client.post(
            "/inloggen",
            data={
                "csrf_token": csrf_of(page.text),
                "username": username,
                "password": password,
                "volgende": "/",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        self.token = csrf_of(self.client.get("/wijk/daalhof/actueel").text)
        return self

    def get(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)

    def post(
        self, url: str, data: dict | None = None, *, token: str | None = None, follow: bool = False
    ):  # type: ignore[no-untyped-def]
        form = dict(data or {})
        form["csrf_token"] = self.token if token is None else token
        return self.client.post(url, data=form, follow_redirects=follow)


@pytest.fixture
def browse(app):  # type: ignore[no-untyped-def]
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


def actor_form(**overrides: object) -> dict:
    """A valid initiative form for daalhof, with ``overrides``."""
    data: dict = {
        "name": "Koffieochtend De Kiosk",
        "domain": "inwoners",
        "role": "wijkontbijt",
        "themes": ["eenzaamheid", "ouderen"],
        "kernaanpakken": [],
        "wijken": ["daalhof"],
        "description": "Elke dinsdag koffie voor buurtbewoners.",
        "since": "2025-02-01",
        "until": "",
    }
    data.update(overrides)
    return data
