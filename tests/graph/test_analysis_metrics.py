"""Hand-computed cases for the measures of graph.analysis.measures (and their doctests)."""

from __future__ import annotations

import doctest

import networkx as nx
import pytest

import graph.analysis.measures
import graph.analysis.wording
from graph.analysis import fast
from graph.analysis.measures import (
    BlockCutTree,
    degree_centralization,
    ei_index,
    fragmentation,
    group_ei_index,
    mixing,
)


@pytest.mark.parametrize("module", [graph.analysis.measures, graph.analysis.wording])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def domains(G, mapping):
    nx.set_node_attributes(G, mapping, "domain")
    return G


def test_fragmentation_by_hand():
    assert fragmentation(nx.Graph([(1, 2), (3, 4)])) == pytest.approx(1 - 4 / 12)
    G = nx.path_graph(3)
    G.add_node(9)
    assert fragmentation(G) == pytest.approx(1 - 6 / 12)
    assert fragmentation(nx.complete_graph(5)) == 0.0
    assert fragmentation(nx.empty_graph(4)) == 1.0
    assert fragmentation(nx.empty_graph(1)) is None


def test_degree_centralization_by_hand():
    assert degree_centralization(nx.star_graph(5)) == 1.0
    assert degree_centralization(nx.complete_graph(4)) == 0.0
    # path of 4: degrees 1,2,2,1 -> (1+0+0+1) / (3*2)
    assert degree_centralization(nx.path_graph(4)) == pytest.approx(2 / 6)
    assert degree_centralization(nx.path_graph(2)) is None


def test_ei_index_by_hand():
    G = domains(
        nx.Graph([("A", "B"), ("B", "C"), ("C", "D"), ("A", "C")]),
        {"A": "zorg", "B": "zorg", "C": "sociaal", "D": "sociaal"},
    )
    assert mixing(G) == {("zorg", "zorg"): 1, ("sociaal", "zorg"): 2, ("sociaal", "sociaal"): 1}
    assert ei_index(G) == 0.0  # E = 2, I = 2
    # zorg: I = 1, E = 2; sociaal: I = 1, E = 2
    assert group_ei_index(G) == {"sociaal": pytest.approx(1 / 3), "zorg": pytest.approx(1 / 3)}
    all_inside = domains(nx.Graph([(1, 2)]), {1: "zorg", 2: "zorg"})
    assert ei_index(all_inside) == -1.0
    all_across = domains(nx.Graph([(1, 2)]), {1: "zorg", 2: "wonen"})
    assert ei_index(all_across) == 1.0
    lonely = domains(nx.empty_graph(2), {0: "zorg", 1: "zorg"})
    assert ei_index(lonely) is None and group_ei_index(lonely) == {"zorg": None}


def test_constraint_and_effective_size_by_hand():
    star = nx.star_graph(3)  # centre 0 with three contacts that do not know each other
    assert nx.constraint(star)[0] == pytest.approx(3 * (1 / 3) ** 2)
    assert nx.constraint(star)[1] == pytest.approx(1.0)
    triangle = nx.complete_graph(3)  # p = 1/2, indirect 1/2 * 1/2: 2 * (3/4)^2
    assert nx.constraint(triangle)[0] == pytest.approx(9 / 8)
    for G, node, expected_c, expected_e in ((star, 0, 1 / 3, 3.0), (triangle, 0, 9 / 8, 1.0)):
        ix = fast.index_graph(G)
        assert fast.constraint(ix)[ix.index[node]] == pytest.approx(expected_c)
        assert fast.effective_size(ix)[ix.index[node]] == pytest.approx(expected_e)


def _parts_without(G, v):
    H = G.copy()
    H.remove_node(v)
    comp = nx.node_connected_component(G, v) - {v}
    return sorted((len(c & comp) for c in nx.connected_components(H) if c & comp), reverse=True)


@pytest.mark.parametrize("seed", range(5))
def test_block_cut_tree_parts_and_bridge_sides_match_removal(seed):
    G = nx.Graph(nx.powerlaw_cluster_graph(40, 1, 0.2, seed=seed))
    G.add_edges_from([(100, 101), (101, 102)])  # a second small component
    ix = fast.index_graph(G)
    blocks, cuts = fast.biconnected(ix)
    tree = BlockCutTree(blocks, cuts)
    for c in cuts:
        parts = tree.part_sizes(c)
        assert [s for _, s in parts] == _parts_without(G, ix.nodes[c])
        for block, size in parts:
            members = tree.part_members(c, block)
            assert len(members) == size and c not in members
    for b, block in enumerate(blocks):
        if len(block) == 2:
            u, v = (ix.nodes[i] for i in block)
            H = G.copy()
            H.remove_edge(u, v)
            expected = (
                len(nx.node_connected_component(H, u)),
                len(nx.node_connected_component(H, v)),
            )
            assert tree.bridge_sides(b) == expected


def test_block_cut_tree_of_a_path_by_hand():
    ix = fast.index_graph(nx.path_graph(5))  # 0-1-2-3-4
    tree = BlockCutTree(*fast.biconnected(ix))
    assert sorted(tree.cuts) == [1, 2, 3]
    assert [s for _, s in tree.part_sizes(2)] == [2, 2]
    assert [s for _, s in tree.part_sizes(1)] == [3, 1]
    sides = {tuple(tree.blocks[b]): tree.bridge_sides(b) for b in range(len(tree.blocks))}
    assert sides == {(0, 1): (1, 4), (1, 2): (2, 3), (2, 3): (3, 2), (3, 4): (4, 1)}


def test_every_open_triad_is_brokered_from_both_sides():
    G = domains(nx.Graph([("a", "v"), ("v", "c")]), {"a": "x", "v": "x", "c": "y"})
    roles = graph.analysis.measures.brokerage_roles(G)["v"]
    assert roles == {
        "coordinator": 0,
        "gatekeeper": 1,
        "representative": 1,
        "consultant": 0,
        "liaison": 0,
    }
    closed = domains(nx.complete_graph(["a", "v", "c"]), {"a": "x", "v": "y", "c": "z"})
    assert all(
        sum(r.values()) == 0 for r in graph.analysis.measures.brokerage_roles(closed).values()
    )
    assert list(graph.analysis.measures.BROKERAGE_ROLES) == [
        "coordinator",
        "gatekeeper",
        "representative",
        "consultant",
        "liaison",
    ]
