"""``wijknet uitvraag …``: the netwerkuitvraag from the command line (``api.uitvraag``).

``start`` starts a round, ``links`` hands out the personal links (a CSV/XLSX file for a
mail merge, or by e-mail when an SMTP server is set), ``status`` prints the round's
figures, ``review`` lists and decides the review list, ``lijst`` lists the rounds. The
rounds are where ``api.shared`` keeps them: in the accounts file, or in Neo4j.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import ByOption, default_by, fail, settings, uitvraag_app
from api.settings import Settings
from api.uitvraag import service
from api.uitvraag.mail import MailUnavailable, SendResult, due, dutch_day, send_round
from api.uitvraag.model import TIMEZONE, Proposal, ProposalStatus, Round, Statement
from api.uitvraag.store import RoundStore
from graph.errors import NotFound, WijknetError
from graph.model import Domain
from graph.store import GraphStore, open_store

RoundArg = Annotated[
    str,
    typer.Argument(metavar="RONDE", help="De code van de uitvraag, bijvoorbeeld u-0123456789ab"),
]

UNTOUCHED = "Er is niets verstuurd en alle links werken nog zoals eerst."

STATEMENTS = {
    Statement.RECORD_BEVESTIGD: "eigen gegevens kloppen",
    Statement.RECORD_CORRECTIE: "eigen gegevens aanpassen",
    Statement.BAND_BEVESTIGD: "samenwerking klopt nog",
    Statement.BAND_GEWIJZIGD: "samenwerking gewijzigd",
    Statement.BAND_BEEINDIGD: "samenwerking beëindigd",
    Statement.BAND_NIEUW: "nieuwe samenwerking",
    Statement.ACTOR_NIEUW: "nieuwe samenwerking met een nieuwe partij",
}


@dataclass
class _Open:
    config: Settings
    store: GraphStore
    rounds: RoundStore


@contextmanager
def _opened() -> Iterator[_Open]:
    """The graph store and the round store of the settings, closed afterwards."""
    from api.shared import open_shared

    config = settings()
    try:
        store = open_store(config.database, auth=config.store_auth())
    except WijknetError as exc:
        raise fail(f"Database {config.database}: {exc.message}") from None
    try:
        shared = open_shared(config)
    except WijknetError as exc:
        store.close()
        raise fail(f"Accounts: {exc.message}") from None
    try:
        yield _Open(config, store, shared.rounds)
    finally:
        shared.rounds.close()
        shared.close()
        store.close()


def _round(rounds: RoundStore, round_id: str) -> Round:
    try:
        return rounds.get_round(round_id)
    except NotFound:
        raise fail(
            f"Uitvraag {round_id} bestaat niet. Zie de uitvragen met: wijknet uitvraag lijst"
        ) from None


def _count(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _day(moment: datetime | None) -> str:
    return "—" if moment is None else dutch_day(moment.astimezone(TIMEZONE).date())


def _state(round_: Round, now: datetime) -> str:
    if round_.closed_at is not None:
        return f"gesloten op {_day(round_.closed_at)}"
    if round_.is_open(now):
        return f"loopt tot en met {dutch_day(round_.ends_on)}"
    return f"afgelopen op {dutch_day(round_.ends_on)}"


# -- start ---------------------------------------------------------------------------------


@uitvraag_app.command("start")
def start(
    wijk: Annotated[
        str, typer.Argument(metavar="WIJK", help="De code van de wijk, bijvoorbeeld daalhof")
    ],
    titel: Annotated[str, typer.Option("--titel", metavar="TITEL", help="Titel van de uitvraag")],
    einddatum: Annotated[
        str,
        typer.Option(
            "--einddatum", metavar="DATUM", help="Laatste dag dat de links werken, JJJJ-MM-DD"
        ),
    ],
    tekst: Annotated[
        str,
        typer.Option("--tekst", metavar="TEKST", help="Korte uitleg bovenaan de uitnodiging"),
    ] = "",
    actor: Annotated[
        list[str] | None,
        typer.Option(
            "--actor",
            metavar="ID",
            help="Vraag deze actor (herhaal voor meer); zonder deze optie: alle organisaties "
            "en professionals in de wijk met een e-mailadres",
        ),
    ] = None,
    by: ByOption = "",
) -> None:
    """Start een netwerkuitvraag in een wijk. Er gaan nog geen links uit: dat doet
    'wijknet uitvraag links'."""
    try:
        ends_on = date.fromisoformat(einddatum)
    except ValueError:
        raise fail(f"--einddatum: vul een datum in als JJJJ-MM-DD, niet {einddatum!r}.") from None
    with _opened() as opened:
        try:
            round_ = service.start_round(
                opened.store,
                opened.rounds,
                wijk=wijk,
                title=titel,
                intro=tekst,
                ends_on=ends_on,
                actor_ids=actor or None,
                by=by or default_by(),
            )
        except WijknetError as exc:
            raise fail(exc.message) from None
        invitations = opened.rounds.invitations(round_.id)
    without = sum(1 for i in invitations if not i.email)
    typer.echo(f"Uitvraag {round_.id} gestart in {wijk}: {len(invitations)} actoren gevraagd.")
    if without:
        typer.echo(
            f"{without} van hen hebben geen e-mailadres: geef hun link op een andere manier."
        )
    typer.echo(f"Deel de links uit met: wijknet uitvraag links {round_.id} --csv links.csv")


# -- status --------------------------------------------------------------------------------


@uitvraag_app.command("status")
def status(round_id: RoundArg) -> None:
    """Toon de cijfers van een uitvraag: gevraagd, geopend, geantwoord, samenwerkingen,
    wederkerigheid en wie een herinnering nodig heeft."""
    now = datetime.now(UTC)
    with _opened() as opened:
        round_ = _round(opened.rounds, round_id)
        figures = service.round_figures(opened.store, opened.rounds, round_id)
    lines = [
        f"Uitvraag {round_.id}: {round_.title} (wijk {round_.wijk})",
        f"Status: {_state(round_, now)}",
        f"Gevraagd: {figures.asked}",
        f"Link uitgedeeld: {figures.issued}",
        f"Geopend: {figures.opened}",
        f"Geantwoord: {figures.answered} ({_percent(figures.response_rate)})",
        f"Samenwerkingen bevestigd: {figures.ties_confirmed}",
        f"Samenwerkingen gewijzigd: {figures.ties_changed}",
        f"Nieuwe samenwerkingen: {figures.ties_added}",
        f"Beëindigde samenwerkingen: {figures.ties_ended}",
        f"Paren genoemd: {figures.declared_pairs}, door beide kanten: {figures.reciprocated_pairs}",
        f"Wederkerigheid: {_percent(figures.reciprocity)}",
        f"Voorstellen: {figures.open_proposals} open, {figures.accepted} overgenomen, "
        f"{figures.rejected} afgewezen",
    ]
    for line in lines:
        typer.echo(line)
    if figures.reminders:
        typer.echo(f"Nog geen antwoord ({len(figures.reminders)}):")
        for reminder in figures.reminders:
            email = reminder.email or "geen e-mailadres"
            extra = f", {reminder.reminders} keer herinnerd" if reminder.reminders else ""
            typer.echo(
                f"  {reminder.name} ({email}): link uitgedeeld op {_day(reminder.sent_at)}{extra}"
            )


# -- links ---------------------------------------------------------------------------------


def _private_file(path: Path) -> io.BufferedWriter:
    """``path`` opened for writing, readable by its owner only (it holds the links)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise fail(f"{path} kan niet worden geschreven: {exc.strerror}.") from None
    return os.fdopen(fd, "wb")


