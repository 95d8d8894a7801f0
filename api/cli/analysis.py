"""Analysis commands of the ``wijknet`` CLI: analyse, suggest, compare, trend, diff.

Each prints a readable table, or with ``--json`` the same result the JSON API returns
(the keys are documented in ``docs/analysis.md`` and stay stable). The analysis engines
are imported when a command runs, so other commands start without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import typer

from api.cli import common as base
from graph.analysis.results import (
    METRIC_LABELS,
    SORT_KEYS,
    Analysis,
    Comparison,
    Diff,
    Metrics,
    Suggestion,
    Trend,
)
from graph.errors import WijknetError

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Day to look at, JJJJ-MM-DD (default today)")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")]

TABLE_METRICS = (
    "actors",
    "links",
    "density",
    "average_degree",
    "components",
    "isolate_count",
    "fragmentation",
    "cross_domain_share",
    "zorg_sociaal_share",
    "ei_index",
    "silo_count",
    "kernaanpak_score",
)
SHORT = {
    "actors": "actoren",
    "links": "verb.",
    "density": "dichth.",
    "average_degree": "gem.gr.",
    "components": "delen",
    "isolate_count": "isol.",
    "fragmentation": "fragm.",
    "cross_domain_share": "domover.",
    "zorg_sociaal_share": "zorg-soc",
    "ei_index": "E-I",
    "silo_count": "silo's",
    "kernaanpak_score": "kernaanp.",
}


def _day(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise base.fail(f"{option}: vul een datum in als JJJJ-MM-DD, niet {value!r}.") from None


def _num(value: Any) -> str:
    """Dutch notation: decimal comma, ``-`` for a missing value."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}".replace(".", ",")
    return str(value)


