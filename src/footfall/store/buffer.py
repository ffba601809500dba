"""Holds processed events and flushes them to the store in columnar batches.

A flush happens every `interval_s`, as soon as `max_events` are waiting, and on close. A failed
write keeps its batch for the next attempt, so nothing accepted is dropped while the process lives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from footfall.store.base import EventStore
from footfall.store.records import EventRecord, SessionChange

log = logging.getLogger(__name__)


class EventBuffer:
    """In-memory batch between the pipeline and the event store."""

    def __init__(
        self,
        store: EventStore,
        take_sessions: Callable[[], list[SessionChange]],
        *,
        interval_s: float = 1.0,
        max_events: int = 20_000,
        max_pending: int = 500_000,
    ) -> None:
        self.store = store
        self._take_sessions = take_sessions
        self.interval_s = interval_s
        self.max_events = max_events
        self.max_pending = max_pending
        self._events: list[EventRecord] = []
        # Visit changes not yet written (kept across failed writes), per visit in order.
        self._pending: dict[tuple[int, int], list[SessionChange]] = {}
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._closed = False
        self.flushed_events = 0
        self.failed_flushes = 0
        self.last_flush_s = 0.0

    @property
    def pending(self) -> int:
        """Events waiting to be written."""
        return len(self._events)

    @property
    def is_full(self) -> bool:
        """Whether the buffer should refuse more events (the store is falling behind)."""
        return len(self._events) >= self.max_pending

    def add(self, event: EventRecord) -> None:
        """Queue one processed event."""
        self._events.append(event)
        if len(self._events) >= self.max_events:
            self._wake.set()

    async def flush(self) -> int:
        """Write everything waiting now; returns the number of events written."""
        async with self._lock:
            events, self._events = self._events, []
            for change in self._take_sessions():
                self._queue_change(change)
            if not events and not self._pending:
                return 0
            changes = [change for chain in self._pending.values() for change in chain]
            started = time.perf_counter()
            try:
                await asyncio.to_thread(self.store.write, events, changes)
            except Exception:
                # Events go back in front; changed visits stay pending for the next attempt.
                self.failed_flushes += 1
                log.exception("event store write failed; %d events kept for retry", len(events))
                self._events[:0] = events
                raise
            self._pending = {}
            self.last_flush_s = time.perf_counter() - started
            self.flushed_events += len(events)
            return len(events)

    def _queue_change(self, change: SessionChange) -> None:
        key = (change.current.site_id, change.current.session_id)
        chain = self._pending.setdefault(key, [])
        if not chain:
            chain.append(change)
            return
        last = chain[-1]
        if not self.store.collapsing:
            if change.current.version >= last.current.version:
                chain[-1] = change  # upserting stores need only the newest state
        elif change.previous is not None and change.previous.version == last.current.version:
            chain[-1] = SessionChange(last.previous, change.current)  # the chain goes on
        else:
            chain.append(change)  # a new chain from another process's version

    async def run(self) -> None:
        """Flush periodically until closed."""
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # logged in flush; the batch waits for the next tick
                await asyncio.sleep(min(self.interval_s, 1.0))

    async def close(self) -> None:
        """Stop the loop and write what is left."""
        self._closed = True
        self._wake.set()
        await self.flush()
