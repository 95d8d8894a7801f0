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
- ``suggestion_steps``: the steps of suggested pairs, keyed by (wijk, a, b, n) with
  ``n`` = 1, 2, … in the pair's order (the highest is the current status), the step as
  JSON in ``doc``;
- ``audit`` (``seq`` autoincrement) and ``audit_wijk`` (which wijken an entry concerns);
- ``wijk_counters``: the change counter per wijk slug; kept when a wijk is deleted, so a
  wijk created again under the same slug never repeats a counter value.

The schema version is ``PRAGMA user_version``. ``script(found)`` brings a database of
version ``found`` to ``SCHEMA_VERSION`` in one transaction: it creates what is missing and
then runs every migration of a later version (``MIGRATIONS``), each written so that running
it twice changes nothing (two processes may open an old file at the same moment).

- Version 2: the ``decisions`` table (one verdict per pair) becomes ``suggestion_steps``
  (every step of a pair); each verdict becomes the pair's first step, ``besproken`` as
  ``ontmoet`` and ``niet-relevant`` without a note with the reason "Niet relevant voor
  deze wijk".
"""

from __future__ import annotations

SCHEMA_VERSION = 2

_META = """version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    confirmed  TEXT,
    input      TEXT NOT NULL"""

TABLES = f"""
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
CREATE TABLE IF NOT EXISTS suggestion_steps (
    wijk     TEXT NOT NULL REFERENCES wijken(slug) ON DELETE CASCADE,
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    n        INTEGER NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (wijk, a, b, n)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS suggestion_steps_by_a ON suggestion_steps(a, b);
CREATE INDEX IF NOT EXISTS suggestion_steps_by_b ON suggestion_steps(b);
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
"""
"""Creates what is missing (idempotent)."""

MIGRATIONS: dict[int, str] = {
    2: """
CREATE TABLE IF NOT EXISTS decisions (
    wijk TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (wijk, a, b)
) WITHOUT ROWID;
INSERT OR IGNORE INTO suggestion_steps (wijk, a, b, n, doc)
SELECT wijk, a, b, 1, json_set(
    doc,
    '$.status', CASE json_extract(doc, '$.status')
        WHEN 'besproken' THEN 'ontmoet' ELSE json_extract(doc, '$.status') END,
    '$.note', CASE
        WHEN json_extract(doc, '$.status') = 'niet-relevant'
             AND coalesce(json_extract(doc, '$.note'), '') = ''
        THEN 'Niet relevant voor deze wijk'
        ELSE coalesce(json_extract(doc, '$.note'), '') END,
    '$.date', json('null')
)
FROM decisions;
DROP TABLE decisions;
""",
}
"""Per schema version, the SQL that brings a database of the version before to it."""


def script(found: int) -> str:
    """The SQL that brings a database of schema version ``found`` to ``SCHEMA_VERSION``."""
    steps = [MIGRATIONS[v] for v in sorted(MIGRATIONS) if v > found]
    return "\n".join(
        ["BEGIN IMMEDIATE;", TABLES, *steps, f"PRAGMA user_version = {SCHEMA_VERSION};", "COMMIT;"]
    )


SCHEMA = script(SCHEMA_VERSION)
"""The SQL of a new database."""
