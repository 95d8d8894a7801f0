"""The tables of the SQLite store and their version.

A record's row holds indexed columns (what queries filter, join and sort on), what the
store keeps about it (``version``, ``created_at``, ``updated_at``, ``confirmed``) and its
input fields as one JSON document (``input``, in the canonical form pydantic writes, so
"unchanged" in a bulk load is a string comparison). Links are clustered by source, so a
wijk's links are read with one index range per actor.

- ``wijken``, ``actors``, ``links``: the records; ``links.source``/``target`` and
  ``actors.organisation`` are foreign keys to ``actors``;
- ``actor_wijk``: one row per (wijk, actor) with the actor's dates, for per-wijk and
  dated reads (``snapshot``) through the primary key;
- ``decisions``: verdicts on suggested pairs, keyed by (wijk, a, b);
- ``audit`` (``seq`` autoincrement) and ``audit_wijk`` (which wijken an entry concerns);
- ``wijk_counters``: the change counter per wijk slug; kept when a wijk is deleted, so a
  wijk created again under the same slug never repeats a counter value.

The schema version is ``PRAGMA user_version``.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

_META = """version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    confirmed  TEXT,
    input      TEXT NOT NULL"""

SCHEMA = f"""
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
"""Creates what is missing (idempotent) and sets the schema version when done."""
