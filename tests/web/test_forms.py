"""Forms: Dutch validation beside the field, similar names, version conflicts, confirmations."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from graph.model import ActorIn, ActorKind, LinkIn, utcnow
from tests.support.web import HOSTILE, actor_form


def field_error(page: str, field: str) -> str:
    """The Dutch message shown beside ``field`` (the element right above its input)."""
    match = re.search(rf'<p class="field-error" id="fout-{field}">([^<]*)</p>', page)
    assert match, f"no message beside {field}"
    return html.unescape(match.group(1))


def test_a_new_initiative_is_saved_and_confirmed(browse, store):
    anna = browse("anna")
    response = anna.post("/wijk/daalhof/nieuw/initiatief", actor_form())
    assert response.status_code == 303
    page = anna.get(response.headers["location"])
    assert "Toegevoegd." in page.text and "Koffieochtend De Kiosk" in page.text
    saved = next(a for a in store.list_actors("daalhof") if a.name == "Koffieochtend De Kiosk")
    assert saved.kind is ActorKind.INITIATIEF
    assert [t.value for t in saved.themes] == ["eenzaamheid", "ouderen"]
    assert store.audit_log(entity_id=saved.id)[0].by == "anna"


def test_validation_messages_stand_beside_their_field_and_input_is_kept(browse, store):
    anna = browse("anna")
    before = len(store.list_actors("daalhof"))
    response = anna.post(
        "/wijk/daalhof/nieuw/professional",
        actor_form(
            name="   ",
            domain="zorg",
            role="huisarts",
            email="geen-adres",
            since="2025-05-01",
            until="2024-01-01",
            description="Alles wat ik typte blijft staan.",
        ),
    )
    assert response.status_code == 422
    page = response.text
    assert field_error(page, "name") == "De naam is leeg. Vul een naam in."
    assert field_error(page, "email").startswith("Vul een geldig e-mailadres in")
    assert field_error(page, "until").startswith("De einddatum ligt vóór de startdatum.")
    assert "Niet opgeslagen." in page
    assert "Alles wat ik typte blijft staan." in page
    assert 'value="geen-adres"' in page and 'value="2025-05-01"' in page
    assert re.search(r'value="eenzaamheid"\s+checked', page)
    assert 'aria-invalid="true"' in page
    assert len(store.list_actors("daalhof")) == before


def test_until_before_since_is_shown_beside_until(browse):
    anna = browse("anna")
    response = anna.post(
        "/wijk/daalhof/nieuw/initiatief", actor_form(since="2025-05-01", until="2024-01-01")
    )
    assert response.status_code == 422
    assert "einddatum" in field_error(response.text, "until")


def test_a_similar_name_warns_before_a_duplicate_is_made(browse, store):
    anna = browse("anna")
    existing = next(a for a in store.list_actors("daalhof") if a.kind is ActorKind.ORGANISATIE)
    typo = (
        existing.name.replace("praktijk", "praktyk")
        if "praktijk" in existing.name
        else existing.name + "e"
    )
    data = actor_form(name=typo, domain=existing.domain.value, role=existing.role.value)
    before = len(store.list_actors("daalhof"))
    warned = anna.post("/wijk/daalhof/nieuw/organisatie", data)
    assert warned.status_code == 200
    assert "Bestaat deze organisatie al?" in warned.text
    assert html.escape(existing.name) in warned.text
    assert 'name="toch_opslaan" value="1"' in warned.text
    assert f'value="{html.escape(typo)}"' in warned.text
    assert len(store.list_actors("daalhof")) == before
    saved = anna.post("/wijk/daalhof/nieuw/organisatie", data | {"toch_opslaan": "1"})
    assert saved.status_code == 303
    assert len(store.list_actors("daalhof")) == before + 1


def test_editing_saves_with_the_version_read_and_confirms(browse, store):
    anna = browse("anna")
    actor = next(a for a in store.list_actors("daalhof") if a.kind is ActorKind.INITIATIEF)
    form = anna.get(f"/actor/{actor.id}/bewerken").text
    assert f'name="version" value="{actor.version}"' in form
    data = actor_form(
        name=actor.name,
        domain=actor.domain.value,
        role=actor.role.value,
        themes=[t.value for t in actor.themes],
        wijken=actor.wijken,
        description="Nieuwe beschrijving",
        since="",
        version=actor.version,
    )
    response = anna.post(f"/actor/{actor.id}/bewerken", data)
    assert response.status_code == 303
    assert "Opgeslagen." in anna.get(response.headers["location"]).text
    assert store.get_actor(actor.id).description == "Nieuwe beschrijving"
    assert store.get_actor(actor.id).version == actor.version + 1


def test_a_version_conflict_shows_both_versions(browse, store):
    anna = browse("anna")
    actor = next(a for a in store.list_actors("daalhof") if a.kind is ActorKind.INITIATIEF)
    store.update_actor(
        actor.id,
        {"description": "Door een collega aangepast"},
        expected_version=actor.version,
        by="baas",
    )
    data = actor_form(
        name=actor.name,
        domain=actor.domain.value,
        role=actor.role.value,
        themes=[t.value for t in actor.themes],
        wijken=actor.wijken,
        description="Mijn eigen tekst",
        since="",
        version=actor.version,
    )
    response = anna.post(f"/actor/{actor.id}/bewerken", data)
    assert response.status_code == 409
    page = response.text
    assert "Iemand anders heeft deze actor gewijzigd" in page
    assert "Door een collega aangepast" in page and "Mijn eigen tekst" in page
    assert f'name="version" value="{actor.version + 1}"' in page
    assert store.get_actor(actor.id).description == "Door een collega aangepast"
    # saving again, now with the version shown, keeps the user's text
    again = anna.post(f"/actor/{actor.id}/bewerken", data | {"version": actor.version + 1})
    assert again.status_code == 303
    assert store.get_actor(actor.id).description == "Mijn eigen tekst"


def test_a_collaboration_is_made_by_typing_names(browse, store):
    anna = browse("anna")
    a, b = [x for x in store.list_actors("daalhof") if x.kind is ActorKind.INITIATIEF][:2]
    found = anna.get(f"/wijk/daalhof/actoren.json?q={a.name[:6]}").json()
    assert any(hit["id"] == a.id for hit in found)
    response = anna.post(
        "/wijk/daalhof/samenwerking/nieuw",
        {
            "source_name": a.name,
            "source": "",
            "target_name": b.name.upper(),
            "target": "",
            "kind": "samenwerking",
            "intensity": "3",
            "since": "",
            "until": "",
            "note": "Samen koken",
        },
    )
    assert response.status_code == 303, response.text
    link = next(lk for lk in store.list_links("daalhof") if {lk.source, lk.target} == {a.id, b.id})
    assert int(link.intensity) == 3 and link.note == "Samen koken"
    again = anna.post(
        "/wijk/daalhof/samenwerking/nieuw",
        {
            "source_name": a.name,
            "source": a.id,
            "target_name": b.name,
            "target": b.id,
            "kind": "samenwerking",
            "intensity": "2",
            "since": "",
            "until": "",
            "note": "",
        },
    )
    assert again.status_code == 422
    assert "al zo met elkaar verbonden" in field_error(again.text, "target_name")


def test_an_unknown_name_in_the_collaboration_form_is_explained(browse):
    anna = browse("anna")
    response = anna.post(
        "/wijk/daalhof/samenwerking/nieuw",
        {
            "source_name": "Bestaat echt niet",
            "source": "",
            "target_name": "",
            "target": "",
            "kind": "samenwerking",
            "intensity": "9",
            "since": "",
            "until": "",
            "note": "",
        },
    )
    assert response.status_code == 422
    assert "Geen actor met deze naam" in field_error(response.text, "source_name")
    assert "kies de tweede actor" in field_error(response.text, "target_name")
    assert field_error(response.text, "intensity") == "Kies een intensiteit uit de lijst."
    assert 'value="Bestaat echt niet"' in response.text


def test_a_collaboration_edit_conflict_shows_both_versions(browse, store):
    anna = browse("anna")
    link = store.list_links("daalhof")[0]
    store.update_link(
        link.id, {"note": "Notitie van een collega"}, expected_version=link.version, by="baas"
    )
    response = anna.post(
        f"/samenwerking/{link.id}/bewerken",
        {
            "intensity": "4",
            "since": "",
            "until": "",
            "note": "Mijn notitie",
            "version": link.version,
        },
    )
    assert response.status_code == 409
    assert "Notitie van een collega" in response.text and "Mijn notitie" in response.text


def test_stale_records_are_listed_and_one_click_confirms(browse, store, monkeypatch):
    import graph.store.sqlite.core as sqlite_store

    old = utcnow() - timedelta(days=400)
    monkeypatch.setattr(sqlite_store, "utcnow", lambda: old)
    stale = store.create_actor(
        ActorIn(kind="initiatief", name="Oude Buurtkrant", domain="inwoners", wijken=["daalhof"]),
        by="baas",
    )
    monkeypatch.undo()
    anna = browse("anna")
    page = anna.get("/wijk/daalhof/actueel").text
    assert "Oude Buurtkrant" in page and "365 dagen" in page
    response = anna.post(f"/actor/{stale.id}/bevestig", {"terug": "/wijk/daalhof/actueel"})
    assert response.status_code == 303
    assert response.headers["location"] == "/wijk/daalhof/actueel?melding=bevestigd"
    after = anna.get(response.headers["location"]).text
    assert "Bevestigd: dit klopt nog." in after and "Oude Buurtkrant" not in after
    assert store.get_actor(stale.id).confirmed.by == "anna"


def test_marking_a_suggestion_removes_it(browse, store):
    anna = browse("anna")
    page = anna.get("/wijk/daalhof").text
    pair = re.search(
        r'name="a" value="([^"]+)"><input type="hidden" name="b" value="([^"]+)"', page
    )
    assert pair, "the wijk page lists suggestions with buttons"
    a, b = pair.groups()
    response = anna.post("/wijk/daalhof/voorstel", {"a": a, "b": b, "status": "niet-relevant"})
    assert response.status_code == 303
    after = anna.get("/wijk/daalhof").text
    assert "Gemarkeerd als niet relevant" in anna.get(response.headers["location"]).text
    assert f'name="a" value="{a}"><input type="hidden" name="b" value="{b}"' not in after
    assert [(d.a, d.b, d.by) for d in store.list_decisions("daalhof")] == [
        (min(a, b), max(a, b), "anna")
    ]


def test_a_link_makes_its_pair_leave_the_suggestions(browse, store):
    anna = browse("anna")
    page = anna.get("/wijk/daalhof").text
    a, b = re.search(
        r'name="a" value="([^"]+)"><input type="hidden" name="b" value="([^"]+)"', page
    ).groups()
    store.create_link(LinkIn(source=a, target=b), by="anna")
    after = anna.get("/wijk/daalhof").text
    assert f'name="a" value="{a}"><input type="hidden" name="b" value="{b}"' not in after


@pytest.mark.parametrize("field", ["name", "description"])
def test_hostile_text_is_shown_as_text(browse, field):
    anna, baas = browse("anna"), browse("baas")
    data = (
        actor_form(name=f"Buurtclub {HOSTILE}")
        if field == "name"
        else actor_form(description=f'"><script>alert(1)</script>{HOSTILE}')
    )
    response = anna.post("/wijk/daalhof/nieuw/initiatief", data)
    assert response.status_code == 303
    actor_page = anna.get(response.headers["location"]).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in actor_page
    for text in (
        actor_page,
        anna.get("/wijk/daalhof").text,
        baas.get("/beheer").text,
        anna.get(response.headers["location"].split("?")[0] + "/bewerken").text,
    ):
        assert HOSTILE not in text and "<script>alert" not in text
