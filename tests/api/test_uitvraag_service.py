"""The netwerkuitvraag's service: starting a round, personal links, answers, the review and
the round's figures, on SQLite and on Neo4j (graph store and round store of one backend)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from api.uitvraag import service
from api.uitvraag.model import ProposalStatus, Statement, end_of
from api.uitvraag.privacy import erase_from_rounds, person
from api.uitvraag.service import (
    Answer,
    LinkAnswer,
    NewTie,
    TokenRefused,
    respondent_by,
    reviewer_by,
)
from api.uitvraag.tokens import TOKEN_LENGTH, digest, looks_like_token, new_token
from graph.errors import Conflict, InvalidData, NotFound
from graph.model import (
    ActorIn,
    ActorKind,
    Contact,
    Domain,
    Intensity,
    LinkIn,
    LinkKind,
    WijkIn,
)
from tests.support.uitvraag import round_store

pytestmark = pytest.mark.both_stores

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
ENDS_ON = date(2026, 3, 31)
BASE = "https://wijknet.example"

HUISARTS, WELZIJN, JANSEN, BIEB, BUURTKAMER = (
    "a-huisarts",
    "a-welzijn",
    "a-jansen",
    "a-bieb",
    "a-buurtkamer",
)


@pytest.fixture
def store(empty_store):
    """A small wijk: three asked actors with e-mail (a practice, a welfare organisation and
    a nurse), a library without e-mail and a residents' initiative (not asked by default)."""
    empty_store.create_wijk(WijkIn(slug="zuid", name="Zuid", gemeente="Heerlen"), by="beheer")
    empty_store.create_wijk(WijkIn(slug="noord", name="Noord", gemeente="Heerlen"), by="beheer")

    def actor(actor_id, kind, name, domain, email=None, wijk="zuid"):
        contact = Contact(email=email, phone="045 123 4567") if email else None
        empty_store.create_actor(
            ActorIn(
                id=actor_id, kind=kind, name=name, domain=domain, wijken=[wijk], contact=contact
            ),
            by="beheer",
        )

    actor(HUISARTS, ActorKind.ORGANISATIE, "Huisartsenpraktijk Zuid", Domain.ZORG, "hap@zuid.nl")
    actor(WELZIJN, ActorKind.ORGANISATIE, "Welzijn Zuid", Domain.SOCIAAL, "info@welzijn.nl")
    actor(JANSEN, ActorKind.PROFESSIONAL, "Els Jansen", Domain.ZORG, "e.jansen@wijkzorg.nl")
    actor(BIEB, ActorKind.ORGANISATIE, "Bibliotheek Zuid", Domain.ONDERWIJS)
    actor(BUURTKAMER, ActorKind.INITIATIEF, "Buurtkamer", Domain.INWONERS, "buurt@kamer.nl")
    actor("a-elders", ActorKind.ORGANISATIE, "Elders", Domain.ZORG, "a@elders.nl", wijk="noord")

    def link(link_id, source, target, intensity, since=None, kind=LinkKind.SAMENWERKING):
        empty_store.create_link(
            LinkIn(
                id=link_id,
                source=source,
                target=target,
                kind=kind,
                intensity=intensity,
                since=since,
            ),
            by="beheer",
        )

    link("l-ab", HUISARTS, WELZIJN, Intensity.AFSTEMMEN, date(2024, 1, 1))
    link("l-ac", HUISARTS, JANSEN, Intensity.INFORMATIE_DELEN)
    link("l-bd", WELZIJN, BIEB, Intensity.INFORMATIE_DELEN, kind=LinkKind.VERWIJZING)
    link("l-cd", JANSEN, BIEB, Intensity.KENNEN, date(2025, 6, 1))
    return empty_store


@pytest.fixture
def rounds(store, store_backend, request):
    """The round store of the graph store's backend, empty."""
    server = request.getfixturevalue("neo4j_server") if store_backend == "neo4j" else None
    with round_store(store_backend, server) as rounds:
        yield rounds


