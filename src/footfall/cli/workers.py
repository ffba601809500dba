"""`footfall serve --workers N`: several app processes sharing one listening socket.

The supervisor binds the address once and hands the socket to N child processes (the kernel
spreads connections over them), each with its own FOOTFALL_WORKER_ID and so its own spool. A
child that dies is started again with the same id, so it replays its spool; SIGTERM/SIGINT stop
every child gracefully. Only the scale-out profile may run several processes: DuckDB allows one
writer process, and visits must be shared through Redis.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

from footfall.settings import Settings

log = logging.getLogger("footfall.workers")

RESTART_PAUSE_S = 1.0
STOP_WAIT_S = 30.0


def workers_problem(settings: Settings, workers: int) -> str | None:
    """Why these settings cannot run `workers` processes, or None when they can."""
    if workers <= 1:
        return None
    if not settings.clickhouse_url:
        return (
            "--workers needs the scale-out profile: set FOOTFALL_CLICKHOUSE_URL "
            "(the embedded DuckDB store allows one writer process)"
        )
    if not settings.redis_url:
        return (
            "--workers needs FOOTFALL_REDIS_URL: processes share visits in progress through "
            "Redis (without it a visit whose requests reach two processes is split)"
        )
    return None


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening, inheritable TCP socket."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@dataclass
class Supervisor:
    """Starts, restarts and stops the worker processes."""

    workers: int
    sock: socket.socket
    children: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopping: bool = False

    def command(self) -> list[str]:
        """The child's command line: `footfall serve` on the inherited socket."""
        return [sys.executable, "-m", "footfall", "serve", "--fd", str(self.sock.fileno())]

    def spawn(self, worker_id: int) -> None:
        """Start one worker."""
        env = {**os.environ, "FOOTFALL_WORKER_ID": str(worker_id)}
        self.children[worker_id] = subprocess.Popen(  # noqa: S603 (our own interpreter)
            self.command(), env=env, pass_fds=(self.sock.fileno(),)
        )
        log.info("worker %d started (pid %d)", worker_id, self.children[worker_id].pid)

    def run(self) -> int:
        """Run until SIGTERM/SIGINT; returns the exit status."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            for worker_id in range(self.workers):
                self.spawn(worker_id)
            while not self.stopping:
                time.sleep(0.2)
                for worker_id, child in list(self.children.items()):
                    code = child.poll()
                    if code is not None and not self.stopping:
                        log.error("worker %d exited with %s; starting it again", worker_id, code)
                        time.sleep(RESTART_PAUSE_S)
                        self.spawn(worker_id)
            return self._stop_all()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.sock.close()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.stopping = True
        log.info("stopping %d workers (signal %d)", len(self.children), signum)

    def _stop_all(self) -> int:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_S
        status = 0
        for child in self.children.values():
            try:
                code = child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                code = child.wait()
            status = status or (0 if code in (0, -signal.SIGTERM) else 1)
        return status
