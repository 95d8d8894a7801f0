"""The API documentation pages (Swagger UI at ``/docs``, ReDoc at ``/redoc``), served with
their scripts and styles from this app: no CDN, so they work offline and leak nothing.

Two things in the bundled scripts would still reach other hosts, so they are turned off:
ReDoc's footer logo (an image on ``cdn.redoc.ly``, here the local favicon instead) and
Swagger UI's validator badge (an image from ``validator.swagger.io``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/docs-static"
REDOC_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'


@cache
def redoc_script() -> bytes:
    """ReDoc's script with its footer logo taken from this app instead of its CDN."""
    script = (ASSETS / "redoc.standalone.js").read_bytes()
    return script.replace(REDOC_LOGO, f'"{PREFIX}/favicon.png"'.encode())


def install(app: FastAPI) -> None:
    """Mount the assets and the two pages; ``app`` must be built with docs_url=None."""

    @app.get(f"{PREFIX}/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:  # before the mount below, which would serve the original
        return Response(
            redoc_script(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            redoc_js_url=f"{PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{PREFIX}/favicon.png",
            with_google_fonts=False,
        )
