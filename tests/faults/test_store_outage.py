"""ClickHouse stopped and started again (killed, mid-insert) while a separate process keeps
sending: every acknowledged event is stored exactly once.

tests/scaleout/test_outages.py covers one quiet outage step by step (in-process); here the
outages happen under continuous load from another process, against a real server:
- short outages: the spool takes everything, and the batches written when ClickHouse is back
  are retried idempotently (a killed insert may have landed before its answer was lost);
- a long outage: the spool reaches FOOTFALL_SPOOL_MAX_MB and ingestion answers 503 with
  Retry-After until ClickHouse is back;
- the Footfall server killed (-9) during an outage and started again while ClickHouse is still
  away: it comes up, keeps spooling, and replays the earlier run's spool once ClickHouse is back.
"""

from __future__ import annotations

import contextlib
import random
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bench.server import ServerProcess, ensure_site, sign_in
from tests.conftest import ScaleOut
from tests.faults.support import (
    DOMAIN,
    UNTHROTTLED,
    LoadProcess,
    server_errors,
    stored_in_clickhouse,
    verdict,
)
from tests.servers import ClickHouse, clickhouse

pytestmark = pytest.mark.slow

SEED = 8


@pytest.fixture
def own_clickhouse(tmp_path: Path) -> Iterator[ClickHouse]:
    with clickhouse(tmp_path / "clickhouse") as server:
        yield server


@pytest.fixture
def cleanup() -> Iterator[list[Callable[[], object]]]:
    actions: list[Callable[[], object]] = []
    yield actions
    for action in reversed(actions):
        action()


def drained(server: ServerProcess, within_s: float = 60.0) -> None:
    """Wait until the server has written its backlog to ClickHouse."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            ready = httpx.get(f"{server.url}/readyz", timeout=5)
            if ready.status_code == 200 and ready.json()["buffered_events"] < 1000:
                return
        time.sleep(0.1)
    raise AssertionError("the backlog was never written")


def test_clickhouse_stopped_and_started_under_load(
    tmp_path: Path,
    scaleout: ScaleOut,
    own_clickhouse: ClickHouse,
    cleanup: list[Callable[[], object]],
) -> None:
    rng = random.Random(SEED)
    database_url, _ = scaleout.databases()
    clickhouse_url = own_clickhouse.url(f"outage{scaleout.counter[0]}")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        "FOOTFALL_DATABASE_URL": database_url,
        "FOOTFALL_CLICKHOUSE_URL": clickhouse_url,
        "FOOTFALL_REDIS_URL": scaleout.redis.url,
        "FOOTFALL_REDIS_PREFIX": f"outage{scaleout.counter[0]}",
        "FOOTFALL_FLUSH_INTERVAL_S": "0.2",  # inserts are running when ClickHouse is killed
        "FOOTFALL_SPOOL_MAX_MB": "2",
    }
    server = ServerProcess(data_dir, env={**env, **UNTHROTTLED})
    server.start()
    cleanup.append(server.stop)
    site_id = ensure_site(server.url, sign_in(server.url), DOMAIN)
    load = LoadProcess(server.url, tmp_path / "load").start()
    cleanup.append(load.kill)
    acked = load.wait_for_acks(0)

    outages = 0
    # Short outages (ClickHouse killed mid-insert): the spool holds what ClickHouse cannot take
    # (or, once at its limit, ingestion answers 503), and everything is written once it is back.
    for _ in range(3):
        acked = load.wait_for_acks(acked)
        time.sleep(rng.uniform(0.0, 0.5))
        own_clickhouse.stop()  # SIGKILL, whatever it is doing
        outages += 1
        time.sleep(rng.uniform(0.2, 1.5))
        own_clickhouse.start()
        acked = load.wait_for_acks(int(load.summary()["acked_events"]), within_s=90)
        drained(server)

    # A long outage: the spool fills up to its limit, and ingestion answers 503.
    own_clickhouse.stop()
    outages += 1
    refusals = load.wait_for_status(503)
    # The server dies during the outage and comes back while ClickHouse is still away.
    assert server.process is not None
    server.process.kill()
    server.process.wait()
    server.start(ready_path="/healthz")  # /readyz says 503 until ClickHouse is back
    refusals = load.wait_for_status(503, above=refusals)
    own_clickhouse.start()
    acked = load.wait_for_acks(int(load.summary()["acked_events"]), within_s=90)

    time.sleep(0.5)
    summary = load.stop()
    assert server.stop() in (0, -signal.SIGTERM)
    result = verdict(stored_in_clickhouse(clickhouse_url, site_id), load)
    print(
        f"\n[ClickHouse outages under load] {outages} outages (ClickHouse killed), 1 server "
        f"kill during an outage; {result.describe()}; answers {summary['statuses']}, "
        f"connection errors {summary['connection_errors']}"
    )
    assert result.exactly_once, result
    statuses = {int(k) for k in summary["statuses"]}
    assert statuses <= {202, 503}, summary["statuses"]
    assert summary["missing_retry_after"] == 0
    assert summary["gave_up_events"] == 0
    assert set(summary["dropped"]) <= {"duplicate"}, summary["dropped"]
    assert not server_errors(data_dir / "server.log")
    assert not [p for p in data_dir.glob("spool/*/*.wal") if p.stat().st_size]
