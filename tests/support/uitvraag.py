"""The round store of the netwerkuitvraag (``api.uitvraag.store``) on either backend.

- ``round_store("sqlite")`` gives a ``SqliteRoundStore`` in an accounts file in memory;
  ``round_store("neo4j", neo4j_server)`` a ``Neo4jRoundStore`` on the session's server, with
  the rounds, invitations, proposals and counters of earlier tests wiped first.
- The fixture ``rounds`` gives one of each: a test that takes it runs on SQLite and on Neo4j
  (ids ``sqlite`` and ``neo4j``, the second marked ``neo4j``). Import it into the test
  module: ``from tests.support.uitvraag import rounds``.
- ``smtp_server()``: a real SMTP server on 127.0.0.1 (``aiosmtpd``) whose ``Collector``
  keeps every message and refuses the addresses it is told to; ``free_port()``.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller

from api.accounts import AccountStore
from api.shared.neo4j_db import SharedNeo4j
from tests.support.neo4j_server import Neo4jServer

if TYPE_CHECKING:
    from api.uitvraag.store import RoundStore

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]
"""The parameters of ``rounds``; ``parametrize("backend", BACKENDS)`` for tests of one's own."""

LABELS = ("Uitvraag", "Uitnodiging", "UitvraagVoorstel", "UitvraagTeller")
"""The node labels of the round store on Neo4j."""

WIPE = (
    "MATCH (n) WHERE n:Uitvraag OR n:Uitnodiging OR n:UitvraagVoorstel OR n:UitvraagTeller"
    " DETACH DELETE n"
)

_SHARED = pytest.StashKey[dict[str, SharedNeo4j]]()


def wipe_rounds(db: SharedNeo4j) -> None:
    """Delete every node of the round store (the constraints stay, and nothing else goes)."""
    db.write(lambda t: t.run(WIPE).consume())


@contextmanager
def round_store(backend: str, neo4j_server: Neo4jServer | None = None) -> Iterator[RoundStore]:
    """An empty round store of ``backend`` (``sqlite`` or ``neo4j``), closed afterwards.

    On Neo4j it opens a connection of its own to ``neo4j_server`` (the ``neo4j_server``
    fixture) and wipes the round store's nodes.
    """
    if backend == "sqlite":
        from api.uitvraag.sqlite import SqliteRoundStore

        accounts = AccountStore(":memory:")
        store: RoundStore = SqliteRoundStore(accounts)
        try:
            yield store
        finally:
            store.close()
            accounts.close()
        return
    if backend != "neo4j":
        raise ValueError(f"unknown backend {backend!r}")
    if neo4j_server is None:
        raise ValueError("the neo4j backend needs the neo4j_server fixture")
    db = SharedNeo4j(neo4j_server.url, auth=neo4j_server.auth)
    try:
        with _neo4j_store(db) as store:
            yield store
    finally:
        db.close()


@contextmanager
def _neo4j_store(db: SharedNeo4j) -> Iterator[RoundStore]:
    from api.uitvraag.neo4j import Neo4jRoundStore

    wipe_rounds(db)
    store = Neo4jRoundStore(db)
    try:
        yield store
    finally:
        store.close()


def _session_db(request: pytest.FixtureRequest, server: Neo4jServer) -> SharedNeo4j:
    """One connection per server for the whole session (closed when the session ends)."""
    config = request.config
    if _SHARED not in config.stash:
        opened: dict[str, SharedNeo4j] = {}
        config.stash[_SHARED] = opened

        def close_all() -> None:
            for db in opened.values():
                db.close()

        config.add_cleanup(close_all)
    shared = config.stash[_SHARED]
    if server.url not in shared:
        shared[server.url] = SharedNeo4j(server.url, auth=server.auth)
    return shared[server.url]


@pytest.fixture(params=BACKENDS)
def rounds(request: pytest.FixtureRequest) -> Iterator[RoundStore]:
    """An empty round store, on SQLite and (a second run) on Neo4j."""
    if request.param == "sqlite":
        with round_store("sqlite") as store:
            yield store
        return
    db = _session_db(request, request.getfixturevalue("neo4j_server"))
    with _neo4j_store(db) as store:
        yield store


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Collector:
    """An SMTP handler that keeps every message and refuses the addresses in ``refuse``."""

    refuse: set[str] = field(default_factory=set)
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    """Every RCPT TO the server was asked for, refused or not."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _: Any):
        self.recipients.append(address)
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> EmailMessage:
        """The one message sent to ``address`` alone."""
        found = [msg for _, rcpt, msg in self.received if rcpt == [address]]
        assert len(found) == 1, (address, [r for _, r, _ in self.received])
        message: EmailMessage = found[0]
        return message


@contextmanager
def smtp_server(handler: Any = None, **options: Any) -> Iterator[tuple[Any, int]]:
    """An SMTP server on 127.0.0.1 with ``handler`` (a new ``Collector`` by default) and
    aiosmtpd's ``options``; the handler and the port."""
    handler = handler if handler is not None else Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
