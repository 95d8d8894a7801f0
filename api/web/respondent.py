"""The respondent's page of a netwerkuitvraag, opened with a personal link, no account.

``/uitvraag/{token}`` shows the asked actor its own record, its current collaborations and a
search over the wijk's other actors (names and kinds only); the posted form becomes one
``service.Answer``. ``/uitvraag/privacy`` says what is stored and why.

The token is in the address, so every answer of these routes is kept out of caches, search
engines and ``Referer`` headers (``protect``), and loads nothing from outside. Requests are
counted with the round store's ``hit`` (``limited``): per client address, per address the
links that did not open (after too many even a good link is refused, so tokens cannot be
tried in bulk), and per link. A link that does not open gives one page for every reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import AccountsDep, RoundsDep, SettingsDep, StoreDep, checked_form
from api.errors import WebError, status_of
from api.session import current_session, set_session_cookie
from api.uitvraag import service, tokens
from api.uitvraag.model import RECORD_FIELDS, TIMEZONE, Proposal, Statement
from api.uitvraag.store import RoundStore
from api.web.formdata import FormState, store_unavailable
from api.web.render import render
from graph.errors import FieldError, InvalidData, StoreUnavailable, WijknetError
from graph.model import (
    EMAIL_MESSAGE,
    NAME_MAX,
    NOTE_MAX,
    ActorKind,
    Contact,
    Intensity,
    label,
    normalise,
    utcnow,
)
from graph.store import GraphStore

# -- safety: headers, rate limits ------------------------------------------------------------

PROTECT_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Robots-Tag": "noindex, nofollow",
}
"""Headers of every answer of these routes: the token in the address must not leak."""


@dataclass(frozen=True)
class Limit:
    """At most ``most`` requests per ``window`` under one counter."""

    most: int
    window: timedelta

    @property
    def retry_after(self) -> int:
        """Seconds to wait before asking again (the whole window: the store does not say
        when the current one started)."""
        return int(self.window.total_seconds())


PER_ADDRESS = Limit(300, timedelta(minutes=10))
"""Requests per client address on these routes: room for a room full of partners answering
on one network (a wijkoverleg, an office) at once; guessing links is stopped by
``REFUSED_PER_ADDRESS``."""
REFUSED_PER_ADDRESS = Limit(20, timedelta(hours=1))
"""Links that did not open, per client address; beyond it every link is refused."""
PER_LINK = Limit(120, timedelta(hours=1))
"""Requests per token."""


def protect(response: Response) -> Response:
    response.headers.update(PROTECT_HEADERS)
    return response


def _address(request: Request) -> str:
    """The client address as a short digest: the counters never hold an address in clear."""
    host = request.client.host if request.client else "onbekend"
    return tokens.digest(f"adres:{host}")[:32]


def _keys(request: Request) -> tuple[str, str, str]:
    """The counters of the client address: all requests (10 minutes); all requests per
    hour; and all requests per hour plus the links that did not open.

    The round store only counts (``hit``); it cannot read a counter without adding to it.
    So the refusals are the difference of the last two: both are hit by every request with
    the same moment, so their windows start and end together, and a refusal hits the
    third once more."""
    address = _address(request)
    return (
        f"uitvraag:adres:{address}",
        f"uitvraag:adres-uur:{address}",
        f"uitvraag:adres-uur-geweigerd:{address}",
    )


def limited(rounds: RoundStore, request: Request, token: str | None, now: datetime) -> Limit | None:
    """Count this request; the limit it exceeds, if any."""
    per_address, hourly, hourly_refused = _keys(request)
    if rounds.hit(per_address, now=now, window=PER_ADDRESS.window) > PER_ADDRESS.most:
        return PER_ADDRESS
    if token is None:
        return None
    requests = rounds.hit(hourly, now=now, window=REFUSED_PER_ADDRESS.window)
    with_refusals = rounds.hit(hourly_refused, now=now, window=REFUSED_PER_ADDRESS.window)
    if with_refusals - requests >= REFUSED_PER_ADDRESS.most:
        return REFUSED_PER_ADDRESS
    link = f"uitvraag:link:{tokens.digest(token)[:32]}"
    if rounds.hit(link, now=now, window=PER_LINK.window) > PER_LINK.most:
        return PER_LINK
    return None


def count_refusal(rounds: RoundStore, request: Request, now: datetime) -> None:
    """Count a link that did not open against the client address."""
    rounds.hit(_keys(request)[2], now=now, window=REFUSED_PER_ADDRESS.window)


# -- pages that say one thing ----------------------------------------------------------------

REFUSED_TITLE = "Deze link werkt niet (meer)"
REFUSED_TEXT = (
    "Misschien is de link verlopen, of hebt u intussen een nieuwe link gekregen. "
    "Vraag de wijkmakelaar van uw wijk om een nieuwe link."
)
TOO_MANY_TITLE = "Te veel pogingen"
TOO_MANY_TEXT = "Te veel pogingen; probeer het over een tijdje opnieuw."
EXPIRED_FORM_TITLE = "Dit formulier is verlopen"
EXPIRED_FORM_TEXT = (
    "Uw antwoord is niet opgeslagen: het formulier stond te lang open, of uw browser "
    "bewaart geen cookies. Open de pagina opnieuw en vul het formulier nog eens in."
)
_TITLES = {
    400: ("Dat ging niet goed", "Het adres of het formulier is niet geldig."),
    404: (REFUSED_TITLE, REFUSED_TEXT),
    405: ("Dat kan hier niet", "Wat u probeerde, kan niet op deze pagina."),
    409: (
        "Iemand anders was u voor",
        "De gegevens zijn intussen veranderd. Open de pagina opnieuw.",
    ),
    503: (
        "De database is niet bereikbaar",
        "De database is even niet bereikbaar. Probeer het zo nog eens.",
    ),
}


def message_page(
    request: Request, status: int, title: str, text: str, *, back: str | None = None
) -> Response:
    """A page with one message (``back``: a link to the form again)."""
    context = {"title": title, "message": text, "back": back}
    return protect(render(request, "uitvraag/respondent_melding.html", context, status=status))


def refused_page(request: Request) -> Response:
    """The one answer to a link that does not open, whatever the reason."""
    return message_page(request, 404, REFUSED_TITLE, REFUSED_TEXT)


def too_many_page(request: Request, limit: Limit) -> Response:
    response = message_page(request, 429, TOO_MANY_TITLE, TOO_MANY_TEXT)
    response.headers["Retry-After"] = str(limit.retry_after)
    return response


def _error_page(request: Request, exc: Exception) -> Response:
    """The page of a refusal raised on the way (a missing CSRF token, a bad request)."""
    if isinstance(exc, WebError):
        if exc.status == 403:
            return message_page(
                request, 403, EXPIRED_FORM_TITLE, EXPIRED_FORM_TEXT, back=request.url.path
            )
        return message_page(request, exc.status, exc.title, exc.message)
    if isinstance(exc, service.TokenRefused):
        return refused_page(request)
    if isinstance(exc, WijknetError):
        status = status_of(exc)
    elif isinstance(exc, StarletteHTTPException):
        status = exc.status_code
    else:
        status = 400
    title, text = _TITLES.get(status, ("Er ging iets mis", "Probeer het later nog eens."))
    return message_page(request, status, title, text)


class RespondentRoute(APIRoute):
    """A route whose every answer is protected (``protect``), refusals included: those
    raised before or in the handler become a Dutch page here, with the same headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def protected(request: Request) -> Response:
            try:
                response = await handler(request)
            except (WebError, WijknetError, StarletteHTTPException, RequestValidationError) as exc:
                response = _error_page(request, exc)
            return protect(response)

        return protected


