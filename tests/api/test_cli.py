"""The wijknet command line works on the store WIJKNET_DATABASE names."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.model import WijkIn
from graph.store import open_store


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{db}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))
    return db


def run(*args, input=None):
    return CliRunner().invoke(app, list(args), input=input)


def test_check_reports_a_healthy_store(env):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "sqlite" in result.output and "ok" in result.output


def test_check_fails_on_an_unreachable_store(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{blocker}/sub/x.db")
    result = run("check")
    assert result.exit_code != 0


def test_load_demo_is_idempotent_and_prints_accounts(env):
    first = run("load-demo")
    assert first.exit_code == 0, first.output
    assert "fictief" in first.output.lower()
    assert "makelaar" in first.output and "beheer" in first.output
    store = open_store(f"sqlite:///{env}")
    try:
        wijken = store.list_wijken()
        assert len(wijken) == 12
        counts = {w.slug: len(store.list_actors(w.slug)) for w in wijken}
        assert all(40 <= n <= 150 for n in counts.values()), counts
        seq_before = store.audit_log(limit=1)[0].seq
    finally:
        store.close()
    # the demo's netwerkuitvraag: a link to try a partner's page, printed once
    tried = re.search(r"http://127\.0\.0\.1:\d+/uitvraag/(\S+)", first.output)
    assert tried is not None, first.output
    second = run("load-demo")
    assert second.exit_code == 0, second.output
    assert " 0 nieuw" in second.output and " 0 bijgewerkt" in second.output
    assert "/uitvraag/" not in second.output  # the round is there already
    store = open_store(f"sqlite:///{env}")
    try:
        assert store.audit_log(limit=1)[0].seq == seq_before  # nothing written again
    finally:
        store.close()


def test_user_add_and_token(env):
    store = open_store(f"sqlite:///{env}")
    try:
        store.create_wijk(WijkIn(slug="daalhof", name="Daalhof", gemeente="Maastricht"), by="test")
    finally:
        store.close()
    result = run(
        "user",
        "add",
        "anna",
        "--role",
        "wijkmakelaar",
        "--wijk",
        "daalhof",
        "--password",
        "een-lang-wachtwoord",
    )
    assert result.exit_code == 0, result.output
    assert "anna" in run("user", "list").output
    token = run("user", "token", "anna")
    assert token.exit_code == 0 and token.output.strip().startswith("wn_")
    again = run("user", "add", "anna", "--role", "lezer", "--password", "een-lang-wachtwoord")
    assert again.exit_code != 0


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_serve_and_demo_listen_on_the_port_of_the_settings(env, monkeypatch, command):
    import uvicorn

    from api.cli import serve

    heard: dict = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda app, host, port, **kw: heard.update(host=host, port=port)
    )
    monkeypatch.setattr(serve, "load_demo", lambda **_: None)
    monkeypatch.delenv("WIJKNET_HOST", raising=False)
    monkeypatch.setenv("WIJKNET_PORT", "8123")  # as in `WIJKNET_PORT=8123 make demo`
    result = run(command)
    assert result.exit_code == 0, result.output
    assert heard == {"host": "127.0.0.1", "port": 8123}
    assert "http://127.0.0.1:8123" in result.output
