"""The connection to Neo4j of the app's shared state (accounts, sessions, uploads, mappings).

One driver per app process; every call is one managed transaction of a short session
(``read``/``write``, retried on transient errors by the driver), with Cypher from literal
text and values as ``$parameters`` only. The constraints and indexes are created when the
connection opens. Driver errors become ``graph.errors`` here: a constraint violation is a
``Conflict``, anything that means the server cannot serve is ``StoreUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, LiteralString, ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

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

T = TypeVar("T")
P = ParamSpec("P")

NEO4J_SCHEMES = frozenset({"neo4j", "bolt", "neo4j+s", "bolt+s", "neo4j+ssc", "bolt+ssc"})

SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT account_username IF NOT EXISTS FOR (a:Account) REQUIRE a.username IS UNIQUE",
    "CREATE CONSTRAINT api_token_digest IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.digest IS UNIQUE",
    "CREATE CONSTRAINT session_digest IF NOT EXISTS FOR (s:Session) REQUIRE s.digest IS UNIQUE",
    "CREATE CONSTRAINT login_failure_key IF NOT EXISTS"
    " FOR (f:LoginFailure) REQUIRE f.key IS UNIQUE",
    "CREATE CONSTRAINT pending_upload_token IF NOT EXISTS"
    " FOR (p:PendingUpload) REQUIRE p.token IS UNIQUE",
    "CREATE CONSTRAINT import_mapping_name IF NOT EXISTS"
    " FOR (m:ImportMapping) REQUIRE m.name IS UNIQUE",
    "CREATE INDEX api_token_username IF NOT EXISTS FOR (t:ApiToken) ON (t.username)",
    "CREATE INDEX session_username IF NOT EXISTS FOR (s:Session) ON (s.username)",
    "CREATE INDEX session_expires IF NOT EXISTS FOR (s:Session) ON (s.expires)",
    "CREATE INDEX login_failure_last IF NOT EXISTS FOR (f:LoginFailure) ON (f.last_at)",
    "CREATE INDEX pending_upload_owner IF NOT EXISTS FOR (p:PendingUpload) ON (p.owner)",
    "CREATE INDEX pending_upload_expires IF NOT EXISTS FOR (p:PendingUpload) ON (p.expires)",
    "CREATE INDEX pending_chunk_token IF NOT EXISTS FOR (c:PendingChunk) ON (c.token)",
)


def is_neo4j_url(url: str) -> bool:
    return url.split(":", 1)[0].lower() in NEO4J_SCHEMES


class SharedNeo4j:
    """A driver for the shared state, on the server (and database) a store URL names."""

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        connection_timeout: float = 10.0,
        max_transaction_retry_time: float = 10.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.username and auth is None:
            auth = (unquote(parts.username), unquote(parts.password or ""))
        netloc = parts.hostname or "localhost"
        if parts.port:
            netloc += f":{parts.port}"
        self.uri = f"{parts.scheme}://{netloc}"
        self.database = parts.path.strip("/") or None
        try:
            self.driver: Driver = GraphDatabase.driver(
                self.uri,
                auth=auth,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=max_transaction_retry_time,
                warn_notification_severity="OFF",
                user_agent="wijknet-shared",
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"Invalid Neo4j URL {self.uri!r}: {exc}") from exc
        try:
            with self.translated():
                self.driver.verify_connectivity()
                for statement in SCHEMA:
                    try:
                        self.driver.execute_query(statement, database_=self.database)
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
        """The driver's errors as wijknet's, naming the server."""
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
            if ".Database." in code or ".Security." in code:
                raise StoreUnavailable(f"Neo4j at {self.uri}: {exc.message}") from exc
            raise
        except (TransientError, DatabaseError) as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} failed: {exc.message}") from exc
        except DriverError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri}: {exc}") from exc

    def _run(
        self,
        write: bool,
        work: Callable[Concatenate[ManagedTransaction, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        with (
            self.translated(),
            self.driver.session(
                database=self.database,
                bookmark_manager=self.driver.execute_query_bookmark_manager,
            ) as session,
        ):
            execute = session.execute_write if write else session.execute_read
            return execute(work, *args, **kwargs)

    def read(
        self, work: Callable[Concatenate[ManagedTransaction, P], T], /, *a: P.args, **k: P.kwargs
    ) -> T:
        """``work(tx, …)`` in one read transaction."""
        return self._run(False, work, *a, **k)

    def write(
        self, work: Callable[Concatenate[ManagedTransaction, P], T], /, *a: P.args, **k: P.kwargs
    ) -> T:
        """``work(tx, …)`` in one write transaction (all of it or nothing)."""
        return self._run(True, work, *a, **k)
