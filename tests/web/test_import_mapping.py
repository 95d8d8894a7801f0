"""The mapping step of the import page ("Koppeling"), saved mappings and their JSON API."""

from __future__ import annotations

import html
import re

import pytest

from api.mappings import MappingStore
from importers.mapping import Defaults, ImportMapping, TableMap
from tests.support.import_shapes import partner_csv
from tests.support.importing import csv_bytes
from tests.support.web import HOSTILE
from tests.web.test_import import GOOD, counts, fingerprint, preview, upload

pytestmark = pytest.mark.both_stores


def selects(page) -> dict[str, str]:
    """Every ``<select>`` of the page: its name -> the selected value ('' when none)."""
    found = {}
    for name, body in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page.text, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        found[html.unescape(name)] = html.unescape(chosen.group(1)) if chosen else ""
    return found


def mapping_form(page) -> dict[str, str]:
    """The "Koppeling" form as the page fills it in."""
    return {k: v for k, v in selects(page).items() if "::" in k}


def test_the_preview_has_a_mapping_card_with_a_select_per_header(browse):
    anna = browse("anna")
    _, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    assert page.status_code == 200
    assert 'id="h-koppeling"' in page.text and "Proefdraai bijwerken" in page.text
    form = mapping_form(page)
    assert form.get("standaard::domein") == "onbekend"
    assert "koppeling.toml" in page.text and "koppeling.json" in page.text


def test_changing_the_mapping_changes_the_dry_run_and_the_fingerprint(browse, store):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    before = fingerprint(page)
    form = mapping_form(page) | {"standaard::domein": "zorg"}
    response = anna.post(url + "/koppeling", form)
    assert response.status_code == 303
    assert response.headers["location"].startswith(url)
    again = anna.get(url)
    assert mapping_form(again)["standaard::domein"] == "zorg"
    assert fingerprint(again) != before
    # confirming what was previewed before the change is refused: nothing is written
    stale = anna.post(url, {"plan": before})
    assert stale.status_code == 409
    assert "koppeling" in stale.text
    assert not {"Buurtkamer Daalhof-Noord"} & {a.name for a in store.list_actors("daalhof")}
    # the new preview imports
    done = anna.post(url, {"plan": fingerprint(stale)})
    assert done.status_code == 303 and done.headers["location"].endswith("/klaar")


def test_a_value_mapped_to_skip_leaves_the_rows_out(browse):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", partner_csv())
    form = mapping_form(page)
    types = [k for k in form if k.startswith("waarde::type::")]
    assert types, f"no unknown Type values on the page: {sorted(form)}"
    actors_before = counts(page, "Actoren")
    response = anna.post(url + "/koppeling", form | {types[0]: "overslaan"})
    assert response.status_code == 303
    after = anna.get(url)
    assert selects(after)[types[0]] == "overslaan"
    assert counts(after, "Actoren") != actors_before


def test_hostile_form_values_are_ignored_and_escaped(browse, accounts):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    form = mapping_form(page)
    hostile = {
        f"kolom::{HOSTILE}::naam": "naam",
        f"waarde::type::{HOSTILE}": "organisatie",
        f"waarde::{HOSTILE}::x": "overig",
        "standaard::domein": HOSTILE,
        "standaard::soort": "admin",
    }
    for key in form:
        if key.startswith(("kolom::", "tabel::")):
            hostile[key] = HOSTILE
    response = anna.post(url + "/koppeling", form | hostile)
    assert response.status_code == 303
    again = anna.get(url)
    assert HOSTILE not in again.text
    after = mapping_form(again)
    assert after["standaard::domein"] == "onbekend"
    assert all(v != HOSTILE for v in after.values())
    assert not any(HOSTILE in k for k in after)
    # a name with markup is saved as text and shown escaped
    saved = anna.post(url + "/koppeling/bewaren", form | {"naam": HOSTILE})
    assert saved.status_code == 303
    shown = anna.get(saved.headers["location"])
    assert HOSTILE not in shown.text and html.escape(HOSTILE) in shown.text
    assert MappingStore(accounts).get(HOSTILE) is not None
    offered = anna.get("/wijk/daalhof/importeren").text
    assert HOSTILE not in offered and f'value="{html.escape(HOSTILE)}"' in offered


def test_save_a_mapping_and_use_it_for_the_next_upload(browse, accounts):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    form = mapping_form(page) | {"standaard::domein": "sociaal"}
    response = anna.post(url + "/koppeling/bewaren", form | {"naam": "Partnerlijst"})
    assert response.status_code == 303
    saved = MappingStore(accounts).get("Partnerlijst")
    assert saved is not None and saved.updated_by == "anna"
    assert saved.mapping.standaard.domein.value == "sociaal"
    assert saved.mapping.naam == "Partnerlijst"
    # the upload page offers it, and a new upload with it previews with its choices
    assert '<option value="Partnerlijst">' in anna.get("/wijk/daalhof/importeren").text
    second = anna.client.post(
        "/wijk/daalhof/importeren",
        data={"csrf_token": anna.token, "koppeling_naam": "Partnerlijst"},
        files=[("bestanden", ("partners.csv", csv_bytes(GOOD), "text/csv"))],
        follow_redirects=False,
    )
    assert second.status_code == 303
    assert mapping_form(anna.get(second.headers["location"]))["standaard::domein"] == "sociaal"
    assert "Koppeling bewaard als" in anna.get(url + "?bewaard=Partnerlijst").text
    assert "Koppeling bewaard als" not in anna.get(url + "?bewaard=Nep").text
    # an empty name is refused in Dutch, and nothing is saved
    refused = anna.post(url + "/koppeling/bewaren", form | {"naam": "  "})
    assert refused.status_code == 422 and "Niet bewaard" in refused.text


