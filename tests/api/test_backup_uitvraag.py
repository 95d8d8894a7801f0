"""``wijknet backup`` and ``wijknet restore`` keep the netwerkuitvraag: its rounds,
invitations (with the digests of the links handed out) and proposals go beside the
accounts, are checked before anything is written and come back on either backend."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import Settings
from api.shared import open_shared
from api.uitvraag import service
from api.uitvraag.model import ProposalStatus, Round
from api.uitvraag.service import Answer, NewTie, TokenRefused
from api.uitvraag.store import RoundStore
from graph.model import utcnow
from graph.store import GraphStore, open_store
from tests.support.web import copy_store

WIJK = "daalhof"
MEMBERS = ("uitvraag_rounds.jsonl", "uitvraag_invitations.jsonl", "uitvraag_proposals.jsonl")


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def text(result: Any) -> str:
    return " ".join(result.output.split())


def use(monkeypatch: pytest.MonkeyPatch, place: Path) -> None:
    """Point wijknet at the SQLite graph and accounts file in ``place``."""
    place.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{place / 'wijknet.db'}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(place / "accounts.db"))


@contextmanager
def stores() -> Iterator[tuple[GraphStore, RoundStore]]:
    """The graph and the rounds the settings name, as the app opens them."""
    config = Settings()
    store = open_store(config.database, auth=config.store_auth())
    shared = open_shared(config)
    try:
        yield store, shared.rounds
    finally:
        shared.rounds.close()
        shared.close()
        store.close()


def everything(rounds: RoundStore) -> list[dict[str, Any]]:
    """Every round as the wijkmakelaar sees it: the round, its invitations, its proposals."""
    return [
        {
            "round": r,
            "invitations": rounds.invitations(r.id),
            "proposals": rounds.proposals(r.id),
        }
        for r in rounds.list_rounds()
    ]


def seen() -> list[dict[str, Any]]:
    with stores() as (_, rounds):
        return everything(rounds)


@pytest.fixture
def place(tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo graph in SQLite with an empty accounts file beside it, in use."""
    home = tmp_path / "oud"
    use(monkeypatch, home)
    copy_store(demo_template, home / "wijknet.db").close()
    return home


def a_round() -> tuple[Round, dict[str, str]]:
    """A round in Daalhof with every link handed out, one answer (two proposals) and one of
    them rejected. The round and each invitation id's token."""
    with stores() as (store, rounds):
        round_ = service.start_round(
            store,
            rounds,
            wijk=WIJK,
            title="Najaar",
            intro="Wij horen graag van u.",
            ends_on=date.today() + timedelta(days=21),
            actor_ids=None,
            by="anna",
        )
        links = service.issue_links(rounds, round_.id)
        assert len(links) >= 2
        tokens = {link.invitation.id: link.token for link in links}
        respondent = service.open_link(rounds, links[0].token)
        answer = Answer(
            record_ok=True,
            new=[
                NewTie(other_name="Buurtmoestuin De Wei", other_kind="initiatief"),
                NewTie(other_name="Repair Café Daalhof", other_kind="initiatief"),
            ],
        )
        result = service.submit_answer(store, rounds, respondent, answer)
        assert result.proposed == 2
        first, _ = rounds.proposals(round_.id, status=ProposalStatus.OPEN)
        service.review(store, rounds, first.id, accept=False, by="anna", reason="Bestaat niet")
        return round_, tokens


