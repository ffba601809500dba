"""Visits in progress shared by every app process through Redis (the scale-out profile).

For each ingest request the pipeline locks the visitors it touches, loads their visits, runs the
ordinary in-process sessionizer on them, saves them back and unlocks. One implementation of the
visit rules, and consecutive events of a visitor may land on any process.

The lock is per visitor and short (one request); a visit's key expires a little after the visit
could still continue. When Redis is unreachable the caller carries on with each process's own
view (visits may then split across processes) and says so in the log; nothing is refused.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import msgspec

from footfall.store.records import SessionRecord

VisitorKey = tuple[int, int]  # (site id, visitor id)

_UNLOCK = """
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1
"""


class SharedSessions:
    """Visit state in Redis, with per-visitor locks."""

    def __init__(
        self,
        redis: Any,
        timeout: timedelta,
        *,
        prefix: str = "footfall",
        lock_ms: int = 3_000,
        wait_s: float = 2.0,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        # Keep a visit long enough for an event one timeout later to continue it (and a
        # previous-day id to be looked up just after midnight).
        self.ttl_ms = int(timeout.total_seconds() * 2000)
        self.lock_ms = lock_ms
        self.wait_s = wait_s
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(SessionRecord)
        self._unlock = redis.register_script(_UNLOCK)

    def _key(self, key: VisitorKey) -> str:
        return f"{self.prefix}:visit:{key[0]}:{key[1]}"

    def _lock_key(self, key: VisitorKey) -> str:
        return f"{self.prefix}:visit-lock:{key[0]}:{key[1]}"

    async def lock(self, keys: Iterable[VisitorKey]) -> str:
        """Lock these visitors (in a fixed order, so two requests never deadlock)."""
        token = secrets.token_hex(8)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_s
        for key in sorted(set(keys)):
            name = self._lock_key(key)
            while not await self.redis.set(name, token, nx=True, px=self.lock_ms):
                if loop.time() > deadline:
                    # A holder that died keeps the lock at most lock_ms; waiting longer than
                    # wait_s means something is wrong: go on rather than refuse the event.
                    break
                await asyncio.sleep(0.002)
        return token

    async def unlock(self, keys: Iterable[VisitorKey], token: str) -> None:
        """Release locks taken with `token`."""
        names = [self._lock_key(k) for k in sorted(set(keys))]
        if names:
            await self._unlock(keys=names, args=[token])

    async def load(self, keys: Iterable[VisitorKey]) -> dict[VisitorKey, SessionRecord | None]:
        """The current visit of each visitor (None when there is none)."""
        ordered = sorted(set(keys))
        if not ordered:
            return {}
        raw = await self.redis.mget([self._key(k) for k in ordered])
        return {
            key: self._decoder.decode(value) if value is not None else None
            for key, value in zip(ordered, raw, strict=True)
        }

    async def save(self, states: dict[VisitorKey, SessionRecord]) -> None:
        """Store visits (each expires a while after it could last continue)."""
        if not states:
            return
        pipe = self.redis.pipeline(transaction=False)
        for key, state in states.items():
            pipe.set(self._key(key), self._encoder.encode(state), px=self.ttl_ms)
        await pipe.execute()
