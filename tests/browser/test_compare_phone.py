"""Vergelijken and the trend page in a real Chromium: on a phone every chart label is whole
and readable, the wijk column stays in view (also in the table of the effect of verbinden,
whose ⓘ opens whole); on a laptop the table fits without scrolling."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from graph.model import LinkIn, SuggestionStep, utcnow
from tests.browser.support import login, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
MIN_FONT_PX = 11

CHART_TEXT = """svgs => svgs.flatMap((svg, n) => {
    const box = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    return [...svg.querySelectorAll('text')].map(text => {
        const r = text.getBoundingClientRect();
        return {
            chart: n,
            text: text.textContent,
            px: parseFloat(getComputedStyle(text).fontSize) * scale,
            clipped: r.left < box.left - 0.5 || r.right > box.right + 0.5
                || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5,
        };
    });
})"""


def chart_texts(page, selector: str) -> list[dict]:
    svgs = page.locator(selector)
    expect(svgs.first).to_be_visible()
    return svgs.evaluate_all(CHART_TEXT)


def open_page(chromium, site, viewport, path):
    context = chromium.new_context(viewport=viewport, locale="nl-NL")
    page = context.new_page()
    login(page, site, "lees")
    page.goto(site.url + path)
    return context, page


def test_vergelijken_on_a_phone_keeps_chart_labels_whole_and_readable(chromium, site):
    context, page = open_page(chromium, site, PHONE, "/vergelijken")
    try:
        texts = chart_texts(page, ".bar-charts svg")
        assert len({t["chart"] for t in texts}) == 4
        clipped = [t["text"] for t in texts if t["clipped"]]
        assert clipped == [], f"chart text cut off by its SVG: {clipped[:5]}"
        small = sorted({(round(t["px"], 1), t["text"]) for t in texts if t["px"] < MIN_FONT_PX})
        assert small == [], f"chart text below {MIN_FONT_PX}px on a phone: {small[:5]}"
        labels = " ".join(t["text"] for t in texts)
        assert "Bleijerheide-Centrum-Nulland" in labels.replace("- ", "-")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, "the page is wider than the phone"
        shot(page, "vergelijken-phone")
    finally:
        context.close()


def test_the_wijk_column_stays_in_view_when_the_table_scrolls_on_a_phone(chromium, site):
    context, page = open_page(chromium, site, PHONE, "/vergelijken")
    try:
        wrap = page.locator(".compare-wrap")
        expect(wrap).to_be_visible()
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "nothing to scroll"
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        expect(wrap).not_to_have_js_property("scrollLeft", 0)
        first = page.locator("#vergelijking tbody th.wijk-col").first
        expect(first).to_be_in_viewport()
        left = first.evaluate("th => th.getBoundingClientRect().left")
        wrap_left = wrap.evaluate("w => w.getBoundingClientRect().left")
        assert abs(left - wrap_left) <= 1, "the wijk column scrolled away"
    finally:
        context.close()


def test_vergelijken_on_a_laptop_shows_the_default_columns_without_scrolling(chromium, site):
    context, page = open_page(chromium, site, LAPTOP, "/vergelijken")
    try:
        wrap = page.locator(".compare-wrap")
        expect(wrap).to_be_visible()
        expect(page.locator("#vergelijking thead th")).to_have_count(9 + 3)
        sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert sizes[0] <= sizes[1], f"the table scrolls sideways on a laptop: {sizes}"
        texts = chart_texts(page, ".bar-charts svg")
        assert not [t for t in texts if t["clipped"]]
        shot(page, "vergelijken-laptop")
    finally:
        context.close()


def test_trend_page_labels_fit_on_a_laptop_and_a_phone(chromium, site):
    for viewport, name in ((LAPTOP, "trend-laptop"), (PHONE, "trend-phone")):
        path = "/vergelijken/trend/daalhof?vanaf=2018-01-01&stap=jaar"
        context, page = open_page(chromium, site, viewport, path)
        try:
            texts = chart_texts(page, ".line-charts svg")
            assert "2018" in [t["text"] for t in texts]
            assert not [t["text"] for t in texts if t["clipped"]]
            assert not [t["text"] for t in texts if t["px"] < MIN_FONT_PX]
            shot(page, name)
        finally:
            context.close()


def _take_up(site) -> None:
    """Once per server: two pairs of Daalhof taken up last month, one realised and linked."""
    if site.extra.get("effect"):
        return
    site.extra["effect"] = True
    today = utcnow().date()

    def step(a: str, b: str, status: str, days: int, **kw: object) -> None:
        at = datetime.combine(today - timedelta(days=days), time(10), tzinfo=UTC)
        a, b = sorted((a, b))
        site.store.add_suggestion_step(
            SuggestionStep(wijk="daalhof", a=a, b=b, status=status, by="baas", at=at, **kw)
        )

    step("daalhof-bh-01", "daalhof-apo-01", "benaderd", 30)
    step("daalhof-bh-01", "daalhof-apo-01", "gerealiseerd", 5, date=today - timedelta(days=5))
    step("daalhof-lls-04", "daalhof-ha-02", "benaderd", 20)
    site.store.create_link(
        LinkIn(source="daalhof-bh-01", target="daalhof-apo-01", since=today - timedelta(days=5)),
        by="baas",
    )


def test_the_effect_table_keeps_the_wijk_column_in_view_on_a_phone(chromium, site):
    _take_up(site)
    context, page = open_page(chromium, site, PHONE, "/vergelijken")
    try:
        wrap = page.locator(".effect-wrap")
        wrap.scroll_into_view_if_needed()
        expect(page.locator("#effect tbody tr")).not_to_have_count(0)
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "nothing to scroll"
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        first = page.locator("#effect tbody th.wijk-col").first
        expect(first).to_be_in_viewport()
        left = first.evaluate("th => th.getBoundingClientRect().left")
        wrap_left = wrap.evaluate("w => w.getBoundingClientRect().left")
        assert abs(left - wrap_left) <= 1, "the wijk column scrolled away"
        wrap.evaluate("w => { w.scrollLeft = 0; }")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, "the page is wider than the phone"
        # an ⓘ in a head opens its text whole, not cut off by the scrolling table
        info = page.locator("#effect thead .uitleg summary").nth(2)
        info.click()
        text = page.locator("#effect thead .uitleg[open] p")
        expect(text).to_be_visible()
        box = text.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
        height = text.evaluate("p => [p.scrollHeight, p.clientHeight]")
        assert height[0] <= height[1] + 1
        shot(page, "vergelijken-effect-phone")
    finally:
        context.close()


def test_the_trend_shows_the_effect_block_on_a_phone(chromium, site):
    _take_up(site)
    context, page = open_page(chromium, site, PHONE, "/vergelijken/trend/daalhof")
    try:
        block = page.locator("#effect")
        expect(block).to_be_visible()
        expect(block.locator("dd").nth(2)).to_have_text("1")  # gerealiseerd
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, "the page is wider than the phone"
        shot(page, "trend-effect-phone")
    finally:
        context.close()
