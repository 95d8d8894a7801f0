"""The wijk map in a real headless Chromium: labels that never collide, re-fitting after a
filter, the weak spots, a suggestion on the map, the phone layout and the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    ARTIFACTS,
    login,
    node_point,
    wait_for_labels,
    wait_until,
)

pytestmark = pytest.mark.browser

SHOWN_LABELS = "() => window.wijknetMap.shownLabels"

LABEL_OVERLAPS = """() => {
    const shown = window.wijknetMap.shownLabels, boxes = shown.map(l => l.box), out = [];
    const eps = 0.01;
    for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.x0 < b.x1 - eps && b.x0 < a.x1 - eps && a.y0 < b.y1 - eps && b.y0 < a.y1 - eps)
                out.push([shown[i].id, shown[j].id]);
        }
    return out;
}"""

NODES_OUTSIDE = """() => {
    const m = window.wijknetMap, c = document.getElementById('kaart');
    const w = c.clientWidth, h = c.clientHeight, scale = m.network.getScale();
    return m.nodeView.getIds().filter(id => {
        const p = m.network.canvasToDOM(m.network.getPosition(id));
        const r = (m.nodes.get(id).size || 0) * scale;
        return p.x - r < 0 || p.y - r < 0 || p.x + r > w || p.y + r > h;
    });
}"""

LABELS_OUTSIDE = """() => {
    const c = document.getElementById('kaart'), w = c.clientWidth, h = c.clientHeight;
    return window.wijknetMap.shownLabels.filter(l =>
        l.box.x0 < -1 || l.box.y0 < -1 || l.box.x1 > w + 1 || l.box.y1 > h + 1).map(l => l.id);
}"""

ISOLATES = """() => {
    const m = window.wijknetMap;
    return m.data.nodes.filter(n => !(m.neighbours[n.id] || []).length).map(n => n.id);
}"""


def open_map(page, site, slug: str = "daalhof", user: str = "lees") -> None:
    login(page, site, user)
    page.goto(f"{site.url}/wijk/{slug}")
    wait_for_labels(page)


def test_the_first_view_shows_many_labels_none_over_another(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    shown = page.evaluate(SHOWN_LABELS)
    assert len(shown) > 20, f"only {len(shown)} labels at the first view"
    assert page.locator("#kaart").get_attribute("data-labels") == str(len(shown))
    assert page.evaluate(LABEL_OVERLAPS) == []
    labelled = {label["id"] for label in shown}
    isolates = page.evaluate(ISOLATES)
    assert isolates, "the demo wijk has actors without links"
    assert set(isolates) <= labelled, "every actor without links is labelled"
    assert page.evaluate(NODES_OUTSIDE) == []
    assert page.evaluate(LABELS_OUTSIDE) == []
    # vis-network draws no labels of its own: the names are kept as ``name``
    names = page.evaluate("() => window.wijknetMap.nodes.get().map(n => [n.label, n.name])")
    assert all(label is None and name for label, name in names)


@pytest.mark.parametrize("slug", ["daalhof", "obbicht"])
def test_the_browser_places_labels_by_the_servers_rule(page, site, slug):
    """Run at the server's font size, the page's rule gives exactly the server's labels."""
    open_map(page, site, slug)
    server, browser = page.evaluate(
        """() => {
        const m = window.wijknetMap, f = m.data.nodes[0].font_size, v = m.data.view;
        const key = (id, box, lines) => [id, box.join(','), lines.join('|')].join(' ');
        const server = m.data.nodes.filter(n => n.label_shown)
            .map(n => key(n.id, n.label_box, n.label_lines));
        const browser = m.labelRule((v.min_px + v.max_px) / 2 / f)
            .map(l => key(l.id, l.box, l.lines));
        return [server.sort(), browser.sort()];
    }"""
    )
    assert server and browser == server


