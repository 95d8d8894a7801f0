"""What every method of the SQLite store builds on: opening the file, one transaction per
call, reading a record with its version check, writing one with its audit entry, and the
change counters."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from graph.errors import Conflict, NotFound, StoreUnavailable
from graph.model import ActorIn, Confirmation, LinkIn, WijkIn, utcnow
from graph.store.common import dumps, validated
from graph.store.snapshots import SnapshotCache
from graph.store.sqlite import pool
from graph.store.sqlite.pool import Pool, connect, log, unavailable
from graph.store.sqlite.records import (
    INSERT,
    INSERT_ACTOR_WIJK,
    REC,
    TABLES,
    UPDATE,
    Rec,
    Record,
    actor_wijk_rows,
    in_chunks,
    json_array,
    key_of,
    row,
    table_of,
)
from graph.store.sqlite.schema import SCHEMA_VERSION, script
from graph.store.sqlite.trusted import JsonValidator

T = TypeVar("T")

AuditRow = tuple[str, str, str, str, str, Iterable[str], str | None, str | None]
"""(at, by, action, entity, entity_id, wijken, before, after): one audit entry to append,
``before``/``after`` as JSON text or None."""


class SqliteCore:
    """The plumbing of ``SqliteStore`` (see ``graph.store.sqlite``)."""

    backend = "sqlite"

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        self.path = str(path)
        self._uri = self.path.startswith("file:")
        self._memory = self.path == ":memory:" or (self._uri and "mode=memory" in self.path)
        if not self._memory and not self._uri:
            parent = Path(self.path).expanduser().absolute().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.error(
                    "Cannot create the directory %r for the SQLite database: %s", str(parent), exc
                )
                raise StoreUnavailable(
                    "Cannot create the directory for the SQLite database: "
                    f"{exc.strerror or type(exc).__name__}"
                ) from None
        self._pool = Pool(self._connect, 1 if self._memory else pool.POOL_SIZE)
        self._snapshots = SnapshotCache()  # the last snapshots read (graph.store.snapshots)
        try:
            with self._pool.connection() as con:
                self._create_schema(con)
        except BaseException:
            self._pool.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path, uri=self._uri, memory=self._memory)

    def _create_schema(self, con: sqlite3.Connection) -> None:
        try:
            found = con.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                log.error("The SQLite database %r has schema version %d", self.path, found)
                raise StoreUnavailable(
                    f"The SQLite database has schema version {found}; this wijknet knows "
                    f"version {SCHEMA_VERSION} at most. Upgrade wijknet."
                )
            if found < SCHEMA_VERSION:
                con.executescript(script(found))
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise unavailable(self.path, exc) from None

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._pool.connection() as con:
            try:
                con.execute(begin)
            except sqlite3.Error as exc:
                raise unavailable(self.path, exc) from None
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    with suppress(sqlite3.Error):
                        con.execute("ROLLBACK")
                if isinstance(exc, sqlite3.IntegrityError):
                    raise Conflict(f"De wijziging botst met opgeslagen gegevens ({exc}).") from None
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.ProgrammingError
                ):
                    raise unavailable(self.path, exc) from None
                raise

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on error."""
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        """One read transaction: every query inside sees the same state of the database."""
        return self._transaction("BEGIN")

    # -- what every write does ---------------------------------------------------------------

    @staticmethod
    def _touch(con: sqlite3.Connection, wijken: Iterable[str]) -> None:
        """Raise the change counter of every wijk in ``wijken``."""
        con.executemany(
            "INSERT INTO wijk_counters (slug, counter) VALUES (?, 1) "
            "ON CONFLICT (slug) DO UPDATE SET counter = counter + 1",
            [(slug,) for slug in sorted(set(wijken))],
        )

    @staticmethod
    def _audit(con: sqlite3.Connection, entries: Sequence[AuditRow]) -> None:
        """Append audit entries (``AuditRow``)."""
        if not entries:
            return
        found = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        first = (found[0] if found else 0) + 1
        rows, per_wijk = [], []
        as_json: dict[frozenset[str], str] = {}  # a batch has few distinct sets of wijken
        for seq, (at, by, action, entity, entity_id, wijken, before, after) in enumerate(
            entries, first
        ):
            slugs = frozenset(wijken)
            text = as_json.get(slugs)
            if text is None:
                text = as_json[slugs] = dumps(sorted(slugs))
            rows.append((seq, at, by, action, entity, entity_id, text, before, after))
            per_wijk += [(slug, seq) for slug in slugs]
        con.executemany(
            'INSERT INTO audit (seq, at, "by", action, entity, entity_id, wijken, before, after)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.executemany("INSERT INTO audit_wijk (wijk, seq) VALUES (?, ?)", per_wijk)

    # -- lookups -----------------------------------------------------------------------------

    @staticmethod
    def _kind_of(con: sqlite3.Connection) -> Callable[[str], str | None]:
        def kind_of(actor_id: str) -> str | None:
            found = con.execute("SELECT kind FROM actors WHERE id = ?", (actor_id,)).fetchone()
            return found[0] if found else None

        return kind_of

    @staticmethod
    def _wijk_known(con: sqlite3.Connection) -> Callable[[str], bool]:
        def known(slug: str) -> bool:
            found = con.execute("SELECT 1 FROM wijken WHERE slug = ?", (slug,)).fetchone()
            return found is not None

        return known

    @staticmethod
    def _wijken_of(con: sqlite3.Connection, actor_ids: Iterable[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for actor_id, slug in in_chunks(
            con, "SELECT actor_id, wijk FROM actor_wijk WHERE actor_id IN ({marks})", set(actor_ids)
        ):
            out.setdefault(actor_id, set()).add(slug)
        return out

    def _link_wijken(self, con: sqlite3.Connection, link: LinkIn) -> set[str]:
        """The wijken of both ends of ``link``."""
        wijken_of = self._wijken_of(con, [link.source, link.target])
        return wijken_of.get(link.source, set()) | wijken_of.get(link.target, set())

    def _wijken_for(self, con: sqlite3.Connection, record: Record) -> set[str]:
        if isinstance(record, WijkIn):
            return {record.slug}
        if isinstance(record, ActorIn):
            return set(record.wijken)
        return self._link_wijken(con, record)

    # -- records -----------------------------------------------------------------------------

    @staticmethod
    def _current(
        con: sqlite3.Connection, table: str, value: str, expected_version: int | None
    ) -> Rec:
        """The stored state of one record, after the existence and version checks."""
        key, _, _, what = TABLES[table]
        found = con.execute(f"SELECT {REC} FROM {table} WHERE {key} = ?", (value,)).fetchone()
        if found is None:
            raise NotFound(f"{what} {value!r} bestaat niet.")
        rec = Rec(*found)
        if expected_version is not None and rec.version != expected_version:
            raise Conflict(
                f"{what} {value!r} is intussen door iemand anders gewijzigd (versie "
                f"{rec.version}, u had versie {expected_version}). Laad opnieuw en probeer "
                "het nog eens.",
                details={"current_version": rec.version},
            )
        return rec

    def _get(self, table: str, value: str) -> str:
        with self._read() as con:
            return self._current(con, table, value, None).doc

    def _list(
        self, adapter: JsonValidator[list[T]], rows_sql: str, params: Sequence[Any] = ()
    ) -> list[T]:
        """Parse the records that ``rows_sql`` selects (whole rows, in its order)."""
        with self._read() as con:
            array: str = con.execute(
                f"SELECT {json_array('r')} FROM ({rows_sql}) r", params
            ).fetchone()[0]
        return adapter.validate_json(array)

    @staticmethod
    def _insert(
        con: sqlite3.Connection, record: Record, now: str, confirmed: str | None = None
    ) -> str:
        """Store a new record (version 1, ``confirmed`` as JSON or None); returns its
        stored JSON."""
        rec = Rec(1, now, now, confirmed, record.model_dump_json())
        con.execute(INSERT[table_of(record)], row(record, rec))
        if isinstance(record, ActorIn):
            con.executemany(INSERT_ACTOR_WIJK, actor_wijk_rows(record))
        return rec.doc

    @staticmethod
    def _update(con: sqlite3.Connection, old: Rec, record: Record, now: str) -> str:
        """Store the next version of a record; returns its stored JSON."""
        rec = Rec(old.version + 1, old.created_at, now, old.confirmed, record.model_dump_json())
        con.execute(UPDATE[table_of(record)], row(record, rec))
        if isinstance(record, ActorIn):
            con.execute("DELETE FROM actor_wijk WHERE actor_id = ?", (record.id,))
            con.executemany(INSERT_ACTOR_WIJK, actor_wijk_rows(record))
        return rec.doc

    def _create(
        self, con: sqlite3.Connection, record: Record, by: str, confirm: bool = False
    ) -> str:
        """Insert a new record and audit it; returns its stored JSON. ``confirm``: stored
        as confirmed by ``by`` at its creation."""
        at = utcnow()
        now = at.isoformat()
        confirmed = (
            validated(Confirmation, {"at": at, "by": by}).model_dump_json() if confirm else None
        )
        doc = self._insert(con, record, now, confirmed)
        wijken = self._wijken_for(con, record)
        self._touch(con, wijken)
        entity = TABLES[table_of(record)][2]
        self._audit(con, [(now, by, "create", entity, key_of(record), wijken, None, doc)])
        return doc

    def _replace(
        self, con: sqlite3.Connection, old: Rec, record: Record, by: str, action: str
    ) -> str:
        """Store the next version of a record and audit it; returns its stored JSON."""
        now = utcnow().isoformat()
        doc = self._update(con, old, record, now)
        wijken = self._wijken_for(con, record)
        if isinstance(record, ActorIn):
            wijken |= set(json.loads(old.input)["wijken"])  # a move touches old and new
        self._touch(con, wijken)
        entity = TABLES[table_of(record)][2]
        self._audit(con, [(now, by, action, entity, key_of(record), wijken, old.doc, doc)])
        return doc
