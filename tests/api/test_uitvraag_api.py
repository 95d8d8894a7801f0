"""The netwerkuitvraag in the JSON API: starting a round, handing out and mailing links,
figures, review, and who may do any of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.accounts import AccountStore
from api.app import create_app
from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.service import Answer, NewTie, TokenRefused
from graph.store import GraphStore
from tests.support.uitvraag import Collector, free_port, smtp_server

API = "/api/v1/uitvraag"
WIJK = "daalhof"
BASE = "https://wijknet.voorbeeld.nl"
ENDS_ON = (date.today() + timedelta(days=21)).isoformat()


@contextmanager
def client_for(store: GraphStore, accounts: AccountStore, settings: Settings) -> Iterator[Any]:
    """A client with ``client.who[name]`` for baas (beheer), anna (wijkmakelaar in
    daalhof) and lees (lezer), and ``client.rounds``, the app's round store."""
    app = create_app(settings, store=store, accounts=accounts)
    with TestClient(app) as client:
        client.who = {  # type: ignore[attr-defined]
            name: {"Authorization": f"Bearer {accounts.create_token(name)}"}
            for name in ("baas", "anna", "lees")
        }
        client.rounds = app.state.rounds  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def api(store: GraphStore, accounts: AccountStore) -> Iterator[Any]:
    with client_for(store, accounts, Settings()) as client:
        yield client


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    with smtp_server() as server:
        yield server


def mailing(port: int) -> Settings:
    return Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="wijknet@voorbeeld.nl",
        smtp_security="none",
        smtp_timeout=5,
        base_url=BASE,
    )


def start(client: Any, who: str = "anna", wijk: str = WIJK, **extra: Any) -> dict[str, Any]:
    body = {"wijk": wijk, "title": "Uitvraag najaar", "intro": "", "ends_on": ENDS_ON} | extra
    response = client.post(API, json=body, headers=client.who[who])
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def token_of(url: str) -> str:
    match = re.fullmatch(r".*/uitvraag/([A-Za-z0-9_-]{20,})", url)
    assert match, url
    return match[1]


def test_a_wijkmakelaar_starts_a_round_and_hands_out_links(api: Any, store: GraphStore) -> None:
    asked = [
        a
        for a in store.snapshot(WIJK).actors  # active today
        if a.kind.value in ("organisatie", "professional") and a.contact and a.contact.email
    ]
    round_ = start(api)
    assert round_["wijk"] == WIJK and round_["created_by"] == "anna"

    listed = api.get(API, params={"wijk": WIJK}, headers=api.who["anna"]).json()
    assert [r["id"] for r in listed["data"]] == [round_["id"]]

    detail = api.get(f"{API}/{round_['id']}", headers=api.who["anna"]).json()
    assert detail["figures"]["asked"] == len(asked) and detail["figures"]["issued"] == 0
    assert {i["actor_id"] for i in detail["invitations"]} == {a.id for a in asked}
    assert all("digest" not in i and "token" not in i for i in detail["invitations"])

    links = api.post(
        f"{API}/{round_['id']}/links", json={"which": "nieuw"}, headers=api.who["anna"]
    )
    assert links.status_code == 200, links.text
    handed = links.json()
    assert len(handed) == len(asked)
    for link in handed:
        assert link["url"].startswith("http://testserver/uitvraag/")  # the request's address
        assert link["valid_until"] == ENDS_ON
        opened = service.open_link(api.rounds, token_of(link["url"]))
        assert opened.id == link["invitation_id"]
    # handed out once: "nieuw" has nobody left, and the figures count them
    again = api.post(f"{API}/{round_['id']}/links", json={}, headers=api.who["anna"])
    assert again.json() == []
    detail = api.get(f"{API}/{round_['id']}", headers=api.who["anna"]).json()
    assert detail["figures"]["issued"] == len(asked)
    assert detail["figures"]["opened"] == len(asked)


