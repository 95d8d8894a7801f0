"""Import (dry run and for real), export, likely duplicates and merging two actors.

Imports and merges are CPU work: the handlers are plain functions, so FastAPI runs them in
its thread pool and the event loop stays free.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import ReaderDep, StoreDep, WriterDep
from api.errors import ApiError
from api.permissions import (
    ApiRefusal,
    api_refused,
    employer_rule,
    forbidden_wijken,
    may_merge,
)
from api.schemas import Page, page
from graph.model import EntityId
from importers.apply import ImportResult, apply_plan, plan_files
from importers.duplicates import DuplicatePair, MergePlan, find_duplicates, merge_actors, plan_merge
from importers.exports import FORMATS, Format, export
from importers.plan import ImportPlan
from importers.readers import MAX_FILE_BYTES

router = APIRouter(tags=["import-export"])

MAX_ROWS_SHOWN = 2000
"""A dry run lists at most this many rows (the counts and every problem are always complete)."""

Uploads = Annotated[list[UploadFile], File(description="CSV, XLSX, Kumu, GraphML or JSON files")]
DefaultWijk = Annotated[str | None, Form(description="Wijk for rows that name none")]


class DryRun(BaseModel):
    """The dry run of an upload, and whether you may import it."""

    plan: ImportPlan
    rows_truncated: bool = Field(description="True when plan.rows lists only the first rows")
    may_import: bool = Field(description="The file has no problems and your role may write it")
    forbidden_wijken: list[str] = Field(
        description="Wijken the file touches that you may not write in"
    )


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


@router.post("/import/dry-run", response_model=DryRun)
def dry_run_import(
    files: Uploads, store: StoreDep, user: WriterDep, wijk: DefaultWijk = None
) -> DryRun:
    """What importing the files would create, update and skip, and every problem (no writes)."""
    plan = plan_files(store, _read(files), default_wijk=wijk, may_employ=employer_rule(user))
    refused = forbidden_wijken(plan, user)
    shown = plan.model_copy(update={"rows": plan.rows[:MAX_ROWS_SHOWN]})
    return DryRun(
        plan=shown,
        rows_truncated=len(plan.rows) > MAX_ROWS_SHOWN,
        may_import=plan.ok and not refused,
        forbidden_wijken=refused,
    )


@router.post("/import", response_model=ImportResult)
def import_files(
    files: Uploads,
    store: StoreDep,
    user: WriterDep,
    wijk: DefaultWijk = None,
    valid_only: Annotated[bool, Form(description="Write only the rows without problems")] = False,
) -> ImportResult:
    """Import the files in one transaction: all or nothing, or only the valid rows."""
    plan = plan_files(store, _read(files), default_wijk=wijk, may_employ=employer_rule(user))
    refused = forbidden_wijken(plan, user)
    if refused:
        raise api_refused(ApiRefusal.import_file(plan), refused)
    return apply_plan(store, plan, by=user.username, valid_only=valid_only)


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
