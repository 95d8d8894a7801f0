"""Importing what people have: CSV and XLSX in Dutch or English, Kumu, our JSON."""

from __future__ import annotations

import pytest

from graph.model import ActorKind, Domain, Intensity, Kernaanpak, LinkKind, Role, Theme
from importers.apply import ImportRefused, apply_plan
from importers.readers import read_file, sniff_delimiter
from tests.support.importing import (
    ACTORS,
    BY,
    EXAMPLES,
    LINKS,
    csv_bytes,
    new_store,
    plan,
    run,
    sample_files,
    xlsx_bytes,
)


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "import.db")
    yield store
    store.close()


def by_name(store):
    return {a.name: a for a in store.list_actors()}


# -- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_csv_in_any_common_dialect_reads_the_same(store, delimiter, encoding, bom, newline):
    rows = [
        ["Naam", "Soort", "Domein", "Wijk", "Omschrijving"],
        ["Café De Ontmoeting", "initiatief", "inwoners", "De Baandert", "Koffie; thee, taart"],
    ]
    data = csv_bytes(rows, delimiter=delimiter, encoding=encoding, bom=bom, newline=newline)
    result = plan(store, ("lijst.csv", data))
    assert result.problems == []
    assert [(r.label, r.action) for r in result.rows] == [("Café De Ontmoeting", "create")]
    run(store, ("lijst.csv", data))
    assert by_name(store)["Café De Ontmoeting"].description == "Koffie; thee, taart"


def test_sniffing_picks_the_delimiter_of_the_header_outside_quotes():
    assert sniff_delimiter('naam;"soort, of type";wijk\n') == ";"
    assert sniff_delimiter("naam,soort\n") == ","
    assert sniff_delimiter("naam\tsoort\n") == "\t"
    assert sniff_delimiter("naam\n") == ","


def test_english_headers_and_values_give_the_same_records(store, tmp_path):
    dutch = [
        ["naam", "soort", "domein", "rol", "wijk", "thema's", "kernaanpakken"],
        [
            "Buurthuis Noord",
            "initiatief",
            "inwoners",
            "buurthuis",
            "De Baandert",
            "eenzaamheid; ouderen",
            "welzijn op recept",
        ],
    ]
    english = [
        ["Name", "Kind", "Domain", "Role", "Neighbourhood", "Themes", "Core approaches"],
        [
            "Buurthuis Noord",
            "initiative",
            "residents",
            "buurthuis",
            "de-baandert",
            "loneliness, elderly",
            "Welzijn-op-Recept",
        ],
    ]
    run(store, ("nl.csv", csv_bytes(dutch)))
    other = new_store(tmp_path / "en.db")
    try:
        run(other, ("en.csv", csv_bytes(english, delimiter=",")))
        assert [
            a.model_dump(exclude={"created_at", "updated_at"}) for a in store.list_actors()
        ] == [a.model_dump(exclude={"created_at", "updated_at"}) for a in other.list_actors()]
    finally:
        other.close()
    actor = store.list_actors()[0]
    assert actor.themes == [Theme.EENZAAMHEID, Theme.OUDEREN]
    assert actor.kernaanpakken == [Kernaanpak.WELZIJN_OP_RECEPT]


@pytest.mark.parametrize(
    "written",
    [
        "Welzijn op recept",
        "welzijn-op-recept",
        "WELZIJN OP RECEPT",
        "  welzijn   op-recept ",
        "WelzijnOpRecept",
        "wélzijn op recept",
    ],
)
def test_enum_values_match_without_regard_to_case_accents_spacing_or_hyphens(store, written):
    rows = [
        ["naam", "soort", "domein", "wijk", "kernaanpak"],
        ["Coachpunt", "organisatie", "sociaal", "de-baandert", written],
    ]
    assert plan(store, ("a.csv", csv_bytes(rows))).problems == []
    run(store, ("a.csv", csv_bytes(rows)))
    assert store.list_actors()[0].kernaanpakken == [Kernaanpak.WELZIJN_OP_RECEPT]


