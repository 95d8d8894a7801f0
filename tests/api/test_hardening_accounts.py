"""Accounts, login and error mapping under hostile or unlucky requests.

Impossible account names, a locked accounts database, login answers that must not tell
whether an account exists, unknown wijken for an account, 405 answers, huge request
bodies and the API documentation pages.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.accounts import AccountStore
from api.app import create_app
from api.cli import app as cli_app
from api.settings import Settings
from graph.model import WijkIn
from graph.store import open_store
from tests.support.web import ACCOUNTS, FAST_HASHER, PASSWORD, Browser, csrf_of

ERROR_KEYS = {"code", "message", "details"}


@pytest.fixture
def api(app, accounts):
    """A JSON client that answers 500 instead of raising, with one token per account."""
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers_for = {
            name: {"Authorization": f"Bearer {accounts.create_token(name)}"}
            for name, _, _ in ACCOUNTS
        }
        yield client


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code, body
    return body


# -- 1. account names that cannot exist ------------------------------------------------------


@pytest.mark.parametrize("name", ["0", "Xy", "a%20b", "x" * 41])
def test_changing_an_account_whose_name_cannot_exist_is_a_404(api, name):
    response = api.patch(
        f"/api/v1/accounts/{name}", headers=api.headers_for["baas"], json={"role": "lezer"}
    )
    assert_error(response, 404, "not_found")


def test_the_beheer_form_for_an_impossible_account_name_is_a_dutch_404(browse):
    baas = browse("baas")
    response = baas.post("/beheer/accounts/Xy", {"action": "rol", "role": "lezer"})
    assert response.status_code == 404
    assert "Dit account bestaat niet (meer)." in response.text


# -- 2. a locked accounts database ------------------------------------------------------------


@pytest.fixture
def locked_setup(store, tmp_path: Path):
    """An app on a file of accounts, a logged-in browser, an API token and a way to lock
    the file from another connection."""
    path = tmp_path / "accounts.db"
    on_file = AccountStore(str(path), hasher=FAST_HASHER, busy_timeout=0.2)
    for name, role, wijken in ACCOUNTS:
        on_file.add_user(name, PASSWORD, role, wijken)
    token = {"Authorization": f"Bearer {on_file.create_token('baas')}"}
    web_app = create_app(Settings(), store=store, accounts=on_file)
    with TestClient(web_app, raise_server_exceptions=False) as client:
        browser = Browser(client).login("baas")
        other = sqlite3.connect(path, isolation_level=None)
        yield client, browser, token, other
        other.close()
    on_file.close()


def test_a_locked_accounts_database_is_a_quick_503_for_the_api_and_the_pages(locked_setup):
    client, browser, token, other = locked_setup
    other.execute("BEGIN EXCLUSIVE")
    started = time.monotonic()
    new_account = {"username": "piet", "password": "nog-een-wachtwoord", "role": "lezer"}
    # with the session cookie: the session itself cannot be read
    assert_error(client.get("/api/v1/wijken"), 503, "store_unavailable")
    for page in (
        client.get("/"),
        client.get("/beheer"),
        browser.post(
            "/beheer/accounts",
            {"username": "piet", "role": "lezer", "password": "nog-een-wachtwoord"},
        ),
    ):
        assert page.status_code == 503
        assert "De database is niet bereikbaar" in page.text
        assert '<html lang="nl">' in page.text
        assert "content-security-policy" in page.headers
    client.cookies.clear()
    # with an API token: the token cannot be checked, nor an account written
    assert_error(
        client.post("/api/v1/accounts", json=new_account, headers=token), 503, "store_unavailable"
    )
    assert_error(client.get("/api/v1/wijken", headers=token), 503, "store_unavailable")
    page = client.get("/inloggen")  # opens an anonymous session for the form
    assert page.status_code == 503
    assert "De database is niet bereikbaar" in page.text
    assert time.monotonic() - started < 5
    other.execute("ROLLBACK")
    assert client.get("/api/v1/wijken", headers=token).status_code == 200


def test_requests_on_a_locked_accounts_database_do_not_queue_up(locked_setup):
    client, _, _, other = locked_setup
    other.execute("BEGIN EXCLUSIVE")
    answers: list[int] = []

    def visit() -> None:
        answers.append(client.get("/wijk/daalhof").status_code)

    threads = [threading.Thread(target=visit) for _ in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    other.execute("ROLLBACK")
    assert answers == [503] * 8
    # each gives up after about busy_timeout (0.2 s); one after another would take 1.6 s
    assert elapsed < 1.2, elapsed


def test_the_accounts_database_waits_a_few_seconds_by_default(tmp_path):
    default = AccountStore(str(tmp_path / "accounts.db"))
    try:
        assert 1 <= default.busy_timeout <= 5
    finally:
        default.close()


# -- 3. login answers do not tell whether an account exists -----------------------------------


def _failed_logins(visitor: Browser, username: str, times: int) -> list[str]:
    token = csrf_of(visitor.get("/inloggen").text)
    answers = []
    for _ in range(times):
        response = visitor.client.post(
            "/inloggen",
            data={"csrf_token": token, "username": username, "password": "fout-fout-fout"},
        )
        assert response.status_code == 400
        text = response.text.replace(f'value="{username}"', 'value=""')
        answers.append(re.sub(r'name="csrf_token" value="[^"]+"', "", text))
    return answers


def test_login_answers_the_same_for_known_and_unknown_names(browse, accounts):
    tries = accounts.max_failed + 2
    known = _failed_logins(browse(), "anna", tries)
    unknown = _failed_logins(browse(), "niemand", tries)
    assert known == unknown
    assert "klopt niet" in known[0] and "tijdelijk geblokkeerd" in known[-1]
    assert "niemand" not in [u.username for u in accounts.list_users()]


def test_failed_logins_for_unknown_names_are_counted_in_bounded_space(tmp_path):
    small = AccountStore(
        str(tmp_path / "a.db"), max_failed=2, hasher=FAST_HASHER, max_unknown_names=10
    )
    try:
        for _ in range(2):
            assert small.authenticate("niemand", "fout-fout-fout") is None
        assert small.is_locked("niemand")
        for i in range(50):
            small.authenticate(f"gast-{i}", "fout-fout-fout")
        rows = small._conn.execute("SELECT count(*) FROM login_failures").fetchone()[0]
        assert rows <= 10
        assert small.list_users() == []
        # the name's digest is kept, never the name itself (it may be a mistyped password)
        assert not small._conn.execute(
            "SELECT count(*) FROM login_failures WHERE key LIKE '%gast%'"
        ).fetchone()[0]
    finally:
        small.close()


# -- 4. account wijken must exist ------------------------------------------------------------


def test_the_api_refuses_accounts_in_unknown_wijken(api, accounts):
    baas = api.headers_for["baas"]
    made = api.post(
        "/api/v1/accounts",
        headers=baas,
        json={
            "username": "piet",
            "password": "nog-een-wachtwoord",
            "role": "wijkmakelaar",
            "wijken": ["daalhof", "no-such-wijk"],
        },
    )
    body = assert_error(made, 422, "invalid_data")
    assert [d["field"] for d in body["details"]] == ["wijken"]
    assert "no-such-wijk" in body["details"][0]["message"]
    assert "piet" not in [u.username for u in accounts.list_users()]
    changed = api.patch(
        "/api/v1/accounts/anna",
        headers=baas,
        json={"role": "wijkmakelaar", "wijken": ["no-such-wijk"]},
    )
    body = assert_error(changed, 422, "invalid_data")
    assert body["details"][0]["field"] == "wijken"
    assert accounts.get_user("anna").wijken == ["daalhof"]


def test_the_beheer_forms_refuse_unknown_wijken_in_dutch(browse, accounts):
    baas = browse("baas")
    made = baas.post(
        "/beheer/accounts",
        {
            "username": "piet",
            "password": "nog-een-wachtwoord",
            "role": "wijkmakelaar",
            "wijken": ["no-such-wijk"],
        },
    )
    assert made.status_code == 422
    assert "Onbekende wijk: no-such-wijk" in made.text
    assert "piet" not in [u.username for u in accounts.list_users()]
    changed = baas.post(
        "/beheer/accounts/anna",
        {"action": "rol", "role": "wijkmakelaar", "wijken": ["nuth", "no-such-wijk"]},
    )
    assert changed.status_code == 422
    assert "Onbekende wijk: no-such-wijk" in changed.text
    assert accounts.get_user("anna").wijken == ["daalhof"]


def test_the_cli_refuses_accounts_in_unknown_wijken(tmp_path, monkeypatch):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{db}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))
    graph = open_store(f"sqlite:///{db}")
    try:
        graph.create_wijk(WijkIn(slug="daalhof", name="Daalhof", gemeente="Maastricht"), by="test")
    finally:
        graph.close()
    refused = CliRunner().invoke(
        cli_app,
        [
            "user",
            "add",
            "anna",
            "--role",
            "wijkmakelaar",
            "--wijk",
            "no-such-wijk",
            "--password",
            PASSWORD,
        ],
    )
    assert refused.exit_code != 0
    assert "Onbekende wijk: no-such-wijk" in refused.output
    assert "anna" not in CliRunner().invoke(cli_app, ["user", "list"]).output
    made = CliRunner().invoke(
        cli_app,
        [
            "user",
            "add",
            "anna",
            "--role",
            "wijkmakelaar",
            "--wijk",
            "daalhof",
            "--password",
            PASSWORD,
        ],
    )
    assert made.exit_code == 0, made.output


# -- 5. 405 names the allowed methods ---------------------------------------------------------


def test_405_names_the_allowed_methods(api, browse):
    response = api.delete("/api/v1/wijken", headers=api.headers_for["baas"])
    assert_error(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "POST"}
    page = browse().client.put("/inloggen")
    assert page.status_code == 405
    assert "Dat kan hier niet" in page.text
    assert {m.strip() for m in page.headers["allow"].split(",")} >= {"GET", "POST"}


# -- 6. huge request bodies -------------------------------------------------------------------


def test_validation_errors_are_capped_with_a_note_of_how_many_more(api):
    body = {f"k{i}": 1 for i in range(250)} | {"role": "lezer"}
    response = api.patch("/api/v1/accounts/anna", headers=api.headers_for["baas"], json=body)
    details = assert_error(response, 422, "invalid_request")["details"]
    assert len(details) == 100
    assert "150 more" in response.json()["message"]
    # the same cap when the store refuses the fields of an update
    baas = api.headers_for["baas"]
    version = api.get("/api/v1/wijken/daalhof", headers=baas).json()["version"]
    body = {f"k{i}": 1 for i in range(250)} | {"version": version}
    response = api.patch("/api/v1/wijken/daalhof", headers=baas, json=body)
    refused = assert_error(response, 422, "invalid_data")
    assert len(refused["details"]) == 100
    assert "150 more" in refused["message"] and len(response.content) < 20_000


def test_an_oversized_json_body_is_refused_before_it_is_parsed(api):
    body = "{" + ",".join(f'"k{i}":1' for i in range(200_000)) + ',"role":"lezer"}'
    started = time.monotonic()
    response = api.patch(
        "/api/v1/accounts/anna",
        content=body,
        headers={**api.headers_for["baas"], "content-type": "application/json"},
    )
    assert_error(response, 413, "payload_too_large")
    assert len(response.content) < 1000
    assert time.monotonic() - started < 2


# -- 7. the API documentation loads nothing from other hosts ----------------------------------


def _external(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", text)


def test_the_api_documentation_loads_nothing_from_other_hosts(api):
    for page in ("/redoc", "/docs"):
        html = api.get(page).text
        assert _external(html) == [], page
        for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert asset.startswith("/"), asset
            served = api.get(asset)
            assert served.status_code == 200, asset
            # images the bundled scripts would fetch by themselves
            assert not re.search(rb'src:\s*"https?://', served.content), asset
    # Swagger UI would show a badge image from validator.swagger.io
    config = re.search(r"SwaggerUIBundle\((\{.*?\})\)", api.get("/docs").text, re.DOTALL)
    assert config and re.search(r'"validatorUrl":\s*null', config.group(1))
