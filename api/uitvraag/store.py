"""Where a netwerkuitvraag's rounds, invitations and proposals are kept: the ``RoundStore``
interface and ``open_rounds``, which follows the app's shared state (``api.shared``): the
accounts SQLite file by default, the graph's Neo4j server when the graph is there (so any
number of app processes serve one round).

Every method is one transaction. Records are stored as their JSON (``model_dump_json``)
beside the columns/properties they are looked up by.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from api.uitvraag.model import Invitation, Proposal, ProposalStatus, Round


@runtime_checkable
class RoundStore(Protocol):
    def add_round(self, round_: Round, invitations: Sequence[Invitation]) -> None:
        """Store a new round with its invitations, all or nothing; ``Conflict`` when an id
        is taken."""

    def get_round(self, round_id: str) -> Round:
        """One round; ``NotFound`` if absent."""

    def list_rounds(self, wijk: str | None = None) -> list[Round]:
        """Rounds of one wijk or all, newest (``created_at``) first."""

    def save_round(self, round_: Round) -> None:
        """Replace a stored round (closing it, a new end date); ``NotFound`` if absent."""

    def add_invitations(self, invitations: Sequence[Invitation]) -> None:
        """Add invitations to an existing round; ``Conflict`` when the actor is asked
        already in that round (one invitation per actor per round) or an id is taken."""

    def get_invitation(self, invitation_id: str) -> Invitation:
        """One invitation; ``NotFound`` if absent."""

    def invitation_by_digest(self, digest: str) -> Invitation | None:
        """The invitation whose current token has this SHA-256 digest, if any."""

    def invitations(self, round_id: str) -> list[Invitation]:
        """The invitations of a round, by actor name then id."""

    def save_invitation(self, invitation: Invitation) -> None:
        """Replace a stored invitation (opened, issued, revoked…); ``Conflict`` when its new
        digest is another invitation's; ``NotFound`` if absent."""

    def answer(self, invitation: Invitation, proposals: Sequence[Proposal]) -> None:
        """One answer, in one transaction: ``invitation`` saved, its proposals still open
        set to ``vervallen`` (a later answer replaces an earlier one) and ``proposals``
        added."""

    def proposals(
        self,
        round_id: str,
        *,
        invitation_id: str | None = None,
        status: ProposalStatus | None = None,
    ) -> list[Proposal]:
        """Proposals of a round (optionally of one invitation or status), oldest first
        (``created_at``, then id)."""

    def get_proposal(self, proposal_id: str) -> Proposal:
        """One proposal; ``NotFound`` if absent."""

    def save_proposal(self, proposal: Proposal, *, expected_status: ProposalStatus) -> None:
        """Replace a proposal (its review) if its stored status is still
        ``expected_status``; otherwise ``Conflict`` (someone reviewed it meanwhile)."""

    def hit(self, key: str, *, now: datetime, window: timedelta) -> int:
        """Count one request under ``key`` and return the number counted in the current
        fixed window (which starts at the first hit after the previous window ended).
        Old keys are removed now and then, so the table stays small."""

    def close(self) -> None:
        """Release what the store opened itself (not a shared connection)."""
