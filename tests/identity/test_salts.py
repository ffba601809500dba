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
    current, previous = salts.salts_at(noon, "UTC")
    assert salts.salts_at(noon, "UTC") == (current, previous)
    assert current != previous
    assert previous == salts.salt_for(date(2025, 1, 1))
    assert DerivedSalts(8).salts_at(noon, "UTC") != (current, previous)
    # 23:30 UTC on 2 January is already 3 January in Tokyo.
    late = datetime(2025, 1, 2, 23, 30, tzinfo=UTC)
    assert salts.salts_at(late, "Asia/Tokyo")[0] == salts.salt_for(date(2025, 1, 3))
    assert salts.salts_at(late, "America/New_York")[0] == salts.salt_for(date(2025, 1, 2))


@pytest.fixture
async def sessions(settings: Settings) -> async_sessionmaker[AsyncSession]:
    await upgrade_to_head_async(settings.metadata_url)
    engine = make_engine(settings.metadata_url)
    yield make_session_factory(engine)
    await engine.dispose()


async def test_rotation_covers_every_timezone_and_deletes_old_salts(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = SaltStore(sessions)
    day1 = datetime(2025, 3, 1, 9, tzinfo=UTC)
    await store.refresh(day1)
    assert store.known_days() == [date(2025, 2, 27) + timedelta(days=i) for i in range(5)]
    # Every timezone finds its local date and the one before.
    for zone in ("Pacific/Kiritimati", "UTC", "Pacific/Pago_Pago", "Asia/Kathmandu"):
        current, previous = store.salts_at(day1, zone)
        assert previous is not None
        assert current != previous
    berlin_first, _ = store.salts_at(day1, "Europe/Berlin")

    # The next local day uses the pre-created salt and still sees yesterday's.
    day2 = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 March in Berlin
    current, previous = store.salts_at(day2, "Europe/Berlin")
    assert previous == berlin_first
    assert current != berlin_first

    later = day1 + timedelta(days=3)
    await store.refresh(later)
    assert min(store.known_days()) == date(2025, 3, 2)
    assert max(store.known_days()) == date(2025, 3, 6)
    assert berlin_first not in {store.salts_at(later, z)[0] for z in ("UTC", "Asia/Tokyo")}


async def test_salts_survive_a_restart(sessions: async_sessionmaker[AsyncSession]) -> None:
    moment = datetime(2025, 3, 1, 9, tzinfo=UTC)
    first = SaltStore(sessions)
    await first.refresh(moment)
    second = SaltStore(sessions)
    await second.refresh(moment)
    assert first.salts_at(moment, "UTC") == second.salts_at(moment, "UTC")
