"""The rows the pipeline produces: one event record per event, one session record per visit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import msgspec


class EventRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One enriched, sessionized event, ready for the event store (encoded without its
    default fields: most are empty, and the spool encodes every accepted event)."""

    site_id: int
    ts: datetime
    name: str
    event_id: int = 0
    hostname: str = ""
    pathname: str = "/"
    url: str = ""
    referrer: str = ""
    referrer_source: str = ""
    channel: str = "Direct"
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    utm_term: str = ""
    visitor_id: int = 0
    session_id: int = 0
    entry_page: str = ""
    country: str = ""
    region: str = ""
    city: str = ""
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    device: str = ""
    screen: str = ""
    props_keys: list[str] = msgspec.field(default_factory=list)
    props_values: list[str] = msgspec.field(default_factory=list)
    revenue_amount: Decimal | None = None
    revenue_currency: str = ""
    scroll_depth: int | None = None
    engaged_ms: int = 0
    element_tag: str = ""
    element_text: str = ""
    element_selector: str = ""
    element_href: str = ""
    order_id: str = ""
    interactive: bool = True
    protocol: str = "footfall"


class SessionRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The current state of one visit; rewritten in the store whenever it changes."""

    site_id: int
    session_id: int
    visitor_id: int
    start: datetime
    end: datetime
    pageviews: int = 0
    events: int = 0
    interactive_events: int = 0
    entry_page: str = ""
    exit_page: str = ""
    hostname: str = ""
    referrer: str = ""
    referrer_source: str = ""
    channel: str = "Direct"
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    utm_term: str = ""
    country: str = ""
    region: str = ""
    city: str = ""
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    device: str = ""
    screen: str = ""
    version: int = 1

    @property
    def duration_s(self) -> int:
        """Whole seconds between the first and the last event of the visit."""
        return int((self.end - self.start).total_seconds())

    @property
    def is_bounce(self) -> bool:
        """A visit bounces when it saw at most one page and no interaction beyond it."""
        return self.pageviews + self.interactive_events <= 1


class SessionChange(msgspec.Struct, frozen=True):
    """A visit's new state and the state last written to the store (None if never written).

    Upserting stores use only `current`; collapsing stores (ClickHouse) cancel `previous`.
    """

    previous: SessionRecord | None
    current: SessionRecord


# Visit-level attributes stamped on every event of a session (exit page excepted: it changes).
VISIT_ATTRIBUTES: tuple[str, ...] = (
    "referrer",
    "referrer_source",
    "channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "entry_page",
    "country",
    "region",
    "city",
    "browser",
    "browser_version",
    "os",
    "os_version",
    "device",
    "screen",
)
