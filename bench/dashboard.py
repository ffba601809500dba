"""`footfall bench dashboard`: time until the site dashboard is fully drawn in Chromium.

Uses the same generated data as `bench query` (10M events by default). Signs in once through
the login form, then loads the site dashboard repeatedly (a full page load each time: HTML, JS,
session restore, the ten queries, charts) and measures until nothing is loading any more.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.query import DOMAIN, _generate
from bench.server import BENCH_EMAIL, BENCH_PASSWORD, ServerProcess
from footfall.settings import Settings

TARGET_MS = 1000.0
QUIET_MS = 700  # after settling, how long to watch for requests that start late
REQUESTS = """() => performance.getEntriesByType('resource').map(e => ({
  name: e.name.replace(location.origin, '').slice(0, 90), start: e.startTime,
  end: e.responseEnd, ms: e.duration}))"""
# Drawn: the dashboard page is there, its charts exist, and nothing is loading any more.
SETTLED = """() => document.querySelector('.page.dashboard')
  && document.querySelectorAll('.page.dashboard svg').length > 3
  && !document.querySelector('.skeleton, .page-loading, [aria-busy="true"]')"""


def main(*, events: int, days: int, rounds: int, data_dir: Path | None) -> None:
    """Print median and p95 time to a fully drawn dashboard."""
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP_UA

    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="footfall-bench-query-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    _generate(settings, events, days)
    server = ServerProcess(data_dir)
    server.start()
    timings: list[float] = []
    waterfalls: list[tuple[float, list[dict[str, Any]]]] = []
    try:
        token = httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"email": BENCH_EMAIL, "password": BENCH_PASSWORD},
        ).json()
        sites = httpx.get(
            f"{server.url}/api/v1/sites",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        ).json()
        site_id = next(s["id"] for s in sites if s["domain"] == DOMAIN)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(
                user_agent=DESKTOP_UA, viewport={"width": 1440, "height": 900}
            )
            page = context.new_page()
            page.goto(f"{server.url}/login")
            page.fill("#login-email", BENCH_EMAIL)
            page.fill("#login-password", BENCH_PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url("**/sites**")
            url = f"{server.url}/sites/{site_id}?period=30d"
            page.goto(url)
            page.wait_for_function(SETTLED, timeout=60_000)  # warm-up (caches, JIT)
            for _ in range(rounds):
                page.goto(url)
                timing, requests = _measure(page)
                timings.append(timing)
                waterfalls.append((timing, requests))
            browser.close()
    finally:
        server.stop()
    ordered = sorted(timings)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(f"{events:,} events: site dashboard fully drawn in Chromium, {rounds} full loads")
    print(
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms  ({p50 / TARGET_MS:.2f}x of the "
        f"{TARGET_MS:.0f} ms target at p50)"
    )
    timing, requests = sorted(waterfalls, key=lambda item: item[0])[len(waterfalls) // 2]
    print(f"Requests of the median load ({timing:.0f} ms), from navigation start:")
    for request in requests:
        print(
            f"  {request['start']:6.0f} → {request['end']:6.0f} ms  {request['ms']:5.0f} ms  "
            f"{request['name']}"
        )


def _measure(page: Any) -> tuple[float, list[dict[str, Any]]]:
    """Milliseconds from navigation start until the page settled and its last request ended,
    and the page's requests (checked again after a pause, so late requests are not missed)."""
    page.wait_for_function(SETTLED, polling="raf", timeout=60_000)
    settled = float(page.evaluate("performance.now()"))
    page.wait_for_timeout(QUIET_MS)
    if not page.evaluate(SETTLED):
        page.wait_for_function(SETTLED, polling="raf", timeout=60_000)
        settled = float(page.evaluate("performance.now()"))
    requests: list[dict[str, Any]] = page.evaluate(REQUESTS)
    last = max((r["end"] for r in requests), default=0.0)
    return max(settled, last), requests
