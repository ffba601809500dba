"""Column layout of the `events` and `sessions` tables, shared by every event store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from footfall.store.records import SessionRecord


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name and its type in each SQL dialect."""

    name: str
    duckdb: str
    clickhouse: str

    @property
    def kind(self) -> str:
        """The storage-neutral kind of the column, from its DuckDB type."""
        return _KINDS.get(self.duckdb, "string")


_KINDS = {
    "UINTEGER": "uint32",
    "UBIGINT": "uint64",
    "UTINYINT": "uint8",
    "TIMESTAMP": "timestamp",
    "VARCHAR[]": "string_list",
    "DECIMAL(18,4)": "decimal",
    "BOOLEAN": "bool",
}


def _s(name: str) -> Column:
    return Column(name, "VARCHAR", "String")


def _lc(name: str) -> Column:
    # Low-cardinality text. (ClickHouse 18.16, the Debian server, has no LowCardinality type.)
    return Column(name, "VARCHAR", "String")


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    # ClickHouse 18.16 has no DateTime64: seconds there; nothing queried needs less.
    Column("ts", "TIMESTAMP", "DateTime('UTC')"),
    _lc("name"),
    Column("event_id", "UBIGINT", "UInt64"),
    _lc("hostname"),
    _s("pathname"),
    _s("url"),
    _s("referrer"),
    _lc("referrer_source"),
    _lc("channel"),
    _s("utm_source"),
    _s("utm_medium"),
    _s("utm_campaign"),
    _s("utm_content"),
    _s("utm_term"),
    Column("visitor_id", "UBIGINT", "UInt64"),
    Column("session_id", "UBIGINT", "UInt64"),
    _s("entry_page"),
    _lc("country"),
    _lc("region"),
    _lc("city"),
    _lc("browser"),
    _lc("browser_version"),
    _lc("os"),
    _lc("os_version"),
    _lc("device"),
    _lc("screen"),
    Column("props_keys", "VARCHAR[]", "Array(String)"),
    Column("props_values", "VARCHAR[]", "Array(String)"),
    Column("revenue_amount", "DECIMAL(18,4)", "Nullable(Decimal(18, 4))"),
    _lc("revenue_currency"),
    Column("scroll_depth", "UTINYINT", "Nullable(UInt8)"),
    Column("engaged_ms", "UINTEGER", "UInt32"),
    _lc("element_tag"),
    _s("element_text"),
    _s("element_selector"),
    _s("element_href"),
    _s("order_id"),
    Column("interactive", "BOOLEAN", "UInt8"),
    _lc("protocol"),
)

SESSION_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    Column("session_id", "UBIGINT", "UInt64"),
    Column("visitor_id", "UBIGINT", "UInt64"),
    Column("start", "TIMESTAMP", "DateTime('UTC')"),
    Column("end", "TIMESTAMP", "DateTime('UTC')"),
    Column("duration_s", "UINTEGER", "UInt32"),
    Column("pageviews", "UINTEGER", "UInt32"),
    Column("events", "UINTEGER", "UInt32"),
    Column("interactive_events", "UINTEGER", "UInt32"),
    Column("is_bounce", "BOOLEAN", "UInt8"),
    _s("entry_page"),
    _s("exit_page"),
    _lc("hostname"),
    _s("referrer"),
    _lc("referrer_source"),
    _lc("channel"),
    _s("utm_source"),
    _s("utm_medium"),
    _s("utm_campaign"),
    _s("utm_content"),
    _s("utm_term"),
    _lc("country"),
    _lc("region"),
    _lc("city"),
    _lc("browser"),
    _lc("browser_version"),
    _lc("os"),
    _lc("os_version"),
    _lc("device"),
    _lc("screen"),
    Column("version", "UBIGINT", "UInt64"),
)

EVENT_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMNS)
SESSION_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in SESSION_COLUMNS)
# The stored session columns that are SessionRecord fields (the rest are derived).
SESSION_RECORD_COLUMNS: tuple[str, ...] = tuple(
    name for name in SESSION_COLUMN_NAMES if name in SessionRecord.__struct_fields__
)


def session_from_row(row: Sequence[Any]) -> SessionRecord:
    """A visit from a row of SESSION_RECORD_COLUMNS (timestamps as naive UTC or aware)."""
    values = dict(zip(SESSION_RECORD_COLUMNS, row, strict=True))
    for name in ("start", "end"):
        moment: datetime = values[name]
        values[name] = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return SessionRecord(**values)


ROLLUP_VISIT_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    Column("day", "DATE", "Date"),
    _lc("dim"),
    _s("value"),
    Column("visitors", "UBIGINT", "UInt64"),
    Column("visits", "UBIGINT", "UInt64"),
    Column("bounces", "UBIGINT", "UInt64"),
    Column("duration", "UBIGINT", "UInt64"),
    Column("session_pageviews", "UBIGINT", "UInt64"),
)

ROLLUP_EVENT_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    Column("day", "DATE", "Date"),
    _lc("dim"),
    _s("value"),
    Column("visitors", "UBIGINT", "UInt64"),
    Column("continued", "UBIGINT", "UInt64"),
    Column("pageviews", "UBIGINT", "UInt64"),
    Column("events", "UBIGINT", "UInt64"),
    Column("engaged_ms", "UBIGINT", "UInt64"),
)

ROLLUP_SCROLL_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    Column("day", "DATE", "Date"),
    _s("page"),  # '' for every page
    _lc("bucket"),  # '' for any depth
    Column("visitors", "UBIGINT", "UInt64"),
    Column("continued", "UBIGINT", "UInt64"),
    Column("pairs", "UBIGINT", "UInt64"),
    Column("sum_max", "UBIGINT", "UInt64"),
)

ROLLUP_DAY_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    Column("day", "DATE", "Date"),
    _lc("timezone"),
    Column("long_visits", "UBIGINT", "UInt64"),
    Column("built_at", "TIMESTAMP", "DateTime"),
)

ROLLUP_SITE_COLUMNS: tuple[Column, ...] = (
    Column("site_id", "UINTEGER", "UInt32"),
    _lc("timezone"),
    Column("floor_day", "DATE", "Nullable(Date)"),
)
