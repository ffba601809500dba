"""HTTP routes for sites and their members."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response, status

from footfall.api.deps import DbDep, RowId, RuntimeDep, UserDep
from footfall.runtime import Runtime
from footfall.sites import service
from footfall.sites.models import Role, Site
from footfall.sites.registry import SiteInfo
from footfall.sites.schemas import (
    MemberAdd,
    MemberOut,
    PublicSiteOut,
    SiteCreate,
    SiteOut,
    SiteStatus,
    SiteUpdate,
)
from footfall.sites.snippet import tracker_snippet

router = APIRouter(prefix="/api/v1/sites", tags=["sites"])


def _site_out(runtime: Runtime, site: Site, role: Role) -> SiteOut:
    return SiteOut(
        id=site.id,
        domain=site.domain,
        name=site.name,
        timezone=site.timezone,
        role=role,
        snippet=tracker_snippet(runtime.settings.public_url, site.domain),
        allowed_origins=list(site.allowed_origins or []),
        public=site.public,
        created_at=site.created_at,
    )


async def _publish(runtime: Runtime, site: Site) -> None:
    await runtime.site_changed(SiteInfo(site.id, site.domain, site.timezone))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SiteOut)
async def create_site(body: SiteCreate, user: UserDep, runtime: RuntimeDep, db: DbDep) -> SiteOut:
    """Add a site; the caller becomes its owner."""
    site = await service.create_site(
        db,
        user,
        domain=body.domain,
        name=body.name,
        timezone=body.timezone,
        allowed_origins=body.allowed_origins,
        public=body.public,
    )
    await db.commit()
    await _publish(runtime, site)
    return _site_out(runtime, site, Role.OWNER)


@router.get("", response_model=list[SiteOut])
async def list_sites(user: UserDep, runtime: RuntimeDep, db: DbDep) -> list[SiteOut]:
    """The sites the caller is a member of."""
    return [_site_out(runtime, site, role) for site, role in await service.list_sites(db, user)]


@router.get("/{site_id}", response_model=SiteOut)
async def get_site(site_id: RowId, user: UserDep, runtime: RuntimeDep, db: DbDep) -> SiteOut:
    """One site."""
    site, role = await service.site_for_member(db, user, site_id)
    return _site_out(runtime, site, role)


@router.patch("/{site_id}", response_model=SiteOut)
async def update_site(
    site_id: RowId, body: SiteUpdate, user: UserDep, runtime: RuntimeDep, db: DbDep
) -> SiteOut:
    """Change a site's domain, name or timezone (owners and admins)."""
    site, role = await service.site_for_member(db, user, site_id, manage=True)
    await service.update_site(
        db,
        site,
        domain=body.domain,
        name=body.name,
        timezone=body.timezone,
        allowed_origins=body.allowed_origins,
        public=body.public,
    )
    await db.commit()
    await _publish(runtime, site)
    return _site_out(runtime, site, role)


@router.delete("/{site_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_site(site_id: RowId, user: UserDep, runtime: RuntimeDep, db: DbDep) -> Response:
    """Delete a site and all its data (owners and admins)."""
    site, _ = await service.site_for_member(db, user, site_id, manage=True)
    await service.delete_site(db, site)
    await db.commit()
    await runtime.site_removed(site_id)
    await asyncio.to_thread(runtime.store.delete_site, site_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{site_id}/status", response_model=SiteStatus)
async def site_status(site_id: RowId, user: UserDep, runtime: RuntimeDep, db: DbDep) -> SiteStatus:
    """Whether the site has sent events yet, and when it last did (the install check)."""
    await service.site_for_member(db, user, site_id)
    last = await runtime.last_event_at(site_id)
    return SiteStatus(has_events=last is not None, last_event_at=last)


@router.get("/{site_id}/members", response_model=list[MemberOut])
async def list_members(site_id: RowId, user: UserDep, db: DbDep) -> list[MemberOut]:
    """Everyone with access to the site."""
    await service.site_for_member(db, user, site_id)
    return [
        MemberOut(
            user_id=m.user_id,
            email=u.email,
            name=u.name,
            role=Role(m.role),
            created_at=m.created_at,
        )
        for m, u in await service.list_members(db, site_id)
    ]


@router.post("/{site_id}/members", status_code=status.HTTP_201_CREATED, response_model=MemberOut)
async def add_member(site_id: RowId, body: MemberAdd, user: UserDep, db: DbDep) -> MemberOut:
    """Give an existing user a role on the site (owners and admins)."""
    site, role = await service.site_for_member(db, user, site_id, manage=True)
    membership, member = await service.add_member(db, site, role, email=body.email, role=body.role)
    await db.commit()
    return MemberOut(
        user_id=member.id,
        email=member.email,
        name=member.name,
        role=Role(membership.role),
        created_at=membership.created_at,
    )


@router.delete("/{site_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(site_id: RowId, user_id: RowId, user: UserDep, db: DbDep) -> Response:
    """Remove a member (managers remove others; anyone may leave)."""
    site, role = await service.site_for_member(db, user, site_id)
    await service.remove_member(db, site, user, role, user_id)
    await db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


public_router = APIRouter(prefix="/api/v1/public/sites", tags=["sites"])


@public_router.get("", response_model=list[PublicSiteOut])
async def list_public_sites(db: DbDep) -> list[PublicSiteOut]:
    """Every public site (the landing page offers the first as a live demo)."""
    return [
        PublicSiteOut(id=s.id, domain=s.domain, name=s.name, timezone=s.timezone)
        for s in await service.public_sites(db)
    ]


@public_router.get("/{site_id}", response_model=PublicSiteOut)
async def get_public_site(site_id: RowId, db: DbDep) -> PublicSiteOut:
    """A public site's name and timezone, for its read-only dashboard (no sign-in)."""
    site = await service.public_site(db, site_id)
    return PublicSiteOut(id=site.id, domain=site.domain, name=site.name, timezone=site.timezone)
