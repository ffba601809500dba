"""The ingest pipeline on its own: enrichment steps, identity and visits, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from footfall.enrich.geo import GeoLocator
from footfall.identity.salts import DerivedSalts
from footfall.identity.sessions import Sessionizer
from footfall.ingest.payload import IncomingEvent
from footfall.ingest.pipeline import ENRICHMENT_STEPS, Client, Enrichers, IngestPipeline, Outcome
from footfall.sites.registry import SiteInfo, SiteRegistry
from footfall.store.records import EventRecord
from tests.conftest import CHROME_WINDOWS, GOOGLEBOT, IP_DE


class Sink:
    def __init__(self) -> None:
        self.events: list[EventRecord] = []

    def add(self, event: EventRecord) -> None:
        self.events.append(event)


def pipeline(timezone: str) -> tuple[IngestPipeline, Sink]:
    sites = SiteRegistry()
    sites.put(SiteInfo(1, "example.com", timezone))
    sink = Sink()
    return IngestPipeline(
        sites=sites,
        enrichers=Enrichers(geo=GeoLocator()),
        salts=DerivedSalts(1),
        sessionizer=Sessionizer(),
        sink=sink,
    ), sink


def pageview(path: str = "/", **fields: object) -> IncomingEvent:
    return IncomingEvent(
        name="pageview", url=f"https://www.example.com{path}", domain="example.com", **fields
    )  # type: ignore[arg-type]


def send(
    p: IngestPipeline, event: IncomingEvent, at: datetime, ua: str = CHROME_WINDOWS
) -> Outcome:
    outcome = Outcome()
    p.process(event, Client(ip=IP_DE, user_agent=ua, now=at), outcome)
    return outcome


def test_steps_are_named_and_ordered() -> None:
    assert [name for name, _ in ENRICHMENT_STEPS] == [
        "bot filter",
        "datacenter filter",
        "page url",
        "spam referrer filter",
        "user agent",
        "geolocation",
        "source",
        "channel",
    ]


def test_enrichment_fills_every_attribute() -> None:
    p, sink = pipeline("UTC")
    send(
        p,
        pageview(
            "/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=june",
            referrer="https://www.google.com/search?q=x",
            screen_width=1440,
        ),
        datetime(2025, 6, 10, 8, tzinfo=UTC),
    )
    [event] = sink.events
    assert (event.hostname, event.pathname, event.url) == (
        "example.com",
        "/pricing",
        "example.com/pricing",
    )
    assert (event.utm_source, event.utm_medium, event.utm_campaign) == (
        "newsletter",
        "email",
        "june",
    )
    assert (event.referrer, event.referrer_source, event.channel) == (
        "google.com/search",
        "newsletter",
        "Email",
    )
    assert (event.browser, event.os, event.device, event.screen) == (
        "Chrome",
        "Windows",
        "desktop",
        "Desktop",
    )
    assert event.country == "DE"
    assert event.visitor_id
    assert event.session_id
    assert event.entry_page == "/pricing"


def test_drop_reasons_are_counted() -> None:
    p, _ = pipeline("UTC")
    at = datetime(2025, 6, 10, 8, tzinfo=UTC)
    assert send(p, pageview(), at, ua=GOOGLEBOT).dropped == {"bot": 1}
    unknown = IncomingEvent(name="pageview", url="https://x.org/", domain="x.org")
    assert send(p, unknown, at).dropped == {"unknown_site": 1}
    assert send(p, pageview(referrer="https://semalt.com/"), at).dropped == {"spam_referrer": 1}
    assert send(p, pageview(event_id="a"), at).accepted == 1
    assert send(p, pageview(event_id="a"), at).dropped == {"duplicate": 1}


def test_visitor_ids_rotate_at_the_sites_local_midnight() -> None:
    # 21:00 and 23:00 UTC are the same UTC day, but 23:00 and 01:00 in Berlin (summer).
    evening, night = datetime(2025, 6, 10, 21, tzinfo=UTC), datetime(2025, 6, 10, 23, tzinfo=UTC)
    berlin, berlin_sink = pipeline("Europe/Berlin")
    send(berlin, pageview(), evening)
    send(berlin, pageview(), night)
    first, second = berlin_sink.events
    assert first.session_id != second.session_id
    assert first.visitor_id != second.visitor_id  # a new local day: unlinkable

    utc, utc_sink = pipeline("UTC")
    send(utc, pageview(), evening)
    send(utc, pageview(), night)
    first, second = utc_sink.events
    assert first.session_id != second.session_id
    assert first.visitor_id == second.visitor_id  # same day, same visitor, two visits


def test_a_visit_across_local_midnight_keeps_its_visitor() -> None:
    p, sink = pipeline("Europe/Berlin")
    before = datetime(2025, 6, 10, 21, 55, tzinfo=UTC)  # 23:55 local
    send(p, pageview("/a"), before)
    send(p, pageview("/b"), before + timedelta(minutes=10))  # 00:05 local, next day
    first, second = sink.events
    assert second.session_id == first.session_id
    assert second.visitor_id == first.visitor_id
    assert second.entry_page == "/a"
