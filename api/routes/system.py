"""Health and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import AdminDep, ReaderDep, StoreDep
from api.schemas import Page, page
from graph.model import AuditEntry, Health

router = APIRouter(tags=["system"])


@router.get("/health", response_model=Health)
def read_health(store: StoreDep) -> JSONResponse:
    """Whether the store answers: 200 when it does, 503 when it does not (open to all: it
    shows no data)."""
    health = store.health()
    return JSONResponse(health.model_dump(), status_code=200 if health.ok else 503)


@router.get("/audit", response_model=Page[AuditEntry])
def read_audit_log(
    store: StoreDep,
    reader: ReaderDep,
    user: AdminDep,
    entity_id: str | None = None,
    wijk: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> Page[AuditEntry]:
    """The audit log, newest first (beheer)."""
    return page(store.audit_log(entity_id=entity_id, wijk=wijk, limit=limit))