def test_a_reminder_link_replaces_the_old_one(api: Any) -> None:
    round_ = start(api)
    first = api.post(f"{API}/{round_['id']}/links", json={}, headers=api.who["anna"]).json()
    second = api.post(
        f"{API}/{round_['id']}/links",
        json={"which": "niet-geantwoord", "invitation_ids": [first[0]["invitation_id"]]},
        headers=api.who["anna"],
    ).json()
    assert [link["invitation_id"] for link in second] == [first[0]["invitation_id"]]
    with pytest.raises(TokenRefused):
        service.open_link(api.rounds, token_of(first[0]["url"]))
    assert (
        service.open_link(api.rounds, token_of(second[0]["url"])).id == second[0]["invitation_id"]
    )
    # the others' first links still work
    assert service.open_link(api.rounds, token_of(first[1]["url"])).id == first[1]["invitation_id"]


def test_links_use_the_configured_base_url(store: GraphStore, accounts: AccountStore) -> None:
    with client_for(store, accounts, Settings(base_url=BASE + "/")) as client:
        round_ = start(client)
        links = client.post(f"{API}/{round_['id']}/links", json={}, headers=client.who["anna"])
        assert all(link["url"].startswith(f"{BASE}/uitvraag/") for link in links.json())


def test_send_mails_invitations_then_reminders(
    store: GraphStore, accounts: AccountStore, smtp: tuple[Collector, int]
) -> None:
    handler, port = smtp
    actors = store.list_actors(WIJK)
    with_mail = [a for a in actors if a.contact and a.contact.email][:2]
    without = next(a for a in actors if not (a.contact and a.contact.email))
    chosen = [a.id for a in [*with_mail, without]]
    with client_for(store, accounts, mailing(port)) as client:
        round_ = start(client, actor_ids=chosen)
        sent = client.post(
            f"{API}/{round_['id']}/send", json={"reminder": False}, headers=client.who["anna"]
        )
        assert sent.status_code == 200, sent.text
        assert sent.json() == {"sent": 2, "skipped": [without.name], "failed": []}
        assert sorted(r for _, rcpt, _ in handler.received for r in rcpt) == sorted(
            a.contact.email for a in with_mail
        )
        for _, _, message in handler.received:
            assert message["Subject"] == "Netwerkuitvraag Daalhof: met wie werkt u samen?"
            assert f"{BASE}/uitvraag/" in message.get_body(("plain",)).get_content()
        # the actor without an address got no link from the mail: it can still be handed out
        detail = client.get(f"{API}/{round_['id']}", headers=client.who["anna"]).json()
        untouched = [i for i in detail["invitations"] if i["actor_id"] == without.id]
        assert untouched[0]["sent_at"] is None

        handler.received.clear()
        reminded = client.post(
            f"{API}/{round_['id']}/send", json={"reminder": True}, headers=client.who["anna"]
        )
        assert reminded.json()["sent"] == 2
        assert all(m["Subject"].startswith("Herinnering: ") for _, _, m in handler.received)
        detail = client.get(f"{API}/{round_['id']}", headers=client.who["anna"]).json()
        assert sorted(i["reminders"] for i in detail["invitations"]) == [0, 1, 1]


def test_send_without_a_mail_server_is_refused(api: Any) -> None:
    round_ = start(api)
    response = api.post(f"{API}/{round_['id']}/send", json={}, headers=api.who["anna"])
    assert response.status_code == 503
    assert response.json()["code"] == "mail_not_configured"


def test_send_to_an_unreachable_server_replaces_no_link(
    store: GraphStore, accounts: AccountStore
) -> None:
    with client_for(store, accounts, mailing(free_port())) as client:
        round_ = start(client)
        response = client.post(f"{API}/{round_['id']}/send", json={}, headers=client.who["anna"])
        assert response.status_code == 503
        assert response.json()["code"] == "mail_unavailable"
        detail = client.get(f"{API}/{round_['id']}", headers=client.who["anna"]).json()
        assert all(i["sent_at"] is None for i in detail["invitations"])


