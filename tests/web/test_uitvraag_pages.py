"""The wijkmakelaar's pages of a netwerkuitvraag: starting a round, its dashboard, the
links for a mail merge (and by e-mail, through a local SMTP server), revoking and closing,
and the review list, through the pages as a wijkmakelaar of Daalhof uses them (respondents
answer through the service); on SQLite and on Neo4j."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from html import unescape
from typing import Any

import pytest
from openpyxl import load_workbook

from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.model import ProposalStatus
from api.web.render import dutch_date
from api.web.uitvraag import default_title
from graph.model import ActorIn, ActorKind, LinkKind, utcnow
from tests.support.uitvraag import smtp_server
from tests.support.web import HOSTILE, PASSWORD

pytestmark = pytest.mark.both_stores

WIJK = "daalhof"
BASE = f"/wijk/{WIJK}/uitvraag"
_ROUND = re.compile(r"/wijk/daalhof/uitvraag/(u-[0-9a-f]{12})$")


@pytest.fixture
def anna(browse):
    return browse("anna")


@pytest.fixture
def rounds(app):
    return app.state.rounds


def _asked_by_default(store) -> list:
    """Daalhof's organisations and professionals active today with an e-mail address."""
    return [
        a
        for a in store.snapshot(WIJK, date.today()).actors
        if a.kind in (ActorKind.ORGANISATIE, ActorKind.PROFESSIONAL)
        and a.contact
        and a.contact.email
    ]


def _unlinked_pair(store) -> tuple:
    """Two asked actors of Daalhof without a link between them."""
    linked = {frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)}
    actors = _asked_by_default(store)
    for i, a in enumerate(actors):
        for b in actors[i + 1 :]:
            if frozenset((a.id, b.id)) not in linked:
                return a, b
    raise AssertionError("the demo has no unlinked pair")


def _start(anna, **fields) -> str:
    """Start a round through the form; its id."""
    form = {
        "title": "Netwerkuitvraag Daalhof test",
        "intro": "Met wie werkt u samen?",
        "ends_on": (date.today() + timedelta(days=21)).isoformat(),
        "wie": "alle",
    }
    form.update(fields)
    response = anna.post(f"{BASE}/nieuw", form)
    assert response.status_code == 303, response.text
    found = _ROUND.search(response.headers["location"].split("?")[0])
    assert found, response.headers["location"]
    return found.group(1)


def _download(anna, round_id: str, which: str = "nieuw", kind: str = "csv"):
    return anna.post(f"{BASE}/{round_id}/links", {"which": which, "format": kind})


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _links(anna, round_id: str, which: str = "nieuw") -> dict[str, str]:
    """Name -> link, from the CSV of a download."""
    header, *rows = _csv_rows(_download(anna, round_id, which))
    assert header == ["naam", "e-mail", "link", "geldig tot"]
    return {row[0]: row[2] for row in rows}


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _figures(html: str) -> dict[str, str]:
    """The dashboard's figures: label -> value as shown."""
    pairs = re.findall(r"<div><dt>([^<]+)</dt><dd>(.*?)</dd></div>", html, re.S)
    return {k: " ".join(re.sub(r"<[^>]+>", " ", unescape(v)).split()) for k, v in pairs}


def _answer(store, rounds, url: str, answer: service.Answer) -> None:
    invitation = service.open_link(rounds, _token(url))
    service.submit_answer(store, rounds, invitation, answer)


# -- starting a round ------------------------------------------------------------------------


def test_a_round_starts_through_the_form_with_sensible_defaults(anna, store, rounds):
    expected = len(_asked_by_default(store))
    form = anna.get(f"{BASE}/nieuw")
    assert form.status_code == 200
    wijk = store.get_wijk(WIJK)
    assert f'value="{default_title(wijk, date.today())}"' in form.text
    ends = (date.today() + timedelta(weeks=3)).isoformat()
    assert f'value="{ends}"' in form.text
    assert f"Alle organisaties en professionals met een e-mailadres ({expected})" in form.text
    assert "geen e-mail" in form.text  # the chosen list says who cannot be mailed

    round_id = _start(anna, title="Netwerkuitvraag Daalhof voorjaar")
    page = anna.get(f"{BASE}/{round_id}?melding=gestart")  # where the form sends you
    assert page.status_code == 200
    assert "De netwerkuitvraag is aangemaakt." in page.text
    figures = _figures(page.text)
    assert figures["Gevraagd"] == str(expected)
    assert figures["Link gekregen"] == "0"
    assert page.text.count("nog niet verstuurd") == expected

    listing = anna.get(BASE)
    assert "Netwerkuitvraag Daalhof voorjaar" in listing.text
    assert ">open<" in listing.text
    assert "Nieuwe netwerkuitvraag" in listing.text
    assert [r.title for r in rounds.list_rounds(WIJK)] == ["Netwerkuitvraag Daalhof voorjaar"]


def test_a_chosen_list_asks_exactly_those_actors(anna, store, rounds):
    no_mail = next(a for a in store.list_actors(WIJK) if not (a.contact and a.contact.email))
    mail = _asked_by_default(store)[0]
    round_id = _start(anna, wie="keuze", actors=[no_mail.id, mail.id])
    asked = {i.actor_id: i.email for i in rounds.invitations(round_id)}
    assert asked == {no_mail.id: None, mail.id: mail.contact.email}


def test_a_form_with_three_faults_shows_all_three_and_keeps_the_input(anna, rounds):
    typed_intro = "Mijn eigen tekst <b>vet</b>"
    response = anna.post(
        f"{BASE}/nieuw",
        {"title": "  ", "intro": typed_intro, "ends_on": "31-02-2026", "wie": "keuze"},
    )
    assert response.status_code == 422
    html = response.text
    assert "Er zijn 3 problemen:" in html
    for anchor, message in (
        ("f-title", "Vul een titel in."),
        ("f-ends_on", "Vul een datum in als JJJJ-MM-DD"),
        ("f-actors", "Kies minstens één organisatie of professional."),
    ):
        assert f'href="#{anchor}"' in html  # the summary links to the field
        assert f'id="{anchor}"' in html
        assert message in html
    assert html.count('class="field-error"') == 3  # each beside its field
    assert "Mijn eigen tekst &lt;b&gt;vet&lt;/b&gt;</textarea>" in html
    assert 'value="31-02-2026"' in html
    assert 'value="keuze" checked' in html
    assert rounds.list_rounds(WIJK) == []  # nothing stored


def test_ticked_actors_with_everyone_chosen_ask_which_was_meant(anna, store, rounds):
    one = _asked_by_default(store)[0]
    response = anna.post(
        f"{BASE}/nieuw",
        {
            "title": "Uitvraag",
            "intro": "",
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
            "wie": "alle",
            "actors": [one.id],
        },
    )
    assert response.status_code == 422
    assert "U vinkte actoren aan, maar koos voor alle organisaties" in response.text
    assert f'value="{one.id}" checked' in response.text
    assert rounds.list_rounds(WIJK) == []


def test_the_service_refusal_comes_back_beside_its_field(anna, store, rounds):
    """A choice the form cannot check itself (an actor of another wijk) is the service's."""
    elsewhere = next(a for a in store.list_actors("de-baandert") if WIJK not in a.wijken)
    response = anna.post(
        f"{BASE}/nieuw",
        {
            "title": "Uitvraag",
            "intro": "",
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
            "wie": "keuze",
            "actors": [elsewhere.id],
        },
    )
    assert response.status_code == 422
    assert "niet (meer) actief in deze wijk" in response.text
    assert 'href="#f-actors"' in response.text
    assert rounds.list_rounds(WIJK) == []


# -- links, the dashboard, revoking and closing ------------------------------------------------


