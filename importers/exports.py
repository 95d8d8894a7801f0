"""Exports: the stored graph, of one wijk or the whole region, in the shapes people use.

- ``csv``: a ZIP with ``actoren.csv``, ``samenwerkingen.csv`` and ``wijken.csv`` (semicolon,
  UTF-8 with BOM, Windows line ends: Dutch Excel opens them as they are);
- ``xlsx``: one workbook with the sheets Actoren, Samenwerkingen and Wijken;
- ``json``: wijknet's own JSON, every stored field (full fidelity);
- ``graphml`` and ``gexf``: for Gephi, yEd and NetworkX.

CSV and XLSX have exactly the columns the importer reads, so export then import gives back
the same graph. Their cells that a spreadsheet would run (starting with ``=``, ``+``, ``-``
or ``@``) are neutralised with a leading ``'``, which the importer removes again.
Contact details (personal data) are left out unless ``include_contact=True``; the caller
decides whether the person asking may see them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Literal

from graph.model import Actor, Intensity, Link, LinkKind, Wijk, label, slugify, utcnow
from graph.store.base import GraphStore
from importers.tables import neutralise

Format = Literal["csv", "xlsx", "json", "graphml", "gexf"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json", "graphml", "gexf")
MEDIA_TYPES: dict[str, str] = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
}
EXTENSIONS: dict[str, str] = {
    "csv": "zip",
    "xlsx": "xlsx",
    "json": "json",
    "graphml": "graphml",
    "gexf": "gexf",
}
JSON_FORMAT = "wijknet"
JSON_VERSION = 1


@dataclass
class GraphData:
    """What an export holds: wijken, actors and the links among them."""

    scope: str
    wijken: list[Wijk]
    actors: list[Actor]
    links: list[Link]
    include_contact: bool


@dataclass
class ExportFile:
    filename: str
    media_type: str
    content: bytes


def collect(
    store: GraphStore, wijk: str | None = None, *, include_contact: bool = False
) -> GraphData:
    """The wijk's actors and the links among them (or everything), contact left out unless asked."""
    wijken = [store.get_wijk(wijk)] if wijk else store.list_wijken()
    actors = store.list_actors(wijk)
    if not include_contact:
        actors = [a.model_copy(update={"contact": None}) if a.contact else a for a in actors]
    return GraphData(
        scope=wijk or "regio",
        wijken=wijken,
        actors=actors,
        links=store.list_links(wijk),
        include_contact=include_contact,
    )


def export(
    store: GraphStore, fmt: Format, *, wijk: str | None = None, include_contact: bool = False
) -> ExportFile:
    """Export in ``fmt``; the file name says what it holds (``wijknet-daalhof.xlsx``)."""
    data = collect(store, wijk, include_contact=include_contact)
    writer: Callable[[GraphData], bytes] = WRITERS[fmt]
    return ExportFile(f"wijknet-{data.scope}.{EXTENSIONS[fmt]}", MEDIA_TYPES[fmt], writer(data))


# -- tables (CSV and XLSX) ---------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Intensity):
        return slugify(label(value))
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


ACTOR_HEADER = [
    "id",
    "naam",
    "soort",
    "domein",
    "rol",
    "wijken",
    "thema's",
    "kernaanpakken",
    "organisatie",
    "organisatie (naam)",
    "omschrijving",
    "sinds",
    "tot",
]
CONTACT_HEADER = ["e-mail", "telefoon"]
LINK_HEADER = [
    "id",
    "van",
    "van (naam)",
    "naar",
    "naar (naam)",
    "soort",
    "intensiteit",
    "notitie",
    "sinds",
    "tot",
]
WIJK_HEADER = ["slug", "naam", "gemeente", "cohort"]


