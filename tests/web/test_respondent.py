"""The respondent's page of a netwerkuitvraag (``/uitvraag/{token}``), without an account.

A round in the demo wijk Daalhof asks Dagbesteding De Vlier (four collaborations) and
Apotheek Het Anker. The page shows the own record and links and of other actors only names
and kinds; a link that does not open gives one page for every reason; a refused form shows
every problem beside its field and in the summary, keeping what was typed; a good answer
is stored and thanked for; the form needs its CSRF token; the rate limits answer 429; every
answer keeps the link out of caches, search engines and referrers.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.uitvraag import service
from api.uitvraag.model import ProposalStatus, Statement
from api.web.formdata import FormState
from api.web.respondent import PER_ADDRESS, Built, place
from graph.errors import FieldError
from graph.model import ActorIn, LinkIn, utcnow
from tests.support.web import HOSTILE, csrf_of

VLIER = "daalhof-ouz-02"
"""Dagbesteding De Vlier: four collaborations, with professionals that have contact details."""
ANKER = "daalhof-apo-01"
"""Apotheek Het Anker: one collaboration."""
REFUSED = "Deze link werkt niet (meer)"
TOO_MANY = "Te veel pogingen; probeer het over een tijdje opnieuw"
THANKS = "Dank u wel: uw antwoord is opgeslagen. De wijkmakelaar bekijkt de wijzigingen."


@pytest.fixture
def rounds(app):
    return app.state.rounds


@pytest.fixture
def round_(store, rounds):
    return service.start_round(
        store,
        rounds,
        wijk="daalhof",
        title="Netwerkuitvraag Daalhof",
        intro="Beste partner,\nwilt u uw samenwerkingen nakijken?",
        ends_on=date.today() + timedelta(days=21),
        actor_ids=[VLIER, ANKER],
        by="anna",
    )


@pytest.fixture
def tokens(rounds, round_) -> dict[str, str]:
    """The personal link of each asked actor: actor id -> token."""
    return {link.invitation.actor_id: link.token for link in service.issue_links(rounds, round_.id)}


def client(app, host: str = "testclient") -> TestClient:
    return TestClient(app, client=(host, 50000))


def text_of(response) -> str:
    """The page's text as a reader sees it (entities decoded, tags kept)."""
    return html.unescape(response.text)


def invitation_of(rounds, round_, actor_id: str):
    return next(i for i in rounds.invitations(round_.id) if i.actor_id == actor_id)


def view_of(store, rounds, token: str) -> service.RespondentView:
    return service.respondent_view(store, rounds, service.open_link(rounds, token))


def link_index(view: service.RespondentView, name: str) -> int:
    return next(i for i, link in enumerate(view.links) if link.other.name == name)


def test_the_page_shows_the_own_record_and_links_and_of_others_only_names_and_kinds(
    app, store, rounds, round_, tokens
):
    response = client(app).get(f"/uitvraag/{tokens[VLIER]}")
    assert response.status_code == 200
    page = text_of(response)
    me = store.get_actor(VLIER)
    assert "Netwerkuitvraag Daalhof" in page
    assert "wilt u uw samenwerkingen nakijken?" in page
    assert f"tot en met <strong>{round_.ends_on.day} " in page
    assert f'value="{me.name}"' in page and me.description in page
    view = view_of(store, rounds, tokens[VLIER])
    assert len(view.links) == 4
    for link in view.links:
        assert f"Werkt u nog samen met {link.other.name}?" in page
    assert 'Geert Paulissen <span class="kind">Professional</span>' in page
    assert "Nu op de kaart: Kennen elkaar, sinds 14 september 2023" in page
    assert "Nog steeds" in page and "Gestopt" in page
    assert '<option value="Wijkzorg De Hoeve">Organisatie</option>' in page
    assert 'href="/uitvraag/privacy"' in page
    # nothing of any other actor beyond its name and kind; no actor id at all
    for other in view.others:
        assert f'<option value="{other.name}">' in page
    others = [a for a in store.list_actors("daalhof") if a.id != VLIER]
    assert any(a.contact and a.contact.email for a in others)
    for other in others:
        assert other.id not in page
        if other.contact:
            for detail in (other.contact.email, other.contact.phone, other.contact.name):
                assert not detail or detail not in page, (other.name, detail)
        if other.description and other.description != me.description:
            assert other.description not in page, other.name
    assert VLIER not in page


