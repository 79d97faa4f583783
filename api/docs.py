"""Swagger UI and ReDoc served from an installed package's files (``fastapi-offline`` ships their JavaScript and
CSS), so ``/docs`` and ``/redoc`` work on a bank network that cannot reach a CDN."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

#: where the documentation pages' own files are served
STATIC_URL = "/docs-static"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"


def static_directory() -> str:
    """The installed package's folder of Swagger UI and ReDoc files."""
    return str(files("fastapi_offline") / "static")


def install_offline_docs(api: FastAPI) -> None:
    """Add /docs, /docs/oauth2-redirect and /redoc, with every asset from the static folder (no CDN, no web font).

    The app must be created with ``docs_url=None, redoc_url=None``.
    """
    api.mount(STATIC_URL, StaticFiles(directory=static_directory()), name="docs-static")
    openapi_url = api.openapi_url or "/openapi.json"

    @api.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{api.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
        )

    @api.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @api.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{api.title} - ReDoc",
            redoc_js_url=f"{root}{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )
