"""The ``GraphStore`` contract that every backend fulfils.

One sentence per method says what it promises; ``tests/store/contract.py`` proves it for
every backend. Errors are those of ``graph.errors``: backends translate their driver's
errors at this boundary.

Shared rules:

- ``by`` names who writes; every write adds one entry per record to the audit log
  (who, when, what, before and after) in the same transaction as the write.
- Every update and delete carries ``expected_version``, the version the caller read; if
  the stored version differs the store raises ``Conflict`` and changes nothing.
- A write that fails for any reason changes nothing (one transaction per call).
- A refused write raises ``InvalidData`` with the codes and messages of
  ``graph.store.rules``, at most ``rules.MAX_ERRORS`` errors (the last says how many more).
- Every write that touches a wijk's actors or links raises that wijk's change counter, so
  caches can key on ``change_counter(slug)``.
- ``since``/``until`` are inclusive: a record exists on day ``d`` when
  ``since <= d <= until`` (a missing bound is open).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol, runtime_checkable

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
)


@runtime_checkable
class GraphStore(Protocol):
    """Storage of wijken, actors, links, decisions and the audit log."""

    backend: str

    # -- lifecycle ---------------------------------------------------------------------
    def health(self) -> Health:
        """Report whether the database answers (never raises)."""

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""

    # -- wijken ------------------------------------------------------------------------
    def create_wijk(self, data: WijkIn, *, by: str) -> Wijk:
        """Create a wijk; ``Conflict`` if its slug exists."""

    def get_wijk(self, slug: str) -> Wijk:
        """Return one wijk; ``NotFound`` if absent."""

    def list_wijken(self) -> list[Wijk]:
        """All wijken, ordered by slug."""

    def update_wijk(
        self, slug: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Wijk:
        """Change name, gemeente or cohort; the slug never changes."""

    def delete_wijk(self, slug: str, *, expected_version: int, by: str) -> None:
        """Delete an empty wijk; ``Conflict`` while actors are still active in it."""

    # -- actors ------------------------------------------------------------------------
    def create_actor(self, data: ActorIn, *, by: str) -> Actor:
        """Create an actor (id generated when absent); its wijken and organisation must exist."""

    def get_actor(self, actor_id: str) -> Actor:
        """Return one actor; ``NotFound`` if absent."""

    def list_actors(self, wijk: str | None = None) -> list[Actor]:
        """Actors, of one wijk or all, ordered by name then id."""

    def update_actor(
        self, actor_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Actor:
        """Apply ``changes`` (field -> new value), re-validate the whole actor, bump version."""

    def delete_actor(self, actor_id: str, *, expected_version: int, by: str) -> None:
        """Delete an actor and its links; ``Conflict`` while professionals work there."""

    def merge_actors(
        self,
        keep_id: str,
        drop_id: str,
        *,
        expected_versions: tuple[int, int] | None = None,
        by: str,
    ) -> Actor:
        """Merge actor ``drop_id`` into ``keep_id`` and delete ``drop_id``, in one transaction.

        - Both must exist (``NotFound``) and differ (``InvalidData``, field ``drop``); they
          must be of the same kind (``InvalidData``, field ``drop``, code ``kind``).
          ``expected_versions`` is ``(keep's, drop's)``; a stale one is a ``Conflict``.
        - ``keep`` gets the union of both actors' wijken, themes and kernaanpakken; its empty
          description, contact, organisation and ``overig`` role are filled from ``drop``;
          its period covers both (an open bound stays open). Its version goes up.
        - Every link of ``drop`` is deleted and, unless it runs between the two, re-created
          on ``keep`` under a new id (an end cannot change in place); a link that ``keep``
          already has (same kind and other end, either way round for a samenwerking) is
          kept once, at the higher intensity of the two, over both periods.
        - Professionals whose organisation is ``drop`` get ``keep`` as organisation.
        - Decisions about ``drop`` are re-pointed to ``keep`` (as a new pair); one about the
          two, or one whose new pair ``keep`` already has, is removed.
        - The audit log gets one entry per changed record (links deleted, ``keep`` updated,
          links created and updated, professionals updated, decisions removed and
          recorded) and, last, one for ``drop`` with action ``merge``, ``before`` its
          document and ``after`` ``{"merged_into": keep_id}``; the change counter of every
          touched wijk goes up. Returns ``keep`` as stored.
        """

    # -- links -------------------------------------------------------------------------
    def create_link(self, data: LinkIn, *, by: str) -> Link:
        """Create a link between two existing actors; ``InvalidData`` for an unknown end."""

    def get_link(self, link_id: str) -> Link:
        """Return one link; ``NotFound`` if absent."""

    def list_links(self, wijk: str | None = None) -> list[Link]:
        """Links, all or those whose two ends are both active in ``wijk``, ordered by id."""

    def update_link(
        self, link_id: str, changes: Mapping[str, Any], *, expected_version: int, by: str
    ) -> Link:
        """Apply ``changes`` to a link (its ends may not change), bump version."""

    def delete_link(self, link_id: str, *, expected_version: int, by: str) -> None:
        """Delete one link."""

    # -- reads for analysis ------------------------------------------------------------
    def snapshot(self, wijk: str, as_of: date | None = None) -> Snapshot:
        """Actors of ``wijk`` existing on ``as_of`` (default today) and the links among them
        existing that day, with the wijk's change counter, in one read."""

    def change_counter(self, wijk: str) -> int:
        """A number that grows with every write touching the wijk; ``NotFound`` if absent."""

    # -- bulk --------------------------------------------------------------------------
    def bulk_upsert(
        self,
        *,
        wijken: Sequence[WijkIn] = (),
        actors: Sequence[ActorIn] = (),
        links: Sequence[LinkIn] = (),
        by: str,
    ) -> BulkResult:
        """Create or replace records matched by slug/id (ids required, each once), all in
        one transaction: one bad record and nothing is written; the errors name the row
        (``actors.3.wijken``). Unchanged records keep their version and are counted as
        unchanged."""

    # -- keeping the map current -------------------------------------------------------
    def confirm_actor(self, actor_id: str, *, by: str) -> Actor:
        """Record that ``by`` confirmed the actor is still true, now (version unchanged)."""

    def confirm_link(self, link_id: str, *, by: str) -> Link:
        """Record that ``by`` confirmed the link is still true, now (version unchanged)."""

    # -- privacy -----------------------------------------------------------------------
    def erase_personal_data(self, actor_id: str, *, by: str) -> Actor | None:
        """Erase a person's personal data everywhere it is kept (the AVG's right to
        erasure), in one transaction.

        - The person is ``actor_id`` with every actor merged into it, transitively (the
          audit log's ``merge`` entries say which). ``actor_id`` may be deleted or merged
          away itself: it only has to be known to the audit log; an id no actor ever had is
          ``NotFound``.
        - The personal data are the names (of a professional) and the e-mail addresses and
          phone numbers that any of those actors has or ever had.
        - Each of those actors that still exists, of whatever kind, loses its contact
          details (an organisation's or initiative's contact details reach a person too)
          and, a professional, its name (``ERASED_NAME``); an organisation or initiative
          keeps its name. Its version goes up. Every audit entry about one of them loses
          the same in ``before`` and ``after``, the ``merge`` entries included.
        - Every free text (an actor's description, the note of a link or a decision), live
          and in every audit entry, gets those names, addresses and numbers replaced; a live
          record so changed gets a new version.
        - Other actors keep their own names and contact details, also one that the person
          was merged into (erase that actor to erase those).
        - Audited as ``erase``: one entry per changed record, and one with ``before`` and
          ``after`` None for ``actor_id`` when it exists only in the audit log. Returns the
          erased actor as stored, or None when it exists only in the audit log.
        """

    # -- decisions on suggestions ------------------------------------------------------
    def record_decision(self, decision: Decision) -> Decision:
        """Store (or replace) the verdict on the pair ``decision.a``-``decision.b``."""

    def list_decisions(self, wijk: str) -> list[Decision]:
        """All verdicts of one wijk."""

    def delete_decision(self, wijk: str, a: str, b: str, *, by: str) -> None:
        """Remove the verdict on the pair ``a``-``b`` (either order), so it can be suggested
        again; audited as ``decide`` with ``after`` None. ``NotFound`` if there is none."""

    # -- audit -------------------------------------------------------------------------
    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally of one record or one wijk."""
