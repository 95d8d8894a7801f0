"""The wijkoverleg's agenda: the open suggestions in order, the step form per pair (back to
the same item), printing and the CSV and Excel downloads, and the actor page's pairs."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from api.web.agenda import return_path
from api.web.render import dutch_date
from graph.analysis import reports
from graph.model import SuggestionStatus
from tests.support.web import HOSTILE

AGENDA = "/wijk/daalhof/agenda"
ITEM = re.compile(r'<li class="agenda-item[^"]*" id="s-([^"]+)"')


def _fresh(store, n: int = 1) -> list[tuple[str, str]]:
    """The first ``n`` fresh suggestions of daalhof, as ordered pairs."""
    found = reports.suggestions_for(store, "daalhof")
    return [tuple(sorted((s.a.id, s.b.id))) for s in found[:n]]  # type: ignore[misc]


def _item(page: str, a: str, b: str) -> str:
    """The HTML of the pair's item on a page (up to the next item)."""
    start = page.index(f'id="s-{a}-{b}"')
    end = page.find('class="agenda-item', start)
    return page[start : end if end > 0 else len(page)]


def _rename(store, actor_id: str, name: str) -> None:
    actor = store.get_actor(actor_id)
    store.update_actor(actor_id, {"name": name}, expected_version=actor.version, by="baas")


def _step(client, a: str, b: str, status: str, **fields: str):
    data = {"a": a, "b": b, "status": status, "terug": AGENDA, **fields}
    return client.post("/wijk/daalhof/voorstel", data)


def test_the_agenda_lists_pairs_in_progress_first_with_everything_about_them(browse, store):
    anna = browse("anna")
    (a, b), (c, d), (e, f) = _fresh(store, 3)
    assert _step(anna, c, d, "benaderd", notitie="Gebeld met beide").status_code == 303
    assert _step(anna, e, f, "kennismaking-gepland", datum="2026-12-03").status_code == 303
    page = anna.get(AGENDA)
    assert page.status_code == 200
    order = ITEM.findall(page.text)
    assert order[:2] == [f"{e}-{f}", f"{c}-{d}"]  # kennismaking gepland before benaderd
    assert f"{a}-{b}" in order[2:]
    text = html.unescape(page.text)
    assert "Kennismaking gepland op 3 december 2026" in text
    assert f"door anna, op {dutch_date(date.today())}" in text
    assert "Gebeld met beide" in text
    assert "Wie kan voorstellen" in text
    assert text.index("Al in gang gezet") < text.index("Nieuwe voorstellen")
    # the reasons of a pair in progress are still shown, all of them
    suggestion = next(s for s in reports.suggestions_for(store, "daalhof") if s.a.id in (a, b))
    assert suggestion.reasons[-1].text in text
    # links to both actors, the history folded, the form with the next step
    assert f'href="/actor/{c}"' in page.text and f'href="/actor/{d}"' in page.text
    assert '<details class="steps"' in page.text
    assert 'name="terug" value="/wijk/daalhof/agenda"' in page.text
    assert "Terugdraaien" in page.text


def test_bridging_suggestions_are_marked(browse, store):
    suggestions = reports.suggestions_for(store, "daalhof")
    bridges = [s for s in suggestions if s.kind == "brug"]
    page = browse("lees").get(AGENDA).text
    assert bridges, "Daalhof has isolated actors: each gets a bridging suggestion"
    a, b = sorted((bridges[0].a.id, bridges[0].b.id))
    assert "Brug naar het netwerk" in _item(page, a, b)


def test_a_lezer_reads_the_agenda_without_forms(browse, store):
    page = browse("lees").get(AGENDA)
    assert page.status_code == 200
    assert "Nieuwe voorstellen" in page.text
    assert 'action="/wijk/daalhof/voorstel' not in page.text
    assert "U kunt deze agenda lezen" in page.text
    ((a, b),) = _fresh(store)
    refused = browse("lees").post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "benaderd"})
    assert refused.status_code == 403