def test_a_mapping_file_on_the_upload_page_and_the_download(browse):
    anna = browse("anna")
    mapping = ImportMapping(standaard=Defaults(domein="wonen"))
    response = anna.client.post(
        "/wijk/daalhof/importeren",
        data={"csrf_token": anna.token},
        files=[
            ("bestanden", ("partners.csv", csv_bytes(GOOD), "text/csv")),
            ("koppeling_bestand", ("k.toml", mapping.to_toml().encode(), "application/toml")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303
    url = response.headers["location"]
    assert mapping_form(anna.get(url))["standaard::domein"] == "wonen"
    for fmt in ("toml", "json"):
        download = anna.get(f"{url}/koppeling.{fmt}")
        assert download.status_code == 200
        assert "attachment" in download.headers["content-disposition"]
        loaded = ImportMapping.load(f"k.{fmt}", download.content)
        assert loaded.standaard.domein.value == "wonen"
    assert anna.get(f"{url}/koppeling.exe").status_code == 404
    # a broken mapping file is refused on the upload page, in Dutch
    broken = anna.client.post(
        "/wijk/daalhof/importeren",
        data={"csrf_token": anna.token},
        files=[
            ("bestanden", ("partners.csv", csv_bytes(GOOD), "text/csv")),
            ("koppeling_bestand", ("k.toml", b"versie = 7", "application/toml")),
        ],
    )
    assert broken.status_code == 422 and "Koppeling niet gebruikt" in broken.text


def test_the_mapping_step_needs_a_writer_and_the_csrf_token(browse):
    anna = browse("anna")
    url, page = preview(anna, "daalhof", ("partners.csv", csv_bytes(GOOD)))
    assert anna.post(url + "/koppeling", mapping_form(page), token="fout").status_code == 403
    other = browse("lees")
    assert other.post(url + "/koppeling", {}).status_code in (403, 404)
    assert upload(other, "daalhof", ("p.csv", csv_bytes(GOOD))).status_code == 403


# -- the JSON API --------------------------------------------------------------------------


def api(browser, method: str, url: str, **kwargs):
    return browser.client.request(method, url, headers={"X-CSRF-Token": browser.token}, **kwargs)


def test_saved_mappings_through_the_api(browse):
    anna, baas, lees = browse("anna"), browse("baas"), browse("lees")
    body = ImportMapping(tabellen=[TableMap(bron="p.csv", kolommen={"Wie": "naam"})])
    put = api(anna, "PUT", "/api/v1/import/mappings/Lijst", json=body.model_dump(mode="json"))
    assert put.status_code == 200, put.text
    assert put.json()["updated_by"] == "anna"
    assert lees.get("/api/v1/import/mappings").json()["data"][0]["name"] == "Lijst"
    one = lees.get("/api/v1/import/mappings/Lijst").json()
    assert one["mapping"]["tabellen"][0]["kolommen"] == {"Wie": "naam"}
    refused = api(lees, "PUT", "/api/v1/import/mappings/X", json=body.model_dump(mode="json"))
    assert refused.status_code == 403
    bad_name = api(anna, "PUT", "/api/v1/import/mappings/%20", json=body.model_dump(mode="json"))
    assert bad_name.status_code == 422 and bad_name.json()["code"] == "invalid_name"
    # a dry run with the saved mapping's name uses it
    rows = [["Wie", "soort", "domein"], ["Buurtkamer Zuid", "initiatief", "inwoners"]]
    dry = api(
        anna,
        "POST",
        "/api/v1/import/dry-run",
        data={"wijk": "daalhof", "mapping_name": "Lijst"},
        files=[("files", ("p.csv", csv_bytes(rows), "text/csv"))],
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["mapping"]["tabellen"][0]["kolommen"]["Wie"] == "naam"
    assert dry.json()["plan"]["counts"]["actor"]["create"] == 1
    assert api(anna, "DELETE", "/api/v1/import/mappings/Lijst").status_code == 403
    assert api(baas, "DELETE", "/api/v1/import/mappings/Lijst").status_code == 204
    missing = lees.get("/api/v1/import/mappings/Lijst")
    assert missing.status_code == 404 and missing.json()["code"] == "mapping_not_found"


def test_the_dry_run_api_takes_a_mapping_and_returns_the_effective_one(browse):
    anna = browse("anna")
    files = [("files", ("partners.csv", csv_bytes(GOOD), "text/csv"))]
    mapping = ImportMapping(standaard=Defaults(domein="zorg"))
    response = api(
        anna,
        "POST",
        "/api/v1/import/dry-run",
        data={"wijk": "daalhof", "mapping": mapping.to_toml()},
        files=files,
    )
    assert response.status_code == 200, response.text
    assert response.json()["mapping"]["standaard"]["domein"] == "zorg"
    bad = api(anna, "POST", "/api/v1/import/dry-run", data={"mapping": "versie = 9"}, files=files)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_mapping"
    unknown = api(anna, "POST", "/api/v1/import/dry-run", data={"mapping_name": "nee"}, files=files)
    assert unknown.status_code == 404 and unknown.json()["code"] == "mapping_not_found"
