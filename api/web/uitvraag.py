"""The wijkmakelaar's pages of a netwerkuitvraag: rounds, start form, dashboard, review.

- ``/wijk/{slug}/uitvraag``: the wijk's rounds with their response, and "Nieuwe
  netwerkuitvraag" (``/wijk/{slug}/uitvraag/nieuw``: title, introduction, end date, who).
- ``/wijk/{slug}/uitvraag/{id}``: the round's dashboard (``service.round_figures``), its
  invitations with "Link intrekken", the reminder list, the links as CSV/XLSX for a mail
  merge (a token exists in clear only then: downloading again for those who did not answer
  makes new links that replace the old ones) and, when an SMTP server is configured, the
  invitations and reminders sent by wijknet itself.
- ``/wijk/{slug}/uitvraag/{id}/beoordelen``: the open proposals by kind, each accepted or
  rejected on its own; the ties both sides named accepted in one go.

Only beheer and the wijkmakelaars of the wijk see or use these pages: every GET and POST
checks it on the server (``may_write_wijk``), before anything is read or written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from api.accounts import User
from api.deps import Form, PageUser, RoundsDep, StoreDep
from api.permissions import may_write_wijk, page_refused
from api.uitvraag import mail, service
from api.uitvraag.model import (
    APPLIED_AT_ONCE,
    INTRO_MAX,
    Invitation,
    Proposal,
    ProposalStatus,
    Round,
    Statement,
)
from api.uitvraag.store import RoundStore
from api.web.formdata import FormState, store_refusal, store_unavailable, text
from api.web.render import dutch_date, render
from graph.errors import Conflict, InvalidData, NotFound, StoreUnavailable
from graph.model import (
    NAME_MAX,
    Actor,
    ActorKind,
    Domain,
    Intensity,
    Link,
    Name,
    Wijk,
    label,
)
from graph.store import GraphStore
from importers.exports import xlsx_workbook
from importers.tables import neutralise
from visual.export import MONTHS

router = APIRouter(include_in_schema=False)

REFUSED = "Alleen wijkmakelaars van deze wijk en beheer kunnen met een netwerkuitvraag werken."
ROUND_ID = re.compile(r"^u-[0-9a-f]{12}$")
INVITATION_ID = re.compile(r"^n-[0-9a-f]{12}$")
PROPOSAL_ID = re.compile(r"^v-[0-9a-f]{12}$")
DEFAULT_WEEKS = 3
ASKED_KINDS = (ActorKind.ORGANISATIE, ActorKind.PROFESSIONAL)
"""Who a round asks by default: organisations and professionals with an e-mail address."""

DEFAULT_INTRO = (
    "Wij willen graag weten met wie u samenwerkt in de wijk. Zo houden we de netwerkkaart "
    "van de wijk goed en actueel. Het kost u ongeveer vijf minuten. U ziet wat wij nu van u "
    "weten. Klopt het? Dan bevestigt u dat. Klopt iets niet, of mist er iemand? Dan past u "
    "het aan. De wijkmakelaar bekijkt uw antwoord voordat er iets op de kaart verandert. "
    "Alvast bedankt!"
)

MESSAGES = {
    "gestart": "De netwerkuitvraag is aangemaakt. Download nu de links, of verstuur ze per e-mail.",
    "ingetrokken": "De link is ingetrokken: hij werkt niet meer.",
    "gesloten": "De netwerkuitvraag is gesloten: geen enkele link werkt nog.",
    "geen-links": "Er is niemand om een link voor te maken.",
    "overgenomen": "Overgenomen: de wijziging staat nu op de kaart.",
    "afgewezen": "Afgewezen: er is niets op de kaart veranderd.",
}
"""Confirmations after a redirect (``?melding=…``): only these fixed texts."""

CONFLICT = (
    "Dit voorstel is al beoordeeld, of de gegevens zijn intussen gewijzigd. Er is "
    "niets opgeslagen. Bekijk de lijst hieronder opnieuw."
)
GONE = "Deze netwerkuitvraag of dit onderdeel ervan bestaat niet (meer)."
CLOSED = "Deze netwerkuitvraag is gesloten. U kunt geen links meer maken."

FORM_LABELS = {
    "title": "Titel",
    "intro": "Introductie",
    "ends_on": "Einddatum",
    "actors": "Wie vraagt u?",
}

_NAME = TypeAdapter(Name)


# -- access --------------------------------------------------------------------------------


def _wijk(store: GraphStore, user: User, slug: str) -> Wijk:
    """The wijk, when ``user`` may run its netwerkuitvraag: 403 before anything is read."""
    if not may_write_wijk(user, slug):
        raise page_refused(REFUSED)
    return store.get_wijk(slug)


def _round(rounds: RoundStore, slug: str, round_id: str) -> Round:
    """The round of this wijk; 404 for any other id (no round of another wijk shows)."""
    if not ROUND_ID.match(round_id):
        raise NotFound(GONE)
    found = rounds.get_round(round_id)
    if found.wijk != slug:
        raise NotFound(GONE)
    return found


def _now() -> datetime:
    return datetime.now(UTC)


def _redirect(path: str, melding: str = "", anchor: str = "", **extra: str) -> Response:
    query = {"melding": melding, **extra} if melding else dict(extra)
    url = path + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")
    return RedirectResponse(url, status_code=303)


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _base_url(request: Request) -> str:
    configured = getattr(_settings(request), "base_url", None)
    return str(configured or request.base_url).rstrip("/")


def _mail_on(request: Request) -> bool:
    return bool(getattr(_settings(request), "smtp_host", None))


# -- the rounds of a wijk ------------------------------------------------------------------


@dataclass
class RoundRow:
    round: Round
    open: bool
    figures: service.RoundFigures


@router.get("/wijk/{slug}/uitvraag", response_class=HTMLResponse)
def rounds_page(
    request: Request, slug: str, store: StoreDep, rounds: RoundsDep, user: PageUser
) -> Response:
    """The wijk's rounds, newest first, with their response."""
    wijk = _wijk(store, user, slug)
    now = _now()
    rows = [
        RoundRow(r, r.is_open(now), service.round_figures(store, rounds, r.id, now=now))
        for r in rounds.list_rounds(slug)
    ]
    context = {"wijk": wijk, "rows": rows, "nav": "start"}
    return render(request, "uitvraag/rondes.html", context)


