"""Daily rollups: per-site, per-local-day aggregates that answer dashboard queries exactly.

Why they are exact. Visitor ids are salted per local day of the site (identity/salts.py), so
every visit of an id starts on that day:
- visit rollups (from `sessions`, by local start day) sum exactly across days, unique visitors
  included;
- event rollups (from `events`, by local event day) count an id on day d and, if its visit
  continued past midnight, again on d+1. Each row also stores `continued`: the ids counted with
  the same value on the previous day. Summing `visitors` and subtracting `continued` for every
  day after the first of a bucket gives the exact unique count as long as no visit spans two
  midnights; days with such visits (`long_visits`) make the planner use the raw tables.

A day is rolled up once all visits that started on it are over; a later write that touches a
rolled day marks it dirty and the planner ignores it until it is rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from footfall.query.dialect import Dialect, SqlParams
from footfall.query.model import Branch, Filter, Leaf, Not, ParsedQuery, time_unit
from footfall.query.plan import leaf_condition

# Visit dimensions kept in visit rollups, by their sessions column ("" is the site total).
VISIT_DIMS: dict[str, str | None] = {
    "": None,
    "visit:source": "referrer_source",
    "visit:referrer": "referrer",
    "visit:channel": "channel",
    "visit:utm_source": "utm_source",
    "visit:utm_medium": "utm_medium",
    "visit:utm_campaign": "utm_campaign",
    "visit:utm_content": "utm_content",
    "visit:utm_term": "utm_term",
    "visit:entry_page": "entry_page",
    "visit:exit_page": "exit_page",
    "visit:country": "country",
    "visit:region": "region",
    "visit:city": "city",
    "visit:browser": "browser",
    "visit:browser_version": "browser_version",
    "visit:os": "os",
    "visit:os_version": "os_version",
    "visit:device": "device",
    "visit:screen": "screen",
}
# Event dimensions kept in event rollups, by their events column.
EVENT_DIMS: dict[str, str | None] = {
    "": None,
    "event:page": "pathname",
    "event:name": "name",
    "event:hostname": "hostname",
}
VISIT_METRICS = frozenset(
    {"visitors", "visits", "bounce_rate", "visit_duration", "views_per_visit", "percentage"}
)
EVENT_METRICS = frozenset({"visitors", "percentage", "pageviews", "events", "time_on_page"})
LONG_VISIT_S = 24 * 3600  # a visit this long may span two midnights

RollupKind = Literal["visits", "events"]


@dataclass(frozen=True, slots=True)
class RollupShape:
    """How a side of a query maps onto a rollup table."""

    kind: RollupKind
    dim: str  # rollup dimension key ("" for none)
    unit: str | None  # time bucket: day, week, month, or None
    dim_first: bool  # whether the non-time dimension comes first in the query's dimensions


def rollup_shape(
    query: ParsedQuery, side: str, metrics: list[str], site_timezone: str
) -> RollupShape | None:
    """The rollup that can answer this side of the query exactly, or None."""
    if query.timezone not in (None, site_timezone):
        return None
    unit = None
    others = [d for d in query.dimensions if d.kind != "time"]
    time_dim = query.time_dimension
    if time_dim is not None:
        unit = time_unit(time_dim)
        if unit not in ("day", "week", "month"):
            return None
    if len(others) > 1:
        return None
    name = others[0].name if others else ""
    dim_first = bool(others) and query.dimensions[0].kind != "time"
    if query.filters and not _filters_on_rows(query, name, metrics, side):
        return None
    if side == "sessions" and set(metrics) <= VISIT_METRICS:
        # Visit metrics by page describe the visits that entered there.
        key = "visit:entry_page" if name == "event:page" else name
        return RollupShape("visits", key, unit, dim_first) if key in VISIT_DIMS else None
    if side == "events" and set(metrics) <= EVENT_METRICS and name in EVENT_DIMS:
        return RollupShape("events", name, unit, dim_first)
    return None


def _filters_on_rows(query: ParsedQuery, name: str, metrics: list[str], side: str) -> bool:
    """Whether the filters only restrict the breakdown's own values, so they can be applied to
    rollup rows: each value's row is independent of the others. Not with `percentage` (its
    total would need unique counts across values), nor for visit metrics by page (an
    event:page filter on visits means "visits that saw the page", not their entry page)."""
    if not name or "percentage" in metrics or (side == "sessions" and name == "event:page"):
        return False
    return all(_only_dimension(f, name) for f in query.filters)


def _only_dimension(item: Filter, name: str) -> bool:
    if isinstance(item, Leaf):
        return item.dimension.name == name
    if isinstance(item, Not):
        return _only_dimension(item.child, name)
    return all(_only_dimension(child, name) for child in item.children)


def value_filter_sql(dialect: Dialect, filters: tuple[Filter, ...], params: SqlParams) -> str:
    """The query's filters applied to a rollup table's `value` column."""
    return " AND ".join(_value_condition(dialect, f, params) for f in filters)


def _value_condition(dialect: Dialect, item: Filter, params: SqlParams) -> str:
    if isinstance(item, Branch):
        joiner = " AND " if item.operator == "and" else " OR "
        return "(" + joiner.join(_value_condition(dialect, c, params) for c in item.children) + ")"
    if isinstance(item, Not):
        return f"(NOT {_value_condition(dialect, item.child, params)})"
    return leaf_condition(dialect, "value", item, params)


# -- building ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayBounds:
    """One local day of a site, as UTC instants."""

    site_id: int
    day: date
    start: datetime  # local midnight starting the day
    end: datetime  # local midnight ending it
    previous_start: datetime  # local midnight starting the day before


def build_statements(dialect: Dialect, bounds: DayBounds) -> list[tuple[str, dict[str, Any]]]:
    """SQL (with parameters) that replaces one day's rollup rows; run in one transaction."""
    statements = [_delete(dialect, table, bounds) for table in ("rollup_visits", "rollup_events")]
    statements.append(_visit_rows(dialect, bounds))
    statements.append(_event_rows(dialect, bounds))
    return statements