def test_several_values_in_one_cell_split_on_semicolon_comma_or_pipe(store):
    rows = [
        ["naam", "soort", "domein", "wijk", "thema's"],
        ["A", "initiatief", "inwoners", "de-baandert", "eenzaamheid; ouderen"],
        ["B", "initiatief", "inwoners", "de-baandert", "eenzaamheid, mantelzorg"],
        ["C", "initiatief", "inwoners", "de-baandert, daalhof", "leefstijl | ouderen"],
    ]
    run(store, ("a.csv", csv_bytes(rows)))
    actors = by_name(store)
    assert actors["A"].themes == [Theme.EENZAAMHEID, Theme.OUDEREN]
    assert actors["B"].themes == [Theme.EENZAAMHEID, Theme.MANTELZORG]
    assert actors["C"].themes == [Theme.LEEFSTIJL, Theme.OUDEREN]
    assert actors["C"].wijken == ["daalhof", "de-baandert"]


def test_xlsx_with_two_sheets_and_dates_and_numbers(store):
    from datetime import date

    data = xlsx_bytes(
        {
            "Partners": [
                ["Naam", "Soort", "Domein", "Wijk", "Sinds"],
                ["Sportclub", "organisatie", "sociaal", "De Baandert", date(2021, 4, 1)],
            ],
            "Samenwerkingen": [["Van", "Naar", "Intensiteit"], ["Sportclub", "Buurthuis", 3]],
            "Buurthuis": [
                ["Naam", "Soort", "Domein", "Wijk"],
                ["Buurthuis", "initiatief", "inwoners", "De Baandert"],
            ],
        }
    )
    result = plan(store, ("werk.xlsx", data))
    assert result.problems == [], result.problems
    run(store, ("werk.xlsx", data))
    assert by_name(store)["Sportclub"].since == date(2021, 4, 1)
    assert store.list_links()[0].intensity == Intensity.AFSTEMMEN


def test_header_row_below_a_title_row_is_found(store):
    rows = [["Partnerlijst De Baandert (versie maart)"], [], ACTORS[0], *ACTORS[1:3]]
    result = plan(store, ("lijst.csv", csv_bytes(rows)))
    assert result.problems == []
    assert [r.row for r in result.rows] == [4, 5]


# -- the dry run ---------------------------------------------------------------------------


def test_dry_run_shows_create_update_and_skip_and_writes_nothing(store):
    result = plan(store, *sample_files())
    assert result.counts == {
        "actor": {"create": 4, "update": 0, "skip": 0, "error": 0},
        "link": {"create": 3, "update": 0, "skip": 0, "error": 0},
    }
    assert store.list_actors() == [] and store.list_links() == []
    run(store, *sample_files())
    changed = [row[:] for row in ACTORS]
    changed[4][5] = "eenzaamheid; ouderen"
    again = plan(store, ("actoren.csv", csv_bytes(changed)))
    actions = {r.label: (r.action, r.changes) for r in again.rows}
    assert actions["Wijkontbijt Baandert"] == ("update", ["themes"])
    assert actions["Fleur Fictief"] == ("skip", [])


def test_reimporting_the_same_file_changes_nothing(store):
    first = run(store, *sample_files())
    assert (first.created, first.updated) == (7, 0)
    actors, links, audit = store.list_actors(), store.list_links(), store.audit_log(limit=1000)
    again = plan(store, *sample_files())
    assert {r.action for r in again.rows} == {"skip"}
    second = apply_plan(store, again, by="Iemand Anders")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert store.list_actors() == actors and store.list_links() == links
    assert store.audit_log(limit=1000) == audit


def test_matching_by_name_ignores_case_accents_and_spacing(store):
    run(store, *sample_files())
    rows = [
        ["naam", "soort", "wijk", "omschrijving"],
        ["  huisartsenpraktijk de baandért ", "organisatie", "de-baandert", "Nieuw"],
    ]
    result = plan(store, ("a.csv", csv_bytes(rows)))
    assert [(r.action, r.changes) for r in result.rows] == [("update", ["description"])]
    apply_plan(store, result, by=BY)
    assert len(store.list_actors()) == 4


def test_an_id_column_matches_and_may_rename(store):
    run(store, *sample_files())
    fleur = by_name(store)["Fleur Fictief"]
    rows = [["id", "naam"], [fleur.id, "Fleur Fictief-de Vries"]]
    result = plan(store, ("a.csv", csv_bytes(rows)))
    assert [(r.action, r.changes) for r in result.rows] == [("update", ["name"])]
    apply_plan(store, result, by=BY)
    renamed = store.get_actor(fleur.id)
    assert renamed.name == "Fleur Fictief-de Vries" and renamed.themes == fleur.themes


