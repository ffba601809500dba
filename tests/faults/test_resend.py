"""A client that got no answer sends its events again, with the same ids: each is counted once,
across a crash or a restart too, and a request refused with 503 leaves nothing behind (its
resend is what counts)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from footfall.settings import Settings
from footfall.store.spool import SpoolFull
from tests.conftest import PASSWORD, FakeClock, Harness, running

PROFILES = ("embedded", "scale-out")

BATCH = [
    {"n": "pageview", "d": "example.com", "u": "https://example.com/", "id": "first"},
    {"n": "pageview", "d": "example.com", "u": "https://example.com/pricing", "id": "second"},
]


def crash(h: Harness) -> None:
    """Forget what only memory holds, as `kill -9` would; the spool stays as it is."""
    h.runtime.buffer._events.clear()
    h.runtime.buffer._pending.clear()
    h.runtime.sessionizer.take_changes()
    h.runtime.buffer.spool = None  # the way down must neither write nor release anything


async def pageviews(h: Harness) -> int:
    await h.runtime.buffer.ready.wait()  # an earlier run's spool is replayed
    token = await login(h)
    result = await h.query(token, site_id=1, metrics=["pageviews"], date_range="day")
    return int(result["results"][0]["metrics"][0])


async def login(h: Harness) -> str:
    response = await h.client.post(
        "/api/v1/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def send(h: Harness) -> dict[str, Any]:
    response = await h.send(BATCH, path="/api/events")
    assert response.status_code == 202, response.text
    return dict(response.json())


async def test_events_resent_after_a_crash_count_once(settings: Settings, clock: FakeClock) -> None:
    async with running(settings, clock) as h:
        await h.create_site(await h.register())
        assert (await send(h))["accepted"] == 2
        crash(h)  # the answer never reached the client
    clock.advance(seconds=30)
    async with running(settings, clock) as h:
        again = await send(h)
        assert again["accepted"] == 0
        assert again["dropped"] == {"duplicate": 2}
        assert await pageviews(h) == 2


async def test_events_resent_after_a_restart_count_once(
    settings: Settings, clock: FakeClock
) -> None:
    async with running(settings, clock) as h:
        await h.create_site(await h.register())
        await send(h)
    clock.advance(seconds=30)
    async with running(settings, clock) as h:  # stored and spool released: the store knows
        assert (await send(h))["dropped"] == {"duplicate": 2}
        assert await pageviews(h) == 2


async def test_a_refused_request_leaves_nothing_behind(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(settings, clock) as h:
        await h.create_site(await h.register())
        spool = h.runtime.spool
        assert spool is not None

        def disk_full(*args: object, **kwargs: object) -> asyncio.Future[None]:
            del args, kwargs
            refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            refused.set_exception(SpoolFull("the spool's disk is full"))
            return refused

        with monkeypatch.context() as patch:
            patch.setattr(spool, "append", disk_full)
            response = await h.send(BATCH, path="/api/events")
        assert response.status_code == 503
        assert response.headers["retry-after"]
        assert h.runtime.buffer.pending == 0  # processed, but never handed to the buffer
        resent = await send(h)
        assert resent["accepted"] == 2  # not "duplicate": the refused attempt did not count
        assert await pageviews(h) == 2
