from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from footfall.store.duckdb_store import ROLLUP_VERSION, DuckDBEventStore
from footfall.store.records import EventRecord, SessionChange, SessionRecord

T0 = datetime(2025, 6, 10, 8, 0, 0, 123456, tzinfo=UTC)


def session(version: int, pageviews: int, **fields: object) -> SessionChange:
    return SessionChange(
        None,
        SessionRecord(
            site_id=1,
            session_id=9,
            visitor_id=5,
            start=T0,
            end=T0 + timedelta(seconds=42),
            pageviews=pageviews,
            version=version,
            **fields,  # type: ignore[arg-type]
        ),
    )


def test_round_trip_of_every_column_kind(tmp_path: Path) -> None:
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    event = EventRecord(
        site_id=1,
        ts=T0,
        name="Purchase",
        visitor_id=2**64 - 1,
        session_id=9,
        props_keys=["plan", "ü"],
        props_values=["pro", "ß"],
        revenue_amount=Decimal("19.9900"),
        revenue_currency="EUR",
        scroll_depth=55,
        engaged_ms=1234,
        interactive=False,
        element_text="<img src=x onerror=alert(1)>",
    )
    store.write([event], [session(1, 1)])
    row = store.query(
        "SELECT ts, visitor_id, props_keys, props_values, revenue_amount, scroll_depth, "
        "engaged_ms, interactive, element_text FROM events"
    )[0]
    assert row == (
        T0.replace(tzinfo=None),
        2**64 - 1,
        ["plan", "ü"],
        ["pro", "ß"],
        Decimal("19.9900"),
        55,
        1234,
        False,
        "<img src=x onerror=alert(1)>",
    )
    assert store.query("SELECT duration_s, is_bounce, pageviews FROM sessions") == [(42, True, 1)]
    store.close()


def test_sessions_upsert_and_ignore_stale_versions(tmp_path: Path) -> None:
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    store.write([], [session(1, 1)])
    store.write([], [session(3, 3, exit_page="/c")])
    store.write([], [session(2, 2, exit_page="/b")])  # late, older: must not win
    assert store.query("SELECT count(*), max(pageviews), max(exit_page) FROM sessions") == [
        (1, 3, "/c")
    ]
    store.close()


def test_data_survives_reopening_and_delete_site(tmp_path: Path) -> None:
    path = tmp_path / "e.duckdb"
    store = DuckDBEventStore(path)
    store.write(
        [
            EventRecord(site_id=1, ts=T0, name="pageview"),
            EventRecord(site_id=2, ts=T0, name="pageview"),
        ],
        [],
    )
    store.close()
    reopened = DuckDBEventStore(path)
    assert reopened.query("SELECT count(*) FROM events") == [(2,)]
    reopened.delete_site(1)
    assert reopened.query("SELECT site_id FROM events") == [(2,)]
    reopened.close()


def test_concurrent_readers(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store = DuckDBEventStore(tmp_path / "e.duckdb")
    store.write([EventRecord(site_id=1, ts=T0, name="pageview") for _ in range(100)], [])
    with ThreadPoolExecutor(8) as pool:
        counts = list(
            pool.map(lambda _: store.query("SELECT count(*) FROM events")[0][0], range(64))
        )
    assert counts == [100] * 64
    store.close()


def test_rollups_of_an_older_format_are_dropped_on_open(tmp_path: Path) -> None:
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    store.apply(
        [
            ("INSERT INTO rollup_days VALUES (1, DATE '2025-03-01', 'UTC', 0, now())", {}),
            ("INSERT INTO rollup_scroll VALUES (1, DATE '2025-03-01', '', '', 3, 0, 4, 200)", {}),
        ]
    )
    store.close()
    # Reopening with the same format keeps them...
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    assert store.query("SELECT count(*) FROM rollup_days") == [(1,)]
    store.apply([("UPDATE store_meta SET value = '1' WHERE key = 'rollup_version'", {})])
    store.close()
    # ...an older format is rebuilt from scratch (the builder fills every day again).
    store = DuckDBEventStore(tmp_path / "e.duckdb")
    assert store.query("SELECT count(*) FROM rollup_days") == [(0,)]
    assert store.query("SELECT count(*) FROM rollup_scroll") == [(0,)]
    assert store.query("SELECT value FROM store_meta WHERE key = 'rollup_version'") == [
        (str(ROLLUP_VERSION),)
    ]
    store.close()
