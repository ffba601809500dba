"""The ingest pipeline: validated event → enrichment steps → visitor id → visit → buffer.

Each enrichment step is a small function that fills in part of the event or says why the event
must be dropped. The order is fixed in ENRICHMENT_STEPS; nothing reaches back.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from redis.exceptions import RedisError

from footfall.enrich.bots import is_bot
from footfall.enrich.channel import channel_for
from footfall.enrich.datacenters import AddressRanges
from footfall.enrich.geo import GeoLocator
from footfall.enrich.referrer import classify_referrer, is_spam_referrer, source_from_utm
from footfall.enrich.urls import PageUrl, parse_page_url
from footfall.enrich.user_agent import parse_user_agent, screen_class
from footfall.identity.salts import SaltSource
from footfall.identity.sessions import Sessionizer
from footfall.identity.shared_sessions import SharedSessions
from footfall.identity.visitor_hash import visitor_hash
from footfall.ingest.payload import IncomingEvent
from footfall.sites.registry import SiteInfo, SiteRegistry
from footfall.store.records import EventRecord, SessionRecord

log = logging.getLogger("footfall.ingest")


class EventSink(Protocol):
    """Where processed events go (the buffer)."""

    def add(self, event: EventRecord) -> None:
        """Take one event."""
        ...


@dataclass(frozen=True, slots=True)
class Client:
    """Who sent the request: used for enrichment and hashing, never stored."""

    ip: str
    user_agent: str
    now: datetime


@dataclass(slots=True)
class Draft:
    """An event on its way through the enrichment steps."""

    incoming: IncomingEvent
    client: Client
    site: SiteInfo
    record: EventRecord
    page: PageUrl | None = None
    source_category: str = ""


@dataclass(frozen=True, slots=True)
class Enrichers:
    """The lookups enrichment steps may use."""

    geo: GeoLocator
    datacenters: AddressRanges | None = None  # None: datacenter traffic is kept


Step = Callable[[Draft, Enrichers], str | None]


def reject_bots(draft: Draft, _: Enrichers) -> str | None:
    """Drop crawlers, monitors and headless browsers."""
    return "bot" if is_bot(draft.client.user_agent) else None


def reject_datacenters(draft: Draft, enrichers: Enrichers) -> str | None:
    """Drop traffic from cloud and hosting networks (servers, not visitors)."""
    ranges = enrichers.datacenters
    return "datacenter" if ranges is not None and ranges.contains(draft.client.ip) else None


def read_page_url(draft: Draft, _: Enrichers) -> str | None:
    """Hostname, path, UTM tags of the page."""
    page = parse_page_url(draft.incoming.url, hash_mode=draft.incoming.hash_mode)
    if page is None:
        return "invalid_url"
    draft.page = page
    record = draft.record
    record.hostname, record.pathname, record.url = page.hostname, page.pathname, page.url
    record.utm_source, record.utm_medium = page.utm_source, page.utm_medium
    record.utm_campaign, record.utm_content = page.utm_campaign, page.utm_content
    record.utm_term = page.utm_term
    return None


def reject_spam_referrers(draft: Draft, _: Enrichers) -> str | None:
    """Drop known referrer spam."""
    referrer = draft.incoming.referrer
    if not referrer:
        return None
    host = referrer.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return "spam_referrer" if is_spam_referrer(host) else None


def read_user_agent(draft: Draft, _: Enrichers) -> str | None:
    """Browser, OS, device class and screen size."""
    info = parse_user_agent(draft.client.user_agent)
    record = draft.record
    record.browser, record.browser_version = info.browser, info.browser_version
    record.os, record.os_version, record.device = info.os, info.os_version, info.device
    record.screen = screen_class(draft.incoming.screen_width)
    return None


def locate(draft: Draft, enrichers: Enrichers) -> str | None:
    """Country (and region and city with a city database) from the IP address."""
    place = enrichers.geo.locate(draft.client.ip)
    draft.record.country, draft.record.region, draft.record.city = (
        place.country,
        place.region,
        place.city,
    )
    return None


def classify_source(draft: Draft, _: Enrichers) -> str | None:
    """Referrer and source: UTM source first, then a ?ref= tag, then the referrer's site."""
    page = draft.page
    own_host = page.hostname if page else ""
    info = classify_referrer(draft.incoming.referrer or None, own_host)
    record = draft.record
    record.referrer = info.referrer
    source, category = info.source, info.category
    tag = (page.utm_source or page.ref) if page else ""
    if tag:
        source, category = source_from_utm(tag)
    record.referrer_source = source
    draft.source_category = category
    return None


