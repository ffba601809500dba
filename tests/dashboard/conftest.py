"""A real Footfall server with demo data, and a system Chromium, shared by a test module."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from bench.server import ServerProcess
from tests.browser import chromium
from tests.dashboard.support import APP_INDEX, Demo

DEMO_ARGS = ("--events", "20000", "--days", "30", "--seed", "1")


@pytest.fixture(scope="module")
def built_app() -> Path:
    if not APP_INDEX.is_file():
        pytest.fail(
            f"{APP_INDEX} is missing: build the dashboard first "
            "(cd dashboard && npm ci && npm run build)"
        )
    return APP_INDEX


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, built_app: Path) -> Iterator[Demo]:
    """Demo data (20k events over 30 days) in a fresh data dir, then a server on it."""
    data_dir = tmp_path_factory.mktemp("dashboard-data")
    env: dict[str, Any] = {
        **os.environ,
        "FOOTFALL_DATA_DIR": str(data_dir),
        "COLUMNS": "240",  # keep the printed password on one line
    }
    out = subprocess.run(
        [sys.executable, "-m", "footfall", "demo", *DEMO_ARGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    match = re.search(r"Sign in as (\S+) with password (\S+)", out)
    assert match, out
    server = ServerProcess(data_dir, env={"FOOTFALL_FLUSH_INTERVAL_S": "0.2"})
    server.start()
    try:
        yield Demo(server=server, email=match.group(1), password=match.group(2))
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(demo: Demo) -> Iterator[Browser]:
    with chromium() as browser:
        yield browser
