"""The effect of verbinden on Vergelijken and the trend page: a scripted history on the demo
store (three pairs taken up through the store API, one realised and linked) shows exact
figures; a refused period keeps the form; the cohort filter applies; names are escaped."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest

from api.web.explain import EXPLANATIONS
from graph.model import LinkIn, SuggestionStep, WijkIn, utcnow

BY = "Wijkmakelaar Test"
WIJK = "daalhof"
ISOLATED = "daalhof-bh-01"  # inwoners, without any tie in the demo
ZORG = "daalhof-apo-01"
HEADS = [
    "Wijk",
    "Cohort",
    "Opgepakt",
    "In behandeling",
    "Gerealiseerd",
    "Afgewezen",
    "Nieuwe verbindingen",
    "waarvan domeinoverstijgend",
    "Losse actoren voor → na",
    "Fragmentatie voor → na",
]


class EffectTable(HTMLParser):
    """The heads and rows (by wijk name) of ``table#effect`` and the figures of ``dl#effect``."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.heads: list[str] = []
        self.rows: dict[str, list[str]] = {}
        self.figures: dict[str, str] = {}
        self._in: str | None = None  # "table" or "dl" while inside one with id="effect"
        self._depth = 0
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._section = ""
        self._skip = 0  # inside an ⓘ or a screen-reader text
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._in is None and tag in {"table", "dl"} and a.get("id") == "effect":
            self._in, self._depth = tag, 0
            return
        if self._in is None or tag in {"input", "br"}:
            return
        if tag == self._in:
            self._depth += 1
        if self._skip or tag == "details" or "sr-only" in (a.get("class") or ""):
            self._skip += 1
            return
        if tag in {"thead", "tbody"}:
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in {"th", "td", "dt", "dd"}:
            self._cell = []

    def handle_endtag(self, tag):
        if self._in is None:
            return
        if tag == self._in:
            if self._depth == 0:
                self._in = None
                return
            self._depth -= 1
        if self._skip:
            self._skip -= 1
            return
        if tag in {"th", "td", "dt", "dd"} and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            self._cell = None
            if tag == "dt":
                self._term = text
            elif tag == "dd":
                self.figures[self._term] = text
            elif self._section == "thead":
                self.heads.append(text)
            elif self._row is not None:
                self._row.append(text)
        elif tag == "tr" and self._row is not None:
            if self._section == "tbody":
                self.rows[self._row[0]] = self._row[1:]
            self._row = None

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _step(a: str, b: str, status: str, day: date, **kw: object) -> SuggestionStep:
    a, b = sorted((a, b))
    return SuggestionStep(wijk=WIJK, a=a, b=b, status=status, by=BY, at=_at(day), **kw)


@pytest.fixture
def period(store) -> tuple[date, date]:
    """What the team did in Daalhof from 40 days ago up to yesterday; returns that period.

    Three pairs are taken up: the isolated initiative with the pharmacy (benaderd on day -30,
    gerealiseerd on day -5, linked since day -5: inwoners - zorg, so cross-domain), a
    second pair approached on day -20 (in behandeling) and a third approached and found not
    relevant (afgewezen). The demo's links without ``since`` were created today, after the
    period, so the one link above is the only new one. Daalhof has 114 actors, two of them
    isolated (3 parts); linking one of them leaves 1 isolated actor and 2 parts:
    fragmentation ``1 - 112*111/(114*113)`` = 3% before, ``1 - 113*112/(114*113)`` = 2% after.
    """
    today = utcnow().date()
    start, end = today - timedelta(days=40), today - timedelta(days=1)
    store.add_suggestion_step(_step(ISOLATED, ZORG, "benaderd", today - timedelta(days=30)))
    realised_on = today - timedelta(days=5)
    store.add_suggestion_step(_step(ISOLATED, ZORG, "gerealiseerd", realised_on, date=realised_on))
    store.create_link(LinkIn(source=ISOLATED, target=ZORG, since=realised_on), by=BY)
    store.add_suggestion_step(
        _step("daalhof-lls-04", "daalhof-ha-02", "benaderd", today - timedelta(days=20))
    )
    store.add_suggestion_step(
        _step("daalhof-ha-02", "daalhof-school-01", "benaderd", today - timedelta(days=25))
    )
    store.add_suggestion_step(
        _step(
            "daalhof-ha-02",
            "daalhof-school-01",
            "niet-relevant",
            today - timedelta(days=24),
            note="Geen raakvlak",
        )
    )
    return start, end


DAALHOF = ["1", "3", "1", "1", "1", "1", "1", "2 → 1 (−1)", "3% → 2% (−2 procentpunt)"]


@pytest.fixture
def lezer(browse):
    return browse("lees")


def test_the_effect_table_shows_the_scripted_history_per_wijk(lezer, period):
    start, end = period
    page = lezer.get(f"/vergelijken?van={start}&tot={end}")
    assert page.status_code == 200
    table = EffectTable(page.text)
    assert [h.replace("\u00ad", "").rstrip(" ↕▲▼") for h in table.heads] == HEADS
    assert table.rows["Daalhof"] == DAALHOF
    # another wijk: no pair taken up, no link made, the network as it was
    assert table.rows["Douvenrade"][:7] == ["2", "0", "0", "0", "0", "0", "0"]
    assert table.rows["Douvenrade"][7] == "3 → 3 (0)"
    assert "Effect van verbinden" in page.text
    assert f'name="van" type="date" value="{start}"' in page.text
    assert f'name="tot" type="date" value="{end}"' in page.text
    csv_link = f'href="/api/v1/effect.csv?from={start}&amp;to={end}"'
    assert csv_link in page.text
    for key in (
        "effect_taken_up",
        "effect_in_progress",
        "effect_realised",
        "effect_declined",
        "effect_new_links",
        "effect_cross_domain",
        "effect_isolates",
        "effect_fragmentation",
    ):
        assert EXPLANATIONS[key] in page.text, key
    assert "Uitleg bij opgepakt</span>" in page.text


