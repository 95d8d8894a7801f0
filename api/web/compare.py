"""Vergelijken (programme team): all wijken side by side, charts, the effect of verbinden
per wijk over a period, a wijk's trend (with the effect of its period), CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import CacheDep, PageUser, RoundsDep, StoreDep
from api.errors import WebError
from api.web.render import number, percent, render
from graph.analysis import reports
from graph.analysis.compare import SORT_KEYS, Every, compare
from graph.analysis.effect import Effect, check_period, default_period, effect_from, effect_rows
from graph.analysis.results import METRIC_LABELS, Metrics
from graph.errors import InvalidData
from graph.model import REALISED_STATUSES, SuggestionStep, Wijk, utcnow
from importers.tables import neutralise
from visual.charts import bar_chart, line_chart

router = APIRouter(prefix="/vergelijken", include_in_schema=False)

SHARES = {
    "largest_component_share",
    "fragmentation",
    "cross_domain_share",
    "zorg_sociaal_share",
    "kernaanpak_score",
}
COUNTS = {
    "actors",
    "links",
    "components",
    "isolate_count",
    "cross_domain_links",
    "zorg_sociaal_links",
    "community_count",
    "silo_count",
    "cut_point_count",
    "bridge_count",
}
CHARTS = ("average_degree", "fragmentation", "cross_domain_share", "kernaanpak_score")
TREND = (
    "actors",
    "average_degree",
    "components",
    "cross_domain_share",
    "fragmentation",
    "kernaanpak_score",
)
STEPS: dict[Every, str] = {
    "week": "per week",
    "maand": "per maand",
    "kwartaal": "per kwartaal",
    "jaar": "per jaar",
}
TREND_FIELDS = {"since": "vanaf", "until": "tot", "every": "stap"}
OTHER_DAY = {"van": "tot", "tot": "van"}
"""The other field of the effect's period."""
REALISED_TOTAL = "Gerealiseerde voorstellen (opgeteld)"
"""The trend's extra line: the pairs taken up since its first day and realised by a point."""
"""The trend form's field for each field a refusal of ``reports.trend_for`` names."""

DEFAULT_COLUMNS = (
    "actors",
    "links",
    "average_degree",
    "components",
    "fragmentation",
    "cross_domain_share",
    "zorg_sociaal_share",
    "isolate_count",
    "kernaanpak_score",
)
"""The measures the table shows unless others are chosen (why these: docs/web.md)."""
BREAKS = {
    word.replace("·", ""): word.replace("·", "\u00ad")
    for word in (
        "Verbin·dingen",
        "Gemid·deld",
        "Frag·men·tatie",
        "verbin·dingen",
        "Gemid·delde",
        "Geïso·leerde",
        "Clus·tering",
        "Centra·lisatie",
        "Domein·over·stijgende",
        "domein·over·stijgend",
        "Modu·lariteit",
        "Snij·punten",
        "kern·aanpakken",
    )
}
"""Long words of the column heads with soft hyphens, so narrow columns break them neatly."""
NO_COHORT = "geen"
"""The cohort filter's value for wijken without a cohort."""
TYPED_MAX = 100
"""A typed value longer than this is cut when it is shown again in the form."""


def fmt(key: str, value: float | None) -> str:
    """A metric as the pages show it: shares as percentages, counts whole, others 2-3 decimals."""
    if value is None:
        return "—"
    if key in SHARES:
        return percent(value)
    if key in COUNTS:
        return number(int(value))
    return number(value, 3 if key == "density" else 2)


def change(key: str, before: float | None, after: float | None) -> str:
    """The change of a metric, signed (shares in percentage points)."""
    if before is None or after is None:
        return "—"
    diff = after - before
    text = fmt(key, abs(diff))
    if abs(diff) < 1e-12 or text == fmt(key, 0.0):  # too small to show: never "−0,00"
        return "0"
    if key in SHARES:
        text = text.replace("%", " procentpunt")
    return ("+" if diff > 0 else "−") + text


def header(title: str) -> str:
    """A measure's name as a column head: long words may break at a soft hyphen."""
    return " ".join(BREAKS.get(word, word) for word in title.split(" "))


