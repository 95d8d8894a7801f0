"""Helpers of the page and API tests: the accounts, a copy of the demo store (SQLite) or the
demo in the session's Neo4j database, logged-in clients.

The fixtures built on them (``demo_template``, ``store_backend``, ``store``, ``empty_store``,
``accounts``, ``app``, ``browse``) are in ``tests/conftest.py``.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from neo4j import Driver

from graph.store import GraphStore, open_store
from graph.store.backup import StoreDump, restored_counter

PASSWORD = "een-lang-wachtwoord"
ACCOUNTS = (
    ("baas", "beheer", []),
    ("anna", "wijkmakelaar", ["daalhof"]),
    ("lees", "lezer", []),
)
HOSTILE = "<img src=x onerror=alert(1)>"
"""A name that would run script if any page put it into HTML unescaped."""

STORE_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]
"""The parameters of ``store_backend``: a module marked ``both_stores`` gets them, a single
test may take them with ``parametrize("store_backend", STORE_BACKENDS, indirect=True)``."""

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Argon2 with small parameters: the tests log in often."""

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def copy_store(template: Path, target: Path) -> GraphStore:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copy(source, f"{target}{suffix}")
    return open_store(f"sqlite:///{target}")


WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS"
FINGERPRINT = """
    CALL () { MATCH (n) RETURN count(n) AS nodes }
    CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
    CALL () {
        MATCH (c:Counter) WITH c ORDER BY c.name RETURN collect([c.name, c.value]) AS counters
    }
    CALL () {
        MATCH (w:Wijk) WITH w ORDER BY w.slug RETURN collect([w.slug, w.changes, w.doc]) AS wijken
    }
    RETURN nodes, relationships, counters, wijken
"""
"""What a test's writes change: the numbers of nodes and relationships, the audit counter, and
every wijk's change counter and record (every write to a wijk's actors or links raises its
counter)."""


COUNTER_STRIDE = 1_000_000
"""How far apart the change counters of two restores of the demo are (more than the writes
of any test)."""


class Neo4jDemo:
    """The session's Neo4j database for the page and API tests: empty, or holding the demo.

    The demo is the SQLite template's own records (``export_all``), written with
    ``import_all``: the same ids, dates and audit log as the SQLite copies. Writing it takes
    seconds, so ``demo()`` writes it again only when the database is not as it left it (a
    test wrote to it, or had it emptied). Each wijk's change counter is restored above any
    value it had before, as a restore of a backup does: the store's remembered snapshots
    are stamped with it, so none of them is served for the restored wijk. The counters seen
    when this class wipes the database are not enough for that (another test may wipe it
    with its own driver), so each restore also starts ``COUNTER_STRIDE`` above the last.
    """

    def __init__(self, store: GraphStore, driver: Driver, dump: StoreDump) -> None:
        self.store = store
        self.driver = driver
        self.dump = dump
        self.clean: Any = None
        """The fingerprint right after the demo was written, None while it is not there."""
        self.highest: dict[str, int] = {}
        """The highest change counter each wijk had when the database was wiped."""
        self.restores = 0

    def fingerprint(self) -> Any:
        record = self.driver.execute_query(FINGERPRINT).records[0]
        return tuple(record.values())

    def _wipe(self) -> None:
        """Delete every node, noting the wijken's change counters first."""
        records = self.driver.execute_query(
            "MATCH (w:Wijk) RETURN w.slug AS slug, w.changes AS changes"
        ).records
        for r in records:
            self.highest[r["slug"]] = max(self.highest.get(r["slug"], 0), int(r["changes"] or 0))
        with self.driver.session() as session:  # an implicit transaction, for IN TRANSACTIONS
            session.run(WIPE).consume()
        self.clean = None

    def empty(self) -> GraphStore:
        """The store with nothing in it (the constraints kept)."""
        self._wipe()
        return self.store

    def demo(self) -> GraphStore:
        """The store holding the demo data and nothing else."""
        if self.clean is not None and self.fingerprint() == self.clean:
            return self.store
        self._wipe()
        self.restores += 1
        changes = {  # above any value of an earlier restore's, even one wiped by another test
            slug: max(
                value + self.restores * COUNTER_STRIDE,
                restored_counter(value, self.highest.get(slug)),
            )
            for slug, value in self.dump.changes.items()
        }
        self.store.import_all(replace(self.dump, changes=changes))
        self.clean = self.fingerprint()
        return self.store


def demo_store(request: Any, backend: str, folder: Path) -> GraphStore:
    """The demo data in a store of ``backend`` (``store_backend``): a SQLite copy of
    ``demo_template`` in ``folder``, or the session's Neo4j database (``neo4j_demo``)."""
    if backend == "neo4j":
        store: GraphStore = request.getfixturevalue("neo4j_demo").demo()
        return store
    return copy_store(request.getfixturevalue("demo_template"), folder / "web.db")


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

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(
        self, url: str, data: dict | None = None, *, token: str | None = None, follow: bool = False
    ):
        form = dict(data or {})
        form["csrf_token"] = self.token if token is None else token
        return self.client.post(url, data=form, follow_redirects=follow)


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
