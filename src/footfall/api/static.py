"""Serves the tracker script and the dashboard single-page app (with a history fallback)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from footfall.api.methods import allowed_methods
from footfall.errors import ApiError, NotFound

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
APP_DIR = STATIC_DIR / "app"
# Paths the SPA never owns: unknown ones there are real 404s, not client-side routes.
SERVER_PREFIXES = (
    "api/",
    "js/",
    "ws/",
    "assets/",
    "docs",
    "redoc",
    "openapi.json",
    "healthz",
    "readyz",
    "metrics",
)
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _tracker() -> bytes:
    return (STATIC_DIR / "js" / "footfall.js").read_bytes()


@router.get("/js/footfall.js")
async def tracker_script() -> Response:
    """The tracker, cacheable for an hour, loadable from any origin."""
    return Response(
        _tracker(),
        media_type="application/javascript",
        headers={
            "Cache-Control": "public, max-age=3600",
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@router.get("/assets/{name:path}")
async def app_asset(name: str) -> Response:
    """A built dashboard asset; names carry a content hash, so they are cached for a year."""
    path = (APP_DIR / "assets" / name).resolve()
    if not path.is_file() or not path.is_relative_to(APP_DIR):
        raise NotFound("No such asset")
    return Response(
        path.read_bytes(),
        media_type=_TYPES.get(path.suffix, "application/octet-stream"),
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


def _index() -> HTMLResponse:
    index = APP_DIR / "index.html"
    if not index.is_file():
        return HTMLResponse(
            "<!doctype html><title>Footfall</title><h1>Footfall</h1>"
            "<p>The dashboard is not built; run <code>make install</code>. "
            'API reference: <a href="/docs">/docs</a>.</p>',
            status_code=503,
        )
    # The HTML must always be fresh: it names the current hashed assets.
    return HTMLResponse(index.read_text(), headers={"Cache-Control": "no-cache"})


@router.get("/")
async def start_page() -> HTMLResponse:
    """The dashboard app."""
    return _index()


@router.get("/{path:path}")
async def app_route(path: str, request: Request) -> Response:
    """Client-side routes of the dashboard, and files at the top of the build folder."""
    if path.startswith(SERVER_PREFIXES):
        methods = allowed_methods(request)
        if methods:  # an API path, just not for GET
            raise ApiError(
                "Method not allowed",
                status=405,
                code="method_not_allowed",
                headers={"Allow": ", ".join(methods)},
            )
        raise NotFound("Not found")
    top = (APP_DIR / path).resolve()
    if "/" not in path and top.is_file() and top.is_relative_to(APP_DIR):
        return Response(top.read_bytes(), media_type=_TYPES.get(top.suffix, "text/plain"))
    return _index()
