"""Helpers of the tests of the shared state on Neo4j: wiping the database, and app
instances served by uvicorn on free ports (each in a thread of its own).

The tests that use them need the session's Neo4j server (``neo4j_server`` in
``tests/conftest.py``): mark them ``neo4j``.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI
from neo4j import Driver

WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS"


def wipe(driver: Driver) -> None:
    """Delete every node (the constraints stay)."""
    with driver.session() as session:  # an implicit transaction, for IN TRANSACTIONS
        session.run(WIPE).consume()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServedApp:
    """One app instance served by uvicorn on 127.0.0.1 in a thread (its lifespan runs)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = _free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start on {self.url}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)
