"""The netwerkuitvraag's records in the accounts SQLite file (``RoundStore``).

Four tables beside the accounts (``api.accounts``), sharing its connection and lock:
rounds, invitations and proposals as their JSON (``doc``) with the columns they are looked
up by, and fixed-window request counters for the respondent's page. Every method that
writes more than one row runs in one ``BEGIN IMMEDIATE`` transaction, so another process on
the same file sees all of it or nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

from api.accounts import AccountStore
from api.uitvraag.model import Invitation, Proposal, ProposalStatus, Round
from api.uitvraag.store import ROUNDS_NOT_EMPTY, RoundsDump
from graph.errors import Conflict, NotFound

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uitvraag_rounds (
    id TEXT PRIMARY KEY,
    wijk TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uitvraag_rounds_wijk ON uitvraag_rounds (wijk, created_at);
CREATE TABLE IF NOT EXISTS uitvraag_invitations (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES uitvraag_rounds(id),
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    digest TEXT UNIQUE,
    doc TEXT NOT NULL,
    UNIQUE (round_id, actor_id)
);
CREATE TABLE IF NOT EXISTS uitvraag_proposals (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES uitvraag_rounds(id),
    invitation_id TEXT NOT NULL REFERENCES uitvraag_invitations(id),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uitvraag_proposals_round
    ON uitvraag_proposals (round_id, created_at, id);
CREATE INDEX IF NOT EXISTS uitvraag_proposals_invitation
    ON uitvraag_proposals (invitation_id, status);
CREATE TABLE IF NOT EXISTS uitvraag_hits (
    key TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS uitvraag_hits_start ON uitvraag_hits (window_start);
"""

PRUNE_AFTER = timedelta(days=1)
"""Counters whose window started longer ago than this (and their window) are removed."""