def test_each_link_opens_its_own_actor_only(app, store, tokens):
    anker = text_of(client(app).get(f"/uitvraag/{tokens[ANKER]}"))
    assert "Voor <strong>Apotheek Het Anker</strong>" in anker
    assert 'name="changes.name" type="text"\n               value="Apotheek Het Anker"' in anker
    assert "Dagbesteding De Vlier</strong>" not in anker
    assert "Werkt u nog samen met Jos Houben?" in anker
    assert "Werkt u nog samen met Geert Paulissen?" not in anker


def test_every_link_that_does_not_open_gives_the_same_page(app, store, rounds, round_, tokens):
    good = tokens[VLIER]
    altered = good[:-1] + ("A" if good[-1] != "A" else "B")
    unknown = "x" * 43
    anker = invitation_of(rounds, round_, ANKER)
    service.revoke(rounds, anker.id)
    revoked = tokens[ANKER]
    refused = {
        "unknown": unknown,
        "altered": altered,
        "revoked": revoked,
        "not a token": "niet-een-token",
    }
    bodies = {}
    browser = client(app)
    for reason, token in refused.items():
        response = browser.get(f"/uitvraag/{token}")
        assert response.status_code == 404, reason
        bodies[reason] = response.text
    # expired: its end lies behind it; replaced: a new link was handed out
    vlier = invitation_of(rounds, round_, VLIER)
    rounds.save_invitation(vlier.model_copy(update={"expires_at": utcnow() - timedelta(hours=1)}))
    expired = browser.get(f"/uitvraag/{good}")
    assert expired.status_code == 404
    bodies["expired"] = expired.text
    rounds.save_invitation(vlier)
    assert browser.get(f"/uitvraag/{good}").status_code == 200
    (new,) = service.issue_links(rounds, round_.id, invitation_ids=[vlier.id])
    replaced = browser.get(f"/uitvraag/{good}")
    assert replaced.status_code == 404
    bodies["replaced"] = replaced.text
    assert browser.get(f"/uitvraag/{new.token}").status_code == 200
    service.close_round(rounds, round_.id)
    closed = browser.get(f"/uitvraag/{new.token}")
    assert closed.status_code == 404
    bodies["closed"] = closed.text
    assert len(set(bodies.values())) == 1, "the pages differ by the reason"
    assert REFUSED in bodies["closed"]
    assert "Dagbesteding" not in bodies["closed"]


def test_every_answer_keeps_the_link_out_of_caches_search_engines_and_referrers(app, tokens):
    browser = client(app)
    answers = {
        "page": browser.get(f"/uitvraag/{tokens[VLIER]}"),
        "privacy": browser.get("/uitvraag/privacy"),
        "refused": browser.get("/uitvraag/" + "x" * 43),
        "no csrf": browser.post(f"/uitvraag/{tokens[VLIER]}", data={"record_ok": "klopt"}),
    }
    for what, response in answers.items():
        assert response.headers.get_list("referrer-policy") == ["no-referrer"], what
        assert response.headers["cache-control"] == "no-store", what
        assert "noindex" in response.headers["x-robots-tag"], what
        assert '<meta name="robots" content="noindex, nofollow">' in response.text, what
        assert '<meta name="referrer" content="no-referrer">' in response.text, what
        outside = re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]*)"', response.text)
        assert outside == [], what


def test_the_privacy_statement_says_what_why_who_and_how_long(app):
    response = client(app).get("/uitvraag/privacy")
    assert response.status_code == 200
    page = text_of(response)
    for words in (
        "Wat bewaren we?",
        "wanneer u hebt geantwoord",
        "IP-adres bewaren we niet",
        "Waarom?",
        "netwerkkaart van de wijk",
        "Wie ziet het?",
        "wijkmakelaars van uw wijk",
        "Hoe lang?",
        "Vragen",
    ):
        assert words in page


