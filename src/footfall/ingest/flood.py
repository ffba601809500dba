"""Flood control for ingestion: token buckets per client address and per site.

Each request is charged one token per event to the bucket of its client address and to the
bucket of every site it names; it passes only if every bucket can pay (all or nothing), else it
gets a 429 with the time until it would. Buckets live in this process, or in Redis in the
scale-out profile so every app process shares them; when Redis is unreachable the process falls
back to its own buckets for a while instead of failing requests.

Addresses are keyed by a keyed hash, never stored as such (not even in Redis).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from redis.exceptions import RedisError

from footfall.settings import Network

log = logging.getLogger("footfall.ingest")


@dataclass(frozen=True, slots=True)
class Limit:
    """A sustained rate (events per second) and the burst a full bucket allows."""

    rate: float
    burst: float


@dataclass(frozen=True, slots=True)
class Charge:
    """Tokens one request takes from one bucket."""

    key: str
    limit: Limit
    cost: float


@dataclass(frozen=True, slots=True)
class Denial:
    """Why a request was refused and when a retry could pass."""

    key: str
    retry_after: float

    @property
    def source(self) -> str:
        """ "ip" or "site": which kind of bucket ran dry."""
        return self.key.split(":", 1)[0]


def refill(tokens: float, updated: float, now: float, limit: Limit) -> float:
    """The tokens in a bucket at `now` (clocks going backwards add nothing)."""
    return min(limit.burst, tokens + max(0.0, now - updated) * limit.rate)


class LocalBuckets:
    """Token buckets in this process's memory, at most `max_keys` of them (least recently
    charged forgotten first: a forgotten bucket is a full one)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, charges: Sequence[Charge], now: float) -> Denial | None:
        """Charge every bucket, or none of them and say which one ran dry."""
        after: list[tuple[str, float]] = []
        denial: Denial | None = None
        for charge in charges:
            limit = charge.limit
            state = self._buckets.get(charge.key)
            tokens = limit.burst if state is None else refill(*state, now, limit)
            cost = min(charge.cost, limit.burst)
            if tokens < cost:
                wait = (cost - tokens) / limit.rate
                if denial is None or wait > denial.retry_after:
                    denial = Denial(charge.key, wait)
            after.append((charge.key, tokens - cost))
        if denial is not None:
            return denial
        buckets = self._buckets
        for key, tokens in after:
            buckets[key] = (tokens, now)
            buckets.move_to_end(key)
        while len(buckets) > self.max_keys:
            buckets.popitem(last=False)
        return None

    def __len__(self) -> int:
        return len(self._buckets)


# KEYS: bucket keys. ARGV: now, then rate, burst, cost for each key. Returns {0, "0"} when
# every bucket paid, else {index of the driest bucket (1-based), seconds to wait}.
TAKE_SCRIPT = """
local now = tonumber(ARGV[1])
local left = {}
local worst, worst_wait = 0, -1
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i * 3 - 1])
  local burst = tonumber(ARGV[i * 3])
  local cost = math.min(tonumber(ARGV[i * 3 + 1]), burst)
  local state = redis.call('HMGET', key, 't', 'u')
  local tokens = tonumber(state[1])
  if tokens == nil then
    tokens = burst
  else
    local elapsed = math.max(0, now - (tonumber(state[2]) or now))
    tokens = math.min(burst, tokens + elapsed * rate)
  end
  if tokens < cost then
    local wait = (cost - tokens) / rate
    if wait > worst_wait then worst, worst_wait = i, wait end
  end
  left[i] = tokens - cost
end
if worst > 0 then return {worst, tostring(worst_wait)} end
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i * 3 - 1])
  local burst = tonumber(ARGV[i * 3])
  redis.call('HMSET', key, 't', tostring(left[i]), 'u', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
end
return {0, "0"}
"""


class RedisBuckets:
    """Token buckets shared by every process through Redis (one script call per request)."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self.prefix = prefix
        self._script = redis.register_script(TAKE_SCRIPT)

    async def take(self, charges: Sequence[Charge], now: float) -> Denial | None:
        """Charge every bucket, or none of them and say which one ran dry."""
        keys = [f"{self.prefix}:ratelimit:{c.key}" for c in charges]
        args: list[float] = [now]
        for charge in charges:
            args += [charge.limit.rate, charge.limit.burst, charge.cost]
        index, wait = await self._script(keys=keys, args=args)
        if int(index) == 0:
            return None
        return Denial(charges[int(index) - 1].key, float(wait))


class FloodControl:
    """Decides whether a request's events may enter, per client address and per site."""

    def __init__(
        self,
        *,
        ip_limit: Limit | None,
        site_limit: Limit | None,
        exempt: Sequence[Network] = (),
        secret: bytes = b"",
        redis: Any = None,
        prefix: str = "footfall",
        clock: Callable[[], float] = time.time,
        redis_retry_s: float = 5.0,
    ) -> None:
        self.ip_limit = ip_limit
        self.site_limit = site_limit
        self.local = LocalBuckets()
        self.shared = RedisBuckets(redis, prefix) if redis is not None else None
        self.clock = clock
        self.redis_retry_s = redis_retry_s
        self._redis_down_until = 0.0
        self._secret = hashlib.blake2b(secret, digest_size=32).digest()
        self._is_exempt = lru_cache(maxsize=4096)(self._exempt_lookup)
        self._exempt = tuple(exempt)

    def _exempt_lookup(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in network for network in self._exempt)

    def _address_key(self, ip: str) -> str:
        digest = hashlib.blake2b(ip.encode(), key=self._secret, digest_size=12).hexdigest()
        return f"ip:{digest}"

    def charges(self, ip: str, events: int, site_events: Mapping[int, int]) -> list[Charge]:
        """What a request of `events` events from `ip` costs, bucket by bucket."""
        charges: list[Charge] = []
        if self.ip_limit is not None and events and not self._is_exempt(ip):
            charges.append(Charge(self._address_key(ip), self.ip_limit, events))
        if self.site_limit is not None:
            for site_id, count in site_events.items():
                charges.append(Charge(f"site:{site_id}", self.site_limit, count))
        return charges

    async def check(self, ip: str, events: int, site_events: Mapping[int, int]) -> Denial | None:
        """None when the request may pass (its tokens are then taken), else the denial."""
        charges = self.charges(ip, events, site_events)
        if not charges:
            return None
        now = self.clock()
        if self.shared is not None and now >= self._redis_down_until:
            try:
                denial = await self.shared.take(charges, now)
            except (OSError, RedisError) as exc:
                if self._redis_down_until == 0.0:
                    log.warning("rate-limit counters unavailable in Redis (%s): counting here", exc)
                self._redis_down_until = now + self.redis_retry_s
            else:
                if self._redis_down_until:
                    log.info("rate-limit counters back in Redis")
                    self._redis_down_until = 0.0
                return denial
        return self.local.take(charges, now)


def retry_after_header(seconds: float) -> str:
    """Whole seconds for a Retry-After header (at least 1)."""
    return str(max(1, math.ceil(seconds))) if math.isfinite(seconds) else "3600"
