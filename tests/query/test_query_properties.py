"""Property: any body sent to POST /api/v1/query gets a 200 or a 4xx naming the problem, never a
500. Bodies are mostly near-valid (real metric and dimension names in odd combinations, filters
with odd values) so the SQL builder is exercised, not only the validator."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footfall.query.catalog import DIMENSIONS, METRICS, PROP_PREFIX, TIME_UNITS
from footfall.query.dates import RELATIVE_RANGES
from footfall.query.model import LEAF_OPERATORS
from tests.conftest import CHROME_WINDOWS, IP_DE, IP_US, SAFARI_IPHONE, Harness

PROFILES = ("embedded", "scale-out")

junk = st.text(max_size=20) | st.integers() | st.none() | st.booleans() | st.floats()
texts = st.text(max_size=30) | st.sampled_from(
    ["", "/", "/pricing", "DE", "Chrome", "(none)", "'; DROP TABLE events; --", "%", "_", "\\"]
)
regexes = st.sampled_from(
    ["^/p", "(", "[a-", "a{99999}", "(a+)+$", "\\", ".*", "(?i)x", "\\p{L}", "a**", "$^", ""]
) | st.text(max_size=12)
dimension_names = (
    st.sampled_from(sorted(DIMENSIONS))
    | st.sampled_from([f"time:{unit}" for unit in TIME_UNITS])
    | st.text(max_size=15).map(lambda key: PROP_PREFIX + key)
    | st.sampled_from(["event:props:", "visit:", "time:year", "event:goal", "props:plan"])
)
metric_names = st.sampled_from(sorted(METRICS)) | st.sampled_from(["", "visitors ", "VISITORS"])
dates = st.dates().map(str) | st.sampled_from(
    ["2025-06-10", "2025-02-30", "0001-01-01", "9999-12-31", "2025-6-1", "yesterday", ""]
)
date_ranges = (
    st.sampled_from(RELATIVE_RANGES)
    | st.lists(dates, min_size=0, max_size=3)
    | st.sampled_from(["", "1d", "999d", "-7d", "all"])
)


def leaf() -> st.SearchStrategy[list[Any]]:
    operator = st.sampled_from(LEAF_OPERATORS) | st.sampled_from(["IS", "like", ""])
    values = st.lists(texts | regexes, max_size=4) | junk
    options = st.fixed_dictionaries({}, optional={"case_sensitive": st.booleans() | junk})
    return st.tuples(operator, dimension_names, values, options).map(
        lambda parts: list(parts[:3]) if not parts[3] else list(parts)
    )


filters = st.recursive(
    leaf() | junk | st.lists(junk, max_size=3),
    lambda children: (
        st.tuples(st.sampled_from(["and", "or"]), st.lists(children, max_size=3)).map(list)
        | st.tuples(st.just("not"), children).map(list)
    ),
    max_leaves=8,
)
order_by = st.lists(
    st.tuples(metric_names | dimension_names, st.sampled_from(["asc", "desc", "up"])).map(list),
    max_size=3,
)


valid_dimensions = (
    st.sampled_from(sorted(DIMENSIONS))
    | st.sampled_from([f"time:{unit}" for unit in TIME_UNITS])
    | st.sampled_from(["plan", "x", "'; DROP TABLE events; --", "a b", "ü"]).map(
        lambda key: PROP_PREFIX + key
    )
)
near_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)).map(str)


def valid_leaf() -> st.SearchStrategy[list[Any]]:
    return st.tuples(
        st.sampled_from(LEAF_OPERATORS),
        valid_dimensions,
        st.lists(texts | regexes, min_size=1, max_size=3),
        st.fixed_dictionaries({}, optional={"case_sensitive": st.booleans()}),
    ).map(lambda parts: list(parts[:3]) if not parts[3] else list(parts))


valid_filters = st.recursive(
    valid_leaf(),
    lambda children: (
        st.tuples(st.sampled_from(["and", "or"]), st.lists(children, min_size=1, max_size=3)).map(
            list
        )
        | st.tuples(st.just("not"), children).map(list)
    ),
    max_leaves=6,
)


@st.composite
def valid_bodies(draw: st.DrawFn, site_id: int) -> dict[str, Any]:
    """Bodies the validator should accept: every metric, dimension and filter combination."""
    metrics = draw(st.lists(st.sampled_from(sorted(METRICS)), min_size=1, max_size=4, unique=True))
    dimensions = draw(st.lists(valid_dimensions, max_size=2, unique=True))
    body: dict[str, Any] = {"site_id": site_id, "metrics": metrics, "dimensions": dimensions}
    if draw(st.booleans()):
        body["filters"] = draw(st.lists(valid_filters, min_size=1, max_size=2))
    body["date_range"] = draw(
        st.sampled_from(RELATIVE_RANGES) | st.lists(near_dates, min_size=2, max_size=2).map(sorted)
    )
    if draw(st.booleans()):
        body["date"] = draw(near_dates)
    if draw(st.booleans()):
        body["compare"] = draw(
            st.sampled_from(["previous_period", "year_over_year"])
            | st.lists(near_dates, min_size=2, max_size=2).map(sorted)
        )
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(metrics + dimensions), max_size=2, unique=True))
        body["order_by"] = [[key, draw(st.sampled_from(["asc", "desc"]))] for key in keys]
    body["limit"] = draw(st.integers(min_value=1, max_value=10_000))
    body["offset"] = draw(st.integers(min_value=0, max_value=5) | st.just(1_000_000))
    if draw(st.booleans()):
        body["timezone"] = draw(
            st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns"])
        )
    return body


@st.composite
def mutated_bodies(draw: st.DrawFn, site_id: int) -> dict[str, Any]:
    """A valid body with one field replaced by something odd."""
    body = draw(valid_bodies(site_id))
    field = draw(
        st.sampled_from(
            [
                "site_id",
                "metrics",
                "dimensions",
                "filters",
                "date_range",
                "date",
                "compare",
                "order_by",
                "limit",
                "offset",
                "timezone",
                "extra",
            ]
        )
    )
    odd = {
        "site_id": st.sampled_from([0, -1, 2**63, 999, "1", None]),
        "metrics": st.lists(metric_names, max_size=4) | junk,
        "dimensions": st.lists(dimension_names, max_size=3) | junk,
        "filters": st.lists(filters, max_size=3) | junk,
        "date_range": date_ranges | junk,
        "date": dates | junk,
        "compare": dates | st.lists(dates, max_size=3) | junk,
        "order_by": order_by | junk,
        "limit": st.integers(min_value=-(2**64), max_value=2**64) | junk,
        "offset": st.integers(min_value=-(2**64), max_value=2**64) | junk,
        "timezone": st.sampled_from(["Mars/Olympus", "", "../../etc/passwd", "+01:00"]) | junk,
        "extra": junk,
    }[field]
    body[field] = draw(odd)
    return body


def query_bodies(site_id: int) -> st.SearchStrategy[dict[str, Any]]:
    return valid_bodies(site_id) | mutated_bodies(site_id)


@pytest.fixture
async def traffic(harness: Harness) -> tuple[str, int]:
    """A site with a little of everything: pages, props, sources, clicks, two visitors."""
    token = await harness.register()
    site = await harness.create_site(token, "example.com")
    events = [
        {"n": "pageview", "u": "https://example.com/?utm_source=news", "d": "example.com"},
        {
            "n": "Signup",
            "u": "https://example.com/pricing",
            "d": "example.com",
            "p": {"plan": "pro"},
        },
        {
            "n": "click",
            "u": "https://example.com/pricing",
            "d": "example.com",
            "el": {"t": "a", "x": "Buy", "s": "a.buy", "h": "/buy"},
        },
        {"n": "engagement", "u": "https://example.com/", "d": "example.com", "sd": 70, "e": 5000},
    ]
    for ip, ua in ((IP_DE, CHROME_WINDOWS), (IP_US, SAFARI_IPHONE)):
        response = await harness.send(events, ip=ip, ua=ua, path="/api/events")
        assert response.status_code == 202
    await harness.flush()
    return token, int(site["id"])


# One example per query; bounded so that both profiles together stay well under a minute.
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_random_queries_never_fail_with_a_500(
    harness: Harness, traffic: tuple[str, int], data: st.DataObject
) -> None:
    token, site_id = traffic
    body = data.draw(query_bodies(site_id))
    response = await harness.client.post(
        "/api/v1/query",
        content=json.dumps(body),
        headers={**harness.auth(token), "Content-Type": "application/json"},
    )
    assert response.status_code in (200, 400, 403, 404), (body, response.text)
    print(
        "STATUS", response.status_code, response.text[:100] if response.status_code != 200 else ""
    )
    reply = response.json()
    if response.status_code == 200:
        assert isinstance(reply["results"], list)
        assert "meta" in reply
    else:
        assert reply["error"]["code"]
        assert reply["error"]["message"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
async def test_malformed_query_bodies_are_a_400(
    harness: Harness, traffic: tuple[str, int], raw: bytes
) -> None:
    token, _ = traffic
    response = await harness.client.post(
        "/api/v1/query",
        content=raw,
        headers={**harness.auth(token), "Content-Type": "application/json"},
    )
    assert response.status_code in (200, 400), response.text
