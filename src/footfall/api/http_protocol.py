"""uvicorn's httptools protocol with a deadline for receiving each request.

uvicorn times out idle keep-alive connections, but not a client that opens a connection and
sends nothing, nor one that trickles its headers or body a byte at a time ("slowloris"): each
such client holds a connection and its buffers for as long as it likes. Here every request must
arrive completely (headers and body) within `request_timeout_s` of its first byte (or of the
connection opening); a client that is too slow gets a 408 and the connection is closed (a
connection that never sends anything is closed without one).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_TIMEOUT_BODY = (
    b'{"error":{"code":"request_timeout","message":"The request took too long to arrive"}}'
)
TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: application/json\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _TIMEOUT_BODY
)


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that cuts off clients taking longer than the deadline per request."""

    request_timeout_s: float = 20.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._started = False  # some bytes of a request have arrived
        self._headers_done = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock: the first request must arrive in time too."""
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock with the connection."""
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        """A new request's first byte: its clock starts (if the connection's is not running)."""
        super().on_message_begin()
        self._started = True
        self._headers_done = False
        if self._deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        """The headers are in; the body still runs on the same clock."""
        self._headers_done = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        """The whole request arrived in time."""
        self._disarm()
        self._started = False
        super().on_message_complete()

    def handle_websocket_upgrade(self) -> None:
        """A WebSocket lives as long as it likes once upgraded."""
        self._disarm()
        super().handle_websocket_upgrade()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if not self._started:
            # Not a byte of a request: close quietly (a 408 here could be read as the answer
            # to a request a client sends on this connection just as it closes).
            transport.close()
            return
        cycle = self.cycle if self._headers_done else None
        if cycle is None or not cycle.response_started:
            if cycle is not None:
                # The application is still waiting for the body: it will see a disconnect,
                # and anything it sends is dropped.
                cycle.disconnected = True
                cycle.message_event.set()
            transport.write(TIMEOUT_RESPONSE)
        transport.close()


def deadline_protocol(request_timeout_s: float) -> type[DeadlineHttpToolsProtocol]:
    """The protocol class for uvicorn's `http` option, with this deadline."""
    return type(
        "DeadlineHttpToolsProtocol",
        (DeadlineHttpToolsProtocol,),
        {"request_timeout_s": request_timeout_s},
    )
