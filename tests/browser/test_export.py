"""The map for the wijkoverleg in a real Chromium: the PNG at print resolution, the SVG file
and the print view (A4 landscape, as a PDF)."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import login, shot, wait_for_map, wait_until

pytestmark = pytest.mark.browser


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG file as (type, data), each CRC checked."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def open_export_menu(page) -> None:
    page.get_by_text("Exporteren", exact=True).click()
    expect(page.get_by_role("button", name="PNG (afdrukkwaliteit)")).to_be_visible()


def test_the_map_saves_as_png_at_print_resolution_with_title_and_source(page, site):
    login(page, site, "lees")
    page.goto(site.url + "/wijk/daalhof")
    wait_for_map(page)
    open_export_menu(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG (afdrukkwaliteit)").click()
    assert download.value.suggested_filename == f"wijknet-daalhof-{date.today()}.png"
    chunks = png_chunks(Path(download.value.path()).read_bytes())
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert width >= 3000 and height > 1000
    texts = dict(body.decode("latin-1").split("\0", 1) for kind, body in chunks if kind == b"tEXt")
    assert "Daalhof" in texts["Title"]
    assert texts["Source"].startswith("Bron: wijknet · situatie op ")
    expect(page.locator("details#exporteren")).not_to_have_attribute("open", "")


def test_the_exports_follow_the_filters_and_the_date(page, site):
    login(page, site, "lees")
    page.goto(site.url + "/wijk/daalhof?datum=2026-01-15")
    wait_for_map(page)
    page.get_by_label("Soort").select_option("organisatie")
    open_export_menu(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="SVG").click()
    assert download.value.suggested_filename == "wijknet-daalhof-2026-01-15.svg"
    svg = Path(download.value.path()).read_text()
    assert "situatie op 15 januari 2026" in svg
    organisations = {
        a.id
        for a in site.store.snapshot("daalhof", date(2026, 1, 15)).actors
        if a.kind.value == "organisatie"
    }
    drawn = set(re.findall(r'<(?:rect|circle|polygon) [^>]*data-id="([^"]+)"', svg))
    assert drawn == organisations
    open_export_menu(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG (afdrukkwaliteit)").click()
    assert download.value.suggested_filename == "wijknet-daalhof-2026-01-15.png"
    open_export_menu(page)
    page.get_by_role("link", name="Afdrukweergave A3").click()
    page.wait_for_url(re.compile(r"/wijk/daalhof/afdrukken\?formaat=a3&datum=2026-01-15$"))
    expect(page.locator(".sheet-head p").first).to_contain_text("situatie op 15 januari 2026")


def test_the_print_view_gives_an_a4_landscape_pdf(page, site):
    login(page, site, "lees")
    page.goto(site.url + "/wijk/daalhof/afdrukken?formaat=a4")
    expect(page.get_by_role("heading", name="Netwerkkaart Daalhof")).to_be_visible()
    expect(page.locator(".kpis dt").first).to_have_text("Actoren")
    expect(page.locator(".print-suggestions > li").first).to_be_visible()
    expect(page.locator("figure.sheet-map svg #legenda")).to_be_attached()
    shot(page, "afdrukken-a4")
    # the button asks the browser to print (window.print stands in for the print dialog)
    page.evaluate("() => { window.print = () => { document.body.dataset.printed = 'ja'; }; }")
    page.get_by_role("button", name="Afdrukken").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "ja")
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF")
    boxes = {
        tuple(float(v) for v in box.split())
        for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    }
    assert boxes and all(abs(w - 842) < 2 and abs(h - 595) < 2 for _, _, w, h in boxes), (
        boxes
    )  # A4 landscape in points
    pages = int(re.findall(rb"/Count (\d+)", pdf)[0])
    assert 2 <= pages <= 4  # the map on the first page, the suggestions after it
    wait_until(page, "() => document.querySelectorAll('.print-suggestions > li').length > 0")


def test_a_hostile_wijk_name_stays_text_in_the_print_view_and_the_png(page, site):
    login(page, site, "baas")
    page.goto(site.url + f"/wijk/{site.hostile_wijk}/afdrukken?formaat=a3")
    name = site.store.get_wijk(site.hostile_wijk).name
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Netwerkkaart {name}")
    expect(page.locator("figure.sheet-map svg title")).to_have_text(f"Netwerkkaart {name}")
    page.goto(site.url + f"/wijk/{site.hostile_wijk}")
    wait_for_map(page)
    open_export_menu(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG (afdrukkwaliteit)").click()
    chunks = png_chunks(Path(download.value.path()).read_bytes())
    texts = dict(body.decode("latin-1").split("\0", 1) for kind, body in chunks if kind == b"tEXt")
    assert texts["Title"] == f"Netwerkkaart {name}"
