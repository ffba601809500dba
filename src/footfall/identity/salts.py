"""Daily salts, rotated at each site's local midnight, persisted, and deleted after use.

A visitor is hashed with the salt of the site's *local* date, so a visitor id never spans two of
the site's days: "visitors today" means the site's today, and daily counts add up exactly (the
rollups rely on it). The previous day's salt is still consulted to continue a visit that crosses
midnight.

Salts are keyed by calendar date. At any moment local dates in use range from UTC yesterday to
UTC tomorrow, so `SaltStore.refresh` (start-up and every 10 minutes) keeps salts from UTC
today - 2 to today + 2 and deletes older ones: a salt is gone at most 36 hours after its day has
ended in the last timezone, and the hashes it made become unlinkable. The hot path reads salts
from memory only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from footfall.identity.models import Salt


class SaltSource(Protocol):
    """Gives the salts to hash a visitor with at a given moment, in a site's timezone."""

    def salts_at(self, now: datetime, timezone: str) -> tuple[bytes, bytes | None]:
        """(salt of now's local date, salt of the local date before, or None)."""
        ...


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(now: datetime, timezone: str) -> date:
    """The calendar date of `now` in `timezone`."""
    return now.astimezone(_zone(timezone)).date()


def pick_salts(salts: dict[date, bytes], day: date) -> tuple[bytes, bytes | None]:
    """Today's salt and yesterday's.

    Without today's salt (a clock that jumped), the newest older salt is used, or the oldest
    one if the clock went back; only an empty store is an error.
    """
    current = salts.get(day)
    if current is None:
        if not salts:
            raise LookupError(f"no salt for {day}")
        older = [d for d in salts if d <= day]
        current = salts[max(older)] if older else salts[min(salts)]
    return current, salts.get(day - timedelta(days=1))


class SaltStore:
    """Salts loaded from the metadata database, rotated by UTC day."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._salts: dict[date, bytes] = {}

    def salts_at(self, now: datetime, timezone: str) -> tuple[bytes, bytes | None]:
        """(salt of now's local date, salt of the local date before, or None)."""
        return pick_salts(self._salts, local_date(now, timezone))

    async def refresh(self, now: datetime) -> None:
        """Create the salts of every local date in use soon, drop expired ones, reload."""
        today = now.astimezone(UTC).date()
        async with self._sessions() as db:
            for _attempt in range(3):
                existing = {row.day for row in (await db.scalars(select(Salt))).all()}
                try:
                    for offset in range(-2, 3):
                        day = today + timedelta(days=offset)
                        if day not in existing:
                            db.add(Salt(day=day, value=secrets.token_bytes(32)))
                    await db.execute(delete(Salt).where(Salt.day < today - timedelta(days=2)))
                    await db.commit()
                    break
                except IntegrityError:
                    # Another instance (a worker starting beside this one) created a day
                    # first: keep its salt, so both hash visitors the same, and try again.
                    await db.rollback()
            rows = (await db.scalars(select(Salt))).all()
        self._salts = {row.day: row.value for row in rows}

    def known_days(self) -> list[date]:
        """The days whose salt is in memory (for tests and health checks)."""
        return sorted(self._salts)


class DerivedSalts:
    """Deterministic per-day salts from a seed, for generated demo and benchmark traffic."""

    def __init__(self, seed: int) -> None:
        self._seed = seed.to_bytes(8, "big", signed=True)
        self._cache: dict[date, bytes] = {}

    def salt_for(self, day: date) -> bytes:
        """The salt of one day."""
        salt = self._cache.get(day)
        if salt is None:
            salt = hashlib.blake2b(
                day.isoformat().encode(), key=self._seed, digest_size=32
            ).digest()
            self._cache[day] = salt
        return salt

    def salts_at(self, now: datetime, timezone: str) -> tuple[bytes, bytes | None]:
        """(salt of now's local date, salt of the local date before)."""
        day = local_date(now, timezone)
        return self.salt_for(day), self.salt_for(day - timedelta(days=1))