def test_each_step_and_undo_return_to_the_item(browse, store):
    anna = browse("anna")
    ((a, b),) = _fresh(store)
    pair = (a, b)
    steps = [
        ("benaderd", {}),
        ("kennismaking-gepland", {"datum": "2026-12-03"}),
        ("ontmoet", {"notitie": "Goed gesprek"}),
        ("samenwerking-vastgelegd", {}),
    ]
    for status, fields in steps:
        sent = _step(anna, a, b, status, **fields)
        assert sent.status_code == 303, sent.text
        location = sent.headers["location"]
        assert location.startswith(AGENDA + "?") and location.endswith(f"#s-{a}-{b}")
        assert store.suggestion_states("daalhof")[pair].status == status
        page = anna.get(location).text
        item = _item(page, a, b)
        assert 'class="notice ok item-notice"' in item  # the message is beside the item
        assert '<p class="notice ok" role="status">' not in page  # not at the top
    # samenwerking vastgelegd: out of the open agenda, in the folded section, opened
    page = anna.get(location).text
    assert page.index('<h2 id="h-gerealiseerd"') < page.index(f'id="s-{a}-{b}"')
    assert '<details class="agenda-fold" open>' in page
    undone = _step(anna, a, b, "ongedaan")
    assert undone.status_code == 303 and undone.headers["location"].endswith(f"#s-{a}-{b}")
    assert "De laatste stap is teruggedraaid." in anna.get(undone.headers["location"]).text
    assert store.suggestion_states("daalhof")[pair].status is SuggestionStatus.ONTMOET


@pytest.mark.parametrize(
    ("status", "fields", "shown"),
    [
        ("niet-relevant", {"notitie": "Werken al samen via de gemeente"}, "Niet relevant"),
        ("later", {"datum": "2027-03-01"}, "Later: wacht tot 1 maart 2027"),
    ],
)
def test_a_pair_set_aside_is_folded_and_can_be_undone(browse, store, status, fields, shown):
    anna = browse("anna")
    ((a, b),) = _fresh(store)
    sent = _step(anna, a, b, status, **fields)
    assert sent.status_code == 303 and sent.headers["location"].endswith(f"#s-{a}-{b}")
    page = anna.get(sent.headers["location"]).text
    assert page.index('id="h-opzij"') < page.index(f'id="s-{a}-{b}"')
    item = _item(page, a, b)
    assert shown in html.unescape(item) and "item-notice" in item
    assert 'name="notitie"' not in item and "Terugdraaien" in item  # only undo is left
    assert '<details class="agenda-fold" open>' in page
    assert _step(anna, a, b, "ongedaan").status_code == 303
    assert (a, b) not in store.suggestion_states("daalhof")
    assert f'id="s-{a}-{b}"' in anna.get(AGENDA).text.split('id="h-opzij"')[0]


@pytest.mark.parametrize(
    ("status", "fields", "message", "kept"),
    [
        ("niet-relevant", {"notitie": ""}, "Geef een reden", None),
        ("later", {"notitie": "Na de zomer"}, "tot welke datum", "Na de zomer"),
        ("kennismaking-gepland", {"notitie": "Koffie <b>bij</b> Jan"}, "datum van de kennismaking",
         "Koffie &lt;b&gt;bij&lt;/b&gt; Jan"),
        ("benaderd", {"datum": "2026-12-03"}, "geen datum", 'value="2026-12-03"'),
    ],
)  # fmt: skip
def test_a_refused_step_comes_back_beside_its_item(browse, store, status, fields, message, kept):
    anna = browse("anna")
    ((a, b),) = _fresh(store)
    refused = _step(anna, a, b, status, **fields)
    assert refused.status_code == 422
    page = refused.text
    item = _item(page, a, b)
    assert message in html.unescape(item)
    assert 'aria-invalid="true"' in item
    assert f'<option value="{status}" selected>' in item
    if kept:
        assert kept in item
    assert (a, b) not in store.suggestion_states("daalhof")