def actor_rows(data: GraphData) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the actor table, as text (not yet neutralised)."""
    names = {a.id: a.name for a in data.actors}
    header = ACTOR_HEADER + (CONTACT_HEADER if data.include_contact else [])
    rows = []
    for a in data.actors:
        row = [
            a.id,
            a.name,
            a.kind,
            a.domain,
            a.role,
            a.wijken,
            a.themes,
            a.kernaanpakken,
            a.organisation,
            names.get(a.organisation or ""),
            a.description,
            a.since,
            a.until,
        ]
        if data.include_contact:
            row += [a.contact.email if a.contact else None, a.contact.phone if a.contact else None]
        rows.append([_cell(v) for v in row])
    return header, rows


def _neutralised(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    return [header] + [[neutralise(v) for v in row] for row in rows]


def actor_table(data: GraphData) -> list[list[str]]:
    return _neutralised(*actor_rows(data))


def link_table(data: GraphData) -> list[list[str]]:
    names = {a.id: a.name for a in data.actors}
    rows = [
        [
            _cell(v)
            for v in (
                lk.id,
                lk.source,
                names.get(lk.source),
                lk.target,
                names.get(lk.target),
                lk.kind,
                lk.intensity,
                lk.note,
                lk.since,
                lk.until,
            )
        ]
        for lk in data.links
    ]
    return _neutralised(LINK_HEADER, rows)


def wijk_table(data: GraphData) -> list[list[str]]:
    rows = [[_cell(v) for v in (w.slug, w.name, w.gemeente, w.cohort)] for w in data.wijken]
    return _neutralised(WIJK_HEADER, rows)


TABLES: dict[str, Callable[[GraphData], list[list[str]]]] = {
    "actoren": actor_table,
    "samenwerkingen": link_table,
    "wijken": wijk_table,
}


def csv_files(data: GraphData) -> dict[str, bytes]:
    """``actoren.csv``, ``samenwerkingen.csv`` and ``wijken.csv``."""
    files = {}
    for name, table in TABLES.items():
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(table(data))
        files[f"{name}.csv"] = ("\ufeff" + out.getvalue()).encode("utf-8")
    return files


def to_csv_zip(data: GraphData) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in csv_files(data).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def to_xlsx(data: GraphData) -> bytes:
    return xlsx_workbook({name.capitalize(): table(data) for name, table in TABLES.items()})


def xlsx_workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An XLSX file with one sheet per entry: the first row bold as the header."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        header = []
        for title in rows[0]:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows[1:]:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- our JSON ----------------------------------------------------------------------------


def to_json(data: GraphData) -> bytes:
    """Every stored field; without the ``contact`` key when contact details are left out,
    so importing the file back never wipes stored contact details."""
    actors = [
        a.model_dump(mode="json", exclude=None if data.include_contact else {"contact"})
        for a in data.actors
    ]
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "scope": data.scope,
        "exported_at": utcnow().isoformat(),
        "contact_included": data.include_contact,
        "wijken": [w.model_dump(mode="json") for w in data.wijken],
        "actors": actors,
        "links": [lk.model_dump(mode="json") for lk in data.links],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# -- GraphML and GEXF --------------------------------------------------------------------


def to_networkx(data: GraphData) -> Any:
    """A ``MultiDiGraph``: node and edge attributes named like the CSV columns (Dutch)."""
    import networkx as nx

    wijken = [
        w.model_dump(mode="json", include={"slug", "name", "gemeente", "cohort"})
        for w in data.wijken
    ]
    graph = nx.MultiDiGraph(
        name=f"wijknet {data.scope}", wijken=json.dumps(wijken, ensure_ascii=False)
    )
    header, rows = actor_rows(data)
    for row in rows:
        graph.add_node(
            row[0],
            **{
                h: v
                for h, v in zip(header, row, strict=True)
                if v and h not in {"id", "organisatie (naam)"}
            },
        )
    for lk in data.links:
        attrs = {
            "soort": lk.kind.value,
            "intensiteit": int(lk.intensity),
            "gericht": lk.kind is not LinkKind.SAMENWERKING,
            "notitie": lk.note,
            "sinds": _cell(lk.since),
            "tot": _cell(lk.until),
        }
        graph.add_edge(
            lk.source, lk.target, key=lk.id, **{k: v for k, v in attrs.items() if v != ""}
        )
    return graph


def to_graphml(data: GraphData) -> bytes:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(data), buffer, encoding="utf-8")
    return buffer.getvalue()


def to_gexf(data: GraphData) -> bytes:
    """GEXF for Gephi: node label = name, edge weight = intensity; a samenwerking is an
    undirected edge, a verwijzing, werkt_bij or contactpersoon a directed one (Gephi reads
    mixed graphs)."""
    import networkx as nx

    graph = to_networkx(data)
    for _, attrs in graph.nodes(data=True):
        attrs["label"] = attrs.get("naam", "")
    for _, _, key, attrs in graph.edges(keys=True, data=True):
        attrs["id"] = key
        attrs["weight"] = attrs["intensiteit"]
        attrs["type"] = "directed" if attrs["gericht"] else "undirected"
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


WRITERS: dict[str, Callable[[GraphData], bytes]] = {
    "csv": to_csv_zip,
    "xlsx": to_xlsx,
    "json": to_json,
    "graphml": to_graphml,
    "gexf": to_gexf,
}
