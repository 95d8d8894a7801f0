"""Importing the example CSV files through the upload page, in a real headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import login, shot, wait_for_map
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
    labels = page.evaluate("() => window.wijknetMap.nodes.get().map(n => n.label)")
    assert set(NEW) <= set(labels)
    page.get_by_label("Zoek een actor").fill("Sanne Voorbeeld")
    page.get_by_label("Zoek een actor").press("Enter")
    expect(page.locator("#details-inhoud")).to_contain_text("Welzijnsstichting Oranjeboom")
    shot(page, "importeren-op-de-kaart")