def start(store, rounds, **overrides):
    fields = {
        "wijk": "zuid",
        "title": "Voorjaar 2026",
        "intro": "Met wie werkt u samen?",
        "ends_on": ENDS_ON,
        "actor_ids": None,
        "by": "anna",
        "now": NOW,
    }
    return service.start_round(store, rounds, **(fields | overrides))


def opened(store, rounds, round_):
    """Hand out every link and open each: the invitations by actor id, and the tokens."""
    links = service.issue_links(rounds, round_.id, now=NOW)
    tokens = {link.invitation.actor_id: link.token for link in links}
    invitations = {
        actor_id: service.open_link(rounds, token, now=NOW) for actor_id, token in tokens.items()
    }
    return invitations, tokens


def refused(rounds, token, now=NOW):
    with pytest.raises(TokenRefused) as caught:
        service.open_link(rounds, token, now=now)
    return caught.value


def answer(**fields):
    return Answer.model_validate({"record_ok": True, **fields})


def altered(token):
    """The token with one character changed (not the last, whose low bits are padding)."""
    return token[:5] + ("B" if token[5] == "A" else "A") + token[6:]


# -- tokens -----------------------------------------------------------------------------


def test_tokens_are_long_random_and_kept_as_digests_only():
    token, other = new_token(), new_token()
    assert token != other
    assert len(token) == TOKEN_LENGTH == 43
    assert looks_like_token(token)
    assert digest(token) != digest(other)
    assert len(digest(token)) == 64
    for bad in ("", token[:-1], token + "A", token[:10] + "!" + token[11:], token + "\n"):
        assert not looks_like_token(bad)


# -- starting ---------------------------------------------------------------------------


def test_a_round_asks_the_organisations_and_professionals_with_email(store, rounds):
    round_ = start(store, rounds)
    assert round_.id.startswith("u-") and len(round_.id) == 14
    invitations = rounds.invitations(round_.id)
    assert [(i.actor_id, i.actor_name, i.email) for i in invitations] == [
        (JANSEN, "Els Jansen", "e.jansen@wijkzorg.nl"),
        (HUISARTS, "Huisartsenpraktijk Zuid", "hap@zuid.nl"),
        (WELZIJN, "Welzijn Zuid", "info@welzijn.nl"),
    ]
    assert all(i.id.startswith("n-") and i.digest is None for i in invitations)
    assert {i.expires_at for i in invitations} == {end_of(ENDS_ON)}
    assert rounds.get_round(round_.id).created_by == "anna"


def test_a_chosen_list_may_hold_any_actor_of_the_wijk(store, rounds):
    round_ = start(store, rounds, actor_ids=[BIEB, BUURTKAMER, BIEB])
    invitations = rounds.invitations(round_.id)
    assert [(i.actor_id, i.email) for i in invitations] == [
        (BIEB, None),
        (BUURTKAMER, "buurt@kamer.nl"),
    ]


def test_a_round_refuses_every_bad_field_at_once(store, rounds):
    with pytest.raises(InvalidData) as caught:
        start(store, rounds, title=" ", intro="x" * 2001, ends_on=TODAY, actor_ids=[])
    assert [e.field for e in caught.value.errors] == ["title", "intro", "ends_on", "actors"]
    with pytest.raises(InvalidData) as caught:
        start(store, rounds, ends_on=TODAY + timedelta(days=367), actor_ids=[HUISARTS, "a-elders"])
    messages = {e.field: e.message for e in caught.value.errors}
    assert messages == {
        "ends_on": "Kies een einddatum binnen een jaar vanaf vandaag.",
        "actors": "1 gekozen actor is niet (meer) actief in deze wijk. Kies opnieuw.",
    }
    with pytest.raises(NotFound):
        start(store, rounds, wijk="nergens")
    assert rounds.list_rounds() == []


# -- links ------------------------------------------------------------------------------


