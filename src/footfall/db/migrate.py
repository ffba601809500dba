"""Brings the metadata database schema up to date with Alembic."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from footfall.db.engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# The newest revision in migrations/versions (a test keeps this in step with Alembic's head).
HEAD_REVISION = "0002"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our bundled migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade_to_head(url: str) -> None:
    """Apply every pending migration (blocking; call from a thread inside an event loop)."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


async def current_revision(url: str) -> str | None:
    """The schema revision recorded in the database, None when there is none yet."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return result.scalar_one_or_none()
    except (OperationalError, ProgrammingError):
        return None
    finally:
        await engine.dispose()


async def upgrade_to_head_async(url: str) -> None:
    """Apply every pending migration in a child process (nothing to do: no process at all).

    Alembic's import tree costs the server ~15 MB it would never give back; a short-lived
    `footfall migrate` process does the work instead.
    """
    if await current_revision(url) == HEAD_REVISION:
        return
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "footfall",
        "migrate",
        "--database-url",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"database migration failed:\n{output.decode(errors='replace')}")