def test_the_csv_holds_one_working_link_per_invitation_and_a_reminder_replaces_it(
    anna, store, rounds
):
    round_id = _start(anna)
    invitations = rounds.invitations(round_id)
    links = _links(anna, round_id)
    assert sorted(links) == sorted(i.actor_name for i in invitations)
    assert len(set(links.values())) == len(invitations)
    for url in links.values():
        assert url.startswith("http://testserver/uitvraag/")
        assert anna.get(_path(url)).status_code == 200  # the respondent's page
    assert _download(anna, round_id).status_code == 303  # nobody left without a link

    first, *others = sorted(links)
    _answer(store, rounds, links[first], service.Answer(record_ok=True))
    again = _links(anna, round_id, "niet-geantwoord")
    assert sorted(again) == others  # who answered gets no reminder
    old, new = links[others[0]], again[others[0]]
    assert old != new
    assert anna.get(_path(old)).status_code == 404
    assert anna.get(_path(new)).status_code == 200
    assert anna.get(_path(links[first])).status_code == 200  # the answered link still opens
    page = anna.get(f"{BASE}/{round_id}")
    assert _figures(page.text)["Link gekregen"] == str(len(invitations))


def test_the_excel_file_guards_every_cell_against_formulas(anna, store, rounds):
    sly = store.create_actor(
        ActorIn(
            kind="organisatie",
            name='=HYPERLINK("http://evil.example")',
            domain="zorg",
            wijken=[WIJK],
            contact={"email": "info@voorbeeld.nl"},
        ),
        by="baas",
    )
    round_id = _start(anna, wie="keuze", actors=[sly.id])
    response = _download(anna, round_id, kind="xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["naam", "e-mail", "link", "geldig tot"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    assert anna.get(_path(rows[1][2])).status_code == 200


def test_the_dashboard_counts_what_respondents_did(anna, store, rounds):
    a, b = _unlinked_pair(store)
    c = next(x for x in _asked_by_default(store) if x.id not in (a.id, b.id))
    round_id = _start(anna, wie="keuze", actors=[a.id, b.id, c.id])
    links = _links(anna, round_id)
    _answer(store, rounds, links[a.name], service.Answer(record_ok=True, new=[{"other_id": b.id}]))
    _answer(store, rounds, links[b.name], service.Answer(record_ok=True, new=[{"other_id": a.id}]))
    service.open_link(rounds, _token(links[c.name]))  # opened, not answered

    page = anna.get(f"{BASE}/{round_id}")
    figures = _figures(page.text)
    assert figures["Gevraagd"] == "3"
    assert figures["Link gekregen"] == "3"
    assert figures["Geopend"] == "3"
    assert figures["Beantwoord"] == "2"
    assert figures["Respons"] == "67%"
    assert figures["Nieuw genoemd"] == "1"  # the pair once
    assert figures["Wederzijds genoemd"] == "100% 1 van 1 paar"
    assert figures["Te beoordelen"] == "2"
    assert f'href="{BASE}/{round_id}/beoordelen"' in page.text
    assert page.text.count("beantwoord op") == 2
    assert page.text.count("geopend op") == 1
    reminders = page.text.split('id="h-herinneren"')[1].split("</section>")[0]
    assert c.name in unescape(reminders) and a.name not in unescape(reminders)
    listing = anna.get(BASE).text
    assert ">67%<" in listing


def test_a_revoked_link_stops_working_and_a_closed_round_opens_no_link(anna, rounds):
    round_id = _start(anna)
    links = _links(anna, round_id)
    name, url = sorted(links.items())[0]
    invitation = next(i for i in rounds.invitations(round_id) if i.actor_name == name)
    response = anna.post(f"{BASE}/{round_id}/intrekken", {"uitnodiging": invitation.id})
    assert response.status_code == 303
    page = anna.get(response.headers["location"])
    table = page.text.split('id="uitnodigingen"')[1]  # where the answer returns to
    assert "De link is ingetrokken: hij werkt niet meer." in table
    assert "ingetrokken op" in table
    assert anna.get(_path(url)).status_code == 404
    again = _links(anna, round_id, "niet-geantwoord")
    assert name not in again  # a revoked invitation gets no new link

    other = next(u for n, u in links.items() if n != name)
    assert anna.get(_path(again[sorted(again)[0]])).status_code == 200
    response = anna.post(f"{BASE}/{round_id}/sluiten")
    assert response.status_code == 303
    page = anna.get(response.headers["location"])
    assert "De netwerkuitvraag is gesloten" in page.text
    assert ">gesloten<" in page.text
    # closed now: the map of this (Dutch) day is the network this round measured
    day = rounds.get_round(round_id).measured_on(utcnow())
    assert day is not None and abs((day - date.today()).days) <= 1
    measured = page.text.split('id="gemeten"')[1].split("</p>")[0]
    assert f'href="/wijk/daalhof?datum={day.isoformat()}"' in measured
    assert anna.get(f"/wijk/daalhof?datum={day.isoformat()}").status_code == 200
    assert anna.get(_path(again[sorted(again)[0]])).status_code == 404
    assert anna.get(_path(other)).status_code == 404
    assert _download(anna, round_id).status_code == 409
    assert ">gesloten<" in anna.get(BASE).text


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def links(self) -> dict[str, str]:
        """Address -> the link in its message (the latest one)."""
        found = {}
        for rcpt, message in self.messages:
            body = message.get_body(("plain",))
            assert body is not None
            match = re.search(r"http://testserver/uitvraag/[A-Za-z0-9_-]+", body.get_content())
            assert match, body.get_content()
            found[rcpt[0]] = match.group(0)
        return found


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    """A local SMTP server on 127.0.0.1, set as the app's mail server."""
    with smtp_server(Inbox()) as (handler, port):
        before = app.state.settings
        app.state.settings = Settings(
            stale_after_days=365,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="Wijknet <wijknet@voorbeeld.nl>",
            smtp_security="none",
        )
        try:
            yield handler
        finally:
            app.state.settings = before


def test_without_a_mail_server_there_are_no_mail_buttons(anna):
    round_id = _start(anna)
    page = anna.get(f"{BASE}/{round_id}").text
    assert "Versturen per e-mail" not in page and "Herinnering versturen" not in page
    assert "er is geen mailserver ingesteld" in page


def test_invitations_and_reminders_go_out_by_mail(anna, store, rounds, inbox):
    with_mail = _asked_by_default(store)[:2]
    without = next(a for a in store.list_actors(WIJK) if not (a.contact and a.contact.email))
    round_id = _start(anna, wie="keuze", actors=[*(a.id for a in with_mail), without.id])
    page = anna.get(f"{BASE}/{round_id}").text
    assert "Versturen per e-mail (2)" in page and "Herinnering versturen (0)" in page

    response = anna.post(f"{BASE}/{round_id}/versturen", {"which": "nieuw"})
    assert response.status_code == 200
    assert "Uitnodigingen per e-mail verstuurd: 2." in response.text
    assert f"Zonder e-mailadres (1): {without.name}" in unescape(response.text)
    links = inbox.links()
    assert sorted(links) == sorted(a.contact.email for a in with_mail)
    for url in links.values():
        assert anna.get(_path(url)).status_code == 200
    assert "Herinnering versturen (2)" in response.text

    inbox.messages.clear()
    response = anna.post(f"{BASE}/{round_id}/versturen", {"which": "niet-geantwoord"})
    assert "Herinneringen per e-mail verstuurd: 2." in response.text
    again = inbox.links()
    for address, old in links.items():
        assert again[address] != old
        assert anna.get(_path(old)).status_code == 404
        assert anna.get(_path(again[address])).status_code == 200
    reminded = [i for i in rounds.invitations(round_id) if i.email]
    assert [i.reminders for i in reminded] == [1, 1]


def test_a_mail_server_that_cannot_be_reached_costs_no_link(app, anna, rounds):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.state.settings = Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="wijknet@voorbeeld.nl",
        smtp_security="none",
        smtp_timeout=2,
    )
    round_id = _start(anna)
    response = anna.post(f"{BASE}/{round_id}/versturen", {"which": "nieuw"})
    assert response.status_code == 503
    assert "Er is niets verstuurd en alle links werken nog zoals eerst." in response.text
    assert all(i.digest is None and i.sent_at is None for i in rounds.invitations(round_id))


