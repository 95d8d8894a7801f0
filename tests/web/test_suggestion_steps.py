"""The steps of a suggested introduction on the wijk page's form, and how the audit log on
the beheer page reads them."""

from __future__ import annotations

import html
import re

import pytest

from api.web.render import dutch_date
from graph.model import DEFAULT_REASON, LinkIn, SuggestionStatus, utcnow

pytestmark = pytest.mark.both_stores

PAIR = r'name="a" value="([^"]+)"><input type="hidden" name="b" value="([^"]+)"'


def _pair(anna) -> tuple[str, str]:
    found = re.search(PAIR, anna.get("/wijk/daalhof").text)
    assert found, "the wijk page lists suggestions with buttons"
    a, b = found.groups()
    return a, b


def test_the_form_records_a_step_and_undoes_it(browse, store):
    anna = browse("anna")
    a, b = _pair(anna)
    pair = tuple(sorted((a, b)))
    sent = anna.post(
        "/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "benaderd", "notitie": "Gebeld"}
    )
    assert sent.status_code == 303
    assert "Vastgelegd: de twee zijn benaderd." in anna.get(sent.headers["location"]).text
    current = store.suggestion_states("daalhof")[pair]
    assert (current.status, current.by, current.note) == ("benaderd", "anna", "Gebeld")
    # the pair is in progress now: it stays on the wijk page, first, with its status
    page = anna.get("/wijk/daalhof").text
    item = page[page.index(f'id="s-{pair[0]}-{pair[1]}"') :]
    assert re.search(PAIR, page).groups() == pair
    assert "Benaderd" in item[: item.index("</li>")]

    refused = anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "later"})
    # refused: the wijk page again, the message beside the pair's item
    assert refused.status_code == 422
    item = refused.text[refused.text.index(f'id="s-{pair[0]}-{pair[1]}"') :]
    assert "Vul in tot welke datum dit voorstel moet wachten." in html.unescape(item)
    for status in ("gerealiseerd", "onzin"):
        assert (
            anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": status}).status_code
            == 422
        )
    planned = anna.post(
        "/wijk/daalhof/voorstel",
        {"a": a, "b": b, "status": "kennismaking-gepland", "datum": "2026-12-03"},
    )
    assert planned.status_code == 303
    assert store.suggestion_states("daalhof")[pair].date.isoformat() == "2026-12-03"

    undone = anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "ongedaan"})
    assert undone.status_code == 303
    assert "De laatste stap is teruggedraaid." in anna.get(undone.headers["location"]).text
    assert store.suggestion_states("daalhof")[pair].status is SuggestionStatus.BENADERD
    anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "ongedaan"})
    nothing = anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "ongedaan"})
    assert nothing.status_code == 422 and "geen stap om terug te draaien" in nothing.text


def test_the_old_buttons_record_steps(browse, store):
    anna = browse("anna")
    a, b = _pair(anna)
    assert (
        anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "niet-relevant"}).status_code
        == 303
    )
    current = store.suggestion_states("daalhof")[tuple(sorted((a, b)))]
    assert (current.status, current.note) == ("niet-relevant", DEFAULT_REASON)
    c, d = _pair(anna)
    assert (
        anna.post("/wijk/daalhof/voorstel", {"a": c, "b": d, "status": "besproken"}).status_code
        == 303
    )
    assert store.suggestion_states("daalhof")[tuple(sorted((c, d)))].status == "ontmoet"


def test_the_audit_log_reads_a_step_as_a_sentence(browse, store):
    anna = browse("anna")
    a, b = sorted(_pair(anna))
    anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "benaderd"})
    anna.post(
        "/wijk/daalhof/voorstel",
        {"a": a, "b": b, "status": "kennismaking-gepland", "datum": "2026-12-03"},
    )
    anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "ongedaan"})
    store.create_link(LinkIn(source=a, target=b), by="anna")
    names = f"{store.get_actor(a).name} ↔ {store.get_actor(b).name}"
    today = dutch_date(utcnow())
    page = html.unescape(browse("baas").get("/beheer?wijk=daalhof").text)
    assert f"Benaderd: {names}, door anna, op {today}" in page
    assert f"Teruggedraaid: Kennismaking gepland (3 december 2026): {names}, door anna" in page
    assert f"Gerealiseerd: {names}, door wijknet, op {today}" in page
    assert "stap vastgelegd" in page and "stap teruggedraaid" in page