def _file_bytes(rows: Sequence[Sequence[str]], xlsx: bool) -> bytes:
    """The links for a mail merge, every cell guarded against formulas: CSV (semicolons,
    UTF-8 with BOM, as Dutch Excel opens it) or one Excel sheet, *Links*."""
    from importers.exports import xlsx_workbook
    from importers.tables import neutralise

    safe = [[neutralise(str(cell)) for cell in row] for row in rows]
    if xlsx:
        return xlsx_workbook({"Links": safe})
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(safe)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _report_mail(result: SendResult, path: Path | None) -> None:
    typer.echo(f"{_count(result.sent, 'uitnodiging', 'uitnodigingen')} per e-mail verstuurd.")
    if result.skipped and path is None:
        typer.echo(
            f"Zonder e-mailadres, geen nieuwe link gemaakt ({len(result.skipped)}): "
            + ", ".join(result.skipped)
        )
    if result.failed:
        typer.secho(f"Niet verstuurd ({len(result.failed)}):", fg=typer.colors.RED, err=True)
        for name, reason in result.failed:
            typer.secho(f"  {name}: {reason}", fg=typer.colors.RED, err=True)


@uitvraag_app.command("links")
def links(
    round_id: RoundArg,
    again: Annotated[
        bool,
        typer.Option(
            "--opnieuw",
            help="Nieuwe links voor wie nog niet antwoordde (een herinnering); hun oude link "
            "werkt dan niet meer",
        ),
    ] = False,
    csv_path: Annotated[
        Path | None,
        typer.Option("--csv", metavar="BESTAND", help="Schrijf de links naar dit CSV-bestand"),
    ] = None,
    xlsx_path: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="BESTAND", help="Schrijf de links naar dit Excel-bestand"),
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--mail",
            help="Verstuur de links per e-mail (WIJKNET_SMTP_HOST); met --csv of --xlsx komen "
            "de links van wie geen e-mailadres heeft in dat bestand",
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--basis-url",
            metavar="URL",
            help="Adres van wijknet in de links, bijvoorbeeld https://wijknet.voorbeeld.nl "
            "(anders WIJKNET_BASE_URL)",
        ),
    ] = None,
) -> None:
    """Deel de persoonlijke links uit: in een bestand voor een mailing, of per e-mail. Elke
    nieuwe link vervangt de vorige link van die actor."""
    if csv_path is not None and xlsx_path is not None:
        raise fail("Kies --csv of --xlsx, niet allebei.")
    path = csv_path or xlsx_path
    if path is None and not send:
        raise fail("Kies waar de links heen gaan: --csv BESTAND, --xlsx BESTAND of --mail.")
    config = settings()
    base = (base_url or config.base_url or "").rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise fail(
            "Geef het adres van wijknet waar de links naar wijzen: --basis-url "
            "https://wijknet.voorbeeld.nl, of stel WIJKNET_BASE_URL in."
        )
    if send and not config.smtp_host:
        raise fail(
            "Er is geen mailserver ingesteld (WIJKNET_SMTP_HOST). Schrijf de links naar een "
            "bestand met --csv of --xlsx."
        )
    now = datetime.now(UTC)
    with _opened() as opened:
        round_ = _round(opened.rounds, round_id)
        if not round_.is_open(now):
            raise fail(
                f"Uitvraag {round_.id} is {_state(round_, now)}: er gaan geen links meer uit."
            )
        chosen = due(opened.rounds.invitations(round_.id), "niet-geantwoord" if again else "nieuw")
        for_file = [i.id for i in chosen if not (send and i.email)]
        if not chosen or (not send and not for_file):
            which = "die nog niet antwoordden" if again else "die nog geen link kregen"
            typer.echo(f"Er zijn geen uitnodigingen {which}; er is niets uitgedeeld.")
            return
        handle = _private_file(path) if path is not None and for_file else None
        written = False
        try:
            if send:
                wijk_name = opened.store.get_wijk(round_.wijk).name
                try:
                    result = send_round(
                        opened.rounds,
                        round_,
                        wijk_name,
                        opened.config,
                        reminder=again,
                        base_url=base,
                        now=now,
                    )
                except MailUnavailable as exc:
                    raise fail(f"{exc.message} {UNTOUCHED}") from None
                except WijknetError as exc:  # a closed round
                    raise fail(exc.message) from None
                _report_mail(result, path)
            if handle is not None:
                issued = service.issue_links(
                    opened.rounds, round_.id, invitation_ids=for_file, now=now
                )
                handle.write(
                    _file_bytes(service.links_table(issued, round_, base), xlsx_path is not None)
                )
                written = True
                typer.echo(f"{_count(len(issued), 'link', 'links')} geschreven naar {path}.")
        finally:
            if handle is not None:
                handle.close()
                if not written and path is not None:
                    path.unlink(missing_ok=True)  # opened early to fail early; nothing in it