def posted(page: str) -> dict[str, str]:
    """The form as the page fills it in (what a browser posts when nothing is touched)."""
    data: dict[str, str] = {"csrf_token": csrf_of(page)}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        data[name] = html.unescape(value)
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and kind and kind.group(1) in ("text", "email", "tel", "date"):
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page
    ):
        data[name] = html.unescape(body)
    for name, options in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_a_form_with_three_faults_shows_all_three_and_keeps_what_was_typed(
    app, store, rounds, round_, tokens
):
    browser = client(app)
    page = browser.get(f"/uitvraag/{tokens[VLIER]}").text
    view = view_of(store, rounds, tokens[VLIER])
    hoeve = link_index(view, "Wijkzorg De Hoeve")
    geert = link_index(view, "Geert Paulissen")
    data = posted(page)
    data.update(
        {
            "record_ok": "aanpassen",
            "changes.email": "info-at-devlier",
            f"links.{geert}.status": "beeindigd",
            f"links.{geert}.until": "2001-01-01",
            f"links.{hoeve}.status": "actief",
            f"links.{hoeve}.intensity": "4",
            "new.0.other": "Bakkerij Nergens",
            "new.0.note": "Samen de wijkmaaltijd",
        }
    )
    response = browser.post(f"/uitvraag/{tokens[VLIER]}", data=data)
    assert response.status_code == 422
    page = text_of(response)
    summary = re.search(r'<div class="notice error error-summary".*?</div>', page, re.S)
    assert summary, "no summary of the problems"
    items = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a>: ([^<]+)</li>', summary.group(0))
    assert [anchor for anchor, _, _ in items] == [
        "f-changes.email",
        f"f-links.{geert}.until",
        "f-new.0.other",
    ]
    assert "Er zijn 3 problemen" in summary.group(0)
    assert items[1][1] == "Geert Paulissen: gestopt op"
    for anchor, _, message in items:
        name = anchor[2:]
        beside = f'<p class="field-error" id="fout-{name}">{message}</p>'
        assert beside in page, name
        field = re.search(rf'<(?:input|select|textarea) id="{re.escape(anchor)}"[^>]*>', page)
        assert field, name
        assert f"fout-{name}" in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert "e-mailadres" in items[0][2]
    assert "niet in de lijst van de wijk" in items[2][2]
    # everything typed is kept
    assert 'value="info-at-devlier"' in page
    assert 'value="Bakkerij Nergens"' in page
    assert 'value="Samen de wijkmaaltijd"' in page
    assert f'name="links.{geert}.status" value="beeindigd" checked' in page
    assert '<option value="4" selected>4 · Samenwerken</option>' in page
    assert 'name="record_ok" value="aanpassen" checked' in page
    # and nothing was stored
    assert invitation_of(rounds, round_, VLIER).answered_at is None
    assert rounds.proposals(round_.id) == []


