from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footfall.errors import ValidationFailed
from footfall.ingest.payload import (
    MAX_BATCH_EVENTS,
    MAX_PROPS,
    decode_json,
    parse_batch,
    parse_event,
)

BASE = {"n": "pageview", "u": "https://example.com/", "d": "example.com"}


def field_of(data: Any) -> str | None:
    parse = parse_batch if isinstance(data, list) else parse_event
    with pytest.raises(ValidationFailed) as caught:
        parse(data)  # type: ignore[operator]
    return caught.value.field


def test_short_and_long_keys_are_equivalent() -> None:
    short = parse_event(
        {
            **BASE,
            "r": "https://google.com/",
            "p": {"plan": "pro"},
            "i": False,
            "sd": 55,
            "e": 1200,
            "w": 390,
            "h": 1,
            "el": {"t": "a", "x": "Buy", "s": "a.buy", "h": "/buy"},
            "$": {"amount": "19.99", "currency": "eur"},
        }
    )
    long = parse_event(
        {
            "name": "pageview",
            "url": "https://example.com/",
            "domain": "example.com",
            "referrer": "https://google.com/",
            "props": {"plan": "pro"},
            "interactive": False,
            "scroll_depth": 55,
            "engaged_ms": 1200,
            "screen_width": 390,
            "hash": True,
            "element": {"tag": "a", "text": "Buy", "selector": "a.buy", "href": "/buy"},
            "revenue": {"amount": 19.99, "currency": "EUR"},
        }
    )
    assert short == long
    assert short.revenue is not None
    assert short.revenue.amount == Decimal("19.9900")
    assert short.revenue.currency == "EUR"


def test_plausible_props_as_json_string() -> None:
    event = parse_event({**BASE, "p": '{"author": "Ada", "words": 1200, "draft": false}'})
    assert event.props == {"author": "Ada", "words": "1200", "draft": "false"}


def test_null_prop_values_are_left_out() -> None:
    assert parse_event({**BASE, "p": {"a": None, "b": "x"}}).props == {"b": "x"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"u": "https://example.com/", "d": "example.com"}, "name"),
        ({"n": "pageview", "d": "example.com"}, "url"),
        ({"n": "pageview", "u": "https://example.com/"}, "domain"),
        ({**BASE, "n": 5}, "name"),
        ({**BASE, "n": "x" * 121}, "name"),
        ({**BASE, "u": "javascript:alert(1)"}, "url"),
        ({**BASE, "u": "https://"}, "url"),
        ({**BASE, "u": "https://example.com/" + "a" * 2000}, "url"),
        ({**BASE, "r": ["x"]}, "referrer"),
        ({**BASE, "p": ["x"]}, "props"),
        ({**BASE, "p": {f"k{i}": "v" for i in range(MAX_PROPS + 1)}}, "props"),
        ({**BASE, "p": {"nested": {"a": 1}}}, "props.nested"),
        ({**BASE, "p": {"k": "v" * 2001}}, "props.k"),
        ({**BASE, "p": {"k" * 301: "v"}}, "props." + "k" * 50),
        ({**BASE, "p": {"k": "\ud800"}}, "props.k"),
        ({**BASE, "$": {"amount": "lots", "currency": "EUR"}}, "revenue.amount"),
        ({**BASE, "$": {"amount": 5, "currency": "EURO"}}, "revenue.currency"),
        ({**BASE, "$": {"amount": 1e13, "currency": "EUR"}}, "revenue.amount"),
        ({**BASE, "$": 5}, "revenue"),
        ({**BASE, "i": "yes"}, "interactive"),
        ({**BASE, "sd": -1}, "scroll_depth"),
        ({**BASE, "sd": "50"}, "scroll_depth"),
        ({**BASE, "e": -5}, "engaged_ms"),
        ({**BASE, "e": True}, "engaged_ms"),
        ({**BASE, "el": "a"}, "element"),
        ({**BASE, "el": {"t": 5}}, "element.tag"),
        ({**BASE, "id": "x" * 65}, "id"),
        ({**BASE, "n": "a\x00b"}, "name"),
        ("pageview", None),
        ([{**BASE, "u": 1}, {**BASE, "n": 7}], "[0].url"),
    ],
)
def test_invalid_fields_are_named(data: Any, field: str | None) -> None:
    assert field_of(data) == field


def test_scroll_depth_rounds_and_caps_at_100() -> None:
    assert parse_event({**BASE, "sd": 100.6}).scroll_depth == 100
    assert parse_event({**BASE, "sd": 33.4}).scroll_depth == 33


def test_element_text_is_cut_not_rejected() -> None:
    event = parse_event({**BASE, "el": {"x": "word " * 100}})
    assert event.element is not None
    assert len(event.element.text) == 200


def test_invalid_events_in_a_batch_are_rejected_one_by_one() -> None:
    events, rejected = parse_batch([BASE, {**BASE, "p": {"x": [1]}}, {**BASE, "n": "Signup"}])
    assert [e.name for e in events] == ["pageview", "Signup"]
    assert rejected == [
        {
            "index": 1,
            "code": "invalid",
            "message": "prop values must be strings, numbers or booleans",
            "field": "[1].props.x",
        }
    ]


def test_batch_limits() -> None:
    assert len(parse_batch([BASE] * MAX_BATCH_EVENTS)[0]) == MAX_BATCH_EVENTS
    with pytest.raises(ValidationFailed, match="at most"):
        parse_batch([BASE] * (MAX_BATCH_EVENTS + 1))
    with pytest.raises(ValidationFailed, match="empty"):
        parse_batch([])
    with pytest.raises(ValidationFailed, match="array"):
        parse_batch(BASE)


@pytest.mark.parametrize("body", [b"", b"   ", b"{", b'{"a":', b"\xff\xfe{}", b'{"n": "\xc3\x28"}'])
def test_malformed_json_is_a_400(body: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        decode_json(body)
    assert caught.value.code == "invalid_json"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    [
        "n",
        "u",
        "d",
        "r",
        "p",
        "$",
        "i",
        "sd",
        "e",
        "el",
        "id",
        "w",
        "h",
        "name",
        "url",
        "props",
        "revenue",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, json_values, max_size=8))
def test_any_json_object_is_accepted_or_rejected_cleanly(data: dict[str, Any]) -> None:
    try:
        parse_event({**BASE, **data})
    except ValidationFailed as exc:
        error = exc
    else:
        return
    assert error.status == 400
    assert error.message
