"""Daily salts: one per UTC day, persisted, the previous day's kept for midnight-crossing visits.

The hot path reads salts from memory only; `SaltStore.refresh` (at start-up and hourly) makes sure
today's and tomorrow's salts exist and deletes those older than yesterday, so a salt lives at most
48 hours after its day ends and the visitor hash becomes unlinkable.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from footfall.identity.models import Salt


class SaltSource(Protocol):
    """Gives the salts to hash a visitor with at a given moment."""

    def salts_at(self, now: datetime) -> tuple[bytes, bytes | None]:
        """(salt of now's UTC day, salt of the day before or None)."""
        ...


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

    def salts_at(self, now: datetime) -> tuple[bytes, bytes | None]:
        """(salt of now's UTC day, salt of the day before or None)."""
        return pick_salts(self._salts, now.date())

    async def refresh(self, now: datetime) -> None:
        """Create today's and tomorrow's salts if missing, drop expired ones, reload."""
        today = now.date()
        async with self._sessions() as db:
            existing = {row.day for row in (await db.scalars(select(Salt))).all()}
            for day in (today, today + timedelta(days=1)):
                if day not in existing:
                    db.add(Salt(day=day, value=secrets.token_bytes(32)))
            await db.execute(delete(Salt).where(Salt.day < today - timedelta(days=1)))
            try:
                await db.commit()
            except IntegrityError:  # another instance created the same day first
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

    def salts_at(self, now: datetime) -> tuple[bytes, bytes | None]:
        """(salt of now's UTC day, salt of the day before)."""
        day = now.date()
        return self.salt_for(day), self.salt_for(day - timedelta(days=1))
