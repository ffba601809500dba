"""Rollups must never change an answer: every query they can serve gives exactly what the raw
tables give, on realistic generated traffic in several timezones, including ranges only partly
rolled up, visits across midnight, a visit spanning two midnights, late writes into rolled-up
days, and a timezone change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from footfall.demo.load import load_traffic
from footfall.query.dialect import DUCKDB
from footfall.query.engine import QueryEngine
from footfall.query.model import QueryRequest, validate_query
from footfall.query.rollup_builder import RollupBuilder
from footfall.query.rollup_reader import RollupReader
from footfall.sites.registry import SiteInfo
from footfall.store.duckdb_store import DuckDBEventStore
from footfall.store.records import EventRecord, SessionChange, SessionRecord

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)  # the day after Europe's switch to summer time
DAYS = 9
TIMEOUT = timedelta(minutes=30)

QUERIES: list[dict[str, Any]] = [
    {"metrics": ["visitors", "visits", "bounce_rate", "visit_duration", "views_per_visit"]},
    {"metrics": ["visitors", "pageviews", "events", "time_on_page"]},
    {"metrics": ["visitors", "visits"], "dimensions": ["time:day"]},
    {"metrics": ["visitors", "pageviews"], "dimensions": ["time:week"]},
    {"metrics": ["visitors", "bounce_rate"], "dimensions": ["time:month"]},
    {"metrics": ["visitors", "bounce_rate", "percentage"], "dimensions": ["visit:source"]},
    {"metrics": ["visitors"], "dimensions": ["visit:channel"], "limit": 3, "offset": 1},
    {"metrics": ["visits", "visit_duration"], "dimensions": ["visit:entry_page"]},
    {"metrics": ["visits"], "dimensions": ["visit:exit_page"], "order_by": [["visits", "asc"]]},
    {"metrics": ["visitors", "percentage"], "dimensions": ["visit:country"]},
    {"metrics": ["visitors"], "dimensions": ["visit:browser", "time:day"]},
    {"metrics": ["visitors"], "dimensions": ["time:day", "visit:device"]},
    {
        "metrics": ["visitors", "pageviews", "bounce_rate", "time_on_page"],
        "dimensions": ["event:page"],
    },
    {"metrics": ["visitors", "pageviews"], "dimensions": ["event:page"], "limit": 5},
    {"metrics": ["visitors", "events", "percentage"], "dimensions": ["event:name"]},
    {"metrics": ["visitors"], "dimensions": ["event:page", "time:day"]},
    {"metrics": ["visitors", "pageviews"], "dimensions": ["time:week", "event:page"]},
    {"metrics": ["visitors", "events"], "dimensions": ["event:hostname"]},
    {"metrics": ["visitors", "visits"], "compare": "previous_period", "date_range": "7d"},
    {
        "metrics": ["visitors"],
        "dimensions": ["visit:source"],
        "compare": "previous_period",
        "date_range": "7d",
    },
    {"metrics": ["visitors", "pageviews"], "dimensions": ["time:day"], "date_range": "all"},
    # Filters on the breakdown's own dimension are applied to rollup rows...
    {
        "metrics": ["visitors", "events"],
        "dimensions": ["event:name"],
        "filters": [["is_not", "event:name", ["pageview"]]],
    },
    {
        "metrics": ["visitors", "pageviews"],
        "dimensions": ["event:page"],
        "filters": [["contains", "event:page", ["BLOG"], {"case_sensitive": False}]],
    },
    {
        "metrics": ["visitors", "bounce_rate"],
        "dimensions": ["visit:source"],
        "filters": [
            ["or", [["is", "visit:source", ["Google"]], ["matches", "visit:source", ["^D"]]]]
        ],
    },
    {
        "metrics": ["visitors"],
        "dimensions": ["visit:country", "time:day"],
        "filters": [["not", ["is", "visit:country", ["US", "DE"]]]],
    },
    # ...the others, and percentages, go to the raw tables; answers must match either way.
    {
        "metrics": ["visitors", "bounce_rate"],
        "dimensions": ["event:page"],
        "filters": [["is", "event:page", ["/", "/pricing"]]],
    },
    {
        "metrics": ["visitors", "percentage"],
        "dimensions": ["visit:source"],
        "filters": [["is_not", "visit:source", [""]]],
    },
    {
        "metrics": ["visitors"],
        "dimensions": ["visit:source"],
        "filters": [["is", "visit:country", ["DE"]]],
    },
    # Scroll depth: from scroll rollups (pairs per visit, page and day)...
    {"metrics": ["scroll_depth"]},
    {"metrics": ["scroll_depth", "pageviews"], "dimensions": ["event:page"]},
    {"metrics": ["visitors", "percentage"], "dimensions": ["event:scroll_bucket"]},
    {"metrics": ["visitors"], "dimensions": ["event:scroll_bucket", "time:day"]},
    {"metrics": ["visitors"], "dimensions": ["time:week", "event:scroll_bucket"]},
    {
        "metrics": ["visitors", "percentage"],
        "dimensions": ["event:scroll_bucket"],
        "filters": [["is", "event:page", ["/pricing"]]],
    },
    {
        "metrics": ["visitors"],
        "dimensions": ["event:page", "event:scroll_bucket"],
        "filters": [["contains", "event:page", ["blog"]]],
    },
    {"metrics": ["scroll_depth"], "dimensions": ["event:page", "time:day"]},
    # ...or from the raw tables when the rollup cannot answer.
    {
        "metrics": ["visitors"],
        "dimensions": ["event:scroll_bucket"],
        "filters": [["is", "visit:country", ["DE"]]],
    },
    {
        "metrics": ["visitors", "percentage"],
        "dimensions": ["event:scroll_bucket"],
        "filters": [["is", "event:page", ["/", "/pricing"]]],
    },
]


def add_midnight_visits(store: DuckDBEventStore, site: SiteInfo) -> None:
    """Visits that start at 23:55 local and go on after midnight, on several days."""
    zone = ZoneInfo(site.timezone)
    events: list[EventRecord] = []
    sessions: list[SessionRecord] = []
    for index, day in enumerate(date(2025, 3, 24) + timedelta(days=i) for i in range(6)):
        visitor, session_id = 900_000 + index, 990_000 + index
        before = datetime.combine(day, time(23, 55), zone).astimezone(UTC)
        steps = [
            (before, "/"),
            (before + timedelta(minutes=10), "/"),
            (before + timedelta(minutes=11), "/pricing"),
        ]
        for ts, path in steps:
            events.append(
                EventRecord(
                    site_id=site.id,
                    ts=ts,
                    name="pageview",
                    pathname=path,
                    visitor_id=visitor,
                    session_id=session_id,
                    hostname="demo.footfall.dev",
                    entry_page="/",
                )
            )
        # Scroll reports on "/" on both sides of midnight: one pair per day, same visitor.
        for ts, depth in ((before + timedelta(minutes=2), 30), (steps[1][0], 40 + index * 10)):
            events.append(
                EventRecord(
                    site_id=site.id,
                    ts=ts,
                    name="engagement",
                    pathname="/",
                    visitor_id=visitor,
                    session_id=session_id,
                    hostname="demo.footfall.dev",
                    scroll_depth=depth,
                    engaged_ms=1000,
                )
            )
        sessions.append(
            SessionRecord(
                site_id=site.id,
                session_id=session_id,
                visitor_id=visitor,
                start=before,
                end=steps[-1][0],
                pageviews=3,
                events=3,
                entry_page="/",
                exit_page="/pricing",
                hostname="demo.footfall.dev",
            )
        )
    store.write(events, [SessionChange(None, s) for s in sessions])


class CountingReader(RollupReader):
    """Counts how often rollups answered, so the test cannot pass vacuously."""

    hits = 0
    sides: set[str] = set()

    def read(self, query: Any, side: Any, *args: Any) -> Any:
        answer = super().read(query, side, *args)
        if answer is not None:
            CountingReader.hits += 1
            CountingReader.sides.add(side)
        return answer


@pytest.fixture(scope="module", params=["Europe/Berlin", "America/New_York", "Asia/Kathmandu"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DuckDBEventStore, SiteInfo]]:
    store = DuckDBEventStore(tmp_path_factory.mktemp("rollups") / "e.duckdb")
    site = SiteInfo(1, "demo.footfall.dev", request.param)
    load_traffic(store, site, events=9_000, days=DAYS, seed=11, now=NOW)
    add_midnight_visits(store, site)
    yield store, site
    store.close()


async def answer(
    store: DuckDBEventStore, site: SiteInfo, reader: RollupReader | None, body: dict[str, Any]
) -> dict[str, Any]:
    engine = QueryEngine(store, DUCKDB, lambda: NOW, rollups=reader)
    request = {"site_id": site.id, "date_range": ["2025-03-23", "2025-03-31"], **body}
    result = await engine.run(validate_query(QueryRequest(**request)), site)
    for key in ("took_ms", "sql_ms"):
        result["meta"].pop(key)
    return result


async def assert_same_answers(store: DuckDBEventStore, site: SiteInfo) -> int:
    CountingReader.hits = 0
    CountingReader.sides = set()
    reader = CountingReader(store, DUCKDB)
    for body in QUERIES:
        raw = await answer(store, site, None, body)
        rolled = await answer(store, site, reader, body)
        assert rolled == raw, body
    return CountingReader.hits


def build(store: DuckDBEventStore, site: SiteInfo, now: datetime) -> None:
    RollupBuilder(store, DUCKDB, TIMEOUT).run([site], now, budget=100)


async def test_partly_and_fully_rolled_ranges_answer_like_raw_tables(
    loaded: tuple[DuckDBEventStore, SiteInfo],
) -> None:
    store, site = loaded
    # Rolled up to a few days before the end: the rest of each range comes from raw tables.
    build(store, site, NOW - timedelta(days=3))
    partly = await assert_same_answers(store, site)
    build(store, site, NOW + timedelta(days=2))
    fully = await assert_same_answers(store, site)
    assert partly > 20
    assert fully > 20
    assert CountingReader.sides == {"events", "sessions", "scroll"}


async def test_midnight_continuations_are_counted_once(
    loaded: tuple[DuckDBEventStore, SiteInfo],
) -> None:
    store, site = loaded
    build(store, site, NOW + timedelta(days=2))
    continued = store.query("SELECT sum(continued) FROM rollup_events WHERE dim = ''")[0][0]
    assert continued > 0  # the correction really is exercised
    scroll = store.query("SELECT sum(continued) FROM rollup_scroll WHERE page = '/'")[0][0]
    assert scroll > 0
    await assert_same_answers(store, site)


async def test_visit_spanning_two_midnights_makes_event_rollups_step_aside(
    tmp_path: Path,
) -> None:
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    site = SiteInfo(1, "demo.footfall.dev", "UTC")
    load_traffic(store, site, events=3_000, days=DAYS, seed=5, now=NOW)
    start = datetime(2025, 3, 25, 23, 0, tzinfo=UTC)
    marathon = [
        EventRecord(
            site_id=1,
            ts=start + timedelta(minutes=20 * i),
            name="pageview",
            pathname=f"/p{i % 3}",
            visitor_id=42,
            session_id=4242,
        )
        for i in range(80)  # 26 hours of activity
    ]
    session = SessionRecord(
        site_id=1,
        session_id=4242,
        visitor_id=42,
        start=start,
        end=marathon[-1].ts,
        pageviews=80,
        events=80,
    )
    store.write(marathon, [SessionChange(None, session)])
    build(store, site, NOW + timedelta(days=2))
    await assert_same_answers(store, site)
    store.close()


async def test_late_writes_into_rolled_days_are_never_served_stale(
    loaded: tuple[DuckDBEventStore, SiteInfo],
) -> None:
    store, site = loaded
    build(store, site, NOW + timedelta(days=2))
    late = datetime(2025, 3, 26, 12, 0, tzinfo=UTC)
    store.write(
        [
            EventRecord(
                site_id=1,
                ts=late,
                name="pageview",
                pathname="/late",
                visitor_id=777,
                session_id=7777,
            )
        ],
        [
            SessionChange(
                None,
                SessionRecord(
                    site_id=1,
                    session_id=7777,
                    visitor_id=777,
                    start=late,
                    end=late,
                    pageviews=1,
                    events=1,
                    entry_page="/late",
                    exit_page="/late",
                ),
            )
        ],
    )
    await assert_same_answers(store, site)  # the touched days fall back to raw tables
    build(store, site, NOW + timedelta(days=2))  # rebuilt
    assert store.touched(1) is None
    await assert_same_answers(store, site)


async def test_timezone_change_discards_rollups_salted_in_the_old_zone(tmp_path: Path) -> None:
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    site = SiteInfo(1, "demo.footfall.dev", "Europe/Berlin")
    load_traffic(store, site, events=3_000, days=DAYS, seed=6, now=NOW)
    build(store, site, NOW + timedelta(days=2))
    moved = SiteInfo(1, site.domain, "America/Los_Angeles")
    await assert_same_answers(store, moved)  # old rollups are in another zone: unused
    build(store, moved, NOW + timedelta(days=2))
    assert store.query("SELECT count(*) FROM rollup_days")[0][0] == 0
    floor = store.query("SELECT floor_day FROM rollup_sites")[0][0]
    assert floor == date(2025, 4, 3)
    store.close()
