"""Serves the tracker script and, until the dashboard lands, a start page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

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


@router.get("/")
async def start_page() -> HTMLResponse:
    """A minimal page pointing at the API documentation."""
    return HTMLResponse(
        "<!doctype html><title>Footfall</title><h1>Footfall</h1>"
        '<p>Privacy-first web analytics. API reference: <a href="/docs">/docs</a>.</p>'
    )
