"""Small hand-made files in the shapes people bring from elsewhere (issue 10).

Each builder returns ``(file name, bytes)``, ready for ``plan_files``. The shapes follow real
exports: a Kumu map as JSON and as XLSX, a GraphML file whose ``<key>`` declarations sit
inside ``<graph>``, a GEXF file from Gephi with mixed edge directions, a Dutch sociale-kaart
workbook with a title row, and an American partner list with address columns.
"""

from __future__ import annotations

import json

from tests.support.importing import csv_bytes, xlsx_bytes

LONG_DESCRIPTION = "Een lange beschrijving. " * 105
"""About 2,500 characters: longer than wijknet keeps in one description."""


def kumu_json() -> tuple[str, bytes]:
    """Kumu export: untyped elements, one type wijknet does not know, two elements with the
    same label and distinct ``_id``, a reciprocal pair and a very long description."""
    elements = [
        {
            "_id": "elem-a",
            "attributes": {"label": "Buurthuis De Kern", "element type": "Stakeholder"},
        },
        {"_id": "elem-b", "attributes": {"label": "Inkomenszekerheid"}},
        {"_id": "elem-c", "attributes": {"label": "Inkomenszekerheid", "element type": None}},
        {
            "_id": "elem-d",
            "attributes": {
                "label": "Mevrouw Jansen",
                "element type": "Interviewee",
                "description": LONG_DESCRIPTION,
            },
        },
    ]
    connections = [
        {
            "_id": "conn-1",
            "direction": "directed",
            "from": "elem-a",
            "to": "elem-b",
            "attributes": {"connection type": "+"},
        },
        {
            "_id": "conn-2",
            "direction": "directed",
            "from": "elem-b",
            "to": "elem-a",
            "attributes": {"connection type": "+"},
        },
        {"_id": "conn-3", "direction": "undirected", "from": "elem-c", "to": "elem-d"},
    ]
    doc = {"elements": elements, "connections": connections, "maps": [], "attributes": []}
    return "kumu-kaart.json", json.dumps(doc, ensure_ascii=False).encode()


def kumu_json_source_target() -> tuple[str, bytes]:
    """Kumu-like JSON whose connections name their ends by label with ``source``/``target``."""
    doc = {
        "elements": [
            {"label": "Bibliotheek", "type": "Company"},
            {"label": "Taalcafé", "type": "Community group"},
        ],
        "connections": [{"source": "Bibliotheek", "target": "Taalcafé", "type": "partner"}],
    }
    return "kumu-labels.json", json.dumps(doc).encode()


def kumu_xlsx() -> tuple[str, bytes]:
    """Kumu workbook: sheets Elements and Connections; Person and Company elements, tags,
    columns wijknet does not know, and one pair connected with two types."""
    elements = [
        ["Label", "Type", "Tags", "Description", "Image", "Website", "Net Worth (Billions)"],
        ["Anna de Vries", "Person", "oprichter", "Begon de coöperatie.", "https://x/a.png", "", ""],
        ["Bart Smit", "Person", "oprichter|investeerder", "", "", "", "1.2"],
        ["Coöperatie Zon", "Company", "energie", "", "", "https://zon.example", ""],
        ["Fonds Noord", "Company", "", "", "", "", ""],
    ]
    connections = [
        ["From", "To", "Label", "Type", "Tags", "Description"],
        ["Anna de Vries", "Coöperatie Zon", "", "Employee/Founder", "", ""],
        ["Bart Smit", "Coöperatie Zon", "", "Employee/Founder", "", ""],
        ["Bart Smit", "Coöperatie Zon", "", "Investor", "", ""],
        ["Fonds Noord", "Bart Smit", "", "Investor", "", ""],
    ]
    return "kumu-netwerk.xlsx", xlsx_bytes({"Elements": elements, "Connections": connections})


def graphml_keys_in_graph() -> tuple[str, bytes]:
    """GraphML from an older tool: every ``<key>`` inside ``<graph>``, node ids "1"…"3",
    edges without ids (one of them marked directed on its own)."""
    text = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph id="G" edgedefault="directed">
    <key id="d0" for="node" attr.name="name" attr.type="string"/>
    <key id="d1" for="node" attr.name="website" attr.type="string"/>
    <key id="d2" for="node" attr.name="contact" attr.type="string"/>
    <key id="d3" for="edge" attr.name="type" attr.type="string"/>
    <node id="1"><data key="d0">Netwerk Vrij Wonen</data>
      <data key="d1">https://vrijwonen.example</data>
      <data key="d2">info@vrijwonen.example</data></node>
    <node id="2"><data key="d0">Huurdersbond</data><data key="d2">?</data></node>
    <node id="3"><data key="d0">Wijkraad Oost</data></node>
    <edge source="1" target="2"><data key="d3">collaborates</data></edge>
    <edge source="2" target="3"><data key="d3">knows</data></edge>
    <edge source="3" target="1" isdirected="true"><data key="d3">ispartof</data></edge>
  </graph>
