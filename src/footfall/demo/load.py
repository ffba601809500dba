"""Feeds simulated traffic through the real ingest pipeline straight into an event store."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from footfall.demo.traffic import TrafficModel, country_ip_pool
from footfall.enrich.geo import GeoLocator
from footfall.identity.salts import DerivedSalts
from footfall.identity.sessions import Sessionizer
from footfall.ingest.pipeline import Client, Enrichers, IngestPipeline, Outcome
from footfall.query.dates import today_in
from footfall.query.dialect import dialect_for
from footfall.sites.registry import SiteInfo, SiteRegistry
from footfall.store.base import EventStore
from footfall.store.records import EventRecord

WRITE_EVERY = 50_000


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a demo load produced."""

    events: int
    sessions: int
    seconds: float


class _ListSink:
    def __init__(self) -> None:
        self.events: list[EventRecord] = []

    def add(self, event: EventRecord) -> None:
        self.events.append(event)


def load_traffic(
    store: EventStore,
    site: SiteInfo,
    *,
    events: int,
    days: int,
    seed: int,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Generate about `events` events over the `days` days ending now, and store them."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    registry = SiteRegistry()
    registry.put(site)
    sink = _ListSink()
    sessionizer = Sessionizer(track_written=store.collapsing)
    pipeline = IngestPipeline(
        sites=registry,
        enrichers=Enrichers(geo=GeoLocator()),
        salts=DerivedSalts(seed),
        sessionizer=sessionizer,
        sink=sink,
        protocol="demo",
    )
    model = TrafficModel(
        seed=seed, domain=site.domain, timezone=site.timezone, ip_pool=country_ip_pool(seed)
    )
    today = today_in(site.timezone, now)
    first = today - timedelta(days=days - 1)
    plan = model.visits_per_day(events, first, days)
    expected = max(1, round(sum(plan) * 5.4))
    written_events = sessions = 0
    outcome = Outcome()

    def write() -> None:
        nonlocal written_events, sessions
        changed = sessionizer.take_changes()
        store.write(sink.events, changed)
        written_events += len(sink.events)
        sessions += len(changed)
        sink.events = []
        if progress:
            progress(written_events, expected)

    for index, visits in enumerate(plan):
        day = first + timedelta(days=index)
        for simulated in model.day(day, visits, until=now):
            client = Client(ip=simulated.ip, user_agent=simulated.user_agent, now=simulated.ts)
            pipeline.process(simulated.event, client, outcome)
            outcome.records.clear()  # the sink has them; nothing is spooled here
            if len(sink.events) >= WRITE_EVERY:
                sessionizer.expire(simulated.ts)
                write()
    write()
    sessions = _count_sessions(store, site.id)
    return LoadResult(
        events=written_events, sessions=sessions, seconds=time.perf_counter() - started
    )


def _count_sessions(store: EventStore, site_id: int) -> int:
    site = dialect_for(store.dialect).placeholder("site")
    rows = store.query(f"SELECT count(*) FROM sessions WHERE site_id = {site}", {"site": site_id})
    return int(rows[0][0]) if rows else 0
