"""The map for the wijkoverleg: the SVG of the map and the print view (A4 or A3)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from graph.model import ActorIn, ActorKind, LinkIn, WijkIn
from tests.support.web import HOSTILE
from visual.export import dutch_date

SVG = "{http://www.w3.org/2000/svg}"
URLS = ("/wijk/daalhof/kaart.svg", "/wijk/daalhof/afdrukken", "/wijk/daalhof/afdrukken?formaat=a3")


def _shapes(svg_text: str) -> list[ET.Element]:
    root = ET.fromstring(svg_text)
    group = root.find(f".//{SVG}g[@id='actoren']")
    assert group is not None
    return list(group)


def test_the_map_as_svg_for_every_role(browse, store):
    wijk = store.get_wijk("daalhof")
    actors = store.snapshot("daalhof").actors
    for name in ("lees", "anna", "baas"):
        response = browse(name).get("/wijk/daalhof/kaart.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert "content-disposition" not in response.headers
        root = ET.fromstring(response.text)
        assert root.find(f"{SVG}title").text == f"Netwerkkaart {wijk.name}"
        assert len(_shapes(response.text)) == len(actors)
        assert f"situatie op {dutch_date(date.today())}" in response.text
        assert "Bron: wijknet" in response.text


def test_download_names_the_file_after_the_wijk_and_the_day(browse):
    lees = browse("lees")
    response = lees.get("/wijk/daalhof/kaart.svg?download=1&datum=2025-06-01")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="wijknet-daalhof-2025-06-01.svg"'
    )
    assert "situatie op 1 juni 2025" in response.text


def test_the_filters_draw_only_the_matching_actors(browse, store):
    actors = store.snapshot("daalhof").actors
    lees = browse("lees")
    organisations = [a for a in actors if a.kind is ActorKind.ORGANISATIE]
    svg = lees.get("/wijk/daalhof/kaart.svg?soort=organisatie").text
    drawn = {s.get("data-id") for s in _shapes(svg)}
    assert drawn == {a.id for a in organisations}
    zorg = {a.id for a in actors if a.domain.value == "zorg" and a.kind is ActorKind.ORGANISATIE}
    svg = lees.get("/wijk/daalhof/kaart.svg?soort=organisatie&domein=zorg").text
    assert {s.get("data-id") for s in _shapes(svg)} == zorg and zorg
    themed = {a.id for a in actors if any(t.value == "eenzaamheid" for t in a.themes)}
    svg = lees.get("/wijk/daalhof/kaart.svg?thema=eenzaamheid").text
    assert {s.get("data-id") for s in _shapes(svg)} == themed and themed
    assert _shapes(lees.get("/wijk/daalhof/kaart.svg?domein=bestaat-niet").text) == []


def test_unknown_wijk_and_bad_parameters(browse):
    lees = browse("lees")
    assert lees.get("/wijk/bestaat-niet/kaart.svg").status_code == 404
    assert lees.get("/wijk/bestaat-niet/afdrukken").status_code == 404
    assert lees.get("/wijk/daalhof/kaart.svg?datum=gisteren").status_code == 400
    assert lees.get("/wijk/daalhof/afdrukken?formaat=a5").status_code == 400


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_go_to_the_login_page_like_the_map_data(browse, url):
    anonymous = browse()
    for target in (url, "/wijk/daalhof/kaart.json"):
        response = anonymous.get(target, follow_redirects=False)
        assert response.status_code == 303, target
        assert response.headers["location"].startswith("/inloggen?volgende=")


def test_the_print_view_has_the_key_figures_the_map_and_the_open_suggestions(browse, store):
    from graph.analysis import reports

    wijk = store.get_wijk("daalhof")
    suggestions = reports.suggestions_for(store, "daalhof", limit=10)
    analysis = reports.analysis_for(store, "daalhof")
    page = browse("lees").get("/wijk/daalhof/afdrukken")
    assert page.status_code == 200
    html = page.text
    assert f"Netwerkkaart {wijk.name}" in html and wijk.gemeente in html
    assert "/static/print.css" in html and 'class="print-view a4"' in html
    assert 'id="afdrukken"' in html and "/static/export.js" in html
    for title in ("Actoren", "Verbindingen per actor", "Dichtheid", "Losse delen"):
        assert f"<dt>{title}</dt>" in html
    assert f"<dd>{analysis.actors}</dd>" in html
    assert "<svg" in html and 'id="legenda"' in html
    assert "Bron: wijknet · situatie op" in html
    assert suggestions
    for s in suggestions:
        assert s.a.name in html and s.b.name in html
        for reason in s.reasons:
            assert reason.text in html
        if s.introducer:
            assert f"Wie kan voorstellen: {s.introducer.name}" in html
    assert "<script>" not in html.split("</svg>")[0].split("<svg")[1]
    a3 = browse("lees").get("/wijk/daalhof/afdrukken?formaat=a3&datum=2025-06-01")
    assert 'class="print-view a3"' in a3.text and "situatie op 1 juni 2025" in a3.text


def test_hostile_names_stay_text_in_the_svg_and_the_print_view(browse, store):
    name = HOSTILE + "<script>&\"'"
    store.create_wijk(WijkIn(slug="xss-wijk", name=name, gemeente=name), by="baas")
    ids = [
        store.create_actor(
            ActorIn(kind="initiatief", name=name, domain="inwoners", wijken=["xss-wijk"]), by="baas"
        ).id
        for _ in range(2)
    ]
    store.create_link(LinkIn(source=ids[0], target=ids[1]), by="baas")
    lees = browse("lees")
    svg = lees.get("/wijk/xss-wijk/kaart.svg").text
    assert "<img" not in svg and "<script" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == f"Netwerkkaart {name}"
    assert name in ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    page = lees.get("/wijk/xss-wijk/afdrukken").text
    assert "<img src=x" not in page and "<script>&" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_wijk_page_offers_the_export_menu(browse):
    html = browse("lees").get("/wijk/daalhof").text
    assert "Exporteren" in html and "PNG (afdrukkwaliteit)" in html
    assert 'href="/wijk/daalhof/kaart.svg?download=1"' in html
    assert 'href="/wijk/daalhof/afdrukken?formaat=a4"' in html
    assert 'href="/wijk/daalhof/afdrukken?formaat=a3"' in html
    assert "/static/export.js" in html and 'id="als-png"' not in html
