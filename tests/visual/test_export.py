"""visual.export: the map as a standalone SVG document (title, map, legend, source line)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import pytest

from graph.demo import generate_wijk
from graph.model import Actor, Link, Snapshot, Wijk, utcnow
from visual.export import dutch_date, map_svg, source_line
from visual.map import MapSuggestion, build_map

SVG = "{http://www.w3.org/2000/svg}"
MADE_ON = date(2026, 11, 29)
HOSTILE = "<script>&\"'"
LAYERS = ["groepen", "gebieden", "verbindingen", "voorstellen", "actoren", "namen"]


def _stored(model, data):
    now = utcnow()
    return model.model_validate({**data, "version": 1, "created_at": now, "updated_at": now})


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    """The map data of a generated wijk of 60 actors, with three suggested introductions."""
    generated = generate_wijk("proefwijk", 60, seed=7)
    wijk = _stored(Wijk, generated.wijken[0].model_dump())
    actors = [_stored(Actor, a.model_dump()) for a in generated.actors]
    links = [_stored(Link, lk.model_dump()) for lk in generated.links]
    snapshot = Snapshot(
        wijk=wijk, as_of=date(2026, 1, 1), actors=actors, links=links, change_counter=1
    )
    linked = {(lk.source, lk.target) for lk in links} | {(lk.target, lk.source) for lk in links}
    ids = [a.id for a in actors]
    pairs = [(a, b) for a in ids[:20] for b in ids[20:40] if (a, b) not in linked][:3]
    return build_map(snapshot, suggestions=[MapSuggestion(a, b, 1.0, "reden") for a, b in pairs])


def _svg(data: dict[str, Any], **kwargs: Any) -> ET.Element:
    text = map_svg(
        data, title=kwargs.pop("title", "Proefwijk"), gemeente="Heerlen", made_on=MADE_ON, **kwargs
    )
    return ET.fromstring(text)


def _layer(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@id='{name}']")
    assert found is not None, name
    return found


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _node(id_: str, x: float, y: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "label": extra.pop("label", id_),
        "shape": extra.pop("shape", "dot"),
        "color": {"background": "#0072B2", "border": "#1b1f23"},
        "x": x,
        "y": y,
        "size": 12,
        "kind": "organisatie",
        "domain": "zorg",
        **extra,
    }


def _hand_built(**top: Any) -> dict[str, Any]:
    """A small map in mode "actors" with the label fields, built by hand."""
    nodes = [
        _node(
            "a",
            0,
            0,
            shape="square",
            font_size=14,
            label_shown=True,
            label_lines=["Huisartsenpraktijk", "De Linde"],
            label_box=[-70, 14, 70, 48],
        ),
        _node("b", 200, 0, shape="triangle", font_size=14, label_shown=False, label_lines=["b"]),
        _node(
            "c",
            100,
            150,
            font_size=20,
            label_shown=True,
            label_lines=["Wijkteam"],
            label_box=[60, 164, 140, 188],
        ),
    ]
    return {
        "mode": "actors",
        "wijk": "proef",
        "as_of": "2026-11-29",
        "title": "Proef",
        "nodes": nodes,
        "edges": [
            {"id": "e1", "from": "a", "to": "b", "width": 3.5, "color": {"color": "#8a96a3"}},
            {
                "id": "e2",
                "from": "a",
                "to": "c",
                "width": 1.0,
                "color": {"color": "#c3cad2"},
                "kind": "werkt_bij",
            },
            {
                "id": "e3",
                "from": "b",
                "to": "c",
                "width": 2.0,
                "color": {"color": "#8a96a3"},
                "arrows": "to",
            },
        ],
        "suggestions": [
            {
                "id": "s0",
                "from": "b",
                "to": "c",
                "dashes": [8, 6],
                "width": 2.5,
                "color": {"color": "#B0126B"},
                "suggestion": True,
                "reason": "reden",
                "introducer": None,
            }
        ],
        "legend": {
            "domains": [{"value": "zorg", "label": "Zorg", "colour": "#0072B2"}],
            "kinds": [{"value": "organisatie", "label": "Organisatie", "shape": "square"}],
            "intensities": [{"value": 1, "label": "Kennen elkaar", "width": 1.0}],
            "suggestion": {"label": "Voorgestelde kennismaking", "colour": "#B0126B"},
        },
        "bounds": [-80, -20, 220, 200],
        "clusters": [{"group": 1, "x": 100, "y": 50, "r": 150, "label": "Groep 1", "size": 3}],
        "areas": [],
        **top,
    }


def test_dutch_dates_and_the_source_line():
    assert dutch_date(date(2026, 11, 29)) == "29 november 2026"
    assert dutch_date(date(2025, 3, 1)) == "1 maart 2025"
    assert source_line(date(2026, 1, 1), MADE_ON) == (
        "Bron: wijknet · situatie op 1 januari 2026 · gemaakt op 29 november 2026"
    )


def test_the_document_has_title_date_legend_and_source(data):
    root = _svg(data)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Netwerkkaart Proefwijk"
    texts = _texts(root)
    assert "Proefwijk" in texts
    assert "Heerlen · Situatie op 1 januari 2026" in texts
    assert texts[-1] == source_line(date(2026, 1, 1), MADE_ON)
    assert root.find(f".//{SVG}text[@id='bron']") is not None
    legend = ["".join(t.itertext()) for t in _layer(root, "legenda").iter(f"{SVG}text")]
    for entry in [
        *data["legend"]["domains"],
        *data["legend"]["kinds"],
        *data["legend"]["intensities"],
        data["legend"]["suggestion"],
    ]:
        assert entry["label"] in legend
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width == float(root.get("width")) and height == float(root.get("height"))


def test_one_shape_per_node_and_the_map_keeps_its_coordinates(data):
    root = _svg(data)
    shapes = list(_layer(root, "actoren"))
    assert [s.get("data-id") for s in shapes] == [n["id"] for n in data["nodes"]]
    tags = {n["shape"]: s.tag for n, s in zip(data["nodes"], shapes, strict=True)}
    assert tags.get("dot", f"{SVG}circle") == f"{SVG}circle"
    assert tags.get("square", f"{SVG}rect") == f"{SVG}rect"
    assert tags.get("triangle", f"{SVG}polygon") == f"{SVG}polygon"
    kaart = root.find(f".//{SVG}svg[@id='kaart']")
    x, y, w, h = (float(v) for v in kaart.get("viewBox").split())
    if "bounds" in data:
        x0, y0, x1, y1 = data["bounds"]
        assert x < x0 and y < y0 and x + w > x1 and y + h > y1
    for node in data["nodes"]:
        assert x <= node["x"] <= x + w and y <= node["y"] <= y + h


def test_labels_only_for_the_nodes_that_show_one(data):
    root = _svg(data)
    labels = {t.get("data-id"): t for t in _layer(root, "namen")}
    shown = {n["id"]: n for n in data["nodes"] if n["label_shown"]}
    assert set(labels) == set(shown) and shown
    for id_, node in shown.items():
        lines = [span.text for span in labels[id_]]
        assert lines == node["label_lines"]


def test_label_lines_are_centred_in_their_box(tmp_path):
    root = _svg(_hand_built())
    labels = {t.get("data-id"): t for t in _layer(root, "namen")}
    assert set(labels) == {"a", "c"}
    first, second = list(labels["a"])
    assert [first.text, second.text] == ["Huisartsenpraktijk", "De Linde"]
    assert float(first.get("x")) == 0 and float(second.get("x")) == 0
    assert labels["a"].get("font-size") == "14"
    top = float(first.get("y")) - 0.95 * 14
    assert top == pytest.approx(14)
    assert float(second.get("y")) - float(first.get("y")) == pytest.approx(1.2 * 14)
    assert float(next(iter(labels["c"])).get("x")) == 100
    halo = _layer(root, "namen")
    assert halo.get("stroke") == "#ffffff" and halo.get("paint-order") == "stroke"
    assert halo.get("fill") == "#1b1f23" and halo.get("text-anchor") == "middle"


def test_suggestions_are_drawn_on_top_of_the_links_and_below_the_nodes(data):
    root = _svg(data)
    kaart = root.find(f".//{SVG}svg[@id='kaart']")
    assert [g.get("id") for g in kaart] == LAYERS
    dashed = list(_layer(root, "voorstellen"))
    assert len(dashed) == len(data["suggestions"]) > 0
    assert all(line.get("stroke-dasharray") == "8 6" for line in dashed)
    assert all(line.get("stroke") == "#B0126B" for line in dashed)
    lines = [e for e in _layer(root, "verbindingen") if e.tag == f"{SVG}line"]
    assert len(lines) == len(data["edges"])


def test_link_widths_colours_and_arrows():
    root = _svg(_hand_built())
    links = _layer(root, "verbindingen")
    lines = [e for e in links if e.tag == f"{SVG}line"]
    assert [line.get("stroke-width") for line in lines] == ["3.5", "1", "2"]
    assert lines[1].get("stroke") == "#c3cad2" and lines[1].get("stroke-opacity") == "0.7"
    assert len([e for e in links if e.tag == f"{SVG}polygon"]) == 1  # the referral's arrow
    assert len(list(_layer(root, "groepen"))) == 1


def test_hostile_names_stay_text():
    data = _hand_built()
    data["nodes"][0]["label_lines"] = [HOSTILE, "</text><script>alert(1)</script>"]
    data["legend"]["domains"][0]["label"] = HOSTILE
    data["areas"] = [{"key": "los", "label": HOSTILE, "x0": 0, "y0": 0, "x1": 10, "y1": 10}]
    data["nodes"][2]["area"] = "los"
    text = map_svg(data, title=HOSTILE, gemeente=HOSTILE + "\x00\x07", made_on=MADE_ON)
    assert "<script" not in text and "&lt;script&gt;&amp;" in text
    root = ET.fromstring(text)
    assert root.find(f"{SVG}title").text == f"Netwerkkaart {HOSTILE}"
    texts = _texts(root)
    assert HOSTILE in texts and f"{HOSTILE} · Situatie op 29 november 2026" in texts
    label = _layer(root, "namen").find(f"{SVG}text[@data-id='a']")
    assert [s.text for s in label] == [HOSTILE, "</text><script>alert(1)</script>"]
    assert root.find(f".//{SVG}script") is None
    nodes = [_node('x"><script>', 0, 0, label_shown=False)]
    odd = map_svg({**_hand_built(), "nodes": nodes}, title="t", gemeente="g", made_on=MADE_ON)
    shape = ET.fromstring(odd).find(f".//{SVG}g[@id='actoren']/*")
    assert shape.get("data-id") == 'x"><script>'


def test_visible_draws_only_those_nodes_and_the_lines_between_them(data):
    ids = [n["id"] for n in data["nodes"]]
    keep = set(ids[::2])
    root = _svg(data, visible=keep)
    assert {s.get("data-id") for s in _layer(root, "actoren")} == keep
    assert {t.get("data-id") for t in _layer(root, "namen")} <= keep
    expected = [e for e in data["edges"] if e["from"] in keep and e["to"] in keep]
    lines = [e for e in _layer(root, "verbindingen") if e.tag == f"{SVG}line"]
    assert len(lines) == len(expected)
    dashed = [s for s in data["suggestions"] if s["from"] in keep and s["to"] in keep]
    assert len(list(_layer(root, "voorstellen"))) == len(dashed)
    empty = _svg(data, visible=set())
    assert list(_layer(empty, "actoren")) == [] and list(_layer(empty, "verbindingen")) == []
    # the frame stays the same: a filtered map lines up with the whole one
    whole = _svg(data).find(f".//{SVG}svg[@id='kaart']").get("viewBox")
    assert empty.find(f".//{SVG}svg[@id='kaart']").get("viewBox") == whole


def test_the_areas_and_clusters_follow_the_visible_nodes():
    data = _hand_built(
        areas=[
            {
                "key": "los",
                "label": "Los van het netwerk",
                "x0": 150,
                "y0": 120,
                "x1": 220,
                "y1": 200,
            }
        ]
    )
    data["nodes"][0]["group_no"] = 1
    data["nodes"][2]["area"] = "los"
    root = _svg(data)
    assert "Los van het netwerk" in _texts(root)
    assert len(list(_layer(root, "groepen"))) == 1
    only_a = _svg(data, visible={"a"})
    assert "Los van het netwerk" not in _texts(only_a)
    assert len(list(_layer(only_a, "groepen"))) == 1
    only_c = _svg(data, visible={"c"})
    assert "Los van het netwerk" in _texts(only_c)
    assert list(_layer(only_c, "groepen")) == []


def test_without_a_frame_the_document_holds_map_and_legend():
    root = ET.fromstring(
        map_svg(_hand_built(), title="Proef", gemeente="g", made_on=MADE_ON, frame=False)
    )
    texts = _texts(root)
    assert "Proef" not in texts and not any(t.startswith("Bron:") for t in texts)
    assert root.find(f".//{SVG}g[@id='legenda']") is not None


def test_group_mode_draws_every_label_below_its_node():
    data = {
        "mode": "groups",
        "wijk": "groot",
        "as_of": "2026-11-29",
        "nodes": [
            {
                "id": f"g{i}",
                "label": f"Groep {i} (40)",
                "shape": "dot",
                "color": {"background": "#0072B2", "border": "#1b1f23"},
                "x": i * 300.0,
                "y": 0.0,
                "size": 24.0,
                "font": {"size": 24},
                "kind": "groep",
                "domain": "zorg",
            }
            for i in range(1, 4)
        ],
        "edges": [{"id": "e1-2", "from": "g1", "to": "g2", "width": 3.0, "color": {}}],
        "suggestions": [],
        "legend": {"domains": [], "kinds": [], "intensities": [], "suggestion": {}},
    }
    root = _svg(data)
    labels = list(_layer(root, "namen"))
    assert [t.get("data-id") for t in labels] == ["g1", "g2", "g3"]
    for label, node in zip(labels, data["nodes"], strict=True):
        span = next(iter(label))
        assert span.text == node["label"] and float(span.get("x")) == node["x"]
        assert float(span.get("y")) > node["y"] + node["size"]
        assert label.get("font-size") == "24"
    kaart = root.find(f".//{SVG}svg[@id='kaart']")
    x, _, w, _ = (float(v) for v in kaart.get("viewBox").split())
    assert x < 300 - 24 and x + w > 900 + 24
