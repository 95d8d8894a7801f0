"""The JSON API for wijken, actors and links: CRUD, roles, versions, one error body."""

from __future__ import annotations

import pytest

from tests.support.api import token_client
from tests.support.web import Browser

pytestmark = pytest.mark.both_stores


@pytest.fixture
def store(empty_store):
    return empty_store


@pytest.fixture
def client(store):
    with token_client(store, ["daalhof"]) as client:
        yield client


def as_(client, role):
    return client.tokens[role]


@pytest.fixture
def wijken(client):
    for slug, name in (("daalhof", "Daalhof"), ("nuth", "Nuth")):
        r = client.post(
            "/api/v1/wijken",
            json={"slug": slug, "name": name, "gemeente": "Maastricht", "cohort": 1},
            headers=as_(client, "beheer"),
        )
        assert r.status_code == 201, r.text
    return ["daalhof", "nuth"]


def new_actor(client, who="wijkmakelaar", **overrides):
    data = {
        "kind": "organisatie",
        "name": "Huisartsenpraktijk Daalhof",
        "domain": "zorg",
        "role": "huisartsenpraktijk",
        "wijken": ["daalhof"],
        **overrides,
    }
    return client.post("/api/v1/actors", json=data, headers=as_(client, who))


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_openapi_documents_the_api(client):
    schema = client.get("/openapi.json").json()
    assert "/api/v1/actors/{actor_id}" in schema["paths"]
    assert "/api/v1/wijken/{slug}/snapshot" in schema["paths"]
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        assert "http" not in html.text.split("<body", 1)[1].replace("http-equiv", ""), "no CDN"
        for asset in ("/docs-static/swagger-ui-bundle.js", "/docs-static/redoc.standalone.js"):
            if asset in html.text:
                assert client.get(asset).status_code == 200