router = APIRouter(include_in_schema=False, route_class=RespondentRoute)


async def posted_form(request: Request) -> FormData | None:
    """The posted form when its CSRF token is right, else None (refused after the
    request was counted)."""
    try:
        return await checked_form(request)
    except WebError:
        return None


PostedForm = Annotated[FormData | None, Depends(posted_form)]


# -- the form: values, choices, labels -------------------------------------------------------

KLOPT, AANPASSEN = "klopt", "aanpassen"
ACTIEF, BEEINDIGD = "actief", "beeindigd"
NEW_ROWS = 3
"""Empty rows for new collaborations on the page (a script adds more)."""
MAX_NEW = 50
"""Rows for new collaborations the form may send (``service.Answer.new``)."""
NEW_FIELDS = ("other", "other_name", "other_kind", "intensity", "since", "note")
LINK_FIELDS = ("id", "status", "intensity", "since", "until")
RECORD_LABELS = {
    "name": "Naam",
    "description": "Wat doet u? (beschrijving)",
    "email": "E-mail",
    "phone": "Telefoon",
}
NEW_KINDS = (ActorKind.ORGANISATIE, ActorKind.PROFESSIONAL, ActorKind.INITIATIEF)
INTENSITIES = [(str(int(i)), f"{int(i)} · {label(i)}") for i in Intensity]