def test_new_rows_get_stable_ids(store, tmp_path):
    run(store, *sample_files())
    other = new_store(tmp_path / "other.db")
    try:
        run(other, *sample_files(delimiter=","))
        assert [a.id for a in store.list_actors()] == [a.id for a in other.list_actors()]
        assert [lk.id for lk in store.list_links()] == [lk.id for lk in other.list_links()]
    finally:
        other.close()


def test_links_and_organisations_resolve_by_name_or_id_in_file_and_store(store):
    run(store, ("actoren.csv", csv_bytes(ACTORS)))
    ids = {a.name: a.id for a in store.list_actors()}
    assert (
        store.get_actor(ids["Fleur Fictief"]).organisation == ids["Welzijn Westelijke Mijnstreek"]
    )
    links = [
        ["from", "to", "kind"],
        [ids["Fleur Fictief"], "wijkontbijt baandert", "collaboration"],
    ]
    run(store, ("links.csv", csv_bytes(links)))
    (link,) = store.list_links()
    assert {link.source, link.target} == {ids["Fleur Fictief"], ids["Wijkontbijt Baandert"]}
    assert link.kind is LinkKind.SAMENWERKING


def test_a_samenwerking_written_the_other_way_round_is_the_same_link(store):
    run(store, *sample_files())
    links = [
        ["van", "naar", "soort", "intensiteit"],
        ["Welzijn Westelijke Mijnstreek", "Wijkontbijt Baandert", "samenwerking", "1"],
    ]
    result = plan(store, ("l.csv", csv_bytes(links)))
    assert [r.action for r in result.rows] == ["skip"]


def test_domain_and_kind_are_inferred_from_the_role(store):
    rows = [["naam", "rol", "wijk"], ["Wijkagent Fictief", "wijkagent", "de-baandert"]]
    run(store, ("a.csv", csv_bytes(rows)))
    actor = store.list_actors()[0]
    assert (actor.kind, actor.domain, actor.role) == (
        ActorKind.PROFESSIONAL,
        Domain.VEILIGHEID,
        Role.WIJKAGENT,
    )


def test_default_wijk_for_rows_without_one(store):
    rows = [["naam", "soort", "domein"], ["Taalcafé", "initiatief", "inwoners"]]
    without = plan(store, ("a.csv", csv_bytes(rows)))
    (problem,) = without.problems
    assert problem.column == "wijk"  # the Dutch name of a column the file does not have
    assert "--wijk" in problem.message
    run(store, ("a.csv", csv_bytes(rows)), default_wijk="Daalhof")
    assert store.list_actors()[0].wijken == ["daalhof"]


def test_columns_a_file_lacks_keep_what_is_stored(store):
    run(store, *sample_files())
    rows = [
        ["naam", "soort", "wijk", "omschrijving"],
        ["Fleur Fictief", "professional", "de-baandert", "Coach"],
    ]
    run(store, ("a.csv", csv_bytes(rows)))
    fleur = by_name(store)["Fleur Fictief"]
    assert fleur.description == "Coach"
    assert fleur.contact is not None and fleur.contact.email == "fleur@voorbeeld.invalid"
    assert fleur.kernaanpakken == [Kernaanpak.WELZIJN_OP_RECEPT]


def test_an_import_adds_wijken_but_never_removes_one(store):
    run(store, *sample_files())
    rows = [
        ["naam", "soort", "domein", "wijk"],
        ["Fleur Fictief", "professional", "zorg", "daalhof"],
    ]
    result = plan(store, ("a.csv", csv_bytes(rows)))
    assert [r.action for r in result.rows] == ["create"]  # another wijk: another actor
    rows = [["id", "wijk"], [by_name(store)["Fleur Fictief"].id, "daalhof"]]
    run(store, ("a.csv", csv_bytes(rows)))
    assert by_name(store)["Fleur Fictief"].wijken == ["daalhof", "de-baandert"]


