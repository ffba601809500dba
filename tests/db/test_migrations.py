from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from footfall.db.engine import make_engine
from footfall.db.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    upgrade_to_head_async,
)
from footfall.db.models import Base


def test_head_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_current_head() == HEAD_REVISION


async def test_migrations_create_exactly_the_models(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'meta.sqlite3'}"
    assert await current_revision(url) is None
    await upgrade_to_head_async(url)
    assert await current_revision(url) == HEAD_REVISION
    await upgrade_to_head_async(url)  # idempotent

    def columns(connection: AsyncConnection) -> dict[str, set[str]]:
        inspector = inspect(connection)
        return {
            t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()
        }

    engine = make_engine(url)
    async with engine.connect() as connection:
        found = await connection.run_sync(columns)  # type: ignore[arg-type]
    await engine.dispose()
    found.pop("alembic_version")
    expected = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert found == expected


async def test_upgrading_a_populated_database_keeps_every_row(tmp_path: Path) -> None:
    import sqlite3

    from alembic import command

    path = tmp_path / "meta.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0001")
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO users (id, email, name, password_hash, is_admin, is_active, "
            "created_at, updated_at) VALUES (1, 'a@example.com', '', 'x', 0, 1, "
            "'2025-01-01', '2025-01-01')"
        )
        con.execute(
            "INSERT INTO sites (id, domain, name, timezone, created_at, updated_at) "
            "VALUES (1, 'example.com', 'e', 'UTC', '2025-01-01', '2025-01-01')"
        )
        con.execute("INSERT INTO site_memberships VALUES (1, 1, 'owner', '2025-01-01')")
    await upgrade_to_head_async(url)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT site_id, user_id, role FROM site_memberships").fetchall() == [
            (1, 1, "owner")
        ]
        assert con.execute("SELECT allowed_origins, public FROM sites").fetchall() == [("[]", 0)]
