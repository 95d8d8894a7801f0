"""Exports: the importer reads them back into the same graph; formulas are neutralised;
contact details only when asked."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import networkx as nx
import pytest

from graph.model import (
    ActorIn,
    ActorKind,
    Contact,
    Domain,
    Intensity,
    Kernaanpak,
    LinkIn,
    LinkKind,
    Role,
    Theme,
)
from importers.apply import apply_plan
from importers.exports import collect, csv_files, export
from tests.support.importing import graph_inputs, new_store, plan

TRICKY = [
    ActorIn(
        id="o1",
        kind=ActorKind.ORGANISATIE,
        name='=HYPERLINK("http://x")',
        domain=Domain.ZORG,
        role=Role.HUISARTSENPRAKTIJK,
        wijken=["daalhof", "de-baandert"],
        themes=[Theme.EENZAAMHEID, Theme.OUDEREN],
        kernaanpakken=[Kernaanpak.PLUSPRAKTIJK],
        description='Regel één; met ‘quotes’, "dubbele" en komma\'s,\nen een tweede regel',
        since=date(2020, 1, 1),
    ),
    ActorIn(
        id="p1",
        kind=ActorKind.PROFESSIONAL,
        name="-Jeanne d'Arc Müller",
        domain=Domain.SOCIAAL,
        role=Role.WELZIJNSCOACH,
        wijken=["daalhof"],
        organisation="o1",
        contact=Contact(email="jeanne@voorbeeld.invalid", phone="+31 6 1234 5678"),
        kernaanpakken=[Kernaanpak.WELZIJN_OP_RECEPT],
        until=date(2030, 12, 31),
    ),
    ActorIn(
        id="i1",
        kind=ActorKind.INITIATIEF,
        name="@Buurtapp",
        domain=Domain.INWONERS,
        role=Role.BEWONERSCOALITIE,
        wijken=["de-baandert"],
        description="+ meer",
    ),
]
LINKS = [
    LinkIn(
        id="l1", source="p1", target="o1", kind=LinkKind.WERKT_BIJ, intensity=Intensity.SAMENWERKEN
    ),
    LinkIn(
        id="l2",
        source="o1",
        target="i1",
        kind=LinkKind.SAMENWERKING,
        note="=1+1",
        since=date(2021, 2, 3),
    ),
    LinkIn(id="l3", source="i1", target="p1", kind=LinkKind.VERWIJZING, intensity=Intensity.KENNEN),
]


@pytest.fixture
def store(tmp_path):
    store = new_store(tmp_path / "bron.db")
    store.bulk_upsert(actors=TRICKY, links=LINKS, by="setup")
    yield store
    store.close()


@pytest.fixture
def empty(tmp_path):
    store = new_store(tmp_path / "doel.db", wijken=())
    yield store
    store.close()


ROUND_TRIP = ["csv", "xlsx", "json", "graphml"]


@pytest.mark.parametrize("fmt", ROUND_TRIP)
def test_export_then_import_gives_back_the_same_graph(store, empty, fmt):
    exported = export(store, fmt, include_contact=True)
    result = plan(empty, (exported.filename, exported.content))
    assert result.problems == [], result.problems
    apply_plan(empty, result, by="round trip")
    assert graph_inputs(empty) == graph_inputs(store)


@pytest.mark.parametrize("fmt", ROUND_TRIP)
def test_reimporting_an_export_into_its_store_changes_nothing(store, fmt):
    audit = store.audit_log(limit=1000)
    for include_contact in (False, True):
        exported = export(store, fmt, include_contact=include_contact)
        result = plan(store, (exported.filename, exported.content))
        assert result.problems == [] and {r.action for r in result.rows} == {"skip"}
        apply_plan(store, result, by="again")
    assert store.audit_log(limit=1000) == audit
    assert store.get_actor("p1").contact is not None  # an export without contact wipes nothing


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "graphml", "gexf"])
def test_contact_details_only_when_asked(store, fmt):
    without = export(store, fmt).content
    with_contact = export(store, fmt, include_contact=True).content
    assert b"jeanne@voorbeeld.invalid" not in _text(fmt, without)
    assert b"jeanne@voorbeeld.invalid" in _text(fmt, with_contact)


def _text(fmt: str, content: bytes) -> bytes:
    """The bytes of an export with its ZIP containers (csv, xlsx) unpacked."""
    if fmt in {"csv", "xlsx"}:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return b"".join(archive.read(n) for n in archive.namelist())
    return content


def test_csv_cells_that_would_run_are_neutralised(store):
    files = csv_files(collect(store))
    actors = files["actoren.csv"].decode("utf-8-sig")
    assert files["actoren.csv"].startswith(b"\xef\xbb\xbf") and "\r\n" in actors
    assert "'=HYPERLINK" in actors and "'-Jeanne" in actors and "'@Buurtapp" in actors
    assert "'+ meer" in actors
    cells = [c for line in actors.splitlines() for c in line.split(";")]
    assert not any(c.lstrip('"').startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=1+1" in files["samenwerkingen.csv"].decode("utf-8-sig")


def test_xlsx_has_no_formula_cells(store):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export(store, "xlsx", include_contact=True).content))
    assert book.sheetnames == ["Actoren", "Samenwerkingen", "Wijken"]
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert '\'=HYPERLINK("http://x")' in values and "'+31 6 1234 5678" in values


def test_one_wijk_holds_its_actors_and_the_links_among_them(store):
    data = collect(store, "de-baandert")
    assert [w.slug for w in data.wijken] == ["de-baandert"]
    assert {a.id for a in data.actors} == {"o1", "i1"}
    assert [lk.id for lk in data.links] == ["l2"]
    assert export(store, "json", wijk="de-baandert").filename == "wijknet-de-baandert.json"


def test_graphml_structure(store):
    graph = nx.read_graphml(io.BytesIO(export(store, "graphml").content), force_multigraph=True)
    assert set(graph.nodes) == {"o1", "p1", "i1"}
    assert graph.nodes["p1"]["naam"] == "-Jeanne d'Arc Müller"
    assert graph.nodes["o1"]["thema's"] == "eenzaamheid; ouderen"
    edges = {k: (u, v, d) for u, v, k, d in graph.edges(keys=True, data=True)}
    assert set(edges) == {"l1", "l2", "l3"}
    assert edges["l1"][:2] == ("p1", "o1") and edges["l1"][2]["intensiteit"] == 4
    assert edges["l2"][2]["gericht"] is False and edges["l3"][2]["gericht"] is True


def test_gexf_structure_for_gephi(store):
    root = ET.fromstring(export(store, "gexf").content)
    ns = {"g": root.tag.split("}")[0].strip("{")}
    nodes = {n.get("id"): n.get("label") for n in root.iterfind(".//g:node", ns)}
    assert nodes == {
        "o1": '=HYPERLINK("http://x")',
        "p1": "-Jeanne d'Arc Müller",
        "i1": "@Buurtapp",
    }
    edges = {e.get("id"): e for e in root.iterfind(".//g:edge", ns)}
    assert set(edges) == {"l1", "l2", "l3"}
    assert edges["l2"].get("type") == "undirected" and edges["l3"].get("type") == "directed"
    assert edges["l1"].get("weight") == "4"
