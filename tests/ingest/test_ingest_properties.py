"""Property: whatever arrives at POST /api/event(s), the answer is a 202 or a clear 4xx, never a
500, and the store keeps answering. Example counts are bounded to keep the suite fast."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footfall.errors import ValidationFailed
from footfall.ingest.payload import decode_json, parse_batch, parse_event
from tests.conftest import CHROME_WINDOWS, Harness

FIELDS = ["n", "u", "d", "r", "p", "$", "i", "sd", "e", "el", "id", "w", "h"]
LONG_FIELDS = ["name", "url", "domain", "referrer", "props", "revenue", "element", "hash"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "https://example.com/",
            "example.com",
            "pageview",
            "javascript:alert(1)",
            "<script>",
            "'; DROP TABLE events; --",
            "\x00",
            "EUR",
            "1e999",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=16,
)
events = st.fixed_dictionaries(
    {},
    optional={
        "n": st.sampled_from(["pageview", "engagement", "Signup"]) | json_values,
        "u": st.sampled_from(["https://example.com/", "https://example.com/a?utm_source=x"])
        | json_values,
        "d": st.just("example.com") | json_values,
    },
).flatmap(
    lambda base: st.dictionaries(
        st.sampled_from(FIELDS + LONG_FIELDS), json_values, max_size=5
    ).map(lambda extra: {**base, **extra})
)
bodies = (
    st.binary(max_size=300)
    | json_values.map(lambda v: json.dumps(v).encode())
    | events.map(lambda e: json.dumps(e).encode())
    | st.lists(events, max_size=5).map(lambda e: json.dumps(e).encode())
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, events, st.lists(events, max_size=5)))
def test_the_validator_accepts_or_names_the_problem(data: Any) -> None:
    for parse in (parse_event, parse_batch):
        error: ValidationFailed | None = None
        try:
            parse(data)
        except ValidationFailed as exc:
            error = exc
        if error is not None:
            assert error.status == 400
            assert error.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | bodies)
def test_json_decoding_never_fails_uncleanly(body: bytes) -> None:
    error: ValidationFailed | None = None
    try:
        decode_json(body)
    except ValidationFailed as exc:
        error = exc
    assert error is None or error.code == "invalid_json"


@pytest.fixture
async def site(harness: Harness) -> None:
    token = await harness.register()
    await harness.create_site(token, "example.com")


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=bodies,
    path=st.sampled_from(["/api/event", "/api/events"]),
    content_type=st.sampled_from(
        ["application/json", "text/plain;charset=UTF-8", "", "application/x-www-form-urlencoded"]
    ),
    compress=st.booleans(),
)
async def test_ingestion_over_http_never_fails_with_a_500(
    harness: Harness, site: None, body: bytes, path: str, content_type: str, compress: bool
) -> None:
    headers = {"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": "85.214.132.117"}
    if content_type:
        headers["Content-Type"] = content_type
    if compress:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    response = await harness.client.post(path, content=body, headers=headers)
    assert response.status_code in (202, 400, 413, 415), response.text
    if response.status_code == 202:
        reply = response.json()
        assert "status" in reply or "accepted" in reply
    else:
        error = response.json()["error"]
        assert error["code"]
        assert error["message"]


async def test_the_store_answers_after_random_traffic(harness: Harness, site: None) -> None:
    """A short run of the property above, then a query that must be exact."""
    token = harness.users["owner@example.com"]
    for path, raw in (
        ("/api/events", b'[{"n":"pageview","u":"https://example.com/","d":"example.com"}]'),
        ("/api/event", b'{"n":"pageview","u":"https://example.com/b","d":"example.com"}'),
    ):
        response = await harness.client.post(
            path, content=raw, headers={"User-Agent": CHROME_WINDOWS}
        )
        assert response.status_code == 202
    body = await harness.query(token, site_id=1, metrics=["pageviews"], date_range="day")
    assert body["results"][0]["metrics"] == [2]