def test_close_and_revoke_stop_the_links(api: Any) -> None:
    round_ = start(api)
    links = api.post(f"{API}/{round_['id']}/links", json={}, headers=api.who["anna"]).json()
    revoked = api.post(
        f"{API}/invitations/{links[0]['invitation_id']}/revoke", headers=api.who["anna"]
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    with pytest.raises(TokenRefused):
        service.open_link(api.rounds, token_of(links[0]["url"]))
    assert service.open_link(api.rounds, token_of(links[1]["url"]))

    closed = api.post(f"{API}/{round_['id']}/close", headers=api.who["anna"])
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    with pytest.raises(TokenRefused):
        service.open_link(api.rounds, token_of(links[1]["url"]))
    late = api.post(
        f"{API}/{round_['id']}/links", json={"which": "niet-geantwoord"}, headers=api.who["anna"]
    )
    assert late.status_code == 409 and late.json()["code"] == "conflict"


def _unlinked_pair(store: GraphStore, ids: list[str]) -> tuple[str, str]:
    linked = {frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)}
    for a in ids:
        for b in ids:
            if a < b and frozenset((a, b)) not in linked:
                return a, b
    raise AssertionError("no unlinked pair")


def test_review_through_the_api(api: Any, store: GraphStore) -> None:
    round_ = start(api)
    links = api.post(f"{API}/{round_['id']}/links", json={}, headers=api.who["anna"]).json()
    by_actor = {}
    for link in links:
        invitation = service.open_link(api.rounds, token_of(link["url"]))
        by_actor[invitation.actor_id] = invitation
    a, b = _unlinked_pair(store, sorted(by_actor))
    c = next(x for x in sorted(by_actor) if x not in (a, b))
    for me, other in ((a, b), (b, a)):
        service.submit_answer(
            store, api.rounds, by_actor[me], Answer(record_ok=True, new=[NewTie(other_id=other)])
        )
    service.submit_answer(
        store,
        api.rounds,
        by_actor[c],
        Answer(
            record_ok=True, new=[NewTie(other_name="Buurtmoestuin De Wei", other_kind="initiatief")]
        ),
    )

    waiting = api.get(
        f"{API}/{round_['id']}/proposals", params={"status": "open"}, headers=api.who["anna"]
    ).json()
    assert waiting["count"] == 3

    new_actor = next(p for p in waiting["data"] if p["actor_id"] == c)
    rejected = api.post(
        f"{API}/proposals/{new_actor['id']}/review",
        json={"accept": False, "reason": "Bestaat niet meer"},
        headers=api.who["anna"],
    )
    assert rejected.status_code == 200, rejected.text
    assert (
        rejected.json()["status"] == "afgewezen"
        and rejected.json()["reason"] == "Bestaat niet meer"
    )
    twice = api.post(
        f"{API}/proposals/{new_actor['id']}/review", json={"accept": True}, headers=api.who["anna"]
    )
    assert twice.status_code == 409

    accepted = api.post(f"{API}/{round_['id']}/accept-reciprocated", headers=api.who["anna"])
    assert accepted.json() == {"accepted": 2}
    assert frozenset((a, b)) in {frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)}
    left = api.get(
        f"{API}/{round_['id']}/proposals", params={"status": "open"}, headers=api.who["anna"]
    ).json()
    assert left["count"] == 0
    figures = api.get(f"{API}/{round_['id']}", headers=api.who["anna"]).json()["figures"]
    assert figures["answered"] == 3 and figures["accepted"] == 2 and figures["rejected"] == 1


