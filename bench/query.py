"""`footfall bench query`: the dashboard's ten queries on a large generated data set.

1. Generates N events (default 10M over 30 days) through the real ingest pipeline, once per
   data dir (a marker file records what is there).
2. Captures the SQL each dashboard query issues and times it run directly on DuckDB.
3. Starts a real server on the same data and times the same queries through the HTTP API, one
   by one and as a whole dashboard (all ten at once, as the browser sends them).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from bench.server import BENCH_EMAIL, BENCH_PASSWORD, ServerProcess, memory_kb
from footfall.cli.tasks import fill_demo
from footfall.query.dialect import DUCKDB
from footfall.query.engine import QueryEngine
from footfall.query.model import QueryRequest, validate_query
from footfall.query.rollup_builder import RollupBuilder
from footfall.query.rollup_reader import RollupReader
from footfall.settings import Settings
from footfall.sites.registry import SiteInfo
from footfall.store.duckdb_store import DuckDBEventStore
from footfall.store.records import EventRecord, SessionChange

DOMAIN = "query.bench.footfall.dev"
TIMEZONE = "Europe/Berlin"
DATA_FORMAT = 2  # 2: visitor salts rotate at the site's local midnight
TARGET_QUERY_P50_MS = 50.0
TARGET_DASHBOARD_P95_MS = 500.0

DASHBOARD: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "stat cards",
        {
            "metrics": [
                "visitors",
                "visits",
                "pageviews",
                "views_per_visit",
                "bounce_rate",
                "visit_duration",
            ],
            "compare": "previous_period",
        },
    ),
    (
        "visitors chart",
        {
            "metrics": ["visitors", "pageviews"],
            "dimensions": ["time:day"],
            "compare": "previous_period",
        },
    ),
    (
        "sources",
        {"metrics": ["visitors", "bounce_rate"], "dimensions": ["visit:source"], "limit": 10},
    ),
    ("channels", {"metrics": ["visitors"], "dimensions": ["visit:channel"], "limit": 10}),
    (
        "top pages",
        {"metrics": ["visitors", "pageviews"], "dimensions": ["event:page"], "limit": 10},
    ),
    (
        "entry pages",
        {"metrics": ["visitors", "visits"], "dimensions": ["visit:entry_page"], "limit": 10},
    ),
    (
        "countries",
        {"metrics": ["visitors", "percentage"], "dimensions": ["visit:country"], "limit": 10},
    ),
    (
        "browsers",
        {"metrics": ["visitors", "percentage"], "dimensions": ["visit:browser"], "limit": 10},
    ),
    (
        "devices",
        {"metrics": ["visitors", "percentage"], "dimensions": ["visit:device"], "limit": 10},
    ),
    (
        "custom events",
        {
            "metrics": ["visitors", "events"],
            "dimensions": ["event:name"],
            "filters": [["is_not", "event:name", ["pageview"]]],
            "limit": 10,
        },
    ),
)


class RecordingStore:
    """An event store that passes everything on and remembers the read queries it was given."""

    def __init__(self, store: DuckDBEventStore) -> None:
        self.store = store
        self.dialect = store.dialect
        self.collapsing = store.collapsing
        self.statements: list[tuple[str, Any]] = []

    def query(
        self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        self.statements.append((sql, params))
        return self.store.query(sql, params)

    def write(self, events: Sequence[EventRecord], sessions: Sequence[SessionChange]) -> None:
        self.store.write(events, sessions)

    def apply(self, statements: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        self.store.apply(statements)

    def touched(self, site_id: int) -> datetime | None:
        return self.store.touched(site_id)

    def clear_touched(self, site_id: int, seen: datetime) -> None:
        self.store.clear_touched(site_id, seen)

    def last_activity(self, site_id: int) -> datetime | None:
        return self.store.last_activity(site_id)

    def delete_site(self, site_id: int) -> None:
        self.store.delete_site(site_id)

    def close(self) -> None:
        self.store.close()


def _ms(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def _generate(settings: Settings, events: int, days: int) -> None:
    marker = settings.data_dir / "bench-query.json"
    # Bump DATA_FORMAT when generated data changes meaning (e.g. how visitors are salted).
    wanted = {"events": events, "days": days, "domain": DOMAIN, "format": DATA_FORMAT}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"Reusing generated data in {settings.data_dir}")
        _complete_rollups(settings, days)
        return
    asyncio.run(
        fill_demo(
            settings,
            events=events,
            days=days,
            seed=42,
            domain=DOMAIN,
            owner=BENCH_EMAIL,
            timezone=TIMEZONE,
            replace=True,
            new_password=BENCH_PASSWORD,
            console=Console(),
        )
    )
    marker.write_text(json.dumps(wanted))


def _complete_rollups(settings: Settings, days: int) -> None:
    """Build the rollups a newer rollup format dropped (as `footfall demo` would have)."""
    store = DuckDBEventStore(settings.events_path, threads=settings.duckdb_threads)
    try:
        builder = RollupBuilder(store, DUCKDB, timedelta(seconds=settings.session_timeout_s))
        for (site_id,) in store.query("SELECT DISTINCT site_id FROM sessions"):
            report = builder.run([SiteInfo(site_id, DOMAIN, TIMEZONE)], datetime.now(UTC), days)
            if report.built:
                print(f"Built {report.built} days of rollups")
    finally:
        store.close()


def _direct_sql(settings: Settings, site_id: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Per dashboard query: median time of the SQL the API issues (rollups included), and of
    the SQL the raw tables alone would need, each run back to back directly on DuckDB."""
    store = DuckDBEventStore(settings.events_path, threads=settings.duckdb_threads)
    recorder = RecordingStore(store)
    with_rollups = QueryEngine(
        recorder,  # type: ignore[arg-type]
        DUCKDB,
        rollups=RollupReader(recorder, DUCKDB),  # type: ignore[arg-type]
    )
    raw_only = QueryEngine(recorder, DUCKDB)  # type: ignore[arg-type]
    site = SiteInfo(site_id, DOMAIN, TIMEZONE)
    medians: dict[str, tuple[float, float]] = {}
    try:
        for name, body in DASHBOARD:
            parsed = validate_query(QueryRequest(site_id=site_id, **body))
            timings = []
            for engine in (with_rollups, raw_only):
                recorder.statements.clear()
                asyncio.run(engine.run(parsed, site))
                statements = list(recorder.statements)
                runs = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    for sql, params in statements:
                        store.query(sql, params)
                    runs.append(time.perf_counter() - started)
                timings.append(statistics.median(runs))
            medians[name] = (timings[0], timings[1])
    finally:
        store.close()
    return medians


