"""Publish/subscribe across app processes: in-process for one process, Redis for many.

Used for anything every process must hear at once (a site was added or changed; live events).
Delivery is best effort: a process that misses a message catches up from the database (sites
are also reloaded every minute).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger("footfall.broadcast")

Handler = Callable[[bytes], Awaitable[None]]


class Broadcast(Protocol):
    """A message bus reaching every process."""

    def subscribe(self, channel: str, handler: Handler) -> None:
        """Call `handler` with every message published on `channel`."""
        ...

    async def publish(self, channel: str, message: bytes) -> None:
        """Send a message to every subscriber in every process."""
        ...

    async def start(self) -> None:
        """Begin listening."""
        ...

    async def stop(self) -> None:
        """Stop listening."""
        ...


class LocalBroadcast:
    """One process: publishing calls the handlers directly."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, channel: str, handler: Handler) -> None:
        """Call `handler` with every message published on `channel`."""
        self._handlers[channel].append(handler)

    async def publish(self, channel: str, message: bytes) -> None:
        """Deliver to this process's handlers."""
        for handler in self._handlers.get(channel, []):
            await _safely(handler, message)

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""


class RedisBroadcast:
    """Many processes: Redis pub/sub, with a listener that reconnects after failures."""

    def __init__(self, redis: Any, prefix: str = "footfall") -> None:
        self.redis = redis
        self.prefix = prefix
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def subscribe(self, channel: str, handler: Handler) -> None:
        """Call `handler` with every message published on `channel` (by any process)."""
        self._handlers[channel].append(handler)

    async def publish(self, channel: str, message: bytes) -> None:
        """Send to every process; a Redis outage is logged, not raised."""
        try:
            await self.redis.publish(f"{self.prefix}:{channel}", message)
        except Exception as exc:  # best effort by design
            log.warning("could not publish on %s: %s", channel, exc)

    async def start(self) -> None:
        """Start the listener task."""
        self._task = asyncio.create_task(self._listen(), name="footfall-broadcast")

    async def stop(self) -> None:
        """Stop the listener."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        delay = 0.2
        while True:
            pubsub = self.redis.pubsub()
            try:
                channels = [f"{self.prefix}:{name}" for name in self._handlers]
                await pubsub.subscribe(*channels)
                self.connected.set()
                delay = 0.2
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    channel = message["channel"]
                    if isinstance(channel, bytes):
                        channel = channel.decode()
                    name = channel.removeprefix(f"{self.prefix}:")
                    for handler in self._handlers.get(name, []):
                        await _safely(handler, message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.connected.clear()
                log.warning("broadcast listener lost Redis (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


async def _safely(handler: Handler, message: bytes) -> None:
    try:
        await handler(message)
    except Exception:
        log.exception("broadcast handler failed")
