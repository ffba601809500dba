"""SQL spelling that differs between event stores; everything else in the builder is shared.

The ClickHouse dialect must stay within functions that ClickHouse 18.16 has (uniqExact, countIf,
sumIf, indexOf, position, match, toStartOf*, toMonday, addSeconds), so the query builder never
asks for anything beyond the methods below.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from footfall.query.dates import OffsetSpan


class SqlParams:
    """Collects bound parameters under generated names, so fragments can be built in any order."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        """Bind a value and return its placeholder."""
        name = f"p{len(self.values)}"
        self.values[name] = value
        return self.dialect.placeholder(name)


class Dialect:
    """DuckDB spelling (the embedded default)."""

    name = "duckdb"
    events_table = "events"
    sessions_table = "sessions"
    # Whether `count(*) OVER ()` can count the groups of a paginated query.
    window_count = True
    inner_join = "JOIN"

    def placeholder(self, name: str) -> str:
        """A named parameter reference."""
        return f"${name}"

    def quote(self, name: str) -> str:
        """An identifier quoted (for column names that are keywords, like `end`)."""
        return f'"{name}"'

    def count_distinct(self, expr: str) -> str:
        """Exact number of distinct values."""
        return f"count(DISTINCT {expr})"

    def count_rows(self) -> str:
        """Number of rows in the group (of live rows, for stores with collapsing rows)."""
        return "count(*)"

    def count_if(self, condition: str) -> str:
        """Number of rows meeting a condition."""
        return f"count(*) FILTER (WHERE {condition})"

    def sum_of(self, expr: str) -> str:
        """Sum of a numeric column (of live rows, for stores with collapsing rows)."""
        return f"sum({expr})"

    def sum_if(self, expr: str, condition: str) -> str:
        """Sum over rows meeting a condition (0 when none)."""
        return f"coalesce(sum({expr}) FILTER (WHERE {condition}), 0)"

    def sum_bool(self, expr: str) -> str:
        """Number of rows where a boolean column is true."""
        return f"sum(CAST({expr} AS INTEGER))"

    def prop_value(self, key_placeholder: str) -> str:
        """The value of a custom property, '' when the event lacks it."""
        return f"coalesce(props_values[list_position(props_keys, {key_placeholder})], '')"

    def unnest_keys(self) -> str:
        """One row per custom property name of an event."""
        return "unnest(props_keys)"

    def contains(self, expr: str, placeholder: str) -> str:
        """Substring test."""
        return f"(strpos({expr}, {placeholder}) > 0)"

    def regex_match(self, expr: str, placeholder: str) -> str:
        """RE2 partial-match test."""
        return f"regexp_matches({expr}, {placeholder})"

    def lower(self, expr: str) -> str:
        """Unicode lower case."""
        return f"lower({expr})"

    def ratio(self, numerator: str, denominator: str) -> str:
        """numerator / denominator as a float, NULL when the denominator is 0."""
        return f"(CAST({numerator} AS DOUBLE) / nullif({denominator}, 0))"

    def add_seconds(self, column: str, seconds_expr: str) -> str:
        """A timestamp shifted by a number of seconds."""
        return f"({column} + to_seconds({seconds_expr}))"

    def truncate(self, unit: str, expr: str) -> str:
        """Start of the minute/hour/day/week (Monday)/month holding a timestamp."""
        return f"date_trunc('{unit}', {expr})"

    def tuple_in(self, exprs: Sequence[str], placeholders: Sequence[Sequence[str]]) -> str:
        """(a, b) IN ((x, y), ...) for one or more columns."""
        if len(exprs) == 1:
            return f"{exprs[0]} IN ({', '.join(p[0] for p in placeholders)})"
        rows = ", ".join("(" + ", ".join(p) + ")" for p in placeholders)
        return f"({', '.join(exprs)}) IN ({rows})"

    def local_time(self, column: str, spans: Sequence[OffsetSpan], params: SqlParams) -> str:
        """The column's UTC timestamp turned into local wall time, exactly, via offset spans."""
        if len(spans) == 1:
            return self.add_seconds(column, str(spans[0].offset_s))
        cases = " ".join(
            f"WHEN {column} < {params.add(_naive(span.since))} THEN {previous.offset_s}"
            for previous, span in pairwise(spans)
        )
        return self.add_seconds(column, f"CASE {cases} ELSE {spans[-1].offset_s} END")

    def timestamp_param(self, params: SqlParams, value: Any) -> str:
        """A bound UTC timestamp comparable with stored `ts`/`start` columns."""
        return params.add(_naive(value))

    def sessions_from(self, final: bool) -> str:
        """The sessions table (alias s); `final` asks for fully collapsed rows where needed."""
        del final  # upserted rows are always final
        return f"{self.sessions_table} AS s"


