"""Vergelijken (programme team): all wijken side by side, charts, a wijk's trend, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import CacheDep, PageUser, StoreDep
from api.errors import WebError
from api.web.render import number, percent, render
from graph.analysis import reports
from graph.analysis.compare import SORT_KEYS, Every
from graph.analysis.results import METRIC_LABELS, Metrics
from graph.errors import InvalidData
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
"""The trend form's field for each field a refusal of ``reports.trend_for`` names."""


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
    if abs(diff) < 1e-12:
        return "0"
    text = fmt(key, abs(diff))
    if key in SHARES:
        text = text.replace("%", " procentpunt")
    return ("+" if diff > 0 else "−") + text


def _formatter(key: str) -> Any:
    return lambda v: fmt(key, v)


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WebError(400, "Ongeldige datum", f"Geef {field} als JJJJ-MM-DD.") from None


@router.get("", response_class=HTMLResponse)
def compare_page(
    request: Request,
    store: StoreDep,
    cache: CacheDep,
    user: PageUser,
    sorteer: str = Query("name", max_length=40),
    aflopend: bool = False,
    datum: str | None = None,
    wijk: str | None = Query(None, max_length=60),
) -> Response:
    """Every wijk in one sortable table, the region and the means, and four charts."""
    if wijk:  # the trend picker at the bottom of the page
        return RedirectResponse(f"/vergelijken/trend/{store.get_wijk(wijk).slug}", status_code=303)
    if sorteer not in SORT_KEYS:
        sorteer = "name"
    as_of = _date(datum, "de datum")
    comparison = reports.comparison_for(
        store, as_of, sort=sorteer, descending=aflopend, cache=cache
    )
    by_name = sorted(comparison.rows, key=lambda m: m.name)
    charts = [
        bar_chart(
            METRIC_LABELS[key],
            [(m.name, getattr(m, key)) for m in by_name],
            fmt=_formatter(key),
            mean=comparison.means.get(key),
        )
        for key in CHARTS
    ]
    context = {
        "c": comparison,
        "columns": list(METRIC_LABELS.items()),
        "fmt": fmt,
        "charts": charts,
        "sorteer": sorteer,
        "aflopend": aflopend,
        "datum": as_of.isoformat() if as_of else "",
        "wijken": [(m.wijk, m.name) for m in by_name],
        "nav": "vergelijken",
    }
    return render(request, "vergelijken.html", context)


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
    user: PageUser,
    vanaf: str | None = None,
    tot: str | None = None,
    stap: str = Query("maand", max_length=10),
) -> Response:
    """The measures of one wijk over time (default: the last year, per month)."""
    wijk = store.get_wijk(slug)
    every: Every = stap if stap in STEPS else "maand"
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, value, what in (("vanaf", vanaf, "de begindatum"), ("tot", tot, "de einddatum")):
        try:
            days[name] = _date(value, what)
        except WebError as exc:
            errors[name] = exc.message
    if not errors:
        try:
            trend = reports.trend_for(
                store, slug, days["vanaf"], days["tot"], every=every, cache=cache
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
                "vanaf": vanaf or "",
                "tot": tot or "",
                "stap": every,
                "steps": list(STEPS.items()),
                "nav": "vergelijken",
            },
            status=422,
        )
    charts = [
        line_chart(
            METRIC_LABELS[key],
            [(p.as_of or date.today(), getattr(p, key)) for p in trend.points],
            fmt=_formatter(key),
        )
        for key in TREND
    ]
    first, last = trend.points[0], trend.points[-1]
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
        "nav": "vergelijken",
    }
    return render(request, "trend.html", context)
