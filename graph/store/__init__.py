"""Stores of wijknet's graph: one contract (``GraphStore``), two backends.

``open_store(url)`` picks the backend from the URL scheme:

- ``sqlite:///data/wijknet.db`` (relative path) or ``sqlite:////abs/path.db``: embedded,
  standard library only; ``sqlite://:memory:`` for a throw-away store;
- ``neo4j://host:7687`` or ``bolt://host:7687``, with credentials in the URL
  (``bolt://user:password@host:7687``) or given as ``auth``.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from graph.errors import StoreUnavailable
from graph.store.base import GraphStore

__all__ = ["GraphStore", "open_store"]


def open_store(url: str, *, auth: tuple[str, str] | None = None) -> GraphStore:
    """Open the store that ``url`` names (see the module docstring)."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        from graph.store.sqlite import SqliteStore

        path = url[len("sqlite://") :]
        # sqlite:///rel.db -> rel.db; sqlite:////abs.db -> /abs.db
        path = path.removeprefix("/")
        return SqliteStore(path or ":memory:")
    if scheme in {"neo4j", "bolt", "neo4j+s", "bolt+s", "neo4j+ssc", "bolt+ssc"}:
        from graph.store.neo4j import Neo4jStore

        parts = urlsplit(url)
        if parts.username and auth is None:
            auth = (unquote(parts.username), unquote(parts.password or ""))
        netloc = parts.hostname or "localhost"
        if parts.port:
            netloc += f":{parts.port}"
        database = parts.path.strip("/") or None
        return Neo4jStore(f"{parts.scheme}://{netloc}", auth=auth, database=database)
    raise StoreUnavailable(
        f"Unknown database URL {url!r}: use sqlite:///path.db or neo4j://host:7687"
    )
