"""Each role can do exactly what it should on the pages, checked on the server."""

from __future__ import annotations

import pytest

from graph.model import ActorIn, ActorKind
from tests.support.web import actor_form


def _professional_with_contact(store):
    return next(
        a
        for a in store.list_actors("daalhof")
        if a.kind is ActorKind.PROFESSIONAL and a.contact and a.contact.email
    )


def test_a_lezer_sees_no_contact_details_anywhere(browse, store):
    pro = _professional_with_contact(store)
    lees = browse("lees")
    page = lees.get(f"/actor/{pro.id}")
    assert page.status_code == 200 and pro.name in page.text
    assert pro.contact.email not in page.text
    assert "Contact" not in page.text
    assert pro.contact.email not in lees.get("/wijk/daalhof/kaart.json").text
    assert pro.contact.email not in lees.get(f"/api/v1/actors/{pro.id}").text
    # not in the history either, after a change of contact details
    store.update_actor(
        pro.id,
        {"contact": {"email": "nieuw@voorbeeld.example"}},
        expected_version=pro.version,
        by="baas",
    )
    history = lees.get(f"/actor/{pro.id}").text
    assert "nieuw@voorbeeld.example" not in history and "(afgeschermd)" in history


def test_a_wijkmakelaar_and_beheer_see_contact_details(browse, store):
    pro = _professional_with_contact(store)
    for who in ("anna", "baas"):
        assert pro.contact.email in browse(who).get(f"/actor/{pro.id}").text


def test_a_lezer_cannot_change_anything(browse, store):
    lees = browse("lees")
    actor = store.list_actors("daalhof")[0]
    before = store.audit_log(limit=1)[0].seq
    assert lees.get("/wijk/daalhof/nieuw/initiatief").status_code == 403
    assert lees.get(f"/actor/{actor.id}/bewerken").status_code == 403
    for url, data in (
        ("/wijk/daalhof/nieuw/initiatief", actor_form()),
        (f"/actor/{actor.id}/bewerken", actor_form(version=actor.version)),
        (f"/actor/{actor.id}/bevestig", {}),
        ("/wijk/daalhof/samenwerking/nieuw", {"source_name": "x", "target_name": "y"}),
        ("/beheer/accounts", {"username": "nieuw", "password": "x" * 12, "role": "beheer"}),
    ):
        response = lees.post(url, data)
        assert response.status_code == 403, url
        assert "Geen toegang" in response.text
    page = lees.get(f"/actor/{actor.id}").text
    assert "Bewerken" not in page and "Bevestig" not in page
    assert "Besproken" not in lees.get("/wijk/daalhof").text
    assert store.audit_log(limit=1)[0].seq == before


def test_a_wijkmakelaar_writes_only_in_assigned_wijken(browse, store):
    anna = browse("anna")
    created = anna.post("/wijk/daalhof/nieuw/initiatief", actor_form())
    assert created.status_code == 303
    assert anna.get("/wijk/nuth/nieuw/initiatief").status_code == 403
    elsewhere = anna.post(
        "/wijk/daalhof/nieuw/initiatief", actor_form(name="Buurtsoep Nuth", wijken=["nuth"])
    )
    assert elsewhere.status_code == 422
    assert "toegewezen" in elsewhere.text
    other = store.list_actors("nuth")[0]
    assert anna.get(f"/actor/{other.id}/bewerken").status_code == 403
    assert anna.post(f"/actor/{other.id}/bevestig").status_code == 403
    assert "Bewerken" not in anna.get(f"/actor/{other.id}").text
    assert anna.get("/beheer").status_code == 403
    mine = store.list_actors("daalhof")[0]
    assert anna.post(f"/actor/{mine.id}/bevestig").status_code == 303
    assert store.get_actor(mine.id).confirmed.by == "anna"


def test_a_wijkmakelaar_decides_suggestions_only_in_assigned_wijken(browse, store):
    anna = browse("anna")
    page = anna.get("/wijk/nuth").text
    assert "Besproken" not in page
    nuth = store.list_actors("nuth")
    refused = anna.post(
        "/wijk/nuth/voorstel", {"a": nuth[0].id, "b": nuth[1].id, "status": "besproken"}
    )
    assert refused.status_code == 403
    assert store.list_decisions("nuth") == []


def test_beheer_may_do_everything(browse, store, accounts):
    baas = browse("baas")
    created = baas.post(
        "/wijk/nuth/nieuw/initiatief", actor_form(name="Buurtsoep Nuth", wijken=["nuth"])
    )
    assert created.status_code == 303
    page = baas.get("/beheer")
    assert page.status_code == 200 and "Logboek" in page.text and "Buurtsoep Nuth" in page.text
    made = baas.post(
        "/beheer/accounts",
        {
            "username": "piet",
            "password": "nog-een-wachtwoord",
            "role": "wijkmakelaar",
            "wijken": ["nuth"],
        },
    )
    assert made.status_code == 303
    assert accounts.get_user("piet").wijken == ["nuth"]
    changed = baas.post(
        "/beheer/accounts/piet",
        {"action": "rol", "role": "wijkmakelaar", "wijken": ["nuth", "daalhof"]},
    )
    assert changed.status_code == 303
    assert accounts.get_user("piet").wijken == ["daalhof", "nuth"]
    assert (
        baas.post("/beheer/accounts/piet", {"action": "wachtwoord", "password": "kort"}).status_code
        == 422
    )
    assert baas.post("/beheer/accounts/piet", {"action": "verwijderen"}).status_code == 303
    assert "piet" not in [u.username for u in accounts.list_users()]
    assert baas.post("/beheer/accounts/baas", {"action": "verwijderen"}).status_code == 400


def test_a_new_account_form_keeps_what_was_typed_and_explains(browse):
    baas = browse("baas")
    response = baas.post(
        "/beheer/accounts", {"username": "Piet Jansen!", "password": "kort", "role": "lezer"}
    )
    assert response.status_code == 422
    assert "Gebruik 2 tot 40 kleine letters" in response.text
    assert 'value="piet jansen!"' in response.text


@pytest.mark.parametrize("who", ["lees", "anna", "baas"])
def test_every_role_reads_every_page(browse, store, who):
    client = browse(who)
    actor = store.list_actors("daalhof")[0]
    for url in (
        "/",
        "/wijk/daalhof",
        "/wijk/daalhof/kaart.json",
        f"/actor/{actor.id}",
        "/wijk/daalhof/actueel",
        "/vergelijken",
        "/vergelijken.csv",
        "/vergelijken/trend/daalhof",
        "/wijk/daalhof/actoren.json?q=huis",
    ):
        assert client.get(url).status_code == 200, url


def test_a_wijkmakelaar_may_not_move_an_actor_out_of_reach(browse, store):
    anna = browse("anna")
    store.create_actor(
        ActorIn(
            kind="initiatief",
            name="Gedeeld initiatief",
            domain="inwoners",
            wijken=["daalhof", "nuth"],
        ),
        by="baas",
    )
    shared = next(a for a in store.list_actors("daalhof") if a.name == "Gedeeld initiatief")
    assert anna.get(f"/actor/{shared.id}/bewerken").status_code == 403
