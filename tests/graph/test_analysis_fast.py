"""The fast engines (graph.analysis.fast) compute the same numbers as NetworkX."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np
import pytest

from graph.analysis import fast
from graph.analysis.measures import BROKERAGE_ROLES, brokerage_roles, directed_ties
from tests.graph.reference_graphs import GRAPHS, plain

TOL = 1e-9


@pytest.fixture(params=sorted(GRAPHS), scope="module")
def case(request):
    G = GRAPHS[request.param]()
    return G, fast.index_graph(G)


def by_node(ix, values):
    return dict(zip(ix.nodes, np.asarray(values).tolist(), strict=True))


def assert_close(ours, theirs, tol=TOL):
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(ours[key]), key
        else:
            assert ours[key] == pytest.approx(value, abs=tol), key


def test_index_numbers_nodes_in_sorted_order_whatever_the_insertion_order():
    G = nx.Graph([("b", "c"), ("a", "b")])
    ix = fast.index_graph(G)
    assert ix.nodes == ["a", "b", "c"]
    assert ix.src.tolist() == [0, 1] and ix.dst.tolist() == [1, 2]
    assert ix.degree.tolist() == [1, 2, 1]


def test_exact_betweenness_equals_networkx(case):
    G, ix = case
    assert_close(by_node(ix, fast.betweenness(ix)), nx.betweenness_centrality(G))


@pytest.mark.parametrize("k,seed", [(5, 1), (12, 42)])
def test_sampled_betweenness_equals_networkx_with_the_same_seed(case, k, seed):
    G, ix = case
    theirs = nx.betweenness_centrality(G, k=k, seed=seed)
    assert_close(by_node(ix, fast.betweenness(ix, k=k, seed=seed)), theirs)


def test_constraint_and_effective_size_equal_networkx(case):
    G, ix = case
    assert_close(by_node(ix, fast.constraint(ix)), nx.constraint(G))
    assert_close(by_node(ix, fast.effective_size(ix)), nx.effective_size(G))


def test_clustering_equals_networkx(case):
    G, ix = case
    assert_close(by_node(ix, fast.clustering(ix)), nx.clustering(G))


def test_components_equal_networkx_largest_first(case):
    G, ix = case
    labels, sizes = fast.components(ix)
    ours = sorted(sorted(np.flatnonzero(labels == c).tolist()) for c in range(len(sizes)))
    theirs = sorted(sorted(ix.index[v] for v in c) for c in nx.connected_components(G))
    assert ours == theirs
    assert sizes.tolist() == sorted(sizes.tolist(), reverse=True)


def test_average_distance_equals_networkx_in_the_largest_component(case):
    G, ix = case
    labels, _ = fast.components(ix)
    lcc = np.flatnonzero(labels == 0)
    theirs = nx.average_shortest_path_length(G.subgraph(ix.nodes[i] for i in lcc))
    assert fast.average_distance(ix, lcc) == pytest.approx(theirs, abs=TOL)


def test_sampled_average_distance_is_close_and_seeded():
    G = plain(nx.powerlaw_cluster_graph(400, 3, 0.3, seed=1))
    ix = fast.index_graph(G)
    exact = nx.average_shortest_path_length(G)
    members = range(ix.n)
    estimate = fast.average_distance(ix, members, k=100, seed=5)
    assert estimate == fast.average_distance(ix, members, k=100, seed=5)
    assert estimate == pytest.approx(exact, rel=0.05)
    fewer_targets = fast.average_distance(ix, members, k=100, seed=5, targets=120)
    assert fewer_targets != estimate and fewer_targets == pytest.approx(exact, rel=0.05)


def test_adamic_adar_equals_networkx_on_every_unlinked_pair(case):
    G, ix = case
    pairs = list(nx.non_edges(G))[:3000]
    theirs = [p for _, _, p in nx.adamic_adar_index(G, pairs)]
    assert fast.adamic_adar(ix, pairs) == pytest.approx(theirs, abs=TOL)
    rows = np.arange(ix.n)
    block = fast.adamic_adar_rows(ix, rows).toarray()
    for (u, v), p in list(zip(pairs, theirs, strict=True))[:300]:
        assert block[ix.index[u], ix.index[v]] == pytest.approx(p, abs=TOL)


def test_biconnected_blocks_give_networkx_cut_points_and_bridges(case):
    G, ix = case
    blocks, cuts = fast.biconnected(ix)
    assert {ix.nodes[c] for c in cuts} == set(nx.articulation_points(G))
    ours = {frozenset(ix.nodes[i] for i in b) for b in blocks if len(b) == 2}
    assert ours == {frozenset(e) for e in nx.bridges(G)}


def test_networkx_louvain_engine_is_networkx_louvain(case):
    G, ix = case
    labels = fast.communities(ix, seed=3, engine="networkx")
    ours = {frozenset(ix.nodes[i] for i in np.flatnonzero(labels == c)) for c in set(labels)}
    assert ours == {frozenset(c) for c in nx.community.louvain_communities(G, seed=3)}


def test_igraph_louvain_is_seeded_lies_within_components_and_is_as_good(case):
    G, ix = case
    labels = fast.communities(ix, seed=3)
    assert labels.tolist() == fast.communities(ix, seed=3).tolist()
    comp, _ = fast.components(ix)
    for c in set(labels.tolist()):
        assert len(set(comp[labels == c].tolist())) == 1
    if ix.m:
        parts = [{ix.nodes[i] for i in np.flatnonzero(labels == c)} for c in set(labels.tolist())]
        ours = nx.community.modularity(G, parts)
        assert ours == pytest.approx(ix.ig.modularity(labels.tolist()), abs=TOL)
        theirs = nx.community.modularity(G, nx.community.louvain_communities(G, seed=3))
        assert ours >= theirs - 0.03


def test_community_labels_are_ordered_by_size():
    G = nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(5))
    labels = fast.communities(fast.index_graph(G), seed=1)
    assert labels.tolist() == [1, 1, 1, 0, 0, 0, 0, 0]


def _brute_force_brokerage(D: nx.DiGraph, attr: str = "domain") -> dict:
    """Every ordered triple, straight from Gould & Fernandez's definition."""
    g = nx.get_node_attributes(D, attr)
    out = {v: dict.fromkeys(BROKERAGE_ROLES, 0) for v in D}
    for a, v, c in itertools.permutations(D, 3):
        if D.has_edge(a, v) and D.has_edge(v, c) and not D.has_edge(a, c):
            if g[a] == g[v] == g[c]:
                role = "coordinator"
            elif g[a] == g[c]:
                role = "consultant"
            elif g[v] == g[c]:
                role = "gatekeeper"
            elif g[a] == g[v]:
                role = "representative"
            else:
                role = "liaison"
            out[v][role] += 1
    return out