def test_zooming_in_shows_more_labels_and_still_none_overlap(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    before = {label["id"] for label in page.evaluate(SHOWN_LABELS)}
    page.evaluate(
        """() => { const n = window.wijknetMap.network;
        n.moveTo({ scale: n.getScale() * 2 }); }"""
    )
    page.locator("#kaart").focus()
    page.keyboard.press("+")  # a zoom through the keyboard recomputes the labels too
    wait_until(page, "() => window.wijknetMap.labelLayout.server === false")
    assert page.evaluate(LABEL_OVERLAPS) == []
    assert page.evaluate(LABELS_OUTSIDE) == []
    after = {label["id"] for label in page.evaluate(SHOWN_LABELS)}
    # the actors well inside the zoomed view: more of them labelled than at the first view
    middle = set(
        page.evaluate(
            """() => { const m = window.wijknetMap, c = document.getElementById('kaart');
            return m.nodeView.getIds().filter(id => {
                const p = m.network.canvasToDOM(m.network.getPosition(id));
                const w = c.clientWidth, h = c.clientHeight;
                return p.x > 150 && p.y > 60 && p.x < w - 150 && p.y < h - 60;
            }); }"""
        )
    )
    assert middle
    assert len(after & middle) > len(before & middle)


def test_a_filter_refits_the_view_to_what_is_left(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    page.get_by_label("Soort").select_option("initiatief")
    wait_until(
        page,
        """() => window.wijknetMap.nodeView.get().every(n => n.kind === 'initiatief')""",
    )
    wait_until(page, "() => document.querySelector('#kaart').dataset.labels !== undefined")
    assert page.evaluate(NODES_OUTSIDE) == []
    spread = page.evaluate(
        """() => {
        const m = window.wijknetMap, c = document.getElementById('kaart');
        const ps = m.nodeView.getIds().map(id => m.network.canvasToDOM(m.network.getPosition(id)));
        const xs = ps.map(p => p.x), ys = ps.map(p => p.y);
        return [(Math.max(...xs) - Math.min(...xs)) / c.clientWidth,
                (Math.max(...ys) - Math.min(...ys)) / c.clientHeight];
    }"""
    )
    assert max(spread) > 0.5, f"the view did not fit the filtered actors: {spread}"
    assert page.evaluate(LABEL_OVERLAPS) == []
    page.get_by_role("button", name="Alles tonen").click()
    wait_until(page, "() => window.wijknetMap.nodeView.length === window.wijknetMap.nodes.length")
    assert page.evaluate(NODES_OUTSIDE) == []


VERMILLION_NEAR = """id => {
    const m = window.wijknetMap, canvas = document.querySelector('#kaart canvas');
    const ctx = canvas.getContext('2d'), ratio = canvas.width / canvas.clientWidth;
    const p = m.network.canvasToDOM(m.network.getPosition(id));
    const scale = m.network.getScale(), r = (m.nodes.get(id).size || 10) * scale + 6;
    let hits = 0;
    for (let k = 0; k < 48; k++) {
        const a = k / 48 * 2 * Math.PI;
        const x = Math.round((p.x + Math.cos(a) * r) * ratio);
        const y = Math.round((p.y + Math.sin(a) * r) * ratio);
        const [red, green, blue] = ctx.getImageData(x, y, 1, 1).data;
        if (Math.abs(red - 213) < 30 && Math.abs(green - 94) < 30 && blue < 60) hits += 1;
    }
    return hits;
}"""


def test_the_weak_spots_switch_on_and_off(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    weak = page.evaluate("() => window.wijknetMap.data.weak_spots")
    assert weak["cut_points"], "the demo wijk has cut points"
    section = page.locator("#kwetsbaar")
    expect(section).to_be_hidden()
    first = weak["cut_points"][0]["id"]
    assert page.evaluate(VERMILLION_NEAR, first) == 0
    page.get_by_role("checkbox", name="Kwetsbare punten").check()
    expect(section).to_be_visible()
    items = section.locator("li button")
    expect(items).to_have_count(len(weak["cut_points"]) + len(weak["bridges"]))
    wait_until(page, "() => document.querySelector('#kaart').dataset.weak === 'true'")
    wait_until(page, f"id => ({VERMILLION_NEAR})(id) > 5", first)
    # the sentences are the analysis' own, as in "Kwetsbare punten" on the page
    listed = items.all_inner_texts()
    on_page = (
        page.locator("h3", has_text="Kwetsbare punten")
        .filter(has_not_text="op de kaart")
        .locator("xpath=following-sibling::ul[1]/li")
        .all_inner_texts()
    )
    assert on_page, "the page lists vulnerable points"
    assert set(on_page) <= set(listed)
    # a sentence selects its actor on the map
    items.first.click()
    wait_until(page, "id => window.wijknetMap.selected === id", first)
    expect(page.locator("#details-inhoud")).to_contain_text(weak["cut_points"][0]["name"])
    inside = page.evaluate(
        """id => { const m = window.wijknetMap, c = document.getElementById('kaart');
        const p = m.network.canvasToDOM(m.network.getPosition(id));
        return p.x > 0 && p.y > 0 && p.x < c.clientWidth && p.y < c.clientHeight; }""",
        first,
    )
    assert inside
    page.get_by_role("checkbox", name="Kwetsbare punten").uncheck()
    expect(section).to_be_hidden()
    wait_until(page, "() => document.querySelector('#kaart').dataset.weak === 'false'")
    wait_until(page, f"id => ({VERMILLION_NEAR})(id) === 0", first)


def test_a_suggestion_on_the_map_rings_both_actors_and_who_can_introduce_them(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    button = page.locator("button.show-on-map[data-introducer]").first
    expect(button).to_be_visible()
    a, b, introducer = (button.get_attribute(f"data-{k}") for k in ("a", "b", "introducer"))
    button.click()
    wait_until(
        page,
        """([a, b, c]) => { const s = window.wijknetMap.suggestion;
        const pair = [s && s.from, s && s.to].sort().join();
        return s && s.introducer === c && pair === [a, b].sort().join(); }""",
        [a, b, introducer],
    )
    names = page.evaluate(
        "ids => ids.map(id => window.wijknetMap.nodes.get(id).name)", [a, b, introducer]
    )
    details = page.locator("#details-inhoud")
    expect(details).to_contain_text("Voorgestelde kennismaking")
    expect(details).to_contain_text("Wie kan voorstellen")
    for name in names:
        expect(details).to_contain_text(name)
    reason = page.evaluate("() => window.wijknetMap.suggestion.reason")
    assert reason
    expect(details).to_contain_text(reason)
    # the three are in view and labelled
    labelled = {label["id"] for label in page.evaluate(SHOWN_LABELS)}
    assert {a, b, introducer} <= labelled
    for actor in (a, b, introducer):
        point = node_point(page, actor)
        size = page.evaluate("() => document.getElementById('kaart').getBoundingClientRect()")
        assert 0 < point["x"] < size["width"] and 0 < point["y"] < size["height"]

    # a click on a dashed line selects that suggestion too
    page.get_by_role("button", name="Alles tonen").click()
    wait_until(page, "() => !window.wijknetMap.suggestion")
    spot = page.evaluate(
        """() => {
        const m = window.wijknetMap, n = m.network;
        for (const e of m.data.suggestions) {
            const p = n.getPosition(e.from), q = n.getPosition(e.to);
            for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
                const dom = n.canvasToDOM({ x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t });
                const clear = m.nodeView.getIds().every(id => {  // beyond a click's reach
                    const d = n.canvasToDOM(n.getPosition(id));
                    const r = (m.nodes.get(id).size || 0) * n.getScale();
                    return Math.hypot(d.x - dom.x, d.y - dom.y) - r > 30;
                });
                if (clear && n.getEdgeAt(dom) === e.id) return { id: e.id, x: dom.x, y: dom.y };
            }
        }
        return null;
    }"""
    )
    if spot is not None:
        page.locator("#kaart canvas").click(position={"x": spot["x"], "y": spot["y"]})
        wait_until(page, "id => (window.wijknetMap.suggestion || {}).id === id", spot["id"])
        expect(details).to_contain_text("Voorgestelde kennismaking")


def test_on_a_phone_the_map_comes_first_and_a_tap_opens_the_details_sheet(chromium, site):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        open_map(page, site)
        top = page.evaluate("() => document.getElementById('kaart').getBoundingClientRect().top")
        assert top < 844 - 150, f"the map starts {top}px down the page"
        kpis = page.evaluate("() => document.querySelector('.kpis').getBoundingClientRect().top")
        assert kpis > top, "the key figures come after the map"
        expect(page.locator("details#filters")).not_to_have_attribute("open", "")
        expect(page.locator("details#legenda")).not_to_have_attribute("open", "")
        page.get_by_text("Filters", exact=True).click()
        expect(page.get_by_label("Soort")).to_be_visible()
        sheet = page.locator("#details")
        expect(sheet).to_be_hidden()
        target = page.evaluate(
            """() => {
            const m = window.wijknetMap, n = m.network, c = document.getElementById('kaart');
            const ids = m.shownLabels.map(l => l.id);
            for (const id of ids) {
                const p = n.canvasToDOM(n.getPosition(id));
                if (p.x > 20 && p.y > 20 && p.x < c.clientWidth - 20 && p.y < c.clientHeight - 20
                    && n.getNodeAt(p) === id) return { id, name: m.nodes.get(id).name };
            }
            return null;
        }"""
        )
        assert target, "a node to tap"
        point = node_point(page, target["id"])
        page.locator("#kaart canvas").tap(position=point)
        expect(sheet).to_be_visible()
        expect(sheet.locator("#details-inhoud")).to_contain_text(target["name"])
        box = sheet.bounding_box()
        assert box["y"] + box["height"] <= 844 + 1 and box["y"] < 844 - 100
        page.get_by_role("button", name="Sluiten").click()
        expect(sheet).to_be_hidden()
        page.locator("#kaart canvas").tap(position=node_point(page, target["id"]))
        expect(sheet).to_be_visible()
        page.keyboard.press("Escape")
        expect(sheet).to_be_hidden()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1
    finally:
        context.close()
    assert errors == []


def test_the_keyboard_moves_the_selection_over_the_map_and_announces_it(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    live = page.locator("#kaart-melding")
    expect(live).to_have_attribute("aria-live", "polite")
    page.locator("#kaart").focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "() => !!window.wijknetMap.selected")
    first = page.evaluate("() => window.wijknetMap.selected")
    name = page.evaluate("id => window.wijknetMap.nodes.get(id).name", first)
    expect(live).to_contain_text(f"Geselecteerd: {name}, ")
    expect(live).to_contain_text("verbinding")
    assert first in {label["id"] for label in page.evaluate(SHOWN_LABELS)}
    x0 = page.evaluate("id => window.wijknetMap.network.getPosition(id).x", first)
    page.keyboard.press("ArrowRight")
    wait_until(page, "id => window.wijknetMap.selected !== id", first)
    second = page.evaluate("() => window.wijknetMap.selected")
    assert page.evaluate("id => window.wijknetMap.network.getPosition(id).x", second) > x0
    second_name = page.evaluate("id => window.wijknetMap.nodes.get(id).name", second)
    expect(live).to_contain_text(f"Geselecteerd: {second_name}, ")
    expect(page.locator("#details-inhoud")).to_contain_text(second_name)
    y0 = page.evaluate("id => window.wijknetMap.network.getPosition(id).y", second)
    page.keyboard.press("ArrowDown")
    wait_until(page, "id => window.wijknetMap.selected !== id", second)
    third = page.evaluate("() => window.wijknetMap.selected")
    assert page.evaluate("id => window.wijknetMap.network.getPosition(id).y", third) > y0
    page.keyboard.press("Escape")
    wait_until(page, "() => window.wijknetMap.selected === null")
    expect(live).to_have_text("Geen actor geselecteerd.")
    page.keyboard.press("ArrowLeft")
    wait_until(page, "() => !!window.wijknetMap.selected")
    chosen = page.evaluate("() => window.wijknetMap.selected")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/actor/{chosen}")


def test_every_actor_can_be_shown_on_the_map_from_the_list(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_map(page, site)
    page.get_by_text("Alle actoren als lijst").click()
    rows = page.locator("#actorlijst tbody tr")
    expect(rows).to_have_count(page.evaluate("() => window.wijknetMap.nodes.length"))
    row = rows.nth(3)
    name = row.locator("th").inner_text()
    row.get_by_role("button").click()
    expect(page.locator("#details-inhoud")).to_contain_text(name)
    expect(page.locator(":focus")).to_have_id("kaart")
    expect(page.locator("#kaart-melding")).to_contain_text(f"Geselecteerd: {name}")


SCREENS = [
    ("laptop", 1366, 768),
    ("projector", 1920, 1080),
    ("telefoon", 390, 844),
]


@pytest.mark.parametrize("slug", ["daalhof", "de-baandert", "obbicht"])
def test_screenshots_of_the_first_view(chromium, site, slug):
    """The first view of three demo wijken on a laptop, a projector and a phone, for review."""
    ARTIFACTS.mkdir(exist_ok=True)
    for device, width, height in SCREENS:
        context = chromium.new_context(
            viewport={"width": width, "height": height},
            locale="nl-NL",
            has_touch=device == "telefoon",
        )
        page = context.new_page()
        try:
            open_map(page, site, slug)
            assert page.evaluate(LABEL_OVERLAPS) == []
            assert page.evaluate(NODES_OUTSIDE) == []
            assert page.evaluate(LABELS_OUTSIDE) == []
            page.screenshot(path=str(ARTIFACTS / f"kaart-{slug}-{device}-pagina.png"))
            page.locator("#kaart").screenshot(path=str(ARTIFACTS / f"kaart-{slug}-{device}.png"))
        finally:
            context.close()
