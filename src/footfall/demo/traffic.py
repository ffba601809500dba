"""Seeded simulation of realistic visits: sources, landing pages, page paths, dwell times,
scroll depth, clicks, sign-ups and purchases, with daily and weekly rhythms.

Produces the same wire events a browser tracker would send, with the client address and user
agent the server would see, so generated data goes through the real ingest pipeline.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from footfall.demo import profile
from footfall.enrich.datacenters import is_datacenter
from footfall.enrich.geo import GeoLocator
from footfall.ingest.payload import Element, IncomingEvent, Revenue

T = TypeVar("T")
EVENTS_PER_VISIT = 5.4  # measured average of this model, used to size the number of visits


@dataclass(frozen=True, slots=True)
class SimulatedEvent:
    """An event as the server receives it: when, from which client, with which body."""

    ts: datetime
    ip: str
    user_agent: str
    event: IncomingEvent


class _Weighted(Generic[T]):
    """Fast repeated weighted choice over a fixed list."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> T:
        return self.items[_bisect(self.cumulative, rng.random() * self.total)]


def _bisect(values: list[float], target: float) -> int:
    low, high = 0, len(values) - 1
    while low < high:
        middle = (low + high) // 2
        if values[middle] < target:
            low = middle + 1
        else:
            high = middle
    return low


def country_ip_pool(
    seed: int, per_country: int = 24, max_tries: int = 3_000_000
) -> dict[str, list[str]]:
    """Public IPv4 addresses per demo country, found by sampling the offline geo database."""
    rng = random.Random(seed)
    locator = GeoLocator()
    wanted = {code for code, _ in profile.COUNTRIES}
    pool: dict[str, list[str]] = {code: [] for code in wanted}
    missing = set(wanted)
    for _ in range(max_tries):
        if not missing:
            break
        octets = (
            rng.randint(1, 223),
            rng.randint(0, 255),
            rng.randint(0, 255),
            rng.randint(1, 254),
        )
        ip = ".".join(map(str, octets))
        if is_datacenter(ip):  # the server drops those: real visitors come from elsewhere
            continue
        country = locator.locate(ip).country
        if country in missing:
            pool[country].append(ip)
            if len(pool[country]) >= per_country:
                missing.discard(country)
    return {code: ips for code, ips in pool.items() if ips}


