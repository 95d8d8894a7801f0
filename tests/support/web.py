"""Helpers of the page and API tests: the accounts, a copy of the demo store, logged-in clients.

The fixtures built on them (``demo_template``, ``store``, ``accounts``, ``app``, ``browse``)
are in ``tests/conftest.py``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

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


def copy_store(template: Path, target: Path) -> GraphStore:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copy(source, f"{target}{suffix}")
    return open_store(f"sqlite:///{target}")


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
