"""Saved import mappings in Neo4j: ``(:ImportMapping {name, body, updated_at, updated_by})``.

The same behaviour as ``api.mappings.MappingStore`` (a table of the accounts file), shared
by every app process on the graph's Neo4j server; ``body`` is the mapping as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from api.mappings import MappingStore, SavedMapping
from api.shared.neo4j_db import SharedNeo4j
from importers.mapping import ImportMapping, MappingError

_FIELDS = (
    "RETURN m.name AS name, m.body AS body, m.updated_at AS updated_at, m.updated_by AS updated_by"
)


class Neo4jMappingStore(MappingStore):
    """``MappingStore`` on the Neo4j server of the graph."""

    def __init__(self, db: SharedNeo4j) -> None:
        # no SQLite file: none of MappingStore's own storage is set up
        self.db = db

    def names(self) -> list[str]:
        def work(t: ManagedTransaction) -> list[str]:
            return [
                str(r["name"])
                for r in t.run("MATCH (m:ImportMapping) RETURN m.name AS name ORDER BY m.name")
            ]

        return self.db.read(work)

    def list(self) -> list[SavedMapping]:
        def work(t: ManagedTransaction) -> list[Any]:
            return list(t.run("MATCH (m:ImportMapping) " + _FIELDS + " ORDER BY m.name"))

        return [s for s in (_saved(r) for r in self.db.read(work)) if s is not None]

    def get(self, name: str) -> SavedMapping | None:
        def work(t: ManagedTransaction) -> Any:
            return t.run("MATCH (m:ImportMapping {name: $name}) " + _FIELDS, name=name).single()

        record = self.db.read(work)
        return _saved(record) if record else None

    def save(self, name: str, mapping: ImportMapping, *, by: str) -> SavedMapping:
        mapping = mapping.model_copy(update={"naam": name})
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.save_raw(name, mapping.to_json(), now, by, overwrite=True)
        return SavedMapping(name, mapping, now, by)

    def save_raw(self, name: str, body: str, updated_at: str, by: str, *, overwrite: bool) -> bool:
        """Keep ``body`` under ``name``; without ``overwrite`` an existing one stays (False)."""

        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MERGE (m:ImportMapping {name: $name})"
                " ON CREATE SET m._new = true"
                " WITH m, coalesce(m._new, false) AS created REMOVE m._new"
                " FOREACH (_ IN CASE WHEN created OR $overwrite THEN [1] ELSE [] END |"
                " SET m.body = $body, m.updated_at = $at, m.updated_by = $by)"
                " RETURN created",
                name=name,
                body=body,
                at=updated_at,
                by=by,
                overwrite=overwrite,
            ).single(strict=True)
            return bool(record["created"])

        return self.db.write(work)

    def delete(self, name: str) -> bool:
        def work(t: ManagedTransaction) -> bool:
            record = t.run(
                "MATCH (m:ImportMapping {name: $name}) DELETE m RETURN count(*) AS n", name=name
            ).single(strict=True)
            return bool(record["n"])

        return self.db.write(work)


def _saved(record: Any) -> SavedMapping | None:
    try:
        mapping = ImportMapping.load(str(record["name"]), str(record["body"]).encode())
    except MappingError:
        return None
    return SavedMapping(
        str(record["name"]), mapping, str(record["updated_at"]), str(record["updated_by"])
    )