def test_only_the_wijks_writers_and_beheer_reach_a_round(api: Any, store: GraphStore) -> None:
    other_wijk = next(w.slug for w in store.list_wijken() if w.slug != WIJK)
    own = start(api)
    elsewhere = start(api, who="baas", wijk=other_wijk)
    some_invitation = api.rounds.invitations(elsewhere["id"])[0].id

    # a lezer: nothing at all, not even the list
    lees = api.who["lees"]
    assert api.get(API, headers=lees).status_code == 403
    assert api.get(f"{API}/{own['id']}", headers=lees).status_code == 403
    body = {"wijk": WIJK, "title": "x", "ends_on": ENDS_ON}
    assert api.post(API, json=body, headers=lees).status_code == 403

    # a wijkmakelaar: only the rounds of their own wijken
    anna = api.who["anna"]
    assert [r["id"] for r in api.get(API, headers=anna).json()["data"]] == [own["id"]]
    assert api.get(API, params={"wijk": other_wijk}, headers=anna).status_code == 403
    started = api.post(API, json=body | {"wijk": other_wijk}, headers=anna)
    assert started.status_code == 403 and started.json()["code"] == "forbidden"
    rid = elsewhere["id"]
    for method, path, payload in (
        ("get", f"{API}/{rid}", None),
        ("get", f"{API}/{rid}/proposals", None),
        ("post", f"{API}/{rid}/links", {}),
        ("post", f"{API}/{rid}/send", {}),
        ("post", f"{API}/{rid}/close", None),
        ("post", f"{API}/{rid}/accept-reciprocated", None),
        ("post", f"{API}/invitations/{some_invitation}/revoke", None),
    ):
        response = api.request(method, path, json=payload, headers=anna)
        assert response.status_code == 403, (path, response.text)
    assert api.rounds.get_round(rid).closed_at is None
    # nor through a round of their own
    smuggled = api.post(
        f"{API}/{own['id']}/links", json={"invitation_ids": [some_invitation]}, headers=anna
    )
    assert smuggled.status_code == 404
    assert api.rounds.get_invitation(some_invitation).sent_at is None
    assert api.rounds.get_invitation(some_invitation).revoked_at is None

    # beheer: every wijk
    beheer = api.who["baas"]
    assert {r["id"] for r in api.get(API, headers=beheer).json()["data"]} == {own["id"], rid}
    assert api.get(f"{API}/{rid}", headers=beheer).status_code == 200

    # without a login: 401; unknown ids: 404
    assert api.get(API).status_code == 401
    assert api.post(f"{API}/{own['id']}/links", json={}).status_code == 401
    assert api.get(f"{API}/u-000000000000", headers=anna).status_code == 404
    assert api.post(f"{API}/invitations/n-000000000000/revoke", headers=anna).status_code == 404
    missing = api.post(
        f"{API}/proposals/v-000000000000/review", json={"accept": True}, headers=anna
    )
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_bad_input_gets_field_errors(api: Any) -> None:
    past = (date.today() - timedelta(days=1)).isoformat()
    response = api.post(
        API,
        json={"wijk": WIJK, "title": "Najaar", "ends_on": past},
        headers=api.who["anna"],
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_data"
    assert [e["field"] for e in response.json()["details"]] == ["ends_on"]
    unknown = api.post(
        API,
        json={"wijk": WIJK, "title": "Najaar", "ends_on": ENDS_ON, "extra": 1},
        headers=api.who["anna"],
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_request"
    assert api.get(API, headers=api.who["anna"]).json()["count"] == 0


def test_openapi_documents_the_routes(api: Any) -> None:
    schema = api.get("/openapi.json").json()
    paths = schema["paths"]
    assert "post" in paths[API] and "get" in paths[API]
    send = paths[f"{API}/{{round_id}}/send"]["post"]
    assert send["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SendResult"
    )
    assert "503" in send["responses"]
    assert {"sent", "skipped", "failed"} <= set(
        schema["components"]["schemas"]["SendResult"]["properties"]
    )


def test_erasing_a_professional_through_the_api_scrubs_her_invitation(api, store):
    professional = next(
        a
        for a in store.list_actors("daalhof")
        if a.kind.value == "professional" and a.contact and a.contact.email
    )
    round_ = service.start_round(
        store,
        api.rounds,
        wijk="daalhof",
        title="Uitvraag",
        intro="",
        ends_on=date.today() + timedelta(days=10),
        actor_ids=[professional.id],
        by="anna",
    )
    (link,) = service.issue_links(api.rounds, round_.id)
    response = api.post(f"/api/v1/actors/{professional.id}/erase", headers=api.who["baas"])
    assert response.status_code == 200, response.text
    (invitation,) = api.rounds.invitations(round_.id)
    assert invitation.actor_name == "Verwijderde persoon" and invitation.email is None
    assert professional.name not in invitation.model_dump_json()
    with pytest.raises(TokenRefused):
        service.open_link(api.rounds, link.token)