def test_health(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["ok"] is True


def test_actor_lifecycle(client, wijken):
    r = new_actor(client)
    assert r.status_code == 201, r.text
    actor = r.json()
    assert actor["version"] == 1 and actor["id"]

    r = client.patch(
        f"/api/v1/actors/{actor['id']}",
        json={"version": 1, "name": "Gezondheidscentrum Daalhof"},
        headers=as_(client, "wijkmakelaar"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Gezondheidscentrum Daalhof" and r.json()["version"] == 2

    listed = client.get("/api/v1/wijken/daalhof/actors", headers=as_(client, "lezer")).json()
    assert listed["count"] == 1 and listed["data"][0]["name"] == "Gezondheidscentrum Daalhof"

    r = client.delete(
        f"/api/v1/actors/{actor['id']}?version=2", headers=as_(client, "wijkmakelaar")
    )
    assert r.status_code == 204
    assert_error(
        client.get(f"/api/v1/actors/{actor['id']}", headers=as_(client, "lezer")), 404, "not_found"
    )


def test_stale_version_is_a_conflict_and_changes_nothing(client, wijken):
    actor = new_actor(client).json()
    ok = client.patch(
        f"/api/v1/actors/{actor['id']}",
        json={"version": 1, "name": "Eerste"},
        headers=as_(client, "beheer"),
    )
    assert ok.status_code == 200
    stale = client.patch(
        f"/api/v1/actors/{actor['id']}",
        json={"version": 1, "name": "Tweede"},
        headers=as_(client, "beheer"),
    )
    assert_error(stale, 409, "conflict")
    assert (
        client.get(f"/api/v1/actors/{actor['id']}", headers=as_(client, "lezer")).json()["name"]
        == "Eerste"
    )


def test_invalid_data_has_field_messages_in_dutch(client, wijken):
    body = assert_error(new_actor(client, name="", domain="ruimtevaart"), 422, "invalid_request")
    fields = {d["field"]: d["message"] for d in body["details"]}
    assert any(f.endswith("name") for f in fields) and any(f.endswith("domain") for f in fields)
    assert any("leeg" in m for m in fields.values())


def test_unknown_wijk_and_organisation_are_refused(client, wijken):
    body = assert_error(new_actor(client, who="beheer", wijken=["onbekend"]), 422, "invalid_data")
    assert body["details"][0]["field"].startswith("wijken")
    body = assert_error(
        new_actor(
            client,
            kind="professional",
            name="Fictieve Huisarts",
            role="huisarts",
            organisation="bestaat-niet",
        ),
        422,
        "invalid_data",
    )
    assert body["details"][0]["field"] == "organisation"


def test_links_and_snapshot(client, wijken):
    a = new_actor(client).json()
    b = new_actor(
        client, kind="initiatief", name="Wijkontbijt", domain="inwoners", role="wijkontbijt"
    ).json()
    r = client.post(
        "/api/v1/links",
        json={"source": a["id"], "target": b["id"], "intensity": 3, "since": "2024-01-01"},
        headers=as_(client, "wijkmakelaar"),
    )
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["kind"] == "samenwerking"

    now = client.get("/api/v1/wijken/daalhof/snapshot", headers=as_(client, "lezer")).json()
    assert {x["id"] for x in now["actors"]} == {a["id"], b["id"]}
    assert [x["id"] for x in now["links"]] == [link["id"]]
    before = client.get(
        "/api/v1/wijken/daalhof/snapshot?as_of=2023-06-01", headers=as_(client, "lezer")
    ).json()
    assert before["links"] == []

    r = client.post(
        "/api/v1/links",
        json={"source": a["id"], "target": "nope"},
        headers=as_(client, "wijkmakelaar"),
    )
    assert_error(r, 422, "invalid_data")
    r = client.post(
        "/api/v1/links",
        json={"source": a["id"], "target": a["id"]},
        headers=as_(client, "wijkmakelaar"),
    )
    assert_error(r, 422, "invalid_request")


def test_roles_are_checked_on_the_server(client, wijken):
    assert_error(new_actor(client, who="lezer"), 403, "forbidden")
    assert_error(new_actor(client, wijken=["nuth"]), 403, "forbidden")
    assert_error(client.post("/api/v1/actors", json={}), 401, "unauthorized")
    bad = {"Authorization": "Bearer wn_not-a-token"}
    assert_error(client.post("/api/v1/actors", json={}, headers=bad), 401, "unauthorized")
    # a wijkmakelaar cannot create wijken nor read the audit log
    r = client.post(
        "/api/v1/wijken",
        json={"slug": "elsloo", "name": "Elsloo", "gemeente": "Stein"},
        headers=as_(client, "wijkmakelaar"),
    )
    assert_error(r, 403, "forbidden")
    assert_error(client.get("/api/v1/audit", headers=as_(client, "wijkmakelaar")), 403, "forbidden")
    # beheer may write in any wijk
    assert new_actor(client, who="beheer", wijken=["nuth"]).status_code == 201


def test_contact_details_only_for_roles_that_may_see_them(client, wijken):
    org = new_actor(client).json()
    prof = new_actor(
        client,
        kind="professional",
        name="Fictieve Huisarts",
        role="huisarts",
        organisation=org["id"],
        contact={"email": "huisarts@voorbeeld.nl"},
    ).json()
    url = f"/api/v1/actors/{prof['id']}"
    assert_error(client.get(url), 401, "unauthorized")
    assert client.get(url, headers=as_(client, "lezer")).json()["contact"] is None
    assert (
        client.get(url, headers=as_(client, "wijkmakelaar")).json()["contact"]["email"]
        == "huisarts@voorbeeld.nl"
    )
    snap = client.get("/api/v1/wijken/daalhof/snapshot", headers=as_(client, "lezer")).json()
    assert all(x["contact"] is None for x in snap["actors"])


def test_audit_log_and_erasure(client, wijken):
    org = new_actor(client).json()
    prof = new_actor(
        client,
        kind="professional",
        name="Fictieve Huisarts",
        role="huisarts",
        organisation=org["id"],
        contact={"phone": "06-00000000"},
    ).json()
    log = client.get(f"/api/v1/audit?entity_id={prof['id']}", headers=as_(client, "beheer")).json()
    assert log["data"][0]["by"] == "anna" and log["data"][0]["action"] == "create"

    assert_error(
        client.post(f"/api/v1/actors/{prof['id']}/erase", headers=as_(client, "wijkmakelaar")),
        403,
        "forbidden",
    )
    erased = client.post(f"/api/v1/actors/{prof['id']}/erase", headers=as_(client, "beheer")).json()
    assert erased["name"] != "Fictieve Huisarts" and erased["contact"] is None
    log = client.get(f"/api/v1/audit?entity_id={prof['id']}", headers=as_(client, "beheer")).text
    assert "Fictieve Huisarts" not in log and "06-00000000" not in log


def test_erasure_reaches_deleted_and_merged_professionals(client, wijken):
    beheer = as_(client, "beheer")
    org = new_actor(client).json()
    prof = new_actor(
        client,
        kind="professional",
        name="Fictieve Huisarts",
        role="huisarts",
        organisation=org["id"],
        contact={"email": "huisarts@voorbeeld.nl"},
    ).json()
    duplicate = new_actor(
        client,
        kind="professional",
        name="F. Huisarts",
        role="huisarts",
        contact={"phone": "06-11112222"},
    ).json()
    merged = client.post(
        "/api/v1/merge",
        json={"keep": prof["id"], "drop": duplicate["id"]},
        headers=as_(client, "wijkmakelaar"),
    )
    assert merged.status_code == 200, merged.text
    erased = client.post(f"/api/v1/actors/{prof['id']}/erase", headers=beheer)
    assert erased.status_code == 200 and erased.json()["contact"] is None
    log = client.get("/api/v1/audit?limit=1000", headers=beheer).text
    assert [s for s in ["Fictieve", "F. Huisarts", "huisarts@", "06-11112222"] if s in log] == []

    gone = new_actor(
        client,
        kind="professional",
        name="Tijdelijke Vervanger",
        role="huisarts",
        contact={"email": "vervanger@voorbeeld.nl", "phone": "06-33334444"},
    ).json()
    deleted = client.delete(
        f"/api/v1/actors/{gone['id']}?version=1", headers=as_(client, "wijkmakelaar")
    )
    assert deleted.status_code == 204, deleted.text
    r = client.post(f"/api/v1/actors/{gone['id']}/erase", headers=beheer)
    assert r.status_code == 204, r.text
    assert_error(client.post("/api/v1/actors/nooit-gezien/erase", headers=beheer), 404, "not_found")

    secrets = [
        "Fictieve",
        "F. Huisarts",
        "huisarts@",
        "06-11112222",
        "Tijdelijke",
        "vervanger@",
        "06-33334444",
    ]
    log = client.get("/api/v1/audit?limit=1000", headers=beheer).text
    assert [s for s in secrets if s in log] == []
    page = Browser(client).login("baas").get("/beheer")
    assert page.status_code == 200 and "samengevoegd" in page.text
    assert [s for s in secrets if s in page.text] == []


def test_confirm_keeps_version(client, wijken):
    actor = new_actor(client).json()
    r = client.post(f"/api/v1/actors/{actor['id']}/confirm", headers=as_(client, "wijkmakelaar"))
    assert r.status_code == 200
    assert r.json()["confirmed"]["by"] == "anna" and r.json()["version"] == 1


def test_unknown_route_uses_the_error_body(client):
    assert_error(client.get("/api/v1/nergens"), 404, "not_found")


INVALID_CHARACTER = "Deze tekst bevat een ongeldig teken; typ hem opnieuw."


def send_json_text(client, method, url, text, who="beheer"):
    """Send ``text`` as the JSON body exactly as written (escapes included)."""
    headers = {**as_(client, who), "Content-Type": "application/json"}
    return client.request(method, url, content=text.encode("ascii"), headers=headers)


def field_messages(response):
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"]
    return {d["field"]: d["message"] for d in body["details"]}


def test_a_lone_surrogate_in_json_text_is_a_field_error(client, wijken):
    r = send_json_text(
        client,
        "POST",
        "/api/v1/wijken",
        r'{"slug": "nuth-oost", "name": "Nuth\ud800Oost", "gemeente": "Beekdaelen"}',
    )
    assert field_messages(r) == {"name": INVALID_CHARACTER}
    r = send_json_text(
        client,
        "POST",
        "/api/v1/actors",
        r'{"kind": "organisatie", "name": "Huisarts\ud800praktijk", "domain": "zorg",'
        r' "wijken": ["daalhof"], "description": "Spreekuur \udfff elke dag"}',
    )
    assert field_messages(r) == {"name": INVALID_CHARACTER, "description": INVALID_CHARACTER}

    actor = new_actor(client, who="beheer").json()
    r = send_json_text(
        client,
        "PATCH",
        f"/api/v1/actors/{actor['id']}",
        r'{"version": 1, "name": "Huisarts\ud800praktijk"}',
    )
    assert field_messages(r) == {"name": INVALID_CHARACTER}

    listed = client.get("/api/v1/wijken", headers=as_(client, "beheer")).json()["data"]
    assert [w["slug"] for w in listed] == wijken
    stored = client.get(f"/api/v1/actors/{actor['id']}", headers=as_(client, "beheer")).json()
    assert (stored["name"], stored["version"]) == (actor["name"], 1)


def test_an_email_with_markup_is_refused(client, wijken):
    r = new_actor(
        client,
        kind="professional",
        name="Petra Huisarts",
        role="huisarts",
        contact={"email": "a@b.c<script>"},
    )
    assert field_messages(r) == {
        "contact.email": "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."
    }
    listed = client.get("/api/v1/wijken/daalhof/actors", headers=as_(client, "beheer"))
    assert listed.json()["data"] == []
