from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from footfall.db.engine import make_engine, make_session_factory
from footfall.db.migrate import upgrade_to_head_async
from footfall.identity.salts import DerivedSalts, SaltStore, pick_salts
from footfall.settings import Settings


def test_pick_salts_returns_today_and_yesterday() -> None:
    salts = {date(2025, 1, 1): b"1", date(2025, 1, 2): b"2"}
    assert pick_salts(salts, date(2025, 1, 2)) == (b"2", b"1")
    assert pick_salts(salts, date(2025, 1, 1)) == (b"1", None)


def test_pick_salts_survives_clock_jumps() -> None:
    salts = {date(2025, 1, 1): b"1", date(2025, 1, 2): b"2"}
    assert pick_salts(salts, date(2025, 1, 5)) == (b"2", None)
    assert pick_salts(salts, date(2024, 12, 31)) == (b"1", None)
    with pytest.raises(LookupError):
        pick_salts({}, date(2025, 1, 1))


def test_derived_salts_are_stable_and_differ_per_day() -> None:
    salts = DerivedSalts(7)
    noon = datetime(2025, 1, 2, 12, tzinfo=UTC)
    current, previous = salts.salts_at(noon)
    assert salts.salts_at(noon) == (current, previous)
    assert current != previous
    assert previous == salts.salt_for(date(2025, 1, 1))
    assert DerivedSalts(8).salts_at(noon) != (current, previous)


@pytest.fixture
async def sessions(settings: Settings) -> async_sessionmaker[AsyncSession]:
    await upgrade_to_head_async(settings.metadata_url)
    engine = make_engine(settings.metadata_url)
    yield make_session_factory(engine)
    await engine.dispose()


async def test_rotation_creates_ahead_and_deletes_after_two_days(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = SaltStore(sessions)
    day1 = datetime(2025, 3, 1, 9, tzinfo=UTC)
    await store.refresh(day1)
    assert store.known_days() == [date(2025, 3, 1), date(2025, 3, 2)]
    first_salt, _ = store.salts_at(day1)

    # Just after midnight the pre-created salt is used and yesterday's is still there.
    day2 = datetime(2025, 3, 2, 0, 1, tzinfo=UTC)
    current, previous = store.salts_at(day2)
    assert previous == first_salt
    assert current != first_salt

    await store.refresh(day2 + timedelta(days=1))
    assert store.known_days() == [date(2025, 3, 2), date(2025, 3, 3), date(2025, 3, 4)]
    assert first_salt not in {store.salts_at(day2 + timedelta(days=1))[0]}


async def test_salts_survive_a_restart(sessions: async_sessionmaker[AsyncSession]) -> None:
    moment = datetime(2025, 3, 1, 9, tzinfo=UTC)
    first = SaltStore(sessions)
    await first.refresh(moment)
    second = SaltStore(sessions)
    await second.refresh(moment)
    assert first.salts_at(moment) == second.salts_at(moment)