class TrafficModel:
    """Generates a site's traffic day by day."""

    def __init__(
        self, *, seed: int, domain: str, timezone: str, ip_pool: dict[str, list[str]]
    ) -> None:
        self.seed = seed
        self.domain = domain
        self.zone = ZoneInfo(timezone)
        self.base = f"https://{domain}"
        self.ip_pool = ip_pool
        countries = [(c, w) for c, w in profile.COUNTRIES if c in ip_pool]
        self.countries: _Weighted[str] = _Weighted(
            [c for c, _ in countries], [w for _, w in countries]
        )
        self.sources: _Weighted[profile.Source] = _Weighted(
            profile.SOURCES, [s.weight for s in profile.SOURCES]
        )
        self.agents: _Weighted[tuple[str, float, tuple[int, ...]]] = _Weighted(
            profile.USER_AGENTS, [a[1] for a in profile.USER_AGENTS]
        )
        self.hours: _Weighted[int] = _Weighted(list(range(24)), profile.HOURLY)
        self.next_pages = {
            page: _Weighted([p for p, _ in choices], [w for _, w in choices])
            for page, choices in profile.NEXT_PAGES.items()
        }
        self.blog_next = _Weighted(
            [p for p, _ in profile.BLOG_NEXT], [w for _, w in profile.BLOG_NEXT]
        )
        self.docs_next = _Weighted(
            [p for p, _ in profile.DOCS_NEXT], [w for _, w in profile.DOCS_NEXT]
        )
        self.home_next = self.next_pages["/"]

    def visits_per_day(self, total_events: int, first: date, days: int) -> list[int]:
        """How many visits each day gets: weekly rhythm, slow growth, noise and one spike."""
        rng = random.Random(self.seed * 7 + 1)
        shape = []
        spike = days // 3 if days >= 7 else -1
        for index in range(days):
            day = first + timedelta(days=index)
            weight = profile.WEEKDAY[day.weekday()] * (1 + 0.012 * index) * rng.uniform(0.9, 1.1)
            if index == spike:
                weight *= 2.6  # launch day on Hacker News
            shape.append(weight)
        visits = total_events / EVENTS_PER_VISIT
        total = sum(shape)
        return [max(1, round(visits * w / total)) for w in shape]

    def day(self, day: date, visits: int, until: datetime | None = None) -> list[SimulatedEvent]:
        """All events of one local day, in time order (none after `until`)."""
        rng = random.Random(f"{self.seed}:{day.isoformat()}")
        events: list[SimulatedEvent] = []
        returning: list[tuple[str, str, int]] = []
        midnight = datetime.combine(day, time(0), tzinfo=self.zone)
        for _ in range(visits):
            if returning and rng.random() < 0.12:
                ip, agent, width = rng.choice(returning)
            else:
                ip, agent, width = self._visitor(rng)
                returning.append((ip, agent, width))
            local_start = midnight + timedelta(
                hours=self.hours.pick(rng), seconds=rng.randint(0, 3599)
            )
            events.extend(self._visit(rng, local_start.astimezone(UTC), ip, agent, width))
        events.sort(key=lambda e: e.ts)
        if until is not None:
            events = [e for e in events if e.ts <= until]
        return events

    def _visitor(self, rng: random.Random) -> tuple[str, str, int]:
        ips = self.ip_pool[self.countries.pick(rng)]
        base = rng.choice(ips).rsplit(".", 1)[0]
        agent, _, widths = self.agents.pick(rng)
        return f"{base}.{rng.randint(1, 254)}", agent, rng.choice(widths)

    def _visit(
        self, rng: random.Random, start: datetime, ip: str, agent: str, width: int
    ) -> Iterator[SimulatedEvent]:
        source = self.sources.pick(rng)
        page = rng.choice(source.landings) if source.landings else "/"
        pages = 1 if rng.random() < 0.43 else min(15, 2 + int(rng.expovariate(0.45)))
        now = start
        referrer = source.referrer
        query = f"?{source.query}" if source.query else ""
        for index in range(pages):
            url = f"{self.base}{page}{query if index == 0 else ''}"
            yield self._event(now, ip, agent, "pageview", url, referrer, width)
            dwell = self._dwell(rng, page)
            yield from self._interactions(rng, now, ip, agent, page, url, referrer, width, dwell)
            engaged = int(dwell * rng.uniform(0.35, 0.9) * 1000)
            scroll = self._scroll(rng, page)
            now = now + timedelta(seconds=dwell)
            yield self._event(
                now,
                ip,
                agent,
                "engagement",
                url,
                referrer,
                width,
                interactive=False,
                scroll_depth=scroll,
                engaged_ms=engaged,
            )
            referrer = url
            page = self._next_page(rng, page)
            now += timedelta(seconds=rng.uniform(0.3, 2.0))

    def _interactions(
        self,
        rng: random.Random,
        at: datetime,
        ip: str,
        agent: str,
        page: str,
        url: str,
        referrer: str,
        width: int,
        dwell: float,
    ) -> Iterator[SimulatedEvent]:
        moment = at + timedelta(seconds=dwell * rng.uniform(0.2, 0.9))

        def click(name: str, element: Element, props: dict[str, str]) -> SimulatedEvent:
            return self._event(
                moment, ip, agent, name, url, referrer, width, props=props, element=element
            )

        roll = rng.random()
        if page == "/pricing" and roll < 0.25:
            plan = rng.choice(("starter", "growth", "business"))
            yield click(
                "CTA Click",
                Element("a", f"Start {plan} trial", f"section.plans > a.btn-{plan}", "/signup"),
                {"plan": plan, "position": "pricing-table"},
            )
        elif page == "/" and roll < 0.12:
            yield click(
                "CTA Click",
                Element("a", "Start free trial", "header > a.btn-primary", "/signup"),
                {"position": "hero"},
            )
        elif page == "/signup" and roll < 0.38:
            plan = rng.choices(("free", "starter", "growth"), (6, 3, 1))[0]
            yield click(
                "Signup",
                Element("button", "Create account", "form#signup > button", ""),
                {"plan": plan},
            )
        elif page == "/checkout" and roll < 0.45:
            plan, amount = rng.choice((("starter", "9"), ("growth", "29"), ("business", "99")))
            event = self._event(
                moment,
                ip,
                agent,
                "Purchase",
                url,
                referrer,
                width,
                props={"plan": plan, "order_id": f"ord-{rng.getrandbits(40):x}"},
            )
            event.event.revenue = Revenue(Decimal(amount), "EUR")
            yield event
        elif page.startswith("/docs") and roll < 0.08:
            href = f"{self.base}/downloads/footfall-guide.pdf"
            yield click(
                "File Download",
                Element("a", "Download the PDF guide", "main a.download", href),
                {"url": href},
            )
        elif page.startswith("/blog/") and roll < 0.07:
            href = "https://github.com/footfall/footfall"
            yield click(
                "Outbound Link: Click",
                Element("a", "Star us on GitHub", "article a.gh", href),
                {"url": href},
            )

    def _dwell(self, rng: random.Random, page: str) -> float:
        median = 75.0 if page.startswith("/blog/") else 50.0 if page.startswith("/docs") else 28.0
        return min(1800.0, max(2.0, rng.lognormvariate(math.log(median), 0.9)))

    def _scroll(self, rng: random.Random, page: str) -> int:
        if page.startswith("/blog/"):
            return min(100, max(5, int(rng.betavariate(2.2, 1.6) * 100)))
        if page in ("/signup", "/login", "/checkout", "/contact"):
            return 100
        return min(100, max(10, int(rng.betavariate(1.6, 1.4) * 100)))

    def _next_page(self, rng: random.Random, page: str) -> str:
        choices = self.next_pages.get(page)
        if choices is None:
            if page.startswith("/blog/"):
                choices = self.blog_next
            elif page.startswith("/docs"):
                choices = self.docs_next
            else:
                choices = self.home_next
        return str(choices.pick(rng))

    def _event(
        self,
        ts: datetime,
        ip: str,
        agent: str,
        name: str,
        url: str,
        referrer: str,
        width: int,
        *,
        interactive: bool = True,
        scroll_depth: int | None = None,
        engaged_ms: int = 0,
        props: dict[str, str] | None = None,
        element: Element | None = None,
    ) -> SimulatedEvent:
        return SimulatedEvent(
            ts=ts,
            ip=ip,
            user_agent=agent,
            event=IncomingEvent(
                name=name,
                url=url,
                domain=self.domain,
                referrer=referrer,
                props=props or {},
                interactive=interactive,
                scroll_depth=scroll_depth,
                engaged_ms=engaged_ms,
                element=element,
                screen_width=width,
            ),
        )
