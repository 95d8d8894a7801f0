"""The netwerkuitvraag's invitations and reminders by e-mail, when an SMTP server is set.

``send_links`` sends one plain-text message (Dutch, B1) per handed-out link over one SMTP
connection (``smtp_connection``: STARTTLS or SSL with the system's certificate checks,
a login when a user is set, ``WIJKNET_SMTP_*``). A recipient the server refuses is listed
in ``SendResult.failed`` and the others still go; a server that cannot be reached or
refuses the login raises ``MailUnavailable`` before anything is sent.

A caller that makes new tokens only to mail them opens the connection first and passes it
(``connection``): a server that is down then costs no link (a new token replaces the old
one, which stops working).

Names and addresses come from the store, but every header goes through the ``email``
package's header handling (``Address``), names lose their line breaks and an address with
a line break or control character is refused, so no value can add a header.
"""

from __future__ import annotations

import smtplib
import ssl
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from pydantic import BaseModel, Field

from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.model import TIMEZONE, Invitation, Round
from api.uitvraag.service import IssuedLink, Which
from api.uitvraag.store import RoundStore
from graph.errors import Conflict, WijknetError
from visual.export import dutch_date

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

PRIVACY_PATH = "/uitvraag/privacy"
"""The privacy statement of the netwerkuitvraag, under the site's base URL."""


class MailUnavailable(WijknetError):
    """The SMTP server cannot be reached, or refuses the connection or the login."""

    code = "mail_unavailable"


class MailNotConfigured(WijknetError):
    """No SMTP server is set (``WIJKNET_SMTP_HOST``): links go out as a file only."""

    code = "mail_not_configured"

    def __init__(self) -> None:
        super().__init__(
            "Er is geen mailserver ingesteld (WIJKNET_SMTP_HOST). Deel de links uit met een "
            "CSV- of Excel-bestand."
        )


class SendResult(BaseModel):
    """What one batch of invitations came to."""

    sent: int = Field(0, description="Messages the SMTP server accepted")
    skipped: list[str] = Field(
        default_factory=list, description="Names without an e-mail address (nothing sent)"
    )
    failed: list[tuple[str, str]] = Field(
        default_factory=list, description="Name and reason (Dutch) of each message not sent"
    )


# -- the text ------------------------------------------------------------------------------


def dutch_day(day: date) -> str:
    """``date(2026, 12, 18)`` becomes ``"vrijdag 18 december 2026"``."""
    return f"{WEEKDAYS[day.weekday()]} {dutch_date(day)}"


def last_day(invitation: Invitation) -> date:
    """The last day (in the Netherlands) on which the invitation's link opens."""
    return (invitation.expires_at.astimezone(TIMEZONE) - timedelta(microseconds=1)).date()


def one_line(text: str) -> str:
    """``text`` on one line: every line break and control character becomes a space."""
    cleaned = "".join(" " if ch.isspace() or ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)
    return " ".join(cleaned.split())


def subject(wijk_name: str, *, reminder: bool = False) -> str:
    text = f"Netwerkuitvraag {one_line(wijk_name)}: met wie werkt u samen?"
    return f"Herinnering: {text}" if reminder else text


WIDTH = 72
"""Lines of the plain-text message are wrapped at this width (links never are)."""


def _wrapped(paragraph: str) -> str:
    return textwrap.fill(paragraph, width=WIDTH, break_long_words=False, break_on_hyphens=False)


def body(
    link: IssuedLink, round_: Round, wijk_name: str, base_url: str, *, reminder: bool = False
) -> str:
    """The plain-text message for one link."""
    invitation = link.invitation
    paragraphs = [f"Beste {one_line(invitation.actor_name)},"]
    if reminder:
        paragraphs.append(
            "Een tijd geleden vroegen wij u mee te doen aan de netwerkuitvraag van "
            f"{wijk_name}. Wij hebben uw antwoord nog niet. Wilt u er alsnog naar kijken?"
        )
    intro = round_.intro.strip()
    if intro:
        paragraphs.append("\n".join(_wrapped(line) for line in intro.splitlines()))
    paragraphs += [
        f"In {wijk_name} werken veel organisaties en mensen samen. Wij maken een kaart van "
        "wie met wie samenwerkt. U weet zelf het beste met wie u samenwerkt. Wilt u kijken "
        "of het klopt wat wij van u weten? En wilt u aanvullen wat er mist? Dat kost een "
        "paar minuten. U hebt geen account nodig.",
        f"Open uw persoonlijke link:\n{link.url(base_url)}",
        f"De link werkt tot en met {dutch_day(last_day(invitation))}.",
        "Deze link is alleen voor u. Stuur hem niet door. Kreeg u eerder een link van ons? "
        "Die werkt niet meer. Gebruik deze nieuwe link.",
        f"Wat wij bewaren en waarom, leest u hier:\n{base_url}{PRIVACY_PATH}",
        f"Met vriendelijke groet,\nDe wijkmakelaar van {wijk_name}",
    ]
    return "\n\n".join(p if "\n" in p else _wrapped(p) for p in paragraphs) + "\n"