def test_a_good_answer_is_stored_and_thanked_for_and_shown_again(
    app, store, rounds, round_, tokens
):
    browser = client(app)
    url = f"/uitvraag/{tokens[VLIER]}"
    first = browser.get(url)
    assert THANKS not in first.text
    assert THANKS not in browser.get(url + "?bedankt=1").text, "thanks before any answer"
    view = view_of(store, rounds, tokens[VLIER])
    hoeve = link_index(view, "Wijkzorg De Hoeve")
    geert = link_index(view, "Geert Paulissen")
    data = posted(first.text)
    data.update(
        {
            "record_ok": "klopt",
            f"links.{hoeve}.status": "actief",
            f"links.{hoeve}.intensity": "4",
            f"links.{geert}.status": "beeindigd",
            f"links.{geert}.until": "2025-06-30",
            "new.0.other": "Apotheek Het Anker",
            "new.0.intensity": "3",
            "new.0.since": "2024-01-15",
            "new.1.other_name": "Moestuin De Kiem",
            "new.1.other_kind": "initiatief",
        }
    )
    response = browser.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303, text_of(response)[:3000]
    assert response.headers["location"] == url + "?bedankt=1"
    after = browser.get(response.headers["location"])
    page = text_of(after)
    assert THANKS in page
    # the form shows the answer given
    assert 'name="record_ok" value="klopt" checked' in page
    assert f'name="links.{hoeve}.status" value="actief" checked' in page
    assert f'name="links.{geert}.status" value="beeindigd" checked' in page
    assert f'name="links.{geert}.until" type="date" value="2025-06-30"' in page
    assert 'value="Apotheek Het Anker"' in page
    assert 'name="new.1.other_name" type="text" value="Moestuin De Kiem"' in page
    stored = {
        p.statement: p
        for p in rounds.proposals(round_.id)
        if p.status is not ProposalStatus.VERVALLEN
    }
    assert stored[Statement.BAND_GEWIJZIGD].intensity == 4
    assert stored[Statement.BAND_BEEINDIGD].until == date(2025, 6, 30)
    assert stored[Statement.BAND_NIEUW].other_id == ANKER
    assert stored[Statement.ACTOR_NIEUW].other_name == "Moestuin De Kiem"
    assert Statement.RECORD_BEVESTIGD in stored
    assert all(p.actor_id == VLIER for p in stored.values())


def test_a_changed_field_means_aanpassen_without_a_choice(app, store, rounds, round_, tokens):
    browser = client(app)
    url = f"/uitvraag/{tokens[VLIER]}"
    data = posted(browser.get(url).text)
    data["changes.phone"] = "043 123 45 67"
    assert browser.post(url, data=data, follow_redirects=False).status_code == 303
    (correction,) = [
        p for p in rounds.proposals(round_.id) if p.statement is Statement.RECORD_CORRECTIE
    ]
    assert correction.changes == {"phone": "043 123 45 67"}


def test_the_record_needs_a_choice_when_nothing_changed(app, rounds, round_, tokens):
    browser = client(app)
    url = f"/uitvraag/{tokens[VLIER]}"
    response = browser.post(url, data=posted(browser.get(url).text))
    assert response.status_code == 422
    assert "Kies of uw gegevens kloppen" in text_of(response)
    assert rounds.proposals(round_.id) == []


def test_a_form_cannot_name_another_actors_link(app, store, rounds, round_, tokens):
    """The links a form may speak of are its own actor's; an id of another is ignored."""
    anker_view = view_of(store, rounds, tokens[ANKER])
    foreign = anker_view.links[0].link_id
    browser = client(app)
    url = f"/uitvraag/{tokens[VLIER]}"
    data = posted(browser.get(url).text)
    data.update({"record_ok": "klopt", "links.0.id": foreign, "links.0.status": "beeindigd"})
    assert browser.post(url, data=data, follow_redirects=False).status_code == 303
    proposals = rounds.proposals(round_.id)
    assert {p.actor_id for p in proposals} == {VLIER}
    assert all(p.link_id != foreign for p in proposals)


def test_an_answer_without_its_csrf_token_is_refused(app, rounds, round_, tokens):
    browser = client(app)
    url = f"/uitvraag/{tokens[VLIER]}"
    data = posted(browser.get(url).text)
    data["record_ok"] = "klopt"
    for token in (None, "0" * 64):
        form = {k: v for k, v in data.items() if k != "csrf_token"}
        if token is not None:
            form["csrf_token"] = token
        response = browser.post(url, data=form, follow_redirects=False)
        assert response.status_code == 403
        assert "Dit formulier is verlopen" in response.text
        assert f'href="{url}"' in response.text
    # another visitor's token does not do either
    other = client(app)
    other_token = csrf_of(other.get(url).text)
    assert browser.post(url, data=data | {"csrf_token": other_token}).status_code == 403
    assert invitation_of(rounds, round_, VLIER).answered_at is None
    assert rounds.proposals(round_.id) == []


