"""Analysis commands of the ``wijknet`` CLI: analyse, suggest (and the steps of a suggested
pair), compare, trend, diff, effect.

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
from graph.model import SuggestionStatus, SuggestionStep, label

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATUM", help="Dag om naar te kijken, JJJJ-MM-DD (anders vandaag)"
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Druk JSON af in plaats van tabellen")]
Wijk = Annotated[
    str, typer.Argument(metavar="WIJK", help="De code van de wijk, bijvoorbeeld daalhof")
]

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
def analyse_cmd(wijk: Wijk, as_of: AsOf = None, json: Json = False) -> None:
    """Analyseer het netwerk van een wijk."""
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
        ("Verbinders (betweenness)", [b.text for b in result.brokers]),
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


STATUSES = [s.value for s in SuggestionStatus]
ALL = "alle"


@base.app.command("suggest")
def suggest_cmd(
    wijk: Wijk,
    limit: Annotated[
        int, typer.Option(min=1, max=200, metavar="AANTAL", help="Aantal voorstellen")
    ] = 10,
    as_of: AsOf = None,
    json: Json = False,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help=f"Toon de paren met deze status ({', '.join(STATUSES)}), of '{ALL}'",
        ),
    ] = None,
    step: Annotated[
        tuple[str, str, str] | None,
        typer.Option("--step", metavar="A B STATUS", help="Leg de volgende stap van een paar vast"),
    ] = None,
    undo: Annotated[
        tuple[str, str] | None,
        typer.Option("--undo", metavar="A B", help="Draai de laatste stap van een paar terug"),
    ] = None,
    note: Annotated[
        str,
        typer.Option("--note", metavar="TEKST", help="Notitie (bij niet-relevant: de reden)"),
    ] = "",
    date_: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATUM",
            help="Datum bij kennismaking-gepland of later, JJJJ-MM-DD",
        ),
    ] = None,
    by: base.ByOption = "",
) -> None:
    """Wie in een wijk kennis moet maken, en waarom (beste eerst). Met --status: waar elk
    paar staat. Met --step of --undo: leg een stap van een paar vast of draai die terug."""
    if step is not None and undo is not None:
        raise base.fail("Kies --step of --undo, niet allebei.")
    if step is not None:
        _record_step(wijk, step, note, _day(date_, "--date"), by or base.default_by(), json)
        return
    if undo is not None:
        _undo_step(wijk, undo, by or base.default_by(), json)
        return
    if status is not None:
        _list_status(wijk, status, limit, _day(as_of), json)
        return
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


def _status_text(step: SuggestionStep | None) -> str:
    """``"Kennismaking gepland (3-12-2026)"``: the status with its date, if any."""
    if step is None:
        return label(SuggestionStatus.VOORGESTELD)
    text = label(step.status)
    if step.date is not None:
        text += f" ({step.date:%d-%m-%Y})"
    return text


def _names(store: Any, *ids: str) -> list[str]:
    out = []
    for actor_id in ids:
        try:
            out.append(store.get_actor(actor_id).name)
        except WijknetError:
            out.append(actor_id)
    return out


def _record_step(
    wijk: str, step: tuple[str, str, str], note: str, day: date | None, by: str, json: bool
) -> None:
    a, b, status = step
    if status not in STATUSES:
        raise base.fail(f"{status!r} is geen stap; kies uit: {', '.join(STATUSES)}.")

    def action(store: Any, reports: Any) -> tuple[SuggestionStep, list[str]]:
        done = reports.add_step(store, wijk, a, b, status, by=by, note=note, day=day)
        return done, _names(store, done.a, done.b)

    done, names = _run(action)
    if json:
        base.print_json(done)
        return
    typer.echo(f"Vastgelegd: {_status_text(done)}: {names[0]} ↔ {names[1]}.")


def _undo_step(wijk: str, pair: tuple[str, str], by: str, json: bool) -> None:
    a, b = pair

    def action(store: Any, reports: Any) -> tuple[SuggestionStep | None, list[str]]:
        return reports.undo_step(store, wijk, a, b, by=by), _names(store, a, b)

    current, names = _run(action)
    if json:
        base.print_json({"current": current.model_dump(mode="json") if current else None})
        return
    now = f"nu: {_status_text(current)}" if current else "nu zonder status"
    typer.echo(f"Laatste stap teruggedraaid: {names[0]} ↔ {names[1]}, {now}.")


def _list_status(wijk: str, status: str, limit: int, day: date | None, json: bool) -> None:
    if status != ALL and status not in STATUSES:
        raise base.fail(f"--status: kies uit {', '.join(STATUSES)} of {ALL}.")
    items = _run(lambda s, reports: reports.agenda(s, wijk, day, limit=limit, everything=True))
    if status != ALL:
        items = [i for i in items if i.status.value == status]
    if json:
        base.print_json(items)
        return
    if not items:
        typer.echo(f"Geen voorstellen met de status {status}.")
        return
    typer.echo(
        table(
            ["#", "status", "wie", "met wie", "sinds", "door", "notitie"],
            [
                [
                    i,
                    _status_text(item.step),
                    item.a.name,
                    item.b.name,
                    f"{item.step.at:%d-%m-%Y}" if item.step else "-",
                    item.step.by if item.step else "-",
                    item.step.note if item.step and item.step.note else "-",
                ]
                for i, item in enumerate(items, start=1)
            ],
        )
    )


@base.app.command("compare")
def compare_cmd(
    as_of: AsOf = None,
    sort: Annotated[
        str, typer.Option(metavar="MAAT", help=f"Sorteer op: {', '.join(SORT_KEYS)}")
    ] = "wijk",
    desc: Annotated[bool, typer.Option("--desc", help="Grootste eerst")] = False,
    json: Json = False,
) -> None:
    """Alle wijken naast elkaar, met de regio en het gemiddelde per wijk."""
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
    wijk: Wijk,
    since: Annotated[
        str | None,
        typer.Option(metavar="DATUM", help="Eerste dag, JJJJ-MM-DD (anders een jaar geleden)"),
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="DATUM", help="Laatste dag, JJJJ-MM-DD (anders vandaag)")
    ] = None,
    every: Annotated[
        str, typer.Option(metavar="PERIODE", help="Elke week, maand, kwartaal of jaar")
    ] = "maand",
    json: Json = False,
) -> None:
    """De maten van één wijk door de tijd."""
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
    wijk: Wijk,
    before: Annotated[
        str | None,
        typer.Option(metavar="DATUM", help="Eerdere dag, JJJJ-MM-DD (anders de dag van --after)"),
    ] = None,
    after: Annotated[
        str | None, typer.Option(metavar="DATUM", help="Latere dag, JJJJ-MM-DD (anders vandaag)")
    ] = None,
    other: Annotated[
        str | None, typer.Option(metavar="WIJK", help="Vergelijk in plaats daarvan met deze wijk")
    ] = None,
    json: Json = False,
) -> None:
    """Wat er veranderde tussen twee momenten in een wijk, of tussen twee wijken."""
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


def _signed(value: int | float | None) -> str:
    """A change with its sign: ``+2``, ``-0,467``, ``0``; ``-`` when unknown."""
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:+.3f}".replace(".", ",")
        return "0,000" if text in ("+0,000", "-0,000") else text
    return f"{value:+d}" if value else "0"


@base.app.command("effect")
def effect_cmd(
    wijk: Wijk,
    van: Annotated[
        str | None,
        typer.Option(
            "--van",
            metavar="DATUM",
            help="Eerste dag van de periode, JJJJ-MM-DD (anders 12 maanden terug)",
        ),
    ] = None,
    tot: Annotated[
        str | None,
        typer.Option(
            "--tot", metavar="DATUM", help="Laatste dag van de periode, JJJJ-MM-DD (anders vandaag)"
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Het effect van verbinden in een wijk over een periode: de opgepakte voorstellen en
    waar ze staan, de nieuwe verbindingen en hoe het aantal geïsoleerde actoren en de
    fragmentatie veranderden."""
    from graph.analysis.effect import Effect, check_period, default_period, effect

    def action(store: Any, reports: Any) -> Effect:
        start, end = default_period(_day(van, "--van"), _day(tot, "--tot"))
        check_period(start, end, start_field="--van", end_field="--tot")
        return effect(store, wijk, start, end)

    result: Effect = _run(action)
    if json:
        base.print_json(result)
        return
    typer.echo(
        f"Effect van verbinden in {result.name}, "
        f"{result.start:%d-%m-%Y} tot en met {result.end:%d-%m-%Y}\n"
    )
    median = result.median_days_to_realised
    typer.echo("Voorstellen (eerste stap in de periode), stand op de laatste dag:")
    typer.echo(
        table(
            ["", "aantal"],
            [
                ["opgepakt", result.taken_up],
                ["  nog voorgesteld", result.voorgesteld],
                ["  in behandeling", result.in_progress],
                ["  gerealiseerd", result.realised],
                ["  afgewezen", result.declined],
                ["  later", result.later],
            ],
        )
    )
    if median is not None:
        days = f"{median:.1f}".replace(".", ",").removesuffix(",0")
        unit = "dag" if median == 1 else "dagen"
        typer.echo(f"Mediaan van eerste stap tot gerealiseerd: {days} {unit}.")
    typer.echo("\nNieuwe verbindingen in de periode:")
    typer.echo(
        table(
            ["", "aantal"],
            [
                ["nieuw", result.new_links],
                ["  domeinoverstijgend", result.new_cross_domain_links],
                ["  uit een voorstel", result.new_links_realising],
            ],
        )
    )
    typer.echo("\nHet netwerk voor en na:")
    before, after = f"{result.before_day:%d-%m-%Y}", f"{result.after_day:%d-%m-%Y}"
    change = result.actors_after - result.actors_before
    rows: list[list[Any]] = [
        ["actoren", result.actors_before, result.actors_after, _signed(change)],
        ["geïsoleerde actoren", result.isolates_before, result.isolates_after],
        ["losse delen", result.components_before, result.components_after],
        ["fragmentatie", result.fragmentation_before, result.fragmentation_after],
    ]
    rows[1].append(_signed(result.isolates_change))
    rows[2].append(_signed(result.components_change))
    rows[3].append(_signed(result.fragmentation_change))
    typer.echo(table(["", f"voor ({before})", f"na ({after})", "verschil"], rows))
