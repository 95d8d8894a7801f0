"""The embedded backend of ``GraphStore``: one SQLite file, standard library ``sqlite3`` only.

- ``schema``: the tables (a record's row: indexed columns, what the store keeps, its input
  fields as one JSON document) and the schema version;
- ``pool``: connections (autocommit, one transaction per call, WAL) shared by threads;
- ``records``: a record's row and the SQL that reads and writes it;
- ``trusted``: validators for JSON the store wrote itself (lists and snapshots);
- ``core``: transactions, version checks, audit entries and change counters;
- ``store``: ``SqliteStore``, with ``merge`` (``merge_actors``), ``bulk``
  (``bulk_upsert``) and ``privacy`` (``erase_personal_data``) as mixins;
- ``backup``: ``export_all``, ``import_all`` (``graph.store.backup``) and ``copy_to``, a
  copy of the file through SQLite's online backup API.
"""

from __future__ import annotations

from graph.store.sqlite.schema import SCHEMA_VERSION
from graph.store.sqlite.store import SqliteStore

__all__ = ["SCHEMA_VERSION", "SqliteStore"]
