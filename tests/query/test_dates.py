from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from footfall.query.dates import (
    DateRange,
    bucket_starts,
    format_bucket,
    offset_spans,
    previous_period,
    resolve_relative,
    year_over_year,
)

TODAY = date(2025, 6, 18)  # a Wednesday
TZ = "Europe/Berlin"


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("day", TODAY, TODAY),
        ("today", TODAY, TODAY),
        ("yesterday", date(2025, 6, 17), date(2025, 6, 17)),
        ("7d", date(2025, 6, 12), TODAY),
        ("30d", date(2025, 5, 20), TODAY),
        ("month", date(2025, 6, 1), TODAY),
        ("last_month", date(2025, 5, 1), date(2025, 5, 31)),
        ("6mo", date(2025, 1, 1), TODAY),
        ("12mo", date(2024, 7, 1), TODAY),
        ("year", date(2025, 1, 1), TODAY),
        ("all", date(2024, 2, 3), TODAY),
    ],
)
def test_relative_ranges(name: str, first: date, last: date) -> None:
    resolved = resolve_relative(name, TODAY, TZ, date(2024, 2, 3))
    assert (resolved.first, resolved.last) == (first, last)


def test_last_month_in_january_and_leap_february() -> None:
    assert resolve_relative("last_month", date(2025, 1, 9), TZ, None).first == date(2024, 12, 1)
    leap = resolve_relative("last_month", date(2024, 3, 2), TZ, None)
    assert (leap.first, leap.last) == (date(2024, 2, 1), date(2024, 2, 29))


def test_all_without_data_is_today() -> None:
    resolved = resolve_relative("all", TODAY, TZ, None)
    assert resolved.first == resolved.last == TODAY


def test_utc_bounds_follow_the_timezone() -> None:
    summer = DateRange(date(2025, 6, 10), date(2025, 6, 10), TZ)
    assert summer.start == datetime(2025, 6, 9, 22, tzinfo=UTC)
    assert summer.end == datetime(2025, 6, 10, 22, tzinfo=UTC)
    kathmandu = DateRange(date(2025, 6, 10), date(2025, 6, 10), "Asia/Kathmandu")
    assert kathmandu.start == datetime(2025, 6, 9, 18, 15, tzinfo=UTC)


def test_dst_day_is_23_hours_long() -> None:
    spring = DateRange(date(2025, 3, 30), date(2025, 3, 30), TZ)
    assert (spring.end - spring.start).total_seconds() == 23 * 3600


def test_comparisons() -> None:
    current = DateRange(date(2025, 6, 12), date(2025, 6, 18), TZ)
    before = previous_period(current)
    assert (before.first, before.last) == (date(2025, 6, 5), date(2025, 6, 11))
    leap = year_over_year(DateRange(date(2024, 2, 29), date(2024, 2, 29), TZ))
    assert leap.first == date(2023, 2, 28)


def test_offset_spans_without_transition() -> None:
    spans = offset_spans(TZ, datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 30, tzinfo=UTC))
    assert [(s.offset_s) for s in spans] == [7200]


def test_offset_spans_find_both_transitions_exactly() -> None:
    spans = offset_spans(TZ, datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert [(s.since, s.offset_s) for s in spans] == [
        (datetime(2025, 1, 1, tzinfo=UTC), 3600),
        (datetime(2025, 3, 30, 1, tzinfo=UTC), 7200),
        (datetime(2025, 10, 26, 1, tzinfo=UTC), 3600),
    ]


def test_buckets() -> None:
    assert len(bucket_starts("hour", date(2025, 6, 10), date(2025, 6, 10))) == 24
    weeks = bucket_starts("week", date(2025, 6, 4), date(2025, 6, 18))
    assert [w.date() for w in weeks] == [date(2025, 6, 2), date(2025, 6, 9), date(2025, 6, 16)]
    months = bucket_starts("month", date(2024, 11, 15), date(2025, 2, 1))
    assert [m.date() for m in months] == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert format_bucket("hour", datetime(2025, 6, 10, 13)) == "2025-06-10 13:00:00"
    assert format_bucket("day", datetime(2025, 6, 10)) == "2025-06-10"
