"""Import (dry run and for real), export, likely duplicates and merging two actors.

Imports and merges are CPU work: the handlers are plain functions, so FastAPI runs them in
its thread pool and the event loop stays free.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import AdminDep, MappingsDep, ReaderDep, StoreDep, WriterDep
from api.errors import ApiError
from api.mappings import MappingStore, effective_mapping, plan_import, valid_name
from api.permissions import (
    ApiRefusal,
    api_refused,
    employer_rule,
    forbidden_wijken,
    may_merge,
)
from api.schemas import Page, page
from graph.model import EntityId
from importers.apply import ImportResult, apply_plan
from importers.duplicates import DuplicatePair, MergePlan, find_duplicates, merge_actors, plan_merge
from importers.exports import FORMATS, Format, export
from importers.mapping import ImportMapping, MappingError, ProposalInfo
from importers.plan import ImportPlan
from importers.readers import MAX_FILE_BYTES

router = APIRouter(tags=["import-export"])

MAX_ROWS_SHOWN = 2000
"""A dry run lists at most this many rows (the counts and every problem are always complete)."""

Uploads = Annotated[list[UploadFile], File(description="CSV, XLSX, Kumu, GraphML or JSON files")]
DefaultWijk = Annotated[str | None, Form(description="Wijk for rows that name none")]
MappingText = Annotated[
    str | None, Form(description="An import mapping as JSON or TOML text (see docs)")
]
MappingName = Annotated[str | None, Form(description="The name of a saved import mapping")]


class DryRun(BaseModel):
    """The dry run of an upload, and whether you may import it."""

    plan: ImportPlan
    rows_truncated: bool = Field(description="True when plan.rows lists only the first rows")
    may_import: bool = Field(description="The file has no problems and your role may write it")
    forbidden_wijken: list[str] = Field(
        description="Wijken the file touches that you may not write in"
    )
    mapping: ImportMapping = Field(description="The effective mapping (columns, values)")
    proposal_info: ProposalInfo | None = Field(
        None, description="Per header: its proposed field, how sure, examples; unknown values"
    )


class SavedMappingOut(BaseModel):
    name: str
    mapping: ImportMapping
    updated_at: str
    updated_by: str


class MergeRequest(BaseModel):
    keep: EntityId = Field(description="The actor that stays")
    drop: EntityId = Field(description="The actor merged into it and removed")
    dry_run: bool = False


def _read(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    loaded = []
    for upload in files:
        data = upload.file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ApiError(
                413,
                "too_large",
                f"{upload.filename}: het bestand is groter dan {MAX_FILE_BYTES // 2**20} MB.",
            )
        loaded.append((upload.filename or "upload", data))
    return loaded


def _mapping(mappings: MappingStore, text: str | None, name: str | None) -> ImportMapping | None:
    """The mapping a request names: its text (JSON or TOML) wins over a saved name."""
    if text:
        try:
            return ImportMapping.load("mapping", text.encode())
        except MappingError as exc:
            raise ApiError(422, "invalid_mapping", str(exc)) from None
    if name:
        saved = mappings.get(name)
        if saved is None:
            raise ApiError(404, "mapping_not_found", f"No saved mapping named {name!r}")
        return saved.mapping
    return None


@router.post("/import/dry-run", response_model=DryRun)
def dry_run_import(
    files: Uploads,
    store: StoreDep,
    user: WriterDep,
    mappings: MappingsDep,
    wijk: DefaultWijk = None,
    mapping: MappingText = None,
    mapping_name: MappingName = None,
) -> DryRun:
    """What importing the files would create, update and skip, and every problem (no writes).

    ``mapping`` (JSON or TOML text) or ``mapping_name`` (a saved mapping) say how the
    file's columns and values map; the answer carries the effective mapping."""
    given = _mapping(mappings, mapping, mapping_name)
    plan = plan_import(
        store, _read(files), mapping=given, default_wijk=wijk, may_employ=employer_rule(user)
    )
    refused = forbidden_wijken(plan, user)
    shown = plan.model_copy(update={"rows": plan.rows[:MAX_ROWS_SHOWN]})
    return DryRun(
        plan=shown,
        rows_truncated=len(plan.rows) > MAX_ROWS_SHOWN,
        may_import=plan.ok and not refused,
        forbidden_wijken=refused,
        mapping=effective_mapping(plan, given),
        proposal_info=plan.proposal,
    )