def _sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "wijknet.invalid"


def _bad_address(email: str) -> bool:
    return any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in email)


def message(
    link: IssuedLink,
    round_: Round,
    wijk_name: str,
    settings: Settings,
    base_url: str,
    *,
    reminder: bool = False,
) -> EmailMessage:
    """The message for one link; ``ValueError`` for an address that is not one address."""
    invitation = link.invitation
    email = invitation.email or ""
    if _bad_address(email):
        raise ValueError("an address with a space, line break or control character")
    try:
        to = Address(display_name=one_line(invitation.actor_name), addr_spec=email)
    except HeaderParseError as exc:
        raise ValueError(str(exc)) from None
    sender = settings.smtp_from or ""
    msg = EmailMessage()
    msg["Subject"] = subject(wijk_name, reminder=reminder)
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=_sender_domain(sender))
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body(link, round_, one_line(wijk_name), base_url, reminder=reminder))
    msg["Content-Language"] = "nl"  # after set_content, which clears the Content-* headers
    return msg


# -- sending -------------------------------------------------------------------------------


def _where(settings: Settings) -> str:
    return f"{settings.smtp_host}:{settings.smtp_port}"


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """One connection to the configured SMTP server, secured and logged in as the settings
    say, closed afterwards. ``MailNotConfigured`` without a server; ``MailUnavailable``
    when it cannot be reached, its certificate is not trusted or the login is refused."""
    if not settings.smtp_host:
        raise MailNotConfigured()
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout
    smtp: smtplib.SMTP | None = None
    try:
        if settings.smtp_security == "ssl":
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
    except (OSError, smtplib.SMTPException) as exc:  # ssl.SSLError is an OSError
        _quit(smtp)
        raise MailUnavailable(
            _why(settings, exc), details={"server": _where(settings), "error": str(exc)}
        ) from None
    try:
        yield smtp
    finally:
        _quit(smtp)


def _why(settings: Settings, exc: Exception) -> str:
    """Why the server could not be used, in Dutch, with what to check."""
    where = _where(settings)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"De mailserver {where} weigert de inlog van {settings.smtp_user}. "
            "Controleer WIJKNET_SMTP_USER en WIJKNET_SMTP_PASSWORD."
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (
            f"De mailserver {where} kan geen beveiligde verbinding (STARTTLS) of inlog aan. "
            "Controleer WIJKNET_SMTP_SECURITY."
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"De beveiligde verbinding met mailserver {where} is mislukt (het certificaat "
            "wordt niet vertrouwd, of de server spreekt geen TLS op deze poort)."
        )
    return (
        f"De mailserver {where} is niet bereikbaar. Probeer het later opnieuw of vraag de "
        "beheerder de instellingen na te kijken."
    )


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    with suppress(OSError, smtplib.SMTPException):
        smtp.quit()
    with suppress(OSError):
        smtp.close()


def _text(said: bytes | str | None) -> str:
    if isinstance(said, bytes):
        return said.decode("utf-8", "replace")
    return said or ""


