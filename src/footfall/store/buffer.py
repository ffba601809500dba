"""Holds processed events and flushes them to the store in columnar batches.

A flush happens every `interval_s`, as soon as `max_events` are waiting, when woken (the spool
needs its disk space back), and on close. When the store is unreachable the batch is kept for
the next attempt, and retried through the store's idempotent replay (the failed write may have
been half done); with a spool (store/spool.py) the batch is also on disk, and its spool
segments are released only once the store has it.

A batch the store rejects for its content (not for being unreachable) is split in halves until
the offending records are found; they go to a dead-letter file with the reason and the rest is
stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from footfall.store.base import EventStore, RejectedRecords
from footfall.store.records import EventRecord, SessionChange
from footfall.store.spool import Spool

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
        spool: Spool | None = None,
        dead_letters: Path | None = None,
    ) -> None:
        self.store = store
        self.spool = spool
        self.dead_letters = dead_letters
        self.dead_lettered = 0
        # Cleared while spooled records of an earlier run wait to be replayed: they go first.
        self.ready = asyncio.Event()
        self.ready.set()
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
        self._writing = 0  # events of the batch being written
        # Set when a write failed: the store may hold part of the batch (ClickHouse takes
        # events and visits in separate inserts, and a lost answer can hide a success), so the
        # retry goes through the idempotent replay path.
        self._uncertain = False
        self._sealed: int | None = None  # the last sealed spool segment, not released yet
        self.flushed_events = 0
        self.failed_flushes = 0
        self.last_flush_s = 0.0

    @property
    def pending(self) -> int:
        """Events not written yet (waiting, or being written right now)."""
        return len(self._events) + self._writing

    @property
    def is_full(self) -> bool:
        """Whether the buffer should refuse more events (the store is falling behind)."""
        return self.pending >= self.max_pending

    def wake(self) -> None:
        """Flush now rather than at the next tick (the spool needs its space back)."""
        self._wake.set()

    def add(self, event: EventRecord) -> None:
        """Queue one processed event."""
        self._events.append(event)
        if len(self._events) >= self.max_events:
            self._wake.set()

    async def flush(self) -> int:
        """Write everything waiting now; returns the number of events written."""
        async with self._lock:
            if self.spool is not None and self.spool.unsealed:
                # Once the seal is settled, every entry spooled before it has been applied
                # (its events added here) or refused: the batch taken below holds them all.
                self._sealed = await self.spool.seal()
            events, self._events = self._events, []
            for change in self._take_sessions():
                self._queue_change(change)
            if not events and not self._pending:
                self._release_sealed()
                return 0
            changes = [change for chain in self._pending.values() for change in chain]
            started = time.perf_counter()
            self._writing = len(events)
            try:
                if self._uncertain:
                    await self.write_isolating(
                        self.store.replay, events, [change.current for change in changes]
                    )
                else:
                    await self._write(events, changes)
            except Exception as exc:
                # Events go back in front; changed visits stay pending for the next attempt.
                self._uncertain = True
                self.failed_flushes += 1
                log.warning(
                    "event store unavailable (%s); %d events kept for retry", exc, len(events)
                )
                self._events[:0] = events
                raise
            finally:
                self._writing = 0
            self._pending = {}
            self._uncertain = False
            self._release_sealed()
            self.last_flush_s = time.perf_counter() - started
            self.flushed_events += len(events)
            return len(events)

    def _release_sealed(self) -> None:
        """The store has everything spooled up to the last seal: delete those segments."""
        if self._sealed is not None and self.spool is not None:
            self.spool.release(self._sealed)
        self._sealed = None

    async def _write(self, events: list[EventRecord], changes: list[SessionChange]) -> None:
        """Write a batch; isolate records the store rejects (raises only when unavailable)."""
        await self.write_isolating(self.store.write, events, changes)

    async def write_isolating(
        self,
        write: Callable[[Sequence[EventRecord], Sequence[Any]], None],
        events: Sequence[EventRecord],
        visits: Sequence[Any],
    ) -> None:
        """Run a blocking store write in a thread; when the store rejects the content, write
        the events and the visits (changes or records) apart, halving until each rejected one
        is found and dead-lettered. Unavailability is raised for the caller to retry."""
        try:
            await asyncio.to_thread(write, events, visits)
            return
        except RejectedRecords as exc:
            log.error("the event store rejected a batch (%s); looking for the bad records", exc)
        await self._write_parts(write, events, [])
        await self._write_parts(write, [], visits)

    async def _write_parts(
        self,
        write: Callable[[Sequence[EventRecord], Sequence[Any]], None],
        events: Sequence[EventRecord],
        visits: Sequence[Any],
    ) -> None:
        if not events and not visits:
            return
        try:
            await asyncio.to_thread(write, events, visits)
            return
        except RejectedRecords as exc:
            if len(events) + len(visits) == 1:
                self._dead_letter(events[0] if events else visits[0], exc)
                return
        half_e, half_v = len(events) // 2, len(visits) // 2
        await self._write_parts(write, events[:half_e], visits[:half_v])
        await self._write_parts(write, events[half_e:], visits[half_v:])

    def _dead_letter(self, record: object, reason: Exception) -> None:
        if isinstance(record, SessionChange):
            record = record.current
        self.dead_lettered += 1
        kind = "event" if isinstance(record, EventRecord) else "visit"
        log.error("dead-lettered one %s the store rejected: %s", kind, reason)
        if self.dead_letters is None:
            return
        line = msgspec.json.encode(
            {"kind": kind, "reason": str(reason)[:500], "record": msgspec.to_builtins(record)}
        )
        with self.dead_letters.open("ab") as handle:
            handle.write(line + b"\n")

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
        """Flush periodically until closed (after any replay of an earlier run's spool)."""
        await self.ready.wait()
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
        if not self.ready.is_set():
            return  # the spool of an earlier run was never replayed: it still holds everything
        try:
            await self.flush()
        except Exception as exc:
            kept = "the spool keeps them" if self.spool is not None else "they are lost"
            log.error("could not write %d events at shutdown (%s): %s", self.pending, exc, kept)
