"""Read the files people have: CSV, XLSX, Kumu (XLSX or JSON), our JSON, GraphML, ZIP of those.

``read_file(name, data)`` looks at the bytes (not only the name) and returns the tables it
found, with the headers mapped to wijknet's fields by ``importers.columns``. Nothing here
raises on a bad file: every problem comes back as a ``Problem`` the person can act on.

- CSV: UTF-8 with or without BOM, UTF-16 with BOM, otherwise Windows-1252; comma,
  semicolon or tab (sniffed from the header line); Windows or Unix line ends.
- XLSX: every sheet with recognisable headers is a table; formulas are never evaluated
  (``data_only=False``): a formula cell is a row problem, a text cell starting with ``=``
  is text.
- Cells longer than ``MAX_CELL_CHARS`` are refused with a message; cells our exports
  neutralised (``'=…``) are read back as they were stored.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from graph.model import INVALID_CHARACTER
from importers.columns import (
    TABLE_LABEL,
    TableKind,
    detect_table,
    expected_headers,
    field_of,
    is_informational,
)
from importers.tables import (
    MAX_CELL_CHARS,
    SURROGATE,
    Problem,
    ReadResult,
    Row,
    Table,
    shown,
    unneutralise,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
"""The largest file read (a 20 MB export of a whole region fits comfortably)."""

MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
"""An XLSX or ZIP that unpacks to more than this is refused (zip bombs)."""

HEADER_SEARCH_ROWS = 10
"""How many rows at the top of a sheet are searched for the header row."""

FORMULA = "formula"


class _Formula(str):
    """A cell that held a formula (``=SUM(…)``); kept only to be reported."""


def read_file(name: str, data: bytes) -> ReadResult:
    """Read one file (by content, its name only as a hint) into tables and problems."""
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
    head = text.lstrip()[:200].lower()
    if suffix == ".json" or head.startswith(("{", "[")):
        return _read_json(source, text)
    if suffix == ".graphml" or (head.startswith("<?xml") and "<graphml" in text[:2000]):
        return _read_graphml(source, data)
    if suffix == ".gexf" or "<gexf" in text[:2000]:
        return _fail(
            source,
            "GEXF is een exportformaat (voor Gephi) en wordt niet ingelezen. "
            "Importeer een CSV-, XLSX-, Kumu-, GraphML- of wijknet-JSON-bestand.",
            "wrong_format",
        )
    result = read_csv_text(source, text)
    if encoding != "utf-8":
        result.notes.append(f"{source}: gelezen als {encoding}.")
    return result


def _fail(source: str, message: str, code: str) -> ReadResult:
    return ReadResult(problems=[Problem(source=source, message=message, code=code)])


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


def read_csv_text(source: str, text: str) -> ReadResult:
    """Read CSV text (any line ends) as one table."""
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
    return table_from_rows(source, rows)


# -- rows to a table ---------------------------------------------------------------------


def table_from_rows(source: str, rows: Iterable[tuple[int, list[Any]]]) -> ReadResult:
    """Find the header row, map its headers, and turn the rows below into a table."""
    iterator = iter(rows)
    skipped: list[tuple[int, list[Any]]] = []
    header: tuple[int, list[Any]] | None = None
    kind: TableKind | None = None
    for number, cells in iterator:
        if not any(_text(c) for c in cells):
            continue
        kind = detect_table([_text(c) for c in cells])
        if kind is not None:
            header = (number, cells)
            break
        skipped.append((number, cells))
        if len(skipped) >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not skipped:
            return _fail(
                source, "Het bestand is leeg: er staan geen kolomkoppen of rijen in.", "empty"
            )
        found = ", ".join(f"'{_text(c)}'" for c in skipped[0][1] if _text(c)) or "geen"
        problem = Problem(
            source=source,
            row=skipped[0][0],
            value=shown(found),
            message=f"Geen bekende kolomkoppen gevonden (gevonden: {found}). " + expected_headers(),
            code="wrong_headers",
        )
        return ReadResult(problems=[problem])
    assert kind is not None
    header_row, header_cells = header
    result = ReadResult()
    fields: list[str | None] = []
    columns: dict[str, str] = {}
    for cell in header_cells:
        title = _text(cell)
        field = field_of(kind, title) if title else None
        if field is not None and field in columns:
            result.problems.append(
                Problem(
                    source=source,
                    row=header_row,
                    column=title,
                    value=title,
                    message=f"De kolommen '{columns[field]}' en '{title}' betekenen hetzelfde; "
                    "houd er één over.",
                    code="duplicate_column",
                )
            )
            field = None
        elif field is not None:
            columns[field] = title
        elif title and not is_informational(kind, title):
            result.notes.append(f"{source}: kolom '{title}' is niet bekend en wordt overgeslagen.")
        fields.append(field)
    table = Table(kind=kind, source=source, columns=columns, rows=[])
    for number, cells in iterator:
        if not any(_text(c) for c in cells):
            continue
        table.rows.append(_row(number, fields, cells))
    if not table.rows:
        result.notes.append(f"{source}: de tabel {TABLE_LABEL[kind]} heeft geen rijen.")
    result.tables.append(table)
    return result


def _row(number: int, fields: list[str | None], cells: list[Any]) -> Row:
    row = Row(number=number, values={f: None for f in fields if f})
    # a row of a file may have fewer or more cells than the header row has columns
    for field, cell in zip(fields, cells, strict=False):
        if field is None or cell is None:
            continue
        if isinstance(cell, _Formula):
            row.problems.append(
                (
                    field,
                    shown(cell),
                    "Deze cel bevat een formule; wijknet voert "
                    "geen formules uit. Vervang de formule door de waarde zelf "
                    "(kopiëren en 'plakken als waarde').",
                    FORMULA,
                )
            )
            continue
        if isinstance(cell, str):
            if len(cell) > MAX_CELL_CHARS:
                row.problems.append(
                    (
                        field,
                        shown(cell),
                        f"Deze cel is te lang ({len(cell)} "
                        f"tekens); een cel mag hoogstens {MAX_CELL_CHARS} tekens "
                        "hebben. Kort de tekst in.",
                        "cell_too_long",
                    )
                )
                continue
            cell = unneutralise(cell.strip())
            if not cell:
                continue
        row.values[field] = cell
    return row


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


# -- XLSX ----------------------------------------------------------------------------------


def _read_zip(source: str, data: bytes) -> ReadResult:
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
    result = ReadResult()
    for member in members:
        suffix = PurePath(member.filename).suffix.lower()
        if member.is_dir() or suffix not in {".csv", ".json", ".xlsx", ".txt", ".graphml"}:
            continue
        result.extend(
            read_file(f"{source} › {PurePath(member.filename).name}", archive.read(member))
        )
    if not result.tables and not result.problems:
        return _fail(
            source, "In dit ZIP-bestand staan geen CSV-, XLSX- of JSON-bestanden.", "empty"
        )
    return result


def read_xlsx(source: str, data: bytes) -> ReadResult:
    """Every sheet of a workbook with recognisable headers becomes a table."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        return _fail(
            source,
            f"Dit Excel-bestand is niet te lezen ({type(exc).__name__}). "
            "Sla het opnieuw op als .xlsx of als CSV.",
            "bad_file",
        )
    result = ReadResult()
    unknown: list[ReadResult] = []
    try:
        for sheet in book.worksheets:
            part = table_from_rows(f"{source} › {sheet.title}", _sheet_rows(sheet))
            if part.tables:
                result.extend(part)
            elif any(p.code == "wrong_headers" for p in part.problems):
                unknown.append(part)
    finally:
        book.close()
    if not result.tables:
        if unknown:
            result.problems += unknown[0].problems
        else:
            result.problems.append(
                Problem(
                    source=source,
                    message="Het Excel-bestand is leeg. " + expected_headers(),
                    code="empty",
                )
            )
    else:
        result.notes += [
            f"{p.problems[0].source}: blad overgeslagen (geen bekende kolomkoppen)."
            for p in unknown
        ]
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
        return _Formula(value if isinstance(value, str) else getattr(value, "text", "=…"))
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


