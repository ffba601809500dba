"""The query model: one JSON shape for the dashboard, the Stats API, exports and digests.

`QueryRequest` is the wire shape (and its OpenAPI schema); `validate_query` turns it into a
`ParsedQuery` of plain data, or raises a 400 that names the offending field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from footfall.errors import ValidationFailed
from footfall.query.catalog import (
    DIMENSIONS,
    METRICS,
    PROP_KEY,
    PROP_PREFIX,
    SCROLL_BUCKET,
    TIME_UNITS,
    Dimension,
    Metric,
    prop_dimension,
)
from footfall.query.dates import MAX_SPAN_DAYS, RELATIVE_RANGES

MAX_METRICS = 20
MAX_DIMENSIONS = 4
MAX_FILTER_DEPTH = 6
MAX_FILTER_LEAVES = 50
MAX_FILTER_VALUES = 100
MAX_FILTER_VALUE_LENGTH = 2_000
MAX_REGEX_LENGTH = 256
MAX_LIMIT = 10_000
MAX_ROW_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL can hold
MAX_OFFSET = 1_000_000

LEAF_OPERATORS = ("is", "is_not", "contains", "contains_not", "matches", "matches_not")
BRANCH_OPERATORS = ("and", "or")
CompareMode = Literal["previous_period", "year_over_year"]


class QueryRequest(BaseModel):
    """Body of POST /api/v1/query."""

    # strict: 5.0 or "5" is not a limit, "true" not a boolean (what the schema says).
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": 1,
                    "metrics": ["visitors", "pageviews", "bounce_rate"],
                    "dimensions": ["event:page"],
                    "filters": [["is", "visit:country", ["DE", "FR"]]],
                    "date_range": "30d",
                    "order_by": [["visitors", "desc"]],
                    "limit": 10,
                }
            ]
        },
    )

    site_id: int = Field(ge=1, le=MAX_ROW_ID)
    metrics: list[str] = Field(min_length=1)
    dimensions: list[str] = Field(default_factory=list)
    filters: list[Any] = Field(
        default_factory=list,
        description='Filters, all of which must hold: ["is", "visit:country", ["DE"]], '
        '["and"|"or", [filter, ...]], ["not", filter]. Leaf operators: '
        + ", ".join(LEAF_OPERATORS)
        + '. An optional fourth element {"case_sensitive": false} applies to contains/matches.',
    )
    date_range: str | list[str] = Field(
        default="30d",
        description="A period name (" + ", ".join(RELATIVE_RANGES) + ") or "
        '["YYYY-MM-DD", "YYYY-MM-DD"] (both days included).',
    )
    date: str | None = Field(
        default=None, description="Reference day for relative periods (default: today)."
    )
    compare: str | list[str] | None = Field(
        default=None,
        description='"previous_period", "year_over_year" or ["YYYY-MM-DD", "YYYY-MM-DD"].',
    )
    order_by: list[list[str]] | None = Field(
        default=None, description='[["visitors", "desc"], ["event:page", "asc"]]'
    )
    limit: int = Field(default=100, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
    timezone: str | None = Field(default=None, description="Overrides the site's timezone.")


@dataclass(frozen=True, slots=True)
class Leaf:
    """A condition on one dimension."""

    operator: str
    dimension: Dimension
    values: tuple[str, ...]
    case_sensitive: bool = True


@dataclass(frozen=True, slots=True)
class Branch:
    """and / or over several filters."""

    operator: str
    children: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Negation of a filter."""

    child: Filter