_LINK_KEY = re.compile(r"^links\.(\d{1,3})\.id$")
_NEW_KEY = re.compile(r"^new\.(\d{1,3})\.(?:" + "|".join(NEW_FIELDS) + r")$")


def today(now: datetime) -> date:
    """The day it is in the Netherlands (a round's dates are days there)."""
    return now.astimezone(TIMEZONE).date()


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _same_text(a: str, b: str) -> bool:
    """Equal apart from line ends and spaces at either end (a browser posts CRLF)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def choices(view: service.RespondentView) -> dict[str, service.Other]:
    """The names offered in the search, each naming one actor: its name, with its kind
    (and a number) after it when another actor has the very same name."""
    names = Counter(other.name for other in view.others)
    out: dict[str, service.Other] = {}
    for other in view.others:
        shown = other.name
        if names[other.name] > 1:
            kind = label(other.kind).lower()
            shown = f"{other.name} ({kind})"
            n = 1
            while shown in out:
                n += 1
                shown = f"{other.name} ({kind}, {n})"
        out[shown] = other
    return out


def find_other(typed: str, offered: Mapping[str, service.Other]) -> list[service.Other]:
    """The actors a typed name may mean: the offered name it is, else the actors of that
    name; exactly as typed first, then ignoring case, accents and punctuation."""
    wanted = normalise(typed)
    for found in (
        [o for shown, o in offered.items() if shown == typed],
        [o for o in offered.values() if o.name == typed],
        [o for shown, o in offered.items() if normalise(shown) == wanted],
        [o for o in offered.values() if normalise(o.name) == wanted],
    ):
        if found:
            return found
    return []


def initial_values(view: service.RespondentView) -> dict[str, str]:
    """The form as the page first shows it: the stored record and links, and the
    respondent's latest answer over them."""
    values: dict[str, str] = {"record_ok": ""}
    for name in RECORD_FIELDS:
        values[f"changes.{name}"] = view.record.get(name, "")
    for i, link in enumerate(view.links):
        values.update(
            {
                f"links.{i}.id": link.link_id,
                f"links.{i}.status": "",
                f"links.{i}.intensity": str(int(link.intensity)),
                f"links.{i}.since": _day(link.since),
                f"links.{i}.until": "",
            }
        )
    rows = _answered(view, values)
    for j in range(max(NEW_ROWS, rows + 1)):
        _empty_row(values, j, keep=j < rows)
    return values


def _empty_row(values: dict[str, str], j: int, *, keep: bool = False) -> None:
    for name in NEW_FIELDS:
        key = f"new.{j}.{name}"
        if not keep or key not in values:
            values[key] = str(int(Intensity.INFORMATIE_DELEN)) if name == "intensity" else ""


