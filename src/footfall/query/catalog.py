"""Every metric and dimension the query model knows, and which table can answer it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["event", "visit", "time"]
Side = Literal["events", "sessions", "either"]

PROP_PREFIX = "event:props:"
SCROLL_BUCKET = "event:scroll_bucket"
PROP_KEY = "event:prop_key"
TIME_UNITS = ("minute", "hour", "day", "week", "month")


@dataclass(frozen=True, slots=True)
class Dimension:
    """A property results can be grouped or filtered by.

    `event_column` is its column in `events`; `session_column` its column in `sessions` (None
    when the sessions table cannot answer it directly). `prop_key` is set for event:props:KEY.
    """

    name: str
    kind: Kind
    event_column: str | None
    session_column: str | None
    prop_key: str | None = None


@dataclass(frozen=True, slots=True)
class Metric:
    """A number computed per group; `side` says which table computes it."""

    name: str
    side: Side
    description: str


def _event(name: str, column: str, session_column: str | None = None) -> Dimension:
    return Dimension(f"event:{name}", "event", column, session_column)


def _visit(name: str, column: str | None = None, *, events: bool = True) -> Dimension:
    column = column or name
    return Dimension(f"visit:{name}", "visit", column if events else None, column)


_DIMENSION_LIST = (
    # Session metrics by page describe the visits that entered there (bounce rate of a page).
    _event("page", "pathname", "entry_page"),
    _event("name", "name"),
    _event("hostname", "hostname"),
    _event("element_tag", "element_tag"),
    _event("element_text", "element_text"),
    _event("element_selector", "element_selector"),
    _event("element_href", "element_href"),
    # How far visits scrolled each page: 0-24%, 25-49%, 50-74%, 75-99% or 100%.
    Dimension(SCROLL_BUCKET, "event", None, None),
    # The custom property names events carry (one row per name an event has).
    Dimension(PROP_KEY, "event", None, None),
    _visit("source", "referrer_source"),
    _visit("referrer"),
    _visit("channel"),
    _visit("utm_source"),
    _visit("utm_medium"),
    _visit("utm_campaign"),
    _visit("utm_content"),
    _visit("utm_term"),
    _visit("entry_page"),
    _visit("exit_page", events=False),
    _visit("country"),
    _visit("region"),
    _visit("city"),
    _visit("browser"),
    _visit("browser_version"),
    _visit("os"),
    _visit("os_version"),
    _visit("device"),
    _visit("screen"),
    *(Dimension(f"time:{unit}", "time", "ts", "start") for unit in TIME_UNITS),
)
DIMENSIONS: dict[str, Dimension] = {d.name: d for d in _DIMENSION_LIST}


def prop_dimension(key: str) -> Dimension:
    """The dimension of one custom property."""
    return Dimension(f"{PROP_PREFIX}{key}", "event", None, None, prop_key=key)


_METRIC_LIST = (
    Metric("visitors", "either", "Unique visitors"),
    Metric("visits", "either", "Visits (sessions)"),
    Metric("pageviews", "events", "Pageview events"),
    Metric("views_per_visit", "sessions", "Pageviews per visit"),
    Metric("bounce_rate", "sessions", "Percentage of visits with one page and no interaction"),
    Metric("visit_duration", "sessions", "Average visit length in seconds"),
    Metric("events", "events", "Events other than engagement reports (pageviews included)"),
    Metric("scroll_depth", "events", "Average of the maximum scroll depth per visit and page (%)"),
    Metric("time_on_page", "events", "Average engaged seconds per pageview"),
    Metric("percentage", "either", "Share of the visitors (%) of all groups together"),
)
METRICS: dict[str, Metric] = {m.name: m for m in _METRIC_LIST}
