"""Connections to the SQLite file.

Connections run in autocommit mode and every public method of the store opens its own
transaction: ``BEGIN IMMEDIATE`` for writes (so a read-then-write cannot race another
writer), ``BEGIN`` for reads (one consistent view, e.g. for ``snapshot``). Connections come
from a small pool, so threads (FastAPI runs sync endpoints in a thread pool) each use their
own connection while WAL lets readers proceed beside the one writer. ``":memory:"`` has a
single connection, handed to one thread at a time.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from graph.errors import StoreUnavailable

log = logging.getLogger("graph.store.sqlite")

BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another writer's lock (read when a connection is made)."""
POOL_SIZE = 8


class Pool:
    """A few connections shared by threads; each connection serves one thread at a time."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], size: int) -> None:
        self._connect = connect
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[sqlite3.Connection]:
        if not self._slots.acquire(timeout=3 * BUSY_TIMEOUT_S if timeout is None else timeout):
            raise StoreUnavailable("The SQLite database is busy; try again in a moment.")
        try:
            with self._lock:
                if self._closed:
                    raise StoreUnavailable("The SQLite store has been closed.")
                con = self._idle.pop() if self._idle else None
            if con is None:
                con = self._connect()
            try:
                yield con
            finally:
                with self._lock:
                    if self._closed:
                        con.close()
                    else:
                        self._idle.append(con)
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for con in idle:
            con.close()


def unavailable(path: str, exc: sqlite3.Error) -> StoreUnavailable:
    """The error a caller sees: what went wrong, never where the file is (that is logged
    here, on the server)."""
    text = str(exc)
    log.warning("The SQLite database %r cannot be used: %s", path, text)
    if "locked" in text or "busy" in text:
        return StoreUnavailable(
            "The SQLite database stayed locked by another writer for "
            f"{BUSY_TIMEOUT_S:g} s; try again in a moment."
        )
    return StoreUnavailable(f"The SQLite database cannot be used: {text}")


def connect(path: str, *, uri: bool, memory: bool) -> sqlite3.Connection:
    """A new connection, set up for the store (``StoreUnavailable`` if it cannot be used)."""
    try:
        con = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False, uri=uri
        )
    except sqlite3.Error as exc:
        raise unavailable(path, exc) from None
    try:
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA secure_delete = ON")  # erased personal data is overwritten
        con.execute("PRAGMA temp_store = MEMORY")
        con.execute("PRAGMA cache_size = -32768")  # 32 MiB per connection
        if not memory:
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
            con.execute("PRAGMA mmap_size = 268435456")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        con.close()
        raise unavailable(path, exc) from None
    return con
