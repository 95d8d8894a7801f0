"""Copy an accounts file (SQLite) into the shared state on Neo4j: accounts (with their
password hashes), API tokens (digests) and saved import mappings.

Nothing that exists already is changed, so running it again copies nothing new. Web
sessions and login counters are not copied: people log in once more.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from api.shared.neo4j_accounts import Neo4jAccountStore
from api.shared.neo4j_mappings import Neo4jMappingStore
from graph.errors import StoreUnavailable


@dataclass
class Copied:
    """What one kind of record came to: copied, or there already (left as it was)."""

    copied: int = 0
    kept: int = 0


@dataclass
class MigrationReport:
    accounts: Copied = field(default_factory=Copied)
    tokens: Copied = field(default_factory=Copied)
    mappings: Copied = field(default_factory=Copied)


def accounts_path(source: str) -> Path:
    """The file of ``sqlite:///relative.db``, ``sqlite:////absolute.db`` or a plain path."""
    if source.lower().startswith("sqlite://"):
        source = source[len("sqlite://") :].removeprefix("/")
    return Path(source)


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    try:
        return list(conn.execute(sql))
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise


def migrate_accounts(source: Path, target: Neo4jAccountStore) -> MigrationReport:
    """Copy ``source`` into ``target`` (one transaction per record)."""
    if not source.is_file():
        raise StoreUnavailable(f"Het bestand {source} bestaat niet.")
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"Het bestand {source} kan niet geopend worden: {exc}") from None
    report = MigrationReport()
    try:
        users = _rows(conn, "SELECT username, password_hash, role, wijken FROM users")
        tokens = _rows(conn, "SELECT digest, username, label, created_at FROM tokens")
        mappings = _rows(
            conn, "SELECT name, body, updated_at, updated_by FROM import_mappings ORDER BY name"
        )
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"{source} is geen accountbestand van wijknet: {exc}") from None
    finally:
        conn.close()
    for username, password_hash, role, wijken in users:
        row = {
            "username": username,
            "password_hash": password_hash,
            "role": role,
            "wijken": [w for w in str(wijken or "").split(",") if w],
        }
        _count(report.accounts, target.import_account(row))
    for digest, username, label, created_at in tokens:
        row = {"digest": digest, "username": username, "label": label, "created_at": created_at}
        _count(report.tokens, target.import_token(row))
    store = Neo4jMappingStore(target.db)
    for name, body, updated_at, updated_by in mappings:
        _count(
            report.mappings,
            store.save_raw(str(name), str(body), str(updated_at), str(updated_by), overwrite=False),
        )
    return report


def _count(tally: Copied, copied: bool) -> None:
    if copied:
        tally.copied += 1
    else:
        tally.kept += 1