def _answered(view: service.RespondentView, values: dict[str, str]) -> int:
    """Put the latest answer into ``values``; the number of new collaborations in it."""
    index = {link.link_id: i for i, link in enumerate(view.links)}
    names = {other.id: shown for shown, other in choices(view).items()}
    ties: list[tuple[str, str, Proposal]] = []
    for p in view.answered:
        if p.statement is Statement.RECORD_BEVESTIGD:
            values["record_ok"] = KLOPT
        elif p.statement is Statement.RECORD_CORRECTIE:
            values["record_ok"] = AANPASSEN
            for name, value in p.changes.items():
                if name in RECORD_FIELDS:
                    values[f"changes.{name}"] = value
        elif p.link_id in index:
            _answered_link(values, index[p.link_id], p)
        elif p.statement is Statement.BAND_NIEUW and p.other_id in names:
            ties.append((names[p.other_id or ""], "", p))
        elif p.statement is Statement.ACTOR_NIEUW:
            ties.append(("", p.other_name or "", p))
    ties.sort(key=lambda t: (normalise(t[0] or t[1]), t[2].id))
    for j, (other, new_name, p) in enumerate(ties[:MAX_NEW]):
        prefix = f"new.{j}."
        values[prefix + "other"] = other
        values[prefix + "other_name"] = new_name
        values[prefix + "other_kind"] = p.other_kind.value if new_name and p.other_kind else ""
        values[prefix + "intensity"] = str(int(p.intensity or Intensity.INFORMATIE_DELEN))
        values[prefix + "since"] = _day(p.since)
        values[prefix + "note"] = p.note
    return min(len(ties), MAX_NEW)


def _answered_link(values: dict[str, str], i: int, p: Proposal) -> None:
    prefix = f"links.{i}."
    if p.statement is Statement.BAND_BEEINDIGD:
        values[prefix + "status"] = BEEINDIGD
        values[prefix + "until"] = _day(p.until)
        return
    values[prefix + "status"] = ACTIEF
    if p.statement is Statement.BAND_GEWIJZIGD:
        if p.intensity is not None:
            values[prefix + "intensity"] = str(int(p.intensity))
        if p.since is not None:
            values[prefix + "since"] = _day(p.since)


def posted_values(view: service.RespondentView, form: FormData) -> dict[str, str]:
    """What was posted, as the page shows it again: every field as typed, the links in
    the page's order (found by their id, so a link that changed meanwhile keeps its own
    answer), and the rows of new collaborations."""

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    values: dict[str, str] = {"record_ok": text("record_ok")}
    for name in RECORD_FIELDS:
        values[f"changes.{name}"] = text(f"changes.{name}")
    posted = {text(key): int(m.group(1)) for key in form if (m := _LINK_KEY.match(key))}
    for i, link in enumerate(view.links):
        k = posted.get(link.link_id)
        values[f"links.{i}.id"] = link.link_id
        for name in LINK_FIELDS[1:]:
            values[f"links.{i}.{name}"] = text(f"links.{k}.{name}") if k is not None else ""
        if k is None:  # not on the page the respondent saw: as shown, no statement
            values[f"links.{i}.intensity"] = str(int(link.intensity))
            values[f"links.{i}.since"] = _day(link.since)
    rows = [int(m.group(1)) for key in form if (m := _NEW_KEY.match(key))]
    count = min(MAX_NEW, max([NEW_ROWS - 1, *rows]) + 1)
    for j in range(count):
        for name in NEW_FIELDS:
            values[f"new.{j}.{name}"] = text(f"new.{j}.{name}")
    return values


def new_row_count(values: Mapping[str, str]) -> int:
    return sum(1 for key in values if key.startswith("new.") and key.endswith(".other"))


