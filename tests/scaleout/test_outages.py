"""The scale-out profile when a server goes away (real servers, stopped and restarted).

- ClickHouse down: ingestion keeps answering 202 for what reaches the spool on local disk, and
  503 with Retry-After once the spool is full; queries answer 503; when ClickHouse is back the
  buffered batches are written, and anything a stopped process left is replayed at its start.
- Redis down: nothing is refused; each process keeps its own view of visits, messages to other
  processes are lost (sites reload every minute), and all of it resumes when Redis is back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from footfall.settings import Settings
from tests.conftest import IP_DE, IP_US, FakeClock, Harness, ScaleOut, make_settings, running
from tests.servers import ClickHouse, Redis, clickhouse, redis

PAGEVIEW = {"n": "pageview", "d": "example.com"}
TOTALS = ["visitors", "visits", "pageviews", "bounce_rate"]


@pytest.fixture
def own_clickhouse(tmp_path: Path) -> Iterator[ClickHouse]:
    with clickhouse(tmp_path / "clickhouse") as server:
        yield server


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[Redis]:
    with redis(tmp_path / "redis") as server:
        yield server


def settings_for(
    tmp_path: Path, scaleout: ScaleOut, ch: ClickHouse, redis_url: str, **extra: Any
) -> Settings:
    database_url, _ = scaleout.databases()
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    return make_settings(
        data_dir,
        database_url=database_url,
        clickhouse_url=ch.url(f"outage{scaleout.counter[0]}"),
        redis_url=redis_url,
        redis_prefix=f"outage{scaleout.counter[0]}",
        **extra,
    )


async def pageviews(h: Harness, ip: str, paths: list[str]) -> None:
    for path in paths:
        response = await h.send({**PAGEVIEW, "u": f"https://example.com{path}"}, ip=ip)
        assert response.status_code == 202, response.text
        h.clock.advance(seconds=10)


async def drained(h: Harness, within_s: float = 30) -> None:
    """Wait until the background flusher has written everything buffered."""
    deadline = time.monotonic() + within_s
    while h.runtime.buffer.pending or not h.runtime.buffer.ready.is_set():
        assert time.monotonic() < deadline, "the buffer was never written"
        await asyncio.sleep(0.1)


async def totals(h: Harness, token: str) -> list[Any]:
    await drained(h)
    response = await h.client.post(
        "/api/v1/query",
        json={"site_id": 1, "metrics": TOTALS, "date_range": "day"},
        headers=h.auth(token),
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"][0]["metrics"])


async def test_clickhouse_down_then_back_loses_nothing(
    tmp_path: Path, scaleout: ScaleOut, own_clickhouse: ClickHouse, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path, scaleout, own_clickhouse, scaleout.redis.url)
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await pageviews(h, IP_DE, ["/", "/pricing", "/signup"])
        assert await totals(h, token) == [1, 1, 3, 0]

        own_clickhouse.stop()
        await pageviews(h, IP_US, ["/", "/blog", "/docs", "/pricing"])
        await asyncio.sleep(0.3)  # the flusher tries, fails and keeps the batch
        assert h.runtime.buffer.failed_flushes > 0
        assert h.runtime.buffer.pending == 4
        response = await h.client.post(
            "/api/v1/query",
            json={"site_id": 1, "metrics": ["visitors"], "date_range": "day"},
            headers=h.auth(token),
        )
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "store_unavailable"
        assert response.headers["retry-after"]

        own_clickhouse.start()
        assert await totals(h, token) == [2, 2, 7, 0]


async def test_a_process_stopped_during_the_outage_replays_its_spool(
    tmp_path: Path, scaleout: ScaleOut, own_clickhouse: ClickHouse, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path, scaleout, own_clickhouse, scaleout.redis.url)
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await pageviews(h, IP_DE, ["/", "/pricing"])
        await drained(h)
        own_clickhouse.stop()
        await pageviews(h, IP_US, ["/", "/blog", "/docs"])
    # Stopped gracefully while ClickHouse was away: the spool kept the last three.
    assert [p for p in settings.spool_dir.glob("*.wal") if p.stat().st_size]
    own_clickhouse.start()
    async with running(settings, clock) as h:
        token = await login(h)
        assert await totals(h, token) == [2, 2, 5, 0]


async def test_a_full_spool_answers_503_until_clickhouse_is_back(
    tmp_path: Path, scaleout: ScaleOut, own_clickhouse: ClickHouse, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path, scaleout, own_clickhouse, scaleout.redis.url, spool_max_mb=1)
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        own_clickhouse.stop()
        acknowledged = 0
        refused = None
        long_url = "https://example.com/" + "x" * 1500
        for i in range(400):  # 1 MB of spool fills after ~20 batches of 10 long URLs
            batch = [{**PAGEVIEW, "u": f"{long_url}?n={i}-{j}"} for j in range(10)]
            response = await h.send(batch, ip=f"10.0.{i % 200}.{j_ip(i)}", path="/api/events")
            if response.status_code == 202:
                acknowledged += response.json()["accepted"]
                continue
            refused = response
            break
        assert refused is not None, "the spool never filled"
        assert refused.status_code == 503
        assert refused.headers["retry-after"]
        assert refused.json()["error"]["code"] == "unavailable"

        own_clickhouse.start()
        await drained(h)
        assert not h.runtime.spool.is_full  # type: ignore[union-attr]
        assert await h.send([{**PAGEVIEW, "u": "https://example.com/"}], path="/api/events")
        stored = await totals(h, token)
        assert stored[2] == acknowledged + 1


def j_ip(i: int) -> int:
    return 1 + i // 200


async def test_redis_down_degrades_without_refusing(
    tmp_path: Path, scaleout: ScaleOut, own_redis: Redis, clock: FakeClock
) -> None:
    settings = settings_for(tmp_path, scaleout, scaleout.clickhouse, own_redis.url)
    async with running(settings, clock) as h:
        token = await h.register()
        await h.create_site(token)
        await pageviews(h, IP_DE, ["/"])
        own_redis.stop()
        # The same visitor continues: this process still knows the visit.
        await pageviews(h, IP_DE, ["/pricing", "/signup"])
        await pageviews(h, IP_US, ["/"])
        created = await h.client.post(
            "/api/v1/sites", json={"domain": "second.example"}, headers=h.auth(token)
        )
        assert created.status_code == 201  # the change message to other processes is lost
        assert await totals(h, token) == [2, 2, 4, 50]

        own_redis.start()
        await asyncio.wait_for(h.runtime.broadcast.connected.wait(), 30)
        await pageviews(h, IP_US, ["/blog"])
        assert await totals(h, token) == [2, 2, 5, 0]
        shared = await h.runtime.redis.keys(f"{settings.redis_prefix}:visit:*")
        assert shared  # visits are shared through Redis again


async def login(h: Harness) -> str:
    from tests.conftest import PASSWORD

    response = await h.client.post(
        "/api/v1/auth/login", json={"email": "owner@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
