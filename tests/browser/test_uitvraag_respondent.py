"""A respondent of a netwerkuitvraag on a phone (390 x 844) in a real Chromium.

Dagbesteding De Vlier opens its personal link, confirms its record, raises the intensity
of one collaboration, marks another as ended with a date, names two partners from the
wijk's list (one in a row the script adds) and one that is not in wijknet yet, sends, and
sees the thanks with its answer in the form. The page never scrolls sideways, its tap
targets are at least 44 px high, labels stand above their fields, and no request carries
the link in a ``Referer``. Without a script the same form works with every field shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.model import ProposalStatus, Statement
from api.uitvraag.store import RoundStore
from graph.store import GraphStore
from tests.browser.conftest import Watch
from tests.browser.support import serving, shot
from tests.support.web import FAST_HASHER, demo_store

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
VLIER = "daalhof-ouz-02"
ANKER = "daalhof-apo-01"
THANKS = "Dank u wel: uw antwoord is opgeslagen. De wijkmakelaar bekijkt de wijzigingen."


@dataclass
class Respondents:
    url: str
    store: GraphStore
    rounds: RoundStore
    round_id: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def respondents(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Respondents]:
    """A uvicorn server on a free 127.0.0.1 port with the demo data and a round in Daalhof
    that asks De Vlier and Het Anker, with their personal links."""
    folder = tmp_path_factory.mktemp("uitvraag")
    store = demo_store(request, "sqlite", folder)
    accounts = AccountStore(str(folder / "accounts.db"), hasher=FAST_HASHER)
    app = create_app(Settings(), store=store, accounts=accounts)
    rounds = app.state.rounds
    round_ = service.start_round(
        store,
        rounds,
        wijk="daalhof",
        title="Netwerkuitvraag Daalhof",
        intro="Beste partner,\nwilt u in vijf minuten nakijken met wie u samenwerkt?",
        ends_on=date.today() + timedelta(days=21),
        actor_ids=[VLIER, ANKER],
        by="anna",
    )
    tokens = {
        link.invitation.actor_id: link.token for link in service.issue_links(rounds, round_.id)
    }
    try:
        with serving(app) as url:
            yield Respondents(url, store, rounds, round_.id, tokens)
    finally:
        store.close()
        accounts.close()


@pytest.fixture
def phone(chromium, request):
    """A phone's browser (390 x 844, touch); fails the test on a dialog or console error."""
    script = getattr(request, "param", True)
    context = chromium.new_context(
        viewport=PHONE,
        locale="nl-NL",
        is_mobile=True,
        has_touch=True,
        java_script_enabled=script,
    )
    watch = Watch()
    context.on("page", watch.attach)
    page = context.new_page()
    yield page
    context.close()
    assert watch.dialogs == [], f"a dialog opened: {watch.dialogs}"
    assert watch.errors == [], f"errors in the browser console: {watch.errors}"


SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main button, main select, main input[type=text], main input[type=date],'
    + ' main input[type=email], main input[type=tel], main textarea, main label.choice,'
    + ' main summary, .foot a')]
  .filter(el => el.offsetParent !== null)
  .map(el => ({what: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height}))
  .filter(t => t.h < 43.5)"""

LABELS_BESIDE = """() => [...document.querySelectorAll('main .field > label[for]')]
  .filter(l => l.offsetParent !== null)
  .map(l => [l, document.getElementById(l.htmlFor)])
  .filter(([l, f]) => f && f.offsetParent !== null
      && f.getBoundingClientRect().top < l.getBoundingClientRect().bottom - 1)
  .map(([l]) => l.textContent)"""

WIDTH = "() => document.scrollingElement.scrollWidth"


def test_a_respondent_answers_on_a_phone(phone, respondents: Respondents):
    page = phone
    token = respondents.tokens[VLIER]
    referers: list[str] = []
    page.on("request", lambda r: referers.append(r.headers.get("referer", "")))
    page.goto(f"{respondents.url}/uitvraag/{token}")
    expect(page.get_by_role("heading", name="Netwerkuitvraag Daalhof")).to_be_visible()
    expect(page.get_by_text("U kunt antwoorden tot en met")).to_be_visible()

    # 1: the record as a list; its fields only after "Aanpassen"
    record = page.locator("[data-record-summary]")
    expect(record).to_be_visible()
    expect(record).to_contain_text("Dagbesteding De Vlier")
    name_field = page.get_by_role("region", name="Uw gegevens").get_by_label("Naam")
    expect(name_field).to_be_hidden()
    page.get_by_label("Aanpassen").check()
    expect(name_field).to_be_visible()
    page.get_by_label("Klopt", exact=True).check()
    expect(name_field).to_be_hidden()

    # 2: Wijkzorg De Hoeve goes on, more intensively; Geert Paulissen has ended
    hoeve = page.locator("[data-tie]").filter(has_text="Wijkzorg De Hoeve")
    hoeve.get_by_label("Nog steeds").check()
    hoeve.get_by_label("Hoe intensief?").select_option("4")
    geert = page.locator("[data-tie]").filter(has_text="Geert Paulissen")
    expect(geert.get_by_label("Gestopt op")).to_be_hidden()
    geert.get_by_label("Gestopt", exact=True).check()
    expect(geert.get_by_label("Hoe intensief?")).to_be_hidden()
    geert.get_by_label("Gestopt op").fill("2025-06-30")

    # 3: one row shows; "Nog iemand toevoegen" shows the next, then adds one
    rows = page.locator("[data-new-row]")
    expect(rows.nth(0)).to_be_visible()
    expect(rows.nth(1)).to_be_hidden()
    first = rows.nth(0)
    first.get_by_label("Met wie? Zoek de naam").fill("Apotheek Het Anker")
    first.get_by_label("Hoe intensief?").select_option("3")
    first.get_by_label("Toelichting (mag leeg)").fill("Medicijnrol voor onze deelnemers")
    add = page.get_by_role("button", name="Nog iemand toevoegen")
    add.click()
    second = rows.nth(1)
    expect(second).to_be_visible()
    expect(second.get_by_label("Met wie? Zoek de naam")).to_be_focused()
    second.get_by_text("Iemand anders, nog niet in de lijst").click()
    second.get_by_label("Naam van de partner").fill("Moestuin De Kiem")
    second.get_by_label("Inwonersinitiatief").check()
    add.click()
    add.click()
    expect(rows).to_have_count(4)
    fourth = rows.nth(3)
    expect(fourth.locator("legend").first).to_have_text("Samenwerking 4")
    expect(fourth.get_by_label("Hoe intensief?")).to_have_value("2")
    fourth.get_by_label("Met wie? Zoek de naam").fill("Buurthuis De Schakel")

    assert page.evaluate(WIDTH) <= PHONE["width"], "the page scrolls sideways"
    assert page.evaluate(SMALL_TARGETS) == [], "tap targets below 44 px"
    assert page.evaluate(LABELS_BESIDE) == [], "labels not above their fields"
    shot(page, "uitvraag-respondent-phone")

    page.get_by_role("button", name="Antwoord versturen").click()
    page.wait_for_url(f"**/uitvraag/{token}?bedankt=1")
    expect(page.get_by_role("status")).to_have_text(THANKS)
    expect(geert.get_by_label("Gestopt", exact=True)).to_be_checked()
    expect(geert.get_by_label("Gestopt op")).to_have_value("2025-06-30")
    expect(hoeve.get_by_label("Hoe intensief?")).to_have_value("4")
    assert page.evaluate(WIDTH) <= PHONE["width"], "the page scrolls sideways"
    shot(page, "uitvraag-respondent-phone-bedankt")
    page.set_viewport_size({"width": 1366, "height": 900})  # and on a desktop: one column
    assert page.evaluate(WIDTH) <= 1366
    assert page.locator("main").evaluate("m => m.getBoundingClientRect().width") < 800
    shot(page, "uitvraag-respondent-desktop")

    stored = {
        (p.statement, p.other_name)
        for p in respondents.rounds.proposals(respondents.round_id)
        if p.status is not ProposalStatus.VERVALLEN
    }
    assert stored >= {
        (Statement.RECORD_BEVESTIGD, None),
        (Statement.BAND_GEWIJZIGD, "Wijkzorg De Hoeve"),
        (Statement.BAND_BEEINDIGD, "Geert Paulissen"),
        (Statement.BAND_NIEUW, "Apotheek Het Anker"),
        (Statement.BAND_NIEUW, "Buurthuis De Schakel"),
        (Statement.ACTOR_NIEUW, "Moestuin De Kiem"),
    }
    assert not [r for r in referers if token in r], "the link went out in a Referer"


@pytest.mark.parametrize("phone", [False], indirect=True, ids=["zonder-script"])
def test_without_a_script_every_field_shows_and_the_form_works(phone, respondents: Respondents):
    page = phone
    token = respondents.tokens[ANKER]
    page.goto(f"{respondents.url}/uitvraag/{token}")
    expect(page.get_by_role("region", name="Uw gegevens").get_by_label("Naam")).to_be_visible()
    rows = page.locator("[data-new-row]")
    expect(rows).to_have_count(3)
    for n in range(3):
        expect(rows.nth(n)).to_be_visible()
    expect(page.get_by_role("button", name="Nog iemand toevoegen")).to_be_hidden()
    jos = page.locator("[data-tie]").filter(has_text="Jos Houben")
    expect(jos.get_by_label("Gestopt op")).to_be_visible()
    page.get_by_label("Telefoon").fill("043 350 00 00")  # a change means "Aanpassen"
    rows.nth(0).get_by_label("Met wie? Zoek de naam").fill("Naam Die Niet Bestaat")
    page.get_by_role("button", name="Antwoord versturen").click()
    summary = page.locator("#formulierfouten")
    expect(summary).to_contain_text("staat niet in de lijst van de wijk")
    expect(page.get_by_label("Telefoon")).to_have_value("043 350 00 00")
    assert page.evaluate(WIDTH) <= PHONE["width"], "the page scrolls sideways"
    shot(page, "uitvraag-respondent-phone-fout")
    summary.get_by_role("link").first.click()
    expect(rows.nth(0).get_by_label("Met wie? Zoek de naam")).to_have_value("Naam Die Niet Bestaat")
    rows.nth(0).get_by_label("Met wie? Zoek de naam").fill("Dagbesteding De Vlier")
    page.get_by_role("button", name="Antwoord versturen").click()
    page.wait_for_url(f"**/uitvraag/{token}?bedankt=1")
    expect(page.get_by_role("status")).to_have_text(THANKS)
    assert page.evaluate(WIDTH) <= PHONE["width"], "the page scrolls sideways"