# -- starting a round ----------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An actor of the wijk as the start form lists it."""

    id: str
    name: str
    kind: ActorKind
    has_email: bool

    @property
    def asked_by_default(self) -> bool:
        return self.has_email and self.kind in ASKED_KINDS


def _candidates(store: GraphStore, slug: str, day: date) -> list[Candidate]:
    """The wijk's actors active on ``day``, by name."""
    found = [
        Candidate(a.id, a.name, a.kind, bool(a.contact and a.contact.email))
        for a in store.snapshot(slug, day).actors
    ]
    return sorted(found, key=lambda c: (c.name.lower(), c.id))


def default_title(wijk: Wijk, day: date) -> str:
    """``Netwerkuitvraag Daalhof november 2026``."""
    return f"Netwerkuitvraag {wijk.name} {MONTHS[day.month - 1]} {day.year}"


def _start_page(
    request: Request, store: GraphStore, wijk: Wijk, state: FormState, *, status: int = 200
) -> Response:
    candidates = _candidates(store, wijk.slug, date.today())
    context = {
        "wijk": wijk,
        "state": state,
        "labels": FORM_LABELS,
        "candidates": candidates,
        "default_count": sum(1 for c in candidates if c.asked_by_default),
        "kinds": {k: label(k) for k in ActorKind},
        "intro_max": INTRO_MAX,
        "nav": "start",
    }
    return render(request, "uitvraag/nieuw.html", context, status=status)


@router.get("/wijk/{slug}/uitvraag/nieuw", response_class=HTMLResponse)
def start_form(request: Request, slug: str, store: StoreDep, user: PageUser) -> Response:
    """The start form, filled with sensible defaults."""
    wijk = _wijk(store, user, slug)
    today = date.today()
    values = {
        "title": default_title(wijk, today),
        "intro": DEFAULT_INTRO,
        "ends_on": (today + timedelta(weeks=DEFAULT_WEEKS)).isoformat(),
        "wie": "alle",
        "actors": [],
    }
    return _start_page(request, store, wijk, FormState(values))


