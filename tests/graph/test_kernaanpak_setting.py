"""The programme team's own kernaanpak rules file, named by WIJKNET_KERNAANPAK_RULES."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.settings import Settings
from graph.analysis.kernaanpak import DEFAULT_RULES, load_rules, use_rules
from graph.demo import DEMO_DATE, load_demo
from graph.errors import InvalidData
from graph.store import open_store

CHANGED_GAP = "Er is nog geen gemeente in beeld (eigen regel van het programmateam)."


@pytest.fixture(autouse=True)
def packaged_rules_afterwards():
    yield
    use_rules(None)


def own_rules(tmp_path):
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    text = text.replace(
        'tekort = "De gemeente staat nog niet op de kaart van deze wijk."',
        f'tekort = "{CHANGED_GAP}"',
    )
    # a requirement no demo wijk can meet, so its gap shows everywhere
    text = text.replace(
        'wie = { domeinen = ["gemeente"] }', 'wie = { domeinen = ["gemeente"] }\n  minimaal = 99', 1
    )
    path = tmp_path / "regels.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_cli_uses_the_configured_rules(tmp_path, monkeypatch):
    db = tmp_path / "demo.db"
    store = open_store(f"sqlite:///{db}")
    load_demo(store)
    store.close()
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{db}")
    args = ["analyse", "daalhof", "--as-of", DEMO_DATE.isoformat(), "--json"]

    packaged = CliRunner().invoke(cli, args)
    assert packaged.exit_code == 0, packaged.output
    assert CHANGED_GAP not in packaged.output

    monkeypatch.setenv("WIJKNET_KERNAANPAK_RULES", str(own_rules(tmp_path)))
    changed = CliRunner().invoke(cli, args)
    assert changed.exit_code == 0, changed.output
    assert CHANGED_GAP in json.dumps(
        json.loads(changed.output)["kernaanpak_coverage"], ensure_ascii=False
    )


def test_a_broken_rules_file_stops_the_start_with_its_errors(tmp_path):
    broken = tmp_path / "kapot.toml"
    broken.write_text('[[kernaanpak]]\nslug = "onbekend"\n', encoding="utf-8")
    with pytest.raises(InvalidData) as info:
        create_app(Settings(kernaanpak_rules=str(broken)))
    assert info.value.errors
    assert load_rules() == load_rules(DEFAULT_RULES)  # the packaged rules stay in force
