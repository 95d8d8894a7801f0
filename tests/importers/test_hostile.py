"""Hostile and broken files: every one gives a message a person can act on, never a crash."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from importers import readers
from importers.apply import ImportRefused, apply_plan
from importers.tables import MAX_CELL_CHARS, neutralise, unneutralise
from tests.support.importing import ACTOR_HEADER, ACTORS, csv_bytes, new_store, plan, xlsx_bytes


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "hostile.db")
    yield store
    store.close()


def codes(result):
    return [p.code for p in result.problems]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\x00\x00"])
def test_an_empty_file_says_so(store, data):
    result = plan(store, ("leeg.csv", data))
    assert codes(result) == ["empty"]
    assert "leeg" in result.problems[0].message


def test_a_file_with_only_headers_has_nothing_to_import(store):
    result = plan(store, ("kop.csv", csv_bytes([ACTOR_HEADER])))
    assert codes(result) == ["empty"]
    assert any("geen rijen" in n for n in result.notes)


def test_wrong_headers_name_what_was_found_and_what_is_expected(store):
    data = csv_bytes([["Kleur", "Maat"], ["rood", "42"]])
    (problem,) = plan(store, ("fout.csv", data)).problems
    assert problem.code == "wrong_headers" and problem.row == 1
    assert "'Kleur'" in problem.message
    assert "'naam'" in problem.message and "'van'" in problem.message


def test_two_headers_for_one_field_are_a_problem(store):
    data = csv_bytes([["naam", "name", "soort"], ["A", "B", "initiatief"]])
    assert "duplicate_column" in codes(plan(store, ("dubbel.csv", data)))


def test_unknown_columns_are_skipped_with_a_note(store):
    data = csv_bytes([ACTORS[0] + ["Kleur"], ACTORS[1] + ["blauw"]])
    result = plan(store, ("extra.csv", data))
    assert result.problems == []
    assert any("'Kleur'" in n for n in result.notes)


def test_a_20_mb_file_with_one_bad_row_at_the_end_writes_nothing(store):
    filler = "Uitgebreide omschrijving van het aanbod in de wijk. " * 20  # ~1 kB per row
    rows = [["naam", "soort", "domein", "wijk", "omschrijving"]]
    rows += [
        [f"Initiatief {i}", "initiatief", "inwoners", "de-baandert", filler] for i in range(20_000)
    ]
    rows.append(["Laatste rij", "initiatief", "onbekend-domein", "de-baandert", ""])
    data = csv_bytes(rows)
    assert len(data) > 20 * 1024 * 1024
    result = plan(store, ("groot.csv", data))
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (20_002, "domein", "onbekend-domein")
    assert result.counts["actor"] == {"create": 20_000, "update": 0, "skip": 0, "error": 1}
    with pytest.raises(ImportRefused):
        apply_plan(store, result, by="test")
    assert store.list_actors() == []


def test_a_huge_cell_is_refused_with_a_message(store):
    huge = "x" * (5 * 1024 * 1024)
    data = csv_bytes(
        [
            ACTOR_HEADER,
            ["Groot", "initiatief", "inwoners", "", "de-baandert", "", "", "", ""],
            ["Ander", "initiatief", huge, "", "de-baandert", "", "", "", ""],
        ]
    )
    result = plan(store, ("reus.csv", data))
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.code) == (3, "domein", "cell_too_long")
    assert str(MAX_CELL_CHARS) in problem.message
    assert len(problem.value) < 200  # the value is not repeated in full


def test_xlsx_formulas_are_never_evaluated():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["naam", "soort", "domein", "wijk"])
    sheet.append(['=HYPERLINK("http://x","klik")', "initiatief", "inwoners", "de-baandert"])
    sheet.append(["Gewoon", "initiatief", "=1+1", "de-baandert"])
    text_cell = sheet.cell(row=4, column=1, value="=tekst, geen formule")
    text_cell.data_type = "s"
    for column, value in enumerate(["initiatief", "inwoners", "de-baandert"], start=2):
        sheet.cell(row=4, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    read = readers.read_file("formules.xlsx", buffer.getvalue())
    (table,) = read.tables
    formula_rows = {r.number: r.problems for r in table.rows if r.problems}
    assert set(formula_rows) == {2, 3}
    assert all(p[3] == "formula" for ps in formula_rows.values() for p in ps)
    assert table.rows[2].values["name"] == "=tekst, geen formule"


def test_formula_problems_reach_the_plan(store):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["naam", "soort", "domein", "wijk"])
    book.active.append(["Club", "initiatief", "=A1", "de-baandert"])
    buffer = io.BytesIO()
    book.save(buffer)
    (problem,) = plan(store, ("f.xlsx", buffer.getvalue())).problems
    assert (problem.row, problem.column, problem.code) == (2, "domein", "formula")
    assert "formule" in problem.message and problem.value == "=A1"


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
        ("kapot.xlsx", b"PK\x03\x04" + b"\x00" * 100, "bad_file"),
        ("kapot.json", b'{"actors": [', "bad_json"),
        ("vreemd.json", b'{"iets": 1}', "wrong_format"),
        ("plaatje.csv", bytes(range(256)) * 4, "wrong_headers"),
    ],
)
def test_broken_files_give_a_message(store, name, data, code):
    assert code in codes(plan(store, (name, data)))


def test_a_zip_that_unpacks_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("actoren.csv", "naam\n" + "a\n" * 10_000)
    assert [p.code for p in readers.read_file("bom.zip", buffer.getvalue()).problems] == [
        "too_large"
    ]


def test_a_file_over_the_size_limit_is_refused(monkeypatch, store):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    assert codes(plan(store, ("groot.csv", csv_bytes([ACTOR_HEADER] * 20)))) == ["too_large"]


def test_control_characters_are_refused_in_dutch(store):
    data = csv_bytes(
        [
            ["naam", "soort", "domein", "wijk", "omschrijving"],
            ["Club", "initiatief", "inwoners", "de-baandert", "a\x07b"],
        ]
    )
    (problem,) = plan(store, ("c.csv", data)).problems
    assert problem.column == "omschrijving" and "stuurtekens" in problem.message


def test_json_records_that_are_not_objects_are_problems(store):
    data = json.dumps(
        {
            "actors": [
                "tekst",
                {
                    "name": "X",
                    "kind": "initiatief",
                    "domain": "inwoners",
                    "wijken": ["de-baandert"],
                },
            ]
        }
    )
    result = plan(store, ("a.json", data.encode()))
    assert [p.code for p in result.problems] == ["wrong_format"]
    assert [r.action for r in result.rows] == ["error", "create"]


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+31 6 1234 5678", "-5", "@SUM(A1)", "'=x", "''+y", "gewoon", "'citaat'", "", "\tx"],
)
def test_neutralising_is_undone_exactly(value):
    escaped = neutralise(value)
    assert not escaped.startswith(("=", "+", "-", "@", "\t"))
    assert unneutralise(escaped) == value


def test_a_spreadsheet_cell_in_an_xlsx_with_a_huge_shared_string(store):
    data = xlsx_bytes(
        {
            "Actoren": [
                ["naam", "soort", "domein", "wijk", "omschrijving"],
                ["Club", "initiatief", "inwoners", "de-baandert", "y" * 50_000],
            ]
        }
    )
    (problem,) = plan(store, ("g.xlsx", data)).problems
    assert problem.code == "cell_too_long" and problem.column == "omschrijving"
