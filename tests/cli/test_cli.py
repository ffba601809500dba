"""The `footfall` command line, run in-process against a temp data dir."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from footfall.cli.main import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("FOOTFALL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FOOTFALL_BASE_URL", "https://stats.example.org")
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_migrate_user_and_site(cli: CliRunner, tmp_path: Path) -> None:
    assert cli.invoke(app, ["migrate"]).exit_code == 0
    created = cli.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "ops@example.com",
            "--password",
            "a long password",
            "--name",
            "Ops",
        ],
    )
    assert created.exit_code == 0, created.output
    assert "(admin)" not in created.output  # the flag was not given...
    site = cli.invoke(
        app,
        [
            "site",
            "create",
            "--domain",
            "example.com",
            "--owner",
            "ops@example.com",
            "--timezone",
            "Europe/Berlin",
        ],
    )
    assert site.exit_code == 0, site.output
    assert (
        '<script defer src="https://stats.example.org/js/footfall.js" '
        'data-domain="example.com"></script>'
    ) in site.output


def test_first_user_is_admin(cli: CliRunner, tmp_path: Path) -> None:
    import sqlite3

    cli.invoke(app, ["user", "create", "--email", "first@example.com", "--password", "pw long 1"])
    cli.invoke(app, ["user", "create", "--email", "second@example.com", "--password", "pw long 2"])
    with sqlite3.connect(tmp_path / "footfall.sqlite3") as con:
        admins = con.execute("SELECT email, is_admin FROM users ORDER BY id").fetchall()
    assert admins == [("first@example.com", 1), ("second@example.com", 0)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "create", "--email", "bad", "--password", "long enough"], "valid e-mail"),
        (["user", "create", "--email", "a@example.com", "--password", "short"], "at least 8"),
        (
            ["site", "create", "--domain", "example.com", "--owner", "nobody@example.com"],
            "No user nobody@example.com",
        ),
    ],
)
def test_errors_are_clear(cli: CliRunner, args: list[str], message: str) -> None:
    result = cli.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_demo_fills_a_site_with_realistic_traffic(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["demo", "--events", "4000", "--days", "4", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Sign in as demo@footfall.dev" in result.output
    with duckdb.connect(str(tmp_path / "events.duckdb"), read_only=True) as con:
        events, visitors, pages, countries = con.execute(
            "SELECT count(*), count(DISTINCT visitor_id), count(DISTINCT pathname), "
            "count(DISTINCT country) FROM events"
        ).fetchone()  # type: ignore[misc]
        names = {r[0] for r in con.execute("SELECT DISTINCT name FROM events").fetchall()}
        bounce, sources = con.execute(
            "SELECT avg(CAST(is_bounce AS INTEGER)), count(DISTINCT referrer_source) FROM sessions"
        ).fetchone()  # type: ignore[misc]
    assert 3000 <= events <= 5000
    assert visitors > 200
    assert pages > 15
    assert countries > 10
    assert {"pageview", "engagement"} <= names
    assert 0.3 < bounce < 0.7
    assert sources > 8
    # Same seed, same data: a second run replaces the site's data with identical traffic.
    again = cli.invoke(app, ["demo", "--events", "4000", "--days", "4", "--seed", "3"])
    assert again.exit_code == 0
    assert "Sign in as" not in again.output  # the owner already exists