Filter = Leaf | Branch | Not


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A validated query, in plain data."""

    site_id: int
    metrics: tuple[Metric, ...]
    dimensions: tuple[Dimension, ...]
    filters: tuple[Filter, ...]
    date_range: str | tuple[date, date]
    reference_date: date | None
    compare: CompareMode | tuple[date, date] | None
    order_by: tuple[tuple[str, bool], ...]
    limit: int
    offset: int
    timezone: str | None

    @property
    def time_dimension(self) -> Dimension | None:
        """The time:* dimension, if the query has one."""
        return next((d for d in self.dimensions if d.kind == "time"), None)


def validate_query(request: QueryRequest) -> ParsedQuery:
    """Check a query against the catalog; raises ValidationFailed naming the field."""
    metrics = _metrics(request.metrics)
    dimensions = _dimensions(request.dimensions)
    if any(d.name == SCROLL_BUCKET for d in dimensions):
        for i, metric in enumerate(metrics):
            if metric.name not in ("visitors", "percentage", "scroll_depth"):
                raise ValidationFailed(
                    f"{SCROLL_BUCKET} works with visitors, percentage and scroll_depth",
                    field=f"metrics[{i}]",
                )
    budget = [MAX_FILTER_LEAVES]  # shared by all filters of the query
    filters = tuple(
        _filter(item, f"filters[{i}]", depth=1, budget=budget)
        for i, item in enumerate(request.filters)
    )
    return ParsedQuery(
        site_id=request.site_id,
        metrics=metrics,
        dimensions=dimensions,
        filters=filters,
        date_range=_date_range(request.date_range, "date_range"),
        reference_date=_day(request.date, "date") if request.date else None,
        compare=_compare(request.compare),
        order_by=_order_by(request.order_by, metrics, dimensions),
        limit=request.limit,
        offset=request.offset,
        timezone=request.timezone,
    )


def _metrics(names: list[str]) -> tuple[Metric, ...]:
    if len(names) > MAX_METRICS:
        raise ValidationFailed(f"At most {MAX_METRICS} metrics", field="metrics")
    seen: set[str] = set()
    metrics = []
    for i, name in enumerate(names):
        metric = METRICS.get(name)
        if metric is None:
            raise ValidationFailed(
                f"Unknown metric {name[:60]!r}; known: {', '.join(METRICS)}",
                field=f"metrics[{i}]",
            )
        if name in seen:
            raise ValidationFailed(f"Metric {name!r} is listed twice", field=f"metrics[{i}]")
        seen.add(name)
        metrics.append(metric)
    return tuple(metrics)


def _dimension(name: Any, where: str) -> Dimension:
    if not isinstance(name, str):
        raise ValidationFailed("A dimension must be a string", field=where)
    if name.startswith(PROP_PREFIX):
        key = name[len(PROP_PREFIX) :]
        if not key or len(key) > 300:
            raise ValidationFailed("A prop name must be 1 to 300 characters", field=where)
        return prop_dimension(key)
    dimension = DIMENSIONS.get(name)
    if dimension is None:
        raise ValidationFailed(
            f"Unknown dimension {name[:60]!r}; use event:*, visit:* or time:* "
            "(see the API reference)",
            field=where,
        )
    return dimension


def _dimensions(names: list[str]) -> tuple[Dimension, ...]:
    if len(names) > MAX_DIMENSIONS:
        raise ValidationFailed(f"At most {MAX_DIMENSIONS} dimensions", field="dimensions")
    dimensions = [_dimension(name, f"dimensions[{i}]") for i, name in enumerate(names)]
    if len({d.name for d in dimensions}) != len(dimensions):
        raise ValidationFailed("A dimension is listed twice", field="dimensions")
    if sum(d.kind == "time" for d in dimensions) > 1:
        raise ValidationFailed("At most one time:* dimension", field="dimensions")
    return tuple(dimensions)


def _filter(item: Any, where: str, *, depth: int, budget: list[int]) -> Filter:
    if depth > MAX_FILTER_DEPTH:
        raise ValidationFailed(f"Filters nest at most {MAX_FILTER_DEPTH} deep", field=where)
    if not isinstance(item, list) or not item or not isinstance(item[0], str):
        raise ValidationFailed(
            'A filter is a list such as ["is", "visit:country", ["DE"]]', field=where
        )
    operator = item[0]
    if operator in BRANCH_OPERATORS:
        if len(item) != 2 or not isinstance(item[1], list) or not item[1]:
            raise ValidationFailed(f'"{operator}" takes a non-empty list of filters', field=where)
        children = tuple(
            _filter(child, f"{where}[1][{i}]", depth=depth + 1, budget=budget)
            for i, child in enumerate(item[1])
        )
        return Branch(operator, children)
    if operator == "not":
        if len(item) != 2:
            raise ValidationFailed('"not" takes exactly one filter', field=where)
        return Not(_filter(item[1], f"{where}[1]", depth=depth + 1, budget=budget))
    if operator not in LEAF_OPERATORS:
        raise ValidationFailed(
            f"Unknown filter operator {operator[:30]!r}; use "
            + ", ".join(LEAF_OPERATORS + BRANCH_OPERATORS + ("not",)),
            field=f"{where}[0]",
        )
    budget[0] -= 1
    if budget[0] < 0:
        raise ValidationFailed(f"At most {MAX_FILTER_LEAVES} filter conditions", field=where)
    if len(item) not in (3, 4):
        raise ValidationFailed(f'"{operator}" takes a dimension and a list of values', field=where)
    dimension = _dimension(item[1], f"{where}[1]")
    if dimension.name in (SCROLL_BUCKET, PROP_KEY):
        raise ValidationFailed(
            f"{dimension.name} is a breakdown, not a filter "
            "(filter event:page or event:props:KEY instead)",
            field=f"{where}[1]",
        )
    if dimension.kind == "time":
        raise ValidationFailed(
            "Filter time with date_range, not with a time:* filter", field=f"{where}[1]"
        )
    values = _filter_values(item[2], operator, f"{where}[2]")
    case_sensitive = True
    if len(item) == 4:
        modifiers = item[3]
        if not isinstance(modifiers, dict) or set(modifiers) - {"case_sensitive"}:
            raise ValidationFailed(
                'Filter modifiers are {"case_sensitive": true|false}', field=f"{where}[3]"
            )
        flag = modifiers.get("case_sensitive", True)
        if not isinstance(flag, bool):
            raise ValidationFailed("case_sensitive must be true or false", field=f"{where}[3]")
        case_sensitive = flag
    return Leaf(operator, dimension, values, case_sensitive)


def _filter_values(raw: Any, operator: str, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed("Filter values must be a non-empty list", field=where)
    if len(raw) > MAX_FILTER_VALUES:
        raise ValidationFailed(f"At most {MAX_FILTER_VALUES} filter values", field=where)
    values = []
    for i, value in enumerate(raw):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationFailed("Filter values must be strings", field=f"{where}[{i}]")
        text = str(value)
        if len(text) > MAX_FILTER_VALUE_LENGTH:
            raise ValidationFailed("Filter value is too long", field=f"{where}[{i}]")
        if operator.startswith("matches"):
            _check_regex(text, f"{where}[{i}]")
        values.append(text)
    return tuple(values)


def _check_regex(pattern: str, where: str) -> None:
    if len(pattern) > MAX_REGEX_LENGTH:
        raise ValidationFailed(f"Patterns are at most {MAX_REGEX_LENGTH} characters", field=where)
    # RE2 (DuckDB and ClickHouse) has no backreferences or lookaround; reject them clearly.
    if re.search(r"\\[1-9]|\(\?[=!<]", pattern):
        raise ValidationFailed("Patterns may not use backreferences or lookaround", field=where)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValidationFailed(f"Invalid pattern: {exc}", field=where) from exc


def _day(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise ValidationFailed("Dates are YYYY-MM-DD strings", field=where)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(f"Invalid date {value[:40]!r}; use YYYY-MM-DD", field=where) from exc


def _day_pair(value: list[Any], where: str) -> tuple[date, date]:
    if len(value) != 2:
        raise ValidationFailed('A custom range is ["YYYY-MM-DD", "YYYY-MM-DD"]', field=where)
    first, last = _day(value[0], f"{where}[0]"), _day(value[1], f"{where}[1]")
    if last < first:
        raise ValidationFailed("The range ends before it starts", field=where)
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValidationFailed("The range is too long", field=where)
    return first, last


def _date_range(value: str | list[str], where: str) -> str | tuple[date, date]:
    if isinstance(value, list):
        return _day_pair(value, where)
    if value not in RELATIVE_RANGES:
        raise ValidationFailed(
            f"Unknown date range {value[:30]!r}; use one of {', '.join(RELATIVE_RANGES)} "
            'or ["YYYY-MM-DD", "YYYY-MM-DD"]',
            field=where,
        )
    return value


def _compare(value: str | list[str] | None) -> CompareMode | tuple[date, date] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return _day_pair(value, "compare")
    if value == "previous_period":
        return "previous_period"
    if value == "year_over_year":
        return "year_over_year"
    raise ValidationFailed(
        'compare is "previous_period", "year_over_year" or a custom date range', field="compare"
    )


def _order_by(
    raw: list[list[str]] | None, metrics: tuple[Metric, ...], dimensions: tuple[Dimension, ...]
) -> tuple[tuple[str, bool], ...]:
    if not raw:
        return ()
    known = {m.name for m in metrics} | {d.name for d in dimensions}
    order = []
    for i, item in enumerate(raw):
        if len(item) != 2 or item[1] not in ("asc", "desc"):
            raise ValidationFailed(
                'order_by items are [name, "asc"|"desc"]', field=f"order_by[{i}]"
            )
        if item[0] not in known:
            raise ValidationFailed(
                f"Can only order by a queried metric or dimension, not {item[0][:60]!r}",
                field=f"order_by[{i}][0]",
            )
        order.append((item[0], item[1] == "desc"))
    return tuple(order)


def time_unit(dimension: Dimension) -> str:
    """minute, hour, day, week or month for a time:* dimension."""
    unit = dimension.name.removeprefix("time:")
    assert unit in TIME_UNITS
    return unit
