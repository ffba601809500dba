"""Shared parts of the fault-injection tests: the load process, the stored-event counts, and the
exactly-once verdict."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "faults.example"
PATH_PREFIX = "/k/"


@dataclass
class LoadProcess:
    """tests/faults/ackload.py running as a separate process."""

    url: str
    out: Path
    domain: str = DOMAIN
    workers: int = 6
    seconds: float = 400.0  # a hard bound; tests stop it much earlier
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> LoadProcess:
        self.out.mkdir(parents=True, exist_ok=True)
        log = (self.out / "load.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.faults.ackload",
                "--url",
                self.url,
                "--domain",
                self.domain,
                "--out",
                str(self.out),
                "--workers",
                str(self.workers),
                "--seconds",
                str(self.seconds),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        return self

    def summary(self) -> dict[str, Any]:
        path = self.out / "summary.json"
        if not path.exists():
            return {"acked_events": 0, "statuses": {}, "done": False}
        return dict(json.loads(path.read_text()))

    def wait_for_acks(self, above: int, within_s: float = 60.0) -> int:
        """Wait until more than `above` events were acknowledged; returns the count."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            self._check_alive()
            acked = int(self.summary()["acked_events"])
            if acked > above:
                return acked
            time.sleep(0.05)
        raise AssertionError(f"no acknowledgement for {within_s:.0f} s: {self.summary()}")

    def wait_for_status(self, status: int, above: int = 0, within_s: float = 60.0) -> int:
        """Wait until the server answered `status` more than `above` times."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            self._check_alive()
            seen = int(self.summary()["statuses"].get(str(status), 0))
            if seen > above:
                return seen
            time.sleep(0.05)
        raise AssertionError(f"no {status} answer within {within_s:.0f} s: {self.summary()}")

    def _check_alive(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            log = (self.out / "load.log").read_text(errors="replace")[-3000:]
            raise AssertionError(f"the load process exited early:\n{log}")

    def stop(self, timeout: float = 120.0) -> dict[str, Any]:
        """Stop sending new batches, let the ones in flight be acknowledged, wait for exit."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the load process did not stop") from None
        summary = self.summary()
        assert summary["done"], (self.out / "load.log").read_text(errors="replace")[-3000:]
        return summary

    def kill(self) -> None:
        """Cleanup after a failed test."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def acked(self) -> list[str]:
        return (self.out / "acked.log").read_text().split()

    def sent(self) -> list[str]:
        return (self.out / "sent.log").read_text().split()


@dataclass
class Verdict:
    """Acknowledged events against stored ones."""

    sent: int
    acked: int
    stored: int  # distinct ids stored
    stored_rows: int
    missing: list[str] = field(default_factory=list)  # acknowledged, not stored
    doubled: dict[str, int] = field(default_factory=dict)  # stored more than once
    unknown: list[str] = field(default_factory=list)  # stored, never sent
    unacked_stored: int = 0  # sent, never acknowledged, stored once (allowed)

    @property
    def exactly_once(self) -> bool:
        return not (self.missing or self.doubled or self.unknown)

    def describe(self) -> str:
        return (
            f"sent {self.sent:,} events, acknowledged {self.acked:,}, found {self.stored:,} "
            f"({self.stored_rows:,} rows); missing {len(self.missing)}, stored twice "
            f"{len(self.doubled)}, never sent {len(self.unknown)}, "
            f"unacknowledged but stored once {self.unacked_stored}"
        )


def verdict(stored: Counter[str], load: LoadProcess) -> Verdict:
    """Every acknowledged id stored exactly once, nothing stored twice, nothing invented."""
    acked = set(load.acked())
    sent = set(load.sent())
    assert acked <= sent
    return Verdict(
        sent=len(sent),
        acked=len(acked),
        stored=len(stored),
        stored_rows=sum(stored.values()),
        missing=sorted(acked - stored.keys())[:20],
        doubled={k: v for k, v in stored.items() if v > 1},
        unknown=sorted(stored.keys() - sent)[:20],
        unacked_stored=len((stored.keys() & sent) - acked),
    )


def _ids(rows: list[tuple[Any, ...]]) -> Counter[str]:
    found: Counter[str] = Counter()
    for pathname, count in rows:
        assert str(pathname).startswith(PATH_PREFIX), pathname
        found[str(pathname)[len(PATH_PREFIX) :]] += int(count)
    return found


def stored_in_duckdb(data_dir: Path, site_id: int) -> Counter[str]:
    """Stored events per client id, read from the DuckDB file (after the server stopped)."""
    import duckdb

    with duckdb.connect(str(data_dir / "events.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT pathname, count(*) FROM events WHERE site_id = ? GROUP BY pathname",
            [site_id],
        ).fetchall()
    return _ids(rows)


def stored_in_clickhouse(url: str, site_id: int) -> Counter[str]:
    """Stored events per client id, read from ClickHouse."""
    from clickhouse_driver import Client

    parts = urlsplit(url)
    client = Client(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 9000,
        database=parts.path.lstrip("/"),
    )
    try:
        rows = client.execute(
            "SELECT pathname, count() FROM events WHERE site_id = %(site)s GROUP BY pathname",
            {"site": site_id},
        )
    finally:
        client.disconnect()
    return _ids(rows)


def server_errors(log: Path) -> list[str]:
    """Lines of a server log that report an internal error."""
    if not log.exists():
        return []
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "Internal server error" in line or "ingestion failed" in line
    ]


# The fault load comes from five client addresses at thousands of events per second, far above
# a visitor's flood-control budget; these tests are about durability, so flood control is off.
UNTHROTTLED = {"FOOTFALL_RATE_LIMIT": "false"}