def _formatter(key: str) -> Any:
    return lambda v: fmt(key, v)


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    if len(value) > 10:
        raise WebError(400, "Ongeldige datum", f"Geef {field} als JJJJ-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WebError(400, "Ongeldige datum", f"Geef {field} als JJJJ-MM-DD.") from None


Cell = tuple[str, str, float | None]
"""A cell of the effect table: its text, the change beside it ("" for none), the sort value."""


def effect_cells(row: Effect) -> dict[str, Cell]:
    """The effect of verbinden as the pages show it, per column of :data:`EFFECT_COLUMNS`:
    counts whole; "before → after" with the change signed (never "−0") and sorted on it."""

    def count(value: int) -> Cell:
        return number(value), "", value

    return {
        "taken_up": count(row.taken_up),
        "in_progress": count(row.in_progress),
        "realised": count(row.realised),
        "declined": count(row.declined),
        "new_links": count(row.new_links),
        "new_cross_domain_links": count(row.new_cross_domain_links),
        "isolates": (
            f"{number(row.isolates_before)} → {number(row.isolates_after)}",
            change("isolate_count", row.isolates_before, row.isolates_after),
            row.isolates_change,
        ),
        "fragmentation": (
            f"{fmt('fragmentation', row.fragmentation_before)} → "
            f"{fmt('fragmentation', row.fragmentation_after)}",
            change("fragmentation", row.fragmentation_before, row.fragmentation_after),
            row.fragmentation_change,
        ),
    }


EFFECT_COLUMNS = (
    ("taken_up", "Opgepakt", "effect_taken_up"),
    ("in_progress", "In behandeling", "effect_in_progress"),
    ("realised", "Gerealiseerd", "effect_realised"),
    ("declined", "Afgewezen", "effect_declined"),
    ("new_links", "Nieuwe verbindingen", "effect_new_links"),
    ("new_cross_domain_links", "waarvan domeinoverstijgend", "effect_cross_domain"),
    ("isolates", "Losse actoren voor → na", "effect_isolates"),
    ("fragmentation", "Fragmentatie voor → na", "effect_fragmentation"),
)
"""The columns of the effect table: the key of :func:`effect_cells`, the head, the ⓘ."""


def _effect_heads() -> list[tuple[str, str, str, str]]:
    """The effect's columns for a template: key, head (may break), ⓘ key, plain name."""
    return [(key, header(title), explain, title) for key, title, explain in EFFECT_COLUMNS]


def effect_csv_url(start: date, end: date, wijken: list[str] | None = None) -> str:
    """The address of the effect CSV of the API for this period (and these wijken)."""
    query = [("from", start.isoformat()), ("to", end.isoformat())]
    query += [("wijk", slug) for slug in wijken or ()]
    return "/api/v1/effect.csv?" + urlencode(query)


def realised_so_far(history: list[SuggestionStep], start: date, days: list[date]) -> list[int]:
    """Per day of ``days``: the pairs taken up (first step) from ``start`` up to that day
    whose status on that day is realised, as the effect of verbinden counts them for the
    period ``start``..day (its ``realised``)."""
    pairs: dict[tuple[str, str], list[SuggestionStep]] = {}
    for step in history:
        pairs.setdefault((step.a, step.b), []).append(step)
    totals = []
    for day in days:
        total = 0
        for steps in pairs.values():
            if not start <= steps[0].at.date() <= day:
                continue
            until = [s for s in steps if s.at.date() <= day]
            total += until[-1].status in REALISED_STATUSES
        totals.append(total)
    return totals


def _cohort_options(wijken: list[Wijk]) -> list[tuple[str, str]]:
    """The cohort filter's choices: every cohort in the data, and "zonder cohort" if any."""
    options = [(str(c), f"Cohort {c}") for c in sorted({w.cohort for w in wijken if w.cohort})]
    if any(w.cohort is None for w in wijken):
        options.append((NO_COHORT, "Zonder cohort"))
    return options


def _in_cohort(wijk: Wijk, cohort: str) -> bool:
    return not cohort or (str(wijk.cohort) if wijk.cohort else NO_COHORT) == cohort


@router.get("", response_class=HTMLResponse)
def compare_page(
    request: Request,
    store: StoreDep,
    cache: CacheDep,
    user: PageUser,
    sorteer: str = "name",
    aflopend: bool = False,
    datum: str | None = None,
    wijk: str | None = None,
    cohort: str = "",
    kolom: Annotated[list[str] | None, Query()] = None,
    keuze: str | None = None,
    van: str | None = None,
    tot: str | None = None,
) -> Response:
    """The wijken in one sortable table (the chosen columns), the region and the means, four
    charts, and the effect of verbinden per wijk over a period (``van``..``tot``, default
    the twelve months up to the page's date). A refused choice comes back in the form,
    beside its field."""
    wijken = sorted(store.list_wijken(), key=lambda w: w.name)
    by_slug = {w.slug: w for w in wijken}
    errors: dict[str, str] = {}
    if wijk is not None:  # the trend picker at the bottom of the page
        if wijk in by_slug:
            return RedirectResponse(f"/vergelijken/trend/{wijk}", status_code=303)
        errors["trend-wijk"] = "Kies een wijk uit de lijst."
    if sorteer not in SORT_KEYS:
        sorteer = "name"
    cohorts = _cohort_options(wijken)
    if cohort and cohort not in dict(cohorts):
        errors["cohort"] = "Kies een cohort uit de lijst."
    columns = [key for key in METRIC_LABELS if key in (kolom or [])]
    if keuze is None and not columns:
        columns = list(DEFAULT_COLUMNS)
    elif not columns:
        errors["kolommen"] = "Kies ten minste één kolom."
    try:
        as_of = _date(datum, "de datum")
    except WebError as exc:
        as_of = None
        errors["datum"] = exc.message
    period = _effect_period(van, tot, as_of, errors)
    context: dict[str, Any] = {
        "c": None,
        "errors": errors,
        "fmt": fmt,
        "sorteer": sorteer,
        "aflopend": aflopend,
        "datum": (datum or "")[:TYPED_MAX],
        "cohort": cohort[:TYPED_MAX],
        "cohorts": cohorts,
        "cohort_of": {w.slug: w.cohort for w in wijken},
        "all_columns": list(METRIC_LABELS.items()),
        "shown": columns,
        "columns": [(key, header(METRIC_LABELS[key])) for key in columns],
        "default_columns": DEFAULT_COLUMNS,
        "wijken": [(w.slug, w.name) for w in wijken],
        "van": (van or "")[:TYPED_MAX],
        "tot": (tot or "")[:TYPED_MAX],
        "effect_columns": _effect_heads(),
        "nav": "vergelijken",
    }
    if errors or period is None:  # the forms again, what was chosen and why it cannot be shown
        return render(request, "vergelijken.html", context, status=422)
    everything = reports.comparison_for(
        store, as_of, sort=sorteer, descending=aflopend, cache=cache
    )
    rows = [m for m in everything.rows if m.wijk in by_slug and _in_cohort(by_slug[m.wijk], cohort)]
    comparison = compare(
        rows, everything.region, as_of=everything.as_of, sort=sorteer, descending=aflopend
    )
    by_name = sorted(comparison.rows, key=lambda m: m.name)
    context["charts"] = [
        bar_chart(
            METRIC_LABELS[key],
            [(m.name, getattr(m, key)) for m in by_name],
            fmt=_formatter(key),
            mean=comparison.means.get(key),
        )
        for key in CHARTS
    ]
    context["c"] = comparison
    context["datum"] = as_of.isoformat() if as_of else ""
    start, end = period
    shown = [m.wijk for m in by_name]
    context["effect"] = [(row, effect_cells(row)) for row in effect_rows(store, shown, start, end)]
    context["van"], context["tot"] = start.isoformat(), end.isoformat()
    context["effect_start"], context["effect_end"] = start, end
    context["effect_csv"] = effect_csv_url(start, end, shown if cohort else None)
    return render(request, "vergelijken.html", context)


def _effect_period(
    van: str | None, tot: str | None, as_of: date | None, errors: dict[str, str]
) -> tuple[date, date] | None:
    """The period of the effect table from the form (default: the twelve months up to the
    page's date); None, with the reason beside its field in ``errors``, when refused."""
    days: dict[str, date | None] = {}
    for name, value, what in (("van", van, "de begindatum"), ("tot", tot, "de einddatum")):
        try:
            days[name] = _date(value, what)
        except WebError as exc:
            errors[name] = exc.message
    if "van" in errors or "tot" in errors:
        return None
    start, end = default_period(days["van"], days["tot"], today=as_of)
    try:
        check_period(start, end, start_field="van", end_field="tot")
    except InvalidData as exc:
        typed = {"van": bool(van), "tot": bool(tot)}
        for err in exc.errors:
            field = err.field  # a day left empty was derived: the message goes to its source
            if not typed[field] and err.code == "out_of_range" and as_of is not None:
                field = "datum"
            elif not typed[field] and typed[OTHER_DAY[field]]:
                field = OTHER_DAY[field]
            errors.setdefault(field, err.message)
        return None
    return start, end


@router.get(".csv")
def compare_csv(
    store: StoreDep, cache: CacheDep, user: PageUser, datum: str | None = None
) -> Response:
    """The comparison table as CSV (semicolons and decimal commas, for Dutch spreadsheets)."""
    as_of = _date(datum, "de datum")
    comparison = reports.comparison_for(store, as_of, sort="name", cache=cache)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Wijk (code)", "Wijk", *METRIC_LABELS.values()])

    def row(m: Metrics) -> list[str]:
        cells = [neutralise(m.wijk), neutralise(m.name)]
        for key in METRIC_LABELS:
            value = getattr(m, key)
            cells.append("" if value is None else str(round(value, 6)).replace(".", ","))
        return cells

    for metrics in comparison.rows:
        writer.writerow(row(metrics))
    writer.writerow(row(comparison.region))
    day = comparison.as_of.isoformat()
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="wijknet-vergelijking-{day}.csv"'},
    )


