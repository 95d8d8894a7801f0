"""The ``GraphStore`` contract, written once and run against every backend.

How to use it
-------------
A backend's test file supplies a ``store`` fixture that yields a fresh, *empty* store and
declares one class that inherits ``StoreContract``; pytest collects every contract test
through that class::

    # tests/store/test_mybackend.py
    import pytest

    from graph.store.mybackend import MyStore
    from tests.store.contract import StoreContract

    @pytest.fixture
    def store():
        s = MyStore(...)          # or: clear a shared database, then hand it out
        yield s
        s.close()

    class TestMyStoreContract(StoreContract):
        pass

``tests/store/conftest.py`` registers this module for pytest's assertion rewriting, so a
failing contract test shows the values it compared.

The tests never close the store they are given, so a fixture may share one connection
(driver) across tests and only wipe the data between them. Each test creates a handful of
records, so wiping is cheap.

What the contract pins down beyond ``graph/store/base.py``
-----------------------------------------------------------
Where the protocol's docstrings leave a choice open, the tests below fix it; both backends
must make the same choice:

- ``InvalidData.errors`` name the refused field: ``wijken`` (unknown wijk in an actor),
  ``organisation`` (a professional's organisation is missing or not an ``organisatie``),
  ``source`` / ``target`` (a link's unknown end; a ``werkt_bij`` link whose source is not a
  professional, or whose target is not an organisation). ``bulk_upsert`` prefixes the
  field with the row (``actors.3.wijken``). Each rule has the one code and message of
  ``graph.store.rules`` on every backend (``werkt_bij``, ``missing``, ``duplicate``,
  ``immutable``), and a refusal lists at most ``rules.MAX_ERRORS`` errors, the last one
  saying how many more there are.
- ``list_actors(wijk)`` and ``list_links(wijk)`` ignore dates: an actor listed in a wijk is
  in it whether or not it has ended; ``snapshot`` is the dated view.
- ``delete_wijk`` refuses (``Conflict``) while any actor is listed in the wijk.
- ``confirm_*`` and ``erase_personal_data`` are writes: they add an audit entry and raise
  the change counter. Confirming keeps the version; erasing bumps it, so a form opened
  before the erasure cannot save the name back.
- Erasing an actor of any kind clears its contact details; only a professional's name is
  personal data, so an organisation or initiative keeps its name.
- Erasing an actor that exists only in the audit log (deleted, or merged into another)
  audits one ``erase`` entry under the actor's last wijken. In free texts an erased name
  becomes ``ERASED_NAME`` and an erased e-mail address or phone number ``[gewist]``.
- ``record_decision`` is a write too: audited (``decide``) and it raises the wijk's
  change counter, since suggestions depend on decisions.
- Audit ``wijken`` of an actor are the actor's wijken before and after the write (a move
  lists both); of a link, the wijken of both of its ends.
- ``delete_decision`` is a write like ``record_decision``: audited as ``decide`` with
  ``after`` None, and it raises the wijk's change counter. The decisions are a view of
  the steps of suggested pairs: ``besproken`` is recorded as the step ``ontmoet``.
- Steps of suggested pairs: ``add_suggestion_step`` is audited as ``decide`` on
  ``decision`` ``a|b`` (``before`` the step current until then), ``undo_suggestion_step``
  as ``undo`` (``before`` the step removed, ``after`` the one current again); both raise
  the wijk's change counter. A refused step (no reason, no date) writes nothing. The
  automatic ``gerealiseerd`` step (after ``create_link``, ``bulk_upsert`` and
  ``merge_actors``) has ``by`` ``SYSTEM_BY``, today's date and ``REALISED_NOTE``; its
  audit entry names who wrote the link.
- ``merge_actors`` audits, newest last: the deleted links of ``drop``, the update of
  ``keep``, the links created and strengthened, the professionals re-pointed, the
  decisions removed and re-recorded (a re-pointed decision is a new pair), then the
  ``merge`` entry of ``drop``. A duplicate link that ``keep`` already has at a higher
  intensity stays as it is (no entry). Re-created links get new ids.
- Audit ``before``/``after`` hold the record as a JSON document (at least its input
  fields); ``before`` is ``None`` on create and ``after`` is ``None`` on delete.
"""

from __future__ import annotations

import inspect
import json
import threading
from datetime import date, timedelta

import pytest

from graph.errors import Conflict, InvalidData, NotFound
from graph.model import (
    DEFAULT_REASON,
    REALISED_NOTE,
    SYSTEM_BY,
    Actor,
    ActorIn,
    ActorKind,
    Decision,
    DecisionStatus,
    Domain,
    Intensity,
    Kernaanpak,
    Link,
    LinkIn,
    LinkKind,
    Role,
    SuggestionStatus,
    SuggestionStep,
    Theme,
    Wijk,
    WijkIn,
    utcnow,
)
from graph.store import rules
from graph.store.base import GraphStore
from graph.store.erasure import ERASED_NAME, ERASED_TEXT

BY = "Wijkmakelaar Test"

__all__ = ["BY", "StoreContract", "ini", "link_in", "org", "pro", "wijk_in"]


# -- small record factories (reusable by backend-specific tests) --------------------------


def wijk_in(slug: str = "daalhof", **kw) -> WijkIn:
    fields = {"name": slug.replace("-", " ").title(), "gemeente": "Maastricht", "cohort": 1}
    return WijkIn(slug=slug, **(fields | kw))


def org(id: str, *wijken: str, **kw) -> ActorIn:
    fields = {
        "name": f"Organisatie {id}",
        "domain": Domain.ZORG,
        "role": Role.HUISARTSENPRAKTIJK,
    }
    return ActorIn(
        id=id, kind=ActorKind.ORGANISATIE, wijken=list(wijken or ["daalhof"]), **(fields | kw)
    )


def pro(id: str, *wijken: str, **kw) -> ActorIn:
    fields = {
        "name": f"Professional {id}",
        "domain": Domain.SOCIAAL,
        "role": Role.WELZIJNSCOACH,
    }
    return ActorIn(
        id=id, kind=ActorKind.PROFESSIONAL, wijken=list(wijken or ["daalhof"]), **(fields | kw)
    )


def ini(id: str, *wijken: str, **kw) -> ActorIn:
    fields = {
        "name": f"Initiatief {id}",
        "domain": Domain.INWONERS,
        "role": Role.WIJKONTBIJT,
    }
    return ActorIn(
        id=id, kind=ActorKind.INITIATIEF, wijken=list(wijken or ["daalhof"]), **(fields | kw)
    )


def link_in(id: str | None, source: str, target: str, **kw) -> LinkIn:
    return LinkIn(id=id, source=source, target=target, **kw)


def _fields(exc: InvalidData) -> set[str]:
    return {e.field for e in exc.errors}


def _protocol_methods() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(GraphStore).items()
        if not name.startswith("_") and callable(member)
    }


D = date(2025, 3, 1)  # a reference day for dated tests


def step(a: str, b: str, status: str, wijk: str = "daalhof", **kw) -> SuggestionStep:
    """A step of the pair ``a``-``b`` (by ``BY``, now unless ``at`` is given)."""
    return SuggestionStep(wijk=wijk, a=a, b=b, status=status, **({"by": BY, "at": utcnow()} | kw))


