"""Flood control: token buckets (in process and in a real Redis) and 429s over HTTP for the
flooding address or site only."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis as AsyncRedis

from footfall.ingest.flood import Charge, FloodControl, Limit, LocalBuckets, RedisBuckets
from footfall.settings import Settings
from tests.conftest import IP_DE, IP_GB, IP_US, FakeClock, Harness, running
from tests.servers import Redis, free_port, redis

PROFILES = ("embedded", "scale-out")

PAGEVIEW = {"n": "pageview", "u": "https://example.com/", "d": "example.com"}
OTHER = {"n": "pageview", "u": "https://other.example/", "d": "other.example"}
FIVE_PER_100S = Limit(rate=0.05, burst=5)


class Ticks:
    """A settable clock in seconds."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- token buckets ---------------------------------------------------------------------------


def test_a_bucket_allows_its_burst_then_says_when_to_retry() -> None:
    buckets = LocalBuckets()
    charge = [Charge("ip:a", FIVE_PER_100S, 1)]
    assert [buckets.take(charge, 0.0) for _ in range(5)] == [None] * 5
    denial = buckets.take(charge, 0.0)
    assert denial is not None
    assert denial.key == "ip:a"
    assert denial.source == "ip"
    assert denial.retry_after == pytest.approx(20.0)
    assert buckets.take(charge, 19.0) is not None
    assert buckets.take(charge, 20.0) is None  # one token back after 1 / 0.05 s
    assert buckets.take(charge, 20.0) is not None


def test_buckets_are_charged_all_or_nothing() -> None:
    buckets = LocalBuckets()
    ip = Charge("ip:a", Limit(1, 10), 4)
    site = Charge("site:1", Limit(1, 5), 4)
    assert buckets.take([ip, site], 0.0) is None
    denial = buckets.take([ip, site], 0.0)
    assert denial is not None
    assert denial.key == "site:1"
    # The address was not charged for the refused request: 6 tokens left, not 2.
    assert buckets.take([Charge("ip:a", Limit(1, 10), 6)], 0.0) is None


def test_a_request_larger_than_the_burst_costs_the_burst() -> None:
    buckets = LocalBuckets()
    big = [Charge("ip:a", Limit(1, 5), 100)]
    assert buckets.take(big, 0.0) is None
    assert buckets.take(big, 0.0) is not None


def test_a_clock_going_backwards_adds_no_tokens() -> None:
    buckets = LocalBuckets()
    charge = [Charge("ip:a", Limit(1, 1), 1)]
    assert buckets.take(charge, 100.0) is None
    assert buckets.take(charge, 50.0) is not None


def test_memory_stays_bounded_under_address_spraying() -> None:
    buckets = LocalBuckets(max_keys=1000)
    for index in range(5000):
        buckets.take([Charge(f"ip:{index}", FIVE_PER_100S, 1)], 0.0)
    assert len(buckets) == 1000


def test_addresses_are_hashed_and_exempt_networks_are_not_charged() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    flood = FloodControl(
        ip_limit=FIVE_PER_100S,
        site_limit=Limit(100, 100),
        exempt=settings.rate_limit_exempt_networks,
        secret=b"secret",
    )
    charges = flood.charges(IP_DE, 3, {7: 2, 8: 1})
    assert [(c.key.split(":")[0], c.cost) for c in charges] == [("ip", 3), ("site", 2), ("site", 1)]
    assert IP_DE not in charges[0].key
    assert [c.key for c in flood.charges("127.0.0.1", 3, {})] == []
    assert [c.key for c in flood.charges("::1", 3, {7: 3})] == ["site:7"]


# -- the Redis backend -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    with redis(tmp_path_factory.mktemp("flood-redis")) as server:
        yield server


@pytest.fixture
async def redis_client(own_redis: Redis) -> AsyncIterator[AsyncRedis]:
    client = AsyncRedis.from_url(own_redis.url, socket_connect_timeout=1, socket_timeout=2)
    await client.flushdb()
    yield client
    await client.aclose()


