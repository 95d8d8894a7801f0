"""The analysis part of the JSON API: measures, suggestions and decisions, comparisons."""

from __future__ import annotations

import pytest

from graph.demo import DEMO_DATE
from tests.support.api import lezer_get, token_client
from tests.support.web import demo_store

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


pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def store(request, store_backend, tmp_path_factory):
    store = demo_store(request, store_backend, tmp_path_factory.mktemp("api"))
    yield store
    if store_backend == "sqlite":
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
        "/api/v1/wijken/{slug}/suggestions/steps",
        "/api/v1/wijken/{slug}/suggestions/steps/{a}/{b}/latest",
        "/api/v1/wijken/{slug}/suggestions/history",
        "/api/v1/wijken/{slug}/suggestions/agenda",
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
    ranked = [s for s in page["data"] if s.get("kind", "gemeenschappelijk") == "gemeenschappelijk"]
    assert len(ranked) == 10 and page["count"] == len(page["data"])  # then the bridges
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


def test_the_steps_of_a_suggested_pair(client, store):
    fresh = lezer_get(client, f"/api/v1/wijken/daalhof/suggestions?as_of={DAY}").json()["data"]
    a, b = sorted((fresh[3]["a"]["id"], fresh[3]["b"]["id"]))
    steps = "/api/v1/wijken/daalhof/suggestions/steps"
    anna, baas = client.tokens["wijkmakelaar"], client.tokens["beheer"]
    body = {"a": b, "b": a, "status": "benaderd", "note": "Gebeld"}
    assert client.post(steps, json=body).status_code == 401
    assert client.post(steps, json=body, headers=client.tokens["lezer"]).status_code == 403
    nuth = [x.id for x in store.list_actors("nuth")[:2]]
    refused = client.post(
        "/api/v1/wijken/nuth/suggestions/steps",
        json={"a": nuth[0], "b": nuth[1], "status": "benaderd"},
        headers=anna,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"

    r = client.post(steps, json=body, headers=anna)
    assert r.status_code == 201, r.text
    assert (r.json()["a"], r.json()["b"], r.json()["status"]) == (a, b, "benaderd")
    assert r.json()["by"] == "anna" and r.json()["date"] is None

    def refusal(fields: dict) -> tuple:
        r = client.post(steps, json={"a": a, "b": b} | fields, headers=anna)
        assert r.status_code == 422, r.text
        return r.json()["code"], [(d["field"], d["code"]) for d in r.json()["details"]]

    assert refusal({"status": "kennismaking-gepland"}) == (
        "invalid_data",
        [("date", "date_required")],
    )
    assert refusal({"status": "later"}) == ("invalid_data", [("date", "date_required")])
    assert refusal({"status": "niet-relevant"}) == ("invalid_data", [("note", "reason_required")])
    assert refusal({"status": "ontmoet", "date": DAY}) == (
        "invalid_data",
        [("date", "date_not_allowed")],
    )
    assert refusal({"status": "gerealiseerd", "date": DAY}) == (
        "invalid_data",
        [("status", "status_by_wijknet")],
    )
    assert refusal({"status": "benaderd", "b": "bestaat-niet"}) == (
        "invalid_data",
        [("b", "unknown_actor")],
    )
    assert refusal({"status": "misschien"})[0] == "invalid_request"

    planned = {"status": "kennismaking-gepland", "date": "2026-12-03", "note": "Koffie"}
    r = client.post(steps, json={"a": a, "b": b} | planned, headers=anna)
    assert r.status_code == 201 and r.json()["date"] == "2026-12-03"

    history = lezer_get(client, f"/api/v1/wijken/daalhof/suggestions/history?actor={b}").json()
    mine = [s for s in history["data"] if (s["a"], s["b"]) == (a, b)]
    assert [s["status"] for s in mine] == ["benaderd", "kennismaking-gepland"]
    everything = lezer_get(client, "/api/v1/wijken/daalhof/suggestions/history").json()
    assert everything["count"] >= 2
    assert lezer_get(client, "/api/v1/wijken/atlantis/suggestions/history").status_code == 404

    after = lezer_get(client, f"/api/v1/wijken/daalhof/suggestions?as_of={DAY}").json()["data"]
    assert (a, b) not in {tuple(sorted((s["a"]["id"], s["b"]["id"]))) for s in after}
    agenda = lezer_get(client, f"/api/v1/wijken/daalhof/suggestions/agenda?as_of={DAY}").json()
    pairs = [(i["a"]["id"], i["b"]["id"]) for i in agenda["data"]]
    mine = agenda["data"][pairs.index((a, b))]
    assert mine["status"] == "kennismaking-gepland" and mine["step"]["note"] == "Koffie"
    fresh_items = [i for i in agenda["data"] if i["step"] is None]
    assert pairs.index((a, b)) < agenda["data"].index(fresh_items[0])  # in progress first
    assert len(fresh_items) >= 10 and {i["status"] for i in fresh_items} == {"voorgesteld"}
    assert all(i["suggestion"]["score"] > 0 for i in fresh_items)

    latest = f"{steps}/{b}/{a}/latest"
    assert client.delete(latest).status_code == 401
    assert client.delete(latest, headers=client.tokens["lezer"]).status_code == 403
    r = client.delete(latest, headers=anna)
    assert r.status_code == 200, r.text
    assert r.json()["current"]["status"] == "benaderd"
    entry = store.audit_log(limit=1)[0]
    assert (entry.action, entry.by, entry.entity_id) == ("undo", "anna", f"{a}|{b}")

    # a link between the two realises the pair
    link = client.post("/api/v1/links", json={"source": a, "target": b}, headers=baas)
    assert link.status_code == 201, link.text
    history = client.get(
        f"/api/v1/wijken/daalhof/suggestions/history?actor={a}", headers=anna
    ).json()["data"]
    mine = [s for s in history if (s["a"], s["b"]) == (a, b)]
    assert [s["status"] for s in mine] == ["benaderd", "gerealiseerd"]
    assert mine[-1]["by"] == "wijknet" and mine[-1]["date"]
    store.delete_link(link.json()["id"], expected_version=1, by="test")

    assert client.delete(latest, headers=anna).json()["current"]["status"] == "benaderd"
    assert client.delete(latest, headers=anna).json() == {"current": None}
    gone = client.delete(latest, headers=anna)
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"


def test_suggestions_respect_the_status_of_a_pair(store):
    from datetime import timedelta

    from graph.analysis import reports

    fresh = reports.suggestions_for(store, "elsloo", DEMO_DATE, limit=12)
    pairs = [
        tuple(sorted((s.a.id, s.b.id)))
        for s in fresh
        if getattr(s, "kind", "gemeenschappelijk") == "gemeenschappelijk"
    ]
    week = DEMO_DATE + timedelta(days=7)
    steps = {
        pairs[0]: ("niet-relevant", {"note": "Kennen elkaar al"}),
        pairs[1]: ("samenwerking-vastgelegd", {}),
        pairs[2]: ("later", {"day": week}),
        pairs[3]: ("benaderd", {}),
        pairs[4]: ("voorgesteld", {}),
    }
    for (a, b), (status, extra) in steps.items():
        reports.add_step(store, "elsloo", a, b, status, by="anna", **extra)

    def suggested(day) -> set[tuple[str, str]]:
        found = reports.suggestions_for(store, "elsloo", day, limit=200)
        return {tuple(sorted((s.a.id, s.b.id))) for s in found}

    now = suggested(DEMO_DATE)
    assert not {pairs[0], pairs[1], pairs[2], pairs[3]} & now
    assert pairs[4] in now  # a recorded voorgesteld is still a fresh suggestion
    assert pairs[2] in suggested(week)  # later: back from its date on
    items = reports.agenda(store, "elsloo", DEMO_DATE)
    by_pair = {(i.a.id, i.b.id): i for i in items}
    assert by_pair[pairs[3]].status == "benaderd" and by_pair[pairs[3]].step.by == "anna"
    assert by_pair[pairs[4]].status == "voorgesteld" and by_pair[pairs[4]].suggestion
    assert not {pairs[0], pairs[1], pairs[2]} & set(by_pair)
    assert [i.status for i in items][:2] == ["benaderd", "voorgesteld"]
    everything = reports.agenda(store, "elsloo", DEMO_DATE, everything=True)
    assert {pairs[0], pairs[1], pairs[2]} <= {(i.a.id, i.b.id) for i in everything}
    later = reports.agenda(store, "elsloo", week, limit=200)
    assert {(i.a.id, i.b.id): i.status for i in later}[pairs[2]] == "later"