def field_labels(view: service.RespondentView, rows: int) -> dict[str, str]:
    """The label of every field in the page's order (beside the field and in the summary
    of a refused form)."""
    labels = {"record_ok": "Kloppen uw gegevens?"}
    labels.update({f"changes.{n}": RECORD_LABELS[n] for n in RECORD_FIELDS})
    for i, link in enumerate(view.links):
        name = link.other.name
        labels[f"links.{i}.status"] = f"Samenwerking met {name}"
        labels[f"links.{i}.intensity"] = f"{name}: hoe intensief"
        labels[f"links.{i}.since"] = f"{name}: sinds wanneer"
        labels[f"links.{i}.until"] = f"{name}: gestopt op"
    for j in range(rows):
        n = j + 1
        labels[f"new.{j}.other"] = f"Nieuwe samenwerking {n}: met wie"
        labels[f"new.{j}.other_name"] = f"Nieuwe samenwerking {n}: naam"
        labels[f"new.{j}.other_kind"] = f"Nieuwe samenwerking {n}: soort"
        labels[f"new.{j}.intensity"] = f"Nieuwe samenwerking {n}: hoe intensief"
        labels[f"new.{j}.since"] = f"Nieuwe samenwerking {n}: sinds wanneer"
        labels[f"new.{j}.note"] = f"Nieuwe samenwerking {n}: toelichting"
    return labels


# -- from the form to an answer --------------------------------------------------------------

MSG = {
    "choose_record": "Kies of uw gegevens kloppen, of dat u ze wilt aanpassen.",
    "nothing_changed": (
        "U koos Aanpassen, maar er is niets veranderd. Pas een gegeven aan, of kies Klopt."
    ),
    "name_empty": "Vul een naam in.",
    "too_long": "Dit is te lang: hoogstens {n} tekens.",
    "phone": "Vul een telefoonnummer in: cijfers, spaties, +, - en haakjes (6 tot 30 tekens).",
    "date": "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2025-03-01.",
    "future": "Deze datum ligt in de toekomst. Vul een dag in van vandaag of eerder.",
    "until_before": "Deze datum ligt vóór de start van de samenwerking.",
    "status": "Kies Nog steeds of Gestopt.",
    "until_active": "U koos Nog steeds. Laat 'Gestopt op' leeg, of kies Gestopt.",
    "intensity": "Kies hoe intensief u samenwerkt.",
    "who": "Vul in met wie u samenwerkt: kies een naam uit de lijst, of vul bij "
    "'Iemand anders' een naam in.",
    "unknown": "Deze naam staat niet in de lijst van de wijk. Kies een naam uit de lijst, "
    "of vul de naam in bij 'Iemand anders, nog niet in de lijst'.",
    "ambiguous": "Er zijn meer partners met deze naam. Kies de naam met de soort erachter "
    "uit de lijst.",
    "self": "Dit is uw eigen naam. Vul in met wie u samenwerkt.",
    "both": "Kies een naam uit de lijst óf vul bij 'Iemand anders' een naam in, niet allebei.",
    "kind": "Kies wat voor partner het is: organisatie, professional of inwonersinitiatief.",
}
"""The messages beside the fields (B1)."""


def _date(
    values: Mapping[str, str], key: str, state: FormState, latest: date
) -> tuple[bool, date | None]:
    """The date typed in ``key`` (None when empty); False with a message beside the field
    when it is not a date or lies after ``latest`` (today)."""
    typed = values.get(key, "").strip()
    if not typed:
        return True, None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        state.errors.setdefault(key, MSG["date"])
        return False, None
    if not 1900 <= day.year <= 2999:
        state.errors.setdefault(key, MSG["date"])
        return False, None
    if day > latest:
        state.errors.setdefault(key, MSG["future"])
        return False, None
    return True, day


def _intensity(values: Mapping[str, str], key: str, state: FormState) -> Intensity | None:
    try:
        return Intensity(int(values.get(key, "")))
    except ValueError:
        state.errors.setdefault(key, MSG["intensity"])
        return None