def _delete(dialect: Dialect, table: str, bounds: DayBounds) -> tuple[str, dict[str, Any]]:
    params = SqlParams(dialect)
    sql = (
        f"DELETE FROM {table} WHERE site_id = {params.add(bounds.site_id)} "
        f"AND day = {params.add(bounds.day)}"
    )
    return sql, params.values


def _visit_rows(dialect: Dialect, bounds: DayBounds) -> tuple[str, dict[str, Any]]:
    params = SqlParams(dialect)
    site, day = params.add(bounds.site_id), params.add(bounds.day)
    start = dialect.timestamp_param(params, bounds.start)
    end = dialect.timestamp_param(params, bounds.end)
    aggregates = ", ".join(
        (
            dialect.count_distinct("visitor_id"),
            dialect.count_rows(),
            dialect.sum_bool("is_bounce"),
            dialect.sum_of("duration_s"),
            dialect.sum_of("pageviews"),
        )
    )
    where = f"site_id = {site} AND start >= {start} AND start < {end}"
    parts = []
    for name, column in VISIT_DIMS.items():
        value = column or "''"
        group = f" GROUP BY {column}" if column else ""
        parts.append(
            f"SELECT {site} AS site_id, {day} AS day, '{name}' AS dim, {value} AS value, "
            f"{aggregates} FROM {dialect.sessions_table} WHERE {where}{group}"
        )
    columns = "site_id, day, dim, value, visitors, visits, bounces, duration, session_pageviews"
    return f"INSERT INTO rollup_visits ({columns}) " + " UNION ALL ".join(parts), params.values


def _event_rows(dialect: Dialect, bounds: DayBounds) -> tuple[str, dict[str, Any]]:
    params = SqlParams(dialect)
    site, day = params.add(bounds.site_id), params.add(bounds.day)
    previous = dialect.timestamp_param(params, bounds.previous_start)
    start = dialect.timestamp_param(params, bounds.start)
    end = dialect.timestamp_param(params, bounds.end)
    today = f"ts >= {start}"
    inner_aggregates = ", ".join(
        (
            f"max(CASE WHEN ts < {start} THEN 1 ELSE 0 END) AS seen_before",
            f"max(CASE WHEN {today} THEN 1 ELSE 0 END) AS seen_today",
            dialect.count_if(f"{today} AND name = 'pageview'") + " AS pv",
            dialect.count_if(f"{today} AND name <> 'engagement'") + " AS ev",
            dialect.sum_if("engaged_ms", f"{today} AND name = 'engagement'") + " AS eng",
        )
    )
    where = f"site_id = {site} AND ts >= {previous} AND ts < {end}"
    parts = []
    for name, column in EVENT_DIMS.items():
        value = column or "''"
        extra = " AND name <> 'engagement'" if name == "event:name" else ""
        group = f"{column}, visitor_id" if column else "visitor_id"
        parts.append(
            f"SELECT '{name}' AS dim, {value} AS value, visitor_id, {inner_aggregates} "
            f"FROM {dialect.events_table} WHERE {where}{extra} GROUP BY {group}"
        )
    per_visitor = " UNION ALL ".join(parts)
    sql = (
        "INSERT INTO rollup_events (site_id, day, dim, value, visitors, continued, pageviews, "
        f"events, engaged_ms) SELECT {site}, {day}, dim, value, "
        f"{dialect.count_if('seen_today = 1')}, "
        f"{dialect.count_if('seen_today = 1 AND seen_before = 1')}, "
        f"sum(pv), sum(ev), sum(eng) FROM ({per_visitor}) AS per_visitor "
        "GROUP BY dim, value HAVING max(seen_today) = 1"
    )
    return sql, params.values


