"""The Cypher the Neo4j store runs. Labels, relationship types and keys are constants;
values always travel as ``$parameters``."""

from __future__ import annotations

from typing import LiteralString, TypeAlias

Cypher: TypeAlias = LiteralString
"""A statement: literal text only, never text built from values, which is what the
driver's ``run`` and ``execute_query`` take (a type checker refuses a built string)."""

SCHEMA: tuple[Cypher, ...] = (
    "CREATE CONSTRAINT wijk_slug IF NOT EXISTS FOR (w:Wijk) REQUIRE w.slug IS UNIQUE",
    "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT link_id IF NOT EXISTS FOR ()-[r:LINK]-() REQUIRE r.id IS UNIQUE",
    "CREATE CONSTRAINT suggestion_step_key IF NOT EXISTS"
    " FOR (s:SuggestionStep) REQUIRE s.key IS UNIQUE",
    "CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE",
    "CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE",
    "CREATE INDEX actor_organisation IF NOT EXISTS FOR (a:Actor) ON (a.organisation)",
    "CREATE INDEX suggestion_step_pair IF NOT EXISTS FOR (s:SuggestionStep) ON (s.pair)",
    "CREATE INDEX suggestion_step_wijk IF NOT EXISTS FOR (s:SuggestionStep) ON (s.wijk)",
    "CREATE INDEX suggestion_step_a IF NOT EXISTS FOR (s:SuggestionStep) ON (s.a)",
    "CREATE INDEX suggestion_step_b IF NOT EXISTS FOR (s:SuggestionStep) ON (s.b)",
    "CREATE INDEX audit_entity IF NOT EXISTS FOR (e:AuditEntry) ON (e.entity_id)",
)

# -- one record ----------------------------------------------------------------------------