async def test_redis_buckets_decide_like_local_ones(redis_client: AsyncRedis) -> None:
    shared = RedisBuckets(redis_client, "t")
    local = LocalBuckets()
    script = [
        (0.0, [Charge("ip:a", FIVE_PER_100S, 2)]),
        (0.0, [Charge("ip:a", FIVE_PER_100S, 2), Charge("site:1", Limit(1, 3), 2)]),
        (0.0, [Charge("ip:a", FIVE_PER_100S, 2)]),
        (0.0, [Charge("site:1", Limit(1, 3), 2)]),
        (1.0, [Charge("site:1", Limit(1, 3), 2)]),
        (10.0, [Charge("ip:a", FIVE_PER_100S, 1)]),
        (30.0, [Charge("ip:a", FIVE_PER_100S, 1)]),
        (25.0, [Charge("ip:a", FIVE_PER_100S, 1)]),  # the clock went back
        (30.0, [Charge("ip:b", FIVE_PER_100S, 50)]),
    ]
    for now, charges in script:
        expected = local.take(charges, now)
        got = await shared.take(charges, now)
        assert (got is None) == (expected is None), (now, charges)
        if got is not None and expected is not None:
            assert got.key == expected.key
            assert got.retry_after == pytest.approx(expected.retry_after)
    ttl = await redis_client.pttl("t:ratelimit:ip:a")
    assert 0 < ttl <= 101_000  # buckets expire once they would be full again


async def test_processes_share_their_buckets_through_redis(redis_client: AsyncRedis) -> None:
    clock = Ticks()
    one, two = (
        FloodControl(ip_limit=FIVE_PER_100S, site_limit=None, redis=redis_client, clock=clock)
        for _ in range(2)
    )
    assert await one.check(IP_DE, 3, {}) is None
    assert await two.check(IP_DE, 2, {}) is None
    assert await one.check(IP_DE, 1, {}) is not None
    assert await two.check(IP_US, 1, {}) is None


