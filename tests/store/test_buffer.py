from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from footfall.store.buffer import EventBuffer
from footfall.store.records import EventRecord, SessionChange, SessionRecord

T0 = datetime(2025, 6, 10, tzinfo=UTC)


class FlakyStore:
    """Records writes; fails the first `failures` attempts like an unreachable store."""

    dialect = "duckdb"
    collapsing = False

    def __init__(self, failures: int = 0, *, lose_answer: bool = False) -> None:
        self.failures = failures
        self.lose_answer = lose_answer  # a failed write stored its events all the same
        self.events: list[EventRecord] = []
        self.sessions: list[SessionRecord] = []
        self.changes: list[SessionChange] = []
        self.batches: list[int] = []
        self.replays: list[tuple[int, list[int]]] = []

    def write(self, events: Sequence[EventRecord], changes: Sequence[SessionChange]) -> None:
        if self.failures:
            self.failures -= 1
            if self.lose_answer:
                self.events.extend(events)
            raise OSError("store unavailable")
        self.events.extend(events)
        self.sessions.extend(c.current for c in changes)
        self.changes.extend(changes)
        self.batches.append(len(events))

    def replay(self, events: Sequence[EventRecord], sessions: Sequence[SessionRecord]) -> None:
        stored = {e.event_id for e in self.events}
        fresh = [e for e in events if e.event_id not in stored]
        self.events.extend(fresh)
        self.sessions.extend(sessions)
        self.replays.append((len(fresh), [s.version for s in sessions]))

    def query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return []

    def delete_site(self, site_id: int) -> None: ...

    def close(self) -> None: ...


def event(i: int) -> EventRecord:
    return EventRecord(site_id=1, ts=T0, name="pageview", event_id=i)


def session(version: int) -> SessionChange:
    return SessionChange(
        None,
        SessionRecord(site_id=1, session_id=1, visitor_id=1, start=T0, end=T0, version=version),
    )


async def test_flush_writes_events_and_changed_sessions() -> None:
    store = FlakyStore()
    changed = [[session(1)], []]
    buffer = EventBuffer(store, lambda: changed.pop(0) if changed else [])
    for i in range(3):
        buffer.add(event(i))
    assert await buffer.flush() == 3
    assert [e.event_id for e in store.events] == [0, 1, 2]
    assert len(store.sessions) == 1
    assert buffer.pending == 0


async def test_failed_write_keeps_the_batch_and_newest_sessions() -> None:
    store = FlakyStore(failures=1)
    changed = [[session(1)], [session(2)]]
    buffer = EventBuffer(store, lambda: changed.pop(0) if changed else [])
    buffer.add(event(1))
    with pytest.raises(OSError, match="unavailable"):
        await buffer.flush()
    assert buffer.pending == 1
    buffer.add(event(2))
    assert await buffer.flush() == 2
    assert [e.event_id for e in store.events] == [1, 2]
    assert [s.version for s in store.sessions] == [2]


async def test_run_loop_flushes_periodically_and_close_flushes_the_rest() -> None:
    store = FlakyStore()
    buffer = EventBuffer(store, list, interval_s=0.01, max_events=1000)
    task = asyncio.create_task(buffer.run())
    buffer.add(event(1))
    for _ in range(200):
        if store.events:
            break
        await asyncio.sleep(0.01)
    assert len(store.events) == 1
    buffer.add(event(2))
    await buffer.close()
    await asyncio.wait_for(task, 1)
    assert len(store.events) == 2


async def test_full_buffer_wakes_the_flusher() -> None:
    store = FlakyStore()
    buffer = EventBuffer(store, list, interval_s=60, max_events=5, max_pending=8)
    task = asyncio.create_task(buffer.run())
    for i in range(5):
        buffer.add(event(i))
    for _ in range(200):
        if store.events:
            break
        await asyncio.sleep(0.01)
    assert store.batches == [5]
    for i in range(8):
        buffer.add(event(i))
    assert buffer.is_full
    await buffer.close()
    await asyncio.wait_for(task, 1)


async def test_collapsing_chains_survive_failed_writes() -> None:
    store = FlakyStore(failures=1)
    store.collapsing = True

    def record(version: int) -> SessionRecord:
        return SessionRecord(
            site_id=1, session_id=1, visitor_id=1, start=T0, end=T0, version=version
        )

    v1, v2, v3 = record(1), record(2), record(3)
    changed = [[SessionChange(None, v2)], [SessionChange(v2, v3)]]
    buffer = EventBuffer(store, lambda: changed.pop(0) if changed else [])
    with pytest.raises(OSError, match="unavailable"):
        await buffer.flush()
    await buffer.flush()  # the failed change and its continuation go out as one
    # ... replayed against the stored state (the failed write may have been half done).
    assert store.replays == [(0, [3])]
    del v1


async def test_a_write_that_failed_after_storing_is_not_stored_twice() -> None:
    store = FlakyStore(failures=1, lose_answer=True)
    buffer = EventBuffer(store, list)
    buffer.add(event(1))
    buffer.add(event(2))
    with pytest.raises(OSError, match="unavailable"):
        await buffer.flush()
    buffer.add(event(3))
    assert await buffer.flush() == 3
    assert [e.event_id for e in store.events] == [1, 2, 3]
    assert store.replays == [(1, [])]
    buffer.add(event(4))
    await buffer.flush()  # back to plain writes once a write went through
    assert store.batches == [1]