def _read_json(source: str, text: str) -> ReadResult:
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


def _read_our_json(source: str, doc: dict[str, Any]) -> ReadResult:
    result = ReadResult()
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
                row = Row(number=number, values={})
                row.problems.append(
                    ("", shown(record), "Verwacht een object met velden.", "wrong_format")
                )
                rows.append(row)
                continue
            values = {k: v for k, v in record.items() if k != "contact"}
            if kind == "actors" and "contact" in record:
                contact = record["contact"] if isinstance(record["contact"], dict) else {}
                values["email"] = contact.get("email")
                values["phone"] = contact.get("phone")
            rows.append(_json_row(number, values, kind))
        if rows:
            result.tables.append(
                Table(kind=kind, source=f"{source} › {list_key}", columns={}, rows=rows)
            )
    return result


def _json_row(number: int, values: dict[str, Any], kind: TableKind) -> Row:
    """A JSON record as a row: keys are field names (or headers), values checked for size."""
    row = Row(number=number, values={})
    for name, value in values.items():
        field = name if name in _JSON_FIELDS[kind] else field_of(kind, str(name))
        if field is None:
            continue
        if _has_surrogate(value):
            row.problems.append((field, shown(value), INVALID_CHARACTER, "invalid_character"))
            value = _without_surrogates(value)
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                row.problems.append(
                    (
                        field,
                        shown(value),
                        f"Deze waarde is te lang ({len(value)} "
                        f"tekens; hoogstens {MAX_CELL_CHARS}).",
                        "cell_too_long",
                    )
                )
                continue
            value = value.strip()
        elif isinstance(value, list) and any(len(str(v)) > MAX_CELL_CHARS for v in value):
            row.problems.append(
                (field, shown(value), "Deze lijst bevat een te lange waarde.", "cell_too_long")
            )
            continue
        row.values[field] = value
    return row


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


