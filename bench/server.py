"""Starts and stops a real Footfall server process on loopback, and reads its memory use."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH_EMAIL = "bench@footfall.dev"
BENCH_PASSWORD = "bench-password-123"


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_kb(pid: int, key: str) -> int:
    """A memory figure of a process from /proc (VmRSS now, VmHWM peak), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class ServerProcess:
    """A `footfall serve` child process."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)  # extra `footfall serve` options
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Process id of the server."""
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 60.0, ready_path: str = "/readyz") -> None:
        """Launch and wait until `ready_path` answers 200 (/healthz: up even while a store
        it depends on is away)."""
        env = {
            **os.environ,
            "FOOTFALL_DATA_DIR": str(self.data_dir),
            "FOOTFALL_PORT": str(self.port),
            "FOOTFALL_HOST": "127.0.0.1",
            "FOOTFALL_LOG_LEVEL": "warning",
            **self.env,
        }
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "footfall", "serve", *self.args], env=env, stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.data_dir / 'server.log'}")
            try:
                if httpx.get(f"{self.url}{ready_path}", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become ready")

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM (graceful: flushes buffers) and wait; returns the exit code."""
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def sign_in(url: str) -> str:
    """Register (or log in) the benchmark user and return an access token."""
    body = {"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
    response = httpx.post(f"{url}/api/v1/auth/register", json=body, timeout=30)
    if response.status_code == 409:
        response = httpx.post(f"{url}/api/v1/auth/login", json=body, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def ensure_site(url: str, token: str, domain: str, timezone: str = "UTC") -> int:
    """Create the benchmark site unless the user already has it; returns its id."""
    headers = {"Authorization": f"Bearer {token}"}
    for site in httpx.get(f"{url}/api/v1/sites", headers=headers, timeout=30).json():
        if site["domain"] == domain:
            return int(site["id"])
    response = httpx.post(
        f"{url}/api/v1/sites",
        json={"domain": domain, "timezone": timezone},
        headers=headers,
        timeout=30,
    )
    response.raise_for_status()
    return int(response.json()["id"])
