"""The effect of verbinden through the JSON API (per wijk, and as CSV for every wijk) and
the CLI, on the scripted history of ``tests/graph/test_effect.py``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.analysis.effect import EFFECT_LABELS, default_period
from graph.model import WijkIn
from graph.store.sqlite import SqliteStore
from tests.graph.test_effect import BY, EXPECTED, WIJK, script
from tests.support.api import lezer_get, token_client


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """The scripted wijk, and an empty second wijk, in a SQLite file; and the period."""
    path = tmp_path_factory.mktemp("effect") / "effect.db"
    store = SqliteStore(path)
    start, end = script(store)
    store.create_wijk(WijkIn(slug="nuth", name="Nuth", gemeente="Beekdaelen"), by=BY)
    store.close()
    return path, start, end


@pytest.fixture(scope="module")
def store(scripted):
    store = SqliteStore(scripted[0])
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(store):
    with token_client(store, [WIJK]) as client:
        yield client


def _period(scripted) -> str:
    _, start, end = scripted
    return f"from={start.isoformat()}&to={end.isoformat()}"


def test_the_effect_of_a_wijk_over_a_period(client, scripted):
    r = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?{_period(scripted)}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: body[k] for k in EXPECTED} == EXPECTED
    assert body["start"] == scripted[1].isoformat() and body["end"] == scripted[2].isoformat()
    assert body["fragmentation_before"] == pytest.approx(0.8)
    assert body["fragmentation_after"] == pytest.approx(1 / 3)
    assert body["fragmentation_change"] == pytest.approx(1 / 3 - 0.8)


def test_the_default_period_is_the_last_twelve_months(client):
    body = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect").json()
    start, end = default_period()
    assert (body["start"], body["end"]) == (start.isoformat(), end.isoformat())
    # a year ago none of the links existed yet: six isolated actors, six parts
    assert (body["isolates_before"], body["components_before"]) == (6, 6)
    assert body["fragmentation_before"] == 1.0
    assert body["new_links"] == 4  # the two old links (day -100) are new in this year too
    assert body["new_cross_domain_links"] == 2  # z2-s1 and i1-s1
    assert body["taken_up"] == 5  # s1-z1 (benaderd on day -65) counts too
    assert body["in_progress"] == 2
    only_to = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?to=2026-03-31").json()
    assert (only_to["start"], only_to["end"]) == ("2025-04-01", "2026-03-31")


def test_a_period_that_ends_before_it_starts_is_refused(client):
    r = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?from=2026-05-01&to=2026-04-30")
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_data"
    assert [(d["field"], d["code"]) for d in r.json()["details"]] == [("to", "end_before_start")]
    future = (date.today() + timedelta(days=3)).isoformat()
    r = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?from={future}")  # to: today
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "end_before_start"
    r = lezer_get(client, "/api/v1/effect.csv?from=2026-05-01&to=2026-04-30")
    assert r.status_code == 422 and r.json()["details"][0]["code"] == "end_before_start"
    r = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?from=1800-01-01&to=2026-04-30")
    assert r.status_code == 422 and r.json()["details"][0] == {
        "field": "from",
        "message": r.json()["details"][0]["message"],
        "code": "out_of_range",
    }
    r = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?from=gisteren")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_reading_the_effect_needs_a_login_and_a_known_wijk(client):
    assert client.get(f"/api/v1/wijken/{WIJK}/effect").status_code == 401
    assert client.get("/api/v1/effect.csv").status_code == 401
    r = lezer_get(client, "/api/v1/wijken/atlantis/effect")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = lezer_get(client, "/api/v1/effect.csv?wijk=atlantis")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_has_one_row_per_wijk_with_dutch_headers(client, scripted):
    r = lezer_get(client, f"/api/v1/effect.csv?{_period(scripted)}")
    _, start, end = scripted
    assert f'filename="wijknet-effect-{start}-{end}.csv"' in r.headers["content-disposition"]
    header, *rows = _csv(r)
    assert header == ["Wijk (code)", "Wijk", "Van", "Tot", *EFFECT_LABELS.values()]
    assert "Voorstellen opgepakt" in header and "Verschil fragmentatie" in header
    assert [row[0] for row in rows] == [WIJK, "nuth"]
    daalhof = dict(zip(header, rows[0], strict=True))
    assert daalhof["Van"] == start.isoformat() and daalhof["Tot"] == end.isoformat()
    assert daalhof["Voorstellen opgepakt"] == "4" and daalhof["In behandeling"] == "1"
    assert daalhof["Gerealiseerd"] == "2" and daalhof["Afgewezen"] == "1"
    assert daalhof["Nieuwe verbindingen"] == "2"
    assert daalhof["Nieuwe domeinoverstijgende verbindingen"] == "1"
    assert daalhof["Mediaan dagen tot gerealiseerd"] == "40,0"
    assert daalhof["Geïsoleerd voor"] == "3" and daalhof["Geïsoleerd na"] == "1"
    assert daalhof["Fragmentatie voor"] == "0,8"
    assert daalhof["Fragmentatie na"] == "0,333333"
    assert daalhof["Verschil fragmentatie"] == "-0,466667"
    nuth = dict(zip(header, rows[1], strict=True))
    assert nuth["Voorstellen opgepakt"] == "0" and nuth["Fragmentatie voor"] == ""
    assert nuth["Mediaan dagen tot gerealiseerd"] == ""


def test_the_csv_of_chosen_wijken(client, scripted):
    r = lezer_get(client, f"/api/v1/effect.csv?{_period(scripted)}&wijk=nuth")
    assert [row[0] for row in _csv(r)[1:]] == ["nuth"]
    r = lezer_get(client, f"/api/v1/effect.csv?{_period(scripted)}&wijk=nuth&wijk={WIJK}")
    assert [row[0] for row in _csv(r)[1:]] == ["nuth", WIJK]


def test_openapi_documents_the_effect_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    params = {p["name"] for p in paths["/api/v1/wijken/{slug}/effect"]["get"]["parameters"]}
    assert {"slug", "from", "to"} <= params
    assert "text/csv" in paths["/api/v1/effect.csv"]["get"]["responses"]["200"]["content"]


# -- the CLI ------------------------------------------------------------------------------


@pytest.fixture
def run(scripted, monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{scripted[0]}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))

    def invoke(*args: str):
        return CliRunner().invoke(app, list(args))

    return invoke


def test_the_cli_prints_the_figures_in_dutch(run, scripted):
    _, start, end = scripted
    result = run("effect", WIJK, "--van", start.isoformat(), "--tot", end.isoformat())
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Effect van verbinden in Daalhof, {start:%d-%m-%Y} tot en met {end:%d-%m-%Y}" in out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    for expected in (
        "opgepakt 4",
        "in behandeling 1",
        "gerealiseerd 2",
        "afgewezen 1",
        "Mediaan van eerste stap tot gerealiseerd: 40 dagen.",
        "nieuw 2",
        "domeinoverstijgend 1",
        "uit een voorstel 2",
        "geïsoleerde actoren 3 1 -2",
        "losse delen 4 2 -2",
        "fragmentatie 0,800 0,333 -0,467",
    ):
        assert expected in lines, (expected, out)


def test_the_cli_prints_the_api_json(run, scripted, client):
    _, start, end = scripted
    args = ("effect", WIJK, "--van", start.isoformat(), "--tot", end.isoformat(), "--json")
    data = json.loads(run(*args).stdout)
    api = lezer_get(client, f"/api/v1/wijken/{WIJK}/effect?{_period(scripted)}").json()
    assert data == api and data["taken_up"] == 4


def test_the_cli_refuses_a_bad_period_in_dutch(run):
    result = run("effect", WIJK, "--van", "2026-05-01", "--tot", "2026-04-30")
    assert result.exit_code == 1
    assert "--tot: De einddatum ligt vóór de begindatum." in result.output
    result = run("effect", WIJK, "--van", "1-5-2026")
    assert result.exit_code == 1 and "--van: vul een datum in als JJJJ-MM-DD" in result.output
    result = run("effect", "atlantis")
    assert result.exit_code == 1
