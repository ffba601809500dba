"""Site operations and the membership rules that guard them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from footfall.accounts.emails import normalize_email
from footfall.accounts.models import User
from footfall.errors import Conflict, Forbidden, NotFound
from footfall.sites.domains import check_timezone, normalize_domain, normalize_origins
from footfall.sites.models import Membership, Role, Site


async def create_site(
    db: AsyncSession,
    owner: User,
    *,
    domain: str,
    name: str | None,
    timezone: str,
    allowed_origins: list[str] | None = None,
    public: bool = False,
) -> Site:
    """Create a site owned by `owner`; 409 when the domain is already tracked."""
    site = Site(
        domain=normalize_domain(domain),
        timezone=check_timezone(timezone),
        allowed_origins=normalize_origins(allowed_origins or []),
        public=public,
    )
    site.name = (name or "").strip() or site.domain
    db.add(site)
    try:
        await db.flush()
    except IntegrityError as exc:
        await db.rollback()
        raise Conflict("This domain is already registered", field="domain") from exc
    db.add(Membership(site_id=site.id, user_id=owner.id, role=Role.OWNER.value))
    await db.flush()
    return site


async def list_sites(db: AsyncSession, user: User) -> list[tuple[Site, Role]]:
    """The sites the user is a member of, with their role, oldest first."""
    rows = await db.execute(
        select(Site, Membership.role)
        .join(Membership, Membership.site_id == Site.id)
        .where(Membership.user_id == user.id)
        .order_by(Site.id)
    )
    return [(site, Role(role)) for site, role in rows.all()]


async def site_for_member(
    db: AsyncSession, user: User, site_id: int, *, manage: bool = False
) -> tuple[Site, Role]:
    """The site and the user's role; 404 for non-members, 403 when `manage` needs more."""
    row = (
        await db.execute(
            select(Site, Membership.role)
            .join(Membership, Membership.site_id == Site.id)
            .where(Site.id == site_id, Membership.user_id == user.id)
        )
    ).first()
    if row is None:
        # Non-members learn nothing, not even that the site exists.
        raise NotFound("Site not found")
    site, role_value = row
    role = Role(role_value)
    if manage and not role.can_manage:
        raise Forbidden("Only owners and admins can change this site")
    return site, role


async def update_site(
    db: AsyncSession,
    site: Site,
    *,
    domain: str | None,
    name: str | None,
    timezone: str | None,
    allowed_origins: list[str] | None = None,
    public: bool | None = None,
) -> Site:
    """Apply the given changes to a site."""
    if domain is not None:
        site.domain = normalize_domain(domain)
    if name is not None:
        site.name = name.strip() or site.domain
    if timezone is not None:
        site.timezone = check_timezone(timezone)
    if allowed_origins is not None:
        site.allowed_origins = normalize_origins(allowed_origins)
    if public is not None:
        site.public = public
    try:
        await db.flush()
    except IntegrityError as exc:
        await db.rollback()
        raise Conflict("This domain is already registered", field="domain") from exc
    return site


async def delete_site(db: AsyncSession, site: Site) -> None:
    """Remove a site and its memberships."""
    await db.execute(delete(Membership).where(Membership.site_id == site.id))
    await db.delete(site)
    await db.flush()


async def list_members(db: AsyncSession, site_id: int) -> Sequence[tuple[Membership, User]]:
    """Members of a site with their user rows, owners first."""
    rows = await db.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.site_id == site_id)
        .order_by(Membership.created_at, User.id)
    )
    order = {Role.OWNER.value: 0, Role.ADMIN.value: 1, Role.VIEWER.value: 2}
    pairs = [(membership, user) for membership, user in rows.all()]
    return sorted(pairs, key=lambda pair: order.get(pair[0].role, 9))


async def add_member(
    db: AsyncSession, site: Site, actor_role: Role, *, email: str, role: Role
) -> tuple[Membership, User]:
    """Give an existing user a role on the site (or change it); only owners grant ownership."""
    if role is Role.OWNER and actor_role is not Role.OWNER:
        raise Forbidden("Only owners can add owners", field="role")
    user = await db.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound("No user with this e-mail; they need to sign up first", field="email")
    membership = await db.get(Membership, (site.id, user.id))
    if membership is None:
        membership = Membership(site_id=site.id, user_id=user.id, role=role.value)
        db.add(membership)
    else:
        if membership.role == Role.OWNER.value and actor_role is not Role.OWNER:
            raise Forbidden("Only owners can change an owner's role", field="role")
        if membership.role == Role.OWNER.value and role is not Role.OWNER:
            await _ensure_other_owner(db, site.id, user.id)
        membership.role = role.value
    await db.flush()
    return membership, user


async def remove_member(
    db: AsyncSession, site: Site, actor: User, actor_role: Role, user_id: int
) -> None:
    """Remove a member; anyone may leave, managers remove others, the last owner stays."""
    membership = await db.get(Membership, (site.id, user_id))
    if membership is None:
        raise NotFound("This user is not a member of the site")
    if user_id != actor.id and not actor_role.can_manage:
        raise Forbidden("Only owners and admins can remove members")
    if membership.role == Role.OWNER.value:
        if user_id != actor.id and actor_role is not Role.OWNER:
            raise Forbidden("Only owners can remove an owner")
        await _ensure_other_owner(db, site.id, user_id)
    await db.delete(membership)
    await db.flush()


async def _ensure_other_owner(db: AsyncSession, site_id: int, user_id: int) -> None:
    others = await db.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.site_id == site_id,
            Membership.role == Role.OWNER.value,
            Membership.user_id != user_id,
        )
    )
    if not others:
        raise Conflict("A site needs at least one owner", field="role", code="last_owner")


async def public_site(db: AsyncSession, site_id: int) -> Site:
    """A site anyone may read, or 404 (private sites are indistinguishable from missing)."""
    site = await db.get(Site, site_id)
    if site is None or not site.public:
        raise NotFound("Site not found")
    return site


async def public_sites(db: AsyncSession) -> Sequence[Site]:
    """Sites anyone may read, oldest first."""
    return (await db.scalars(select(Site).where(Site.public.is_(True)).order_by(Site.id))).all()


async def all_sites(db: AsyncSession) -> Sequence[Site]:
    """Every site (for the ingest registry)."""
    return (await db.scalars(select(Site))).all()