# -- who may -----------------------------------------------------------------------------------


@pytest.fixture
def piet(accounts, browse):
    """A wijkmakelaar of De Baandert only."""
    accounts.add_user("piet", PASSWORD, "wijkmakelaar", ["de-baandert"])
    return browse("piet")


def _routes(round_id: str, invitation_id: str, proposal_id: str) -> list[tuple[str, str, dict]]:
    return [
        ("GET", BASE, {}),
        ("GET", f"{BASE}/nieuw", {}),
        ("POST", f"{BASE}/nieuw", {"title": "X", "ends_on": "2099-01-01", "wie": "alle"}),
        ("GET", f"{BASE}/{round_id}", {}),
        ("POST", f"{BASE}/{round_id}/links", {"which": "nieuw", "format": "csv"}),
        ("POST", f"{BASE}/{round_id}/links", {"which": "niet-geantwoord", "format": "xlsx"}),
        ("POST", f"{BASE}/{round_id}/versturen", {"which": "nieuw"}),
        ("POST", f"{BASE}/{round_id}/intrekken", {"uitnodiging": invitation_id}),
        ("POST", f"{BASE}/{round_id}/sluiten", {}),
        ("GET", f"{BASE}/{round_id}/beoordelen", {}),
        (
            "POST",
            f"{BASE}/{round_id}/beoordelen",
            {"voorstel": proposal_id, "besluit": "overnemen"},
        ),
        ("POST", f"{BASE}/{round_id}/beoordelen/wederzijds", {}),
    ]


