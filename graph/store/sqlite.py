"""The embedded backend: one SQLite file, standard library ``sqlite3`` only.

Layout
------
A record's row holds indexed columns (what queries filter, join and sort on), what the
store keeps about it (``version``, ``created_at``, ``updated_at``, ``confirmed``) and its
input fields as one JSON document (``input``, in the canonical form pydantic writes, so
"unchanged" in a bulk load is a string comparison). A read has SQLite splice the two into
the JSON of the stored model, a list arriving as one JSON array, and validates that with
one ``validate_json`` call; lists and snapshots use validators that trust what this store
wrote (see ``_trusted``). Links are clustered by source, so a wijk's links are read with
one index range per actor.

- ``wijken``, ``actors``, ``links``: the records; ``links.source``/``target`` and
  ``actors.organisation`` are foreign keys to ``actors``;
- ``actor_wijk``: one row per (wijk, actor) with the actor's dates, for per-wijk and
  dated reads (``snapshot``) through the primary key;
- ``decisions``: verdicts on suggested pairs, keyed by (wijk, a, b);
- ``audit`` (``seq`` autoincrement) and ``audit_wijk`` (which wijken an entry concerns);
- ``wijk_counters``: the change counter per wijk slug; kept when a wijk is deleted, so a
  wijk created again under the same slug never repeats a counter value.

The schema version is ``PRAGMA user_version``.

Connections and transactions
----------------------------
Connections run in autocommit mode and every public method opens its own transaction:
``BEGIN IMMEDIATE`` for writes (so a read-then-write cannot race another writer),
``BEGIN`` for reads (one consistent view, e.g. for ``snapshot``). Connections come from a
small pool, so threads (FastAPI runs sync endpoints in a thread pool) each use their own
connection while WAL lets readers proceed beside the one writer. ``":memory:"`` has a
single connection, handed to one thread at a time.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from graph.errors import (
    Conflict,
    FieldError,
    InvalidData,
    NotFound,
    StoreUnavailable,
    WijknetError,
    field_errors_from_pydantic,
)
from graph.model import (
    Actor,
    ActorIn,
    ActorKind,
    AuditEntry,
    BulkResult,
    Confirmation,
    Decision,
    Health,
    Link,
    LinkIn,
    LinkKind,
    Snapshot,
    Wijk,
    WijkIn,
    new_id,
    utcnow,
)
from graph.store.common import (
    Erasure,
    actor_errors,
    apply_changes,
    dumps,
    gc_paused,
    link_errors,
    merged_decision,
    merged_ids,
    plan_merge,
    same_actor_error,
    validated,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0
POOL_SIZE = 8
_CHUNK = 500  # ids per "IN (...)" query, well below SQLite's limit on parameters
_MAX_ERRORS = 100  # field errors reported for one refused bulk batch

_META = """version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    confirmed  TEXT,
    input      TEXT NOT NULL"""

_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS wijken (
    slug       TEXT PRIMARY KEY,
    {_META}
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wijk_counters (
    slug     TEXT PRIMARY KEY,
    counter  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actors (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    organisation TEXT REFERENCES actors(id) DEFERRABLE INITIALLY DEFERRED,
    since        TEXT,
    until        TEXT,
    {_META}
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS actors_by_name ON actors(name, id);
CREATE INDEX IF NOT EXISTS actors_by_organisation ON actors(organisation)
    WHERE organisation IS NOT NULL;
CREATE TABLE IF NOT EXISTS actor_wijk (
    wijk     TEXT NOT NULL REFERENCES wijken(slug) DEFERRABLE INITIALLY DEFERRED,
    actor_id TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE
                 DEFERRABLE INITIALLY DEFERRED,
    since    TEXT,
    until    TEXT,
    PRIMARY KEY (wijk, actor_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS actor_wijk_by_actor ON actor_wijk(actor_id);
CREATE TABLE IF NOT EXISTS links (
    id       TEXT NOT NULL,
    source   TEXT NOT NULL REFERENCES actors(id) DEFERRABLE INITIALLY DEFERRED,
    target   TEXT NOT NULL REFERENCES actors(id) DEFERRABLE INITIALLY DEFERRED,
    kind     TEXT NOT NULL,
    since    TEXT,
    until    TEXT,
    {_META},
    PRIMARY KEY (source, id)  -- clustered by source: a wijk's links are read per actor
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS links_by_id ON links(id);
CREATE INDEX IF NOT EXISTS links_by_target ON links(target);
CREATE TABLE IF NOT EXISTS decisions (
    wijk     TEXT NOT NULL REFERENCES wijken(slug) ON DELETE CASCADE,
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (wijk, a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    "by"      TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    wijken    TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_entity ON audit(entity_id, seq);
CREATE TABLE IF NOT EXISTS audit_wijk (
    wijk     TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (wijk, seq)
) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA_VERSION};
COMMIT;
"""

_REC = "version, created_at, updated_at, confirmed, input"
"""The columns of ``_Rec``, in its order."""


def _without_python_validators(schema: Any) -> Any:
    """A copy of a pydantic core schema without its before/after validator functions."""
    if isinstance(schema, dict):
        if schema.get("type") in ("function-after", "function-before") and "schema" in schema:
            return _without_python_validators(schema["schema"])
        return {k: _without_python_validators(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_without_python_validators(v) for v in schema]
    return schema


def _trusted(tp: Any) -> Any:
    """A validator of ``tp`` for JSON this store wrote itself.

    Types are checked and the models built as usual (nested models, enums, dates), but the
    models' own Python validators (text clean-up, sorting, cross-field checks) are skipped:
    the record passed them when it was written, and skipping them nearly halves the time to
    build the actors of a 2,000-actor snapshot. Falls back to full validation if the schema
    cannot be stripped."""
    adapter = TypeAdapter(tp)
    try:
        return SchemaValidator(_without_python_validators(adapter.core_schema))
    except Exception:  # noqa: BLE001 - a full validator is always correct, just slower
        return adapter


_ACTORS = _trusted(list[Actor])
_LINKS = _trusted(list[Link])
_WIJKEN = _trusted(list[Wijk])
_DECISIONS = _trusted(list[Decision])

M = TypeVar("M", bound=BaseModel)


# -- small pure helpers ---------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _stored_json(
    input_json: str, version: int, created: str, updated: str, confirmed: str | None
) -> str:
    """The JSON of a stored model: its input fields plus what the store keeps about it."""
    return (
        f'{input_json[:-1]},"version":{version},"created_at":"{created}",'
        f'"updated_at":"{updated}","confirmed":{confirmed or "null"}}}'
    )


