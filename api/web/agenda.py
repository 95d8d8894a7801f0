"""The wijkoverleg's agenda: the open suggested introductions of a wijk and their steps.

``/wijk/{slug}/agenda`` lists the pairs in progress first, then the fresh suggestions,
each with its reasons, who could introduce them, its status and its history, and for
wijkmakelaars of the wijk and beheer a small form for the next step (posted to
``POST /wijk/{slug}/voorstel``, which returns to the item: ``return_path`` and
``back_to``). Pairs set aside and realised ones follow, folded. The agenda can be printed
(``/wijk/{slug}/agenda/afdrukken``, A4) and downloaded as CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.accounts import User
from api.deps import CacheDep, PageUser, StoreDep
from api.errors import WebError
from api.mapdata import SUGGESTIONS
from api.permissions import may_write_wijk
from api.web.history import status_label
from api.web.render import MESSAGES, dutch_date, render
from graph.analysis import reports
from graph.analysis.build import build_graph
from graph.analysis.cache import AnalysisCache
from graph.analysis.results import ActorRef, Reason, Suggestion
from graph.analysis.suggestions import suggest
from graph.errors import FieldError
from graph.model import (
    OPEN_STATUSES,
    REALISED_STATUSES,
    SuggestionStatus,
    SuggestionStep,
    Wijk,
    label,
)
from graph.store.base import GraphStore
from graph.store.workflow import ordered
from importers.exports import xlsx_workbook
from importers.tables import neutralise

router = APIRouter(include_in_schema=False)

S = SuggestionStatus
FORWARD = (S.BENADERD, S.KENNISMAKING_GEPLAND, S.ONTMOET, S.SAMENWERKING_VASTGELEGD)
"""The way forward, in order; a step may skip ahead."""
ASIDE = (S.NIET_RELEVANT, S.LATER)
"""The steps that put a pair aside (with a reason, or until a date)."""

BRUG = "Brug naar het netwerk"

_SAFE_PATH = re.compile(r"^/(?!/)[A-Za-z0-9/_.~%=&?:#-]*$")
"""A path on this site: one leading slash, no scheme, no host, no backslash, no spaces or
control characters (a browser drops tabs and newlines, which could turn ``/\t/x`` into
``//x``)."""

_PAIR_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}~[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")


# -- returning to an item after a step ----------------------------------------------------


def return_path(value: object, default: str) -> str:
    """``value`` when it is a path on this site (``/wijk/…``), else ``default``: a form's
    ``terug`` never sends anyone to another site."""
    text = value if isinstance(value, str) else ""
    if not text or len(text) > 300 or not _SAFE_PATH.match(text):
        return default
    return text.split("#", 1)[0]


def pair_key(a: str, b: str) -> str:
    """The pair in stored order as ``a~b`` (the form of ``paren`` and ``paar``)."""
    first, second = ordered(a, b)
    return f"{first}~{second}"


def anchor(a: str, b: str) -> str:
    """The id of a pair's item on a page: ``s-{a}-{b}`` in stored order."""
    first, second = ordered(a, b)
    return f"s-{first}-{second}"


def back_to(path: str, status: str, a: str, b: str) -> str:
    """Where a step posted from ``path`` returns: the same page, at the pair's item, with
    the confirmation (``melding``) for that item (``paar``)."""
    query = urlencode({"paar": pair_key(a, b), "melding": status})
    glue = "&" if "?" in path else "?"
    return f"{path}{glue}{query}#{anchor(a, b)}"


def is_agenda(path: str, slug: str) -> bool:
    return path.split("?", 1)[0] == f"/wijk/{slug}/agenda"


# -- the items ----------------------------------------------------------------------------


@dataclass
class Item:
    """One suggested pair as a page shows it."""

    a: ActorRef
    b: ActorRef
    status: SuggestionStatus
    step: SuggestionStep | None
    suggestion: Suggestion | None
    history: list[SuggestionStep]
    group: str  # "open", "aside" or "done"
    message: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return pair_key(self.a.id, self.b.id)

    @property
    def anchor(self) -> str:
        return anchor(self.a.id, self.b.id)

    @property
    def brug(self) -> bool:
        return self.suggestion is not None and self.suggestion.kind == "brug"

    @property
    def reasons(self) -> list[Reason]:
        return self.suggestion.reasons if self.suggestion else []

    @property
    def introducer(self) -> ActorRef | None:
        return self.suggestion.introducer if self.suggestion else None

    @property
    def in_progress(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_text(self) -> str:
        """The status with its date: "Kennismaking gepland op 3 december 2026"."""
        text = label(self.status)
        day = self.step.date if self.step else None
        if day and self.status is S.KENNISMAKING_GEPLAND:
            return f"{text} op {dutch_date(day)}"
        if day and self.status is S.LATER:
            return f"{text}: wacht tot {dutch_date(day)}"
        if day and self.status is S.GEREALISEERD:
            return f"{text} op {dutch_date(day)}"
        return text

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The steps the form offers: forward from the current status, then the two that
        put a pair aside. None for a pair done with or set aside (it can only be undone)."""
        if self.group != "open":
            return []
        here = FORWARD.index(self.status) + 1 if self.status in FORWARD else 0
        return [(s.value, label(s)) for s in (*FORWARD[here:], *ASIDE)]

    @property
    def chosen(self) -> str:
        """The step selected in the form: what was typed, else the next one forward."""
        if self.typed.get("status"):
            return self.typed["status"]
        return self.choices[0][0] if self.choices else ""


def _group(status: SuggestionStatus, step: SuggestionStep | None, day: date) -> str:
    if status in REALISED_STATUSES:
        return "done"
    if status is S.NIET_RELEVANT:
        return "aside"
    if status is S.LATER and step is not None and step.date is not None and day < step.date:
        return "aside"
    return "open"


def _explanations(
    store: GraphStore,
    cache: AnalysisCache,
    slug: str,
    day: date,
    missing: set[tuple[str, str]],
) -> dict[tuple[str, str], Suggestion]:
    """Reasons and introducer of pairs in progress: they are no fresh suggestion any more,
    so the suggestions are made once more with those pairs allowed back in."""
    if not missing:
        return {}
    states = store.suggestion_states(slug)
    exclude = tuple(p for p in reports.set_aside(states, day) if p not in missing)
    wanted = tuple(sorted(missing))

    def compute() -> dict[tuple[str, str], Suggestion]:
        found = suggest(
            build_graph(store.snapshot(slug, day)),
            limit=SUGGESTIONS + len(wanted),
            exclude=exclude,
        )
        return {pair: s for s in found if (pair := ordered(s.a.id, s.b.id)) in missing}

    return cache.get(store, slug, day, ("agenda-redenen", exclude, wanted), compute)


def agenda_items(
    store: GraphStore, cache: AnalysisCache, slug: str, day: date | None = None
) -> list[Item]:
    """Every pair of the agenda in its order: open ones (in progress, then fresh), then
    those set aside, then the realised ones; each with its history."""
    today = day or date.today()
    found = reports.agenda(store, slug, today, limit=SUGGESTIONS, cache=cache, everything=True)
    history: dict[tuple[str, str], list[SuggestionStep]] = {}
    for step in store.suggestion_history(slug):
        history.setdefault((step.a, step.b), []).append(step)
    missing = {
        ordered(i.a.id, i.b.id)
        for i in found
        if i.suggestion is None and _group(i.status, i.step, today) == "open"
    }
    explained = _explanations(store, cache, slug, today, missing)
    items = []
    for found_item in found:
        pair = ordered(found_item.a.id, found_item.b.id)
        items.append(
            Item(
                a=found_item.a,
                b=found_item.b,
                status=found_item.status,
                step=found_item.step,
                suggestion=found_item.suggestion or explained.get(pair),
                history=history.get(pair, []),
                group=_group(found_item.status, found_item.step, today),
            )
        )
    order = {"open": 0, "aside": 1, "done": 2}
    return sorted(items, key=lambda i: order[i.group])  # stable: keeps the agenda's order


def mark(
    items: Sequence[Item],
    pair: str,
    message: str | None,
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
) -> bool:
    """Put a step's confirmation, or its refusal and what was typed, on the pair's item;
    whether the page shows that pair."""
    for item in items:
        if item.key == pair:
            item.message = message
            item.errors = dict(errors or {})
            item.typed = dict(typed or {})
            return True
    return False


def _page(
    request: Request,
    store: GraphStore,
    cache: AnalysisCache,
    user: User,
    slug: str,
    *,
    pair: str = "",
    message: str | None = None,
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    wijk = store.get_wijk(slug)
    items = agenda_items(store, cache, slug)
    mark(items, pair, message, errors, typed)
    context = {
        "wijk": wijk,
        "open": [i for i in items if i.group == "open"],
        "aside": [i for i in items if i.group == "aside"],
        "done": [i for i in items if i.group == "done"],
        "opened": pair,
        "may_write": may_write_wijk(user, slug),
        "terug": f"/wijk/{slug}/agenda",
        "today": date.today(),
        "melding": None,  # shown beside its item, not at the top of the page
        "nav": "start",
    }
    return render(request, "agenda.html", context, status=status)


@router.get("/wijk/{slug}/agenda", response_class=HTMLResponse)
def agenda_page(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    user: PageUser,
    paar: Annotated[str, Query(max_length=170)] = "",
    melding: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The open suggestions with their status and history, and the next step per pair."""
    return _page(request, store, cache, user, slug, pair=paar, message=MESSAGES.get(melding))


_FIELDS = {"note": "notitie", "date": "datum", "datum": "datum"}


def refusal(
    form: Mapping[str, Any], errors: Sequence[FieldError]
) -> tuple[dict[str, str], dict[str, str]]:
    """A refused step's messages by form field, and what was typed."""
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(_FIELDS.get(error.field, "stap"), error.message)
    typed = {k: str(form.get(k) or "") for k in ("status", "notitie", "datum")}
    return messages, typed


def refused(
    request: Request,
    store: GraphStore,
    cache: AnalysisCache,
    user: User,
    slug: str,
    form: Mapping[str, Any],
    errors: Sequence[FieldError],
) -> Response:
    """The agenda again (422) with the refused step's messages beside its item, next to
    their field, and what was typed kept."""
    a, b = str(form.get("a") or ""), str(form.get("b") or "")
    messages, typed = refusal(form, errors)
    return _page(
        request,
        store,
        cache,
        user,
        slug,
        pair=pair_key(a, b) if a and b else "",
        errors=messages,
        typed=typed,
        status=422,
    )


# -- print and download -------------------------------------------------------------------


def _chosen(items: list[Item], paren: Iterable[str]) -> list[Item]:
    """The items named in ``paren`` (``a~b``, several per value with commas), in agenda
    order; the open ones when none is named."""
    wanted: set[str] = set()
    for value in paren:
        for key in value.split(","):
            key = key.strip()
            if _PAIR_KEY.match(key):
                a, b = key.split("~")
                wanted.add(pair_key(a, b))
    if not wanted:
        return [i for i in items if i.group == "open"]
    return [i for i in items if i.key in wanted]


Paren = Annotated[list[str], Query(max_length=4000)]


@router.get("/wijk/{slug}/agenda/afdrukken", response_class=HTMLResponse)
def agenda_print(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    user: PageUser,
    paren: Paren = [],  # noqa: B006 - FastAPI copies the default
) -> Response:
    """The agenda on A4 paper: the chosen pairs (or all open ones) with lines for notes."""
    if len(paren) > 100:
        raise WebError(400, "Dat ging niet goed", "Kies hoogstens 100 voorstellen.")
    wijk = store.get_wijk(slug)
    items = _chosen(agenda_items(store, cache, slug), paren)
    context = {"wijk": wijk, "items": items, "today": date.today(), "nav": "start"}
    return render(request, "agenda_print.html", context)


HEADER = [
    "nr",
    "status",
    "soort",
    "actor 1",
    "actor 2",
    "redenen",
    "wie kan voorstellen",
    "datum bij de status",
    "laatste stap door",
    "laatste stap op",
    "notitie",
]


def agenda_table(wijk: Wijk, items: list[Item]) -> list[list[str]]:
    """The open agenda as rows of text (header first), neutralised for spreadsheets."""
    rows = [HEADER]
    for number, item in enumerate(items, 1):
        step = item.step
        row = [
            str(number),
            label(item.status),
            BRUG if item.brug else "voorstel",
            item.a.name,
            item.b.name,
            " | ".join(r.text for r in item.reasons),
            item.introducer.name if item.introducer else "",
            step.date.isoformat() if step and step.date else "",
            step.by if step else "",
            step.at.date().isoformat() if step else "",
            step.note if step else "",
        ]
        rows.append([neutralise(cell) for cell in row])
    return rows


def _open_table(store: GraphStore, cache: AnalysisCache, slug: str) -> tuple[Wijk, list[list[str]]]:
    wijk = store.get_wijk(slug)
    items = [i for i in agenda_items(store, cache, slug) if i.group == "open"]
    return wijk, agenda_table(wijk, items)


def _attachment(slug: str, suffix: str) -> dict[str, str]:
    name = f"wijknet-agenda-{slug}-{date.today().isoformat()}.{suffix}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/wijk/{slug}/agenda.csv")
def agenda_csv(slug: str, store: StoreDep, cache: CacheDep, user: PageUser) -> Response:
    """The open agenda as CSV (semicolons, UTF-8 with BOM: Dutch Excel opens it as is)."""
    _, rows = _open_table(store, cache, slug)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(slug, "csv"),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/wijk/{slug}/agenda.xlsx")
def agenda_xlsx(slug: str, store: StoreDep, cache: CacheDep, user: PageUser) -> Response:
    """The open agenda as one Excel sheet, *Agenda*."""
    _, rows = _open_table(store, cache, slug)
    content = xlsx_workbook({"Agenda": rows})
    return Response(content, media_type=XLSX, headers=_attachment(slug, "xlsx"))


# -- the actor page -----------------------------------------------------------------------


@dataclass(frozen=True)
class ActorPair:
    """A pair the actor takes part in, with the other actor and the steps."""

    wijk: Wijk
    other_id: str
    other: str
    steps: list[SuggestionStep]
    anchor: str

    @property
    def current(self) -> SuggestionStep:
        return self.steps[-1]

    @property
    def status_text(self) -> str:
        return status_label(self.current.status.value)


def actor_pairs(
    store: GraphStore, actor_id: str, wijken: Iterable[Wijk], names: Mapping[str, str]
) -> list[ActorPair]:
    """The suggested pairs with steps in which the actor takes part (either side), per
    wijk, the latest step first."""
    out = []
    for wijk in wijken:
        steps: dict[tuple[str, str], list[SuggestionStep]] = {}
        for step in store.suggestion_history(wijk.slug, actor_id):
            steps.setdefault((step.a, step.b), []).append(step)
        for (a, b), found in steps.items():
            other = b if a == actor_id else a
            out.append(ActorPair(wijk, other, names.get(other, other), found, anchor(a, b)))
    return sorted(out, key=lambda p: p.current.at, reverse=True)