def _record(
    view: service.RespondentView, values: Mapping[str, str], state: FormState
) -> tuple[bool, dict[str, str]]:
    """Whether the record is right as shown, and the changes. A change in a field means
    Aanpassen, whatever was chosen (without a script every field can be typed in)."""
    changes = {}
    for name in RECORD_FIELDS:
        typed = values.get(f"changes.{name}", "")
        if not _same_text(typed, view.record.get(name, "")):
            changes[name] = typed.replace("\r\n", "\n").strip()
    choice = values.get("record_ok", "")
    if not changes:
        if choice == AANPASSEN:
            state.errors.setdefault("record_ok", MSG["nothing_changed"])
        elif choice != KLOPT:
            state.errors.setdefault("record_ok", MSG["choose_record"])
        return True, {}
    if "name" in changes:
        if not changes["name"]:
            state.errors.setdefault("changes.name", MSG["name_empty"])
        elif len(changes["name"]) > NAME_MAX:
            state.errors.setdefault("changes.name", MSG["too_long"].format(n=NAME_MAX))
    if len(changes.get("description", "")) > NOTE_MAX:
        state.errors.setdefault("changes.description", MSG["too_long"].format(n=NOTE_MAX))
    for name in ("email", "phone"):
        if changes.get(name):
            try:
                Contact.model_validate({name: changes[name]})
            except ValidationError:
                state.errors.setdefault(
                    f"changes.{name}", EMAIL_MESSAGE if name == "email" else MSG["phone"]
                )
    return False, changes


def _links(
    view: service.RespondentView, values: Mapping[str, str], state: FormState, latest: date
) -> tuple[list[service.LinkAnswer], list[int]]:
    """The respondent's word on its links (those left open say nothing), and per answer
    the link's index on the page."""
    answers: list[service.LinkAnswer] = []
    index: list[int] = []
    for i, link in enumerate(view.links):
        prefix = f"links.{i}."
        status = values.get(prefix + "status", "")
        intensity = _intensity(values, prefix + "intensity", state)
        ok_since, since = _date(values, prefix + "since", state, latest)
        ok_until, until = _date(values, prefix + "until", state, latest)
        changed_intensity = intensity if intensity not in (None, link.intensity) else None
        changed_since = since if since not in (None, link.since) else None
        if status not in ("", ACTIEF, BEEINDIGD):
            state.errors.setdefault(prefix + "status", MSG["status"])
            continue
        if not status:
            if until is not None or not ok_until:
                status = BEEINDIGD
            elif changed_intensity or changed_since:
                status = ACTIEF
            else:
                continue
        if status == ACTIEF and values.get(prefix + "until", "").strip():
            state.errors.setdefault(prefix + "until", MSG["until_active"])
        start = since or link.since
        if status == BEEINDIGD and until and start and until < start:
            state.errors.setdefault(prefix + "until", MSG["until_before"])
        if not (ok_since and ok_until) or intensity is None:
            continue
        if status == BEEINDIGD:
            answers.append(
                service.LinkAnswer(link_id=link.link_id, status="beeindigd", until=until)
            )
        else:
            answers.append(
                service.LinkAnswer(
                    link_id=link.link_id,
                    status="actief",
                    intensity=changed_intensity,
                    since=changed_since,
                )
            )
        index.append(i)
    return answers, index