@router.post("/import", response_model=ImportResult)
def import_files(
    files: Uploads,
    store: StoreDep,
    user: WriterDep,
    mappings: MappingsDep,
    wijk: DefaultWijk = None,
    valid_only: Annotated[bool, Form(description="Write only the rows without problems")] = False,
    mapping: MappingText = None,
    mapping_name: MappingName = None,
) -> ImportResult:
    """Import the files in one transaction: all or nothing, or only the valid rows."""
    given = _mapping(mappings, mapping, mapping_name)
    plan = plan_import(
        store, _read(files), mapping=given, default_wijk=wijk, may_employ=employer_rule(user)
    )
    refused = forbidden_wijken(plan, user)
    if refused:
        raise api_refused(ApiRefusal.import_file(plan), refused)
    return apply_plan(store, plan, by=user.username, valid_only=valid_only)


def _out(saved: Any) -> SavedMappingOut:
    return SavedMappingOut(
        name=saved.name,
        mapping=saved.mapping,
        updated_at=saved.updated_at,
        updated_by=saved.updated_by,
    )


@router.get("/import/mappings", response_model=Page[SavedMappingOut])
def list_mappings(mappings: MappingsDep, reader: ReaderDep) -> Page[SavedMappingOut]:
    """The saved import mappings of the region."""
    return page([_out(s) for s in mappings.list()])


@router.get("/import/mappings/{name}", response_model=SavedMappingOut)
def read_mapping(name: str, mappings: MappingsDep, reader: ReaderDep) -> SavedMappingOut:
    """One saved import mapping."""
    saved = mappings.get(name)
    if saved is None:
        raise ApiError(404, "mapping_not_found", f"No saved mapping named {name!r}")
    return _out(saved)


@router.put("/import/mappings/{name}", response_model=SavedMappingOut)
def save_mapping(
    name: str, body: ImportMapping, mappings: MappingsDep, user: WriterDep
) -> SavedMappingOut:
    """Save or overwrite a mapping under ``name`` (wijkmakelaar or beheer)."""
    checked = valid_name(name)
    if checked is None:
        raise ApiError(422, "invalid_name", "A mapping name has 1 to 80 characters, no slashes")
    return _out(mappings.save(checked, body, by=user.username))


@router.delete("/import/mappings/{name}", status_code=204, response_class=Response)
def delete_mapping(name: str, mappings: MappingsDep, user: AdminDep) -> Response:
    """Delete a saved mapping (beheer)."""
    if not mappings.delete(name):
        raise ApiError(404, "mapping_not_found", f"No saved mapping named {name!r}")
    return Response(status_code=204)


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The exported file"}
    },
)
def export_graph(
    store: StoreDep,
    reader: ReaderDep,
    format: Annotated[Format, Query(description=", ".join(FORMATS))] = "xlsx",
    wijk: Annotated[str | None, Query(description="One wijk (default: the region)")] = None,
    with_contact: Annotated[
        bool, Query(description="Include contact details (roles that may see them)")
    ] = False,
) -> Response:
    """Export a wijk or the region as CSV (zip), XLSX, JSON, GraphML or GEXF."""
    if with_contact and (reader.user is None or not reader.user.may_see_contact):
        raise api_refused(ApiRefusal.CONTACT)
    exported = export(store, format, wijk=wijk, include_contact=with_contact)
    headers = {"Content-Disposition": f'attachment; filename="{exported.filename}"'}
    return Response(exported.content, media_type=exported.media_type, headers=headers)


@router.get("/duplicates", response_model=Page[DuplicatePair])
def read_duplicates(
    store: StoreDep, reader: ReaderDep, wijk: str | None = None
) -> Page[DuplicatePair]:
    """Likely duplicate actors: same kind, same wijk, names that differ only slightly."""
    if wijk:
        store.get_wijk(wijk)
    return page(find_duplicates(store.list_actors(wijk), wijk=wijk))


@router.post("/merge", response_model=MergePlan)
def merge_two_actors(body: MergeRequest, store: StoreDep, user: WriterDep) -> MergePlan:
    """Merge ``drop`` into ``keep`` (links, wijken, themes move; ``drop`` is removed)."""
    if not may_merge(user, store.get_actor(body.keep), store.get_actor(body.drop)):
        raise api_refused(ApiRefusal.MERGE)
    if body.dry_run:
        return plan_merge(store, body.keep, body.drop)
    return merge_actors(store, body.keep, body.drop, by=user.username)
