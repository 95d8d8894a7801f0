"""The embedded backend: one SQLite file, standard library ``sqlite3`` only.

Layout
------
Every record is kept twice in its row: as indexed columns (what queries filter and sort
on) and as JSON: ``input`` holds the record's input fields (``WijkIn``/``ActorIn``/
``LinkIn``) in one canonical form, so "unchanged" is a string comparison, and ``doc`` holds
the whole stored model, so a read is one ``model_validate_json`` per record.

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
``BEGIN`` for reads that need one consistent view (``snapshot``). Connections come from a
small pool, so threads (FastAPI runs sync endpoints in a thread pool) each use their own
connection while WAL lets readers proceed beside the one writer. ``":memory:"`` has one
connection, handed to one thread at a time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

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
from graph.store.common import ERASED_NAME, apply_changes, dumps, erase_doc, validated

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0
POOL_SIZE = 8
_CHUNK = 500  # ids per "IN (...)" query, well below SQLite's limit on parameters
_MAX_ERRORS = 100  # field errors reported for one refused bulk batch

_SCHEMA = f"""
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS wijken (
    slug     TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    input    TEXT NOT NULL,
    doc      TEXT NOT NULL
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
    version      INTEGER NOT NULL,
    input        TEXT NOT NULL,
    doc          TEXT NOT NULL
);
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
    id       TEXT PRIMARY KEY,
    source   TEXT NOT NULL REFERENCES actors(id) DEFERRABLE INITIALLY DEFERRED,
    target   TEXT NOT NULL REFERENCES actors(id) DEFERRABLE INITIALLY DEFERRED,
    kind     TEXT NOT NULL,
    since    TEXT,
    until    TEXT,
    version  INTEGER NOT NULL,
    input    TEXT NOT NULL,
    doc      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS links_by_source ON links(source);
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

_ACTORS = TypeAdapter(list[Actor])
_LINKS = TypeAdapter(list[Link])
_WIJKEN = TypeAdapter(list[Wijk])
_DECISIONS = TypeAdapter(list[Decision])

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


# -- small pure helpers ---------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _stored_json(
    input_json: str, version: int, created: str, updated: str, confirmed: str = "null"
) -> str:
    """The stored document: the input fields plus what the store keeps about the record."""
    meta = (
        f',"version":{version},"created_at":"{created}","updated_at":"{updated}",'
        f'"confirmed":{confirmed}}}'
    )
    return input_json[:-1] + meta


def _confirmed_json(confirmed: Confirmation | None) -> str:
    return confirmed.model_dump_json() if confirmed is not None else "null"


def _parse_many(adapter: TypeAdapter[list[T]], docs: Iterable[str]) -> list[T]:
    return adapter.validate_json("[" + ",".join(docs) + "]")


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


def _actor_errors(
    actor: ActorIn,
    wijk_known: Callable[[str], bool],
    kind_of: Callable[[str], str | None],
    prefix: str = "",
) -> list[FieldError]:
    """What is wrong with the references of ``actor``: its wijken and its organisation."""
    errors = []
    unknown = [w for w in actor.wijken if not wijk_known(w)]
    if unknown:
        errors.append(
            FieldError(
                f"{prefix}wijken",
                "Deze wijk bestaat niet: " + ", ".join(unknown) + ".",
                "unknown_wijk",
            )
        )
    if actor.organisation is not None:
        kind = kind_of(actor.organisation)
        if kind is None:
            errors.append(
                FieldError(
                    f"{prefix}organisation",
                    f"De organisatie {actor.organisation!r} bestaat niet.",
                    "unknown_organisation",
                )
            )
        elif kind != ActorKind.ORGANISATIE.value:
            errors.append(
                FieldError(
                    f"{prefix}organisation",
                    f"{actor.organisation!r} is geen organisatie.",
                    "not_an_organisation",
                )
            )
    return errors


def _link_errors(
    link: LinkIn, kind_of: Callable[[str], str | None], prefix: str = ""
) -> list[FieldError]:
    """What is wrong with the ends of ``link``: unknown actors, or a wrong ``werkt_bij``."""
    errors = []
    kinds = {}
    for end in ("source", "target"):
        actor_id = getattr(link, end)
        kinds[end] = kind_of(actor_id)
        if kinds[end] is None:
            errors.append(
                FieldError(f"{prefix}{end}", f"De actor {actor_id!r} bestaat niet.", "unknown_actor")
            )
    if link.kind is LinkKind.WERKT_BIJ:
        if kinds["source"] not in (None, ActorKind.PROFESSIONAL.value):
            errors.append(
                FieldError(
                    f"{prefix}source",
                    "Bij 'werkt bij' is de eerste actor een professional.",
                    "werkt_bij_source",
                )
            )
        if kinds["target"] not in (None, ActorKind.ORGANISATIE.value):
            errors.append(
                FieldError(
                    f"{prefix}target",
                    "Bij 'werkt bij' is de tweede actor een organisatie.",
                    "werkt_bij_target",
                )
            )
    return errors