def test_a_wijken_table_creates_wijken(tmp_path):
    store = new_store(tmp_path / "leeg.db", wijken=())
    try:
        wijken = [["slug", "naam", "gemeente", "cohort"], ["nuth", "Nuth", "Beekdaelen", "2"]]
        actors = [
            ["naam", "soort", "domein", "wijk"],
            ["Buurtkracht", "initiatief", "inwoners", "Nuth"],
        ]
        result = plan(store, ("w.csv", csv_bytes(wijken)), ("a.csv", csv_bytes(actors)))
        assert result.changes_wijken and result.wijken == ["nuth"]
        apply_plan(store, result, by=BY)
        assert store.get_wijk("nuth").cohort == 2
        assert store.list_actors("nuth")[0].name == "Buurtkracht"
    finally:
        store.close()


# -- problems ------------------------------------------------------------------------------


def test_every_problem_has_row_column_value_and_a_dutch_hint(store):
    actors = [row[:] for row in ACTORS]
    actors[2][2] = "socaal"
    links = [row[:] for row in LINKS] + [["Wijkontbijt Baandert", "Onbekende Club", "", ""]]
    result = plan(store, ("actoren.csv", csv_bytes(actors)), ("links.csv", csv_bytes(links)))
    problems = {(p.source, p.row, p.column): p for p in result.problems}
    domain = problems[("actoren.csv", 3, "domein")]
    assert domain.value == "socaal"
    assert "Bedoelt u 'sociaal'?" in domain.message and "Kies uit" not in domain.message
    assert result.allowed["domein"][:2] == ["zorg", "sociaal"]  # listed once per column
    unknown = problems[("links.csv", 5, "naar")]
    assert unknown.value == "Onbekende Club" and "Controleer de spelling" in unknown.message
    broken = [p for p in result.problems if p.code == "broken_reference"]
    assert {(p.source, p.row, p.column) for p in broken} == {
        ("actoren.csv", 4, "organisatie"),  # Fleur works at the organisation with the error
        ("links.csv", 2, "van"),  # both ends on refused rows: one problem per link
        ("links.csv", 3, "naar"),
        ("links.csv", 4, "naar"),
    }
    assert "actoren.csv, rij 3" in broken[0].message
    assert "die rij wordt niet geïmporteerd" in broken[0].message


def test_problem_rows_refuse_the_whole_import_by_default(store):
    actors = [row[:] for row in ACTORS]
    actors[3][1] = "persoontje"
    audit = store.audit_log(limit=1000)
    result = plan(store, ("actoren.csv", csv_bytes(actors)))
    with pytest.raises(ImportRefused) as info:
        apply_plan(store, result, by=BY)
    assert info.value.problems and info.value.details[0]["row"] == 4
    assert store.list_actors() == [] and store.audit_log(limit=1000) == audit


def test_valid_only_writes_the_good_rows_and_reports_the_rest(store):
    actors = [row[:] for row in ACTORS]
    actors[2][2] = "socaal"  # the organisation of Fleur: Fleur and her link fail with it
    result = run(
        store, ("actoren.csv", csv_bytes(actors)), ("links.csv", csv_bytes(LINKS)), valid_only=True
    )
    assert sorted(by_name(store)) == ["Huisartsenpraktijk De Baandert", "Wijkontbijt Baandert"]
    assert store.list_links() == []
    assert result.created == 2 and result.refused == 5
    assert {p.row for p in result.problems if p.source == "actoren.csv"} == {3, 4}


def test_names_shared_by_two_actors_need_an_id_or_a_wijk(store):
    rows = [
        ["naam", "soort", "domein", "wijk"],
        ["Buurthuis", "initiatief", "inwoners", "de-baandert"],
        ["Buurthuis", "initiatief", "inwoners", "daalhof"],
        ["Bakker", "organisatie", "werk en inkomen", "daalhof"],
    ]
    run(store, ("a.csv", csv_bytes(rows)))
    ambiguous = plan(store, ("l.csv", csv_bytes([["van", "naar"], ["Bakker", "Buurthuis"]])))
    (problem,) = ambiguous.problems
    assert "2 actoren" in problem.message and "wijk" in problem.message
    ok = plan(
        store, ("l.csv", csv_bytes([["van", "naar", "wijk"], ["Bakker", "Buurthuis", "Daalhof"]]))
    )
    assert ok.problems == []


def test_a_duplicate_row_in_the_file_is_a_problem(store):
    rows = [ACTORS[0], ACTORS[1], ACTORS[1]]
    (problem,) = plan(store, ("a.csv", csv_bytes(rows))).problems
    assert problem.row == 3 and "rij 2" in problem.message


