"""Read the files people have: CSV, XLSX, Kumu (XLSX or JSON), our JSON, GraphML, GEXF, ZIP.

``read_raw(name, data)`` looks at the bytes (not only the name) and returns raw tables: the
rows of a spreadsheet as a grid, the records of a JSON or XML file with their own keys.
Which row holds the headers and what each column means is decided by the mapping step
(``importers.mapping``); ``read_file`` does both with the mapping wijknet proposes. Nothing
here raises on a bad file: every problem comes back as a ``Problem`` the person can act on.

- CSV: UTF-8 with or without BOM, UTF-16 with BOM, otherwise Windows-1252; comma,
  semicolon or tab (sniffed from the header line); Windows or Unix line ends.
- XLSX: every sheet is a table; formulas are never evaluated (``data_only=False``): a
  formula cell is a row problem, a text cell starting with ``=`` is text.
- GraphML and GEXF are read by a small, lenient parser: ``<key>`` declarations anywhere,
  edges with or without ids, mixed directed and undirected edges.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from importers.columns import TableKind
from importers.mapping import apply_mapping, propose
from importers.raw import Formula, Origin, RawRead, RawRow, RawTable, record_table
from importers.tables import SURROGATE, Problem, ReadResult, shown

MAX_FILE_BYTES = 50 * 1024 * 1024
"""The largest file read (a 20 MB export of a whole region fits comfortably)."""

MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
"""An XLSX or ZIP that unpacks to more than this is refused (zip bombs)."""

HEADER_SEARCH_ROWS = 10
"""How many lines at the top of a CSV file are looked at for the delimiter."""


def read_file(name: str, data: bytes) -> ReadResult:
    """Read one file into tables of canonical fields, with the mapping wijknet proposes."""
    raw = read_raw(name, data)
    mapping, _ = propose(raw.raw, ())
    mapped = apply_mapping(raw.raw, mapping)
    return ReadResult(
        tables=mapped.tables,
        problems=raw.problems + mapped.problems,
        notes=raw.notes + mapped.notes,
    )


def read_raw(name: str, data: bytes) -> RawRead:
    """Read one file (by content, its name only as a hint) into raw tables and problems."""
    source = PurePath(name).name or "bestand"
    if len(data) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return _fail(
            source,
            f"Het bestand is te groot ({len(data) // (1024 * 1024)} MB); "
            f"wijknet leest bestanden tot {mb} MB. Splits het bestand op.",
            "too_large",
        )
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        return _fail(source, "Het bestand is leeg. Kies het bestand met de gegevens.", "empty")
    suffix = PurePath(name).suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return _read_zip(source, data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix == ".xls":
        return _fail(
            source,
            "Dit is een oud Excel-bestand (.xls). Sla het op als .xlsx of .csv "
            "en importeer het opnieuw.",
            "old_excel",
        )
    text, encoding = decode(data)
    head = text.lstrip()[:2000].lower()
    if suffix == ".json" or head.startswith(("{", "[")):
        return _read_json(source, text)
    if suffix == ".graphml" or (head.startswith("<") and "<graphml" in head):
        return _read_graphml(source, data)
    if suffix == ".gexf" or (head.startswith("<") and "<gexf" in head):
        return _read_gexf(source, data)
    result = read_csv_text(source, text)
    if encoding != "utf-8":
        result.notes.append(f"{source}: gelezen als {encoding}.")
    return result


def _fail(source: str, message: str, code: str) -> RawRead:
    return RawRead(problems=[Problem(source=source, message=message, code=code)])


# -- text and CSV --------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Text of ``data`` and the encoding used: BOMs first, then UTF-8, then Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(
                "utf-8-sig" if encoding == "utf-8" else encoding, "replace"
            ), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header: ``;``, ``,`` or tab, whichever one line of the first
    ten non-empty lines has most of outside quotes (a title row above the header is fine)."""
    lines = [ln for ln in io.StringIO(text[:65536]) if ln.strip()][:HEADER_SEARCH_ROWS]
    best = dict.fromkeys(";,\t", 0)
    for line in lines:
        counts = dict.fromkeys(";,\t", 0)
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        best = {c: max(best[c], counts[c]) for c in best}
    winner = max(best, key=lambda c: (best[c], c == ","))
    return winner if best[winner] else ","