def test_the_csv_link_gives_the_same_figures(lezer, period):
    start, end = period
    page = lezer.get(f"/api/v1/effect.csv?from={start}&to={end}&wijk={WIJK}")
    assert page.status_code == 200
    rows = [line.split(";") for line in page.text.lstrip("\ufeff").splitlines()]
    head, daalhof = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2 and "Voorstellen opgepakt" in head
    assert daalhof["Voorstellen opgepakt"] == "3" and daalhof["Gerealiseerd"] == "1"
    assert daalhof["Nieuwe domeinoverstijgende verbindingen"] == "1"


def test_the_default_period_is_the_twelve_months_up_to_the_pages_date(lezer):
    page = lezer.get("/vergelijken?datum=2025-06-30")
    assert page.status_code == 200
    assert 'name="van" type="date" value="2024-07-01"' in page.text
    assert 'name="tot" type="date" value="2025-06-30"' in page.text
    assert "from=2024-07-01&amp;to=2025-06-30" in page.text


def test_the_trend_shows_the_effect_of_its_period_and_the_realised_pairs_per_point(lezer, period):
    start, end = period
    page = lezer.get(f"/vergelijken/trend/{WIJK}?vanaf={start}&tot={end}&stap=week")
    assert page.status_code == 200
    assert "Effect van verbinden in deze periode" in page.text
    figures = EffectTable(page.text).figures
    assert [name.replace("\u00ad", "") for name in figures] == HEADS[2:]
    assert list(figures.values()) == DAALHOF[1:]
    assert f'href="/api/v1/effect.csv?from={start}&amp;to={end}&amp;wijk={WIJK}"' in page.text
    # per point the realised pairs so far: none until day -5, then the one pair
    chart = page.text.split('id="trend-7"', 1)[1].split("</svg>", 1)[0]
    assert "Gerealiseerde voorstellen (opgeteld)" in chart
    values = re.findall(r"<title>[^<:]*: (\d+)</title>", chart)
    assert values == ["0"] * 5 + ["1", "1"]  # weekly from day -40; day -5 and the last
    assert EXPLANATIONS["effect_realised_total"] in page.text
    row = re.search(r'<tr class="effect-row">(.*?)</tr>', page.text, re.S)
    assert row and re.findall(r'<td class="num">([^<]*)</td>', row.group(1)) == ["0", "1", "+1"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("van=2025-13-01&tot=2025-06-30", "van", "Geef de begindatum als JJJJ-MM-DD."),
        ("van=2025-06-30&tot=morgen", "tot", "Geef de einddatum als JJJJ-MM-DD."),
        ("van=2025-06-30&tot=2025-01-01", "tot", "De einddatum ligt vóór de begindatum."),
        ("van=1800-01-01&tot=2025-01-01", "van", "Kies een datum van 1900-01-01"),
    ],
)
def test_a_refused_period_keeps_the_form_and_what_was_typed(lezer, query, field, message):
    page = lezer.get(f"/vergelijken?{query}")
    assert page.status_code == 422
    error = re.search(rf'<p class="field-error" id="fout-{field}">([^<]*)</p>', page.text)
    assert error and error.group(1).startswith(message)
    assert f'id="{field}" name="{field}" type="date"' in page.text
    assert 'aria-invalid="true" aria-describedby="fout-' + field in page.text
    for typed in query.split("&"):
        name, value = typed.split("=")
        assert f'name="{name}" type="date" value="{value}"' in page.text
    assert 'id="effect"' not in page.text and 'id="vergelijk-keuze"' in page.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("datum=3000-01-01", "datum", "Kies een datum van 1900-01-01"),  # tot from datum
        ("van=2999-06-01", "van", "De einddatum ligt vóór de begindatum."),  # tot: today
    ],
)
def test_a_refusal_of_a_day_left_empty_goes_to_the_field_it_came_from(lezer, query, field, message):
    page = lezer.get(f"/vergelijken?{query}")
    assert page.status_code == 422
    errors = re.findall(r'<p class="field-error" id="fout-(\w+)">([^<]*)</p>', page.text)
    assert len(errors) == 1 and errors[0][0] == field and errors[0][1].startswith(message)


def test_the_cohort_filter_applies_to_the_effect_table(lezer, store, period):
    start, end = period
    page = lezer.get(f"/vergelijken?cohort=2&van={start}&tot={end}")
    assert page.status_code == 200
    table = EffectTable(page.text)
    second = sorted((w.name, w.slug) for w in store.list_wijken() if w.cohort == 2)
    assert list(table.rows) == [name for name, _ in second]
    assert all(row[0] == "2" for row in table.rows.values())
    wijken = "".join(f"&amp;wijk={slug}" for _, slug in second)
    assert f'href="/api/v1/effect.csv?from={start}&amp;to={end}{wijken}"' in page.text


def test_a_hostile_wijk_name_is_escaped_in_the_effect_table(lezer, store):
    hostile = '<img src=x onerror="alert(1)">&amp;'
    store.create_wijk(WijkIn(slug="gevaarlijk", name=hostile, gemeente="Heerlen"), by=BY)
    page = lezer.get("/vergelijken")
    assert page.status_code == 200
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;amp;" in page.text
    assert EffectTable(page.text).rows[hostile][:7] == ["—", "0", "0", "0", "0", "0", "0"]
    trend = lezer.get("/vergelijken/trend/gevaarlijk")
    assert trend.status_code == 200 and "<img src=x" not in trend.text