</graphml>
"""
    return "beweging.graphml", text.encode()


def gexf_mixed() -> tuple[str, bytes]:
    """GEXF 1.3 from Gephi: node attributes, weights, and directed and undirected edges in
    one graph whose default is directed."""
    text = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="directed" mode="static">
    <attributes class="node">
      <attribute id="0" title="sector" type="string"/>
      <attribute id="1" title="modularity_class" type="integer"/>
    </attributes>
    <nodes>
      <node id="n0" label="Sportclub Oost">
        <attvalues><attvalue for="0" value="sport"/><attvalue for="1" value="2"/></attvalues>
      </node>
      <node id="n1" label="Basisschool De Linde"/>
      <node id="n2" label="Jongerenwerk"/>
    </nodes>
    <edges>
      <edge id="e0" source="n0" target="n1" weight="3"/>
      <edge id="e1" source="n1" target="n2" type="undirected" weight="1.0"/>
      <edge source="n2" target="n0" label="knows"/>
    </edges>
  </graph>
</gexf>
"""
    return "gephi.gexf", text.encode()


def sociale_kaart_xlsx() -> tuple[str, bytes]:
    """A Dutch sociale kaart: a title row, an empty row, then Dutch headers with
    ``Organisatie`` as the record's name, a bad phone and ``Laatst gecontroleerd op``."""
    rows: list[list[object]] = [
        ["Sociale kaart Oost — overzicht aanbod", None, None, None, None, None, None, None, None],
        [None] * 9,
        [
            "Organisatie",
            "Thema",
            "Doelgroep",
            "Korte omschrijving",
            "Adres",
            "Telefoon",
            "E-mail",
            "Website",
            "Laatst gecontroleerd op",
        ],
        [
            "Schuldhulp Oost",
            "Geldzaken",
            "Volwassenen",
            "Hulp bij schulden en formulieren.",
            "Kerkstraat 1, 6100 AA Oost",
            "046-1234567",
            "info@schuldhulp.example",
            "https://schuldhulp.example",
            "12-01-2024",
        ],
        [
            "Taalhuis",
            "Taal",
            "Laaggeletterden",
            "Oefenen met lezen en schrijven.",
            "Markt 3",
            "bel ons",
            "",
            "",
            "03-02-2024",
        ],
        [
            "Opvoedpunt",
            "Opvoeden; Jongeren",
            "Ouders",
            "Vragen over opvoeden.",
            "",
            "",
            "",
            "https://opvoedpunt.example",
            "",
        ],
    ]
    return "sociale-kaart.xlsx", xlsx_bytes({"Aanbod": rows})


def partner_csv() -> tuple[str, bytes]:
    """An American partner list: program name, type (with "Other"), coordinates, address
    columns, M/D/Y dates, a region and notes."""
    header = [
        "Partner Program Name",
        "Type",
        "Latitude, Longitude",
        "Visible Street Address",
        "City",
        "State",
        "Zip",
        "Open Date",
        "Close Date",
        "Website",
        "Region",
        "Notes",
    ]
    rows = [
        header,
        [
            "Green City Market",
            "Farmers Market",
            "41.9, -87.6",
            "1817 N Clark St",
            "Chicago",
            "IL",
            "60614",
            "5/4/2024",
            "10/26/2024",
            "https://greencity.example",
            "Chicago",
            "$5",
        ],
        [
            "Prairie Farm Stand",
            "Farm Stand",
            "",
            "12 Route 4",
            "Urbana",
            "IL",
            "61801",
            "6/15/2024",
            "",
            "",
            "Central IL",
            "",
        ],
        ["Share Box", "CSA", "", "", "Peoria", "IL", "", "", "", "", "Central IL", ""],
        ["Corner Help", "Other", "", "", "Cairo", "IL", "", "", "", "", "Southern IL", ""],
    ]
    return "partners.csv", csv_bytes(rows, delimiter=",")
