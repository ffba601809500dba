"""Socket-level abuse against a real `footfall serve` process: oversized and endless bodies,
gzip bombs, and clients that trickle their headers or body (all on loopback, bounded).

The server runs with a short client deadline (FOOTFALL_CLIENT_TIMEOUT_S) so the slow-client
cases end quickly; the loops here stop by themselves whatever the server does.
"""

from __future__ import annotations

import gzip
import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.server import ServerProcess, ensure_site, sign_in
from footfall.ingest.payload import MAX_BATCH_BODY, MAX_EVENT_BODY
from tests.conftest import CHROME_WINDOWS, IP_DE, IP_US

pytestmark = pytest.mark.slow

DEADLINE_S = 1.5
DOMAIN = "sockets.example"
PAGEVIEW = {"n": "pageview", "u": f"https://{DOMAIN}/", "d": DOMAIN}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("sockets"),
        env={"FOOTFALL_CLIENT_TIMEOUT_S": str(DEADLINE_S), "FOOTFALL_FLUSH_INTERVAL_S": "0.1"},
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def site(server: ServerProcess) -> tuple[str, int]:
    token = sign_in(server.url)
    return token, ensure_site(server.url, token, DOMAIN)


def connect(server: ServerProcess) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def request_head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"User-Agent: {CHROME_WINDOWS}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Reply:
    """A parsed HTTP response read off a raw socket."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines)
        }

    def json(self) -> dict[str, object]:
        return dict(json.loads(self.body))


def read_reply(sock: socket.socket) -> Reply:
    """One response; the body by its Content-Length."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = sock.recv(65536)
        if not chunk:
            break
        raw += chunk
    reply = Reply(raw)
    length = int(reply.headers.get("content-length", "0"))
    while len(reply.body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        reply.body += chunk
    return reply


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes the connection (EOF or reset) within 10 s."""
    sock.settimeout(10)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


def readable(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


def test_declared_oversize_is_refused_without_reading_the_body(server: ServerProcess) -> None:
    for path, limit in (("/api/event", MAX_EVENT_BODY), ("/api/events", MAX_BATCH_BODY)):
        with connect(server) as sock:
            head = request_head(
                path, {"Content-Type": "application/json", "Content-Length": str(100 * 2**20)}
            )
            sock.sendall(head + b"[")  # 1 byte of the announced 100 MB
            reply = read_reply(sock)
            assert reply.status == 413
            assert reply.json()["error"] == {
                "code": "payload_too_large",
                "message": f"Body is larger than {limit} bytes",
            }
            assert reply.headers["connection"] == "close"
            assert closed_by_server(sock)


@pytest.mark.parametrize(
    ("path", "limit"), [("/api/event", MAX_EVENT_BODY), ("/api/events", MAX_BATCH_BODY)]
)
def test_endless_chunked_body_is_cut_off_at_the_limit(
    server: ServerProcess, path: str, limit: int
) -> None:
    """No Content-Length: the server reads until the limit is passed, answers 413 and closes,
    long before the client is done (it would send 256 MB)."""
    total = 256 * 2**20
    chunk = b"%x\r\n%s\r\n" % (4096, b" " * 4096)
    sent = 0
    reply = None
    with connect(server) as sock:
        sock.sendall(
            request_head(path, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        )
        try:
            while sent < total:
                if readable(sock):
                    break
                sock.sendall(chunk)
                sent += 4096
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(10)
        reply = read_reply(sock)
    assert reply.status == 413
    assert reply.json()["error"]["code"] == "payload_too_large"
    assert reply.headers["connection"] == "close"
    assert limit < sent < total


def test_gzip_bomb_over_a_real_socket(server: ServerProcess, site: tuple[str, int]) -> None:
    bomb = gzip.compress(b"[" + b" " * (512 * 2**20) + b"]", compresslevel=9)  # 512 MB inflated
    assert len(bomb) < MAX_BATCH_BODY
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = httpx.post(f"{server.url}/api/events", content=bomb, headers=headers, timeout=30)
    assert response.status_code == 413
    assert "decompressed" in response.json()["error"]["message"]
    packed = gzip.compress(json.dumps([PAGEVIEW]).encode())
    response = httpx.post(
        f"{server.url}/api/events",
        content=packed,
        headers={**headers, "User-Agent": CHROME_WINDOWS, "X-Forwarded-For": IP_US},
        timeout=30,
    )
    assert response.json() == {"accepted": 1, "dropped": {}, "rejected": []}


def trickle(sock: socket.socket, data: bytes, pause_s: float) -> int:
    """Send `data` a byte at a time; stop when the server answers or hangs up. Bytes sent."""
    for index in range(len(data)):
        if readable(sock):
            return index
        try:
            sock.send(data[index : index + 1])
        except (BrokenPipeError, ConnectionResetError):
            return index
        time.sleep(pause_s)
    return len(data)


def test_trickled_headers_are_cut_off_with_a_408(server: ServerProcess) -> None:
    head = request_head("/api/event", {"Content-Type": "application/json", "X-Padding": "x" * 200})
    with connect(server) as sock:
        # 0.1 s a byte: the whole head would take over 30 s, the deadline is 1.5 s.
        sent = trickle(sock, head, 0.1)
        assert sent < len(head)
        reply = read_reply(sock)
        assert reply.status == 408
        assert reply.json()["error"]["code"] == "request_timeout"
        assert closed_by_server(sock)


def test_trickled_body_is_cut_off_with_a_408(server: ServerProcess) -> None:
    body = json.dumps(PAGEVIEW).encode()
    head = request_head(
        "/api/event", {"Content-Type": "application/json", "Content-Length": str(len(body))}
    )
    with connect(server) as sock:
        sock.sendall(head)
        sent = trickle(sock, body, 0.2)
        assert sent < len(body)
        reply = read_reply(sock)
        assert reply.status == 408
        assert closed_by_server(sock)


def test_silent_connections_are_closed(server: ServerProcess) -> None:
    with connect(server) as sock:
        sock.settimeout(20)  # bounded: the deadline is 1.5 s
        assert sock.recv(100) == b""  # closed, without a response to a request never sent


def test_other_clients_are_served_while_slow_ones_hang(
    server: ServerProcess, site: tuple[str, int]
) -> None:
    slow = [connect(server) for _ in range(20)]
    try:
        for sock in slow:
            sock.sendall(b"POST /api/event HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for path in ("/api/event", "/api/events"):
                body = PAGEVIEW if path == "/api/event" else [PAGEVIEW]
                response = client.post(
                    path,
                    json=body,
                    headers={"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": IP_DE},
                )
                assert response.status_code == 202, response.text
        for sock in slow:
            sock.settimeout(20)
            assert read_reply(sock).status == 408  # they had begun a request
    finally:
        for sock in slow:
            sock.close()


def test_keep_alive_requests_each_get_their_own_deadline(server: ServerProcess) -> None:
    """A connection that sends complete requests promptly is never cut off, however long it
    lives in total."""
    body = json.dumps(PAGEVIEW).encode()
    request = (
        request_head(
            "/api/event",
            {
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
                "X-Forwarded-For": IP_DE,
            },
        )
        + body
    )
    with connect(server) as sock:
        for _ in range(4):  # 4 x 0.6 s > the 1.5 s deadline, each request well within it
            sock.sendall(request)
            assert read_reply(sock).status == 202
            time.sleep(0.6)


def test_the_server_is_intact_afterwards(server: ServerProcess, site: tuple[str, int]) -> None:
    token, site_id = site
    headers = {"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": "81.2.69.160"}
    for page in ("/after", "/after", "/after-2"):
        response = httpx.post(
            f"{server.url}/api/event",
            json={**PAGEVIEW, "u": f"https://{DOMAIN}{page}"},
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 202
    deadline = time.monotonic() + 30
    rows: list[object] = []
    while time.monotonic() < deadline:
        answer = httpx.post(
            f"{server.url}/api/v1/query",
            json={
                "site_id": site_id,
                "metrics": ["pageviews"],
                "dimensions": ["event:page"],
                "filters": [["contains", "event:page", ["/after"]]],
                "date_range": "day",
                "timezone": "UTC",
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        rows = [(r["dimensions"], r["metrics"]) for r in answer.json()["results"]]
        if rows == [(["/after"], [2]), (["/after-2"], [1])]:
            break
        time.sleep(0.2)  # the flusher writes every 0.1 s
    assert rows == [(["/after"], [2]), (["/after-2"], [1])]
    log = (Path(server.data_dir) / "server.log").read_text()
    assert "Traceback" not in log
    assert "ingestion failed" not in log
