"""``SqliteStore``: the records and reads; merging (``merge``), bulk loads (``bulk``),
erasure (``privacy``) and the workflow of suggested pairs (``workflow``) come from mixins
of their own."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from graph.errors import Conflict, NotFound
from graph.model import (
    Actor,
    ActorIn,
    AuditEntry,
    Confirmation,
    Health,
    Link,
    LinkIn,
    Snapshot,
    Wijk,
    WijkIn,
    new_id,
    utcnow,
)
from graph.store.common import as_input, validated
from graph.store.rules import actor_errors, apply_changes, link_errors, refuse
from graph.store.snapshots import Documents
from graph.store.sqlite.backup import BackupMixin
from graph.store.sqlite.bulk import BulkMixin
from graph.store.sqlite.merge import MergeMixin
from graph.store.sqlite.privacy import ErasureMixin
from graph.store.sqlite.records import (
    REC,
    TABLES,
    Rec,
    active,
    cols,
    json_doc,
)
from graph.store.sqlite.trusted import ACTORS, LINKS, WIJKEN


class SqliteStore(MergeMixin, BulkMixin, ErasureMixin, BackupMixin):
    """``GraphStore`` on one SQLite file (or ``":memory:"``); see ``graph.store.sqlite``."""

    # -- lifecycle ---------------------------------------------------------------------------

    def health(self) -> Health:
        try:
            with self._pool.connection(timeout=5.0) as con:
                mode = con.execute("PRAGMA journal_mode").fetchone()[0]
                con.execute("SELECT count(*) FROM wijken").fetchone()
            return Health(
                ok=True, backend=self.backend, detail=f"SQLite {sqlite3.sqlite_version}, {mode}"
            )
        except Exception as exc:  # noqa: BLE001 - health reports any failure, it never raises
            return Health(ok=False, backend=self.backend, detail=str(exc) or type(exc).__name__)

    def close(self) -> None:
        self._pool.close()

    # -- wijken ------------------------------------------------------------------------------

    def create_wijk(self, data: WijkIn, *, by: str) -> Wijk:
        wijk = as_input(WijkIn, data)
        with self._write() as con:
            if con.execute("SELECT 1 FROM wijken WHERE slug = ?", (wijk.slug,)).fetchone():
                raise Conflict(f"Er is al een wijk met de korte naam {wijk.slug!r}.")
            doc = self._create(con, wijk, by)
        return Wijk.model_validate_json(doc)

    def get_wijk(self, slug: str) -> Wijk:
        return Wijk.model_validate_json(self._get("wijken", slug))

    def list_wijken(self) -> list[Wijk]:
        return self._list(WIJKEN, "SELECT * FROM wijken ORDER BY slug")

    def update_wijk(
        self, slug: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Wijk:
        with self._write() as con:
            old = self._current(con, "wijken", slug, expected_version)
            wijk = apply_changes(Wijk.model_validate_json(old.doc), changes)
            doc = self._replace(con, old, wijk, by, "update")
        return Wijk.model_validate_json(doc)

    def delete_wijk(self, slug: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            old = self._current(con, "wijken", slug, expected_version)
            count = con.execute(
                "SELECT count(*) FROM actor_wijk WHERE wijk = ?", (slug,)
            ).fetchone()[0]
            if count:
                raise Conflict(
                    f"De wijk {slug!r} heeft nog {count} {'actor' if count == 1 else 'actoren'}; "
                    "haal die eerst uit de wijk.",
                    details={"actors": count},
                )
            con.execute("DELETE FROM wijken WHERE slug = ?", (slug,))
            self._touch(con, [slug])
            self._audit(con, [(now, by, "delete", "wijk", slug, [slug], old.doc, None)])

    # -- actors ------------------------------------------------------------------------------

    def create_actor(self, data: ActorIn, *, by: str, confirm: bool = False) -> Actor:
        actor = as_input(ActorIn, data)
        if actor.id is None:
            actor = actor.model_copy(update={"id": new_id("a")})
        with self._write() as con:
            doc = self._create_actor(con, actor, by, confirm)
        return Actor.model_validate_json(doc)

    def _create_actor(self, con: sqlite3.Connection, actor: ActorIn, by: str, confirm: bool) -> str:
        if con.execute("SELECT 1 FROM actors WHERE id = ?", (actor.id,)).fetchone():
            raise Conflict(f"Er is al een actor met id {actor.id!r}.")
        refuse(actor_errors(actor, self._wijk_known(con), self._kind_of(con)))
        return self._create(con, actor, by, confirm)

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
        actor = as_input(ActorIn, data)
        if actor.id is None:
            actor = actor.model_copy(update={"id": new_id("a")})
        links = [as_input(LinkIn, link) for link in new_links]
        links = [lk if lk.id else lk.model_copy(update={"id": new_id("l")}) for lk in links]
        with self._write() as con:
            if expected_version is None:
                doc = self._create_actor(con, actor, by, confirm)
            else:
                assert actor.id is not None
                changes = actor.model_dump(exclude={"id", "kind"})
                doc = self._update_actor(con, actor.id, changes, expected_version, by)
            for link_id, day in sorted((end_links or {}).items()):
                old = self._current(con, "links", link_id, None)
                ended = apply_changes(Link.model_validate_json(old.doc), {"until": day})
                self._replace(con, old, ended, by, "update")
            for i, link in enumerate(links):
                self._create_link(con, link, by, confirm, prefix=f"links.{i}.")
        return Actor.model_validate_json(doc)

    def get_actor(self, actor_id: str) -> Actor:
        return Actor.model_validate_json(self._get("actors", actor_id))

    def list_actors(self, wijk: str | None = None) -> list[Actor]:
        if wijk is None:
            return self._list(ACTORS, "SELECT * FROM actors ORDER BY name, id")
        return self._list(
            ACTORS,
            "SELECT a.* FROM actor_wijk aw JOIN actors a ON a.id = aw.actor_id"
            " WHERE aw.wijk = ? ORDER BY a.name, a.id",
            (wijk,),
        )

    def update_actor(
        self, actor_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Actor:
        with self._write() as con:
            doc = self._update_actor(con, actor_id, changes, expected_version, by)
        return Actor.model_validate_json(doc)

    def _update_actor(
        self,
        con: sqlite3.Connection,
        actor_id: str,
        changes: Mapping[str, Any],
        expected_version: int,
        by: str,
    ) -> str:
        old = self._current(con, "actors", actor_id, expected_version)
        actor = apply_changes(Actor.model_validate_json(old.doc), changes)
        refuse(actor_errors(actor, self._wijk_known(con), self._kind_of(con)))
        return self._replace(con, old, actor, by, "update")

    def delete_actor(self, actor_id: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            old = self._current(con, "actors", actor_id, expected_version)
            workers = [
                r[0]
                for r in con.execute(
                    "SELECT id FROM actors WHERE organisation = ? ORDER BY id", (actor_id,)
                )
            ]
            if workers:
                raise Conflict(
                    f"Bij {actor_id!r} werken nog {len(workers)} "
                    f"{'professional' if len(workers) == 1 else 'professionals'} "
                    f"({', '.join(workers[:5])}); wijzig of verwijder die eerst.",
                    details={"professionals": workers},
                )
            links = con.execute(
                f"SELECT id, source, target, {REC} FROM links WHERE source = ?"
                f" UNION SELECT id, source, target, {REC} FROM links WHERE target = ?"
                " ORDER BY id",
                (actor_id, actor_id),
            ).fetchall()
            ends = {actor_id} | {r[1] for r in links} | {r[2] for r in links}
            wijken_of = self._wijken_of(con, ends)
            entries = []
            touched = set(wijken_of.get(actor_id, set()))
            for link_id, source, target, *rec in links:
                wijken = wijken_of.get(source, set()) | wijken_of.get(target, set())
                touched |= wijken
                entries.append((now, by, "delete", "link", link_id, wijken, Rec(*rec).doc, None))
            con.executemany("DELETE FROM links WHERE id = ?", [(r[0],) for r in links])
            con.execute("DELETE FROM actors WHERE id = ?", (actor_id,))
            own = wijken_of.get(actor_id, set())
            entries.append((now, by, "delete", "actor", actor_id, own, old.doc, None))
            self._touch(con, touched)
            self._audit(con, entries)

    # -- links -------------------------------------------------------------------------------

    def create_link(self, data: LinkIn, *, by: str, confirm: bool = False) -> Link:
        link = as_input(LinkIn, data)
        if link.id is None:
            link = link.model_copy(update={"id": new_id("l")})
        with self._write() as con:
            doc = self._create_link(con, link, by, confirm)
        return Link.model_validate_json(doc)

    def _create_link(
        self, con: sqlite3.Connection, link: LinkIn, by: str, confirm: bool, prefix: str = ""
    ) -> str:
        if con.execute("SELECT 1 FROM links WHERE id = ?", (link.id,)).fetchone():
            raise Conflict(f"Er is al een verbinding met id {link.id!r}.")
        refuse(link_errors(link, self._kind_of(con), prefix))
        doc = self._create(con, link, by, confirm)
        self._realise(con, [(link.source, link.target)], by)
        return doc

    def get_link(self, link_id: str) -> Link:
        return Link.model_validate_json(self._get("links", link_id))

    def list_links(self, wijk: str | None = None) -> list[Link]:
        if wijk is None:
            return self._list(LINKS, "SELECT * FROM links ORDER BY id")
        return self._list(
            LINKS,
            "SELECT l.* FROM actor_wijk s"
            " JOIN links l ON l.source = s.actor_id"
            " JOIN actor_wijk t ON t.wijk = s.wijk AND t.actor_id = l.target"
            " WHERE s.wijk = ? ORDER BY l.id",
            (wijk,),
        )

    def update_link(
        self, link_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Link:
        with self._write() as con:
            old = self._current(con, "links", link_id, expected_version)
            link = apply_changes(Link.model_validate_json(old.doc), changes)
            doc = self._replace(con, old, link, by, "update")
        return Link.model_validate_json(doc)

    def delete_link(self, link_id: str, *, expected_version: int, by: str) -> None:
        now = utcnow().isoformat()
        with self._write() as con:
            old = self._current(con, "links", link_id, expected_version)
            wijken = self._link_wijken(con, Link.model_validate_json(old.doc))
            con.execute("DELETE FROM links WHERE id = ?", (link_id,))
            self._touch(con, wijken)
            self._audit(con, [(now, by, "delete", "link", link_id, wijken, old.doc, None)])

    # -- reads for analysis ------------------------------------------------------------------

    def snapshot(self, wijk: str, as_of: date | None = None) -> Snapshot:
        """The snapshot remembered for (wijk, day) while the wijk's record and change counter
        are what they were, else built anew (``graph.store.snapshots``)."""
        day = as_of if as_of is not None else date.today()
        key = (wijk, day)
        params = {"w": wijk, "d": day.isoformat()}
        with self._read() as con:
            found = con.execute(
                f"SELECT {cols('w')}, coalesce(c.counter, 0) FROM wijken w"
                " LEFT JOIN wijk_counters c ON c.slug = w.slug WHERE w.slug = :w",
                params,
            ).fetchone()
            if found is None:
                raise NotFound(f"De wijk {wijk!r} bestaat niet.")
            stamp = tuple(found)  # the wijk's record and change counter
            snapshot = self._snapshots.get(key, stamp)
            if snapshot is not None:
                return snapshot
            # One document per record (built by SQLite from its columns), so that a read
            # after an edit builds models only for the records that changed.
            actors = [
                row[0]
                for row in con.execute(
                    f"SELECT {json_doc('a')} FROM actor_wijk aw"
                    f" JOIN actors a ON a.id = aw.actor_id WHERE aw.wijk = :w AND {active('aw')}",
                    params,
                )
            ]
            links = [
                row[0]
                for row in con.execute(
                    f"SELECT {json_doc('l')} FROM actor_wijk s"
                    " JOIN links l ON l.source = s.actor_id"
                    " JOIN actor_wijk t ON t.wijk = s.wijk AND t.actor_id = l.target"
                    f" WHERE s.wijk = :w AND {active('s')} AND {active('t')} AND {active('l')}",
                    params,
                )
            ]
        return self._snapshots.put(
            key, stamp, Documents(Rec(*found[:5]).doc, actors, links, found[5])
        )

    def change_counter(self, wijk: str) -> int:
        with self._read() as con:
            found = con.execute(
                "SELECT coalesce(c.counter, 0) FROM wijken w"
                " LEFT JOIN wijk_counters c ON c.slug = w.slug WHERE w.slug = ?",
                (wijk,),
            ).fetchone()
        if found is None:
            raise NotFound(f"De wijk {wijk!r} bestaat niet.")
        counter: int = found[0]
        return counter

    # -- keeping the map current -------------------------------------------------------------

    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        return Actor.model_validate_json(self._confirm("actors", actor_id, by))

    def confirm_link(self, link_id: str, *, by: str) -> Link:
        return Link.model_validate_json(self._confirm("links", link_id, by))

    def _confirm(self, table: str, record_id: str, by: str) -> str:
        at = utcnow()
        confirmed = validated(Confirmation, {"at": at, "by": by}).model_dump_json()
        now = at.isoformat()
        key, _, entity, _ = TABLES[table]
        with self._write() as con:
            old = self._current(con, table, record_id, None)
            con.execute(f"UPDATE {table} SET confirmed = ? WHERE {key} = ?", (confirmed, record_id))
            doc = old._replace(confirmed=confirmed).doc
            if table == "actors":
                wijken = set(json.loads(old.input)["wijken"])
            else:
                wijken = self._link_wijken(con, Link.model_validate_json(doc))
            self._touch(con, wijken)
            self._audit(con, [(now, by, "confirm", entity, record_id, wijken, old.doc, doc)])
        return doc

    # -- audit -------------------------------------------------------------------------------

    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
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
        params.append(max(0, int(limit)))
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
