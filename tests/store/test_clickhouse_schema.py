"""ClickHouse schema migrations: tables made by an older Footfall gain the columns added since."""

from __future__ import annotations

from clickhouse_driver import Client

from footfall.store.clickhouse_store import ClickHouseEventStore, add_column_statements
from footfall.store.schema import EVENT_COLUMNS, SESSION_COLUMNS, Column
from tests.conftest import ScaleOut


def test_statements_add_only_missing_columns_in_schema_order() -> None:
    columns = [Column("a", "INTEGER", "UInt8"), Column("b", "VARCHAR", "String")]
    columns.append(Column("c", "VARCHAR", "Array(String)"))
    assert add_column_statements("t", ["a", "b", "c"], columns) == []
    assert add_column_statements("t", ["b"], columns) == [
        "ALTER TABLE t ADD COLUMN `a` UInt8",
        "ALTER TABLE t ADD COLUMN `c` Array(String) AFTER `b`",
    ]


def test_opening_an_old_schema_adds_the_missing_columns(scaleout: ScaleOut) -> None:
    _, url = scaleout.databases()
    store = ClickHouseEventStore(url)
    database = store.database
    store.close()
    admin = Client(host="127.0.0.1", port=scaleout.clickhouse.tcp_port, database=database)
    # An "older" schema: two columns of today's tables did not exist yet; one row was written.
    admin.execute("ALTER TABLE events DROP COLUMN engaged_ms")
    admin.execute("ALTER TABLE sessions DROP COLUMN interactive_events")
    admin.execute("INSERT INTO events (site_id, event_id, name) VALUES", [(7, 1, "pageview")])

    ClickHouseEventStore(url).close()

    def columns(table: str) -> list[str]:
        rows = admin.execute(
            "SELECT name FROM system.columns WHERE database = %(d)s AND table = %(t)s",
            {"d": database, "t": table},
        )
        return [row[0] for row in rows]

    assert columns("events") == [c.name for c in EVENT_COLUMNS]
    assert columns("sessions") == [c.name for c in SESSION_COLUMNS] + ["sign"]
    assert admin.execute("SELECT engaged_ms FROM events WHERE site_id = 7") == [(0,)]
    admin.disconnect()