def test_a_restore_gives_back_the_rounds_and_the_links_still_open(place, tmp_path, monkeypatch):
    round_, tokens = a_round()
    before = seen()
    waiting = [p for p in before[0]["proposals"] if p.status is ProposalStatus.OPEN]
    assert len(waiting) == 1
    assert ProposalStatus.AFGEWEZEN in {p.status for p in before[0]["proposals"]}
    with stores() as (store, rounds):
        figures = service.round_figures(store, rounds, round_.id)
    assert figures.answered == 1 and figures.ties_added == 2

    result = run("backup", str(tmp_path / "backup.zip"))
    assert result.exit_code == 0, result.output
    assert "1 netwerkuitvraag" in result.output
    with zipfile.ZipFile(tmp_path / "backup.zip") as zf:
        assert set(MEMBERS) <= set(zf.namelist())

    use(monkeypatch, tmp_path / "nieuw")
    result = run("restore", str(tmp_path / "backup.zip"))
    assert result.exit_code == 0, result.output
    assert "1 netwerkuitvraag" in result.output
    assert seen() == before
    with stores() as (store, rounds):
        assert service.round_figures(store, rounds, round_.id) == figures  # the dashboard
        assert rounds.proposals(round_.id, status=ProposalStatus.OPEN) == waiting  # to review
        # a link handed out before the backup still opens
        unanswered = [i for i in before[0]["invitations"] if i.answered_at is None]
        opened = service.open_link(rounds, tokens[unanswered[0].id])
        assert opened.id == unanswered[0].id and opened.round_id == round_.id


def test_restoring_where_rounds_are_needs_vervang(place, tmp_path, monkeypatch):
    a_round()
    before = seen()
    assert run("backup", str(tmp_path / "backup.zip")).exit_code == 0

    use(monkeypatch, tmp_path / "nieuw")  # an empty graph, but a round beside the accounts
    with stores() as (_, rounds):
        there = Round(
            id="u-00000000000a",
            wijk=WIJK,
            title="Al begonnen",
            ends_on=date.today() + timedelta(days=7),
            created_by="bert",
            created_at=utcnow(),
        )
        rounds.add_round(there, [])
    result = run("restore", str(tmp_path / "backup.zip"))
    assert result.exit_code == 1
    assert "Er is niets hersteld" in text(result) and "al netwerkuitvragen" in text(result)
    assert "--vervang" in text(result)
    with stores() as (store, rounds):  # nothing written: not the graph, not the rounds
        assert store.list_wijken() == []
        assert rounds.list_rounds() == [there]

    result = run("restore", str(tmp_path / "backup.zip"), "--vervang")
    assert result.exit_code == 0, result.output
    assert seen() == before


def _rewrite(source: Path, target: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Copy a backup with ``member`` changed, its manifest entry (count, SHA-256) made to
    match, so only the check of the records can refuse it."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        data = {info.filename: src.read(info) for info in src.infolist()}
        data[member] = change(data[member])
        manifest = json.loads(data["manifest.json"])
        manifest["members"][member] = {
            "count": len(data[member].splitlines()),
            "sha256": hashlib.sha256(data[member]).hexdigest(),
        }
        data["manifest.json"] = json.dumps(manifest).encode()
        for name, body in data.items():
            dst.writestr(name, body)


def _other_invitation(data: bytes) -> bytes:
    lines = [json.loads(line) for line in data.decode().splitlines()]
    lines[0]["invitation_id"] = "n-0000000000ff"
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def _status(data: bytes) -> bytes:
    return data.replace(b'"afgewezen"', b'"misschien"')


def _checksum_only(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "uitvraag_proposals.jsonl":
                body = body.replace(b'"afgewezen"', b'"aanvaard"')
            dst.writestr(info.filename, body)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("checksum", "de controlesom van uitvraag_proposals.jsonl klopt niet"),
        ("invalid", "uitvraag_proposals.jsonl bevat een ongeldig record"),
        ("reference", "noemt de onbekende uitnodiging n-0000000000ff"),
    ],
)
def test_a_tampered_uitvraag_member_is_refused_in_dutch_and_nothing_changes(
    place, tmp_path, tamper, message
):
    a_round()
    assert run("backup", str(tmp_path / "backup.zip")).exit_code == 0
    with stores() as (store, rounds):
        service.close_round(rounds, rounds.list_rounds()[0].id)
        graph_before = [a.model_dump() for a in store.list_actors()]
    before = seen()
    tampered = tmp_path / "tampered.zip"
    member = "uitvraag_proposals.jsonl"
    if tamper == "checksum":
        _checksum_only(tmp_path / "backup.zip", tampered)
    else:
        change = _status if tamper == "invalid" else _other_invitation
        _rewrite(tmp_path / "backup.zip", tampered, member, change)

    result = run("restore", str(tampered), "--vervang")

    assert result.exit_code == 1
    assert message in text(result) and "Er is niets hersteld" in text(result)
    assert seen() == before  # still closed: the backup's open round did not come back
    with stores() as (store, _):
        assert [a.model_dump() for a in store.list_actors()] == graph_before


