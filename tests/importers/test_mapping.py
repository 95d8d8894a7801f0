"""The mapping step: proposal, effective mapping, applying it, the page's form, saving it."""

from __future__ import annotations

import pytest

from graph.model import ActorKind, Domain
from importers.apply import apply_plan
from importers.mapping import (
    SKIP,
    Defaults,
    ImportMapping,
    MappingError,
    TableMap,
    apply_mapping,
    effective,
    find_header_row,
    from_form,
    propose,
)
from importers.readers import read_raw
from importers.tables import describe
from tests.support import import_shapes as shapes
from tests.support.importing import BY, csv_bytes, new_store, plan, xlsx_bytes


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "w.db")
    yield store
    store.close()


def proposed(name: str, data: bytes, wijken: tuple[str, ...] = ("daalhof",)):
    read = read_raw(name, data)
    assert read.problems == []
    mapping, info = propose(read.raw, wijken)
    return read.raw, mapping, info


def columns(info, bron: str) -> dict[str, tuple[str, str]]:
    table = info.table(bron)
    assert table is not None
    return {c.header: (c.target, c.confidence) for c in table.columns}


# -- header row ----------------------------------------------------------------------------


def test_the_header_row_is_the_row_that_looks_most_like_headers():
    grid = [
        (1, ["Sociale kaart Oost", None, None]),
        (3, ["Organisatie", "Thema", "Telefoon"]),
        (4, ["Taalhuis", "Taal", "046-1234567"]),
    ]
    assert find_header_row(grid) == 3


def test_a_data_row_does_not_beat_the_header_row():
    grid = [(1, ["naam", "soort"]), (2, ["Wijkteam", "organisatie"]), (3, ["Club", "initiatief"])]
    assert find_header_row(grid) == 1


def test_a_single_column_file_uses_its_first_row():
    assert find_header_row([(1, ["naam"]), (2, ["A"]), (3, ["B"])]) == 1


# -- columns ------------------------------------------------------------------------------


def test_sociale_kaart_headers_and_organisatie_as_the_name():
    _, mapping, info = proposed(*shapes.sociale_kaart_xlsx())
    (table,) = mapping.tabellen
    assert (table.bron, table.soort, table.koprij) == ("Aanbod", "actoren", 3)
    assert columns(info, "Aanbod") == {
        "Organisatie": ("naam", "voorgesteld"),
        "Thema": ("thema's", "herkend"),
        "Doelgroep": ("tags", "herkend"),
        "Korte omschrijving": ("omschrijving", "herkend"),
        "Adres": ("adres", "herkend"),
        "Telefoon": ("telefoon", "herkend"),
        "E-mail": ("e-mail", "herkend"),
        "Website": ("website", "herkend"),
        "Laatst gecontroleerd op": (SKIP, "herkend"),
    }
    assert info.table("Aanbod").columns[0].examples == ["Schuldhulp Oost", "Taalhuis", "Opvoedpunt"]


def test_partner_list_by_synonym_words_and_the_unknown_ones_noted():
    _, mapping, info = proposed(*shapes.partner_csv())
    found = columns(info, "partners.csv")
    assert found["Partner Program Name"] == ("naam", "herkend")
    assert found["Visible Street Address"] == ("adres", "herkend")
    assert found["Latitude, Longitude"] == (SKIP, "herkend")
    assert found["City"] == found["Zip"] == ("adres", "herkend")
    assert found["Open Date"] == (SKIP, "niet herkend")
    assert any("'Open Date'" in n and "'Region'" in n for n in info.notes)


def test_near_misses_and_sniffed_values_are_proposed():
    data = csv_bytes(
        [
            ["Naam", "Omschrijvng", "Contact", "Werkgebied?", "Straat en huisnummer", "Plek"],
            ["A", "x", "a@b.nl", "daalhof", "Markt 1", "Daalhof"],
            ["B", "y", "c@d.nl", "daalhof", "Markt 2", "daalhof"],
        ]
    )
    _, _, info = proposed("a.csv", data)
    found = columns(info, "a.csv")
    assert found["Straat en huisnummer"] == ("adres", "voorgesteld")
    assert found["Plek"] == ("wijken", "voorgesteld")
    assert found["Omschrijvng"] == ("omschrijving", "voorgesteld")
    assert found["Contact"] == ("e-mail", "voorgesteld")
    assert found["Werkgebied?"] == ("wijken", "herkend")


