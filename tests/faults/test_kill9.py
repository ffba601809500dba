"""`kill -9` a real `footfall serve` at random moments under load, many times: every event it
acknowledged with a 2xx is stored exactly once, and no event is stored twice.

The load comes from a separate process (tests/faults/ackload.py) that resends every batch not
acknowledged, with the same event ids, until a 2xx answers it (so events the server processed
or spooled but never acknowledged come back as duplicates, and must be recognized). The server
is restarted on the same data dir after each kill; kills land while requests are in flight,
while batches are being written to the store, and during the replay of the spool at start-up.
At the end the load drains, the server stops gracefully, and the store is read directly.

Loopback only, bounded (a fixed number of kills, each wait bounded), seeded: set
FOOTFALL_FAULT_SEED to replay a run, FOOTFALL_FAULT_KILLS to change the number of kills.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.server import ServerProcess, ensure_site, sign_in
from tests.conftest import ScaleOut
from tests.faults.support import (
    DOMAIN,
    UNTHROTTLED,
    LoadProcess,
    Verdict,
    server_errors,
    stored_in_clickhouse,
    stored_in_duckdb,
    verdict,
)

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("FOOTFALL_FAULT_SEED", "20250610"))
KILLS = int(os.environ.get("FOOTFALL_FAULT_KILLS", "20"))
SCALEOUT_KILLS = max(1, KILLS // 3)
# Flush often, so kills also land while batches are written and spool segments released.
SERVER_ENV = {"FOOTFALL_FLUSH_INTERVAL_S": "0.3"}


@pytest.fixture
def cleanup() -> Iterator[list[Callable[[], object]]]:
    actions: list[Callable[[], object]] = []
    yield actions
    for action in reversed(actions):
        action()


def kill_campaign(server: ServerProcess, load: LoadProcess, kills: int, seed: int) -> int:
    """Kill and restart the server `kills` times at seeded random moments; returns the
    number of kills."""
    rng = random.Random(seed)
    acked = load.wait_for_acks(0)
    done = 0
    for _ in range(kills):
        moment = rng.random()
        if moment < 0.2:
            pause = rng.uniform(0.0, 0.3)  # right after start: during the spool replay
        else:
            acked = load.wait_for_acks(acked)  # under load
            pause = rng.uniform(0.0, 0.4) if moment < 0.6 else rng.uniform(0.4, 2.0)
        time.sleep(pause)
        assert server.process is not None
        server.process.kill()  # SIGKILL: no cleanup of any kind
        server.process.wait()
        done += 1
        time.sleep(rng.uniform(0.0, 0.3))  # clients see refused connections
        server.start()
    load.wait_for_acks(acked)  # the last restart serves again
    return done


def report(
    profile: str, seed: int, kills: int, result: Verdict, summary: dict[str, object]
) -> None:
    line = (
        f"\n[kill -9, {profile}] seed {seed}: {kills} kills survived; {result.describe()}; "
        f"answers {summary['statuses']}, resent and recognized {summary['dropped']}, "
        f"connection errors {summary['connection_errors']}"
    )
    print(line)


def check(result: Verdict, summary: dict[str, object], log: Path) -> None:
    assert result.exactly_once, result
    statuses = {int(k): v for k, v in summary["statuses"].items()}  # type: ignore[attr-defined]
    assert all(s == 202 or s == 503 for s in statuses), statuses  # never a 500 or a 4xx
    assert summary["missing_retry_after"] == 0
    assert summary["gave_up_events"] == 0
    assert summary["rejected"] == 0
    assert set(summary["dropped"]) <= {"duplicate"}, summary["dropped"]  # type: ignore[arg-type]
    assert not server_errors(log)


def test_kill9_embedded(tmp_path: Path, cleanup: list[Callable[[], object]]) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = ServerProcess(data_dir, env={**SERVER_ENV, **UNTHROTTLED})
    server.start()
    cleanup.append(server.stop)
    site_id = ensure_site(server.url, sign_in(server.url), DOMAIN)
    load = LoadProcess(server.url, tmp_path / "load").start()
    cleanup.append(load.kill)

    kills = kill_campaign(server, load, KILLS, SEED)
    time.sleep(0.5)
    summary = load.stop()
    assert server.stop() in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled

    result = verdict(stored_in_duckdb(data_dir, site_id), load)
    report("embedded", SEED, kills, result, summary)
    check(result, summary, data_dir / "server.log")
    assert not [p for p in data_dir.glob("spool/*/*.wal") if p.stat().st_size]  # drained


def test_kill9_scaleout(
    tmp_path: Path, scaleout: ScaleOut, cleanup: list[Callable[[], object]]
) -> None:
    database_url, clickhouse_url = scaleout.databases()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        **SERVER_ENV,
        "FOOTFALL_DATABASE_URL": database_url,
        "FOOTFALL_CLICKHOUSE_URL": clickhouse_url,
        "FOOTFALL_REDIS_URL": scaleout.redis.url,
        "FOOTFALL_REDIS_PREFIX": f"kill{scaleout.counter[0]}",
    }
    server = ServerProcess(data_dir, env={**env, **UNTHROTTLED})
    server.start()
    cleanup.append(server.stop)
    site_id = ensure_site(server.url, sign_in(server.url), DOMAIN)
    load = LoadProcess(server.url, tmp_path / "load").start()
    cleanup.append(load.kill)

    kills = kill_campaign(server, load, SCALEOUT_KILLS, SEED + 1)
    time.sleep(0.5)
    summary = load.stop()
    assert server.stop() in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled

    found: Counter[str] = stored_in_clickhouse(clickhouse_url, site_id)
    result = verdict(found, load)
    report("scale-out", SEED + 1, kills, result, summary)
    check(result, summary, data_dir / "server.log")
