"""Account operations: sign-up, sign-in, token rotation, profile changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from footfall.accounts.emails import normalize_email
from footfall.accounts.models import RefreshToken, User
from footfall.accounts.passwords import check_password_rules, hash_password, verify_password
from footfall.accounts.tokens import (
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
    new_token_family,
)
from footfall.db.base import utcnow
from footfall.errors import Conflict, Unauthorized, ValidationFailed


@dataclass(frozen=True, slots=True)
class TokenSettings:
    """Secrets and lifetimes for issuing tokens."""

    secret: str
    access_ttl_s: int
    refresh_ttl_s: int


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """An access token and the refresh token that goes with it."""

    access_token: str
    expires_in: int
    refresh_token: str


async def create_user(
    db: AsyncSession, *, email: str, password: str, name: str = "", is_admin: bool = False
) -> User:
    """Create a user; 409 when the e-mail is taken."""
    email = normalize_email(email)
    check_password_rules(password)
    user = User(
        email=email,
        name=name.strip()[:100],
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    db.add(user)
    try:
        await db.flush()
    except IntegrityError as exc:
        await db.rollback()
        raise Conflict("An account with this e-mail already exists", field="email") from exc
    return user


async def count_users(db: AsyncSession) -> int:
    """How many users exist."""
    return int(await db.scalar(select(func.count()).select_from(User)) or 0)


async def authenticate(db: AsyncSession, *, email: str, password: str) -> User:
    """The user with these credentials, or 401 (one answer for unknown e-mail or wrong password)."""
    user = await db.scalar(select(User).where(User.email == email.strip().lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        raise Unauthorized("Wrong e-mail or password", code="invalid_credentials")
    return user


async def issue_tokens(
    db: AsyncSession, user: User, tokens: TokenSettings, *, family: str | None = None
) -> IssuedTokens:
    """A new access token and a new refresh token (in `family` when rotating)."""
    now = utcnow()
    refresh = new_refresh_token()
    db.add(
        RefreshToken(
            user_id=user.id,
            token_hash=hash_refresh_token(refresh),
            family_id=family or new_token_family(),
            created_at=now,
            expires_at=now + timedelta(seconds=tokens.refresh_ttl_s),
        )
    )
    await db.flush()
    access = issue_access_token(tokens.secret, user.id, now, tokens.access_ttl_s)
    return IssuedTokens(access_token=access, expires_in=tokens.access_ttl_s, refresh_token=refresh)


async def rotate_refresh_token(
    db: AsyncSession, presented: str | None, tokens: TokenSettings
) -> tuple[User, IssuedTokens]:
    """Swap a valid refresh token for new tokens; a reused one revokes its whole family."""
    if not presented:
        raise Unauthorized("No refresh token", code="invalid_refresh_token")
    now = utcnow()
    row = await db.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(presented))
    )
    if row is None:
        raise Unauthorized("Invalid refresh token", code="invalid_refresh_token")
    if row.revoked_at is not None:
        # A rotated-away token came back: someone holds a copy. End every session it spawned.
        await _revoke_family(db, row.family_id, now)
        await db.commit()
        raise Unauthorized("Refresh token reuse detected", code="refresh_token_reused")
    if row.expires_at <= now:
        raise Unauthorized("Refresh token expired", code="invalid_refresh_token")
    user = await db.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("Invalid refresh token", code="invalid_refresh_token")
    row.revoked_at = now
    issued = await issue_tokens(db, user, tokens, family=row.family_id)
    return user, issued


async def revoke_refresh_token(db: AsyncSession, presented: str | None) -> None:
    """Log out: revoke the presented refresh token's whole family."""
    if not presented:
        return
    row = await db.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(presented))
    )
    if row is not None:
        await _revoke_family(db, row.family_id, utcnow())


async def _revoke_family(db: AsyncSession, family_id: str, now: datetime) -> None:
    await db.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def update_profile(
    db: AsyncSession, user: User, *, name: str | None, email: str | None
) -> User:
    """Change a user's name and/or e-mail."""
    if name is not None:
        user.name = name.strip()[:100]
    if email is not None:
        user.email = normalize_email(email)
    try:
        await db.flush()
    except IntegrityError as exc:
        await db.rollback()
        raise Conflict("An account with this e-mail already exists", field="email") from exc
    return user


async def change_password(db: AsyncSession, user: User, *, current: str, new: str) -> None:
    """Change the password after checking the current one; ends all refresh sessions."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("Current password is wrong", field="current_password")
    check_password_rules(new, field="new_password")
    user.password_hash = hash_password(new)
    await db.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
