"""Turns a parsed query into SQL: which table answers which metric, and the text of each query.

Three "sides" can answer metrics:
- events:   one row per event; pageviews, events, time on page, and visitors/visits whenever an
            event dimension or filter is involved;
- sessions: one row per visit; bounce rate, duration, views per visit, and visitors/visits for
            visit-level questions (far fewer rows than events);
- scroll:   events pre-grouped by (visit, page) to average the maximum scroll depth.
Filters on the other table's dimensions become `session_id IN (subquery)` conditions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from footfall.query.catalog import PROP_KEY, SCROLL_BUCKET, Dimension, Metric
from footfall.query.dates import OffsetSpan
from footfall.query.dialect import Dialect, SqlParams
from footfall.query.model import Branch, Filter, Leaf, Not, ParsedQuery, time_unit

SideName = Literal["events", "sessions", "scroll"]
SCROLL_BUCKETS = ((100, "100%"), (75, "75-99%"), (50, "50-74%"), (25, "25-49%"))


def scroll_bucket_sql(params: SqlParams) -> str:
    """The scroll depth bucket of a per-page row (labels bound: '%' must not reach the SQL)."""
    cases = " ".join(
        f"WHEN max_sd >= {floor} THEN {params.add(label)}" for floor, label in SCROLL_BUCKETS
    )
    return f"CASE {cases} ELSE {params.add('0-24%')} END"


Aggregates = dict[str, Any]


@dataclass(frozen=True, slots=True)
class MetricPlan:
    """How a metric is computed on a side: aggregates in SQL, the final value in Python."""

    aggregates: tuple[tuple[str, Callable[[Dialect], str]], ...]
    value: Callable[[Aggregates], float | int | None]
    order_sql: Callable[[Dialect], str] | None = None


def _ratio(num: str, den: str, scale: float = 1.0) -> Callable[[Aggregates], float | None]:
    def compute(a: Aggregates) -> float | None:
        denominator = a.get(den) or 0
        return None if not denominator else float(a.get(num) or 0) * scale / float(denominator)

    return compute


def _count(alias: str) -> Callable[[Aggregates], int]:
    return lambda a: int(a.get(alias) or 0)


_VISITORS_E = ("visitors", lambda d: d.count_distinct("visitor_id"))
_VISITS_E = ("visits", lambda d: d.count_distinct("session_id"))
_PAGEVIEWS_E = ("pageviews", lambda d: d.count_if("name = 'pageview'"))
_VISITORS_S = ("visitors", lambda d: d.count_distinct("s.visitor_id"))
_VISITS_S = ("visits", lambda d: d.count_rows())

EVENT_METRICS: dict[str, MetricPlan] = {
    "visitors": MetricPlan((_VISITORS_E,), _count("visitors")),
    "percentage": MetricPlan((_VISITORS_E,), _count("visitors")),
    "visits": MetricPlan((_VISITS_E,), _count("visits")),
    "pageviews": MetricPlan((_PAGEVIEWS_E,), _count("pageviews")),
    "events": MetricPlan(
        (("events", lambda d: d.count_if("name <> 'engagement'")),), _count("events")
    ),
    "time_on_page": MetricPlan(
        (("engaged_ms", lambda d: d.sum_if("engaged_ms", "name = 'engagement'")), _PAGEVIEWS_E),
        _ratio("engaged_ms", "pageviews", 0.001),
        lambda d: d.ratio("engaged_ms", "pageviews"),
    ),
}

SESSION_METRICS: dict[str, MetricPlan] = {
    "visitors": MetricPlan((_VISITORS_S,), _count("visitors")),
    "percentage": MetricPlan((_VISITORS_S,), _count("visitors")),
    "visits": MetricPlan((_VISITS_S,), _count("visits")),
    "views_per_visit": MetricPlan(
        (("session_pageviews", lambda d: d.sum_of("s.pageviews")), _VISITS_S),
        _ratio("session_pageviews", "visits"),
        lambda d: d.ratio("session_pageviews", "visits"),
    ),
    "bounce_rate": MetricPlan(
        (("bounces", lambda d: d.sum_bool("s.is_bounce")), _VISITS_S),
        _ratio("bounces", "visits", 100.0),
        lambda d: d.ratio("bounces", "visits"),
    ),
    "visit_duration": MetricPlan(
        (("duration", lambda d: d.sum_of("s.duration_s")), _VISITS_S),
        _ratio("duration", "visits"),
        lambda d: d.ratio("duration", "visits"),
    ),
}

_VISITORS_SCROLL = ("visitors", lambda d: d.count_distinct("visitor_id"))
SCROLL_METRICS: dict[str, MetricPlan] = {
    "visitors": MetricPlan((_VISITORS_SCROLL,), _count("visitors")),
    "percentage": MetricPlan((_VISITORS_SCROLL,), _count("visitors")),
    "scroll_depth": MetricPlan(
        (("scroll_sum", lambda _d: "sum(max_sd)"), ("scroll_n", lambda _d: "count(*)")),
        _ratio("scroll_sum", "scroll_n"),
        lambda d: d.ratio("scroll_sum", "scroll_n"),
    ),
}

SIDE_METRICS: dict[SideName, dict[str, MetricPlan]] = {
    "events": EVENT_METRICS,
    "sessions": SESSION_METRICS,
    "scroll": SCROLL_METRICS,
}


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """UTC bounds of the queried range and the timezone offsets inside it."""

    start: datetime
    end: datetime
    spans: tuple[OffsetSpan, ...]


@dataclass(slots=True)
class SideQuery:
    """One SQL query answering some metrics on one side."""

    side: SideName
    metrics: list[Metric]
    sql: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    aggregate_aliases: list[str] = field(default_factory=list)
    # For dialects without window functions: SQL counting the groups of a paginated query.
    count_sql: str = ""


def uses_event_scope(query: ParsedQuery) -> bool:
    """Whether an event:* dimension or filter makes visitors/visits event-level questions."""
    return any(d.kind == "event" for d in query.dimensions) or any(
        _mentions_event(f) for f in query.filters
    )


def _mentions_event(item: Filter) -> bool:
    if isinstance(item, Leaf):
        return item.dimension.kind == "event"
    if isinstance(item, Not):
        return _mentions_event(item.child)
    return any(_mentions_event(child) for child in item.children)


def uses_scroll_buckets(query: ParsedQuery) -> bool:
    """Whether the query groups by scroll depth bucket (answered from per-page scroll rows)."""
    return any(d.name == SCROLL_BUCKET for d in query.dimensions)


def side_of(metric: Metric, query: ParsedQuery) -> SideName:
    """Which side computes a metric for this query."""
    if metric.name == "scroll_depth" or uses_scroll_buckets(query):
        return "scroll"
    if metric.side == "either":
        return "events" if uses_event_scope(query) else "sessions"
    return metric.side


def split_by_side(query: ParsedQuery) -> dict[SideName, list[Metric]]:
    """The query's metrics grouped by the side that computes them, in first-use order."""
    sides: dict[SideName, list[Metric]] = {}
    for metric in query.metrics:
        sides.setdefault(side_of(metric, query), []).append(metric)
    return sides