def test_the_return_path_stays_on_this_site(browse, store):
    for bad in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        " /wijk/daalhof",
        "/wijk/daalhof\r\nLocation: https://evil.example",
    ):
        assert return_path(bad, "/wijk/daalhof") == "/wijk/daalhof", bad
    assert return_path("/wijk/daalhof/agenda#x", "/") == "/wijk/daalhof/agenda"
    anna = browse("anna")
    ((a, b),) = _fresh(store)
    sent = anna.post(
        "/wijk/daalhof/voorstel",
        {"a": a, "b": b, "status": "benaderd", "terug": "https://evil.example/"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/wijk/daalhof?paar=")
    # the wijk page returns to its own item, and without terug nothing changed
    back = _step(anna, a, b, "ongedaan", terug="/wijk/daalhof")
    assert back.headers["location"] == f"/wijk/daalhof?paar={a}~{b}&melding=ongedaan#s-{a}-{b}"
    plain = anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "besproken"})
    assert plain.headers["location"] == "/wijk/daalhof?melding=besproken#voorstellen"


def test_print_view_of_chosen_pairs(browse, store):
    anna = browse("anna")
    (a, b), (c, d) = _fresh(store, 2)
    page = anna.get(f"{AGENDA}/afdrukken?paren={a}~{b}")
    assert page.status_code == 200
    assert "/static/print.css" in page.text and "agenda-print" in page.text
    assert page.text.count('class="note-lines"') == 1
    assert "Agenda wijkoverleg" in page.text and dutch_date(date.today()) in page.text
    both = anna.get(f"{AGENDA}/afdrukken?paren={a}~{b},{d}~{c}")  # either order
    assert both.text.count('class="note-lines"') == 2
    everything = anna.get(f"{AGENDA}/afdrukken")
    assert everything.text.count('class="note-lines"') == len(ITEM.findall(anna.get(AGENDA).text))
    assert anna.get(f"{AGENDA}/afdrukken?paren=onzin,<script>").status_code == 200
    css = anna.get("/static/print.css").text
    assert "@page agenda" in css and "A4 portrait" in css


def test_csv_and_xlsx_of_the_agenda_guard_against_formulas(browse, store):
    ((a, b),) = _fresh(store)
    _rename(store, a, '=HYPERLINK("http://x")')
    anna = browse("anna")
    assert _step(anna, a, b, "benaderd", notitie="+31 6 1234").status_code == 303
    response = anna.get(f"{AGENDA}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["nr", "status", "soort", "actor 1", "actor 2"]
    first = rows[1]
    assert first[1] == "Benaderd" and first[-1] == "'+31 6 1234"
    assert '\'=HYPERLINK("http://x")' in first[3:5]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    book = load_workbook(io.BytesIO(anna.get(f"{AGENDA}.xlsx").content))
    sheet = book["Agenda"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "nr" and len(values) == len(rows)
    assert values[1][-1] == "'+31 6 1234"


def test_the_actor_page_lists_its_pairs_and_steps(browse, store):
    anna = browse("anna")
    ((a, b),) = _fresh(store)
    _step(anna, a, b, "benaderd", notitie="Eerste contact")
    _step(anna, a, b, "ontmoet")
    for actor in (a, b):
        page = browse("lees").get(f"/actor/{actor}").text
        assert '<h2 id="h-voorstellen">Voorstellen</h2>' in page
        section = page[page.index('id="h-voorstellen"') : page.index('id="h-geschiedenis"')]
        other = b if actor == a else a
        assert f'href="/actor/{other}"' in section
        assert ">Ontmoet<" in section and "Benaderd" in section and "Eerste contact" in section
        assert f"/wijk/daalhof/agenda#s-{a}-{b}" in section


def test_hostile_names_and_notes_stay_text(browse, store):
    ((a, b),) = _fresh(store)
    _rename(store, a, HOSTILE)
    anna = browse("anna")
    assert _step(anna, a, b, "benaderd", notitie=HOSTILE).status_code == 303
    for url in (AGENDA, f"{AGENDA}/afdrukken", f"/actor/{b}"):
        page = anna.get(url).text
        assert HOSTILE not in page, url
        assert html.escape(HOSTILE, quote=False) in page, url
