"""Runs wrk (C load generator) with pre-built raw requests; far cheaper per request than Python.

The Lua script replays the requests round-robin and counts the events the server acknowledged
(from Footfall's ingest response bodies), so the benchmark can check the store afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.loadgen import LoadResult

SCRIPT = r"""
local reqs = {}
local f = io.open(os.getenv("FOOTFALL_WRK_REQUESTS"), "rb")
local data = f:read("*a")
f:close()
for chunk in string.gmatch(data, "(.-)%z") do reqs[#reqs + 1] = chunk end
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
local i = 0
accepted = 0
function init(args) i = offset end
function request()
  i = i + 1
  return reqs[(i % #reqs) + 1]
end
function response(status, headers, body)
  if status == 202 then
    local n = string.match(body, '^{"accepted":(%d+)')
    if n then accepted = accepted + tonumber(n)
    elseif body == '{"status":"accepted"}' then accepted = accepted + 1 end
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("accepted") end
  local e = summary.errors
  io.write(string.format(
    "FOOTFALL requests=%d duration_us=%d p50=%d p95=%d p99=%d " ..
    "status_errors=%d io_errors=%d accepted=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout, total))
end
"""

_LINE = re.compile(r"FOOTFALL (.*)")


def available() -> bool:
    """Whether wrk is installed."""
    return shutil.which("wrk") is not None


def run_wrk(url: str, requests: Sequence[bytes], *, connections: int, seconds: float) -> LoadResult:
    """Load `url` with wrk (one thread) for `seconds`; returns the measured figures."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "requests.bin"
        data.write_bytes(b"".join(r + b"\0" for r in requests))
        script = Path(tmp) / "footfall.lua"
        script.write_text(SCRIPT)
        completed = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(script),
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "FOOTFALL_WRK_REQUESTS": str(data)},
            timeout=seconds + 60,
        )
    match = _LINE.search(completed.stdout)
    if match is None:
        raise RuntimeError(f"unexpected wrk output: {completed.stdout} {completed.stderr}")
    figures = {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())}
    return LoadResult(
        seconds=figures["duration_us"] / 1e6,
        requests=figures["requests"],
        ok=figures["requests"] - figures["status_errors"],
        failed=figures["status_errors"],
        errors=figures["io_errors"],
        accepted_events=figures["accepted"],
        p50=figures["p50"] / 1000,
        p95=figures["p95"] / 1000,
        p99=figures["p99"] / 1000,
    )
