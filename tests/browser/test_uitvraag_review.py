"""The review list of a netwerkuitvraag in a real browser, on a desktop and on a phone: a
tie both sides named is accepted with the one button for all of them, the confirmation
shows, the other proposal waits, and the tie is on the wijk's data (the actor's page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from api.uitvraag import service
from graph.model import ActorKind
from tests.browser.conftest import Watch
from tests.browser.support import Site, login, serving, shot
from tests.support.web import ACCOUNTS, FAST_HASHER, PASSWORD, demo_store

pytestmark = pytest.mark.browser

WIJK = "daalhof"
VIEWPORTS = {
    "desktop": {"width": 1366, "height": 768},
    "telefoon": {"width": 390, "height": 844},
}


@pytest.fixture(scope="module")
def review_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, Any]]:
    """A uvicorn server on a free 127.0.0.1 port with the demo data, and its app (whose
    round store the test fills as respondents would)."""
    folder = tmp_path_factory.mktemp("uitvraag")
    store = demo_store(request, "sqlite", folder)
    accounts = AccountStore(str(folder / "accounts.db"), hasher=FAST_HASHER)
    for name, role, wijken in ACCOUNTS:
        accounts.add_user(name, PASSWORD, role, wijken)
    app = create_app(Settings(), store=store, accounts=accounts)
    try:
        with serving(app) as url:
            yield Site(url, store, "", ""), app
    finally:
        store.close()
        accounts.close()


def _answered_round(site: Site, app: Any) -> tuple[str, Any, Any, Any]:
    """A round in Daalhof where two actors named each other (a reciprocated new tie) and a
    third named one more actor; the round's id and the three actors."""
    store, rounds = site.store, app.state.rounds
    asked = [
        a
        for a in store.snapshot(WIJK, date.today()).actors
        if a.kind in (ActorKind.ORGANISATIE, ActorKind.PROFESSIONAL)
        and a.contact
        and a.contact.email
    ]
    linked = {frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)}
    a, b = next(
        (x, y)
        for i, x in enumerate(asked)
        for y in asked[i + 1 :]
        if frozenset((x.id, y.id)) not in linked
    )
    c, d = next(
        (x, y)
        for x in asked
        for y in asked
        if len({x.id, y.id, a.id, b.id}) == 4 and frozenset((x.id, y.id)) not in linked
    )
    round_ = service.start_round(
        store,
        rounds,
        wijk=WIJK,
        title="Netwerkuitvraag Daalhof",
        intro="",
        ends_on=date.today() + timedelta(days=21),
        actor_ids=[a.id, b.id, c.id],
        by="anna",
    )
    tokens = {
        link.invitation.actor_id: link.token for link in service.issue_links(rounds, round_.id)
    }

    def answer(who: str, other: str) -> None:
        invitation = service.open_link(rounds, tokens[who])
        named = service.Answer(record_ok=True, new=[service.NewTie(other_id=other)])
        service.submit_answer(store, rounds, invitation, named)

    answer(a.id, b.id)
    answer(b.id, a.id)
    answer(c.id, d.id)
    return round_.id, a, b, c


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_accepting_all_reciprocated_ties_puts_them_on_the_map(chromium, review_site, device):
    site, app = review_site
    round_id, a, b, c = _answered_round(site, app)
    context = chromium.new_context(viewport=VIEWPORTS[device], locale="nl-NL")
    watch = Watch()
    context.on("page", watch.attach)
    try:
        page = context.new_page()
        login(page, site, "anna")
        page.goto(f"{site.url}/wijk/{WIJK}/uitvraag/{round_id}/beoordelen")
        both = page.locator("#groep-wederzijds")
        expect(both.get_by_role("heading", name="Door beide kanten genoemd (1)")).to_be_visible()
        expect(both.locator(".uv-item")).to_contain_text(a.name)
        expect(both.locator(".uv-item")).to_contain_text(b.name)
        other = page.locator("#groep-nieuw")
        expect(other.get_by_role("heading", name="Nieuwe samenwerkingen (1)")).to_be_visible()
        expect(other).to_contain_text(f"Genoemd door {c.name}")
        button = page.get_by_role("button", name="Deze wederzijds genoemde samenwerking overnemen")
        expect(button).to_be_visible()
        shot(page, f"uitvraag-beoordelen-{device}-voor")

        button.click()
        expect(page.get_by_role("status")).to_have_text(
            "Overgenomen: 1 wederzijds genoemde samenwerking staat nu op de kaart."
        )
        expect(page.locator("#groep-wederzijds")).to_have_count(0)
        expect(page.locator("#groep-nieuw .uv-item")).to_have_count(1)  # still waiting
        expect(page.locator("#klaar")).to_contain_text("overgenomen")
        shot(page, f"uitvraag-beoordelen-{device}-na")

        page.goto(f"{site.url}/actor/{a.id}")
        tie = page.locator("ul.links li", has=page.locator(f'a[href="/actor/{b.id}"]'))
        expect(tie).to_be_visible()
        expect(tie).to_contain_text("Informatie delen")
        shot(page, f"uitvraag-beoordelen-{device}-kaart")
        no_overflow = "() => document.documentElement.scrollWidth <= window.innerWidth"
        page.goto(f"{site.url}/wijk/{WIJK}/uitvraag/{round_id}/beoordelen")
        assert page.evaluate(no_overflow), "the review list is wider than the screen"
        page.goto(f"{site.url}/wijk/{WIJK}/uitvraag/{round_id}")
        expect(page.get_by_role("heading", name="Respons")).to_be_visible()
        assert page.evaluate(no_overflow), "the dashboard is wider than the screen"
        shot(page, f"uitvraag-dashboard-{device}")
        page.goto(f"{site.url}/wijk/{WIJK}/uitvraag/nieuw")
        expect(page.get_by_label("Titel")).to_have_value(re.compile(r"^Netwerkuitvraag Daalhof "))
        everyone = page.get_by_role("radio", name=re.compile("Alle organisaties en professionals"))
        expect(everyone).to_be_checked()
        assert page.evaluate(no_overflow), "the start form is wider than the screen"
        shot(page, f"uitvraag-nieuw-{device}")
    finally:
        context.close()
    assert watch.dialogs == [] and watch.errors == [], (watch.dialogs, watch.errors)
    ties = [lk for lk in site.store.list_links(WIJK) if {lk.source, lk.target} == {a.id, b.id}]
    assert len(ties) == 1
    made = site.store.audit_log(entity_id=ties[0].id)[-1]
    assert made.action == "create"
    assert made.by == f"anna via netwerkuitvraag {round_id}"  # the round is the source
