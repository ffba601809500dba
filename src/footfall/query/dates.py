"""Date ranges in a site's timezone, their UTC bounds, comparisons and local-time offset spans.

Local time is computed in SQL as `ts + offset`, where the offset is picked from the spans between
the timezone's transitions inside the range. That is exact, portable to every SQL dialect, and far
cheaper than per-row timezone conversion.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

RELATIVE_RANGES = (
    "day",
    "today",
    "yesterday",
    "7d",
    "28d",
    "30d",
    "91d",
    "month",
    "last_month",
    "6mo",
    "12mo",
    "year",
    "all",
)
MAX_SPAN_DAYS = 366 * 20


@dataclass(frozen=True, slots=True)
class DateRange:
    """Whole local days [first, last] in a timezone, with their UTC bounds [start, end)."""

    first: date
    last: date
    timezone: str

    @property
    def days(self) -> int:
        """How many days the range covers."""
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """UTC instant of local midnight starting the first day."""
        return local_midnight_utc(self.first, self.timezone)

    @property
    def end(self) -> datetime:
        """UTC instant of local midnight after the last day (exclusive)."""
        return local_midnight_utc(self.last + timedelta(days=1), self.timezone)


@dataclass(frozen=True, slots=True)
class OffsetSpan:
    """From `since` (UTC) on, local time is UTC plus `offset_s` seconds."""

    since: datetime
    offset_s: int


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The UTC instant at which `day` begins in `timezone`."""
    local = datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def today_in(timezone: str, now: datetime) -> date:
    """The local date of `now` in `timezone`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


def resolve_relative(
    name: str, today: date, timezone: str, first_data_day: date | None
) -> DateRange:
    """The local-day range a named period means on `today`."""
    if name in ("day", "today"):
        return DateRange(today, today, timezone)
    if name == "yesterday":
        day = today - timedelta(days=1)
        return DateRange(day, day, timezone)
    if name.endswith("d") and name[:-1].isdigit():
        return DateRange(today - timedelta(days=int(name[:-1]) - 1), today, timezone)
    if name == "month":
        return DateRange(today.replace(day=1), today, timezone)
    if name == "last_month":
        first = _months_back(today, 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return DateRange(first, last, timezone)
    if name.endswith("mo") and name[:-2].isdigit():
        return DateRange(_months_back(today, int(name[:-2]) - 1), today, timezone)
    if name == "year":
        return DateRange(date(today.year, 1, 1), today, timezone)
    if name == "all":
        return DateRange(min(first_data_day or today, today), today, timezone)
    raise ValueError(f"unknown date range {name!r}")


def previous_period(current: DateRange) -> DateRange:
    """The same number of days right before `current`."""
    last = current.first - timedelta(days=1)
    return DateRange(last - timedelta(days=current.days - 1), last, current.timezone)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def year_over_year(current: DateRange) -> DateRange:
    """The same dates one year earlier."""
    return DateRange(_year_earlier(current.first), _year_earlier(current.last), current.timezone)


def offset_spans(timezone: str, start: datetime, end: datetime) -> list[OffsetSpan]:
    """UTC offsets of `timezone` over [start, end), one span per offset change (hour-exact)."""
    zone = ZoneInfo(timezone)
    spans = [OffsetSpan(start, _offset(start, zone))]
    # Transitions happen on the hour or half hour in every current zone; walk in 30 min steps
    # only near days where the offset changes, found by a cheap daily scan.
    day = start
    while day < end:
        next_day = min(day + timedelta(days=1), end)
        if _offset(next_day, zone) != spans[-1].offset_s:
            moment = day
            while moment < next_day:
                offset = _offset(moment, zone)
                if offset != spans[-1].offset_s:
                    spans.append(OffsetSpan(moment, offset))
                moment += timedelta(minutes=15)
            offset = _offset(next_day, zone)
            if offset != spans[-1].offset_s:
                spans.append(OffsetSpan(next_day, offset))
        day = next_day
    return spans


def _offset(moment: datetime, zone: ZoneInfo) -> int:
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta else 0


def bucket_starts(unit: str, first: date, last: date) -> list[datetime]:
    """Every local bucket start from the first to the last day (naive local datetimes)."""
    start = datetime.combine(first, time(0))
    stop = datetime.combine(last + timedelta(days=1), time(0))
    if unit == "month":
        buckets, cursor = [], start.replace(day=1)
        while cursor < stop:
            buckets.append(cursor)
            month_index = cursor.year * 12 + cursor.month
            cursor = cursor.replace(year=month_index // 12, month=month_index % 12 + 1)
        return buckets
    if unit == "week":
        cursor = start - timedelta(days=start.weekday())
        step = timedelta(days=7)
    else:
        cursor = start
        step = {"day": timedelta(days=1), "hour": timedelta(hours=1)}.get(
            unit, timedelta(minutes=1)
        )
    buckets = []
    while cursor < stop:
        buckets.append(cursor)
        cursor += step
    return buckets


def format_bucket(unit: str, value: datetime) -> str:
    """The API's text form of a local bucket start."""
    if unit in ("day", "week", "month"):
        return value.date().isoformat()
    return value.strftime("%Y-%m-%d %H:%M:%S")