def test_too_many_requests_from_one_address_get_429(app):
    browser = client(app, "192.0.2.1")
    for _ in range(PER_ADDRESS.most):
        assert browser.get("/uitvraag/privacy").status_code == 200
    response = browser.get("/uitvraag/privacy")
    assert response.status_code == 429
    assert TOO_MANY in response.text
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["cache-control"] == "no-store"
    assert client(app, "192.0.2.2").get("/uitvraag/privacy").status_code == 200


def test_after_twenty_refused_links_even_a_good_link_gets_429(app, tokens):
    prober = client(app, "198.51.100.7")
    for n in range(20):
        assert prober.get(f"/uitvraag/{n:043d}").status_code == 404
    response = prober.get(f"/uitvraag/{tokens[VLIER]}")
    assert response.status_code == 429
    assert TOO_MANY in response.text
    assert "Dagbesteding" not in response.text
    assert client(app, "198.51.100.8").get(f"/uitvraag/{tokens[VLIER]}").status_code == 200


def test_one_link_is_answered_at_most_120_times_an_hour(app, tokens):
    url = f"/uitvraag/{tokens[ANKER]}"
    for n in range(3):
        browser = client(app, f"203.0.113.{n + 1}")
        for _ in range(40):
            assert browser.get(url).status_code == 200
    response = client(app, "203.0.113.99").get(url)
    assert response.status_code == 429
    assert TOO_MANY in response.text


def test_a_refusal_of_the_service_stands_beside_the_field_it_is_about():
    """``links.1.until`` is about the second link answered, which is the fourth on the page
    when the first and third were left open."""
    state = FormState({})
    built = Built(answer=None, links=[0, 3], new=[2])
    place(
        [
            FieldError("links.1.until", "Deze datum ligt in de toekomst.", "future"),
            FieldError("new.0.other_id", "Kies een organisatie of persoon uit de lijst."),
            FieldError("changes.email", "Vul een geldig e-mailadres in."),
            FieldError("links", "Er ging iets mis."),
        ],
        built,
        state,
    )
    assert state.errors == {
        "links.3.until": "Deze datum ligt in de toekomst.",
        "new.2.other": "Kies een organisatie of persoon uit de lijst.",
        "changes.email": "Vul een geldig e-mailadres in.",
    }
    assert state.general == ["Er ging iets mis."]


def test_alike_names_are_told_apart_and_a_name_meaning_two_is_asked_again(
    app, store, rounds, round_, tokens
):
    """Daalhof has "Sociaal wijkteam De Akker" and "Sociaal wijkteam de Akker": both are
    offered as they are spelled; typed without capitals, the name could be either."""
    browser = client(app)
    url = f"/uitvraag/{tokens[VLIER]}"
    page = browser.get(url).text
    assert '<option value="Sociaal wijkteam De Akker">' in page
    assert '<option value="Sociaal wijkteam de Akker">' in page
    data = posted(page) | {"record_ok": "klopt", "new.0.other": "sociaal wijkteam de akker"}
    response = browser.post(url, data=data)
    assert response.status_code == 422
    assert "Er zijn meer partners met deze naam" in text_of(response)
    data["new.0.other"] = "Sociaal wijkteam de Akker"
    assert browser.post(url, data=data, follow_redirects=False).status_code == 303
    (tie,) = [p for p in rounds.proposals(round_.id) if p.statement is Statement.BAND_NIEUW]
    assert tie.other_id == "daalhof-wkt-04"


def test_names_reach_the_page_as_text_only(app, store, rounds, round_, tokens):
    hostile = store.create_actor(
        ActorIn(kind="initiatief", name=HOSTILE, domain="inwoners", wijken=["daalhof"]),
        by="anna",
    )
    store.create_link(LinkIn(source=VLIER, target=hostile.id), by="anna")
    response = client(app).get(f"/uitvraag/{tokens[VLIER]}")
    assert response.status_code == 200
    assert HOSTILE not in response.text
    escaped = html.escape(HOSTILE, quote=True)
    assert f"Werkt u nog samen met {escaped}?" in response.text
    assert f'<option value="{escaped}">' in response.text
