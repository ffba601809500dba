"""Request and response bodies of the sites API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from footfall.sites.models import Role


class SiteCreate(BaseModel):
    """Body of POST /api/v1/sites."""

    model_config = ConfigDict(extra="forbid")

    domain: str = Field(max_length=300, examples=["example.com"])
    name: str | None = Field(default=None, max_length=100)
    timezone: str = Field(default="UTC", max_length=64, examples=["Europe/Berlin"])
    allowed_origins: list[str] = Field(default_factory=list, max_length=20)
    public: StrictBool = False


class SiteUpdate(BaseModel):
    """Body of PATCH /api/v1/sites/{id}; only the given fields change."""

    model_config = ConfigDict(extra="forbid")

    domain: str | None = Field(default=None, max_length=300)
    name: str | None = Field(default=None, max_length=100)
    timezone: str | None = Field(default=None, max_length=64)
    allowed_origins: list[str] | None = Field(default=None, max_length=20)
    public: StrictBool | None = None


class SiteOut(BaseModel):
    """A site with the caller's role on it and its install snippet."""

    id: int
    domain: str
    name: str
    timezone: str
    role: Role
    snippet: str
    allowed_origins: list[str]
    public: bool
    created_at: datetime


class PublicSiteOut(BaseModel):
    """What anyone may see of a public site."""

    id: int
    domain: str
    name: str
    timezone: str


class SiteStatus(BaseModel):
    """Whether events have arrived (the install check)."""

    has_events: bool
    last_event_at: datetime | None


class MemberAdd(BaseModel):
    """Body of POST /api/v1/sites/{id}/members."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    role: Role = Role.VIEWER


class MemberOut(BaseModel):
    """One member of a site."""

    user_id: int
    email: str
    name: str
    role: Role
    created_at: datetime
