"""In the browser: an inwonersinitiatief saved with a professional as its contact person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from graph.model import ActorKind
from tests.browser.support import login, shot

pytestmark = pytest.mark.browser

NEW = "Taalcafé Het Anker"


def test_an_initiative_with_a_contact_professional_shows_on_both_pages(page, site):
    prof = next(a for a in site.store.list_actors("daalhof") if a.kind is ActorKind.PROFESSIONAL)
    login(page, site, "anna")
    page.goto(site.url + "/wijk/daalhof/nieuw/initiatief")
    page.get_by_label("Naam").fill(NEW)
    page.get_by_label("Een professional uit de wijk").select_option(prof.id)
    shot(page, "formulier-initiatief-contactpersoon")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Toegevoegd.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW)
    new_id = page.url.split("/actor/")[1].split("?")[0]

    links = page.locator("#h-verbindingen").locator("..")
    expect(links.get_by_role("link", name=prof.name, exact=True)).to_be_visible()
    confirmed = page.locator("dt", has_text="Laatst bevestigd").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(confirmed).to_have_text(re.compile(r"door anna$"))

    page.goto(f"{site.url}/actor/{prof.id}")
    links = page.locator("#h-verbindingen").locator("..")
    expect(links.get_by_role("link", name=NEW, exact=True)).to_be_visible()
    expect(links.locator(f'a[href="/actor/{new_id}"]')).to_have_count(1)

    page.goto(f"{site.url}/actor/{new_id}/bewerken")
    expect(page.get_by_label("Een professional uit de wijk")).to_have_value(prof.id)
