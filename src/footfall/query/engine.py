"""Runs parsed queries against an event store and shapes the results."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from footfall.errors import ValidationFailed
from footfall.query.catalog import Dimension, Metric
from footfall.query.dates import (
    DateRange,
    bucket_starts,
    format_bucket,
    offset_spans,
    previous_period,
    resolve_relative,
    today_in,
    year_over_year,
)
from footfall.query.dialect import Dialect
from footfall.query.model import ParsedQuery, time_unit
from footfall.query.plan import (
    SIDE_METRICS,
    SideName,
    SideQuery,
    SqlBuilder,
    TimeWindow,
    default_order,
    side_of,
    split_by_side,
)
from footfall.query.rollup_reader import RollupReader
from footfall.sites.registry import SiteInfo
from footfall.store.base import EventStore

MAX_BUCKETS = 10_000
Key = tuple[Any, ...]
_DECIMALS = {"views_per_visit": 2, "percentage": 1}
_POINTS_CHANGE = {"bounce_rate"}


@dataclass(slots=True)
class Row:
    """Aggregates of one group, by side, and the metric values computed from them."""

    key: Key
    aggregates: dict[SideName, dict[str, Any]] = field(default_factory=dict)
    values: dict[str, float | int | None] = field(default_factory=dict)
    # Unrounded values: rows are ordered by these, like SQL orders them.
    exact: dict[str, float | int | None] = field(default_factory=dict)


@dataclass(slots=True)
class Execution:
    """The rows of one date range, in result order, with the total group count."""

    rows: list[Row]
    total_rows: int
    sql_ms: float = 0.0


class QueryEngine:
    """Answers queries from an event store."""

    def __init__(
        self,
        store: EventStore,
        dialect: Dialect,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rollups: RollupReader | None = None,
    ) -> None:
        self.store = store
        self.dialect = dialect
        self.clock = clock
        self.rollups = rollups

    async def run(self, query: ParsedQuery, site: SiteInfo) -> dict[str, Any]:
        """The full API response for a query on a site."""
        started = time.perf_counter()
        timezone = _timezone(query.timezone or site.timezone)
        current = await self._resolve_range(query, timezone)
        self._check_buckets(query, current)
        execution = await self.execute(query, current, site=site)
        response: dict[str, Any] = {
            "results": [self._format_row(query, row) for row in execution.rows],
            "meta": {
                "site_id": site.id,
                "timezone": timezone,
                "date_range": _range_json(current),
                "metrics": [m.name for m in query.metrics],
                "dimensions": [d.name for d in query.dimensions],
                "total_rows": execution.total_rows,
            },
        }
        if query.compare is not None:
            previous = self._comparison_range(query, current)
            self._check_buckets(query, previous)
            compared = await self._compare(query, execution, previous, site)
            response["comparison"] = {
                "date_range": _range_json(previous),
                "results": [self._format_row(query, row) for row in compared.rows],
            }
            self._attach_changes(query, response["results"], execution, compared)
            execution.sql_ms += compared.sql_ms
        response["meta"]["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        response["meta"]["sql_ms"] = round(execution.sql_ms, 2)
        return response

    # -- ranges -------------------------------------------------------------------------

    async def _resolve_range(self, query: ParsedQuery, timezone: str) -> DateRange:
        if isinstance(query.date_range, tuple):
            return DateRange(query.date_range[0], query.date_range[1], timezone)
        today = query.reference_date or today_in(timezone, self.clock())
        first_day = None
        if query.date_range == "all":
            first_day = await self._first_data_day(query.site_id, timezone)
        return resolve_relative(query.date_range, today, timezone, first_day)

    async def _first_data_day(self, site_id: int, timezone: str) -> date | None:
        sql = f"SELECT min(start) FROM {self.dialect.sessions_table} WHERE site_id = " + (
            self.dialect.placeholder("p0")
        )
        rows = await asyncio.to_thread(self.store.query, sql, {"p0": site_id})
        first = rows[0][0] if rows else None
        if not isinstance(first, datetime) or first.year < 2000:
            return None
        first = first.replace(tzinfo=UTC) if first.tzinfo is None else first.astimezone(UTC)
        return today_in(timezone, first)

    def _comparison_range(self, query: ParsedQuery, current: DateRange) -> DateRange:
        if isinstance(query.compare, tuple):
            return DateRange(query.compare[0], query.compare[1], current.timezone)
        if query.compare == "year_over_year":
            return year_over_year(current)
        return previous_period(current)

    def _check_buckets(self, query: ParsedQuery, date_range: DateRange) -> None:
        dim = query.time_dimension
        if dim is None:
            return
        per_day = {"minute": 1440, "hour": 24, "day": 1, "week": 1 / 7, "month": 1 / 28}
        if date_range.days * per_day[time_unit(dim)] > MAX_BUCKETS:
            raise ValidationFailed(
                f"{dim.name} over {date_range.days} days makes too many buckets; "
                "use a coarser time dimension or a shorter range",
                field="dimensions",
            )

    # -- execution ----------------------------------------------------------------------

    def _window(self, date_range: DateRange) -> TimeWindow:
        start, end = date_range.start, date_range.end
        return TimeWindow(start, end, tuple(offset_spans(date_range.timezone, start, end)))

    async def execute(
        self,
        query: ParsedQuery,
        date_range: DateRange,
        key_filter: Sequence[Key] | None = None,
        site: SiteInfo | None = None,
    ) -> Execution:
        """Rows of one date range (restricted to `key_filter` groups when given)."""
        builder = SqlBuilder(self.dialect, query, self._window(date_range))
        by_side = split_by_side(query)
        series = _is_time_series(query)
        primary = self._primary_side(query, by_side)
        paginate = key_filter is None and not series and bool(query.dimensions)
        started = time.perf_counter()

        primary_rows, total_rows, paged = await self._side_rows(
            query,
            primary,
            by_side[primary],
            date_range,
            builder,
            site,
            paginate=paginate,
            key_filter=key_filter,
        )
        rows: dict[Key, Row] = {key: Row(key, {primary: aggs}) for key, aggs in primary_rows}
        if paginate and not paged:
            # A rollup answered with every group: order and cut the page here.
            ordered = _sort_rows(query, [_with_values(query, row) for row in rows.values()])
            page = ordered[query.offset : query.offset + query.limit]
            rows = {row.key: row for row in page}
            total_rows = len(ordered)

        others = [side for side in by_side if side != primary]
        keys = list(rows) if (paginate or key_filter is not None) and query.dimensions else None
        if others and not (keys is not None and not keys):
            results = await asyncio.gather(
                *(
                    self._side_rows(
                        query,
                        side,
                        by_side[side],
                        date_range,
                        builder,
                        site,
                        paginate=False,
                        key_filter=keys,
                    )
                    for side in others
                )
            )
            wanted = set(keys) if keys is not None else None
            for side, (side_rows, _, _) in zip(others, results, strict=True):
                for key, aggs in side_rows:
                    row = rows.get(key)
                    if row is None:
                        if wanted is not None:
                            continue
                        row = rows[key] = Row(key)
                    row.aggregates[side] = aggs

        total_visitors = None
        if any(m.name == "percentage" for m in query.metrics):
            total_visitors = await self._total_visitors(query, date_range, builder, site)
        ordered = list(rows.values())
        if series:
            ordered = self._fill_series(query, date_range, rows)
            total_rows = len(ordered)
        elif not query.dimensions and not ordered:
            ordered = [Row(())]
        for row in ordered:
            _set_values(query, row, total_visitors)
        if series or not paged:
            ordered = _sort_rows(query, ordered)
        if series:
            ordered = ordered[query.offset : query.offset + query.limit]
        if not query.dimensions:
            total_rows = 1
        return Execution(ordered, total_rows, (time.perf_counter() - started) * 1000)

    async def _side_rows(
        self,
        query: ParsedQuery,
        side: SideName,
        metrics: list[Metric],
        date_range: DateRange,
        builder: SqlBuilder,
        site: SiteInfo | None,
        *,
        paginate: bool,
        key_filter: Sequence[Key] | None,
    ) -> tuple[list[tuple[Key, dict[str, Any]]], int, bool]:
        """(key, aggregates) rows of one side, the group count, and whether SQL paginated."""
        if site is not None and self.rollups is not None:
            answer = await asyncio.to_thread(
                self.rollups.read, query, side, metrics, date_range, site
            )
            if answer is not None:
                if key_filter is not None:
                    wanted = set(key_filter)
                    answer = {k: v for k, v in answer.items() if k in wanted}
                return list(answer.items()), len(answer), False
        side_query = SideQuery(side, metrics)
        builder.build(
            side_query, paginate=paginate, key_filter=key_filter, dimensions=query.dimensions
        )
        ndims = len(query.dimensions)
        if side_query.count_sql:
            raw_rows, counted = await asyncio.gather(
                self._run(side_query),
                asyncio.to_thread(self.store.query, side_query.count_sql, side_query.params),
            )
            total = int(counted[0][0]) if counted else 0
        else:
            raw_rows = await self._run(side_query)
            total = int(raw_rows[0][-1]) if raw_rows and paginate else 0
        rows = [
            (
                _key(query.dimensions, raw[:ndims]),
                dict(zip(side_query.aggregate_aliases, raw[ndims:], strict=False)),
            )
            for raw in raw_rows
        ]
        return rows, total, paginate

    def _primary_side(self, query: ParsedQuery, by_side: dict[SideName, list[Metric]]) -> SideName:
        metric_names = {m.name: m for m in query.metrics}
        for name, _descending in query.order_by or default_order(query):
            if name in metric_names:
                return side_of(metric_names[name], query)
        return next(iter(by_side))

    async def _run(self, side_query: SideQuery) -> list[tuple[Any, ...]]:
        return await asyncio.to_thread(self.store.query, side_query.sql, side_query.params)

    async def _total_visitors(
        self, query: ParsedQuery, date_range: DateRange, builder: SqlBuilder, site: SiteInfo | None
    ) -> int:
        percentage = next(m for m in query.metrics if m.name == "percentage")
        side = side_of(percentage, query)  # the full query decides (scroll buckets, events)
        total_query = replace(query, dimensions=(), order_by=())
        rows, _, _ = await self._side_rows(
            total_query,
            side,
            [percentage],
            date_range,
            builder,
            site,
            paginate=False,
            key_filter=None,
        )
        return int(rows[0][1].get("visitors") or 0) if rows else 0

    def _fill_series(
        self, query: ParsedQuery, date_range: DateRange, rows: dict[Key, Row]
    ) -> list[Row]:
        unit = time_unit(query.dimensions[0])
        filled = []
        for bucket in bucket_starts(unit, date_range.first, date_range.last):
            filled.append(rows.get((bucket,)) or Row((bucket,)))
        return filled

    async def _compare(
        self, query: ParsedQuery, current: Execution, previous: DateRange, site: SiteInfo
    ) -> Execution:
        if _is_time_series(query) or not query.dimensions:
            return await self.execute(query, previous, site=site)
        keys = [row.key for row in current.rows]
        if not keys:
            return Execution([], 0)
        return await self.execute(query, previous, key_filter=keys, site=site)

    # -- output -------------------------------------------------------------------------

    def _format_row(self, query: ParsedQuery, row: Row) -> dict[str, Any]:
        return {
            "dimensions": [
                _format_dim(d, v) for d, v in zip(query.dimensions, row.key, strict=True)
            ],
            "metrics": [row.values.get(m.name) for m in query.metrics],
        }

    def _attach_changes(
        self,
        query: ParsedQuery,
        formatted: list[dict[str, Any]],
        current: Execution,
        previous: Execution,
    ) -> None:
        if _is_time_series(query):
            pairs = list(
                zip(current.rows, previous.rows + [None] * len(current.rows), strict=False)
            )
        else:
            by_key = {row.key: row for row in previous.rows}
            pairs = [(row, by_key.get(row.key)) for row in current.rows]
        series = _is_time_series(query)
        for item, (row, before) in zip(formatted, pairs, strict=True):
            if before is not None:
                before_values = [before.values.get(m.name) for m in query.metrics]
                before_dims = [
                    _format_dim(d, v) for d, v in zip(query.dimensions, before.key, strict=True)
                ]
            elif series:
                # The comparison period is shorter: nothing to compare this bucket with.
                before_values, before_dims = [None] * len(query.metrics), []
            else:
                # The group did not occur in the comparison period at all.
                before_values, before_dims = [_zero(m) for m in query.metrics], item["dimensions"]
            item["comparison"] = {
                "dimensions": before_dims,
                "metrics": before_values,
                "change": [
                    _change(m.name, row.values.get(m.name), prev)
                    for m, prev in zip(query.metrics, before_values, strict=True)
                ],
            }


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(f"Unknown timezone {name[:64]!r}", field="timezone") from exc
    return name


def _is_time_series(query: ParsedQuery) -> bool:
    return len(query.dimensions) == 1 and query.dimensions[0].kind == "time"


def _key(dimensions: Sequence[Dimension], raw: Sequence[Any]) -> Key:
    key = []
    for dim, value in zip(dimensions, raw, strict=True):
        if dim.kind == "time" and isinstance(value, datetime):
            value = value.replace(tzinfo=None)  # local wall time; stores differ on tz marks
        elif dim.kind == "time" and isinstance(value, date):
            value = datetime(value.year, value.month, value.day)
        elif dim.kind != "time":
            value = "" if value is None else str(value)
        key.append(value)
    return tuple(key)


def _format_dim(dim: Dimension, value: Any) -> Any:
    if dim.kind == "time" and isinstance(value, datetime):
        return format_bucket(time_unit(dim), value)
    return value


def _half_up(value: float, decimals: int) -> float | int:
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def _with_values(query: ParsedQuery, row: Row) -> Row:
    _set_values(query, row, None)
    return row


def _set_values(query: ParsedQuery, row: Row, total_visitors: int | None) -> None:
    """Compute a row's metric values, exact and rounded for display."""
    values: dict[str, float | int | None] = {}
    exact: dict[str, float | int | None] = {}
    for metric in query.metrics:
        side = side_of(metric, query)
        aggregates = row.aggregates.get(side, {})
        if metric.name == "percentage":
            visitors = int(aggregates.get("visitors") or 0)
            raw: float | int | None = visitors * 100.0 / total_visitors if total_visitors else None
        else:
            raw = SIDE_METRICS[side][metric.name].value(aggregates)
        exact[metric.name] = raw
        if isinstance(raw, float):
            raw = _half_up(raw, _DECIMALS.get(metric.name, 0))
        values[metric.name] = raw
    row.values, row.exact = values, exact