def _erase_personal(document: dict[str, Any] | None, professional: bool) -> dict | None:
    """The document without personal data: a professional loses name and contact details,
    any other actor only its contact person's details."""
    if document is None or professional:
        return erase_doc(document)
    out = dict(document)
    if "contact" in out:
        out["contact"] = None
    return out


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
    def connection(self, timeout: float = 3 * BUSY_TIMEOUT_S) -> Iterator[sqlite3.Connection]:
        if not self._slots.acquire(timeout=timeout):
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
                raise StoreUnavailable(
                    f"Cannot create the directory {str(parent)!r} for the SQLite database: "
                    f"{exc.strerror or exc}"
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
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreUnavailable(
                f"The SQLite database {self.path!r} stayed locked by another writer for "
                f"{BUSY_TIMEOUT_S:g} s; try again in a moment."
            )
        return StoreUnavailable(f"The SQLite database {self.path!r} cannot be used: {text}")

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
            if not self._memory:
                con.execute("PRAGMA journal_mode = WAL")
                con.execute("PRAGMA synchronous = NORMAL")
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            con.close()
            raise self._unavailable(exc) from None
        return con

    def _create_schema(self, con: sqlite3.Connection) -> None:
        try:
            found = con.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise StoreUnavailable(
                    f"The SQLite database {self.path!r} has schema version {found}; this "
                    f"wijknet knows version {SCHEMA_VERSION} at most. Upgrade wijknet."
                )
            if found < SCHEMA_VERSION or not self._has_tables(con):
                con.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise self._unavailable(exc) from None

    @staticmethod
    def _has_tables(con: sqlite3.Connection) -> bool:
        row = con.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_wijk'"
        ).fetchone()
        return row[0] == 1

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
                    raise Conflict(f"De wijziging botst met opgeslagen gegevens ({exc}).") from None
                if isinstance(exc, (sqlite3.OperationalError, sqlite3.DatabaseError)) and not (
                    isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError))
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
    def _audit_rows(con: sqlite3.Connection, entries: Sequence[tuple]) -> None:
        """Append audit entries ``(at, by, action, entity, entity_id, wijken, before, after)``,
        ``before``/``after`` being JSON text or ``None``."""
        if not entries:
            return
        row = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        first = (row[0] if row else 0) + 1
        rows, per_wijk = [], []
        for seq, (at, by, action, entity, entity_id, wijken, before, after) in enumerate(
            entries, first
        ):
            wijken = sorted(set(wijken))
            rows.append((seq, at, by, action, entity, entity_id, dumps(wijken), before, after))
            per_wijk.extend((slug, seq) for slug in wijken)
        con.executemany(
            'INSERT INTO audit (seq, at, "by", action, entity, entity_id, wijken, before, after)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.executemany("INSERT INTO audit_wijk (wijk, seq) VALUES (?, ?)", per_wijk)

    def _audit(self, con: sqlite3.Connection, *entry: Any) -> None:
        self._audit_rows(con, [entry])

    @staticmethod
    def _kind_of(con: sqlite3.Connection) -> Callable[[str], str | None]:
        def kind_of(actor_id: str) -> str | None:
            row = con.execute("SELECT kind FROM actors WHERE id = ?", (actor_id,)).fetchone()
            return row[0] if row else None

        return kind_of

    @staticmethod
    def _wijk_known(con: sqlite3.Connection) -> Callable[[str], bool]:
        def known(slug: str) -> bool:
            return con.execute("SELECT 1 FROM wijken WHERE slug = ?", (slug,)).fetchone() is not None

        return known

    @staticmethod
    def _wijken_of(con: sqlite3.Connection, actor_ids: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for actor_id, slug in _in_chunks(
            con, "SELECT actor_id, wijk FROM actor_wijk WHERE actor_id IN ({marks})", set(actor_ids)
        ):
            out.setdefault(actor_id, []).append(slug)
        return out

    @staticmethod
    def _actor_row(actor: ActorIn, version: int, input_json: str, doc: str) -> tuple:
        return (
            actor.kind.value,
            actor.name,
            actor.organisation,
            _day(actor.since),
            _day(actor.until),
            version,
            input_json,
            doc,
            actor.id,
        )

    @staticmethod
    def _link_row(link: LinkIn, version: int, input_json: str, doc: str) -> tuple:
        return (
            link.source,
            link.target,
            link.kind.value,
            _day(link.since),
            _day(link.until),
            version,
            input_json,
            doc,
            link.id,
        )

    _INSERT_ACTOR = (
        "INSERT INTO actors (kind, name, organisation, since, until, version, input, doc, id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    _UPDATE_ACTOR = (
        "UPDATE actors SET kind = ?, name = ?, organisation = ?, since = ?, until = ?,"
        " version = ?, input = ?, doc = ? WHERE id = ?"
    )
    _INSERT_LINK = (
        "INSERT INTO links (source, target, kind, since, until, version, input, doc, id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    _UPDATE_LINK = (
        "UPDATE links SET source = ?, target = ?, kind = ?, since = ?, until = ?,"
        " version = ?, input = ?, doc = ? WHERE id = ?"
    )
    _INSERT_ACTOR_WIJK = (
        "INSERT INTO actor_wijk (wijk, actor_id, since, until) VALUES (?, ?, ?, ?)"
    )

    @staticmethod
    def _actor_wijk_rows(actor: ActorIn) -> list[tuple]:
        since, until = _day(actor.since), _day(actor.until)
        return [(slug, actor.id, since, until) for slug in actor.wijken]

    @staticmethod
    def _current(
        con: sqlite3.Connection, table: str, key: str, value: str, expected_version: int | None
    ) -> tuple[int, str, str]:
        """``(version, input, doc)`` of one record, after the existence and version checks.

        ``table`` and ``key`` come from this module, never from a caller."""
        row = con.execute(
            f"SELECT version, input, doc FROM {table} WHERE {key} = ?", (value,)
        ).fetchone()
        if row is None:
            raise NotFound(_NOT_FOUND[table].format(value))
        if expected_version is not None and row[0] != expected_version:
            raise Conflict(
                f"{_WHAT[table]} {value!r} is intussen door iemand anders gewijzigd "
                f"(versie {row[0]}, u had versie {expected_version}). Laad opnieuw en "
                "probeer het nog eens.",
                details={"current_version": row[0]},
            )
        return row

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
        now = utcnow().isoformat()
        input_json = wijk.model_dump_json()
        doc = _stored_json(input_json, 1, now, now)
        with self._write() as con:
            if con.execute("SELECT 1 FROM wijken WHERE slug = ?", (wijk.slug,)).fetchone():
                raise Conflict(f"Er is al een wijk met de korte naam {wijk.slug!r}.")
            con.execute(
                "INSERT INTO wijken (slug, version, input, doc) VALUES (?, ?, ?, ?)",
                (wijk.slug, 1, input_json, doc),
            )
            self._touch(con, [wijk.slug])
            self._audit(con, now, by, "create", "wijk", wijk.slug, [wijk.slug], None, doc)
        return Wijk.model_validate_json(doc)

    def get_wijk(self, slug: str) -> Wijk:
        with self._read() as con:
            row = con.execute("SELECT doc FROM wijken WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            raise NotFound(_NOT_FOUND["wijken"].format(slug))
        return Wijk.model_validate_json(row[0])

    def list_wijken(self) -> list[Wijk]:
        with self._read() as con:
            docs = [r[0] for r in con.execute("SELECT doc FROM wijken ORDER BY slug")]
        return _parse_many(_WIJKEN, docs)

    def update_wijk(
        self, slug: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Wijk:
        now = utcnow().isoformat()
        with self._write() as con:
            version, _, before = self._current(con, "wijken", "slug", slug, expected_version)
            current = Wijk.model_validate_json(before)
            wijk = apply_changes(current, changes)
            input_json = wijk.model_dump_json()
            doc = _stored_json(
                input_json,
                version + 1,
                current.created_at.isoformat(),
                now,
                _confirmed_json(current.confirmed),
            )
            con.execute(
                "UPDATE wijken SET version = ?, input = ?, doc = ? WHERE slug = ?",
                (version + 1, input_json, doc, slug),
            )
            self._touch(con, [slug])
            self._audit(con, now, by, "update", "wijk", slug, [slug], before, doc)
        return Wijk.model_validate_json(doc)

    def delete_wijk(self, slug: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            _, _, before = self._current(con, "wijken", "slug", slug, expected_version)
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
            self._audit(con, now, by, "delete", "wijk", slug, [slug], before, None)

    # -- actors -----------------------------------------------------------------------------

    def create_actor(self, data: ActorIn, *, by: str) -> Actor:
        actor = _as_input(ActorIn, data)
        if actor.id is None:
            actor = actor.model_copy(update={"id": new_id("a")})
        now = utcnow().isoformat()
        input_json = actor.model_dump_json()
        doc = _stored_json(input_json, 1, now, now)
        with self._write() as con:
            if con.execute("SELECT 1 FROM actors WHERE id = ?", (actor.id,)).fetchone():
                raise Conflict(f"Er is al een actor met id {actor.id!r}.")
            errors = _actor_errors(actor, self._wijk_known(con), self._kind_of(con))
            if errors:
                raise InvalidData(errors)
            con.execute(self._INSERT_ACTOR, self._actor_row(actor, 1, input_json, doc))
            con.executemany(self._INSERT_ACTOR_WIJK, self._actor_wijk_rows(actor))
            self._touch(con, actor.wijken)
            self._audit(con, now, by, "create", "actor", actor.id, actor.wijken, None, doc)
        return Actor.model_validate_json(doc)

    def get_actor(self, actor_id: str) -> Actor:
        with self._read() as con:
            row = con.execute("SELECT doc FROM actors WHERE id = ?", (actor_id,)).fetchone()
        if row is None:
            raise NotFound(_NOT_FOUND["actors"].format(actor_id))
        return Actor.model_validate_json(row[0])

    def list_actors(self, wijk: str | None = None) -> list[Actor]:
        with self._read() as con:
            if wijk is None:
                rows = con.execute("SELECT doc FROM actors ORDER BY name, id")
            else:
                rows = con.execute(
                    "SELECT a.doc FROM actor_wijk aw JOIN actors a ON a.id = aw.actor_id"
                    " WHERE aw.wijk = ? ORDER BY a.name, a.id",
                    (wijk,),
                )
            docs = [r[0] for r in rows]
        return _parse_many(_ACTORS, docs)

    def update_actor(
        self, actor_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Actor:
        now = utcnow().isoformat()
        with self._write() as con:
            version, _, before = self._current(con, "actors", "id", actor_id, expected_version)
            current = Actor.model_validate_json(before)
            actor = apply_changes(current, changes)
            errors = _actor_errors(actor, self._wijk_known(con), self._kind_of(con))
            if errors:
                raise InvalidData(errors)
            input_json = actor.model_dump_json()
            doc = _stored_json(
                input_json,
                version + 1,
                current.created_at.isoformat(),
                now,
                _confirmed_json(current.confirmed),
            )
            self._replace_actor(con, actor, version + 1, input_json, doc)
            wijken = set(current.wijken) | set(actor.wijken)
            self._touch(con, wijken)
            self._audit(con, now, by, "update", "actor", actor_id, wijken, before, doc)
        return Actor.model_validate_json(doc)

    def _replace_actor(
        self, con: sqlite3.Connection, actor: ActorIn, version: int, input_json: str, doc: str
    ) -> None:
        con.execute(self._UPDATE_ACTOR, self._actor_row(actor, version, input_json, doc))
        con.execute("DELETE FROM actor_wijk WHERE actor_id = ?", (actor.id,))
        con.executemany(self._INSERT_ACTOR_WIJK, self._actor_wijk_rows(actor))

    def delete_actor(self, actor_id: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            _, _, before = self._current(con, "actors", "id", actor_id, expected_version)
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
                "SELECT id, source, target, doc FROM links WHERE source = ?"
                " UNION SELECT id, source, target, doc FROM links WHERE target = ? ORDER BY id",
                (actor_id, actor_id),
            ).fetchall()
            wijken_of = self._wijken_of(
                con, {actor_id} | {r[1] for r in links} | {r[2] for r in links}
            )
            entries = []
            touched: set[str] = set(wijken_of.get(actor_id, []))
            for link_id, source, target, link_doc in links:
                ends = set(wijken_of.get(source, [])) | set(wijken_of.get(target, []))
                touched |= ends
                entries.append((now, by, "delete", "link", link_id, ends, link_doc, None))
            con.executemany("DELETE FROM links WHERE id = ?", [(r[0],) for r in links])
            con.execute("DELETE FROM actors WHERE id = ?", (actor_id,))
            entries.append(
                (now, by, "delete", "actor", actor_id, wijken_of.get(actor_id, []), before, None)
            )
            self._touch(con, touched)
            self._audit_rows(con, entries)

    # -- links ------------------------------------------------------------------------------

    def create_link(self, data: LinkIn, *, by: str) -> Link:
        link = _as_input(LinkIn, data)
        if link.id is None:
            link = link.model_copy(update={"id": new_id("l")})
        now = utcnow().isoformat()
        input_json = link.model_dump_json()
        doc = _stored_json(input_json, 1, now, now)
        with self._write() as con:
            if con.execute("SELECT 1 FROM links WHERE id = ?", (link.id,)).fetchone():
                raise Conflict(f"Er is al een verbinding met id {link.id!r}.")
            errors = _link_errors(link, self._kind_of(con))
            if errors:
                raise InvalidData(errors)
            con.execute(self._INSERT_LINK, self._link_row(link, 1, input_json, doc))
            wijken = self._link_wijken(con, link)
            self._touch(con, wijken)
            self._audit(con, now, by, "create", "link", link.id, wijken, None, doc)
        return Link.model_validate_json(doc)

    def _link_wijken(self, con: sqlite3.Connection, link: LinkIn) -> set[str]:
        wijken_of = self._wijken_of(con, [link.source, link.target])
        return set(wijken_of.get(link.source, [])) | set(wijken_of.get(link.target, []))

    def get_link(self, link_id: str) -> Link:
        with self._read() as con:
            row = con.execute("SELECT doc FROM links WHERE id = ?", (link_id,)).fetchone()
        if row is None:
            raise NotFound(_NOT_FOUND["links"].format(link_id))
        return Link.model_validate_json(row[0])

    def list_links(self, wijk: str | None = None) -> list[Link]:
        with self._read() as con:
            if wijk is None:
                rows = con.execute("SELECT doc FROM links ORDER BY id")
            else:
                rows = con.execute(
                    "SELECT l.doc FROM actor_wijk s"
                    " JOIN links l ON l.source = s.actor_id"
                    " JOIN actor_wijk t ON t.wijk = s.wijk AND t.actor_id = l.target"
                    " WHERE s.wijk = ? ORDER BY l.id",
                    (wijk,),
                )
            docs = [r[0] for r in rows]
        return _parse_many(_LINKS, docs)

    def update_link(
        self, link_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Link:
        now = utcnow().isoformat()
        with self._write() as con:
            version, _, before = self._current(con, "links", "id", link_id, expected_version)
            current = Link.model_validate_json(before)
            link = apply_changes(current, changes)
            input_json = link.model_dump_json()
            doc = _stored_json(
                input_json,
                version + 1,
                current.created_at.isoformat(),
                now,
                _confirmed_json(current.confirmed),
            )
            con.execute(self._UPDATE_LINK, self._link_row(link, version + 1, input_json, doc))
            wijken = self._link_wijken(con, link)
            self._touch(con, wijken)
            self._audit(con, now, by, "update", "link", link_id, wijken, before, doc)
        return Link.model_validate_json(doc)

    def delete_link(self, link_id: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            _, _, before = self._current(con, "links", "id", link_id, expected_version)
            link = Link.model_validate_json(before)
            wijken = self._link_wijken(con, link)
            con.execute("DELETE FROM links WHERE id = ?", (link_id,))
            self._touch(con, wijken)
            self._audit(con, now, by, "delete", "link", link_id, wijken, before, None)

    # -- reads for analysis -----------------------------------------------------------------

    def snapshot(self, wijk: str, as_of: date | None = None) -> Snapshot:
        day = as_of if as_of is not None else date.today()
        d = day.isoformat()
        with self._read() as con:
            row = con.execute(
                "SELECT w.doc, coalesce(c.counter, 0) FROM wijken w"
                " LEFT JOIN wijk_counters c ON c.slug = w.slug WHERE w.slug = ?",
                (wijk,),
            ).fetchone()
            if row is None:
                raise NotFound(_NOT_FOUND["wijken"].format(wijk))
            actor_docs = [
                r[0]
                for r in con.execute(
                    "SELECT a.doc FROM actor_wijk aw JOIN actors a ON a.id = aw.actor_id"
                    " WHERE aw.wijk = :w"
                    " AND (aw.since IS NULL OR aw.since <= :d)"
                    " AND (aw.until IS NULL OR aw.until >= :d)"
                    " ORDER BY a.name, a.id",
                    {"w": wijk, "d": d},
                )
            ]
            link_docs = [
                r[0]
                for r in con.execute(
                    "SELECT l.doc FROM actor_wijk s"
                    " JOIN links l ON l.source = s.actor_id"
                    " JOIN actor_wijk t ON t.wijk = s.wijk AND t.actor_id = l.target"
                    " WHERE s.wijk = :w"
                    " AND (s.since IS NULL OR s.since <= :d) AND (s.until IS NULL OR s.until >= :d)"
                    " AND (t.since IS NULL OR t.since <= :d) AND (t.until IS NULL OR t.until >= :d)"
                    " AND (l.since IS NULL OR l.since <= :d) AND (l.until IS NULL OR l.until >= :d)"
                    " ORDER BY l.id",
                    {"w": wijk, "d": d},
                )
            ]
        return Snapshot.model_construct(
            wijk=Wijk.model_validate_json(row[0]),
            as_of=day,
            actors=_parse_many(_ACTORS, actor_docs),
            links=_parse_many(_LINKS, link_docs),
            change_counter=row[1],
        )

    def change_counter(self, wijk: str) -> int:
        with self._read() as con:
            row = con.execute(
                "SELECT coalesce(c.counter, 0) FROM wijken w"
                " LEFT JOIN wijk_counters c ON c.slug = w.slug WHERE w.slug = ?",
                (wijk,),
            ).fetchone()
        if row is None:
            raise NotFound(_NOT_FOUND["wijken"].format(wijk))
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
        _require_ids(a_in, "actors")
        _require_ids(l_in, "links")
        _require_unique([w.slug for w in w_in], "wijken", "slug")
        now = utcnow().isoformat()
        result = BulkResult()
        with self._write() as con:
            plan = _BulkPlan(con, w_in, a_in, l_in)
            plan.check()
            entries: list[tuple] = []
            touched: set[str] = set()

            # wijken
            new_rows, changed_rows = [], []
            for wijk, input_json in zip(w_in, plan.w_json):
                old = plan.w_old.get(wijk.slug)
                if old is None:
                    doc = _stored_json(input_json, 1, now, now)
                    new_rows.append((1, input_json, doc, wijk.slug))
                    entries.append((now, by, "create", "wijk", wijk.slug, [wijk.slug], None, doc))
                elif old[1] == input_json:
                    result.unchanged += 1
                    continue
                else:
                    version, _, before = old
                    doc = _restamp(input_json, version + 1, before, now)
                    changed_rows.append((version + 1, input_json, doc, wijk.slug))
                    entries.append(
                        (now, by, "update", "wijk", wijk.slug, [wijk.slug], before, doc)
                    )
                touched.add(wijk.slug)
            con.executemany(
                "INSERT INTO wijken (version, input, doc, slug) VALUES (?, ?, ?, ?)", new_rows
            )
            con.executemany(
                "UPDATE wijken SET version = ?, input = ?, doc = ? WHERE slug = ?", changed_rows
            )
            result.created += len(new_rows)
            result.updated += len(changed_rows)

            # actors
            new_rows, changed_rows, wijk_rows, moved = [], [], [], []
            for actor, input_json in zip(a_in, plan.a_json):
                old = plan.a_old.get(actor.id)
                if old is None:
                    doc = _stored_json(input_json, 1, now, now)
                    new_rows.append(self._actor_row(actor, 1, input_json, doc))
                    entries.append(
                        (now, by, "create", "actor", actor.id, actor.wijken, None, doc)
                    )
                    wijken_now = set(actor.wijken)
                elif old[1] == input_json:
                    result.unchanged += 1
                    continue
                else:
                    version, _, before = old
                    doc = _restamp(input_json, version + 1, before, now)
                    changed_rows.append(self._actor_row(actor, version + 1, input_json, doc))
                    moved.append((actor.id,))
                    wijken_now = set(actor.wijken) | set(json.loads(before)["wijken"])
                    entries.append((now, by, "update", "actor", actor.id, wijken_now, before, doc))
                wijk_rows.extend(self._actor_wijk_rows(actor))
                touched |= wijken_now
            con.executemany(self._INSERT_ACTOR, new_rows)
            con.executemany(self._UPDATE_ACTOR, changed_rows)
            con.executemany("DELETE FROM actor_wijk WHERE actor_id = ?", moved)
            con.executemany(self._INSERT_ACTOR_WIJK, wijk_rows)
            result.created += len(new_rows)
            result.updated += len(changed_rows)

            # links
            new_rows, changed_rows = [], []
            wijken_of = plan.end_wijken()
            for link, input_json in zip(l_in, plan.l_json):
                old = plan.l_old.get(link.id)
                ends = wijken_of.get(link.source, set()) | wijken_of.get(link.target, set())
                if old is None:
                    doc = _stored_json(input_json, 1, now, now)
                    new_rows.append(self._link_row(link, 1, input_json, doc))
                    entries.append((now, by, "create", "link", link.id, ends, None, doc))
                elif old[1] == input_json:
                    result.unchanged += 1
                    continue
                else:
                    version, _, before = old
                    doc = _restamp(input_json, version + 1, before, now)
                    changed_rows.append(self._link_row(link, version + 1, input_json, doc))
                    entries.append((now, by, "update", "link", link.id, ends, before, doc))
                touched |= ends
            con.executemany(self._INSERT_LINK, new_rows)
            con.executemany(self._UPDATE_LINK, changed_rows)
            result.created += len(new_rows)
            result.updated += len(changed_rows)

            self._touch(con, touched)
            self._audit_rows(con, entries)
        return result

    # -- keeping the map current ------------------------------------------------------------

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        return Actor.model_validate_json(self._confirm("actors", actor_id, by))

    def confirm_link(self, link_id: str, *, by: str) -> Link:
        return Link.model_validate_json(self._confirm("links", link_id, by))

    def _confirm(self, table: str, record_id: str, by: str) -> str:
        at = utcnow()
        confirmation = validated(Confirmation, {"at": at, "by": by})
        now = at.isoformat()
        with self._write() as con:
            version, input_json, before = self._current(con, table, "id", record_id, None)
            current = json.loads(before)
            doc = _stored_json(
                input_json,
                version,
                current["created_at"],
                current["updated_at"],
                confirmation.model_dump_json(),
            )
            con.execute(f"UPDATE {table} SET doc = ? WHERE id = ?", (doc, record_id))
            if table == "actors":
                wijken = set(current["wijken"])
            else:
                wijken = self._link_wijken(con, Link.model_validate_json(before))
            self._touch(con, wijken)
            entity = "actor" if table == "actors" else "link"
            self._audit(con, now, by, "confirm", entity, record_id, wijken, before, doc)
        return doc

    # -- privacy ----------------------------------------------------------------------------

    def erase_personal_data(self, actor_id: str, *, by: str) -> Actor:
        now = utcnow().isoformat()
        with self._write() as con:
            version, _, before = self._current(con, "actors", "id", actor_id, None)
            current = Actor.model_validate_json(before)
            professional = current.kind is ActorKind.PROFESSIONAL
            changes: dict[str, Any] = {"contact": None}
            if professional:
                changes["name"] = ERASED_NAME
            actor = apply_changes(current, changes)
            input_json = actor.model_dump_json()
            doc = _stored_json(
                input_json,
                version + 1,
                current.created_at.isoformat(),
                now,
                _confirmed_json(current.confirmed),
            )
            self._replace_actor(con, actor, version + 1, input_json, doc)
            rewritten = []
            for seq, old_before, old_after in con.execute(
                "SELECT seq, before, after FROM audit WHERE entity_id = ? AND entity = 'actor'",
                (actor_id,),
            ).fetchall():
                rewritten.append(
                    (_erased_json(old_before, professional), _erased_json(old_after, professional), seq)
                )
            con.executemany("UPDATE audit SET before = ?, after = ? WHERE seq = ?", rewritten)
            self._touch(con, actor.wijken)
            self._audit(
                con,
                now,
                by,
                "erase",
                "actor",
                actor_id,
                actor.wijken,
                _erased_json(before, professional),
                doc,
            )
        if not self._memory:
            # move the overwritten pages out of the write-ahead log as well (best effort)
            try:
                with self._pool.connection() as con:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except (sqlite3.Error, WijknetError):
                pass
        return Actor.model_validate_json(doc)

    # -- decisions on suggestions -----------------------------------------------------------

    def record_decision(self, decision: Decision) -> Decision:
        decision = _as_input(Decision, decision)
        doc = decision.model_dump_json()
        now = utcnow().isoformat()
        with self._write() as con:
            self._current(con, "wijken", "slug", decision.wijk, None)
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
            self._audit(
                con,
                now,
                decision.by,
                "decide",
                "decision",
                f"{decision.a}|{decision.b}",
                [decision.wijk],
                row[0] if row else None,
                doc,
            )
        return Decision.model_validate_json(doc)

    def list_decisions(self, wijk: str) -> list[Decision]:
        with self._read() as con:
            docs = [
                r[0]
                for r in con.execute(
                    "SELECT doc FROM decisions WHERE wijk = ? ORDER BY a, b", (wijk,)
                )
            ]
        return _parse_many(_DECISIONS, docs)

    # -- audit ------------------------------------------------------------------------------

    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        limit = max(0, int(limit))
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
        params.append(limit)
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


_NOT_FOUND = {
    "wijken": "De wijk {!r} bestaat niet.",
    "actors": "De actor {!r} bestaat niet.",
    "links": "De verbinding {!r} bestaat niet.",
}
_WHAT = {"wijken": "De wijk", "actors": "De actor", "links": "De verbinding"}


def _erased_json(document: str | None, professional: bool) -> str | None:
    if document is None:
        return None
    return dumps(_erase_personal(json.loads(document), professional))


def _restamp(input_json: str, version: int, before: str, now: str) -> str:
    """The new document of a changed record: created and confirmed as before, updated now."""
    old = json.loads(before)
    return _stored_json(
        input_json, version, old["created_at"], now, dumps(old.get("confirmed"))
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
        self.w_old = self._old("wijken", "slug", [w.slug for w in wijken])
        self.a_old = self._old("actors", "id", [a.id for a in actors])
        self.l_old = self._old("links", "id", [lk.id for lk in links])

    def _old(self, table: str, key: str, ids: list[str]) -> dict[str, tuple[int, str, str]]:
        sql = f"SELECT {key}, version, input, doc FROM {table} WHERE {key} IN ({{marks}})"
        return {r[0]: (r[1], r[2], r[3]) for r in _in_chunks(self.con, sql, ids)}

    def check(self) -> None:
        con = self.con
        batch_wijken = {w.slug for w in self.wijken}
        wanted = {slug for a in self.actors for slug in a.wijken} - batch_wijken
        stored_wijken = {
            r[0] for r in _in_chunks(con, "SELECT slug FROM wijken WHERE slug IN ({marks})", wanted)
        }
        known_wijken = batch_wijken | stored_wijken

        kinds = {a.id: a.kind.value for a in self.actors}
        referenced = {a.organisation for a in self.actors if a.organisation} | {
            end for lk in self.links for end in (lk.source, lk.target)
        }
        stored_kinds = dict(
            _in_chunks(
                con, "SELECT id, kind FROM actors WHERE id IN ({marks})", referenced - kinds.keys()
            )
        )
        all_kinds = stored_kinds | kinds

        errors: list[FieldError] = []
        for i, actor in enumerate(self.actors):
            old = self.a_old.get(actor.id)
            if old is not None and json.loads(old[1])["kind"] != actor.kind.value:
                errors.append(
                    FieldError(f"actors.{i}.kind", "Dit veld kan niet gewijzigd worden.", "immutable")
                )
            errors += _actor_errors(
                actor, known_wijken.__contains__, all_kinds.get, f"actors.{i}."
            )
        for i, link in enumerate(self.links):
            old = self.l_old.get(link.id)
            if old is not None:
                stored = json.loads(old[1])
                for field in ("source", "target", "kind"):
                    new = getattr(link, field)
                    if stored[field] != getattr(new, "value", new):
                        errors.append(
                            FieldError(
                                f"links.{i}.{field}",
                                "Dit veld kan niet gewijzigd worden.",
                                "immutable",
                            )
                        )
            errors += _link_errors(link, all_kinds.get, f"links.{i}.")
            if len(errors) >= _MAX_ERRORS:
                break
        if errors:
            raise InvalidData(errors[:_MAX_ERRORS])

    def end_wijken(self) -> dict[str, set[str]]:
        """The wijken of every link end, as they are once the batch is written."""
        batch = {a.id: set(a.wijken) for a in self.actors}
        ends = {end for lk in self.links for end in (lk.source, lk.target)} - batch.keys()
        out: dict[str, set[str]] = {}
        for actor_id, slug in _in_chunks(
            self.con, "SELECT actor_id, wijk FROM actor_wijk WHERE actor_id IN ({marks})", ends
        ):
            out.setdefault(actor_id, set()).add(slug)
        return out | batch