def read_csv_text(source: str, text: str) -> RawRead:
    """Read CSV text (any line ends) as one raw table: a grid of its non-empty rows."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        rows = [(number, list(cells)) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        return _fail(
            source,
            f"Dit CSV-bestand is niet te lezen (rij {reader.line_num}: {exc}). "
            "Sla het opnieuw op als CSV (puntkomma of komma gescheiden).",
            "bad_csv",
        )
    return _grid_read(source, "csv", None, rows)


def _grid_read(
    source: str,
    origin: Origin,
    kind: TableKind | None,
    rows: Iterator[tuple[int, list[Any]]] | list[tuple[int, list[Any]]],
) -> RawRead:
    grid = [(number, cells) for number, cells in rows if any(_text(c) for c in cells)]
    if not grid:
        return _fail(source, "Het bestand is leeg: er staan geen kolomkoppen of rijen in.", "empty")
    return RawRead(raw=[RawTable(source=source, origin=origin, kind_hint=kind, grid=grid)])


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


# -- XLSX ----------------------------------------------------------------------------------


def _read_zip(source: str, data: bytes) -> RawRead:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        return _fail(
            source,
            "Dit bestand is beschadigd of geen Excel-bestand. Sla het opnieuw "
            "op als .xlsx of .csv.",
            "bad_file",
        )
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        return _fail(
            source,
            "Dit bestand pakt uit tot meer dan 400 MB en wordt niet gelezen. Splits het op.",
            "too_large",
        )
    names = {m.filename for m in members}
    if "xl/workbook.xml" in names:
        return read_xlsx(source, data)
    result = RawRead()
    for member in members:
        suffix = PurePath(member.filename).suffix.lower()
        if member.is_dir() or suffix not in ZIP_MEMBERS:
            continue
        result.extend(
            read_raw(f"{source} › {PurePath(member.filename).name}", archive.read(member))
        )
    if not result.raw and not result.problems:
        return _fail(
            source, "In dit ZIP-bestand staan geen CSV-, XLSX- of JSON-bestanden.", "empty"
        )
    return result


ZIP_MEMBERS = {".csv", ".json", ".xlsx", ".txt", ".graphml", ".gexf"}
"""The files of a ZIP archive that are read."""

KUMU_SHEETS: dict[str, TableKind] = {"elements": "actors", "connections": "links"}


def read_xlsx(source: str, data: bytes) -> RawRead:
    """Every non-empty sheet of a workbook becomes a raw table (a grid)."""
    from openpyxl import load_workbook

    result = RawRead()
    # openpyxl warns ("Unknown extension") while it iterates Kumu's sheets, not only on load
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
            return _fail(
                source,
                f"Dit Excel-bestand is niet te lezen ({type(exc).__name__}). "
                "Sla het opnieuw op als .xlsx of als CSV.",
                "bad_file",
            )
        try:
            titles = {sheet.title.strip().lower() for sheet in book.worksheets}
            kumu = "elements" in titles
            for sheet in book.worksheets:
                kind = KUMU_SHEETS.get(sheet.title.strip().lower()) if kumu else None
                part = _grid_read(
                    f"{source} › {sheet.title}",
                    "kumu-xlsx" if kumu else "xlsx",
                    kind,
                    list(_sheet_rows(sheet)),
                )
                if part.raw:
                    result.extend(part)
                else:
                    result.notes.append(f"{source} › {sheet.title}: blad is leeg.")
        except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while it is read
            return _fail(
                source,
                f"Dit Excel-bestand is niet te lezen ({type(exc).__name__}). "
                "Sla het opnieuw op als .xlsx of als CSV.",
                "bad_file",
            )
        finally:
            book.close()
    if not result.raw:
        return _fail(
            source,
            "Het Excel-bestand is leeg: er staan geen kolomkoppen of rijen in.",
            "empty",
        )
    return result


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, [_xlsx_value(c) for c in cells]


def _xlsx_value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if getattr(cell, "data_type", None) == "f" or type(value).__name__ in {
        "ArrayFormula",
        "DataTableFormula",
    }:
        return Formula(value if isinstance(value, str) else getattr(value, "text", "=…"))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, (date, str)):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


# -- JSON: ours and Kumu's -----------------------------------------------------------------

_OUR_KEYS: dict[TableKind, str] = {"wijken": "wijken", "actors": "actors", "links": "links"}


def _read_json(source: str, text: str) -> RawRead:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", "?")
        return _fail(
            source,
            f"Dit JSON-bestand is niet geldig (regel {line}). Exporteer het "
            "opnieuw uit wijknet of Kumu.",
            "bad_json",
        )
    if isinstance(doc, dict) and ("elements" in doc or "connections" in doc):
        return _read_kumu_json(source, doc)
    if isinstance(doc, dict) and any(isinstance(doc.get(k), list) for k in _OUR_KEYS.values()):
        return _read_our_json(source, doc)
    return _fail(
        source,
        "Dit JSON-bestand is geen wijknet-export (met 'wijken', 'actors', "
        "'links') en geen Kumu-export (met 'elements', 'connections').",
        "wrong_format",
    )


def _read_our_json(source: str, doc: dict[str, Any]) -> RawRead:
    result = RawRead()
    for kind, list_key in _OUR_KEYS.items():
        records = doc.get(list_key) or []
        if not isinstance(records, list):
            result.problems.append(
                Problem(
                    source=source,
                    column=list_key,
                    message=f"'{list_key}' moet een lijst zijn.",
                    code="wrong_format",
                )
            )
            continue
        rows = []
        for number, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                row = RawRow(number=number, cells={})
                row.problems.append(
                    ("", shown(record), "Verwacht een object met velden.", "wrong_format")
                )
                rows.append(row)
                continue
            cells = {_key(k): v for k, v in record.items() if k != "contact"}
            if kind == "actors" and "contact" in record:
                contact = record["contact"] if isinstance(record["contact"], dict) else {}
                cells["email"] = contact.get("email")
                cells["phone"] = contact.get("phone")
            rows.append(RawRow(number=number, cells=cells))
        if rows:
            result.raw.append(
                record_table(f"{source} › {list_key}", "wijknet-json", kind, rows, own_ids=True)
            )
    return result


def _key(name: Any) -> str:
    """A record's key as a header: text, a lone surrogate replaced by U+FFFD."""
    return SURROGATE.sub("\ufffd", str(name))


