"""Request and response bodies of the accounts API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RegisterRequest(BaseModel):
    """Body of POST /api/v1/auth/register."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254, examples=["ada@example.com"])
    password: str = Field(max_length=256, examples=["correct horse battery staple"])
    name: str = Field(default="", max_length=100)


class LoginRequest(BaseModel):
    """Body of POST /api/v1/auth/login."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class UserOut(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    is_admin: bool
    created_at: datetime


class UserUpdate(BaseModel):
    """Body of PATCH /api/v1/auth/me."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)


class PasswordChange(BaseModel):
    """Body of POST /api/v1/auth/password."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class TokenOut(BaseModel):
    """An access token; the refresh token travels in an httpOnly cookie."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int


class RegisterOut(TokenOut):
    """The new user and their first access token."""

    user: UserOut
