"""``Neo4jStore``: the records and reads; merging (``merge``), bulk loads (``bulk``),
erasure (``privacy``) and the workflow of suggested pairs (``workflow``) have modules of
their own."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from neo4j import ManagedTransaction
from pydantic import BaseModel

from graph.errors import Conflict, NotFound
from graph.model import (
    Actor,
    ActorIn,
    AuditEntry,
    BulkResult,
    Health,
    Link,
    LinkIn,
    Snapshot,
    Wijk,
    WijkIn,
    new_id,
    utcnow,
)
from graph.store.common import as_input, doc, validated
from graph.store.neo4j import bulk, cypher, tx, workflow
from graph.store.neo4j.backup import BackupMixin
from graph.store.neo4j.merge import MergeMixin
from graph.store.neo4j.privacy import ErasureMixin
from graph.store.rules import Batch, apply_changes, link_errors, refuse
from graph.store.snapshots import Documents

M = TypeVar("M", bound=BaseModel)


class Neo4jStore(MergeMixin, ErasureMixin, BackupMixin):
    """``GraphStore`` on a Neo4j 5 server (Community or Enterprise, single or cluster)."""

    # -- lifecycle -----------------------------------------------------------------------

    def health(self) -> Health:
        try:
            with self._translated():
                info = self._driver.get_server_info()
                self._driver.execute_query("RETURN 1", database_=self._database)
            return Health(ok=True, backend=self.backend, detail=f"{info.agent} at {self.uri}")
        except Exception as exc:  # noqa: BLE001 - health reports any failure, it never raises
            return Health(ok=False, backend=self.backend, detail=str(exc) or type(exc).__name__)

    def close(self) -> None:
        self._driver.close()

    # -- wijken --------------------------------------------------------------------------

    def create_wijk(self, data: WijkIn, *, by: str) -> Wijk:
        wijk = tx.new(Wijk, as_input(WijkIn, data), {})

        def work(t: ManagedTransaction) -> None:
            if tx.first(t, cypher.GET["wijk"], key=wijk.slug) is not None:
                raise Conflict(f"Er is al een wijk met de korte naam {wijk.slug!r}.")
            tx.save(t, "wijk", wijk, created=True)
            tx.audit(t, by, [("create", "wijk", wijk.slug, [wijk.slug], None, doc(wijk))])

        self._run(True, work)
        return wijk

    def get_wijk(self, slug: str) -> Wijk:
        return Wijk.model_validate_json(self._get("wijk", slug))

    def list_wijken(self) -> list[Wijk]:
        return tx.parse_many("wijk", self._docs(cypher.LIST["wijk", False]))

    def update_wijk(
        self, slug: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Wijk:
        def work(t: ManagedTransaction) -> Wijk:
            before, _ = tx.lock(t, "wijk", slug, expected_version)
            data = apply_changes(Wijk.model_validate(before), changes)
            wijk = tx.next_version(Wijk, before, data)
            tx.save(t, "wijk", wijk)
            tx.touch(t, [slug])
            tx.audit(t, by, [("update", "wijk", slug, [slug], before, doc(wijk))])
            return wijk

        return self._run(True, work)

    def delete_wijk(self, slug: str, *, expected_version: int, by: str) -> None:
        def work(t: ManagedTransaction) -> None:
            before, _ = tx.lock(t, "wijk", slug, expected_version)
            actors = tx.first(t, cypher.WIJK_ACTORS, key=slug)
            if actors:
                raise Conflict(
                    f"De wijk {slug!r} heeft nog {actors} {'actor' if actors == 1 else 'actoren'}; "
                    "haal die eerst uit de wijk.",
                    details={"actors": actors},
                )
            t.run(cypher.DELETE_WIJK, key=slug)
            tx.audit(t, by, [("delete", "wijk", slug, [slug], before, None)])

        self._run(True, work)

    # -- actors --------------------------------------------------------------------------

    def create_actor(self, data: ActorIn, *, by: str, confirm: bool = False) -> Actor:
        data = as_input(ActorIn, data)
        actor = tx.new(Actor, data, {"id": data.id or new_id("a")}, by if confirm else None)
        self._run(True, lambda t: _create_actor(t, actor, by))
        return actor

    def save_actor(
        self,
        data: ActorIn,
        *,
        by: str,
        expected_version: int | None = None,
        new_links: Sequence[LinkIn] = (),
        end_links: Mapping[str, date] | None = None,
        confirm: bool = False,
    ) -> Actor:
        data = as_input(ActorIn, data)
        confirmed_by = by if confirm else None
        links = [
            tx.new(Link, lk, {"id": lk.id or new_id("l")}, confirmed_by)
            for lk in (as_input(LinkIn, link) for link in new_links)
        ]

        def work(t: ManagedTransaction) -> Actor:
            if expected_version is None:
                actor = tx.new(Actor, data, {"id": data.id or new_id("a")}, confirmed_by)
                _create_actor(t, actor, by)
            else:
                assert data.id is not None
                changes = data.model_dump(exclude={"id", "kind"})
                actor = _update_actor(t, data.id, changes, expected_version, by)
            for link_id, day in sorted((end_links or {}).items()):
                _update_link(t, link_id, {"until": day}, None, by)
            for i, link in enumerate(links):
                _create_link(t, link, by, prefix=f"links.{i}.")
            return actor

        return self._run(True, work)

    def get_actor(self, actor_id: str) -> Actor:
        return Actor.model_validate_json(self._get("actor", actor_id))

    def list_actors(self, wijk: str | None = None) -> list[Actor]:
        return tx.parse_many("actor", self._docs(cypher.LIST["actor", wijk is not None], wijk=wijk))

    def update_actor(
        self, actor_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Actor:
        return self._run(True, lambda t: _update_actor(t, actor_id, changes, expected_version, by))

    def delete_actor(self, actor_id: str, *, expected_version: int, by: str) -> None:
        def work(t: ManagedTransaction) -> None:
            before, _ = tx.lock(t, "actor", actor_id, expected_version)
            workers = tx.column(t, cypher.WORKERS, key=actor_id)
            if workers:
                raise Conflict(
                    f"Bij {actor_id!r} werken nog {len(workers)} "
                    f"{'professional' if len(workers) == 1 else 'professionals'} "
                    f"({', '.join(workers[:5])}); wijzig of verwijder die eerst.",
                    details={"professionals": workers},
                )
            entries: list[tx.AuditItem] = []
            for found in t.run(cypher.ACTOR_LINKS, key=actor_id):
                link = json.loads(found["doc"])
                wijken = sorted(set(before["wijken"]) | set(found["ends"]))
                entries.append(("delete", "link", link["id"], wijken, link, None))
            t.run(cypher.DELETE_ACTOR, key=actor_id)
            entries.append(("delete", "actor", actor_id, before["wijken"], before, None))
            tx.touch(t, [w for entry in entries for w in entry[3]])
            tx.audit(t, by, entries)

        self._run(True, work)

    # -- links ---------------------------------------------------------------------------

    def create_link(self, data: LinkIn, *, by: str, confirm: bool = False) -> Link:
        data = as_input(LinkIn, data)
        link = tx.new(Link, data, {"id": data.id or new_id("l")}, by if confirm else None)
        self._run(True, lambda t: _create_link(t, link, by))
        return link

    def get_link(self, link_id: str) -> Link:
        return Link.model_validate_json(self._get("link", link_id))

    def list_links(self, wijk: str | None = None) -> list[Link]:
        return tx.parse_many("link", self._docs(cypher.LIST["link", wijk is not None], wijk=wijk))

    def update_link(
        self, link_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Link:
        return self._run(True, lambda t: _update_link(t, link_id, changes, expected_version, by))

    def delete_link(self, link_id: str, *, expected_version: int, by: str) -> None:
        def work(t: ManagedTransaction) -> None:
            before, ends = tx.lock(t, "link", link_id, expected_version)
            t.run(cypher.DELETE_LINK, key=link_id)
            tx.touch(t, ends)
            tx.audit(t, by, [("delete", "link", link_id, ends, before, None)])

        self._run(True, work)

    # -- reads for analysis --------------------------------------------------------------

    def snapshot(self, wijk: str, as_of: date | None = None) -> Snapshot:
        """The snapshot remembered for (wijk, day) while the wijk's change counter and
        document are what they were, else built anew from the documents read in the same
        transaction as the stamp (``graph.store.snapshots``)."""
        day = as_of or date.today()
        key = (wijk, day)

        def read(t: ManagedTransaction) -> Snapshot:
            found = tx.single(t, cypher.SNAPSHOT_STAMP, slug=wijk)
            if found is None:
                raise NotFound(f"De wijk {wijk!r} bestaat niet.")
            # unchanged counter and wijk: no write touched the wijk since (a recreated wijk
            # has another creation time), so the snapshot read then is still the one
            stamp = (found["changes"], found["wijk"])
            snapshot = self._snapshots.get(key, stamp)
            if snapshot is not None:
                return snapshot
            docs = Documents(
                found["wijk"],
                tx.first(t, cypher.SNAPSHOT_ACTORS, slug=wijk, day=day.isoformat()),
                tx.first(t, cypher.SNAPSHOT_LINKS, slug=wijk),
                int(found["changes"] or 0),
            )
            return self._snapshots.put(key, stamp, docs)

        return self._run(False, read)

    def change_counter(self, wijk: str) -> int:
        found = self._docs(cypher.CHANGE_COUNTER, key=wijk)
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
        batch = Batch.of(wijken, actors, links)

        def work(t: ManagedTransaction) -> BulkResult:
            plan = bulk.plan(t, batch, utcnow())
            plan.write(t)
            tx.touch(t, plan.touched)
            tx.audit(t, by, plan.entries)
            workflow.realise(t, plan.linked, by)
            return plan.result

        return self._run(True, work)

    # -- keeping the map current ---------------------------------------------------------

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        return self._confirm("actor", Actor, actor_id, by)

    def confirm_link(self, link_id: str, *, by: str) -> Link:
        return self._confirm("link", Link, link_id, by)

    def _confirm(self, entity: str, model: type[M], key: str, by: str) -> M:
        confirmed = {"at": utcnow(), "by": by}

        def work(t: ManagedTransaction) -> M:
            before, ends = tx.lock(t, entity, key, None)
            record = validated(model, before | {"confirmed": confirmed})
            wijken = before["wijken"] if entity == "actor" else ends
            tx.save(t, entity, record)
            tx.touch(t, wijken)
            tx.audit(t, by, [("confirm", entity, key, wijken, before, doc(record))])
            return record

        return self._run(True, work)

    # -- audit ---------------------------------------------------------------------------

    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        query = cypher.AUDIT_LOG[entity_id is not None, wijk is not None]
        docs = self._docs(query, entity_id=entity_id, wijk=wijk, limit=max(0, int(limit)))
        return [AuditEntry.model_validate_json(d) for d in docs]


# -- pieces of one transaction, shared by the single writes and ``save_actor`` -------------


def _create_actor(t: ManagedTransaction, actor: Actor, by: str) -> None:
    if tx.first(t, cypher.GET["actor"], key=actor.id) is not None:
        raise Conflict(f"Er is al een actor met id {actor.id!r}.")
    tx.check_actor(t, actor, tx.touch(t, actor.wijken))
    tx.save(t, "actor", actor, created=True)
    tx.audit(t, by, [("create", "actor", actor.id, actor.wijken, None, doc(actor))])


def _update_actor(
    t: ManagedTransaction,
    actor_id: str,
    changes: Mapping[str, Any],
    expected_version: int,
    by: str,
) -> Actor:
    before, _ = tx.lock(t, "actor", actor_id, expected_version)
    data = apply_changes(Actor.model_validate(before), changes)
    actor = tx.next_version(Actor, before, data)
    wijken = sorted(set(before["wijken"]) | set(actor.wijken))
    tx.check_actor(t, actor, tx.touch(t, wijken))
    tx.save(t, "actor", actor)
    tx.audit(t, by, [("update", "actor", actor_id, wijken, before, doc(actor))])
    return actor


def _create_link(t: ManagedTransaction, link: Link, by: str, prefix: str = "") -> None:
    if tx.first(t, cypher.GET["link"], key=link.id) is not None:
        raise Conflict(f"Er is al een verbinding met id {link.id!r}.")
    ends = t.run(cypher.LINK_ENDS, source=link.source, target=link.target).single(strict=True)
    kinds = {link.source: ends["source"], link.target: ends["target"]}
    refuse(link_errors(link, kinds.get, prefix))
    tx.save(t, "link", link, created=True)
    wijken = sorted(set(ends["wijken"]))
    tx.touch(t, wijken)
    tx.audit(t, by, [("create", "link", link.id, wijken, None, doc(link))])
    workflow.realise(t, [(link.source, link.target)], by)


def _update_link(
    t: ManagedTransaction,
    link_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
    by: str,
) -> Link:
    before, ends = tx.lock(t, "link", link_id, expected_version)
    data = apply_changes(Link.model_validate(before), changes)
    link = tx.next_version(Link, before, data)
    tx.save(t, "link", link)
    tx.touch(t, ends)
    tx.audit(t, by, [("update", "link", link_id, ends, before, doc(link))])
    return link
