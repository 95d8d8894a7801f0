"""visual: the map data (seeded layout, encodings, layers, group view) and chart geometry."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graph.demo import generate_wijk
from graph.model import (
    Actor,
    Domain,
    Link,
    Snapshot,
    Wijk,
    utcnow,
)
from visual.charts import FONT_SIZE, bar_chart, line_chart, text_width, wrap_label
from visual.map import (
    DOMAIN_COLOURS,
    INTENSITY_WIDTH,
    KIND_SHAPES,
    MapSuggestion,
    build_map,
    ego_ids,
    layout,
)

HOSTILE = "<img src=x onerror=alert(1)>"


def _stored(model, data):
    now = utcnow()
    return model.model_validate({**data, "version": 1, "created_at": now, "updated_at": now})


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    data = generate_wijk("proefwijk", 60, seed=7)
    wijk = _stored(Wijk, data.wijken[0].model_dump())
    actors = [_stored(Actor, a.model_dump()) for a in data.actors]
    actors[0] = actors[0].model_copy(
        update={"name": HOSTILE, "contact": {"email": "geheim@voorbeeld.example", "phone": None}}
    )
    links = [_stored(Link, lk.model_dump()) for lk in data.links]
    return Snapshot(wijk=wijk, as_of=date(2026, 1, 1), actors=actors, links=links, change_counter=1)


def test_the_layout_is_seeded_and_isolates_sit_below():
    nodes = [f"n{i}" for i in range(40)]
    edges = [(f"n{i}", f"n{i + 1}") for i in range(30)]
    first, second = layout(nodes, edges), layout(nodes, edges)
    assert first == second
    lowest_linked = max(first[f"n{i}"][1] for i in range(31))
    assert all(first[f"n{i}"][1] > lowest_linked for i in range(31, 40))
    assert len(set(first.values())) == len(nodes)


def test_the_map_encodes_domain_kind_intensity_and_keeps_names_as_plain_text(snapshot):
    data = build_map(
        snapshot,
        measures={"degree": {snapshot.actors[0].id: 3.0}},
        measure_labels={"degree": "Aantal verbindingen"},
    )
    assert data["mode"] == "actors"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert len(nodes) == len(snapshot.actors)
    for actor in snapshot.actors:
        node = nodes[actor.id]
        assert node["color"]["background"] == DOMAIN_COLOURS[actor.domain]
        assert node["shape"] == KIND_SHAPES[actor.kind]
        assert "x" in node and "y" in node
    assert nodes[snapshot.actors[0].id]["label"] == HOSTILE  # the script makes it text
    assert nodes[snapshot.actors[0].id]["m"] == [3.0]
    assert "title" not in nodes[snapshot.actors[0].id]
    text = json.dumps(data)
    assert "geheim@voorbeeld.example" not in text and "contact" not in text
    by_id = {lk.id: lk for lk in snapshot.links}
    for edge in data["edges"]:
        link = by_id[edge["id"]]
        if link.kind.value == "samenwerking":
            assert edge["width"] == INTENSITY_WIDTH[link.intensity]
        assert ("arrows" in edge) == (link.kind.value == "verwijzing")
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["edges"]["smooth"]["enabled"] is False
    assert {d["value"] for d in data["legend"]["domains"]} == {
        d.value for d in DOMAIN_COLOURS if d is not Domain.ONBEKEND
    }


def test_the_legend_shows_onbekend_only_when_an_actor_has_no_domain_yet(snapshot):
    unknown = snapshot.actors[1].model_copy(update={"domain": Domain.ONBEKEND})
    actors = [snapshot.actors[0], unknown, *snapshot.actors[2:]]
    data = build_map(snapshot.model_copy(update={"actors": actors}))
    legend = {d["value"]: d for d in data["legend"]["domains"]}
    assert legend["onbekend"] == {
        "value": "onbekend",
        "label": "Onbekend (nog aanvullen)",
        "colour": DOMAIN_COLOURS[Domain.ONBEKEND],
    }
    node = next(n for n in data["nodes"] if n["id"] == unknown.id)
    assert node["color"]["background"] == DOMAIN_COLOURS[Domain.ONBEKEND]


def test_suggestions_are_a_dashed_layer(snapshot):
    a, b = snapshot.actors[1].id, snapshot.actors[2].id
    data = build_map(
        snapshot,
        suggestions=[
            MapSuggestion(a, b, 7.5, "Zorg ontmoet sociaal"),
            MapSuggestion(a, "elders", 1.0),
        ],
    )
    assert len(data["suggestions"]) == 1
    edge = data["suggestions"][0]
    assert edge["dashes"] and edge["suggestion"] and edge["reason"] == "Zorg ontmoet sociaal"


def test_the_focus_view_keeps_one_or_two_steps(snapshot):
    centre = max(
        snapshot.actors, key=lambda a: sum(a.id in (lk.source, lk.target) for lk in snapshot.links)
    ).id
    one, two = ego_ids(snapshot.links, centre, 1), ego_ids(snapshot.links, centre, 2)
    assert centre in one and one < two
    data = build_map(snapshot, focus=centre, steps=1)
    assert {n["id"] for n in data["nodes"]} == one
    assert all(e["from"] in one and e["to"] in one for e in data["edges"])


def test_large_wijken_switch_to_groups(snapshot):
    groups = {a.id: i % 4 for i, a in enumerate(snapshot.actors)}
    data = build_map(snapshot, groups=groups, max_actors=20)
    assert data["mode"] == "groups" and data["actors"] == len(snapshot.actors)
    assert len(data["nodes"]) == 4
    assert sum(n["members"] for n in data["nodes"]) == len(snapshot.actors)
    assert all(n["kind"] == "groep" for n in data["nodes"])
    by_domain = build_map(snapshot, max_actors=20)
    assert {n["domain"] for n in by_domain["nodes"]} == {a.domain.value for a in snapshot.actors}


def test_bar_and_line_charts_place_their_marks():
    chart = bar_chart(
        "Fragmentatie", [("A", 0.1), ("B", None), ("C", 0.4)], fmt=lambda v: f"{v:.0%}", mean=0.25
    )
    assert [b.label for b in chart.bars] == ["A", "B", "C"]
    assert chart.bars[1].width == 0 and chart.bars[1].value == "—"
    assert chart.bars[2].width > chart.bars[0].width
    assert chart.bars[0].x < chart.mean < chart.bars[2].x + chart.bars[2].width
    line = line_chart(
        "Actoren",
        [(date(2025, 1, 1), 10), (date(2025, 6, 1), None), (date(2026, 1, 1), 20)],
        fmt=str,
    )
    assert len(line.points) == 2 and line.path.startswith("M")
    assert line.points[0].x < line.points[1].x and line.points[0].y > line.points[1].y


def _overlap_free(ticks, width: float) -> bool:
    edges = [t.extent() for t in ticks]
    inside = all(a >= 0 and b <= width for a, b in edges)
    return inside and all(a[1] + 8 <= b[0] for a, b in zip(edges, edges[1:], strict=False))


@pytest.mark.parametrize(
    ("period", "first", "days"),
    [
        ("jaar", "2018", [date(2018 + i, 1, 1) for i in range(9)] + [date(2026, 11, 29)]),
        ("kwartaal", "K1 2018", [date(2018 + i // 4, 1 + 3 * (i % 4), 1) for i in range(36)]),
        ("maand", "jan 2018", [date(2018 + i // 12, 1 + i % 12, 1) for i in range(119)]),
        (
            "week",
            "3 mrt",
            [date.fromordinal(date(2025, 3, 3).toordinal() + 7 * i) for i in range(119)],
        ),
        ("dag", "3 mrt", [date.fromordinal(date(2025, 3, 3).toordinal() + i) for i in range(60)]),
    ],
)
def test_time_axis_labels_follow_the_period_and_never_overlap(period, first, days):
    for width in (380, 560):
        chart = line_chart(
            "Actoren",
            [(d, float(i)) for i, d in enumerate(days)],
            fmt=str,
            period=period,
            width=width,
        )
        texts = [t.text for t in chart.x_ticks]
        assert texts[0] == first and len(texts) >= 2
        assert len(set(texts)) == len(texts)  # "2026" once, not twice
        assert _overlap_free(chart.x_ticks, width), [
            (t.pos, t.anchor, t.text) for t in chart.x_ticks
        ]


def test_text_width_is_estimated_from_the_font_size():
    assert text_width("2018") == pytest.approx(0.6 * FONT_SIZE * 4)
    assert text_width("K1 2018", 10) == pytest.approx(42)


def test_bar_labels_keep_the_longest_demo_name_whole_in_a_wide_enough_column():
    from graph.demo.profiles import PILOT_WIJKEN

    names = [p.name for p in PILOT_WIJKEN]
    longest = max(names, key=len)
    assert longest == "Bleijerheide-Centrum-Nulland"
    chart = bar_chart(
        "Fragmentatie", [(n, 0.1 * i) for i, n in enumerate(names)], fmt=lambda v: f"{v:.0%}"
    )
    for bar in chart.bars:
        assert "".join(bar.lines) == bar.label  # wrapped at hyphens, nothing cut off
        assert all(text_width(line) + 8 <= chart.left for line in bar.lines)
    assert next(b for b in chart.bars if b.label == longest).lines == (
        "Bleijerheide-",
        "Centrum-Nulland",
    )
    rows = [b.y for b in chart.bars]
    assert all(b.y + b.height <= c for b, c in zip(chart.bars, rows[1:], strict=False))
    # a phone shows the chart about 340 pixels wide: its 13-unit text stays at 11 pixels or more
    assert FONT_SIZE * 340 / chart.width >= 11
    assert _overlap_free(chart.ticks, chart.width)
    values = [b.x + b.width + 4 + text_width(b.value) for b in chart.bars]
    assert max(values) <= chart.width


def test_a_name_without_hyphens_wraps_at_spaces_and_a_long_word_stays_whole():
    assert wrap_label("Stichting Buurtwerk Noord-Oost") == ("Stichting", "Buurtwerk Noord-", "Oost")
    word = "Zuidoostbeemsterpolderdorp"
    assert wrap_label(word) == (word,)
    assert bar_chart("X", [(word, 1.0)], fmt=str).left >= text_width(word) + 8
