"""The work behind CLI commands, as async functions over the metadata and event stores."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlalchemy import select

from footfall.accounts.models import User
from footfall.accounts.service import count_users
from footfall.accounts.service import create_user as create_user_row
from footfall.db.engine import make_engine, make_session_factory
from footfall.db.migrate import upgrade_to_head_async
from footfall.demo.load import load_traffic
from footfall.errors import ApiError, NotFound
from footfall.query.dialect import DUCKDB
from footfall.query.rollup_builder import RollupBuilder
from footfall.settings import Settings
from footfall.sites.domains import normalize_domain
from footfall.sites.models import Site
from footfall.sites.registry import SiteInfo
from footfall.sites.service import create_site as create_site_row
from footfall.sites.snippet import tracker_snippet
from footfall.store.duckdb_store import DuckDBEventStore


class CommandFailed(Exception):
    """A CLI command could not do what was asked; the message says why."""


async def _prepare(settings: Settings) -> None:
    await asyncio.to_thread(Path(settings.data_dir).mkdir, parents=True, exist_ok=True)
    await upgrade_to_head_async(settings.metadata_url)


async def create_user(settings: Settings, email: str, password: str, name: str, admin: bool) -> int:
    """Create a user; the first user of an instance is always an admin."""
    await _prepare(settings)
    engine = make_engine(settings.metadata_url)
    try:
        async with make_session_factory(engine)() as db:
            first = await count_users(db) == 0
            try:
                user = await create_user_row(
                    db, email=email, password=password, name=name, is_admin=admin or first
                )
            except ApiError as exc:
                raise CommandFailed(exc.message) from exc
            await db.commit()
            return user.id
    finally:
        await engine.dispose()


async def create_site(
    settings: Settings, domain: str, owner_email: str, name: str | None, timezone: str
) -> tuple[int, str]:
    """Create a site owned by an existing user; returns its id and snippet."""
    await _prepare(settings)
    engine = make_engine(settings.metadata_url)
    try:
        async with make_session_factory(engine)() as db:
            owner = await db.scalar(select(User).where(User.email == owner_email.strip().lower()))
            if owner is None:
                raise CommandFailed(f"No user {owner_email}; create it with `footfall user create`")
            try:
                site = await create_site_row(db, owner, domain=domain, name=name, timezone=timezone)
            except ApiError as exc:
                raise CommandFailed(exc.message) from exc
            await db.commit()
            return site.id, tracker_snippet(settings.public_url, site.domain)
    finally:
        await engine.dispose()


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What `footfall demo` did."""

    site_id: int
    events: int
    sessions: int
    seconds: float
    created_owner: bool


async def fill_demo(
    settings: Settings,
    *,
    events: int,
    days: int,
    seed: int,
    domain: str,
    owner: str,
    timezone: str,
    replace: bool,
    new_password: str,
    console: Console,
) -> DemoResult:
    """Create (or reuse) the demo owner and site, then load generated traffic into it."""
    await _prepare(settings)
    engine = make_engine(settings.metadata_url)
    created_owner = False
    try:
        async with make_session_factory(engine)() as db:
            user = await db.scalar(select(User).where(User.email == owner.strip().lower()))
            if user is None:
                first = await count_users(db) == 0
                user = await create_user_row(
                    db, email=owner, password=new_password, name="Demo", is_admin=first
                )
                created_owner = True
            site = await db.scalar(select(Site).where(Site.domain == normalize_domain(domain)))
            if site is None:
                site = await create_site_row(
                    db, user, domain=domain, name="Footfall demo", timezone=timezone, public=True
                )
            await db.commit()
            info = SiteInfo(site.id, site.domain, site.timezone)
    finally:
        await engine.dispose()
    try:
        store = DuckDBEventStore(settings.events_path, threads=settings.duckdb_threads)
    except duckdb.IOException as exc:
        raise CommandFailed(
            f"Cannot open {settings.events_path}: is `footfall serve` running? Stop it first."
        ) from exc
    try:
        if replace:
            store.delete_site(info.id)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task(f"Generating {domain}", total=events)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=max(total, done))

            result = await asyncio.to_thread(
                load_traffic, store, info, events=events, days=days, seed=seed, progress=advance
            )
            rollups = bar.add_task("Building daily rollups", total=days)
            builder = RollupBuilder(store, DUCKDB, timedelta(seconds=settings.session_timeout_s))
            await asyncio.to_thread(builder.run, [info], datetime.now(UTC), days + 1)
            bar.update(rollups, completed=days)
    finally:
        store.close()
    return DemoResult(info.id, result.events, result.sessions, result.seconds, created_owner)


__all__ = ["CommandFailed", "NotFound", "create_site", "create_user", "fill_demo"]
