"""What every method of the Neo4j store builds on: the driver, one managed transaction per
call, and the translation of the driver's errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ConstraintError,
    DatabaseError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import Conflict, NotFound, StoreUnavailable
from graph.store.neo4j import cypher, tx
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
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=max_transaction_retry_time,
                warn_notification_severity="OFF",
                user_agent="wijknet",
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"Invalid Neo4j URL {uri!r}: {exc}") from exc
        try:
            with self._translated():
                self._driver.verify_connectivity()
                self._create_schema()
        except BaseException:
            self._driver.close()
            raise

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn the driver's errors into wijknet's, naming the server."""
        try:
            yield
        except ConstraintError as exc:
            raise Conflict(f"De wijziging botst met opgeslagen gegevens ({exc.message}).") from exc
        except AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials: {exc.message}"
            ) from exc
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} cannot be reached: {exc}") from exc
        except ClientError as exc:
            code = exc.code or ""
            if code.endswith("EntityNotFound"):  # deleted by a concurrent write
                raise Conflict("Het record is intussen gewijzigd; probeer het opnieuw.") from exc
            if ".Database." in code or ".Security." in code:
                raise StoreUnavailable(f"Neo4j at {self.uri}: {exc.message}") from exc
            raise
        except (TransientError, DatabaseError) as exc:
            if "MemoryPoolOutOfMemory" in (exc.code or ""):
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} has too little transaction memory for this write "
                    f"({exc.message}); give the server more heap or a higher "
                    "dbms.memory.transaction.total.max, or import in parts"
                ) from exc
            raise StoreUnavailable(f"Neo4j at {self.uri} failed: {exc.message}") from exc
        except DriverError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri}: {exc}") from exc

    def _create_schema(self) -> None:
        for statement in cypher.SCHEMA:
            try:
                self._driver.execute_query(statement, database_=self._database)
            except ClientError as exc:  # another store created it at the same moment
                if "AlreadyExists" not in (exc.code or ""):
                    raise

    def _run(
        self,
        write: bool,
        work: Callable[Concatenate[ManagedTransaction, P], T],
        /,
        *args: P.args,
        **params: P.kwargs,
    ) -> T:
        """Run ``work(tx, *args, **params)`` in one managed transaction of a short session."""
        with (
            self._translated(),
            self._driver.session(
                database=self._database,
                bookmark_manager=self._driver.execute_query_bookmark_manager,
            ) as session,
        ):
            execute = session.execute_write if write else session.execute_read
            return execute(work, *args, **params)

    def _docs(self, query: cypher.Cypher, **params: Any) -> list[str]:
        return self._run(False, tx.column, query=query, **params)

    def _get(self, entity: str, key: str) -> str:
        found = self._docs(cypher.GET[entity], key=key)
        if not found:
            raise NotFound(f"{tx.WHAT[entity]} {key!r} bestaat niet.")
        return found[0]
