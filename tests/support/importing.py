"""Helpers shared by the importer, export and import-API tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from graph.model import ActorIn, LinkIn, WijkIn
from graph.store.base import GraphStore
from graph.store.sqlite import SqliteStore
from importers.apply import ImportResult, apply_plan, plan_files
from importers.plan import ImportPlan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BY = "Import Test"

WIJKEN = (
    WijkIn(slug="de-baandert", name="De Baandert", gemeente="Sittard-Geleen", cohort=1),
    WijkIn(slug="daalhof", name="Daalhof", gemeente="Maastricht", cohort=1),
)


def new_store(path: Path, *, wijken: Sequence[WijkIn] = WIJKEN) -> SqliteStore:
    store = SqliteStore(str(path))
    if wijken:
        store.bulk_upsert(wijken=list(wijken), by="setup")
    return store


def csv_bytes(
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\r\n",
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan(store: GraphStore, *files: tuple[str, bytes], **kw: Any) -> ImportPlan:
    return plan_files(store, list(files), **kw)


def run(
    store: GraphStore, *files: tuple[str, bytes], valid_only: bool = False, **kw: Any
) -> ImportResult:
    return apply_plan(store, plan(store, *files, **kw), by=BY, valid_only=valid_only)


def graph_inputs(store: GraphStore) -> tuple[list[dict], list[dict], list[dict]]:
    """The input fields of every wijk, actor and link (what a round trip must keep)."""
    return (
        [w.model_dump(include=set(WijkIn.model_fields)) for w in store.list_wijken()],
        [a.model_dump(include=set(ActorIn.model_fields)) for a in store.list_actors()],
        [lk.model_dump(include=set(LinkIn.model_fields)) for lk in store.list_links()],
    )


ACTOR_HEADER = [
    "naam",
    "soort",
    "domein",
    "rol",
    "wijk",
    "thema's",
    "kernaanpakken",
    "organisatie",
    "e-mail",
]
ACTORS = [
    ACTOR_HEADER,
    [
        "Huisartsenpraktijk De Baandert",
        "organisatie",
        "zorg",
        "huisartsenpraktijk",
        "De Baandert",
        "eenzaamheid, ouderen",
        "Welzijn op Recept",
        "",
        "",
    ],
    [
        "Welzijn Westelijke Mijnstreek",
        "organisatie",
        "sociaal",
        "welzijnsorganisatie",
        "de-baandert",
        "eenzaamheid",
        "welzijn-op-recept",
        "",
        "",
    ],
    [
        "Fleur Fictief",
        "professional",
        "",
        "welzijnscoach",
        "De Baandert",
        "eenzaamheid",
        "WELZIJN OP RECEPT",
        "Welzijn Westelijke Mijnstreek",
        "fleur@voorbeeld.invalid",
    ],
    [
        "Wijkontbijt Baandert",
        "initiatief",
        "inwoners",
        "wijkontbijt",
        "De Baandert",
        "eenzaamheid",
        "",
        "",
        "",
    ],
]
LINKS = [
    ["van", "naar", "soort", "intensiteit"],
    ["Fleur Fictief", "Welzijn Westelijke Mijnstreek", "werkt bij", "4"],
    ["Huisartsenpraktijk De Baandert", "Fleur Fictief", "verwijzing", "afstemmen"],
    ["Wijkontbijt Baandert", "Welzijn Westelijke Mijnstreek", "samenwerking", "Kennen elkaar"],
]


def sample_files(**kw: Any) -> list[tuple[str, bytes]]:
    return [
        ("actoren.csv", csv_bytes(ACTORS, **kw)),
        ("samenwerkingen.csv", csv_bytes(LINKS, **kw)),
    ]
