"""The analysis commands of the wijknet CLI: readable tables and stable --json output."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.demo import DEMO_DATE, load_demo
from graph.store import open_store

DAY = DEMO_DATE.isoformat()
ANALYSE_KEYS = {
    "density",
    "components",
    "largest_component_share",
    "isolates",
    "fragmentation",
    "degree_centralization",
    "cross_domain_share",
    "ei_index",
    "brokers",
    "cut_points",
    "communities",
    "kernaanpak_coverage",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "demo.db"
    store = open_store(f"sqlite:///{db}")
    load_demo(store)
    store.close()
    return db


@pytest.fixture
def run(database, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{database}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))

    def invoke(*args):
        return CliRunner().invoke(app, list(args))

    return invoke


def test_analyse_prints_tables_and_json(run):
    result = run("analyse", "daalhof", "--as-of", DAY)
    assert result.exit_code == 0, result.output
    assert "Netwerkanalyse Daalhof" in result.output and "Dichtheid" in result.output
    assert "Kernaanpakken:" in result.output and "Welzijn op Recept" in result.output
    data = json.loads(run("analyse", "daalhof", "--as-of", DAY, "--json").stdout)
    assert set(data) >= ANALYSE_KEYS and data["as_of"] == DAY


def test_suggest_prints_a_list_with_the_documented_keys(run):
    data = json.loads(run("suggest", "daalhof", "--as-of", DAY, "--limit", "3", "--json").stdout)
    assert (
        isinstance(data, list)
        and sum(s.get("kind", "gemeenschappelijk") == "gemeenschappelijk" for s in data) == 3
    )
    for item in data:
        assert {"a", "b", "score", "reasons", "introducer"} <= set(item)
        assert item["reasons"] and {"code", "text", "points"} <= set(item["reasons"][0])
    table = run("suggest", "daalhof", "--as-of", DAY, "--limit", "3")
    assert table.exit_code == 0 and "met wie" in table.output
    assert data[0]["a"]["name"] in table.output
    assert ("Vraag " in table.output) or ("Breng " in table.output)


def test_compare_trend_and_diff(run):
    result = run("compare", "--as-of", DAY, "--sort", "fragmentation", "--desc")
    assert result.exit_code == 0, result.output
    assert "Regio (alle wijken)" in result.output and "Gemiddelde per wijk" in result.output
    data = json.loads(run("compare", "--as-of", DAY, "--json").stdout)
    assert len(data["rows"]) == 12 and "region" in data
    trend = run("trend", "daalhof", "--since", "2026-01-01", "--until", DAY, "--every", "kwartaal")
    assert trend.exit_code == 0 and "2026-04-01" in trend.output
    diff = run("diff", "daalhof", "--before", "2026-01-01", "--after", DAY)
    assert diff.exit_code == 0 and "Nieuwe verbindingen" in diff.output
    other = json.loads(run("diff", "daalhof", "--after", DAY, "--other", "nuth", "--json").stdout)
    assert other["after"]["wijk"] == "nuth"


def test_mistakes_end_with_a_message_and_a_non_zero_exit(run):
    unknown = run("analyse", "atlantis")
    assert unknown.exit_code == 1 and "atlantis" in unknown.output
    assert run("analyse", "daalhof", "--as-of", "morgen").exit_code == 1
    assert run("compare", "--sort", "geluk").exit_code == 1
    assert run("trend", "daalhof", "--every", "eeuw").exit_code == 1


def test_suggest_records_lists_and_undoes_steps(run):
    data = json.loads(run("suggest", "daalhof", "--as-of", DAY, "--limit", "2", "--json").stdout)
    a, b = data[1]["a"], data[1]["b"]
    first, second = sorted([a, b], key=lambda actor: actor["id"])  # a pair is stored a < b
    result = run("suggest", "daalhof", "--step", b["id"], a["id"], "benaderd", "--door", "jan")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Vastgelegd: Benaderd: {first['name']} ↔ {second['name']}."
    refused = run("suggest", "daalhof", "--step", a["id"], b["id"], "kennismaking-gepland")
    assert refused.exit_code == 1 and "Vul de datum van de kennismaking in." in refused.output
    refused = run("suggest", "daalhof", "--step", a["id"], b["id"], "niet-relevant")
    assert refused.exit_code == 1 and "Geef een reden" in refused.output
    refused = run("suggest", "daalhof", "--step", a["id"], b["id"], "misschien")
    assert refused.exit_code == 1 and "geen stap" in refused.output
    planned = run(
        "suggest", "daalhof", "--step", a["id"], b["id"], "kennismaking-gepland",
        "--date", "2026-12-03", "--note", "Koffie", "--json",
    )  # fmt: skip
    assert planned.exit_code == 0, planned.output
    step = json.loads(planned.stdout)
    assert (step["status"], step["date"], step["note"]) == (
        "kennismaking-gepland",
        "2026-12-03",
        "Koffie",
    )

    listed = run("suggest", "daalhof", "--status", "kennismaking-gepland", "--as-of", DAY)
    assert listed.exit_code == 0, listed.output
    assert "Kennismaking gepland (03-12-2026)" in listed.output and a["name"] in listed.output
    assert "Koffie" in listed.output and "met wie" in listed.output
    every = json.loads(
        run("suggest", "daalhof", "--status", "alle", "--as-of", DAY, "--json").stdout
    )
    assert every[0]["status"] == "kennismaking-gepland" and every[0]["step"]["by"]
    assert {"voorgesteld"} <= {item["status"] for item in every}
    fresh = run("suggest", "daalhof", "--as-of", DAY, "--json")
    assert (a["id"], b["id"]) not in {
        (s["a"]["id"], s["b"]["id"]) for s in json.loads(fresh.stdout)
    }
    nothing = run("suggest", "daalhof", "--status", "ontmoet", "--as-of", DAY)
    assert nothing.exit_code == 0 and "Geen voorstellen met de status ontmoet." in nothing.output
    assert run("suggest", "daalhof", "--status", "onzin").exit_code == 1

    undone = run("suggest", "daalhof", "--undo", a["id"], b["id"])
    assert undone.exit_code == 0, undone.output
    assert "Laatste stap teruggedraaid" in undone.output and "nu: Benaderd" in undone.output
    undone = run("suggest", "daalhof", "--undo", b["id"], a["id"])
    assert "nu zonder status" in undone.output
    again = run("suggest", "daalhof", "--undo", a["id"], b["id"])
    assert again.exit_code == 1 and "geen stap" in again.output
    both = run(
        "suggest", "daalhof", "--undo", a["id"], b["id"], "--step", a["id"], b["id"], "ontmoet"
    )
    assert both.exit_code == 1
