"""Importeren: upload files, see the dry run, confirm, and import exactly what was previewed.

1. ``GET /wijk/{slug}/importeren``: the upload form (and the export links).
2. ``POST`` the files: they are kept on the server (``api.uploads``) under a random
   token bound to the session, and the browser goes to the preview.
3. ``GET /wijk/{slug}/importeren/{token}``: the dry run: counts, every problem (bron, rij,
   kolom, waarde, how to fix it), likely duplicates, and the confirm form carrying the
   preview's fingerprint.
4. ``POST`` the confirmation: the kept files are planned again; when the plan differs from the
   one previewed (someone changed the wijk meanwhile) nothing is written and the new preview
   is shown. Otherwise ``importers.apply.apply_plan`` writes it, all or nothing or only the
   good rows, and the browser goes to ``…/{token}/klaar`` with the counts.

The role checks are the JSON API's (``api.permissions.forbidden_wijken``) and happen at
every step on the server. Size limits are the importers' (``MAX_FILE_BYTES``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from api.accounts import User
from api.deps import Form, MappingsDep, PageWriter, StoreDep, UploadsDep
from api.errors import WebError
from api.mappings import (
    MappingStore,
    effective_mapping,
    header_info,
    plan_import,
    unknown_values,
    valid_name,
)
from api.permissions import (
    PageRefusal,
    employer_rule,
    forbidden_wijken,
    may_write_wijk,
    page_refused,
)
from api.uploads import Pending, PendingUploads, owner_key
from api.web.render import render
from graph.model import ActorIn, ActorKind, Domain, Wijk
from graph.store import GraphStore
from importers import mapping as mapping_module
from importers.apply import ImportRefused, apply_plan
from importers.duplicates import find_duplicates
from importers.exports import FORMATS
from importers.mapping import SKIP, ImportMapping, MappingError
from importers.plan import ImportPlan
from importers.readers import MAX_FILE_BYTES
from importers.tables import FIELD_NAMES

router = APIRouter(include_in_schema=False)

MAX_FILES = 10
"""At most this many files in one upload."""

ROWS_SHOWN = 500
"""The preview lists the first rows; the counts are always complete."""

PROBLEMS_SHOWN = 1000
"""The preview lists this many problems; the count says how many there are."""

ACTIONS = {
    "create": "nieuw",
    "update": "bijwerken",
    "skip": "ongewijzigd",
    "error": "fout",
    "merge": "samengevoegd",
    "ignore": "overgeslagen",
}
EXTRA_ACTIONS = (("merge", "Samengevoegd"), ("ignore", "Overgeslagen"))
ENTITIES = {"wijk": "Wijken", "actor": "Actoren", "link": "Samenwerkingen"}
ENTITY = {"wijk": "wijk", "actor": "actor", "link": "samenwerking"}
FORMAT_LABELS = {
    "csv": "CSV (ZIP, voor Excel)",
    "xlsx": "Excel (XLSX)",
    "json": "wijknet-JSON (alles)",
    "graphml": "GraphML (yEd, Gephi)",
    "gexf": "GEXF (Gephi)",
}
ACCEPT = ".csv,.txt,.tsv,.xlsx,.json,.graphml,.gexf,.zip"
MAPPING_ACCEPT = ".toml,.json"
MAX_MAPPING_BYTES = 2**20


def _owner(request: Request, user: User) -> str:
    return owner_key(getattr(request.state, "session_token", None) or "", user.username)


def _wijk_for_writer(store: GraphStore, slug: str, user: User) -> Wijk:
    wijk = store.get_wijk(slug)
    if not may_write_wijk(user, slug):
        raise page_refused(PageRefusal.IMPORT_WIJK)
    return wijk


def fingerprint(plan: ImportPlan, mapping: ImportMapping | None = None) -> str:
    """What the import would do, as a digest: equal digests, equal imports (as previewed).

    The mapping's digest counts too: confirming after the mapping changed is refused."""
    digest = hashlib.sha256()
    digest.update(effective_mapping(plan, mapping).digest().encode())
    for r in plan.rows:
        digest.update(
            "\x1f".join(
                (
                    r.source,
                    str(r.row),
                    r.entity,
                    r.action,
                    r.id or "",
                    ",".join(r.changes),
                    ",".join(r.wijken),
                )
            ).encode()
        )
        digest.update(b"\x1e")
    for p in plan.problems:
        digest.update(p.model_dump_json().encode())
    digest.update(json.dumps([plan.wijken, plan.changes_wijken]).encode())
    return digest.hexdigest()[:32]


