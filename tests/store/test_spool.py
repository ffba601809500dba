"""The write-ahead spool on a real directory: durability, group commit, recovery, limits."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from footfall.store.records import EventRecord, SessionRecord
from footfall.store.spool import Spool, SpoolBroken, SpoolFull, encode_entry

T0 = datetime(2025, 6, 10, 8, 0, 0, 123456, tzinfo=UTC)


def event(i: int, **fields: object) -> EventRecord:
    return EventRecord(
        site_id=1, ts=T0 + timedelta(seconds=i), name="pageview", event_id=i, **fields
    )  # type: ignore[arg-type]


def visit(version: int) -> SessionRecord:
    return SessionRecord(
        site_id=1, session_id=7, visitor_id=3, start=T0, end=T0, pageviews=version, version=version
    )


def segments(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.wal"))


async def test_entries_are_on_disk_when_the_append_completes(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.start()
    revenue = event(1, revenue_amount=Decimal("19.9900"), revenue_currency="EUR")
    await spool.append([revenue, event(2, props_keys=["k"], props_values=["<b>v</b>"])], [visit(2)])
    # Read back by another reader while the spool is still open: the bytes are there.
    (segment,) = [p for p in segments(tmp_path) if p.stat().st_size]
    entries = spool.read(int(segment.stem))
    assert entries[0].events[0] == revenue
    assert entries[0].events[1].props_values == ["<b>v</b>"]
    assert entries[0].events[0].ts == T0 + timedelta(seconds=1)  # microseconds and zone kept
    assert entries[0].sessions == [visit(2)]
    spool.close()


async def test_concurrent_appends_share_fsyncs(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**8)
    spool.start()
    await asyncio.gather(*(spool.append([event(i)], []) for i in range(300)))
    assert spool.appended == 300
    assert spool.commits < 300  # group commit: one sync covered several requests
    spool.close()
    reopened = Spool(tmp_path, max_bytes=10**8)
    ids = [
        e.event_id for _, entries in reopened.read_recovered() for x in entries for e in x.events
    ]
    assert sorted(ids) == list(range(300))
    reopened.close()


async def test_sealed_segments_are_deleted_once_released(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.start()
    await spool.append([event(1)], [])
    sealed = await spool.seal()
    await spool.append([event(2)], [])
    spool.release(sealed)
    await spool.append([event(3)], [])  # the writer has handled the release by now
    remaining = segments(tmp_path)
    assert [int(p.stem) for p in remaining] == [sealed + 1]
    spool.close()
    reopened = Spool(tmp_path, max_bytes=10**6)
    left = [
        e.event_id for _, entries in reopened.read_recovered() for x in entries for e in x.events
    ]
    assert left == [2, 3]
    reopened.close()


async def test_a_torn_last_entry_is_ignored(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.start()
    await spool.append([event(1)], [])
    spool.close()
    (segment,) = segments(tmp_path)
    torn = encode_entry([event(2)], [])
    with segment.open("ab") as handle:
        handle.write(torn[: len(torn) - 5])  # a crash in the middle of a write
    reopened = Spool(tmp_path, max_bytes=10**6)
    found = [
        e.event_id for _, entries in reopened.read_recovered() for x in entries for e in x.events
    ]
    assert found == [1]
    reopened.start()
    await reopened.append([event(3)], [])  # new entries go to a fresh segment
    reopened.close()


async def test_a_full_spool_refuses_until_released(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=2_000)
    spool.start()
    while not spool.is_full:
        await spool.append([event(1, url="https://example.com/" + "x" * 200)], [])
    with pytest.raises(SpoolFull):
        spool.append([event(2)], [])
    spool.release(await spool.seal())
    assert not spool.is_full
    await spool.append([event(3)], [])
    spool.close()


async def test_one_process_per_spool_directory(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    with pytest.raises(SpoolBroken, match="another Footfall process"):
        Spool(tmp_path, max_bytes=10**6)
    spool.close()
    Spool(tmp_path, max_bytes=10**6).close()  # free again once closed


async def test_a_failing_disk_fails_the_append(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.start()
    await spool.append([event(1)], [])
    # The segment can no longer be written (like a disk gone read-only under the writer).
    writable, spool._fd = spool._fd, os.open(os.devnull, os.O_RDONLY)
    os.close(writable)
    with pytest.raises(SpoolBroken):
        await spool.append([event(2)], [])
    with pytest.raises(SpoolBroken):
        spool.append([event(3)], [])  # and it stays refused: nothing is acknowledged
    spool.close()


async def test_entries_are_applied_in_order_before_their_seal_completes(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.start()
    applied: list[int] = []
    futures = [spool.append([event(i)], [], apply=lambda i=i: applied.append(i)) for i in range(5)]
    sealed = spool.seal()  # queued behind the five entries, before any was written
    later = spool.append([event(5)], [], apply=lambda: applied.append(5))
    assert await sealed == 1
    # Whoever waits for the seal finds every earlier entry applied (in the buffer).
    assert applied[:5] == [0, 1, 2, 3, 4]
    await asyncio.gather(*futures, later)
    assert applied == [0, 1, 2, 3, 4, 5]
    spool.close()


async def test_a_refused_entry_is_not_applied_and_frees_its_bytes(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.start()
    applied: list[int] = []
    await spool.append([event(1)], [], apply=lambda: applied.append(1))
    held = spool.size
    writable, spool._fd = spool._fd, os.open(os.devnull, os.O_RDONLY)
    os.close(writable)
    with pytest.raises(SpoolBroken):
        await spool.append([event(2)], [], apply=lambda: applied.append(2))
    assert applied == [1]
    assert spool.size == held  # the refused entry's bytes are not counted
    assert spool.refused == 1
    spool.close()
