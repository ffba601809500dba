"""Imports every metadata model so Base.metadata knows them all (for migrations and tests)."""

from footfall.accounts.models import RefreshToken, User
from footfall.db.base import Base
from footfall.identity.models import Salt
from footfall.sites.models import Membership, Site

__all__ = ["Base", "Membership", "RefreshToken", "Salt", "Site", "User"]