@pytest.mark.parametrize("seed", range(6))
def test_brokerage_engines_equal_the_definition(seed):
    rng = random.Random(seed)
    G = nx.gnp_random_graph(25, 0.18, seed=seed)
    for v in G:
        G.nodes[v]["domain"] = rng.choice(["zorg", "sociaal", "gemeente", "inwoners"])
    for u, v in G.edges():
        if rng.random() < 0.3:  # a referral only, in one direction
            G.edges[u, v].update(kinds=("verwijzing",), referrals=(rng.choice([(u, v), (v, u)]),))
    succ = directed_ties(G)
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    D.add_edges_from((u, v) for u, targets in succ.items() for v in targets)
    expected = _brute_force_brokerage(D)
    assert brokerage_roles(D) == expected
    assert brokerage_roles(G) == _brute_force_brokerage(G.to_directed())
    ix = fast.index_graph(G)
    codes = sorted(set(nx.get_node_attributes(G, "domain").values()))
    group = np.array([codes.index(G.nodes[v]["domain"]) for v in ix.nodes])
    tails = np.array([ix.index[u] for u, v in D.edges()], dtype=np.int64)
    heads = np.array([ix.index[v] for u, v in D.edges()], dtype=np.int64)
    counts = fast.brokerage(ix, (tails, heads), group)
    assert {
        v: dict(zip(BROKERAGE_ROLES, counts[i].tolist(), strict=True))
        for i, v in enumerate(ix.nodes)
    } == expected
