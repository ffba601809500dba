"""POST /api/v1/query: the Stats API the dashboard uses too."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from footfall.api.deps import DbDep, OptionalUserDep, RuntimeDep
from footfall.errors import NotFound, Unauthorized
from footfall.query.model import QueryRequest, validate_query
from footfall.sites.registry import SiteInfo
from footfall.sites.service import public_site, site_for_member

router = APIRouter(prefix="/api/v1", tags=["stats"])


@router.post("/query")
async def run_query(
    body: QueryRequest, user: OptionalUserDep, runtime: RuntimeDep, db: DbDep
) -> dict[str, Any]:
    """Answer a query: metrics per dimension group over a date range, with comparison.

    Members of the site may query it; anyone may query a public site.
    """
    parsed = validate_query(body)
    if user is not None:
        site, _ = await site_for_member(db, user, body.site_id)
    else:
        try:
            site = await public_site(db, body.site_id)
        except NotFound as exc:
            raise Unauthorized() from exc
    info = SiteInfo(site.id, site.domain, site.timezone)
    await db.close()
    return await runtime.queries.run(parsed, info)
