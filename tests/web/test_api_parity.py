"""What the pages do, the JSON API does too: the map, the records to confirm, accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from graph.model import ActorIn, utcnow


@pytest.fixture
def api(app, accounts):
    with TestClient(app) as client:
        client.headers_for = {
            name: {"Authorization": f"Bearer {accounts.create_token(name)}"}
            for name in ("baas", "anna", "lees")
        }
        yield client


def test_the_map_is_served_by_the_api_as_on_the_page(api):
    lees = api.headers_for["lees"]
    assert api.get("/api/v1/wijken/daalhof/map").json()["code"] == "unauthorized"
    response = api.get("/api/v1/wijken/daalhof/map", headers={"Accept-Encoding": "gzip", **lees})
    assert response.status_code == 200
    data = response.json()
    assert data["mode"] == "actors" and data["nodes"] and data["legend"]["domains"]
    assert all("x" in n and "y" in n for n in data["nodes"])
    etag = response.headers["etag"]
    again = api.get("/api/v1/wijken/daalhof/map", headers={"If-None-Match": etag, **lees})
    assert again.status_code == 304
    centre = data["nodes"][0]["id"]
    focus = api.get(f"/api/v1/wijken/daalhof/map?focus={centre}&steps=1", headers=lees).json()
    assert centre in {n["id"] for n in focus["nodes"]}
    assert len(focus["nodes"]) < len(data["nodes"])
    assert api.get("/api/v1/wijken/bestaat-niet/map", headers=lees).json()["code"] == "not_found"


def test_the_stale_list_is_served_by_the_api(api, store, monkeypatch):
    import graph.store.sqlite.core as sqlite_store

    assert api.get("/api/v1/wijken/daalhof/stale").status_code == 401
    demo = api.get("/api/v1/wijken/daalhof/stale", headers=api.headers_for["lees"]).json()
    assert demo["count"] > 0  # the demo holds records not confirmed for over a year
    old = utcnow() - timedelta(days=400)
    monkeypatch.setattr(sqlite_store, "utcnow", lambda: old)
    stale = store.create_actor(
        ActorIn(kind="initiatief", name="Oude Buurtkrant", domain="inwoners", wijken=["daalhof"]),
        by="baas",
    )
    monkeypatch.undo()
    rows = api.get("/api/v1/wijken/daalhof/stale", headers=api.headers_for["anna"]).json()
    assert rows["count"] == demo["count"] + 1
    assert [
        (r["id"], r["kind"], r["may_confirm"], r["days"])
        for r in rows["data"]
        if r["id"] == stale.id
    ] == [(stale.id, "actor", True, 400)]
    as_lezer = api.get("/api/v1/wijken/daalhof/stale", headers=api.headers_for["lees"]).json()
    assert as_lezer["data"][0]["may_confirm"] is False


def test_accounts_through_the_api_for_beheer_only(api, accounts):
    baas, anna = api.headers_for["baas"], api.headers_for["anna"]
    assert api.get("/api/v1/accounts", headers=anna).status_code == 403
    listed = api.get("/api/v1/accounts", headers=baas).json()
    assert {u["username"] for u in listed["data"]} == {"baas", "anna", "lees"}
    made = api.post(
        "/api/v1/accounts",
        headers=baas,
        json={"username": "piet", "password": "nog-een-wachtwoord", "role": "lezer"},
    )
    assert made.status_code == 201
    assert (
        api.post(
            "/api/v1/accounts",
            headers=baas,
            json={"username": "Piet!", "password": "nog-een-wachtwoord", "role": "lezer"},
        ).status_code
        == 422
    )
    assert (
        api.post(
            "/api/v1/accounts",
            headers=baas,
            json={"username": "piet", "password": "nog-een-wachtwoord", "role": "lezer"},
        ).status_code
        == 409
    )
    changed = api.patch(
        "/api/v1/accounts/piet", headers=baas, json={"role": "wijkmakelaar", "wijken": ["nuth"]}
    )
    assert changed.json()["wijken"] == ["nuth"]
    assert (
        api.put(
            "/api/v1/accounts/piet/password",
            headers=baas,
            json={"password": "weer-een-ander-wachtwoord"},
        ).status_code
        == 204
    )
    assert api.delete("/api/v1/accounts/baas", headers=baas).status_code == 409
    assert api.delete("/api/v1/accounts/piet", headers=baas).status_code == 204
    assert api.delete("/api/v1/accounts/piet", headers=baas).status_code == 404