def _check_start(state: FormState, today: date) -> tuple[date | None, list[str] | None]:
    """The checks the form can make itself, so every problem shows at once (the service
    checks again, and what only it knows)."""
    values = state.values
    title = values["title"]
    if not title.strip():
        state.errors["title"] = "Vul een titel in."
    elif len(title.strip()) > NAME_MAX:
        state.errors["title"] = f"De titel is te lang: hoogstens {NAME_MAX} tekens."
    else:
        try:
            _NAME.validate_python(title)
        except ValidationError as exc:
            why = exc.errors()[0]["msg"].removeprefix("Value error, ")
            state.errors["title"] = why or "Deze titel kunt u niet gebruiken."
    if len(values["intro"]) > INTRO_MAX:
        state.errors["intro"] = f"De introductie is te lang: hoogstens {INTRO_MAX} tekens."
    ends_on: date | None = None
    raw = values["ends_on"].strip()
    if not raw:
        state.errors["ends_on"] = "Vul een einddatum in."
    else:
        try:
            ends_on = date.fromisoformat(raw)
        except ValueError:
            state.errors["ends_on"] = "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2026-12-20."
        else:
            if ends_on <= today:
                state.errors["ends_on"] = "Kies een einddatum na vandaag."
            elif ends_on > today + timedelta(days=366):
                state.errors["ends_on"] = "Kies een einddatum binnen een jaar."
    chosen: list[str] | None = None
    if values["wie"] == "keuze":
        chosen = list(values["actors"])
        if not chosen:
            state.errors["actors"] = "Kies minstens één organisatie of professional."
    elif values["wie"] != "alle":
        state.errors["actors"] = "Kies wie u wilt vragen."
    elif values["actors"]:
        state.errors["actors"] = (
            "U vinkte actoren aan, maar koos voor alle organisaties en professionals. Kies "
            "'Alleen de actoren die ik hieronder kies', of haal de vinkjes weg."
        )
    return ends_on, chosen


