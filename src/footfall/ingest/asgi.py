"""POST /api/event and /api/events, served as raw ASGI in front of the FastAPI stack.

Ingestion is the hottest path: measured on a 2-core machine, a bare FastAPI route tops out near
8k requests/s and raw ASGI near 27k, so these two endpoints skip the framework. They still
answer with the API's JSON error shape, and their OpenAPI entries come from ingest/openapi.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from typing import Any

from footfall.api.client_ip import client_ip
from footfall.errors import (
    ApiError,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from footfall.ingest.encoding import content_coding, decode_content
from footfall.ingest.flood import retry_after_header
from footfall.ingest.payload import (
    MAX_BATCH_BODY,
    MAX_EVENT_BODY,
    IncomingEvent,
    decode_json,
    parse_batch,
    parse_event,
)
from footfall.ingest.pipeline import Client, Outcome
from footfall.store.spool import SpoolBroken, SpoolFull

log = logging.getLogger("footfall.ingest")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INGEST_PATHS = {"/api/event": MAX_EVENT_BODY, "/api/events": MAX_BATCH_BODY}
CORS_HEADERS: list[tuple[bytes, bytes]] = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"POST, OPTIONS"),
    (b"access-control-allow-headers", b"Content-Type, Content-Encoding"),
    (b"access-control-max-age", b"86400"),
]
_JSON = (b"content-type", b"application/json")
_ACCEPTED = b'{"status":"accepted"}'


class IngestFastPath:
    """ASGI wrapper: serves the ingestion endpoints itself and passes everything else on."""

    def __init__(self, app: ASGIApp, runtime: Callable[[], Any]) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch one ASGI connection."""
        if scope["type"] != "http" or scope["path"] not in INGEST_PATHS:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            await _reply(send, 204, b"", CORS_HEADERS)
            return
        if method != "POST":
            body = b'{"error":{"code":"method_not_allowed","message":"Use POST"}}'
            await _reply(send, 405, body, [_JSON, (b"allow", b"POST, OPTIONS"), *CORS_HEADERS])
            return
        try:
            status, body, headers = await self._ingest(scope, receive)
        except ApiError as exc:
            status, body = exc.status, _json_bytes(exc.body())
            headers = [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
        except Exception:
            log.exception("ingestion failed")
            status, body, headers = (
                500,
                b'{"error":{"code":"internal","message":"Internal server error"}}',
                [],
            )
        await _reply(send, status, body, [_JSON, *headers, *CORS_HEADERS])

    async def _ingest(
        self, scope: Scope, receive: Receive
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        limit = INGEST_PATHS[scope["path"]]
        headers = _headers(scope)
        coding = content_coding(headers.get(b"content-encoding"))
        raw = decode_content(await _read_body(receive, headers, limit), coding, limit)
        runtime = self.runtime()
        spool = runtime.spool
        if runtime.buffer.is_full or (spool is not None and spool.is_full):
            runtime.buffer.wake()
            raise ServiceUnavailable(
                "Storage is falling behind; retry shortly", headers={"Retry-After": "5"}
            )
        peer = scope.get("client")
        ip = client_ip(
            peer[0] if peer else None,
            headers.get(b"x-forwarded-for", b"").decode("latin-1") or None,
            runtime.settings.trusted_proxy_networks,
        )
        user_agent = headers.get(b"user-agent", b"").decode("latin-1")
        client = Client(ip=ip, user_agent=user_agent, now=runtime.clock())
        outcome = Outcome()
        single = scope["path"] == "/api/event"
        rejected: list[dict[str, Any]] = []
        try:
            data = decode_json(raw)
            if single:
                events = [parse_event(data)]
            else:
                events, rejected = parse_batch(data)
        except ValidationFailed:
            await _admit(runtime, ip, [])  # a flood of invalid bodies runs dry too
            raise
        await _admit(runtime, ip, events)
        if single:
            await runtime.pipeline.process_request(events, client, outcome)
            await _make_durable(runtime, outcome)
            return 202, _single_body(outcome), _dropped_header(outcome)
        await runtime.pipeline.process_request(events, client, outcome)
        await _make_durable(runtime, outcome)
        return 202, _batch_body(outcome, rejected), _dropped_header(outcome, rejected)


async def _admit(runtime: Any, ip: str, events: list[IncomingEvent]) -> None:
    """Flood control: a 429 when the client's address or a site it names sent too much."""
    flood = runtime.flood
    if flood is None:
        return
    per_site: dict[int, int] = {}
    resolve = runtime.sites.resolve
    for event in events:
        for site in resolve(event.domain):
            per_site[site.id] = per_site.get(site.id, 0) + 1
    # Every request costs its address at least one token, valid events or not.
    denial = await flood.check(ip, max(1, len(events)), per_site)
    if denial is None:
        return
    wait = retry_after_header(denial.retry_after)
    source = "from your address" if denial.source == "ip" else "for this site"
    raise RateLimited(f"Too many events {source}; retry in {wait} s", headers={"Retry-After": wait})


async def _make_durable(runtime: Any, outcome: Outcome) -> None:
    """Acknowledge only what is on disk: the request's records reach the buffer when their
    spool entry is synced (the spool applies them, in order), and the 202 follows."""
    spool = runtime.spool
    pipeline = runtime.pipeline
    if spool is None or not outcome.records:
        pipeline.commit(outcome)
        return
    try:
        await spool.append(
            outcome.records,
            pipeline.visits_of(outcome.records),
            apply=partial(pipeline.commit, outcome),
        )
    except (SpoolFull, SpoolBroken) as exc:
        # Processed but not on disk: nothing is stored, and the client's retry counts.
        pipeline.withdraw(outcome)
        runtime.buffer.wake()  # draining the spool frees its disk
        log.warning("spool refused a request: %s", exc)
        raise ServiceUnavailable(
            "Cannot store events safely right now; retry shortly", headers={"Retry-After": "5"}
        ) from exc


def _headers(scope: Scope) -> dict[bytes, bytes]:
    wanted = (
        b"content-length",
        b"content-type",
        b"content-encoding",
        b"user-agent",
        b"x-forwarded-for",
    )
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in wanted:
            found[name] = value
    return found


async def _read_body(receive: Receive, headers: dict[bytes, bytes], limit: int) -> bytes:
    """The body, refusing more than `limit` bytes before reading them all."""
    # Errors before the whole body is read close the connection: the rest is never read.
    close = {"Connection": "close"}
    declared = headers.get(b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Body is larger than {limit} bytes", headers=close)
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    if content_type not in (b"", b"application/json", b"text/plain"):
        raise UnsupportedMediaType("Send JSON as application/json or text/plain", headers=close)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ApiError("Client disconnected", status=400, code="disconnected", headers=close)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"Body is larger than {limit} bytes", headers=close)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _single_body(outcome: Outcome) -> bytes:
    if not outcome.dropped:
        return _ACCEPTED
    reason = next(iter(outcome.dropped))
    return f'{{"status":"dropped","reason":"{reason}"}}'.encode()


def _batch_body(outcome: Outcome, rejected: list[dict[str, Any]]) -> bytes:
    return _json_bytes(
        {
            "accepted": outcome.accepted,
            "dropped": dict(sorted(outcome.dropped.items())),
            "rejected": rejected,
        }
    )


def _dropped_header(
    outcome: Outcome, rejected: list[dict[str, Any]] | None = None
) -> list[tuple[bytes, bytes]]:
    headers = []
    if outcome.dropped:
        headers.append((b"x-footfall-dropped", ",".join(sorted(outcome.dropped)).encode()))
    if rejected:
        headers.append((b"x-footfall-rejected", str(len(rejected)).encode()))
    return headers


def _json_bytes(value: Any) -> bytes:
    import msgspec

    return msgspec.json.encode(value)


async def _reply(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["INGEST_PATHS", "IngestFastPath", "Outcome", "PayloadTooLarge"]
