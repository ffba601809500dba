"""A real Footfall server process and a static site on loopback for end-to-end tests."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.server import ServerProcess

SITE_DIR = Path(__file__).resolve().parent / "site"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def footfall(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path, env={"FOOTFALL_FLUSH_INTERVAL_S": "0.2"})
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def account(footfall: ServerProcess) -> dict[str, Any]:
    """A signed-up owner with a site, through the public API."""
    with httpx.Client(base_url=footfall.url, timeout=30) as client:
        token = client.post(
            "/api/v1/auth/register",
            json={"email": "owner@example.com", "password": "a long password"},
        ).json()["access_token"]
        site = client.post(
            "/api/v1/sites",
            json={"domain": "e2e.footfall.test", "timezone": "UTC"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    return {"token": token, "site": site}


@pytest.fixture
def static_site(footfall: ServerProcess) -> Iterator[str]:
    """The test pages on their own loopback port, with the snippet pointing at Footfall."""
    handler = functools.partial(_SnippetHandler, footfall.url)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _SnippetHandler(_Quiet):
    """Serves tests/e2e/site, filling {{FOOTFALL}} in HTML with the server's address."""

    def __init__(self, footfall_url: str, *args: Any, **kwargs: Any) -> None:
        self.footfall_url = footfall_url
        super().__init__(*args, directory=str(SITE_DIR), **kwargs)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/about/") and not Path(SITE_DIR, path.lstrip("/")).exists():
            path = "/about.html"  # client-side routes of the about page
        target = SITE_DIR / (path.lstrip("/") or "index.html")
        if target.suffix == ".html" and target.is_file():
            body = target.read_text().replace("{{FOOTFALL}}", self.footfall_url).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()
