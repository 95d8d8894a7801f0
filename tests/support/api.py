"""A JSON API test client with one API token per role (beheer, wijkmakelaar, lezer)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from graph.store import GraphStore
from tests.support.web import FAST_HASHER, PASSWORD


@contextmanager
def token_client(store: GraphStore, makelaar_wijken: list[str]) -> Iterator[TestClient]:
    """A client on ``store``; ``client.tokens[role]`` holds that role's auth header.

    The accounts are ``baas`` (beheer), ``anna`` (wijkmakelaar in ``makelaar_wijken``) and
    ``lees`` (lezer).
    """
    accounts = AccountStore(":memory:", hasher=FAST_HASHER)
    app = create_app(Settings(), store=store, accounts=accounts)
    try:
        with TestClient(app) as client:
            client.tokens = {}
            for name, role, wijken in (
                ("baas", "beheer", []),
                ("anna", "wijkmakelaar", makelaar_wijken),
                ("lees", "lezer", []),
            ):
                accounts.add_user(name, PASSWORD, role, wijken)
                client.tokens[role] = {"Authorization": f"Bearer {accounts.create_token(name)}"}
            yield client
    finally:
        accounts.close()


def lezer_get(client: TestClient, url: str, **kwargs: Any) -> Any:
    """A GET with the lezer's API token: every read of the API needs a login."""
    return client.get(url, headers=client.tokens["lezer"], **kwargs)
