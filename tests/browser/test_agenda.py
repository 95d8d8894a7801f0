"""The agenda of the wijkoverleg in a real browser: one suggested pair from voorgesteld to
gerealiseerd through the step form (always back at the same item), and the print view."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from api.web.render import dutch_date
from graph.analysis import reports
from tests.browser.support import login, shot
from tests.support.web import HOSTILE

pytestmark = pytest.mark.browser

AGENDA = "/wijk/daalhof/agenda"
PICTURES = Path("/tmp/wijknet-agenda")


def _pairs(site) -> list[tuple[str, str, str, str]]:
    """Fresh suggestions of daalhof without the hostile actor: (a, b, name a, name b)."""
    out = []
    for s in reports.suggestions_for(site.store, "daalhof"):
        if HOSTILE in (s.a.name, s.b.name):
            continue
        first, second = sorted(((s.a.id, s.a.name), (s.b.id, s.b.name)))
        out.append((first[0], second[0], first[1], second[1]))
    return out


def _picture(page, name: str) -> None:
    PICTURES.mkdir(exist_ok=True)
    page.screenshot(path=str(PICTURES / f"{name}.png"))  # what the screen shows
    shot(page, f"agenda-{name}")  # the whole page


def _pick(page, field: str, name: str) -> None:
    """Type part of a name in the collaboration form and choose ``name`` from the list."""
    box = page.locator(f"#f-{field}_name")
    box.fill("")
    box.press_sequentially(name[:6], delay=20)
    option = page.locator(f"#lijst-{field} li[role=option]", has_text=name).first
    option.click()
    expect(page.locator(f"#f-{field}")).not_to_have_value("")


def test_one_suggestion_from_voorgesteld_to_gerealiseerd(page, site):
    (a, b, name_a, name_b), *_ = _pairs(site)
    anchor = f"s-{a}-{b}"
    login(page, site, "anna")
    page.goto(site.url + AGENDA)
    item = page.locator(f'[id="{anchor}"]')
    expect(item.locator(".tag.status")).to_have_text("Voorgesteld")
    _picture(page, "voor")

    def step(status: str, *, datum: str = "", notitie: str = "") -> None:
        item.get_by_label("Volgende stap").select_option(status)
        item.get_by_label("Datum").fill(datum)
        item.get_by_label("Notitie").fill(notitie)
        item.get_by_role("button", name="Vastleggen").click()

    step("benaderd")
    expect(page).to_have_url(re.compile(f"#{re.escape(anchor)}$"))
    expect(item.locator(".item-notice")).to_have_text("Vastgelegd: de twee zijn benaderd.")
    expect(item).to_be_in_viewport()
    expect(item.locator(".tag.status")).to_have_text("Benaderd")
    expect(page.locator("main > .notice")).to_have_count(0)  # not at the top of the page

    # a planned meeting without its day comes back beside the item, with the note kept
    step("kennismaking-gepland", notitie="Koffie in het buurthuis")
    expect(item.locator(".field-error")).to_have_text("Vul de datum van de kennismaking in.")
    expect(item.get_by_label("Notitie")).to_have_value("Koffie in het buurthuis")
    expect(item.get_by_label("Volgende stap")).to_have_value("kennismaking-gepland")
    expect(item).to_be_in_viewport()
    _picture(page, "fout")
    item.get_by_label("Datum").fill("2026-12-03")
    item.get_by_role("button", name="Vastleggen").click()
    expect(item.locator(".tag.status")).to_have_text("Kennismaking gepland op 3 december 2026")
    expect(item).to_be_in_viewport()

    step("ontmoet", notitie="Goed gesprek; ze gaan samen een inloop houden.")
    expect(item.locator(".tag.status")).to_have_text("Ontmoet")
    expect(item.locator(".status-line")).to_contain_text("Goed gesprek")
    expect(item.locator("details.steps summary")).to_have_text("Geschiedenis (3 stappen)")
    _picture(page, "ontmoet")

    item.get_by_role("button", name=re.compile("^Terugdraaien")).click()
    expect(item.locator(".item-notice")).to_have_text("De laatste stap is teruggedraaid.")
    expect(item.locator(".tag.status")).to_have_text("Kennismaking gepland op 3 december 2026")
    expect(item).to_be_in_viewport()

    # the link between the two makes the pair gerealiseerd by itself
    page.goto(site.url + "/wijk/daalhof/samenwerking/nieuw")
    _pick(page, "source", name_a)
    _pick(page, "target", name_b)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Toegevoegd.")

    page.goto(site.url + AGENDA)
    fold = page.locator("details.agenda-fold", has=page.locator("#h-gerealiseerd"))
    expect(item).to_be_hidden()
    fold.locator("> summary").click()
    today = dutch_date(date.today())
    expect(item.locator(".tag.status")).to_have_text(f"Gerealiseerd op {today}")
    _picture(page, "gerealiseerd")

    # the actor page lists the pair with its steps
    page.goto(f"{site.url}/actor/{a}")
    pairs = page.locator("section", has=page.locator("#h-voorstellen"))
    expect(pairs.locator(".tag.status")).to_have_text("Gerealiseerd")
    pairs.get_by_text("Stappen (3)").click()
    expect(pairs.locator(".step-list li")).to_have_count(3)
    pairs.scroll_into_view_if_needed()
    _picture(page, "actor")


def test_pick_and_print_the_agenda_on_a4(page, site):
    login(page, site, "anna")
    page.goto(site.url + AGENDA)
    pairs = _pairs(site)[:2]
    for a, b, _, _ in pairs:
        page.locator(f'[id="s-{a}-{b}"]').get_by_role(
            "checkbox", name=re.compile("Bespreken")
        ).check()
    page.get_by_role("button", name="Afdrukken (A4)").click()
    expect(page).to_have_url(re.compile(r"/agenda/afdrukken\?paren="))
    expect(page.locator(".agenda-print-list > li")).to_have_count(2)
    expect(page.locator("h1")).to_have_text("Agenda wijkoverleg Daalhof")
    _picture(page, "afdrukken")
    page.emulate_media(media="print")
    PICTURES.mkdir(exist_ok=True)
    pdf = page.pdf(format="A4", path=str(PICTURES / "agenda.pdf"))
    assert pdf.startswith(b"%PDF")
    page.screenshot(path=str(PICTURES / "afdrukken-print.png"), full_page=True)


@pytest.mark.parametrize("width,height,suffix", [(1366, 900, "breed"), (390, 844, "telefoon")])
def test_the_agenda_fits_the_screen(chromium, site, width, height, suffix):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    try:
        login(page, site, "anna")
        page.goto(site.url + AGENDA)
        expect(page.locator("h1")).to_have_text("Agenda voor het wijkoverleg")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        _picture(page, f"scherm-{suffix}")
        assert overflow <= 0, f"the agenda is {overflow}px wider than the screen"
    finally:
        context.close()