class SqlBuilder:
    """Builds the SQL of each side for one query and one time window."""

    def __init__(self, dialect: Dialect, query: ParsedQuery, window: TimeWindow) -> None:
        self.d = dialect
        self.q = query
        self.window = window

    # -- dimensions ---------------------------------------------------------------------

    def _event_dim(self, dim: Dimension, params: SqlParams) -> str:
        if dim.prop_key is not None:
            return self.d.prop_value(params.add(dim.prop_key))
        if dim.name == PROP_KEY:
            return self.d.unnest_keys()
        if dim.kind == "time":
            local = self.d.local_time("ts", self.window.spans, params)
            return self.d.truncate(time_unit(dim), local)
        assert dim.event_column is not None
        return dim.event_column

    def _session_dim(self, dim: Dimension, params: SqlParams, joined: dict[str, str]) -> str:
        if dim.kind == "time":
            local = self.d.local_time("s.start", self.window.spans, params)
            return self.d.truncate(time_unit(dim), local)
        if dim.session_column is not None:
            return f"s.{dim.session_column}"
        return f"j.{joined[dim.name]}"

    # -- filters ------------------------------------------------------------------------

    def _range_on(self, column: str, params: SqlParams) -> str:
        start = self.d.timestamp_param(params, self.window.start)
        end = self.d.timestamp_param(params, self.window.end)
        return f"{column} >= {start} AND {column} < {end}"

    def event_conditions(self, params: SqlParams) -> list[str]:
        """WHERE conditions on the events table: site, time range, every filter."""
        site = params.add(self.q.site_id)
        conditions = [f"site_id = {site}", self._range_on("ts", params)]
        conditions += [self._filter(f, "events", params) for f in self.q.filters]
        return conditions

    def session_conditions(self, params: SqlParams) -> list[str]:
        """WHERE conditions on the sessions table (alias s)."""
        site = params.add(self.q.site_id)
        conditions = [f"s.site_id = {site}", self._range_on("s.start", params)]
        conditions += [self._filter(f, "sessions", params) for f in self.q.filters]
        return conditions

    def _filter(self, item: Filter, table: str, params: SqlParams) -> str:
        if isinstance(item, Branch):
            joiner = " AND " if item.operator == "and" else " OR "
            return "(" + joiner.join(self._filter(c, table, params) for c in item.children) + ")"
        if isinstance(item, Not):
            return f"(NOT {self._filter(item.child, table, params)})"
        return self._leaf(item, table, params)

    def _leaf(self, leaf: Leaf, table: str, params: SqlParams) -> str:
        dim = leaf.dimension
        if table == "events" and (dim.event_column or dim.prop_key):
            return self._condition(self._event_dim(dim, params), leaf, params)
        if table == "sessions" and dim.kind == "visit" and dim.session_column:
            return self._condition(f"s.{dim.session_column}", leaf, params)
        if table == "events":
            # A visit attribute events do not carry (exit page): ask the sessions table.
            inner = self._condition(f"{dim.session_column}", leaf, params)
            site = params.add(self.q.site_id)
            return (
                f"session_id IN (SELECT session_id FROM {self.d.sessions_from(final=True)} "
                f"WHERE site_id = {site} AND {inner})"
            )
        # An event attribute on the sessions side: visits with at least one matching event.
        inner = self._condition(self._event_dim(dim, params), leaf, params)
        site = params.add(self.q.site_id)
        return (
            f"s.session_id IN (SELECT session_id FROM {self.d.events_table} "
            f"WHERE site_id = {site} AND {self._range_on('ts', params)} AND {inner})"
        )

    def _condition(self, expr: str, leaf: Leaf, params: SqlParams) -> str:
        return leaf_condition(self.d, expr, leaf, params)

    # -- side queries -------------------------------------------------------------------

    def build(
        self,
        side: SideQuery,
        *,
        paginate: bool,
        key_filter: Sequence[tuple[Any, ...]] | None = None,
        dimensions: Sequence[Dimension] | None = None,
    ) -> None:
        """Fill in the SQL and parameters of a side query."""
        params = SqlParams(self.d)
        dims = list(self.q.dimensions if dimensions is None else dimensions)
        plans = [SIDE_METRICS[side.side][m.name] for m in side.metrics]
        aggregates: dict[str, str] = {}
        for plan in plans:
            for alias, make in plan.aggregates:
                aggregates.setdefault(alias, make(self.d))
        side.aggregate_aliases = list(aggregates)
        if side.side == "events":
            dim_exprs, source = self._event_source(dims, params)
            conditions = self.event_conditions(params)
            if any(d.name == "event:name" for d in dims):
                # Engagement reports feed time on page and scroll depth; they are not events.
                conditions.append("name <> 'engagement'")
        elif side.side == "scroll":
            dim_exprs, source, conditions = self._scroll_source(dims, params)
        else:
            dim_exprs, source, conditions = self._session_source(dims, params)
        if key_filter is not None and dims:
            placeholders = [[params.add(v) for v in key] for key in key_filter]
            conditions.append(self.d.tuple_in(dim_exprs, placeholders))
        select = [f"{expr} AS d{i}" for i, expr in enumerate(dim_exprs)]
        select += [f"{sql} AS {alias}" for alias, sql in aggregates.items()]
        order_sql = self._order(side, dims, plans, select) if paginate else ""
        where = " AND ".join(conditions)
        group = " GROUP BY " + ", ".join(f"d{i}" for i in range(len(dims))) if dims else ""
        if paginate and dims:
            if self.d.window_count:
                select.append("count(*) OVER () AS total_rows")
            else:
                keys = ", ".join(f"{expr} AS d{i}" for i, expr in enumerate(dim_exprs))
                side.count_sql = (
                    f"SELECT count(*) FROM (SELECT {keys} FROM {source} WHERE {where}{group}) "
                    "AS groups"
                )
        sql = f"SELECT {', '.join(select)} FROM {source} WHERE {where}{group}"
        if order_sql:
            sql += f" ORDER BY {order_sql}"
        if paginate and dims:
            sql += f" LIMIT {int(self.q.limit)} OFFSET {int(self.q.offset)}"
        side.sql = sql
        side.params = params.values

    def _event_source(self, dims: Sequence[Dimension], params: SqlParams) -> tuple[list[str], str]:
        """The events table, joined with visits when grouping by a visit column events do not
        carry (the exit page, which changes as the visit goes on)."""
        joined = {
            d.name: f"v{i}" for i, d in enumerate(dims) if d.kind == "visit" and not d.event_column
        }
        source = self.d.events_table
        if joined:
            columns = ", ".join(
                f"{d.session_column} AS {joined[d.name]}" for d in dims if d.name in joined
            )
            site = params.add(self.q.site_id)
            source += (
                f" {self.d.inner_join} (SELECT session_id AS visit_id, {columns} "
                f"FROM {self.d.sessions_from(final=True)} WHERE site_id = {site}) AS v "
                f"ON v.visit_id = {self.d.events_table}.session_id"
            )
        exprs = [
            f"v.{joined[d.name]}" if d.name in joined else self._event_dim(d, params) for d in dims
        ]
        return exprs, source

    def _session_source(
        self, dims: Sequence[Dimension], params: SqlParams
    ) -> tuple[list[str], str, list[str]]:
        joined = {
            d.name: f"j{i}"
            for i, d in enumerate(dims)
            if d.kind == "event" and d.session_column is None
        }
        source = self.d.sessions_from(final=self._touches_exit_page(dims))
        if joined:
            inner_dims = ", ".join(
                f"{self._event_dim(d, params)} AS {joined[d.name]}"
                for d in dims
                if d.name in joined
            )
            site = params.add(self.q.site_id)
            source += (
                f" {self.d.inner_join} (SELECT DISTINCT session_id, {inner_dims} "
                f"FROM {self.d.events_table} "
                f"WHERE site_id = {site} AND {self._range_on('ts', params)}) AS j "
                "ON j.session_id = s.session_id"
            )
        dim_exprs = [self._session_dim(d, params, joined) for d in dims]
        return dim_exprs, source, self.session_conditions(params)

    def _touches_exit_page(self, dims: Sequence[Dimension]) -> bool:
        """Whether the exit page (the one visit column that changes) is grouped or filtered."""
        names = {d.name for d in dims} | {leaf.dimension.name for leaf in _leaves(self.q.filters)}
        return "visit:exit_page" in names

    def _scroll_source(
        self, dims: Sequence[Dimension], params: SqlParams
    ) -> tuple[list[str], str, list[str]]:
        # One row per visit, page and local day: its deepest scroll (and its visitor). Splitting
        # the rare page view that spans midnight keeps the figures additive by day (rollups).
        plain = [(i, d) for i, d in enumerate(dims) if d.name != SCROLL_BUCKET]
        inner_dims = [f"{self._event_dim(d, params)} AS d{i}" for i, d in plain]
        local_day = self.d.truncate("day", self.d.local_time("ts", self.window.spans, params))
        inner_dims.append(f"{local_day} AS local_day")
        conditions = self.event_conditions(params)
        conditions += ["name = 'engagement'", "scroll_depth IS NOT NULL"]
        group = [f"d{i}" for i, _ in plain] + ["session_id", "pathname", "local_day"]
        columns = [*inner_dims, "min(visitor_id) AS visitor_id", "max(scroll_depth) AS max_sd"]
        inner = (
            f"SELECT {', '.join(columns)} FROM {self.d.events_table} "
            f"WHERE {' AND '.join(conditions)} GROUP BY {', '.join(group)}"
        )
        outer_dims = [
            scroll_bucket_sql(params) if d.name == SCROLL_BUCKET else f"d{i}"
            for i, d in enumerate(dims)
        ]
        return outer_dims, f"({inner}) AS per_page", ["1 = 1"]

    def _order(
        self,
        side: SideQuery,
        dims: Sequence[Dimension],
        plans: Sequence[MetricPlan],
        select: list[str],
    ) -> str:
        by_name = dict(zip((m.name for m in side.metrics), plans, strict=True))
        dim_index = {d.name: i for i, d in enumerate(dims)}
        terms: list[str] = []
        ordered_dims: set[int] = set()
        for name, descending in self.q.order_by or default_order(self.q):
            direction = "DESC" if descending else "ASC"
            if name in by_name:
                plan = by_name[name]
                if plan.order_sql is None:
                    terms.append(f"{plan.aggregates[0][0]} {direction}")
                else:
                    alias = f"o_{name}"
                    select.append(f"{plan.order_sql(self.d)} AS {alias}")
                    terms.append(f"{alias} {direction} NULLS LAST")
            elif name in dim_index:
                terms.append(f"d{dim_index[name]} {direction}")
                ordered_dims.add(dim_index[name])
        # Ties broken by the dimensions, so every store returns the same page.
        terms += [f"d{i} ASC" for i in range(len(dims)) if i not in ordered_dims]
        return ", ".join(terms)


