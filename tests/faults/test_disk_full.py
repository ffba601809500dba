"""The spool's disk runs full: ingestion answers 503 with Retry-After (never a 500, never a 202
for an event that did not reach the disk), and recovers by itself once space is back.

The spool lives on a 4 MiB tmpfs mounted for the test (FOOTFALL_SPOOL_DIR), so the disk really
answers ENOSPC. Mounting needs root: CI runs the suite as root; elsewhere these tests skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.server import ServerProcess, ensure_site, sign_in
from footfall.store.records import EventRecord
from footfall.store.spool import Spool, SpoolFull
from tests.conftest import ScaleOut
from tests.faults.support import (
    DOMAIN,
    UNTHROTTLED,
    LoadProcess,
    server_errors,
    stored_in_clickhouse,
    stored_in_duckdb,
    verdict,
)
from tests.servers import ClickHouse, clickhouse

pytestmark = pytest.mark.slow

DISK = "4m"
T0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs, unmounted afterwards."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root (CI runs the tests as root)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK},mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> Path:
    """Take every free byte of the file system with a ballast file."""
    ballast = directory / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return ballast


def free_bytes(directory: Path) -> int:
    stats = os.statvfs(directory)
    return stats.f_bavail * stats.f_frsize


def big_event(i: int) -> EventRecord:
    return EventRecord(
        site_id=1,
        ts=T0 + timedelta(seconds=i),
        name="pageview",
        event_id=i + 1,
        url=f"https://example.com/{i}/" + "x" * 4000,
    )  # type: ignore[call-arg]


def spooled_ids(spool: Spool) -> list[int]:
    return [e.event_id for _, entries in spool.read_recovered() for x in entries for e in x.events]


# -- the spool alone on a full disk --------------------------------------------------------------


async def test_the_spool_cuts_a_failed_write_back_and_recovers(small_disk: Path) -> None:
    spool = Spool(small_disk / "worker-0", max_bytes=10**9)
    spool.start()
    acknowledged: list[int] = []
    refused = None
    for i in range(0, 10_000, 10):
        try:
            await spool.append([big_event(j) for j in range(i, i + 10)], [])
        except SpoolFull as exc:
            refused = exc
            break
        acknowledged.append(i)
    assert refused is not None, "the disk never ran full"
    assert "disk is full" in str(refused)
    # Right after, the spool refuses up front (no request does work that cannot be kept).
    assert spool.is_full
    with pytest.raises(SpoolFull):
        spool.append([big_event(0)], [])
    # The torn frame was cut off: the segment holds exactly what was acknowledged.
    (segment,) = sorted((small_disk / "worker-0").glob("*.wal"))
    entries = spool.read(int(segment.stem))
    assert [entry.events[0].event_id for entry in entries] == [i + 1 for i in acknowledged]

    # The store took everything: releasing the segment frees the disk, appends work again.
    spool.release(await spool.seal())
    assert not spool.is_full
    await spool.append([big_event(99_999)], [])
    assert not segment.exists()
    spool.close()

    reopened = Spool(small_disk / "worker-0", max_bytes=10**9)
    found = spooled_ids(reopened)
    assert found == [100_000]
    reopened.close()


async def test_a_segment_that_cannot_be_created_is_created_later(small_disk: Path) -> None:
    spool = Spool(small_disk / "worker-0", max_bytes=10**9)
    spool.start()
    await spool.append([big_event(1)], [])
    ballast = fill(small_disk)
    assert free_bytes(small_disk) == 0
    sealed = await spool.seal()  # the next segment's first write has no room
    with pytest.raises(SpoolFull):
        await spool.append([big_event(2)], [])
    ballast.unlink()
    await asyncio.sleep(0.6)  # the back-off after a full disk ends (no release came)
    await spool.append([big_event(3)], [])
    spool.release(sealed)
    spool.close()
    reopened = Spool(small_disk / "worker-0", max_bytes=10**9)
    found = spooled_ids(reopened)
    assert found == [4]
    reopened.close()


# -- a real server whose spool disk runs full --------------------------------------------------


@pytest.fixture
def cleanup() -> Iterator[list[Callable[[], object]]]:
    actions: list[Callable[[], object]] = []
    yield actions
    for action in reversed(actions):
        action()


def spool_files(directory: Path) -> list[Path]:
    return [p for p in directory.glob("worker-*/*.wal") if p.stat().st_size]


def check(summary: dict[str, object], log: Path) -> None:
    statuses = {int(k) for k in summary["statuses"]}  # type: ignore[attr-defined]
    assert statuses <= {202, 503}, summary["statuses"]  # never a 500, never a 4xx
    assert summary["missing_retry_after"] == 0
    assert summary["gave_up_events"] == 0
    assert set(summary["dropped"]) <= {"duplicate"}, summary["dropped"]  # type: ignore[arg-type]
    assert not server_errors(log)


def test_embedded_server_on_a_full_spool_disk(
    tmp_path: Path, small_disk: Path, cleanup: list[Callable[[], object]]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        "FOOTFALL_SPOOL_DIR": str(small_disk),
        # Only a full disk (or shutdown) makes the buffer write early: the spool fills up.
        "FOOTFALL_FLUSH_INTERVAL_S": "60",
        "FOOTFALL_FLUSH_MAX_EVENTS": "1000000",
    }
    server = ServerProcess(data_dir, env={**env, **UNTHROTTLED})
    server.start()
    cleanup.append(server.stop)
    site_id = ensure_site(server.url, sign_in(server.url), DOMAIN)
    load = LoadProcess(server.url, tmp_path / "load").start()
    cleanup.append(load.kill)

    # 1. The spool fills its own disk: 503s, then the buffer drains the spool and the same
    #    requests are acknowledged on their retry.
    refusals = load.wait_for_status(503)
    acked = load.wait_for_acks(int(load.summary()["acked_events"]))

    # 2. Something else takes the whole disk: refused until the space is back.
    ballast = fill(small_disk)
    refusals = load.wait_for_status(503, above=refusals)
    ballast.unlink()
    acked = load.wait_for_acks(int(load.summary()["acked_events"]))

    # 3. Acknowledged means on disk: a crash now loses nothing.
    summary = load.stop()
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    server.start()
    assert server.stop() in (0, -signal.SIGTERM)

    result = verdict(stored_in_duckdb(data_dir, site_id), load)
    print(
        f"\n[disk full, embedded] {result.describe()}; answers {summary['statuses']}, "
        f"acknowledged before the crash {acked:,}"
    )
    assert result.exactly_once, result
    check(summary, data_dir / "server.log")
    assert not spool_files(small_disk)  # drained; the disk is free again


@pytest.fixture
def own_clickhouse(tmp_path: Path) -> Iterator[ClickHouse]:
    with clickhouse(tmp_path / "clickhouse") as server:
        yield server


def test_scaleout_server_fills_its_spool_disk_while_clickhouse_is_down(
    tmp_path: Path,
    small_disk: Path,
    scaleout: ScaleOut,
    own_clickhouse: ClickHouse,
    cleanup: list[Callable[[], object]],
) -> None:
    database_url, _ = scaleout.databases()
    clickhouse_url = own_clickhouse.url(f"diskfull{scaleout.counter[0]}")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        "FOOTFALL_SPOOL_DIR": str(small_disk),
        "FOOTFALL_DATABASE_URL": database_url,
        "FOOTFALL_CLICKHOUSE_URL": clickhouse_url,
        "FOOTFALL_REDIS_URL": scaleout.redis.url,
        "FOOTFALL_REDIS_PREFIX": f"diskfull{scaleout.counter[0]}",
    }
    server = ServerProcess(data_dir, env={**env, **UNTHROTTLED})
    server.start()
    cleanup.append(server.stop)
    site_id = ensure_site(server.url, sign_in(server.url), DOMAIN)
    load = LoadProcess(server.url, tmp_path / "load").start()
    cleanup.append(load.kill)
    acked = load.wait_for_acks(0)

    own_clickhouse.stop()
    # Accepted while the spool has room (the spool limit is far above the disk's size) ...
    acked = load.wait_for_acks(acked)
    # ... then refused: the disk is full and nothing can drain it.
    refusals = load.wait_for_status(503)
    assert free_bytes(small_disk) < 256 * 1024
    own_clickhouse.start()
    acked = load.wait_for_acks(int(load.summary()["acked_events"]), within_s=90)

    summary = load.stop()
    assert server.stop() in (0, -signal.SIGTERM)
    result = verdict(stored_in_clickhouse(clickhouse_url, site_id), load)
    print(
        f"\n[disk full, scale-out, ClickHouse down] {result.describe()}; "
        f"answers {summary['statuses']} ({refusals} refusals seen while full)"
    )
    assert result.exactly_once, result
    check(summary, data_dir / "server.log")
    assert not spool_files(small_disk)
