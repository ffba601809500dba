"""The embedded event store: one DuckDB file, one writer, many concurrent readers."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import pyarrow as pa

from footfall.store.arrow import events_table, sessions_table
from footfall.store.base import RejectedRecords, StoreUnavailable
from footfall.store.records import EventRecord, SessionChange, SessionRecord
from footfall.store.schema import (
    EVENT_COLUMNS,
    ROLLUP_DAY_COLUMNS,
    ROLLUP_EVENT_COLUMNS,
    ROLLUP_SCROLL_COLUMNS,
    ROLLUP_SITE_COLUMNS,
    ROLLUP_VISIT_COLUMNS,
    SESSION_COLUMN_NAMES,
    SESSION_COLUMNS,
    SESSION_RECORD_COLUMNS,
    Column,
    session_from_row,
)

SCHEMA_VERSION = 1
# Bumped when rollup rows change meaning or a rollup table is added: all days are rebuilt.
ROLLUP_VERSION = 2


def _create_table(name: str, columns: Sequence[Column], extra: str = "") -> str:
    body = ",\n  ".join(f'"{c.name}" {c.duckdb}' for c in columns)
    return f"CREATE TABLE IF NOT EXISTS {name} (\n  {body}{extra}\n)"


DDL = (
    _create_table("events", EVENT_COLUMNS),
    _create_table("sessions", SESSION_COLUMNS, ",\n  PRIMARY KEY (site_id, session_id)"),
    _create_table("rollup_visits", ROLLUP_VISIT_COLUMNS),
    _create_table("rollup_events", ROLLUP_EVENT_COLUMNS),
    _create_table("rollup_scroll", ROLLUP_SCROLL_COLUMNS),
    _create_table("rollup_days", ROLLUP_DAY_COLUMNS, ",\n  PRIMARY KEY (site_id, day)"),
    _create_table("rollup_sites", ROLLUP_SITE_COLUMNS, ",\n  PRIMARY KEY (site_id)"),
    "CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
)
ROLLUP_TABLES = ("rollup_visits", "rollup_events", "rollup_scroll", "rollup_days", "rollup_sites")

_UPDATABLE = [name for name in SESSION_COLUMN_NAMES if name not in ("site_id", "session_id")]
_UPSERT_SESSIONS = (
    "INSERT INTO sessions SELECT * FROM incoming_sessions "
    "ON CONFLICT (site_id, session_id) DO UPDATE SET "
    + ", ".join(f'"{name}" = excluded."{name}"' for name in _UPDATABLE)
    # Late, out-of-order flushes of an older version never overwrite a newer one.
    + " WHERE excluded.version >= sessions.version"
)


class DuckDBEventStore:
    """Events and sessions in an embedded DuckDB database."""

    dialect = "duckdb"
    collapsing = False

    def __init__(self, path: Path | str, *, threads: int = 2, memory_limit: str = "1GB") -> None:
        self.path = str(path)
        config: dict[str, str | bool | int | float | list[str]] = {
            "threads": threads,
            "memory_limit": memory_limit,
        }
        self._con = duckdb.connect(self.path, config=config)
        self._con.execute("SET TimeZone = 'UTC'")
        for statement in DDL:
            self._con.execute(statement)
        self._con.execute(
            "INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )
        self._reset_outdated_rollups()
        self._write_lock = threading.Lock()
        self._readers: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        # Per site, the earliest instant written since rollups were last reconciled.
        self._touched: dict[int, datetime] = {}

    def _reset_outdated_rollups(self) -> None:
        row = self._con.execute(
            "SELECT value FROM store_meta WHERE key = 'rollup_version'"
        ).fetchone()
        if row is not None and row[0] == str(ROLLUP_VERSION):
            return
        self._con.execute("BEGIN TRANSACTION")
        for table in ROLLUP_TABLES:
            self._con.execute(f"DELETE FROM {table}")
        self._con.execute(
            "INSERT OR REPLACE INTO store_meta VALUES ('rollup_version', ?)", [str(ROLLUP_VERSION)]
        )
        self._con.execute("COMMIT")

    def write(self, events: Sequence[EventRecord], changes: Sequence[SessionChange]) -> None:
        """Append events and upsert sessions in one transaction (blocking; run in a thread)."""
        if not events and not changes:
            return
        sessions = [change.current for change in changes]
        with self._write_lock:
            con = self._con
            con.execute("BEGIN TRANSACTION")
            try:
                if events:
                    con.register("incoming_events", events_table(events))
                    con.execute("INSERT INTO events SELECT * FROM incoming_events")
                    con.unregister("incoming_events")
                if sessions:
                    con.register("incoming_sessions", sessions_table(sessions))
                    con.execute(_UPSERT_SESSIONS)
                    con.unregister("incoming_sessions")
                con.execute("COMMIT")
            except BaseException as exc:
                con.execute("ROLLBACK")
                _reraise(exc)
            self._note_touched(events, sessions)

    def replay(self, events: Sequence[EventRecord], sessions: Sequence[SessionRecord]) -> None:
        """Write spooled records again, skipping events already stored (by site, id and
        time) and never moving a visit back to an older version."""
        latest: dict[tuple[int, int], SessionRecord] = {}
        for session in sessions:
            key = (session.site_id, session.session_id)
            known = latest.get(key)
            if known is None or session.version >= known.version:
                latest[key] = session
        newest = list(latest.values())
        with self._write_lock:
            con = self._con
            con.execute("BEGIN TRANSACTION")
            try:
                if events:
                    con.register("incoming_events", events_table(events))
                    con.execute(
                        "INSERT INTO events SELECT i.* FROM incoming_events AS i WHERE NOT EXISTS "
                        "(SELECT 1 FROM events AS e WHERE e.ts >= $low AND e.ts <= $high "
                        "AND e.site_id = i.site_id AND e.event_id = i.event_id AND e.ts = i.ts)",
                        {
                            "low": _naive_utc(min(e.ts for e in events)),
                            "high": _naive_utc(max(e.ts for e in events)),
                        },
                    )
                    con.unregister("incoming_events")
                if newest:
                    con.register("incoming_sessions", sessions_table(newest))
                    con.execute(_UPSERT_SESSIONS)
                    con.unregister("incoming_sessions")
                con.execute("COMMIT")
            except BaseException as exc:
                con.execute("ROLLBACK")
                _reraise(exc)
            self._note_touched(events, newest)

    def recent_event_ids(self, since: datetime, limit: int) -> list[tuple[int, int]]:
        """(site id, event id) of the latest `limit` events at or after `since`, oldest first."""
        rows = self.query(
            "SELECT site_id, event_id FROM (SELECT site_id, event_id, ts FROM events "
            "WHERE ts >= $since ORDER BY ts DESC LIMIT $limit) ORDER BY ts",
            {"since": _naive_utc(since), "limit": limit},
        )
        return [(int(site), int(event)) for site, event in rows]

    def live_sessions(self, since: datetime) -> list[SessionRecord]:
        """Stored visits whose last event is at or after `since`."""
        columns = ", ".join(f'"{name}"' for name in SESSION_RECORD_COLUMNS)
        rows = self.query(
            f'SELECT {columns} FROM sessions WHERE "end" >= $since',
            {"since": _naive_utc(since)},
        )
        return [session_from_row(row) for row in rows]

    def _note_touched(
        self, events: Sequence[EventRecord], sessions: Sequence[SessionRecord]
    ) -> None:
        # Events carry server time, so their batch minimum is about "now" for every site in the
        # batch; sessions can start much earlier and are tracked per site.
        touched = self._touched
        if events:
            earliest = min(map(attrgetter("ts"), events))
            for site_id in {e.site_id for e in events}:
                if site_id not in touched or earliest < touched[site_id]:
                    touched[site_id] = earliest
        for session in sessions:
            known = touched.get(session.site_id)
            if known is None or session.start < known:
                touched[session.site_id] = session.start

    def touched(self, site_id: int) -> datetime | None:
        """The earliest instant written for a site since rollups were reconciled."""
        return self._touched.get(site_id)

    def clear_touched(self, site_id: int, seen: datetime) -> None:
        """Forget the marker, unless a write moved it earlier after `seen` was read."""
        with self._write_lock:
            current = self._touched.get(site_id)
            if current is not None and current >= seen:
                del self._touched[site_id]

    def apply(self, statements: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Run write statements in one transaction (rollup maintenance)."""
        with self._write_lock:
            con = self._con
            con.execute("BEGIN TRANSACTION")
            try:
                for sql, params in statements:
                    con.execute(sql, dict(params))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @contextmanager
    def _reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            cursor = self._readers.get_nowait()
        except queue.Empty:
            cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            self._readers.put(cursor)

    def query(
        self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Run a read query (blocking; safe from many threads at once)."""
        with self._reader() as cursor:
            bound = dict(params) if isinstance(params, Mapping) else list(params)
            return cursor.execute(sql, bound).fetchall()

    def last_activity(self, site_id: int) -> datetime | None:
        """When the site's most recent visit last saw an event (UTC), or None."""
        rows = self.query(
            'SELECT max("end") FROM sessions WHERE site_id = $site', {"site": site_id}
        )
        last = rows[0][0] if rows else None
        return last.replace(tzinfo=UTC) if isinstance(last, datetime) else None

    def delete_site(self, site_id: int) -> None:
        """Remove every event, session and rollup of a site."""
        with self._write_lock:
            for table in ("events", "sessions", *ROLLUP_TABLES):
                self._con.execute(f"DELETE FROM {table} WHERE site_id = ?", [site_id])
            self._touched.pop(site_id, None)

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file."""
        with self._write_lock:
            self._con.execute("CHECKPOINT")

    def close(self) -> None:
        """Checkpoint and close every connection."""
        with self._write_lock:
            while True:
                try:
                    self._readers.get_nowait().close()
                except queue.Empty:
                    break
            self._con.execute("CHECKPOINT")
            self._con.close()


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


# Failures caused by the values written (the same records fail again); anything else (I/O, memory,
# interruption) is worth retrying.
_REJECTIONS = (
    duckdb.ConversionException,
    duckdb.ConstraintException,
    pa.ArrowInvalid,
    pa.ArrowTypeError,
    UnicodeError,
    OverflowError,
    ValueError,
    TypeError,
)


def _reraise(exc: BaseException) -> NoReturn:
    if isinstance(exc, _REJECTIONS):
        raise RejectedRecords(f"{type(exc).__name__}: {exc}") from exc
    if isinstance(exc, Exception):
        raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
    raise exc