def _points(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table; numbers right-aligned."""
    cells = [[_num(c) if not isinstance(c, str) else c for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [
        all(not isinstance(r[i], str) for r in rows) if rows else False for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _run(action: Any) -> Any:
    """``action(store, reports)`` on the configured store; domain errors end the command."""
    from graph.analysis import reports

    try:
        with base.store_from_settings() as store:
            return action(store, reports)
    except WijknetError as exc:
        raise base.fail(exc.message) from None


def _progress(label: str) -> None:
    typer.echo(f"  … {label}", err=True)


@base.app.command("analyse")
def analyse_cmd(wijk: str, as_of: AsOf = None, json: Json = False) -> None:
    """Analyse the network of a wijk (WIJK is its slug)."""
    result: Analysis = _run(lambda s, reports: reports.analysis_for(s, wijk, _day(as_of)))
    if json:
        base.print_json(result)
        return
    typer.echo(f"Netwerkanalyse {result.name}, {result.as_of}\n")
    typer.echo(
        table(
            ["maat", "waarde"],
            [[label, getattr(result, key)] for key, label in METRIC_LABELS.items()],
        )
    )
    sections = [
        ("Geïsoleerde actoren", [r.name for r in result.isolates]),
        ("Makelaars (betweenness)", [b.text for b in result.brokers]),
        ("Snijpunten", [c.text for c in result.cut_points]),
        ("Groepen", [c.text for c in result.communities]),
    ]
    for title, lines in sections:
        typer.echo(f"\n{title}:" + ("" if lines else " geen"))
        for text in lines:
            typer.echo(f"  - {text}")
    typer.echo("\nKernaanpakken:")
    typer.echo(
        table(
            ["kernaanpak", "eisen", "deelnemers"],
            [
                [c.label, f"{c.met}/{c.total}", len(c.participants)]
                for c in result.kernaanpak_coverage
            ],
        )
    )
    for c in result.kernaanpak_coverage:
        for gap in c.gaps:
            typer.echo(f"  - {c.label}: {gap}")


@base.app.command("suggest")
def suggest_cmd(
    wijk: str,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Number of suggestions")] = 10,
    as_of: AsOf = None,
    json: Json = False,
) -> None:
    """Who should meet in a wijk, and why (best first)."""
    result: list[Suggestion] = _run(
        lambda s, reports: reports.suggestions_for(s, wijk, _day(as_of), limit=limit)
    )
    if json:
        base.print_json(result)
        return
    if not result:
        typer.echo("Geen suggesties: elk paar met iets gemeen is al verbonden of besproken.")
        return
    typer.echo(
        table(
            ["#", "score", "wie", "met wie", "via"],
            [
                [
                    i,
                    _points(s.score),
                    s.a.name,
                    s.b.name,
                    s.introducer.name if s.introducer else "-",
                ]
                for i, s in enumerate(result, start=1)
            ],
        )
    )
    for i, s in enumerate(result, start=1):
        typer.echo(f"\n{i}. {s.action}")
        for r in s.reasons:
            typer.echo(f"   +{_points(r.points)}  {r.text}")


@base.app.command("compare")
def compare_cmd(
    as_of: AsOf = None,
    sort: Annotated[str, typer.Option(help=f"Sort on: {', '.join(SORT_KEYS)}")] = "wijk",
    desc: Annotated[bool, typer.Option("--desc", help="Largest first")] = False,
    json: Json = False,
) -> None:
    """All wijken side by side, with the region and the means."""
    result: Comparison = _run(
        lambda s, reports: reports.comparison_for(
            s, _day(as_of), sort=sort, descending=desc, progress=_progress
        )
    )
    if json:
        base.print_json(result)
        return
    rows: list[list[Any]] = [[r.name] + [getattr(r, k) for k in TABLE_METRICS] for r in result.rows]
    rows.append([result.region.name] + [getattr(result.region, k) for k in TABLE_METRICS])
    rows.append(["Gemiddelde per wijk"] + [result.means.get(k) for k in TABLE_METRICS])
    typer.echo(f"Wijken vergeleken op {result.as_of}\n")
    typer.echo(table(["wijk"] + [SHORT[k] for k in TABLE_METRICS], rows))


def _metric_rows(points: Sequence[Metrics]) -> list[list[Any]]:
    return [[str(p.as_of)] + [getattr(p, k) for k in TABLE_METRICS] for p in points]


@base.app.command("trend")
def trend_cmd(
    wijk: str,
    since: Annotated[str | None, typer.Option(help="First day (default a year ago)")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (default today)")] = None,
    every: Annotated[str, typer.Option(help="week, maand, kwartaal or jaar")] = "maand",
    json: Json = False,
) -> None:
    """The measures of one wijk over time."""
    if every not in ("week", "maand", "kwartaal", "jaar"):
        raise base.fail("--every: kies week, maand, kwartaal of jaar.")
    result: Trend = _run(
        lambda s, reports: reports.trend_for(
            s,
            wijk,
            _day(since, "--since"),
            _day(until, "--until"),
            every=every,
            progress=_progress,
        )
    )
    if json:
        base.print_json(result)
        return
    typer.echo(f"{result.name} door de tijd\n")
    typer.echo(table(["datum"] + [SHORT[k] for k in TABLE_METRICS], _metric_rows(result.points)))


@base.app.command("diff")
def diff_cmd(
    wijk: str,
    before: Annotated[str | None, typer.Option(help="Earlier day (default: --after)")] = None,
    after: Annotated[str | None, typer.Option(help="Later day (default today)")] = None,
    other: Annotated[str | None, typer.Option(help="Compare with this wijk instead")] = None,
    json: Json = False,
) -> None:
    """What changed between two moments of a wijk, or between two wijken."""
    result: Diff = _run(
        lambda s, reports: reports.diff_for(
            s, wijk, _day(before, "--before"), _day(after, "--after"), other=other
        )
    )
    if json:
        base.print_json(result)
        return
    typer.echo(
        f"Van {result.before.name} ({result.before.as_of}) "
        f"naar {result.after.name} ({result.after.as_of})\n"
    )
    typer.echo(
        table(
            ["maat", "voor", "na", "verschil"],
            [[m.label, m.before, m.after, m.change] for m in result.metrics],
        )
    )
    for title, refs in (
        ("Nieuwe actoren", result.actors_added),
        ("Verdwenen actoren", result.actors_removed),
    ):
        typer.echo(f"\n{title} ({len(refs)}):")
        for r in refs:
            typer.echo(f"  - {r.name}")
    for title, links in (
        ("Nieuwe verbindingen", result.links_added),
        ("Verdwenen verbindingen", result.links_removed),
    ):
        typer.echo(f"\n{title} ({len(links)}):")
        for lk in links:
            typer.echo(f"  - {lk.a.name} – {lk.b.name} ({lk.kind})")
