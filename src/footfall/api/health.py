"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from footfall.api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(runtime: RuntimeDep) -> dict[str, Any] | JSONResponse:
    """The metadata database and the event store answer."""
    checks: dict[str, str] = {}
    try:
        async with runtime.db() as db:
            await db.execute(text("SELECT 1"))
        checks["metadata"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["metadata"] = type(exc).__name__
    try:
        await asyncio.to_thread(runtime.store.query, "SELECT 1")
        checks["events"] = "ok"
    except Exception as exc:
        checks["events"] = type(exc).__name__
    body = {
        "status": "ok" if all(v == "ok" for v in checks.values()) else "unavailable",
        "checks": checks,
        "buffered_events": runtime.buffer.pending,
        "active_sessions": len(runtime.sessionizer),
    }
    return body if body["status"] == "ok" else JSONResponse(body, status_code=503)
