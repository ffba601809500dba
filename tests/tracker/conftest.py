"""Fixtures for the browser tracker tests: a capture server and the system Chromium."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser import DESKTOP_UA, VIEWPORT, chromium

ROOT = Path(__file__).resolve().parents[2]
TRACKER_JS = ROOT / "src" / "footfall" / "static" / "js" / "footfall.js"
PAGES = Path(__file__).resolve().parent / "pages"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


def built_tracker() -> bytes:
    assert TRACKER_JS.is_file(), (
        f"{TRACKER_JS} is missing: build it with `make tracker` "
        "(cd tracker && npm ci && node build.mjs)"
    )
    return TRACKER_JS.read_bytes()


@dataclass
class Captured:
    """One request that reached the capture server."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any = None


@dataclass
class CaptureServer:
    """Serves the test pages and the tracker, records every POST (one per batch)."""

    base: str
    requests: list[Captured] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def posts(self, path: str | None = "/api/events") -> list[Captured]:
        with self.lock:
            return [
                r for r in self.requests if r.method == "POST" and (path is None or r.path == path)
            ]

    def events(self, path: str | None = "/api/events") -> list[dict[str, Any]]:
        return [e for r in self.posts(path) for e in r.body]

    def wait_for(
        self, predicate: Callable[[list[dict[str, Any]]], Any], timeout: float = 10.0
    ) -> Any:
        """Polls the captured events until predicate(events) is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate(self.events())
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s; captured events: "
                    + json.dumps(self.events(), indent=1)
                )
            time.sleep(0.05)

    def wait_event(self, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """Waits for the first event whose keys equal all of `match`."""

        def find(events: list[dict[str, Any]]) -> dict[str, Any] | None:
            for e in events:
                if all(e.get(k) == v for k, v in match.items()):
                    return e
            return None

        found: dict[str, Any] = self.wait_for(find, timeout)
        return found


def _make_handler(server: CaptureServer) -> type[BaseHTTPRequestHandler]:
    tracker = built_tracker()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _cors(self) -> None:
            self.send_header("Access-Control-Allow-Origin", "*")

        def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain") -> None:
            self.send_response(status)
            self._cors()
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _record(self, body: Any = None) -> None:
            with server.lock:
                server.requests.append(
                    Captured(self.command, self.path.split("?")[0], dict(self.headers), body)
                )

        def do_GET(self) -> None:
            path = self.path.split("?")[0].split("#")[0]
            if path == "/js/footfall.js":
                self._send(200, tracker, CONTENT_TYPES[".js"])
                return
            name = path.strip("/") or "index.html"
            file = (PAGES / name).resolve()
            if file.is_file() and file.is_relative_to(PAGES):
                ctype = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
                self._send(200, file.read_bytes(), ctype)
            elif name.startswith("spa/"):  # history routes of spa.html
                self._send(200, (PAGES / "spa.html").read_bytes(), CONTENT_TYPES[".html"])
            else:
                self._send(404, b"not found")

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            self._record(body)
            self._send(202)

        def do_OPTIONS(self) -> None:  # a CORS preflight: the tracker must never cause one
            self._record()
            self.send_response(204)
            self._cors()
            self.send_header("Access-Control-Allow-Methods", "POST")
            self.send_header("Access-Control-Allow-Headers", "*")
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def server() -> Iterator[CaptureServer]:
    """A fresh server per test, so late beacons of a previous test cannot leak in."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    capture = CaptureServer(base=f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _make_handler(capture)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield capture
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
    with capture.lock:
        requests = list(capture.requests)
    assert not [r for r in requests if r.method == "OPTIONS"], "a CORS preflight happened"
    for r in requests:
        assert r.headers.get("Content-Type", "").startswith("text/plain"), r.headers
        assert isinstance(r.body, list), r.body


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(user_agent=DESKTOP_UA, viewport=VIEWPORT)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    p = context.new_page()
    p.set_default_timeout(10_000)
    return p
