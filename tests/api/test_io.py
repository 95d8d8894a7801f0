"""The import/export API: dry run, import in assigned wijken only, export, duplicates, merge."""

from __future__ import annotations

import io
import zipfile

import pytest

from api.routes import io as io_routes
from graph.model import ActorIn, ActorKind, Contact, Domain
from tests.support.api import lezer_get, token_client
from tests.support.importing import ACTORS, LINKS, WIJKEN, csv_bytes

pytestmark = pytest.mark.both_stores


@pytest.fixture
def store(empty_store):
    empty_store.bulk_upsert(wijken=list(WIJKEN), by="setup")  # as new_store does
    return empty_store


@pytest.fixture
def client(store):
    with token_client(store, ["de-baandert"]) as client:
        yield client


def upload(*files):
    return [("files", (name, data, "application/octet-stream")) for name, data in files]


SAMPLE = (("actoren.csv", csv_bytes(ACTORS)), ("samenwerkingen.csv", csv_bytes(LINKS)))


def test_dry_run_shows_the_plan_and_writes_nothing(client, store):
    r = client.post(
        "/api/v1/import/dry-run", files=upload(*SAMPLE), headers=client.tokens["wijkmakelaar"]
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["may_import"] is True and body["forbidden_wijken"] == []
    assert body["plan"]["counts"]["actor"]["create"] == 4
    assert body["plan"]["wijken"] == ["de-baandert"]
    assert {row["action"] for row in body["plan"]["rows"]} == {"create"}
    assert store.list_actors() == []


def test_import_needs_a_writer(client):
    assert client.post("/api/v1/import", files=upload(*SAMPLE)).status_code == 401
    r = client.post("/api/v1/import", files=upload(*SAMPLE), headers=client.tokens["lezer"])
    assert r.status_code == 403


def test_a_wijkmakelaar_imports_into_an_assigned_wijk(client, store):
    r = client.post("/api/v1/import", files=upload(*SAMPLE), headers=client.tokens["wijkmakelaar"])
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"]) == (7, 0)
    audit = store.audit_log(limit=1)[0]
    assert audit.by == "anna"
    again = client.post(
        "/api/v1/import", files=upload(*SAMPLE), headers=client.tokens["wijkmakelaar"]
    )
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 7)


def test_a_wijkmakelaar_may_not_import_into_other_wijken(client, store):
    rows = [
        ["naam", "soort", "domein", "wijk"],
        ["Buurtkracht", "initiatief", "inwoners", "daalhof"],
    ]
    files = upload(("daalhof.csv", csv_bytes(rows)))
    dry = client.post("/api/v1/import/dry-run", files=files, headers=client.tokens["wijkmakelaar"])
    assert dry.json()["may_import"] is False and dry.json()["forbidden_wijken"] == ["daalhof"]
    r = client.post("/api/v1/import", files=files, headers=client.tokens["wijkmakelaar"])
    assert r.status_code == 403 and r.json()["details"] == ["daalhof"]
    assert store.list_actors() == []
    ok = client.post("/api/v1/import", files=files, headers=client.tokens["beheer"])
    assert ok.status_code == 200


def test_a_file_with_wijk_records_needs_beheer(client, store):
    wijken = [
        ["slug", "naam", "gemeente"],
        ["de-baandert", "De Baandert (nieuw)", "Sittard-Geleen"],
    ]
    files = upload(("wijken.csv", csv_bytes(wijken)))
    r = client.post("/api/v1/import", files=files, headers=client.tokens["wijkmakelaar"])
    assert r.status_code == 403
    assert store.get_wijk("de-baandert").name == "De Baandert"


def test_problems_refuse_the_import_unless_valid_only(client, store):
    actors = [row[:] for row in ACTORS]
    actors[4][2] = "inwonerz"
    files = upload(("actoren.csv", csv_bytes(actors)))
    r = client.post("/api/v1/import", files=files, headers=client.tokens["beheer"])
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "import_refused"
    (problem,) = body["details"]
    assert (problem["row"], problem["column"], problem["value"]) == (5, "domein", "inwonerz")
    assert "Bedoelt u 'inwoners'?" in problem["message"]
    assert store.list_actors() == []
    r = client.post(
        "/api/v1/import", files=files, data={"valid_only": "true"}, headers=client.tokens["beheer"]
    )
    assert r.status_code == 200 and r.json()["created"] == 3 and r.json()["refused"] == 1


def test_default_wijk_form_field(client, store):
    rows = [["naam", "soort", "domein"], ["Taalcafé", "initiatief", "inwoners"]]
    r = client.post(
        "/api/v1/import",
        files=upload(("a.csv", csv_bytes(rows))),
        data={"wijk": "De Baandert"},
        headers=client.tokens["wijkmakelaar"],
    )
    assert r.status_code == 200, r.text
    assert store.list_actors()[0].wijken == ["de-baandert"]


def test_an_upload_over_the_limit_is_refused(client, monkeypatch):
    monkeypatch.setattr(io_routes, "MAX_FILE_BYTES", 10)
    r = client.post(
        "/api/v1/import/dry-run", files=upload(*SAMPLE), headers=client.tokens["beheer"]
    )
    assert r.status_code == 413 and r.json()["code"] == "too_large"