def test_zonder_accounts_leaves_the_rounds_out_and_alone(place, tmp_path, monkeypatch):
    a_round()
    result = run("backup", str(tmp_path / "zonder.zip"), "--zonder-accounts")
    assert result.exit_code == 0, result.output
    assert "netwerkuitvraag" not in result.output
    with zipfile.ZipFile(tmp_path / "zonder.zip") as zf:
        assert not set(MEMBERS) & set(zf.namelist())
    assert run("backup", str(tmp_path / "met.zip")).exit_code == 0

    before = seen()
    result = run("restore", str(tmp_path / "met.zip"), "--vervang", "--zonder-accounts")
    assert result.exit_code == 0, result.output
    assert "netwerkuitvraag" not in result.output
    assert seen() == before

    use(monkeypatch, tmp_path / "nieuw")
    result = run("restore", str(tmp_path / "met.zip"), "--zonder-accounts")
    assert result.exit_code == 0, result.output
    assert seen() == []


# -- with Neo4j: the rounds in the Neo4j server -------------------------------------------


@pytest.fixture
def neo4j_url(neo4j_server: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test server, wiped (graph, accounts and rounds); its credentials in use."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(neo4j_server.url, auth=neo4j_server.auth)
    with driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    monkeypatch.setenv("WIJKNET_NEO4J_USER", neo4j_server.user)
    monkeypatch.setenv("WIJKNET_NEO4J_PASSWORD", neo4j_server.password)
    url: str = neo4j_server.url
    return url


@pytest.mark.neo4j
def test_sqlite_to_neo4j_and_back_keeps_the_rounds(place, neo4j_url, tmp_path, monkeypatch):
    round_, tokens = a_round()
    before = seen()
    assert run("backup", str(tmp_path / "uit-sqlite.zip")).exit_code == 0

    monkeypatch.setenv("WIJKNET_DATABASE", neo4j_url)
    result = run("restore", str(tmp_path / "uit-sqlite.zip"))
    assert result.exit_code == 0, result.output
    assert "Back-up hersteld in neo4j" in result.output and "1 netwerkuitvraag" in result.output
    assert seen() == before
    unanswered = next(i for i in before[0]["invitations"] if i.answered_at is None)

    result = run("backup", str(tmp_path / "uit-neo4j.zip"))
    assert result.exit_code == 0, result.output
    assert "1 netwerkuitvraag" in result.output
    with stores() as (_, rounds):  # the link opens on Neo4j (after its backup)
        assert service.open_link(rounds, tokens[unanswered.id]).id == unanswered.id
        with pytest.raises(TokenRefused):
            service.open_link(rounds, tokens[unanswered.id][:-2] + "xx")

    use(monkeypatch, tmp_path / "terug")
    result = run("restore", str(tmp_path / "uit-neo4j.zip"))
    assert result.exit_code == 0, result.output
    assert seen() == before
    assert seen()[0]["round"] == round_
    with stores() as (_, rounds):
        assert service.open_link(rounds, tokens[unanswered.id]).id == unanswered.id


def test_a_backup_from_before_the_netwerkuitvraag_still_restores(place, tmp_path, monkeypatch):
    a_round()
    assert run("backup", str(tmp_path / "backup.zip")).exit_code == 0
    older = tmp_path / "ouder.zip"
    with zipfile.ZipFile(tmp_path / "backup.zip") as src, zipfile.ZipFile(older, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        for member in MEMBERS:
            del manifest["members"][member]
        dst.writestr("manifest.json", json.dumps(manifest))
        for info in src.infolist():
            if info.filename not in (*MEMBERS, "manifest.json"):
                dst.writestr(info.filename, src.read(info))

    use(monkeypatch, tmp_path / "nieuw")
    result = run("restore", str(older))
    assert result.exit_code == 0, result.output
    assert "netwerkuitvraag" not in result.output
    assert seen() == []
    with stores() as (store, _):
        assert [w.slug for w in store.list_wijken()]
