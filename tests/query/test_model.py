from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from footfall.errors import ValidationFailed
from footfall.query.model import Branch, Leaf, Not, QueryRequest, validate_query


def parse(**body: Any) -> Any:
    return validate_query(QueryRequest(**{"site_id": 1, "metrics": ["visitors"], **body}))


def error_field(**body: Any) -> str | None:
    with pytest.raises(ValidationFailed) as caught:
        parse(**body)
    return caught.value.field


def test_minimal_query_defaults() -> None:
    query = parse()
    assert [m.name for m in query.metrics] == ["visitors"]
    assert query.date_range == "30d"
    assert (query.limit, query.offset) == (100, 0)


def test_nested_filters_parse() -> None:
    query = parse(
        filters=[
            [
                "or",
                [
                    ["is", "visit:country", ["DE", "FR"]],
                    ["not", ["contains", "event:page", ["blog"], {"case_sensitive": False}]],
                ],
            ]
        ]
    )
    [root] = query.filters
    assert isinstance(root, Branch)
    first, second = root.children
    assert isinstance(first, Leaf)
    assert first.values == ("DE", "FR")
    assert isinstance(second, Not)
    assert isinstance(second.child, Leaf)
    assert not second.child.case_sensitive


def test_props_dimension() -> None:
    query = parse(dimensions=["event:props:plan"])
    assert query.dimensions[0].prop_key == "plan"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"metrics": ["visitors", "nope"]}, "metrics[1]"),
        ({"metrics": ["visitors", "visitors"]}, "metrics[1]"),
        ({"dimensions": ["visit:nope"]}, "dimensions[0]"),
        ({"dimensions": ["event:props:"]}, "dimensions[0]"),
        ({"dimensions": ["time:day", "time:hour"]}, "dimensions"),
        ({"dimensions": ["visit:source", "visit:source"]}, "dimensions"),
        ({"filters": ["is"]}, "filters[0]"),
        ({"filters": [["equals", "visit:country", ["DE"]]]}, "filters[0][0]"),
        ({"filters": [["is", "visit:nope", ["DE"]]]}, "filters[0][1]"),
        ({"filters": [["is", "visit:country", []]]}, "filters[0][2]"),
        ({"filters": [["is", "visit:country", [{"a": 1}]]]}, "filters[0][2][0]"),
        ({"filters": [["is", "time:day", ["x"]]]}, "filters[0][1]"),
        ({"filters": [["matches", "event:page", ["(unclosed"]]]}, "filters[0][2][0]"),
        ({"filters": [["matches", "event:page", ["(a)\\1"]]]}, "filters[0][2][0]"),
        ({"filters": [["matches", "event:page", ["a" * 257]]]}, "filters[0][2][0]"),
        ({"filters": [["and", []]]}, "filters[0]"),
        ({"filters": [["and", [["is", "visit:country", ["DE"]], ["bad"]]]]}, "filters[0][1][1][0]"),
        ({"filters": [["is", "visit:country", ["DE"], {"case": True}]]}, "filters[0][3]"),
        ({"date_range": "forever"}, "date_range"),
        ({"date_range": ["2025-02-01", "2025-01-01"]}, "date_range"),
        ({"date_range": ["2025-02-30", "2025-03-01"]}, "date_range[0]"),
        ({"compare": "last_week"}, "compare"),
        ({"order_by": [["pageviews", "desc"]]}, "order_by[0][0]"),
        ({"order_by": [["visitors", "up"]]}, "order_by[0]"),
        ({"date": "yesterday"}, "date"),
        (
            {"metrics": ["visitors", "bounce_rate"], "dimensions": ["event:scroll_bucket"]},
            "metrics[1]",
        ),
        ({"filters": [["is", "event:scroll_bucket", ["100%"]]]}, "filters[0][1]"),
        ({"filters": [["is", "event:prop_key", ["plan"]]]}, "filters[0][1]"),
    ],
)
def test_errors_name_the_field(body: dict[str, Any], field: str) -> None:
    assert error_field(**body) == field


def test_deep_nesting_is_refused() -> None:
    leaf: Any = ["is", "visit:country", ["DE"]]
    for _ in range(7):
        leaf = ["not", leaf]
    with pytest.raises(ValidationFailed, match="nest"):
        parse(filters=[leaf])


def test_too_many_conditions_are_refused() -> None:
    many = [["is", "visit:country", ["DE"]]] * 51
    with pytest.raises(ValidationFailed, match="conditions"):
        parse(filters=many)


def test_wire_shape_rejects_unknown_keys_and_bad_limits() -> None:
    with pytest.raises(ValidationError):
        QueryRequest(site_id=1, metrics=["visitors"], metric=["x"])  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        QueryRequest(site_id=1, metrics=["visitors"], limit=0)