class _Rec(NamedTuple):
    """What a record's row holds besides its indexed columns (``_REC``)."""

    version: int
    created_at: str
    updated_at: str
    confirmed: str | None
    input: str

    @property
    def doc(self) -> str:
        """The JSON of the stored model."""
        return _stored_json(
            self.input, self.version, self.created_at, self.updated_at, self.confirmed
        )


def _as_input(model: type[M], data: Any, prefix: str = "") -> M:
    """``data`` as exactly the input model ``model`` (a stored model is cut back to it)."""
    if type(data) is model:
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump(include=set(model.model_fields))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidData(field_errors_from_pydantic(exc, prefix)) from None


def _in_chunks(
    con: sqlite3.Connection, sql: str, ids: Iterable[str], extra: Sequence[Any] = ()
) -> Iterator[tuple]:
    """Run ``sql`` (with ``{marks}`` where the ``?`` list goes) over ``ids`` in chunks."""
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        yield from con.execute(sql.format(marks=marks), (*extra, *part))


# -- connections ----------------------------------------------------------------------------


class _Pool:
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


# -- SQL of the records ---------------------------------------------------------------------

_TABLES = {
    # table: (key column, indexed columns besides the key, entity name, Dutch name)
    "wijken": ("slug", (), "wijk", "De wijk"),
    "actors": ("id", ("kind", "name", "organisation", "since", "until"), "actor", "De actor"),
    "links": ("id", ("source", "target", "kind", "since", "until"), "link", "De verbinding"),
}


def _insert_sql(table: str) -> str:
    key, columns, _, _ = _TABLES[table]
    names = [*columns, *_REC.split(", "), key]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _update_sql(table: str) -> str:
    key, columns, _, _ = _TABLES[table]
    names = [*columns, *_REC.split(", ")]
    return f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} WHERE {key} = ?"


_INSERT = {t: _insert_sql(t) for t in _TABLES}
_UPDATE = {t: _update_sql(t) for t in _TABLES}
_PK_ORDER: dict[str, Callable[[tuple], Any]] = {
    "wijken": lambda row: row[-1],
    "actors": lambda row: row[-1],
    "links": lambda row: (row[0], row[-1]),  # (source, id)
}
_INSERT_ACTOR_WIJK = "INSERT INTO actor_wijk (wijk, actor_id, since, until) VALUES (?, ?, ?, ?)"


_INDEXED: dict[str, Callable[[Any], tuple]] = {
    "wijken": lambda w: (),
    "actors": lambda a: (a.kind.value, a.name, a.organisation, _day(a.since), _day(a.until)),
    "links": lambda lk: (lk.source, lk.target, lk.kind.value, _day(lk.since), _day(lk.until)),
}
"""The indexed columns of a record (``_TABLES``), as stored."""


def _table_of(record: WijkIn | ActorIn | LinkIn) -> str:
    if isinstance(record, ActorIn):
        return "actors"
    return "links" if isinstance(record, LinkIn) else "wijken"


def _key(record: WijkIn | ActorIn | LinkIn) -> str:
    return record.slug if isinstance(record, WijkIn) else record.id


def _row(record: WijkIn | ActorIn | LinkIn, rec: _Rec) -> tuple:
    """Parameters of ``_INSERT``/``_UPDATE`` for ``record`` stored as ``rec``."""
    return (*_INDEXED[_table_of(record)](record), *rec, _key(record))


def _actor_wijk_rows(actor: ActorIn) -> list[tuple]:
    since, until = _day(actor.since), _day(actor.until)
    return [(slug, actor.id, since, until) for slug in actor.wijken]


# -- the store ------------------------------------------------------------------------------