def _leaves(filters: Sequence[Filter]) -> list[Leaf]:
    found: list[Leaf] = []
    for item in filters:
        if isinstance(item, Leaf):
            found.append(item)
        elif isinstance(item, Not):
            found.extend(_leaves([item.child]))
        else:
            found.extend(_leaves(item.children))
    return found


def leaf_condition(dialect: Dialect, expr: str, leaf: Leaf, params: SqlParams) -> str:
    """SQL for one filter condition on an expression."""
    operator = leaf.operator
    negate = operator.endswith("_not")
    base = operator.removesuffix("_not")
    if base == "is":
        sql = f"{expr} IN ({', '.join(params.add(v) for v in leaf.values)})"
    elif base == "contains":
        target, values = expr, leaf.values
        if not leaf.case_sensitive:
            target, values = dialect.lower(expr), tuple(v.lower() for v in values)
        sql = "(" + " OR ".join(dialect.contains(target, params.add(v)) for v in values) + ")"
    else:
        patterns = (portable_pattern(v, leaf.case_sensitive) for v in leaf.values)
        tests = (dialect.regex_match(expr, params.add(p)) for p in patterns)
        sql = "(" + " OR ".join(tests) + ")"
    return f"(NOT {sql})" if negate else sql


_LEADING_FLAGS = re.compile(r"^\(\?([imsU]+)\)")


def portable_pattern(pattern: str, case_sensitive: bool) -> str:
    """The same RE2 pattern with flags as a group, `(?i:...)`, never a leading `(?i)`.

    ClickHouse 18 pre-filters a pattern by its literal substrings case-sensitively, so a
    leading `(?i)` before a literal never matches there; the group form behaves the same in
    RE2 and passes that pre-filter. Case-insensitive filters wrap the pattern the same way.
    """
    leading = _LEADING_FLAGS.match(pattern)
    if leading:
        pattern = f"(?{leading.group(1)}:{pattern[leading.end() :]})"
    return pattern if case_sensitive else f"(?i:{pattern})"


def default_order(query: ParsedQuery) -> tuple[tuple[str, bool], ...]:
    """Time ascending for time series, else the first metric descending."""
    time_dim = query.time_dimension
    if time_dim is not None:
        return ((time_dim.name, False),)
    return ((query.metrics[0].name, True),)
