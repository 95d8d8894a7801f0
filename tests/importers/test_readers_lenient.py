"""Readers for files made elsewhere: raw tables, lenient GraphML, GEXF, Kumu identity."""

from __future__ import annotations

import pytest

from graph.model import ActorIn, LinkIn, LinkKind
from importers.apply import apply_plan
from importers.exports import export
from importers.raw import RawTable
from importers.readers import read_file, read_raw
from tests.support import import_shapes as shapes
from tests.support.importing import BY, csv_bytes, new_store, plan, xlsx_bytes

SHAPES = [
    shapes.kumu_json,
    shapes.kumu_json_source_target,
    shapes.kumu_xlsx,
    shapes.graphml_keys_in_graph,
    shapes.gexf_mixed,
    shapes.sociale_kaart_xlsx,
    shapes.partner_csv,
]


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "w.db")
    yield store
    store.close()


def tables(name: str, data: bytes) -> dict[str, RawTable]:
    read = read_raw(name, data)
    assert read.problems == [], read.problems
    return {t.name: t for t in read.raw}


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.__name__)
def test_every_shape_is_read_without_a_file_problem(shape):
    name, data = shape()
    read = read_file(name, data)
    assert [p for p in read.problems if p.row == 0] == []
    assert read.tables and all(t.rows for t in read.tables)


def test_a_spreadsheet_is_a_grid_with_the_header_row_not_chosen_yet():
    (table,) = tables(*shapes.sociale_kaart_xlsx()).values()
    assert table.origin == "xlsx" and table.kind_hint is None
    assert [n for n, _ in table.grid] == [1, 3, 4, 5, 6]  # the empty row 2 is left out


def test_kumu_xlsx_sheets_say_what_they_hold():
    found = tables(*shapes.kumu_xlsx())
    assert {n: (t.origin, t.kind_hint) for n, t in found.items()} == {
        "Elements": ("kumu-xlsx", "actors"),
        "Connections": ("kumu-xlsx", "links"),
    }


def test_kumu_json_keeps_the_id_and_the_file_own_keys():
    found = tables(*shapes.kumu_json())
    elements, connections = found["elements"], found["connections"]
    assert elements.headers[:3] == ["_id", "label", "element type"]
    assert elements.rows[0].cells["_id"] == "elem-a"
    assert {"from", "to"} <= set(connections.headers)
    assert "direction" not in connections.headers and "_id" not in connections.headers


def test_kumu_elements_with_one_label_stay_two_actors(store):
    result = plan(store, shapes.kumu_json(), default_wijk="daalhof")
    actors = [r for r in result.rows if r.source.endswith("elements")]
    assert [r.action for r in actors] == ["create"] * 4
    assert len({r.id for r in actors}) == 4


def test_graphml_keys_inside_the_graph_and_edges_without_ids():
    found = tables(*shapes.graphml_keys_in_graph())
    nodes, edges = found["actoren"], found["samenwerkingen"]
    assert nodes.rows[0].cells == {
        "name": "Netwerk Vrij Wonen",
        "website": "https://vrijwonen.example",
        "contact": "info@vrijwonen.example",
        "ref": "1",
    }
    assert not nodes.own_ids and "id" not in nodes.headers  # "1" is a reference, not an id
    assert [r.cells["type"] for r in edges.rows] == ["collaborates", "knows", "ispartof"]
    assert all("id" not in r.cells for r in edges.rows)


def test_graphml_edges_without_ids_get_distinct_stable_ids(store):
    first = plan(store, shapes.graphml_keys_in_graph(), default_wijk="daalhof")
    links = [r for r in first.rows if r.source.endswith("samenwerkingen")]
    assert [r.action for r in links] == ["create"] * 3 and len({r.id for r in links}) == 3
    apply_plan(store, first, by=BY)
    again = plan(store, shapes.graphml_keys_in_graph(), default_wijk="daalhof")
    assert {r.action for r in again.rows} == {"skip"}
    assert [r.id for r in again.rows] == [r.id for r in first.rows]