async def _dashboard_round(client: httpx.AsyncClient, site_id: int) -> float:
    started = time.perf_counter()
    responses = await asyncio.gather(
        *(client.post("/api/v1/query", json={"site_id": site_id, **body}) for _, body in DASHBOARD)
    )
    for response in responses:
        response.raise_for_status()
    return time.perf_counter() - started


async def _whole_dashboard(url: str, token: str, site_id: int, rounds: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        await _dashboard_round(client, site_id)
        return [await _dashboard_round(client, site_id) for _ in range(rounds)]


def main(*, events: int, days: int, rounds: int, data_dir: Path | None) -> None:
    """Generate (or reuse) the data, then print per-query and whole-dashboard figures."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="footfall-bench-query-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    _generate(settings, events, days)

    server = ServerProcess(data_dir)
    server.start()
    try:
        token = httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"email": BENCH_EMAIL, "password": BENCH_PASSWORD},
            timeout=30,
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        sites = httpx.get(f"{server.url}/api/v1/sites", headers=headers, timeout=30).json()
        site_id = next(s["id"] for s in sites if s["domain"] == DOMAIN)
        idle_rss = memory_kb(server.pid, "VmRSS") / 1024
        api: dict[str, list[float]] = {}
        totals: dict[str, Any] = {}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
            for name, body in DASHBOARD:
                client.post("/api/v1/query", json={"site_id": site_id, **body}).raise_for_status()
                timings = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    response = client.post("/api/v1/query", json={"site_id": site_id, **body})
                    timings.append(time.perf_counter() - started)
                    response.raise_for_status()
                api[name] = timings
                if name == "stat cards":
                    totals = dict(
                        zip(body["metrics"], response.json()["results"][0]["metrics"], strict=True)
                    )
        dashboard = asyncio.run(_whole_dashboard(server.url, token, site_id, rounds))
        peak_rss = memory_kb(server.pid, "VmHWM") / 1024
    finally:
        server.stop()

    direct = _direct_sql(settings, site_id, rounds)
    print(f"\n{events:,} generated events over {days} days; last 30 days: {totals}")
    print(
        f"{'query':<16}{'API p50':>10}{'API p95':>10}{'its SQL':>10}{'API/SQL':>9}"
        f"{'raw SQL':>10}  p50 vs target"
    )
    for name, _ in DASHBOARD:
        p50, p95 = _ms(api[name], 50), _ms(api[name], 95)
        sql, raw = direct[name][0] * 1000, direct[name][1] * 1000
        print(
            f"{name:<16}{p50:>8.1f}ms{p95:>8.1f}ms{sql:>8.1f}ms{p50 / sql:>8.2f}x{raw:>8.1f}ms"
            f"  {p50 / TARGET_QUERY_P50_MS:.2f}x of {TARGET_QUERY_P50_MS:.0f} ms"
        )
    print(
        "its SQL: the statements the API ran (rollups plus the raw tail), timed directly on "
        "DuckDB; raw SQL: the same questions on raw tables only"
    )
    d50, d95 = _ms(dashboard, 50), _ms(dashboard, 95)
    print(
        f"whole dashboard (10 queries at once): p50 {d50:.0f} ms, p95 {d95:.0f} ms "
        f"({d95 / TARGET_DASHBOARD_P95_MS:.2f}x of the {TARGET_DASHBOARD_P95_MS:.0f} ms target)"
    )
    print(f"server RSS: idle {idle_rss:.0f} MB, peak {peak_rss:.0f} MB")