def test_a_name_column_is_found_by_its_values_when_its_header_is_unknown():
    data = csv_bytes([["Programma", "Telefoon"], ["Koken", "0461234567"], ["Taal", "0467654321"]])
    _, mapping, info = proposed("a.csv", data)
    assert columns(info, "a.csv")["Programma"] == ("naam", "voorgesteld")


def test_an_empty_column_gives_way_to_a_filled_one():
    _, _, info = proposed(*shapes.kumu_xlsx())
    found = columns(info, "Connections")
    assert found["Label"] == (SKIP, "herkend") and found["Type"] == ("type", "herkend")


def test_kumu_id_is_the_reference_and_unknown_types_get_a_kind():
    _, mapping, info = proposed(*shapes.kumu_json())
    assert columns(info, "elements")["_id"] == ("ref", "herkend")
    assert mapping.waarden["type"] == {"Stakeholder": "organisatie", "Interviewee": "professional"}
    assert info.unknown["type"] == {"Stakeholder": 1, "Interviewee": 1}


def test_unknown_domains_are_suggested_not_applied():
    data = csv_bytes([["naam", "domein"], ["A", "socaal"], ["B", "zorg"]])
    _, mapping, info = proposed("a.csv", data)
    assert "domein" not in mapping.waarden
    assert info.suggested["domein"] == {"socaal": "sociaal"}
    assert info.known["domein"] == {"zorg": 1}


# -- applying ------------------------------------------------------------------------------


def test_address_website_and_extra_columns_are_folded_into_the_description():
    raw, mapping, _ = proposed(*shapes.partner_csv())
    mapping.tabellen[0].kolommen["Region"] = "extra"
    (table,) = apply_mapping(raw, mapping).tables
    first = table.rows[0].values
    assert first["description"] == (
        "$5\nAdres: 1817 N Clark St, Chicago, IL, 60614\n"
        "Website: https://greencity.example\nRegion: Chicago"
    )
    assert "adres" not in table.columns


def test_several_columns_fill_one_multi_valued_field():
    data = csv_bytes([["naam", "thema", "onderwerpen"], ["A", "eenzaamheid", "ouderen; sport"]])
    raw, mapping, _ = proposed("a.csv", data)
    (table,) = apply_mapping(raw, mapping).tables
    assert table.rows[0].values["themes"] == ["eenzaamheid", "ouderen", "sport"]


def test_a_value_mapped_to_overslaan_leaves_out_the_row_or_the_part():
    raw, mapping, _ = proposed(*shapes.partner_csv())
    mapping.waarden["type"]["CSA"] = SKIP
    mapped = apply_mapping(raw, mapping)
    assert [r.values["name"] for r in mapped.tables[0].rows] == [
        "Green City Market",
        "Prairie Farm Stand",
        "Corner Help",
    ]
    assert [(i.row, i.label) for i in mapped.ignored] == [(4, "Share Box")]
    data = csv_bytes([["naam", "thema"], ["A", "eenzaamheid; iets"]])
    raw, mapping, _ = proposed("a.csv", data)
    mapping.waarden["thema's"] = {"iets": SKIP}
    mapped = apply_mapping(raw, mapping)
    assert mapped.tables[0].rows[0].values["themes"] == ["eenzaamheid"]
    assert any("'iets' overgeslagen" in n for n in mapped.notes)


def test_proposed_values_warn_and_confirmed_ones_do_not():
    raw, mapping, _ = proposed(*shapes.partner_csv())
    (warning, *_) = apply_mapping(raw, mapping).warnings
    assert warning.level == "let op" and warning.column == "Type"
    assert warning.value == "Farmers Market" and "'organisatie'" in warning.message
    assert describe(warning).startswith("kolom 'Type', waarde 'Farmers Market'")
    confirmed = ImportMapping(waarden={"type": dict(mapping.waarden["type"])})
    assert apply_mapping(raw, mapping, confirmed=confirmed).warnings == []


def test_a_table_without_a_name_column_says_to_choose_it():
    raw, mapping, _ = proposed("a.csv", csv_bytes([["Kleur", "Maat"], ["rood", "42"]]))
    (problem,) = apply_mapping(raw, mapping).problems
    assert problem.code == "wrong_headers" and "'naam'" in problem.message
    assert "koppeling" in problem.message


# -- effective and the form ---------------------------------------------------------------


