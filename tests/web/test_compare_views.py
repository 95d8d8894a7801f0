"""Vergelijken and the trend page: refused input comes back in the form, axis labels per
period, no negative zero, the chosen columns, the cohort, and long names kept whole."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from api.web.compare import DEFAULT_COLUMNS, change
from api.web.render import number, percent
from graph.analysis.results import METRIC_LABELS

LONGEST = "Bleijerheide-Centrum-Nulland"
NEGATIVE_ZERO = re.compile(r"(?<![\w-])[-−]0+(?:[,.]0+)?(?![\d,.])")


class Page(HTMLParser):
    """What a test reads from a page: the text, the table's columns and rows, the charts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.heads: list[str] = []
        self.rows: list[list[str]] = []
        self.svg_texts: list[list[str]] = []  # per chart, the text of each <text>
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._svg_text: list[str] | None = None
        self.feed(html)

    def _inside(self, tag: str, **attrs: str) -> bool:
        return any(
            t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in self._stack
        )

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"input", "br", "meta", "link", "img"}:
            return
        self._stack.append((tag, attributes))
        if tag in {"th", "td"} and self._inside("table", id="vergelijking"):
            self._cell = []
        if tag == "tr" and self._inside("tbody") and self._inside("table", id="vergelijking"):
            self.rows.append([])
        if tag == "svg":
            self.svg_texts.append([])
        if tag == "text" and self._inside("svg"):
            self._svg_text = []

    def handle_endtag(self, tag):
        if tag in {"th", "td"} and self._cell is not None:
            cell = " ".join("".join(self._cell).split())
            if self._inside("thead"):
                self.heads.append(cell)
            elif self._inside("tbody"):
                self.rows[-1].append(cell)
            self._cell = None
        if tag == "text" and self._svg_text is not None:
            self.svg_texts[-1].append("".join(self._svg_text))
            self._svg_text = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._inside("title") or self._inside("script") or self._inside("style"):
            return
        self.text.append(data)
        if self._cell is not None and not self._inside("span", **{"class": "sr-only"}):
            self._cell.append(data)
        if self._svg_text is not None:
            self._svg_text.append(data)


@pytest.fixture
def lezer(browse):
    return browse("lees")


# -- refused input: the form again, the message beside the field, what was typed kept ----


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="fout-{field}">([^<]*)</p>', html)
    assert match, f"no message beside {field}"
    return match.group(1)


def test_too_many_points_keeps_the_form_with_the_message_beside_the_step(lezer):
    page = lezer.get("/vergelijken/trend/daalhof?vanaf=1990-01-01&tot=2025-01-01&stap=week")
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "Te veel meetmomenten" in field_error(page.text, "stap")
    assert 'name="vanaf" type="date" value="1990-01-01"' in page.text
    assert 'name="tot" type="date" value="2025-01-01"' in page.text
    assert '<option value="week" selected>' in page.text
    assert 'id="stap" name="stap" aria-invalid="true" aria-describedby="fout-stap"' in page.text
    assert 'role="alert"' in page.text and 'class="charts"' not in page.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("stap=dag", "stap", "Kies een meetmoment uit de lijst"),
        ("stap=" + "x" * 50, "stap", "Kies een meetmoment uit de lijst"),
        ("vanaf=" + "2025-01-01" * 8, "vanaf", "Geef de begindatum als JJJJ-MM-DD."),
        ("tot=morgen", "tot", "Geef de einddatum als JJJJ-MM-DD."),
    ],
)
def test_every_refused_trend_input_keeps_the_form(lezer, query, field, message):
    page = lezer.get(f"/vergelijken/trend/daalhof?{query}")
    assert page.status_code == 422
    assert message in field_error(page.text, field)
    assert '<form method="get" action="/vergelijken/trend/daalhof"' in page.text
    if field != "stap":
        typed = query.split("=", 1)[1]
        assert f'name="{field}" type="date" value="{typed}"' in page.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("datum=31-12-2025", "datum", "Geef de datum als JJJJ-MM-DD."),
        ("cohort=7", "cohort", "Kies een cohort uit de lijst."),
        ("keuze=kolommen", "kolommen", "Kies ten minste één kolom."),
        ("wijk=bestaat-niet", "trend-wijk", "Kies een wijk uit de lijst."),
    ],
)
def test_every_refused_choice_on_vergelijken_keeps_the_form(lezer, query, field, message):
    page = lezer.get(f"/vergelijken?{query}")
    assert page.status_code == 422
    assert field_error(page.text, field) == message
    assert 'id="vergelijk-keuze"' in page.text and 'id="trend-kies"' in page.text
    assert 'id="vergelijking"' not in page.text
    if field == "datum":
        assert 'name="datum" type="date" value="31-12-2025"' in page.text