def assign_channel(draft: Draft, _: Enrichers) -> str | None:
    """Marketing channel (Organic Search, Paid Social, Email, ...)."""
    record = draft.record
    record.channel = channel_for(
        source=record.referrer_source,
        category=draft.source_category,
        utm_medium=record.utm_medium,
        utm_source=record.utm_source,
        utm_campaign=record.utm_campaign,
        paid_click_id=bool(draft.page and draft.page.paid_click),
    )
    return None


ENRICHMENT_STEPS: tuple[tuple[str, Step], ...] = (
    ("bot filter", reject_bots),
    ("datacenter filter", reject_datacenters),
    ("page url", read_page_url),
    ("spam referrer filter", reject_spam_referrers),
    ("user agent", read_user_agent),
    ("geolocation", locate),
    ("source", classify_source),
    ("channel", assign_channel),
)


class RecentIds:
    """Remembers the stored ids of recent client-identified events, so a resent event is
    counted once. Seeded at start-up from the store and the spool (Runtime), so a client that
    resends after a crash or a restart is recognized too."""

    def __init__(self, capacity: int = 200_000) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[tuple[int, int], None] = OrderedDict()

    def seen_before(self, site_id: int, event_id: int) -> bool:
        """True when this id came before; otherwise remember it."""
        key = (site_id, event_id)
        if key in self._seen:
            self._seen.move_to_end(key)
            return True
        self._seen[key] = None
        if len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return False

    def remember(self, keys: Iterable[tuple[int, int]]) -> None:
        """(site, event id) pairs already stored or spooled, oldest first."""
        seen = self._seen
        for key in keys:
            seen[key] = None
            seen.move_to_end(key)
        while len(seen) > self.capacity:
            seen.popitem(last=False)

    def forget(self, site_id: int, event_id: int) -> None:
        """The event was refused after all: a resend is new."""
        self._seen.pop((site_id, event_id), None)

    def __len__(self) -> int:
        return len(self._seen)


@dataclass(slots=True)
class Outcome:
    """What happened to the events of one request."""

    accepted: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    records: list[EventRecord] = field(default_factory=list)


