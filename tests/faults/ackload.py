"""A load generator for fault-injection tests, run as its own process:

    python -m tests.faults.ackload --url http://127.0.0.1:PORT --domain D --out DIR

It posts batches of pageviews, each event with a unique client id (`id`) and a unique URL
(`/k/<id>`), and behaves like a careful server-side client: a batch that was not acknowledged
(connection refused or reset while the server was killed, a timeout, a 503) is sent again with
the same ids until a 2xx answers it. Every id a 2xx answered is appended to DIR/acked.log
(flushed and fsynced every few hundred milliseconds and at exit); every id sent at least once
goes to DIR/sent.log; DIR/summary.json holds the counters (rewritten atomically).

It stops by itself: on SIGTERM (or after --seconds) it stops starting batches, keeps resending
the ones in flight until they are acknowledged (for at most --drain-seconds), then exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# Residential addresses in several countries (visitors differ by worker).
IPS = ("84.72.166.162", "190.176.128.117", "81.2.69.160", "193.51.224.1", "62.2.135.232")


@dataclass
class Counters:
    """What the load saw; written to summary.json."""

    batches: int = 0  # distinct batches started
    sent_events: int = 0  # distinct ids sent at least once
    acked_events: int = 0  # distinct ids a 2xx answered
    attempts: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    missing_retry_after: int = 0  # 503 answers without a Retry-After header
    dropped: Counter[str] = field(default_factory=Counter)  # drop reasons in 2xx answers
    rejected: int = 0  # events a 2xx answer rejected as invalid
    gave_up_events: int = 0  # ids still unacknowledged when the drain time ran out
    done: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "sent_events": self.sent_events,
            "acked_events": self.acked_events,
            "attempts": self.attempts,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "connection_errors": self.connection_errors,
            "missing_retry_after": self.missing_retry_after,
            "dropped": dict(self.dropped),
            "rejected": self.rejected,
            "gave_up_events": self.gave_up_events,
            "done": self.done,
        }


class Journal:
    """Append-only id logs, flushed and fsynced in the background and at the end."""

    def __init__(self, out: Path) -> None:
        self.acked = (out / "acked.log").open("a", encoding="utf-8")
        self.sent = (out / "sent.log").open("a", encoding="utf-8")
        self._acked: list[str] = []
        self._sent: list[str] = []

    def note_sent(self, ids: list[str]) -> None:
        self._sent.extend(ids)

    def note_acked(self, ids: list[str]) -> None:
        self._acked.extend(ids)

    def sync(self) -> None:
        """Write and fsync what was noted so far (safe to run in a thread while the event loop
        notes more: each list is swapped out before it is written)."""
        sent, self._sent = self._sent, []
        acked, self._acked = self._acked, []
        for handle, ids in ((self.sent, sent), (self.acked, acked)):
            if ids:
                handle.write("".join(f"{i}\n" for i in ids))
            handle.flush()
            os.fsync(handle.fileno())

    def close(self) -> None:
        self.sync()
        self.acked.close()
        self.sent.close()


class Load:
    """Workers posting batches until told to stop."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.url = args.url.rstrip("/") + "/api/events"
        self.domain = args.domain
        self.batch = args.batch
        self.workers = args.workers
        self.prefix = args.prefix
        self.retry_cap = args.retry_cap
        self.out = Path(args.out)
        self.deadline = time.monotonic() + args.seconds
        self.drain_s = args.drain_seconds
        self.counters = Counters()
        self.journal = Journal(self.out)
        self.stopping = asyncio.Event()
        self.drain_deadline = float("inf")

    def stop(self) -> None:
        if not self.stopping.is_set():
            self.drain_deadline = time.monotonic() + self.drain_s
            self.stopping.set()

    async def run(self) -> None:
        limits = httpx.Limits(max_connections=self.workers, max_keepalive_connections=self.workers)
        timeout = httpx.Timeout(10.0, connect=2.0)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            reporter = asyncio.create_task(self._report_loop())
            await asyncio.gather(*(self._worker(client, w) for w in range(self.workers)))
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
        self.counters.done = True
        self.journal.close()
        self._write_summary()

    async def _worker(self, client: httpx.AsyncClient, worker: int) -> None:
        ip = IPS[worker % len(IPS)]
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": ip, "Content-Type": "text/plain"}
        seq = 0
        while not self.stopping.is_set() and time.monotonic() < self.deadline:
            ids = [f"{self.prefix}w{worker}-{seq + i}" for i in range(self.batch)]
            seq += self.batch
            self.counters.batches += 1
            self.counters.sent_events += len(ids)
            self.journal.note_sent(ids)
            domain = self.domain
            events = [
                {"n": "pageview", "u": f"https://{domain}/k/{i}", "d": domain, "id": i} for i in ids
            ]
            body = json.dumps(events).encode()
            if not await self._deliver(client, headers, ids, body):
                self.counters.gave_up_events += len(ids)
                return
        self.stop()  # one worker reaching the deadline stops the rest

    async def _deliver(
        self, client: httpx.AsyncClient, headers: dict[str, str], ids: list[str], body: bytes
    ) -> bool:
        """Send one batch until a 2xx answers it; False when the drain time ran out."""
        while time.monotonic() < self.drain_deadline:
            if time.monotonic() > self.deadline:
                self.stop()  # the hard bound: drain, then give up
            self.counters.attempts += 1
            try:
                response = await client.post(self.url, content=body, headers=headers)
            except httpx.HTTPError:
                self.counters.connection_errors += 1
                await asyncio.sleep(0.05)
                continue
            status = response.status_code
            self.counters.statuses[status] += 1
            if 200 <= status < 300:
                self._acknowledged(ids, response)
                return True
            if status == 503:
                retry_after = response.headers.get("retry-after")
                if retry_after is None:
                    self.counters.missing_retry_after += 1
                    retry_after = "1"
                await asyncio.sleep(min(float(retry_after), self.retry_cap))
                continue
            # Anything else (a 4xx for a valid batch, a 500) is a finding: record, resend.
            await asyncio.sleep(0.05)
        return False

    def _acknowledged(self, ids: list[str], response: httpx.Response) -> None:
        answer = response.json()
        for reason, count in answer.get("dropped", {}).items():
            self.counters.dropped[reason] += count
        rejected = {item.get("index") for item in answer.get("rejected", [])}
        self.counters.rejected += len(rejected)
        acked = [i for n, i in enumerate(ids) if n not in rejected]
        self.counters.acked_events += len(acked)
        self.journal.note_acked(acked)

    async def _report_loop(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            await asyncio.to_thread(self.journal.sync)
            self._write_summary()

    def _write_summary(self) -> None:
        temporary = self.out / "summary.json.tmp"
        temporary.write_text(json.dumps(self.counters.as_json()))
        temporary.replace(self.out / "summary.json")


def main() -> None:
    """Parse options, run until stopped, write the summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--prefix", default="e")
    parser.add_argument("--seconds", type=float, default=300.0, help="hard bound on the load")
    parser.add_argument("--drain-seconds", type=float, default=60.0)
    parser.add_argument("--retry-cap", type=float, default=0.25, help="longest 503 back-off")
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)

    async def run() -> None:
        load = Load(args)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, load.stop)
        await load.run()

    asyncio.run(run())


if __name__ == "__main__":
    main()