@router.get("/trend/{slug}", response_class=HTMLResponse)
def trend_page(
    request: Request,
    slug: str,
    store: StoreDep,
    cache: CacheDep,
    rounds: RoundsDep,
    user: PageUser,
    vanaf: str | None = None,
    tot: str | None = None,
    stap: str = "maand",
) -> Response:
    """The measures of one wijk over time (default: the last year, per month), the realised
    suggestions per point and the effect of verbinden from its first to its last point.
    The day each finished netwerkuitvraag of the wijk measured the network is a point too,
    marked in the charts and listed. A refused period comes back in the form, with what
    was typed and the reason beside its field."""
    wijk = store.get_wijk(slug)
    now = utcnow()
    measured = sorted(
        (day, r.title) for r in rounds.list_rounds(slug) if (day := r.measured_on(now)) is not None
    )
    errors: dict[str, str] = {}
    every: Every = "maand"
    if stap in STEPS:
        every = stap
    else:
        errors["stap"] = "Kies een meetmoment uit de lijst: per week, maand, kwartaal of jaar."
    days: dict[str, date | None] = {}
    for name, value, what in (("vanaf", vanaf, "de begindatum"), ("tot", tot, "de einddatum")):
        try:
            days[name] = _date(value, what)
        except WebError as exc:
            errors[name] = exc.message
    if not errors:
        try:
            trend = reports.trend_for(
                store,
                slug,
                days["vanaf"],
                days["tot"],
                every=every,
                also=[day for day, _ in measured],
                cache=cache,
            )
        except InvalidData as exc:
            for err in exc.errors:
                errors.setdefault(TREND_FIELDS.get(err.field, "stap"), err.message)
    if errors:  # the form again, with what was typed and why it cannot be shown
        return render(
            request,
            "trend.html",
            {
                "wijk": wijk,
                "trend": None,
                "errors": errors,
                "vanaf": (vanaf or "")[:TYPED_MAX],
                "tot": (tot or "")[:TYPED_MAX],
                "stap": every,
                "steps": list(STEPS.items()),
                "nav": "vergelijken",
            },
            status=422,
        )
    point_days = [p.as_of or date.today() for p in trend.points]
    marked = {day for day, _ in measured} & set(point_days)
    charts = [
        line_chart(
            METRIC_LABELS[key],
            [(p.as_of or date.today(), getattr(p, key)) for p in trend.points],
            fmt=_formatter(key),
            period=every,
            whole=key in COUNTS,
            marked=marked,
        )
        for key in TREND
    ]
    first, last = trend.points[0], trend.points[-1]
    history = store.suggestion_history(slug)
    realised = realised_so_far(history, point_days[0], point_days)
    charts.append(
        line_chart(
            REALISED_TOTAL,
            list(zip(point_days, realised, strict=True)),
            fmt=lambda v: number(int(v)),
            period=every,
            whole=True,
            marked=marked,
        )
    )
    result = effect_from(
        history,
        store.snapshot(slug, point_days[0] - timedelta(days=1)),
        store.snapshot(slug, point_days[-1]),
        point_days[0],
        point_days[-1],
    )
    context = {
        "wijk": wijk,
        "trend": trend,
        "charts": charts,
        "keys": TREND,
        "labels": METRIC_LABELS,
        "fmt": fmt,
        "change": change,
        "first": first,
        "last": last,
        "vanaf": (first.as_of or date.today()).isoformat(),
        "tot": (last.as_of or date.today()).isoformat(),
        "stap": every,
        "steps": list(STEPS.items()),
        "wijken": [(w.slug, w.name) for w in store.list_wijken()],
        "realised": realised,
        "realised_title": REALISED_TOTAL,
        "effect": result,
        "effect_cells": effect_cells(result),
        "effect_columns": _effect_heads(),
        "effect_csv": effect_csv_url(point_days[0], point_days[-1], [slug]),
        "measured": [(day, title) for day, title in measured if day in marked],
        "nav": "vergelijken",
    }
    return render(request, "trend.html", context)