@router.post("/wijk/{slug}/uitvraag/nieuw", response_class=HTMLResponse)
def start(
    request: Request,
    slug: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """Start the round; a refused form comes back with every problem beside its field."""
    wijk = _wijk(store, user, slug)
    values: dict[str, Any] = {
        "title": text(form, "title"),
        "intro": text(form, "intro"),
        "ends_on": text(form, "ends_on"),
        "wie": text(form, "wie") or "alle",
        "actors": [v for v in form.getlist("actors") if isinstance(v, str) and v],
    }
    state = FormState(values)
    ends_on, chosen = _check_start(state, date.today())
    if state.ok and ends_on is not None:
        try:
            started = service.start_round(
                store,
                rounds,
                wijk=slug,
                title=values["title"],
                intro=values["intro"],
                ends_on=ends_on,
                actor_ids=chosen,
                by=user.username,
            )
        except InvalidData as exc:
            store_refusal(exc, state)
        except StoreUnavailable:
            store_unavailable(state)
        else:
            return _redirect(f"/wijk/{slug}/uitvraag/{started.id}", "gestart")
    return _start_page(request, store, wijk, state, status=state.status)


# -- the dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation

    @property
    def status(self) -> str:
        inv = self.invitation
        if inv.revoked_at:
            return f"ingetrokken op {dutch_date(inv.revoked_at)}"
        if inv.answered_at:
            return f"beantwoord op {dutch_date(inv.answered_at)}"
        if inv.opened_at:
            return f"geopend op {dutch_date(inv.opened_at)}"
        if inv.sent_at:
            return f"verstuurd op {dutch_date(inv.sent_at)}"
        return "nog niet verstuurd"

    @property
    def css(self) -> str:
        inv = self.invitation
        if inv.revoked_at:
            return "ingetrokken"
        if inv.answered_at:
            return "beantwoord"
        if inv.opened_at:
            return "geopend"
        return "verstuurd" if inv.sent_at else "nieuw"


@dataclass
class MailResult:
    """What sending by e-mail did, as the dashboard reports it."""

    sent: int
    skipped: list[str]
    """Names without an e-mail address (they keep the link they had)."""
    failed: list[tuple[str, str]]
    """Name and reason of each message not sent."""
    reminder: bool


def _dashboard(
    request: Request,
    store: GraphStore,
    rounds: RoundStore,
    wijk: Wijk,
    round_: Round,
    *,
    problem: str | None = None,
    sent: MailResult | None = None,
    status: int = 200,
) -> Response:
    now = _now()
    key = request.query_params.get("melding", "")
    figures = service.round_figures(store, rounds, round_.id, now=now)
    found = rounds.invitations(round_.id)
    invitations = [InvitationRow(i) for i in found]
    fresh = mail.due(found, "nieuw")
    waiting = mail.due(found, "niet-geantwoord")
    context = {
        "wijk": wijk,
        "round": round_,
        "open": round_.is_open(now),
        "measured_on": round_.measured_on(now),
        "f": figures,
        "invitations": invitations,
        "never_issued": len(fresh),
        "not_answered": len(waiting),
        "never_issued_mail": sum(1 for i in fresh if i.email),
        "not_answered_mail": sum(1 for i in waiting if i.email),
        "mail_on": _mail_on(request),
        "problem": problem,
        "mail": sent,
        "nav": "start",
        "melding": MESSAGES.get(key),
        "table_notice": None,
    }
    if key == "ingetrokken":  # the answer returns to the table: the notice stands there
        context["melding"], context["table_notice"] = None, MESSAGES[key]
    return render(request, "uitvraag/dashboard.html", context, status=status)


@router.get("/wijk/{slug}/uitvraag/{round_id}", response_class=HTMLResponse)
def dashboard(
    request: Request,
    slug: str,
    round_id: str,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """The round's figures, its invitations and what to do next."""
    wijk = _wijk(store, user, slug)
    return _dashboard(request, store, rounds, wijk, _round(rounds, slug, round_id))


def _which(form_value: str) -> service.Which:
    return "niet-geantwoord" if form_value == "niet-geantwoord" else "nieuw"


def _attachment(round_: Round, which: str, suffix: str) -> dict[str, str]:
    name = f"wijknet-uitvraag-{round_.wijk}-{which}-{date.today().isoformat()}.{suffix}"
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def links_file(rows: Sequence[Sequence[str]], kind: Literal["csv", "xlsx"]) -> bytes:
    """The links for a mail merge, every cell guarded against formulas: CSV (semicolons,
    UTF-8 with BOM, as Dutch Excel opens it) or one Excel sheet, *Links*."""
    safe = [[neutralise(str(cell)) for cell in row] for row in rows]
    if kind == "xlsx":
        return xlsx_workbook({"Links": safe})
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(safe)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@router.post("/wijk/{slug}/uitvraag/{round_id}/links")
def download_links(
    request: Request,
    slug: str,
    round_id: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """New links (``which``: never handed out, or not answered: a reminder that replaces
    the old links) as CSV or XLSX; the only moment the links exist in clear."""
    wijk = _wijk(store, user, slug)
    round_ = _round(rounds, slug, round_id)
    which = _which(text(form, "which"))
    kind: Literal["csv", "xlsx"] = "xlsx" if text(form, "format") == "xlsx" else "csv"
    try:
        links = service.issue_links(rounds, round_.id, which=which)
    except Conflict:
        return _dashboard(request, store, rounds, wijk, round_, problem=CLOSED, status=409)
    if not links:
        return _redirect(f"/wijk/{slug}/uitvraag/{round_.id}", "geen-links")
    rows = service.links_table(links, round_, _base_url(request))
    media = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    return Response(
        links_file(rows, kind), media_type=media, headers=_attachment(round_, which, kind)
    )


@router.post("/wijk/{slug}/uitvraag/{round_id}/versturen", response_class=HTMLResponse)
def send_links(
    request: Request,
    slug: str,
    round_id: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """Send new links by e-mail (invitations, or reminders to those who did not answer);
    only when an SMTP server is configured."""
    wijk = _wijk(store, user, slug)
    round_ = _round(rounds, slug, round_id)
    if not _mail_on(request):
        why = "Er is geen mailserver ingesteld. Download de links en verstuur ze zelf."
        return _dashboard(request, store, rounds, wijk, round_, problem=why, status=409)
    reminder = _which(text(form, "which")) == "niet-geantwoord"
    try:
        result = mail.send_round(
            rounds,
            round_,
            wijk.name,
            _settings(request),
            reminder=reminder,
            base_url=_base_url(request),
        )
    except Conflict:
        return _dashboard(request, store, rounds, wijk, round_, problem=CLOSED, status=409)
    except (mail.MailUnavailable, mail.MailNotConfigured) as exc:
        why = f"{exc.message} Er is niets verstuurd en alle links werken nog zoals eerst."
        return _dashboard(request, store, rounds, wijk, round_, problem=why, status=503)
    outcome = MailResult(result.sent, list(result.skipped), list(result.failed), reminder)
    return _dashboard(request, store, rounds, wijk, round_, sent=outcome)


@router.post("/wijk/{slug}/uitvraag/{round_id}/intrekken")
def revoke_link(
    slug: str,
    round_id: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """Make one invitation's link stop working for good."""
    _wijk(store, user, slug)
    round_ = _round(rounds, slug, round_id)
    invitation_id = text(form, "uitnodiging")
    if not INVITATION_ID.match(invitation_id):
        raise NotFound(GONE)
    invitation = rounds.get_invitation(invitation_id)
    if invitation.round_id != round_.id:
        raise NotFound(GONE)
    service.revoke(rounds, invitation.id)
    return _redirect(f"/wijk/{slug}/uitvraag/{round_.id}", "ingetrokken", "uitnodigingen")


@router.post("/wijk/{slug}/uitvraag/{round_id}/sluiten")
def close(
    slug: str,
    round_id: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """Close the round before its end date: no link opens any more."""
    _wijk(store, user, slug)
    round_ = _round(rounds, slug, round_id)
    service.close_round(rounds, round_.id)
    return _redirect(f"/wijk/{slug}/uitvraag/{round_.id}", "gesloten")


# -- the review list -----------------------------------------------------------------------


GROUPS = (
    ("wederzijds", "Door beide kanten genoemd"),
    ("nieuw", "Nieuwe samenwerkingen"),
    ("actor", "Nieuwe actoren"),
    ("gewijzigd", "Gewijzigde samenwerkingen"),
    ("gestopt", "Gestopte samenwerkingen"),
    ("correctie", "Correcties van eigen gegevens"),
)
GROUP_OF = {
    Statement.BAND_NIEUW: "nieuw",
    Statement.ACTOR_NIEUW: "actor",
    Statement.BAND_GEWIJZIGD: "gewijzigd",
    Statement.BAND_BEEINDIGD: "gestopt",
    Statement.RECORD_CORRECTIE: "correctie",
}
FIELD_NAMES = {
    "name": "Naam",
    "description": "Beschrijving",
    "email": "E-mail",
    "phone": "Telefoon",
}


@dataclass
class Named:
    """A proposal with the names the review list shows."""

    proposal: Proposal
    by: str
    """The respondent actor's name."""
    other: str


@dataclass
class ReviewItem:
    """One entry of the review list: one proposal, or the two of a reciprocated pair."""

    group: str
    entries: list[Named]
    link: Link | None = None
    """The existing link (changed or ended ties)."""
    record: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Record corrections: field label -> (old value, new value)."""
    error: str | None = None
    notice: str | None = None
    domain: str = ""
    reason: str = ""

    @property
    def first(self) -> Named:
        return self.entries[0]

    @property
    def ids(self) -> list[str]:
        return [e.proposal.id for e in self.entries]

    @property
    def anchor(self) -> str:
        return f"r-{self.first.proposal.id}"


def _name_of(store: GraphStore, actor_id: str | None, names: dict[str, str]) -> str:
    if not actor_id:
        return ""
    if actor_id not in names:
        try:
            names[actor_id] = store.get_actor(actor_id).name
        except NotFound:
            names[actor_id] = "(verwijderde actor)"
    return names[actor_id]


def _record_changes(actor: Actor | None, changes: dict[str, str]) -> dict[str, tuple[str, str]]:
    out = {}
    for key, new in changes.items():
        old = ""
        if actor is not None:
            if key in ("email", "phone"):
                old = getattr(actor.contact, key, None) or "" if actor.contact else ""
            else:
                old = str(getattr(actor, key, "") or "")
        out[FIELD_NAMES.get(key, key)] = (old, new)
    return out


def review_items(store: GraphStore, rounds: RoundStore, round_: Round) -> list[ReviewItem]:
    """The round's open proposals in the order of ``GROUPS``, oldest first within each;
    a new tie both ends named is one item of the first group."""
    names: dict[str, str] = {i.actor_id: i.actor_name for i in rounds.invitations(round_.id)}
    open_ = rounds.proposals(round_.id, status=ProposalStatus.OPEN)
    named = {p.id: Named(p, _name_of(store, p.actor_id, names), "") for p in open_}
    for n in named.values():
        p = n.proposal
        n.other = (
            p.other_name or ""
            if p.statement is Statement.ACTOR_NIEUW
            else _name_of(store, p.other_id, names) or (p.other_name or "")
        )
    ties = {
        (p.actor_id, p.other_id): p
        for p in open_
        if p.statement is Statement.BAND_NIEUW and p.other_id
    }
    items: list[ReviewItem] = []
    paired: set[str] = set()
    for p in open_:
        if p.id in paired or p.statement not in GROUP_OF:
            continue
        if p.statement is Statement.BAND_NIEUW and p.other_id:
            mirror = ties.get((p.other_id, p.actor_id))
            if mirror is not None:
                paired |= {p.id, mirror.id}
                items.append(ReviewItem("wederzijds", [named[p.id], named[mirror.id]]))
                continue
        item = ReviewItem(GROUP_OF[p.statement], [named[p.id]])
        if p.statement in (Statement.BAND_GEWIJZIGD, Statement.BAND_BEEINDIGD) and p.link_id:
            try:
                item.link = store.get_link(p.link_id)
            except NotFound:
                item.link = None
        if p.statement is Statement.RECORD_CORRECTIE:
            try:
                actor: Actor | None = store.get_actor(p.actor_id)
            except NotFound:
                actor = None
            item.record = _record_changes(actor, p.changes)
        items.append(item)
    order = {key: n for n, (key, _) in enumerate(GROUPS)}
    return sorted(items, key=lambda i: order[i.group])  # stable: oldest first per group


@dataclass(frozen=True)
class Reviewed:
    proposal: Proposal
    by: str
    other: str

    @property
    def what(self) -> str:
        return STATEMENT_TEXT.get(self.proposal.statement, label(self.proposal.statement))


STATEMENT_TEXT = {
    Statement.BAND_NIEUW: "Nieuwe samenwerking",
    Statement.ACTOR_NIEUW: "Nieuwe actor",
    Statement.BAND_GEWIJZIGD: "Gewijzigde samenwerking",
    Statement.BAND_BEEINDIGD: "Gestopte samenwerking",
    Statement.RECORD_CORRECTIE: "Correctie van eigen gegevens",
}
LATEST = 20


def _latest(store: GraphStore, rounds: RoundStore, round_: Round) -> list[Reviewed]:
    names: dict[str, str] = {i.actor_id: i.actor_name for i in rounds.invitations(round_.id)}
    done = [
        p
        for p in rounds.proposals(round_.id)
        if p.status in (ProposalStatus.AANVAARD, ProposalStatus.AFGEWEZEN)
        and p.statement not in APPLIED_AT_ONCE
    ]
    done.sort(key=lambda p: (p.reviewed_at or p.created_at, p.id), reverse=True)
    return [
        Reviewed(
            p,
            _name_of(store, p.actor_id, names),
            p.other_name or "" if not p.other_id else _name_of(store, p.other_id, names),
        )
        for p in done[:LATEST]
    ]


def _review_page(
    request: Request,
    store: GraphStore,
    rounds: RoundStore,
    wijk: Wijk,
    round_: Round,
    *,
    failed: str = "",
    error: str | None = None,
    typed: dict[str, str] | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    items = review_items(store, rounds, round_)
    melding = MESSAGES.get(request.query_params.get("melding", ""))
    accepted = request.query_params.get("aantal", "")
    if request.query_params.get("melding") == "wederzijds" and accepted.isdigit():
        melding = reciprocated_message(int(accepted))
    at = request.query_params.get("bij", "")
    top_notice = melding
    end_notice = None
    if melding and at == "klaar":
        end_notice, top_notice = melding, None
    for item in items:
        if melding and item.anchor == at:
            item.notice, top_notice = melding, None
        if item.anchor == failed:
            item.error = error
            item.domain = (typed or {}).get("domein", "")
            item.reason = (typed or {}).get("reden", "")
    pairs = [i for i in items if i.group == "wederzijds"]
    context = {
        "wijk": wijk,
        "round": round_,
        "open": round_.is_open(_now()),
        "groups": [(key, title, [i for i in items if i.group == key]) for key, title in GROUPS],
        "count": len(items),
        "pairs": len(pairs),
        "pair_proposals": sum(len(i.entries) for i in pairs),
        "next_of": {
            item.anchor: (items[n + 1].anchor if n + 1 < len(items) else "klaar")
            for n, item in enumerate(items)
        },
        "latest": _latest(store, rounds, round_),
        "domains": [(d.value, label(d)) for d in Domain if d is not Domain.ONBEKEND],
        "intensity": {i.value: label(i) for i in Intensity},
        "kinds": {k.value: label(k) for k in ActorKind},
        "problem": problem,
        "failed": failed if error else "",
        "end_notice": end_notice,
        "melding": top_notice,
        "nav": "start",
    }
    return render(request, "uitvraag/beoordelen.html", context, status=status)


@router.get("/wijk/{slug}/uitvraag/{round_id}/beoordelen", response_class=HTMLResponse)
def review_page(
    request: Request,
    slug: str,
    round_id: str,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """The open proposals, grouped, each to accept or reject."""
    wijk = _wijk(store, user, slug)
    return _review_page(request, store, rounds, wijk, _round(rounds, slug, round_id))


_ANCHOR = re.compile(r"^(r-v-[0-9a-f]{12}|klaar)$")


@router.post("/wijk/{slug}/uitvraag/{round_id}/beoordelen", response_class=HTMLResponse)
def review(
    request: Request,
    slug: str,
    round_id: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """Accept or reject one item (one proposal, or both of a reciprocated pair); back to
    the list at the next item, with the confirmation there."""
    wijk = _wijk(store, user, slug)
    round_ = _round(rounds, slug, round_id)
    path = f"/wijk/{slug}/uitvraag/{round_.id}/beoordelen"
    ids = [v for v in form.getlist("voorstel") if isinstance(v, str)]
    if not ids or len(ids) > 2 or not all(PROPOSAL_ID.match(i) for i in ids):
        raise NotFound(GONE)
    proposals = [rounds.get_proposal(i) for i in ids]
    if any(p.round_id != round_.id for p in proposals):
        raise NotFound(GONE)
    accept = text(form, "besluit") == "overnemen"
    reason = text(form, "reden").strip()
    chosen = text(form, "domein")
    here = f"r-{ids[0]}"
    typed = {"domein": chosen, "reden": reason}
    domain: Domain | None = None
    if accept and any(p.statement is Statement.ACTOR_NIEUW for p in proposals):
        try:
            domain = Domain(chosen)
        except ValueError:
            why = "Kies een domein voor de nieuwe actor, dan kunt u hem overnemen."
            return _review_page(
                request,
                store,
                rounds,
                wijk,
                round_,
                failed=here,
                error=why,
                typed=typed,
                status=422,
            )
    try:
        for p in proposals:
            service.review(
                store,
                rounds,
                p.id,
                accept=accept,
                by=user.username,
                reason="" if accept else reason,
                domain=domain if p.statement is Statement.ACTOR_NIEUW else None,
            )
    except Conflict:
        return _review_page(request, store, rounds, wijk, round_, problem=CONFLICT, status=409)
    except InvalidData as exc:
        why = " ".join(e.message for e in exc.errors) or "U kunt dit voorstel niet overnemen."
        return _review_page(
            request, store, rounds, wijk, round_, failed=here, error=why, typed=typed, status=422
        )
    following = text(form, "volgende")
    anchor = following if _ANCHOR.match(following) else "klaar"
    melding = "overgenomen" if accept else "afgewezen"
    return _redirect(path, melding, anchor, bij=anchor)


@router.post("/wijk/{slug}/uitvraag/{round_id}/beoordelen/wederzijds")
def accept_reciprocated(
    slug: str,
    round_id: str,
    form: Form,
    store: StoreDep,
    rounds: RoundsDep,
    user: PageUser,
) -> Response:
    """Accept every new tie that both of its ends named, in one go."""
    _wijk(store, user, slug)
    round_ = _round(rounds, slug, round_id)
    path = f"/wijk/{slug}/uitvraag/{round_.id}/beoordelen"
    accepted = service.accept_reciprocated(store, rounds, round_.id, by=user.username)
    return _redirect(path, "wederzijds", aantal=str(accepted // 2))


def reciprocated_message(pairs: int) -> str:
    """The confirmation after "Alle … overnemen" (``pairs``: the links written)."""
    if pairs == 0:
        return "Er waren geen samenwerkingen meer die door beide kanten zijn genoemd."
    if pairs == 1:
        return "Overgenomen: 1 wederzijds genoemde samenwerking staat nu op de kaart."
    return f"Overgenomen: {pairs} wederzijds genoemde samenwerkingen staan nu op de kaart."
