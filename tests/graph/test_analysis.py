"""The analysis of one wijk: the graph it is built on, and what it measures and says."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from graph.analysis import analyse, build_graph, graph_from_records, tie_arcs
from graph.analysis.measures import directed_ties
from graph.model import LinkKind
from tests.graph.wijk_factory import actor, chain_wijk, link, snapshot

REQUIRED_KEYS = {
    "density",
    "components",
    "largest_component_share",
    "isolates",
    "fragmentation",
    "degree_centralization",
    "cross_domain_share",
    "ei_index",
    "brokers",
    "cut_points",
    "communities",
    "kernaanpak_coverage",
}


# -- the graph --------------------------------------------------------------------------


def test_build_graph_makes_one_undirected_tie_per_pair_with_the_strongest_intensity():
    snap = snapshot(
        [actor("a"), actor("b", "sociaal"), actor("c")],
        [
            link("a", "b", "samenwerking", 2, id="l1"),
            link("b", "a", "verwijzing", 4, id="l2"),
            link("a", "c", "verwijzing", 1, id="l3"),
        ],
    )
    G = build_graph(snap)
    assert isinstance(G, nx.Graph) and not G.is_directed() and not G.is_multigraph()
    assert G.number_of_edges() == 2
    ab = G.edges["a", "b"]
    assert ab["intensity"] == 4
    assert ab["kinds"] == ("samenwerking", "verwijzing")
    assert ab["links"] == ("l1", "l2")
    assert ab["referrals"] == (("b", "a"),)
    assert G.edges["c", "a"]["referrals"] == (("a", "c"),)
    assert G.graph["wijk"] == "testwijk" and G.graph["change_counter"] == 1
    assert G.nodes["b"]["domain"] == "sociaal"
    # only the referral-only tie keeps its direction for brokerage
    assert directed_ties(G) == {"a": {"b", "c"}, "b": {"a"}, "c": set()}


def test_werkt_bij_is_a_tie_also_when_only_the_organisation_field_says_so():
    snap = snapshot(
        [actor("org"), actor("pro", organisation="org"), actor("x")],
        [link("pro", "org", "werkt_bij", 3, id="w1")],
    )
    G = build_graph(snap)
    assert G.edges["pro", "org"]["kinds"] == ("werkt_bij",)
    assert G.edges["pro", "org"]["intensity"] == 4
    snap2 = snapshot([actor("org"), actor("pro", organisation="org")], [])
    assert build_graph(snap2).has_edge("pro", "org")
    without = build_graph(snap2, kinds=[LinkKind.SAMENWERKING])
    assert without.number_of_edges() == 0


def test_links_to_actors_outside_the_snapshot_are_left_out():
    G = graph_from_records([actor("a"), actor("b")], [link("a", "b"), link("a", "zz")])
    assert sorted(G.edges()) == [("a", "b")]


def test_tie_arcs_follow_directed_ties():
    from graph.analysis import fast

    G = build_graph(chain_wijk())
    ix = fast.index_graph(G)
    tails, heads = tie_arcs(ix)
    arcs = {(ix.nodes[t], ix.nodes[h]) for t, h in zip(tails.tolist(), heads.tolist(), strict=True)}
    assert arcs == {(u, v) for u, targets in directed_ties(G).items() for v in targets}
    assert ("poh", "wc") in arcs and ("wc", "poh") not in arcs


# -- the measures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain():
    return analyse(build_graph(chain_wijk()))


def test_shape_of_the_hand_made_wijk(chain):
    assert chain.actors == 9 and chain.links == 8
    assert chain.actors_by_kind == {"initiatief": 2, "organisatie": 2, "professional": 5}
    assert chain.actors_by_domain["zorg"] == 3
    assert chain.density == pytest.approx(16 / 72)
    assert chain.average_degree == pytest.approx(16 / 9)
    assert chain.components == 2
    assert chain.largest_component_share == pytest.approx(8 / 9)
    assert [r.id for r in chain.isolates] == ["los"] and chain.isolate_count == 1
    assert chain.fragmentation == pytest.approx(1 - 56 / 72)
    assert chain.degree_centralization == pytest.approx(11 / 56)
    # ha and prak: their two contacts know each other; poh: one of three pairs
    assert chain.average_clustering == pytest.approx((1 + 1 + 1 / 3) / 9)


def test_crossing_domains_by_hand(chain):
    assert chain.cross_domain_links == 4 and chain.cross_domain_share == 0.5
    assert chain.zorg_sociaal_links == 1 and chain.zorg_sociaal_share == 0.125
    assert chain.ei_index == 0.0
    assert chain.ei_by_domain["zorg"] == -0.5
    assert chain.ei_by_domain["sociaal"] == 0.5
    assert chain.ei_by_domain["gemeente"] == 1.0
    pairs = {(p.a, p.b): p.links for p in chain.domain_pairs}
    assert pairs[("zorg", "zorg")] == 3 and pairs[("sociaal", "zorg")] == 1


def test_cut_points_are_phrased_for_people(chain):
    by_id = {c.id: c for c in chain.cut_points}
    assert set(by_id) == {"poh", "wc", "sw", "gem"}
    wc = by_id["wc"]
    assert wc.parts == 3 and wc.part_sizes == [3, 3, 1]
    assert wc.text.startswith(
        "Als Wil Coach (welzijnscoach) wegvalt, valt dit deel van het "
        "netwerk (8 actoren) uiteen in 3 delen:"
    )
    assert wc.cut_off_count == 4  # two parts of 3: no part is "the rest"
    assert wc.text.endswith("Praktijk Noord en nog 4 anderen raken los van elkaar.")
    assert by_id["gem"].text.endswith("Sem Schuldhulp (schuldhulpverlener) raakt los van de rest.")
    # the biggest loss first
    assert chain.cut_points[0].id == "wc"
    assert chain.cut_point_count == 4


def test_cut_point_text_for_a_connected_network():
    snap = snapshot([actor(x) for x in "abcd"], [link("a", "b"), link("b", "c"), link("b", "d")])
    result = analyse(build_graph(snap))
    assert result.cut_points[0].text == (
        "Als B wegvalt, valt het netwerk uiteen in 3 delen: A, C en D raken los van elkaar."
    )
    assert result.cut_points[0].cut_off_count == 2


def test_bridges_say_who_hangs_on_them(chain):
    texts = {(b.a.id, b.b.id): b.text for b in chain.bridges}
    assert set(texts) == {
        ("poh", "wc"),
        ("club", "wc"),
        ("sw", "wc"),
        ("gem", "sw"),
        ("gem", "shv"),
    }
    assert texts[("club", "wc")] == (
        "Sportclub Vooruit is alleen via Wil Coach (welzijnscoach) met de rest van het "
        "netwerk verbonden."
    )
    assert "een groep van 3 actoren" in texts[("poh", "wc")]
    assert chain.bridge_count == 5


def test_brokers_profiles_and_positions(chain):
    assert chain.brokers[0].id == "wc"
    assert chain.brokers[0].text.startswith("Wil Coach (welzijnscoach) ligt op de kortste weg")
    profiles = {p.id: p for p in chain.profiles}
    assert profiles["los"].position == "geïsoleerd" and profiles["los"].constraint is None
    assert profiles["wc"].position == "snijpunt"
    assert profiles["club"].position == "rand"
    assert profiles["wc"].domains_reached == ["inwoners", "sociaal", "zorg"]
    assert profiles["poh"].organisation is None
    # wc brokers the referral from poh onwards, across domains
    assert profiles["wc"].brokerage.liaison > 0
    assert profiles["ha"].brokerage.coordinator == 0


def test_communities_flag_single_domain_groups_as_silos():
    clique = [actor(f"z{i}", "zorg") for i in range(4)] + [
        actor(f"s{i}", "sociaal") for i in range(4)
    ]
    links = [link(f"z{i}", f"z{j}") for i in range(4) for j in range(i + 1, 4)]
    links += [link(f"s{i}", f"s{j}") for i in range(4) for j in range(i + 1, 4)]
    links.append(link("z0", "s0"))
    result = analyse(build_graph(snapshot(clique, links)))
    assert result.community_count == 2 and result.silo_count == 2
    assert all(c.silo and c.size == 4 for c in result.communities)
    assert "Een silo" in result.communities[0].text
    assert {c.main_domain for c in result.communities} == {"zorg", "sociaal"}


def test_kernaanpak_coverage_of_the_hand_made_wijk(chain):
    cov = {c.kernaanpak: c for c in chain.kernaanpak_coverage}
    assert [c.kernaanpak for c in chain.kernaanpak_coverage] == [
        "doorbraakmethode",
        "welzijn-op-recept",
        "kernteam-ouderen",
        "pluspraktijk",
    ]
    assert (cov["doorbraakmethode"].met, cov["doorbraakmethode"].total) == (2, 3)
    assert cov["doorbraakmethode"].gaps == [
        "Schuldhulp en sociaal werk zijn niet met elkaar verbonden, terwijl armoede en "
        "schulden in veel huishoudens met een doorbraakvraag spelen."
    ]
    assert cov["welzijn-op-recept"].coverage == 1.0
    wor = {r.id: r for r in cov["welzijn-op-recept"].requirements}
    assert wor["wor-huisarts-welzijnscoach"].examples == [
        "Piet POH (POH-GGZ) – Wil Coach (welzijnscoach)"
    ]
    assert [p.id for p in cov["welzijn-op-recept"].participants] == ["ha", "wc"]
    assert cov["kernteam-ouderen"].met == 0 and len(cov["kernteam-ouderen"].gaps) == 3
    assert (cov["pluspraktijk"].met, cov["pluspraktijk"].total) == (2, 3)
    assert chain.kernaanpak_scores["welzijn-op-recept"] == 1.0
    assert chain.kernaanpak_score == pytest.approx((2 / 3 + 1 + 0 + 2 / 3) / 4)


def test_every_required_key_is_there_and_json_has_no_nan(chain):
    data = chain.model_dump(mode="json")
    assert set(data) >= REQUIRED_KEYS
    text = json.dumps(data, allow_nan=False)
    assert "NaN" not in text
    assert chain.metrics().density == chain.density


@pytest.mark.parametrize("actors", [[], [actor("a")], [actor("a"), actor("b")]])
def test_tiny_wijken_give_none_rather_than_errors(actors):
    result = analyse(build_graph(snapshot(actors, [])))
    assert result.actors == len(actors) and result.links == 0
    assert result.ei_index is None and result.cross_domain_share is None
    assert result.average_distance is None and result.degree_centralization is None
    if len(actors) < 2:
        assert result.density is None and result.fragmentation is None
    json.dumps(result.model_dump(mode="json"), allow_nan=False)


def test_large_networks_switch_to_seeded_sampled_betweenness():
    G = nx.Graph(nx.powerlaw_cluster_graph(300, 2, 0.3, seed=4))
    exact = analyse(G)
    sampled = analyse(G, exact_limit=0, samples=60)
    assert exact.method.betweenness == "exact" and sampled.method.betweenness == "sampled"
    assert sampled.method.samples == 60
    theirs = nx.betweenness_centrality(G, k=60, seed=sampled.method.seed)
    for p in sampled.profiles:
        assert p.betweenness == pytest.approx(theirs[int(p.id)], abs=1e-9)
    assert sampled.average_distance == pytest.approx(exact.average_distance, rel=0.05)
    again = analyse(G, exact_limit=0, samples=60)
    assert again.model_dump() == sampled.model_dump()