LOCK: dict[str, Cypher] = {  # lock, then read: the version read cannot go stale before the commit
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
GET: dict[str, Cypher] = {
    "wijk": "MATCH (n:Wijk {slug: $key}) RETURN n.doc AS doc",
    "actor": "MATCH (n:Actor {id: $key}) RETURN n.doc AS doc",
    "link": "MATCH ()-[n:LINK {id: $key}]->() RETURN n.doc AS doc",
}
LIST: dict[tuple[str, bool], Cypher] = {
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
}
KIND_LOCKED: Cypher = """
    MATCH (n:Actor {id: $key})
    SET n._lock = true REMOVE n._lock
    RETURN n.kind AS kind
"""
LINK_ENDS: Cypher = """
    OPTIONAL MATCH (s:Actor {id: $source})
    OPTIONAL MATCH (t:Actor {id: $target})
    RETURN s.kind AS source, t.kind AS target,
           [(s)-[:ACTIVE_IN]->(w) | w.slug] + [(t)-[:ACTIVE_IN]->(w) | w.slug] AS wijken
"""
ACTOR_LINKS: Cypher = """
    MATCH (:Actor {id: $key})-[r:LINK]-(b:Actor)
    RETURN r.doc AS doc, [(b)-[:ACTIVE_IN]->(w) | w.slug] AS ends
"""
DELETE_WIJK: Cypher = """
    MATCH (w:Wijk {slug: $key})
    CALL (w) { MATCH (s:SuggestionStep {wijk: w.slug}) DELETE s }
    DELETE w
"""
WIJK_ACTORS: Cypher = "MATCH (w:Wijk {slug: $key}) RETURN COUNT { (w)<-[:ACTIVE_IN]-() } AS n"
WORKERS: Cypher = "MATCH (p:Actor {organisation: $key}) RETURN p.id ORDER BY p.id"
DELETE_ACTOR: Cypher = "MATCH (a:Actor {id: $key}) DETACH DELETE a"
DELETE_LINK: Cypher = "MATCH ()-[r:LINK {id: $key}]->() DELETE r"
CHANGE_COUNTER: Cypher = "MATCH (w:Wijk {slug: $key}) RETURN w.changes"

# -- the workflow of suggested pairs -------------------------------------------------------
# A step: (:SuggestionStep {key: "wijk|a|b|n", pair: "wijk|a|b", wijk, a, b, n, doc})

STEP_LAST: Cypher = """
    MATCH (s:SuggestionStep {pair: $pair})
    RETURN s.n AS n, s.doc AS doc ORDER BY s.n DESC LIMIT $limit
"""
ADD_STEPS: Cypher = """
    UNWIND $rows AS row
    CREATE (:SuggestionStep {key: row[0], pair: row[1], wijk: row[2], a: row[3], b: row[4],
                             n: row[5], doc: row[6]})
"""
DELETE_STEP: Cypher = "MATCH (s:SuggestionStep {key: $key}) DELETE s"
DELETE_PAIR: Cypher = """
    MATCH (s:SuggestionStep {pair: $pair})
    WITH s ORDER BY s.n DESC
    WITH collect(s) AS steps, collect(s.doc)[0] AS doc
    FOREACH (s IN steps | DELETE s)
    RETURN doc
"""
HISTORY: dict[str, Cypher] = {
    "pair": "MATCH (s:SuggestionStep {pair: $pair}) RETURN s.doc AS doc ORDER BY s.n",
    "actor": """
        MATCH (s:SuggestionStep {wijk: $wijk}) WHERE s.a = $actor OR s.b = $actor
        RETURN s.doc AS doc ORDER BY s.a, s.b, s.n
    """,
    "wijk": """
        MATCH (s:SuggestionStep {wijk: $wijk})
        RETURN s.doc AS doc ORDER BY s.a, s.b, s.n
    """,
}
STATES: Cypher = """
    MATCH (s:SuggestionStep {wijk: $wijk})
    WITH s ORDER BY s.n DESC
    WITH s.a AS a, s.b AS b, collect(s.doc)[0] AS doc
    RETURN doc ORDER BY a, b
"""
STEP_PAIRS: Cypher = "MATCH (s:SuggestionStep) RETURN DISTINCT s.a AS a, s.b AS b"
CURRENT_OF_PAIRS: Cypher = """
    UNWIND $pairs AS p
    MATCH (s:SuggestionStep {a: p[0], b: p[1]})
    WITH s ORDER BY s.n DESC
    WITH s.pair AS pair, collect(s.doc)[0] AS doc
    RETURN doc ORDER BY pair
"""
LEGACY_DECISIONS: Cypher = """
    MATCH (d:Decision)
    SET d._lock = true REMOVE d._lock
    RETURN d.doc AS doc ORDER BY d.key
"""
DELETE_LEGACY_DECISIONS: Cypher = "MATCH (d:Decision) DELETE d"

# -- merging two actors --------------------------------------------------------------------

MERGE_LINKS: Cypher = """
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
MERGE_WORKERS: Cypher = """
    MATCH (p:Actor {organisation: $key})
    SET p._lock = true REMOVE p._lock
    RETURN p.doc AS doc ORDER BY p.id
"""
MERGE_STEPS: Cypher = """
    MATCH (s:SuggestionStep) WHERE s.a IN $keys OR s.b IN $keys
    SET s._lock = true REMOVE s._lock
    RETURN s.doc AS doc ORDER BY s.wijk, s.a, s.b, s.n
"""
LINK_IDS_TAKEN: Cypher = "UNWIND $keys AS key MATCH ()-[r:LINK {id: key}]->() RETURN r.id"

# -- counters, snapshots and the audit log -------------------------------------------------

TOUCH: Cypher = """
    UNWIND $slugs AS slug
    MATCH (w:Wijk {slug: slug})
    SET w._lock = true REMOVE w._lock
    WITH w
    SET w.changes = w.changes + 1
    RETURN collect(w.slug) AS found
"""
NEXT_SEQ: Cypher = """
    MERGE (c:Counter {name: 'audit'})
    ON CREATE SET c.value = 0
    SET c._lock = true REMOVE c._lock
    WITH c
    SET c.value = c.value + $n
    RETURN c.value - $n AS last
"""
# unsorted: the store sorts the models (cheaper than sorting on the server)
SNAPSHOT_ACTORS: Cypher = """
    MATCH (a:Actor)-[:ACTIVE_IN]->(:Wijk {slug: $slug})
    WHERE (a.since IS NULL OR a.since <= $day) AND (a.until IS NULL OR a.until >= $day)
    RETURN collect(a.doc) AS actors
"""
SNAPSHOT_LINKS: Cypher = """
    MATCH (w:Wijk {slug: $slug})<-[:ACTIVE_IN]-(:Actor)-[r:LINK]->(:Actor)-[:ACTIVE_IN]->(w)
    RETURN collect(r.doc) AS links
"""
"""Every link among the wijk's actors on any day: the snapshot keeps those of its day
between the actors of its day (``graph.store.snapshots``), cheaper in Python than as
filters here."""
SNAPSHOT_STAMP: Cypher = "MATCH (w:Wijk {slug: $slug}) RETURN w.doc AS wijk, w.changes AS changes"
AUDIT_LOG: dict[tuple[bool, bool], Cypher] = {  # (entity_id given, wijk given) -> query
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
# -- erasure -------------------------------------------------------------------------------

ERASE_MERGES: Cypher = "MATCH (e:AuditEntry) WHERE e.doc CONTAINS $marker RETURN e.doc AS doc"
ERASE_ACTORS: Cypher = """
    UNWIND $keys AS key
    MATCH (a:Actor {id: key})
    SET a._lock = true REMOVE a._lock
    RETURN a.doc AS doc
"""
ERASE_HISTORY: Cypher = """
    UNWIND $keys AS key
    MATCH (e:AuditEntry {entity_id: key})
    RETURN e.seq AS seq, e.doc AS doc
"""
ERASE_TEXTS: dict[str, Cypher] = {  # the stored documents that may hold one of the $needles
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
        MATCH (s:SuggestionStep) WHERE any(n IN $needles WHERE s.doc CONTAINS n)
        SET s._lock = true REMOVE s._lock
        RETURN s.key AS key, s.doc AS doc ORDER BY s.key
    """,
}
REWRITE_AUDIT: Cypher = (
    "UNWIND $rows AS row MATCH (e:AuditEntry {seq: row.seq}) SET e.doc = row.doc"
)
REWRITE_STEP: Cypher = "MATCH (s:SuggestionStep {key: $key}) SET s.doc = $doc"