def test_the_trend_picker_opens_the_trend(lezer):
    page = lezer.get("/vergelijken?wijk=daalhof", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/vergelijken/trend/daalhof"


# -- axis labels per period ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected", "pattern"),
    [
        ("vanaf=2018-01-01&tot=2025-06-30&stap=jaar", "2018", r"^\d{4}$"),
        ("vanaf=2023-01-01&tot=2025-06-30&stap=kwartaal", "K1 2023", r"^K[1-4] \d{4}$"),
        ("vanaf=2024-01-01&tot=2025-06-30&stap=maand", "jan 2024", r"^[a-z]{3} \d{4}$"),
        ("vanaf=2025-03-03&tot=2025-06-30&stap=week", "3 mrt", r"^\d{1,2} [a-z]{3}$"),
    ],
)
def test_trend_axis_labels_follow_the_period_and_never_overlap(lezer, query, expected, pattern):
    page = lezer.get(f"/vergelijken/trend/daalhof?{query}")
    assert page.status_code == 200
    labels = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(start|middle|end)">([^<]*)</text>',
        page.text.split("<svg", 2)[1].split("</svg>")[0],
    )
    x_labels = [(float(x), anchor, text) for x, anchor, text in labels if re.match(pattern, text)]
    assert x_labels and x_labels[0][2] == expected
    assert "01-20" not in page.text
    edges = []
    for x, anchor, text in x_labels:
        width = 0.6 * 13 * len(text)
        start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        edges.append((start, start + width))
    assert all(a[1] < b[0] for a, b in zip(edges, edges[1:], strict=False)), edges


# -- numbers -------------------------------------------------------------------------------


def test_no_negative_zero_is_ever_printed():
    assert number(-0.001) == "0,00" and number(-0.0) == "0,00" and number(-0.4, 0) == "0"
    assert percent(-0.001) == "0%" and percent(-0.0004, 1) == "0,0%"
    assert number(-0.5) == "-0,50" and percent(-0.25) == "-25%"
    assert change("ei_index", -0.221, -0.224) == "0"
    assert change("fragmentation", 0.3951, 0.3949) == "0"
    assert change("ei_index", -0.22, -0.19) == "+0,03"
    assert change("components", 14, 3) == "−11"


def test_no_page_of_the_demo_prints_a_negative_zero(lezer, store):
    urls = [
        "/",
        "/vergelijken",
        "/vergelijken?keuze=kolommen&" + "&".join(f"kolom={key}" for key in METRIC_LABELS),
    ]
    for wijk in store.list_wijken():
        urls += [
            f"/wijk/{wijk.slug}",
            f"/vergelijken/trend/{wijk.slug}",
            f"/vergelijken/trend/{wijk.slug}?vanaf=2018-01-01&stap=kwartaal",
        ]
    for url in urls:
        page = lezer.get(url)
        assert page.status_code == 200, url
        text = " ".join(Page(page.text).text)
        assert not NEGATIVE_ZERO.findall(text), (url, NEGATIVE_ZERO.findall(text))


# -- columns and cohort ----------------------------------------------------------------------


def test_vergelijken_shows_the_default_columns_and_offers_the_rest(lezer):
    page = lezer.get("/vergelijken")
    assert page.status_code == 200
    html = Page(page.text)
    heads = [h.replace("\u00ad", "").rstrip(" ↕▲▼") for h in html.heads]
    assert heads == [
        "Wijk",
        "Cohort",
        *(METRIC_LABELS[key] for key in DEFAULT_COLUMNS),
        "Trend",
    ]
    for key in METRIC_LABELS:
        checked = " checked" if key in DEFAULT_COLUMNS else ""
        assert f'name="kolom" value="{key}"{checked}>' in page.text
    assert "<summary>Kolommen" in page.text and 'method="get" action="/vergelijken"' in page.text


def test_chosen_columns_come_from_the_address(lezer):
    page = lezer.get("/vergelijken?keuze=kolommen&kolom=modularity&kolom=density&kolom=nope")
    assert page.status_code == 200
    heads = [h.replace("\u00ad", "") for h in Page(page.text).heads]
    assert heads == ["Wijk", "Cohort", "Dichtheid", "Modulariteit", "Trend"]
    assert 'name="kolom" value="density" checked>' in page.text
    assert 'name="kolom" value="actors">' in page.text


def test_the_cohort_is_shown_and_filters_the_table_and_the_charts(lezer, store):
    cohorts = {w.name: w.cohort for w in store.list_wijken()}
    page = Page(lezer.get("/vergelijken").text)
    assert {row[0]: row[1] for row in page.rows} == {
        name: str(c) if c else "—" for name, c in cohorts.items()
    }
    second = lezer.get("/vergelijken?cohort=2")
    assert second.status_code == 200
    assert '<option value="2" selected>Cohort 2</option>' in second.text
    filtered = Page(second.text)
    names = {name for name, c in cohorts.items() if c == 2}
    assert {row[0] for row in filtered.rows} == names and all(r[1] == "2" for r in filtered.rows)
    chart_labels = {t for t in filtered.svg_texts[0] if t and not re.match(r"^[\d,.%]+$|^—$", t)}
    assert chart_labels == names
    assert "Gemiddelde van deze wijken" in second.text


# -- long names ----------------------------------------------------------------------------


def test_long_wijk_names_stay_whole_in_the_charts(lezer):
    page = lezer.get("/vergelijken")
    charts = Page(page.text).svg_texts
    assert len(charts) == 4
    for texts in charts:
        assert LONGEST in texts  # the lines of one label joined: the whole name
        assert not any("…" in t or t == "leijerheide" for t in texts)
    assert f"<title>{LONGEST}: " in page.text
