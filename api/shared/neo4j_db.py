"""The connection to Neo4j of the app's shared state (accounts, sessions, uploads, mappings).

One driver per app process; every call is one managed transaction of a short session
(``read``/``write``, retried on transient errors by the driver), with Cypher from literal
text and values as ``$parameters`` only. The constraints and indexes are created when the
connection opens. Driver errors become ``graph.errors`` as in the graph store (the same
``graph.store.neo4j.connection.Connection``): a constraint violation is a ``Conflict``,
anything that means the server cannot serve is ``StoreUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, LiteralString, ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

from neo4j import ManagedTransaction

from graph.store.neo4j.connection import Connection

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
    # the netwerkuitvraag (api.uitvraag.neo4j)
    "CREATE CONSTRAINT uitvraag_id IF NOT EXISTS FOR (u:Uitvraag) REQUIRE u.id IS UNIQUE",
    "CREATE CONSTRAINT uitnodiging_id IF NOT EXISTS FOR (i:Uitnodiging) REQUIRE i.id IS UNIQUE",
    "CREATE CONSTRAINT uitnodiging_digest IF NOT EXISTS"
    " FOR (i:Uitnodiging) REQUIRE i.digest IS UNIQUE",
    "CREATE CONSTRAINT uitnodiging_actor IF NOT EXISTS"
    " FOR (i:Uitnodiging) REQUIRE (i.round_id, i.actor_id) IS UNIQUE",
    "CREATE CONSTRAINT uitvraag_voorstel_id IF NOT EXISTS"
    " FOR (p:UitvraagVoorstel) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT uitvraag_teller_key IF NOT EXISTS"
    " FOR (c:UitvraagTeller) REQUIRE c.key IS UNIQUE",
    "CREATE INDEX uitvraag_wijk IF NOT EXISTS FOR (u:Uitvraag) ON (u.wijk)",
    "CREATE INDEX uitnodiging_round IF NOT EXISTS FOR (i:Uitnodiging) ON (i.round_id)",
    "CREATE INDEX uitvraag_voorstel_round IF NOT EXISTS FOR (p:UitvraagVoorstel) ON (p.round_id)",
    "CREATE INDEX uitvraag_voorstel_invitation IF NOT EXISTS"
    " FOR (p:UitvraagVoorstel) ON (p.invitation_id)",
    "CREATE INDEX uitvraag_teller_end IF NOT EXISTS FOR (c:UitvraagTeller) ON (c.window_end)",
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
        self._connection = Connection(
            self.uri,
            auth,
            self.database,
            schema=SCHEMA,
            user_agent="wijknet-shared",
            connection_timeout=connection_timeout,
            max_transaction_retry_time=max_transaction_retry_time,
        )
        self.driver = self._connection.driver
        self.translated = self._connection.translated

    def close(self) -> None:
        self._connection.close()

    def read(
        self, work: Callable[Concatenate[ManagedTransaction, P], T], /, *a: P.args, **k: P.kwargs
    ) -> T:
        """``work(tx, …)`` in one read transaction."""
        return self._connection.run(False, work, *a, **k)

    def write(
        self, work: Callable[Concatenate[ManagedTransaction, P], T], /, *a: P.args, **k: P.kwargs
    ) -> T:
        """``work(tx, …)`` in one write transaction (all of it or nothing)."""
        return self._connection.run(True, work, *a, **k)
