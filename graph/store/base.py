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
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

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
    SuggestionStep,
    Wijk,
    WijkIn,
)

if TYPE_CHECKING:
    from graph.store.backup import StoreDump


@runtime_checkable
class GraphStore(Protocol):
    """Storage of wijken, actors, links, the steps of suggested pairs and the audit log."""

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
    def create_actor(self, data: ActorIn, *, by: str, confirm: bool = False) -> Actor:
        """Create an actor (id generated when absent); its wijken and organisation must exist.

        ``confirm``: the creator vouches for it, so it is stored as confirmed by ``by`` at
        its creation (a person who typed it in; an import does not confirm)."""

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
        - The steps of a suggested pair with ``drop`` move, in order, to the pair with
          ``keep`` (a new pair); those of the two, or of a pair ``keep`` already has steps
          for, are removed. A pair with ``keep`` that has steps and is joined by the merge
          (linked now, not linked before as the pair its steps were about) gets a
          ``gerealiseerd`` step (see ``create_link``).
        - The audit log gets one entry per changed record (links deleted, ``keep`` updated,
          links created and updated, professionals updated, the steps of a pair removed
          and moved, ``gerealiseerd`` steps) and, last, one for ``drop`` with action
          ``merge``, ``before`` its document and ``after`` ``{"merged_into": keep_id}``;
          the change counter of every touched wijk goes up. Returns ``keep`` as stored.
        """

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
        """Save an actor together with changes to its links, in one transaction: all of it
        or, on any error, nothing.

        - ``expected_version`` None: ``data`` is a new actor, created as ``create_actor``
          does (with ``confirm``). Otherwise ``data`` replaces the stored actor ``data.id``
          (its kind cannot change) as ``update_actor`` does, with that version check.
        - ``end_links`` (link id -> day): each link gets that day as ``until`` (its
          version goes up; no version check: the caller read the actor, not the link).
        - ``new_links`` are created as ``create_link`` does (with ``confirm``), after the
          actor, so they may have it as an end. Their refusals name the row:
          ``links.0.target``.
        - Audited as the single calls would be: the actor, then the ended links, then the
          new ones. Returns the actor as stored."""

    # -- links -------------------------------------------------------------------------
    def create_link(self, data: LinkIn, *, by: str, confirm: bool = False) -> Link:
        """Create a link between two existing actors; ``InvalidData`` for an unknown end.
        ``confirm`` as for ``create_actor``.

        In every wijk where the pair of its ends has steps and its current step is not
        ``gerealiseerd`` or ``samenwerking-vastgelegd``, the pair gets a step
        ``gerealiseerd`` (by ``SYSTEM_BY``, dated today) in the same transaction, audited as
        ``add_suggestion_step`` is; a pair without steps is left alone."""

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
        unchanged. Every link it creates realises the pair of its ends as ``create_link``
        does, in the same transaction. It confirms nothing (an import is not a person
        vouching for each record): records it creates have no confirmation, records it
        changes keep theirs."""

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
        - The personal data are the names (of a professional, and of a contact person in
          the contact details) and the e-mail addresses and phone numbers that any of those
          actors has or ever had.
        - Each of those actors that still exists, of whatever kind, loses its contact
          details (an organisation's or initiative's contact details reach a person too)
          and, a professional, its name (``ERASED_NAME``); an organisation or initiative
          keeps its name. Its version goes up. Every audit entry about one of them loses
          the same in ``before`` and ``after``, the ``merge`` entries included.
        - Every free text (an actor's description, the note of a link or of a step of a
          suggested pair), live
          and in every audit entry, gets those names, addresses and numbers replaced; a live
          record so changed gets a new version.
        - Other actors keep their own names and contact details, also one that the person
          was merged into (erase that actor to erase those).
        - Audited as ``erase``: one entry per changed record, and one with ``before`` and
          ``after`` None for ``actor_id`` when it exists only in the audit log. Returns the
          erased actor as stored, or None when it exists only in the audit log.
        """

    # -- the workflow of suggested pairs -------------------------------------------------
    def add_suggestion_step(self, step: SuggestionStep) -> SuggestionStep:
        """Add a step to the pair ``step.a``-``step.b`` of ``step.wijk``: it becomes the
        pair's current status, the steps before it are kept. Audited as ``decide`` on
        ``decision`` ``a|b`` by ``step.by`` (``before`` the step current until now or None,
        ``after`` the new one); the wijk's change counter goes up. ``NotFound`` for an
        unknown wijk; the ends are not checked (``graph.analysis.reports`` does that)."""

    def undo_suggestion_step(self, wijk: str, a: str, b: str, *, by: str) -> SuggestionStep | None:
        """Remove the latest step of the pair ``a``-``b`` (either order): the step before
        it is current again. Returns that step, or None when the pair has no step left.
        Audited as ``undo`` (``before`` the step removed, ``after`` the step now current or
        None); the change counter goes up. ``NotFound`` when the pair has no step."""

    def suggestion_history(
        self, wijk: str, a: str | None = None, b: str | None = None
    ) -> list[SuggestionStep]:
        """Steps of one wijk: of the pair ``a``-``b`` (either order) when both are given, of
        every pair with actor ``a`` (or ``b``) when one is, else of every pair; ordered by
        pair (``a``, ``b``), each pair's steps oldest first."""

    def suggestion_states(self, wijk: str) -> dict[tuple[str, str], SuggestionStep]:
        """The current (latest) step of every pair of one wijk that has one, by (a, b)."""

    # -- decisions on suggestions (the first version, kept as wrappers of the steps) -----
    def record_decision(self, decision: Decision) -> Decision:
        """Add the verdict as a step (``graph.store.workflow.from_decision``: ``besproken``
        is the step ``ontmoet``); returns the step as a decision (``as_decision``)."""

    def list_decisions(self, wijk: str) -> list[Decision]:
        """The current step of every pair of one wijk as a decision, ordered by pair."""

    def delete_decision(self, wijk: str, a: str, b: str, *, by: str) -> None:
        """Remove every step of the pair ``a``-``b`` (either order), so it can be suggested
        again; audited as one ``decide`` with ``before`` the current step and ``after``
        None. ``NotFound`` if the pair has no step."""

    # -- audit -------------------------------------------------------------------------
    def audit_log(
        self, *, entity_id: str | None = None, wijk: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Audit entries, newest first, optionally of one record or one wijk."""

    # -- backup and restore (``graph.store.backup``) -----------------------------------
    def export_all(self) -> StoreDump:
        """Everything the store holds, read in one read transaction (a consistent
        snapshot): wijken, actors and links as stored (versions, timestamps,
        confirmations), every step of every suggested pair with its number, the whole audit
        log, the change counter of every wijk and the last audit number."""

    def import_all(
        self, dump: StoreDump, *, replace: bool = False, by: str | None = None, source: str = ""
    ) -> None:
        """Write ``dump`` in one write transaction: all of it or, on any error, nothing.

        - The store must hold no wijk, actor, link, step or audit entry; with ``replace``
          everything it holds is deleted first (in the same transaction). Otherwise
          ``Conflict`` with ``graph.store.backup.NOT_EMPTY``.
        - Ids, versions, timestamps, confirmations, the steps' numbers and the audit
          entries (with their numbers) are kept as they are in ``dump``. With ``by`` (a
          restore someone asked for), one entry ``restore`` per wijk of the dump follows
          them, by ``by``, its ``after`` ``{"source": source}``; without, nothing is
          audited (a copy of the demo, a test's template).
        - A wijk's change counter becomes ``backup.restored_counter`` of the dump's and the
          store's own (never lower than either); the audit numbering continues after the
          higher of the dump's and the store's last number.
        - ``InvalidData`` when the dump's references do not hold (``backup.check_dump``)."""