class ClickHouseDialect(Dialect):
    """ClickHouse spelling, within what ClickHouse 18.16 has.

    Sessions are a VersionedCollapsingMergeTree: an updated visit is a cancel row (sign -1) of
    its previous state plus a new row (sign +1) until merges collapse them. Counts and sums
    therefore multiply by `sign`. Unique visitors stay exact without collapsing because every
    row of a visit carries the same visitor and the same immutable attributes (source, place,
    device, entry page, start); only the exit page changes, so queries touching it read
    `FINAL`.
    """

    name = "clickhouse"
    window_count = False
    inner_join = "ALL INNER JOIN"  # ClickHouse 18 wants the strictness spelled out

    def placeholder(self, name: str) -> str:
        """A named parameter reference (clickhouse-driver's pyformat)."""
        return f"%({name})s"

    def count_distinct(self, expr: str) -> str:
        """Exact number of distinct values."""
        return f"uniqExact({expr})"

    def count_rows(self) -> str:
        """Live visits: cancel rows subtract what they cancel."""
        return "sum(sign)"

    def count_if(self, condition: str) -> str:
        """Number of rows meeting a condition."""
        return f"countIf({condition})"

    def sum_of(self, expr: str) -> str:
        """Sum over live visit rows."""
        return f"sum({expr} * sign)"

    def sum_if(self, expr: str, condition: str) -> str:
        """Sum over event rows meeting a condition."""
        return f"sumIf({expr}, {condition})"

    def sum_bool(self, expr: str) -> str:
        """Number of live visit rows where a flag is set."""
        return f"sum({expr} * sign)"

    def prop_value(self, key_placeholder: str) -> str:
        """The value of a custom property, '' when the event lacks it (index 0 gives '')."""
        return f"props_values[indexOf(props_keys, {key_placeholder})]"

    def unnest_keys(self) -> str:
        """One row per custom property name of an event."""
        return "arrayJoin(props_keys)"

    def contains(self, expr: str, placeholder: str) -> str:
        """Substring test."""
        return f"(position({expr}, {placeholder}) > 0)"

    def regex_match(self, expr: str, placeholder: str) -> str:
        """RE2 partial-match test."""
        return f"match({expr}, {placeholder})"

    def lower(self, expr: str) -> str:
        """Unicode lower case."""
        return f"lowerUTF8({expr})"

    def ratio(self, numerator: str, denominator: str) -> str:
        """numerator / denominator as a float, NULL when the denominator is 0."""
        return f"(toFloat64({numerator}) / nullIf({denominator}, 0))"

    def add_seconds(self, column: str, seconds_expr: str) -> str:
        """A timestamp shifted by a number of seconds."""
        return f"addSeconds({column}, {seconds_expr})"

    def truncate(self, unit: str, expr: str) -> str:
        """Start of the bucket holding a (local wall time) timestamp, computed in UTC."""
        if unit == "week":
            return f"toMonday({expr})"
        if unit == "month":
            return f"toStartOfMonth({expr})"
        function = {"minute": "toStartOfMinute", "hour": "toStartOfHour", "day": "toStartOfDay"}
        return f"{function[unit]}({expr}, 'UTC')"

    def timestamp_param(self, params: SqlParams, value: Any) -> str:
        """A UTC instant, independent of the server's timezone setting."""
        return f"toDateTime({params.add(_naive(value).strftime('%Y-%m-%d %H:%M:%S'))}, 'UTC')"

    def sessions_from(self, final: bool) -> str:
        """The sessions table, fully collapsed (`FINAL`) when mutable columns are involved."""
        return f"{self.sessions_table} AS s" + (" FINAL" if final else "")


def _naive(moment: Any) -> Any:
    return moment.replace(tzinfo=None) if getattr(moment, "tzinfo", None) else moment


DUCKDB = Dialect()


CLICKHOUSE = ClickHouseDialect()


def dialect_for(name: str) -> Dialect:
    """The dialect of an event store, by the store's `dialect` name."""
    dialects = {DUCKDB.name: DUCKDB, CLICKHOUSE.name: CLICKHOUSE}
    try:
        return dialects[name]
    except KeyError:
        raise ValueError(f"no SQL dialect named {name!r}") from None
