"""wijknet import, export, duplicates and merge on the command line."""

from __future__ import annotations

import json
import zipfile

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.store import open_store
from tests.support.importing import ACTORS, EXAMPLES, LINKS, WIJKEN, csv_bytes


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "cli-io.db"
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{db}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))
    monkeypatch.chdir(tmp_path)
    store = open_store(f"sqlite:///{db}")
    store.bulk_upsert(wijken=list(WIJKEN), by="setup")
    store.close()
    (tmp_path / "actoren.csv").write_bytes(csv_bytes(ACTORS))
    (tmp_path / "links.csv").write_bytes(csv_bytes(LINKS))
    return tmp_path


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def stored(env):
    store = open_store(f"sqlite:///{env / 'cli-io.db'}")
    try:
        return store.list_actors(), store.list_links(), store.audit_log(limit=1000)
    finally:
        store.close()


def test_dry_run_prints_the_plan_and_writes_nothing(env):
    result = run("import", "--dry-run", env / "actoren.csv", env / "links.csv")
    assert result.exit_code == 0, result.output
    assert "proefdraai" in result.output
    assert "actoren" in result.output and "samenwerkingen" in result.output
    assert "Fleur Fictief — nieuw" in result.output
    assert stored(env)[0] == []


def test_import_writes_once_and_again_changes_nothing(env):
    first = run("import", "--door", "Anna", env / "actoren.csv", env / "links.csv")
    assert first.exit_code == 0, first.output
    assert "Geschreven: 7 nieuw, 0 bijgewerkt, 0 ongewijzigd." in first.output
    actors, links, audit = stored(env)
    assert len(actors) == 4 and len(links) == 3 and audit[0].by == "Anna"
    second = run("import", env / "actoren.csv", env / "links.csv")
    assert "0 nieuw, 0 bijgewerkt, 7 ongewijzigd" in second.output
    assert stored(env)[2] == audit


def test_problems_are_listed_and_nothing_is_written(env):
    bad = [row[:] for row in ACTORS]
    bad[2][2] = "socaal"
    (env / "fout.csv").write_bytes(csv_bytes(bad))
    result = run("import", env / "fout.csv")
    assert result.exit_code == 1
    assert "fout.csv rij 3, kolom 'domein': 'socaal'" in result.output
    assert "Bedoelt u 'sociaal'?" in result.output
    assert stored(env)[0] == []
    valid = run("import", "--valid-only", env / "fout.csv")
    assert valid.exit_code == 0, valid.output
    assert "2 rijen met een probleem overgeslagen" in valid.output
    assert len(stored(env)[0]) == 2


def test_dry_run_with_problems_exits_1(env):
    (env / "leeg.csv").write_bytes(b"")
    result = run("import", "--dry-run", env / "leeg.csv")
    assert result.exit_code == 1 and "leeg" in result.output


def test_default_wijk_and_json_output(env):
    (env / "zonder.csv").write_bytes(
        csv_bytes([["naam", "soort", "domein"], ["Taalcafé", "initiatief", "inwoners"]])
    )
    result = run("import", "--dry-run", "--json", "--wijk", "Daalhof", env / "zonder.csv")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["rows"][0]["wijken"] == ["daalhof"] and plan["problems"] == []


def test_export_every_format_and_csv_to_a_folder(env):
    run("import", env / "actoren.csv", env / "links.csv")
    for fmt, name in (
        ("xlsx", "wijknet-regio.xlsx"),
        ("json", "wijknet-regio.json"),
        ("graphml", "wijknet-regio.graphml"),
        ("gexf", "wijknet-regio.gexf"),
        ("csv", "wijknet-regio.zip"),
    ):
        result = run("export", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert (env / name).stat().st_size > 0
    with zipfile.ZipFile(env / "wijknet-regio.zip") as archive:
        assert "fleur@" not in archive.read("actoren.csv").decode("utf-8-sig")
    result = run(
        "export", "-f", "csv", "--with-contact", "--wijk", "de-baandert", "-o", env / "uit"
    )
    assert result.exit_code == 0, result.output
    assert "fleur@voorbeeld.invalid" in (env / "uit" / "actoren.csv").read_text("utf-8-sig")
    stdout = run("export", "-f", "json", "-o", "-")
    assert json.loads(stdout.stdout)["format"] == "wijknet"
    assert run("export", "-f", "pdf").exit_code != 0
    assert run("export", "--wijk", "nergens").exit_code != 0


def test_examples_import_through_the_cli(env):
    for name in ("partners.xlsx", "kumu.xlsx", "kumu.json"):
        result = run("import", EXAMPLES / name)
        assert result.exit_code == 0, result.output


def test_duplicates_and_merge(env):
    rows = [
        ["naam", "soort", "domein", "wijk"],
        ["Huisartsenpraktijk De Baandert", "organisatie", "zorg", "de-baandert"],
        ["Huisartspraktijk de Baandert", "organisatie", "zorg", "de-baandert"],
    ]
    (env / "dubbel.csv").write_bytes(csv_bytes(rows))
    run("import", env / "dubbel.csv")
    listed = run("duplicates", "--wijk", "de-baandert")
    assert "Huisartspraktijk de Baandert" in listed.output
    pairs = json.loads(run("duplicates", "--json").output)
    keep, drop = pairs[0]["a"], pairs[0]["b"]
    dry = run("merge", keep, drop, "--dry-run")
    assert dry.exit_code == 0 and "Proefdraai" in dry.output
    assert len(stored(env)[0]) == 2
    done = run("merge", keep, drop, "--door", "Bram")
    assert done.exit_code == 0, done.output
    actors, _, audit = stored(env)
    assert [a.id for a in actors] == [keep] and audit[0].by == "Bram"
    assert run("merge", keep, "bestaat-niet").exit_code == 1
    assert "Geen waarschijnlijke dubbelingen" in run("duplicates").output
