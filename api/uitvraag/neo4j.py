"""The rounds of the netwerkuitvraag in Neo4j: the ``RoundStore`` on the graph's server, so
every app process serves the same rounds and links::

    (:Uitvraag {id, wijk, created_at, doc})
    (:Uitnodiging {id, round_id, actor_id, actor_name, digest, doc})
    (:UitvraagVoorstel {id, round_id, invitation_id, status, created_at, doc})
    (:UitvraagTeller {key, window_start, window_end, count})

``doc`` is the record as JSON (``model_dump_json``); the other properties are what it is
looked up and ordered by. Times are whole microseconds since the epoch (UTC), so Cypher
compares them exactly. The constraints (``api.shared.neo4j_db.SCHEMA``) keep ids and digests
unique and one invitation per actor per round; the transactions check the same first, to
refuse with a Dutch message. A review and an answer lock the proposals they change
(``SET p._lock``), so of two writers of one proposal the second sees the first's status.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j import ManagedTransaction

from api.shared.neo4j_db import SharedNeo4j
from api.uitvraag.model import Invitation, Proposal, ProposalStatus, Round
from api.uitvraag.store import ROUNDS_NOT_EMPTY, RoundsDump
from graph.errors import Conflict, NotFound

SWEEP_EVERY = 100
"""``hit`` removes old counters on every this-many-th call of one store."""
SWEEP_BATCH = 1000
"""At most this many old counters are removed at a time."""
SWEEP_AFTER = timedelta(days=1)
"""A counter is removed this long after its window ended."""


def _micros(moment: datetime) -> int:
    """``moment`` as microseconds since the epoch; a naive moment is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return delta // timedelta(microseconds=1)


def _round_props(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "wijk": round_.wijk,
        "created_at": _micros(round_.created_at),
        "doc": round_.model_dump_json(),
    }


def _invitation_props(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "round_id": invitation.round_id,
        "actor_id": invitation.actor_id,
        "actor_name": invitation.actor_name,
        "digest": invitation.digest,
        "doc": invitation.model_dump_json(),
    }


def _proposal_props(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "round_id": proposal.round_id,
        "invitation_id": proposal.invitation_id,
        "status": proposal.status.value,
        "created_at": _micros(proposal.created_at),
        "doc": proposal.model_dump_json(),
    }


def _duplicate(values: Iterable[Any]) -> Any:
    """A value that occurs more than once (None is never one), or None."""
    counts = Counter(v for v in values if v is not None)
    return next((v for v, n in counts.items() if n > 1), None)


