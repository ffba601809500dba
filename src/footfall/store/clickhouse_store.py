"""The scale-out event store: ClickHouse over its native protocol (works with 18.16 and later).

- `events`: MergeTree partitioned by month, ordered by (site_id, ts) for per-site time scans.
- `sessions`: VersionedCollapsingMergeTree(sign, version): a changed visit is written as a cancel
  row of the state last written plus a row of the new state; merges collapse them, and queries
  multiply by `sign` (see query/dialect.py).
- Cluster mode (`FOOTFALL_CLICKHOUSE_CLUSTER`): `events_local`/`sessions_local` on every shard,
  `events`/`sessions` as Distributed tables sharded by visitor, so a visitor's events and visits
  live on one shard and per-shard subqueries (distributed_product_mode=local) stay exact.
  ClickHouse 18 runs ON CLUSTER DDL only with ZooKeeper, so the tables are created on each
  shard over its own connection.
"""

from __future__ import annotations

import logging
import queue
import struct
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any
from urllib.parse import urlsplit

from clickhouse_driver import Client
from clickhouse_driver.errors import Error as ClickHouseError
from clickhouse_driver.errors import (
    NetworkError,
    ServerException,
    SocketTimeoutError,
    TypeMismatchError,
)

from footfall.store.base import RejectedRecords, StoreUnavailable
from footfall.store.records import EventRecord, SessionChange, SessionRecord
from footfall.store.schema import (
    EVENT_COLUMNS,
    SESSION_COLUMNS,
    SESSION_RECORD_COLUMNS,
    Column,
    session_from_row,
)

log = logging.getLogger(__name__)

EVENT_NAMES = tuple(c.name for c in EVENT_COLUMNS)
SESSION_NAMES = tuple(c.name for c in SESSION_COLUMNS)
_RECORD_COLUMNS = ", ".join(f"`{name}`" for name in SESSION_RECORD_COLUMNS)


def _columns_sql(columns: Sequence[Column], extra: str = "") -> str:
    body = ", ".join(f"`{c.name}` {c.clickhouse}" for c in columns)
    return f"({body}{extra})"


def add_column_statements(
    table: str, existing: Sequence[str], columns: Sequence[Column]
) -> list[str]:
    """`ALTER TABLE … ADD COLUMN` for each wanted column the table lacks, in schema order."""
    have = set(existing)
    statements = []
    previous: str | None = None
    for column in columns:
        if column.name not in have:
            place = f" AFTER `{previous}`" if previous else ""
            statements.append(
                f"ALTER TABLE {table} ADD COLUMN `{column.name}` {column.clickhouse}{place}"
            )
        previous = column.name
    return statements


EVENTS_ENGINE = "ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (site_id, ts)"
# The sort key holds only columns a visit never changes, so cancel rows meet their twins.
SESSIONS_ENGINE = (
    "ENGINE = VersionedCollapsingMergeTree(sign, version) "
    "PARTITION BY toYYYYMM(start) ORDER BY (site_id, start, session_id)"
)


