"""A netwerkuitvraag in the demo: a round in Daalhof that three partners answered, so the
dashboard and the review list have something to show, and one partner's link to try the
respondent's page with. Fictional like the rest of the demo data."""

from __future__ import annotations

from datetime import timedelta

from api.uitvraag import service
from api.uitvraag.model import Round
from api.uitvraag.store import RoundStore
from graph.model import Intensity, utcnow
from graph.store import GraphStore

WIJK = "daalhof"
TITLE = "Netwerkuitvraag Daalhof (demo)"
INTRO = (
    "Goedendag! Wij houden een kaart bij van wie in Daalhof met wie samenwerkt. Wilt u "
    "nakijken of uw gegevens en samenwerkingen kloppen, en aanvullen met wie u nog meer "
    "samenwerkt? Het kost een paar minuten. (Dit is een demo met verzonnen gegevens.)"
)


def load_demo_round(store: GraphStore, rounds: RoundStore, *, by: str) -> str | None:
    """Start the demo round in Daalhof and let three partners answer: the first confirms
    everything, the second and third name each other (a reciprocated new tie) and the
    third ends one collaboration. Returns the token of a fourth partner's link, to try the
    page with; None when Daalhof has a round already (loading again changes nothing)."""
    if rounds.list_rounds(WIJK):
        return None
    now = utcnow()
    round_ = service.start_round(
        store,
        rounds,
        wijk=WIJK,
        title=TITLE,
        intro=INTRO,
        ends_on=(now + timedelta(days=21)).date(),
        actor_ids=None,
        by=by,
        now=now,
    )
    links = service.issue_links(rounds, round_.id, now=now)
    answering = _pick(store, round_, links)
    if answering is None:
        return links[0].token if links else None
    first, second, third, trying = answering
    for link in (first, second, third):
        service.open_link(rounds, link.token, now=now)
    service.submit_answer(
        store, rounds, first.invitation, _confirm_all(store, rounds, first), now=now
    )
    for me, other, end in ((second, third, False), (third, second, True)):
        answer = _confirm_all(store, rounds, me)
        answer.new.append(
            service.NewTie(other_id=other.invitation.actor_id, intensity=Intensity.AFSTEMMEN)
        )
        if end and answer.links:
            answer.links[0].status = "beeindigd"
        service.submit_answer(store, rounds, me.invitation, answer, now=now)
    return trying.token


def _confirm_all(store: GraphStore, rounds: RoundStore, link: service.IssuedLink) -> service.Answer:
    view = service.respondent_view(store, rounds, link.invitation)
    return service.Answer(
        record_ok=True,
        links=[service.LinkAnswer(link_id=own.link_id, status="actief") for own in view.links],
    )


def _pick(
    store: GraphStore, round_: Round, links: list[service.IssuedLink]
) -> tuple[service.IssuedLink, ...] | None:
    """Four invitees with collaborations; the second and third not linked to each other."""
    snapshot = store.snapshot(round_.wijk)
    linked = {frozenset((lk.source, lk.target)) for lk in snapshot.links}
    busy = [ln for ln in links if any(ln.invitation.actor_id in pair for pair in linked)]
    for i, second in enumerate(busy):
        for third in busy[i + 1 :]:
            pair = frozenset((second.invitation.actor_id, third.invitation.actor_id))
            if pair in linked:
                continue
            rest = [ln for ln in busy if ln not in (second, third)]
            if len(rest) >= 2:
                return rest[0], second, third, rest[1]
    return None
