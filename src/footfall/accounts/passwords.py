"""Password hashing with argon2id at OWASP's recommended minimum cost, and password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from footfall.errors import ValidationFailed

MIN_LENGTH = 8
MAX_LENGTH = 256

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying an unknown e-mail still costs one hash, so response time does not reveal accounts.
_DUMMY_HASH = _hasher.hash("footfall-timing-equalizer")


def check_password_rules(password: str, field: str = "password") -> None:
    """Reject passwords that are too short or absurdly long (long ones before hashing them)."""
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(f"Password must be at most {MAX_LENGTH} characters", field=field)
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"Password must be at least {MIN_LENGTH} characters", field=field)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; constant work whether or not the user exists."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
