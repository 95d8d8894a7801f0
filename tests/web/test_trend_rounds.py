"""The trend page shows the days a finished netwerkuitvraag measured the network as points
of their own, marked in every chart and named below them; an open round is no point yet."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from api.uitvraag.model import Round
from graph.model import utcnow

TODAY = date.today()


def add_round(app, n: int, *, ends_on: date, closed_at: datetime | None = None) -> Round:
    round_ = Round(
        id=f"u-{n:012x}",
        wijk="daalhof",
        title=f"Uitvraag {n}",
        ends_on=ends_on,
        created_by="makelaar",
        created_at=utcnow() - timedelta(days=60),
        closed_at=closed_at,
    )
    app.state.rounds.add_round(round_, [])
    return round_


def test_finished_rounds_are_marked_points_of_the_trend(app, browse):
    finished = TODAY - timedelta(days=17)  # not a monthly step of the default period
    add_round(app, 1, ends_on=finished)
    add_round(app, 2, ends_on=TODAY + timedelta(days=10))  # still open: no point
    add_round(app, 3, ends_on=TODAY + timedelta(days=30), closed_at=utcnow() - timedelta(days=40))
    page = browse("lees").get("/vergelijken/trend/daalhof")
    assert page.status_code == 200
    marked = re.findall(r'<circle class="dot measured"[^>]*><title>([^<]*)</title>', page.text)
    charts = page.text.count('<figure class="chart card">')
    assert charts >= 2 and len(marked) == 2 * charts  # two rounds, ringed in every chart
    assert all("(netwerkuitvraag)" in title for title in marked)
    note = re.search(
        r'<p class="muted small measured-note" id="metingen">(.*?)</p>', page.text, re.S
    )
    assert note is not None
    assert "Uitvraag 1" in note.group(1) and "Uitvraag 3" in note.group(1)
    assert "Uitvraag 2" not in note.group(1)


def test_a_round_measures_on_the_day_it_closed():
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    base = {"wijk": "daalhof", "title": "T", "created_by": "m", "created_at": now}
    ended = Round(id="u-000000000001", ends_on=date(2026, 3, 1), **base)
    assert ended.measured_on(now) == date(2026, 3, 1)
    open_ = Round(id="u-000000000002", ends_on=date(2026, 3, 10), **base)
    assert open_.measured_on(now) is None  # open until the end of its last day
    # closed by hand late in the evening, Dutch time: that Dutch day
    late = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # 00:30 on 6 March in Amsterdam
    by_hand = Round(id="u-000000000003", ends_on=date(2026, 3, 20), closed_at=late, **base)
    assert by_hand.measured_on(now) == date(2026, 3, 6)


def test_without_rounds_nothing_is_marked(browse):
    page = browse("lees").get("/vergelijken/trend/daalhof")
    assert page.status_code == 200
    assert "dot measured" not in page.text and 'id="metingen"' not in page.text