def _kumu_record(item: dict[str, Any]) -> dict[str, Any]:
    flat = {_key(k): v for k, v in item.items() if k != "attributes"}
    if isinstance(item.get("attributes"), dict):
        flat |= {_key(k): v for k, v in item["attributes"].items()}
    return flat


_KUMU_CONNECTION_SYSTEM = {"direction", "delayed", "reversed", "_id"}


def _read_kumu_json(source: str, doc: dict[str, Any]) -> RawRead:
    """Kumu's export: elements (identity by ``_id``) and connections (``from``/``to`` or
    ``source``/``target``, each an element's ``_id`` or its label)."""
    result = RawRead()
    elements = doc.get("elements") or []
    connections = doc.get("connections") or []
    if not isinstance(elements, list) or not isinstance(connections, list):
        return _fail(
            source,
            "In deze Kumu-export zijn 'elements' en 'connections' geen lijsten.",
            "wrong_format",
        )
    rows = [
        RawRow(number=number, cells=_kumu_record(item))
        for number, item in enumerate(elements, start=1)
        if isinstance(item, dict)
    ]
    if rows:
        result.raw.append(record_table(f"{source} › elements", "kumu-json", "actors", rows))
    rows = []
    for number, item in enumerate(connections, start=1):
        if not isinstance(item, dict):
            continue
        cells = {k: v for k, v in _kumu_record(item).items() if k not in _KUMU_CONNECTION_SYSTEM}
        rows.append(RawRow(number=number, cells=cells))
    if rows:
        result.raw.append(record_table(f"{source} › connections", "kumu-json", "links", rows))
    if not result.raw:
        result.problems.append(
            Problem(
                source=source,
                message="Deze Kumu-export bevat geen elementen of verbindingen.",
                code="empty",
            )
        )
    return result


# -- GraphML and GEXF: a small, lenient XML reader ---------------------------------------


def _local(tag: Any) -> str:
    """The tag without its namespace: ``{http://…}node`` -> ``node``."""
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_xml(source: str, data: bytes, what: str) -> ET.Element | RawRead:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        return _fail(
            source,
            f"Dit {what}-bestand is kapot bij regel {line}, kolom {column + 1}. "
            "Exporteer het opnieuw uit het programma waarmee het gemaakt is.",
            "bad_file",
        )


