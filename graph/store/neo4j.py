"""The Neo4j backend of ``GraphStore``, through the official ``neo4j`` driver.

The graph in the database::

    (:Wijk {slug, version, changes, doc})
    (:Actor {id, kind, name, organisation, since, until, version, doc})-[:ACTIVE_IN]->(:Wijk)
    (:Actor)-[:LINK {id, kind, since, until, version, doc}]->(:Actor)
    (:Decision {key, wijk, a, b, doc})
    (:AuditEntry {seq, entity, entity_id, wijken, doc})
    (:Counter {name: "audit", value})

``doc`` holds the whole record as JSON (``graph.store.common.dumps``); the other properties
are copies that Cypher matches, filters and orders on. Dates are ISO strings
(``YYYY-MM-DD`` sorts as it compares). ``changes`` is the wijk's change counter.

How it talks to Neo4j: one driver per store (thread-safe), one short session per call,
managed transactions (``execute_read`` / ``execute_write``, retried on transient errors),
Cypher with ``$parameters`` only. A write locks the record before it reads the version
(``SET n._lock = true REMOVE n._lock``), so of two writers of one version only one wins.
Driver errors become ``graph.errors`` in one place, ``Neo4jStore._translated``.
A store remembers the JSON of its last few snapshots with the wijk's change counter: a
repeated snapshot then reads only the counter, and parses the remembered documents when
it has not moved.
``bulk_upsert`` lives in ``graph.store.neo4j_bulk``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ConstraintError,
    DatabaseError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from pydantic import BaseModel, TypeAdapter

from graph.errors import Conflict, InvalidData, NotFound, StoreUnavailable
from graph.model import (
    Actor,
    ActorIn,
    AuditEntry,
    BulkResult,
    Decision,
    Health,
    Link,
    LinkIn,
    Snapshot,
    Wijk,
    WijkIn,
    new_id,
    utcnow,
)
from graph.store import neo4j_bulk as bulk
from graph.store.common import (
    Erasure,
    actor_errors,
    apply_changes,
    doc,
    dumps,
    gc_paused,
    link_errors,
    merged_decision,
    merged_ids,
    plan_merge,
    same_actor_error,
    stable_link_id,
    validated,
)

__all__ = ["Neo4jStore"]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

SCHEMA = (
    "CREATE CONSTRAINT wijk_slug IF NOT EXISTS FOR (w:Wijk) REQUIRE w.slug IS UNIQUE",
    "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT link_id IF NOT EXISTS FOR ()-[r:LINK]-() REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT decision_key IF NOT EXISTS FOR (d:Decision) REQUIRE d.key IS UNIQUE",
    "CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE",
    "CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE",
    "CREATE INDEX actor_organisation IF NOT EXISTS FOR (a:Actor) ON (a.organisation)",
    "CREATE INDEX decision_wijk IF NOT EXISTS FOR (d:Decision) ON (d.wijk)",
    "CREATE INDEX audit_entity IF NOT EXISTS FOR (e:AuditEntry) ON (e.entity_id)",
)

# -- Cypher: labels, types and keys are constants; values always travel as $parameters ----

LOCK = {  # lock, then read: the version read cannot go stale before the commit
    "wijk": """
        MATCH (n:Wijk {slug: $key})
        SET n._lock = true REMOVE n._lock
        RETURN n.doc AS doc, [] AS ends
    """,
    "actor": """
        MATCH (n:Actor {id: $key})
        SET n._lock = true REMOVE n._lock
        RETURN n.doc AS doc, [] AS ends
    """,
    "link": """
        MATCH (s:Actor)-[n:LINK {id: $key}]->(t:Actor)
        SET n._lock = true REMOVE n._lock
        RETURN n.doc AS doc,
               [(s)-[:ACTIVE_IN]->(w) | w.slug] + [(t)-[:ACTIVE_IN]->(w) | w.slug] AS ends
    """,
}
GET = {
    "wijk": "MATCH (n:Wijk {slug: $key}) RETURN n.doc AS doc",
    "actor": "MATCH (n:Actor {id: $key}) RETURN n.doc AS doc",
    "link": "MATCH ()-[n:LINK {id: $key}]->() RETURN n.doc AS doc",
}
LIST = {
    ("wijk", False): "MATCH (w:Wijk) RETURN w.doc AS doc ORDER BY w.slug",
    ("actor", False): "MATCH (a:Actor) RETURN a.doc AS doc ORDER BY a.name, a.id",
    ("actor", True): """
        MATCH (:Wijk {slug: $wijk})<-[:ACTIVE_IN]-(a:Actor)
        RETURN a.doc AS doc ORDER BY a.name, a.id
    """,
    ("link", False): "MATCH ()-[r:LINK]->() RETURN r.doc AS doc ORDER BY r.id",
    ("link", True): """
        MATCH (w:Wijk {slug: $wijk})<-[:ACTIVE_IN]-(:Actor)-[r:LINK]->(:Actor)-[:ACTIVE_IN]->(w)
        RETURN r.doc AS doc ORDER BY r.id
    """,
    ("decision", True): "MATCH (d:Decision {wijk: $wijk}) RETURN d.doc AS doc ORDER BY d.a, d.b",
}
KIND_LOCKED = """
    MATCH (n:Actor {id: $key})
    SET n._lock = true REMOVE n._lock
    RETURN n.kind AS kind
"""
LINK_ENDS = """
    OPTIONAL MATCH (s:Actor {id: $source})
    OPTIONAL MATCH (t:Actor {id: $target})
    RETURN s.kind AS source, t.kind AS target,
           [(s)-[:ACTIVE_IN]->(w) | w.slug] + [(t)-[:ACTIVE_IN]->(w) | w.slug] AS wijken