def test_links_open_one_invitation_and_are_refused_alike_otherwise(store, rounds):
    round_ = start(store, rounds)
    links = service.issue_links(rounds, round_.id, now=NOW)
    assert len(links) == 3
    assert service.issue_links(rounds, round_.id, now=NOW) == []  # nothing new to hand out
    link = next(lk for lk in links if lk.invitation.actor_id == WELZIJN)
    assert link.url(BASE) == f"{BASE}/uitvraag/{link.token}"
    stored = rounds.get_invitation(link.invitation.id)
    assert stored.digest == digest(link.token) and link.token not in stored.model_dump_json()
    assert stored.sent_at == NOW

    table = service.links_table(links, round_, BASE + "/")
    assert table[0] == ["naam", "e-mail", "link", "geldig tot"]
    assert ["Welzijn Zuid", "info@welzijn.nl", f"{BASE}/uitvraag/{link.token}", "31-03-2026"] in (
        table
    )

    later = NOW + timedelta(hours=1)
    invitation = service.open_link(rounds, link.token, now=NOW)
    assert (invitation.actor_id, invitation.opened_at) == (WELZIJN, NOW)
    assert service.open_link(rounds, link.token, now=later).opened_at == NOW  # the first time

    reasons = [
        refused(rounds, altered(link.token)),
        refused(rounds, link.token[:-1]),
        refused(rounds, link.token + "A"),
        refused(rounds, "../../etc/passwd"),
        refused(rounds, link.token, now=end_of(ENDS_ON)),  # expired
    ]
    other = next(lk for lk in links if lk.invitation.actor_id == HUISARTS)
    service.revoke(rounds, other.invitation.id, now=NOW)
    reasons.append(refused(rounds, other.token))
    assert {(r.code, r.message) for r in reasons} == {
        ("link_refused", "Deze link werkt niet (meer). Vraag de wijkmakelaar om een nieuwe link.")
    }
    # a revoked invitation gets no new link
    assert (
        service.issue_links(rounds, round_.id, invitation_ids=[other.invitation.id], now=NOW) == []
    )


def test_a_reminder_replaces_the_link(store, rounds):
    round_ = start(store, rounds)
    first = {lk.invitation.actor_id: lk for lk in service.issue_links(rounds, round_.id, now=NOW)}
    invitation = service.open_link(rounds, first[JANSEN].token, now=NOW)
    service.submit_answer(store, rounds, invitation, answer(), now=NOW)

    later = NOW + timedelta(days=7)
    again = service.issue_links(rounds, round_.id, which="niet-geantwoord", now=later)
    assert sorted(lk.invitation.actor_id for lk in again) == [HUISARTS, WELZIJN]
    renewed = {lk.invitation.actor_id: lk for lk in again}[WELZIJN]
    assert (renewed.invitation.reminders, renewed.invitation.reminded_at) == (1, later)
    assert renewed.invitation.sent_at == NOW
    refused(rounds, first[WELZIJN].token, now=later)
    assert service.open_link(rounds, renewed.token, now=later).actor_id == WELZIJN
    # the page opened with the old link cannot answer any more either
    with pytest.raises(TokenRefused):
        service.respondent_view(store, rounds, first[WELZIJN].invitation, now=later)

    figures = service.round_figures(store, rounds, round_.id, now=later)
    assert [(r.name, r.reminders) for r in figures.reminders] == [
        ("Huisartsenpraktijk Zuid", 1),
        ("Welzijn Zuid", 1),
    ]


def test_a_closed_round_refuses_its_links(store, rounds):
    round_ = start(store, rounds)
    invitations, tokens = opened(store, rounds, round_)
    closed = service.close_round(rounds, round_.id, now=NOW)
    assert closed.closed_at == NOW
    for token in tokens.values():
        refused(rounds, token)
    with pytest.raises(TokenRefused):
        service.submit_answer(store, rounds, invitations[JANSEN], answer(), now=NOW)
    with pytest.raises(Conflict):
        service.issue_links(rounds, round_.id, which="niet-geantwoord", now=NOW)
    assert rounds.proposals(round_.id) == []


