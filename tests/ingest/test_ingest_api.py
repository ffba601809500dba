"""POST /api/event and /api/events over HTTP: acceptance, drops with reasons, and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CHROME_WINDOWS, GOOGLEBOT, IP_DE, Harness

# The same behaviour with SQLite + DuckDB and with PostgreSQL + ClickHouse.
PROFILES = ("embedded", "scale-out")

PAGEVIEW = {"n": "pageview", "u": "https://example.com/", "d": "example.com"}


@pytest.fixture
async def site(harness: Harness) -> dict[str, Any]:
    token = await harness.register()
    return await harness.create_site(token, "example.com")


async def post(
    h: Harness, path: str, content: bytes, content_type: str = "application/json", **headers: str
) -> Any:
    return await h.client.post(
        path,
        content=content,
        headers={
            "Content-Type": content_type,
            "User-Agent": CHROME_WINDOWS,
            "X-Forwarded-For": IP_DE,
            **headers,
        },
    )


async def test_single_event_accepted_and_stored(harness: Harness, site: dict[str, Any]) -> None:
    response = await harness.send(PAGEVIEW)
    assert response.status_code == 202
    assert response.json() == {"status": "accepted"}
    assert response.headers["access-control-allow-origin"] == "*"
    await harness.flush()
    rows = harness.runtime.store.query("SELECT name, pathname, country, browser FROM events")
    assert rows == [("pageview", "/", "DE", "Chrome")]


async def test_text_plain_body_like_send_beacon(harness: Harness, site: dict[str, Any]) -> None:
    body = b'[{"n":"pageview","u":"https://example.com/a","d":"example.com"}]'
    response = await post(harness, "/api/events", body, "text/plain;charset=UTF-8")
    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "dropped": {}, "rejected": []}


async def test_batch_keeps_valid_events_and_reports_invalid_ones(
    harness: Harness, site: dict[str, Any]
) -> None:
    batch = [
        PAGEVIEW,
        {**PAGEVIEW, "n": "Signup", "p": {"nested": {"x": 1}}},
        {**PAGEVIEW, "n": "Signup", "p": {"plan": "pro"}},
    ]
    response = await harness.send(batch, path="/api/events")
    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 2
    assert body["rejected"] == [
        {
            "index": 1,
            "code": "invalid",
            "field": "[1].props.nested",
            "message": "prop values must be strings, numbers or booleans",
        }
    ]
    assert response.headers["x-footfall-rejected"] == "1"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({**PAGEVIEW, "d": "unknown.example"}, "unknown_site"),
        ({**PAGEVIEW, "r": "https://semalt.com/"}, "spam_referrer"),
        (
            {"n": "engagement", "u": "https://example.com/", "d": "example.com", "e": 5},
            "no_session",
        ),
    ],
)
async def test_dropped_events_say_why(
    harness: Harness, site: dict[str, Any], body: dict[str, Any], reason: str
) -> None:
    response = await harness.send(body)
    assert response.status_code == 202
    assert response.headers["x-footfall-dropped"] == reason
    assert response.json() == {"status": "dropped", "reason": reason}


async def test_bots_are_dropped(harness: Harness, site: dict[str, Any]) -> None:
    response = await harness.send(PAGEVIEW, ua=GOOGLEBOT)
    assert response.headers["x-footfall-dropped"] == "bot"
    empty = await harness.send(PAGEVIEW, ua="")
    assert empty.headers["x-footfall-dropped"] == "bot"


async def test_duplicate_ids_count_once(harness: Harness, site: dict[str, Any]) -> None:
    first = await harness.send({**PAGEVIEW, "id": "evt-1"})
    again = await harness.send({**PAGEVIEW, "id": "evt-1"})
    assert first.headers.get("x-footfall-dropped") is None
    assert again.headers["x-footfall-dropped"] == "duplicate"
    await harness.flush()
    assert harness.runtime.store.query("SELECT count(*) FROM events") == [(1,)]


async def test_batch_drop_counts(harness: Harness, site: dict[str, Any]) -> None:
    batch = [PAGEVIEW, {**PAGEVIEW, "d": "nope.example"}, {**PAGEVIEW, "d": "nope.example"}]
    response = await harness.send(batch, path="/api/events")
    assert response.json() == {"accepted": 1, "dropped": {"unknown_site": 2}, "rejected": []}
    assert response.headers["x-footfall-dropped"] == "unknown_site"


async def test_one_event_for_several_sites(harness: Harness, site: dict[str, Any]) -> None:
    token = harness.users["owner@example.com"]
    await harness.create_site(token, "rollup.example")
    response = await harness.send({**PAGEVIEW, "d": "example.com,rollup.example"})
    assert response.status_code == 202
    await harness.flush()
    assert harness.runtime.store.query("SELECT count(DISTINCT site_id) FROM events") == [(2,)]


@pytest.mark.parametrize(
    ("path", "content", "content_type", "status", "code"),
    [
        ("/api/event", b"{not json", "application/json", 400, "invalid_json"),
        ("/api/event", b"", "application/json", 400, "invalid_json"),
        ("/api/event", b'{"n": "\xc3\x28"}', "application/json", 400, "invalid_json"),
        ("/api/event", b'"pageview"', "application/json", 400, "invalid"),
        ("/api/event", b"[]", "application/json", 400, "invalid"),
        (
            "/api/event",
            b'{"n": 1, "u": "https://example.com", "d": "example.com"}',
            "application/json",
            400,
            "invalid",
        ),
        ("/api/events", b"{}", "application/json", 400, "invalid_batch"),
        ("/api/events", b"[]", "application/json", 400, "invalid_batch"),
        (
            "/api/events",
            b"[" + b",".join([b"{}"] * 101) + b"]",
            "application/json",
            400,
            "batch_too_long",
        ),
        ("/api/events", b'[{"n": 5}]', "application/json", 400, "invalid"),
        (
            "/api/event",
            b"n=pageview",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        ("/api/event", b"{" + b" " * 40_000 + b"}", "application/json", 413, "payload_too_large"),
    ],
)
async def test_bad_input_is_a_clear_4xx(
    harness: Harness,
    site: dict[str, Any],
    path: str,
    content: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    response = await post(harness, path, content, content_type)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


async def test_errors_name_the_field(harness: Harness, site: dict[str, Any]) -> None:
    too_many = {**PAGEVIEW, "p": {f"k{i}": "v" for i in range(31)}}
    response = await harness.send(too_many)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "props"
    wrong_type = await harness.send({**PAGEVIEW, "sd": "deep"})
    assert wrong_type.json()["error"]["field"] == "scroll_depth"


async def test_oversized_body_refused_from_the_declared_length(
    harness: Harness, site: dict[str, Any]
) -> None:
    response = await post(harness, "/api/events", b"[]", **{"Content-Length": "999999999"})
    assert response.status_code == 413


async def test_unsupported_compression_is_refused(harness: Harness, site: dict[str, Any]) -> None:
    response = await post(harness, "/api/event", b"\x1f\x8b", **{"Content-Encoding": "br"})
    assert response.status_code == 415
    assert "gzip" in response.json()["error"]["message"]


async def test_preflight_and_wrong_method(harness: Harness) -> None:
    preflight = await harness.client.options("/api/events")
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-methods"] == "POST, OPTIONS"
    wrong = await harness.client.get("/api/event")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.embedded_only
async def test_visitor_ip_is_never_stored(harness: Harness, site: dict[str, Any]) -> None:
    ip = "85.214.132.117"
    await harness.send({**PAGEVIEW, "p": {"note": "hello"}}, ip=ip)
    # The spool has the event on disk, without the address.
    spooled = [p for p in harness.runtime.settings.spool_dir.glob("*.wal") if p.stat().st_size]
    assert spooled
    for path in spooled:
        assert ip.encode() not in path.read_bytes()
        assert b"hello" in path.read_bytes()
    await harness.flush()
    store = harness.runtime.store
    # No string column of any table holds it (DuckDB may compress strings on disk).
    for table in ("events", "sessions"):
        columns = [
            r[0]
            for r in store.query(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = $t AND data_type = 'VARCHAR'",
                {"t": table},
            )
        ]
        for column in columns:
            hits = store.query(
                f'SELECT count(*) FROM {table} WHERE contains("{column}", $ip)', {"ip": ip}
            )
            assert hits == [(0,)], column
    store.checkpoint()
    # Nor any file: the databases, what is left of the spool.
    for path in harness.runtime.settings.data_dir.rglob("*"):
        if path.is_file():
            assert ip.encode() not in path.read_bytes(), path


@pytest.mark.embedded_only
async def test_untrusted_forwarded_for_is_ignored(settings: Any, clock: Any) -> None:
    import httpx

    from footfall.app import create_app

    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.50", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            token = (
                await client.post(
                    "/api/v1/auth/register",
                    json={"email": "a@example.com", "password": "long enough pw"},
                )
            ).json()["access_token"]
            await client.post(
                "/api/v1/sites",
                json={"domain": "example.com"},
                headers={"Authorization": f"Bearer {token}"},
            )
            await client.post(
                "/api/event",
                json=PAGEVIEW,
                headers={"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": IP_DE},
            )
            await app.state.runtime.buffer.flush()
            # The peer is not a trusted proxy: its own address (documentation range) counts.
            rows = app.state.runtime.store.query("SELECT country FROM events")
    assert rows == [("",)]


async def test_openapi_documents_ingestion(harness: Harness) -> None:
    schema = (await harness.client.get("/openapi.json")).json()
    assert {"/api/event", "/api/events", "/api/v1/query", "/api/v1/sites"} <= set(schema["paths"])
    event = schema["paths"]["/api/event"]["post"]
    assert set(event["requestBody"]["content"]) == {"application/json", "text/plain"}
