"""Shared fixtures: settings in a temp dir, a controllable clock, and a running app harness."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from footfall.app import create_app
from footfall.db.migrate import upgrade_to_head
from footfall.runtime import Runtime
from footfall.settings import Settings
from tests.servers import ClickHouse, Postgres, Redis, clickhouse, pg_bin, postgres, redis

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

IP_DE = "85.214.132.117"
IP_US = "8.8.8.8"
IP_GB = "81.2.69.160"
IP_FR = "193.51.224.1"

PASSWORD = "correct horse battery"
PAGEVIEW_BODY = {"n": "pageview", "u": "https://example.com/", "d": "example.com"}


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 6, 10, 10, 0, tzinfo=UTC))


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "flush_interval_s": 0.05,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A metadata database migrated once per test run; copied into each test's data dir."""
    path = tmp_path_factory.mktemp("template") / "footfall.sqlite3"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@dataclass
class ScaleOut:
    """The scale-out servers of one test session."""

    postgres: Postgres
    redis: Redis
    clickhouse: ClickHouse
    template: str  # a migrated PostgreSQL database to copy
    counter: list[int] = field(default_factory=lambda: [0])

    def databases(self) -> tuple[str, str]:
        """A fresh PostgreSQL database (copied from the template) and a ClickHouse URL."""
        self.counter[0] += 1
        name = f"test_{os.getpid()}_{self.counter[0]}"
        subprocess.run(
            [
                pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.postgres.port),
                "-U",
                "footfall",
                "-T",
                self.template,
                name,
            ],
            check=True,
            capture_output=True,
        )
        return self.postgres.url(name), self.clickhouse.url(name)


@pytest.fixture(scope="session")
def scaleout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleOut]:
    """PostgreSQL, Redis and ClickHouse started once for the whole test run (on first use)."""
    base = tmp_path_factory.mktemp("scaleout")
    with ExitStack() as stack:
        pg = stack.enter_context(postgres(base / "postgres"))
        rd = stack.enter_context(redis(base / "redis"))
        ch = stack.enter_context(clickhouse(base / "clickhouse"))
        template = "footfall_template"
        pg.create_database(template)
        upgrade_to_head(pg.url(template).replace("postgresql://", "postgresql+asyncpg://"))
        yield ScaleOut(pg, rd, ch, template)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a module's server tests on every profile it lists in PROFILES."""
    profiles = getattr(metafunc.module, "PROFILES", None)
    if not profiles or "profile" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("embedded_only"):
        profiles = ("embedded",)
    metafunc.parametrize("profile", profiles, indirect=True)


@pytest.fixture
def profile(request: pytest.FixtureRequest) -> str:
    """The deployment profile: "embedded" unless a test is parametrized with scale-out."""
    return str(getattr(request, "param", "embedded"))


@pytest.fixture
def settings(
    tmp_path: Path, migrated_template: Path, profile: str, request: pytest.FixtureRequest
) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if profile == "scale-out":
        servers: ScaleOut = request.getfixturevalue("scaleout")
        database_url, clickhouse_url = servers.databases()
        return make_settings(
            data_dir,
            database_url=database_url,
            clickhouse_url=clickhouse_url,
            redis_url=servers.redis.url,
            redis_prefix=f"test{servers.counter[0]}",
        )
    shutil.copyfile(migrated_template, data_dir / "footfall.sqlite3")
    return make_settings(data_dir)


@dataclass
class Harness:
    """A started app with an HTTP client and shortcuts for common steps."""

    client: httpx.AsyncClient
    runtime: Runtime
    clock: FakeClock
    users: dict[str, str] = field(default_factory=dict)

    async def register(self, email: str = "owner@example.com", name: str = "") -> str:
        response = await self.client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name}
        )
        assert response.status_code == 201, response.text
        token = str(response.json()["access_token"])
        self.users[email] = token
        return token

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def create_site(
        self, token: str, domain: str = "example.com", timezone: str = "Europe/Berlin"
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/sites",
            json={"domain": domain, "timezone": timezone},
            headers=self.auth(token),
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def send(
        self,
        body: Any,
        *,
        ip: str = IP_DE,
        ua: str = CHROME_WINDOWS,
        at: datetime | None = None,
        path: str = "/api/event",
    ) -> httpx.Response:
        if at is not None:
            self.clock.set(at)
        return await self.client.post(
            path, json=body, headers={"User-Agent": ua, "X-Forwarded-For": ip}
        )

    async def flush(self) -> None:
        await self.runtime.buffer.flush()

    async def query(self, token: str, **body: Any) -> dict[str, Any]:
        await self.flush()
        response = await self.client.post("/api/v1/query", json=body, headers=self.auth(token))
        assert response.status_code == 200, response.text
        return dict(response.json())


@asynccontextmanager
async def running(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    """A started app (stopped gracefully on exit, like SIGTERM)."""
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(
            app=app, raise_app_exceptions=False, client=("127.0.0.1", 40000)
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Harness(client=client, runtime=app.state.runtime, clock=clock)


@pytest.fixture
async def harness(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    async with running(settings, clock) as started:
        yield started