def _read_graphml(source: str, data: bytes) -> RawRead:
    """GraphML, ours or another tool's: ``<key>`` declarations anywhere in the file (older
    tools put them inside ``<graph>``), defaults, edges with or without ids."""
    root = _parse_xml(source, data, "GraphML")
    if isinstance(root, RawRead):
        return root
    keys: dict[str, str] = {}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for element in root.iter():
        if _local(element.tag) != "key":
            continue
        key_id = element.get("id", "")
        name = element.get("attr.name") or key_id
        keys[key_id] = name
        for child in element:
            if _local(child.tag) == "default" and child.text is not None:
                defaults.setdefault(element.get("for", "node"), {})[name] = child.text
    graph = next((e for e in root.iter() if _local(e.tag) == "graph"), None)
    if graph is None:
        return _fail(source, "Dit GraphML-bestand bevat geen graaf.", "empty")

    def data_of(element: ET.Element, kind: str) -> dict[str, Any]:
        cells: dict[str, Any] = dict(defaults.get(kind, {}))
        for child in element:
            if _local(child.tag) == "data" and not len(child):  # not yEd's drawing data
                cells[keys.get(child.get("key", ""), child.get("key", ""))] = child.text or ""
        return cells

    graph_data = data_of(graph, "graph")
    own = "wijken" in graph_data
    result = RawRead()
    try:
        wijken = json.loads(graph_data.get("wijken") or "[]")
    except json.JSONDecodeError:
        wijken = []
    if isinstance(wijken, list) and wijken:
        rows = [RawRow(n, w) for n, w in enumerate(wijken, 1) if isinstance(w, dict)]
        result.raw.append(
            record_table(f"{source} › wijken", "graphml", "wijken", rows, own_ids=True)
        )
    nodes: list[RawRow] = []
    edges: list[RawRow] = []
    for element in graph.iter():
        tag = _local(element.tag)
        if tag == "node":
            cells = data_of(element, "node")
            cells["id" if own else "ref"] = element.get("id", "")
            nodes.append(RawRow(len(nodes) + 1, cells))
        elif tag == "edge":
            cells = data_of(element, "edge")
            cells["source"] = element.get("source", "")
            cells["target"] = element.get("target", "")
            if element.get("id") and own:
                cells.setdefault("id", element.get("id"))
            edges.append(RawRow(len(edges) + 1, cells))
    if nodes:
        result.raw.append(
            record_table(f"{source} › actoren", "graphml", "actors", nodes, own_ids=own)
        )
    if edges:
        result.raw.append(
            record_table(f"{source} › samenwerkingen", "graphml", "links", edges, own_ids=own)
        )
    if not nodes:
        result.problems.append(
            Problem(source=source, message="Dit GraphML-bestand bevat geen knopen.", code="empty")
        )
    return result


def _read_gexf(source: str, data: bytes) -> RawRead:
    """GEXF (Gephi, versions 1.1 to 1.3): node and edge attributes by title, labels as
    names, weights as intensities; directed and undirected edges may be mixed."""
    root = _parse_xml(source, data, "GEXF")
    if isinstance(root, RawRead):
        return root
    graph = next((e for e in root.iter() if _local(e.tag) == "graph"), None)
    if graph is None:
        return _fail(source, "Dit GEXF-bestand bevat geen graaf.", "empty")
    titles: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in graph.iter():
        if _local(block.tag) != "attributes":
            continue
        kind = block.get("class", "node")
        for attribute in block:
            if _local(attribute.tag) == "attribute":
                attr_id = attribute.get("id", "")
                titles.setdefault(kind, {})[attr_id] = attribute.get("title") or attr_id
    own = (graph.get("name") or "").lower().startswith("wijknet")

    def values_of(element: ET.Element, kind: str) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for block in element:
            if _local(block.tag) != "attvalues":
                continue
            for value in block:
                ref = value.get("for") or value.get("id") or ""
                cells[titles.get(kind, {}).get(ref, ref)] = value.get("value", "")
        return cells

    result = RawRead()
    nodes: list[RawRow] = []
    edges: list[RawRow] = []
    for element in graph.iter():
        tag = _local(element.tag)
        if tag == "node":
            cells = {"label": element.get("label") or element.get("id", "")}
            cells |= values_of(element, "node")
            if {"naam", "name"} & set(cells):
                cells.pop("label")  # our export: the label repeats the name
            cells["id" if own else "ref"] = element.get("id", "")
            nodes.append(RawRow(len(nodes) + 1, cells))
        elif tag == "edge":
            cells = {"source": element.get("source", ""), "target": element.get("target", "")}
            if element.get("label"):
                cells["label"] = element.get("label")
            if element.get("weight"):
                cells["weight"] = element.get("weight")
            cells |= values_of(element, "edge")
            if "intensiteit" in cells:
                cells.pop("weight", None)  # our export: the weight repeats the intensity
            if own and element.get("id"):
                cells.setdefault("id", element.get("id"))
            edges.append(RawRow(len(edges) + 1, cells))
    if nodes:
        result.raw.append(record_table(f"{source} › actoren", "gexf", "actors", nodes, own_ids=own))
    if edges:
        result.raw.append(
            record_table(f"{source} › samenwerkingen", "gexf", "links", edges, own_ids=own)
        )
    if not nodes:
        result.problems.append(
            Problem(source=source, message="Dit GEXF-bestand bevat geen knopen.", code="empty")
        )
    return result
