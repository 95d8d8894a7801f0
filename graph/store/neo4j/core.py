"""What every method of the Neo4j store builds on: the connection (driver, one managed
transaction per call, the driver's errors as wijknet's: ``graph.store.neo4j.connection``)
and the reads every part shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from neo4j import ManagedTransaction

from graph.errors import NotFound
from graph.store.neo4j import cypher, tx
from graph.store.neo4j.connection import Connection
from graph.store.snapshots import MAX_CHARS, SnapshotCache

T = TypeVar("T")
P = ParamSpec("P")


class Neo4jCore:
    """The plumbing of ``Neo4jStore`` (see ``graph.store.neo4j``)."""

    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        *,
        connection_timeout: float = 10.0,
        max_transaction_retry_time: float = 10.0,
        snapshot_cache: int = MAX_CHARS,
    ) -> None:
        self.uri = uri
        self._database = database
        # the documents of the last snapshots read (graph.store.snapshots); ``snapshot_cache``
        # is how many characters of JSON they may hold together, 0 to remember none
        self._snapshots = SnapshotCache(snapshot_cache)
        self._connection = Connection(
            uri,
            auth,
            database,
            schema=cypher.SCHEMA,
            user_agent="wijknet",
            connection_timeout=connection_timeout,
            max_transaction_retry_time=max_transaction_retry_time,
        )
        self._driver = self._connection.driver
        self._translated = self._connection.translated
        try:
            self._prepare()
        except BaseException:
            self._connection.close()
            raise

    def _prepare(self) -> None:
        """What to do once the connection is open and the schema made (data migrations)."""

    def _run(
        self,
        write: bool,
        work: Callable[Concatenate[ManagedTransaction, P], T],
        /,
        *args: P.args,
        **params: P.kwargs,
    ) -> T:
        """Run ``work(tx, *args, **params)`` in one managed transaction of a short session."""
        return self._connection.run(write, work, *args, **params)

    def _docs(self, query: cypher.Cypher, **params: Any) -> list[str]:
        return self._run(False, tx.column, query=query, **params)

    def _get(self, entity: str, key: str) -> str:
        found = self._docs(cypher.GET[entity], key=key)
        if not found:
            raise NotFound(f"{tx.WHAT[entity]} {key!r} bestaat niet.")
        return found[0]