def _new_ties(
    view: service.RespondentView, values: Mapping[str, str], state: FormState, latest: date
) -> tuple[list[service.NewTie], list[int]]:
    """The collaborations named in the rows that were filled in, and per tie its row."""
    offered = choices(view)
    own = normalise(view.record.get("name", ""))
    ties: list[service.NewTie] = []
    rows: list[int] = []
    for j in range(new_row_count(values)):
        prefix = f"new.{j}."
        typed = values.get(prefix + "other", "").strip()
        new_name = values.get(prefix + "other_name", "").strip()
        kind = values.get(prefix + "other_kind", "")
        note = values.get(prefix + "note", "").strip()
        if not (typed or new_name or kind or note or values.get(prefix + "since", "").strip()):
            continue
        intensity = _intensity(values, prefix + "intensity", state)
        ok_since, since = _date(values, prefix + "since", state, latest)
        if len(note) > NOTE_MAX:
            state.errors.setdefault(prefix + "note", MSG["too_long"].format(n=NOTE_MAX))
        other_id: str | None = None
        other_kind: ActorKind | None = None
        if typed and new_name:
            state.errors.setdefault(prefix + "other", MSG["both"])
        elif typed:
            found = find_other(typed, offered)
            if len(found) == 1:
                other_id = found[0].id
            elif found:
                state.errors.setdefault(prefix + "other", MSG["ambiguous"])
            elif own and normalise(typed) == own:
                state.errors.setdefault(prefix + "other", MSG["self"])
            else:
                state.errors.setdefault(prefix + "other", MSG["unknown"])
        elif new_name:
            if len(new_name) > NAME_MAX:
                state.errors.setdefault(prefix + "other_name", MSG["too_long"].format(n=NAME_MAX))
            try:
                other_kind = ActorKind(kind)
            except ValueError:
                state.errors.setdefault(prefix + "other_kind", MSG["kind"])
        else:
            state.errors.setdefault(prefix + "other", MSG["who"])
        if state.errors or intensity is None or not ok_since:
            continue
        ties.append(
            service.NewTie(
                other_id=other_id,
                other_name=new_name or None,
                other_kind=other_kind,
                intensity=intensity,
                since=since,
                note=note,
            )
        )
        rows.append(j)
    return ties, rows


@dataclass
class Built:
    """An answer built from the form, with the page's field of each listed item."""

    answer: service.Answer | None
    links: list[int]
    new: list[int]


def build_answer(
    view: service.RespondentView, values: Mapping[str, str], state: FormState, day: date
) -> Built:
    """The ``service.Answer`` of the typed values; None with the problems in ``state``."""
    record_ok, changes = _record(view, values, state)
    links, link_index = _links(view, values, state, day)
    new, new_index = _new_ties(view, values, state, day)
    if not state.ok:
        return Built(None, link_index, new_index)
    answer = service.Answer(record_ok=record_ok, changes=changes, links=links, new=new)
    return Built(answer, link_index, new_index)


_NEW_FIELD_OF = {"other_id": "other", "other_name": "other_name", "other_kind": "other_kind"}


def place(errors: list[FieldError], built: Built, state: FormState) -> None:
    """Put the service's refusals beside the page's fields (``links.2.until`` is about the
    third link answered, which may stand elsewhere on the page)."""
    for err in errors:
        parts = err.field.split(".")
        key: str | None = None
        if parts[0] in ("record_ok", "changes"):
            key = (
                f"changes.{parts[1]}"
                if len(parts) > 1 and parts[1] in RECORD_FIELDS
                else "record_ok"
            )
        elif parts[0] == "links" and len(parts) > 1 and parts[1].isdigit():
            n = int(parts[1])
            if n < len(built.links):
                name = parts[2] if len(parts) > 2 else "status"
                name = name if name in LINK_FIELDS[2:] else "status"
                key = f"links.{built.links[n]}.{name}"
        elif parts[0] == "new" and len(parts) > 1 and parts[1].isdigit():
            n = int(parts[1])
            if n < len(built.new):
                name = parts[2] if len(parts) > 2 else "other"
                name = _NEW_FIELD_OF.get(name, name if name in NEW_FIELDS else "other")
                key = f"new.{built.new[n]}.{name}"
        if key is None:
            state.fail(err.message)
        else:
            state.errors.setdefault(key, err.message)


# -- the pages -------------------------------------------------------------------------------


