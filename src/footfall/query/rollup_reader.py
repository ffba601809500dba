"""Answers one side of a query from daily rollups plus the raw tables for the days not rolled up.

The rolled-up days must form a prefix of the range (the rest, usually today, comes from the raw
tables). For event rollups the visitors seen on both sides of that seam, in the same bucket, are
subtracted once, and any visit long enough to span two midnights makes the reader step aside.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from footfall.identity.salts import local_date
from footfall.query import scroll_rollups
from footfall.query.catalog import SCROLL_BUCKET, Metric
from footfall.query.dates import DateRange, offset_spans
from footfall.query.dialect import Dialect, SqlParams
from footfall.query.model import ParsedQuery
from footfall.query.plan import SideName, SideQuery, SqlBuilder, TimeWindow
from footfall.query.rollups import (
    EVENT_DIMS,
    LONG_VISIT_S,
    RollupShape,
    bucket_of,
    combine_rows,
    overlap_sql,
    read_sql,
    rollup_shape,
)
from footfall.sites.registry import SiteInfo
from footfall.store.base import EventStore

Key = tuple[Any, ...]
Aggregates = dict[str, Any]


class RollupReader:
    """Reads rollups for a side when they can answer it exactly; blocking (run in a thread)."""

    def __init__(self, store: EventStore, dialect: Dialect) -> None:
        self.store = store
        self.dialect = dialect

    def read(
        self,
        query: ParsedQuery,
        side: SideName,
        metrics: list[Metric],
        date_range: DateRange,
        site: SiteInfo,
    ) -> dict[Key, Aggregates] | None:
        """Aggregates per group, or None when the raw tables must answer."""
        if side == "scroll":
            return self._read_scroll(query, metrics, date_range, site)
        shape = rollup_shape(query, side, [m.name for m in metrics], site.timezone)
        if shape is None:
            return None
        rolled_until = self._rolled_prefix(site, date_range)
        if rolled_until is None:
            return None
        if shape.kind == "events" and self._has_long_visits(site, date_range):
            return None
        sql, params = read_sql(
            self.dialect, shape, site.id, date_range.first, rolled_until, query.filters
        )
        totals = combine_rows(shape, self.store.query(sql, params), date_range.first)
        if rolled_until < date_range.last:
            tail = DateRange(rolled_until + timedelta(days=1), date_range.last, site.timezone)
            self._add_raw_tail(query, side, metrics, tail, totals)
            if shape.kind == "events" and bucket_of(shape.unit, rolled_until) == bucket_of(
                shape.unit, tail.first
            ):
                self._subtract_seam(shape, site, rolled_until, tail.first, totals)
        return {self._key(query, bucket, value): aggs for (bucket, value), aggs in totals.items()}

    def _read_scroll(
        self, query: ParsedQuery, metrics: list[Metric], date_range: DateRange, site: SiteInfo
    ) -> dict[Key, Aggregates] | None:
        names = [m.name for m in metrics]
        shape = scroll_rollups.scroll_shape(query, names, site.timezone)
        if shape is None:
            return None
        rolled_until = self._rolled_prefix(site, date_range)
        if rolled_until is None:
            return None
        counts_visitors = bool({"visitors", "percentage"} & set(names))
        if counts_visitors and self._has_long_visits(site, date_range):
            return None
        sql, params = scroll_rollups.read_sql(
            self.dialect, shape, query, site.id, date_range.first, rolled_until
        )
        totals = scroll_rollups.combine_rows(shape, self.store.query(sql, params), date_range.first)
        if rolled_until < date_range.last:
            tail = DateRange(rolled_until + timedelta(days=1), date_range.last, site.timezone)
            side_query = self._raw_tail(query, "scroll", metrics, tail)
            for raw in self.store.query(side_query.sql, side_query.params):
                group = self._scroll_group(query, raw[: len(query.dimensions)])
                entry = totals.setdefault(group, {"visitors": 0, "scroll_n": 0, "scroll_sum": 0})
                for alias, amount in zip(
                    side_query.aggregate_aliases, raw[len(query.dimensions) :], strict=True
                ):
                    entry[alias] = entry.get(alias, 0) + int(amount or 0)
            bucket = bucket_of(shape.unit, tail.first)
            if counts_visitors and bucket_of(shape.unit, rolled_until) == bucket:
                bounds = DateRange(rolled_until, tail.first, site.timezone)
                sql, params = scroll_rollups.seam_sql(
                    self.dialect, shape, site.id, bounds.start, tail.start, bounds.end
                )
                for page, depth, repeated in self.store.query(sql, params):
                    counted = totals.get((bucket, str(page), str(depth)))
                    if counted is not None:
                        counted["visitors"] -= int(repeated)
        return {
            self._scroll_key(query, group): aggs
            for group, aggs in totals.items()
            if not shape.by_page or group[1]
        }

    @staticmethod
    def _scroll_group(query: ParsedQuery, raw: tuple[Any, ...]) -> scroll_rollups.Group:
        bucket: date | None = None
        page = depth = ""
        for dim, item in zip(query.dimensions, raw, strict=True):
            if dim.kind == "time":
                bucket = item.date() if isinstance(item, datetime) else item
            elif dim.name == SCROLL_BUCKET:
                depth = str(item)
            else:
                page = "" if item is None else str(item)
        return bucket, page, depth

    @staticmethod
    def _scroll_key(query: ParsedQuery, group: scroll_rollups.Group) -> Key:
        bucket, page, depth = group
        return tuple(
            _bucket_start(bucket)
            if d.kind == "time"
            else depth
            if d.name == SCROLL_BUCKET
            else page
            for d in query.dimensions
        )

    def _rolled_prefix(self, site: SiteInfo, date_range: DateRange) -> date | None:
        """The last day of the longest run of usable rolled-up days from the range start."""
        touched = self.store.touched(site.id)
        stale_from = local_date(touched, site.timezone) if touched is not None else None
        params = SqlParams(self.dialect)
        rows = self.store.query(
            f"SELECT day FROM rollup_days WHERE site_id = {params.add(site.id)} "
            f"AND timezone = {params.add(site.timezone)} "
            f"AND day >= {params.add(date_range.first)} AND day <= {params.add(date_range.last)}",
            params.values,
        )
        usable = {row[0] for row in rows}
        day, last = date_range.first, None
        while day <= date_range.last and day in usable and (stale_from is None or day < stale_from):
            last = day
            day += timedelta(days=1)
        return last

    def _has_long_visits(self, site: SiteInfo, date_range: DateRange) -> bool:
        window = DateRange(date_range.first - timedelta(days=2), date_range.last, site.timezone)
        params = SqlParams(self.dialect)
        start = self.dialect.timestamp_param(params, window.start)
        end = self.dialect.timestamp_param(params, window.end)
        rows = self.store.query(
            f"SELECT count(*) FROM {self.dialect.sessions_table} "
            f"WHERE site_id = {params.add(site.id)} AND start >= {start} AND start < {end} "
            f"AND duration_s >= {LONG_VISIT_S}",
            params.values,
        )
        return bool(rows and rows[0][0])

    def _add_raw_tail(
        self,
        query: ParsedQuery,
        side: SideName,
        metrics: list[Metric],
        tail: DateRange,
        totals: dict[tuple[date | None, str], Aggregates],
    ) -> None:
        side_query = self._raw_tail(query, side, metrics, tail)
        aliases = side_query.aggregate_aliases
        for raw in self.store.query(side_query.sql, side_query.params):
            bucket, value = self._split(query, raw[: len(query.dimensions)])
            entry = totals.setdefault((bucket, value), {})
            for alias, amount in zip(aliases, raw[len(query.dimensions) :], strict=True):
                entry[alias] = entry.get(alias, 0) + int(amount or 0)

    def _raw_tail(
        self, query: ParsedQuery, side: SideName, metrics: list[Metric], tail: DateRange
    ) -> SideQuery:
        """The side's SQL over the days not rolled up, every group, unordered."""
        window = TimeWindow(
            tail.start, tail.end, tuple(offset_spans(tail.timezone, tail.start, tail.end))
        )
        unpaged = replace(query, limit=1_000_000, offset=0, order_by=())
        side_query = SideQuery(side, metrics)
        SqlBuilder(self.dialect, unpaged, window).build(side_query, paginate=False)
        return side_query

    def _subtract_seam(
        self,
        shape: RollupShape,
        site: SiteInfo,
        last_rolled: date,
        first_raw: date,
        totals: dict[tuple[date | None, str], Aggregates],
    ) -> None:
        bounds = DateRange(last_rolled, first_raw, site.timezone)
        first_raw_start = DateRange(first_raw, first_raw, site.timezone).start
        column = EVENT_DIMS[shape.dim] or "''"
        sql, params = overlap_sql(
            self.dialect, shape, site.id, bounds.start, first_raw_start, bounds.end, column
        )
        bucket = bucket_of(shape.unit, first_raw)
        for value, repeated in self.store.query(sql, params):
            # Values the filters exclude have no entry here, so nothing is subtracted for them.
            entry = totals.get((bucket, str(value)))
            if entry is not None:
                entry["visitors"] = entry.get("visitors", 0) - int(repeated)

    @staticmethod
    def _split(query: ParsedQuery, raw: tuple[Any, ...]) -> tuple[date | None, str]:
        bucket: date | None = None
        value = ""
        for dim, item in zip(query.dimensions, raw, strict=True):
            if dim.kind == "time":
                bucket = item.date() if isinstance(item, datetime) else item
            else:
                value = "" if item is None else str(item)
        return bucket, value

    @staticmethod
    def _key(query: ParsedQuery, bucket: date | None, value: str) -> Key:
        return tuple(_bucket_start(bucket) if d.kind == "time" else value for d in query.dimensions)


def _bucket_start(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day) if day is not None else None
