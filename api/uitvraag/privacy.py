"""Erasing a person (the AVG's right to erasure) reaches the netwerkuitvraag too.

The graph store erases a person from its records and its audit log
(``GraphStore.erase_personal_data``); the rounds beside the accounts hold the same person
in other places: the name and e-mail address of an invitation, the corrections a
respondent sent for its own record, and the names respondents typed for a new actor or in
a note. ``person`` finds what to erase (the actor, every actor merged into it, and their
names, addresses and numbers, as ``graph.store.erasure`` defines them) before the graph
store forgets it; ``erase_from_rounds`` then scrubs every round: the person's own
invitations lose name and address and their links stop working; every statement loses the
person's names, addresses and numbers.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from api.uitvraag.model import Invitation, Proposal
from api.uitvraag.store import RoundStore
from graph.errors import NotFound
from graph.model import ActorKind
from graph.store import GraphStore
from graph.store.erasure import ERASED_NAME, Erasure, merged_ids

ALL = 10**9
"""A limit of the audit log that is never reached."""


def person(store: GraphStore, actor_id: str) -> Erasure:
    """What erasing ``actor_id`` removes, read from the graph store before it does."""
    merges = [
        (entry.entity_id, (entry.after or {}).get("merged_into"))
        for entry in store.audit_log(limit=ALL)
        if entry.action == "merge" and entry.entity == "actor"
    ]
    erasure = Erasure(merged_ids(actor_id, merges))
    for known in sorted(erasure.ids):
        with suppress(NotFound):  # deleted or merged away: its history says the rest
            erasure.collect(store.get_actor(known).model_dump(mode="json"))
        for entry in store.audit_log(entity_id=known, limit=ALL):
            erasure.collect(entry.before)
            erasure.collect(entry.after)
    return erasure


def _invitation(invitation: Invitation, erasure: Erasure, now: datetime) -> Invitation:
    if invitation.actor_id not in erasure.ids:
        return invitation
    name = invitation.actor_name
    return invitation.model_copy(
        update={
            "actor_name": ERASED_NAME if name in erasure.values else name,
            "email": None,
            "revoked_at": invitation.revoked_at or now,
        }
    )


def _proposal(proposal: Proposal, erasure: Erasure, persons: set[str]) -> Proposal:
    """``proposal`` without the person: a correction the person sent of its own record
    loses its address and number, and (a professional's, whose invitation is in
    ``persons``) its name; every text loses the person's names, addresses and numbers."""
    own = proposal.actor_id in erasure.ids
    changes = {
        key: ERASED_NAME
        if key == "name" and proposal.invitation_id in persons
        else erasure.text(value)
        for key, value in proposal.changes.items()
        if not (own and key in ("email", "phone"))
    }
    other_name = proposal.other_name
    if other_name is not None and (
        proposal.other_id in erasure.ids
        or (proposal.other_kind is ActorKind.PROFESSIONAL and other_name in erasure.values)
    ):
        other_name = ERASED_NAME
    elif other_name is not None:
        other_name = erasure.text(other_name)
    return proposal.model_copy(
        update={
            "changes": changes,
            "other_name": other_name,
            "note": erasure.text(proposal.note),
            "reason": erasure.text(proposal.reason),
        }
    )


def erase_from_rounds(rounds: RoundStore, erasure: Erasure, *, now: datetime) -> int:
    """Scrub every round of the person; the number of records changed."""
    changed = 0
    for round_ in rounds.list_rounds():
        invitations = rounds.invitations(round_.id)
        persons = {  # the person's own invitations, as a professional (a person's name)
            inv.id
            for inv in invitations
            if inv.actor_id in erasure.ids and inv.actor_name in erasure.values
        }
        for invitation in invitations:
            scrubbed = _invitation(invitation, erasure, now)
            if scrubbed != invitation:
                rounds.save_invitation(scrubbed)
                changed += 1
        for proposal in rounds.proposals(round_.id):
            cleaned = _proposal(proposal, erasure, persons)
            if cleaned != proposal:
                rounds.save_proposal(cleaned, expected_status=proposal.status)
                changed += 1
    return changed