def form_page(
    request: Request,
    view: service.RespondentView,
    state: FormState,
    *,
    thanks: bool = False,
) -> Response:
    rows = new_row_count(state.values)
    offered = choices(view)
    # the row a script copies for "Nog iemand toevoegen" starts like an empty row
    state.values.setdefault("new.__n__.intensity", str(int(Intensity.INFORMATIE_DELEN)))
    context: dict[str, Any] = {
        "view": view,
        "state": state,
        "labels": field_labels(view, rows),
        "record_labels": RECORD_LABELS,
        "record_fields": RECORD_FIELDS,
        "new_rows": rows,
        "offered": [(name, label(other.kind)) for name, other in offered.items()],
        "kinds": [(k.value, label(k)) for k in NEW_KINDS],
        "intensities": INTENSITIES,
        "intensity_label": {int(i): label(i) for i in Intensity},
        "thanks": thanks,
        "action": request.url.path,
        "today": today(utcnow()).isoformat(),
    }
    return render(request, "uitvraag/respondent.html", context, status=state.status)


@router.get("/uitvraag/privacy", response_class=HTMLResponse)
def privacy(request: Request, rounds: RoundsDep) -> Response:
    """What is stored of a respondent's answer, why, who sees it and for how long."""
    limit = limited(rounds, request, None, utcnow())
    if limit is not None:
        return too_many_page(request, limit)
    return render(request, "uitvraag/privacy.html", {})


def opened(
    request: Request, store: GraphStore, rounds: RoundStore, token: str, now: datetime
) -> service.RespondentView | Response:
    """What the link opens, counted against the limits; else the page that says no (too
    many requests, or the one page of every refused link)."""
    limit = limited(rounds, request, token, now)
    if limit is not None:
        return too_many_page(request, limit)
    try:
        invitation = service.open_link(rounds, token, now=now)
        return service.respondent_view(store, rounds, invitation, now=now)
    except service.TokenRefused:
        count_refusal(rounds, request, now)
        return refused_page(request)


@router.get("/uitvraag/{token}", response_class=HTMLResponse)
def respondent_page(
    request: Request,
    token: str,
    store: StoreDep,
    rounds: RoundsDep,
    accounts: AccountsDep,
    settings: SettingsDep,
) -> Response:
    """The respondent's page; after an answer (``?bedankt=1``) with thanks above it."""
    now = utcnow()
    view = opened(request, store, rounds, token, now)
    if isinstance(view, Response):
        return view
    session = None
    if current_session(request) is None:  # the form's CSRF token needs a session
        session = accounts.open_session(None, hours=settings.session_hours)
        request.state.session = accounts.get_session(session)
    thanks = request.query_params.get("bedankt") == "1" and view.invitation.answered_at is not None
    response = form_page(request, view, FormState(initial_values(view)), thanks=thanks)
    if session is not None:
        set_session_cookie(response, session, settings)
    return response


@router.post("/uitvraag/{token}", response_class=HTMLResponse)
def answer(
    request: Request,
    token: str,
    store: StoreDep,
    rounds: RoundsDep,
    form: PostedForm,
) -> Response:
    """Store the answer and go back to the page with thanks; a refused form comes back
    with every problem beside its field and everything typed kept."""
    now = utcnow()
    view = opened(request, store, rounds, token, now)
    if isinstance(view, Response):
        return view
    if form is None:
        return message_page(
            request, 403, EXPIRED_FORM_TITLE, EXPIRED_FORM_TEXT, back=request.url.path
        )
    values = posted_values(view, form)
    state = FormState(values)
    built = build_answer(view, values, state, today(now))
    if built.answer is not None:
        try:
            service.submit_answer(store, rounds, view.invitation, built.answer, now=now)
        except InvalidData as exc:
            place(exc.errors, built, state)
        except StoreUnavailable:
            store_unavailable(state)
        except service.TokenRefused:
            return refused_page(request)
        else:
            return RedirectResponse(f"{request.url.path}?bedankt=1", status_code=303)
    return form_page(request, view, state)