class StoreContract:
    """Every test here runs against the ``store`` fixture of the inheriting test file."""

    # -- interface uniformity -------------------------------------------------------------

    def test_backend_has_every_protocol_method_with_the_same_signature(self, store):
        assert isinstance(store, GraphStore)
        assert isinstance(store.backend, str) and store.backend
        missing, different = [], []
        for name, expected in _protocol_methods().items():
            impl = getattr(type(store), name, None)
            if impl is None or not callable(impl):
                missing.append(name)
                continue
            want = [(p.name, p.kind) for p in expected.parameters.values()]
            got = [(p.name, p.kind) for p in inspect.signature(impl).parameters.values()]
            if want != got:
                different.append(f"{name}: {got} != {want}")
        assert missing == [] and different == []

    def test_health_reports_ok(self, store):
        health = store.health()
        assert health.ok is True
        assert health.backend == store.backend

    # -- wijken ---------------------------------------------------------------------------

    def test_create_and_get_wijk(self, store):
        t0 = utcnow()
        created = store.create_wijk(wijk_in("daalhof", name="Daalhof", cohort=1), by=BY)
        t1 = utcnow()
        assert isinstance(created, Wijk)
        assert (created.slug, created.name, created.gemeente, created.cohort) == (
            "daalhof",
            "Daalhof",
            "Maastricht",
            1,
        )
        assert created.version == 1
        assert t0 <= created.created_at <= t1
        assert created.created_at.tzinfo is not None
        assert store.get_wijk("daalhof") == created

    def test_list_wijken_ordered_by_slug(self, store):
        for slug in ["nuth", "daalhof", "eijsden"]:
            store.create_wijk(wijk_in(slug), by=BY)
        assert [w.slug for w in store.list_wijken()] == ["daalhof", "eijsden", "nuth"]

    def test_duplicate_wijk_slug_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof", name="Daalhof"), by=BY)
        with pytest.raises(Conflict):
            store.create_wijk(wijk_in("daalhof", name="Ander"), by=BY)
        assert store.get_wijk("daalhof").name == "Daalhof"
        assert len(store.list_wijken()) == 1

    def test_unknown_wijk_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.get_wijk("nergens")
        with pytest.raises(NotFound):
            store.update_wijk("nergens", {"name": "X"}, expected_version=1, by=BY)
        with pytest.raises(NotFound):
            store.delete_wijk("nergens", expected_version=1, by=BY)

    def test_update_wijk(self, store):
        created = store.create_wijk(wijk_in("daalhof", name="Daalhof"), by=BY)
        updated = store.update_wijk(
            "daalhof", {"name": "Daalhof-Noord", "cohort": 2}, expected_version=1, by=BY
        )
        assert (updated.name, updated.cohort, updated.version) == ("Daalhof-Noord", 2, 2)
        assert updated.gemeente == "Maastricht"
        assert updated.created_at == created.created_at
        assert updated.updated_at >= created.updated_at
        assert store.get_wijk("daalhof") == updated

    def test_update_wijk_with_stale_version_is_a_conflict_and_changes_nothing(self, store):
        store.create_wijk(wijk_in("daalhof", name="Daalhof"), by=BY)
        store.update_wijk("daalhof", {"name": "Eerste"}, expected_version=1, by=BY)
        with pytest.raises(Conflict):
            store.update_wijk("daalhof", {"name": "Tweede"}, expected_version=1, by=BY)
        stored = store.get_wijk("daalhof")
        assert (stored.name, stored.version) == ("Eerste", 2)

    def test_wijk_slug_cannot_change(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.update_wijk("daalhof", {"slug": "anders"}, expected_version=1, by=BY)
        assert _fields(info.value) == {"slug"}
        assert store.get_wijk("daalhof").version == 1

    def test_update_wijk_with_invalid_value_changes_nothing(self, store):
        store.create_wijk(wijk_in("daalhof", name="Daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.update_wijk("daalhof", {"name": ""}, expected_version=1, by=BY)
        assert _fields(info.value) == {"name"}
        assert store.get_wijk("daalhof").name == "Daalhof"

    def test_delete_empty_wijk(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_wijk(wijk_in("nuth"), by=BY)
        store.delete_wijk("daalhof", expected_version=1, by=BY)
        with pytest.raises(NotFound):
            store.get_wijk("daalhof")
        assert [w.slug for w in store.list_wijken()] == ["nuth"]

    def test_delete_wijk_with_stale_version_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.update_wijk("daalhof", {"name": "Nieuw"}, expected_version=1, by=BY)
        with pytest.raises(Conflict):
            store.delete_wijk("daalhof", expected_version=1, by=BY)
        assert store.get_wijk("daalhof").name == "Nieuw"

    def test_delete_wijk_with_actors_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1", "daalhof", until=date(2020, 1, 1)), by=BY)
        with pytest.raises(Conflict):
            store.delete_wijk("daalhof", expected_version=1, by=BY)
        assert store.get_wijk("daalhof").slug == "daalhof"
        assert [a.id for a in store.list_actors("daalhof")] == ["o1"]

    # -- actors ---------------------------------------------------------------------------

    def test_create_and_get_actor_keeps_every_field(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_wijk(wijk_in("nuth"), by=BY)
        store.create_actor(org("o1", "daalhof"), by=BY)
        data = pro(
            "p1",
            "nuth",
            "daalhof",
            name="Anna de Vries",
            role=Role.POH_GGZ,
            domain=Domain.ZORG,
            themes=[Theme.EENZAAMHEID, Theme.ARMOEDE_EN_SCHULDEN],
            kernaanpakken=[Kernaanpak.WELZIJN_OP_RECEPT],
            organisation="o1",
            description="Spreekuur op dinsdag.\nOok huisbezoek.",
            contact={"email": "anna@example.org", "phone": "+31 6 1234 5678"},
            since=date(2024, 1, 1),
            until=date(2026, 12, 31),
        )
        t0 = utcnow()
        created = store.create_actor(data, by=BY)
        t1 = utcnow()
        assert isinstance(created, Actor)
        assert created.model_dump(include=set(ActorIn.model_fields)) == data.model_dump()
        assert created.version == 1 and created.confirmed is None
        assert t0 <= created.created_at <= t1
        assert store.get_actor("p1") == created

    def test_create_actor_generates_an_id_when_absent(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        first = store.create_actor(ini(None), by=BY)
        second = store.create_actor(ini(None), by=BY)
        assert first.id and second.id and first.id != second.id
        assert store.get_actor(first.id).name == first.name

    def test_duplicate_actor_id_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1", name="Eerste"), by=BY)
        with pytest.raises(Conflict):
            store.create_actor(ini("o1", name="Tweede"), by=BY)
        stored = store.get_actor("o1")
        assert (stored.name, stored.kind) == ("Eerste", ActorKind.ORGANISATIE)

    def test_actor_in_unknown_wijk_is_refused(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.create_actor(org("o1", "daalhof", "nergens"), by=BY)
        assert _fields(info.value) == {"wijken"}
        assert store.list_actors() == []

    def test_professional_needs_an_existing_organisation(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.create_actor(pro("p1", organisation="o-bestaat-niet"), by=BY)
        assert _fields(info.value) == {"organisation"}
        store.create_actor(ini("i1"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.create_actor(pro("p1", organisation="i1"), by=BY)
        assert _fields(info.value) == {"organisation"}
        assert [a.id for a in store.list_actors()] == ["i1"]

    def test_get_unknown_actor_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.get_actor("bestaat-niet")
        with pytest.raises(NotFound):
            store.update_actor("bestaat-niet", {"name": "X"}, expected_version=1, by=BY)
        with pytest.raises(NotFound):
            store.delete_actor("bestaat-niet", expected_version=1, by=BY)

    def test_list_actors_ordered_by_name_then_id_and_filtered_by_wijk(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_wijk(wijk_in("nuth"), by=BY)
        store.create_actor(ini("i2", "daalhof", name="Buurthuis"), by=BY)
        store.create_actor(ini("i1", "daalhof", name="Buurthuis"), by=BY)
        store.create_actor(org("o1", "daalhof", "nuth", name="Apotheek"), by=BY)
        store.create_actor(org("o2", "nuth", name="Centrum", until=date(2020, 1, 1)), by=BY)
        assert [a.id for a in store.list_actors()] == ["o1", "i1", "i2", "o2"]
        assert [a.id for a in store.list_actors("daalhof")] == ["o1", "i1", "i2"]
        # an actor that has ended is still listed in its wijk; snapshots are the dated view
        assert [a.id for a in store.list_actors("nuth")] == ["o1", "o2"]

    def test_update_actor(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        created = store.create_actor(ini("i1", name="Wijkontbijt", description="oud"), by=BY)
        updated = store.update_actor(
            "i1",
            {"description": "nieuw", "themes": ["eenzaamheid"]},
            expected_version=1,
            by=BY,
        )
        assert updated.description == "nieuw"
        assert updated.themes == [Theme.EENZAAMHEID]
        assert updated.name == "Wijkontbijt"
        assert updated.version == 2
        assert updated.created_at == created.created_at
        assert store.get_actor("i1") == updated

    def test_update_actor_moves_it_between_wijken(self, store):
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        store.create_actor(ini("i1", "daalhof"), by=BY)
        before = {s: store.change_counter(s) for s in ["daalhof", "nuth"]}
        store.update_actor("i1", {"wijken": ["nuth"]}, expected_version=1, by=BY)
        assert store.list_actors("daalhof") == []
        assert [a.id for a in store.list_actors("nuth")] == ["i1"]
        assert store.change_counter("daalhof") > before["daalhof"]
        assert store.change_counter("nuth") > before["nuth"]

    def test_update_actor_with_stale_version_is_a_conflict_and_changes_nothing(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1", name="Eerste"), by=BY)
        store.update_actor("i1", {"name": "Tweede"}, expected_version=1, by=BY)
        with pytest.raises(Conflict):
            store.update_actor("i1", {"name": "Derde"}, expected_version=1, by=BY)
        stored = store.get_actor("i1")
        assert (stored.name, stored.version) == ("Tweede", 2)

    def test_failed_update_actor_leaves_the_record_as_it_was(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1"), by=BY)
        before = store.create_actor(pro("p1", organisation="o1"), by=BY)
        audit_before = store.audit_log()
        bad_changes = [
            ({"name": "Nieuw", "wijken": ["daalhof", "nergens"]}, {"wijken"}),
            ({"name": "Nieuw", "organisation": "bestaat-niet"}, {"organisation"}),
            ({"name": "Nieuw", "kind": "organisatie"}, {"kind"}),
            ({"name": "Nieuw", "until": "2020-01-01", "since": "2021-01-01"}, None),
            ({"name": "Nieuw", "onbekend": 1}, None),
        ]
        for changes, fields in bad_changes:
            with pytest.raises(InvalidData) as info:
                store.update_actor("p1", changes, expected_version=1, by=BY)
            if fields is not None:
                assert _fields(info.value) == fields
        assert store.get_actor("p1") == before
        assert store.audit_log() == audit_before

    def test_delete_actor_deletes_its_links(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        for i in ["i1", "i2", "i3"]:
            store.create_actor(ini(i), by=BY)
        store.create_link(link_in("l1", "i1", "i2"), by=BY)
        store.create_link(link_in("l2", "i3", "i1"), by=BY)
        store.create_link(link_in("l3", "i2", "i3"), by=BY)
        store.delete_actor("i1", expected_version=1, by=BY)
        with pytest.raises(NotFound):
            store.get_actor("i1")
        for link_id in ["l1", "l2"]:
            with pytest.raises(NotFound):
                store.get_link(link_id)
        assert [lk.id for lk in store.list_links()] == ["l3"]
        assert [a.id for a in store.list_actors()] == ["i2", "i3"]
        deletes = {(e.entity, e.entity_id) for e in store.audit_log() if e.action == "delete"}
        assert deletes == {("actor", "i1"), ("link", "l1"), ("link", "l2")}

    def test_delete_organisation_where_professionals_work_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1"), by=BY)
        store.create_actor(pro("p1", organisation="o1"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        store.create_link(link_in("l1", "o1", "i1"), by=BY)
        with pytest.raises(Conflict):
            store.delete_actor("o1", expected_version=1, by=BY)
        assert store.get_actor("o1").version == 1
        assert store.get_link("l1").source == "o1"  # its links survive the refused delete
        store.delete_actor("p1", expected_version=1, by=BY)
        store.delete_actor("o1", expected_version=1, by=BY)
        assert [a.id for a in store.list_actors()] == ["i1"]

    def test_delete_actor_with_stale_version_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        store.create_actor(ini("i2"), by=BY)
        store.create_link(link_in("l1", "i1", "i2"), by=BY)
        store.update_actor("i1", {"name": "Nieuw"}, expected_version=1, by=BY)
        with pytest.raises(Conflict):
            store.delete_actor("i1", expected_version=1, by=BY)
        assert store.get_actor("i1").name == "Nieuw"
        assert store.get_link("l1").version == 1

    # -- links ----------------------------------------------------------------------------

    def test_create_and_get_link(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        store.create_actor(ini("i2"), by=BY)
        data = link_in(
            "l1",
            "i1",
            "i2",
            kind=LinkKind.VERWIJZING,
            intensity=Intensity.SAMENWERKEN,
            note="Verwijst door naar het wijkontbijt.",
            since=date(2024, 5, 1),
        )
        t0 = utcnow()
        created = store.create_link(data, by=BY)
        t1 = utcnow()
        assert isinstance(created, Link)
        assert created.model_dump(include=set(LinkIn.model_fields)) == data.model_dump()
        assert created.version == 1
        assert t0 <= created.created_at <= t1
        assert store.get_link("l1") == created
        generated = store.create_link(link_in(None, "i2", "i1"), by=BY)
        assert generated.id and generated.id != "l1"
        assert store.get_link(generated.id).source == "i2"

    def test_duplicate_link_id_is_a_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        for i in ["i1", "i2", "i3"]:
            store.create_actor(ini(i), by=BY)
        store.create_link(link_in("l1", "i1", "i2"), by=BY)
        with pytest.raises(Conflict):
            store.create_link(link_in("l1", "i2", "i3"), by=BY)
        assert store.get_link("l1").target == "i2"
        assert len(store.list_links()) == 1

    def test_link_with_unknown_end_is_refused(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        cases = [
            (link_in("l1", "x1", "i1"), {"source"}),
            (link_in("l1", "i1", "x1"), {"target"}),
            (link_in("l1", "x1", "x2"), {"source", "target"}),
        ]
        for data, fields in cases:
            with pytest.raises(InvalidData) as info:
                store.create_link(data, by=BY)
            assert _fields(info.value) == fields
        assert store.list_links() == []

    def test_werkt_bij_goes_from_professional_to_organisation(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1"), by=BY)
        store.create_actor(pro("p1"), by=BY)
        store.create_actor(pro("p2"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        werkt_bij = LinkKind.WERKT_BIJ
        for source, target, fields in [
            ("i1", "o1", ["source"]),
            ("p1", "p2", ["target"]),
            ("o1", "p1", ["source", "target"]),
        ]:
            with pytest.raises(InvalidData) as info:
                store.create_link(link_in("l1", source, target, kind=werkt_bij), by=BY)
            assert [(e.field, e.code, e.message) for e in info.value.errors] == [
                (field, "werkt_bij", rules.WERKT_BIJ.text()) for field in fields
            ]
        assert store.list_links() == []
        ok = store.create_link(link_in("l1", "p1", "o1", kind=werkt_bij), by=BY)
        assert store.get_link("l1") == ok
        # other kinds may join any two actors
        store.create_link(link_in("l2", "o1", "p2", kind=LinkKind.VERWIJZING), by=BY)

    def test_get_unknown_link_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.get_link("bestaat-niet")
        with pytest.raises(NotFound):
            store.update_link("bestaat-niet", {"note": "x"}, expected_version=1, by=BY)
        with pytest.raises(NotFound):
            store.delete_link("bestaat-niet", expected_version=1, by=BY)

    def test_list_links_ordered_by_id_and_filtered_by_wijk(self, store):
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        store.create_actor(ini("x", "daalhof"), by=BY)
        store.create_actor(ini("y", "daalhof"), by=BY)
        store.create_actor(ini("z", "nuth"), by=BY)
        store.create_actor(ini("w", "daalhof", "nuth", until=date(2020, 1, 1)), by=BY)
        store.create_link(link_in("l3", "x", "y"), by=BY)
        store.create_link(link_in("l1", "x", "z"), by=BY)  # crosses wijken
        store.create_link(link_in("l2", "w", "x", until=date(2019, 1, 1)), by=BY)
        store.create_link(link_in("l0", "z", "w"), by=BY)
        assert [lk.id for lk in store.list_links()] == ["l0", "l1", "l2", "l3"]
        assert [lk.id for lk in store.list_links("daalhof")] == ["l2", "l3"]
        assert [lk.id for lk in store.list_links("nuth")] == ["l0"]

    def test_update_link(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        store.create_actor(ini("i2"), by=BY)
        created = store.create_link(link_in("l1", "i1", "i2"), by=BY)
        updated = store.update_link(
            "l1", {"intensity": 4, "note": "Wekelijks overleg"}, expected_version=1, by=BY
        )
        assert (updated.intensity, updated.note, updated.version) == (
            Intensity.SAMENWERKEN,
            "Wekelijks overleg",
            2,
        )
        assert (updated.source, updated.target) == ("i1", "i2")
        assert updated.created_at == created.created_at
        assert store.get_link("l1") == updated

    def test_link_ends_cannot_change_and_stale_versions_conflict(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        for i in ["i1", "i2", "i3"]:
            store.create_actor(ini(i), by=BY)
        created = store.create_link(link_in("l1", "i1", "i2"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.update_link("l1", {"target": "i3"}, expected_version=1, by=BY)
        assert _fields(info.value) == {"target"}
        store.update_link("l1", {"note": "eerste"}, expected_version=1, by=BY)
        with pytest.raises(Conflict):
            store.update_link("l1", {"note": "tweede"}, expected_version=1, by=BY)
        stored = store.get_link("l1")
        assert (stored.note, stored.version, stored.target) == ("eerste", 2, created.target)

    def test_delete_link(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        store.create_actor(ini("i2"), by=BY)
        store.create_link(link_in("l1", "i1", "i2"), by=BY)
        store.create_link(link_in("l2", "i2", "i1"), by=BY)
        store.update_link("l1", {"note": "x"}, expected_version=1, by=BY)
        with pytest.raises(Conflict):
            store.delete_link("l1", expected_version=1, by=BY)
        store.delete_link("l1", expected_version=2, by=BY)
        with pytest.raises(NotFound):
            store.get_link("l1")
        assert [lk.id for lk in store.list_links()] == ["l2"]
        assert [a.id for a in store.list_actors()] == ["i1", "i2"]

    # -- snapshots ------------------------------------------------------------------------

    def _dated_wijk(self, store) -> None:
        """Actors and links of ``daalhof`` around the reference day ``D`` (2025-03-01)."""
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        day = timedelta(days=1)
        store.create_actor(ini("always"), by=BY)
        store.create_actor(ini("starts-on-d", since=D), by=BY)
        store.create_actor(ini("starts-later", since=D + day), by=BY)
        store.create_actor(ini("ends-on-d", until=D), by=BY)
        store.create_actor(ini("ended-before", until=D - day), by=BY)
        store.create_actor(ini("elsewhere", "nuth"), by=BY)
        links = [
            ("l-plain", "always", "starts-on-d", {}),
            ("l-bounds", "always", "ends-on-d", {"since": D, "until": D}),
            ("l-later", "always", "ends-on-d", {"since": D + day}),
            ("l-ended", "always", "ends-on-d", {"until": D - day}),
            ("l-to-later", "always", "starts-later", {}),
            ("l-to-ended", "ended-before", "always", {}),
            ("l-elsewhere", "always", "elsewhere", {}),
        ]
        for link_id, source, target, dates in links:
            store.create_link(link_in(link_id, source, target, **dates), by=BY)

    def test_snapshot_as_of_a_day(self, store):
        self._dated_wijk(store)
        snap = store.snapshot("daalhof", D)
        assert snap.wijk == store.get_wijk("daalhof")
        assert snap.as_of == D
        assert {a.id for a in snap.actors} == {"always", "starts-on-d", "ends-on-d"}
        assert {lk.id for lk in snap.links} == {"l-plain", "l-bounds"}
        assert snap.change_counter == store.change_counter("daalhof")
        assert all(isinstance(a, Actor) for a in snap.actors)
        assert store.get_actor("always") in snap.actors
        assert store.get_link("l-plain") in snap.links

    def test_snapshot_on_other_days(self, store):
        self._dated_wijk(store)
        day = timedelta(days=1)
        before = store.snapshot("daalhof", D - day)
        assert {a.id for a in before.actors} == {"always", "ends-on-d", "ended-before"}
        assert {lk.id for lk in before.links} == {"l-ended", "l-to-ended"}
        after = store.snapshot("daalhof", D + day)
        assert {a.id for a in after.actors} == {"always", "starts-on-d", "starts-later"}
        assert {lk.id for lk in after.links} == {"l-plain", "l-to-later"}

    def test_snapshot_defaults_to_today(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        today = date.today()
        store.create_actor(ini("now", since=today), by=BY)
        store.create_actor(ini("gone", until=today - timedelta(days=1)), by=BY)
        store.create_actor(ini("soon", since=today + timedelta(days=1)), by=BY)
        snap = store.snapshot("daalhof")
        assert snap.as_of == today
        assert [a.id for a in snap.actors] == ["now"]

    def test_snapshot_of_unknown_wijk_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.snapshot("nergens", D)

    # -- change counter -------------------------------------------------------------------

    def test_change_counter_rises_with_every_write_and_not_with_reads(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        seen = [store.change_counter("daalhof")]

        def rose() -> bool:
            seen.append(store.change_counter("daalhof"))
            return seen[-1] > seen[-2]

        def reads() -> None:
            store.get_wijk("daalhof")
            store.list_wijken()
            store.list_actors("daalhof")
            store.list_links("daalhof")
            store.snapshot("daalhof", D)
            store.audit_log(wijk="daalhof")
            store.list_decisions("daalhof")

        store.create_actor(org("o1"), by=BY)
        assert rose()
        store.create_actor(pro("p1", organisation="o1", contact={"email": "p@x.nl"}), by=BY)
        assert rose()
        store.update_actor("o1", {"name": "Nieuw"}, expected_version=1, by=BY)
        assert rose()
        store.create_link(link_in("l1", "p1", "o1", kind=LinkKind.WERKT_BIJ), by=BY)
        assert rose()
        store.update_link("l1", {"note": "x"}, expected_version=1, by=BY)
        assert rose()
        reads()
        assert not rose()
        store.confirm_actor("o1", by=BY)
        assert rose()
        store.confirm_link("l1", by=BY)
        assert rose()
        store.record_decision(
            Decision(
                wijk="daalhof", a="o1", b="p1", status=DecisionStatus.BESPROKEN, by=BY, at=utcnow()
            )
        )
        assert rose()
        store.erase_personal_data("p1", by=BY)
        assert rose()
        store.delete_link("l1", expected_version=2, by=BY)
        assert rose()
        store.bulk_upsert(actors=[ini("i1")], by=BY)
        assert rose()
        store.delete_actor("i1", expected_version=1, by=BY)
        assert rose()
        reads()
        assert not rose()

    def test_refused_writes_leave_the_change_counter(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        counter = store.change_counter("daalhof")
        with pytest.raises(Conflict):
            store.update_actor("i1", {"name": "X"}, expected_version=7, by=BY)
        with pytest.raises(InvalidData):
            store.create_actor(ini("i2", "daalhof", "nergens"), by=BY)
        with pytest.raises(InvalidData):
            store.create_link(link_in("l1", "i1", "x"), by=BY)
        assert store.change_counter("daalhof") == counter

    def test_link_writes_raise_the_counters_of_both_ends_wijken(self, store):
        for slug in ["daalhof", "nuth", "elsloo"]:
            store.create_wijk(wijk_in(slug), by=BY)
        store.create_actor(ini("i1", "daalhof"), by=BY)
        store.create_actor(ini("i2", "nuth", "elsloo"), by=BY)
        before = {s: store.change_counter(s) for s in ["daalhof", "nuth", "elsloo"]}
        store.create_link(link_in("l1", "i1", "i2"), by=BY)
        after = {s: store.change_counter(s) for s in ["daalhof", "nuth", "elsloo"]}
        assert all(after[s] > before[s] for s in before)

    def test_change_counter_of_unknown_wijk_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.change_counter("nergens")

    # -- bulk -----------------------------------------------------------------------------

    def _batch(self) -> dict:
        return {
            "wijken": [wijk_in("daalhof"), wijk_in("nuth")],
            # the professional comes before its organisation: order within a batch is free
            "actors": [
                pro("p1", "daalhof", organisation="o1"),
                org("o1", "daalhof", "nuth"),
                ini("i1", "nuth"),
            ],
            "links": [
                link_in("l1", "p1", "o1", kind=LinkKind.WERKT_BIJ),
                link_in("l2", "o1", "i1"),
            ],
        }

    def test_bulk_upsert_creates_everything(self, store):
        result = store.bulk_upsert(**self._batch(), by=BY)
        assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
        assert [w.slug for w in store.list_wijken()] == ["daalhof", "nuth"]
        assert {a.id for a in store.list_actors()} == {"p1", "o1", "i1"}
        assert store.get_actor("p1").organisation == "o1"
        assert store.get_link("l1").kind == LinkKind.WERKT_BIJ
        assert {lk.id for lk in store.list_links("nuth")} == {"l2"}
        assert all(a.version == 1 for a in store.list_actors())
        created = [e for e in store.audit_log(limit=1000) if e.action == "create"]
        assert {(e.entity, e.entity_id) for e in created} == {
            ("wijk", "daalhof"),
            ("wijk", "nuth"),
            ("actor", "p1"),
            ("actor", "o1"),
            ("actor", "i1"),
            ("link", "l1"),
            ("link", "l2"),
        }
        assert all(e.by == BY for e in created)

    def test_bulk_upsert_run_twice_changes_nothing(self, store):
        store.bulk_upsert(**self._batch(), by=BY)
        actors, links = store.list_actors(), store.list_links()
        audit = store.audit_log(limit=1000)
        counters = {s: store.change_counter(s) for s in ["daalhof", "nuth"]}
        result = store.bulk_upsert(**self._batch(), by="Iemand Anders")
        assert (result.created, result.updated, result.unchanged) == (0, 0, 7)
        assert store.list_actors() == actors
        assert store.list_links() == links
        assert store.audit_log(limit=1000) == audit
        assert {s: store.change_counter(s) for s in counters} == counters

    def test_bulk_upsert_updates_changed_records_only(self, store):
        store.bulk_upsert(**self._batch(), by=BY)
        batch = self._batch()
        batch["actors"][2] = ini("i1", "nuth", description="Elke zaterdag")
        batch["links"][1] = link_in("l2", "o1", "i1", intensity=Intensity.AFSTEMMEN)
        batch["wijken"][0] = wijk_in("daalhof", name="Daalhof-Oost")
        result = store.bulk_upsert(**batch, by="Tweede Import")
        assert (result.created, result.updated, result.unchanged) == (0, 3, 4)
        assert store.get_actor("i1").description == "Elke zaterdag"
        assert store.get_actor("i1").version == 2
        assert store.get_actor("o1").version == 1
        assert store.get_link("l2").version == 2
        assert store.get_link("l2").intensity == Intensity.AFSTEMMEN
        assert store.get_link("l1").version == 1
        assert store.get_wijk("daalhof").name == "Daalhof-Oost"
        updates = [e for e in store.audit_log(limit=1000) if e.action == "update"]
        assert {e.entity_id for e in updates} == {"i1", "l2", "daalhof"}
        assert all(e.by == "Tweede Import" for e in updates)
        i1 = next(e for e in updates if e.entity_id == "i1")
        assert i1.before["description"] == "" and i1.after["description"] == "Elke zaterdag"

    def test_bulk_upsert_checks_references_against_stored_data(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1"), by=BY)
        result = store.bulk_upsert(
            actors=[pro("p1", organisation="o1")],
            links=[link_in("l1", "p1", "o1", kind=LinkKind.WERKT_BIJ)],
            by=BY,
        )
        assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
        assert store.get_link("l1").source == "p1"

    def test_bulk_upsert_requires_ids(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(actors=[ini("i1"), ini(None)], by=BY)
        assert any(e.field.endswith("id") for e in info.value.errors)
        store.create_actor(ini("i1"), by=BY)
        store.create_actor(ini("i2"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(links=[link_in(None, "i1", "i2")], by=BY)
        assert any(e.field.endswith("id") for e in info.value.errors)
        assert [a.id for a in store.list_actors()] == ["i1", "i2"]
        assert store.list_links() == []

    def test_bulk_upsert_refuses_ids_twice_in_one_batch(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(
                wijken=[wijk_in("nuth"), wijk_in("nuth")],
                actors=[ini("i1"), ini("i2"), ini("i1")],
                links=[link_in("l1", "i1", "i2"), link_in("l1", "i2", "i1")],
                by=BY,
            )
        assert [(e.field, e.code) for e in info.value.errors] == [
            ("wijken.1.slug", "duplicate"),
            ("actors.2.id", "duplicate"),
            ("links.1.id", "duplicate"),
        ]
        assert info.value.errors[1].message == rules.DUPLICATE.text(key="i1")
        assert [w.slug for w in store.list_wijken()] == ["daalhof"]
        assert store.list_actors() == [] and store.list_links() == []

    def test_bulk_upsert_reports_missing_ids_with_one_code_and_message(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(
                actors=[ini("i1"), ini(None), ini("i2")],
                links=[link_in("l1", "i1", "i2"), link_in(None, "i2", "i1")],
                by=BY,
            )
        missing = rules.ID_REQUIRED.text()
        assert [(e.field, e.code, e.message) for e in info.value.errors] == [
            ("actors.1.id", "missing", missing),
            ("links.1.id", "missing", missing),
        ]
        assert store.list_actors() == []

    def test_bulk_upsert_cannot_change_what_identifies_a_record(self, store):
        store.bulk_upsert(
            wijken=[wijk_in("daalhof")],
            actors=[org("o1"), pro("p1"), ini("i1")],
            links=[link_in("l1", "p1", "o1", kind=LinkKind.WERKT_BIJ)],
            by=BY,
        )
        audit = store.audit_log(limit=1000)
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(actors=[ini("o1")], by=BY)
        assert [(e.field, e.code) for e in info.value.errors] == [("actors.0.kind", "immutable")]
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(links=[link_in("l1", "p1", "i1")], by=BY)
        assert [(e.field, e.code) for e in info.value.errors] == [
            ("links.0.target", "immutable"),
            ("links.0.kind", "immutable"),
        ]
        assert {e.message for e in info.value.errors} == {rules.IMMUTABLE.text()}
        assert store.get_actor("o1").kind == ActorKind.ORGANISATIE
        assert store.get_link("l1").target == "o1"
        assert store.audit_log(limit=1000) == audit

    def test_bulk_upsert_checks_werkt_bij_with_one_code_and_message(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(
                actors=[org("o1"), pro("p1")],
                links=[
                    link_in("l1", "p1", "o1", kind=LinkKind.WERKT_BIJ),
                    link_in("l2", "o1", "p1", kind=LinkKind.WERKT_BIJ),
                    link_in("l3", "p1", "i1", kind=LinkKind.WERKT_BIJ),
                ],
                by=BY,
            )
        assert [(e.field, e.code, e.message) for e in info.value.errors] == [
            ("links.1.source", "werkt_bij", rules.WERKT_BIJ.text()),
            ("links.1.target", "werkt_bij", rules.WERKT_BIJ.text()),
            ("links.2.target", "werkt_bij", rules.WERKT_BIJ.text()),
        ]
        assert [a.id for a in store.list_actors()] == ["i1"]

    @pytest.mark.parametrize("stage", ["fields", "references"])
    def test_bulk_upsert_lists_at_most_max_errors(self, store, stage):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        n = rules.MAX_ERRORS + 50
        if stage == "fields":  # refused before the database is read
            actors = [ini(None) for _ in range(n)]
        else:  # refused against what is stored
            actors = [ini(f"i{i:03d}", "daalhof", "nergens") for i in range(n)]
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(actors=actors, by=BY)
        errors = info.value.errors
        assert len(errors) == rules.MAX_ERRORS
        shown = rules.MAX_ERRORS - 1
        assert {e.code for e in errors[:-1]} == {"missing" if stage == "fields" else "unknown_wijk"}
        assert [e.field for e in errors[:-1]] == [
            f"actors.{i}.{'id' if stage == 'fields' else 'wijken'}" for i in range(shown)
        ]
        last = errors[-1]
        assert (last.field, last.code) == ("data", "too_many_errors")
        assert last.message == rules.TOO_MANY.text(n=n - shown, problems="problemen")
        assert f"en nog {n - shown} problemen" in last.message
        assert store.list_actors() == []

    @pytest.mark.parametrize(
        "bad_row, field",
        [
            ("actor-wijk", "wijken"),
            ("actor-organisation", "organisation"),
            ("link-end", "target"),
            ("link-werkt-bij", "source"),
        ],
    )
    def test_bulk_upsert_with_one_bad_row_writes_nothing(self, store, bad_row, field):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i0", name="Bestaand"), by=BY)
        store.create_actor(ini("i9"), by=BY)
        audit = store.audit_log(limit=1000)
        counter = store.change_counter("daalhof")
        actors = [ini(f"n{i}") for i in range(4)] + [ini("i0", name="Gewijzigd")]
        links = [link_in(f"k{i}", "i0", f"n{i}") for i in range(4)]
        if bad_row == "actor-wijk":
            actors.insert(2, ini("bad", "daalhof", "nergens"))
        elif bad_row == "actor-organisation":
            actors.insert(2, pro("bad", organisation="i9"))
        elif bad_row == "link-end":
            links.insert(2, link_in("bad", "n1", "onbekend"))
        else:
            links.insert(2, link_in("bad", "n1", "i9", kind=LinkKind.WERKT_BIJ))
        with pytest.raises(InvalidData) as info:
            store.bulk_upsert(wijken=[wijk_in("nuth")], actors=actors, links=links, by=BY)
        assert any(e.field.endswith(field) for e in info.value.errors)
        assert [w.slug for w in store.list_wijken()] == ["daalhof"]
        assert [a.id for a in store.list_actors()] == ["i0", "i9"]
        assert store.get_actor("i0").name == "Bestaand"
        assert store.list_links() == []
        assert store.audit_log(limit=1000) == audit
        assert store.change_counter("daalhof") == counter

    # -- concurrency ----------------------------------------------------------------------

    def test_concurrent_updates_of_one_version_let_exactly_one_win(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1", description="begin"), by=BY)

        def write(
            who: str, round_: int, version: int, barrier: threading.Barrier, outcome: dict
        ) -> None:
            barrier.wait(timeout=10)
            try:
                outcome[who] = store.update_actor(
                    "i1", {"description": f"{who} {round_}"}, expected_version=version, by=who
                )
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                outcome[who] = exc

        for round_ in range(3):
            version = store.get_actor("i1").version
            barrier = threading.Barrier(2)
            outcome: dict[str, object] = {}
            threads = [
                threading.Thread(target=write, args=(w, round_, version, barrier, outcome))
                for w in ["Anna", "Bram"]
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            winners = [w for w, r in outcome.items() if isinstance(r, Actor)]
            losers = [w for w, r in outcome.items() if isinstance(r, Conflict)]
            assert len(winners) == 1 and len(losers) == 1, outcome
            final = store.get_actor("i1")
            assert final.version == version + 1
            assert final.description == f"{winners[0]} {round_}"
            latest = store.audit_log(entity_id="i1", limit=1)[0]
            assert (latest.action, latest.by) == ("update", winners[0])
        assert len(store.audit_log(entity_id="i1")) == 4  # create + one update per round

    # -- audit log ------------------------------------------------------------------------

    def test_audit_log_records_who_what_before_and_after(self, store):
        store.create_wijk(wijk_in("daalhof"), by="Anna")
        store.create_actor(ini("i1", name="Wijkontbijt"), by="Anna")
        store.update_actor("i1", {"name": "Buurtontbijt"}, expected_version=1, by="Bram")
        store.delete_actor("i1", expected_version=2, by="Carla")
        entries = store.audit_log(entity_id="i1")
        assert [(e.action, e.by, e.entity) for e in entries] == [
            ("delete", "Carla", "actor"),
            ("update", "Bram", "actor"),
            ("create", "Anna", "actor"),
        ]
        delete, update, create = entries
        assert create.before is None and create.after["name"] == "Wijkontbijt"
        assert update.before["name"] == "Wijkontbijt"
        assert update.after["name"] == "Buurtontbijt"
        assert delete.before["name"] == "Buurtontbijt" and delete.after is None
        assert all(e.wijken == ["daalhof"] for e in entries)
        assert delete.seq > update.seq > create.seq
        assert delete.at >= update.at >= create.at
        wijk_entry = store.audit_log(entity_id="daalhof")[0]
        assert (wijk_entry.action, wijk_entry.entity, wijk_entry.by) == ("create", "wijk", "Anna")
        assert wijk_entry.after["slug"] == "daalhof"

    def test_audit_log_newest_first_filtered_and_limited(self, store):
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        store.create_actor(ini("d1", "daalhof"), by=BY)
        store.create_actor(ini("n1", "nuth"), by=BY)
        store.create_actor(ini("d2", "daalhof"), by=BY)
        store.create_link(link_in("l1", "d1", "n1"), by=BY)
        everything = store.audit_log()
        assert [e.seq for e in everything] == sorted((e.seq for e in everything), reverse=True)
        assert [e.entity_id for e in everything[:4]] == ["l1", "d2", "n1", "d1"]
        assert [e.entity_id for e in store.audit_log(limit=2)] == ["l1", "d2"]
        in_nuth = [e.entity_id for e in store.audit_log(wijk="nuth")]
        assert in_nuth == ["l1", "n1", "nuth"]
        assert [e.entity_id for e in store.audit_log(wijk="daalhof", limit=2)] == ["l1", "d2"]
        assert sorted(store.audit_log(entity_id="l1")[0].wijken) == ["daalhof", "nuth"]
        assert store.audit_log(entity_id="n1", wijk="daalhof") == []

    def test_audit_of_a_move_lists_old_and_new_wijk(self, store):
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        store.create_actor(ini("i1", "daalhof"), by=BY)
        store.update_actor("i1", {"wijken": ["nuth"]}, expected_version=1, by=BY)
        move = store.audit_log(entity_id="i1", limit=1)[0]
        assert sorted(move.wijken) == ["daalhof", "nuth"]
        assert move.before["wijken"] == ["daalhof"] and move.after["wijken"] == ["nuth"]

    # -- confirmation ---------------------------------------------------------------------

    def test_confirm_actor_and_link_keep_their_version(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by=BY)
        store.create_actor(ini("i2"), by=BY)
        store.create_link(link_in("l1", "i1", "i2"), by=BY)
        t0 = utcnow()
        actor = store.confirm_actor("i1", by="Bram")
        link = store.confirm_link("l1", by="Carla")
        t1 = utcnow()
        assert actor.confirmed.by == "Bram" and t0 <= actor.confirmed.at <= t1
        assert link.confirmed.by == "Carla" and t0 <= link.confirmed.at <= t1
        assert (actor.version, link.version) == (1, 1)
        assert store.get_actor("i1") == actor
        assert store.get_link("l1") == link
        assert store.get_actor("i2").confirmed is None
        for entity_id, who in [("i1", "Bram"), ("l1", "Carla")]:
            entry = store.audit_log(entity_id=entity_id, limit=1)[0]
            assert (entry.action, entry.by) == ("confirm", who)
        # a confirmation does not make the editor's version stale
        store.update_actor("i1", {"description": "x"}, expected_version=1, by=BY)
        assert store.get_actor("i1").confirmed.by == "Bram"

    def test_confirm_unknown_record_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.confirm_actor("bestaat-niet", by=BY)
        with pytest.raises(NotFound):
            store.confirm_link("bestaat-niet", by=BY)

    # -- erasure --------------------------------------------------------------------------

    def test_erase_personal_data_from_actor_and_audit_log(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1"), by=BY)
        contact = {"email": "anna.devries@example.org", "phone": "06-12345678"}
        store.create_actor(pro("p1", name="Anna de Vries", contact=contact), by=BY)
        store.create_actor(
            pro("p2", name="Bram Jansen", contact={"email": "bram@example.org"}), by=BY
        )
        store.update_actor("p1", {"organisation": "o1"}, expected_version=1, by=BY)
        store.confirm_actor("p1", by=BY)

        erased = store.erase_personal_data("p1", by="Functionaris AVG")
        assert erased.name == ERASED_NAME and erased.contact is None
        assert erased.organisation == "o1" and erased.role == Role.WELZIJNSCOACH
        assert store.get_actor("p1") == erased
        entries = store.audit_log(entity_id="p1")
        assert [e.action for e in entries] == ["erase", "confirm", "update", "create"]
        assert entries[0].by == "Functionaris AVG"
        text = json.dumps([[e.before, e.after] for e in entries])
        for secret in ["Anna", "Vries", "anna.devries", "12345678"]:
            assert secret not in text
        assert "Anna de Vries" not in {a.name for a in store.snapshot("daalhof", D).actors}
        # others keep their data, in the store and in the audit log
        other = store.get_actor("p2")
        assert other.name == "Bram Jansen" and other.contact.email == "bram@example.org"
        assert store.audit_log(entity_id="p2")[0].after["name"] == "Bram Jansen"

    def test_erasing_an_organisation_clears_its_contact_and_keeps_its_name(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        contact = {"email": "info@buurthuis.example.org", "phone": "045-1234567"}
        store.create_actor(org("o1", name="Buurthuis De Kroon", contact=contact), by=BY)
        store.create_actor(ini("i1", contact={"email": "i1@example.org"}), by=BY)
        store.create_actor(
            ini("i2", description="Mail info@buurthuis.example.org of bel 045-1234567"), by=BY
        )
        before = store.get_actor("o1")

        erased = store.erase_personal_data("o1", by="Functionaris AVG")
        assert erased.name == "Buurthuis De Kroon" and erased.contact is None
        assert erased.version == before.version + 1
        assert store.get_actor("o1") == erased
        text = self._stored_text(store)
        for secret in ["info@buurthuis", "1234567"]:
            assert secret not in text
        assert store.get_actor("i2").description == f"Mail {ERASED_TEXT} of bel {ERASED_TEXT}"
        [entry, created] = store.audit_log(entity_id="o1")
        assert (entry.action, entry.after["contact"], created.after["contact"]) == (
            "erase",
            None,
            None,
        )
        assert entry.after["name"] == created.after["name"] == "Buurthuis De Kroon"
        # others keep their data
        assert store.get_actor("i1").contact.email == "i1@example.org"

    def test_erasure_makes_old_versions_stale(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        opened = store.create_actor(pro("p1", name="Anna de Vries"), by=BY)
        store.erase_personal_data("p1", by=BY)
        with pytest.raises(Conflict):
            store.update_actor(
                "p1", {"name": "Anna de Vries"}, expected_version=opened.version, by=BY
            )
        assert store.get_actor("p1").name == ERASED_NAME

    def test_erase_unknown_actor_is_not_found(self, store):
        with pytest.raises(NotFound):
            store.erase_personal_data("bestaat-niet", by=BY)

    @staticmethod
    def _stored_text(store) -> str:
        """Everything the audit log and the decisions hold, as one text."""
        entries = store.audit_log(limit=1000)
        decisions = [d.note for w in store.list_wijken() for d in store.list_decisions(w.slug)]
        return json.dumps([[e.before, e.after] for e in entries] + decisions, ensure_ascii=False)

    def test_erase_a_deleted_actor_scrubs_its_history(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(org("o1"), by=BY)
        contact = {"email": "anna.devries@example.org", "phone": "06-12345678"}
        store.create_actor(pro("p1", name="Anna de Vries", contact=contact), by=BY)
        store.create_actor(
            pro("p2", name="Bram Jansen", contact={"email": "bram@example.org"}), by=BY
        )
        store.create_link(link_in("l1", "p1", "o1", note="Anna de Vries: 06-12345678"), by=BY)
        store.record_decision(
            Decision(
                wijk="daalhof",
                a="p1",
                b="p2",
                status=DecisionStatus.BESPROKEN,
                by=BY,
                at=utcnow(),
                note="Anna de Vries kent Bram Jansen al",
            )
        )
        store.update_actor(
            "p1", {"description": "Mail anna.devries@example.org"}, expected_version=1, by=BY
        )
        store.delete_actor("p1", expected_version=2, by=BY)
        counter = store.change_counter("daalhof")

        assert store.erase_personal_data("p1", by="Functionaris AVG") is None
        text = self._stored_text(store)
        for secret in ["Anna", "Vries", "anna.devries", "12345678"]:
            assert secret not in text
        erase = store.audit_log(entity_id="p1", limit=1)[0]
        assert (erase.action, erase.entity, erase.by) == ("erase", "actor", "Functionaris AVG")
        assert erase.wijken == ["daalhof"]
        assert store.change_counter("daalhof") > counter
        with pytest.raises(NotFound):
            store.get_actor("p1")
        # others keep their data
        other = store.get_actor("p2")
        assert other.name == "Bram Jansen" and other.contact.email == "bram@example.org"
        assert store.audit_log(entity_id="p2")[0].after["name"] == "Bram Jansen"
        [decision] = store.list_decisions("daalhof")
        assert decision.note == f"{ERASED_NAME} kent Bram Jansen al"
        # a link (or decision) is no actor: its id alone is not enough to erase
        with pytest.raises(NotFound):
            store.erase_personal_data("l1", by=BY)

    def test_erase_covers_every_record_merged_into_the_actor(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_wijk(wijk_in("nuth"), by=BY)
        store.create_actor(pro("p1", name="Anna de Vries"), by=BY)
        store.create_actor(
            pro("p2", "nuth", name="A. de Vries", contact={"email": "a.devries@example.org"}),
            by=BY,
        )
        store.create_actor(
            pro("p3", name="Anna Smit-de Vries", contact={"phone": "06-87654321"}), by=BY
        )
        store.create_actor(
            pro("p9", name="Bram Jansen", contact={"email": "bram@example.org"}), by=BY
        )
        store.create_link(link_in("l1", "p3", "p9", note="Anna Smit-de Vries kent Bram"), by=BY)
        store.merge_actors("p2", "p3", by=BY)  # p3 into p2, then p2 into p1
        assert store.merge_actors("p1", "p2", by=BY).contact.email == "a.devries@example.org"

        erased = store.erase_personal_data("p1", by=BY)
        assert erased.name == ERASED_NAME and erased.contact is None
        assert store.get_actor("p1") == erased
        text = self._stored_text(store)
        for secret in ["Anna", "Vries", "Smit", "a.devries", "87654321"]:
            assert secret not in text
        assert "Vries" not in json.dumps([a.model_dump(mode="json") for a in store.list_actors()])
        other = store.get_actor("p9")
        assert other.name == "Bram Jansen" and other.contact.email == "bram@example.org"
        assert store.audit_log(entity_id="p9")[0].after["name"] == "Bram Jansen"

    def test_erase_an_actor_merged_into_another(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(
            pro("p1", name="Bram Jansen", contact={"email": "bram@example.org"}), by=BY
        )
        store.create_actor(pro("p2", name="Anna de Vries", contact={"phone": "06-87654321"}), by=BY)
        store.merge_actors("p1", "p2", by=BY)

        assert store.erase_personal_data("p2", by=BY) is None
        text = self._stored_text(store)
        for secret in ["Anna", "Vries", "87654321"]:
            assert secret not in text
        assert [e.action for e in store.audit_log(entity_id="p2")] == ["erase", "merge", "create"]
        kept = store.get_actor("p1")  # the record it was merged into is not erased
        assert kept.name == "Bram Jansen" and kept.contact.email == "bram@example.org"

    # -- decisions ------------------------------------------------------------------------

    def test_record_and_list_decisions(self, store):
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        for i in ["a1", "a2", "a3"]:
            store.create_actor(ini(i, "daalhof", "nuth"), by=BY)

        def decide(wijk, a, b, status, note=""):
            return Decision(wijk=wijk, a=a, b=b, status=status, by=BY, at=utcnow(), note=note)

        first = store.record_decision(decide("daalhof", "a2", "a1", DecisionStatus.BESPROKEN))
        assert (first.a, first.b) == ("a1", "a2")
        store.record_decision(decide("daalhof", "a1", "a3", DecisionStatus.NIET_RELEVANT))
        store.record_decision(decide("nuth", "a1", "a2", DecisionStatus.NIET_RELEVANT))
        replaced = decide("daalhof", "a1", "a2", DecisionStatus.NIET_RELEVANT, "Kennen elkaar al")
        store.record_decision(replaced)
        daalhof = sorted(store.list_decisions("daalhof"), key=lambda d: (d.a, d.b))
        assert [(d.a, d.b, d.status) for d in daalhof] == [
            ("a1", "a2", DecisionStatus.NIET_RELEVANT),
            ("a1", "a3", DecisionStatus.NIET_RELEVANT),
        ]
        assert daalhof[0] == replaced
        assert [(d.a, d.b) for d in store.list_decisions("nuth")] == [("a1", "a2")]
        decided = [e for e in store.audit_log(wijk="daalhof") if e.action == "decide"]
        assert len(decided) == 3 and all(e.entity == "decision" for e in decided)

    def test_delete_decision(self, store):
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        for i in ["a1", "a2", "a3"]:
            store.create_actor(ini(i, "daalhof", "nuth"), by=BY)
        for wijk, a, b in [("daalhof", "a1", "a2"), ("daalhof", "a1", "a3"), ("nuth", "a1", "a2")]:
            store.record_decision(
                Decision(wijk=wijk, a=a, b=b, status=DecisionStatus.BESPROKEN, by=BY, at=utcnow())
            )
        counter = store.change_counter("daalhof")
        assert store.delete_decision("daalhof", "a2", "a1", by="Bram") is None  # either order
        assert [(d.a, d.b) for d in store.list_decisions("daalhof")] == [("a1", "a3")]
        assert [(d.a, d.b) for d in store.list_decisions("nuth")] == [("a1", "a2")]
        assert store.change_counter("daalhof") > counter
        entry = store.audit_log(limit=1)[0]
        assert (entry.action, entry.entity, entry.entity_id, entry.by) == (
            "decide",
            "decision",
            "a1|a2",
            "Bram",
        )
        assert entry.wijken == ["daalhof"] and entry.after is None
        assert entry.before["status"] == "ontmoet"  # besproken is recorded as ontmoet
        audit, counter = store.audit_log(limit=100), store.change_counter("daalhof")
        absent = [("daalhof", "a1", "a2"), ("daalhof", "a3", "a2"), ("elders", "a1", "a3")]
        for wijk, a, b in absent:
            with pytest.raises(NotFound):
                store.delete_decision(wijk, a, b, by=BY)
        assert store.audit_log(limit=100) == audit
        assert store.change_counter("daalhof") == counter

    # -- merging two actors ---------------------------------------------------------------

    def _merge_setup(self, store) -> None:
        """keep (daalhof) and drop (nuth), with every kind of link and decision around them."""
        for slug in ["daalhof", "nuth", "elsloo"]:
            store.create_wijk(wijk_in(slug), by=BY)
        store.create_actor(
            org("keep", "daalhof", themes=[Theme.OUDEREN], kernaanpakken=[Kernaanpak.PLUSPRAKTIJK]),
            by=BY,
        )
        store.create_actor(
            org(
                "drop",
                "nuth",
                name="Dubbele organisatie",
                themes=[Theme.EENZAAMHEID, Theme.OUDEREN],
                kernaanpakken=[Kernaanpak.WELZIJN_OP_RECEPT],
                description="Uit de tweede lijst",
                contact={"email": "info@example.org"},
            ),
            by=BY,
        )
        store.create_actor(ini("x", "daalhof"), by=BY)
        store.create_actor(ini("y", "elsloo"), by=BY)
        store.create_actor(ini("z", "daalhof"), by=BY)
        store.create_actor(pro("p1", "nuth", organisation="drop"), by=BY)
        store.create_actor(pro("p2", "daalhof", organisation="keep"), by=BY)
        verwijzing, works = LinkKind.VERWIJZING, LinkKind.WERKT_BIJ
        for data in [
            link_in("l-between", "keep", "drop"),
            link_in("l-keep-x", "x", "keep", intensity=Intensity.KENNEN),
            link_in("l-drop-x", "drop", "x", intensity=Intensity.SAMENWERKEN),
            link_in("l-keep-z", "keep", "z", kind=verwijzing, intensity=Intensity.AFSTEMMEN),
            link_in("l-drop-z", "drop", "z", kind=verwijzing, intensity=Intensity.KENNEN),
            link_in("l-z-drop", "z", "drop", kind=verwijzing),
            link_in("l-y-drop", "y", "drop", kind=verwijzing, note="Via de huisarts"),
            link_in("l-works", "p1", "drop", kind=works),
            link_in("l-x-y", "x", "y"),
        ]:
            store.create_link(data, by=BY)
        for wijk, a, b, status in [
            ("daalhof", "keep", "drop", DecisionStatus.NIET_RELEVANT),
            ("daalhof", "drop", "x", DecisionStatus.NIET_RELEVANT),
            ("daalhof", "keep", "x", DecisionStatus.BESPROKEN),
            ("nuth", "drop", "y", DecisionStatus.BESPROKEN),
            ("daalhof", "x", "y", DecisionStatus.BESPROKEN),
        ]:
            store.record_decision(Decision(wijk=wijk, a=a, b=b, status=status, by=BY, at=utcnow()))

    @staticmethod
    def _state(store) -> tuple:
        """Everything a merge may change."""
        return (
            store.list_actors(),
            store.list_links(),
            [store.list_decisions(w) for w in ["daalhof", "nuth", "elsloo"]],
            store.audit_log(limit=1000),
            [store.change_counter(w) for w in ["daalhof", "nuth", "elsloo"]],
        )

    def test_merge_actors_moves_everything_to_keep(self, store):
        self._merge_setup(store)
        counters = {w: store.change_counter(w) for w in ["daalhof", "nuth", "elsloo"]}
        first_new = store.audit_log(limit=1)[0].seq + 1
        kept = store.merge_actors("keep", "drop", expected_versions=(1, 1), by="Anna")

        with pytest.raises(NotFound):
            store.get_actor("drop")
        assert kept == store.get_actor("keep")
        assert kept.version == 2 and kept.name == "Organisatie keep"
        assert kept.wijken == ["daalhof", "nuth"]
        assert kept.themes == [Theme.EENZAAMHEID, Theme.OUDEREN]
        assert kept.kernaanpakken == [Kernaanpak.PLUSPRAKTIJK, Kernaanpak.WELZIJN_OP_RECEPT]
        assert kept.description == "Uit de tweede lijst"
        assert kept.contact.email == "info@example.org"
        assert [a.id for a in store.list_actors("nuth")] == ["keep", "p1"]

        links = store.list_links()
        by_ends = {(lk.kind, lk.source, lk.target): lk for lk in links}
        assert len(by_ends) == len(links) == 6
        assert set(by_ends) == {
            (LinkKind.SAMENWERKING, "x", "keep"),
            (LinkKind.VERWIJZING, "keep", "z"),
            (LinkKind.VERWIJZING, "z", "keep"),
            (LinkKind.VERWIJZING, "y", "keep"),
            (LinkKind.WERKT_BIJ, "p1", "keep"),
            (LinkKind.SAMENWERKING, "x", "y"),
        }
        # duplicates are kept once, at the higher intensity of the two
        together = by_ends[(LinkKind.SAMENWERKING, "x", "keep")]
        assert together.id == "l-keep-x" and together.intensity is Intensity.SAMENWERKEN
        assert together.version == 2
        referral = by_ends[(LinkKind.VERWIJZING, "keep", "z")]
        assert referral.id == "l-keep-z" and referral.intensity is Intensity.AFSTEMMEN
        assert referral.version == 1
        moved = by_ends[(LinkKind.VERWIJZING, "y", "keep")]
        assert moved.note == "Via de huisarts" and moved.id != "l-y-drop"
        assert by_ends[(LinkKind.SAMENWERKING, "x", "y")].version == 1
        for gone in ["l-between", "l-drop-x", "l-drop-z", "l-z-drop", "l-y-drop", "l-works"]:
            with pytest.raises(NotFound):
                store.get_link(gone)

        assert store.get_actor("p1").organisation == "keep"
        assert store.get_actor("p1").version == 2
        assert store.get_actor("p2").version == 1

        decisions = {
            w: {(d.a, d.b): d.status for d in store.list_decisions(w)} for w in ["daalhof", "nuth"]
        }
        assert decisions == {
            "daalhof": {
                ("keep", "x"): DecisionStatus.BESPROKEN,
                ("x", "y"): DecisionStatus.BESPROKEN,
            },
            "nuth": {("keep", "y"): DecisionStatus.BESPROKEN},
        }

        entries = [e for e in store.audit_log(limit=1000) if e.seq >= first_new]
        assert {e.by for e in entries} == {"Anna"}
        merge = entries[0]
        assert (merge.action, merge.entity, merge.entity_id) == ("merge", "actor", "drop")
        assert merge.before["name"] == "Dubbele organisatie"
        assert merge.after == {"merged_into": "keep"} and merge.wijken == ["nuth"]
        counts: dict[tuple[str, str], list[str]] = {}
        for e in entries[1:]:
            counts.setdefault((e.action, e.entity), []).append(e.entity_id)
        assert {k: sorted(v) for k, v in counts.items()} == {
            ("delete", "link"): sorted(
                ["l-between", "l-drop-x", "l-drop-z", "l-z-drop", "l-y-drop", "l-works"]
            ),
            ("update", "actor"): ["keep", "p1"],
            ("create", "link"): sorted(
                by_ends[k].id
                for k in [
                    (LinkKind.VERWIJZING, "z", "keep"),
                    (LinkKind.VERWIJZING, "y", "keep"),
                    (LinkKind.WERKT_BIJ, "p1", "keep"),
                ]
            ),
            ("update", "link"): ["l-keep-x"],
            ("decide", "decision"): ["drop|keep", "drop|x", "drop|y", "keep|y"],
        }
        keep_entry = next(e for e in entries if e.entity_id == "keep")
        assert keep_entry.before["wijken"] == ["daalhof"] and keep_entry.after["wijken"] == [
            "daalhof",
            "nuth",
        ]
        assert sorted(keep_entry.wijken) == ["daalhof", "nuth"]
        assert all(w in counters and store.change_counter(w) > counters[w] for w in counters)

    def test_merge_actors_with_a_stale_version_changes_nothing(self, store):
        self._merge_setup(store)
        store.update_actor("drop", {"description": "Bijgewerkt"}, expected_version=1, by=BY)
        before = self._state(store)
        for versions in [(1, 1), (2, 2), (7, 2)]:
            with pytest.raises(Conflict):
                store.merge_actors("keep", "drop", expected_versions=versions, by="Anna")
            assert self._state(store) == before
        store.merge_actors("keep", "drop", expected_versions=(1, 2), by="Anna")
        assert store.get_actor("keep").description == "Bijgewerkt"

    def test_merge_actors_without_versions_merges_what_is_stored(self, store):
        self._merge_setup(store)
        store.update_actor("keep", {"name": "Huisartsenpraktijk"}, expected_version=1, by=BY)
        kept = store.merge_actors("keep", "drop", by="Anna")
        assert kept.version == 3 and kept.name == "Huisartsenpraktijk"

    def test_merge_actors_refuses_unknown_the_same_and_other_kinds(self, store):
        self._merge_setup(store)
        before = self._state(store)
        for keep, drop in [("keep", "bestaat-niet"), ("bestaat-niet", "drop")]:
            with pytest.raises(NotFound):
                store.merge_actors(keep, drop, by="Anna")
        with pytest.raises(InvalidData) as info:
            store.merge_actors("keep", "keep", by="Anna")
        assert _fields(info.value) == {"drop"}
        with pytest.raises(InvalidData) as info:
            store.merge_actors("keep", "x", expected_versions=(1, 1), by="Anna")
        assert _fields(info.value) == {"drop"}
        assert "dezelfde soort" in info.value.errors[0].message
        with pytest.raises(InvalidData):
            store.merge_actors("p1", "drop", by="Anna")
        assert self._state(store) == before

    def test_merge_professionals_fills_the_gaps_of_keep(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_wijk(wijk_in("nuth"), by=BY)
        store.create_actor(org("o1"), by=BY)
        store.create_actor(pro("p1", role=Role.OVERIG, since=date(2024, 1, 1)), by=BY)
        store.create_actor(
            pro("p2", "nuth", organisation="o1", since=date(2023, 6, 1), until=date(2025, 1, 1)),
            by=BY,
        )
        store.create_link(link_in("l1", "p2", "o1", kind=LinkKind.WERKT_BIJ), by=BY)
        kept = store.merge_actors("p1", "p2", expected_versions=(1, 1), by=BY)
        assert kept.organisation == "o1" and kept.role is Role.WELZIJNSCOACH
        assert (kept.since, kept.until) == (date(2023, 6, 1), None)
        assert kept.wijken == ["daalhof", "nuth"]
        [link] = store.list_links()
        assert (link.source, link.target, link.kind) == ("p1", "o1", LinkKind.WERKT_BIJ)
        assert [a.id for a in store.list_actors()] == ["o1", "p1"]
        with pytest.raises(Conflict):  # p1 works at o1 now
            store.delete_actor("o1", expected_version=1, by=BY)

    # -- the workflow of suggested pairs --------------------------------------------------

    def _pairs_setup(self, store, *ids: str) -> None:
        for slug in ["daalhof", "nuth"]:
            store.create_wijk(wijk_in(slug), by=BY)
        for i in ids or ("a1", "a2", "a3", "a4"):
            store.create_actor(ini(i, "daalhof", "nuth"), by=BY)

    def test_every_step_of_a_pair_is_kept_in_order(self, store):
        self._pairs_setup(store)
        day = date(2026, 12, 3)
        flow = [
            step("a2", "a1", "voorgesteld"),
            step("a2", "a1", "benaderd", note="Gebeld met de praktijk", by="Jan"),
            step("a1", "a2", "kennismaking-gepland", date=day),
            step("a1", "a2", "ontmoet"),
            step("a1", "a2", "samenwerking-vastgelegd", note="Vast overleg elke maand"),
        ]
        counter = store.change_counter("daalhof")
        previous = None
        for item in flow:
            stored = store.add_suggestion_step(item)
            assert (stored.a, stored.b) == ("a1", "a2") and stored == item
            assert store.change_counter("daalhof") > counter
            counter = store.change_counter("daalhof")
            entry = store.audit_log(limit=1)[0]
            assert (entry.action, entry.entity, entry.entity_id) == ("decide", "decision", "a1|a2")
            assert entry.by == item.by and entry.wijken == ["daalhof"]
            assert entry.after == item.model_dump(mode="json")
            assert entry.before == (previous.model_dump(mode="json") if previous else None)
            previous = item
        history = store.suggestion_history("daalhof", "a2", "a1")
        assert history == flow
        assert [s.status for s in history] == [
            SuggestionStatus.VOORGESTELD,
            SuggestionStatus.BENADERD,
            SuggestionStatus.KENNISMAKING_GEPLAND,
            SuggestionStatus.ONTMOET,
            SuggestionStatus.SAMENWERKING_VASTGELEGD,
        ]
        assert history[2].date == day and history[1].note == "Gebeld met de praktijk"
        assert store.suggestion_states("daalhof") == {("a1", "a2"): flow[-1]}
        assert store.suggestion_states("nuth") == {}
        assert store.suggestion_history("nuth") == []

    def test_a_step_needs_its_reason_or_date_and_nothing_else(self, store):
        self._pairs_setup(store)
        audit, counter = store.audit_log(limit=100), store.change_counter("daalhof")
        base = {"wijk": "daalhof", "a": "a1", "b": "a2", "by": BY, "at": utcnow()}
        refused = [
            ({"status": "niet-relevant"}, "note", "reason_required"),
            ({"status": "niet-relevant", "note": "   "}, "note", "reason_required"),
            ({"status": "later"}, "date", "date_required"),
            ({"status": "kennismaking-gepland"}, "date", "date_required"),
            ({"status": "gerealiseerd"}, "date", "date_required"),
            ({"status": "benaderd", "date": D}, "date", "date_not_allowed"),
            ({"status": "misschien"}, "status", "enum"),
        ]
        for fields, field, code in refused:
            for data in (base | fields, SuggestionStep.model_construct(**(base | fields))):
                with pytest.raises(InvalidData) as info:
                    store.add_suggestion_step(data)
                assert [(e.field, e.code) for e in info.value.errors] == [(field, code)]
        with pytest.raises(InvalidData):
            store.add_suggestion_step(base | {"status": "benaderd", "b": "a1"})
        assert store.audit_log(limit=100) == audit
        assert store.change_counter("daalhof") == counter
        assert store.suggestion_history("daalhof") == []
        with pytest.raises(NotFound):
            store.add_suggestion_step(step("a1", "a2", "benaderd", wijk="nergens"))
        later = store.add_suggestion_step(step("a1", "a2", "later", date=D))
        assert later.date == D
        reason = store.add_suggestion_step(step("a1", "a2", "niet-relevant", note="Dubbel"))
        assert store.suggestion_states("daalhof")[("a1", "a2")] == reason

    def test_undo_removes_the_latest_step_only(self, store):
        self._pairs_setup(store)
        first = store.add_suggestion_step(step("a1", "a2", "benaderd"))
        second = store.add_suggestion_step(
            step("a1", "a2", "kennismaking-gepland", date=date(2026, 12, 3))
        )
        other = store.add_suggestion_step(step("a1", "a3", "benaderd"))
        counter = store.change_counter("daalhof")
        assert store.undo_suggestion_step("daalhof", "a2", "a1", by="Piet") == first
        assert store.change_counter("daalhof") > counter
        entry = store.audit_log(limit=1)[0]
        assert (entry.action, entry.entity, entry.entity_id, entry.by) == (
            "undo",
            "decision",
            "a1|a2",
            "Piet",
        )
        assert entry.before == second.model_dump(mode="json")
        assert entry.after == first.model_dump(mode="json")
        assert store.suggestion_history("daalhof", "a1", "a2") == [first]
        assert store.suggestion_states("daalhof") == {("a1", "a2"): first, ("a1", "a3"): other}
        # undoing the only step leaves the pair without status
        assert store.undo_suggestion_step("daalhof", "a1", "a2", by="Piet") is None
        assert store.audit_log(limit=1)[0].after is None
        assert store.suggestion_states("daalhof") == {("a1", "a3"): other}
        audit, counter = store.audit_log(limit=100), store.change_counter("daalhof")
        for wijk, a, b in [("daalhof", "a1", "a2"), ("nuth", "a1", "a3"), ("nergens", "a1", "a3")]:
            with pytest.raises(NotFound):
                store.undo_suggestion_step(wijk, a, b, by=BY)
        assert store.audit_log(limit=100) == audit
        assert store.change_counter("daalhof") == counter
        # after an undo the next step follows the one that is current again
        again = store.add_suggestion_step(step("a1", "a3", "ontmoet"))
        assert store.suggestion_history("daalhof", "a3", "a1") == [other, again]

    def test_history_of_a_pair_an_actor_or_the_wijk(self, store):
        self._pairs_setup(store)
        steps = [
            store.add_suggestion_step(step("a2", "a3", "benaderd")),
            store.add_suggestion_step(step("a1", "a3", "benaderd")),
            store.add_suggestion_step(step("a1", "a2", "benaderd")),
            store.add_suggestion_step(step("a2", "a3", "ontmoet")),
            store.add_suggestion_step(step("a1", "a2", "later", date=D)),
            store.add_suggestion_step(step("a1", "a2", "benaderd", wijk="nuth")),
        ]
        by_pair = [steps[2], steps[4], steps[1], steps[0], steps[3]]
        assert store.suggestion_history("daalhof") == by_pair
        assert store.suggestion_history("daalhof", "a3") == [steps[1], steps[0], steps[3]]
        assert store.suggestion_history("daalhof", b="a1") == [steps[2], steps[4], steps[1]]
        assert store.suggestion_history("daalhof", "a2", "a1") == [steps[2], steps[4]]
        assert store.suggestion_history("daalhof", "a4") == []
        assert store.suggestion_history("nuth") == [steps[5]]
        assert store.suggestion_states("daalhof") == {
            ("a1", "a2"): steps[4],
            ("a1", "a3"): steps[1],
            ("a2", "a3"): steps[3],
        }

    def test_decisions_are_a_view_of_the_steps(self, store):
        self._pairs_setup(store)
        at = utcnow()
        said = store.record_decision(
            Decision(wijk="daalhof", a="a2", b="a1", status="besproken", by=BY, at=at, note="Ja")
        )
        assert (said.a, said.b, said.status, said.note) == ("a1", "a2", "besproken", "Ja")
        [first] = store.suggestion_history("daalhof", "a1", "a2")
        assert (first.status, first.by, first.at, first.note) == ("ontmoet", BY, at, "Ja")
        store.record_decision(
            Decision(wijk="daalhof", a="a1", b="a3", status="niet-relevant", by=BY, at=at)
        )
        assert store.suggestion_states("daalhof")[("a1", "a3")].note == DEFAULT_REASON
        store.add_suggestion_step(step("a1", "a2", "benaderd"))
        store.add_suggestion_step(step("a2", "a4", "later", date=D))
        assert [(d.a, d.b, d.status.value) for d in store.list_decisions("daalhof")] == [
            ("a1", "a2", "besproken"),
            ("a1", "a3", "niet-relevant"),
            ("a2", "a4", "besproken"),
        ]
        store.delete_decision("daalhof", "a2", "a1", by=BY)
        assert store.suggestion_history("daalhof", "a1", "a2") == []
        assert store.audit_log(limit=1)[0].before["status"] == "benaderd"

    def _realised(self, store, wijk: str, a: str, b: str) -> list[SuggestionStep]:
        return [
            s
            for s in store.suggestion_history(wijk, a, b)
            if s.status is SuggestionStatus.GEREALISEERD
        ]

    def test_a_new_link_realises_a_pair_with_steps(self, store):
        self._pairs_setup(store)
        store.add_suggestion_step(step("a1", "a2", "benaderd"))
        store.add_suggestion_step(step("a1", "a2", "later", wijk="nuth", date=D))
        store.add_suggestion_step(step("a2", "a3", "samenwerking-vastgelegd"))
        store.add_suggestion_step(step("a3", "a4", "niet-relevant", note="Te ver weg"))
        before = store.audit_log(limit=1)[0].seq
        store.create_link(link_in("l1", "a2", "a1"), by="Anna")
        for wijk in ["daalhof", "nuth"]:
            [done] = self._realised(store, wijk, "a1", "a2")
            assert store.suggestion_states(wijk)[("a1", "a2")] == done
            assert (done.by, done.note, done.date) == (SYSTEM_BY, REALISED_NOTE, utcnow().date())
        new = [e for e in store.audit_log(limit=100) if e.seq > before]
        assert sorted((e.action, e.entity, e.entity_id, e.by) for e in new) == [
            ("create", "link", "l1", "Anna"),
            ("decide", "decision", "a1|a2", "Anna"),
            ("decide", "decision", "a1|a2", "Anna"),
        ]
        assert {e.after["status"] for e in new if e.entity == "decision"} == {"gerealiseerd"}
        assert {e.before["status"] for e in new if e.entity == "decision"} == {
            "benaderd",
            "later",
        }
        # already realised, vastgelegd, or without steps: nothing is added
        store.create_link(link_in("l2", "a1", "a2", kind=LinkKind.VERWIJZING), by="Anna")
        store.create_link(link_in("l3", "a3", "a2"), by="Anna")
        store.create_link(link_in("l4", "a1", "a3"), by="Anna")
        assert len(self._realised(store, "daalhof", "a1", "a2")) == 1
        assert self._realised(store, "daalhof", "a2", "a3") == []
        assert store.suggestion_history("daalhof", "a1", "a3") == []
        # a pair set aside gets it too: they met after all
        store.create_link(link_in("l5", "a4", "a3"), by="Anna")
        assert store.suggestion_states("daalhof")[("a3", "a4")].status is (
            SuggestionStatus.GEREALISEERD
        )
        # a refused link realises nothing
        with pytest.raises(InvalidData):
            store.create_link(link_in("l6", "a4", "bestaat-niet"), by="Anna")

    def test_an_import_realises_the_pairs_it_links(self, store):
        self._pairs_setup(store)
        store.create_link(link_in("l0", "a1", "a4"), by=BY)
        store.add_suggestion_step(step("a1", "a2", "ontmoet"))
        store.add_suggestion_step(step("a1", "a4", "benaderd"))
        store.add_suggestion_step(step("a3", "a4", "benaderd"))
        links = [
            link_in("l1", "a1", "a2", note="uit de lijst"),
            link_in("l0", "a1", "a4", note="bijgewerkt"),  # an update: no new link
            link_in("l2", "a2", "a3"),
        ]
        result = store.bulk_upsert(links=links, by="Import")
        assert (result.created, result.updated) == (2, 1)
        [done] = self._realised(store, "daalhof", "a1", "a2")
        assert done.by == SYSTEM_BY and done.date == utcnow().date()
        assert self._realised(store, "daalhof", "a1", "a4") == []
        assert store.suggestion_history("daalhof", "a2", "a3") == []
        assert self._realised(store, "daalhof", "a3", "a4") == []
        entry = store.audit_log(limit=1)[0]
        assert (entry.action, entry.entity_id, entry.by) == ("decide", "a1|a2", "Import")
        # the same import again changes nothing
        counter = store.change_counter("daalhof")
        again = store.bulk_upsert(links=links, by="Import")
        assert again.unchanged == 3 and store.change_counter("daalhof") == counter
        assert len(self._realised(store, "nuth", "a1", "a2")) == 0
        # a refused import realises nothing
        with pytest.raises(InvalidData):
            store.bulk_upsert(links=[link_in("l9", "a3", "a4"), link_in("l8", "a3", "x")], by=BY)
        assert self._realised(store, "daalhof", "a3", "a4") == []

    def test_merge_moves_the_steps_of_drop_and_realises_joined_pairs(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        for i in ["keep", "drop", "w", "x", "y", "z"]:
            store.create_actor(ini(i), by=BY)
        store.create_link(link_in("l-keep-y", "keep", "y"), by=BY)
        store.create_link(link_in("l-drop-z", "drop", "z"), by=BY)
        store.create_link(link_in("l-keep-w", "keep", "w"), by=BY)
        steps = {
            "drop-x": [step("drop", "x", "benaderd"), step("drop", "x", "ontmoet")],
            "drop-y": [step("drop", "y", "benaderd")],
            "keep-z": [step("keep", "z", "benaderd")],
            "keep-w": [step("keep", "w", "benaderd")],
            "drop-w": [step("drop", "w", "niet-relevant", note="Dubbel")],
            "keep-drop": [step("drop", "keep", "benaderd")],
        }
        for items in steps.values():
            for item in items:
                store.add_suggestion_step(item)
        first_new = store.audit_log(limit=1)[0].seq + 1
        store.merge_actors("keep", "drop", by="Anna")

        def statuses(a: str, b: str) -> list[str]:
            return [s.status.value for s in store.suggestion_history("daalhof", a, b)]

        assert statuses("keep", "x") == ["benaderd", "ontmoet"]  # moved, in order
        assert statuses("keep", "y") == ["benaderd", "gerealiseerd"]  # moved and joined
        assert statuses("keep", "z") == ["benaderd", "gerealiseerd"]  # joined by drop's link
        assert statuses("keep", "w") == ["benaderd"]  # linked before: not joined by the merge
        assert store.suggestion_history("daalhof", "drop") == []
        assert store.suggestion_history("daalhof", "keep", "drop") == []
        moved = store.suggestion_history("daalhof", "keep", "x")[0]
        assert moved.at == steps["drop-x"][0].at and moved.by == BY
        entries = [e for e in store.audit_log(limit=100) if e.seq >= first_new]
        decided = sorted(
            (e.entity_id, e.before is not None, e.after is not None)
            for e in entries
            if e.entity == "decision"
        )
        assert decided == [
            ("drop|keep", True, False),
            ("drop|w", True, False),
            ("drop|x", True, False),
            ("drop|y", True, False),
            ("keep|x", False, True),
            ("keep|y", False, True),
            ("keep|y", True, True),
            ("keep|z", True, True),
        ]
        assert {e.by for e in entries} == {"Anna"}

    def test_erasure_scrubs_the_notes_of_every_step(self, store):
        self._pairs_setup(store, "a1", "a2")
        store.create_actor(pro("p1", name="Anna de Vries", contact={"phone": "06-12345678"}), by=BY)
        store.add_suggestion_step(step("a1", "a2", "benaderd", note="Via Anna de Vries"))
        store.add_suggestion_step(step("a1", "a2", "ontmoet", note="Bel 06-12345678"))
        store.add_suggestion_step(step("a1", "a2", "later", date=D, note="Niets over haar"))
        store.erase_personal_data("p1", by="Functionaris AVG")
        notes = [s.note for s in store.suggestion_history("daalhof", "a1", "a2")]
        assert notes == [f"Via {ERASED_NAME}", f"Bel {ERASED_TEXT}", "Niets over haar"]
        text = json.dumps([[e.before, e.after] for e in store.audit_log(limit=1000)])
        assert "Vries" not in text and "12345678" not in text
        erased = [e for e in store.audit_log(limit=100) if e.entity == "decision"]
        assert [e.action for e in erased[:2]] == ["erase", "erase"]

    # -- an actor saved with its links; confirmed by its creator; a contact person --------

    def test_create_with_confirm_stores_the_creator_as_confirmation(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        t0 = utcnow()
        actor = store.create_actor(ini("i1"), by="Bram", confirm=True)
        store.create_actor(pro("p1"), by=BY)
        link = store.create_link(link_in("l1", "i1", "p1"), by="Carla", confirm=True)
        t1 = utcnow()
        assert actor.confirmed.by == "Bram" and t0 <= actor.confirmed.at <= t1
        assert actor.confirmed.at == actor.created_at and actor.version == 1
        assert link.confirmed.by == "Carla" and link.confirmed.at == link.created_at
        assert store.get_actor("i1") == actor and store.get_link("l1") == link
        assert store.get_actor("p1").confirmed is None  # without confirm, as before
        created = store.audit_log(entity_id="i1", limit=1)[0]
        assert created.action == "create" and created.after["confirmed"]["by"] == "Bram"

    def test_save_actor_creates_the_actor_and_its_links_in_one_go(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(pro("p1"), by=BY)
        contact = link_in("c1", "i1", "p1", kind=LinkKind.CONTACTPERSOON, since=D)
        actor = store.save_actor(ini("i1"), by="Bram", new_links=[contact], confirm=True)
        assert actor == store.get_actor("i1") and actor.confirmed.by == "Bram"
        link = store.get_link("c1")
        assert (link.source, link.target, link.kind) == ("i1", "p1", LinkKind.CONTACTPERSOON)
        assert link.confirmed.by == "Bram" and link.version == 1
        assert [e.entity_id for e in store.audit_log(limit=2)] == ["c1", "i1"]
        assert {lk.id for lk in store.list_links("daalhof")} == {"c1"}

    def test_save_actor_writes_nothing_when_a_link_is_refused(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        counter = store.change_counter("daalhof")
        audit = store.audit_log(limit=1000)
        bad = link_in("c1", "i1", "weg", kind=LinkKind.CONTACTPERSOON)
        with pytest.raises(InvalidData) as refused:
            store.save_actor(ini("i1"), by=BY, new_links=[bad], confirm=True)
        assert _fields(refused.value) == {"links.0.target"}
        with pytest.raises(NotFound):
            store.get_actor("i1")
        assert store.list_links() == [] and store.audit_log(limit=1000) == audit
        assert store.change_counter("daalhof") == counter

    def test_save_actor_updates_ends_and_adds_links_or_nothing(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        for actor in (ini("i1"), pro("p1"), pro("p2")):
            store.create_actor(actor, by=BY)
        old = store.create_link(
            link_in("c1", "i1", "p1", kind=LinkKind.CONTACTPERSOON, since=D), by=BY
        )
        new = link_in("c2", "i1", "p2", kind=LinkKind.CONTACTPERSOON, since=D)
        changed = ini("i1", description="Nieuw", contact={"name": "Mien", "phone": "06-1234567"})
        # a stale version: nothing is written
        with pytest.raises(Conflict):
            store.save_actor(
                changed, by=BY, expected_version=9, new_links=[new], end_links={"c1": D}
            )
        assert store.get_link("c1") == old and store.get_actor("i1").version == 1
        with pytest.raises(NotFound):
            store.get_link("c2")
        actor = store.save_actor(
            changed, by="Bram", expected_version=1, new_links=[new], end_links={"c1": D}
        )
        assert actor.version == 2 and actor.description == "Nieuw"
        assert actor.contact.name == "Mien" and actor.confirmed is None
        ended = store.get_link("c1")
        assert ended.until == D and ended.version == 2 and ended.kind is LinkKind.CONTACTPERSOON
        assert store.get_link("c2").until is None and store.get_link("c2").confirmed is None
        latest = store.audit_log(limit=3)
        assert [(e.action, e.entity_id) for e in latest] == [
            ("create", "c2"),
            ("update", "c1"),
            ("update", "i1"),
        ]
        assert {e.by for e in latest} == {"Bram"}

    def test_a_contact_persons_name_is_erased_like_a_professionals(self, store):
        store.create_wijk(wijk_in("daalhof"), by=BY)
        contact = {"name": "Mien Bewoner", "email": "mien@example.org"}
        store.create_actor(ini("i1", contact=contact), by=BY)
        store.create_actor(ini("i2", description="Vraag het Mien Bewoner."), by=BY)
        store.update_actor("i1", {"description": "Mien Bewoner helpt"}, expected_version=1, by=BY)
        assert store.get_actor("i1").contact.name == "Mien Bewoner"
        erased = store.erase_personal_data("i1", by="Functionaris AVG")
        assert erased.contact is None and erased.name == "Initiatief i1"
        assert erased.description == f"{ERASED_NAME} helpt"
        assert store.get_actor("i2").description == f"Vraag het {ERASED_NAME}."
        text = json.dumps([[e.before, e.after] for e in store.audit_log(limit=1000)])
        assert "Mien" not in text and "mien@example.org" not in text

    def test_an_import_confirms_nothing_and_keeps_earlier_confirmations(self, store):
        """``bulk_upsert`` (the import) writes what a file says, which nobody has vouched
        for record by record: new records are unconfirmed, changed ones keep theirs."""
        store.create_wijk(wijk_in("daalhof"), by=BY)
        store.create_actor(ini("i1"), by="Bram", confirm=True)
        before = store.get_actor("i1").confirmed
        store.bulk_upsert(
            actors=[ini("i1", description="Uit het bestand"), ini("i2")],
            links=[link_in("l1", "i1", "i2")],
            by="Carla",
        )
        assert store.get_actor("i1").version == 2 and store.get_actor("i1").confirmed == before
        assert store.get_actor("i2").confirmed is None and store.get_link("l1").confirmed is None
