"""A real `footfall serve` process: acknowledged events survive SIGTERM and SIGINT."""

from __future__ import annotations

import signal
from pathlib import Path

import duckdb
import httpx
import pytest

from bench.server import ServerProcess
from tests.conftest import CHROME_WINDOWS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_graceful_stop_writes_every_acknowledged_event(tmp_path: Path, stop_signal: int) -> None:
    # A long flush interval: everything acknowledged is still in memory when the signal lands.
    server = ServerProcess(tmp_path, env={"FOOTFALL_FLUSH_INTERVAL_S": "60"})
    server.start()
    acknowledged = 0
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            token = client.post(
                "/api/v1/auth/register",
                json={"email": "a@example.com", "password": "long enough pw"},
            ).json()["access_token"]
            client.post(
                "/api/v1/sites",
                json={"domain": "example.com"},
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
            for i in range(40):
                batch = [
                    {"n": "pageview", "u": f"https://example.com/p{i}/{j}", "d": "example.com"}
                    for j in range(10)
                ]
                response = client.post(
                    "/api/events",
                    json=batch,
                    headers={
                        "User-Agent": CHROME_WINDOWS,
                        "X-Forwarded-For": f"85.214.132.{i + 1}",
                    },
                )
                assert response.status_code == 202
                acknowledged += response.json()["accepted"]
        assert server.process is not None
        server.process.send_signal(stop_signal)
        # uvicorn finishes its graceful shutdown, then re-raises the signal for the exit status.
        assert server.process.wait(30) in (0, -stop_signal)
    finally:
        server.stop()
    with duckdb.connect(str(tmp_path / "events.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM events").fetchone()
        sessions = con.execute("SELECT count(*), sum(pageviews) FROM sessions").fetchone()
    assert acknowledged == 400
    assert stored == (400,)
    assert sessions == (40, 400)
