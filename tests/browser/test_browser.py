"""wijknet in a real headless Chromium: the flows of a wijkmakelaar, and no script injection."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import ARTIFACTS, login, shot, wait_for_map, wait_until
from tests.support.web import HOSTILE, STORE_BACKENDS

pytestmark = pytest.mark.browser

NEW = "Zomerfeest Lindenplein"
WIDEST = """() => [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def suggestion_pairs(page) -> list[tuple[str, str]]:
    """The (a, b) actor ids of the suggested introductions listed on the wijk page."""
    return [
        (button.get_attribute("data-a"), button.get_attribute("data-b"))
        for button in page.locator("#voorstellen .show-on-map").all()
    ]


def pick(page, field: str, typed: str, name: str) -> None:
    """Type part of a name in an autocomplete field and choose ``name`` from the list."""
    box = page.locator(f"#f-{field}_name")
    box.fill("")
    box.press_sequentially(typed, delay=20)
    option = page.locator(f"#lijst-{field} li[role=option]", has_text=name).first
    option.wait_for()
    option.click()
    expect(page.locator(f"#f-{field}")).not_to_have_value("")


def node_labels(page) -> list[str]:
    return page.evaluate("() => window.wijknetMap.nodes.get().map(n => n.name)")


@pytest.mark.parametrize("store_backend", STORE_BACKENDS, indirect=True)
def test_add_an_initiative_see_it_on_the_map_link_it_and_the_suggestions_change(page, site):
    login(page, site, "anna")
    page.goto(site.url + "/wijk/daalhof/nieuw/initiatief")
    page.get_by_label("Naam").fill(NEW)
    page.get_by_label("Eenzaamheid").check()
    page.get_by_label("Ouderen", exact=True).check()
    page.get_by_label("Beschrijving").fill("Een buurtfeest in de zomer, voor jong en oud.")
    shot(page, "formulier-initiatief")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Toegevoegd.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW)
    new_id = page.url.split("/actor/")[1].split("?")[0]

    page.goto(site.url + "/wijk/daalhof")
    wait_for_map(page)
    assert NEW in node_labels(page)
    page.get_by_label("Zoek een actor").fill(NEW)
    page.get_by_label("Zoek een actor").press("Enter")
    expect(page.locator("#details-inhoud")).to_contain_text(NEW)
    before = suggestion_pairs(page)
    assert before, "the wijk page lists suggested introductions"
    first_a, first_b = before[0]
    names = page.evaluate(
        "ids => ids.map(id => window.wijknetMap.nodes.get(id).name)", [first_a, first_b]
    )
    shot(page, "wijk-daalhof")

    # link the new initiative to the first actor of the top suggestion
    page.goto(site.url + "/wijk/daalhof/samenwerking/nieuw")
    pick(page, "source", NEW[:6], NEW)
    pick(page, "target", names[0][:5], names[0])
    page.get_by_label("Intensiteit").select_option("3")
    shot(page, "formulier-samenwerking")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Toegevoegd.")

    # and make the top suggested introduction happen
    page.goto(site.url + "/wijk/daalhof/samenwerking/nieuw")
    pick(page, "source", names[0][:5], names[0])
    pick(page, "target", names[1][:5], names[1])
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Toegevoegd.")

    page.goto(site.url + "/wijk/daalhof")
    wait_for_map(page)
    after = suggestion_pairs(page)
    assert (first_a, first_b) not in after and after != before
    linked = page.evaluate(
        """([a, b]) => window.wijknetMap.edges.get().some(e => !e.suggestion
             && ((e.from === a && e.to === b) || (e.from === b && e.to === a)))""",
        [new_id, first_a],
    )
    assert linked, "the new link is drawn on the map"


def test_a_conflict_shows_both_versions(context, site):
    first, second = context.new_page(), context.new_page()
    login(first, site, "anna")
    actor = next(
        a
        for a in site.store.list_actors("daalhof")
        if a.kind.value == "initiatief" and a.name != HOSTILE
    )
    for page in (first, second):
        page.goto(f"{site.url}/actor/{actor.id}/bewerken")
    first.get_by_label("Beschrijving").fill("Versie van de eerste collega")
    first.get_by_role("button", name="Opslaan").click()
    expect(first.get_by_role("status")).to_have_text("Opgeslagen.")
    second.get_by_label("Beschrijving").fill("Versie van de tweede collega")
    second.get_by_role("button", name="Opslaan").click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Iemand anders heeft deze actor gewijzigd")
    table = second.locator("table.conflict")
    expect(table).to_contain_text("Versie van de eerste collega")
    expect(table).to_contain_text("Versie van de tweede collega")
    shot(second, "conflict")


