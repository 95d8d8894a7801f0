"""Importing the example CSV files through the upload page, in a real headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import login, shot, wait_for_map
from tests.support.import_shapes import partner_csv
from tests.support.importing import EXAMPLES

pytestmark = pytest.mark.browser

FILES = [EXAMPLES / "actoren.csv", EXAMPLES / "samenwerkingen.csv"]
NEW = ["Welzijnsstichting Oranjeboom", "Sanne Voorbeeld", "Buurthuis Café Ontmoeting"]


def test_upload_the_examples_preview_confirm_and_see_them_on_the_map(page, site):
    login(page, site, "baas")
    page.goto(site.url + "/wijk/de-baandert")
    page.get_by_text("Toevoegen", exact=True).click()
    page.get_by_role("link", name="Importeren uit bestand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren in De Baandert")
    page.get_by_label("Bestanden").set_input_files([str(f) for f in FILES])
    shot(page, "importeren")
    page.get_by_role("button", name="Proefdraai bekijken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Proefdraai van de import")
    counts = page.locator("table.counts tbody tr")
    expect(counts.filter(has_text="Actoren").locator("td").first).to_have_text("6")
    expect(counts.filter(has_text="Samenwerkingen").locator("td").first).to_have_text("4")
    expect(page.get_by_text("Geen problemen gevonden.")).to_be_visible()
    assert not any(a.name in NEW for a in site.store.list_actors("de-baandert"))
    page.get_by_text("Alle rijen (10)").click()
    shot(page, "importeren-proefdraai")
    page.get_by_role("button", name="Importeren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Geïmporteerd")
    expect(page.locator("dl.result")).to_contain_text("Nieuw10")
    shot(page, "importeren-klaar")
    page.get_by_role("link", name="De kaart van De Baandert").click()
    wait_for_map(page)
    labels = page.evaluate("() => window.wijknetMap.nodes.get().map(n => n.name)")
    assert set(NEW) <= set(labels)
    page.get_by_label("Zoek een actor").fill("Sanne Voorbeeld")
    page.get_by_label("Zoek een actor").press("Enter")
    expect(page.locator("#details-inhoud")).to_contain_text("Welzijnsstichting Oranjeboom")
    shot(page, "importeren-op-de-kaart")


def test_the_mapping_step_of_a_partner_list_saved_and_used_again(page, site, tmp_path):
    name, data = partner_csv()
    partners = tmp_path / name
    partners.write_bytes(data)
    login(page, site, "baas")
    page.goto(site.url + "/wijk/de-baandert/importeren")
    page.get_by_label("Bestanden").set_input_files(str(partners))
    page.get_by_role("button", name="Proefdraai bekijken").click()

    expect(page.get_by_role("heading", name="Koppeling")).to_be_visible()
    counts = page.locator("table.counts tbody tr").filter(has_text="Actoren").locator("td")
    new_before = counts.first.inner_text()
    # one Type value becomes an initiative: the select submits itself, the page shows it kept
    csa = page.locator('select[name="waarde::type::CSA"]')
    csa.select_option("initiatief")
    expect(page.locator('select[name="waarde::type::CSA"]')).to_have_value("initiatief")
    # another is left out: the dry run counts one new actor less
    stand = page.locator('select[name="waarde::type::Farm Stand"]')
    stand.select_option("overslaan")
    expect(page.locator('select[name="waarde::type::Farm Stand"]')).to_have_value("overslaan")
    expect(counts.first).to_have_text(str(int(new_before) - 1))
    shot(page, "importeren-koppeling")

    page.get_by_label("Koppeling bewaren als").fill("Partnerlijst")
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_text("Koppeling bewaard als")).to_be_visible()
    page.get_by_role("button", name="Importeren", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geïmporteerd")
    share_box = next(a for a in site.store.list_actors("de-baandert") if a.name == "Share Box")
    assert share_box.kind.value == "initiatief"
    assert not any(a.name == "Prairie Farm Stand" for a in site.store.list_actors("de-baandert"))

    # next month: the same file with the saved mapping changes nothing
    page.goto(site.url + "/wijk/de-baandert/importeren")
    page.get_by_label("Bestanden").set_input_files(str(partners))
    page.get_by_label("Bewaarde koppeling").select_option("Partnerlijst")
    page.get_by_role("button", name="Proefdraai bekijken").click()
    expect(page.locator('select[name="waarde::type::CSA"]')).to_have_value("initiatief")
    expect(page.get_by_text("Er verandert niets")).to_be_visible()
    expect(counts.first).to_have_text("0")
