"""Runtime settings, read from FOOTFALL_* environment variables and an optional .env file."""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    """All knobs of one Footfall process; profiles are chosen here, never in code."""

    model_config = SettingsConfigDict(
        env_prefix="FOOTFALL_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Path("./data")
    base_url: str | None = None
    secret_key: str | None = None
    database_url: str | None = None
    clickhouse_url: str | None = None
    clickhouse_cluster: str | None = None
    redis_url: str | None = None
    redis_prefix: str = "footfall"  # key and channel prefix (several installs, one Redis)
    log_level: str = "info"

    registration_open: bool = True
    trusted_proxies: str = "127.0.0.0/8,::1/128"

    access_token_ttl_s: int = Field(default=900, ge=30)
    refresh_token_ttl_s: int = Field(default=30 * 24 * 3600, ge=60)
    cookie_secure: bool = False

    flush_interval_s: float = Field(default=1.0, gt=0, le=60)
    flush_max_events: int = Field(default=20_000, ge=1)
    session_timeout_s: int = Field(default=30 * 60, ge=60)
    duckdb_threads: int = Field(default=2, ge=1)
    duckdb_memory_limit: str = "1GB"
    # The write-ahead spool: accepted events are on disk before the 202 (store/spool.py).
    spool: bool = True
    spool_max_mb: int = Field(default=1024, ge=1)
    # FOOTFALL_SPOOL_DIR: where the spool lives (default: data_dir/spool), e.g. a fast local
    # disk of its own; each worker writes to its own subdirectory.
    spool_root: Path | None = Field(
        default=None, validation_alias=AliasChoices("spool_root", "footfall_spool_dir")
    )
    spool_sync: bool = True  # fsync each group commit; off only for throwaway data
    worker_id: int = Field(default=0, ge=0)  # set by `footfall serve --workers N`

    geoip_city_db: Path | None = None

    # Hostile clients (README, "Ingestion API"). A request's headers and body must arrive
    # within client_timeout_s of its first byte (slow clients are cut off with a 408).
    client_timeout_s: float = Field(default=20.0, gt=0, le=600)
    # Flood control: events per second (and burst) per client address and per site; 0: none.
    rate_limit: bool = True
    rate_limit_ip_events_s: float = Field(default=200.0, ge=0)
    rate_limit_ip_burst: int = Field(default=2_000, ge=1)
    rate_limit_site_events_s: float = Field(default=50_000.0, ge=0)
    rate_limit_site_burst: int = Field(default=200_000, ge=1)
    # Client addresses the per-address limit does not apply to (local load tests, monitors).
    rate_limit_exempt: str = "127.0.0.0/8,::1/128"
    drop_datacenter_traffic: bool = True
    datacenter_ranges_file: Path | None = None  # more CIDR blocks, added to the shipped list

    @field_validator("data_dir", "spool_root")
    @classmethod
    def _expand_user(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @cached_property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        """The parsed FOOTFALL_TRUSTED_PROXIES list."""
        return _networks(self.trusted_proxies)

    @cached_property
    def rate_limit_exempt_networks(self) -> tuple[Network, ...]:
        """The parsed FOOTFALL_RATE_LIMIT_EXEMPT list."""
        return _networks(self.rate_limit_exempt)

    @property
    def metadata_url(self) -> str:
        """SQLAlchemy URL of the metadata database (SQLite under the data dir by default)."""
        if self.database_url:
            return _async_driver_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'footfall.sqlite3').resolve()}"

    @property
    def events_path(self) -> Path:
        """Path of the embedded DuckDB event store."""
        return self.data_dir / "events.duckdb"

    @property
    def spool_dir(self) -> Path:
        """This process's spool directory (one per worker: a spool has a single writer)."""
        root = self.spool_root if self.spool_root is not None else self.data_dir / "spool"
        return root / f"worker-{self.worker_id}"

    @property
    def public_url(self) -> str:
        """The address users and tracker snippets reach this server at."""
        if self.base_url:
            return self.base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"


def _networks(text: str) -> tuple[Network, ...]:
    items = [part.strip() for part in text.split(",") if part.strip()]
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _async_driver_url(url: str) -> str:
    """Map plain database URLs onto the async drivers SQLAlchemy needs."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
