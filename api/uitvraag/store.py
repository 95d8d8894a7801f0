"""Where a netwerkuitvraag's rounds, invitations and proposals are kept: the ``RoundStore``
interface and ``open_rounds``, which follows the app's shared state (``api.shared``): the
accounts SQLite file by default, the graph's Neo4j server when the graph is there (so any
number of app processes serve one round).

Every method is one transaction. Records are stored as their JSON (``model_dump_json``)
beside the columns/properties they are looked up by. ``export_all``/``import_all`` move every
round, invitation and proposal at once, for ``wijknet backup``/``restore``
(``api.uitvraag.backup``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from api.uitvraag.model import Invitation, Proposal, ProposalStatus, Round
from graph.errors import FieldError, InvalidData
from graph.store.backup import unique

ROUNDS_NOT_EMPTY = (
    "Er staan al netwerkuitvragen in de opslag: een back-up ervan wordt alleen hersteld "
    "waar er geen zijn, tenzij ze vervangen mogen worden."
)
"""The refusal of ``import_all`` into a store that holds a round, without ``replace``."""


@dataclass
class RoundsDump:
    """Every round, invitation and proposal of a store, as one read saw them (the request
    counters are left out: they only matter for the next minutes)."""

    rounds: list[Round] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    def errors(self) -> list[str]:
        """What is wrong with the references in the dump, in Dutch (empty when nothing):
        each id and digest once, one invitation per actor per round, every invitation and
        proposal of a round in the dump, every proposal of an invitation of its round."""
        errors: list[str] = []

        def once(what: str, keys: list[str]) -> set[str]:
            return unique(what, keys, errors)

        round_ids = once("De uitvraag", [r.id for r in self.rounds])
        once("De uitnodiging", [i.id for i in self.invitations])
        once("De linkcode", [i.digest for i in self.invitations if i.digest is not None])
        once("De gevraagde actor", [f"{i.round_id}/{i.actor_id}" for i in self.invitations])
        once("Het voorstel", [p.id for p in self.proposals])
        invitation_rounds = {i.id: i.round_id for i in self.invitations}
        for inv in self.invitations:
            if inv.round_id not in round_ids:
                errors.append(f"Uitnodiging {inv.id} noemt de onbekende uitvraag {inv.round_id}.")
        for p in self.proposals:
            if p.round_id not in round_ids:
                errors.append(f"Voorstel {p.id} noemt de onbekende uitvraag {p.round_id}.")
            elif invitation_rounds.get(p.invitation_id) != p.round_id:
                errors.append(f"Voorstel {p.id} noemt de onbekende uitnodiging {p.invitation_id}.")
        return errors

    def require_valid(self) -> None:
        """``InvalidData`` (field ``backup``) when ``errors`` finds anything."""
        errors = self.errors()
        if errors:
            raise InvalidData([FieldError("backup", e) for e in errors], " ".join(errors[:5]))


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

    def export_all(self) -> RoundsDump:
        """Every round, invitation and proposal, read in one read transaction; the request
        counters are left out."""

    def import_all(self, dump: RoundsDump, *, replace: bool = False) -> None:
        """Write ``dump`` in one write transaction, every record as it is (digests too, so
        links handed out before a backup still open after its restore). ``Conflict``
        (``ROUNDS_NOT_EMPTY``) when the store holds a round and not ``replace``; with
        ``replace`` every round, invitation and proposal goes first. ``InvalidData`` when
        the dump's references are not right (``RoundsDump.errors``); nothing is written."""

    def close(self) -> None:
        """Release what the store opened itself (not a shared connection)."""