class SqliteStore:
    """``GraphStore`` on one SQLite file (or ``":memory:"``); see the module docstring."""

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
                log.error("Cannot create the directory %r for the SQLite database: %s",
                          str(parent), exc)
                raise StoreUnavailable(
                    "Cannot create the directory for the SQLite database: "
                    f"{exc.strerror or type(exc).__name__}"
                ) from None
        self._pool = _Pool(self._connect, 1 if self._memory else POOL_SIZE)
        try:
            with self._pool.connection() as con:
                self._create_schema(con)
        except BaseException:
            self._pool.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------

    def _unavailable(self, exc: sqlite3.Error) -> StoreUnavailable:
        """The error a caller sees: what went wrong, never where the file is (that is logged
        here, on the server)."""
        text = str(exc)
        log.warning("The SQLite database %r cannot be used: %s", self.path, text)
        if "locked" in text or "busy" in text:
            return StoreUnavailable(
                "The SQLite database stayed locked by another writer for "
                f"{BUSY_TIMEOUT_S:g} s; try again in a moment."
            )
        return StoreUnavailable(f"The SQLite database cannot be used: {text}")

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
                uri=self._uri,
            )
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from None
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA secure_delete = ON")  # erased personal data is overwritten
            con.execute("PRAGMA temp_store = MEMORY")
            con.execute("PRAGMA cache_size = -32768")  # 32 MiB per connection
            if not self._memory:
                con.execute("PRAGMA journal_mode = WAL")
                con.execute("PRAGMA synchronous = NORMAL")
                con.execute("PRAGMA mmap_size = 268435456")
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            con.close()
            raise self._unavailable(exc) from None
        return con

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
                con.executescript(_SCHEMA)  # idempotent; sets user_version when done
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise self._unavailable(exc) from None

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._pool.connection() as con:
            try:
                con.execute(begin)
            except sqlite3.Error as exc:
                raise self._unavailable(exc) from None
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    try:
                        con.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                if isinstance(exc, sqlite3.IntegrityError):
                    raise Conflict(
                        f"De wijziging botst met opgeslagen gegevens ({exc})."
                    ) from None
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.ProgrammingError
                ):
                    raise self._unavailable(exc) from None
                raise

    def _write(self) -> Any:
        """One write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on error."""
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> Any:
        """One read transaction: every query inside sees the same state of the database."""
        return self._transaction("BEGIN")

    @staticmethod
    def _touch(con: sqlite3.Connection, wijken: Iterable[str]) -> None:
        """Raise the change counter of every wijk in ``wijken``."""
        con.executemany(
            "INSERT INTO wijk_counters (slug, counter) VALUES (?, 1) "
            "ON CONFLICT (slug) DO UPDATE SET counter = counter + 1",
            [(slug,) for slug in sorted(set(wijken))],
        )

    @staticmethod
    def _audit(con: sqlite3.Connection, entries: Sequence[tuple]) -> None:
        """Append audit entries ``(at, by, action, entity, entity_id, wijken, before, after)``,
        ``before``/``after`` being JSON text or ``None``."""
        if not entries:
            return
        row = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        first = (row[0] if row else 0) + 1
        rows, per_wijk = [], []
        as_json: dict[frozenset[str], str] = {}  # a batch has few distinct sets of wijken
        for seq, (at, by, action, entity, entity_id, wijken, before, after) in enumerate(
            entries, first
        ):
            wijken = frozenset(wijken)
            text = as_json.get(wijken)
            if text is None:
                text = as_json[wijken] = dumps(sorted(wijken))
            rows.append((seq, at, by, action, entity, entity_id, text, before, after))
            per_wijk += [(slug, seq) for slug in wijken]
        con.executemany(
            'INSERT INTO audit (seq, at, "by", action, entity, entity_id, wijken, before, after)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.executemany("INSERT INTO audit_wijk (wijk, seq) VALUES (?, ?)", per_wijk)

    @staticmethod
    def _kind_of(con: sqlite3.Connection) -> Callable[[str], str | None]:
        def kind_of(actor_id: str) -> str | None:
            row = con.execute("SELECT kind FROM actors WHERE id = ?", (actor_id,)).fetchone()
            return row[0] if row else None

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
        for actor_id, slug in _in_chunks(
            con, "SELECT actor_id, wijk FROM actor_wijk WHERE actor_id IN ({marks})", set(actor_ids)
        ):
            out.setdefault(actor_id, set()).add(slug)
        return out

    def _link_wijken(self, con: sqlite3.Connection, link: LinkIn) -> set[str]:
        """The wijken of both ends of ``link``."""
        wijken_of = self._wijken_of(con, [link.source, link.target])
        return wijken_of.get(link.source, set()) | wijken_of.get(link.target, set())

    @staticmethod
    def _current(
        con: sqlite3.Connection, table: str, value: str, expected_version: int | None
    ) -> _Rec:
        """The stored state of one record, after the existence and version checks."""
        key, _, _, what = _TABLES[table]
        row = con.execute(f"SELECT {_REC} FROM {table} WHERE {key} = ?", (value,)).fetchone()
        if row is None:
            raise NotFound(f"{what} {value!r} bestaat niet.")
        rec = _Rec(*row)
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

    def _list(self, adapter: Any, rows_sql: str, params: Sequence[Any] = ()) -> list:
        """Parse the records that ``rows_sql`` selects (whole rows, in its order)."""
        with self._read() as con:
            array = con.execute(
                f"SELECT {_json_array('r')} FROM ({rows_sql}) r", params
            ).fetchone()[0]
        return adapter.validate_json(array)

    def _create(self, con: sqlite3.Connection, table: str, record: Any, by: str) -> str:
        """Insert a new record and audit it; returns its stored JSON."""
        now = utcnow().isoformat()
        rec = _Rec(1, now, now, None, record.model_dump_json())
        con.execute(_INSERT[table], _row(record, rec))
        wijken = self._wijken_for(con, record)
        self._touch(con, wijken)
        entity = _TABLES[table][2]
        self._audit(con, [(now, by, "create", entity, _key(record), wijken, None, rec.doc)])
        return rec.doc

    def _replace(
        self, con: sqlite3.Connection, table: str, old: _Rec, record: Any, by: str, action: str
    ) -> str:
        """Store the new state of a record (version + 1) and audit it; returns its JSON."""
        now = utcnow().isoformat()
        rec = _Rec(old.version + 1, old.created_at, now, old.confirmed, record.model_dump_json())
        con.execute(_UPDATE[table], _row(record, rec))
        wijken = self._wijken_for(con, record)
        if isinstance(record, ActorIn):
            con.execute("DELETE FROM actor_wijk WHERE actor_id = ?", (record.id,))
            con.executemany(_INSERT_ACTOR_WIJK, _actor_wijk_rows(record))
            wijken |= set(json.loads(old.input)["wijken"])  # a move touches old and new
        self._touch(con, wijken)
        entity = _TABLES[table][2]
        self._audit(con, [(now, by, action, entity, _key(record), wijken, old.doc, rec.doc)])
        return rec.doc

    def _wijken_for(self, con: sqlite3.Connection, record: Any) -> set[str]:
        if isinstance(record, WijkIn):
            return {record.slug}
        if isinstance(record, ActorIn):
            return set(record.wijken)
        return self._link_wijken(con, record)

    # -- lifecycle --------------------------------------------------------------------------

    def health(self) -> Health:
        try:
            with self._pool.connection(timeout=5.0) as con:
                mode = con.execute("PRAGMA journal_mode").fetchone()[0]
                con.execute("SELECT count(*) FROM wijken").fetchone()
            return Health(
                ok=True, backend=self.backend, detail=f"SQLite {sqlite3.sqlite_version}, {mode}"
            )
        except Exception as exc:  # noqa: BLE001 - health reports, never raises
            return Health(ok=False, backend=self.backend, detail=str(exc) or type(exc).__name__)

    def close(self) -> None:
        self._pool.close()

    # -- wijken -----------------------------------------------------------------------------

    def create_wijk(self, data: WijkIn, *, by: str) -> Wijk:
        wijk = _as_input(WijkIn, data)
        with self._write() as con:
            if con.execute("SELECT 1 FROM wijken WHERE slug = ?", (wijk.slug,)).fetchone():
                raise Conflict(f"Er is al een wijk met de korte naam {wijk.slug!r}.")
            doc = self._create(con, "wijken", wijk, by)
        return Wijk.model_validate_json(doc)

    def get_wijk(self, slug: str) -> Wijk:
        return Wijk.model_validate_json(self._get("wijken", slug))

    def list_wijken(self) -> list[Wijk]:
        return self._list(_WIJKEN, "SELECT * FROM wijken ORDER BY slug")

    def update_wijk(
        self, slug: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Wijk:
        with self._write() as con:
            old = self._current(con, "wijken", slug, expected_version)
            wijk = apply_changes(Wijk.model_validate_json(old.doc), changes)
            doc = self._replace(con, "wijken", old, wijk, by, "update")
        return Wijk.model_validate_json(doc)

    def delete_wijk(self, slug: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            old = self._current(con, "wijken", slug, expected_version)
            count = con.execute(
                "SELECT count(*) FROM actor_wijk WHERE wijk = ?", (slug,)
            ).fetchone()[0]
            if count:
                raise Conflict(
                    f"De wijk {slug!r} heeft nog {count} actor(en); haal die eerst uit de wijk.",
                    details={"actors": count},
                )
            con.execute("DELETE FROM wijken WHERE slug = ?", (slug,))
            self._touch(con, [slug])
            self._audit(con, [(now, by, "delete", "wijk", slug, [slug], old.doc, None)])

    # -- actors -----------------------------------------------------------------------------

    def create_actor(self, data: ActorIn, *, by: str) -> Actor:
        actor = _as_input(ActorIn, data)
        if actor.id is None:
            actor = actor.model_copy(update={"id": new_id("a")})
        with self._write() as con:
            if con.execute("SELECT 1 FROM actors WHERE id = ?", (actor.id,)).fetchone():
                raise Conflict(f"Er is al een actor met id {actor.id!r}.")
            errors = actor_errors(actor, self._wijk_known(con), self._kind_of(con))
            if errors:
                raise InvalidData(errors)
            doc = self._create(con, "actors", actor, by)
            con.executemany(_INSERT_ACTOR_WIJK, _actor_wijk_rows(actor))
        return Actor.model_validate_json(doc)

    def get_actor(self, actor_id: str) -> Actor:
        return Actor.model_validate_json(self._get("actors", actor_id))

    def list_actors(self, wijk: str | None = None) -> list[Actor]:
        if wijk is None:
            return self._list(_ACTORS, "SELECT * FROM actors ORDER BY name, id")
        return self._list(
            _ACTORS,
            "SELECT a.* FROM actor_wijk aw JOIN actors a ON a.id = aw.actor_id"
            " WHERE aw.wijk = ? ORDER BY a.name, a.id",
            (wijk,),
        )

    def update_actor(
        self, actor_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Actor:
        with self._write() as con:
            old = self._current(con, "actors", actor_id, expected_version)
            actor = apply_changes(Actor.model_validate_json(old.doc), changes)
            errors = actor_errors(actor, self._wijk_known(con), self._kind_of(con))
            if errors:
                raise InvalidData(errors)
            doc = self._replace(con, "actors", old, actor, by, "update")
        return Actor.model_validate_json(doc)

    def delete_actor(self, actor_id: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            old = self._current(con, "actors", actor_id, expected_version)
            workers = [
                r[0]
                for r in con.execute(
                    "SELECT id FROM actors WHERE organisation = ? ORDER BY id", (actor_id,)
                )
            ]
            if workers:
                raise Conflict(
                    f"Bij {actor_id!r} werken nog {len(workers)} professional(s) "
                    f"({', '.join(workers[:5])}); wijzig of verwijder die eerst.",
                    details={"professionals": workers},
                )
            links = con.execute(
                f"SELECT id, source, target, {_REC} FROM links WHERE source = ?"
                f" UNION SELECT id, source, target, {_REC} FROM links WHERE target = ?"
                " ORDER BY id",
                (actor_id, actor_id),
            ).fetchall()
            ends = {actor_id} | {r[1] for r in links} | {r[2] for r in links}
            wijken_of = self._wijken_of(con, ends)
            entries = []
            touched = set(wijken_of.get(actor_id, set()))
            for link_id, source, target, *rec in links:
                wijken = wijken_of.get(source, set()) | wijken_of.get(target, set())
                touched |= wijken
                entries.append((now, by, "delete", "link", link_id, wijken, _Rec(*rec).doc, None))
            con.executemany("DELETE FROM links WHERE id = ?", [(r[0],) for r in links])
            con.execute("DELETE FROM actors WHERE id = ?", (actor_id,))
            own = wijken_of.get(actor_id, set())
            entries.append((now, by, "delete", "actor", actor_id, own, old.doc, None))
            self._touch(con, touched)
            self._audit(con, entries)

    def merge_actors(
        self,
        keep_id: str,
        drop_id: str,
        *,
        expected_versions: tuple[int, int] | None = None,
        by: str,
    ) -> Actor:
        if keep_id == drop_id:
            raise InvalidData([same_actor_error()])
        keep_version, drop_version = expected_versions or (None, None)
        now = utcnow().isoformat()
        with self._write() as con:
            old_keep = self._current(con, "actors", keep_id, keep_version)
            old_drop = self._current(con, "actors", drop_id, drop_version)
            keep = Actor.model_validate_json(old_keep.doc)
            drop = Actor.model_validate_json(old_drop.doc)
            pair = (keep_id, drop_id)
            links = {
                row[0]: _Rec(*row[1:])
                for row in con.execute(
                    f"SELECT id, {_REC} FROM links WHERE source IN (?, ?)"
                    f" UNION SELECT id, {_REC} FROM links WHERE target IN (?, ?)",
                    pair + pair,
                )
            }
            workers = {
                row[0]: _Rec(*row[1:])
                for row in con.execute(
                    f"SELECT id, {_REC} FROM actors WHERE organisation = ?", (drop_id,)
                )
            }

            def taken(link_id: str) -> bool:
                found = con.execute("SELECT 1 FROM links WHERE id = ?", (link_id,)).fetchone()
                return found is not None

            merge = plan_merge(
                keep,
                drop,
                [Link.model_validate_json(rec.doc) for rec in links.values()],
                [Actor.model_validate_json(rec.doc) for rec in workers.values()],
                taken,
            )
            # the links of drop go first, while its wijken are still its own
            wijken_of = self._wijken_of(
                con, {end for lk in merge.deleted for end in (lk.source, lk.target)}
            )
            entries = []
            for link in merge.deleted:
                wijken = wijken_of.get(link.source, set()) | wijken_of.get(link.target, set())
                entries.append(
                    (now, by, "delete", "link", link.id, wijken, links[link.id].doc, None)
                )
            con.executemany("DELETE FROM links WHERE id = ?", [(lk.id,) for lk in merge.deleted])
            self._touch(con, {w for entry in entries for w in entry[5]})
            self._audit(con, entries)
            kept = self._replace(con, "actors", old_keep, merge.actor, by, "update")
            for new_link in merge.created:
                self._create(con, "links", new_link, by)
            for changed in merge.updated:
                self._replace(con, "links", links[changed.id], changed, by, "update")
            for worker in merge.professionals:
                self._replace(con, "actors", workers[worker.id], worker, by, "update")
            entries = []
            for wijk, a, b, text in con.execute(
                "SELECT wijk, a, b, doc FROM decisions WHERE a = ?"
                " UNION SELECT wijk, a, b, doc FROM decisions WHERE b = ? ORDER BY 1, 2, 3",
                (drop_id, drop_id),
            ).fetchall():
                con.execute(
                    "DELETE FROM decisions WHERE wijk = ? AND a = ? AND b = ?", (wijk, a, b)
                )
                entries.append((now, by, "decide", "decision", f"{a}|{b}", [wijk], text, None))
                moved = merged_decision(Decision.model_validate_json(text), keep_id, drop_id)
                if moved is None or con.execute(
                    "SELECT 1 FROM decisions WHERE wijk = ? AND a = ? AND b = ?",
                    (wijk, moved.a, moved.b),
                ).fetchone():
                    continue
                moved_doc = moved.model_dump_json()
                con.execute(
                    "INSERT INTO decisions (wijk, a, b, doc) VALUES (?, ?, ?, ?)",
                    (wijk, moved.a, moved.b, moved_doc),
                )
                entries.append(
                    (now, by, "decide", "decision", f"{moved.a}|{moved.b}", [wijk], None, moved_doc)
                )
            con.execute("DELETE FROM actors WHERE id = ?", (drop_id,))
            merged = dumps({"merged_into": keep_id})
            entries.append(
                (now, by, "merge", "actor", drop_id, drop.wijken, old_drop.doc, merged)
            )
            self._touch(con, {w for entry in entries for w in entry[5]})
            self._audit(con, entries)
        return Actor.model_validate_json(kept)

    # -- links ------------------------------------------------------------------------------

    def create_link(self, data: LinkIn, *, by: str) -> Link:
        link = _as_input(LinkIn, data)
        if link.id is None:
            link = link.model_copy(update={"id": new_id("l")})
        with self._write() as con:
            if con.execute("SELECT 1 FROM links WHERE id = ?", (link.id,)).fetchone():
                raise Conflict(f"Er is al een verbinding met id {link.id!r}.")
            errors = link_errors(link, self._kind_of(con))
            if errors:
                raise InvalidData(errors)
            doc = self._create(con, "links", link, by)
        return Link.model_validate_json(doc)

    def get_link(self, link_id: str) -> Link:
        return Link.model_validate_json(self._get("links", link_id))

    def list_links(self, wijk: str | None = None) -> list[Link]:
        if wijk is None:
            return self._list(_LINKS, "SELECT * FROM links ORDER BY id")
        return self._list(
            _LINKS,
            "SELECT l.* FROM actor_wijk s"
            " JOIN links l ON l.source = s.actor_id"
            " JOIN actor_wijk t ON t.wijk = s.wijk AND t.actor_id = l.target"
            " WHERE s.wijk = ? ORDER BY l.id",
            (wijk,),
        )

    def update_link(
        self, link_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Link:
        with self._write() as con:
            old = self._current(con, "links", link_id, expected_version)
            link = apply_changes(Link.model_validate_json(old.doc), changes)
            doc = self._replace(con, "links", old, link, by, "update")
        return Link.model_validate_json(doc)

    def delete_link(self, link_id: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            old = self._current(con, "links", link_id, expected_version)
            wijken = self._link_wijken(con, Link.model_validate_json(old.doc))
            con.execute("DELETE FROM links WHERE id = ?", (link_id,))
            self._touch(con, wijken)
            self._audit(con, [(now, by, "delete", "link", link_id, wijken, old.doc, None)])

    # -- reads for analysis -----------------------------------------------------------------

    def snapshot(self, wijk: str, as_of: date | None = None) -> Snapshot:
        day = as_of if as_of is not None else date.today()
        params = {"w": wijk, "d": day.isoformat()}
        with self._read() as con:
            found = con.execute(
                f"SELECT {_cols('w')}, coalesce(c.counter, 0) FROM wijken w"
                " LEFT JOIN wijk_counters c ON c.slug = w.slug WHERE w.slug = :w",
                params,
            ).fetchone()
            if found is None:
                raise NotFound(f"De wijk {wijk!r} bestaat niet.")
            # Each list comes back as one JSON array built by SQLite, which spares a Python
            # object per row; sorting the models afterwards is cheaper than sorting the rows.
            actors = con.execute(
                f"SELECT {_json_array('a')} FROM actor_wijk aw JOIN actors a ON a.id = aw.actor_id"
                f" WHERE aw.wijk = :w AND {_active('aw')}",
                params,
            ).fetchone()[0]
            links = con.execute(
                f"SELECT {_json_array('l')} FROM actor_wijk s"
                " JOIN links l ON l.source = s.actor_id"
                " JOIN actor_wijk t ON t.wijk = s.wijk AND t.actor_id = l.target"
                f" WHERE s.wijk = :w AND {_active('s')} AND {_active('t')} AND {_active('l')}",
                params,
            ).fetchone()[0]
        with gc_paused():
            actor_list = _ACTORS.validate_json(actors)
            link_list = _LINKS.validate_json(links)
        actor_list.sort(key=_by_name)
        link_list.sort(key=_by_id)
        return Snapshot.model_construct(
            wijk=Wijk.model_validate_json(_Rec(*found[:5]).doc),
            as_of=day,
            actors=actor_list,
            links=link_list,
            change_counter=found[5],
        )

    def change_counter(self, wijk: str) -> int:
        with self._read() as con:
            row = con.execute(
                "SELECT coalesce(c.counter, 0) FROM wijken w"
                " LEFT JOIN wijk_counters c ON c.slug = w.slug WHERE w.slug = ?",
                (wijk,),
            ).fetchone()
        if row is None:
            raise NotFound(f"De wijk {wijk!r} bestaat niet.")
        return row[0]

    # -- bulk -------------------------------------------------------------------------------

    def bulk_upsert(
        self,
        *,
        wijken: Sequence[WijkIn] = (),
        actors: Sequence[ActorIn] = (),
        links: Sequence[LinkIn] = (),
        by: str,
    ) -> BulkResult:
        w_in = _inputs(WijkIn, wijken, "wijken")
        a_in = _inputs(ActorIn, actors, "actors")
        l_in = _inputs(LinkIn, links, "links")
        _require_unique([w.slug for w in w_in], "wijken", "slug")
        _require_ids(a_in, "actors")
        _require_ids(l_in, "links")
        now = utcnow().isoformat()
        result = BulkResult()
        entries: list[tuple] = []
        touched: set[str] = set()
        with self._write() as con:
            plan = _BulkPlan(con, w_in, a_in, l_in)
            plan.check()
            wijken_of = plan.end_wijken()
            no_wijken: frozenset[str] = frozenset()
            for table, records, inputs in (
                ("wijken", w_in, plan.w_json),
                ("actors", a_in, plan.a_json),
                ("links", l_in, plan.l_json),
            ):
                old_recs = plan.old[table]
                entity = _TABLES[table][2]
                indexed_of = _INDEXED[table]
                new_rows, changed_rows, moved, member_rows = [], [], [], []
                for record, input_json in zip(records, inputs):
                    key = _key(record)
                    old = old_recs.get(key)
                    if old is not None and old.input == input_json:
                        result.unchanged += 1
                        continue
                    if table == "links":
                        wijken = wijken_of.get(record.source, no_wijken) | wijken_of.get(
                            record.target, no_wijken
                        )
                    elif table == "actors":
                        wijken = frozenset(record.wijken)
                        member_rows += _actor_wijk_rows(record)
                    else:
                        wijken = frozenset((key,))
                    indexed = indexed_of(record)
                    if old is None:
                        doc = _stored_json(input_json, 1, now, now, None)
                        new_rows.append((*indexed, 1, now, now, None, input_json, key))
                        entries.append((now, by, "create", entity, key, wijken, None, doc))
                    else:
                        version = old.version + 1
                        doc = _stored_json(input_json, version, old.created_at, now, old.confirmed)
                        changed_rows.append(
                            (*indexed, version, old.created_at, now, old.confirmed, input_json, key)
                        )
                        if table == "actors":
                            moved.append((key,))
                            wijken |= frozenset(json.loads(old.input)["wijken"])
                        entries.append((now, by, "update", entity, key, wijken, old.doc, doc))
                    touched |= wijken
                # rows in primary-key order make the B-tree inserts sequential
                new_rows.sort(key=_PK_ORDER[table])
                member_rows.sort()
                con.executemany(_INSERT[table], new_rows)
                con.executemany(_UPDATE[table], changed_rows)
                con.executemany("DELETE FROM actor_wijk WHERE actor_id = ?", moved)
                con.executemany(_INSERT_ACTOR_WIJK, member_rows)
                result.created += len(new_rows)
                result.updated += len(changed_rows)
            self._touch(con, touched)
            self._audit(con, entries)
        return result

    # -- keeping the map current ------------------------------------------------------------

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        return Actor.model_validate_json(self._confirm("actors", actor_id, by))

    def confirm_link(self, link_id: str, *, by: str) -> Link:
        return Link.model_validate_json(self._confirm("links", link_id, by))

    def _confirm(self, table: str, record_id: str, by: str) -> str:
        at = utcnow()
        confirmed = validated(Confirmation, {"at": at, "by": by}).model_dump_json()
        now = at.isoformat()
        key, _, entity, _ = _TABLES[table]
        with self._write() as con:
            old = self._current(con, table, record_id, None)
            con.execute(
                f"UPDATE {table} SET confirmed = ? WHERE {key} = ?", (confirmed, record_id)
            )
            doc = old._replace(confirmed=confirmed).doc
            if table == "actors":
                wijken = set(json.loads(old.input)["wijken"])
            else:
                wijken = self._link_wijken(con, Link.model_validate_json(doc))
            self._touch(con, wijken)
            self._audit(con, [(now, by, "confirm", entity, record_id, wijken, old.doc, doc)])
        return doc

    # -- privacy ----------------------------------------------------------------------------

    def erase_personal_data(self, actor_id: str, *, by: str) -> Actor | None:
        now = utcnow().isoformat()
        with self._write() as con:
            merges = con.execute(
                "SELECT entity_id, after FROM audit WHERE action = 'merge' AND entity = 'actor'"
            ).fetchall()
            pairs = [(drop, json.loads(after or "{}").get("merged_into")) for drop, after in merges]
            erasure = Erasure(merged_ids(actor_id, pairs))
            ids = sorted(erasure.ids)
            live = {
                row[0]: _Rec(*row[1:])
                for row in _in_chunks(
                    con, f"SELECT id, {_REC} FROM actors WHERE id IN ({{marks}}) ORDER BY id", ids
                )
            }
            history = list(
                _in_chunks(
                    con,
                    "SELECT seq, entity_id, wijken, before, after FROM audit"
                    " WHERE entity = 'actor' AND entity_id IN ({marks}) ORDER BY seq",
                    ids,
                )
            )
            own = [row for row in history if row[1] == actor_id]
            if actor_id not in live and not own:
                raise NotFound(f"De actor {actor_id!r} bestaat niet.")
            for rec in live.values():
                erasure.collect(json.loads(rec.doc))
            for *_, before, after in history:
                for text in (before, after):
                    if text is not None:
                        erasure.collect(json.loads(text))
            # the person's own actors lose the personal data
            found = None
            for record_id, old in live.items():
                current = Actor.model_validate_json(old.doc)
                actor = apply_changes(current, erasure.changes(current, own=True))
                doc = self._replace(con, "actors", old, actor, by, "erase")
                if record_id == actor_id:
                    found = doc
            if found is None:  # the actor exists only in the audit log
                wijken = json.loads(own[-1][2])
                self._touch(con, wijken)
                self._audit(con, [(now, by, "erase", "actor", actor_id, wijken, None, None)])
            # free texts of every other record
            needles = erasure.needles
            where = " OR ".join(["instr({col}, ?) > 0"] * len(needles)) or "0"
            for table in ("actors", "links"):
                key, _, _, _ = _TABLES[table]
                model = Actor if table == "actors" else Link
                for row in con.execute(
                    f"SELECT {key}, {_REC} FROM {table} WHERE {where.format(col='input')}",
                    needles,
                ).fetchall():
                    if table == "actors" and row[0] in erasure.ids:
                        continue
                    old = _Rec(*row[1:])
                    current = model.model_validate_json(old.doc)
                    changes = erasure.changes(current)
                    if changes:
                        self._replace(con, table, old, apply_changes(current, changes), by, "erase")
            entries = []
            for wijk, a, b, text in con.execute(
                f"SELECT wijk, a, b, doc FROM decisions WHERE {where.format(col='doc')}", needles
            ).fetchall():
                scrubbed = dumps(erasure.scrub(json.loads(text)))
                if json.loads(scrubbed) != json.loads(text):
                    con.execute(
                        "UPDATE decisions SET doc = ? WHERE wijk = ? AND a = ? AND b = ?",
                        (scrubbed, wijk, a, b),
                    )
                    entries.append(
                        (now, by, "erase", "decision", f"{a}|{b}", [wijk], scrubbed, scrubbed)
                    )
            self._touch(con, {w for entry in entries for w in entry[5]})
            self._audit(con, entries)
            # and the audit log, this erasure's entries included
            rows = list(
                _in_chunks(
                    con,
                    "SELECT seq, entity, entity_id, before, after FROM audit"
                    " WHERE entity = 'actor' AND entity_id IN ({marks})",
                    ids,
                )
            )
            if needles:
                rows += con.execute(
                    "SELECT seq, entity, entity_id, before, after FROM audit WHERE "
                    + where.format(col="before")
                    + " OR "
                    + where.format(col="after"),
                    needles + needles,
                ).fetchall()
            changed = {}
            for seq, entity, entity_id, before, after in {row[0]: row for row in rows}.values():
                own_entry = entity == "actor" and entity_id in erasure.ids
                clean = erasure.erased if own_entry else erasure.scrub
                texts = []
                for text in (before, after):
                    data = json.loads(text) if text is not None else None
                    new = clean(data)
                    texts.append(text if new == data else dumps(new))
                if texts != [before, after]:
                    changed[seq] = (*texts, seq)
            con.executemany(
                "UPDATE audit SET before = ?, after = ? WHERE seq = ?", list(changed.values())
            )
        if not self._memory:
            # move the overwritten pages out of the write-ahead log too (best effort)
            try:
                with self._pool.connection(timeout=1.0) as con:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except (sqlite3.Error, WijknetError):
                pass
        return Actor.model_validate_json(found) if found is not None else None

    # -- decisions on suggestions -----------------------------------------------------------

    def record_decision(self, decision: Decision) -> Decision:
        decision = _as_input(Decision, decision)
        doc = decision.model_dump_json()
        now = utcnow().isoformat()
        with self._write() as con:
            self._current(con, "wijken", decision.wijk, None)
            row = con.execute(
                "SELECT doc FROM decisions WHERE wijk = ? AND a = ? AND b = ?",
                (decision.wijk, decision.a, decision.b),
            ).fetchone()
            con.execute(
                "INSERT INTO decisions (wijk, a, b, doc) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (wijk, a, b) DO UPDATE SET doc = excluded.doc",
                (decision.wijk, decision.a, decision.b, doc),
            )
            self._touch(con, [decision.wijk])
            entity_id = f"{decision.a}|{decision.b}"
            before = row[0] if row else None
            self._audit(
                con,
                [(now, decision.by, "decide", "decision", entity_id, [decision.wijk], before, doc)],
            )
        return Decision.model_validate_json(doc)

    def list_decisions(self, wijk: str) -> list[Decision]:
        with self._read() as con:
            array = con.execute(
                "SELECT '[' || coalesce(group_concat(doc, ','), '') || ']'"
                " FROM (SELECT doc FROM decisions WHERE wijk = ? ORDER BY a, b)",
                (wijk,),
            ).fetchone()[0]
        return _DECISIONS.validate_json(array)

    def delete_decision(self, wijk: str, a: str, b: str, *, by: str) -> None:
        a, b = sorted((a, b))
        now = utcnow().isoformat()
        with self._write() as con:
            row = con.execute(
                "SELECT doc FROM decisions WHERE wijk = ? AND a = ? AND b = ?", (wijk, a, b)
            ).fetchone()
            if row is None:
                raise NotFound(f"Er is geen besluit over {a!r} en {b!r} in de wijk {wijk!r}.")
            con.execute("DELETE FROM decisions WHERE wijk = ? AND a = ? AND b = ?", (wijk, a, b))
            self._touch(con, [wijk])
            self._audit(con, [(now, by, "decide", "decision", f"{a}|{b}", [wijk], row[0], None)])

    # -- audit ------------------------------------------------------------------------------

    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        sql = (
            'SELECT a.seq, a.at, a."by", a.action, a.entity, a.entity_id, a.wijken,'
            " a.before, a.after FROM audit a"
        )
        params: list[Any] = []
        if wijk is not None:
            sql += " JOIN audit_wijk w ON w.seq = a.seq AND w.wijk = ?"
            params.append(wijk)
        if entity_id is not None:
            sql += " WHERE a.entity_id = ?"
            params.append(entity_id)
        sql += " ORDER BY a.seq DESC LIMIT ?"
        params.append(max(0, int(limit)))
        with self._read() as con:
            rows = con.execute(sql, params).fetchall()
        return [
            AuditEntry(
                seq=seq,
                at=datetime.fromisoformat(at),
                by=who,
                action=action,
                entity=entity,
                entity_id=eid,
                wijken=json.loads(wijken),
                before=json.loads(before) if before is not None else None,
                after=json.loads(after) if after is not None else None,
            )
            for seq, at, who, action, entity, eid, wijken, before, after in rows
        ]


def _by_name(actor: Actor) -> tuple[str, str]:
    return actor.name, actor.id


_by_id = attrgetter("id")


def _cols(alias: str) -> str:
    """The ``_REC`` columns of table ``alias``."""
    return ", ".join(f"{alias}.{c}" for c in _REC.split(", "))


def _json_array(alias: str) -> str:
    """SQL: the stored JSON of every row of ``alias`` as one JSON array (see ``_Rec.doc``)."""
    doc = (
        f"substr({alias}.input, 1, length({alias}.input) - 1)"
        f" || ',\"version\":' || {alias}.version"
        f" || ',\"created_at\":\"' || {alias}.created_at"
        f" || '\",\"updated_at\":\"' || {alias}.updated_at"
        f" || '\",\"confirmed\":' || coalesce({alias}.confirmed, 'null') || '}}'"
    )
    return f"'[' || coalesce(group_concat({doc}, ','), '') || ']'"


def _active(alias: str) -> str:
    """SQL: the row ``alias`` exists on day ``:d`` (bounds inclusive, missing is open)."""
    return (
        f"({alias}.since IS NULL OR {alias}.since <= :d)"
        f" AND ({alias}.until IS NULL OR {alias}.until >= :d)"
    )


def _inputs(model: type[M], rows: Sequence[Any], name: str) -> list[M]:
    out, errors = [], []
    for i, row in enumerate(rows):
        try:
            out.append(_as_input(model, row, f"{name}.{i}."))
        except InvalidData as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidData(errors[:_MAX_ERRORS])
    return out


def _require_ids(records: Sequence[ActorIn | LinkIn], name: str) -> None:
    errors = [
        FieldError(f"{name}.{i}.id", "Bij importeren is een id verplicht.", "missing")
        for i, record in enumerate(records)
        if record.id is None
    ]
    if errors:
        raise InvalidData(errors[:_MAX_ERRORS])
    _require_unique([r.id for r in records], name, "id")


def _require_unique(keys: Sequence[str], name: str, field: str) -> None:
    seen: set[str] = set()
    errors = []
    for i, key in enumerate(keys):
        if key in seen:
            errors.append(
                FieldError(
                    f"{name}.{i}.{field}", f"{key!r} komt meer dan eens voor.", "duplicate"
                )
            )
        seen.add(key)
    if errors:
        raise InvalidData(errors[:_MAX_ERRORS])


_WERKT_BIJ = (ActorKind.PROFESSIONAL.value, ActorKind.ORGANISATIE.value)
_FIXED = {"wijken": (), "actors": ("kind",), "links": ("source", "target", "kind")}
"""Columns of the fields that identify a record: a bulk load may not change them."""


class _BulkPlan:
    """What a bulk batch finds in the database, and whether its references hold."""

    def __init__(
        self,
        con: sqlite3.Connection,
        wijken: list[WijkIn],
        actors: list[ActorIn],
        links: list[LinkIn],
    ) -> None:
        self.con = con
        self.wijken, self.actors, self.links = wijken, actors, links
        self.w_json = [w.model_dump_json() for w in wijken]
        self.a_json = [a.model_dump_json() for a in actors]
        self.l_json = [lk.model_dump_json() for lk in links]
        self.old: dict[str, dict[str, _Rec]] = {}
        self.fixed: dict[str, dict[str, tuple]] = {}
        self._load("wijken", [w.slug for w in wijken])
        self._load("actors", [a.id for a in actors])
        self._load("links", [lk.id for lk in links])

    def _load(self, table: str, keys: list[str]) -> None:
        """The stored state of the batch's records that exist, and their fixed fields."""
        key, fixed = _TABLES[table][0], _FIXED[table]
        n = len(fixed)
        sql = f"SELECT {', '.join((key, *fixed))}, {_REC} FROM {table} WHERE {key} IN ({{marks}})"
        self.old[table], self.fixed[table] = {}, {}
        for row in _in_chunks(self.con, sql, keys):
            self.old[table][row[0]] = _Rec(*row[1 + n :])
            self.fixed[table][row[0]] = row[1 : 1 + n]

    def check(self) -> None:
        """Raise ``InvalidData`` for references that hold neither in the batch nor stored,
        and for changes to fields that identify a record."""
        con = self.con
        batch_wijken = {w.slug for w in self.wijken}
        wanted = {slug for a in self.actors for slug in a.wijken} - batch_wijken
        sql = "SELECT slug FROM wijken WHERE slug IN ({marks})"
        known_wijken = batch_wijken | {r[0] for r in _in_chunks(con, sql, wanted)}

        kinds = {a.id: a.kind.value for a in self.actors}
        referenced = {a.organisation for a in self.actors if a.organisation} | {
            end for lk in self.links for end in (lk.source, lk.target)
        }
        sql = "SELECT id, kind FROM actors WHERE id IN ({marks})"
        all_kinds = dict(_in_chunks(con, sql, referenced - kinds.keys())) | kinds

        errors: list[FieldError] = []
        fixed_actors, fixed_links = self.fixed["actors"], self.fixed["links"]
        for i, actor in enumerate(self.actors):
            stored = fixed_actors.get(actor.id)
            if stored is not None and stored != (actor.kind.value,):
                errors.append(
                    FieldError(
                        f"actors.{i}.kind", "Dit veld kan niet gewijzigd worden.", "immutable"
                    )
                )
            errors += actor_errors(actor, known_wijken.__contains__, all_kinds.get, f"actors.{i}.")
            if len(errors) >= _MAX_ERRORS:
                break
        for i, link in enumerate(self.links):
            stored = fixed_links.get(link.id)
            new = (link.source, link.target, link.kind.value)
            if stored is not None and stored != new:
                for field, was, now in zip(_FIXED["links"], stored, new):
                    if was != now:
                        errors.append(
                            FieldError(
                                f"links.{i}.{field}",
                                "Dit veld kan niet gewijzigd worden.",
                                "immutable",
                            )
                        )
            source, target = all_kinds.get(link.source), all_kinds.get(link.target)
            if (
                source is None
                or target is None
                or (link.kind is LinkKind.WERKT_BIJ and (source, target) != _WERKT_BIJ)
            ):
                errors += link_errors(link, all_kinds.get, f"links.{i}.")
            if len(errors) >= _MAX_ERRORS:
                break
        if errors:
            raise InvalidData(errors[:_MAX_ERRORS])

    def end_wijken(self) -> dict[str, frozenset[str]]:
        """The wijken of every link end, as they are once the batch is written."""
        batch = {a.id: frozenset(a.wijken) for a in self.actors}
        ends = {end for lk in self.links for end in (lk.source, lk.target)} - batch.keys()
        stored: dict[str, set[str]] = {}
        for actor_id, slug in _in_chunks(
            self.con, "SELECT actor_id, wijk FROM actor_wijk WHERE actor_id IN ({marks})", ends
        ):
            stored.setdefault(actor_id, set()).add(slug)
        return {k: frozenset(v) for k, v in stored.items()} | batch