class Neo4jRoundStore:
    """``RoundStore`` on the Neo4j server of the graph (the app's shared connection)."""

    def __init__(self, db: SharedNeo4j) -> None:
        self.db = db
        self._calls = itertools.count()

    # -- rounds ----------------------------------------------------------------------------

    def add_round(self, round_: Round, invitations: Sequence[Invitation]) -> None:
        _check_batch(invitations)

        def work(t: ManagedTransaction) -> None:
            if t.run("MATCH (u:Uitvraag {id: $id}) RETURN u.id", id=round_.id).peek():
                raise Conflict(f"Er is al een uitvraag met id {round_.id!r}.")
            t.run("CREATE (u:Uitvraag) SET u = $props", props=_round_props(round_))
            _add_invitations(t, invitations)

        self.db.write(work)

    def get_round(self, round_id: str) -> Round:
        def work(t: ManagedTransaction) -> Any:
            return t.run("MATCH (u:Uitvraag {id: $id}) RETURN u.doc AS doc", id=round_id).single()

        record = self.db.read(work)
        if record is None:
            raise NotFound(f"De uitvraag {round_id!r} bestaat niet.")
        return Round.model_validate_json(record["doc"])

    def list_rounds(self, wijk: str | None = None) -> list[Round]:
        def work(t: ManagedTransaction) -> list[str]:
            result = t.run(
                "MATCH (u:Uitvraag) WHERE $wijk IS NULL OR u.wijk = $wijk"
                " RETURN u.doc AS doc ORDER BY u.created_at DESC, u.id DESC",
                wijk=wijk,
            )
            return [str(r["doc"]) for r in result]

        return [Round.model_validate_json(doc) for doc in self.db.read(work)]

    def save_round(self, round_: Round) -> None:
        def work(t: ManagedTransaction) -> bool:
            result = t.run(
                "MATCH (u:Uitvraag {id: $id}) SET u = $props RETURN count(u) AS n",
                id=round_.id,
                props=_round_props(round_),
            ).single(strict=True)
            return bool(result["n"])

        if not self.db.write(work):
            raise NotFound(f"De uitvraag {round_.id!r} bestaat niet.")

    # -- invitations -----------------------------------------------------------------------

    def add_invitations(self, invitations: Sequence[Invitation]) -> None:
        _check_batch(invitations)

        def work(t: ManagedTransaction) -> None:
            round_ids = sorted({i.round_id for i in invitations})
            found = t.run(
                "MATCH (u:Uitvraag) WHERE u.id IN $ids RETURN collect(u.id) AS ids", ids=round_ids
            ).single(strict=True)
            missing = sorted(set(round_ids) - set(found["ids"]))
            if missing:
                raise NotFound(f"De uitvraag {missing[0]!r} bestaat niet.")
            _add_invitations(t, invitations)

        self.db.write(work)

    def get_invitation(self, invitation_id: str) -> Invitation:
        def work(t: ManagedTransaction) -> Any:
            return t.run(
                "MATCH (i:Uitnodiging {id: $id}) RETURN i.doc AS doc", id=invitation_id
            ).single()

        record = self.db.read(work)
        if record is None:
            raise NotFound(f"De uitnodiging {invitation_id!r} bestaat niet.")
        return Invitation.model_validate_json(record["doc"])

    def invitation_by_digest(self, digest: str) -> Invitation | None:
        def work(t: ManagedTransaction) -> Any:
            return t.run(
                "MATCH (i:Uitnodiging {digest: $digest}) RETURN i.doc AS doc", digest=digest
            ).single()

        record = self.db.read(work)
        return None if record is None else Invitation.model_validate_json(record["doc"])

    def invitations(self, round_id: str) -> list[Invitation]:
        def work(t: ManagedTransaction) -> list[str]:
            result = t.run(
                "MATCH (i:Uitnodiging {round_id: $round_id})"
                " RETURN i.doc AS doc ORDER BY i.actor_name, i.id",
                round_id=round_id,
            )
            return [str(r["doc"]) for r in result]

        return [Invitation.model_validate_json(doc) for doc in self.db.read(work)]

    def save_invitation(self, invitation: Invitation) -> None:
        self.db.write(_save_invitation, invitation)

    def answer(self, invitation: Invitation, proposals: Sequence[Proposal]) -> None:
        duplicate = _duplicate(p.id for p in proposals)
        if duplicate is not None:
            raise Conflict(f"Er is al een voorstel met id {duplicate!r}.")

        def work(t: ManagedTransaction) -> None:
            _save_invitation(t, invitation)
            # lock first, then read the status: a review that committed meanwhile is seen
            result = t.run(
                "MATCH (p:UitvraagVoorstel {invitation_id: $id})"
                " SET p._lock = true REMOVE p._lock"
                " WITH p WHERE p.status = $open RETURN p.doc AS doc",
                id=invitation.id,
                open=ProposalStatus.OPEN.value,
            )
            replaced = [
                Proposal.model_validate_json(r["doc"]).model_copy(
                    update={"status": ProposalStatus.VERVALLEN}
                )
                for r in result
            ]
            t.run(
                "UNWIND $rows AS row MATCH (p:UitvraagVoorstel {id: row.id}) SET p = row",
                rows=[_proposal_props(p) for p in replaced],
            )
            ids = [p.id for p in proposals]
            taken = t.run(
                "MATCH (p:UitvraagVoorstel) WHERE p.id IN $ids RETURN p.id AS id LIMIT 1", ids=ids
            ).single()
            if taken is not None:
                raise Conflict(f"Er is al een voorstel met id {taken['id']!r}.")
            t.run(
                "UNWIND $rows AS row CREATE (p:UitvraagVoorstel) SET p = row",
                rows=[_proposal_props(p) for p in proposals],
            )

        self.db.write(work)

    # -- proposals -------------------------------------------------------------------------

    def proposals(
        self,
        round_id: str,
        *,
        invitation_id: str | None = None,
        status: ProposalStatus | None = None,
    ) -> list[Proposal]:
        def work(t: ManagedTransaction) -> list[str]:
            result = t.run(
                "MATCH (p:UitvraagVoorstel {round_id: $round_id})"
                " WHERE ($invitation_id IS NULL OR p.invitation_id = $invitation_id)"
                " AND ($status IS NULL OR p.status = $status)"
                " RETURN p.doc AS doc ORDER BY p.created_at, p.id",
                round_id=round_id,
                invitation_id=invitation_id,
                status=None if status is None else status.value,
            )
            return [str(r["doc"]) for r in result]

        return [Proposal.model_validate_json(doc) for doc in self.db.read(work)]

    def get_proposal(self, proposal_id: str) -> Proposal:
        def work(t: ManagedTransaction) -> Any:
            return t.run(
                "MATCH (p:UitvraagVoorstel {id: $id}) RETURN p.doc AS doc", id=proposal_id
            ).single()

        record = self.db.read(work)
        if record is None:
            raise NotFound(f"Het voorstel {proposal_id!r} bestaat niet.")
        return Proposal.model_validate_json(record["doc"])

    def save_proposal(self, proposal: Proposal, *, expected_status: ProposalStatus) -> None:
        def work(t: ManagedTransaction) -> None:
            record = t.run(
                "MATCH (p:UitvraagVoorstel {id: $id}) SET p._lock = true REMOVE p._lock"
                " RETURN p.status AS status",
                id=proposal.id,
            ).single()
            if record is None:
                raise NotFound(f"Het voorstel {proposal.id!r} bestaat niet.")
            if record["status"] != expected_status.value:
                raise Conflict(
                    "Dit voorstel is intussen al beoordeeld (status "
                    f"{record['status']!r}); laad de lijst opnieuw."
                )
            t.run(
                "MATCH (p:UitvraagVoorstel {id: $id}) SET p = $props",
                id=proposal.id,
                props=_proposal_props(proposal),
            )

        self.db.write(work)

    # -- backups -------------------------------------------------------------------------------

    def export_all(self) -> RoundsDump:
        def work(t: ManagedTransaction) -> tuple[list[str], list[str], list[str]]:
            rounds = t.run("MATCH (u:Uitvraag) RETURN u.doc AS doc ORDER BY u.created_at, u.id")
            round_docs = [str(r["doc"]) for r in rounds]
            invitations = t.run(
                "MATCH (i:Uitnodiging) RETURN i.doc AS doc ORDER BY i.round_id, i.id"
            )
            invitation_docs = [str(r["doc"]) for r in invitations]
            proposals = t.run(
                "MATCH (p:UitvraagVoorstel) RETURN p.doc AS doc"
                " ORDER BY p.round_id, p.created_at, p.id"
            )
            return round_docs, invitation_docs, [str(r["doc"]) for r in proposals]

        rounds, invitations, proposals = self.db.read(work)
        return RoundsDump(
            rounds=[Round.model_validate_json(doc) for doc in rounds],
            invitations=[Invitation.model_validate_json(doc) for doc in invitations],
            proposals=[Proposal.model_validate_json(doc) for doc in proposals],
        )

    def import_all(self, dump: RoundsDump, *, replace: bool = False) -> None:
        dump.require_valid()

        def work(t: ManagedTransaction) -> None:
            if replace:
                t.run(
                    "MATCH (n) WHERE n:Uitvraag OR n:Uitnodiging OR n:UitvraagVoorstel"
                    " DETACH DELETE n"
                ).consume()
            elif t.run("MATCH (u:Uitvraag) RETURN 1 LIMIT 1").peek() is not None:
                raise Conflict(ROUNDS_NOT_EMPTY)
            t.run(
                "UNWIND $rows AS row CREATE (u:Uitvraag) SET u = row",
                rows=[_round_props(r) for r in dump.rounds],
            ).consume()
            _add_invitations(t, dump.invitations)
            ids = [p.id for p in dump.proposals]
            if t.run(
                "MATCH (p:UitvraagVoorstel) WHERE p.id IN $ids RETURN 1 LIMIT 1", ids=ids
            ).peek():  # one left behind without its round
                raise Conflict("Een voorstel in de back-up bestaat al.")
            t.run(
                "UNWIND $rows AS row CREATE (p:UitvraagVoorstel) SET p = row",
                rows=[_proposal_props(p) for p in dump.proposals],
            ).consume()

        self.db.write(work)

    # -- rate limiting ---------------------------------------------------------------------

    def hit(self, key: str, *, now: datetime, window: timedelta) -> int:
        at = _micros(now)
        end = at + window // timedelta(microseconds=1)

        def work(t: ManagedTransaction) -> int:
            # the lock makes concurrent hits of one key count one after the other
            record = t.run(
                "MERGE (c:UitvraagTeller {key: $key})"
                " ON CREATE SET c.window_start = $at, c.window_end = $end, c.count = 0"
                " SET c._lock = true REMOVE c._lock"
                " WITH c, c.window_end <= $at AS over"
                " SET c.window_start = CASE WHEN over THEN $at ELSE c.window_start END,"
                " c.window_end = CASE WHEN over THEN $end ELSE c.window_end END,"
                " c.count = CASE WHEN over THEN 1 ELSE c.count + 1 END"
                " RETURN c.count AS count",
                key=key,
                at=at,
                end=end,
            ).single(strict=True)
            return int(record["count"])

        count = self.db.write(work)
        if next(self._calls) % SWEEP_EVERY == 0:
            self._sweep(at - SWEEP_AFTER // timedelta(microseconds=1))
        return count

    def _sweep(self, before: int) -> None:
        """Remove the counters whose window ended before ``before`` (a batch of them)."""

        def work(t: ManagedTransaction) -> None:
            t.run(
                "MATCH (c:UitvraagTeller) WHERE c.window_end < $before"
                " WITH c LIMIT $batch DELETE c",
                before=before,
                batch=SWEEP_BATCH,
            )

        with suppress(Conflict):  # another process removed some of them at the same moment
            self.db.write(work)

    def close(self) -> None:
        """Nothing to release: the connection is the app's (its account store's)."""


def _check_batch(invitations: Sequence[Invitation]) -> None:
    """Refuse a batch that clashes with itself (the stored ones are checked in the write)."""
    checks = (
        (lambda i: i.id, "Er is al een uitnodiging met id {!r}."),
        (lambda i: (i.round_id, i.actor_id), "De actor {0[1]!r} is al gevraagd in deze uitvraag."),
        (lambda i: i.digest, "Deze link is al van een andere uitnodiging."),
    )
    for key, message in checks:
        duplicate = _duplicate(key(i) for i in invitations)
        if duplicate is not None:
            raise Conflict(message.format(duplicate))


def _add_invitations(t: ManagedTransaction, invitations: Sequence[Invitation]) -> None:
    """Create ``invitations`` unless one clashes with a stored one (``Conflict``)."""
    rows = [_invitation_props(i) for i in invitations]
    record = t.run(
        "UNWIND $rows AS row"
        " OPTIONAL MATCH (byid:Uitnodiging {id: row.id})"
        " OPTIONAL MATCH (byactor:Uitnodiging {round_id: row.round_id, actor_id: row.actor_id})"
        " OPTIONAL MATCH (bydigest:Uitnodiging {digest: row.digest})"
        " WITH row, byid, byactor, bydigest"
        " WHERE byid IS NOT NULL OR byactor IS NOT NULL OR bydigest IS NOT NULL"
        " RETURN row.id AS id, row.actor_id AS actor_id, byid IS NOT NULL AS id_taken,"
        " byactor IS NOT NULL AS asked LIMIT 1",
        rows=rows,
    ).single()
    if record is not None:
        if record["id_taken"]:
            raise Conflict(f"Er is al een uitnodiging met id {record['id']!r}.")
        if record["asked"]:
            raise Conflict(f"De actor {record['actor_id']!r} is al gevraagd in deze uitvraag.")
        raise Conflict("Deze link is al van een andere uitnodiging.")
    t.run("UNWIND $rows AS row CREATE (i:Uitnodiging) SET i = row", rows=rows)


def _save_invitation(t: ManagedTransaction, invitation: Invitation) -> None:
    """Replace a stored invitation: ``NotFound`` if absent, ``Conflict`` when its digest or
    its actor in the round is another invitation's."""
    record = t.run(
        "OPTIONAL MATCH (i:Uitnodiging {id: $id})"
        " OPTIONAL MATCH (other:Uitnodiging {digest: $digest}) WHERE other.id <> $id"
        " OPTIONAL MATCH (asked:Uitnodiging {round_id: $round_id, actor_id: $actor_id})"
        " WHERE asked.id <> $id"
        " RETURN i IS NOT NULL AS found, other IS NOT NULL AS digest_taken,"
        " asked IS NOT NULL AS asked LIMIT 1",
        id=invitation.id,
        digest=invitation.digest,
        round_id=invitation.round_id,
        actor_id=invitation.actor_id,
    ).single(strict=True)
    if not record["found"]:
        raise NotFound(f"De uitnodiging {invitation.id!r} bestaat niet.")
    if record["digest_taken"]:
        raise Conflict("Deze link is al van een andere uitnodiging.")
    if record["asked"]:
        raise Conflict(f"De actor {invitation.actor_id!r} is al gevraagd in deze uitvraag.")
    t.run(
        "MATCH (i:Uitnodiging {id: $id}) SET i = $props",
        id=invitation.id,
        props=_invitation_props(invitation),
    )
