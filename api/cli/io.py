"""The ``wijknet`` commands for files: import, export, duplicates and merge."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli.common import ByOption, app, default_by, fail, print_json, store_from_settings
from api.mappings import effective_mapping, header_info, plan_import, unknown_values
from graph.errors import WijknetError
from graph.model import ActorKind, Domain
from importers.apply import ImportRefused, apply_plan
from importers.duplicates import find_duplicates, merge_actors, plan_merge
from importers.exports import FORMATS, collect, csv_files, export
from importers.mapping import SKIP, ImportMapping, MappingError
from importers.plan import ImportPlan
from importers.plan import Progress as PlanProgress
from importers.readers import MAX_FILE_BYTES
from importers.tables import Problem, aantal

SHOWN_PROBLEMS = 50
SHOWN_ROWS = 100
PROGRESS_FROM_ROWS = 2000
"""Files with at least this many rows get a progress bar."""

ACTIONS = (("create", "nieuw"), ("update", "bijwerken"), ("skip", "ongewijzigd"), ("error", "fout"))
ENTITIES = (("wijk", "wijken"), ("actor", "actoren"), ("link", "samenwerkingen"))
EXTRA_ACTIONS = (("merge", "samengevoegd"), ("ignore", "overgeslagen"))
"""Shown when the planner counts them (links merged into one, rows the mapping skips)."""

err = Console(stderr=True)


@contextmanager
def _progress(label: str, total: int) -> Iterator[PlanProgress | None]:
    """A callback that moves a progress bar on stderr, or None for a small file."""
    if total < PROGRESS_FROM_ROWS:
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("plan", total=total)

        def advance(done: int, _total: int) -> None:
            bar.update(task, completed=done)

        yield advance


@app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="BESTAND",
            help="Bestanden: CSV, XLSX, Kumu, JSON, GraphML, GEXF of ZIP",
            exists=True,
            dir_okay=False,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Toon wat er zou veranderen; schrijf niets")
    ] = False,
    valid_only: Annotated[
        bool,
        typer.Option("--valid-only", help="Schrijf de rijen zonder probleem, meld de rest"),
    ] = False,
    wijk: Annotated[
        str | None, typer.Option(metavar="WIJK", help="Wijk voor rijen zonder wijk")
    ] = None,
    mapping_file: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            metavar="BESTAND",
            help="Koppeling van kolommen en waarden (JSON of TOML; zie --toon-koppeling)",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    soort: Annotated[
        ActorKind | None,
        typer.Option("--soort", metavar="SOORT", help="Soort actor voor rijen zonder soort"),
    ] = None,
    domein: Annotated[
        Domain | None,
        typer.Option("--domein", metavar="DOMEIN", help="Domein voor rijen zonder domein"),
    ] = None,
    show_mapping: Annotated[
        Path | None,
        typer.Option(
            "--toon-koppeling",
            metavar="BESTAND",
            help="Schrijf de gebruikte koppeling naar dit bestand (.toml of .json) om te wijzigen",
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Druk het plan af als JSON")] = False,
    by: ByOption = "",
) -> None:
    """Importeer bestanden: alles of niets in één keer (of met --valid-only). Probeer eerst
    --dry-run."""
    loaded = []
    for path in files:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise fail(f"{path.name}: te groot (meer dan {MAX_FILE_BYTES // 2**20} MB).")
        loaded.append((path.name, path.read_bytes()))
    given = _load_mapping(mapping_file)
    defaults = None
    if soort is not None or domein is not None:
        base = (given or ImportMapping()).standaard
        update = {k: v for k, v in (("soort", soort), ("domein", domein)) if v is not None}
        defaults = base.model_copy(update=update)
    total = sum(len(data) for _, data in loaded) // 100  # about one row per 100 bytes
    with store_from_settings() as store:
        with _progress("Rijen controleren", total) as progress:
            plan = plan_import(
                store,
                loaded,
                mapping=given,
                defaults=defaults,
                default_wijk=wijk,
                progress=progress,
            )
        effective = effective_mapping(plan, given)
        if defaults is not None and effective.standaard != defaults:
            effective = effective.model_copy(update={"standaard": defaults})
        if show_mapping is not None:
            _write_mapping(show_mapping, effective)
        if as_json:
            print_json(
                plan.model_dump(mode="json") | {"mapping": effective.model_dump(mode="json")}
            )
        else:
            _print_plan(plan, [name for name, _ in loaded], dry_run=dry_run, mapping=effective)
        if dry_run:
            raise typer.Exit(1 if plan.problems else 0)
        try:
            with err.status("Schrijven in één transactie…"):
                result = apply_plan(store, plan, by=by or default_by(), valid_only=valid_only)
        except ImportRefused as exc:
            raise fail(exc.message) from None
        except WijknetError as exc:
            raise fail(f"Niets geschreven: {exc.message}") from None
    typer.echo(
        f"Geschreven: {result.created} nieuw, {result.updated} bijgewerkt, "
        f"{result.unchanged} ongewijzigd"
        + (
            f", {aantal(result.refused, 'rij', 'rijen')} met een probleem overgeslagen."
            if result.refused
            else "."
        )
    )


def _load_mapping(path: Path | None) -> ImportMapping | None:
    if path is None:
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        raise fail(f"{path.name}: te groot voor een koppeling.")
    try:
        return ImportMapping.load(path.name, path.read_bytes())
    except MappingError as exc:
        raise fail(f"Koppeling niet gebruikt: {exc}") from None


def _write_mapping(path: Path, mapping: ImportMapping) -> None:
    text = mapping.to_json() if path.suffix.lower() == ".json" else mapping.to_toml()
    try:
        path.write_text(text, "utf-8")
    except OSError as exc:
        raise fail(f"{path}: de koppeling kan niet worden geschreven ({exc.strerror}).") from None
    err.print(f"Koppeling geschreven: {path}", markup=False, highlight=False)


def _print_mapping(out: Console, plan: ImportPlan, mapping: ImportMapping) -> None:
    """The short "Koppeling" block of the dry run: columns, unmapped headers, values."""
    if not mapping.tabellen and not mapping.waarden:
        return
    proposal = getattr(plan, "proposal", None)
    out.print("Koppeling:")
    for table in mapping.tabellen:
        out.print(f"  {table.bron} ({table.soort}):", markup=False)
        skipped = []
        for header, target in table.kolommen.items():
            if target == SKIP:
                skipped.append(header)
                continue
            sure = header_info(proposal, table.bron, header).confidence
            out.print(f"    '{header}' → {target}" + (f" ({sure})" if sure else ""), markup=False)
        if skipped:
            out.print("    niet gebruikt: " + ", ".join(f"'{h}'" for h in skipped), markup=False)
    for fieldname, values in unknown_values(proposal, mapping).items():
        targets = mapping.waarden.get(fieldname, {})
        parts = [
            f"'{value}' → {targets.get(value, 'standaard')}" + (f" ({n}×)" if n else "")
            for value, n in values.items()
        ]
        if parts:
            out.print(f"  waarden '{fieldname}': " + ", ".join(parts), markup=False)
    out.print("")


def _print_plan(
    plan: ImportPlan,
    names: list[str],
    *,
    dry_run: bool,
    mapping: ImportMapping | None = None,
) -> None:
    out = Console(soft_wrap=True, highlight=False)
    out.print(
        f"Import van {', '.join(names)}"
        + (" (proefdraai: er wordt niets geschreven)" if dry_run else "")
    )
    if dry_run and mapping is not None:
        _print_mapping(out, plan, mapping)
    actions = list(ACTIONS)
    for extra in EXTRA_ACTIONS:
        if any(extra[0] in c for c in plan.counts.values()):
            actions.append(extra)
    table = Table(show_edge=False, box=None, pad_edge=False)
    table.add_column("")
    for _, title in actions:
        table.add_column(title, justify="right")
    for entity, title in ENTITIES:
        counts = plan.counts.get(entity)
        if counts:
            table.add_row(title, *(str(counts.get(a, 0)) for a, _ in actions))
    out.print(table)
    if dry_run:
        changes = [r for r in plan.rows if r.action in {"create", "update"}]
        for row in changes[:SHOWN_ROWS]:
            verb = (
                "nieuw" if row.action == "create" else "bijwerken (" + ", ".join(row.changes) + ")"
            )
            out.print(f"  {row.source} rij {row.row}: {row.label or row.id} — {verb}", markup=False)
        if len(changes) > SHOWN_ROWS:
            out.print(f"  … en nog {len(changes) - SHOWN_ROWS} (alles: --json)")
    if plan.problems:
        out.print(f"\n{aantal(len(plan.problems), 'probleem', 'problemen')}:")
        for p in plan.problems[:SHOWN_PROBLEMS]:
            out.print(f"  {_where(p)} — {p.message}", markup=False)
        if len(plan.problems) > SHOWN_PROBLEMS:
            out.print(f"  … en nog {len(plan.problems) - SHOWN_PROBLEMS} (alles: --json)")
    warnings = list(getattr(plan, "warnings", []) or [])
    if warnings:
        out.print(f"\nLet op ({len(warnings)}):")
        for p in warnings[:SHOWN_PROBLEMS]:
            count = getattr(p, "count", 1) or 1
            rows = f" ({count} rijen)" if count > 1 else ""
            out.print(f"  {_where(p)}{rows} — {p.message}", markup=False)
        if len(warnings) > SHOWN_PROBLEMS:
            out.print(f"  … en nog {len(warnings) - SHOWN_PROBLEMS} (alles: --json)")
    allowed: dict[str, list[str]] = dict(getattr(plan, "allowed", {}) or {})
    for header, values in allowed.items():
        out.print(f"Toegestane waarden voor kolom '{header}': {', '.join(values)}", markup=False)
    for note in plan.notes:
        out.print(f"Let op: {note}", markup=False)


def _where(p: Problem) -> str:
    where = (
        f"{p.source}"
        + (f" rij {p.row}" if p.row else "")
        + (f", kolom '{p.column}'" if p.column else "")
    )
    return where + (f": '{p.value}'" if p.value else ":")


@app.command("export")
def export_graph(
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAAT", help="csv, xlsx, json, graphml of gexf"),
    ] = "xlsx",
    wijk: Annotated[
        str | None, typer.Option(metavar="WIJK", help="Alleen deze wijk (anders de hele regio)")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="BESTAND",
            help="Bestand (bij csv: een .zip of een map); '-' voor het scherm",
        ),
    ] = None,
    with_contact: Annotated[
        bool,
        typer.Option("--with-contact", help="Met contactgegevens (dat zijn persoonsgegevens)"),
    ] = False,
) -> None:
    """Exporteer het netwerk van een wijk of van de hele regio."""
    if fmt not in FORMATS:
        raise fail(f"Onbekend formaat '{fmt}'; kies uit {', '.join(FORMATS)}.")
    try:
        with store_from_settings() as store:
            if (
                fmt == "csv"
                and output is not None
                and str(output) != "-"
                and output.suffix.lower() != ".zip"
            ):
                output.mkdir(parents=True, exist_ok=True)
                files = csv_files(collect(store, wijk, include_contact=with_contact))
                for name, content in files.items():
                    (output / name).write_bytes(content)
                typer.echo(f"Geschreven: {', '.join(str(output / n) for n in files)}", err=True)
                return
            exported = export(
                store,
                fmt,
                wijk=wijk,
                include_contact=with_contact,
            )
    except WijknetError as exc:
        raise fail(exc.message) from None
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(exported.content)
        sys.stdout.flush()
        return
    target = output or Path(exported.filename)
    target.write_bytes(exported.content)
    note = (
        " (met contactgegevens: persoonsgegevens, ga er zorgvuldig mee om)" if with_contact else ""
    )
    typer.echo(f"Geschreven: {target}{note}", err=True)


@app.command("duplicates")
def duplicates(
    wijk: Annotated[str | None, typer.Option(metavar="WIJK", help="Alleen deze wijk")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Druk JSON af")] = False,
) -> None:
    """Toon actoren die waarschijnlijk dubbel zijn (namen die maar een beetje verschillen)."""
    with store_from_settings() as store:
        try:
            actors = store.list_actors(wijk)
        except WijknetError as exc:
            raise fail(exc.message) from None
    pairs = find_duplicates(actors, wijk=wijk)
    if as_json:
        print_json(pairs)
        return
    if not pairs:
        typer.echo("Geen waarschijnlijke dubbelingen gevonden.")
        return
    for p in pairs:
        typer.echo(f"{p.wijk}: {p.a} '{p.a_name}'  ~  {p.b} '{p.b_name}'  ({p.score:.2f})")
    typer.echo(
        f"\nSamenvoegen: wijknet merge HOUDEN WEG  (bijvoorbeeld: wijknet merge "
        f"{pairs[0].a} {pairs[0].b} --dry-run)"
    )


@app.command("merge")
def merge(
    keep: Annotated[str, typer.Argument(metavar="HOUDEN", help="Id van de actor die blijft")],
    drop: Annotated[
        str, typer.Argument(metavar="WEG", help="Id van de actor die erin opgaat en verdwijnt")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Toon wat er zou gebeuren; verander niets")
    ] = False,
    by: ByOption = "",
) -> None:
    """Voeg actor WEG samen met actor HOUDEN: de verbindingen, wijken en thema's van WEG
    gaan naar HOUDEN; WEG verdwijnt."""
    with store_from_settings() as store:
        try:
            plan = (
                plan_merge(store, keep, drop)
                if dry_run
                else merge_actors(store, keep, drop, by=by or default_by())
            )
        except WijknetError as exc:
            raise fail(exc.message) from None
    pair = f"'{plan.drop_name}' ({plan.drop}) in '{plan.keep_name}' ({plan.keep})"
    if dry_run:
        typer.echo(f"Proefdraai (er verandert niets). Samenvoegen van {pair} geeft:")
    else:
        typer.echo(f"Samengevoegd: {pair}:")
    typer.echo(
        f"  {aantal(len(plan.moved), 'samenwerking', 'samenwerkingen')} verplaatst of versterkt, "
        f"{aantal(len(plan.removed), 'samenwerking', 'samenwerkingen')} van {plan.drop} "
        "verwijderd, "
        f"{aantal(len(plan.professionals), 'professional', 'professionals')} naar de nieuwe "
        "organisatie, "
        f"wijken: {', '.join(plan.actor.wijken)}"
    )