# -- bulk loads --------------------------------------------------------------------------

WRITE: dict[
    tuple[str, bool], Cypher
] = {  # (entity, created) -> statement over $rows (see row()); returns n, the effects
    ("wijk", True): """
        UNWIND $rows AS row
        CREATE (w:Wijk {slug: row[0], doc: row[1], changes: 0})
        RETURN count(w) AS n
    """,
    ("wijk", False): """
        UNWIND $rows AS row
        MATCH (w:Wijk {slug: row[0]})
        SET w.doc = row[1]
        RETURN count(w) AS n
    """,
    ("actor", True): """
        UNWIND $rows AS row
        CREATE (a:Actor {id: row[0], kind: row[1], name: row[2], organisation: row[3],
                         since: row[4], until: row[5], doc: row[6]})
        WITH a, row
        UNWIND row[7] AS slug
        MATCH (w:Wijk {slug: slug})
        CREATE (a)-[:ACTIVE_IN]->(w)
        RETURN count(*) AS n
    """,
    ("actor", False): """
        UNWIND $rows AS row
        MATCH (a:Actor {id: row[0]})
        SET a.name = row[2], a.organisation = row[3], a.since = row[4], a.until = row[5],
            a.doc = row[6]
        WITH a, row
        CALL (a) { MATCH (a)-[r:ACTIVE_IN]->() DELETE r }
        WITH a, row
        UNWIND row[7] AS slug
        MATCH (w:Wijk {slug: slug})
        CREATE (a)-[:ACTIVE_IN]->(w)
        RETURN count(*) AS n
    """,
    ("link", True): """
        UNWIND $rows AS row
        MATCH (s:Actor {id: row[1]})
        MATCH (t:Actor {id: row[2]})
        CREATE (s)-[r:LINK {id: row[0], since: row[3], until: row[4], doc: row[5]}]->(t)
        RETURN count(r) AS n
    """,
    ("link", False): """
        UNWIND $rows AS row
        MATCH ()-[r:LINK {id: row[0]}]->()
        SET r.since = row[3], r.until = row[4], r.doc = row[5]
        RETURN count(r) AS n
    """,
}
ADD_AUDIT: Cypher = """
    UNWIND $rows AS row
    CREATE (:AuditEntry {seq: row[0], entity_id: row[1], wijken: row[2], doc: row[3]})
"""
LOCK_WIJKEN: Cypher = """
    UNWIND $keys AS key
    MATCH (n:Wijk {slug: key})
    SET n._lock = true REMOVE n._lock
    RETURN n.doc AS doc
"""
KNOWN_WIJKEN: Cypher = "UNWIND $keys AS key MATCH (n:Wijk {slug: key}) RETURN n.slug AS slug"
LOCK_ACTORS: Cypher = """
    UNWIND $keys AS key
    MATCH (n:Actor {id: key})
    SET n._lock = true REMOVE n._lock
    RETURN n.doc AS doc
"""
READ_ACTORS: Cypher = "UNWIND $keys AS key MATCH (n:Actor {id: key}) RETURN n.doc AS doc"
LOCK_LINKS: Cypher = """
    UNWIND $keys AS key
    MATCH ()-[n:LINK {id: key}]->()
    SET n._lock = true REMOVE n._lock
    RETURN n.doc AS doc
"""
