"""The netwerkuitvraag in a backup (``graph.store.backup``): three members beside the
accounts, one record per line as its model dumps it (``model_dump(mode="json")``)::

    uitvraag_rounds.jsonl        one ``Round`` per line
    uitvraag_invitations.jsonl   one ``Invitation`` per line, with the digest of its link
    uitvraag_proposals.jsonl     one ``Proposal`` per line

The request counters are not in it. ``rounds_members`` turns a store's ``RoundsDump`` into
those members; ``check_rounds_members`` reads them back, every line checked against its
model and the references between them (``RoundsDump.errors``), before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from api.uitvraag.model import Invitation, Proposal, Round
from api.uitvraag.store import RoundsDump
from graph.store.backup import BackupError

ROUND_MEMBERS: dict[str, type[BaseModel]] = {
    "uitvraag_rounds": Round,
    "uitvraag_invitations": Invitation,
    "uitvraag_proposals": Proposal,
}
"""The members of a backup that hold the netwerkuitvraag, with the model of their lines."""


def rounds_members(dump: RoundsDump) -> dict[str, list[dict[str, Any]]]:
    """The rows of each member for ``dump``, as JSON-ready values."""
    return {
        "uitvraag_rounds": [r.model_dump(mode="json") for r in dump.rounds],
        "uitvraag_invitations": [i.model_dump(mode="json") for i in dump.invitations],
        "uitvraag_proposals": [p.model_dump(mode="json") for p in dump.proposals],
    }


def check_rounds_members(extra: Mapping[str, Sequence[Mapping[str, Any]]]) -> RoundsDump:
    """The netwerkuitvraag of a backup (empty when the backup has none of its members):
    ``BackupError`` when a line is not a valid record or a reference is not right."""
    found: dict[str, list[Any]] = {}
    for member, model in ROUND_MEMBERS.items():
        try:
            found[member] = [model.model_validate(r) for r in extra.get(member, [])]
        except ValidationError:
            raise BackupError(
                f"{member}.jsonl bevat een ongeldig record. Er is niets hersteld."
            ) from None
    dump = RoundsDump(
        rounds=found["uitvraag_rounds"],
        invitations=found["uitvraag_invitations"],
        proposals=found["uitvraag_proposals"],
    )
    errors = dump.errors()
    if errors:
        raise BackupError(
            f"De netwerkuitvragen in de back-up kloppen niet: {' '.join(errors[:5])} "
            "Er is niets hersteld."
        )
    return dump
