"""What every event store offers the pipeline and the query engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from footfall.store.records import EventRecord, SessionChange, SessionRecord


class StoreUnavailable(Exception):
    """The event store cannot be reached (or cannot write): retry later, the data is fine."""


class RejectedRecords(Exception):
    """The store refused a batch for its content (a value it cannot take): retrying the same
    records fails again, so the writer isolates them. Any other failure means "retry"."""


class EventStore(Protocol):
    """A columnar store of events and sessions; all methods block (run them in threads)."""

    dialect: str
    # True when updates are written as cancel-and-replace rows and need the previous state.
    collapsing: bool

    def write(self, events: Sequence[EventRecord], sessions: Sequence[SessionChange]) -> None:
        """Append events and store the new state of changed visits."""
        ...

    def replay(self, events: Sequence[EventRecord], sessions: Sequence[SessionRecord]) -> None:
        """Write spooled records again: events the store already has are skipped, and a visit
        never goes back to an older version (idempotent, so a replay never double-counts)."""
        ...

    def live_sessions(self, since: datetime) -> list[SessionRecord]:
        """The stored visits whose last event is at or after `since` (to resume them)."""
        ...

    def recent_event_ids(self, since: datetime, limit: int) -> list[tuple[int, int]]:
        """(site id, event id) of the latest `limit` events at or after `since`, oldest first
        (to recognize a resent event after a restart)."""
        ...

    def query(
        self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Run a read-only query and return all rows."""
        ...

    def apply(self, statements: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Run write statements in one transaction (rollup maintenance)."""
        ...

    def touched(self, site_id: int) -> datetime | None:
        """The earliest instant written for a site since rollups were reconciled."""
        ...

    def clear_touched(self, site_id: int, seen: datetime) -> None:
        """Forget the marker unless a write moved it earlier since `seen` was read."""
        ...

    def last_activity(self, site_id: int) -> datetime | None:
        """When the site's most recent visit last saw an event (UTC), or None."""
        ...

    def delete_site(self, site_id: int) -> None:
        """Remove all data of one site."""
        ...

    def close(self) -> None:
        """Flush internal state and release resources."""
        ...
