"""A professional's employer must be active in one of the wijken of whoever names it.

Naming an organisation as employer (the ``organisation`` field, or a ``werkt_bij`` link)
ties it to the professional, so beheer can no longer delete it. A wijkmakelaar of daalhof
may therefore not name an organisation of nuth, through any door: the JSON API (create,
change, import, links), the forms and the import pages. Beheer may; and so may the
wijkmakelaar once the organisation is also active in daalhof.
"""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from graph.model import ActorKind
from tests.support.importing import csv_bytes

FOREIGN = "nuth-apo-01"
"""Apotheek De Steeg: active in nuth only (anna writes in daalhof only)."""

PROFESSIONAL = {
    "kind": "professional",
    "name": "Pien Proef",
    "domain": "zorg",
    "role": "apotheker",
    "wijken": ["daalhof"],
}
IMPORT_HEADER = ["naam", "soort", "domein", "rol", "wijk", "organisatie"]


@pytest.fixture
def api(app, accounts):
    with TestClient(app) as client:
        client.headers_for = {
            name: {"Authorization": f"Bearer {accounts.create_token(name)}"}
            for name in ("baas", "anna")
        }
        yield client


def _also_in_daalhof(store, org_id: str = FOREIGN) -> None:
    org = store.get_actor(org_id)
    store.update_actor(
        org_id, {"wijken": [*org.wijken, "daalhof"]}, expected_version=org.version, by="baas"
    )


def _daalhof_professional(store):
    return next(
        a
        for a in store.list_actors("daalhof")
        if a.kind is ActorKind.PROFESSIONAL and a.wijken == ["daalhof"] and a.organisation
    )


def _names(store) -> set[str]:
    return {a.name for a in store.list_actors()}


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="fout-{field}">([^<]*)</p>', page)
    assert match, f"no message beside {field}"
    return html.unescape(match.group(1))


