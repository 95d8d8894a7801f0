"""The Neo4j backend of ``GraphStore``, through the official ``neo4j`` driver.

The graph in the database::

    (:Wijk {slug, version, changes, doc})
    (:Actor {id, kind, name, organisation, since, until, version, doc})-[:ACTIVE_IN]->(:Wijk)
    (:Actor)-[:LINK {id, kind, since, until, version, doc}]->(:Actor)
    (:SuggestionStep {key, pair, wijk, a, b, n, doc})
    (:AuditEntry {seq, entity, entity_id, wijken, doc})
    (:Counter {name: "audit", value})

``doc`` holds the whole record as JSON (``graph.store.common.dumps``); the other properties
are copies that Cypher matches, filters and orders on. A suggested pair's steps are
numbered ``n`` = 1, 2, … under ``pair`` = ``wijk|a|b`` (``key`` is ``pair|n``). Dates are
ISO strings (``YYYY-MM-DD`` sorts as it compares). ``changes`` is the wijk's change counter.

How it talks to Neo4j: one driver per store (thread-safe), one short session per call,
managed transactions (``execute_read`` / ``execute_write``, retried on transient errors),
Cypher with ``$parameters`` only (``cypher``). A write locks the record before it reads the
version (``SET n._lock = true REMOVE n._lock``), so of two writers of one version only one
wins. Driver errors become ``graph.errors`` in one place, ``connection.Connection.translated``
(shared with the app's state in Neo4j, ``api.shared``).
A store remembers the JSON of its last few snapshots with the wijk's change counter: a
repeated snapshot then reads only the counter, and parses the remembered documents when
it has not moved.

- ``cypher``: every statement; ``tx``: the pieces of one transaction (lock, save, touch,
  audit); ``core``: the driver and its errors;
- ``store``: ``Neo4jStore``, with ``merge`` (``merge_actors``), ``privacy``
  (``erase_personal_data``) and ``workflow`` (the steps of suggested pairs) as mixins and
  ``bulk`` planning ``bulk_upsert``; ``backup``: ``export_all`` and ``import_all``
  (``graph.store.backup``).
"""

from __future__ import annotations

from graph.store.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
