from __future__ import annotations

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
