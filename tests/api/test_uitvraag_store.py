"""The contract of the netwerkuitvraag's ``RoundStore``, on SQLite (the accounts file) and on
Neo4j (``rounds`` runs every test on both), and what only the Neo4j store keeps."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from neo4j import GraphDatabase

from api.uitvraag.model import (
    Invitation,
    Proposal,
    ProposalStatus,
    Round,
    Statement,
)
from api.uitvraag.neo4j import SWEEP_EVERY
from api.uitvraag.store import RoundsDump, RoundStore
from graph.errors import Conflict, InvalidData, NotFound
from graph.model import ActorKind
from tests.support.uitvraag import BACKENDS, round_store, rounds

__all__ = ["rounds"]  # the fixture, imported for the tests below

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _id(prefix: str) -> str:
    return prefix + secrets.token_hex(6)


def _digest() -> str:
    return secrets.token_hex(32)


def make_round(wijk: str = "daalhof", *, at: datetime = T0, title: str = "Voorjaar") -> Round:
    return Round(
        id=_id("u-"),
        wijk=wijk,
        title=title,
        intro="Wilt u uw samenwerkingen nakijken?",
        ends_on=date(2026, 3, 31),
        created_by="anna",
        created_at=at,
    )


def make_invitation(
    round_: Round, actor_id: str, name: str, *, digest: str | None = None
) -> Invitation:
    return Invitation(
        id=_id("n-"),
        round_id=round_.id,
        actor_id=actor_id,
        actor_name=name,
        email=f"{actor_id}@example.org",
        digest=digest,
        created_at=round_.created_at,
        expires_at=datetime(2026, 3, 31, 22, 0, tzinfo=UTC),
    )


def make_proposal(
    invitation: Invitation,
    *,
    at: datetime = T0,
    statement: Statement = Statement.BAND_NIEUW,
    other_id: str = "a-bieb",
    pid: str | None = None,
) -> Proposal:
    return Proposal(
        id=pid or _id("v-"),
        round_id=invitation.round_id,
        invitation_id=invitation.id,
        actor_id=invitation.actor_id,
        statement=statement,
        other_id=other_id,
        intensity=3,
        since=date(2024, 9, 1),
        note="Samen het taalcafé",
        created_at=at,
    )


def started(rounds: RoundStore, *names: str) -> tuple[Round, list[Invitation]]:
    """A stored round in daalhof asking one actor per name (ids ``a-<name>``)."""
    round_ = make_round()
    invitations = [make_invitation(round_, f"a-{n.lower()}", n) for n in names]
    rounds.add_round(round_, invitations)
    return round_, invitations


def statuses(rounds: RoundStore, round_id: str) -> dict[str, ProposalStatus]:
    return {p.id: p.status for p in rounds.proposals(round_id)}


# -- rounds ------------------------------------------------------------------------------


def test_a_round_is_stored_with_its_invitations_in_name_order(rounds):
    assert isinstance(rounds, RoundStore)
    round_ = make_round()
    zorg = make_invitation(round_, "a-zorg", "Zorgcentrum De Linde")
    bieb = make_invitation(round_, "a-bieb", "Bibliotheek Daalhof", digest=_digest())
    buurt = make_invitation(round_, "a-buurt", "Buurtcentrum")
    rounds.add_round(round_, [zorg, bieb, buurt])

    assert rounds.get_round(round_.id) == round_
    assert rounds.invitations(round_.id) == [bieb, buurt, zorg]
    assert rounds.get_invitation(bieb.id) == bieb
    assert rounds.invitations(make_round().id) == []


def test_rounds_are_listed_newest_first_and_per_wijk(rounds):
    old = make_round("daalhof", at=T0 - timedelta(days=200), title="Najaar")
    new = make_round("daalhof", at=T0)
    other = make_round("caberg", at=T0 - timedelta(days=10))
    for round_ in (old, new, other):
        rounds.add_round(round_, [])

    assert rounds.list_rounds() == [new, other, old]
    assert rounds.list_rounds("daalhof") == [new, old]
    assert rounds.list_rounds("caberg") == [other]
    assert rounds.list_rounds("malberg") == []


def test_saving_a_round_replaces_it(rounds):
    round_, _ = started(rounds, "Buurtcentrum")
    closed = round_.model_copy(
        update={"closed_at": T0 + timedelta(days=3), "ends_on": date(2026, 3, 20)}
    )
    rounds.save_round(closed)

    assert rounds.get_round(round_.id) == closed
    assert rounds.list_rounds("daalhof") == [closed]
    assert not rounds.get_round(round_.id).is_open(T0 + timedelta(days=4))


def test_a_round_id_that_is_taken_is_a_conflict_and_nothing_is_written(rounds):
    round_, invitations = started(rounds, "Buurtcentrum")
    again = round_.model_copy(update={"title": "Tweede keer"})
    extra = make_invitation(again, "a-bieb", "Bibliotheek")

    with pytest.raises(Conflict):
        rounds.add_round(again, [extra])

    assert rounds.get_round(round_.id).title == "Voorjaar"
    assert rounds.invitations(round_.id) == invitations
    with pytest.raises(NotFound):
        rounds.get_invitation(extra.id)


def test_a_round_whose_invitations_clash_is_not_stored(rounds):
    round_ = make_round()
    twice = [
        make_invitation(round_, "a-bieb", "Bibliotheek"),
        make_invitation(round_, "a-bieb", "Bibliotheek"),
    ]
    with pytest.raises(Conflict):
        rounds.add_round(round_, twice)

    with pytest.raises(NotFound):
        rounds.get_round(round_.id)
    assert rounds.list_rounds() == []
    assert rounds.invitations(round_.id) == []


# -- invitations -------------------------------------------------------------------------


def test_an_actor_is_asked_once_per_round_and_a_clashing_batch_writes_nothing(rounds):
    round_, [buurt] = started(rounds, "Buurtcentrum")
    bieb = make_invitation(round_, "a-bieb", "Bibliotheek")
    buurt_again = make_invitation(round_, buurt.actor_id, "Buurtcentrum")

    with pytest.raises(Conflict):
        rounds.add_invitations([bieb, buurt_again])
    with pytest.raises(Conflict):  # twice in one batch
        rounds.add_invitations([bieb, make_invitation(round_, "a-bieb", "Bibliotheek")])

    assert rounds.invitations(round_.id) == [buurt]
    rounds.add_invitations([bieb])
    assert rounds.invitations(round_.id) == [bieb, buurt]

    # the same actor in another round is asked again
    other = make_round(at=T0 + timedelta(days=1))
    rounds.add_round(other, [])
    again = make_invitation(other, buurt.actor_id, "Buurtcentrum")
    rounds.add_invitations([again])
    assert rounds.invitations(other.id) == [again]


def test_an_invitation_id_that_is_taken_is_a_conflict(rounds):
    round_, [buurt] = started(rounds, "Buurtcentrum")
    same_id = make_invitation(round_, "a-bieb", "Bibliotheek").model_copy(update={"id": buurt.id})

    with pytest.raises(Conflict):
        rounds.add_invitations([same_id])

    assert rounds.get_invitation(buurt.id) == buurt


def test_invitations_of_an_unknown_round_are_not_added(rounds):
    ghost = make_round()
    with pytest.raises(NotFound):
        rounds.add_invitations([make_invitation(ghost, "a-bieb", "Bibliotheek")])
    assert rounds.invitations(ghost.id) == []


def test_an_invitation_is_found_by_the_digest_of_its_current_link_only(rounds):
    _, [bieb, buurt] = started(rounds, "Bibliotheek", "Buurtcentrum")
    first, second = _digest(), _digest()
    assert rounds.invitation_by_digest(first) is None

    issued = bieb.model_copy(update={"digest": first, "sent_at": T0})
    rounds.save_invitation(issued)
    assert rounds.invitation_by_digest(first) == issued
    assert rounds.get_invitation(bieb.id) == issued

    reminded = issued.model_copy(update={"digest": second, "reminded_at": T0, "reminders": 1})
    rounds.save_invitation(reminded)
    assert rounds.invitation_by_digest(first) is None  # the old link stops working
    assert rounds.invitation_by_digest(second) == reminded
    assert rounds.get_invitation(buurt.id) == buurt


def test_a_digest_of_another_invitation_is_a_conflict(rounds):
    _, [bieb, buurt] = started(rounds, "Bibliotheek", "Buurtcentrum")
    digest = _digest()
    rounds.save_invitation(bieb.model_copy(update={"digest": digest}))

    with pytest.raises(Conflict):
        rounds.save_invitation(buurt.model_copy(update={"digest": digest, "sent_at": T0}))

    assert rounds.get_invitation(buurt.id) == buurt
    assert rounds.invitation_by_digest(digest).id == bieb.id
    # saving an invitation with its own digest again is no clash
    rounds.save_invitation(bieb.model_copy(update={"digest": digest, "opened_at": T0}))
    assert rounds.get_invitation(bieb.id).opened_at == T0


def test_an_invitation_that_is_added_with_a_taken_digest_is_a_conflict(rounds):
    digest = _digest()
    round_ = make_round()
    rounds.add_round(round_, [make_invitation(round_, "a-bieb", "Bibliotheek", digest=digest)])
    clash = make_invitation(round_, "a-buurt", "Buurtcentrum", digest=digest)

    with pytest.raises(Conflict):
        rounds.add_invitations([clash])
    assert [i.actor_id for i in rounds.invitations(round_.id)] == ["a-bieb"]


# -- answers and proposals ---------------------------------------------------------------


def test_an_answer_replaces_the_open_proposals_of_that_invitation_only(rounds):
    round_, [bieb, buurt] = started(rounds, "Bibliotheek", "Buurtcentrum")
    first = make_proposal(bieb, at=T0 + timedelta(hours=1))
    reviewed = make_proposal(bieb, at=T0 + timedelta(hours=2), other_id="a-zorg")
    of_buurt = make_proposal(buurt, at=T0 + timedelta(hours=1), other_id="a-bieb")
    rounds.answer(
        bieb.model_copy(update={"answered_at": T0 + timedelta(hours=1)}), [first, reviewed]
    )
    rounds.answer(buurt, [of_buurt])
    accepted = reviewed.model_copy(
        update={"status": ProposalStatus.AANVAARD, "reviewed_by": "anna", "reviewed_at": T0}
    )
    rounds.save_proposal(accepted, expected_status=ProposalStatus.OPEN)

    later = bieb.model_copy(update={"answered_at": T0 + timedelta(hours=5)})
    correction = make_proposal(
        bieb, at=T0 + timedelta(hours=5), statement=Statement.ACTOR_NIEUW, other_id="a-x"
    ).model_copy(
        update={"other_name": "Taalhuis", "other_kind": ActorKind.ORGANISATIE, "other_id": None}
    )
    rounds.answer(later, [correction])

    assert rounds.get_invitation(bieb.id) == later
    assert rounds.proposals(round_.id, invitation_id=bieb.id) == [
        first.model_copy(update={"status": ProposalStatus.VERVALLEN}),
        accepted,
        correction,
    ]
    assert rounds.get_proposal(of_buurt.id) == of_buurt  # another respondent's stays open


def test_an_answer_that_fails_writes_nothing(rounds):
    round_, [bieb] = started(rounds, "Bibliotheek")
    first = make_proposal(bieb)
    rounds.answer(bieb, [first])
    answered = bieb.model_copy(update={"answered_at": T0 + timedelta(hours=2)})
    taken = make_proposal(bieb, at=T0 + timedelta(hours=2), pid=first.id)

    with pytest.raises(Conflict):
        rounds.answer(answered, [make_proposal(bieb, at=T0 + timedelta(hours=2)), taken])

    assert rounds.get_invitation(bieb.id).answered_at is None
    assert rounds.proposals(round_.id) == [first]


def test_an_answer_of_an_unknown_invitation_is_not_found(rounds):
    round_ = make_round()
    rounds.add_round(round_, [])
    ghost = make_invitation(round_, "a-bieb", "Bibliotheek")

    with pytest.raises(NotFound):
        rounds.answer(ghost, [])
    with pytest.raises(NotFound):
        rounds.save_invitation(ghost)
    assert rounds.proposals(round_.id) == []


def test_proposals_are_filtered_and_listed_oldest_first(rounds):
    round_, [bieb, buurt] = started(rounds, "Bibliotheek", "Buurtcentrum")
    late = make_proposal(bieb, at=T0 + timedelta(hours=3), pid="v-00000000000b")
    early = make_proposal(bieb, at=T0 + timedelta(hours=1), pid="v-00000000000c")
    tie_a = make_proposal(buurt, at=T0 + timedelta(hours=2), pid="v-00000000000a")
    tie_z = make_proposal(buurt, at=T0 + timedelta(hours=2), pid="v-0000000000ff")
    rounds.answer(bieb, [late, early])
    rounds.answer(buurt, [tie_z, tie_a])
    rejected = early.model_copy(update={"status": ProposalStatus.AFGEWEZEN, "reason": "Klopt niet"})
    rounds.save_proposal(rejected, expected_status=ProposalStatus.OPEN)

    assert rounds.proposals(round_.id) == [rejected, tie_a, tie_z, late]
    assert rounds.proposals(round_.id, invitation_id=buurt.id) == [tie_a, tie_z]
    assert rounds.proposals(round_.id, status=ProposalStatus.OPEN) == [tie_a, tie_z, late]
    assert rounds.proposals(round_.id, status=ProposalStatus.AFGEWEZEN) == [rejected]
    assert rounds.proposals(round_.id, invitation_id=bieb.id, status=ProposalStatus.OPEN) == [late]
    assert rounds.proposals(make_round().id) == []


def test_a_review_with_a_stale_status_is_a_conflict_and_changes_nothing(rounds):
    round_, [bieb] = started(rounds, "Bibliotheek")
    proposal = make_proposal(bieb)
    rounds.answer(bieb, [proposal])
    accepted = proposal.model_copy(
        update={"status": ProposalStatus.AANVAARD, "reviewed_by": "anna", "result_id": "l-1"}
    )
    rounds.save_proposal(accepted, expected_status=ProposalStatus.OPEN)

    rejected = proposal.model_copy(
        update={"status": ProposalStatus.AFGEWEZEN, "reviewed_by": "bert", "reason": "Nee"}
    )
    with pytest.raises(Conflict):
        rounds.save_proposal(rejected, expected_status=ProposalStatus.OPEN)

    assert rounds.get_proposal(proposal.id) == accepted
    assert statuses(rounds, round_.id) == {proposal.id: ProposalStatus.AANVAARD}


def test_of_two_reviewers_at_once_one_wins(rounds):
    _, [bieb] = started(rounds, "Bibliotheek")
    proposal = make_proposal(bieb)
    rounds.answer(bieb, [proposal])
    outcomes: list[str] = []

    def review(by: str, status: ProposalStatus) -> Callable[[], None]:
        def run() -> None:
            reviewed = proposal.model_copy(update={"status": status, "reviewed_by": by})
            try:
                rounds.save_proposal(reviewed, expected_status=ProposalStatus.OPEN)
                outcomes.append(by)
            except Conflict:
                outcomes.append("conflict")

        return run

    reviewers = [
        threading.Thread(target=review(f"r{n}", status))
        for n, status in enumerate([ProposalStatus.AANVAARD, ProposalStatus.AFGEWEZEN] * 3)
    ]
    for thread in reviewers:
        thread.start()
    for thread in reviewers:
        thread.join()

    winners = [o for o in outcomes if o != "conflict"]
    assert len(outcomes) == 6 and len(winners) == 1
    assert rounds.get_proposal(proposal.id).reviewed_by == winners[0]


def test_unknown_records_are_not_found(rounds):
    round_, [bieb] = started(rounds, "Bibliotheek")
    with pytest.raises(NotFound):
        rounds.get_round(make_round().id)
    with pytest.raises(NotFound):
        rounds.save_round(make_round())
    with pytest.raises(NotFound):
        rounds.get_invitation(_id("n-"))
    with pytest.raises(NotFound):
        rounds.get_proposal(_id("v-"))
    with pytest.raises(NotFound):
        rounds.save_proposal(make_proposal(bieb), expected_status=ProposalStatus.OPEN)
    assert rounds.proposals(round_.id) == []


# -- backups -----------------------------------------------------------------------------


def filled(rounds: RoundStore) -> RoundsDump:
    """Two rounds: one with an answered, reviewed and reminded invitation, one closed;
    a hit counted too. What ``export_all`` should give."""
    round_, [bieb, buurt] = started(rounds, "Bibliotheek", "Buurtcentrum")
    issued = bieb.model_copy(update={"digest": _digest(), "sent_at": T0, "reminders": 1})
    rounds.save_invitation(issued)
    answered = issued.model_copy(update={"answered_at": T0 + timedelta(hours=1)})
    kept = make_proposal(bieb, at=T0 + timedelta(hours=1))
    reviewed = make_proposal(bieb, at=T0 + timedelta(hours=1), other_id="a-zorg")
    rounds.answer(answered, [kept, reviewed])
    accepted = reviewed.model_copy(
        update={"status": ProposalStatus.AANVAARD, "reviewed_by": "anna", "result_id": "l-1"}
    )
    rounds.save_proposal(accepted, expected_status=ProposalStatus.OPEN)
    closed = make_round("caberg", at=T0 - timedelta(days=40)).model_copy(
        update={"closed_at": T0 - timedelta(days=10)}
    )
    rounds.add_round(closed, [])
    rounds.hit("token:x", now=T0, window=timedelta(minutes=10))
    return RoundsDump(
        rounds=[closed, round_],
        invitations=sorted([answered, buurt], key=lambda i: i.id),
        proposals=sorted([kept, accepted], key=lambda p: p.id),
    )


def by_id(dump: RoundsDump) -> tuple[dict[str, Round], dict[str, Invitation], dict[str, Proposal]]:
    return (
        {r.id: r for r in dump.rounds},
        {i.id: i for i in dump.invitations},
        {p.id: p for p in dump.proposals},
    )


def test_export_all_gives_every_round_invitation_and_proposal(rounds):
    assert rounds.export_all() == RoundsDump()
    expected = filled(rounds)

    found = rounds.export_all()

    assert by_id(found) == by_id(expected)
    assert [r.id for r in found.rounds] == [r.id for r in expected.rounds]  # oldest first


@pytest.mark.parametrize("target", BACKENDS)
def test_import_all_restores_an_export_digests_and_all(rounds, target, request):
    dump = filled(rounds)
    exported = rounds.export_all()
    server = request.getfixturevalue("neo4j_server") if target == "neo4j" else None
    with round_store(target, server) as other:  # on one Neo4j server: the same one, wiped
        other.import_all(exported)

        assert by_id(other.export_all()) == by_id(dump)
        round_ = dump.rounds[1]
        assert other.list_rounds() == [round_, dump.rounds[0]]
        answered = next(i for i in dump.invitations if i.digest is not None)
        assert other.invitation_by_digest(answered.digest) == answered
        assert other.proposals(round_.id, status=ProposalStatus.OPEN) == [
            p for p in dump.proposals if p.status is ProposalStatus.OPEN
        ]
        # the restored store goes on as before: a new answer replaces the open proposal
        later = make_proposal(answered, at=T0 + timedelta(hours=3))
        other.answer(answered, [later])
        assert statuses(other, round_.id)[later.id] is ProposalStatus.OPEN
        assert ProposalStatus.OPEN not in {
            s for pid, s in statuses(other, round_.id).items() if pid != later.id
        }


def test_import_all_refuses_a_store_with_rounds_unless_replace(rounds):
    dump = filled(rounds)
    before = rounds.export_all()
    other_round = make_round("malberg", at=T0 + timedelta(days=1))
    other = RoundsDump(rounds=[other_round], invitations=[make_invitation(other_round, "a-x", "X")])

    with pytest.raises(Conflict):
        rounds.import_all(other)
    assert rounds.export_all() == before

    rounds.import_all(other, replace=True)
    assert rounds.export_all() == other
    assert rounds.list_rounds() == [other_round]
    with pytest.raises(NotFound):
        rounds.get_proposal(dump.proposals[0].id)
    assert rounds.invitation_by_digest(dump.invitations[0].digest or "") is None


def test_import_all_refuses_broken_references_and_writes_nothing(rounds):
    round_ = make_round()
    invitation = make_invitation(round_, "a-bieb", "Bibliotheek", digest=_digest())
    orphan = make_proposal(make_invitation(round_, "a-zorg", "Zorg"))
    twice = make_invitation(round_, "a-buurt", "Buurtcentrum", digest=invitation.digest)
    for broken in (
        RoundsDump(invitations=[invitation]),  # no round
        RoundsDump(rounds=[round_], invitations=[invitation], proposals=[orphan]),
        RoundsDump(rounds=[round_], invitations=[invitation, twice]),  # one digest twice
        RoundsDump(rounds=[round_, round_]),
    ):
        with pytest.raises(InvalidData):
            rounds.import_all(broken, replace=True)
        assert rounds.export_all() == RoundsDump()


def test_a_failing_import_all_leaves_the_store_as_it_was(rounds):
    filled(rounds)
    before = rounds.export_all()
    round_ = make_round("malberg")
    bad = RoundsDump(rounds=[round_], invitations=[make_invitation(round_, "a-x", "X")])
    with pytest.raises(Conflict):  # without replace, over rounds
        rounds.import_all(bad)
    assert rounds.export_all() == before


# -- request counters --------------------------------------------------------------------


def test_hits_are_counted_within_the_window_and_start_over_after_it(rounds):
    hour = timedelta(hours=1)

    def hit(key: str, minutes: int) -> int:
        return rounds.hit(key, now=T0 + timedelta(minutes=minutes), window=hour)

    assert [hit("token:a", m) for m in (0, 1, 59)] == [1, 2, 3]
    assert hit("token:b", 30) == 1  # every key counts apart
    assert hit("token:a", 60) == 1  # the window ended: a new one starts with this hit
    assert hit("token:a", 119) == 2
    assert hit("token:a", 120) == 1
    assert hit("token:b", 31) == 2


def test_hits_at_the_same_moment_are_all_counted(rounds):
    errors: list[Exception] = []

    def hammer() -> None:
        try:
            for _ in range(10):
                rounds.hit("address:127.0.0.1", now=T0, window=timedelta(minutes=10))
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert rounds.hit("address:127.0.0.1", now=T0, window=timedelta(minutes=10)) == 61


# -- only on Neo4j -----------------------------------------------------------------------


@pytest.fixture
def admin(neo4j_server):
    with GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth) as driver:
        yield driver


@pytest.mark.neo4j
def test_the_neo4j_constraints_exist(neo4j_server, admin):
    with round_store("neo4j", neo4j_server):
        records, _, _ = admin.execute_query(
            "SHOW CONSTRAINTS YIELD labelsOrTypes, properties"
            " RETURN labelsOrTypes[0] AS label, properties AS properties"
        )
    found = {(r["label"], tuple(r["properties"])) for r in records}
    assert {
        ("Uitvraag", ("id",)),
        ("Uitnodiging", ("id",)),
        ("Uitnodiging", ("digest",)),
        ("Uitnodiging", ("round_id", "actor_id")),
        ("UitvraagVoorstel", ("id",)),
        ("UitvraagTeller", ("key",)),
    } <= found


@pytest.mark.neo4j
def test_neo4j_removes_counters_a_day_after_their_window(neo4j_server, admin):
    window = timedelta(minutes=10)
    with round_store("neo4j", neo4j_server) as store:
        store.hit("token:old", now=T0, window=window)
        store.hit("token:recent", now=T0 + timedelta(days=1), window=window)
        later = T0 + timedelta(days=1, hours=1)
        for n in range(SWEEP_EVERY - 2):
            store.hit(f"address:{n % 3}", now=later, window=window)
        records, _, _ = admin.execute_query(
            "MATCH (c:UitvraagTeller) RETURN c.key AS key ORDER BY key"
        )
        assert "token:old" in [r["key"] for r in records]

        store.hit("address:0", now=later, window=window)  # the 100th hit of this store

        records, _, _ = admin.execute_query(
            "MATCH (c:UitvraagTeller) RETURN c.key AS key ORDER BY key"
        )
        keys = [r["key"] for r in records]
        assert "token:old" not in keys
        assert {"token:recent", "address:0", "address:1", "address:2"} <= set(keys)
