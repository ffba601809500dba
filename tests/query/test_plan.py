"""The query model → SQL: which table answers what, and how filters are translated."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from footfall.query.dates import offset_spans
from footfall.query.dialect import DUCKDB
from footfall.query.model import QueryRequest, validate_query
from footfall.query.plan import SideQuery, SqlBuilder, TimeWindow, split_by_side
from footfall.store.duckdb_store import DDL

START = datetime(2025, 6, 9, 22, tzinfo=UTC)
END = datetime(2025, 6, 10, 22, tzinfo=UTC)
WINDOW = TimeWindow(START, END, tuple(offset_spans("Europe/Berlin", START, END)))


def build(side: str, **body: Any) -> SideQuery:
    query = validate_query(QueryRequest(**{"site_id": 7, **body}))
    sides = split_by_side(query)
    side_query = SideQuery(side, sides[side])  # type: ignore[arg-type]
    SqlBuilder(DUCKDB, query, WINDOW).build(side_query, paginate=True)
    return side_query


@pytest.fixture(scope="module")
def empty_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in DDL:
        con.execute(statement)
    return con


def test_visit_level_questions_use_the_sessions_table() -> None:
    sides = split_by_side(
        validate_query(
            QueryRequest(
                site_id=1,
                metrics=["visitors", "visits", "bounce_rate", "pageviews"],
                dimensions=["visit:source"],
            )
        )
    )
    assert {k: [m.name for m in v] for k, v in sides.items()} == {
        "sessions": ["visitors", "visits", "bounce_rate"],
        "events": ["pageviews"],
    }


def test_event_dimension_moves_visitors_to_the_events_table() -> None:
    sides = split_by_side(
        validate_query(
            QueryRequest(
                site_id=1,
                metrics=["visitors", "bounce_rate", "scroll_depth"],
                dimensions=["event:page"],
            )
        )
    )
    assert {k: [m.name for m in v] for k, v in sides.items()} == {
        "events": ["visitors"],
        "sessions": ["bounce_rate"],
        "scroll": ["scroll_depth"],
    }


def test_event_filter_on_sessions_becomes_a_subquery() -> None:
    side = build("sessions", metrics=["bounce_rate"], filters=[["is", "event:name", ["Signup"]]])
    assert "s.session_id IN (SELECT session_id FROM events" in side.sql
    assert "Signup" not in side.sql  # values are bound, never inlined
    assert "Signup" in side.params.values()


def test_exit_page_filter_on_events_asks_the_sessions_table() -> None:
    side = build("events", metrics=["pageviews"], filters=[["is", "visit:exit_page", ["/thanks"]]])
    assert "session_id IN (SELECT session_id FROM sessions" in side.sql


def test_values_are_bound_parameters(empty_db: duckdb.DuckDBPyConnection) -> None:
    hostile = "'; DROP TABLE events; --"
    side = build(
        "events",
        metrics=["pageviews"],
        dimensions=["event:props:" + hostile],
        filters=[["contains", "event:page", [hostile]]],
    )
    assert hostile not in side.sql
    empty_db.execute(side.sql, side.params).fetchall()
    assert empty_db.execute("SELECT count(*) FROM events").fetchone() == (0,)


@pytest.mark.parametrize(
    "body",
    [
        {
            "metrics": [
                "visitors",
                "visits",
                "pageviews",
                "views_per_visit",
                "bounce_rate",
                "visit_duration",
                "events",
                "time_on_page",
                "percentage",
            ]
        },
        {"metrics": ["visitors", "percentage"], "dimensions": ["visit:country", "visit:device"]},
        {"metrics": ["visitors", "bounce_rate"], "dimensions": ["event:name", "time:day"]},
        {"metrics": ["bounce_rate"], "dimensions": ["event:props:plan"]},
        {
            "metrics": ["visits"],
            "dimensions": ["time:hour"],
            "filters": [
                [
                    "not",
                    [
                        "or",
                        [
                            ["matches", "event:page", ["^/blog"]],
                            ["is_not", "visit:exit_page", ["/"]],
                        ],
                    ],
                ]
            ],
        },
        {"metrics": ["scroll_depth"], "dimensions": ["event:page"]},
        {
            "metrics": ["visitors"],
            "filters": [["contains", "visit:source", ["goo"], {"case_sensitive": False}]],
        },
    ],
)
def test_generated_sql_runs_on_duckdb(
    empty_db: duckdb.DuckDBPyConnection, body: dict[str, Any]
) -> None:
    query = validate_query(QueryRequest(site_id=1, **body))
    builder = SqlBuilder(DUCKDB, query, WINDOW)
    for side_name, metrics in split_by_side(query).items():
        side = SideQuery(side_name, metrics)
        builder.build(side, paginate=True)
        empty_db.execute(side.sql, side.params).fetchall()


def test_local_time_uses_offset_spans_not_timezone_functions() -> None:
    side = build("events", metrics=["pageviews"], dimensions=["time:hour"])
    assert "to_seconds(7200)" in side.sql
    assert "timezone(" not in side.sql.lower()


@pytest.mark.parametrize(
    ("pattern", "case_sensitive", "expected"),
    [
        ("^/blog", True, "^/blog"),
        ("^/blog", False, "(?i:^/blog)"),
        ("(?i)^ios$", True, "(?i:^ios$)"),
        ("(?is)a.b", False, "(?i:(?is:a.b))"),
    ],
)
def test_patterns_use_group_flags(pattern: str, case_sensitive: bool, expected: str) -> None:
    import re as stdlib_re

    from footfall.query.plan import portable_pattern

    converted = portable_pattern(pattern, case_sensitive)
    assert converted == expected
    stdlib_re.compile(converted)
