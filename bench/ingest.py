"""`footfall bench ingest`: HTTP ingestion throughput and latency on loopback.

Runs a real server process (unless --url is given), loads it with realistic single events and
batches of 10 from this (separate) process, then checks every acknowledged event was stored.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import uvloop

from bench import wrk
from bench.loadgen import LoadResult, build_request, run_load
from bench.payloads import simulated_events, wire_body
from bench.server import ServerProcess, cpu_seconds, ensure_site, memory_kb, sign_in

DOMAIN = "ingest.bench.footfall.dev"
TARGET_SINGLE_RPS = 5_000
TARGET_BATCH_EVENTS = 30_000


def _requests(batch: int, count: int, host: str) -> list[bytes]:
    events = simulated_events(DOMAIN, count)
    requests = []
    for start in range(0, len(events) - batch + 1, batch):
        chunk = events[start : start + batch]
        payload = [wire_body(e) for e in chunk] if batch > 1 else wire_body(chunk[0])
        headers = {
            "Content-Type": "text/plain",
            "User-Agent": chunk[0].user_agent,
            "X-Forwarded-For": chunk[0].ip,
        }
        path = "/api/events" if batch > 1 else "/api/event"
        requests.append(build_request(host, path, json.dumps(payload).encode(), headers))
    return requests


def _report(name: str, result: LoadResult, batch: int, cpu: float | None) -> float:
    rps = result.requests / result.seconds
    eps = rps * batch
    print(
        f"{name:<14} {rps:>8,.0f} req/s {eps:>8,.0f} events/s  "
        f"p50 {result.p50:6.2f} ms  p95 {result.p95:6.2f} ms  p99 {result.p99:6.2f} ms  "
        f"202: {result.ok:,}  non-202: {result.failed:,}  errors: {result.errors}"
        + (f"  server CPU {cpu:.0%}" if cpu is not None else "")
    )
    return eps


def _load(url: str, requests: list[bytes], connections: int, seconds: float) -> LoadResult:
    if wrk.available():
        return wrk.run_wrk(url, requests, connections=connections, seconds=seconds)
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    return asyncio.run(run_load(host, port, requests, connections=connections, seconds=seconds))


def _count_rows(data_dir: Path, site_id: int) -> int:
    """Events stored for the site, read from the DuckDB file after the server stopped."""
    import duckdb

    with duckdb.connect(str(data_dir / "events.duckdb"), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM events WHERE site_id = ?", [site_id]).fetchone()
    return int(row[0]) if row else 0


def main(*, url: str | None, seconds: float, connections: int) -> None:
    """Run both load phases and print figures and target ratios."""
    uvloop.install()
    server = None
    if url is None:
        server = ServerProcess(Path(tempfile.mkdtemp(prefix="footfall-bench-")))
        server.start()
        url = server.url
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    try:
        token = sign_in(url)
        site_id = ensure_site(url, token, DOMAIN)
        print(f"Generating requests from simulated traffic ({DOMAIN}) ...")
        single = _requests(1, 60_000, f"{host}:{port}")
        batched = _requests(10, 200_000, f"{host}:{port}")
        if server:
            time.sleep(1.0)
            print(f"idle server RSS: {memory_kb(server.pid, 'VmRSS') / 1024:.0f} MB")
        generator = "wrk" if wrk.available() else "Python asyncio (install wrk for lower overhead)"
        print(
            f"{connections} keep-alive connections, {seconds:.0f} s per phase, loopback, "
            f"load from {generator}\n"
        )
        acknowledged = 0
        figures: dict[str, float] = {}
        for name, requests, batch in (("single events", single, 1), ("batches of 10", batched, 10)):
            warmup = _load(url, requests[:2000], connections, 1.0)
            cpu_before = cpu_seconds(server.pid) if server else 0.0
            result = _load(url, requests, connections, seconds)
            cpu = (cpu_seconds(server.pid) - cpu_before) / seconds if server else None
            figures[name] = _report(name, result, batch, cpu)
            acknowledged += warmup.accepted_events + result.accepted_events
        print(
            f"\nsingle events: {figures['single events'] / TARGET_SINGLE_RPS:.2f}x the "
            f"{TARGET_SINGLE_RPS:,} req/s target;  batches: "
            f"{figures['batches of 10'] / TARGET_BATCH_EVENTS:.2f}x the "
            f"{TARGET_BATCH_EVENTS:,} events/s target"
        )
        if server:
            print(f"peak server RSS: {memory_kb(server.pid, 'VmHWM') / 1024:.0f} MB")
            # A graceful stop must write everything acknowledged; count the stored rows.
            server.stop()
            stored = _count_rows(server.data_dir, site_id)
            # wrk stops reading at its deadline; requests still in flight are stored too.
            verdict = (
                f"none lost; {stored - acknowledged:,} more were in flight when the load stopped"
                if stored >= acknowledged
                else f"LOST {acknowledged - stored:,}"
            )
            print(f"acknowledged {acknowledged:,} events; stored {stored:,} ({verdict})")
    finally:
        if server:
            server.stop()
