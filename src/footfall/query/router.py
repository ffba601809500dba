"""POST /api/v1/query: the Stats API the dashboard uses too."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from footfall.api.deps import DbDep, RuntimeDep, UserDep
from footfall.query.model import QueryRequest, validate_query
from footfall.sites.registry import SiteInfo
from footfall.sites.service import site_for_member

router = APIRouter(prefix="/api/v1", tags=["stats"])


@router.post("/query")
async def run_query(
    body: QueryRequest, user: UserDep, runtime: RuntimeDep, db: DbDep
) -> dict[str, Any]:
    """Answer a query: metrics per dimension group over a date range, with comparison."""
    parsed = validate_query(body)
    site, _ = await site_for_member(db, user, body.site_id)
    await db.close()
    return await runtime.queries.run(parsed, SiteInfo(site.id, site.domain, site.timezone))