def _without_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate (JSON text's ``"\\ud800"``) replaced by U+FFFD:
    the row is refused with a problem, and nothing further on has to carry the surrogate."""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


_JSON_FIELDS: dict[TableKind, set[str]] = {
    "actors": {
        "id",
        "kind",
        "name",
        "domain",
        "role",
        "themes",
        "kernaanpakken",
        "wijken",
        "organisation",
        "description",
        "email",
        "phone",
        "since",
        "until",
        "ref",
        "type",
        "tags",
    },
    "links": {
        "id",
        "source",
        "target",
        "kind",
        "intensity",
        "note",
        "since",
        "until",
        "wijk",
        "type",
    },
    "wijken": {"slug", "name", "gemeente", "cohort"},
}


def _kumu_record(item: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in item.items() if k != "attributes"}
    if isinstance(item.get("attributes"), dict):
        flat |= item["attributes"]
    return flat


def _read_kumu_json(source: str, doc: dict[str, Any]) -> ReadResult:
    result = ReadResult()
    elements = doc.get("elements") or []
    connections = doc.get("connections") or []
    if not isinstance(elements, list) or not isinstance(connections, list):
        return _fail(
            source,
            "In deze Kumu-export zijn 'elements' en 'connections' geen lijsten.",
            "wrong_format",
        )
    rows = []
    for number, item in enumerate(elements, start=1):
        if not isinstance(item, dict):
            continue
        flat = _kumu_record(item)
        ref = flat.pop("_id", None)
        values = {("type" if k in {"type", "element type"} else k): v for k, v in flat.items()}
        row = _json_row(number, values, "actors")
        if _has_surrogate(ref):
            row.problems.append(("ref", shown(ref), INVALID_CHARACTER, "invalid_character"))
        if ref is not None:
            row.values["ref"] = _without_surrogates(str(ref))
        rows.append(row)
    if rows:
        result.tables.append(
            Table(kind="actors", source=f"{source} › elements", columns={}, rows=rows, lenient=True)
        )
    rows = []
    for number, item in enumerate(connections, start=1):
        if not isinstance(item, dict):
            continue
        flat = _kumu_record(item)
        flat.pop("_id", None)
        values = {
            ("type" if k in {"type", "connection type"} else k): v
            for k, v in flat.items()
            if k not in {"direction", "tags", "delayed", "reversed"}
        }
        rows.append(_json_row(number, values, "links"))
    if rows:
        result.tables.append(
            Table(
                kind="links", source=f"{source} › connections", columns={}, rows=rows, lenient=True
            )
        )
    if not result.tables:
        result.problems.append(
            Problem(
                source=source,
                message="Deze Kumu-export bevat geen elementen of verbindingen.",
                code="empty",
            )
        )
    return result


# -- GraphML (our export, or another tool's with name/label attributes) ------------------


def _read_graphml(source: str, data: bytes) -> ReadResult:
    import networkx as nx

    try:
        graph = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    except Exception as exc:  # noqa: BLE001 - the XML parser raises many kinds
        return _fail(
            source, f"Dit GraphML-bestand is niet te lezen ({type(exc).__name__}).", "bad_file"
        )
    result = ReadResult()
    try:
        wijken = json.loads(graph.graph.get("wijken") or "[]")
    except json.JSONDecodeError:
        wijken = []
    if isinstance(wijken, list) and wijken:
        rows = [_json_row(n, w, "wijken") for n, w in enumerate(wijken, 1) if isinstance(w, dict)]
        result.tables.append(
            Table(kind="wijken", source=f"{source} › wijken", columns={}, rows=rows)
        )
    actors = []
    for number, (node, attrs) in enumerate(graph.nodes(data=True), start=1):
        row = _json_row(number, dict(attrs), "actors")
        row.values.setdefault("id", str(node))
        actors.append(row)
    links = []
    for number, (u, v, k, attrs) in enumerate(graph.edges(keys=True, data=True), start=1):
        row = _json_row(number, dict(attrs), "links")
        row.values.update(source=str(u), target=str(v))
        row.values.setdefault("id", str(k))
        links.append(row)
    found: tuple[tuple[TableKind, list[Row]], ...] = (("actors", actors), ("links", links))
    for kind, rows in found:
        if rows:
            result.tables.append(
                Table(kind=kind, source=f"{source} › {TABLE_LABEL[kind]}", columns={}, rows=rows)
            )
    if not result.tables:
        result.problems.append(
            Problem(source=source, message="Dit GraphML-bestand bevat geen knopen.", code="empty")
        )
    return result
