"""The planner's lenient rules for files made elsewhere: defaults and warnings instead of
refusals, merged repeated links, identity by a foreign id, no follow-on errors, and the
refusals that stay. Tables are built here as a reader hands them over (canonical fields,
the user's own headers), so these tests do not depend on a file format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from graph.model import (
    NAME_MAX,
    NOTE_MAX,
    ActorKind,
    Contact,
    Domain,
    Intensity,
    LinkKind,
    Role,
    Theme,
)
from graph.store.base import GraphStore
from importers.apply import apply_plan
from importers.columns import TableKind
from importers.mapping import Defaults
from importers.plan import ImportPlan, build_plan
from importers.state import stable_ref_id
from importers.tables import Problem, Row, Table, aantal
from tests.support.importing import BY, new_store

ELEMENT_HEADERS = {
    "ref": "_id",
    "name": "Label",
    "type": "Element Type",
    "description": "Description",
    "tags": "Tags",
}
CONNECTION_HEADERS = {"source": "From", "target": "To", "type": "Connection Type"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    store = new_store(tmp_path / "lenient.db")
    try:
        yield store
    finally:
        store.close()


def table(kind: TableKind, source: str, headers: dict[str, str], *rows: dict[str, Any]) -> Table:
    """A table as a reader gives it: rows numbered from 2 (the header is row 1)."""
    return Table(kind, source, dict(headers), [Row(n, dict(r)) for n, r in enumerate(rows, 2)])


def elements(*rows: dict[str, Any], headers: dict[str, str] = ELEMENT_HEADERS) -> Table:
    return table("actors", "kaart.json › elements", headers, *rows)


def connections(*rows: dict[str, Any], headers: dict[str, str] = CONNECTION_HEADERS) -> Table:
    return table("links", "kaart.json › connections", headers, *rows)


def plan(store: GraphStore, *tables: Table, **kw: Any) -> ImportPlan:
    kw.setdefault("default_wijk", "daalhof")
    return build_plan(store, list(tables), **kw)


def warning(result: ImportPlan, code: str, value: str | None = None) -> Problem:
    (found,) = [w for w in result.warnings if w.code == code and value in (None, w.value)]
    return found


def actors(store: GraphStore) -> dict[str, Any]:
    return {a.name: a for a in store.list_actors()}


# -- defaults instead of refusals ----------------------------------------------------------


def test_an_unknown_type_becomes_the_default_kind_with_one_grouped_warning(store):
    result = plan(
        store,
        elements(
            {"ref": "e1", "name": "Wijkteam", "type": "Stakeholder"},
            {"ref": "e2", "name": "Bibliotheek", "type": "Stakeholder"},
            {"ref": "e3", "name": "Mevrouw Jansen", "type": "Interviewee"},
        ),
    )
    assert result.ok and result.problems == []
    stakeholder = warning(result, "default_kind", "Stakeholder")
    assert (stakeholder.level, stakeholder.column, stakeholder.rows, stakeholder.count) == (
        "let op",
        "Element Type",
        [2, 3],
        2,
    )
    assert stakeholder.message == (
        "geen soort van wijknet; ingelezen als organisatie (rol overig). "
        "Wijzig dit in de koppeling."
    )
    apply_plan(store, result, by=BY)
    assert {a.kind for a in store.list_actors()} == {ActorKind.ORGANISATIE}
    assert {a.role for a in store.list_actors()} == {Role.OVERIG}


def test_no_kind_at_all_takes_the_files_default_kind(store):
    rows = elements({"ref": "e1", "name": "Buurtmoestuin"}, {"ref": "e2", "name": "Taalhuis"})
    result = plan(store, rows, defaults=Defaults(soort=ActorKind.INITIATIEF))
    missing = warning(result, "default_kind")
    assert missing.column == "soort" and missing.rows == [2, 3]
    assert missing.message.startswith("geen soort ingevuld; ingelezen als initiatief.")
    apply_plan(store, result, by=BY)
    assert {a.kind for a in store.list_actors()} == {ActorKind.INITIATIEF}


def test_role_overig_without_a_kind_gets_the_default_kind(store):
    rows = table(
        "actors",
        "partners.csv",
        {"name": "Partner", "role": "Type"},
        {"name": "Markt", "role": "Other"},
    )
    result = plan(store, rows)
    assert result.problems == []
    apply_plan(store, result, by=BY)
    markt = actors(store)["Markt"]
    assert (markt.kind, markt.role) == (ActorKind.ORGANISATIE, Role.OVERIG)


def test_an_empty_domain_becomes_onbekend_with_a_warning(store):
    result = plan(store, elements({"ref": "e1", "name": "A"}, {"ref": "e2", "name": "B"}))
    domain = warning(result, "default_domain")
    assert domain.column == "domein" and domain.rows == [2, 3]
    assert domain.message.startswith(
        "geen domein ingevuld; ingelezen als 'Onbekend (nog aanvullen)'"
    )
    apply_plan(store, result, by=BY)
    assert {a.domain for a in store.list_actors()} == {Domain.ONBEKEND}


def test_the_default_domain_can_be_chosen_and_a_role_gives_its_own(store):
    rows = table(
        "actors",
        "a.csv",
        {"name": "Naam", "role": "Functie"},
        {"name": "Praktijk Noord", "role": "huisartsenpraktijk"},
        {"name": "Stichting Zuid", "role": ""},
    )
    result = plan(store, rows, defaults=Defaults(domein=Domain.SOCIAAL))
    apply_plan(store, result, by=BY)
    found = actors(store)
    assert found["Praktijk Noord"].domain is Domain.ZORG
    assert found["Stichting Zuid"].domain is Domain.SOCIAAL


def test_unknown_themes_and_tags_are_skipped_with_a_grouped_note(store):
    headers = ELEMENT_HEADERS | {"themes": "Thema"}
    rows = elements(
        {"ref": "e1", "name": "A", "themes": "ouderen; Geldzorgen", "tags": "mafia-founded"},
        {"ref": "e2", "name": "B", "themes": "Geldzorgen", "tags": "mafia-founded|leefstijl"},
        headers=headers,
    )
    result = plan(store, rows)
    assert result.problems == []
    theme = warning(result, "skipped_value", "Geldzorgen")
    assert (theme.column, theme.rows) == ("Thema", [2, 3])
    assert theme.message.startswith("geen thema van wijknet; overgeslagen.")
    tag = warning(result, "skipped_value", "mafia-founded")
    assert tag.column == "Tags" and tag.count == 2
    apply_plan(store, result, by=BY)
    assert actors(store)["A"].themes == [Theme.OUDEREN]
    assert actors(store)["B"].themes == [Theme.LEEFSTIJL]


def test_overlong_text_is_cut_with_an_ellipsis_and_a_warning(store):
    long_text, long_name = "x" * (NOTE_MAX + 500), "N" * (NAME_MAX + 5)
    result = plan(store, elements({"ref": "e1", "name": long_name, "description": long_text}))
    assert result.problems == []
    cut = {w.column: w for w in result.warnings if w.code == "cut_text"}
    assert set(cut) == {"Label", "Description"}
    assert cut["Description"].message.startswith(f"langer dan {NOTE_MAX} tekens; ingekort")
    apply_plan(store, result, by=BY)
    (actor,) = store.list_actors()
    assert len(actor.description) == NOTE_MAX and actor.description.endswith("…")
    assert len(actor.name) == NAME_MAX and actor.name.endswith("…")


def test_an_invalid_email_or_phone_is_left_empty_with_a_warning(store):
    headers = ELEMENT_HEADERS | {"email": "Contact", "phone": "Tel"}
    result = plan(
        store,
        elements(
            {"ref": "e1", "name": "A", "email": "?", "phone": "043 123 45 67"},
            {"ref": "e2", "name": "B", "email": "?", "phone": "geen"},
            {"ref": "e3", "name": "C", "email": "c@voorbeeld.nl", "phone": ""},
            headers=headers,
        ),
    )
    assert result.ok, result.problems
    assert [r.action for r in result.rows] == ["create"] * 3
    email = warning(result, "dropped_contact", "?")
    assert (email.level, email.column, email.rows) == ("let op", "Contact", [2, 3])
    assert email.message.startswith("geen geldig e-mailadres; leeg gelaten.")
    phone = warning(result, "dropped_contact", "geen")
    assert (phone.column, phone.rows) == ("Tel", [3])
    assert phone.message.startswith("geen geldig telefoonnummer; leeg gelaten.")
    apply_plan(store, result, by=BY)
    stored = actors(store)
    assert stored["A"].contact is not None and stored["A"].contact.email is None
    assert stored["A"].contact.phone == "043 123 45 67"
    assert stored["B"].contact is None
    assert stored["C"].contact is not None and stored["C"].contact.email == "c@voorbeeld.nl"


def test_only_the_import_is_lenient_about_an_email_address():
    with pytest.raises(ValidationError):
        Contact(email="?")
    with pytest.raises(ValidationError):
        Contact(phone="geen")


# -- repeated links --------------------------------------------------------------------------


def test_a_reciprocal_or_repeated_pair_is_merged_into_one_link(store):
    headers = CONNECTION_HEADERS | {"intensity": "Weight", "since": "Sinds"}
    result = plan(
        store,
        elements({"ref": "e1", "name": "Keith"}, {"ref": "e2", "name": "Slide"}),
        connections(
            {"source": "e1", "target": "e2", "type": "Founder", "intensity": "2", "since": "2010"},
            {"source": "e2", "target": "e1", "type": "Investor", "intensity": "4", "since": "2008"},
            {"source": "e1", "target": "e2", "type": "Founder", "intensity": "1", "since": ""},
            headers=headers,
        ),
    )
    assert result.ok, result.problems
    links = [r for r in result.rows if r.entity == "link"]
    assert [r.action for r in links] == ["create", "merge", "merge"]
    assert result.counts["link"]["merge"] == 2
    merged = warning(result, "merged_link")
    assert (merged.column, merged.value, merged.rows) == ("From", "Keith — Slide", [3, 4])
    assert "samengevoegd met rij 2" in merged.message
    apply_plan(store, result, by=BY)
    (link,) = store.list_links()
    assert (link.kind, link.intensity, link.since) == (
        LinkKind.SAMENWERKING,
        Intensity.SAMENWERKEN,
        date(2008, 1, 1),
    )
    assert link.note == "Types: Founder, Investor"


def test_a_verwijzing_each_way_is_two_links(store):
    headers = CONNECTION_HEADERS | {"kind": "Soort"}
    result = plan(
        store,
        elements(
            {"ref": "e1", "name": "Huisarts", "type": "organisatie"},
            {"ref": "e2", "name": "Welzijn", "type": "organisatie"},
        ),
        connections(
            {"source": "e1", "target": "e2", "kind": "verwijzing"},
            {"source": "e2", "target": "e1", "kind": "verwijzing"},
            headers=headers,
        ),
    )
    assert [r.action for r in result.rows if r.entity == "link"] == ["create", "create"]
    assert not [w for w in result.warnings if w.code == "merged_link"]


def test_a_werkt_bij_from_an_organisation_to_a_professional_is_turned_round(store):
    headers = CONNECTION_HEADERS | {"kind": "Soort"}
    result = plan(
        store,
        elements(
            {"ref": "o1", "name": "Welzijn", "type": "organisatie"},
            {"ref": "p1", "name": "Fleur", "type": "professional"},
            {"ref": "p2", "name": "Sanne", "type": "professional"},
        ),
        connections(
            {"source": "o1", "target": "p1", "kind": "werkt bij"},
            {"source": "o1", "target": "p2", "kind": "werkt bij"},
            {"source": "p2", "target": "o1", "kind": "werkt bij"},
            headers=headers,
        ),
    )
    assert result.ok, result.problems
    assert [r.action for r in result.rows if r.entity == "link"] == ["create", "create", "merge"]
    turned = warning(result, "turned_link")
    assert (turned.level, turned.column, turned.rows) == ("let op", "From", [2, 3])
    assert turned.message == (
        "een werkt bij van een organisatie naar een professional; omgedraaid (de "
        "professional werkt bij de organisatie)."
    )
    apply_plan(store, result, by=BY)
    names = {a.id: a.name for a in store.list_actors()}
    assert sorted((names[x.source], names[x.target], x.kind) for x in store.list_links()) == [
        ("Fleur", "Welzijn", LinkKind.WERKT_BIJ),
        ("Sanne", "Welzijn", LinkKind.WERKT_BIJ),
    ]


def test_a_werkt_bij_between_two_organisations_becomes_a_samenwerking(store):
    headers = CONNECTION_HEADERS | {"kind": "Soort", "note": "Notitie"}
    result = plan(
        store,
        elements(
            {"ref": "o1", "name": "Welzijn", "type": "organisatie"},
            {"ref": "o2", "name": "Bibliotheek", "type": "organisatie"},
            {"ref": "o3", "name": "Huisarts", "type": "organisatie"},
        ),
        connections(
            {"source": "o1", "target": "o2", "kind": "werkt bij", "note": "Sinds de fusie"},
            {"source": "o1", "target": "o3", "kind": "werkt bij"},
            headers=headers,
        ),
    )
    assert result.ok, result.problems
    changed = warning(result, "werkt_bij_samenwerking")
    assert (changed.level, changed.column, changed.rows) == ("let op", "Soort", [2, 3])
    assert changed.message == (
        "een werkt bij tussen twee organisaties; ingelezen als samenwerking ('Type: werkt "
        "bij' staat in de notitie)."
    )
    apply_plan(store, result, by=BY)
    names = {a.id: a.name for a in store.list_actors()}
    links = {names[x.target]: x for x in store.list_links()}
    assert {x.kind for x in links.values()} == {LinkKind.SAMENWERKING}
    assert links["Bibliotheek"].note == "Sinds de fusie\nType: werkt bij"
    assert links["Huisarts"].note == "Type: werkt bij"


def test_other_wrong_ends_of_a_werkt_bij_stay_refusals(store):
    headers = CONNECTION_HEADERS | {"kind": "Soort"}
    result = plan(
        store,
        elements(
            {"ref": "o1", "name": "Welzijn", "type": "organisatie"},
            {"ref": "i1", "name": "Moestuin", "type": "initiatief"},
            {"ref": "p1", "name": "Fleur", "type": "professional"},
            {"ref": "p2", "name": "Sanne", "type": "professional"},
        ),
        connections(
            {"source": "i1", "target": "o1", "kind": "werkt bij"},
            {"source": "p1", "target": "p2", "kind": "werkt bij"},
            {"source": "o1", "target": "i1", "kind": "werkt bij"},
            headers=headers,
        ),
    )
    assert {(p.row, p.column, p.code) for p in result.problems} == {
        (2, "From", "werkt_bij"),
        (3, "To", "werkt_bij"),
        (4, "From", "werkt_bij"),
        (4, "To", "werkt_bij"),
    }
    assert "Een 'werkt bij'-verbinding gaat van een professional" in result.problems[0].message
    assert not [w for w in result.warnings if w.code in ("turned_link", "werkt_bij_samenwerking")]


# -- identity by a foreign id --------------------------------------------------------------


def test_elements_with_one_label_and_two_ids_are_two_actors(store):
    result = plan(
        store,
        elements(
            {"ref": "x1", "name": "Financial consequences"},
            {"ref": "x2", "name": "Financial consequences"},
        ),
        connections({"source": "x1", "target": "x2"}),
    )
    assert result.ok, result.problems
    ids = [r.id for r in result.rows if r.entity == "actor"]
    assert ids == [stable_ref_id("daalhof", "x1"), stable_ref_id("daalhof", "x2")]
    apply_plan(store, result, by=BY)
    assert len(store.list_actors()) == 2 and len(store.list_links()) == 1


def test_a_reference_matches_an_actor_imported_before_by_its_unique_name(store):
    first = table(
        "actors",
        "a.csv",
        {"name": "Naam", "kind": "Soort"},
        {"name": "Buurthuis", "kind": "initiatief"},
    )
    apply_plan(store, plan(store, first), by=BY)
    (stored,) = store.list_actors()
    again = plan(store, elements({"ref": "k-9", "name": "Buurthuis", "type": "initiatief"}))
    assert [(r.id, r.action) for r in again.rows] == [(stored.id, "skip")]


# -- wijk --------------------------------------------------------------------------------------


def test_an_unknown_wijk_is_one_problem(store):
    rows = table(
        "actors", "a.csv", {"name": "Naam", "wijken": "Wijk"}, {"name": "A", "wijken": "florence"}
    )
    result = plan(store, rows, default_wijk=None)
    (problem,) = result.problems
    assert (problem.code, problem.column, problem.value) == ("unknown_wijk", "Wijk", "florence")
    assert "ontbreekt" not in problem.message


# -- refusals that stay ------------------------------------------------------------------------


def test_a_link_to_an_actor_that_is_nowhere_is_refused(store):
    result = plan(
        store, elements({"ref": "e1", "name": "A"}), connections({"source": "e1", "target": "zzz"})
    )
    (problem,) = result.problems
    assert (problem.level, problem.code, problem.column) == ("fout", "unknown_actor", "To")
    assert "staat niet in het bestand en niet in wijknet" in problem.message
    assert not result.ok


def test_an_impossible_date_and_a_self_link_are_refused(store):
    headers = CONNECTION_HEADERS | {"since": "Sinds"}
    result = plan(
        store,
        elements({"ref": "e1", "name": "A"}, {"ref": "e2", "name": "B"}),
        connections(
            {"source": "e1", "target": "e2", "since": "31-02-2024"},
            {"source": "e1", "target": "e1"},
            headers=headers,
        ),
    )
    by_row = {p.row: p for p in result.problems}
    assert by_row[2].code == "bad_date" and by_row[2].column == "Sinds"
    assert by_row[3].level == "fout" and by_row[3].source == "kaart.json › connections"
    assert {r.action for r in result.rows if r.entity == "link"} == {"error"}


def test_changing_an_immutable_field_is_refused(store):
    first = table(
        "actors",
        "a.csv",
        {"name": "Naam", "kind": "Soort"},
        {"name": "Buurthuis", "kind": "initiatief"},
    )
    apply_plan(store, plan(store, first), by=BY)
    (stored,) = store.list_actors()
    rows = table(
        "actors",
        "a.csv",
        {"id": "id", "name": "Naam", "kind": "Soort"},
        {"id": stored.id, "name": "Buurthuis", "kind": "organisatie"},
    )
    (problem,) = plan(store, rows).problems
    assert problem.column == "Soort" and problem.code == "immutable"


# -- follow-on errors and one pass -------------------------------------------------------------


def test_a_link_to_a_refused_row_names_that_row_once(store):
    headers = ELEMENT_HEADERS | {"since": "Sinds", "wijken": "Wijk"}
    result = plan(
        store,
        elements(
            {"ref": "e1", "name": "A", "since": "31-02-2024"},
            {"ref": "e2", "name": "B", "wijken": "florence"},
            {"ref": "e3", "name": "C"},
            headers=headers,
        ),
        connections({"source": "e1", "target": "e2"}, {"source": "e3", "target": "e1"}),
    )
    links = [p for p in result.problems if p.source == "kaart.json › connections"]
    assert [(p.row, p.code) for p in links] == [(2, "broken_reference"), (3, "broken_reference")]
    assert links[0].message == (
        "Deze actoren staan op kaart.json › elements, rij 2 en kaart.json › elements, rij 3; "
        "die rijen worden niet geïmporteerd (zie daar)."
    )
    assert links[1].column == "To" and links[1].message == (
        "Deze actor staat op kaart.json › elements, rij 2; die rij wordt niet geïmporteerd "
        "(zie daar)."
    )
    assert not any("staat niet in het bestand" in p.message for p in result.problems)


def test_every_problem_of_a_row_is_reported_in_one_pass(store):
    rows = table(
        "actors",
        "a.csv",
        {"name": "Naam", "kind": "Soort", "domain": "Domein", "since": "Sinds", "email": "Mail"},
        {
            "name": "A",
            "kind": "persoontje",
            "domain": "socaal",
            "since": "1 maart",
            "email": "geen-mail",
        },
    )
    result = plan(store, rows)
    assert {p.column for p in result.problems} == {"Soort", "Domein", "Sinds"}
    assert len(result.problems) == 3
    assert warning(result, "dropped_contact").column == "Mail"


# -- messages ----------------------------------------------------------------------------------


def test_messages_are_correct_dutch():
    assert aantal(1, "probleem", "problemen") == "1 probleem"
    assert aantal(16, "probleem", "problemen") == "16 problemen"


def test_unknown_values_name_the_users_header_and_list_the_allowed_values_once(store):
    rows = table(
        "actors",
        "a.csv",
        {"name": "Naam", "kind": "Soort", "domain": "Werkveld", "role": "Functie"},
        {"name": "A", "kind": "organisatie", "domain": "socaal", "role": "bakkerij"},
        {"name": "B", "kind": "organisatie", "domain": "zorg", "role": "slagerij"},
        {"name": "C", "kind": "organisatie", "domain": "zorg", "role": "kapper"},
    )
    result = plan(store, rows)
    messages = sorted(p.message for p in result.problems)
    assert len(messages) == 4
    assert messages[0].startswith("Onbekend domein 'socaal'. Bedoelt u 'sociaal'?")
    assert all(m.startswith("Onbekende rol '") for m in messages[1:])
    assert not any("Kies uit" in m for m in messages)
    assert set(result.allowed) == {"Werkveld", "Functie"}
    assert "huisartsenpraktijk" in result.allowed["Functie"]
    assert result.allowed["Werkveld"][-1] == "onbekend"


# -- idempotent --------------------------------------------------------------------------------


def test_a_second_import_of_the_same_file_changes_nothing(store):
    headers = CONNECTION_HEADERS | {"intensity": "Weight"}
    tables = [
        elements(
            {"ref": "e1", "name": "Keith", "type": "Person"},
            {"ref": "e2", "name": "Slide", "type": "Company", "tags": "leefstijl|VC"},
            {"ref": "e3", "name": "Slide"},
            {"ref": "e4", "name": "Lang", "description": "y" * (NOTE_MAX + 10)},
        ),
        connections(
            {"source": "e1", "target": "e2", "type": "Founder", "intensity": "3"},
            {"source": "e2", "target": "e1", "type": "Investor", "intensity": ""},
            {"source": "e3", "target": "e4"},
            headers=headers,
        ),
    ]
    first = plan(store, *tables)
    assert first.ok, first.problems
    apply_plan(store, first, by=BY)
    again = plan(store, *tables)
    assert again.ok, again.problems
    assert {(r.entity, r.action) for r in again.rows} == {
        ("actor", "skip"),
        ("link", "skip"),
        ("link", "merge"),
    }
    assert not [w for w in again.warnings if w.code in ("default_kind", "default_domain")]


# -- onbekend in the analysis ------------------------------------------------------------------


def test_actors_of_unknown_domain_do_not_inflate_the_cross_domain_figures():
    from graph.analysis import analyse, graph_from_records
    from tests.graph.wijk_factory import actor, link

    people = [actor("a", "zorg"), actor("b", "zorg"), actor("c", "sociaal")]
    people += [actor("u", "onbekend"), actor("v", "onbekend")]
    ties = [link("a", "b"), link("b", "c"), link("a", "u"), link("c", "v"), link("u", "v")]
    result = analyse(graph_from_records(people, ties, wijk="testwijk", name="Testwijk"))
    assert result.links == 5 and result.actors_by_domain["onbekend"] == 2
    assert result.cross_domain_links == 1 and result.cross_domain_share == 0.5
    assert result.ei_index == 0.0
    assert "onbekend" not in result.ei_by_domain
    assert {d.a for d in result.domain_pairs} | {d.b for d in result.domain_pairs} == {
        "zorg",
        "sociaal",
    }
    assert "onbekend" not in {b.domain for b in result.brokerage_by_domain}


def test_onbekend_is_the_last_domain_in_every_dropdown():
    from graph.model import LABELS

    assert list(Domain)[-1] is Domain.ONBEKEND
    assert LABELS[Domain.ONBEKEND] == "Onbekend (nog aanvullen)"


def test_a_grouped_warning_reads_as_one_line(store):
    from importers.tables import describe

    rows = elements(
        {"ref": "e1", "name": "A", "type": "Stakeholder"},
        {"ref": "e2", "name": "B", "type": "Stakeholder"},
    )
    line = describe(warning(plan(store, rows), "default_kind", "Stakeholder"))
    assert line == (
        "kolom 'Element Type', waarde 'Stakeholder' (2 rijen: 2, 3): geen soort van wijknet; "
        "ingelezen als organisatie (rol overig). Wijzig dit in de koppeling."
    )


def test_a_group_of_actors_without_a_domain_is_no_silo():
    from graph.analysis import analyse, graph_from_records
    from tests.graph.wijk_factory import actor, link

    people = [actor(x, "onbekend") for x in "uvw"] + [actor(x, "zorg") for x in "abc"]
    ties = [link("u", "v"), link("v", "w"), link("u", "w"), link("a", "b"), link("b", "c")]
    ties.append(link("a", "c"))
    result = analyse(graph_from_records(people, ties, wijk="testwijk", name="Testwijk"))
    by_main = {c.main_domain: c for c in result.communities}
    assert by_main["zorg"].silo and not by_main["onbekend"].silo
    assert result.silo_count == 1


def test_a_formula_found_by_the_reader_stays_a_refusal(store):
    rows = elements({"ref": "e1", "name": "A", "description": "=HYPERLINK()"})
    rows.rows[0].problems.append(
        ("description", "=HYPERLINK()", "Deze cel is een formule.", "formula")
    )
    (problem,) = plan(store, rows).problems
    assert (problem.code, problem.column, problem.level) == ("formula", "Description", "fout")


def test_an_employer_the_user_may_not_name_stays_a_refusal(store):
    first = table(
        "actors",
        "a.csv",
        {"name": "Naam", "kind": "Soort", "domain": "Domein"},
        {"name": "Welzijn Noord", "kind": "organisatie", "domain": "sociaal"},
    )
    apply_plan(store, plan(store, first), by=BY)
    rows = table(
        "actors",
        "p.csv",
        {"name": "Naam", "kind": "Soort", "organisation": "Werkt bij"},
        {"name": "Fleur", "kind": "professional", "organisation": "Welzijn Noord"},
    )
    (problem,) = plan(store, rows, may_employ=lambda org: False).problems
    assert (problem.code, problem.column) == ("forbidden", "Werkt bij")


@pytest.mark.parametrize(
    "shape",
    [
        "kumu_json",
        "kumu_json_source_target",
        "kumu_xlsx",
        "graphml_keys_in_graph",
        "gexf_mixed",
        "sociale_kaart_xlsx",
        "partner_csv",
    ],
)
def test_every_foreign_shape_reimports_unchanged(store, shape):
    from importers.apply import plan_files
    from tests.support import import_shapes

    files = [getattr(import_shapes, shape)()]
    first = plan_files(store, files, default_wijk="daalhof")
    apply_plan(store, first, by=BY, valid_only=True)
    again = plan_files(store, files, default_wijk="daalhof")
    actions = {r.action for r in again.rows if r.action != "error"}
    assert actions and actions <= {"skip", "merge"}, again.rows
    assert [r.row for r in again.rows if r.action == "error"] == [
        r.row for r in first.rows if r.action == "error"
    ]
