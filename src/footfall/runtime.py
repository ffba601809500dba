"""Builds, starts and stops the long-lived parts of one Footfall process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from footfall.accounts.service import TokenSettings
from footfall.db.engine import make_engine, make_session_factory
from footfall.db.migrate import upgrade_to_head_async
from footfall.enrich.datacenters import datacenter_ranges
from footfall.enrich.geo import GeoLocator
from footfall.identity.salts import SaltStore
from footfall.identity.sessions import Sessionizer
from footfall.identity.shared_sessions import SharedSessions
from footfall.ingest.flood import FloodControl, Limit
from footfall.ingest.pipeline import Enrichers, IngestPipeline
from footfall.query.dialect import dialect_for
from footfall.query.engine import QueryEngine
from footfall.query.rollup_builder import BuildReport, RollupBuilder
from footfall.query.rollup_reader import RollupReader
from footfall.realtime.broadcast import Broadcast, LocalBroadcast, RedisBroadcast
from footfall.settings import Settings
from footfall.sites.registry import SiteInfo, SiteRegistry
from footfall.sites.service import all_sites
from footfall.store.base import EventStore
from footfall.store.buffer import EventBuffer
from footfall.store.duckdb_store import DuckDBEventStore
from footfall.store.records import EventRecord, SessionRecord
from footfall.store.spool import Spool

log = logging.getLogger("footfall")

# At start-up, the ids of events stored this recently are loaded (at most this many), so a
# client resending a request it got no answer for is not counted twice after a restart.
RESEND_WINDOW = timedelta(minutes=5)
STORED_IDS_LOADED = 50_000
SPOOLED_IDS_LOADED = 200_000  # the newest ids of an earlier run's spool
REPLAY_GRACE_S = 15.0  # a graceful stop waits this long for a replay under way


def load_secret_key(settings: Settings) -> str:
    """FOOTFALL_SECRET_KEY, or a key generated once and kept (mode 0600) in the data dir."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _redis_client(url: str) -> Any:
    from redis.asyncio import Redis

    # Short timeouts: a Redis outage must degrade ingestion, not stall it.
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2, health_check_interval=30)


def flood_control(settings: Settings, secret_key: str, redis: Any) -> FloodControl | None:
    """Ingestion rate limits from the settings (in Redis when there is one); None when off."""
    if not settings.rate_limit:
        return None

    def limit(rate: float, burst: int) -> Limit | None:
        return Limit(rate, burst) if rate > 0 else None

    ip_limit = limit(settings.rate_limit_ip_events_s, settings.rate_limit_ip_burst)
    site_limit = limit(settings.rate_limit_site_events_s, settings.rate_limit_site_burst)
    if ip_limit is None and site_limit is None:
        return None
    return FloodControl(
        ip_limit=ip_limit,
        site_limit=site_limit,
        exempt=settings.rate_limit_exempt_networks,
        secret=secret_key.encode(),
        redis=redis,
        prefix=settings.redis_prefix,
    )


