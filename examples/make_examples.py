"""Write the example files that are not plain text: the XLSX workbooks and our JSON export.

Run from the repository root: ``.venv/bin/python examples/make_examples.py``. Every
person, organisation and initiative in the examples is fictional.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from openpyxl import Workbook

from graph.model import WijkIn
from graph.store.sqlite import SqliteStore
from importers.apply import apply_plan, plan_files
from importers.exports import collect, to_json

HERE = Path(__file__).parent
NOTE = "Voorbeeldbestand van wijknet: alle namen zijn verzonnen (fictief)."

PARTNERS = {
    "Actors": [
        [
            "Name",
            "Kind",
            "Domain",
            "Role",
            "Neighbourhood",
            "Themes",
            "Core approaches",
            "Organisation",
            "E-mail",
        ],
        [
            "Wijkverpleging Zonnedauw",
            "organisation",
            "care",
            "wijkverpleging",
            "De Baandert",
            "ouderen",
            "Kernteam Ouderen",
            "",
            "",
        ],
        [
            "Ilse Testbeeld",
            "professional",
            "zorg",
            "wijkverpleegkundige",
            "De Baandert",
            "ouderen; mantelzorg",
            "kernteam-ouderen",
            "Wijkverpleging Zonnedauw",
            "ilse@voorbeeld.invalid",
        ],
        [
            "Mantelzorgkring De Linde",
            "initiative",
            "residents",
            "mantelzorggroep",
            "De Baandert",
            "mantelzorg",
            "",
            "",
            "",
        ],
    ],
    "Links": [
        ["From", "To", "Kind", "Intensity", "Note", "Since"],
        ["Ilse Testbeeld", "Wijkverpleging Zonnedauw", "works at", "4", "", "2021-05-01"],
        [
            "Ilse Testbeeld",
            "Mantelzorgkring De Linde",
            "collaboration",
            "afstemmen",
            "Maandelijks overleg (fictief)",
            "",
        ],
    ],
}

KUMU = {
    "Elements": [
        ["Label", "Type", "Description", "Tags", "Wijk"],
        [
            "Schuldhulp Voorbeeldstad",
            "Schuldhulporganisatie",
            "Fictieve organisatie",
            "armoede-en-schulden | werk-en-inkomen",
            "De Baandert",
        ],
        ["Wijkagent Fictief", "Wijkagent", "Verzonnen persoon", "veiligheid", "De Baandert"],
        [
            "Taalcafé Voorbeeld",
            "Initiative",
            "Verzonnen initiatief",
            "taal-en-digitale-vaardigheden | inwoners",
            "De Baandert",
        ],
    ],
    "Connections": [
        ["From", "To", "Type", "Description"],
        ["Wijkagent Fictief", "Schuldhulp Voorbeeldstad", "referral", "Signalen van schulden"],
        ["Taalcafé Voorbeeld", "Schuldhulp Voorbeeldstad", "Informatie", "Folders in het café"],
    ],
}


def workbook(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    about = book.create_sheet("Over dit bestand")
    about.append([NOTE])
    book.save(path)


def our_json(path: Path) -> None:
    """Import the CSV examples into an empty store and export it: a real wijknet JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(str(Path(tmp) / "voorbeeld.db"))
        try:
            store.create_wijk(
                WijkIn(slug="de-baandert", name="De Baandert", gemeente="Sittard-Geleen", cohort=1),
                by="voorbeeld",
            )
            files = [
                (p.name, p.read_bytes())
                for p in (HERE / "actoren.csv", HERE / "samenwerkingen.csv")
            ]
            apply_plan(store, plan_files(store, files), by="voorbeeld")
            document = json.loads(to_json(collect(store, "de-baandert")))
        finally:
            store.close()
    document["note"] = NOTE
    document["exported_at"] = "2025-01-01T00:00:00+00:00"
    for record in document["wijken"] + document["actors"] + document["links"]:
        record["created_at"] = record["updated_at"] = "2025-01-01T00:00:00+00:00"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    workbook(HERE / "partners.xlsx", PARTNERS)
    workbook(HERE / "kumu.xlsx", KUMU)
    our_json(HERE / "wijknet.json")
    print("Geschreven:", ", ".join(p.name for p in sorted(HERE.iterdir())))