def _zero(metric: Metric) -> int | None:
    return 0 if metric.name in ("visitors", "visits", "pageviews", "events") else None


def _change(name: str, current: Any, previous: Any) -> float | int | None:
    if current is None or previous is None:
        return None
    if name in _POINTS_CHANGE:
        return _half_up(float(current) - float(previous), 1)
    if previous == 0:
        return None if current else 0
    return _half_up((float(current) - float(previous)) * 100.0 / float(previous), 1)


def _sort_rows(query: ParsedQuery, rows: list[Row]) -> list[Row]:
    """Stable multi-key sort in Python (for filled time series); None metrics sort last."""
    names = {m.name for m in query.metrics}
    index = {d.name: i for i, d in enumerate(query.dimensions)}
    terms = list(query.order_by or default_order(query))
    terms += [(d.name, False) for d in query.dimensions if d.name not in {t[0] for t in terms}]
    ordered = rows
    for name, descending in reversed(terms):
        if name in names:
            present = [r for r in ordered if r.values.get(name) is not None]
            missing = [r for r in ordered if r.values.get(name) is None]
            present.sort(key=_metric_key(name), reverse=descending)
            ordered = present + missing
        elif name in index:
            ordered = sorted(ordered, key=_dimension_key(index[name]), reverse=descending)
    return ordered


def _metric_key(name: str) -> Callable[[Row], float]:
    return lambda row: float(row.exact[name] or 0)


def _dimension_key(position: int) -> Callable[[Row], Any]:
    return lambda row: row.key[position]


def _range_json(date_range: DateRange) -> dict[str, str]:
    return {"start": date_range.first.isoformat(), "end": date_range.last.isoformat()}