def open_event_store(settings: Settings) -> EventStore:
    """ClickHouse when FOOTFALL_CLICKHOUSE_URL is set, else DuckDB in the data dir (blocking)."""
    if settings.clickhouse_url:
        from footfall.store.clickhouse_store import ClickHouseEventStore

        return ClickHouseEventStore(settings.clickhouse_url, cluster=settings.clickhouse_cluster)
    return DuckDBEventStore(
        settings.events_path,
        threads=settings.duckdb_threads,
        memory_limit=settings.duckdb_memory_limit,
    )


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Everything a request handler may need, created once per process."""

    settings: Settings
    secret_key: str
    engine: AsyncEngine
    db: async_sessionmaker[AsyncSession]
    store: EventStore
    sites: SiteRegistry
    salts: SaltStore
    sessionizer: Sessionizer
    buffer: EventBuffer
    pipeline: IngestPipeline
    queries: QueryEngine
    rollup_builder: RollupBuilder | None
    redis: Any
    broadcast: Broadcast
    spool: Spool | None = None
    flood: FloodControl | None = None
    clock: Callable[[], datetime] = utcnow
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _replay: asyncio.Task[None] | None = None
    _last_event: dict[int, datetime] = field(default_factory=dict)

    def _note_event(self, event: EventRecord) -> None:
        self._last_event[event.site_id] = event.ts

    async def last_event_at(self, site_id: int) -> datetime | None:
        """When the site's latest event arrived (memory first, then the store)."""
        seen = self._last_event.get(site_id)
        if seen is not None:
            return seen
        return await asyncio.to_thread(self.store.last_activity, site_id)

    @property
    def tokens(self) -> TokenSettings:
        """Secrets and lifetimes for access and refresh tokens."""
        return TokenSettings(
            secret=self.secret_key,
            access_ttl_s=self.settings.access_token_ttl_s,
            refresh_ttl_s=self.settings.refresh_token_ttl_s,
        )

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        background: bool = True,
        clock: Callable[[], datetime] = utcnow,
    ) -> Runtime:
        """Open stores, migrate, load caches and start the background loops."""
        await asyncio.to_thread(Path(settings.data_dir).mkdir, parents=True, exist_ok=True)
        await upgrade_to_head_async(settings.metadata_url)
        engine = make_engine(settings.metadata_url)
        db = make_session_factory(engine)
        store = await asyncio.to_thread(open_event_store, settings)
        dialect = dialect_for(store.dialect)
        # Daily rollups live in the embedded store; ClickHouse counts fast enough raw.
        embedded = isinstance(store, DuckDBEventStore)
        redis = _redis_client(settings.redis_url) if settings.redis_url else None
        broadcast: Broadcast = (
            RedisBroadcast(redis, settings.redis_prefix) if redis is not None else LocalBroadcast()
        )
        sites = SiteRegistry()
        salts = SaltStore(db)
        sessionizer = Sessionizer(
            timedelta(seconds=settings.session_timeout_s), track_written=store.collapsing
        )
        spool = (
            await asyncio.to_thread(
                Spool,
                settings.spool_dir,
                max_bytes=settings.spool_max_mb * 1024 * 1024,
                sync=settings.spool_sync,
            )
            if settings.spool
            else None
        )
        buffer = EventBuffer(
            store,
            sessionizer.take_changes,
            interval_s=settings.flush_interval_s,
            max_events=settings.flush_max_events,
            spool=spool,
            dead_letters=settings.data_dir / "dead-letters.jsonl",
        )
        pipeline = IngestPipeline(
            sites=sites,
            enrichers=Enrichers(
                geo=GeoLocator(settings.geoip_city_db),
                datacenters=(
                    datacenter_ranges(settings.datacenter_ranges_file)
                    if settings.drop_datacenter_traffic
                    else None
                ),
            ),
            salts=salts,
            sessionizer=sessionizer,
            sink=buffer,
            shared=(
                SharedSessions(
                    redis,
                    timedelta(seconds=settings.session_timeout_s),
                    prefix=settings.redis_prefix,
                )
                if redis is not None
                else None
            ),
        )
        secret_key = load_secret_key(settings)
        runtime = cls(
            settings=settings,
            secret_key=secret_key,
            engine=engine,
            db=db,
            store=store,
            sites=sites,
            salts=salts,
            sessionizer=sessionizer,
            buffer=buffer,
            pipeline=pipeline,
            queries=QueryEngine(
                store, dialect, clock, rollups=RollupReader(store, dialect) if embedded else None
            ),
            rollup_builder=(
                RollupBuilder(store, dialect, timedelta(seconds=settings.session_timeout_s))
                if embedded
                else None
            ),
            clock=clock,
            redis=redis,
            broadcast=broadcast,
            spool=spool,
            flood=flood_control(settings, secret_key, redis),
        )
        pipeline.listeners.append(runtime._note_event)
        if spool is not None:
            pipeline.hold = True  # records reach the buffer once spooled (ingest/asgi.py)
            spool.on_pressure = buffer.wake
        broadcast.subscribe("sites", runtime._on_sites_message)
        await broadcast.start()
        await runtime.reload_sites()
        await salts.refresh(runtime.clock())
        await runtime._resume(background)
        if background:
            runtime._spawn("flusher", buffer.run)
            runtime._spawn("sessions", runtime._expire_sessions_loop)
            runtime._spawn("salts", runtime._salt_loop)
            runtime._spawn("sites", runtime._site_reload_loop)
            if runtime.rollup_builder is not None:
                runtime._spawn("rollups", runtime._rollup_loop)
        return runtime

    async def _resume(self, background: bool) -> None:
        """After a restart: resume the visits in progress, remember the ids of recent events
        (a client resending after the restart is not counted twice), and replay what an
        earlier run spooled but the store never confirmed (first, before any new batch)."""
        spooled = _Spooled()
        spool = self.spool
        if spool is not None:
            spool.start()
            if spool.recovered:
                self.buffer.ready.clear()
                spooled = await asyncio.to_thread(_read_spooled, spool)
        now = self.clock()
        since = now - timedelta(seconds=self.settings.session_timeout_s)
        recent = self.pipeline.recent_ids
        try:
            # Resends come within minutes; the spooled events (read above) matter most.
            stored_ids = await asyncio.to_thread(
                self.store.recent_event_ids, now - RESEND_WINDOW, STORED_IDS_LOADED
            )
        except Exception as exc:
            log.warning("event store unavailable at start (%s): recent ids not loaded", exc)
            stored_ids = []
        recent.remember(stored_ids)
        recent.remember(spooled.event_ids)
        if self.pipeline.shared is None:
            try:
                stored = await asyncio.to_thread(self.store.live_sessions, since)
            except Exception as exc:
                log.warning("event store unavailable at start (%s): visits resume later", exc)
                stored = []
            resumed = self.sessionizer.restore([*stored, *spooled.sessions], now)
            if resumed:
                log.info("resumed %d visits in progress", resumed)
        if spool is not None and spool.recovered:
            if background:
                self._replay = self._spawn("replay", self._replay_spool)
            else:
                await self._replay_spool()

    async def _replay_spool(self) -> None:
        """Write the spool segments an earlier run left, retrying while the store is away."""
        spool = self.spool
        assert spool is not None
        events = 0
        for segment in list(spool.recovered):
            entries = await asyncio.to_thread(spool.read, segment)
            batch = [event for entry in entries for event in entry.events]
            visits = [visit for entry in entries for visit in entry.sessions]
            while True:
                try:
                    await self.buffer.write_isolating(self.store.replay, batch, visits)
                    break
                except Exception as exc:
                    log.warning("spool replay waits for the event store (%s)", exc)
                    await asyncio.sleep(2)
            spool.release(segment)
            events += len(batch)
        spool.recovered = []
        log.info("replayed %d spooled events from an earlier run", events)
        self.buffer.ready.set()

    async def stop(self) -> None:
        """Stop loops, write every buffered event and close the stores."""
        replay = self._replay
        if replay is not None and not replay.done():
            # Let a replay that is under way finish (the store is up, most likely), rather
            # than leave it all for the next start.
            try:
                await asyncio.wait_for(asyncio.shield(replay), REPLAY_GRACE_S)
            except TimeoutError:
                log.warning("stopping before the spool of the earlier run was replayed: kept")
            except Exception:
                log.exception("spool replay failed")
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.broadcast.stop()
        await self.buffer.close()
        if self.spool is not None:
            await asyncio.to_thread(self.spool.close)
        await asyncio.to_thread(self.store.close)
        await self.engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()

    async def site_changed(self, site: SiteInfo) -> None:
        """A site was created or changed here: update this process, tell the others."""
        self.sites.put(site)
        await self.broadcast.publish("sites", str(site.id).encode())

    async def site_removed(self, site_id: int) -> None:
        """A site was deleted here: stop ingesting it everywhere."""
        self.sites.remove(site_id)
        await self.broadcast.publish("sites", str(site_id).encode())

    async def _on_sites_message(self, message: bytes) -> None:
        del message  # any change: reread the (small) site list
        await self.reload_sites()

    async def reload_sites(self) -> None:
        """Refresh the ingest site registry from the metadata database."""
        async with self.db() as session:
            rows = await all_sites(session)
        self.sites.replace_all(SiteInfo(s.id, s.domain, s.timezone) for s in rows)

    def _spawn(
        self, name: str, loop: Callable[[], Coroutine[Any, Any, None]]
    ) -> asyncio.Task[None]:
        task = asyncio.create_task(loop(), name=f"footfall-{name}")
        self._tasks.append(task)
        return task

    async def _every(self, seconds: float, action: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await action()
            except Exception:
                log.exception("background job failed")

    async def _expire_sessions_loop(self) -> None:
        async def expire() -> None:
            self.sessionizer.expire(self.clock())

        await self._every(30, expire)

    async def _salt_loop(self) -> None:
        await self._every(600, lambda: self.salts.refresh(self.clock()))

    async def _site_reload_loop(self) -> None:
        await self._every(60, self.reload_sites)

    async def build_rollups(self, budget: int = 3, catch_up: bool = True) -> None:
        """Rollup maintenance over every site (off the event loop): passes of `budget` days,
        repeated while a pass used its whole budget (after an upgrade or an import), with a
        pause between passes so ingestion keeps its share of the single writer."""
        if self.rollup_builder is None:
            return
        while True:
            sites = self.sites.all()
            now = self.clock()
            report = await asyncio.to_thread(self.rollup_builder.run, sites, now, budget)
            if report.built or report.dropped:
                log.info("rollups: %d days built, %d dropped, %d waiting", *report_fields(report))
            if not catch_up or report.built < budget:
                return
            await asyncio.sleep(0.5)

    async def _rollup_loop(self) -> None:
        await asyncio.sleep(5)
        await self._every(60, self.build_rollups)


def report_fields(report: BuildReport) -> tuple[int, int, int]:
    """The counts of a rollup pass, for logging."""
    return report.built, report.dropped, report.pending


@dataclass
class _Spooled:
    """What the spool segments of an earlier run hold, for resuming."""

    sessions: list[SessionRecord] = field(default_factory=list)
    event_ids: deque[tuple[int, int]] = field(
        default_factory=lambda: deque(maxlen=SPOOLED_IDS_LOADED)
    )


def _read_spooled(spool: Spool) -> _Spooled:
    found = _Spooled()
    for _, entries in spool.read_recovered():
        for entry in entries:
            found.sessions.extend(entry.sessions)
            found.event_ids.extend((event.site_id, event.event_id) for event in entry.events)
    return found
