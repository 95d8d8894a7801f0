"""One driver on one Neo4j server and database, for the graph store and for the app's shared
state (``api.shared``): every call one managed transaction of a short session, Cypher
from literal text with values as ``$parameters``, and the driver's errors as wijknet's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Concatenate, LiteralString, ParamSpec, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction
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

from graph.errors import Conflict, StoreUnavailable

__all__ = ["Connection"]

T = TypeVar("T")
P = ParamSpec("P")


class Connection:
    """A driver that has reached its server and created ``schema`` (constraints and
    indexes, each ``IF NOT EXISTS``); closed again when that fails."""

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str] | None,
        database: str | None,
        *,
        schema: Iterable[LiteralString],
        user_agent: str,
        connection_timeout: float = 10.0,
        max_transaction_retry_time: float = 10.0,
    ) -> None:
        self.uri = uri
        self.database = database
        try:
            self.driver: Driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=max_transaction_retry_time,
                # no server notifications (an empty database warns of every property key
                # it has not seen yet), neither sent nor logged
                notifications_min_severity="OFF",
                warn_notification_severity="OFF",
                user_agent=user_agent,
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"Invalid Neo4j URL {uri!r}: {exc}") from exc
        try:
            with self.translated():
                self.driver.verify_connectivity()
                for statement in schema:
                    try:
                        self.driver.execute_query(statement, database_=database)
                    except ClientError as exc:  # another process created it at the same moment
                        if "AlreadyExists" not in (exc.code or ""):
                            raise
        except BaseException:
            self.driver.close()
            raise

    def close(self) -> None:
        self.driver.close()

    @contextmanager
    def translated(self) -> Iterator[None]:
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

    def run(
        self,
        write: bool,
        work: Callable[Concatenate[ManagedTransaction, P], T],
        /,
        *args: P.args,
        **params: P.kwargs,
    ) -> T:
        """Run ``work(tx, *args, **params)`` in one managed transaction of a short session
        (retried on transient errors by the driver)."""
        with (
            self.translated(),
            self.driver.session(
                database=self.database,
                bookmark_manager=self.driver.execute_query_bookmark_manager,
            ) as session,
        ):
            execute = session.execute_write if write else session.execute_read
            return execute(work, *args, **params)