# -- the respondent ---------------------------------------------------------------------


def test_the_respondent_sees_its_own_record_and_links_and_names_of_others(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    view = service.respondent_view(store, rounds, invitations[WELZIJN], now=NOW)
    assert (view.wijk_name, view.actor_id, view.kind) == ("Zuid", WELZIJN, ActorKind.ORGANISATIE)
    assert view.record == {
        "name": "Welzijn Zuid",
        "description": "",
        "email": "info@welzijn.nl",
        "phone": "045 123 4567",
    }
    assert [(lk.link_id, lk.other.name, lk.intensity, lk.since) for lk in view.links] == [
        ("l-bd", "Bibliotheek Zuid", Intensity.INFORMATIE_DELEN, None),
        ("l-ab", "Huisartsenpraktijk Zuid", Intensity.AFSTEMMEN, date(2024, 1, 1)),
    ]
    assert [o.name for o in view.others] == [
        "Bibliotheek Zuid",
        "Buurtkamer",
        "Els Jansen",
        "Huisartsenpraktijk Zuid",
    ]
    assert view.answered == []


def test_the_issue_s_proof_three_respondents_a_review_and_exact_figures(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)

    # the practice confirms everything as shown
    result = service.submit_answer(
        store,
        rounds,
        invitations[HUISARTS],
        answer(
            links=[{"link_id": "l-ab", "status": "actief"}, {"link_id": "l-ac", "status": "actief"}]
        ),
        now=NOW,
    )
    assert (result.confirmed, result.proposed) == (3, 0)
    # the welfare organisation keeps its referral to the library and names the nurse
    result = service.submit_answer(
        store,
        rounds,
        invitations[WELZIJN],
        answer(
            links=[{"link_id": "l-bd", "status": "actief", "intensity": 2}],
            new=[{"other_id": JANSEN, "intensity": 3, "since": "2025-09-01"}],
        ),
        now=NOW,
    )
    assert (result.confirmed, result.proposed) == (2, 1)
    # the nurse names the welfare organisation too, ended the tie with the library and
    # names an initiative wijknet does not know
    result = service.submit_answer(
        store,
        rounds,
        invitations[JANSEN],
        answer(
            links=[
                {"link_id": "l-ac", "status": "actief"},
                {"link_id": "l-cd", "status": "beeindigd", "until": "2026-02-01"},
            ],
            new=[
                {"other_id": WELZIJN, "intensity": 2},
                {"other_name": "Taalcafé Zuid", "other_kind": "initiatief"},
            ],
        ),
        now=NOW,
    )
    assert (result.confirmed, result.proposed) == (2, 3)

    # confirmations are in the graph at once, by the respondent
    assert store.get_actor(HUISARTS).confirmed.by == respondent_by(invitations[HUISARTS])
    assert store.get_actor(JANSEN).confirmed.by == f"netwerkuitvraag {round_.id}/{JANSEN}"
    assert store.get_link("l-ab").confirmed.by == respondent_by(invitations[HUISARTS])
    assert store.get_link("l-bd").confirmed.by == respondent_by(invitations[WELZIJN])
    assert store.get_link("l-ac").confirmed.by == respondent_by(invitations[JANSEN])
    assert store.get_link("l-cd").until is None  # waits for review
    assert store.get_link("l-cd").confirmed is None

    before = service.round_figures(store, rounds, round_.id, now=NOW)
    assert (before.ties_added, before.open_proposals, before.accepted) == (2, 4, 0)

    # review: the reciprocated pair in one call, the ended tie accepted, the new one rejected
    assert service.accept_reciprocated(store, rounds, round_.id, by="anna", now=NOW) == 2
    assert service.accept_reciprocated(store, rounds, round_.id, by="anna", now=NOW) == 0
    open_ = {p.statement: p for p in rounds.proposals(round_.id, status=ProposalStatus.OPEN)}
    assert set(open_) == {Statement.BAND_BEEINDIGD, Statement.ACTOR_NIEUW}
    ended = service.review(
        store, rounds, open_[Statement.BAND_BEEINDIGD].id, accept=True, by="anna", now=NOW
    )
    assert (ended.status, ended.result_id, ended.reviewed_by) == (
        ProposalStatus.AANVAARD,
        "l-cd",
        "anna",
    )
    rejected = service.review(
        store,
        rounds,
        open_[Statement.ACTOR_NIEUW].id,
        accept=False,
        by="anna",
        reason="Bestaat niet meer",
        now=NOW,
    )
    assert (rejected.status, rejected.reason) == (ProposalStatus.AFGEWEZEN, "Bestaat niet meer")
    with pytest.raises(Conflict):
        service.review(store, rounds, rejected.id, accept=True, by="bert", now=NOW)

    # the graph
    by = reviewer_by("anna", round_)
    assert by == f"anna via netwerkuitvraag {round_.id}"
    new = [lk for lk in store.list_links("zuid") if {lk.source, lk.target} == {WELZIJN, JANSEN}]
    assert len(new) == 1
    assert (new[0].kind, new[0].intensity, new[0].since) == (
        LinkKind.SAMENWERKING,
        Intensity.AFSTEMMEN,  # the higher of 3 and 2
        date(2025, 9, 1),
    )
    assert new[0].note == "Genoemd in netwerkuitvraag 'Voorjaar 2026'"
    assert new[0].confirmed.by == by
    both = [p for p in rounds.proposals(round_.id) if p.statement is Statement.BAND_NIEUW]
    assert {(p.status, p.result_id) for p in both} == {(ProposalStatus.AANVAARD, new[0].id)}
    assert store.get_link("l-cd").until == date(2026, 2, 1)
    assert store.audit_log(entity_id="l-cd", limit=1)[0].by == by
    assert store.audit_log(entity_id=new[0].id, limit=5)[-1].by == by
    assert len(store.list_links()) == 5
    assert [a.name for a in store.list_actors("zuid")] == [
        "Bibliotheek Zuid",
        "Buurtkamer",
        "Els Jansen",
        "Huisartsenpraktijk Zuid",
        "Welzijn Zuid",
    ]

    # the figures
    figures = service.round_figures(store, rounds, round_.id, now=NOW)
    assert (figures.asked, figures.issued, figures.opened, figures.answered) == (3, 3, 3, 3)
    assert figures.response_rate == 1.0
    assert figures.ties_confirmed == 3  # l-ab, l-ac (by both ends), l-bd
    assert figures.ties_changed == 0
    assert figures.ties_added == 2  # welzijn-jansen once, the Taalcafé
    assert figures.ties_ended == 1
    # pairs: huisarts-welzijn (by the practice only), huisarts-jansen (both), welzijn-bieb
    # (the library was not asked), welzijn-jansen (both)
    assert (figures.declared_pairs, figures.reciprocated_pairs) == (4, 2)
    assert figures.reciprocity == pytest.approx(2 / 3)
    assert (figures.open_proposals, figures.accepted, figures.rejected) == (0, 3, 1)
    assert figures.reminders == []

    # the respondent sees what it said last
    view = service.respondent_view(store, rounds, invitations[JANSEN], now=NOW)
    assert sorted(p.statement.value for p in view.answered) == [
        "actor-nieuw",
        "band-beeindigd",
        "band-bevestigd",
        "band-nieuw",
        "record-bevestigd",
    ]


def test_a_changed_tie_and_a_record_correction_wait_for_review(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    result = service.submit_answer(
        store,
        rounds,
        invitations[JANSEN],
        answer(
            record_ok=False,
            changes={"name": "Els Jansen", "email": "els@wijkzorg.nl", "phone": "045 123 4567"},
            links=[{"link_id": "l-ac", "status": "actief", "intensity": 4}],
        ),
        now=NOW,
    )
    assert (result.confirmed, result.proposed) == (0, 2)
    assert store.get_actor(JANSEN).confirmed is None
    assert store.get_link("l-ac").intensity == Intensity.INFORMATIE_DELEN
    proposals = {p.statement: p for p in rounds.proposals(round_.id)}
    assert proposals[Statement.RECORD_CORRECTIE].changes == {"email": "els@wijkzorg.nl"}
    assert proposals[Statement.RECORD_CORRECTIE].actor_id == JANSEN
    for proposal in proposals.values():
        service.review(store, rounds, proposal.id, accept=True, by="anna", now=NOW)
    actor = store.get_actor(JANSEN)
    assert (actor.contact.email, actor.contact.phone) == ("els@wijkzorg.nl", "045 123 4567")
    assert store.get_actor(HUISARTS).contact.email == "hap@zuid.nl"
    assert store.get_link("l-ac").intensity == Intensity.SAMENWERKEN
    assert store.audit_log(entity_id=JANSEN, limit=1)[0].by == reviewer_by("anna", round_)
    figures = service.round_figures(store, rounds, round_.id, now=NOW)
    assert (figures.ties_changed, figures.ties_confirmed, figures.accepted) == (1, 0, 2)
    # the practice did not answer: the one declared pair counts for no reciprocity
    assert (figures.declared_pairs, figures.reciprocated_pairs, figures.reciprocity) == (
        1,
        0,
        None,
    )


def test_a_new_actor_needs_a_domain_and_joins_the_wijk_with_its_tie(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    service.submit_answer(
        store,
        rounds,
        invitations[WELZIJN],
        answer(new=[{"other_name": " Taalcafé  Zuid ", "other_kind": "initiatief"}]),
        now=NOW,
    )
    (proposal,) = rounds.proposals(round_.id, status=ProposalStatus.OPEN)
    with pytest.raises(InvalidData) as caught:
        service.review(store, rounds, proposal.id, accept=True, by="anna", now=NOW)
    assert [e.field for e in caught.value.errors] == ["domain"]
    assert rounds.get_proposal(proposal.id).status is ProposalStatus.OPEN
    accepted = service.review(
        store, rounds, proposal.id, accept=True, by="anna", domain=Domain.INWONERS, now=NOW
    )
    actor = store.get_actor(accepted.result_id)
    assert (actor.name, actor.kind, actor.domain, actor.wijken) == (
        "Taalcafé Zuid",
        ActorKind.INITIATIEF,
        Domain.INWONERS,
        ["zuid"],
    )
    assert actor.description == "Genoemd in netwerkuitvraag 'Voorjaar 2026'"
    (link,) = [lk for lk in store.list_links("zuid") if actor.id in (lk.source, lk.target)]
    assert {link.source, link.target} == {WELZIJN, actor.id}


def test_naming_a_tie_the_map_has_confirms_it_and_a_name_counts_once(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    named = [
        {"other_id": HUISARTS, "intensity": 4},
        {"other_id": HUISARTS},
        {"other_id": BUURTKAMER},
        {"other_id": BUURTKAMER, "intensity": 4},
    ]
    result = service.submit_answer(store, rounds, invitations[WELZIJN], answer(new=named), now=NOW)
    assert (result.confirmed, result.proposed) == (2, 1)
    assert store.get_link("l-ab").confirmed.by == respondent_by(invitations[WELZIJN])
    assert store.get_link("l-ab").intensity == Intensity.AFSTEMMEN
    (new,) = rounds.proposals(round_.id, status=ProposalStatus.OPEN)
    assert (new.statement, new.other_id, new.intensity) == (
        Statement.BAND_NIEUW,
        BUURTKAMER,
        Intensity.INFORMATIE_DELEN,
    )
    assert len(store.list_links()) == 4


def test_a_second_answer_replaces_the_first_one_s_open_proposals(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    first = answer(new=[{"other_id": JANSEN}])
    service.submit_answer(store, rounds, invitations[WELZIJN], first, now=NOW)
    later = NOW + timedelta(minutes=5)
    second = answer(links=[{"link_id": "l-bd", "status": "actief", "intensity": 3}])
    service.submit_answer(store, rounds, invitations[WELZIJN], second, now=later)

    statuses = sorted((p.statement.value, p.status.value) for p in rounds.proposals(round_.id))
    assert statuses == [
        ("band-gewijzigd", "open"),
        ("band-nieuw", "vervallen"),
        ("record-bevestigd", "aanvaard"),
        ("record-bevestigd", "aanvaard"),
    ]
    assert rounds.get_invitation(invitations[WELZIJN].id).answered_at == later
    figures = service.round_figures(store, rounds, round_.id, now=later)
    assert (figures.ties_added, figures.ties_changed, figures.open_proposals) == (0, 1, 1)
    assert (figures.answered, figures.declared_pairs) == (1, 1)
    assert figures.reciprocity is None  # the library was not asked
    assert service.accept_reciprocated(store, rounds, round_.id, by="anna", now=later) == 0


# -- what a respondent cannot do ----------------------------------------------------------


def test_a_respondent_cannot_name_another_s_link_or_answer_for_another(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    with pytest.raises(InvalidData) as caught:
        service.submit_answer(
            store,
            rounds,
            invitations[WELZIJN],
            answer(
                links=[
                    {"link_id": "l-ac", "status": "beeindigd"},  # the practice's and the nurse's
                    {"link_id": "l-nergens", "status": "actief"},
                ],
                new=[{"other_id": WELZIJN}, {"other_id": "a-elders"}],
            ),
            now=NOW,
        )
    assert [e.field for e in caught.value.errors] == [
        "links.0.link_id",
        "links.1.link_id",
        "new.0.other_id",
        "new.1.other_id",
    ]
    # an invitation with another's id but its own link's digest opens nothing
    forged = invitations[WELZIJN].model_copy(update={"id": invitations[HUISARTS].id})
    with pytest.raises(TokenRefused):
        service.submit_answer(store, rounds, forged, answer(), now=NOW)
    with pytest.raises(TokenRefused):
        service.respondent_view(store, rounds, forged, now=NOW)
    # an invitation claiming another actor answers for its own stored actor only
    claimed = invitations[WELZIJN].model_copy(update={"actor_id": HUISARTS})
    service.submit_answer(store, rounds, claimed, answer(), now=NOW)
    assert store.get_actor(HUISARTS).confirmed is None
    assert store.get_actor(WELZIJN).confirmed.by == respondent_by(invitations[WELZIJN])
    assert {p.actor_id for p in rounds.proposals(round_.id)} == {WELZIJN}


def test_an_invalid_answer_stores_nothing(store, rounds):
    round_ = start(store, rounds)
    invitations, _ = opened(store, rounds, round_)
    bad = answer(
        record_ok=False,
        changes={"email": "geen adres", "name": "", "website": "x"},
        links=[
            {"link_id": "l-ab", "status": "actief"},
            {"link_id": "l-bd", "status": "actief", "since": "2026-03-03"},
            {"link_id": "l-ab", "status": "beeindigd", "until": "2023-12-31"},
        ],
        new=[{"other_name": "Taalcafé"}, {"other_kind": "organisatie", "since": "2027-01-01"}],
    )
    with pytest.raises(InvalidData) as caught:
        service.submit_answer(store, rounds, invitations[WELZIJN], bad, now=NOW)
    messages = {e.field: e.message for e in caught.value.errors}
    assert messages == {
        "changes": "U kunt alleen naam, beschrijving, e-mailadres en telefoonnummer aanpassen.",
        "changes.name": "Dit veld mag niet leeg zijn.",
        "changes.email": "Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.",
        "links.1.since": "Deze datum ligt in de toekomst.",
        "links.2.link_id": "Deze samenwerking staat twee keer in uw antwoord.",
        "new.0.other_kind": "Kies wat voor soort het is.",
        "new.1.since": "Deze datum ligt in de toekomst.",
        "new.1.other_name": "Vul de naam in of kies uit de lijst.",
    }
    with pytest.raises(InvalidData) as caught:
        service.submit_answer(
            store,
            rounds,
            invitations[JANSEN],
            answer(links=[{"link_id": "l-cd", "status": "beeindigd", "until": "2025-05-31"}]),
            now=NOW,
        )
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("links.0.until", "De einddatum ligt vóór het begin van de samenwerking.")
    ]
    assert rounds.proposals(round_.id) == []
    assert all(i.answered_at is None for i in rounds.invitations(round_.id))
    assert store.get_actor(WELZIJN).confirmed is None
    assert store.get_link("l-ab").confirmed is None


def test_an_answer_is_checked_against_the_map_as_it_is_now(store, rounds):
    round_ = start(store, rounds, actor_ids=[WELZIJN, HUISARTS])
    invitations, _ = opened(store, rounds, round_)
    view = service.respondent_view(store, rounds, invitations[WELZIJN], now=NOW)
    assert [lk.link_id for lk in view.links] == ["l-bd", "l-ab"]
    # the link goes between reading the page and answering: naming the other is a new tie
    link = store.get_link("l-ab")
    store.delete_link("l-ab", expected_version=link.version, by="beheer")
    stale = Answer(
        record_ok=True,
        links=[LinkAnswer(link_id="l-bd", status="actief")],
        new=[NewTie(other_id=HUISARTS, intensity=Intensity.SAMENWERKEN)],
    )
    service.submit_answer(store, rounds, invitations[WELZIJN], stale, now=NOW)
    (new,) = rounds.proposals(round_.id, status=ProposalStatus.OPEN)
    assert (new.statement, new.other_id) == (Statement.BAND_NIEUW, HUISARTS)

    # the library goes (with its links): the next answer about l-bd is refused whole
    store.delete_actor(BIEB, expected_version=store.get_actor(BIEB).version, by="beheer")
    with pytest.raises(InvalidData):
        service.submit_answer(
            store,
            rounds,
            invitations[WELZIJN],
            answer(links=[{"link_id": "l-bd", "status": "actief"}]),
            now=NOW + timedelta(minutes=1),
        )
    assert rounds.get_proposal(new.id).status is ProposalStatus.OPEN


def test_erasing_a_person_reaches_the_rounds(store, rounds):
    """The AVG's erasure of a professional also scrubs the rounds: her invitation loses
    name and address and its link stops working; her own corrections lose her address and
    number; others' statements lose her name, address and number."""
    round_ = start(store, rounds)
    invitations, tokens = opened(store, rounds, round_)
    service.submit_answer(
        store,
        rounds,
        invitations[JANSEN],
        Answer(record_ok=False, changes={"email": "els.prive@voorbeeld.nl"}),
        now=NOW,
    )
    tie = NewTie(
        other_name="Els Jansen",
        other_kind=ActorKind.PROFESSIONAL,
        note="Via Els Jansen, e.jansen@wijkzorg.nl",
    )
    service.submit_answer(
        store, rounds, invitations[WELZIJN], Answer(record_ok=True, new=[tie]), now=NOW
    )
    erasure = person(store, JANSEN)  # read before the graph store forgets her
    store.erase_personal_data(JANSEN, by="beheer")
    assert erase_from_rounds(rounds, erasure, now=NOW) >= 3

    kept = " ".join(
        [inv.model_dump_json() for inv in rounds.invitations(round_.id)]
        + [p.model_dump_json() for p in rounds.proposals(round_.id)]
    )
    for secret in ("Els Jansen", "e.jansen@wijkzorg.nl", "els.prive@voorbeeld.nl"):
        assert secret not in kept
    mine = next(i for i in rounds.invitations(round_.id) if i.actor_id == JANSEN)
    assert mine.actor_name == "Verwijderde persoon" and mine.email is None
    with pytest.raises(TokenRefused):
        service.open_link(rounds, tokens[JANSEN], now=NOW)
    # the others keep their own data and links
    assert service.open_link(rounds, tokens[WELZIJN], now=NOW).actor_name == "Welzijn Zuid"
