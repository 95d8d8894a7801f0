"""One mapping from domain errors to HTTP, and one error body for every failure.

Every error response of the JSON API has the body ``{"code", "message", "details"}``:
``code`` is stable (scripts may rely on it), ``message`` is for people.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    Conflict,
    InvalidData,
    NotFound,
    StoreUnavailable,
    WijknetError,
    field_errors_from_pydantic,
)

STATUS: dict[type[WijknetError], int] = {
    NotFound: 404,
    Conflict: 409,
    InvalidData: 422,
    StoreUnavailable: 503,
}


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str
    message: str
    details: Any = None


class ApiError(WijknetError):
    """An HTTP-level refusal raised by the API itself (authentication, roles)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.status = status
        self.code = code


def unauthorized(message: str = "Log in or send a valid API token") -> ApiError:
    return ApiError(401, "unauthorized", message)


def forbidden(message: str = "Your role does not allow this") -> ApiError:
    return ApiError(403, "forbidden", message)


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body = ErrorBody(code=code, message=message, details=details).model_dump()
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(exc: WijknetError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(WijknetError)
    async def _domain(_: Request, exc: WijknetError) -> JSONResponse:
        return error_response(status_of(exc), exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [e.as_dict() for e in field_errors_from_pydantic(exc)]
        return error_response(422, "invalid_request", "The request is not valid", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))
