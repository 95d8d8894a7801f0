"""``wijknet uitvraag start|status|links|review|lijst`` on the stores WIJKNET_DATABASE and
WIJKNET_ACCOUNTS_DATABASE name."""

from __future__ import annotations

import csv
import io
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli import app
from api.settings import Settings
from api.shared import open_shared
from api.uitvraag import service
from api.uitvraag.model import ProposalStatus
from api.uitvraag.service import Answer, NewTie, TokenRefused
from api.uitvraag.store import RoundStore
from graph.store import GraphStore, open_store
from tests.api.test_uitvraag_mail import Collector, free_port
from tests.support.web import copy_store

WIJK = "daalhof"
BASE = "https://wijknet.voorbeeld.nl"
ENDS_ON = date.today() + timedelta(days=21)
TOKEN = re.compile(r"/uitvraag/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def env(tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    copy_store(demo_template, db).close()
    monkeypatch.setenv("WIJKNET_DATABASE", f"sqlite:///{db}")
    monkeypatch.setenv("WIJKNET_ACCOUNTS_DATABASE", str(tmp_path / "accounts.db"))
    for name in ("SMTP_HOST", "SMTP_FROM", "BASE_URL"):
        monkeypatch.delenv(f"WIJKNET_{name}", raising=False)
    return db


@contextmanager
def stores() -> Iterator[tuple[GraphStore, RoundStore]]:
    """The graph and the rounds the commands work on, as a test looks at them."""
    config = Settings()
    store = open_store(config.database)
    shared = open_shared(config)
    try:
        yield store, shared.rounds
    finally:
        shared.rounds.close()
        shared.close()
        store.close()


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def start(*extra: str) -> str:
    result = run(
        "uitvraag", "start", WIJK, "--titel", "Najaar", "--einddatum", str(ENDS_ON), *extra
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"Uitvraag (u-[0-9a-f]{12}) gestart", result.output)
    assert match, result.output
    return match[1]


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_start_status_and_list(env: Path) -> None:
    with stores() as (store, _):
        asked = [
            a
            for a in store.snapshot(WIJK).actors
            if a.kind.value in ("organisatie", "professional") and a.contact and a.contact.email
        ]
    round_id = start("--tekst", "Wij horen graag van u.", "--door", "anna")

    with stores() as (_, rounds):
        round_ = rounds.get_round(round_id)
        assert round_.created_by == "anna" and round_.intro == "Wij horen graag van u."
        assert len(rounds.invitations(round_id)) == len(asked)

    status = run("uitvraag", "status", round_id)
    assert status.exit_code == 0, status.output
    assert f"Gevraagd: {len(asked)}" in status.output
    assert "Link uitgedeeld: 0" in status.output
    assert "Geantwoord: 0 (0%)" in status.output

    listed = run("uitvraag", "lijst")
    assert listed.exit_code == 0 and round_id in listed.output
    assert f"0 van {len(asked)} geantwoord" in listed.output
    assert round_id not in run("uitvraag", "lijst", "heerlen-noord").output


def test_start_refuses_bad_input_in_dutch(env: Path) -> None:
    bad_date = run("uitvraag", "start", WIJK, "--titel", "Najaar", "--einddatum", "morgen")
    assert bad_date.exit_code != 0 and "JJJJ-MM-DD" in bad_date.output
    past = (date.today() - timedelta(days=1)).isoformat()
    result = run("uitvraag", "start", WIJK, "--titel", "Najaar", "--einddatum", past)
    assert result.exit_code != 0 and "ends_on" in result.output
    with stores() as (_, rounds):
        assert rounds.list_rounds() == []
    unknown = run("uitvraag", "status", "u-000000000000")
    assert unknown.exit_code != 0 and "bestaat niet" in unknown.output


def test_links_to_csv_then_reminders_to_xlsx(env: Path, tmp_path: Path) -> None:
    round_id = start()
    target = tmp_path / "links.csv"
    result = run("uitvraag", "links", round_id, "--csv", str(target), "--basis-url", BASE + "/")
    assert result.exit_code == 0, result.output
    rows = read_csv(target)
    assert rows[0] == ["naam", "e-mail", "link", "geldig tot"]
    assert f"{len(rows) - 1} links geschreven" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # the links are personal
    with stores() as (_, rounds):
        for name, email, url, _ in rows[1:]:
            assert url.startswith(f"{BASE}/uitvraag/")
            invitation = service.open_link(rounds, TOKEN.findall(url)[0])
            assert (invitation.actor_name, invitation.email) == (name, email)

    nothing = run("uitvraag", "links", round_id, "--csv", str(tmp_path / "leeg.csv"))
    assert "--basis-url" in nothing.output and nothing.exit_code != 0
    again = run(
        "uitvraag", "links", round_id, "--csv", str(tmp_path / "leeg.csv"), "--basis-url", BASE
    )
    assert again.exit_code == 0 and "niets uitgedeeld" in again.output
    assert not (tmp_path / "leeg.csv").exists()

    book = tmp_path / "herinnering.xlsx"
    reminded = run(
        "uitvraag", "links", round_id, "--opnieuw", "--xlsx", str(book), "--basis-url", BASE
    )
    assert reminded.exit_code == 0, reminded.output
    sheet = load_workbook(book)["Links"]
    new_rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(new_rows) == len(rows)
    with stores() as (_, rounds):
        with pytest.raises(TokenRefused):  # the first links no longer open
            service.open_link(rounds, TOKEN.findall(rows[1][2])[0])
        assert (
            service.open_link(rounds, TOKEN.findall(new_rows[1][2])[0]).actor_name == new_rows[1][0]
        )


def test_links_need_a_destination_and_a_mail_server_for_mail(env: Path, tmp_path: Path) -> None:
    round_id = start()
    nowhere = run("uitvraag", "links", round_id, "--basis-url", BASE)
    assert nowhere.exit_code != 0 and "--csv BESTAND, --xlsx BESTAND of --mail" in nowhere.output
    both = run(
        "uitvraag", "links", round_id, "--csv", "a.csv", "--xlsx", "b.xlsx", "--basis-url", BASE
    )
    assert both.exit_code != 0 and "niet allebei" in both.output
    missing_folder = tmp_path / "bestaat-niet" / "links.csv"
    unwritable = run(
        "uitvraag", "links", round_id, "--csv", str(missing_folder), "--basis-url", BASE
    )
    assert unwritable.exit_code != 0 and "kan niet worden geschreven" in unwritable.output
    no_server = run("uitvraag", "links", round_id, "--mail", "--basis-url", BASE)
    assert no_server.exit_code != 0 and "geen mailserver" in no_server.output
    with stores() as (_, rounds):  # nothing was handed out
        assert all(i.sent_at is None for i in rounds.invitations(round_id))


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in (
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", str(port)),
        ("SMTP_FROM", "wijknet@voorbeeld.nl"),
        ("SMTP_SECURITY", "none"),
        ("BASE_URL", BASE),
    ):
        monkeypatch.setenv(f"WIJKNET_{name}", value)
    try:
        yield handler
    finally:
        controller.stop()


def test_links_by_mail_and_the_rest_in_a_file(env: Path, tmp_path: Path, smtp: Collector) -> None:
    with stores() as (store, _):
        actors = store.snapshot(WIJK).actors
    with_mail = [a for a in actors if a.contact and a.contact.email][:2]
    without = next(a for a in actors if not (a.contact and a.contact.email))
    round_id = start(*[arg for a in [*with_mail, without] for arg in ("--actor", a.id)])
    target = tmp_path / "zonder-adres.csv"

    result = run("uitvraag", "links", round_id, "--mail", "--csv", str(target))

    assert result.exit_code == 0, result.output
    assert "2 uitnodigingen per e-mail verstuurd" in result.output
    assert "1 link geschreven" in result.output
    assert sorted(r for _, rcpt, _ in smtp.received for r in rcpt) == sorted(
        a.contact.email for a in with_mail
    )
    assert [row[0] for row in read_csv(target)[1:]] == [without.name]
    status = run("uitvraag", "status", round_id).output
    assert "Link uitgedeeld: 3" in status


def test_mail_without_an_address_lists_who_still_needs_a_link(env: Path, smtp: Collector) -> None:
    with stores() as (store, _):
        actors = store.snapshot(WIJK).actors
    with_mail = next(a for a in actors if a.contact and a.contact.email)
    without = next(a for a in actors if not (a.contact and a.contact.email))
    round_id = start("--actor", with_mail.id, "--actor", without.id)
    result = run("uitvraag", "links", round_id, "--mail")
    assert result.exit_code == 0, result.output
    assert "1 uitnodiging per e-mail verstuurd" in result.output
    assert f"Zonder e-mailadres, geen nieuwe link gemaakt (1): {without.name}" in result.output


def test_review_lists_rejects_and_accepts_reciprocated_ties(env: Path, tmp_path: Path) -> None:
    round_id = start()
    target = tmp_path / "links.csv"
    assert (
        run("uitvraag", "links", round_id, "--csv", str(target), "--basis-url", BASE).exit_code == 0
    )
    with stores() as (store, rounds):
        invitations = {}
        for row in read_csv(target)[1:]:
            invitation = service.open_link(rounds, TOKEN.findall(row[2])[0])
            invitations[invitation.actor_id] = invitation
        linked = {frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)}
        ids = sorted(invitations)
        a, b = next((x, y) for x in ids for y in ids if x < y and frozenset((x, y)) not in linked)
        c = next(x for x in ids if x not in (a, b))
        for me, other in ((a, b), (b, a)):
            answer = Answer(record_ok=True, new=[NewTie(other_id=other)])
            service.submit_answer(store, rounds, invitations[me], answer)
        lone = Answer(
            record_ok=True, new=[NewTie(other_name="Buurtmoestuin De Wei", other_kind="initiatief")]
        )
        service.submit_answer(store, rounds, invitations[c], lone)
        lone_id = next(
            p.id
            for p in rounds.proposals(round_id)
            if p.actor_id == c and p.statement.value == "actor-nieuw"
        )
        names = {i.actor_id: i.actor_name for i in invitations.values()}

    listed = run("uitvraag", "review", round_id)
    assert listed.exit_code == 0, listed.output
    assert "Open voorstellen" in listed.output and "(3)" in listed.output
    assert f"{names[a]}: nieuwe samenwerking · met {names[b]}" in listed.output
    assert "Buurtmoestuin De Wei (initiatief)" in listed.output

    no_reason = run("uitvraag", "review", round_id, "--afwijzen", lone_id)
    assert no_reason.exit_code != 0 and "--reden" in no_reason.output
    rejected = run(
        "uitvraag", "review", round_id, "--afwijzen", lone_id, "--reden", "Bestaat niet meer"
    )
    assert rejected.exit_code == 0 and f"Voorstel {lone_id} afgewezen" in rejected.output
    foreign = run("uitvraag", "review", round_id, "--overnemen", "v-000000000000")
    assert foreign.exit_code != 0 and "hoort niet bij" in foreign.output

    accepted = run("uitvraag", "review", round_id, "--wederzijds", "--door", "anna")
    assert accepted.exit_code == 0, accepted.output
    assert "2 wederzijds genoemde samenwerkingen overgenomen" in accepted.output
    with stores() as (store, rounds):
        assert frozenset((a, b)) in {
            frozenset((lk.source, lk.target)) for lk in store.list_links(WIJK)
        }
        assert rounds.proposals(round_id, status=ProposalStatus.OPEN) == []
        assert rounds.get_proposal(lone_id).reason == "Bestaat niet meer"
    assert "geen open voorstellen" in run("uitvraag", "review", round_id).output
    status = run("uitvraag", "status", round_id).output
    assert "Voorstellen: 0 open, 2 overgenomen, 1 afgewezen" in status
    assert "Geantwoord: 3" in status


def test_an_unreachable_mail_server_leaves_the_links_and_no_file(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", str(free_port())),  # nothing listens there
        ("SMTP_FROM", "wijknet@voorbeeld.nl"),
        ("SMTP_SECURITY", "none"),
    ):
        monkeypatch.setenv(f"WIJKNET_{name}", value)
    with stores() as (store, _):
        actors = store.snapshot(WIJK).actors
    with_mail = next(a for a in actors if a.contact and a.contact.email)
    without = next(a for a in actors if not (a.contact and a.contact.email))
    round_id = start("--actor", with_mail.id, "--actor", without.id)
    target = tmp_path / "rest.csv"
    result = run("uitvraag", "links", round_id, "--mail", "--csv", str(target), "--basis-url", BASE)
    assert result.exit_code != 0 and "niet bereikbaar" in result.output
    assert "alle links werken nog zoals eerst" in result.output
    assert not target.exists()
    with stores() as (_, rounds):
        assert all(i.sent_at is None for i in rounds.invitations(round_id))
