"""Access tokens (signed JWTs) and refresh tokens (random, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from footfall.errors import Unauthorized

ALGORITHM = "HS256"
ISSUER = "footfall"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a verified access token says."""

    user_id: int
    expires_at: int


def issue_access_token(secret: str, user_id: int, now: datetime, ttl_s: int) -> str:
    """A signed, short-lived access token for the user."""
    payload = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_s)).timestamp()),
        "iss": ISSUER,
        "typ": "access",
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def verify_access_token(secret: str, token: str) -> AccessClaims:
    """The claims of a valid token; raises Unauthorized for anything else."""
    try:
        # Only our algorithm is accepted; the token header can never pick another one or a key.
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Access token expired", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("Invalid access token", code="invalid_token") from exc
    if payload.get("typ") != "access":
        raise Unauthorized("Invalid access token", code="invalid_token")
    try:
        return AccessClaims(user_id=int(payload["sub"]), expires_at=int(payload["exp"]))
    except (TypeError, ValueError) as exc:
        raise Unauthorized("Invalid access token", code="invalid_token") from exc


def new_refresh_token() -> str:
    """A fresh random refresh token (shown to the client once, stored only hashed)."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """The stored form of a refresh token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token_family() -> str:
    """An id linking a refresh token to the ones rotated from it."""
    return secrets.token_hex(16)
