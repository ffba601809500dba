"""`footfall serve --workers N`: N processes on one port; a dead worker comes back and loses
nothing; the embedded profile refuses to run several writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bench.server import ServerProcess
from tests.conftest import CHROME_WINDOWS, ScaleOut

pytestmark = pytest.mark.slow


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def test_embedded_profile_refuses_several_workers(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "footfall", "serve", "--workers", "2"],
        env={**os.environ, "FOOTFALL_DATA_DIR": str(tmp_path), "FOOTFALL_PORT": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "FOOTFALL_CLICKHOUSE_URL" in result.stdout


def test_workers_share_the_port_and_a_killed_worker_comes_back(
    tmp_path: Path, scaleout: ScaleOut
) -> None:
    database_url, clickhouse_url = scaleout.databases()
    server = ServerProcess(
        tmp_path,
        args=["--workers", "2"],
        env={
            "FOOTFALL_DATABASE_URL": database_url,
            "FOOTFALL_CLICKHOUSE_URL": clickhouse_url,
            "FOOTFALL_REDIS_URL": scaleout.redis.url,
            "FOOTFALL_REDIS_PREFIX": "workers-test",
            "FOOTFALL_SECRET_KEY": "workers-test-secret-key-0123456789-0123456789",
            "FOOTFALL_FLUSH_INTERVAL_S": "0.2",
        },
    )
    server.start()
    try:
        wait_for(lambda: len(children_of(server.pid)) == 2)
        first, second = children_of(server.pid)
        token = httpx.post(
            f"{server.url}/api/v1/auth/register",
            json={"email": "w@example.com", "password": "long enough pw"},
            timeout=30,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        httpx.post(
            f"{server.url}/api/v1/sites", json={"domain": "w.example"}, headers=headers
        ).raise_for_status()

        def send(n: int, offset: int) -> None:
            for i in range(n):
                # A new connection per request, so the kernel spreads them over the workers.
                response = httpx.post(
                    f"{server.url}/api/event",
                    json={
                        "n": "pageview",
                        "u": f"https://w.example/{offset + i}",
                        "d": "w.example",
                    },
                    headers={"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": "85.214.1.1"},
                    timeout=30,
                )
                assert response.status_code == 202, response.text
                assert "x-footfall-dropped" not in response.headers

        send(30, 0)
        os.kill(first, signal.SIGKILL)
        send(30, 30)  # the other worker keeps serving while the first one is started again
        wait_for(lambda: len(children_of(server.pid)) == 2 and first not in children_of(server.pid))
        assert second in children_of(server.pid)
        send(30, 60)

        query = {
            "site_id": 1,
            "date_range": "all",
            "metrics": ["pageviews", "visitors", "visits"],
        }

        def counted() -> bool:
            response = httpx.post(
                f"{server.url}/api/v1/query", json=query, headers=headers, timeout=30
            )
            return bool(response.json()["results"][0]["metrics"] == [90, 1, 1])

        # Every acknowledged event is counted once, and the visit continued across processes.
        wait_for(counted)
    finally:
        assert server.stop() == 0
    assert children_of(server.pid) == []
