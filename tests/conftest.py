"""Shared fixtures of wijknet's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

try:  # pytest puts tests/ on sys.path (no __init__.py); `python -m tests...` the root
    import neo4j_server as harness
except ModuleNotFoundError:
    from tests import neo4j_server as harness

SKIP_NEO4J = os.environ.get("WIJKNET_SKIP_NEO4J", "").strip() == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``neo4j`` run against the real server; only WIJKNET_SKIP_NEO4J=1 skips them."""
    if not SKIP_NEO4J:
        return
    skip = pytest.mark.skip(reason="WIJKNET_SKIP_NEO4J=1: the Neo4j tests were opted out")
    for item in items:
        if item.get_closest_marker("neo4j"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[harness.Neo4jServer]:
    """One Neo4j server for the whole session (or the one WIJKNET_TEST_NEO4J_URL names).

    If it cannot start, every test that needs it errors with the reason and the server's log.
    """
    server = harness.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _neo4j_marker(request: pytest.FixtureRequest) -> None:
    """Tests marked ``neo4j`` get the session's server started for them."""
    if request.node.get_closest_marker("neo4j"):
        request.getfixturevalue("neo4j_server")