# -- review --------------------------------------------------------------------------------


def _describe(proposal: Proposal, names: dict[str, str], store: GraphStore) -> str:
    """One line of the review list: who says what about whom."""

    def name(actor_id: str | None) -> str:
        if actor_id is None:
            return "?"
        if actor_id not in names:
            try:
                names[actor_id] = store.get_actor(actor_id).name
            except NotFound:
                names[actor_id] = actor_id
        return names[actor_id]

    parts = [f"{proposal.id}  {name(proposal.actor_id)}: {STATEMENTS[proposal.statement]}"]
    other = proposal.other_name or (name(proposal.other_id) if proposal.other_id else None)
    if other:
        kind = f" ({proposal.other_kind.value})" if proposal.other_kind else ""
        parts.append(f"met {other}{kind}")
    if proposal.intensity is not None:
        parts.append(f"intensiteit {int(proposal.intensity)}")
    if proposal.since is not None:
        parts.append(f"sinds {dutch_day(proposal.since)}")
    if proposal.until is not None:
        parts.append(f"tot {dutch_day(proposal.until)}")
    if proposal.changes:
        parts.append(", ".join(f"{k}: {v}" for k, v in sorted(proposal.changes.items())))
    if proposal.note:
        parts.append(f"toelichting: {proposal.note}")
    return " · ".join(parts)