def test_user_entries_win_and_import_defaults_win_over_both():
    _, proposal, _ = proposed(*shapes.partner_csv())
    user = ImportMapping(
        naam="Partnerlijst",
        tabellen=[TableMap(bron="partners.csv", kolommen={"Region": "extra"})],
        waarden={"type": {"CSA": "initiatief"}},
        standaard=Defaults(domein=Domain.SOCIAAL),
    )
    used = effective(proposal, user, Defaults(soort=ActorKind.INITIATIEF))
    assert used.naam == "Partnerlijst"
    assert used.tabellen[0].kolommen["Region"] == "extra"
    assert used.tabellen[0].kolommen["Partner Program Name"] == "naam"
    assert used.waarden["type"]["CSA"] == "initiatief"
    assert used.waarden["type"]["Farmers Market"] == "organisatie"
    assert used.standaard.domein is Domain.SOCIAAL
    assert used.standaard.soort is ActorKind.INITIATIEF
    assert effective(proposal, None, None) == proposal


def test_the_form_changes_only_what_it_may():
    _, proposal, _ = proposed(*shapes.partner_csv())
    form = {
        "kolom::partners.csv::Region": "extra",
        "kolom::partners.csv::Notes": "wachtwoord",  # not a field
        "kolom::partners.csv::Nieuw": "naam",  # not a header of the file
        "kolom::ander.csv::Type": "naam",  # not a table of the file
        "waarde::type::CSA": "initiatief",
        "waarde::type::Farm Stand": "<script>",
        "waarde::geheim::x": "y",
        "standaard::domein": "zorg",
        "standaard::rol": "koning",
        "standaard::soort": "",
        "koprij::partners.csv": "1",
        "tabel::partners.csv": "actoren",
        "iets": "anders",
    }
    result = from_form(form, proposal)
    table = result.tabellen[0]
    assert table.kolommen["Region"] == "extra" and table.kolommen["Notes"] == "omschrijving"
    assert set(table.kolommen) == set(proposal.tabellen[0].kolommen)
    assert result.waarden["type"]["CSA"] == "initiatief"
    assert result.waarden["type"]["Farm Stand"] == "organisatie"
    assert "geheim" not in result.waarden
    assert result.standaard.domein is Domain.ZORG and result.standaard.rol.value == "overig"
    assert result.standaard.soort is None and table.koprij == 1


def test_a_form_can_skip_a_table():
    _, proposal, _ = proposed(*shapes.partner_csv())
    result = from_form({"tabel::partners.csv": SKIP}, proposal)
    assert result.tabellen[0].soort == SKIP


# -- saved mappings -------------------------------------------------------------------------


def test_toml_and_json_round_trip():
    _, mapping, _ = proposed(*shapes.partner_csv())
    mapping.naam = "Partnerlijst Link-Up"
    mapping.standaard = Defaults(soort=ActorKind.INITIATIEF)
    for text in (mapping.to_toml(), mapping.to_json()):
        again = ImportMapping.load("koppeling", text.encode())
        assert again == mapping and again.digest() == mapping.digest()


@pytest.mark.parametrize(
    "data, words",
    [
        (b"\xff\xfe", "UTF-8"),
        (b"versie = [", "niet te lezen"),
        (b'{"versie": 2}', "'versie'"),
        (b'[standaard]\ndomein = "ergens"\n', "'standaard.domein'"),
        (b'[[tabellen]]\nbron = "a"\nsoort = "dingen"\n', "'tabellen.0.soort'"),
        (b'onbekend = "x"\n', "'onbekend'"),
    ],
)
def test_load_errors_are_dutch_and_name_the_key(data, words):
    with pytest.raises(MappingError) as info:
        ImportMapping.load("k.toml", data)
    assert words in str(info.value) and str(info.value).startswith("k.toml: ")


# -- through plan_files --------------------------------------------------------------------


def test_plan_files_carries_the_effective_mapping_and_the_proposal(store):
    result = plan(store, shapes.partner_csv(), default_wijk="daalhof")
    assert result.mapping is not None and result.proposal is not None
    assert result.mapping.tabellen[0].kolommen["Partner Program Name"] == "naam"
    assert result.proposal.unknown["type"]["CSA"] == 1
    assert [r.action for r in result.rows] == ["create"] * 4


