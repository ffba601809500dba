"""Realistic wire bodies from the demo traffic model, for load tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from footfall.demo.traffic import SimulatedEvent, TrafficModel, country_ip_pool


def wire_body(simulated: SimulatedEvent) -> dict[str, Any]:
    """The short-key JSON object a tracker would send for this event."""
    event = simulated.event
    body: dict[str, Any] = {"n": event.name, "u": event.url, "d": event.domain}
    if event.referrer:
        body["r"] = event.referrer
    if event.screen_width:
        body["w"] = event.screen_width
    if event.props:
        body["p"] = event.props
    if event.revenue:
        body["$"] = {"amount": str(event.revenue.amount), "currency": event.revenue.currency}
    if not event.interactive:
        body["i"] = False
    if event.scroll_depth is not None:
        body["sd"] = event.scroll_depth
    if event.engaged_ms:
        body["e"] = event.engaged_ms
    if event.element:
        element = event.element
        body["el"] = {"t": element.tag, "x": element.text, "s": element.selector, "h": element.href}
    return body


def simulated_events(domain: str, count: int, seed: int = 5) -> list[SimulatedEvent]:
    """About `count` events of realistic traffic, in time order."""
    model = TrafficModel(seed=seed, domain=domain, timezone="UTC", ip_pool=country_ip_pool(seed))
    today = datetime.now(UTC).date()
    events: list[SimulatedEvent] = []
    day = today
    while len(events) < count:
        events.extend(model.day(day, visits=max(1, count // 5)))
        day -= timedelta(days=1)
    return events[:count]
