"""What was acknowledged survives: the spool is replayed after a crash, exactly once, and visits
resume after a restart. A crash is simulated in-process by dropping everything held in memory
(buffered events, visits not yet written) before stopping; tests/faults kills real servers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec

from footfall.settings import Settings
from footfall.store.records import EventRecord
from tests.conftest import IP_DE, IP_US, FakeClock, Harness, running

PROFILES = ("embedded", "scale-out")

PAGEVIEW = {"n": "pageview", "d": "example.com"}
TOTALS = ["visitors", "visits", "pageviews", "bounce_rate"]


def crash(h: Harness) -> None:
    """Forget what only memory holds, as `kill -9` would; the spool stays as it is."""
    runtime = h.runtime
    runtime.buffer._events.clear()
    runtime.buffer._pending.clear()
    runtime.sessionizer.take_changes()
    runtime.buffer.spool = None  # the way down must neither write nor release anything


async def send_traffic(h: Harness) -> None:
    for ip, paths in ((IP_DE, ["/", "/pricing", "/signup"]), (IP_US, ["/", "/blog"])):
        for path in paths:
            response = await h.send({**PAGEVIEW, "u": f"https://example.com{path}"}, ip=ip)
            assert response.status_code == 202
            h.clock.advance(seconds=20)


async def totals(h: Harness, token: str) -> list[Any]:
    await h.runtime.buffer.ready.wait()  # the replay of the earlier run is done
    result = await h.query(token, site_id=1, metrics=TOTALS, date_range="day")
    return list(result["results"][0]["metrics"])


async def test_acknowledged_events_survive_a_crash(settings: Settings, clock: FakeClock) -> None:
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await send_traffic(h)
        spooled = [p for p in settings.spool_dir.glob("*.wal") if p.stat().st_size]
        assert spooled
        crash(h)
    async with running(settings, clock) as h:
        token = await login(h, "owner@example.com")
        assert await totals(h, token) == [2, 2, 5, 0]
        await h.flush()
        # Replayed and written: the spool holds nothing any more.
        assert not [p for p in settings.spool_dir.glob("*.wal") if p.stat().st_size]


async def test_replaying_what_the_store_already_has_counts_it_once(
    settings: Settings, clock: FakeClock
) -> None:
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await send_traffic(h)
        # The store gets the batch, but the process dies before the spool is released.
        spool, h.runtime.buffer.spool = h.runtime.buffer.spool, None
        await h.flush()
        h.runtime.buffer.spool = spool
        assert await totals(h, token) == [2, 2, 5, 0]
        crash(h)
    async with running(settings, clock) as h:
        token = await login(h, "owner@example.com")
        assert await totals(h, token) == [2, 2, 5, 0]


async def test_a_visit_continues_across_a_restart(settings: Settings, clock: FakeClock) -> None:
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await h.send({**PAGEVIEW, "u": "https://example.com/"})
    clock.advance(minutes=5)
    async with running(settings, clock) as h:
        await h.send({**PAGEVIEW, "u": "https://example.com/pricing"})
        token = await login(h, "owner@example.com")
        # One visit of two pages (not two bounced visits).
        assert await totals(h, token) == [1, 1, 2, 0]


async def test_a_record_the_store_rejects_is_dead_lettered_and_the_rest_stored(
    settings: Settings, clock: FakeClock
) -> None:
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await send_traffic(h)
        # A record that passed validation but that the store cannot take (a validator bug).
        poison = EventRecord(
            site_id=1,
            ts=clock() - timedelta(seconds=1),
            name="engagement",
            event_id=99,
            scroll_depth=1000,
        )
        h.runtime.buffer.add(poison)
        assert await totals(h, token) == [2, 2, 5, 0]
        assert h.runtime.buffer.dead_lettered == 1
        lines = (settings.data_dir / "dead-letters.jsonl").read_bytes().splitlines()
        (letter,) = [msgspec.json.decode(line) for line in lines]
        assert letter["kind"] == "event"
        assert letter["record"]["event_id"] == 99
        assert letter["reason"]


async def login(h: Harness, email: str) -> str:
    from tests.conftest import PASSWORD

    response = await h.client.post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
