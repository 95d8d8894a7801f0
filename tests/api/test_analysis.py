"""The analysis part of the JSON API: measures, suggestions and decisions, comparisons."""

from __future__ import annotations

import pytest

from graph.demo import DEMO_DATE, load_demo
from graph.store import open_store
from tests.support.api import lezer_get, token_client

DAY = DEMO_DATE.isoformat()
REQUIRED = {
    "density",
    "components",
    "largest_component_share",
    "isolates",
    "fragmentation",
    "degree_centralization",
    "cross_domain_share",
    "ei_index",
    "brokers",
    "cut_points",
    "communities",
    "kernaanpak_coverage",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('api') / 'demo.db'}")
    load_demo(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(store):
    with token_client(store, ["daalhof"]) as client:
        yield client


def test_openapi_documents_the_analysis_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/wijken/{slug}/analysis",
        "/api/v1/wijken/{slug}/suggestions",
        "/api/v1/wijken/{slug}/suggestions/decisions",
        "/api/v1/wijken/{slug}/suggestions/decisions/{a}/{b}",
        "/api/v1/wijken/{slug}/kernaanpakken",
        "/api/v1/wijken/{slug}/trend",
        "/api/v1/wijken/{slug}/diff",
        "/api/v1/comparison",
    ):
        assert path in paths, path


def test_analysis_of_a_wijk_on_a_day(client):
    r = lezer_get(client, f"/api/v1/wijken/daalhof/analysis?as_of={DAY}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= REQUIRED
    assert body["wijk"] == "daalhof" and body["as_of"] == DAY
    assert body["actors"] > 40 and 0 < body["density"] < 1
    assert lezer_get(client, f"/api/v1/wijken/daalhof/analysis?as_of={DAY}").json() == body
    assert client.app.state.analysis_cache.hits >= 1


def test_unknown_wijk_and_bad_date_use_the_common_error_body(client):
    for what in ("analysis", "suggestions", "kernaanpakken", "trend", "diff"):
        r = lezer_get(client, f"/api/v1/wijken/atlantis/{what}")
        assert r.status_code == 404 and r.json()["code"] == "not_found", what
    r = lezer_get(client, "/api/v1/wijken/daalhof/analysis?as_of=gisteren")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_suggestions_and_decisions(client, store):
    url = f"/api/v1/wijken/daalhof/suggestions?as_of={DAY}"
    page = lezer_get(client, url).json()
    assert page["count"] == 10 and len(page["data"]) == 10
    first = page["data"][0]
    assert {"a", "b", "score", "reasons", "introducer"} <= set(first)
    pair = {"a": first["a"]["id"], "b": first["b"]["id"], "status": "besproken"}
    decisions = "/api/v1/wijken/daalhof/suggestions/decisions"
    assert client.post(decisions, json=pair).status_code == 401
    assert client.post(decisions, json=pair, headers=client.tokens["lezer"]).status_code == 403
    r = client.post(
        decisions,
        json=pair | {"note": "Besproken op 3 oktober"},
        headers=client.tokens["wijkmakelaar"],
    )
    assert r.status_code == 201, r.text
    assert r.json()["by"] == "anna" and r.json()["status"] == "besproken"
    listed = lezer_get(client, decisions).json()
    assert listed["count"] == 1 and listed["data"][0]["note"] == "Besproken op 3 oktober"
    after = lezer_get(client, url).json()["data"]
    assert (pair["a"], pair["b"]) not in {(s["a"]["id"], s["b"]["id"]) for s in after}


def test_a_wijkmakelaar_decides_only_in_their_own_wijken(client, store):
    ids = [a.id for a in store.list_actors("nuth")[:2]]
    body = {"a": ids[0], "b": ids[1], "status": "niet-relevant"}
    url = "/api/v1/wijken/nuth/suggestions/decisions"
    assert client.post(url, json=body, headers=client.tokens["wijkmakelaar"]).status_code == 403
    assert client.post(url, json=body, headers=client.tokens["beheer"]).status_code == 201
    bad = client.post(url, json=body | {"b": "bestaat-niet"}, headers=client.tokens["beheer"])
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "b"
    odd = client.post(url, json=body | {"status": "misschien"}, headers=client.tokens["beheer"])
    assert odd.status_code == 422


def test_taking_back_a_decision(client, store):
    ids = sorted(a.id for a in store.list_actors("daalhof"))[-2:]
    decisions = "/api/v1/wijken/daalhof/suggestions/decisions"
    body = {"a": ids[0], "b": ids[1], "status": "niet-relevant"}
    assert client.post(decisions, json=body, headers=client.tokens["beheer"]).status_code == 201
    url = f"{decisions}/{ids[1]}/{ids[0]}"  # either order
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers=client.tokens["lezer"]).status_code == 403
    nuth = f"/api/v1/wijken/nuth/suggestions/decisions/{ids[0]}/{ids[1]}"
    assert client.delete(nuth, headers=client.tokens["wijkmakelaar"]).status_code == 403
    assert (ids[0], ids[1]) in {(d.a, d.b) for d in store.list_decisions("daalhof")}
    r = client.delete(url, headers=client.tokens["wijkmakelaar"])
    assert r.status_code == 204, r.text
    assert (ids[0], ids[1]) not in {(d.a, d.b) for d in store.list_decisions("daalhof")}
    entry = store.audit_log(limit=1)[0]
    assert (entry.action, entry.by, entry.after) == ("decide", "anna", None)
    again = client.delete(url, headers=client.tokens["wijkmakelaar"])
    assert again.status_code == 404 and again.json()["code"] == "not_found"