class ClickHouseEventStore:
    """Events and sessions in ClickHouse (one server, or a cluster of shards)."""

    dialect = "clickhouse"
    collapsing = True

    def __init__(self, url: str, *, cluster: str | None = None, pool_size: int = 8) -> None:
        parts = urlsplit(url)
        self.database = (parts.path or "/footfall").strip("/") or "footfall"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 9000
        self.user = parts.username or "default"
        self.password = parts.password or ""
        self.cluster = cluster
        self._write_lock = threading.Lock()
        self._pool: queue.SimpleQueue[Client] = queue.SimpleQueue()
        self._pool_size = pool_size
        self._read_settings: dict[str, Any] = {"max_execution_time": 60}
        self._write_settings: dict[str, Any] = {}
        if cluster:
            # Events and visits of a visitor share a shard: subqueries may stay local.
            self._read_settings["distributed_product_mode"] = "local"
            self._write_settings["insert_distributed_sync"] = 1
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        self._writer = self._client()
        try:
            self._ensure_schema()
        except StoreUnavailable as exc:
            # Start anyway: ingestion spools until ClickHouse answers (readiness says 503).
            log.warning("ClickHouse unavailable at start (%s); schema checked on first use", exc)

    # -- connections ----------------------------------------------------------------------

    def _client(
        self, host: str | None = None, port: int | None = None, database: str | None = None
    ) -> Client:
        return Client(
            host=host or self.host,
            port=port or self.port,
            user=self.user,
            password=self.password,
            database=database if database is not None else self.database,
            connect_timeout=5,
            send_receive_timeout=120,
            settings={"strings_as_bytes": False},
        )

    def _ensure_schema(self) -> None:
        """Create the database and tables once ClickHouse answers."""
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            try:
                self._create_schema()
            except (OSError, EOFError, NetworkError, SocketTimeoutError) as exc:
                raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
            self._schema_ready = True

    @contextmanager
    def _reader(self) -> Iterator[Client]:
        self._ensure_schema()
        try:
            client = self._pool.get_nowait()
        except queue.Empty:
            client = self._client()
        try:
            yield client
        except (ClickHouseError, OSError, EOFError):
            client.disconnect()
            raise
        finally:
            self._pool.put(client)

    # -- schema ---------------------------------------------------------------------------

    def _shards(self) -> list[tuple[str, int]]:
        if not self.cluster:
            return [(self.host, self.port)]
        bootstrap = self._client(database="")
        rows = bootstrap.execute(
            "SELECT host_address, port FROM system.clusters WHERE cluster = %(c)s "
            "ORDER BY shard_num, replica_num",
            {"c": self.cluster},
        )
        bootstrap.disconnect()
        if not rows:
            raise RuntimeError(f"ClickHouse knows no cluster named {self.cluster!r}")
        return [(str(host), int(port)) for host, port in rows]

    def _create_schema(self) -> None:
        local = "_local" if self.cluster else ""
        event_table = _columns_sql(EVENT_COLUMNS)
        session_table = _columns_sql(SESSION_COLUMNS, ", `sign` Int8")
        for host, port in self._shards():
            client = self._client(host, port, database="")
            client.execute(f"CREATE DATABASE IF NOT EXISTS `{self.database}`")
            client.execute(
                f"CREATE TABLE IF NOT EXISTS `{self.database}`.events{local} {event_table} "
                f"{EVENTS_ENGINE}"
            )
            client.execute(
                f"CREATE TABLE IF NOT EXISTS `{self.database}`.sessions{local} {session_table} "
                f"{SESSIONS_ENGINE}"
            )
            if self.cluster:
                for table, key in (("events", "visitor_id"), ("sessions", "visitor_id")):
                    client.execute(
                        f"CREATE TABLE IF NOT EXISTS `{self.database}`.{table} "
                        f"AS `{self.database}`.{table}_local ENGINE = Distributed("
                        f"{self.cluster}, `{self.database}`, {table}_local, {key})"
                    )
            self._add_missing_columns(client, local)
            client.disconnect()

    def _add_missing_columns(self, client: Client, local: str) -> None:
        """The schema migration: tables made by an older Footfall gain the columns added since.

        Columns are only ever added (with their type's default for old rows), so this is safe
        to run on every start, on every shard, by several processes at once.
        """
        tables = [("events", EVENT_COLUMNS), ("sessions", SESSION_COLUMNS)]
        names = [(f"{table}{local}", columns) for table, columns in tables]
        if local:
            names += [(table, columns) for table, columns in tables]  # the Distributed tables
        for table, columns in names:
            existing = [
                str(row[0])
                for row in client.execute(
                    "SELECT name FROM system.columns WHERE database = %(d)s AND table = %(t)s",
                    {"d": self.database, "t": table},
                )
            ]
            for statement in add_column_statements(f"`{self.database}`.{table}", existing, columns):
                log.warning("ClickHouse schema migration: %s", statement)
                client.execute(statement)

    # -- writes ---------------------------------------------------------------------------

    def write(self, events: Sequence[EventRecord], changes: Sequence[SessionChange]) -> None:
        """Insert events, then visit rows (cancel of the previous state + the new state)."""
        self._ensure_schema()
        with self._write_lock:
            try:
                if events:
                    self._writer.execute(
                        f"INSERT INTO events ({', '.join(EVENT_NAMES)}) VALUES",
                        _event_columns(events),
                        columnar=True,
                        settings=self._write_settings,
                    )
                if changes:
                    self._writer.execute(
                        f"INSERT INTO sessions ({', '.join(SESSION_NAMES)}, sign) VALUES",
                        _session_columns(changes),
                        columnar=True,
                        settings=self._write_settings,
                    )
            except Exception as exc:
                self._writer.disconnect()
                if _is_rejection(exc):
                    raise RejectedRecords(f"{type(exc).__name__}: {exc}") from exc
                raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def replay(self, events: Sequence[EventRecord], sessions: Sequence[SessionRecord]) -> None:
        """Write spooled records again: only events not stored yet (by id, within the batch's
        time span), and each visit moved from its stored version to the newest spooled one."""
        fresh = list(events)
        if fresh:
            low = min(e.ts for e in fresh).astimezone(UTC).replace(tzinfo=None, microsecond=0)
            high = max(e.ts for e in fresh).astimezone(UTC).replace(tzinfo=None)
            stored = {
                row[0]
                for row in self._external(
                    "SELECT event_id FROM events WHERE ts >= %(low)s AND ts <= %(high)s "
                    "AND event_id GLOBAL IN (SELECT id FROM spooled)",
                    {"low": low, "high": high},
                    [("id", "UInt64")],
                    [{"id": e.event_id} for e in fresh],
                )
            }
            fresh = [e for e in fresh if e.event_id not in stored]
        latest: dict[tuple[int, int], SessionRecord] = {}
        for session in sessions:
            key = (session.site_id, session.session_id)
            if key not in latest or session.version >= latest[key].version:
                latest[key] = session
        current = self._stored_sessions(list(latest)) if latest else {}
        changes = [
            SessionChange(current.get(key), session)
            for key, session in latest.items()
            if key not in current or current[key].version < session.version
        ]
        self.write(fresh, changes)

    def _stored_sessions(self, keys: list[tuple[int, int]]) -> dict[tuple[int, int], SessionRecord]:
        """The state of each visit that is in effect (its rows' signs add up to one)."""
        rows = self._external(
            f"SELECT {_RECORD_COLUMNS} FROM sessions "
            "WHERE (site_id, session_id) GLOBAL IN (SELECT site, id FROM spooled) "
            f"GROUP BY {_RECORD_COLUMNS} HAVING sum(sign) > 0",
            {},
            [("site", "UInt32"), ("id", "UInt64")],
            [{"site": site, "id": session} for site, session in keys],
        )
        found: dict[tuple[int, int], SessionRecord] = {}
        for row in rows:
            session = session_from_row(row)
            key = (session.site_id, session.session_id)
            if key not in found or session.version > found[key].version:
                found[key] = session
        return found

    def recent_event_ids(self, since: datetime, limit: int) -> list[tuple[int, int]]:
        """(site id, event id) of the latest `limit` events at or after `since`, oldest first."""
        rows = self.query(
            "SELECT site_id, event_id FROM (SELECT site_id, event_id, ts FROM events "
            "WHERE ts >= %(since)s ORDER BY ts DESC LIMIT %(limit)s) ORDER BY ts",
            {"since": since.astimezone(UTC).replace(tzinfo=None), "limit": limit},
        )
        return [(int(site), int(event)) for site, event in rows]

    def live_sessions(self, since: datetime) -> list[SessionRecord]:
        """Stored visits whose last event is at or after `since` (the version in effect; visits
        that started over a week before are not looked for)."""
        naive = since.astimezone(UTC).replace(tzinfo=None)
        rows = self.query(
            f"SELECT {_RECORD_COLUMNS} FROM sessions WHERE start >= %(oldest)s "
            f"AND `end` >= %(since)s GROUP BY {_RECORD_COLUMNS} HAVING sum(sign) > 0",
            {"since": naive, "oldest": naive - timedelta(days=7)},
        )
        found: dict[tuple[int, int], SessionRecord] = {}
        for row in rows:
            session = session_from_row(row)
            key = (session.site_id, session.session_id)
            if key not in found or session.version > found[key].version:
                found[key] = session
        return list(found.values())

    def _external(
        self,
        sql: str,
        params: dict[str, Any],
        structure: list[tuple[str, str]],
        data: list[dict[str, Any]],
    ) -> list[tuple[Any, ...]]:
        """A read with a temporary table `spooled` sent along (external data)."""
        with self._reader() as client:
            try:
                rows = client.execute(
                    sql,
                    params or None,
                    settings=self._read_settings,
                    external_tables=[{"name": "spooled", "structure": structure, "data": data}],
                )
            except (OSError, EOFError, NetworkError, SocketTimeoutError) as exc:
                raise StoreUnavailable(str(exc)) from exc
        return [tuple(row) for row in rows]

    def delete_site(self, site_id: int, timeout_s: float = 120.0) -> None:
        """Remove a site's events and visits on every shard, waiting for the mutations."""
        local = "_local" if self.cluster else ""
        for host, port in self._shards():
            client = self._client(host, port)
            try:
                for table in ("events", "sessions"):
                    client.execute(
                        f"ALTER TABLE {table}{local} DELETE WHERE site_id = %(s)s", {"s": site_id}
                    )
                # Mutations run in the background; deleting means the data is gone.
                deadline = time.monotonic() + timeout_s
                while client.execute(
                    "SELECT count() FROM system.mutations WHERE database = %(d)s AND NOT is_done",
                    {"d": self.database},
                )[0][0]:
                    if time.monotonic() > deadline:
                        raise StoreUnavailable("site deletion is still running in ClickHouse")
                    time.sleep(0.05)
            finally:
                client.disconnect()

    # -- reads ----------------------------------------------------------------------------

    def query(
        self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Run a read query; parameters are named (%(name)s)."""
        with self._reader() as client:
            try:
                rows = client.execute(
                    sql, dict(params) if params else None, settings=self._read_settings
                )
            except (OSError, EOFError, NetworkError, SocketTimeoutError) as exc:
                raise StoreUnavailable(str(exc)) from exc
        return [tuple(row) for row in rows]

    def last_activity(self, site_id: int) -> datetime | None:
        """When the site's most recent visit last saw an event (UTC), or None."""
        rows = self.query(
            "SELECT max(`end`), count() FROM sessions WHERE site_id = %(s)s", {"s": site_id}
        )
        if not rows or not rows[0][1]:
            return None
        last: datetime = rows[0][0]
        return last.astimezone(UTC) if last.tzinfo else last.replace(tzinfo=UTC)

    # -- rollups (not kept in ClickHouse: its unique counts are fast enough raw) ----------

    def touched(self, site_id: int) -> datetime | None:
        """Rollups are not kept here; nothing is ever stale."""
        del site_id
        return None

    def clear_touched(self, site_id: int, seen: datetime) -> None:
        """Nothing to forget (no rollups)."""
        del site_id, seen

    def apply(self, statements: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Rollup maintenance does not run against ClickHouse."""
        del statements
        raise NotImplementedError("rollups are kept only in the embedded store")

    def close(self) -> None:
        """Close every connection."""
        self._writer.disconnect()
        while True:
            try:
                self._pool.get_nowait().disconnect()
            except queue.Empty:
                break


def _event_columns(events: Sequence[EventRecord]) -> list[list[Any]]:
    columns = []
    for name in EVENT_NAMES:
        values = list(map(attrgetter(name), events))
        if name == "ts":
            values = [v.astimezone(UTC).replace(tzinfo=None) for v in values]
        columns.append(values)
    return columns


def _session_row(session: SessionRecord, sign: int) -> list[Any]:
    row: list[Any] = []
    for name in SESSION_NAMES:
        if name == "duration_s":
            row.append(max(0, session.duration_s))
        elif name == "is_bounce":
            row.append(1 if session.is_bounce else 0)
        elif name in ("start", "end"):
            row.append(getattr(session, name).astimezone(UTC).replace(tzinfo=None))
        else:
            row.append(getattr(session, name))
    row.append(sign)
    return row


def _session_columns(changes: Sequence[SessionChange]) -> list[list[Any]]:
    rows = []
    for change in changes:
        if change.previous is not None:
            rows.append(_session_row(change.previous, -1))
        rows.append(_session_row(change.current, 1))
    return [list(column) for column in zip(*rows, strict=True)]


# Server error codes caused by the values sent: CANNOT_PARSE_TEXT, CANNOT_PARSE_INPUT_ASSERTION_
# FAILED, CANNOT_PARSE_DATETIME, TYPE_MISMATCH, ARGUMENT_OUT_OF_BOUND, CANNOT_CONVERT_TYPE,
# INCORRECT_DATA. Every other failure (network, memory, too many parts...) is retried.
_REJECTED_CODES = frozenset({6, 27, 41, 53, 69, 70, 117})


def _is_rejection(exc: Exception) -> bool:
    if isinstance(exc, ServerException):
        return exc.code in _REJECTED_CODES
    return isinstance(
        exc,
        TypeMismatchError | UnicodeError | OverflowError | ValueError | TypeError | struct.error,
    )