"""
ACTOR_LINKS = """
    MATCH (:Actor {id: $key})-[r:LINK]-(b:Actor)
    RETURN r.doc AS doc, [(b)-[:ACTIVE_IN]->(w) | w.slug] AS ends
"""
MERGE_LINKS = """
    MATCH (a:Actor)-[r:LINK]-(:Actor)
    WHERE a.id IN $keys
    WITH DISTINCT r
    MATCH (s:Actor)-[r]->(t:Actor)
    SET r._lock = true REMOVE r._lock
    RETURN r.doc AS doc, s.id AS source, t.id AS target,
           [(s)-[:ACTIVE_IN]->(w) | w.slug] AS source_wijken,
           [(t)-[:ACTIVE_IN]->(w) | w.slug] AS target_wijken
    ORDER BY r.id
"""
MERGE_WORKERS = """
    MATCH (p:Actor {organisation: $key})
    SET p._lock = true REMOVE p._lock
    RETURN p.doc AS doc ORDER BY p.id
"""
LINK_IDS_TAKEN = "UNWIND $keys AS key MATCH ()-[r:LINK {id: key}]->() RETURN r.id"
DELETE_LINKS = "UNWIND $keys AS key MATCH ()-[r:LINK {id: key}]->() DELETE r"
DECISIONS_OF = """
    MATCH (d:Decision) WHERE d.a = $key OR d.b = $key
    SET d._lock = true REMOVE d._lock
    RETURN d.doc AS doc ORDER BY d.wijk, d.a, d.b
"""
DELETE_DECISION = """
    MATCH (d:Decision {key: $key})
    WITH d, d.doc AS doc
    DELETE d
    RETURN doc
"""
CREATE_DECISION = """
    MERGE (d:Decision {key: $key})
    ON CREATE SET d.wijk = $wijk, d.a = $a, d.b = $b, d.doc = $doc, d._new = true
    WITH d, d._new IS NOT NULL AS created
    REMOVE d._new
    RETURN created
"""
TOUCH = """
    UNWIND $slugs AS slug
    MATCH (w:Wijk {slug: slug})
    SET w._lock = true REMOVE w._lock
    WITH w
    SET w.changes = w.changes + 1
    RETURN collect(w.slug) AS found
"""
NEXT_SEQ = """
    MERGE (c:Counter {name: 'audit'})
    ON CREATE SET c.value = 0
    SET c._lock = true REMOVE c._lock
    WITH c
    SET c.value = c.value + $n
    RETURN c.value - $n AS last
"""
SNAPSHOT = """
    MATCH (w:Wijk {slug: $slug})
    CALL (w) {
        MATCH (a:Actor)-[:ACTIVE_IN]->(w)
        WHERE (a.since IS NULL OR a.since <= $day) AND (a.until IS NULL OR a.until >= $day)
        WITH a ORDER BY a.name, a.id
        RETURN collect(a) AS actors
    }
    CALL (w, actors) {
        UNWIND actors AS a
        MATCH (a)-[r:LINK]->(b:Actor)-[:ACTIVE_IN]->(w)
        WHERE (r.since IS NULL OR r.since <= $day) AND (r.until IS NULL OR r.until >= $day)
          AND (b.since IS NULL OR b.since <= $day) AND (b.until IS NULL OR b.until >= $day)
        WITH r ORDER BY r.id
        RETURN collect(r.doc) AS links
    }
    RETURN w.doc AS wijk, w.changes AS changes, [a IN actors | a.doc] AS actors, links
"""
SNAPSHOT_STAMP = "MATCH (w:Wijk {slug: $slug}) RETURN w.doc AS wijk, w.changes AS changes"
AUDIT_LOG = {  # (entity_id given, wijk given) -> query
    (False, False): "MATCH (e:AuditEntry) RETURN e.doc AS doc ORDER BY e.seq DESC LIMIT $limit",
    (True, False): """
        MATCH (e:AuditEntry {entity_id: $entity_id})
        RETURN e.doc AS doc ORDER BY e.seq DESC LIMIT $limit
    """,
    (False, True): """
        MATCH (e:AuditEntry) WHERE $wijk IN e.wijken
        RETURN e.doc AS doc ORDER BY e.seq DESC LIMIT $limit
    """,
    (True, True): """
        MATCH (e:AuditEntry {entity_id: $entity_id}) WHERE $wijk IN e.wijken
        RETURN e.doc AS doc ORDER BY e.seq DESC LIMIT $limit
    """,
}
ERASE_MERGES = "MATCH (e:AuditEntry) WHERE e.doc CONTAINS $marker RETURN e.doc AS doc"
ERASE_ACTORS = """
    UNWIND $keys AS key
    MATCH (a:Actor {id: key})
    SET a._lock = true REMOVE a._lock
    RETURN a.doc AS doc
"""
ERASE_HISTORY = """
    UNWIND $keys AS key
    MATCH (e:AuditEntry {entity_id: key})
    RETURN e.seq AS seq, e.doc AS doc