def _refusal(exc: smtplib.SMTPException) -> str:
    """Why the server did not take one message, in Dutch (with the server's own answer)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = [f"{code} {_text(said)}" for code, said in exc.recipients.values()]
        return "De mailserver weigert dit adres" + (f" ({answers[0]})." if answers else ".")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return "De mailserver weigert het afzenderadres (WIJKNET_SMTP_FROM)."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "De mailserver kan dit adres niet aan (tekens buiten ASCII)."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"De mailserver weigert het bericht ({exc.smtp_code} {_text(exc.smtp_error)})."
    return "De mailserver weigert het bericht."


def send_links(
    links: Sequence[IssuedLink],
    round_: Round,
    wijk_name: str,
    settings: Settings,
    *,
    reminder: bool = False,
    base_url: str | None = None,
    connection: smtplib.SMTP | None = None,
) -> SendResult:
    """Mail each link to its invitation's address, over one connection (``connection``,
    or one opened here). Links without an address are ``skipped``; a message the server
    refuses is ``failed`` and the rest still go; when the connection breaks halfway, the
    messages not sent yet are ``failed`` too. ``MailNotConfigured`` without a server,
    ``MailUnavailable`` when it cannot be reached (nothing sent)."""
    base = (base_url or settings.base_url or "").rstrip("/")
    if not base:
        raise ValueError("a base URL is needed for the links")
    result = SendResult()
    to_send = []
    for link in links:
        if link.invitation.email:
            to_send.append(link)
        else:
            result.skipped.append(link.invitation.actor_name)
    if not to_send:
        return result
    if connection is None:
        with smtp_connection(settings) as smtp:
            _send(smtp, to_send, round_, wijk_name, settings, base, reminder, result)
    else:
        _send(connection, to_send, round_, wijk_name, settings, base, reminder, result)
    return result


def _send(
    smtp: smtplib.SMTP,
    links: Sequence[IssuedLink],
    round_: Round,
    wijk_name: str,
    settings: Settings,
    base: str,
    reminder: bool,
    result: SendResult,
) -> None:
    for index, link in enumerate(links):
        name = link.invitation.actor_name
        try:
            msg = message(link, round_, wijk_name, settings, base, reminder=reminder)
        except ValueError:
            result.failed.append((name, "Dit e-mailadres is ongeldig."))
            continue
        try:
            smtp.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            lost = "De verbinding met de mailserver is verbroken; niet verstuurd."
            result.failed.extend((rest.invitation.actor_name, lost) for rest in links[index:])
            return
        except smtplib.SMTPException as exc:
            result.failed.append((name, _refusal(exc)))
            continue
        except OSError:
            lost = "De verbinding met de mailserver is verbroken; niet verstuurd."
            result.failed.extend((rest.invitation.actor_name, lost) for rest in links[index:])
            return
        result.sent += 1


def due(invitations: Sequence[Invitation], which: Which) -> list[Invitation]:
    """The invitations ``which`` names (``service.issue_links``), none revoked: never
    handed out (``nieuw``), or handed out and not answered (``niet-geantwoord``)."""
    if which == "nieuw":
        return [i for i in invitations if i.revoked_at is None and i.sent_at is None]
    return [
        i
        for i in invitations
        if i.revoked_at is None and i.sent_at is not None and i.answered_at is None
    ]


def send_round(
    rounds: RoundStore,
    round_: Round,
    wijk_name: str,
    settings: Settings,
    *,
    reminder: bool = False,
    base_url: str | None = None,
    now: datetime | None = None,
) -> SendResult:
    """Mail the round's invitations never handed out (or, ``reminder``, a new link to those
    handed out and not answered). Only invitations with an e-mail address get a new link;
    the others are ``skipped`` and keep the link they have. The connection is opened
    before any token is replaced: ``MailNotConfigured`` or ``MailUnavailable`` leave every
    link as it was; ``Conflict`` when the round is closed."""
    when = now or datetime.now(UTC)
    if not settings.smtp_host:
        raise MailNotConfigured()
    if not round_.is_open(when):
        raise Conflict("De uitvraag is gesloten: er kunnen geen links meer uit.")
    chosen = due(rounds.invitations(round_.id), "niet-geantwoord" if reminder else "nieuw")
    skipped = [i.actor_name for i in chosen if not i.email]
    wanted = [i.id for i in chosen if i.email]
    if not wanted:
        return SendResult(skipped=skipped)
    with smtp_connection(settings) as smtp:
        issued = service.issue_links(rounds, round_.id, invitation_ids=wanted, now=when)
        result = send_links(
            issued,
            round_,
            wijk_name,
            settings,
            reminder=reminder,
            base_url=base_url,
            connection=smtp,
        )
    result.skipped = skipped + result.skipped
    return result
