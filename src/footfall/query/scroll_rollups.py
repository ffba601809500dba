"""Daily rollups of scroll depth: per local day, page ('' for all pages) and depth bucket ('' for
any depth), the visitors, the (visit, page) pairs, and the sum of their deepest scroll.

The raw side counts one pair per visit, page and local day (plan.py), so pairs and sums add up
across days, and visitors add up with the same `continued` correction as event rollups (see
rollups.py): exact as long as no visit spans two midnights.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from footfall.query.catalog import SCROLL_BUCKET
from footfall.query.dialect import Dialect, SqlParams
from footfall.query.model import Leaf, ParsedQuery, time_unit
from footfall.query.plan import leaf_condition, scroll_bucket_sql
from footfall.query.rollups import DayBounds, bucket_of

SCROLL_METRICS = frozenset({"visitors", "percentage", "scroll_depth"})
PAGE = "event:page"


@dataclass(frozen=True, slots=True)
class ScrollShape:
    """How a scroll query maps onto rollup_scroll rows."""

    unit: str | None  # time bucket, or None
    by_page: bool  # grouped by page (rows with a page) or not (page '' or one filtered page)
    by_bucket: bool  # grouped by depth bucket (rows with a bucket) or not (bucket '')
    single_page: str | None  # the page of a one-page `is` filter when not grouped by page


def scroll_shape(query: ParsedQuery, metrics: list[str], site_timezone: str) -> ScrollShape | None:
    """The rollup rows that answer a scroll-side query exactly, or None."""
    if query.timezone not in (None, site_timezone) or not set(metrics) <= SCROLL_METRICS:
        return None
    unit = None
    names = set()
    for dim in query.dimensions:
        if dim.kind == "time":
            unit = time_unit(dim)
            if unit not in ("day", "week", "month"):
                return None
        else:
            names.add(dim.name)
    if not names <= {PAGE, SCROLL_BUCKET}:
        return None
    by_page = PAGE in names
    single_page = None
    if query.filters:
        leaves = query.filters
        if len(leaves) != 1 or not isinstance(leaves[0], Leaf) or leaves[0].dimension.name != PAGE:
            return None
        leaf = leaves[0]
        if by_page:
            if "percentage" in metrics:
                return None  # the total would need unique visitors across the chosen pages
        elif leaf.operator == "is" and len(leaf.values) == 1:
            single_page = leaf.values[0]
        else:
            return None
    return ScrollShape(unit, by_page, SCROLL_BUCKET in names, single_page)


def build_statement(dialect: Dialect, bounds: DayBounds) -> tuple[str, dict[str, Any]]:
    """SQL inserting one day's scroll rollup rows (after a delete of that day)."""
    params = SqlParams(dialect)
    site, day = params.add(bounds.site_id), params.add(bounds.day)
    previous = dialect.timestamp_param(params, bounds.previous_start)
    start = dialect.timestamp_param(params, bounds.start)
    end = dialect.timestamp_param(params, bounds.end)
    pairs = (
        f"SELECT session_id, pathname AS page, CASE WHEN ts >= {start} THEN 1 ELSE 0 END AS today, "
        f"min(visitor_id) AS visitor_id, max(scroll_depth) AS max_sd "
        f"FROM {dialect.events_table} WHERE site_id = {site} AND ts >= {previous} AND ts < {end} "
        "AND name = 'engagement' AND scroll_depth IS NOT NULL GROUP BY session_id, pathname, today"
    )
    bucket = scroll_bucket_sql(params)
    per_visitor = (
        "max(today) AS t, max(1 - today) AS p, "
        f"{dialect.count_if('today = 1')} AS np, {dialect.sum_if('max_sd', 'today = 1')} AS sm"
    )
    groupings = (
        ("page", "bucket", "page, bucket"),
        ("''", "bucket", "bucket"),
        ("page", "''", "page"),
        ("''", "''", ""),
    )
    parts = []
    for page_expr, bucket_expr, group in groupings:
        keys = f"{group}, visitor_id" if group else "visitor_id"
        parts.append(
            f"SELECT {page_expr} AS page, {bucket_expr} AS bucket, visitor_id, {per_visitor} "
            f"FROM (SELECT *, {bucket} AS bucket FROM ({pairs}) AS pairs) AS b GROUP BY {keys}"
        )
    sql = (
        "INSERT INTO rollup_scroll (site_id, day, page, bucket, visitors, continued, pairs, "
        f"sum_max) SELECT {site}, {day}, page, bucket, {dialect.count_if('t = 1')}, "
        f"{dialect.count_if('t = 1 AND p = 1')}, sum(np), sum(sm) "
        f"FROM ({' UNION ALL '.join(parts)}) AS per_visitor GROUP BY page, bucket "
        "HAVING max(t) = 1"
    )
    return sql, params.values


