"""Sites and who may see or change them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from footfall.db.base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    """A member's role on a site, from most to least powerful."""

    OWNER = "owner"
    ADMIN = "admin"
    VIEWER = "viewer"

    @property
    def can_manage(self) -> bool:
        """Whether this role may change the site and its members."""
        return self in (Role.OWNER, Role.ADMIN)


class Site(Base):
    """A tracked website, identified on the wire by its domain."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Origins besides the site's own domain whose pages may send events (enforced in ingest).
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A public site's dashboard and stats can be read without signing in.
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Membership(Base):
    """A user's role on a site."""

    __tablename__ = "site_memberships"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