def export_links(wijk: str, user: User) -> dict[str, Any]:
    """The export formats of a wijk, and whether the user may ask for contact details."""
    return {
        "export_formats": [(f, FORMAT_LABELS[f]) for f in FORMATS],
        "export_wijk": wijk,
        "may_export_contact": user.may_see_contact,
    }


# -- upload --------------------------------------------------------------------------------


def _upload_page(
    request: Request,
    wijk: Wijk,
    user: User,
    mappings: MappingStore,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    context = {
        "wijk": wijk,
        "error": error,
        "saved_mappings": mappings.names(),
        "mapping_accept": MAPPING_ACCEPT,
        "max_mb": MAX_FILE_BYTES // 2**20,
        "max_files": MAX_FILES,
        "accept": ACCEPT,
        "nav": "start",
        **export_links(wijk.slug, user),
    }
    return render(request, "importeren.html", context, status=status)


@router.get("/wijk/{slug}/importeren", response_class=HTMLResponse)
def upload_form(
    request: Request, slug: str, store: StoreDep, user: PageWriter, mappings: MappingsDep
) -> Response:
    """Choose one or more files to import into the wijk (a dry run comes first)."""
    return _upload_page(request, _wijk_for_writer(store, slug, user), user, mappings)


def _read_mapping(form: Any, mappings: MappingStore) -> tuple[ImportMapping | None, str]:
    """The mapping the upload form names (a file wins over a saved name), or a message."""
    upload = form.get("koppeling_bestand")
    if isinstance(upload, UploadFile) and upload.filename:
        data = upload.file.read(MAX_MAPPING_BYTES + 1)
        if len(data) > MAX_MAPPING_BYTES:
            return None, f"{upload.filename}: de koppeling is groter dan 1 MB."
        try:
            return ImportMapping.load(upload.filename, data), ""
        except MappingError as exc:
            return None, f"Koppeling niet gebruikt: {exc}"
    name = form.get("koppeling_naam")
    if isinstance(name, str) and name:
        saved = mappings.get(name)
        if saved is None:
            return None, "Die bewaarde koppeling bestaat niet (meer). Kies een andere."
        return saved.mapping, ""
    return None, ""


def _read_uploads(form: Any) -> tuple[list[tuple[str, bytes]], str]:
    """The uploaded files (name, bytes), or a Dutch message why they are refused."""
    uploads = [f for f in form.getlist("bestanden") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        return [], "Kies eerst een of meer bestanden."
    if len(uploads) > MAX_FILES:
        return [], f"Kies hoogstens {MAX_FILES} bestanden tegelijk."
    files = []
    for upload in uploads:
        data = upload.file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return [], (
                f"{upload.filename}: het bestand is groter dan "
                f"{MAX_FILE_BYTES // 2**20} MB. Splits het bestand op."
            )
        files.append((upload.filename or "bestand", data))
    return files, ""


@router.post("/wijk/{slug}/importeren", response_class=HTMLResponse)
def upload(
    request: Request,
    slug: str,
    form: Form,
    store: StoreDep,
    user: PageWriter,
    uploads: UploadsDep,
    mappings: MappingsDep,
) -> Response:
    """Keep the files (and the chosen mapping) on the server and go to their preview."""
    wijk = _wijk_for_writer(store, slug, user)
    files, error = _read_uploads(form)
    mapping = None
    if not error:
        mapping, error = _read_mapping(form, mappings)
    if error:
        status = 413 if "groter dan" in error else 422
        return _upload_page(request, wijk, user, mappings, error=error, status=status)
    token = uploads.add(_owner(request, user), slug, files)
    if mapping is not None:
        uploads.set_mapping(token, _owner(request, user), mapping.model_dump(mode="json"))
    return RedirectResponse(f"/wijk/{slug}/importeren/{token}", status_code=303)


# -- preview and confirmation --------------------------------------------------------------


@dataclass(frozen=True)
class Similar:
    """An actor a new one looks like: stored (``where`` empty) or new in the file too."""

    id: str
    name: str
    where: str
    """Empty for a stored actor; ``bron, rij N`` for another new actor of the file."""


@dataclass
class Duplicate:
    """A new actor of the file whose name nearly matches others of its kind and wijk."""

    name: str
    where: str
    others: list[Similar] = field(default_factory=list)


def likely_duplicates(store: GraphStore, plan: ImportPlan) -> list[Duplicate]:
    """New actors whose names nearly match an actor of the same kind and wijk."""
    new: dict[str, tuple[ActorIn, str]] = {}
    for index, record in plan.records():
        row = plan.rows[index]
        if isinstance(record, ActorIn) and row.action == "create" and record.id:
            new[record.id] = (record, f"{row.source}, rij {row.row}")
    if not new:
        return []
    wijken = {w for record, _ in new.values() for w in record.wijken}
    pool: dict[str, Any] = {}
    for slug in sorted(wijken):
        pool.update((a.id, a) for a in store.list_actors(slug))
    pool.update((i, record) for i, (record, _) in new.items())
    # find_duplicates reads only id, name, kind and wijken, which new records have too
    found: dict[str, Duplicate] = {}
    for pair in find_duplicates(list(pool.values())):
        if pair.a not in new and pair.b not in new:
            continue
        first, second = (pair.a, pair.b) if pair.a in new else (pair.b, pair.a)
        entry = found.setdefault(first, Duplicate(pool[first].name, new[first][1]))
        if all(o.id != second for o in entry.others):
            entry.others.append(
                Similar(second, pool[second].name, new[second][1] if second in new else "")
            )
    return list(found.values())


def _preview_page(
    request: Request,
    store: GraphStore,
    user: User,
    wijk: Wijk,
    token: str,
    names: list[str],
    plan: ImportPlan,
    *,
    given: ImportMapping | None = None,
    message: str = "",
    saved: str = "",
    status: int = 200,
) -> Response:
    refused = forbidden_wijken(plan, user)
    mapping = effective_mapping(plan, given)
    warnings = list(getattr(plan, "warnings", []) or [])
    allowed: dict[str, list[str]] = dict(getattr(plan, "allowed", {}) or {})
    wijken = [w.slug for w in store.list_wijken()]
    file_problem = any(p.row == 0 for p in plan.problems)
    error_rows = sum(1 for r in plan.rows if r.action == "error")
    writes = sum(1 for r in plan.rows if r.action in ("create", "update"))
    counts = [(ENTITIES[e], plan.counts[e]) for e in ("wijk", "actor", "link") if e in plan.counts]
    context = {
        "wijk": wijk,
        "token": token,
        "names": names,
        "plan": plan,
        "fingerprint": fingerprint(plan, given),
        "koppeling": mapping_view(plan, mapping, wijken),
        "warnings": warnings[:PROBLEMS_SHOWN],
        "warning_count": len(warnings),
        "allowed": allowed,
        "saved": saved,
        "extra_actions": [
            (a, t) for a, t in EXTRA_ACTIONS if any(a in c for c in plan.counts.values())
        ],
        "counts": counts,
        "problems": plan.problems[:PROBLEMS_SHOWN],
        "problem_count": len(plan.problems),
        "rows": plan.rows[:ROWS_SHOWN],
        "row_count": len(plan.rows),
        "actions": ACTIONS,
        "entity": ENTITY,
        "fields": FIELD_NAMES,
        "duplicates": likely_duplicates(store, plan),
        "refusal": PageRefusal.import_file(plan, refused, user) if refused else "",
        "file_problem": file_problem,
        "error_rows": error_rows,
        "writes": writes,
        "may_import": not refused and not file_problem and writes > 0,
        "message": message,
        "nav": "start",
    }
    return render(request, "importeren_voorbeeld.html", context, status=status)


def _pending(
    uploads: PendingUploads, request: Request, user: User, slug: str, token: str
) -> Pending:
    pending = uploads.get(token, _owner(request, user))
    if pending is None or pending.wijk != slug:
        raise WebError(
            404,
            "Upload niet gevonden",
            "Deze upload is verlopen of hoort bij een andere sessie. Kies het "
            "bestand opnieuw op de pagina Importeren.",
        )
    return pending


@router.get("/wijk/{slug}/importeren/{token}", response_class=HTMLResponse)
def preview(
    request: Request,
    slug: str,
    token: str,
    store: StoreDep,
    user: PageWriter,
    uploads: UploadsDep,
    mappings: MappingsDep,
) -> Response:
    """The dry run of the kept files: what would change, every problem, likely duplicates."""
    wijk = _wijk_for_writer(store, slug, user)
    pending = _pending(uploads, request, user, slug, token)
    if pending.result is not None:
        return _finished(slug, token)
    plan = _plan(store, pending, slug, user)
    raw = request.query_params.get("bewaard", "")[:80]
    saved = raw if raw and mappings.get(raw) is not None else ""
    return _preview_page(
        request,
        store,
        user,
        wijk,
        token,
        pending.names,
        plan,
        given=_given_mapping(pending),
        saved=saved,
    )


def _finished(slug: str, token: str) -> Response:
    """An upload already imported: its result page, whatever was asked of it."""
    return RedirectResponse(f"/wijk/{slug}/importeren/{token}/klaar", status_code=303)


@router.post("/wijk/{slug}/importeren/{token}", response_class=HTMLResponse)
def confirm(
    request: Request,
    slug: str,
    token: str,
    form: Form,
    store: StoreDep,
    user: PageWriter,
    uploads: UploadsDep,
) -> Response:
    """Import what was previewed: planned again, refused when the plan has changed."""
    wijk = _wijk_for_writer(store, slug, user)
    pending = _pending(uploads, request, user, slug, token)
    if pending.result is not None:
        return _finished(slug, token)
    given = _given_mapping(pending)
    plan = _plan(store, pending, slug, user)

    def again(message: str, status: int) -> Response:
        return _preview_page(
            request,
            store,
            user,
            wijk,
            token,
            pending.names,
            plan,
            given=given,
            message=message,
            status=status,
        )

    if form.get("plan") != fingerprint(plan, given):
        return again(
            "Er is niets geïmporteerd: sinds de proefdraai is er in wijknet iets "
            "veranderd (of in de koppeling), waardoor de import nu iets anders zou doen. "
            "Hieronder staat de nieuwe proefdraai. Controleer die en bevestig opnieuw.",
            409,
        )
    refused = forbidden_wijken(plan, user)
    if refused:
        raise page_refused(PageRefusal.import_file(plan, refused, user))
    valid_only = form.get("alleen_goede_rijen") == "1"
    try:
        result = apply_plan(store, plan, by=user.username, valid_only=valid_only)
    except ImportRefused as exc:
        if plan.problems and not valid_only:
            text = (
                f"Er is niets geïmporteerd: het bestand heeft {len(exc.problems)} "
                f"{'probleem' if len(exc.problems) == 1 else 'problemen'} (zie de tabel). "
                "Alles of niets is de standaard. Herstel het bestand en kies het opnieuw, "
                "of vink 'Alleen de goede rijen importeren' aan."
            )
        else:
            text = (
                "Er is niets geïmporteerd: wijknet weigerde een deel van de gegevens. "
                + exc.message
            )
        return again(text, 422)
    detail = "" if valid_only else written(plan)
    uploads.finish(
        pending, result.model_dump(mode="json") | {"valid_only": valid_only, "detail": detail}
    )
    return _finished(slug, token)


_NOUNS = {
    "wijk": ("wijk", "wijken"),
    "actor": ("actor", "actoren"),
    "link": ("samenwerking", "samenwerkingen"),
}


def written(plan: ImportPlan) -> str:
    """What an all-or-nothing import of ``plan`` wrote, per kind of record, in words."""
    parts = []
    for action, verb in (("create", "nieuw"), ("update", "bijgewerkt")):
        items = [
            f"{n} {_NOUNS[e][n != 1]}"
            for e in ("wijk", "actor", "link")
            if (n := plan.counts.get(e, {}).get(action, 0))
        ]
        if items:
            joined = ", ".join(items[:-1]) + " en " + items[-1] if len(items) > 1 else items[0]
            parts.append(f"{verb}: {joined}")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:] if parts else ""


@router.get("/wijk/{slug}/importeren/{token}/klaar", response_class=HTMLResponse)
def done(
    request: Request, slug: str, token: str, store: StoreDep, user: PageWriter, uploads: UploadsDep
) -> Response:
    """What the import wrote, with links to the wijken it touched."""
    wijk = _wijk_for_writer(store, slug, user)
    pending = _pending(uploads, request, user, slug, token)
    if pending.result is None:
        return RedirectResponse(f"/wijk/{slug}/importeren/{token}", status_code=303)
    names = {w.slug: w for w in store.list_wijken()}
    result = pending.result
    context = {
        "wijk": wijk,
        "result": result,
        "names": pending.names,
        "wijken": [names[s] for s in result.get("wijken", []) if s in names] or [wijk],
        "problems": result.get("problems", [])[:PROBLEMS_SHOWN],
        "problem_count": len(result.get("problems", [])),
        "nav": "start",
    }
    return render(request, "importeren_klaar.html", context)


# -- the mapping step ("Koppeling") ---------------------------------------------------------

TABLE_KINDS = ("actoren", "samenwerkingen", "wijken", SKIP)
DEFAULT_SOORTEN = ("", *(k.value for k in ActorKind))
DEFAULT_DOMEINEN = tuple(d.value for d in Domain)


def column_targets(kind: str) -> tuple[str, ...]:
    """The fields a header of a table of ``kind`` (``actoren``, …) may map to."""
    table = mapping_module.TABLE_KINDS.get(kind)
    return tuple(mapping_module.column_choices(table)) if table else (SKIP,)


def value_targets(fieldname: str, wijken: list[str]) -> tuple[str, ...]:
    """What an unknown value of ``fieldname`` may become (members, overig, overslaan)."""
    return tuple(mapping_module.value_choices(fieldname, wijken))


@dataclass
class ColumnView:
    header: str
    target: str
    choices: tuple[str, ...]
    confidence: str
    examples: list[str]


@dataclass
class TableView:
    bron: str
    soort: str
    koprij: int | None
    columns: list[ColumnView]


@dataclass
class ValueView:
    field: str
    value: str
    count: int
    target: str
    choices: tuple[str, ...]


def mapping_view(plan: ImportPlan, mapping: ImportMapping, wijken: list[str]) -> dict[str, Any]:
    """What the "Koppeling" card shows: tables with their headers, unknown values, defaults."""
    proposal = getattr(plan, "proposal", None)
    tables = []
    for t in mapping.tabellen:
        columns = []
        for header, target in t.kolommen.items():
            info = header_info(proposal, t.bron, header)
            choices = column_targets(t.soort)
            if target not in choices:
                choices = (target, *choices)
            columns.append(ColumnView(header, target, choices, info.confidence, info.examples))
        tables.append(TableView(t.bron, t.soort, t.koprij, columns))
    values = []
    for fieldname, counts in unknown_values(proposal, mapping).items():
        targets = mapping.waarden.get(fieldname, {})
        for value, count in counts.items():
            choices = value_targets(fieldname, wijken)
            target = targets.get(value, "")
            if target and target not in choices:
                choices = (target, *choices)
            values.append(ValueView(fieldname, value, count, target, choices))
    return {
        "tables": tables,
        "unknown": values,
        "known": {
            f: counts for f, counts in (getattr(proposal, "known", None) or {}).items() if counts
        },
        "standaard": mapping.standaard,
        "soorten": DEFAULT_SOORTEN,
        "domeinen": DEFAULT_DOMEINEN,
        "table_kinds": TABLE_KINDS,
    }


def _given_mapping(pending: Pending) -> ImportMapping | None:
    if pending.mapping is None:
        return None
    try:
        return ImportMapping.model_validate(pending.mapping)
    except ValidationError:
        return None


def _plan(store: GraphStore, pending: Pending, slug: str, user: User) -> ImportPlan:
    return plan_import(
        store,
        pending.files(),
        mapping=_given_mapping(pending),
        default_wijk=slug,
        may_employ=employer_rule(user),
    )


@router.post("/wijk/{slug}/importeren/{token}/koppeling", response_class=HTMLResponse)
def change_mapping(
    request: Request,
    slug: str,
    token: str,
    form: Form,
    store: StoreDep,
    user: PageWriter,
    uploads: UploadsDep,
) -> Response:
    """Keep the mapping of the form with the upload, and show the new dry run."""
    _wijk_for_writer(store, slug, user)
    pending = _pending(uploads, request, user, slug, token)
    if pending.result is not None:
        return _finished(slug, token)
    mapping = _mapping_of_form(store, pending, slug, user, form)
    uploads.set_mapping(token, _owner(request, user), mapping.model_dump(mode="json"))
    return RedirectResponse(f"/wijk/{slug}/importeren/{token}#koppeling", status_code=303)


def _mapping_of_form(
    store: GraphStore, pending: Pending, slug: str, user: User, form: Any
) -> ImportMapping:
    plan = _plan(store, pending, slug, user)
    current = effective_mapping(plan, _given_mapping(pending))
    known = unknown_values(getattr(plan, "proposal", None), current)
    fields = {str(k): v for k, v in form.items() if isinstance(v, str) and str(k) != "naam"}
    changed = mapping_module.from_form(fields, current)
    # only the values the page showed (a form cannot add value entries of its own)
    waarden = {
        f: {v: t for v, t in values.items() if v in known.get(f, {})}
        for f, values in changed.waarden.items()
    }
    return changed.model_copy(update={"waarden": {f: v for f, v in waarden.items() if v}})


@router.post("/wijk/{slug}/importeren/{token}/koppeling/bewaren", response_class=HTMLResponse)
def save_mapping(
    request: Request,
    slug: str,
    token: str,
    form: Form,
    store: StoreDep,
    user: PageWriter,
    uploads: UploadsDep,
    mappings: MappingsDep,
) -> Response:
    """Save the mapping of the form under a name (wijkmakelaar and beheer)."""
    wijk = _wijk_for_writer(store, slug, user)
    pending = _pending(uploads, request, user, slug, token)
    if pending.result is not None:
        return _finished(slug, token)
    mapping = _mapping_of_form(store, pending, slug, user, form)
    uploads.set_mapping(token, _owner(request, user), mapping.model_dump(mode="json"))
    raw = form.get("naam")
    name = valid_name(raw if isinstance(raw, str) else "")
    if name is None:
        plan = _plan(store, pending, slug, user)
        return _preview_page(
            request,
            store,
            user,
            wijk,
            token,
            pending.names,
            plan,
            given=mapping,
            message="Niet bewaard: geef de koppeling een naam van 1 tot 80 tekens, zonder /.",
            status=422,
        )
    saved = mappings.save(name, mapping, by=user.username)
    uploads.set_mapping(token, _owner(request, user), saved.mapping.model_dump(mode="json"))
    return RedirectResponse(
        f"/wijk/{slug}/importeren/{token}?bewaard={quote(name)}#koppeling", status_code=303
    )


@router.get("/wijk/{slug}/importeren/{token}/koppeling.{fmt}")
def download_mapping(
    request: Request,
    slug: str,
    token: str,
    fmt: str,
    store: StoreDep,
    user: PageWriter,
    uploads: UploadsDep,
) -> Response:
    """The effective mapping of the upload as a TOML or JSON file."""
    if fmt not in ("toml", "json"):
        raise WebError(404, "Niet gevonden", "Kies koppeling.toml of koppeling.json.")
    _wijk_for_writer(store, slug, user)
    pending = _pending(uploads, request, user, slug, token)
    if pending.result is not None:
        mapping = _given_mapping(pending) or ImportMapping()
    else:
        mapping = effective_mapping(_plan(store, pending, slug, user), _given_mapping(pending))
    if fmt == "json":
        content, media = mapping.to_json(), "application/json"
    else:
        content, media = mapping.to_toml(), "application/toml"
    headers = {"Content-Disposition": f'attachment; filename="koppeling.{fmt}"'}
    return Response(content, media_type=media, headers=headers)