def test_a_reader_and_a_wijkmakelaar_of_another_wijk_are_refused_everywhere(
    anna, browse, piet, store, rounds
):
    a, b = _unlinked_pair(store)
    round_id = _start(anna)
    links = _links(anna, round_id)
    _answer(store, rounds, links[a.name], service.Answer(record_ok=True, new=[{"other_id": b.id}]))
    proposal = rounds.proposals(round_id)[0]
    invitation = rounds.invitations(round_id)[0]
    before = (rounds.invitations(round_id), rounds.proposals(round_id), len(rounds.list_rounds()))
    for user in (browse("lees"), piet):
        for method, url, data in _routes(round_id, invitation.id, proposal.id):
            response = user.get(url) if method == "GET" else user.post(url, data)
            assert response.status_code == 403, (user, method, url)
            assert "Geen toegang" in response.text
            assert a.name not in unescape(response.text)
    assert before == (
        rounds.invitations(round_id),
        rounds.proposals(round_id),
        len(rounds.list_rounds()),
    )
    # the round is Daalhof's: under De Baandert it does not exist, even for its wijkmakelaar
    assert piet.get(f"/wijk/de-baandert/uitvraag/{round_id}").status_code == 404
    assert piet.get("/wijk/de-baandert/uitvraag").status_code == 200
    anonymous = browse()
    response = anonymous.get(f"{BASE}/{round_id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/inloggen")
    assert browse("baas").get(f"{BASE}/{round_id}").status_code == 200


# -- the review list ---------------------------------------------------------------------------


def _ties(store, a: str, b: str) -> list:
    return [
        lk
        for lk in store.list_links(WIJK)
        if {lk.source, lk.target} == {a, b} and lk.kind is LinkKind.SAMENWERKING
    ]


def _active_ties(store, actor_id: str) -> list:
    return [
        lk
        for lk in store.list_links(WIJK)
        if actor_id in (lk.source, lk.target)
        and lk.kind is LinkKind.SAMENWERKING
        and lk.until is None
    ]