def test_gexf_with_mixed_edges_is_read():
    found = tables(*shapes.gexf_mixed())
    nodes, edges = found["actoren"], found["samenwerkingen"]
    assert nodes.rows[0].cells == {
        "label": "Sportclub Oost",
        "sector": "sport",
        "modularity_class": "2",
        "ref": "n0",
    }
    assert [r.cells.get("weight") for r in edges.rows] == ["3", "1.0", None]
    assert edges.rows[2].cells["label"] == "knows"


def test_our_own_gexf_export_reads_back_unchanged(store):
    actors = [
        ActorIn(id=i, kind="organisatie", name=n, domain=d, wijken=["daalhof"])
        for i, n, d in (("o1", "Buurthuis", "sociaal"), ("o2", "School", "onderwijs"))
    ]
    links = [LinkIn(id="l1", source="o1", target="o2", kind=LinkKind.SAMENWERKING, intensity=3)]
    store.bulk_upsert(actors=actors, links=links, by="setup")
    exported = export(store, "gexf")
    result = plan(store, (exported.filename, exported.content))
    assert result.problems == []
    assert {(r.id, r.action) for r in result.rows} == {
        ("o1", "skip"),
        ("o2", "skip"),
        ("l1", "skip"),
    }


@pytest.mark.parametrize(
    "name, data",
    [
        ("kapot.graphml", b'<?xml version="1.0"?>\n<graphml>\n<graph><node id="1">\n</graphml>'),
        ("kapot.gexf", b'<?xml version="1.0"?>\n<gexf>\n  <graph>\n<nodes></gexf>'),
    ],
)
def test_broken_xml_names_the_line_in_dutch(name, data):
    (problem,) = read_raw(name, data).problems
    assert problem.code == "bad_file"
    assert "regel 4" in problem.message and "Error" not in problem.message


def test_a_title_row_above_the_headers_is_skipped_with_a_note(store):
    data = xlsx_bytes(
        {
            "Blad1": [
                ["Overzicht partners 2024"],
                [],
                ["naam", "soort", "domein", "wijk"],
                ["Buurtkamer", "initiatief", "inwoners", "daalhof"],
            ]
        }
    )
    result = plan(store, ("partners.xlsx", data))
    assert result.problems == []
    assert [(r.row, r.label, r.action) for r in result.rows] == [(4, "Buurtkamer", "create")]
    assert any("rij 3" in n for n in result.notes)


def test_csv_reading_is_unchanged_for_our_own_columns(store):
    data = csv_bytes(
        [["naam", "soort", "domein", "wijk"], ["Buurtkamer", "initiatief", "inwoners", "daalhof"]]
    )
    result = plan(store, ("a.csv", data))
    assert result.problems == [] and [r.action for r in result.rows] == ["create"]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.__name__)
def test_every_shape_reimports_unchanged(store, shape):
    first = plan(store, shape(), default_wijk="daalhof")
    apply_plan(store, first, by=BY, valid_only=True)
    again = plan(store, shape(), default_wijk="daalhof")
    assert any(r.action == "create" for r in first.rows)
    expected = {"create": "skip", "update": "skip", "merge": "merge", "error": "error"}
    assert [(r.id, r.action) for r in again.rows] == [
        (r.id, expected.get(r.action, r.action)) for r in first.rows
    ]


def test_a_zip_may_hold_a_gexf_file():
    import io
    import zipfile

    name, data = shapes.gexf_mixed()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    read = read_raw("export.zip", buffer.getvalue())
    assert [t.source for t in read.raw] == [
        "export.zip › gephi.gexf › actoren",
        "export.zip › gephi.gexf › samenwerkingen",
    ]


def test_openpyxl_warnings_while_a_sheet_is_read_are_caught():
    import io
    import zipfile

    plain = xlsx_bytes({"Blad1": [["naam", "soort"], ["Buurtkamer", "initiatief"]]})
    extension = b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"/></extLst>'
    source, buffer = zipfile.ZipFile(io.BytesIO(plain)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = body.replace(b"</worksheet>", extension + b"</worksheet>")
            target.writestr(item, body)
    read = read_raw("kumu.xlsx", buffer.getvalue())  # pytest turns warnings into errors
    assert read.problems == [] and read.raw[0].grid[1] == (2, ["Buurtkamer", "initiatief"])