def read_sql(
    dialect: Dialect, shape: ScrollShape, query: ParsedQuery, site_id: int, first: date, last: date
) -> tuple[str, dict[str, Any]]:
    """Per-day rollup rows for the shape over [first, last]."""
    params = SqlParams(dialect)
    conditions = [
        f"site_id = {params.add(site_id)}",
        f"day >= {params.add(first)}",
        f"day <= {params.add(last)}",
        "bucket <> ''" if shape.by_bucket else "bucket = ''",
    ]
    if shape.by_page:
        conditions.append("page <> ''")
        for leaf in query.filters:
            assert isinstance(leaf, Leaf)
            conditions.append(leaf_condition(dialect, "page", leaf, params))
    else:
        conditions.append(f"page = {params.add(shape.single_page or '')}")
    sql = (
        "SELECT day, page, bucket, visitors, continued, pairs, sum_max FROM rollup_scroll "
        f"WHERE {' AND '.join(conditions)}"
    )
    return sql, params.values


Group = tuple[date | None, str, str]  # (time bucket, page or '', depth bucket or '')


def combine_rows(
    shape: ScrollShape, rows: list[tuple[Any, ...]], first: date
) -> dict[Group, dict[str, int]]:
    """Sum per-day rows into groups, subtracting visitors counted the day before in a bucket."""
    totals: dict[Group, dict[str, int]] = {}
    for day, page, bucket, visitors, continued, pairs, sum_max in rows:
        time_bucket = bucket_of(shape.unit, day)
        key = (time_bucket, page if shape.by_page else "", bucket if shape.by_bucket else "")
        entry = totals.setdefault(key, {"visitors": 0, "scroll_n": 0, "scroll_sum": 0})
        opening = max(time_bucket or first, first)
        entry["visitors"] += int(visitors) - (int(continued) if day > opening else 0)
        entry["scroll_n"] += int(pairs)
        entry["scroll_sum"] += int(sum_max)
    return totals


def seam_sql(
    dialect: Dialect,
    shape: ScrollShape,
    site_id: int,
    previous_start: datetime,
    start: datetime,
    end: datetime,
) -> tuple[str, dict[str, Any]]:
    """Per (page, bucket) group, visitors with pairs both on the day before `start` and on
    [start, end): counted by the rollup and by the raw tail."""
    params = SqlParams(dialect)
    lower = dialect.timestamp_param(params, previous_start)
    boundary = dialect.timestamp_param(params, start)
    upper = dialect.timestamp_param(params, end)
    page = "page" if shape.by_page else "''"
    single = (
        f" AND pathname = {params.add(shape.single_page)}" if shape.single_page is not None else ""
    )
    bucket = scroll_bucket_sql(params) if shape.by_bucket else "''"
    pairs = (
        "SELECT pathname AS page, visitor_id, "
        f"CASE WHEN ts >= {boundary} THEN 1 ELSE 0 END AS today, max(scroll_depth) AS max_sd "
        f"FROM {dialect.events_table} WHERE site_id = {params.add(site_id)} "
        f"AND ts >= {lower} AND ts < {upper} AND name = 'engagement' "
        f"AND scroll_depth IS NOT NULL{single} GROUP BY session_id, pathname, visitor_id, today"
    )
    sql = (
        f"SELECT gp, gb, count(*) FROM (SELECT {page} AS gp, {bucket} AS gb, visitor_id, "
        f"max(today) AS t, max(1 - today) AS p FROM ({pairs}) AS pairs "
        "GROUP BY gp, gb, visitor_id) AS per_visitor WHERE t = 1 AND p = 1 GROUP BY gp, gb"
    )
    return sql, params.values
