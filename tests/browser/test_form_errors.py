"""A refused form in a real browser: every problem at once, a summary with a link per
problem that focuses its field, and everything typed kept."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import login, shot


def test_three_faults_are_listed_at_once_and_each_link_focuses_its_field(page, site):
    login(page, site, "anna")
    page.goto(site.url + "/wijk/daalhof/nieuw/initiatief")
    page.locator("#f-name").fill("")
    page.locator("#f-email").fill("geen-adres")
    page.locator("#f-since").fill("2025-05-01")
    page.locator("#f-until").fill("2024-01-01")
    page.locator("#f-description").fill("Blijft staan na de fout.")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator("#formulierfouten")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.locator("li a")
    expect(links).to_have_count(3)
    expect(links).to_have_text(["Naam", "E-mail", "Actief tot"])
    expect(summary.locator("li")).to_have_text(
        [
            re.compile(r"^Naam: De naam is leeg"),
            re.compile(r"^E-mail: Vul een geldig e-mailadres in"),
            re.compile(r"^Actief tot: De einddatum ligt vóór de startdatum"),
        ]
    )
    shot(page, "formulier-fouten")

    for field in ("name", "email", "until"):
        expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#fout-{field}")).to_be_visible()
    # what was typed is still there
    expect(page.locator("#f-email")).to_have_value("geen-adres")
    expect(page.locator("#f-since")).to_have_value("2025-05-01")
    expect(page.locator("#f-until")).to_have_value("2024-01-01")
    expect(page.locator("#f-description")).to_have_value("Blijft staan na de fout.")

    links.filter(has_text="Actief tot").click()
    expect(page.locator("#f-until")).to_be_focused()
    expect(page.locator("label[for=f-until]")).to_be_in_viewport()
    links.filter(has_text="Naam").click()
    expect(page.locator("#f-name")).to_be_focused()
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "formulier-fouten-telefoon")


def test_the_collaboration_form_lists_each_problem_once(page, site):
    login(page, site, "anna")
    page.goto(site.url + "/wijk/daalhof/samenwerking/nieuw")
    page.locator("#f-source_name").fill("Bestaat echt niet")
    page.locator("#f-since").fill("2025-05-01")
    page.locator("#f-until").fill("2024-01-01")
    page.locator("#f-note").fill("Mijn notitie")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator("#formulierfouten")
    expect(summary).to_be_focused()
    expect(summary.locator("li a")).to_have_text(
        ["Van (eerste actor)", "Met (tweede actor)", "Tot"]
    )
    shot(page, "samenwerking-fouten")
    summary.locator("li a", has_text="Met (tweede actor)").click()
    expect(page.locator("#f-target_name")).to_be_focused()
    expect(page.locator("#f-source_name")).to_have_value("Bestaat echt niet")
    expect(page.locator("#f-note")).to_have_value("Mijn notitie")


def test_a_similar_name_beside_a_problem_is_saved_in_one_more_go(page, site):
    login(page, site, "anna")
    existing = next(a for a in site.store.list_actors("daalhof") if a.kind.value == "organisatie")
    page.goto(site.url + "/wijk/daalhof/nieuw/organisatie")
    page.locator("#f-name").fill(existing.name + "e")
    page.locator("#f-domain").select_option(existing.domain.value)
    page.locator("#f-since").fill("2025-05-01")
    page.locator("#f-until").fill("2024-01-01")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator("#formulierfouten")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(1)
    expect(page.locator("#lijkt-op")).to_contain_text(existing.name)
    shot(page, "lijkt-op-en-fout")
    summary.get_by_role("link", name="Bekijk ze").click()
    expect(page.locator("#lijkt-op")).to_be_focused()
    page.get_by_label("toch opslaan").check()
    page.locator("#f-until").fill("")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Toegevoegd.")