class SqliteRoundStore:
    """``RoundStore`` in the accounts file of ``accounts`` (its connection and its lock)."""

    def __init__(self, accounts: AccountStore) -> None:
        self._accounts = accounts
        self._db = accounts._conn
        self._db.executescript(_SCHEMA)

    # -- rounds ------------------------------------------------------------------------

    def add_round(self, round_: Round, invitations: Sequence[Invitation]) -> None:
        with self._accounts.transaction():
            try:
                self._db.execute(
                    "INSERT INTO uitvraag_rounds (id, wijk, created_at, doc) VALUES (?, ?, ?, ?)",
                    (
                        round_.id,
                        round_.wijk,
                        round_.created_at.isoformat(),
                        round_.model_dump_json(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"De uitvraag {round_.id!r} bestaat al.") from None
            self._insert_invitations(invitations)

    def get_round(self, round_id: str) -> Round:
        row = self._db.execute(
            "SELECT doc FROM uitvraag_rounds WHERE id = ?", (round_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"De uitvraag {round_id!r} bestaat niet.")
        return Round.model_validate_json(row[0])

    def list_rounds(self, wijk: str | None = None) -> list[Round]:
        if wijk is None:
            rows = self._db.execute(
                "SELECT doc FROM uitvraag_rounds ORDER BY created_at DESC, id DESC"
            ).fetchall()
        else:
            rows = self._db.execute(
                "SELECT doc FROM uitvraag_rounds WHERE wijk = ? ORDER BY created_at DESC, id DESC",
                (wijk,),
            ).fetchall()
        return [Round.model_validate_json(r[0]) for r in rows]

    def save_round(self, round_: Round) -> None:
        with self._accounts._locked():
            cursor = self._db.execute(
                "UPDATE uitvraag_rounds SET wijk = ?, created_at = ?, doc = ? WHERE id = ?",
                (round_.wijk, round_.created_at.isoformat(), round_.model_dump_json(), round_.id),
            )
        if cursor.rowcount == 0:
            raise NotFound(f"De uitvraag {round_.id!r} bestaat niet.")

    # -- invitations -------------------------------------------------------------------

    def _insert_invitations(self, invitations: Sequence[Invitation]) -> None:
        for inv in invitations:
            try:
                self._db.execute(
                    "INSERT INTO uitvraag_invitations"
                    " (id, round_id, actor_id, actor_name, digest, doc) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        inv.id,
                        inv.round_id,
                        inv.actor_id,
                        inv.actor_name,
                        inv.digest,
                        inv.model_dump_json(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise Conflict(
                    f"{inv.actor_name} is al gevraagd in deze uitvraag, of de uitnodiging "
                    f"{inv.id!r} bestaat al."
                ) from None

    def add_invitations(self, invitations: Sequence[Invitation]) -> None:
        with self._accounts.transaction():
            for round_id in {inv.round_id for inv in invitations}:
                if not self._db.execute(
                    "SELECT 1 FROM uitvraag_rounds WHERE id = ?", (round_id,)
                ).fetchone():
                    raise NotFound(f"De uitvraag {round_id!r} bestaat niet.")
            self._insert_invitations(invitations)

    def get_invitation(self, invitation_id: str) -> Invitation:
        row = self._db.execute(
            "SELECT doc FROM uitvraag_invitations WHERE id = ?", (invitation_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"De uitnodiging {invitation_id!r} bestaat niet.")
        return Invitation.model_validate_json(row[0])

    def invitation_by_digest(self, digest: str) -> Invitation | None:
        row = self._db.execute(
            "SELECT doc FROM uitvraag_invitations WHERE digest = ?", (digest,)
        ).fetchone()
        return Invitation.model_validate_json(row[0]) if row else None

    def invitations(self, round_id: str) -> list[Invitation]:
        rows = self._db.execute(
            "SELECT doc FROM uitvraag_invitations WHERE round_id = ? ORDER BY actor_name, id",
            (round_id,),
        ).fetchall()
        return [Invitation.model_validate_json(r[0]) for r in rows]

    def _update_invitation(self, inv: Invitation) -> None:
        try:
            cursor = self._db.execute(
                "UPDATE uitvraag_invitations SET actor_name = ?, digest = ?, doc = ? WHERE id = ?",
                (inv.actor_name, inv.digest, inv.model_dump_json(), inv.id),
            )
        except sqlite3.IntegrityError:
            raise Conflict("Deze link is al aan een andere uitnodiging gegeven.") from None
        if cursor.rowcount == 0:
            raise NotFound(f"De uitnodiging {inv.id!r} bestaat niet.")

    def save_invitation(self, invitation: Invitation) -> None:
        with self._accounts._locked():
            self._update_invitation(invitation)

    # -- proposals ---------------------------------------------------------------------

    def answer(self, invitation: Invitation, proposals: Sequence[Proposal]) -> None:
        with self._accounts.transaction():
            self._update_invitation(invitation)
            open_rows = self._db.execute(
                "SELECT doc FROM uitvraag_proposals WHERE invitation_id = ? AND status = ?",
                (invitation.id, ProposalStatus.OPEN.value),
            ).fetchall()
            for (doc,) in open_rows:
                old = Proposal.model_validate_json(doc)
                self._write_proposal(old.model_copy(update={"status": ProposalStatus.VERVALLEN}))
            self._insert_proposals(proposals)

    def _insert_proposals(self, proposals: Sequence[Proposal]) -> None:
        for proposal in proposals:
            try:
                self._db.execute(
                    "INSERT INTO uitvraag_proposals"
                    " (id, round_id, invitation_id, status, created_at, doc)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        proposal.id,
                        proposal.round_id,
                        proposal.invitation_id,
                        proposal.status.value,
                        proposal.created_at.isoformat(),
                        proposal.model_dump_json(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"Het voorstel {proposal.id!r} bestaat al.") from None

    def _write_proposal(self, proposal: Proposal) -> int:
        cursor = self._db.execute(
            "UPDATE uitvraag_proposals SET status = ?, doc = ? WHERE id = ?",
            (proposal.status.value, proposal.model_dump_json(), proposal.id),
        )
        return cursor.rowcount

    def proposals(
        self,
        round_id: str,
        *,
        invitation_id: str | None = None,
        status: ProposalStatus | None = None,
    ) -> list[Proposal]:
        sql = "SELECT doc FROM uitvraag_proposals WHERE round_id = ?"
        params: list[object] = [round_id]
        if invitation_id is not None:
            sql += " AND invitation_id = ?"
            params.append(invitation_id)
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        rows = self._db.execute(sql + " ORDER BY created_at, id", tuple(params)).fetchall()
        return [Proposal.model_validate_json(r[0]) for r in rows]

    def get_proposal(self, proposal_id: str) -> Proposal:
        row = self._db.execute(
            "SELECT doc FROM uitvraag_proposals WHERE id = ?", (proposal_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"Het voorstel {proposal_id!r} bestaat niet.")
        return Proposal.model_validate_json(row[0])

    def save_proposal(self, proposal: Proposal, *, expected_status: ProposalStatus) -> None:
        with self._accounts.transaction():
            row = self._db.execute(
                "SELECT status FROM uitvraag_proposals WHERE id = ?", (proposal.id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"Het voorstel {proposal.id!r} bestaat niet.")
            if row[0] != expected_status.value:
                raise Conflict("Dit voorstel is intussen al beoordeeld.")
            self._write_proposal(proposal)

    # -- backups ---------------------------------------------------------------------------

    def export_all(self) -> RoundsDump:
        with self._accounts.transaction("BEGIN"):  # one read: a writer in another process waits
            rounds = self._db.execute(
                "SELECT doc FROM uitvraag_rounds ORDER BY created_at, id"
            ).fetchall()
            invitations = self._db.execute(
                "SELECT doc FROM uitvraag_invitations ORDER BY round_id, id"
            ).fetchall()
            proposals = self._db.execute(
                "SELECT doc FROM uitvraag_proposals ORDER BY round_id, created_at, id"
            ).fetchall()
        return RoundsDump(
            rounds=[Round.model_validate_json(r[0]) for r in rounds],
            invitations=[Invitation.model_validate_json(r[0]) for r in invitations],
            proposals=[Proposal.model_validate_json(r[0]) for r in proposals],
        )

    def import_all(self, dump: RoundsDump, *, replace: bool = False) -> None:
        dump.require_valid()
        with self._accounts.transaction():
            if replace:
                for table in ("uitvraag_proposals", "uitvraag_invitations", "uitvraag_rounds"):
                    self._db.execute(f"DELETE FROM {table}")
            elif self._db.execute("SELECT 1 FROM uitvraag_rounds LIMIT 1").fetchone():
                raise Conflict(ROUNDS_NOT_EMPTY)
            for round_ in dump.rounds:
                self._db.execute(
                    "INSERT INTO uitvraag_rounds (id, wijk, created_at, doc) VALUES (?, ?, ?, ?)",
                    (round_.id, round_.wijk, round_.created_at.isoformat(),
                     round_.model_dump_json()),
                )  # fmt: skip
            self._insert_invitations(dump.invitations)
            self._insert_proposals(dump.proposals)

    # -- request counters --------------------------------------------------------------

    def hit(self, key: str, *, now: datetime, window: timedelta) -> int:
        with self._accounts.transaction():
            row = self._db.execute(
                "SELECT window_start, count FROM uitvraag_hits WHERE key = ?", (key,)
            ).fetchone()
            if row is None or datetime.fromisoformat(row[0]) + window <= now:
                count = 1
                self._db.execute(
                    "INSERT INTO uitvraag_hits (key, window_start, count) VALUES (?, ?, 1)"
                    " ON CONFLICT(key) DO UPDATE SET window_start = excluded.window_start,"
                    " count = 1",
                    (key, now.isoformat()),
                )
                # a new window: a good moment to drop counters nobody has used for a day
                self._db.execute(
                    "DELETE FROM uitvraag_hits WHERE window_start < ?",
                    ((now - PRUNE_AFTER - window).isoformat(),),
                )
            else:
                count = int(row[1]) + 1
                self._db.execute("UPDATE uitvraag_hits SET count = ? WHERE key = ?", (count, key))
            return count

    def close(self) -> None:
        """Nothing of its own to close: the connection is the account store's."""
