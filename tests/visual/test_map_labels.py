"""The map's first view: labels that never collide, a layout that shows the structure.

Measured on the map data the page draws (node x, y, size and the label boxes), as the
issue measured it, over the 12 demo wijken and the reference graphs of the analysis tests.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from api.mapdata import _build
from graph.analysis.cache import AnalysisCache
from graph.demo import load_demo
from graph.store.sqlite import SqliteStore
from tests.graph import wijk_factory as wf
from tests.graph.reference_graphs import GRAPHS
from visual.labels import CHAR_WIDTH, LINE_HEIGHT, Spot, overlaps, place_labels, wrap
from visual.map import VIEW, build_map
from visual.weak import weak_spots


@pytest.fixture(scope="module")
def demo_maps() -> dict[str, dict]:
    store = SqliteStore(":memory:")
    load_demo(store)
    cache = AnalysisCache()
    return {w.slug: _build(store, cache, w.slug, None, None, 1) for w in store.list_wijken()}


def _snapshot(G: nx.Graph):
    def name(n: object) -> str:
        return str(n) if isinstance(n, str) else f"Deelnemer {n}"

    ids = {n: f"a{k:04d}" for k, n in enumerate(G)}
    actors = [wf.actor(ids[n], name=name(n)) for n in G]
    links = [wf.link(ids[a], ids[b], id=f"l{k}") for k, (a, b) in enumerate(G.edges())]
    return wf.snapshot(actors, links)


def _node_box(n: dict) -> tuple[float, float, float, float]:
    s = n["size"]
    return (n["x"] - s, n["y"] - s, n["x"] + s, n["y"] + s)


def assert_first_view_is_readable(data: dict) -> None:
    nodes = data["nodes"]
    shown = [n for n in nodes if n["label_shown"]]
    for n in shown:  # the box is the estimate the rule uses, beside its node
        f, lines = n["font_size"], n["label_lines"]
        x0, y0, x1, y1 = n["label_box"]
        assert x1 - x0 >= CHAR_WIDTH * f * max(map(len, lines)) - 0.2
        assert y1 - y0 >= LINE_HEIGHT * f * len(lines) - 0.2
        assert " ".join(lines) == " ".join(n["label"].split())
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            assert not overlaps(a["label_box"], b["label_box"]), (a["label"], b["label"])
        for other in nodes:
            if other["id"] != a["id"]:
                assert not overlaps(a["label_box"], _node_box(other)), (a["label"], other["label"])
    assert len(shown) >= min(len(nodes), max(20, math.ceil(len(nodes) / 4)))
    isolated = {n["id"] for n in nodes} - {e[k] for e in data["edges"] for k in ("from", "to")}
    assert all(n["label_shown"] for n in nodes if n["id"] in isolated)
    # the labels are readable when the first view fits everything into the reference view
    x0, y0, x1, y1 = data["bounds"]
    scale = min(VIEW["width"] / (x1 - x0), VIEW["height"] / (y1 - y0), 1.0)
    assert VIEW["min_px"] <= nodes[0]["font_size"] * scale <= VIEW["max_px"]


@pytest.mark.parametrize(
    "slug",
    [
        "bleijerheide-centrum-nulland",
        "daalhof",
        "de-baandert",
        "douvenrade",
        "eijsden",
        "elsloo",
        "hoensbroek-noord",
        "lindenheuvel",
        "nuth",
        "obbicht",
        "schaesberg",
        "schinveld",
    ],
)
def test_every_demo_wijk_has_readable_labels_at_the_first_view(demo_maps, slug):
    assert_first_view_is_readable(demo_maps[slug])


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_every_reference_graph_has_readable_labels_at_the_first_view(name):
    assert_first_view_is_readable(build_map(_snapshot(GRAPHS[name]())))


def test_isolated_actors_and_fragments_stand_apart_in_a_labelled_area(demo_maps):
    data = demo_maps["daalhof"]
    area = data["areas"][0]
    assert area["label"] == "Los van het netwerk"
    apart = [n for n in data["nodes"] if n["area"] == "los"]
    assert {n["label"] for n in apart} >= {
        "Buurthuis De Schakel",
        "Lief-en-leed-straat Lijsterbeslaan",
    }
    for n in apart:
        assert area["x0"] <= n["x"] <= area["x1"] and area["y0"] <= n["y"] <= area["y1"]
        assert n["label_shown"]
    for data in demo_maps.values():  # the area (below or beside) holds no actor of the network
        for area in data["areas"]:
            box = (area["x0"], area["y0"], area["x1"], area["y1"])
            for n in data["nodes"]:
                if n["area"] == "netwerk":
                    assert not overlaps(box, _node_box(n)), n["label"]


def test_groups_are_clusters_with_room_between_them(demo_maps):
    for data in demo_maps.values():
        clusters = data["clusters"]
        assert len(clusters) >= 2
        for i, a in enumerate(clusters):
            for b in clusters[i + 1 :]:
                assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) > a["r"] + b["r"]
        where = {}
        for c in clusters:
            for n in data["nodes"]:
                if math.dist((n["x"], n["y"]), (c["x"], c["y"])) <= c["r"]:
                    where.setdefault(n["id"], set()).add(c["group"])
        # every actor of the network lies in at most one group's disc
        assert all(len(groups) == 1 for groups in where.values())


def test_the_label_order_puts_isolates_cut_points_and_brokers_first(demo_maps):
    data = demo_maps["daalhof"]
    ranked = sorted(data["nodes"], key=lambda n: n["label_rank"])
    tiers = [
        0 if n["area"] == "los" else 1 if n["cut_point"] else 2 for n in ranked[: len(ranked) // 2]
    ]
    assert tiers[: tiers.count(0)] == [0] * tiers.count(0)
    assert tiers.count(0) >= 2 and 1 in tiers
    assert all(n["label_shown"] for n in ranked if n["area"] == "los")


def test_weak_spots_match_the_analysis_and_name_what_they_cut_off(demo_maps):
    data = demo_maps["daalhof"]
    spots = data["weak_spots"]
    assert spots["cut_points"] and spots["bridges"]
    for c in spots["cut_points"]:
        assert c["text"].startswith("Als ") and c["name"] in c["text"]
        assert c["cut_off"] and c["id"] not in c["cut_off"]
        node = next(n for n in data["nodes"] if n["id"] == c["id"])
        assert node["cut_point"]
    for b in spots["bridges"]:
        assert b["link"] and b["text"] and b["cut_off"]


def test_weak_spots_agree_with_networkx_on_random_graphs():
    for seed in range(20):
        G = nx.relabel_nodes(nx.gnp_random_graph(50, 0.05, seed=seed), lambda i: f"n{i:02d}")
        cuts, bridges = weak_spots(list(G), list(G.edges()))
        assert set(cuts) == set(nx.articulation_points(G))
        assert set(bridges) == {tuple(sorted(e)) for e in nx.bridges(G)}
        for c, off in cuts.items():
            H = G.subgraph(set(G) - {c})
            part = nx.node_connected_component(G, c) - {c}
            parts = sorted((p for p in nx.connected_components(H) if p <= part), key=len)
            assert len(off) == sum(map(len, parts[:-1]))


def test_the_label_rule_keeps_the_first_and_moves_or_drops_the_rest():
    crowd = [Spot(f"n{i}", 0.0, i * 5.0, 2.0, f"Actor nummer {i}") for i in range(20)]
    placed = place_labels(crowd, 12.0)
    assert "n0" in placed and len(placed) < len(crowd)
    boxes = [p.box for p in placed.values()]
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert wrap("Lief-en-leed-straat Lijsterbeslaan") == ["Lief-en-leed-straat", "Lijsterbeslaan"]
    assert wrap("Kort") == ["Kort"]


def test_a_large_wijk_keeps_its_first_view_quick_and_readable():
    from graph.demo import generate_wijk

    data = generate_wijk("groot", 2000, seed=5)
    snapshot = wf.snapshot(
        [wf.actor(a.id, a.domain.value, name=a.name) for a in data.actors],
        [wf.link(lk.source, lk.target, id=lk.id) for lk in data.links],
    )
    built = build_map(snapshot)
    assert built["mode"] == "actors"
    shown = [n for n in built["nodes"] if n["label_shown"]]
    assert len(shown) >= 20