def _problems(page: str) -> list[list[str]]:
    table = re.search(r'<table class="data problems[^"]*">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, "the page has no table of problems"
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


# -- JSON API: create and change -----------------------------------------------------------


def test_the_api_refuses_a_new_professional_working_for_an_organisation_of_another_wijk(api, store):
    before = store.audit_log(limit=1)[0].seq
    response = api.post(
        "/api/v1/actors",
        json=PROFESSIONAL | {"organisation": FOREIGN},
        headers=api.headers_for["anna"],
    )
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "forbidden"
    assert FOREIGN in body["message"] and "wijken assigned to you" in body["message"]
    assert store.audit_log(limit=1)[0].seq == before
    assert "Pien Proef" not in _names(store)
    # nothing ties the organisation to daalhof: beheer can still delete it
    org = store.get_actor(FOREIGN)
    deleted = api.delete(
        f"/api/v1/actors/{FOREIGN}?version={org.version}", headers=api.headers_for["baas"]
    )
    assert deleted.status_code == 204, deleted.text


def test_the_api_refuses_changing_the_employer_to_an_organisation_of_another_wijk(api, store):
    pro = _daalhof_professional(store)
    response = api.patch(
        f"/api/v1/actors/{pro.id}",
        json={"version": pro.version, "organisation": FOREIGN},
        headers=api.headers_for["anna"],
    )
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "forbidden" and FOREIGN in response.json()["message"]
    assert store.get_actor(pro.id).organisation == pro.organisation


def test_the_api_allows_an_employer_active_in_one_of_the_users_wijken(api, store):
    _also_in_daalhof(store)  # an organisation may be active in several wijken
    created = api.post(
        "/api/v1/actors",
        json=PROFESSIONAL | {"organisation": FOREIGN},
        headers=api.headers_for["anna"],
    )
    assert created.status_code == 201, created.text
    assert created.json()["organisation"] == FOREIGN
    pro = _daalhof_professional(store)
    changed = api.patch(
        f"/api/v1/actors/{pro.id}",
        json={"version": pro.version, "organisation": FOREIGN},
        headers=api.headers_for["anna"],
    )
    assert changed.status_code == 200, changed.text
    assert store.get_actor(pro.id).organisation == FOREIGN


def test_beheer_may_name_any_employer_and_the_wijkmakelaar_keeps_editing(api, store):
    created = api.post(
        "/api/v1/actors",
        json=PROFESSIONAL | {"organisation": FOREIGN},
        headers=api.headers_for["baas"],
    )
    assert created.status_code == 201, created.text
    pro = created.json()
    # the employer beheer chose stays; anna may still change the rest of the record
    changed = api.patch(
        f"/api/v1/actors/{pro['id']}",
        json={"version": pro["version"], "description": "Nieuwe tekst", "organisation": FOREIGN},
        headers=api.headers_for["anna"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["organisation"] == FOREIGN


# -- JSON API: werkt_bij links -------------------------------------------------------------


def test_the_api_refuses_a_werkt_bij_link_to_an_organisation_of_another_wijk(api, store):
    pro = _daalhof_professional(store)
    link = {"source": pro.id, "target": FOREIGN, "kind": "werkt_bij", "intensity": 4}
    refused = api.post("/api/v1/links", json=link, headers=api.headers_for["anna"])
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert not [lk for lk in store.list_links() if lk.target == FOREIGN and lk.source == pro.id]
    _also_in_daalhof(store)
    allowed = api.post("/api/v1/links", json=link, headers=api.headers_for["anna"])
    assert allowed.status_code == 201, allowed.text


# -- import: JSON API and the import pages ---------------------------------------------------


def _foreign_file() -> tuple[str, bytes]:
    rows = [
        IMPORT_HEADER,
        ["Pien Proef", "professional", "zorg", "apotheker", "daalhof", FOREIGN],
        ["Koffie Kiosk", "initiatief", "inwoners", "wijkontbijt", "daalhof", ""],
    ]
    return ("medewerkers.csv", csv_bytes(rows))


def _files(*files: tuple[str, bytes]) -> list:
    return [("files", (name, data, "text/csv")) for name, data in files]


def test_an_import_shows_the_foreign_employer_as_a_row_problem_and_writes_nothing(api, store):
    anna = api.headers_for["anna"]
    dry = api.post("/api/v1/import/dry-run", files=_files(_foreign_file()), headers=anna)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["may_import"] is False and body["forbidden_wijken"] == []
    (problem,) = body["plan"]["problems"]
    assert (problem["row"], problem["column"], problem["value"], problem["code"]) == (
        2,
        "organisatie",
        FOREIGN,
        "forbidden",
    )
    assert "niet actief in uw wijken" in problem["message"]
    before = store.audit_log(limit=1)[0].seq
    refused = api.post("/api/v1/import", files=_files(_foreign_file()), headers=anna)
    assert refused.status_code == 422 and refused.json()["code"] == "import_refused"
    assert store.audit_log(limit=1)[0].seq == before
    good_only = api.post(
        "/api/v1/import", files=_files(_foreign_file()), data={"valid_only": "true"}, headers=anna
    )
    assert good_only.status_code == 200, good_only.text
    assert good_only.json()["refused"] == 1
    assert "Koffie Kiosk" in _names(store) and "Pien Proef" not in _names(store)


def test_an_import_may_name_an_employer_active_in_the_users_wijken_or_any_for_beheer(api, store):
    as_beheer = api.post(
        "/api/v1/import/dry-run", files=_files(_foreign_file()), headers=api.headers_for["baas"]
    )
    assert as_beheer.json()["may_import"] is True, as_beheer.text
    _also_in_daalhof(store)
    done = api.post(
        "/api/v1/import", files=_files(_foreign_file()), headers=api.headers_for["anna"]
    )
    assert done.status_code == 200, done.text
    pro = next(a for a in store.list_actors("daalhof") if a.name == "Pien Proef")
    assert pro.organisation == FOREIGN


def test_the_import_page_shows_the_foreign_employer_and_imports_nothing(browse, store):
    anna = browse("anna")
    name, data = _foreign_file()
    uploaded = anna.client.post(
        "/wijk/daalhof/importeren",
        data={"csrf_token": anna.token},
        files=[("bestanden", (name, data, "text/csv"))],
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    url = uploaded.headers["location"]
    page = anna.get(url).text
    [row] = _problems(page)
    assert row[:4] == ["medewerkers.csv", "2", "organisatie", FOREIGN]
    assert "niet actief in uw wijken" in row[4]
    plan = re.search(r'name="plan" value="([0-9a-f]+)"', page)
    assert plan, "the preview has no confirm form"
    before = store.audit_log(limit=1)[0].seq
    response = anna.post(url, {"plan": plan.group(1)})
    assert response.status_code == 422 and "Er is niets geïmporteerd" in response.text
    assert store.audit_log(limit=1)[0].seq == before


# -- the forms -----------------------------------------------------------------------------


def _professional_form(**overrides: object) -> dict:
    data: dict = {
        "name": "Pien Proef",
        "domain": "zorg",
        "role": "apotheker",
        "wijken": ["daalhof"],
        "organisation": FOREIGN,
        "description": "",
        "since": "",
        "until": "",
        "toch_opslaan": "1",
    }
    return data | overrides


def test_the_form_refuses_an_employer_of_another_wijk_beside_the_field(browse, store):
    anna = browse("anna")
    response = anna.post("/wijk/daalhof/nieuw/professional", _professional_form())
    assert response.status_code == 422
    assert "niet actief in uw wijken" in _field_error(response.text, "organisation")
    assert 'value="Pien Proef"' in response.text
    assert "Pien Proef" not in _names(store)
    pro = _daalhof_professional(store)
    edit = anna.post(
        f"/actor/{pro.id}/bewerken",
        _professional_form(name=pro.name, role=pro.role.value, version=pro.version),
    )
    assert edit.status_code == 422
    assert "niet actief in uw wijken" in _field_error(edit.text, "organisation")
    assert store.get_actor(pro.id).organisation == pro.organisation


def test_the_form_accepts_an_employer_active_in_one_of_the_users_wijken(browse, store):
    _also_in_daalhof(store)
    response = browse("anna").post("/wijk/daalhof/nieuw/professional", _professional_form())
    assert response.status_code == 303, response.text
    pro = next(a for a in store.list_actors("daalhof") if a.name == "Pien Proef")
    assert pro.organisation == FOREIGN
    by_beheer = browse("baas").post(
        "/wijk/nuth/nieuw/professional",
        _professional_form(name="Bram Beheer", wijken=["nuth"], organisation="daalhof-apo-01"),
    )
    assert by_beheer.status_code == 303, by_beheer.text


def test_the_link_form_refuses_werkt_bij_to_an_organisation_of_another_wijk(browse, store):
    pro = _daalhof_professional(store)
    store.update_actor(
        pro.id, {"wijken": ["daalhof", "nuth"]}, expected_version=pro.version, by="baas"
    )
    org = store.get_actor(FOREIGN)
    response = browse("anna").post(
        "/wijk/nuth/samenwerking/nieuw",
        {
            "source_name": pro.name,
            "source": pro.id,
            "target_name": org.name,
            "target": org.id,
            "kind": "werkt_bij",
            "intensity": "4",
            "since": "",
            "until": "",
            "note": "",
        },
    )
    assert response.status_code == 422
    assert "eigen wijken" in response.text
    assert not [lk for lk in store.list_links() if lk.target == FOREIGN and lk.source == pro.id]
