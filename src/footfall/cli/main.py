"""The `footfall` command: serve, migrate, manage users and sites, demo data, benchmarks."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from footfall.settings import Settings

app = typer.Typer(help="Footfall: privacy-first, real-time web analytics.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
site_app = typer.Typer(help="Manage tracked sites.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(site_app, name="site")
console = Console()
T = TypeVar("T")


def _run(make: Callable[[], Awaitable[T]]) -> T:
    from footfall.cli.tasks import CommandFailed

    async def runner() -> T:
        return await make()

    try:
        return asyncio.run(runner())
    except CommandFailed as exc:
        console.print(f"[red]Error:[/red] {exc}")
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="App processes sharing the port (scale-out profile only)")
    ] = 1,
    fd: Annotated[int | None, typer.Option(hidden=True, help="Serve on this socket")] = None,
) -> None:
    """Run the Footfall server (embedded storage by default)."""
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    # The driver logs a full traceback for every failed reconnect while ClickHouse is down;
    # Footfall reports the outage itself (spool, 503s), once per state change.
    logging.getLogger("clickhouse_driver.connection").setLevel(logging.CRITICAL)
    if workers > 1:
        raise typer.Exit(_supervise(settings, workers))
    if fd is None:
        console.print(
            f"Footfall on [bold]{settings.public_url}[/bold]  (data in {settings.data_dir})"
        )
    _serve_one(settings, fd)


def _serve_one(settings: Settings, fd: int | None) -> None:
    import uvicorn

    from footfall.api.http_protocol import deadline_protocol
    from footfall.app import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        fd=fd,
        loop="uvloop",
        # httptools, with a deadline for each request to arrive (slow clients get a 408).
        http=deadline_protocol(settings.client_timeout_s),
        # Access logs would write visitor IP addresses to disk; Footfall never stores them.
        access_log=False,
        log_level=settings.log_level,
        timeout_graceful_shutdown=20,
        server_header=False,
    )


def _supervise(settings: Settings, workers: int) -> int:
    from footfall.cli.workers import Supervisor, listening_socket, workers_problem
    from footfall.db.migrate import upgrade_to_head
    from footfall.runtime import open_event_store

    problem = workers_problem(settings, workers)
    if problem:
        console.print(f"[red]Error:[/red] {problem}")
        return 2
    # Migrate once here, so the workers start on an up-to-date schema instead of racing.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.metadata_url)
    open_event_store(settings).close()
    sock = listening_socket(settings.host, settings.port)
    console.print(
        f"Footfall on [bold]{settings.public_url}[/bold] with {workers} workers "
        f"(data in {settings.data_dir})"
    )
    return Supervisor(workers, sock).run()


@app.command()
def migrate(
    database_url: Annotated[
        str | None, typer.Option(help="Metadata database URL (default: from settings)")
    ] = None,
) -> None:
    """Bring the metadata database schema up to date."""
    from footfall.db.migrate import upgrade_to_head

    settings = Settings()
    if database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(database_url or settings.metadata_url)
    console.print("Database is up to date.")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="E-mail address (the login)")],
    password: Annotated[
        str | None, typer.Option(help="Password (prompted for when left out)")
    ] = None,
    name: Annotated[str, typer.Option(help="Display name")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an instance admin")] = False,
) -> None:
    """Create a user account."""
    from footfall.cli.tasks import create_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user_id = _run(lambda: create_user(Settings(), email, password or "", name, admin))
    console.print(f"Created user {user_id} <{email}>{' (admin)' if admin else ''}.")


@site_app.command("create")
def site_create(
    domain: Annotated[str, typer.Option(help="Domain of the site, e.g. example.com")],
    owner: Annotated[str, typer.Option(help="E-mail of the owning user")],
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    timezone: Annotated[str, typer.Option(help="IANA timezone for reports")] = "UTC",
) -> None:
    """Create a site owned by an existing user and print its snippet."""
    from footfall.cli.tasks import create_site

    site_id, snippet = _run(lambda: create_site(Settings(), domain, owner, name, timezone))
    console.print(f"Created site {site_id}. Paste this into your pages:")
    console.print(snippet, markup=False, highlight=False, soft_wrap=True)


@app.command()
def demo(
    events: Annotated[int, typer.Option(help="About how many events to generate")] = 200_000,
    days: Annotated[int, typer.Option(help="Days of history, ending today")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data)")] = 42,
    domain: Annotated[str, typer.Option(help="Domain of the demo site")] = "demo.footfall.dev",
    owner: Annotated[str, typer.Option(help="E-mail of the demo site's owner")] = (
        "demo@footfall.dev"
    ),
    timezone: Annotated[str, typer.Option(help="Timezone of the demo site")] = "Europe/Berlin",
    replace: Annotated[
        bool, typer.Option(help="Delete the demo site's existing data first")
    ] = True,
) -> None:
    """Fill a demo site with realistic generated traffic."""
    from footfall.cli.tasks import fill_demo

    password = secrets.token_urlsafe(9)
    result = _run(
        lambda: fill_demo(
            Settings(),
            events=events,
            days=days,
            seed=seed,
            domain=domain,
            owner=owner,
            timezone=timezone,
            replace=replace,
            new_password=password,
            console=console,
        )
    )
    rate = result.events / max(result.seconds, 1e-9)
    console.print(
        f"Demo site {result.site_id} ({domain}): {result.events:,} events in "
        f"{result.sessions:,} visits, {result.seconds:.1f}s ({rate:,.0f} events/s)."
    )
    if result.created_owner:
        console.print(f"Sign in as [bold]{owner}[/bold] with password [bold]{password}[/bold]")


bench_app = typer.Typer(help="Benchmarks (print figures and ratios).", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("ingest")
def bench_ingest(
    url: Annotated[
        str | None, typer.Option(help="Server to load (default: start one in a temp dir)")
    ] = None,
    seconds: Annotated[float, typer.Option(help="Length of each load phase")] = 10.0,
    connections: Annotated[int, typer.Option(help="Concurrent keep-alive connections")] = 64,
    durable: Annotated[
        bool,
        typer.Option(
            "--durable", help="Batches of 10 with the write-ahead spool on and off, and the ratio"
        ),
    ] = False,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds of on/off phases (--durable)")] = 3,
) -> None:
    """HTTP ingest load on loopback: single events and batches of 10 (or the spool's cost)."""
    from bench.ingest import main as run

    run(url=url, seconds=seconds, connections=connections, durable=durable, rounds=rounds)


@bench_app.command("query")
def bench_query(
    events: Annotated[int, typer.Option(help="Events in the generated data set")] = 10_000_000,
    days: Annotated[int, typer.Option(help="Days the data spans")] = 30,
    rounds: Annotated[int, typer.Option(help="Times each dashboard query runs")] = 20,
    data_dir: Annotated[
        Path | None, typer.Option(help="Reuse/keep the generated data here")
    ] = None,
) -> None:
    """The ten dashboard queries on a large generated data set."""
    from bench.query import main as run

    run(events=events, days=days, rounds=rounds, data_dir=data_dir)


@bench_app.command("dashboard")
def bench_dashboard(
    events: Annotated[int, typer.Option(help="Events in the generated data set")] = 10_000_000,
    days: Annotated[int, typer.Option(help="Days the data spans")] = 30,
    rounds: Annotated[int, typer.Option(help="Full page loads to time")] = 10,
    data_dir: Annotated[
        Path | None, typer.Option(help="Reuse/keep the generated data here")
    ] = None,
) -> None:
    """Time to a fully drawn site dashboard in Chromium, on a large generated data set."""
    from bench.dashboard import main as run

    run(events=events, days=days, rounds=rounds, data_dir=data_dir)


def main() -> None:
    """Entry point of the `footfall` console script."""
    app()