@pytest.fixture
def with_contact(store):
    store.bulk_upsert(
        actors=[
            ActorIn(
                id="p1",
                kind=ActorKind.PROFESSIONAL,
                name="Petra Proef",
                domain=Domain.ZORG,
                wijken=["de-baandert"],
                contact=Contact(email="petra@voorbeeld.invalid"),
            )
        ],
        by="test",
    )
    return store


@pytest.mark.parametrize(
    "fmt, media",
    [("json", "application/json"), ("csv", "application/zip"), ("gexf", "application/gexf+xml")],
)
def test_export_formats(client, with_contact, fmt, media):
    r = lezer_get(client, f"/api/v1/export?format={fmt}&wijk=de-baandert")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert "wijknet-de-baandert" in r.headers["content-disposition"]
    content = r.content
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert sorted(archive.namelist()) == ["actoren.csv", "samenwerkingen.csv", "wijken.csv"]
            content = archive.read("actoren.csv")
    assert b"Petra Proef" in content and b"petra@" not in content


def test_contact_details_only_for_roles_that_may_see_them(client, with_contact):
    url = "/api/v1/export?format=json&with_contact=true"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=client.tokens["lezer"]).status_code == 403
    r = client.get(url, headers=client.tokens["wijkmakelaar"])
    assert r.status_code == 200 and b"petra@voorbeeld.invalid" in r.content


def test_export_of_an_unknown_wijk_or_format(client):
    assert lezer_get(client, "/api/v1/export?wijk=nergens").status_code == 404
    assert lezer_get(client, "/api/v1/export?format=pdf").status_code == 422


def _pair(store):
    store.bulk_upsert(
        actors=[
            ActorIn(
                id="a",
                kind=ActorKind.ORGANISATIE,
                name="Huisartsenpraktijk De Baandert",
                domain=Domain.ZORG,
                wijken=["de-baandert"],
            ),
            ActorIn(
                id="b",
                kind=ActorKind.ORGANISATIE,
                name="Huisartspraktijk de Baandert",
                domain=Domain.ZORG,
                wijken=["de-baandert"],
            ),
            ActorIn(
                id="c",
                kind=ActorKind.ORGANISATIE,
                name="Huisartspraktijk De Baandert",
                domain=Domain.ZORG,
                wijken=["daalhof"],
            ),
        ],
        by="test",
    )


def test_duplicates(client, store):
    _pair(store)
    r = lezer_get(client, "/api/v1/duplicates?wijk=de-baandert")
    assert r.status_code == 200
    assert [(p["a"], p["b"]) for p in r.json()["data"]] == [("a", "b")]
    assert lezer_get(client, "/api/v1/duplicates?wijk=nergens").status_code == 404


def test_merge(client, store):
    _pair(store)
    dry = client.post(
        "/api/v1/merge",
        json={"keep": "a", "drop": "b", "dry_run": True},
        headers=client.tokens["wijkmakelaar"],
    )
    assert dry.status_code == 200 and dry.json()["drop_name"] == "Huisartspraktijk de Baandert"
    assert store.get_actor("b")
    other = client.post(
        "/api/v1/merge", json={"keep": "a", "drop": "c"}, headers=client.tokens["wijkmakelaar"]
    )
    assert other.status_code == 403
    done = client.post(
        "/api/v1/merge", json={"keep": "a", "drop": "b"}, headers=client.tokens["wijkmakelaar"]
    )
    assert done.status_code == 200
    assert [a.id for a in store.list_actors("de-baandert")] == ["a"]
    assert store.audit_log(entity_id="b", limit=1)[0].by == "anna"


@pytest.mark.parametrize(
    "document",
    [
        # wijknet's own JSON export, as text with the escape
        (
            rb'{"actors": [{"kind": "initiatief", "name": "Buurt\ud800soep", "domain": "inwoners",'
            rb' "wijken": ["daalhof"]}]}'
        ),
        # a Kumu export
        (
            rb'{"elements": [{"_id": "e1", "label": "Buurt\ud800soep",'
            rb' "element type": "initiatief",'
            rb' "attributes": {"domein": "inwoners", "wijk": "daalhof"}}], "connections": []}'
        ),
    ],
    ids=["wijknet", "kumu"],
)
def test_a_lone_surrogate_in_a_json_import_is_a_problem_of_its_field(client, store, document):
    files = upload(("actoren.json", document))
    dry = client.post("/api/v1/import/dry-run", files=files, headers=client.tokens["beheer"])
    assert dry.status_code == 200, dry.text
    assert dry.json()["may_import"] is False
    (problem,) = dry.json()["plan"]["problems"]
    assert problem["row"] == 1 and problem["value"] == "Buurt\ufffdsoep"
    assert problem["message"] == "Deze tekst bevat een ongeldig teken; typ hem opnieuw."

    r = client.post("/api/v1/import", files=files, headers=client.tokens["beheer"])
    assert r.status_code == 422 and r.json()["code"] == "import_refused"
    assert [p["message"] for p in r.json()["details"]] == [problem["message"]]
    assert store.list_actors() == []