"""
ERASE_TEXTS = {  # the stored documents that may hold one of the $needles
    "audit": """
        MATCH (e:AuditEntry) WHERE any(n IN $needles WHERE e.doc CONTAINS n)
        RETURN e.seq AS seq, e.doc AS doc
    """,
    "actor": """
        MATCH (a:Actor) WHERE NOT a.id IN $keys AND any(n IN $needles WHERE a.doc CONTAINS n)
        SET a._lock = true REMOVE a._lock
        RETURN a.doc AS doc ORDER BY a.id
    """,
    "link": """
        MATCH (s:Actor)-[r:LINK]->(t:Actor) WHERE any(n IN $needles WHERE r.doc CONTAINS n)
        SET r._lock = true REMOVE r._lock
        RETURN r.doc AS doc,
               [(s)-[:ACTIVE_IN]->(w) | w.slug] + [(t)-[:ACTIVE_IN]->(w) | w.slug] AS ends
        ORDER BY r.id
    """,
    "decision": """
        MATCH (d:Decision) WHERE any(n IN $needles WHERE d.doc CONTAINS n)
        SET d._lock = true REMOVE d._lock
        RETURN d.key AS key, d.doc AS doc ORDER BY d.key
    """,
}
REWRITE_AUDIT = "UNWIND $rows AS row MATCH (e:AuditEntry {seq: row.seq}) SET e.doc = row.doc"
REWRITE_DECISION = "MATCH (d:Decision {key: $key}) SET d.doc = $doc"

WHAT = {"wijk": "De wijk", "actor": "De actor", "link": "De verbinding"}
ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "wijk": TypeAdapter(list[Wijk]),
    "actor": TypeAdapter(list[Actor]),
    "link": TypeAdapter(list[Link]),
    "decision": TypeAdapter(list[Decision]),
}
AuditItem = tuple[str, str, str, Sequence[str], Any, Any]
"""(action, entity, entity_id, wijken, before, after): one audit entry to append; before
and after are documents (dicts), their JSON text, or None."""


class Neo4jStore:
    """``GraphStore`` on a Neo4j 5 server (Community or Enterprise, single or cluster)."""

    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        *,
        connection_timeout: float = 10.0,
        max_transaction_retry_time: float = 10.0,
        snapshot_cache: int = 8,
    ) -> None:
        self.uri = uri
        self._database = database
        # the JSON of the last snapshots read, by (wijk, day), with the counter they had
        self._cache_size = snapshot_cache
        self._snapshots: OrderedDict[tuple[str, str], tuple[tuple[Any, Any], str]] = OrderedDict()
        self._cache_lock = threading.Lock()
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connection_timeout,
                max_transaction_retry_time=max_transaction_retry_time,
                warn_notification_severity="OFF",
                user_agent="wijknet",
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"Invalid Neo4j URL {uri!r}: {exc}") from exc
        try:
            with self._translated():
                self._driver.verify_connectivity()
                self._create_schema()
        except BaseException:
            self._driver.close()
            raise

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn the driver's errors into wijknet's, naming the server."""
        try:
            yield
        except ConstraintError as exc:
            raise Conflict(f"De wijziging botst met opgeslagen gegevens ({exc.message}).") from exc
        except AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials: {exc.message}"
            ) from exc
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} cannot be reached: {exc}") from exc
        except ClientError as exc:
            code = exc.code or ""
            if code.endswith("EntityNotFound"):  # deleted by a concurrent write
                raise Conflict("Het record is intussen gewijzigd; probeer het opnieuw.") from exc
            if ".Database." in code or ".Security." in code:
                raise StoreUnavailable(f"Neo4j at {self.uri}: {exc.message}") from exc
            raise
        except (TransientError, DatabaseError) as exc:
            if "MemoryPoolOutOfMemory" in (exc.code or ""):
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} has too little transaction memory for this write "
                    f"({exc.message}); give the server more heap or a higher "
                    "dbms.memory.transaction.total.max, or import in parts"
                ) from exc
            raise StoreUnavailable(f"Neo4j at {self.uri} failed: {exc.message}") from exc
        except DriverError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri}: {exc}") from exc

    def _create_schema(self) -> None:
        for statement in SCHEMA:
            try:
                self._driver.execute_query(statement, database_=self._database)
            except ClientError as exc:  # another store created it at the same moment
                if "AlreadyExists" not in (exc.code or ""):
                    raise

    def _run(self, write: bool, work: Callable[..., T], **params: Any) -> T:
        """Run ``work(tx, **params)`` in one managed transaction of a short session."""
        with self._translated(), self._driver.session(
            database=self._database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        ) as session:
            execute = session.execute_write if write else session.execute_read
            return execute(work, **params)

    def _docs(self, query: str, **params: Any) -> list[str]:
        return self._run(False, _column, query=query, **params)

    def _get(self, entity: str, key: str) -> str:
        found = self._docs(GET[entity], key=key)
        if not found:
            raise NotFound(f"{WHAT[entity]} {key!r} bestaat niet.")
        return found[0]

    # -- lifecycle -----------------------------------------------------------------------

    def health(self) -> Health:
        """Report whether the database answers (never raises)."""
        try:
            with self._translated():
                info = self._driver.get_server_info()
                self._driver.execute_query("RETURN 1", database_=self._database)
            return Health(ok=True, backend=self.backend, detail=f"{info.agent} at {self.uri}")
        except Exception as exc:  # noqa: BLE001 - health reports, it never raises
            return Health(ok=False, backend=self.backend, detail=str(exc) or type(exc).__name__)

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        self._driver.close()

    # -- wijken --------------------------------------------------------------------------

    def create_wijk(self, data: WijkIn, *, by: str) -> Wijk:
        """Create a wijk; ``Conflict`` if its slug exists."""
        wijk = _new(Wijk, bulk.as_input(WijkIn, data), {})

        def work(tx: ManagedTransaction) -> None:
            if _first(tx, GET["wijk"], key=wijk.slug) is not None:
                raise Conflict(f"Er is al een wijk met de korte naam {wijk.slug!r}.")
            _save(tx, "wijk", wijk, created=True)
            _audit(tx, by, [("create", "wijk", wijk.slug, [wijk.slug], None, doc(wijk))])

        self._run(True, work)
        return wijk

    def get_wijk(self, slug: str) -> Wijk:
        """Return one wijk; ``NotFound`` if absent."""
        return Wijk.model_validate_json(self._get("wijk", slug))

    def list_wijken(self) -> list[Wijk]:
        """All wijken, ordered by slug."""
        return _parse_many("wijk", self._docs(LIST["wijk", False]))

    def update_wijk(
        self, slug: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Wijk:
        """Change name, gemeente or cohort; the slug never changes."""

        def work(tx: ManagedTransaction) -> Wijk:
            before, _ = _lock(tx, "wijk", slug, expected_version)
            wijk = _next_version(Wijk, before, apply_changes(Wijk.model_validate(before), changes))
            _save(tx, "wijk", wijk)
            _touch(tx, [slug])
            _audit(tx, by, [("update", "wijk", slug, [slug], before, doc(wijk))])
            return wijk

        return self._run(True, work)

    def delete_wijk(self, slug: str, *, expected_version: int, by: str) -> None:
        """Delete an empty wijk; ``Conflict`` while actors are still active in it."""

        def work(tx: ManagedTransaction) -> None:
            before, _ = _lock(tx, "wijk", slug, expected_version)
            count = "MATCH (w:Wijk {slug: $key}) RETURN COUNT { (w)<-[:ACTIVE_IN]-() } AS n"
            actors = _first(tx, count, key=slug)
            if actors:
                raise Conflict(
                    f"De wijk {slug!r} heeft nog {actors} actor(en); haal die eerst uit de wijk.",
                    details={"actors": actors},
                )
            tx.run(
                """
                MATCH (w:Wijk {slug: $key})
                CALL (w) { MATCH (d:Decision {wijk: w.slug}) DELETE d }
                DELETE w
                """,
                key=slug,
            )
            _audit(tx, by, [("delete", "wijk", slug, [slug], before, None)])

        self._run(True, work)

    # -- actors --------------------------------------------------------------------------

    def create_actor(self, data: ActorIn, *, by: str) -> Actor:
        """Create an actor (id generated when absent); its wijken and organisation must exist."""
        data = bulk.as_input(ActorIn, data)
        actor = _new(Actor, data, {"id": data.id or new_id("a")})

        def work(tx: ManagedTransaction) -> None:
            if _first(tx, GET["actor"], key=actor.id) is not None:
                raise Conflict(f"Er is al een actor met id {actor.id!r}.")
            _check_actor(tx, actor, _touch(tx, actor.wijken))
            _save(tx, "actor", actor, created=True)
            _audit(tx, by, [("create", "actor", actor.id, actor.wijken, None, doc(actor))])

        self._run(True, work)
        return actor

    def get_actor(self, actor_id: str) -> Actor:
        """Return one actor; ``NotFound`` if absent."""
        return Actor.model_validate_json(self._get("actor", actor_id))

    def list_actors(self, wijk: str | None = None) -> list[Actor]:
        """Actors, of one wijk or all, ordered by name then id."""
        return _parse_many("actor", self._docs(LIST["actor", wijk is not None], wijk=wijk))

    def update_actor(
        self, actor_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Actor:
        """Apply ``changes`` (field -> new value), re-validate the whole actor, bump version."""

        def work(tx: ManagedTransaction) -> Actor:
            before, _ = _lock(tx, "actor", actor_id, expected_version)
            data = apply_changes(Actor.model_validate(before), changes)
            actor = _next_version(Actor, before, data)
            wijken = sorted(set(before["wijken"]) | set(actor.wijken))
            _check_actor(tx, actor, _touch(tx, wijken))
            _save(tx, "actor", actor)
            _audit(tx, by, [("update", "actor", actor_id, wijken, before, doc(actor))])
            return actor

        return self._run(True, work)

    def delete_actor(self, actor_id: str, *, expected_version: int, by: str) -> None:
        """Delete an actor and its links; ``Conflict`` while professionals work there."""

        def work(tx: ManagedTransaction) -> None:
            before, _ = _lock(tx, "actor", actor_id, expected_version)
            workers = _column(
                tx, "MATCH (p:Actor {organisation: $key}) RETURN p.id ORDER BY p.id", key=actor_id
            )
            if workers:
                raise Conflict(
                    f"Bij {actor_id!r} werken nog {len(workers)} professional(s) "
                    f"({', '.join(workers[:5])}); wijzig of verwijder die eerst.",
                    details={"professionals": workers},
                )
            entries: list[AuditItem] = []
            for row in tx.run(ACTOR_LINKS, key=actor_id):
                link = json.loads(row["doc"])
                wijken = sorted(set(before["wijken"]) | set(row["ends"]))
                entries.append(("delete", "link", link["id"], wijken, link, None))
            tx.run("MATCH (a:Actor {id: $key}) DETACH DELETE a", key=actor_id)
            entries.append(("delete", "actor", actor_id, before["wijken"], before, None))
            _touch(tx, [w for entry in entries for w in entry[3]])
            _audit(tx, by, entries)

        self._run(True, work)

    def merge_actors(
        self,
        keep_id: str,
        drop_id: str,
        *,
        expected_versions: tuple[int, int] | None = None,
        by: str,
    ) -> Actor:
        """Merge actor ``drop_id`` into ``keep_id`` and delete ``drop_id``, in one transaction
        (see ``GraphStore.merge_actors``)."""
        if keep_id == drop_id:
            raise InvalidData([same_actor_error()])
        keep_version, drop_version = expected_versions or (None, None)

        def work(tx: ManagedTransaction) -> Actor:
            keep_doc, _ = _lock(tx, "actor", keep_id, keep_version)
            drop_doc, _ = _lock(tx, "actor", drop_id, drop_version)
            keep, drop = Actor.model_validate(keep_doc), Actor.model_validate(drop_doc)
            stored: dict[str, dict[str, Any]] = {}  # link id -> document
            wijken_of: dict[str, list[str]] = {}  # actor id -> wijken, as they are now
            for row in tx.run(MERGE_LINKS, keys=[keep_id, drop_id]):
                link = json.loads(row["doc"])
                stored[link["id"]] = link
                wijken_of[row["source"]] = row["source_wijken"]
                wijken_of[row["target"]] = row["target_wijken"]
            workers = {}  # professional id -> document
            for text in _column(tx, MERGE_WORKERS, key=drop_id):
                document = json.loads(text)
                workers[document["id"]] = document
            links = _parse_many("link", [dumps(d) for d in stored.values()])
            candidates = _merge_link_ids(drop_id, keep_id, links)
            taken = set(_column(tx, LINK_IDS_TAKEN, keys=candidates))
            merge = plan_merge(
                keep,
                drop,
                links,
                [Actor.model_validate(d) for d in workers.values()],
                taken.__contains__,
            )
            entries: list[AuditItem] = []
            for link in merge.deleted:
                wijken = [*wijken_of[link.source], *wijken_of[link.target]]
                entries.append(("delete", "link", link.id, wijken, stored[link.id], None))
            tx.run(DELETE_LINKS, keys=[lk.id for lk in merge.deleted]).consume()
            actor = _next_version(Actor, keep_doc, merge.actor)
            _save(tx, "actor", actor)
            entries.append(
                ("update", "actor", keep_id, [*keep.wijken, *actor.wijken], keep_doc, doc(actor))
            )
            wijken_of[keep_id] = actor.wijken
            for new_link in merge.created:
                created = _new(Link, new_link, {})
                _save(tx, "link", created, created=True)
                wijken = [*wijken_of[created.source], *wijken_of[created.target]]
                entries.append(("create", "link", created.id, wijken, None, doc(created)))
            for changed in merge.updated:
                before = stored[changed.id]
                updated = _next_version(Link, before, changed)
                _save(tx, "link", updated)
                wijken = [*wijken_of[updated.source], *wijken_of[updated.target]]
                entries.append(("update", "link", updated.id, wijken, before, doc(updated)))
            for worker in merge.professionals:
                before = workers[worker.id]
                professional = _next_version(Actor, before, worker)
                _save(tx, "actor", professional)
                wijken = professional.wijken
                entries.append(("update", "actor", worker.id, wijken, before, doc(professional)))
            for text in _column(tx, DECISIONS_OF, key=drop_id):
                decision = Decision.model_validate_json(text)
                key = f"{decision.wijk}|{decision.a}|{decision.b}"
                tx.run(DELETE_DECISION, key=key).consume()
                pair = f"{decision.a}|{decision.b}"
                entries.append(("decide", "decision", pair, [decision.wijk], text, None))
                moved = merged_decision(decision, keep_id, drop_id)
                if moved is None:
                    continue
                moved_doc = dumps(doc(moved))
                created = _first(
                    tx,
                    CREATE_DECISION,
                    key=f"{moved.wijk}|{moved.a}|{moved.b}",
                    wijk=moved.wijk,
                    a=moved.a,
                    b=moved.b,
                    doc=moved_doc,
                )
                if created:
                    pair = f"{moved.a}|{moved.b}"
                    entries.append(("decide", "decision", pair, [moved.wijk], None, moved_doc))
            tx.run("MATCH (a:Actor {id: $key}) DETACH DELETE a", key=drop_id).consume()
            merged = {"merged_into": keep_id}
            entries.append(("merge", "actor", drop_id, drop.wijken, drop_doc, merged))
            _touch(tx, [w for entry in entries for w in entry[3]])
            _audit(tx, by, entries)
            return actor

        return self._run(True, work)

    # -- links ---------------------------------------------------------------------------

    def create_link(self, data: LinkIn, *, by: str) -> Link:
        """Create a link between two existing actors; ``InvalidData`` for an unknown end."""
        data = bulk.as_input(LinkIn, data)
        link = _new(Link, data, {"id": data.id or new_id("l")})

        def work(tx: ManagedTransaction) -> None:
            if _first(tx, GET["link"], key=link.id) is not None:
                raise Conflict(f"Er is al een verbinding met id {link.id!r}.")
            ends = tx.run(LINK_ENDS, source=link.source, target=link.target).single(strict=True)
            kinds = {link.source: ends["source"], link.target: ends["target"]}
            errors = link_errors(link, kinds.get)
            if errors:
                raise InvalidData(errors)
            _save(tx, "link", link, created=True)
            wijken = sorted(set(ends["wijken"]))
            _touch(tx, wijken)
            _audit(tx, by, [("create", "link", link.id, wijken, None, doc(link))])

        self._run(True, work)
        return link

    def get_link(self, link_id: str) -> Link:
        """Return one link; ``NotFound`` if absent."""
        return Link.model_validate_json(self._get("link", link_id))

    def list_links(self, wijk: str | None = None) -> list[Link]:
        """Links, all or those whose two ends are both active in ``wijk``, ordered by id."""
        return _parse_many("link", self._docs(LIST["link", wijk is not None], wijk=wijk))

    def update_link(
        self, link_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Link:
        """Apply ``changes`` to a link (its ends may not change), bump version."""

        def work(tx: ManagedTransaction) -> Link:
            before, ends = _lock(tx, "link", link_id, expected_version)
            link = _next_version(Link, before, apply_changes(Link.model_validate(before), changes))
            _save(tx, "link", link)
            _touch(tx, ends)
            _audit(tx, by, [("update", "link", link_id, ends, before, doc(link))])
            return link

        return self._run(True, work)

    def delete_link(self, link_id: str, *, expected_version: int, by: str) -> None:
        """Delete one link."""

        def work(tx: ManagedTransaction) -> None:
            before, ends = _lock(tx, "link", link_id, expected_version)
            tx.run("MATCH ()-[r:LINK {id: $key}]->() DELETE r", key=link_id)
            _touch(tx, ends)
            _audit(tx, by, [("delete", "link", link_id, ends, before, None)])

        self._run(True, work)

    # -- reads for analysis --------------------------------------------------------------

    def snapshot(self, wijk: str, as_of: date | None = None) -> Snapshot:
        """Actors of ``wijk`` existing on ``as_of`` (default today) and the links among them
        existing that day, with the wijk's change counter, in one read."""
        day = (as_of or date.today()).isoformat()
        key = (wijk, day)
        with self._cache_lock:
            cached = self._snapshots.get(key)
        if cached is not None:
            # unchanged counter and wijk: no write touched the wijk since (a recreated wijk
            # has another creation time), so the documents read then are still the ones
            row = self._run(False, _row, query=SNAPSHOT_STAMP, slug=wijk)
            if row is None:
                raise NotFound(f"De wijk {wijk!r} bestaat niet.")
            if (row["changes"], row["wijk"]) == cached[0]:
                return _parse_snapshot(cached[1])
        row = self._run(False, _row, query=SNAPSHOT, slug=wijk, day=day)
        if row is None:
            raise NotFound(f"De wijk {wijk!r} bestaat niet.")
        # the documents are JSON already: join them into one and let pydantic parse it once
        text = (
            f'{{"wijk":{row["wijk"]},"as_of":"{day}","actors":[{",".join(row["actors"])}],'
            f'"links":[{",".join(row["links"])}],"change_counter":{int(row["changes"])}}}'
        )
        if self._cache_size:
            with self._cache_lock:
                self._snapshots[key] = ((row["changes"], row["wijk"]), text)
                self._snapshots.move_to_end(key)
                while len(self._snapshots) > self._cache_size:
                    self._snapshots.popitem(last=False)
        return _parse_snapshot(text)

    def change_counter(self, wijk: str) -> int:
        """A number that grows with every write touching the wijk; ``NotFound`` if absent."""
        found = self._docs("MATCH (w:Wijk {slug: $key}) RETURN w.changes", key=wijk)
        if not found:
            raise NotFound(f"De wijk {wijk!r} bestaat niet.")
        return int(found[0])

    # -- bulk ----------------------------------------------------------------------------

    def bulk_upsert(
        self,
        *,
        wijken: Sequence[WijkIn] = (),
        actors: Sequence[ActorIn] = (),
        links: Sequence[LinkIn] = (),
        by: str,
    ) -> BulkResult:
        """Create or replace records matched by slug/id (ids required), all in one
        transaction: one bad record and nothing is written. Unchanged records keep their
        version and are counted as unchanged."""
        batch = bulk.Batch.of(wijken, actors, links)

        def work(tx: ManagedTransaction) -> BulkResult:
            plan = batch.plan(tx, utcnow())
            plan.write(tx)
            _touch(tx, plan.touched)
            _audit(tx, by, plan.entries)
            return plan.result

        return self._run(True, work)

    # -- keeping the map current ---------------------------------------------------------

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        """Record that ``by`` confirmed the actor is still true, now (version unchanged)."""
        return self._confirm("actor", Actor, actor_id, by)

    def confirm_link(self, link_id: str, *, by: str) -> Link:
        """Record that ``by`` confirmed the link is still true, now (version unchanged)."""
        return self._confirm("link", Link, link_id, by)

    def _confirm(self, entity: str, model: type[M], key: str, by: str) -> M:
        confirmed = {"at": utcnow(), "by": by}

        def work(tx: ManagedTransaction) -> M:
            before, ends = _lock(tx, entity, key, None)
            record = validated(model, before | {"confirmed": confirmed})
            wijken = before["wijken"] if entity == "actor" else ends
            _save(tx, entity, record)
            _touch(tx, wijken)
            _audit(tx, by, [("confirm", entity, key, wijken, before, doc(record))])
            return record

        return self._run(True, work)

    # -- privacy -------------------------------------------------------------------------

    def erase_personal_data(self, actor_id: str, *, by: str) -> Actor | None:
        """Erase a person's names and contact details everywhere wijknet keeps them, with
        every actor merged into it (see ``GraphStore.erase_personal_data``)."""

        def work(tx: ManagedTransaction) -> Actor | None:
            merges = []
            for row in tx.run(ERASE_MERGES, marker='"merged_into":'):
                entry = json.loads(row["doc"])
                if entry["action"] == "merge" and entry["entity"] == "actor":
                    merges.append((entry["entity_id"], (entry["after"] or {}).get("merged_into")))
            erasure = Erasure(merged_ids(actor_id, merges))
            ids = sorted(erasure.ids)
            live = {d["id"]: d for d in map(json.loads, _column(tx, ERASE_ACTORS, keys=ids))}
            history = []  # (seq, entry) of the person's own actors
            for row in tx.run(ERASE_HISTORY, keys=ids):
                entry = json.loads(row["doc"])
                if entry["entity"] == "actor":  # not a link or decision with the same id
                    history.append((row["seq"], entry))
            own = sorted((seq, e) for seq, e in history if e["entity_id"] == actor_id)
            if actor_id not in live and not own:
                raise NotFound(f"De actor {actor_id!r} bestaat niet.")
            for document in live.values():
                erasure.collect(document)
            for _, entry in history:
                erasure.collect(entry["before"])
                erasure.collect(entry["after"])
            # the audit log first: the entries of this erasure are written clean
            needles = erasure.needles
            found = {seq: entry for seq, entry in history}
            if needles:
                for row in tx.run(ERASE_TEXTS["audit"], needles=needles):
                    found.setdefault(row["seq"], json.loads(row["doc"]))
            rows = []
            for seq, entry in found.items():
                mine = entry["entity"] == "actor" and entry["entity_id"] in erasure.ids
                clean = erasure.erased if mine else erasure.scrub
                new = entry | {side: clean(entry[side]) for side in ("before", "after")}
                if new != entry:
                    rows.append({"seq": seq, "doc": dumps(new)})
            tx.run(REWRITE_AUDIT, rows=rows).consume()
            # the person's own actors lose the personal data
            entries: list[AuditItem] = []
            erased = None
            for record_id in ids:
                if record_id not in live:
                    continue
                before = live[record_id]
                current = Actor.model_validate(before)
                data = apply_changes(current, erasure.changes(current, own=True))
                actor = _next_version(Actor, before, data)
                _save(tx, "actor", actor)
                wijken = [*current.wijken, *actor.wijken]
                clean = erasure.erased(before)
                entries.append(("erase", "actor", record_id, wijken, clean, doc(actor)))
                if record_id == actor_id:
                    erased = actor
            if erased is None:  # the actor exists only in the audit log
                entries.append(("erase", "actor", actor_id, own[-1][1]["wijken"], None, None))
            # free texts of every other record
            if needles:
                for row in tx.run(ERASE_TEXTS["actor"], needles=needles, keys=ids):
                    before = json.loads(row["doc"])
                    current = Actor.model_validate(before)
                    changes = erasure.changes(current)
                    if changes:
                        actor = _next_version(Actor, before, apply_changes(current, changes))
                        _save(tx, "actor", actor)
                        wijken = [*current.wijken, *actor.wijken]
                        entries.append(
                            ("erase", "actor", actor.id, wijken, erasure.scrub(before), doc(actor))
                        )
                for row in tx.run(ERASE_TEXTS["link"], needles=needles):
                    before = json.loads(row["doc"])
                    current = Link.model_validate(before)
                    changes = erasure.changes(current)
                    if changes:
                        link = _next_version(Link, before, apply_changes(current, changes))
                        _save(tx, "link", link)
                        clean = erasure.scrub(before)
                        entries.append(("erase", "link", link.id, row["ends"], clean, doc(link)))
                for row in tx.run(ERASE_TEXTS["decision"], needles=needles):
                    before = json.loads(row["doc"])
                    scrubbed = erasure.scrub(before)
                    if scrubbed != before:
                        text = dumps(scrubbed)
                        tx.run(REWRITE_DECISION, key=row["key"], doc=text).consume()
                        pair = f"{scrubbed['a']}|{scrubbed['b']}"
                        entries.append(("erase", "decision", pair, [scrubbed["wijk"]], text, text))
            _touch(tx, [w for entry in entries for w in entry[3]])
            _audit(tx, by, entries)
            return erased

        return self._run(True, work)

    # -- decisions on suggestions --------------------------------------------------------

    def record_decision(self, decision: Decision) -> Decision:
        """Store (or replace) the verdict on the pair ``decision.a``-``decision.b``."""
        decision = validated(Decision, decision)

        def work(tx: ManagedTransaction) -> None:
            if not _touch(tx, [decision.wijk]):
                raise NotFound(f"De wijk {decision.wijk!r} bestaat niet.")
            before = _first(
                tx,
                """
                MERGE (d:Decision {key: $key})
                WITH d, d.doc AS before
                SET d.wijk = $wijk, d.a = $a, d.b = $b, d.doc = $doc
                RETURN before
                """,
                key=f"{decision.wijk}|{decision.a}|{decision.b}",
                wijk=decision.wijk,
                a=decision.a,
                b=decision.b,
                doc=dumps(doc(decision)),
            )
            old = json.loads(before) if before else None
            pair = f"{decision.a}|{decision.b}"
            _audit(
                tx, decision.by, [("decide", "decision", pair, [decision.wijk], old, doc(decision))]
            )

        self._run(True, work)
        return decision

    def list_decisions(self, wijk: str) -> list[Decision]:
        """All verdicts of one wijk."""
        return _parse_many("decision", self._docs(LIST["decision", True], wijk=wijk))

    def delete_decision(self, wijk: str, a: str, b: str, *, by: str) -> None:
        """Remove the verdict on the pair ``a``-``b`` (either order), so it can be suggested
        again; audited as ``decide`` with ``after`` None. ``NotFound`` if there is none."""
        a, b = sorted((a, b))

        def work(tx: ManagedTransaction) -> None:
            before = _first(tx, DELETE_DECISION, key=f"{wijk}|{a}|{b}")
            if before is None:
                raise NotFound(f"Er is geen besluit over {a!r} en {b!r} in de wijk {wijk!r}.")
            _touch(tx, [wijk])
            _audit(tx, by, [("decide", "decision", f"{a}|{b}", [wijk], before, None)])

        self._run(True, work)

    # -- audit ---------------------------------------------------------------------------

    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally of one record or one wijk."""
        query = AUDIT_LOG[entity_id is not None, wijk is not None]
        docs = self._docs(query, entity_id=entity_id, wijk=wijk, limit=max(0, int(limit)))
        return [AuditEntry.model_validate_json(d) for d in docs]


# -- records -------------------------------------------------------------------------------


def _new(model: type[M], data: BaseModel, extra: dict[str, Any]) -> M:
    now = utcnow()
    fields = data.model_dump() | extra
    return model.model_validate(fields | {"version": 1, "created_at": now, "updated_at": now})


def _next_version(model: type[M], before: dict[str, Any], data: BaseModel) -> M:
    """The stored record after a change: new input fields, next version, updated now."""
    kept = {"created_at": before["created_at"], "confirmed": before.get("confirmed")}
    return model.model_validate(
        data.model_dump() | kept | {"version": before["version"] + 1, "updated_at": utcnow()}
    )


def _parse_many(entity: str, docs: Sequence[str]) -> list[Any]:
    """Parse stored JSON documents in one go (much faster than one model at a time)."""
    return ADAPTERS[entity].validate_json("[" + ",".join(docs) + "]")


def _merge_link_ids(drop_id: str, keep_id: str, links: Sequence[Link]) -> list[str]:
    """The ids the links of ``drop_id`` would get when re-created on ``keep_id``."""
    out = []
    for link in links:
        source = keep_id if link.source == drop_id else link.source
        target = keep_id if link.target == drop_id else link.target
        if drop_id in (link.source, link.target) and source != target:
            out.append(stable_link_id(link.kind, source, target))
    return out


# -- pieces of a transaction ---------------------------------------------------------------


def _parse_snapshot(text: str) -> Snapshot:
    with gc_paused():
        return Snapshot.model_validate_json(text)


def _column(tx: ManagedTransaction, query: str, **params: Any) -> list[Any]:
    """The first column of every row."""
    return [row[0] for row in tx.run(query, params)]


def _first(tx: ManagedTransaction, query: str, **params: Any) -> Any:
    """The first column of the first row, or None."""
    rows = _column(tx, query, **params)
    return rows[0] if rows else None


def _row(tx: ManagedTransaction, query: str, **params: Any) -> Any:
    return tx.run(query, params).single()


def _lock(
    tx: ManagedTransaction, entity: str, key: str, expected_version: int | None
) -> tuple[dict[str, Any], list[str]]:
    """Lock a record, then read it: its document and (for a link) its ends' wijken."""
    row = tx.run(LOCK[entity], key=key).single()
    if row is None:
        raise NotFound(f"{WHAT[entity]} {key!r} bestaat niet.")
    current = json.loads(row["doc"])
    if expected_version is not None and current["version"] != expected_version:
        raise Conflict(
            f"{WHAT[entity]} {key!r} is intussen door iemand anders gewijzigd (versie "
            f"{current['version']}, u had versie {expected_version}). Laad opnieuw en "
            "probeer het nog eens.",
            details={"version": current["version"]},
        )
    return current, sorted(set(row["ends"]))


def _save(tx: ManagedTransaction, entity: str, record: BaseModel, created: bool = False) -> None:
    """Create or update one record with the statements ``bulk_upsert`` uses for many."""
    tx.run(bulk.WRITE[entity, created], rows=[bulk.row(entity, doc(record))])


def _check_actor(tx: ManagedTransaction, actor: Actor, found_wijken: list[str]) -> None:
    """``InvalidData`` unless the actor's wijken exist and its organisation is one."""

    def kind_of(actor_id: str) -> str | None:  # locked: it cannot vanish before the commit
        return _first(tx, KIND_LOCKED, key=actor_id)

    errors = actor_errors(actor, set(found_wijken).__contains__, kind_of)
    if errors:
        raise InvalidData(errors)


def _touch(tx: ManagedTransaction, slugs: Sequence[str] | set[str]) -> list[str]:
    """Raise the change counters of these wijken (locked in slug order); those found."""
    if not slugs:
        return []
    return tx.run(TOUCH, slugs=sorted(set(slugs))).single(strict=True)["found"]


def _audit(tx: ManagedTransaction, by: str, entries: Sequence[AuditItem]) -> None:
    """Append one audit entry per record, numbered from the (locked) audit counter."""
    if not entries:
        return
    last = tx.run(NEXT_SEQ, n=len(entries)).single(strict=True)["last"]
    at = utcnow().isoformat()
    rows = []
    for seq, (action, entity, entity_id, wijken, before, after) in enumerate(entries, last + 1):
        wijken = sorted(set(wijken))
        head = dumps({
            "seq": seq, "at": at, "by": by, "action": action, "entity": entity,
            "entity_id": entity_id, "wijken": wijken,
        })  # fmt: skip
        text = f'{head[:-1]},"before":{_json(before)},"after":{_json(after)}}}'
        rows.append([seq, entity_id, wijken, text])
    for start in range(0, len(rows), bulk.BATCH):  # results are read at the commit
        tx.run(bulk.ADD_AUDIT, rows=rows[start : start + bulk.BATCH])


def _json(value: Any) -> str:
    """A document as JSON text (as it is when it is text already)."""
    if value is None:
        return "null"
    return value if isinstance(value, str) else dumps(value)
