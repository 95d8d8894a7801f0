"""The netwerkuitvraag's invitations by e-mail, against a real SMTP server on 127.0.0.1
(``aiosmtpd``): what arrives, for whom, with which link, and what happens when the server
refuses an address or cannot be reached."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult

from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.mail import (
    MailNotConfigured,
    MailUnavailable,
    dutch_day,
    send_links,
    send_round,
)
from api.uitvraag.service import IssuedLink, TokenRefused
from api.uitvraag.store import RoundStore
from graph.store import GraphStore
from tests.support.uitvraag import Collector, free_port, round_store, smtp_server

BASE = "https://wijknet.voorbeeld.nl"
SENDER = "Wijknet Daalhof <wijknet@voorbeeld.nl>"
LINK = re.compile(re.escape(BASE) + r"/uitvraag/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    with smtp_server() as server:
        yield server


def mail_settings(port: int, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_from": SENDER,
        "smtp_security": "none",
        "smtp_timeout": 5,
        "base_url": BASE,
    }
    return Settings(**(values | extra))


@pytest.fixture
def rounds() -> Iterator[RoundStore]:
    with round_store("sqlite") as store:
        yield store


@dataclass
class Started:
    round: Any
    with_mail: list[Any]
    without: Any


@pytest.fixture
def started(store: GraphStore, rounds: RoundStore) -> Started:
    """A round in Daalhof asking three actors with an e-mail address and one without."""
    actors = store.list_actors("daalhof")
    with_mail = [a for a in actors if a.contact and a.contact.email][:3]
    without = next(a for a in actors if not (a.contact and a.contact.email))
    round_ = service.start_round(
        store,
        rounds,
        wijk="daalhof",
        title="Netwerkuitvraag najaar",
        intro="Wij horen graag van u.",
        ends_on=date.today() + timedelta(days=21),
        actor_ids=[a.id for a in [*with_mail, without]],
        by="anna",
    )
    return Started(round_, with_mail, without)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text: str = part.get_content()
    return text


def test_each_invitation_with_an_address_gets_its_own_link(
    smtp: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    handler, port = smtp
    links = service.issue_links(rounds, started.round.id)
    result = send_links(links, started.round, "Daalhof", mail_settings(port))

    assert result.sent == 3 and result.failed == []
    assert result.skipped == [started.without.name]
    assert len(handler.received) == 3
    for actor in started.with_mail:
        message = handler.to(actor.contact.email)
        assert message["Subject"] == "Netwerkuitvraag Daalhof: met wie werkt u samen?"
        assert message["To"].addresses[0].addr_spec == actor.contact.email
        assert message["To"].addresses[0].display_name == actor.name
        assert message["From"].addresses[0].addr_spec == "wijknet@voorbeeld.nl"
        text = body_of(message)
        tokens = LINK.findall(text)
        assert len(tokens) == 1, text
        opened = service.open_link(rounds, tokens[0])
        assert opened.actor_id == actor.id  # the link opens this actor's page, no other
        assert "Wij horen graag van u." in text
        assert f"tot en met {dutch_day(started.round.ends_on)}" in text
        assert "alleen voor u" in text and "werkt niet meer" in text
        assert f"{BASE}/uitvraag/privacy" in text
        assert "geen account nodig" in " ".join(text.split())
        assert all(len(line) <= 72 for line in text.splitlines() if BASE not in line)


def test_a_reminder_has_its_own_subject_and_replaces_the_old_link(
    smtp: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    handler, port = smtp
    settings = mail_settings(port)
    first = send_round(rounds, started.round, "Daalhof", settings, base_url=BASE)
    assert first.sent == 3 and first.skipped == [started.without.name]
    address = started.with_mail[0].contact.email
    old = LINK.findall(body_of(handler.to(address)))[0]
    handler.received.clear()

    again = send_round(rounds, started.round, "Daalhof", settings, reminder=True, base_url=BASE)

    assert again.sent == 3
    message = handler.to(address)
    assert message["Subject"] == "Herinnering: Netwerkuitvraag Daalhof: met wie werkt u samen?"
    new = LINK.findall(body_of(message))[0]
    assert new != old
    assert service.open_link(rounds, new).actor_id == started.with_mail[0].id
    with pytest.raises(TokenRefused):
        service.open_link(rounds, old)


def test_sending_again_sends_nothing_twice(
    smtp: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    handler, port = smtp
    settings = mail_settings(port)
    send_round(rounds, started.round, "Daalhof", settings)
    handler.received.clear()
    second = send_round(rounds, started.round, "Daalhof", settings)
    assert second.sent == 0 and handler.received == []
    # the actor without an address keeps no link from a mail: it still waits for one
    assert second.skipped == [started.without.name]


def test_a_refused_address_fails_and_the_others_still_arrive(
    smtp: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    handler, port = smtp
    refused = started.with_mail[1]
    handler.refuse.add(refused.contact.email)
    links = service.issue_links(rounds, started.round.id)

    result = send_links(links, started.round, "Daalhof", mail_settings(port))

    assert result.sent == 2
    assert [name for name, _ in result.failed] == [refused.name]
    assert "weigert dit adres" in result.failed[0][1] and "550" in result.failed[0][1]
    delivered = sorted(address for _, rcpt, _ in handler.received for address in rcpt)
    assert delivered == sorted(a.contact.email for a in started.with_mail if a is not refused)


def test_no_value_from_the_store_can_add_a_header_or_a_recipient(
    smtp: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    handler, port = smtp
    links = service.issue_links(rounds, started.round.id)
    with_mail = [link for link in links if link.invitation.email]
    hostile_name = IssuedLink(
        with_mail[0].invitation.model_copy(
            update={"actor_name": "Praktijk\r\nBcc: spion@kwaad.example\r\nX-Evil: 1"}
        ),
        with_mail[0].token,
    )
    hostile_address = IssuedLink(
        with_mail[1].invitation.model_copy(
            update={"email": "ok@voorbeeld.example\r\nBcc: spion@kwaad.example"}
        ),
        with_mail[1].token,
    )
    two_addresses = IssuedLink(
        with_mail[2].invitation.model_copy(
            update={"email": "ok@voorbeeld.example,spion@kwaad.example"}
        ),
        with_mail[2].token,
    )

    result = send_links(
        [hostile_name, hostile_address, two_addresses],
        started.round,
        "Daalhof\r\nBcc: spion@kwaad.example",
        mail_settings(port),
    )

    assert result.sent == 1
    assert sorted(name for name, _ in result.failed) == sorted(
        [hostile_address.invitation.actor_name, two_addresses.invitation.actor_name]
    )
    assert all("ongeldig" in reason for _, reason in result.failed)
    assert not any("kwaad" in address for address in handler.recipients)
    ((_, rcpt, message),) = handler.received
    assert rcpt == [with_mail[0].invitation.email]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert " ".join(message["Subject"].split()) == (
        "Netwerkuitvraag Daalhof Bcc: spion@kwaad.example: met wie werkt u samen?"
    )
    assert sorted(message.keys()) == sorted(
        ["Subject", "From", "To", "Date", "Message-ID", "Content-Language", "Auto-Submitted"]
        + ["Content-Type", "Content-Transfer-Encoding", "MIME-Version"]
    )
    assert message["To"].addresses[0].display_name == "Praktijk Bcc: spion@kwaad.example X-Evil: 1"


def test_an_unreachable_server_raises_mail_unavailable_in_dutch(
    rounds: RoundStore, started: Started
) -> None:
    settings = mail_settings(free_port())  # nothing listens there
    links = service.issue_links(rounds, started.round.id)
    with pytest.raises(MailUnavailable) as caught:
        send_links(links, started.round, "Daalhof", settings)
    assert caught.value.code == "mail_unavailable"
    assert "niet bereikbaar" in caught.value.message


def test_an_unreachable_server_replaces_no_link(rounds: RoundStore, started: Started) -> None:
    """``send_round`` connects before it makes new tokens: nothing was handed out."""
    with pytest.raises(MailUnavailable):
        send_round(rounds, started.round, "Daalhof", mail_settings(free_port()))
    assert all(i.sent_at is None and i.digest is None for i in rounds.invitations(started.round.id))


def test_starttls_is_required_when_set(
    smtp: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    """A server that offers no STARTTLS gets nothing in clear when STARTTLS is set."""
    handler, port = smtp
    links = service.issue_links(rounds, started.round.id)
    with pytest.raises(MailUnavailable) as caught:
        send_links(links, started.round, "Daalhof", mail_settings(port, smtp_security="starttls"))
    assert "STARTTLS" in caught.value.message
    assert handler.received == []


def test_without_a_server_nothing_is_sent(rounds: RoundStore, started: Started) -> None:
    settings = Settings(base_url=BASE)
    links = service.issue_links(rounds, started.round.id)
    with pytest.raises(MailNotConfigured) as caught:
        send_links(links, started.round, "Daalhof", settings)
    assert caught.value.code == "mail_not_configured"


def test_a_server_needs_a_sender() -> None:
    with pytest.raises(ValueError, match="WIJKNET_SMTP_FROM is required"):
        Settings(smtp_host="smtp.voorbeeld.nl")
    with pytest.raises(ValueError, match="WIJKNET_BASE_URL must start with https://"):
        Settings(base_url="wijknet.voorbeeld.nl")
    assert Settings(base_url="https://wijknet.voorbeeld.nl/").base_url == BASE
    assert Settings(base_url="").base_url is None


class Passwords:
    """An aiosmtpd authenticator that knows one account."""

    def __init__(self, user: str, password: str) -> None:
        self.account = (user.encode(), password.encode())
        self.tried: list[bytes] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        self.tried.append(data.login)
        return AuthResult(success=(data.login, data.password) == self.account, handled=False)


@pytest.fixture
def smtp_with_login() -> Iterator[tuple[Collector, Passwords, int]]:
    passwords = Passwords("wijknet", "geheim-wachtwoord")
    # the test server speaks no TLS; a real one must
    with smtp_server(authenticator=passwords, auth_require_tls=False) as (handler, port):
        yield handler, passwords, port


def test_the_login_of_the_settings_is_used(
    smtp_with_login: tuple[Collector, Passwords, int], rounds: RoundStore, started: Started
) -> None:
    handler, passwords, port = smtp_with_login
    wrong = mail_settings(port, smtp_user="wijknet", smtp_password="fout")
    with pytest.raises(MailUnavailable) as caught:
        send_round(rounds, started.round, "Daalhof", wrong)
    assert "weigert de inlog van wijknet" in caught.value.message
    assert handler.received == []
    assert all(i.sent_at is None for i in rounds.invitations(started.round.id))

    right = mail_settings(port, smtp_user="wijknet", smtp_password="geheim-wachtwoord")
    result = send_round(rounds, started.round, "Daalhof", right)
    assert result.sent == 3 and len(handler.received) == 3
    assert set(passwords.tried) == {b"wijknet"}


@pytest.fixture
def smtps_untrusted(tmp_path: Any) -> Iterator[tuple[Collector, int]]:
    """An SMTP server with implicit TLS and a self-signed certificate nobody trusts."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with smtp_server(ssl_context=context) as server:
        yield server


def test_a_certificate_that_is_not_trusted_is_refused(
    smtps_untrusted: tuple[Collector, int], rounds: RoundStore, started: Started
) -> None:
    handler, port = smtps_untrusted
    settings = mail_settings(port, smtp_security="ssl", smtp_user="wijknet", smtp_password="x")
    with pytest.raises(MailUnavailable) as caught:
        send_round(rounds, started.round, "Daalhof", settings)
    assert "certificaat wordt niet vertrouwd" in caught.value.message
    assert handler.received == []
    assert all(i.sent_at is None for i in rounds.invitations(started.round.id))
