"""Real database servers for integration tests, started from their installed binaries on free
loopback ports in temporary directories, and stopped afterwards (no services, no Docker)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` until true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def require(binary: str) -> str:
    """The path of an installed binary; a clear failure when the project's installer was skipped."""
    found = shutil.which(binary) or next(iter(glob.glob(binary)), None)
    if not found:
        pytest.fail(f"{binary} is not installed: run ./scripts/install-system-deps.sh test")
    return found


# -- PostgreSQL -----------------------------------------------------------------------------


@dataclass
class Postgres:
    """A throwaway PostgreSQL cluster."""

    port: int
    directory: Path

    def url(self, database: str = "footfall") -> str:
        """A connection URL for a database (created on demand with `create_database`)."""
        return f"postgresql://footfall@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database; returns its URL."""
        subprocess.run(
            [
                str(Path(pg_bin("createdb"))),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "footfall",
                name,
            ],
            check=True,
            capture_output=True,
        )
        return self.url(name)


def pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        pytest.fail("PostgreSQL is not installed: run ./scripts/install-system-deps.sh test")
    return candidates[-1]


@contextmanager
def postgres(directory: Path) -> Iterator[Postgres]:
    """initdb + postgres on a free port, as the current user (or `postgres` when root)."""
    port = free_port()
    as_root = os.geteuid() == 0
    if as_root:
        # PostgreSQL refuses to run as root, and pytest's temp dirs are private to root: the
        # cluster lives in its own directory owned by the postgres user.
        directory = Path(tempfile.mkdtemp(prefix="footfall-pg-"))
        shutil.chown(directory, "postgres", "postgres")
    else:
        directory.mkdir(parents=True, exist_ok=True)
    data = directory / "pgdata"

    # Switching user in the child itself (not via runuser) lets signals reach postgres.
    user = {"user": "postgres", "group": "postgres"} if as_root else {}
    subprocess.run(
        [
            pg_bin("initdb"),
            "-D",
            str(data),
            "-U",
            "footfall",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        **user,  # type: ignore[call-overload]
    )
    process = subprocess.Popen(
        [
            pg_bin("postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(directory),
            "-h",
            "127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "max_connections=200",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **user,  # type: ignore[call-overload]
    )
    server = Postgres(port, directory)
    try:
        wait_until(
            lambda: (
                subprocess.run(
                    [pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
                ).returncode
                == 0
            ),
            30,
            "PostgreSQL",
        )
        subprocess.run(
            [pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "footfall", "footfall"],
            check=True,
            capture_output=True,
        )
        yield server
    finally:
        _stop(process, signal.SIGINT)  # fast shutdown
        if as_root:
            shutil.rmtree(directory, ignore_errors=True)


# -- Redis ----------------------------------------------------------------------------------


@dataclass
class Redis:
    """A throwaway Redis server that can be stopped and restarted on the same port."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its connection URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or restart) the server and wait until it answers."""
        self.process = subprocess.Popen(
            [
                require("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _ping(self.port, b"PING\r\n", b"+PONG"), 15, "Redis")

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None:
            _stop(self.process)


def _ping(port: int, request: bytes, expected: bytes) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(request)
        return sock.recv(64).startswith(expected)


@contextmanager
def redis(directory: Path) -> Iterator[Redis]:
    """redis-server on a free port, no persistence."""
    directory.mkdir(parents=True, exist_ok=True)
    server = Redis(free_port(), directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- ClickHouse -----------------------------------------------------------------------------


_CONFIG = """<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{dir}/server.log</log><errorlog>{dir}/error.log</errorlog>
    <console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>{tcp}</tcp_port>
  <http_port>{http}</http_port>
  <interserver_http_port>{inter}</interserver_http_port>
  <path>{dir}/data/</path>
  <tmp_path>{dir}/tmp/</tmp_path>
  <format_schema_path>{dir}/format_schemas/</format_schema_path>
  <users_config>{dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <remote_servers>{clusters}</remote_servers>
</yandex>
"""
_USERS = """<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
"""


@dataclass
class ClickHouse:
    """A throwaway ClickHouse server that can be stopped and restarted on the same ports."""

    tcp_port: int
    http_port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "footfall") -> str:
        """A native-protocol URL for a database."""
        return f"clickhouse://127.0.0.1:{self.tcp_port}/{database}"

    def start(self) -> None:
        """Start (or restart) the server and wait until it answers over HTTP."""
        self.process = subprocess.Popen(
            [require("clickhouse-server"), f"--config-file={self.directory / 'config.xml'}"],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "stderr.log").open("ab"),
        )
        wait_until(
            lambda: _ping(self.http_port, b"GET /ping HTTP/1.0\r\n\r\n", b"HTTP/1.0 200"),
            60,
            "ClickHouse",
        )

    def stop(self, *, graceful: bool = False) -> None:
        """Stop the server (killed by default: a graceful ClickHouse stop takes ~10 s, and
        these servers and their data are thrown away)."""
        if self.process is not None:
            _stop(self.process, signal.SIGTERM if graceful else signal.SIGKILL)


def _clickhouse_dirs(directory: Path) -> None:
    for sub in ("data", "tmp", "format_schemas"):
        (directory / sub).mkdir(parents=True, exist_ok=True)


def _write_clickhouse(server: ClickHouse, clusters: str) -> None:
    _clickhouse_dirs(server.directory)
    (server.directory / "config.xml").write_text(
        _CONFIG.format(
            dir=server.directory,
            tcp=server.tcp_port,
            http=server.http_port,
            inter=free_port(),
            clusters=clusters,
        )
    )
    (server.directory / "users.xml").write_text(_USERS)


@contextmanager
def clickhouse(directory: Path) -> Iterator[ClickHouse]:
    """One clickhouse-server on free ports."""
    server = ClickHouse(free_port(), free_port(), directory)
    _write_clickhouse(server, "")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def clickhouse_cluster(directory: Path, name: str = "footfall") -> Iterator[list[ClickHouse]]:
    """Two clickhouse-servers configured as the two shards of one cluster."""
    servers = [ClickHouse(free_port(), free_port(), directory / f"shard{i}") for i in (1, 2)]
    shards = "".join(
        f"<shard><replica><host>127.0.0.1</host><port>{s.tcp_port}</port></replica></shard>"
        for s in servers
    )
    clusters = f"<{name}>{shards}</{name}>"
    for server in servers:
        _write_clickhouse(server, clusters)
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()