class IngestPipeline:
    """Turns validated events into stored, sessionized records."""

    def __init__(
        self,
        *,
        sites: SiteRegistry,
        enrichers: Enrichers,
        salts: SaltSource,
        sessionizer: Sessionizer,
        sink: EventSink,
        protocol: str = "footfall",
        shared: SharedSessions | None = None,
    ) -> None:
        self.sites = sites
        self.enrichers = enrichers
        self.salts = salts
        self.sessionizer = sessionizer
        self.sink = sink
        self.protocol = protocol
        self.recent_ids = RecentIds()
        # With a write-ahead spool, records reach the sink (and listeners) only once they are
        # on disk: the caller spools `outcome.records`, then calls `commit` (or `withdraw`).
        self.hold = False
        self.listeners: list[Callable[[EventRecord], None]] = []
        self.steps = ENRICHMENT_STEPS
        self._memo: tuple[Client, int, int, bytes | None] | None = None
        self.shared = shared

    async def process_request(
        self, events: list[IncomingEvent], client: Client, outcome: Outcome
    ) -> None:
        """Process one request's events; with shared visits, under the visitors' locks."""
        shared = self.shared
        keys = self._visitor_keys(events, client) if shared is not None else set()
        if shared is None or not keys:
            for event in events:
                self.process(event, client, outcome)
            return
        processed = False
        try:
            token = await shared.lock(keys)
            try:
                for (site_id, visitor_id), state in (await shared.load(keys)).items():
                    self.sessionizer.adopt(site_id, visitor_id, state)
                for event in events:
                    self.process(event, client, outcome)
                processed = True
                states = {k: s for k in keys if (s := self.sessionizer.state(*k)) is not None}
                await shared.save(states)
            finally:
                await shared.unlock(keys, token)
        except (OSError, RedisError) as exc:
            log.warning("shared visit store unavailable (%s): using this process's view", exc)
            if not processed:
                for event in events:
                    self.process(event, client, outcome)

    def _visitor_keys(self, events: list[IncomingEvent], client: Client) -> set[tuple[int, int]]:
        """(site, visitor) pairs this request may touch, today's id and yesterday's."""
        if is_bot(client.user_agent):
            return set()
        keys: set[tuple[int, int]] = set()
        for event in events:
            for site in self.sites.resolve(event.domain):
                visitor, previous_salt = self._identity(client, site)
                keys.add((site.id, visitor))
                if previous_salt is not None:
                    keys.add(
                        (
                            site.id,
                            visitor_hash(previous_salt, site.id, client.ip, client.user_agent),
                        )
                    )
        return keys

    def process(self, incoming: IncomingEvent, client: Client, outcome: Outcome) -> None:
        """Run one event through the pipeline for every site its domain names."""
        targets = self.sites.resolve(incoming.domain)
        if not targets:
            outcome.dropped["unknown_site"] += 1
            return
        for site in targets:
            result = self._process_for_site(incoming, client, site)
            if isinstance(result, str):
                outcome.dropped[result] += 1
            else:
                outcome.accepted += 1
                outcome.records.append(result)

    def _identity(self, client: Client, site: SiteInfo) -> tuple[int, bytes | None]:
        """Today's visitor id and yesterday's salt, computed once per request and site (the
        events of a batch share their client)."""
        memo = self._memo
        if memo is not None and memo[0] is client and memo[1] == site.id:
            return memo[2], memo[3]
        current_salt, previous_salt = self.salts.salts_at(client.now, site.timezone)
        visitor = visitor_hash(current_salt, site.id, client.ip, client.user_agent)
        self._memo = (client, site.id, visitor, previous_salt)
        return visitor, previous_salt

    def _process_for_site(
        self, incoming: IncomingEvent, client: Client, site: SiteInfo
    ) -> EventRecord | str:
        """The stored record, or why the event was dropped."""
        event_id = _event_id(site.id, incoming.event_id)
        if incoming.event_id and self.recent_ids.seen_before(site.id, event_id):
            return "duplicate"
        record = _new_record(incoming, client, site, self.protocol, event_id)
        draft = Draft(incoming=incoming, client=client, site=site, record=record)
        for _name, step in self.steps:
            reason = step(draft, self.enrichers)
            if reason is not None:
                return reason
        record.visitor_id, previous_salt = self._identity(client, site)
        previous_id = None
        if previous_salt is not None and not self.sessionizer.is_live(
            site.id, record.visitor_id, record.ts
        ):
            # Maybe a visit that began before midnight, under yesterday's salt.
            previous_id = visitor_hash(previous_salt, site.id, client.ip, client.user_agent)
        if not self.sessionizer.assign(record, previous_id):
            return "no_session"
        if not self.hold:
            self._deliver(record)
        return record

    def _deliver(self, record: EventRecord) -> None:
        self.sink.add(record)
        for listener in self.listeners:
            listener(record)

    def commit(self, outcome: Outcome) -> None:
        """The request's records are safe (spooled): hand them to the buffer."""
        if self.hold:
            for record in outcome.records:
                self._deliver(record)

    def withdraw(self, outcome: Outcome) -> None:
        """The request was refused after processing (its records could not be spooled): they
        are not stored, and resending them must not count as a duplicate. The visits they
        touched keep their progress (a visit's counters may run ahead of its stored events)."""
        for record in outcome.records:
            self.recent_ids.forget(record.site_id, record.event_id)

    def visits_of(self, records: list[EventRecord]) -> list[SessionRecord]:
        """The visits these records belong to, as they are now (for the spool)."""
        seen: dict[tuple[int, int], SessionRecord] = {}
        for record in records:
            key = (record.site_id, record.visitor_id)
            if key not in seen:
                state = self.sessionizer.state(*key)
                if state is not None and state.session_id == record.session_id:
                    seen[key] = state
        return list(seen.values())


def _new_record(
    incoming: IncomingEvent, client: Client, site: SiteInfo, protocol: str, event_id: int
) -> EventRecord:
    # Only non-default fields go through the constructor: keyword handling is the cost.
    record = EventRecord(
        site_id=site.id,
        ts=client.now,
        name=incoming.name,
        event_id=event_id,
        props_keys=list(incoming.props),
        props_values=list(incoming.props.values()),
        scroll_depth=incoming.scroll_depth,
        engaged_ms=incoming.engaged_ms,
        interactive=incoming.interactive,
        protocol=protocol,
    )
    element = incoming.element
    if element is not None:
        record.element_tag, record.element_text = element.tag, element.text
        record.element_selector, record.element_href = element.selector, element.href
    revenue = incoming.revenue
    if revenue is not None:
        record.revenue_amount, record.revenue_currency = revenue.amount, revenue.currency
        record.order_id = incoming.props.get("order_id", "")
    return record


_random_ids = random.Random(int.from_bytes(os.urandom(16), "big"))


def _event_id(site_id: int, client_id: str) -> int:
    """Stable id for client-identified events (so a replay is recognizable), random otherwise."""
    if not client_id:
        # Unique, not secret: a seeded fast PRNG avoids a system call per event.
        return _random_ids.getrandbits(63) or 1
    digest = hashlib.blake2b(f"{site_id}\x00{client_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") or 1
