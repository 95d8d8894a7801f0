"""Every measure igraph also computes matches igraph within 1e-9 on reference graphs.

igraph is an independent implementation (C): density, components, betweenness, average
clustering, degree centralization (from igraph's degrees; python-igraph has no
centralization function) and the average distance in the largest component.
"""

from __future__ import annotations

import igraph as ig
import networkx as nx
import pytest

from graph.analysis import analyse
from tests.graph.reference_graphs import GRAPHS

TOL = 1e-9


@pytest.fixture(params=sorted(GRAPHS), scope="module")
def pair(request):
    G = GRAPHS[request.param]()
    nodes = list(G)
    g = ig.Graph(n=len(nodes), edges=[(nodes.index(u), nodes.index(v)) for u, v in G.edges()])
    return nodes, g, analyse(G)


def test_density_and_average_degree(pair):
    nodes, g, result = pair
    assert result.density == pytest.approx(g.density(), abs=TOL)
    assert result.average_degree == pytest.approx(sum(g.degree()) / g.vcount(), abs=TOL)


def test_components_largest_share_and_fragmentation(pair):
    nodes, g, result = pair
    comps = g.connected_components()
    sizes = sorted((len(c) for c in comps), reverse=True)
    n = g.vcount()
    assert result.components == len(comps)
    assert result.largest_component_share == pytest.approx(sizes[0] / n, abs=TOL)
    assert result.isolate_count == sum(1 for d in g.degree() if d == 0)
    assert result.fragmentation == pytest.approx(
        1 - sum(s * (s - 1) for s in sizes) / (n * (n - 1)), abs=TOL
    )


def test_betweenness(pair):
    nodes, g, result = pair
    n = g.vcount()
    raw = g.betweenness(directed=False)
    expected = {str(v): b * 2 / ((n - 1) * (n - 2)) for v, b in zip(nodes, raw, strict=True)}
    for profile in result.profiles:
        assert profile.betweenness == pytest.approx(expected[profile.id], abs=TOL)


def test_average_clustering(pair):
    nodes, g, result = pair
    assert result.average_clustering == pytest.approx(
        g.transitivity_avglocal_undirected(mode="zero"), abs=TOL
    )


def test_degree_centralization(pair):
    nodes, g, result = pair
    n, degrees = g.vcount(), g.degree()
    expected = sum(g.maxdegree() - d for d in degrees) / ((n - 1) * (n - 2))
    assert result.degree_centralization == pytest.approx(expected, abs=TOL)


def test_average_distance_in_the_largest_component(pair):
    nodes, g, result = pair
    largest = g.connected_components().giant()
    assert result.average_distance == pytest.approx(
        largest.average_path_length(directed=False), abs=TOL
    )


def test_networkx_agrees_too(pair):
    nodes, g, result = pair
    G = nx.Graph(g.get_edgelist())
    G.add_nodes_from(range(g.vcount()))
    assert result.density == pytest.approx(nx.density(G), abs=TOL)
    assert result.average_clustering == pytest.approx(nx.average_clustering(G), abs=TOL)