def test_werkt_bij_goes_from_professional_to_organisation(store):
    links = [
        ["van", "naar", "soort"],
        ["Wijkontbijt Baandert", "Fleur Fictief", "werkt bij"],
        ["Welzijn Westelijke Mijnstreek", "Fleur Fictief", "werkt bij"],
    ]
    result = plan(store, ("a.csv", csv_bytes(ACTORS)), ("l.csv", csv_bytes(links)))
    assert {(p.row, p.column) for p in result.problems} == {(2, "van"), (2, "naar")}
    (turned,) = [w for w in result.warnings if w.code == "turned_link"]
    assert turned.rows == [3]  # organisation -> professional: turned round, not refused


def test_organisation_must_be_an_organisation(store):
    actors = [row[:] for row in ACTORS]
    actors[3][7] = "Wijkontbijt Baandert"
    (problem,) = plan(store, ("a.csv", csv_bytes(actors))).problems
    assert problem.column == "organisatie" and "geen organisatie" in problem.message


def test_model_validation_messages_are_dutch_and_name_the_column(store):
    rows = [
        ["naam", "soort", "domein", "wijk", "e-mail", "sinds", "tot"],
        ["X", "initiatief", "inwoners", "de-baandert", "geen-mail", "", ""],
        ["Y", "initiatief", "inwoners", "de-baandert", "", "2024-01-01", "2023"],
        ["Z", "initiatief", "inwoners", "de-baandert", "", "1 maart", ""],
    ]
    result = plan(store, ("a.csv", csv_bytes(rows)))
    problems = {p.row: p for p in result.problems}
    assert 2 not in problems  # an invalid e-mail address is left empty with a warning
    (dropped,) = [w for w in result.warnings if w.code == "dropped_contact"]
    assert (dropped.column, dropped.value, dropped.rows) == ("e-mail", "geen-mail", [2])
    assert "einddatum" in problems[3].message
    assert problems[4].column == "sinds" and "JJJJ-MM-DD" in problems[4].message


# -- Kumu and our JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        ["actoren.csv", "samenwerkingen.csv"],
        ["partners.xlsx"],
        ["kumu.xlsx"],
        ["kumu.json"],
        ["wijknet.json"],
    ],
)
def test_every_example_file_imports_cleanly_and_idempotently(store, files):
    loaded = [(name, (EXAMPLES / name).read_bytes()) for name in files]
    result = plan(store, *loaded)
    assert result.problems == [], result.problems
    run(store, *loaded)
    again = plan(store, *loaded)
    assert {r.action for r in again.rows} == {"skip"}


def test_kumu_json_moves_over_whole(store):
    run(store, ("kumu.json", (EXAMPLES / "kumu.json").read_bytes()))
    actors = by_name(store)
    club = actors["Sportvereniging De Voorbeeldrakkers"]
    assert (club.kind, club.role, club.domain) == (
        ActorKind.ORGANISATIE,
        Role.SPORTVERENIGING,
        Domain.SOCIAAL,
    )
    assert club.themes == [Theme.BEWEGEN_EN_SPORT, Theme.LEEFSTIJL]
    maatje = actors["Beweegmaatje Voorbeeld"]
    assert (maatje.kind, maatje.domain) == (ActorKind.INITIATIEF, Domain.INWONERS)
    kinds = {lk.kind for lk in store.list_links()}
    assert kinds == {LinkKind.VERWIJZING, LinkKind.SAMENWERKING}


def test_kumu_unknown_connection_types_become_samenwerking_with_a_note(store):
    result = plan(store, ("kumu.xlsx", (EXAMPLES / "kumu.xlsx").read_bytes()))
    assert any("Informatie" in n for n in result.notes)
    run(store, ("kumu.xlsx", (EXAMPLES / "kumu.xlsx").read_bytes()))
    notes = {lk.note for lk in store.list_links()}
    assert "Folders in het café\nType: Informatie" in notes


def test_read_file_names_the_tables_it_found():
    read = read_file("partners.xlsx", (EXAMPLES / "partners.xlsx").read_bytes())
    assert [(t.kind, t.source) for t in read.tables] == [
        ("actors", "partners.xlsx › Actors"),
        ("links", "partners.xlsx › Links"),
    ]
    assert any("Over dit bestand" in n for n in read.notes)