def test_kernaanpak_coverage(client):
    page = lezer_get(client, f"/api/v1/wijken/daalhof/kernaanpakken?as_of={DAY}").json()
    assert [c["kernaanpak"] for c in page["data"]] == [
        "doorbraakmethode",
        "welzijn-op-recept",
        "kernteam-ouderen",
        "pluspraktijk",
    ]
    assert all(0 <= c["coverage"] <= 1 and "gaps" in c for c in page["data"])


def test_comparison_sorts_and_refuses_unknown_keys(client):
    r = lezer_get(client, f"/api/v1/comparison?as_of={DAY}&sort=density&descending=true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["rows"]) == 12 and body["region"]["actors"] > 0
    densities = [row["density"] for row in body["rows"]]
    assert densities == sorted(densities, reverse=True)
    r = lezer_get(client, "/api/v1/comparison?sort=zonneschijn")
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "sort"


def test_trend_and_diff(client):
    trend = lezer_get(
        client, f"/api/v1/wijken/daalhof/trend?since=2026-01-01&until={DAY}&every=kwartaal"
    )
    assert trend.status_code == 200, trend.text
    assert [p["as_of"] for p in trend.json()["points"]] == [
        "2026-01-01",
        "2026-04-01",
        "2026-07-01",
        DAY,
    ]
    diff = lezer_get(client, f"/api/v1/wijken/daalhof/diff?before=2026-01-01&after={DAY}").json()
    assert diff["before"]["as_of"] == "2026-01-01"
    assert {m["metric"] for m in diff["metrics"]} >= {"density", "fragmentation", "ei_index"}
    other = lezer_get(client, f"/api/v1/wijken/daalhof/diff?after={DAY}&other=nuth").json()
    assert other["after"]["wijk"] == "nuth"
    assert lezer_get(client, "/api/v1/wijken/daalhof/diff?other=atlantis").status_code == 404


def test_a_write_through_the_api_shows_in_the_next_analysis(client, store):
    url = "/api/v1/wijken/de-baandert/analysis"
    before = lezer_get(client, url).json()
    isolated = before["isolates"][0]["id"]
    partner = max(before["profiles"], key=lambda p: p["degree"])["id"]
    r = client.post(
        "/api/v1/links",
        json={"source": isolated, "target": partner},
        headers=client.tokens["beheer"],
    )
    assert r.status_code == 201, r.text
    after = lezer_get(client, url).json()
    assert after["links"] == before["links"] + 1
    assert isolated not in {a["id"] for a in after["isolates"]}
