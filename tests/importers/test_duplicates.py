"""Likely duplicates within a wijk, and merging two actors into one."""

from __future__ import annotations

import pytest

from graph.errors import Conflict, InvalidData, NotFound
from graph.model import ActorIn, ActorKind, Domain, Intensity, LinkIn, LinkKind, Theme
from importers.duplicates import find_duplicates, merge_actors, plan_merge, similarity
from tests.support.importing import new_store


def org(id, name, wijk="de-baandert", **kw):
    return ActorIn(
        id=id, kind=ActorKind.ORGANISATIE, name=name, domain=Domain.ZORG, wijken=[wijk], **kw
    )


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "dubbel.db")
    yield store
    store.close()


def test_names_that_differ_slightly_are_reported(store):
    store.bulk_upsert(
        actors=[
            org("a", "Huisartsenpraktijk De Baandert"),
            org("b", "Huisartspraktijk de Baandert"),
            org("c", "Basisschool 1"),
            org("d", "Basisschool 2"),
            org("e", "Lief-en-leed-straat Kerkstraat"),
            org("f", "Lief-en-leed-straat Merelstraat"),
            org("g", "Huisartsenpraktijk De Baandert", wijk="daalhof"),
            ActorIn(
                id="h",
                kind=ActorKind.INITIATIEF,
                name="Huisartsenpraktijk De Baandert",
                domain=Domain.INWONERS,
                wijken=["de-baandert"],
            ),
        ],
        by="test",
    )
    pairs = find_duplicates(store.list_actors())
    assert [(p.a, p.b, p.wijk) for p in pairs] == [("a", "b", "de-baandert")]
    assert pairs[0].score > 0.9
    assert find_duplicates(store.list_actors("daalhof"), wijk="daalhof") == []


@pytest.mark.parametrize(
    "a, b, alike",
    [
        ("Huisartsenpraktijk De Baandert", "Huisartspraktijk de Baandert", True),
        ("Wijkontbijt Daalhof", "wijkontbijt dalhof", True),
        ("Buurthuis 't Hoes", "Buurthuis t'Hoes", True),
        ("Praktijk Jansen", "Jansen Praktijk", True),
        ("Basisschool 1", "Basisschool 2", False),
        ("Lief-en-leed-straat Hoogstraat", "Lief-en-leed-straat Schoolstraat", False),
        ("Huisartsenpraktijk De Brug", "Huisartsenpraktijk De Beuk", False),
    ],
)
def test_similarity(a, b, alike):
    assert (similarity(a, b) >= 0.88) is alike


def test_blocking_keeps_large_wijken_fast(store):
    actors = [
        org(f"o{i}", f"Organisatie nummer {i} {chr(65 + i % 26)}{i * 7919 % 1000}")
        for i in range(3000)
    ]
    actors.append(org("x", "Organisatie nummer 17 R623x"))
    store.bulk_upsert(actors=actors, by="test")
    pairs = find_duplicates(store.list_actors())
    assert ("o17", "x") in {(p.a, p.b) for p in pairs} or ("x", "o17") in {
        (p.a, p.b) for p in pairs
    }


@pytest.fixture
def pair(store):
    store.bulk_upsert(
        actors=[
            org("keep", "Huisartsenpraktijk De Baandert", themes=[Theme.OUDEREN]),
            org(
                "drop",
                "Huisartspraktijk de Baandert",
                wijk="daalhof",
                description="Oud",
                themes=[Theme.EENZAAMHEID],
            ),
            org("club", "Sportclub"),
            org("buurt", "Buurthuis"),
            ActorIn(
                id="pro",
                kind=ActorKind.PROFESSIONAL,
                name="Piet Proef",
                domain=Domain.ZORG,
                wijken=["daalhof"],
                organisation="drop",
            ),
        ],
        links=[
            LinkIn(id="l-between", source="keep", target="drop"),
            LinkIn(id="l-both-keep", source="club", target="keep", intensity=Intensity.KENNEN),
            LinkIn(
                id="l-both-drop",
                source="drop",
                target="club",
                intensity=Intensity.SAMENWERKEN,
                note="Wekelijks",
            ),
            LinkIn(id="l-only-drop", source="buurt", target="drop", kind=LinkKind.VERWIJZING),
            LinkIn(id="l-works", source="pro", target="drop", kind=LinkKind.WERKT_BIJ),
        ],
        by="test",
    )
    return store