@uitvraag_app.command("review")
def review(
    round_id: RoundArg,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--overnemen", metavar="ID", help="Neem dit voorstel over (herhaal voor meer)"
        ),
    ] = None,
    reject: Annotated[
        list[str] | None,
        typer.Option("--afwijzen", metavar="ID", help="Wijs dit voorstel af (herhaal voor meer)"),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reden", metavar="REDEN", help="Waarom u afwijst (met --afwijzen)")
    ] = "",
    reciprocated: Annotated[
        bool,
        typer.Option(
            "--wederzijds",
            help="Neem alle nieuwe samenwerkingen over die beide kanten noemden",
        ),
    ] = False,
    domain: Annotated[
        Domain | None,
        typer.Option(
            "--domein",
            metavar="DOMEIN",
            help="Domein van een nieuwe partij (nodig bij het overnemen van een nieuwe partij)",
        ),
    ] = None,
    by: ByOption = "",
) -> None:
    """Toon de open voorstellen van een uitvraag, of handel ze af: overnemen (de kaart
    verandert, met de uitvraag als bron in het logboek) of afwijzen."""
    if reject and not reason.strip():
        raise fail("Geef met --reden aan waarom u afwijst.")
    who = by or default_by()
    with _opened() as opened:
        round_ = _round(opened.rounds, round_id)
        own = {p.id for p in opened.rounds.proposals(round_.id)}
        for proposal_id in [*(accept or []), *(reject or [])]:
            if proposal_id not in own:
                raise fail(f"Voorstel {proposal_id} hoort niet bij uitvraag {round_.id}.")
        decided = 0
        try:
            for proposal_id in accept or []:
                service.review(
                    opened.store,
                    opened.rounds,
                    proposal_id,
                    accept=True,
                    by=who,
                    domain=domain,
                )
                typer.echo(f"Voorstel {proposal_id} overgenomen.")
                decided += 1
            for proposal_id in reject or []:
                service.review(
                    opened.store,
                    opened.rounds,
                    proposal_id,
                    accept=False,
                    by=who,
                    reason=reason.strip(),
                )
                typer.echo(f"Voorstel {proposal_id} afgewezen.")
                decided += 1
            if reciprocated:
                count = service.accept_reciprocated(opened.store, opened.rounds, round_.id, by=who)
                typer.echo(f"{count} wederzijds genoemde samenwerkingen overgenomen.")
                decided += 1
        except WijknetError as exc:
            raise fail(exc.message) from None
        if decided:
            return
        names = {i.actor_id: i.actor_name for i in opened.rounds.invitations(round_.id)}
        waiting = opened.rounds.proposals(round_.id, status=ProposalStatus.OPEN)
        if not waiting:
            typer.echo(f"Uitvraag {round_.id} heeft geen open voorstellen.")
            return
        typer.echo(f"Open voorstellen van uitvraag {round_.id} ({len(waiting)}):")
        for proposal in waiting:
            typer.echo(_describe(proposal, names, opened.store))


# -- lijst ---------------------------------------------------------------------------------


@uitvraag_app.command("lijst")
def list_rounds(
    wijk: Annotated[
        str | None,
        typer.Argument(metavar="WIJK", help="Alleen de uitvragen van deze wijk"),
    ] = None,
) -> None:
    """Toon de uitvragen, de nieuwste eerst."""
    now = datetime.now(UTC)
    with _opened() as opened:
        found = opened.rounds.list_rounds(wijk)
        if not found:
            typer.echo("Er zijn nog geen uitvragen" + (f" in {wijk}." if wijk else "."))
            return
        for round_ in found:
            invitations = opened.rounds.invitations(round_.id)
            answered = sum(1 for i in invitations if i.answered_at is not None)
            typer.echo(
                f"{round_.id}  {round_.wijk}  {round_.title}  ({_state(round_, now)}; "
                f"{answered} van {len(invitations)} geantwoord)"
            )
