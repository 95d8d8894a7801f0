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
    assert isinstance(data, list) and len(data) == 3
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
