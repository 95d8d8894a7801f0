"""The contact person of an inwonersinitiatief: a professional of the wijk (a
``contactpersoon`` link saved with the initiative) or a contact of its own (personal data);
a record made by a person counts as confirmed by them; a new link shows in the history of
both its actors."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from api.accounts import AccountRole, User
from api.web import history
from api.web.forms import BOTH_CONTACTS, NO_PROFESSIONAL, contact_link, end_day
from graph.errors import InvalidData, StoreUnavailable
from graph.model import ActorIn, ActorKind, LinkIn, LinkKind
from graph.store.erasure import ERASED_NAME
from tests.support.api import token_client
from tests.support.web import HOSTILE, actor_form

ANNA = User(username="anna", role=AccountRole.WIJKMAKELAAR, wijken=["daalhof"])
LEES = User(username="lees", role=AccountRole.LEZER, wijken=[])


def professionals(store, wijk="daalhof"):
    return [a for a in store.list_actors(wijk) if a.kind is ActorKind.PROFESSIONAL]


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="fout-{field}">([^<]*)</p>', page)
    assert match, f"no message beside {field}"
    return html.unescape(match.group(1))


def input_value(page: str, field: str) -> str:
    match = re.search(rf'<input id="f-{field}" name="{field}" type="[a-z]+" value="([^"]*)"', page)
    assert match, f"no input {field}"
    return html.unescape(match.group(1))


def selected(page: str, field: str) -> str:
    select = re.search(rf'<select id="f-{field}".*?</select>', page, re.S)
    assert select, f"no select {field}"
    chosen = re.search(r'<option value="([^"]*)" selected', select.group(0))
    return chosen.group(1) if chosen else ""


def new_initiative(anna, **overrides):
    response = anna.post("/wijk/daalhof/nieuw/initiatief", actor_form(**overrides))
    assert response.status_code == 303, response.text
    return response.headers["location"].split("?")[0].rsplit("/", 1)[1]


def contact_links(store, actor_id):
    return [
        lk
        for lk in store.list_links()
        if lk.source == actor_id and lk.kind is LinkKind.CONTACTPERSOON
    ]


def test_initiative_with_a_contact_professional(browse, store):
    anna = browse("anna")
    prof = professionals(store)[0]
    form = anna.get("/wijk/daalhof/nieuw/initiatief").text
    assert f'<option value="{prof.id}"' in form and 'id="f-contact_professional"' in form

    initiative_id = new_initiative(anna, contact_professional=prof.id)

    [link] = contact_links(store, initiative_id)
    assert link.target == prof.id and link.kind is LinkKind.CONTACTPERSOON
    assert link.since == date.today() and link.until is None
    assert link.confirmed is not None and link.confirmed.by == "anna"
    initiative = store.get_actor(initiative_id)
    assert initiative.confirmed is not None and initiative.confirmed.by == "anna"
    # the link on both actor pages, and just created means confirmed
    page = anna.get(f"/actor/{initiative_id}").text
    assert f'href="/actor/{prof.id}"' in page and "nog nooit" not in page
    assert "door anna" in page
    other = anna.get(f"/actor/{prof.id}").text
    assert f'href="/actor/{initiative_id}"' in other and "Koffieochtend De Kiosk" in other
    # the link's entry in the history of both actors, with names
    for actor_id in (initiative_id, prof.id):
        rows = history.for_actor(store, store.get_actor(actor_id), ANNA)
        made = [r for r in rows if r.entity == "verbinding" and r.entity_id == link.id]
        assert [r.action for r in made] == ["aangemaakt"]
        assert made[0].title == f"Koffieochtend De Kiosk — {prof.name}"
    # the edit form shows the current contact
    edit = anna.get(f"/actor/{initiative_id}/bewerken").text
    assert selected(edit, "contact_professional") == prof.id


def test_change_and_remove_the_contact_professional_ends_the_link(browse, store):
    anna = browse("anna")
    first, second = professionals(store)[:2]
    initiative_id = new_initiative(anna, contact_professional=first.id)
    version = store.get_actor(initiative_id).version

    changed = anna.post(
        f"/actor/{initiative_id}/bewerken",
        actor_form(contact_professional=second.id, version=str(version)),
    )
    assert changed.status_code == 303, changed.text
    links = {lk.target: lk for lk in contact_links(store, initiative_id)}
    assert set(links) == {first.id, second.id}  # the old link is kept, ended
    assert links[first.id].until == end_day(links[first.id]) and links[first.id].until
    assert links[second.id].until is None
    assert contact_link(store, store.get_actor(initiative_id)).target == second.id
    edit = anna.get(f"/actor/{initiative_id}/bewerken").text
    assert selected(edit, "contact_professional") == second.id

    # saving again unchanged writes no link
    version = store.get_actor(initiative_id).version
    again = anna.post(
        f"/actor/{initiative_id}/bewerken",
        actor_form(contact_professional=second.id, version=str(version)),
    )
    assert again.status_code == 303 and len(contact_links(store, initiative_id)) == 2

    version = store.get_actor(initiative_id).version
    removed = anna.post(
        f"/actor/{initiative_id}/bewerken",
        actor_form(contact_professional="", version=str(version)),
    )
    assert removed.status_code == 303, removed.text
    links = contact_links(store, initiative_id)
    assert len(links) == 2 and all(lk.until is not None for lk in links)
    assert contact_link(store, store.get_actor(initiative_id)) is None
    edit = anna.get(f"/actor/{initiative_id}/bewerken").text
    assert selected(edit, "contact_professional") == ""
    # the ending is in the history of both actors
    for actor_id in (initiative_id, second.id):
        rows = history.for_actor(store, store.get_actor(actor_id), ANNA)
        ended = [r for r in rows if r.entity_id == links[-1].id or r.entity_id == links[0].id]
        assert any(r.action == "gewijzigd" and r.changes for r in ended)


def test_own_contact_is_personal_data(browse, store):
    anna, lees = browse("anna"), browse("lees")
    initiative_id = new_initiative(
        anna, contact_name="Mien Bewoner", email="mien@example.org", phone="06-11112222"
    )
    stored = store.get_actor(initiative_id).contact
    assert (stored.name, stored.email, stored.phone) == (
        "Mien Bewoner",
        "mien@example.org",
        "06-11112222",
    )
    assert contact_links(store, initiative_id) == []
    assert "mien@example.org" in anna.get(f"/actor/{initiative_id}").text
    edit = anna.get(f"/actor/{initiative_id}/bewerken").text
    assert input_value(edit, "contact_name") == "Mien Bewoner"
    assert anna.get(f"/api/v1/actors/{initiative_id}").json()["contact"]["name"] == "Mien Bewoner"
    # hidden from a lezer: page, API and history
    page = lees.get(f"/actor/{initiative_id}").text
    assert "Mien" not in page and "mien@example.org" not in page and "11112222" not in page
    assert lees.get(f"/api/v1/actors/{initiative_id}").json()["contact"] is None
    version = store.get_actor(initiative_id).version
    anna.post(
        f"/actor/{initiative_id}/bewerken",
        actor_form(contact_name="Mien de Bewoner", email="mien@example.org", version=str(version)),
    )
    assert store.get_actor(initiative_id).contact.name == "Mien de Bewoner"
    shown = history.for_actor(store, store.get_actor(initiative_id), LEES)
    texts = " ".join(f"{c.before} {c.after}" for r in shown for c in r.changes)
    assert "Mien" not in texts and "(afgeschermd)" in texts
    for_anna = history.for_actor(store, store.get_actor(initiative_id), ANNA)
    assert any("naam: Mien de Bewoner" in c.after for r in for_anna for c in r.changes)
    assert "Mien de Bewoner" not in lees.get(f"/actor/{initiative_id}").text


def test_own_contact_is_erased_with_the_person(browse, store):
    anna = browse("anna")
    initiative_id = new_initiative(
        anna, contact_name="Mien Bewoner", email="mien@example.org", phone="06-11112222"
    )
    other = store.create_actor(
        ActorIn(
            kind=ActorKind.INITIATIEF,
            name="Buurtmoestuin",
            domain="inwoners",
            wijken=["daalhof"],
            description="Vraag Mien Bewoner of bel 06-11112222.",
        ),
        by="anna",
    )
    store.erase_personal_data(initiative_id, by="baas")
    erased = store.get_actor(initiative_id)
    assert erased.contact is None and erased.name == "Koffieochtend De Kiosk"
    assert "Mien" not in store.get_actor(other.id).description
    assert ERASED_NAME in store.get_actor(other.id).description
    audit = str([(e.before, e.after) for e in store.audit_log(limit=1000)])
    assert "Mien" not in audit and "mien@example.org" not in audit and "11112222" not in audit


def test_both_contacts_is_refused_beside_the_field_with_everything_kept(browse, store):
    anna = browse("anna")
    prof = professionals(store)[0]
    before = len(store.list_actors("daalhof"))
    response = anna.post(
        "/wijk/daalhof/nieuw/initiatief",
        actor_form(contact_professional=prof.id, contact_name="Mien Bewoner"),
    )
    assert response.status_code == 422
    assert field_error(response.text, "contact_professional") == BOTH_CONTACTS
    assert selected(response.text, "contact_professional") == prof.id
    assert input_value(response.text, "contact_name") == "Mien Bewoner"
    assert input_value(response.text, "name") == "Koffieochtend De Kiosk"
    assert len(store.list_actors("daalhof")) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"contact_professional": "bestaat-niet"}, "contact_professional", NO_PROFESSIONAL),
        ({"contact_name": "Mien\x01", "email": "mien@example.org"}, "contact_name", "stuurtekens"),
        ({"contact_name": "Mien Bewoner", "email": "geen-adres"}, "email", "e-mailadres"),
    ],
)
def test_a_fault_in_the_contact_stands_beside_its_field(browse, store, overrides, field, message):
    anna = browse("anna")
    before = len(store.list_actors("daalhof"))
    response = anna.post("/wijk/daalhof/nieuw/initiatief", actor_form(**overrides))
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert input_value(response.text, "name") == "Koffieochtend De Kiosk"
    if overrides.get("contact_name") == "Mien Bewoner":
        assert input_value(response.text, "contact_name") == "Mien Bewoner"
    assert len(store.list_actors("daalhof")) == before


def test_a_professional_outside_the_own_wijken_is_refused(browse, store):
    anna = browse("anna")
    elsewhere = next(
        p for w in store.list_wijken() for p in professionals(store, w.slug)
        if "daalhof" not in p.wijken
    )  # fmt: skip
    response = anna.post(
        "/wijk/daalhof/nieuw/initiatief", actor_form(contact_professional=elsewhere.id)
    )
    assert response.status_code == 422
    assert "eigen wijken" in field_error(response.text, "contact_professional")
    assert selected(response.text, "contact_professional") == elsewhere.id


def test_hostile_names_are_escaped(browse, store):
    anna = browse("anna")
    prof = store.create_actor(
        ActorIn(kind=ActorKind.PROFESSIONAL, name=HOSTILE, domain="zorg", wijken=["daalhof"]),
        by="anna",
    )
    form = anna.get("/wijk/daalhof/nieuw/initiatief").text
    assert HOSTILE not in form and html.escape(HOSTILE) in form
    initiative_id = new_initiative(
        anna, name=f"Kiosk {HOSTILE}", contact_professional=prof.id, toch_opslaan="1"
    )
    for url in (f"/actor/{initiative_id}", f"/actor/{prof.id}", f"/actor/{initiative_id}/bewerken"):
        page = anna.get(url).text
        assert HOSTILE not in page and html.escape(HOSTILE) in page
    refused = anna.post(
        "/wijk/daalhof/nieuw/initiatief",
        actor_form(name="Nog een kiosk", contact_professional=prof.id, contact_name=HOSTILE),
    )
    assert refused.status_code == 422 and HOSTILE not in refused.text
    assert html.escape(HOSTILE) in refused.text


def test_organisation_form_keeps_a_contact_name_and_has_no_professional_picker(browse, store):
    anna = browse("anna")
    form = anna.get("/wijk/daalhof/nieuw/organisatie").text
    assert 'id="f-contact_name"' in form and 'id="f-contact_professional"' not in form
    assert 'id="f-contact_name"' not in anna.get("/wijk/daalhof/nieuw/professional").text


def test_created_by_the_api_counts_as_confirmed(store):
    prof = professionals(store)[0]
    with token_client(store, ["daalhof"]) as client:
        made = client.post(
            "/api/v1/actors",
            json={
                "kind": "initiatief",
                "name": "Repair Café",
                "domain": "inwoners",
                "wijken": ["daalhof"],
                "contact": {"name": "Kees", "email": "kees@example.org"},
            },
            headers=client.tokens["wijkmakelaar"],
        )
        assert made.status_code == 201, made.text
        assert made.json()["confirmed"]["by"] == "anna"
        assert made.json()["contact"]["name"] == "Kees"
        linked = client.post(
            "/api/v1/links",
            json={"source": made.json()["id"], "target": prof.id, "kind": "contactpersoon"},
            headers=client.tokens["wijkmakelaar"],
        )
        assert linked.status_code == 201, linked.text
        assert linked.json()["confirmed"]["by"] == "anna"
        hidden = client.get(f"/api/v1/actors/{made.json()['id']}", headers=client.tokens["lezer"])
        assert hidden.json()["contact"] is None
    actor = store.get_actor(made.json()["id"])
    rows = history.for_actor(store, actor, ANNA)
    assert [r.entity for r in rows[:2]] == ["verbinding", "actor"]


def test_the_actor_and_its_contact_link_are_saved_together_or_not_at_all(store):
    before = (len(store.list_actors()), len(store.list_links()))
    with pytest.raises(InvalidData) as refused:
        store.save_actor(
            ActorIn(
                id="kiosk", kind=ActorKind.INITIATIEF, name="Kiosk", domain="inwoners",
                wijken=["daalhof"],
            ),
            by="anna",
            new_links=[LinkIn(source="kiosk", target="weg", kind=LinkKind.CONTACTPERSOON)],
            confirm=True,
        )  # fmt: skip
    assert refused.value.errors[0].field == "links.0.target"
    assert (len(store.list_actors()), len(store.list_links())) == before


def test_an_unreachable_database_keeps_the_contact_typed(browse, store, monkeypatch):
    def unreachable(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("database is locked")

    prof = professionals(store)[0]
    monkeypatch.setattr(store, "save_actor", unreachable)
    response = browse("anna").post(
        "/wijk/daalhof/nieuw/initiatief", actor_form(contact_professional=prof.id)
    )
    assert response.status_code == 503 and "De database is niet bereikbaar" in response.text
    assert selected(response.text, "contact_professional") == prof.id
    assert input_value(response.text, "name") == "Koffieochtend De Kiosk"