def test_the_review_list_accepts_rejects_and_accepts_all_reciprocated(anna, store, rounds):
    a, b = _unlinked_pair(store)
    c, ended, changed = next(
        (x, *own[:2])
        for x in _asked_by_default(store)
        if x.id not in (a.id, b.id)
        and len(own := _active_ties(store, x.id)) >= 2
        and own[1].intensity != 4
    )
    round_id = _start(anna, wie="keuze", actors=[a.id, b.id, c.id])
    links = _links(anna, round_id)
    _answer(
        store,
        rounds,
        links[a.name],
        service.Answer(
            record_ok=True,
            new=[
                {"other_id": b.id, "intensity": 3},
                {"other_name": HOSTILE, "other_kind": "initiatief", "note": HOSTILE},
            ],
        ),
    )
    _answer(store, rounds, links[b.name], service.Answer(record_ok=True, new=[{"other_id": a.id}]))
    _answer(
        store,
        rounds,
        links[c.name],
        service.Answer(
            record_ok=False,
            changes={"description": "Wij doen nu ook schuldhulp."},
            links=[
                {"link_id": ended.id, "status": "beeindigd", "until": date.today()},
                {"link_id": changed.id, "status": "actief", "intensity": 4},
            ],
        ),
    )

    page = anna.get(f"{BASE}/{round_id}/beoordelen")
    assert page.status_code == 200
    html = page.text
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    for title in (
        "Door beide kanten genoemd (1)",
        "Nieuwe actoren (1)",
        "Gestopte samenwerkingen (1)",
        "Gewijzigde samenwerkingen (1)",
        "Correcties van eigen gegevens (1)",
    ):
        assert title in html
    assert "Nieuwe samenwerkingen (" not in html  # the pair is in the first group only
    # the list and the dashboard count the same: both proposals of the pair, and 4 more
    assert "· 6 voorstellen open" in html
    assert "Voorstellen beoordelen (6)" in anna.get(f"{BASE}/{round_id}").text
    assert "Deze wederzijds genoemde samenwerking overnemen" in html
    assert f"Genoemd door {a.name}".replace("&", "&amp;") in html
    assert f"op {dutch_date(date.today())}" in html
    assert "Wij doen nu ook schuldhulp." in html
    compared = html.split('id="h-gewijzigd"')[1].split("</table>")[0]
    assert re.search(r"Intensiteit</th><td>[^<]+</td><td>Samenwerken</td>", compared)

    # accept all reciprocated: one link between a and b
    assert _ties(store, a.id, b.id) == []
    response = anna.post(f"{BASE}/{round_id}/beoordelen/wederzijds")
    assert response.status_code == 303
    page = anna.get(response.headers["location"])
    assert "Overgenomen: 1 wederzijds genoemde samenwerking staat nu op de kaart." in page.text
    assert "Door beide kanten genoemd" not in page.text
    assert len(_ties(store, a.id, b.id)) == 1

    # a new actor needs a domain; without one nothing is written
    proposals = {
        p.statement.value: p for p in rounds.proposals(round_id, status=ProposalStatus.OPEN)
    }
    new_actor = proposals["actor-nieuw"]
    response = anna.post(
        f"{BASE}/{round_id}/beoordelen",
        {"voorstel": new_actor.id, "besluit": "overnemen", "volgende": "klaar"},
    )
    assert response.status_code == 422
    assert "Kies een domein voor de nieuwe actor" in response.text
    assert f'href="#r-{new_actor.id}">Ga naar het voorstel' in response.text
    assert not [x for x in store.list_actors(WIJK) if x.name == HOSTILE]
    response = anna.post(
        f"{BASE}/{round_id}/beoordelen",
        {
            "voorstel": new_actor.id,
            "besluit": "overnemen",
            "domein": "inwoners",
            "volgende": f"r-{proposals['band-beeindigd'].id}",
        },
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.endswith(f"#r-{proposals['band-beeindigd'].id}")
    page = anna.get(location)
    notice = page.text.split(f'id="r-{proposals["band-beeindigd"].id}"')[1][:300]
    assert "Overgenomen: de wijziging staat nu op de kaart." in notice  # beside the next item
    made = [x for x in store.list_actors(WIJK) if x.name == HOSTILE]
    assert len(made) == 1 and made[0].domain.value == "inwoners"
    assert len(_ties(store, a.id, made[0].id)) == 1

    # the ended tie is rejected with a reason: the link stays as it was
    response = anna.post(
        f"{BASE}/{round_id}/beoordelen",
        {
            "voorstel": proposals["band-beeindigd"].id,
            "besluit": "afwijzen",
            "reden": "Loopt nog, gebeld met de coördinator.",
            "volgende": "klaar",
        },
    )
    assert response.status_code == 303
    assert store.get_link(ended.id).until is None
    page = anna.get(response.headers["location"])
    at_the_end = page.text.split('id="klaar"')[1]  # where the answer returns to
    assert "Afgewezen: er is niets op de kaart veranderd." in at_the_end
    latest = page.text.split('id="h-klaar"')[1]
    assert "Loopt nog, gebeld met de coördinator." in latest
    assert "afgewezen" in latest and "overgenomen" in latest and "anna" in latest

    # the same proposal again: reviewed meanwhile, a Dutch message and nothing written
    response = anna.post(
        f"{BASE}/{round_id}/beoordelen",
        {"voorstel": proposals["band-beeindigd"].id, "besluit": "overnemen"},
    )
    assert response.status_code == 409
    assert "Dit voorstel is al beoordeeld" in response.text
    assert store.get_link(ended.id).until is None

    # the changed tie is accepted: its intensity on the map changes
    response = anna.post(
        f"{BASE}/{round_id}/beoordelen",
        {"voorstel": proposals["band-gewijzigd"].id, "besluit": "overnemen"},
    )
    assert response.status_code == 303
    assert store.get_link(changed.id).intensity == 4

    # the record correction is accepted: the description changes
    response = anna.post(
        f"{BASE}/{round_id}/beoordelen",
        {"voorstel": proposals["record-correctie"].id, "besluit": "overnemen"},
    )
    assert response.status_code == 303
    assert store.get_actor(c.id).description == "Wij doen nu ook schuldhulp."
    page = anna.get(response.headers["location"])
    assert "Alles beoordeeld." in page.text


def test_all_reciprocated_pairs_are_accepted_in_one_go(anna, store, rounds):
    a, b = _unlinked_pair(store)
    linked = {frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)}
    c, d = next(
        (x, y)
        for x in _asked_by_default(store)
        for y in _asked_by_default(store)
        if len({x.id, y.id, a.id, b.id}) == 4 and frozenset((x.id, y.id)) not in linked
    )
    round_id = _start(anna, wie="keuze", actors=[a.id, b.id, c.id, d.id])
    links = _links(anna, round_id)
    for who, other in ((a, b), (b, a), (c, d), (d, c)):
        named = service.Answer(record_ok=True, new=[{"other_id": other.id}])
        _answer(store, rounds, links[who.name], named)
    page = anna.get(f"{BASE}/{round_id}/beoordelen").text
    assert "Door beide kanten genoemd (2)" in page
    assert "Alle 2 wederzijds genoemde samenwerkingen overnemen" in page
    response = anna.post(f"{BASE}/{round_id}/beoordelen/wederzijds")
    page = anna.get(response.headers["location"]).text
    assert "Overgenomen: 2 wederzijds genoemde samenwerkingen staan nu op de kaart." in page
    assert "Alles beoordeeld." in page
    assert len(_ties(store, a.id, b.id)) == 1 and len(_ties(store, c.id, d.id)) == 1
    assert rounds.proposals(round_id, status=ProposalStatus.OPEN) == []
