"""Exact answers from POST /api/v1/query for known traffic sent through the real pipeline
(HTTP ingest → enrichment → sessionization → DuckDB).

The site is in Europe/Berlin (UTC+2 in June). Traffic on 10 June 2025, local time:
  A  V1 (DE, Chrome/Windows)  10:00 / from Google, 10:01:30 /pricing, outbound click, Signup
  B  V2 (US, Safari/iPhone)   11:00 /blog/post?utm_source=newsletter&utm_medium=email...
  C  V1 again                 14:00 / direct (a second visit of the same visitor)
  D  V3 (GB, Firefox/Linux)   23:50 /pricing from Hacker News, 00:10 next day /signup
plus V4 (FR) on 9 June at 12:00, and a Googlebot pageview that must be dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import (
    CHROME_WINDOWS,
    FIREFOX_LINUX,
    GOOGLEBOT,
    IP_DE,
    IP_FR,
    IP_GB,
    IP_US,
    SAFARI_IPHONE,
    Harness,
)

# Every answer must be the same on the embedded and the scale-out profile.
PROFILES = ("embedded", "scale-out")

SITE = "https://example.com"


def at(hour: int, minute: int = 0, second: int = 0, day: int = 10) -> datetime:
    """A UTC instant given in Berlin summer time (UTC+2)."""
    return (
        datetime(2025, 6, day, hour - 2, minute, second, tzinfo=UTC)
        if hour >= 2
        else (datetime(2025, 6, day - 1, hour + 22, minute, second, tzinfo=UTC))
    )


def ev(name: str, path: str, **extra: Any) -> dict[str, Any]:
    return {"n": name, "u": SITE + path, "d": "example.com", **extra}


async def send_scenario(h: Harness) -> None:
    v1 = {"ip": IP_DE, "ua": CHROME_WINDOWS}
    v2 = {"ip": IP_US, "ua": SAFARI_IPHONE}
    v3 = {"ip": IP_GB, "ua": FIREFOX_LINUX}
    script: list[tuple[datetime, dict[str, str], dict[str, Any]]] = [
        (at(12, day=9), {"ip": IP_FR, "ua": CHROME_WINDOWS}, ev("pageview", "/")),
        (at(10), v1, ev("pageview", "/", r="https://www.google.com/")),
        (at(10, 1), v1, ev("engagement", "/", sd=50, e=30_000, i=False)),
        (at(10, 1, 30), v1, ev("pageview", "/pricing", r=SITE + "/")),
        (
            at(10, 2),
            v1,
            ev(
                "Outbound Link: Click",
                "/pricing",
                p={"url": "https://github.com/x"},
                el={"t": "a", "x": "GitHub", "s": "a.gh", "h": "https://github.com/x"},
            ),
        ),
        (at(10, 3), v1, ev("engagement", "/pricing", sd=80, e=60_000, i=False)),
        (at(10, 3, 10), v1, ev("Signup", "/pricing", p={"plan": "pro"})),
        (
            at(11),
            v2,
            ev("pageview", "/blog/post?utm_source=newsletter&utm_medium=email&utm_campaign=june"),
        ),
        (at(11, 0, 40), v2, ev("engagement", "/blog/post", sd=100, e=40_000, i=False)),
        (at(11, 5), {"ip": IP_US, "ua": GOOGLEBOT}, ev("pageview", "/")),
        (at(14), v1, ev("pageview", "/")),
        (at(23, 50), v3, ev("pageview", "/pricing", r="https://news.ycombinator.com/")),
        (at(0, 10, day=11), v3, ev("pageview", "/signup", r=SITE + "/pricing")),
    ]
    for moment, client, body in script:
        response = await h.send(body, at=moment, **client)
        assert response.status_code == 202, response.text
        expected_drop = "bot" if client["ua"] == GOOGLEBOT else None
        assert response.headers.get("x-footfall-dropped") == expected_drop


@pytest.fixture
async def stats(harness: Harness) -> Any:
    token = await harness.register()
    site = await harness.create_site(token, "example.com", "Europe/Berlin")
    await send_scenario(harness)

    async def query(**body: Any) -> dict[str, Any]:
        body.setdefault("date_range", ["2025-06-10", "2025-06-10"])
        return await harness.query(token, site_id=site["id"], **body)

    return query


def rows(result: dict[str, Any]) -> list[tuple[list[Any], list[Any]]]:
    return [(r["dimensions"], r["metrics"]) for r in result["results"]]


async def test_every_aggregate_metric(stats: Any) -> None:
    result = await stats(
        metrics=[
            "visitors",
            "visits",
            "pageviews",
            "views_per_visit",
            "bounce_rate",
            "visit_duration",
            "events",
            "scroll_depth",
            "time_on_page",
        ]
    )
    # visits A B C D; pageviews on 10 June: 2+1+1+1 (D's second one is on 11 June);
    # views per visit from the visits: (2+1+1+2)/4; bounces B and C; durations
    # 190+40+0+1200 over 4 = 357.5; events (not engagement) 4+1+1+1; scroll (50+80+100)/3;
    # engaged 130 s over 5 pageviews.
    assert rows(result) == [([], [3, 4, 5, 1.5, 50, 358, 7, 77, 26])]
    assert result["meta"]["date_range"] == {"start": "2025-06-10", "end": "2025-06-10"}
    assert result["meta"]["timezone"] == "Europe/Berlin"


async def test_pages_with_entry_page_bounce_rate(stats: Any) -> None:
    result = await stats(
        metrics=["visitors", "pageviews", "bounce_rate", "time_on_page", "scroll_depth"],
        dimensions=["event:page"],
    )
    assert rows(result) == [
        (["/pricing"], [2, 2, 0, 30, 80]),
        (["/"], [1, 2, 50, 15, 50]),
        (["/blog/post"], [1, 1, 100, 40, 100]),
    ]
    assert result["meta"]["total_rows"] == 3


async def test_sources_channels_and_utm(stats: Any) -> None:
    sources = await stats(
        metrics=["visitors", "visits", "bounce_rate"], dimensions=["visit:source"]
    )
    assert rows(sources) == [
        ([""], [1, 1, 100]),
        (["Google"], [1, 1, 0]),
        (["Hacker News"], [1, 1, 0]),
        (["newsletter"], [1, 1, 100]),
    ]
    channels = await stats(metrics=["visits"], dimensions=["visit:channel"])
    assert sorted(rows(channels)) == [
        (["Direct"], [1]),
        (["Email"], [1]),
        (["Organic Search"], [1]),
        (["Organic Social"], [1]),
    ]
    campaigns = await stats(metrics=["visitors", "visits"], dimensions=["visit:utm_campaign"])
    assert rows(campaigns) == [([""], [2, 3]), (["june"], [1, 1])]
    referrers = await stats(
        metrics=["visits"],
        dimensions=["visit:referrer"],
        filters=[["is_not", "visit:referrer", [""]]],
    )
    assert sorted(rows(referrers)) == [(["google.com"], [1]), (["news.ycombinator.com"], [1])]


async def test_places_and_devices(stats: Any) -> None:
    countries = await stats(
        metrics=["visitors", "visits", "percentage"], dimensions=["visit:country"]
    )
    assert rows(countries) == [
        (["DE"], [1, 2, 33.3]),
        (["GB"], [1, 1, 33.3]),
        (["US"], [1, 1, 33.3]),
    ]
    devices = await stats(metrics=["visitors", "visits"], dimensions=["visit:device"])
    assert rows(devices) == [(["desktop"], [2, 3]), (["mobile"], [1, 1])]
    browsers = await stats(metrics=["visits"], dimensions=["visit:browser", "visit:os"])
    assert rows(browsers) == [
        (["Chrome", "Windows"], [2]),
        (["Firefox", "Linux"], [1]),
        (["Safari", "iOS"], [1]),
    ]


async def test_entry_and_exit_pages(stats: Any) -> None:
    entry = await stats(metrics=["visits"], dimensions=["visit:entry_page"])
    assert rows(entry) == [(["/"], [2]), (["/blog/post"], [1]), (["/pricing"], [1])]
    exits = await stats(metrics=["visits"], dimensions=["visit:exit_page"])
    assert rows(exits) == [
        (["/"], [1]),
        (["/blog/post"], [1]),
        (["/pricing"], [1]),
        (["/signup"], [1]),
    ]


async def test_custom_events_props_and_elements(stats: Any) -> None:
    names = await stats(metrics=["visitors", "events"], dimensions=["event:name"])
    assert rows(names) == [
        (["pageview"], [3, 5]),
        (["Outbound Link: Click"], [1, 1]),
        (["Signup"], [1, 1]),
    ]
    plans = await stats(
        metrics=["visitors", "events"],
        dimensions=["event:props:plan"],
        filters=[["is", "event:name", ["Signup"]]],
    )
    assert rows(plans) == [(["pro"], [1, 1])]
    clicks = await stats(
        metrics=["events"],
        dimensions=["event:element_text", "event:element_href"],
        filters=[["is_not", "event:element_selector", [""]]],
    )
    assert rows(clicks) == [(["GitHub", "https://github.com/x"], [1])]


@pytest.mark.parametrize(
    ("metrics", "filters", "expected"),
    [
        (
            ["visitors", "visits", "pageviews", "bounce_rate"],
            [["is", "visit:country", ["DE"]]],
            [1, 2, 3, 50],
        ),
        (["visitors", "visits", "bounce_rate"], [["is", "event:name", ["Signup"]]], [1, 1, 0]),
        (["visitors", "pageviews"], [["contains", "event:page", ["pric"]]], [2, 2]),
        (["visitors"], [["matches", "event:page", ["^/blog/"]]], [1]),
        (["visitors", "visits"], [["not", ["is", "visit:device", ["mobile"]]]], [2, 3]),
        (
            ["visitors", "visits", "bounce_rate"],
            [["or", [["is", "visit:source", ["Google"]], ["is", "event:page", ["/blog/post"]]]]],
            [2, 2, 50],
        ),
        (["pageviews"], [["is", "visit:exit_page", ["/pricing"]]], [2]),
        (["visits"], [["contains", "visit:source", ["hacker"], {"case_sensitive": False}]], [1]),
        (["visits"], [["contains", "visit:source", ["hacker"]]], [0]),
        (["visitors"], [["is_not", "visit:country", ["DE", "US"]]], [1]),
        (["pageviews"], [["matches_not", "event:page", ["^/$"]]], [3]),
        (
            ["visitors", "visits"],
            [["is", "visit:country", ["DE"]], ["is", "visit:entry_page", ["/pricing"]]],
            [0, 0],
        ),
        (
            ["pageviews"],
            [
                [
                    "and",
                    [
                        ["is", "visit:browser", ["Chrome"]],
                        ["contains_not", "event:page", ["pricing"]],
                    ],
                ]
            ],
            [2],
        ),
        (["visitors"], [["matches", "visit:os", ["(?i)^ios$"]]], [1]),
    ],
)
async def test_filters(
    stats: Any, metrics: list[str], filters: list[Any], expected: list[Any]
) -> None:
    assert rows(await stats(metrics=metrics, filters=filters)) == [([], expected)]


async def test_visit_columns_with_event_filters_join_the_visits(stats: Any) -> None:
    exits = await stats(
        metrics=["visitors"],
        dimensions=["visit:exit_page"],
        filters=[["is", "event:page", ["/pricing"]]],
    )
    # Visitors with an event on /pricing: V1 (A ends on /pricing) and V3 (D ends on /signup).
    assert rows(exits) == [(["/pricing"], [1]), (["/signup"], [1])]
    bounce_by_event = await stats(metrics=["visits", "bounce_rate"], dimensions=["event:name"])
    # Visits containing each kind of event: pageviews in all four, the click and Signup in A.
    assert rows(bounce_by_event) == [
        (["pageview"], [4, 50]),
        (["Outbound Link: Click"], [1, 0]),
        (["Signup"], [1, 0]),
    ]


async def test_property_names_of_events(stats: Any) -> None:
    keys = await stats(metrics=["visitors", "events"], dimensions=["event:prop_key"])
    assert rows(keys) == [(["plan"], [1, 1]), (["url"], [1, 1])]
    signup = await stats(
        metrics=["events"],
        dimensions=["event:prop_key"],
        filters=[["is", "event:name", ["Signup"]]],
    )
    assert rows(signup) == [(["plan"], [1])]


async def test_scroll_depth_distribution(stats: Any) -> None:
    result = await stats(metrics=["visitors", "percentage"], dimensions=["event:scroll_bucket"])
    # Deepest scroll per visit and page: A on / 50%, A on /pricing 80%, B on /blog/post 100%.
    assert rows(result) == [(["100%"], [1, 50.0]), (["50-74%"], [1, 50.0]), (["75-99%"], [1, 50.0])]
    pricing = await stats(
        metrics=["visitors"],
        dimensions=["event:scroll_bucket"],
        filters=[["is", "event:page", ["/pricing"]]],
    )
    assert rows(pricing) == [(["75-99%"], [1])]


async def test_hourly_series_in_local_time(stats: Any) -> None:
    result = await stats(metrics=["visitors", "pageviews"], dimensions=["time:hour"])
    series = rows(result)
    assert len(series) == 24
    busy = {d[0]: m for d, m in series if m != [0, 0]}
    assert busy == {
        "2025-06-10 10:00:00": [1, 2],
        "2025-06-10 11:00:00": [1, 1],
        "2025-06-10 14:00:00": [1, 1],
        "2025-06-10 23:00:00": [1, 1],
    }


async def test_daily_series_fills_empty_days(stats: Any) -> None:
    result = await stats(
        metrics=["visitors", "visits", "pageviews"],
        dimensions=["time:day"],
        date_range=["2025-06-05", "2025-06-11"],
    )
    assert rows(result) == [
        (["2025-06-05"], [0, 0, 0]),
        (["2025-06-06"], [0, 0, 0]),
        (["2025-06-07"], [0, 0, 0]),
        (["2025-06-08"], [0, 0, 0]),
        (["2025-06-09"], [1, 1, 1]),
        (["2025-06-10"], [3, 4, 5]),
        (["2025-06-11"], [0, 0, 1]),
    ]


async def test_other_timezone_moves_the_day_boundary(stats: Any) -> None:
    # In UTC, D's 00:10 (Berlin) pageview at 22:10 UTC still belongs to 10 June.
    result = await stats(metrics=["pageviews"], timezone="UTC")
    assert rows(result) == [([], [6])]


async def test_compare_previous_period_and_year_over_year(stats: Any) -> None:
    previous = await stats(
        metrics=["visitors", "pageviews", "bounce_rate"], compare="previous_period"
    )
    [row] = previous["results"]
    assert row["metrics"] == [3, 5, 50]
    assert row["comparison"] == {
        "dimensions": [],
        "metrics": [1, 1, 100],
        "change": [200.0, 400.0, -50.0],
    }
    assert previous["comparison"]["date_range"] == {"start": "2025-06-09", "end": "2025-06-09"}
    yearly = await stats(metrics=["visitors"], compare="year_over_year")
    assert yearly["results"][0]["comparison"]["change"] == [None]


async def test_compare_breakdown_rows(stats: Any) -> None:
    result = await stats(
        metrics=["visitors"],
        dimensions=["event:page"],
        date_range=["2025-06-09", "2025-06-10"],
        compare=["2025-06-09", "2025-06-09"],
    )
    by_page = {r["dimensions"][0]: r["comparison"] for r in result["results"]}
    assert by_page["/"] == {"dimensions": ["/"], "metrics": [1], "change": [100.0]}
    assert by_page["/pricing"] == {"dimensions": ["/pricing"], "metrics": [0], "change": [None]}


async def test_order_limit_offset(stats: Any) -> None:
    page = await stats(metrics=["visitors"], dimensions=["visit:source"], limit=2, offset=1)
    assert rows(page) == [(["Google"], [1]), (["Hacker News"], [1])]
    assert page["meta"]["total_rows"] == 4
    reverse = await stats(
        metrics=["visitors"], dimensions=["visit:source"], order_by=[["visit:source", "desc"]]
    )
    assert [r[0][0] for r in rows(reverse)] == ["newsletter", "Hacker News", "Google", ""]
    by_bounce = await stats(
        metrics=["visitors", "bounce_rate"],
        dimensions=["event:page"],
        order_by=[["bounce_rate", "desc"]],
    )
    assert rows(by_bounce) == [(["/blog/post"], [1, 100]), (["/"], [1, 50]), (["/pricing"], [2, 0])]


async def test_relative_ranges_follow_the_reference_date(stats: Any) -> None:
    everything = await stats(metrics=["visitors", "visits"], date_range="all", date="2025-06-11")
    assert everything["meta"]["date_range"] == {"start": "2025-06-09", "end": "2025-06-11"}
    assert rows(everything) == [([], [4, 5])]
    week = await stats(metrics=["visits"], date_range="7d", date="2025-06-10")
    assert week["meta"]["date_range"] == {"start": "2025-06-04", "end": "2025-06-10"}
    assert rows(week) == [([], [5])]


async def test_empty_site_answers_zero(harness: Harness) -> None:
    token = await harness.register()
    site = await harness.create_site(token, "empty.example", "UTC")
    result = await harness.query(
        token,
        site_id=site["id"],
        metrics=["visitors", "bounce_rate", "visit_duration"],
        date_range="30d",
    )
    assert rows(result) == [([], [0, None, None])]
    breakdown = await harness.query(
        token, site_id=site["id"], metrics=["visitors"], dimensions=["visit:source"]
    )
    assert breakdown["results"] == []
    assert breakdown["meta"]["total_rows"] == 0
