"""``wijknet import`` with a mapping: --mapping (TOML or JSON), --soort, --domein and
--toon-koppeling."""

from __future__ import annotations

import json

import pytest

from api.cli import app  # noqa: F401  (the commands register on import)
from graph.store import open_store
from importers.mapping import Defaults, ImportMapping
from tests.api.test_cli_io import env, run  # noqa: F401  (the fixture)
from tests.support.import_shapes import partner_csv
from tests.support.importing import csv_bytes

HEADER = ["naam", "soort", "wijk"]
ROWS = [HEADER, ["Buurtkamer Noord", "initiatief", "daalhof"], ["Praktijk Oost", "", "daalhof"]]
"""No domain and no role: the domain comes from the defaults, the kind of the second too."""


@pytest.fixture
def lijst(env):  # noqa: F811
    path = env / "lijst.csv"
    path.write_bytes(csv_bytes(ROWS))
    return path


def domains(folder) -> dict[str, str]:
    """Name -> ``domain`` (and ``name:soort`` -> kind) of every stored actor."""
    store = open_store(f"sqlite:///{folder / 'cli-io.db'}")
    try:
        actors = store.list_actors()
    finally:
        store.close()
    return {a.name: a.domain.value for a in actors} | {
        f"{a.name}:soort": a.kind.value for a in actors
    }


@pytest.mark.parametrize("suffix", ["toml", "json"])
def test_a_mapping_file_sets_the_default_domain(env, lijst, suffix):  # noqa: F811
    mapping = ImportMapping(standaard=Defaults(domein="sociaal"))
    path = env / f"koppeling.{suffix}"
    path.write_text(mapping.to_toml() if suffix == "toml" else mapping.to_json(), "utf-8")
    dry = run("import", "--dry-run", "--mapping", path, lijst)
    assert dry.exit_code == 0, dry.output
    result = run("import", "--mapping", path, lijst)
    assert result.exit_code == 0, result.output
    assert domains(env)["Buurtkamer Noord"] == "sociaal"


def test_domein_and_soort_options(env, lijst):  # noqa: F811
    result = run("import", "--domein", "wonen", "--soort", "initiatief", lijst)
    assert result.exit_code == 0, result.output
    assert domains(env)["Praktijk Oost"] == "wonen"
    assert domains(env)["Praktijk Oost:soort"] == "initiatief"
    bad = run("import", "--dry-run", "--domein", "maan", lijst)
    assert bad.exit_code != 0


def test_toon_koppeling_writes_the_effective_mapping(env, lijst):  # noqa: F811
    for name in ("uit.toml", "uit.json"):
        result = run(
            "import", "--dry-run", "--domein", "zorg", "--toon-koppeling", env / name, lijst
        )
        assert result.exit_code == 0, result.output
        loaded = ImportMapping.load(name, (env / name).read_bytes())
        assert loaded.standaard.domein.value == "zorg"
    assert (env / "uit.json").read_text("utf-8").lstrip().startswith("{")
    # the written mapping is read back by --mapping
    again = run("import", "--dry-run", "--mapping", env / "uit.toml", lijst)
    assert again.exit_code == 0, again.output


def test_json_output_carries_the_mapping(env, lijst):  # noqa: F811
    result = run("import", "--dry-run", "--json", "--domein", "zorg", lijst)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mapping"]["standaard"]["domein"] == "zorg"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("versie = 2\n", "versie"), ("{ kapot", "niet te lezen"), ("[standaard]\ndomein = 'x'", "")],
)
def test_a_bad_mapping_is_refused_in_dutch(env, lijst, text, expected):  # noqa: F811
    path = env / "kapot.toml"
    path.write_text(text, "utf-8")
    result = run("import", "--dry-run", "--mapping", path, lijst)
    assert result.exit_code != 0
    assert "Koppeling niet gebruikt" in result.output and expected in result.output


def test_the_dry_run_of_a_partner_list_shows_the_koppeling(env):  # noqa: F811
    name, data = partner_csv()
    (env / name).write_bytes(data)
    result = run("import", "--dry-run", "--wijk", "daalhof", env / name)
    assert "Koppeling:" in result.output, result.output
    assert "'Partner Program Name' → naam" in result.output
