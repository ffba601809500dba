"""`footfall bench ingest`: HTTP ingestion throughput and latency on loopback.

Runs a real server process (unless --url is given), loads it with realistic single events and
batches of 10 from this (separate) process, then checks every acknowledged event was stored.

`--durable` measures what the write-ahead spool costs: the batches-of-10 phase against a server
with the spool on (FOOTFALL_SPOOL=true, the default: every 202 waits for an fsync) and one with
it off, alternating over several rounds on the same machine; it prints the medians and their
ratio (target: the spool keeps at least 80% of the throughput).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import uvloop

from bench import wrk
from bench.loadgen import LoadResult, build_request, run_load
from bench.payloads import simulated_events, wire_body
from bench.server import ServerProcess, cpu_seconds, ensure_site, memory_kb, sign_in
from footfall.demo.traffic import SimulatedEvent

DOMAIN = "ingest.bench.footfall.dev"
TARGET_SINGLE_RPS = 5_000
TARGET_BATCH_EVENTS = 30_000
TARGET_SPOOL_RATIO = 0.80  # events/s with the spool on, over events/s with it off


def _requests(
    batch: int, count: int, host: str, events: list[SimulatedEvent] | None = None
) -> list[bytes]:
    events = events if events is not None else simulated_events(DOMAIN, count)
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


def main(
    *, url: str | None, seconds: float, connections: int, durable: bool = False, rounds: int = 3
) -> None:
    """Run both load phases and print figures and target ratios."""
    uvloop.install()
    if durable:
        if url is not None:
            raise SystemExit("--durable starts its own servers (one per setting): drop --url")
        durable_main(seconds=seconds, connections=connections, rounds=rounds)
        return
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


def _durable_phase(
    spool: bool, events: list[SimulatedEvent], seconds: float, connections: int
) -> tuple[LoadResult, float, int, int]:
    """One batches-of-10 phase against a fresh server; returns the load figures, the server's
    CPU share, and the events acknowledged and stored."""
    server = ServerProcess(
        Path(tempfile.mkdtemp(prefix="footfall-bench-durable-")),
        env={"FOOTFALL_SPOOL": "true" if spool else "false"},
    )
    server.start()
    try:
        site_id = ensure_site(server.url, sign_in(server.url), DOMAIN)
        requests = _requests(10, len(events), f"127.0.0.1:{server.port}", events)
        warmup = _load(server.url, requests[:2000], connections, 1.0)
        cpu_before = cpu_seconds(server.pid)
        result = _load(server.url, requests, connections, seconds)
        cpu = (cpu_seconds(server.pid) - cpu_before) / result.seconds
    finally:
        server.stop()
    stored = _count_rows(server.data_dir, site_id)
    shutil.rmtree(server.data_dir, ignore_errors=True)
    os.sync()  # the next phase starts on a quiet disk (no write-back of this one's files)
    return result, cpu, warmup.accepted_events + result.accepted_events, stored


def durable_main(*, seconds: float, connections: int, rounds: int) -> None:
    """Batches of 10 with the spool on and off, alternating; medians and their ratio."""
    print(f"Generating requests from simulated traffic ({DOMAIN}) ...")
    events = simulated_events(DOMAIN, 200_000)
    generator = "wrk" if wrk.available() else "Python asyncio (install wrk for lower overhead)"
    print(
        f"batches of 10, {connections} keep-alive connections, {seconds:.0f} s per phase, "
        f"{rounds} rounds (spool on and off alternating, a fresh server each), loopback, "
        f"load from {generator}\n"
    )
    # The machine's first phase runs slower, whichever setting it has: warm up, uncounted.
    result, cpu, _, _ = _durable_phase(True, events, min(seconds, 3.0), connections)
    _report("warm-up", result, 10, cpu)
    figures: dict[bool, list[float]] = {True: [], False: []}
    lost = 0
    for round_ in range(rounds):
        order = (True, False) if round_ % 2 == 0 else (False, True)
        for spool in order:
            result, cpu, acknowledged, stored = _durable_phase(spool, events, seconds, connections)
            name = f"spool {'on' if spool else 'off'} #{round_ + 1}"
            figures[spool].append(_report(name, result, 10, cpu))
            lost += max(0, acknowledged - stored)
    on, off = statistics.median(figures[True]), statistics.median(figures[False])
    ratio = on / off if off else float("nan")
    # Each round's two phases ran back to back, under the same background load.
    paired = statistics.median(a / b for a, b in zip(figures[True], figures[False], strict=True))
    print(
        f"\nmedian events/s: spool on {on:,.0f}, spool off {off:,.0f}; ratio {ratio:.2f} "
        f"(median of the rounds' ratios {paired:.2f}); the spool costs {1 - ratio:.0%} of "
        f"throughput; target: at most {1 - TARGET_SPOOL_RATIO:.0%} "
        f"({ratio / TARGET_SPOOL_RATIO:.2f}x the target ratio)"
    )
    print(
        "every acknowledged event stored"
        if not lost
        else f"LOST {lost:,} acknowledged events (graceful stop)"
    )
