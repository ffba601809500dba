"""A lean HTTP/1.1 keep-alive load generator (pre-built requests, raw asyncio streams).

Each connection sends one request, waits for the whole response, records the latency, and
sends the next: the closed-loop pattern of many browsers behind one proxy. Bounded by time.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """What one load phase measured (latencies in milliseconds)."""

    seconds: float
    requests: int = 0
    ok: int = 0
    failed: int = 0
    errors: int = 0
    accepted_events: int = 0
    p50: float = float("nan")
    p95: float = float("nan")
    p99: float = float("nan")


@dataclass
class _Recorder:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    accepted_events: int = 0
    errors: int = 0

    def summary(self, seconds: float) -> LoadResult:
        ordered = sorted(self.latencies)

        def pick(p: float) -> float:
            if not ordered:
                return float("nan")
            return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

        ok = self.statuses.get(202, 0)
        return LoadResult(
            seconds=seconds,
            requests=len(ordered),
            ok=ok,
            failed=len(ordered) - ok,
            errors=self.errors,
            accepted_events=self.accepted_events,
            p50=pick(50),
            p95=pick(95),
            p99=pick(99),
        )


def build_request(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """Raw bytes of a POST request on a keep-alive connection."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _accepted(status: int, body: bytes) -> int:
    """Events the server acknowledged in one response (Footfall's ingest response bodies)."""
    if status != 202:
        return 0
    if body.startswith(b'{"accepted":'):
        return int(body[12 : body.index(b",")])
    return 1 if body == b'{"status":"accepted"}' else 0


async def _connection(
    host: str, port: int, requests: Sequence[bytes], offset: int, stop_at: float, result: _Recorder
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    index = offset
    try:
        while time.perf_counter() < stop_at:
            request = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                body = await reader.readexactly(length)
                result.accepted_events += _accepted(status, body)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
    except (ConnectionError, asyncio.IncompleteReadError):
        result.errors += 1
    finally:
        writer.close()


async def run_load(
    host: str, port: int, requests: Sequence[bytes], *, connections: int, seconds: float
) -> LoadResult:
    """Drive the server with `connections` concurrent keep-alive clients for `seconds`."""
    result = _Recorder()
    started = time.perf_counter()
    stop_at = time.perf_counter() + seconds
    step = max(1, len(requests) // connections)
    await asyncio.gather(
        *(_connection(host, port, requests, i * step, stop_at, result) for i in range(connections))
    )
    return result.summary(time.perf_counter() - started)