def test_the_suggestion_layer_switches_and_the_filters_reset(page, site):
    login(page, site, "lees")
    page.goto(site.url + "/wijk/daalhof")
    wait_for_map(page)
    suggested = "window.wijknetMap.edgeView.get().filter(e => e.suggestion).length"
    shown = page.evaluate(f"() => {suggested}")
    assert shown > 0
    expect(page.locator("#legenda-domein li")).to_have_count(9)
    # each control changes the map in its change handler: wait for the map, not a moment
    page.get_by_label("Voorgestelde kennismakingen").uncheck()
    wait_until(page, f"n => {suggested} === n", 0)
    expect(page.locator(".map-status")).not_to_contain_text("voorgestelde")
    page.get_by_label("Voorgestelde kennismakingen").check()
    wait_until(page, f"n => {suggested} === n", shown)
    page.get_by_label("Domein").select_option("zorg")
    wait_until(
        page,
        """() => {
        const domains = new Set(window.wijknetMap.nodeView.get().map(n => n.domain));
        return domains.size === 1 && domains.has("zorg");
    }""",
    )
    page.get_by_role("button", name="Alles tonen").click()
    wait_until(page, "() => window.wijknetMap.nodeView.length === window.wijknetMap.nodes.length")


def test_a_hostile_name_is_text_on_every_page_and_in_the_map(page, site, context):
    login(page, site, "baas")
    actor = site.hostile_actor
    pages = [
        "/",
        "/wijk/daalhof",
        f"/wijk/{site.hostile_wijk}",
        f"/actor/{actor}",
        f"/actor/{actor}/bewerken",
        "/wijk/daalhof/actueel",
        "/vergelijken",
        f"/vergelijken/trend/{site.hostile_wijk}",
        "/beheer",
    ]
    injected = (
        "() => document.querySelectorAll('img[src=x], img[onerror], script:not([src])').length"
    )
    for path in pages:
        page.goto(site.url + path)
        if path.startswith("/wijk/") and path.count("/") == 2:
            wait_for_map(page)
            page.get_by_text("Alle actoren als lijst").click()
            # the script fills the table when it opens (a "toggle" event): wait for its rows
            expect(page.locator("#actorlijst tbody")).to_contain_text(HOSTILE)
        assert page.evaluate(injected) == 0, path
        expect(page.locator("main"), path).to_contain_text(HOSTILE, use_inner_text=True)

    page.goto(site.url + "/wijk/daalhof")
    wait_for_map(page)
    assert HOSTILE in node_labels(page)
    page.get_by_label("Zoek een actor").fill(HOSTILE)
    page.get_by_label("Zoek een actor").press("Enter")
    details = page.locator("#details-inhoud")
    expect(details).to_contain_text(HOSTILE)
    expect(details.locator("img")).to_have_count(0)
    # hover the node: the tooltip shows the name as text
    point = page.evaluate(
        """id => {
        const m = window.wijknetMap;
        return m.network.canvasToDOM(m.network.getPosition(id));
    }""",
        actor,
    )
    canvas = page.locator("#kaart canvas")
    canvas.hover(position={"x": point["x"] + 2, "y": point["y"] + 2})
    canvas.hover(position={"x": point["x"], "y": point["y"]})
    tooltip = page.locator("div.vis-tooltip")
    expect(tooltip).to_contain_text(HOSTILE)
    expect(tooltip.locator("img")).to_have_count(0)
    shot(page, "wijk-met-vijandige-naam")

    page.goto(site.url + "/wijk/daalhof/samenwerking/nieuw")
    page.locator("#f-source_name").press_sequentially("<img", delay=20)
    option = page.locator("#lijst-source li[role=option]").first
    expect(option).to_contain_text(HOSTILE)
    assert page.evaluate(injected) == 0


@pytest.mark.parametrize("width,height,suffix", [(1366, 900, "breed"), (390, 844, "telefoon")])
def test_the_main_pages_fit_the_screen(chromium, site, width, height, suffix):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(site.url + "/inloggen")
        shot(page, f"inloggen-{suffix}")
        login(page, site, "baas")
        actor = next(a for a in site.store.list_actors("daalhof") if a.kind.value == "professional")
        for name, path in (
            ("start", "/"),
            ("wijk", "/wijk/daalhof"),
            ("actor", f"/actor/{actor.id}"),
            ("actueel", "/wijk/daalhof/actueel"),
            ("vergelijken", "/vergelijken"),
            ("trend", "/vergelijken/trend/daalhof"),
            ("beheer", "/beheer"),
            ("formulier", "/wijk/daalhof/nieuw/professional"),
        ):
            page.goto(site.url + path)
            if name == "wijk":
                wait_for_map(page)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (
                f"{path} is wider than a {width}px screen: {page.evaluate(WIDEST)}"
            )
            shot(page, f"{name}-{suffix}")
    finally:
        context.close()
    assert (ARTIFACTS / f"wijk-{suffix}.png").exists()


def test_keyboard_users_reach_the_content_and_see_focus(page, site):
    login(page, site, "anna")
    page.goto(site.url + "/wijk/daalhof/nieuw/initiatief")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Naar de inhoud")
    page.get_by_role("button", name="Opslaan").click()
    # the refused form puts focus on its list of problems
    expect(page.locator(":focus")).to_have_attribute("id", "formulierfouten")
    expect(page.locator("#fout-name")).to_have_text(re.compile("leeg"))
