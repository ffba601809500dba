"""Keeps daily rollups in step with the raw tables: builds finished days, drops stale ones.

Runs in a background thread every minute (and once after `footfall demo`). Per site it:
1. resets the site's rollups when its timezone changed (days salted under the old timezone can
   no longer be summed exactly, so only days after the change are rolled up again);
2. drops rolled-up days that a later write touched (rare: imports, demo loads, clock jumps);
3. builds up to a budget of days that are over and whose visits have all ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from footfall.identity.salts import local_date
from footfall.query.dates import local_midnight_utc
from footfall.query.dialect import Dialect, SqlParams
from footfall.query.rollups import (
    DayBounds,
    build_statements,
    last_activity_sql,
    long_visits_sql,
)
from footfall.query.scroll_rollups import build_statement as scroll_statement
from footfall.sites.registry import SiteInfo

# Per-day rollup tables, rebuilt together (rollup_days records which days are built).
DAY_TABLES = ("rollup_visits", "rollup_events", "rollup_scroll")


class RollupStore(Protocol):
    """What the builder needs from an event store."""

    def query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]: ...

    def apply(self, statements: Any) -> None: ...

    def touched(self, site_id: int) -> datetime | None: ...

    def clear_touched(self, site_id: int, seen: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What one pass did."""

    built: int = 0
    dropped: int = 0
    pending: int = 0


def day_bounds(site: SiteInfo, day: date) -> DayBounds:
    """UTC bounds of a site's local day (and of the day before)."""
    return DayBounds(
        site_id=site.id,
        day=day,
        start=local_midnight_utc(day, site.timezone),
        end=local_midnight_utc(day + timedelta(days=1), site.timezone),
        previous_start=local_midnight_utc(day - timedelta(days=1), site.timezone),
    )


class RollupBuilder:
    """Builds and reconciles rollups of every site, a bounded number of days per pass."""

    def __init__(self, store: RollupStore, dialect: Dialect, session_timeout: timedelta) -> None:
        self.store = store
        self.dialect = dialect
        # A day's visits are over once none was active for a full timeout (plus a flush).
        self.settle = session_timeout + timedelta(minutes=1)

    def run(self, sites: list[SiteInfo], now: datetime, budget: int = 3) -> BuildReport:
        """One pass over all sites; blocking."""
        built = dropped = pending = 0
        for site in sites:
            floor = self._reconcile_timezone(site, now)
            dropped += self._drop_touched(site)
            for day in self._missing_days(site, floor, now):
                if built >= budget:
                    pending += 1
                    continue
                if self._build(site, day, now):
                    built += 1
                else:
                    pending += 1
        return BuildReport(built, dropped, pending)

    def _reconcile_timezone(self, site: SiteInfo, now: datetime) -> date | None:
        params = SqlParams(self.dialect)
        rows = self.store.query(
            f"SELECT timezone, floor_day FROM rollup_sites WHERE site_id = {params.add(site.id)}",
            params.values,
        )
        if rows and rows[0][0] == site.timezone:
            floor: date | None = rows[0][1]
            return floor
        floor = None
        if rows:
            # Visitor ids of earlier days were salted by the old local day: start afresh.
            floor = local_date(now, site.timezone) + timedelta(days=1)
        statements = [
            *(self._delete_where(table, site.id) for table in DAY_TABLES),
            self._delete_where("rollup_days", site.id),
            self._delete_where("rollup_sites", site.id),
        ]
        params = SqlParams(self.dialect)
        statements.append(
            (
                "INSERT INTO rollup_sites (site_id, timezone, floor_day) VALUES "
                f"({params.add(site.id)}, {params.add(site.timezone)}, {params.add(floor)})",
                params.values,
            )
        )
        self.store.apply(statements)
        return floor

    def _delete_where(
        self, table: str, site_id: int, since: date | None = None, until: date | None = None
    ) -> tuple[str, dict[str, Any]]:
        params = SqlParams(self.dialect)
        sql = f"DELETE FROM {table} WHERE site_id = {params.add(site_id)}"
        if since is not None:
            sql += f" AND day >= {params.add(since)}"
        if until is not None:
            sql += f" AND day <= {params.add(until)}"
        return sql, params.values

    def _delete_day(self, site_id: int, day: date) -> tuple[str, dict[str, Any]]:
        params = SqlParams(self.dialect)
        sql = (
            f"DELETE FROM rollup_days WHERE site_id = {params.add(site_id)} "
            f"AND day = {params.add(day)}"
        )
        return sql, params.values

    def _drop_touched(self, site: SiteInfo) -> int:
        seen = self.store.touched(site.id)
        if seen is None:
            return 0
        since = local_date(seen, site.timezone)
        params = SqlParams(self.dialect)
        stale = self.store.query(
            f"SELECT count(*) FROM rollup_days WHERE site_id = {params.add(site.id)} "
            f"AND day >= {params.add(since)}",
            params.values,
        )
        count = int(stale[0][0]) if stale else 0
        if count:
            self.store.apply(
                [self._delete_where(t, site.id, since) for t in (*DAY_TABLES, "rollup_days")]
            )
        self.store.clear_touched(site.id, seen)
        return count

    def _missing_days(self, site: SiteInfo, floor: date | None, now: datetime) -> list[date]:
        params = SqlParams(self.dialect)
        first = self.store.query(
            f"SELECT min(start) FROM {self.dialect.sessions_table} "
            f"WHERE site_id = {params.add(site.id)}",
            params.values,
        )
        if not first or first[0][0] is None:
            return []
        start_day = local_date(first[0][0].replace(tzinfo=UTC), site.timezone)
        if floor is not None:
            start_day = max(start_day, floor)
        last_day = local_date(now, site.timezone) - timedelta(days=1)
        if start_day > last_day:
            return []
        params = SqlParams(self.dialect)
        done = {
            row[0]
            for row in self.store.query(
                f"SELECT day FROM rollup_days WHERE site_id = {params.add(site.id)}",
                params.values,
            )
        }
        days = (start_day + timedelta(days=i) for i in range((last_day - start_day).days + 1))
        return [day for day in days if day not in done]

    def _build(self, site: SiteInfo, day: date, now: datetime) -> bool:
        bounds = day_bounds(site, day)
        if now < bounds.end + self.settle:
            return False
        sql, params = last_activity_sql(self.dialect, bounds)
        last = self.store.query(sql, params)[0][0]
        if last is not None and last.replace(tzinfo=UTC) > now - self.settle:
            return False  # a visit that started that day is still going
        sql, params = long_visits_sql(self.dialect, bounds)
        long_visits = int(self.store.query(sql, params)[0][0] or 0)
        statements = [
            *build_statements(self.dialect, bounds),
            self._delete_where("rollup_scroll", site.id, day, day),
            scroll_statement(self.dialect, bounds),
            self._delete_day(site.id, day),
        ]
        insert = SqlParams(self.dialect)
        statements.append(
            (
                "INSERT INTO rollup_days (site_id, day, timezone, long_visits, built_at) VALUES ("
                f"{insert.add(site.id)}, {insert.add(day)}, {insert.add(site.timezone)}, "
                f"{insert.add(long_visits)}, "
                f"{self.dialect.timestamp_param(insert, now.astimezone(UTC))})",
                insert.values,
            )
        )
        self.store.apply(statements)
        return True