async def test_redis_down_falls_back_to_local_counting(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    own = Redis(free_port(), tmp_path)
    client = AsyncRedis.from_url(own.url, socket_connect_timeout=1, socket_timeout=2)
    clock = Ticks()
    flood = FloodControl(
        ip_limit=FIVE_PER_100S, site_limit=None, redis=client, clock=clock, redis_retry_s=5
    )
    try:
        with caplog.at_level(logging.WARNING, logger="footfall.ingest"):
            # Nothing listens: every check is answered from this process's own buckets.
            assert [await flood.check(IP_DE, 1, {}) is None for _ in range(6)] == [True] * 5 + [
                False
            ]
        warnings = [r for r in caplog.records if "rate-limit counters" in r.getMessage()]
        assert len(warnings) == 1  # once per outage, not per request
        own.start()
        clock.now += 6  # past the retry pause: back to the shared counters (a fresh bucket)
        assert await flood.check(IP_DE, 5, {}) is None
        assert await client.exists(f"footfall:ratelimit:{flood.charges(IP_DE, 1, {})[0].key}")
    finally:
        own.stop()
        await client.aclose()


# -- over HTTP -------------------------------------------------------------------------------


@pytest.fixture
async def limited(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    """The app with tiny limits: 5 events per address, 8 per site (about 0 refill)."""
    tight = settings.model_copy(
        update={
            "rate_limit_ip_events_s": 0.05,
            "rate_limit_ip_burst": 5,
            "rate_limit_site_events_s": 0.05,
            "rate_limit_site_burst": 8,
        }
    )
    async with running(tight, clock) as h:
        assert h.runtime.flood is not None
        h.runtime.flood.clock = Ticks()
        token = await h.register()
        await h.create_site(token, "example.com")
        await h.create_site(token, "other.example")
        yield h


def assert_429(response: Any, source: str) -> None:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert source in error["message"]
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["access-control-allow-origin"] == "*"


async def test_a_flooding_address_gets_429_and_others_do_not(limited: Harness) -> None:
    h = limited
    for _ in range(5):
        assert (await h.send(PAGEVIEW, ip=IP_DE)).status_code == 202
    refused = await h.send(PAGEVIEW, ip=IP_DE)
    assert_429(refused, "address")
    assert refused.headers["retry-after"] == "20"
    batch = await h.send([OTHER] * 2, ip=IP_DE, path="/api/events")
    assert_429(batch, "address")
    # Another address, the same site: unaffected.
    assert (await h.send(PAGEVIEW, ip=IP_US)).status_code == 202
    # Time passes: the address may send again.
    ticks = h.runtime.flood.clock  # type: ignore[union-attr]
    assert isinstance(ticks, Ticks)
    ticks.now += 20
    assert (await h.send(OTHER, ip=IP_DE)).status_code == 202


async def test_a_flooded_site_gets_429_and_other_sites_do_not(limited: Harness) -> None:
    h = limited
    ips = [f"85.214.132.{i}" for i in range(1, 20)]
    for ip in ips[:4]:
        response = await h.send([PAGEVIEW, PAGEVIEW], ip=ip, path="/api/events")
        assert response.status_code == 202
    assert_429(await h.send(PAGEVIEW, ip=ips[5]), "site")
    # The same addresses still reach another site.
    for ip in ips[:4]:
        assert (await h.send(OTHER, ip=ip)).status_code == 202
    # A request naming both sites is refused as a whole (nothing half-counted).
    both = {**PAGEVIEW, "d": "example.com,other.example"}
    assert_429(await h.send(both, ip=IP_GB), "site")
    await h.flush()
    body = await h.query(
        h.users["owner@example.com"],
        site_id=2,
        metrics=["pageviews"],
        date_range="day",
    )
    assert body["results"][0]["metrics"] == [4]


async def test_refused_floods_do_not_reach_the_store(limited: Harness) -> None:
    h = limited
    statuses = [(await h.send(PAGEVIEW, ip=IP_DE)).status_code for _ in range(30)]
    assert statuses == [202] * 5 + [429] * 25
    body = await h.query(
        h.users["owner@example.com"], site_id=1, metrics=["pageviews"], date_range="day"
    )
    assert body["results"][0]["metrics"] == [5]


async def test_a_flood_of_invalid_bodies_runs_dry_too(limited: Harness) -> None:
    h = limited
    statuses = [
        (
            await h.client.post(
                "/api/event",
                content=b"{not json",
                headers={"X-Forwarded-For": IP_DE, "Content-Type": "application/json"},
            )
        ).status_code
        for _ in range(7)
    ]
    assert statuses == [400] * 5 + [429] * 2
    assert (await h.send(PAGEVIEW, ip=IP_US)).status_code == 202


@pytest.mark.embedded_only
async def test_loopback_clients_are_exempt_by_default(settings: Settings, clock: FakeClock) -> None:
    tight = settings.model_copy(update={"rate_limit_ip_events_s": 0.05, "rate_limit_ip_burst": 1})
    async with running(tight, clock) as h:
        token = await h.register()
        await h.create_site(token, "example.com")
        for _ in range(10):
            response = await h.client.post("/api/event", json=PAGEVIEW)  # peer 127.0.0.1
            assert response.status_code == 202


@pytest.mark.embedded_only
async def test_rate_limits_can_be_switched_off(settings: Settings, clock: FakeClock) -> None:
    async with running(settings.model_copy(update={"rate_limit": False}), clock) as h:
        assert h.runtime.flood is None
    zero = {"rate_limit_ip_events_s": 0, "rate_limit_site_events_s": 0}
    async with running(settings.model_copy(update=zero), clock) as h:
        assert h.runtime.flood is None