def long_visits_sql(dialect: Dialect, bounds: DayBounds) -> tuple[str, dict[str, Any]]:
    """Counts visits started that day which lasted long enough to span two midnights."""
    params = SqlParams(dialect)
    start = dialect.timestamp_param(params, bounds.start)
    end = dialect.timestamp_param(params, bounds.end)
    site = params.add(bounds.site_id)
    sql = (
        f"SELECT count(*) FROM {dialect.sessions_table} WHERE site_id = {site} "
        f"AND start >= {start} AND start < {end} AND duration_s >= {LONG_VISIT_S}"
    )
    return sql, params.values


def last_activity_sql(dialect: Dialect, bounds: DayBounds) -> tuple[str, dict[str, Any]]:
    """The latest end of a visit started that day (a day is built once all are over)."""
    params = SqlParams(dialect)
    start = dialect.timestamp_param(params, bounds.start)
    end = dialect.timestamp_param(params, bounds.end)
    sql = (
        f"SELECT max({dialect.quote('end')}) FROM {dialect.sessions_table} "
        f"WHERE site_id = {params.add(bounds.site_id)} AND start >= {start} AND start < {end}"
    )
    return sql, params.values


# -- reading ----------------------------------------------------------------------------


def bucket_of(unit: str | None, day: date) -> date | None:
    """The first day of the time bucket holding `day` (None without a time dimension)."""
    if unit is None:
        return None
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def read_sql(
    dialect: Dialect,
    shape: RollupShape,
    site_id: int,
    first: date,
    last: date,
    filters: tuple[Filter, ...] = (),
) -> tuple[str, dict[str, Any]]:
    """Per-day rollup rows of one dimension for [first, last], optionally filtered by value."""
    params = SqlParams(dialect)
    if shape.kind == "visits":
        columns = "visitors, visits, bounces, duration, session_pageviews"
        table = "rollup_visits"
    else:
        columns = "visitors, continued, pageviews, events, engaged_ms"
        table = "rollup_events"
    sql = (
        f"SELECT day, value, {columns} FROM {table} WHERE site_id = {params.add(site_id)} "
        f"AND dim = {params.add(shape.dim)} AND day >= {params.add(first)} "
        f"AND day <= {params.add(last)}"
    )
    if filters:
        sql += " AND " + value_filter_sql(dialect, filters, params)
    return sql, params.values


def combine_rows(
    shape: RollupShape, rows: list[tuple[Any, ...]], first: date
) -> dict[tuple[date | None, str], dict[str, int]]:
    """Sum per-day rollup rows into (bucket, value) aggregates, exactly.

    Event rollups subtract `continued` for every day after the first day of its bucket inside
    the range: those visitors were already counted the day before, in the same bucket.
    """
    totals: dict[tuple[date | None, str], dict[str, int]] = {}
    for row in rows:
        day, value = row[0], row[1]
        bucket = bucket_of(shape.unit, day)
        entry = totals.setdefault((bucket, value), {})
        if shape.kind == "visits":
            visitors, visits, bounces, duration, pageviews = row[2:]
            _add(
                entry,
                visitors=visitors,
                visits=visits,
                bounces=bounces,
                duration=duration,
                session_pageviews=pageviews,
            )
        else:
            visitors, continued, pageviews, events, engaged = row[2:]
            opening = max(bucket or first, first)
            repeat = continued if day > opening else 0
            _add(
                entry,
                visitors=visitors - repeat,
                pageviews=pageviews,
                events=events,
                engaged_ms=engaged,
            )
    return totals


def overlap_sql(
    dialect: Dialect,
    shape: RollupShape,
    site_id: int,
    previous_start: datetime,
    start: datetime,
    end: datetime,
    dim_expr: str,
) -> tuple[str, dict[str, Any]]:
    """Per value, visitors seen both on the day before `start` and on the day [start, end):
    the double count between the last rolled-up day and the first raw day."""
    params = SqlParams(dialect)
    lower = dialect.timestamp_param(params, previous_start)
    boundary = dialect.timestamp_param(params, start)
    upper = dialect.timestamp_param(params, end)
    extra = " AND name <> 'engagement'" if shape.dim == "event:name" else ""
    sql = (
        f"SELECT value, count(*) FROM (SELECT {dim_expr} AS value, visitor_id, "
        f"min(ts) AS first_ts, max(ts) AS last_ts FROM {dialect.events_table} "
        f"WHERE site_id = {params.add(site_id)} AND ts >= {lower} AND ts < {upper}{extra} "
        f"GROUP BY value, visitor_id) AS spans "
        f"WHERE first_ts < {boundary} AND last_ts >= {boundary} GROUP BY value"
    )
    return sql, params.values


def _add(entry: dict[str, int], **values: Any) -> None:
    for key, value in values.items():
        entry[key] = entry.get(key, 0) + int(value or 0)