def test_merge_moves_links_and_records_it(pair):
    store = pair
    merge_actors(store, "keep", "drop", by="Anna")
    with pytest.raises(NotFound):
        store.get_actor("drop")
    keep = store.get_actor("keep")
    assert keep.wijken == ["daalhof", "de-baandert"]
    assert keep.themes == [Theme.EENZAAMHEID, Theme.OUDEREN] and keep.description == "Oud"
    assert store.get_actor("pro").organisation == "keep"
    links = {(lk.kind, lk.source, lk.target): lk for lk in store.list_links()}
    assert set(links) == {
        (LinkKind.SAMENWERKING, "club", "keep"),
        (LinkKind.VERWIJZING, "buurt", "keep"),
        (LinkKind.WERKT_BIJ, "pro", "keep"),
    }
    strengthened = links[(LinkKind.SAMENWERKING, "club", "keep")]
    assert strengthened.id == "l-both-keep" and strengthened.intensity is Intensity.SAMENWERKEN
    assert strengthened.note == "Wekelijks"
    entries = store.audit_log(limit=20)
    assert {e.by for e in entries[:9]} == {"Anna"}
    assert (entries[0].action, entries[0].entity_id) == ("merge", "drop")
    assert entries[0].after == {"merged_into": "keep"}
    assert ("update", "keep") in {(e.action, e.entity_id) for e in entries}


def test_merge_dry_run_changes_nothing(pair):
    store = pair
    audit = store.audit_log(limit=100)
    plan = plan_merge(store, "keep", "drop")
    assert sorted(plan.removed) == ["l-between", "l-both-drop", "l-only-drop", "l-works"]
    assert [a.id for a in plan.professionals] == ["pro"]
    assert plan.wijken == ["daalhof", "de-baandert"]
    assert store.audit_log(limit=100) == audit
    assert store.get_actor("drop").name == "Huisartspraktijk de Baandert"


def test_merge_refuses_different_kinds_and_the_same_actor(pair):
    with pytest.raises(InvalidData) as info:
        plan_merge(pair, "keep", "pro")
    assert "dezelfde soort" in info.value.errors[0].message
    with pytest.raises(InvalidData):
        plan_merge(pair, "keep", "keep")
    with pytest.raises(NotFound):
        plan_merge(pair, "keep", "bestaat-niet")


def test_merge_does_what_the_plan_shows(pair):
    store = pair
    plan = plan_merge(store, "keep", "drop")
    done = merge_actors(store, "keep", "drop", by="Anna")
    assert done == plan
    stored = {lk.id: lk for lk in store.list_links()}
    for link in plan.moved:
        assert stored[link.id].model_dump(include=set(LinkIn.model_fields)) == link.model_dump()
    assert not set(plan.removed) & set(stored)


def test_merge_after_a_change_to_either_actor_is_refused_and_changes_nothing(pair):
    store = pair
    audit = store.audit_log(limit=100)
    with pytest.raises(Conflict):
        merge_actors(store, "keep", "drop", by="Anna", expected_versions=(1, 0))
    assert store.audit_log(limit=100) == audit
    assert store.get_actor("drop").version == 1 and len(store.list_links()) == 5
    store.update_actor("drop", {"description": "Nieuw"}, expected_version=1, by="Bram")
    with pytest.raises(Conflict):
        merge_actors(store, "keep", "drop", by="Anna", expected_versions=(1, 1))
    merge_actors(store, "keep", "drop", by="Anna")
    with pytest.raises(NotFound):
        store.get_actor("drop")
    assert len(store.list_links()) == 3