def test_a_saved_mapping_changes_the_dry_run_and_reimports_unchanged(store):
    mapping = ImportMapping.load(
        "partners.toml",
        b'naam = "Partners"\n[waarden.type]\nCSA = "initiatief"\n'
        b'[[tabellen]]\nbron = "partners.csv"\nsoort = "actoren"\n'
        b'[tabellen.kolommen]\nRegion = "extra"\n',
    )
    result = plan(store, shapes.partner_csv(), default_wijk="daalhof", mapping=mapping)
    assert result.problems == []
    apply_plan(store, result, by=BY)
    share_box = next(a for a in store.list_actors() if a.name == "Share Box")
    assert share_box.kind is ActorKind.INITIATIEF
    assert "Region: Central IL" in share_box.description
    again = plan(store, shapes.partner_csv(), default_wijk="daalhof", mapping=mapping)
    assert {r.action for r in again.rows} == {"skip"}


def test_a_mapping_maps_a_gexf_domain(store):
    mapping = ImportMapping(waarden={"domein": {"sport": "sociaal"}})
    result = plan(store, shapes.gexf_mixed(), default_wijk="daalhof", mapping=mapping)
    assert result.problems == []
    assert [r.action for r in result.rows] == ["create"] * 6


def test_defaults_reach_the_planner(store):
    data = xlsx_bytes({"Blad1": [["naam"], ["Buurtkamer"]]})
    result = plan(
        store,
        ("a.xlsx", data),
        default_wijk="daalhof",
        defaults=Defaults(soort=ActorKind.INITIATIEF, domein=Domain.INWONERS),
    )
    assert result.problems == []
    apply_plan(store, result, by=BY)
    (actor,) = store.list_actors()
    assert (actor.kind, actor.domain) == (ActorKind.INITIATIEF, Domain.INWONERS)


def test_american_dates_are_read_month_first_when_day_first_cannot_be():
    raw, mapping, _ = proposed(*shapes.partner_csv())
    mapping.tabellen[0].kolommen |= {"Open Date": "sinds", "Close Date": "tot"}
    mapped = apply_mapping(raw, mapping)
    rows = mapped.tables[0].rows
    assert [r.values["since"] for r in rows[:2]] == ["2024-05-04", "2024-06-15"]
    assert rows[0].values["until"] == "2024-10-26"
    assert any("'Open Date'" in n and "maand/dag/jaar" in n for n in mapped.notes)
    mapping.standaard.datumvolgorde = "dmj"
    assert apply_mapping(raw, mapping).tables[0].rows[0].values["since"] == "5/4/2024"


def test_dutch_dates_stay_as_written():
    data = csv_bytes([["naam", "sinds"], ["A", "01-03-2024"], ["B", "3-4-2020"]])
    raw, mapping, _ = proposed("a.csv", data)
    mapped = apply_mapping(raw, mapping)
    assert [r.values["since"] for r in mapped.tables[0].rows] == ["01-03-2024", "3-4-2020"]


def test_links_to_a_left_out_row_are_left_out_too():
    raw, mapping, _ = proposed(*shapes.kumu_xlsx())
    mapping.waarden["type"] = {"Company": SKIP}
    mapped = apply_mapping(raw, mapping)
    actors, links = mapped.tables
    assert [r.values["name"] for r in actors.rows] == ["Anna de Vries", "Bart Smit"]
    assert links.rows == []
    assert len(mapped.ignored) == 6
    assert any("6 rijen overgeslagen" in n for n in mapped.notes)


def test_a_saved_mapping_that_no_longer_fits_is_noted(store):
    mapping = ImportMapping(
        tabellen=[
            TableMap(bron="partners.csv", kolommen={"Vroeger": "naam"}),
            TableMap(bron="oud.csv"),
        ]
    )
    result = plan(store, shapes.partner_csv(), default_wijk="daalhof", mapping=mapping)
    assert any("'Vroeger'" in n for n in result.notes)
    assert any("'oud.csv' staat niet in het bestand" in n for n in result.notes)
    assert [r.action for r in result.rows] == ["create"] * 4


def test_a_column_mapped_to_no_field_is_skipped_with_a_note():
    raw, mapping, _ = proposed(*shapes.partner_csv())
    mapping.tabellen[0].kolommen["Notes"] = "prijs"
    mapped = apply_mapping(raw, mapping)
    assert "description" not in mapped.tables[0].columns
    assert any("'Notes'" in n and "'prijs'" in n for n in mapped.notes)


def test_dates_are_not_taken_for_phone_numbers():
    data = csv_bytes([["naam", "Gecheckt"], ["A", "12-01-2024"], ["B", "2024-02-03"]])
    _, _, info = proposed("a.csv", data)
    assert columns(info, "a.csv")["Gecheckt"] == (SKIP, "niet herkend")
