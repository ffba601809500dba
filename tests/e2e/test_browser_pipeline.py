"""The whole product path in a real browser: the snippet on a page served on loopback, the
system Chromium navigating (full loads and SPA), scrolling and clicking, a real Footfall server
process ingesting, and the query API returning exactly what happened."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bench.server import ServerProcess
from tests.browser import DESKTOP_UA, VIEWPORT, chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def query(footfall: ServerProcess, account: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{footfall.url}/api/v1/query",
        json={"site_id": account["site"]["id"], "date_range": "day", **body},
        headers={"Authorization": f"Bearer {account['token']}"},
        timeout=30,
    )
    response.raise_for_status()
    return dict(response.json())


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll until `check` stops raising AssertionError (events flush within a second)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def rows(result: dict[str, Any]) -> dict[tuple[Any, ...], list[Any]]:
    return {tuple(r["dimensions"]): r["metrics"] for r in result["results"]}


def test_a_visit_in_chromium_is_counted_exactly(
    footfall: ServerProcess, account: dict[str, Any], static_site: str
) -> None:
    with chromium() as browser:
        context = browser.new_context(
            user_agent=DESKTOP_UA, viewport=VIEWPORT, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        # External links must not leave the sandbox.
        context.route("https://github.com/**", lambda route: route.abort())

        page.goto(f"{static_site}/index.html")
        page.wait_for_function("typeof window.footfall === 'function'")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(200)  # let the scroll handler see the bottom
        page.click("#about")  # full page load: engagement for the home page, then a pageview
        page.wait_for_url("**/about.html")
        page.wait_for_function("typeof window.footfall === 'function'")

        with context.expect_page() as popup:
            page.click("#outbound")
        popup.value.close()
        with page.expect_download():
            page.click("#download")
        page.click("#team")  # SPA navigation
        page.wait_for_url("**/about/team")
        page.click("#signup")
        page.evaluate("footfall('Newsletter', {props: {list: 'weekly'}})")
        page.goto("about:blank")  # pagehide: the last engagement and the queue go by beacon

        def aggregate() -> None:
            result = query(
                footfall,
                account,
                metrics=["visitors", "visits", "pageviews", "events", "bounce_rate"],
            )
            # pageviews: /index.html, /about.html, /about/team; events add the outbound
            # click, the download, the Signup button and the Newsletter call.
            assert result["results"][0]["metrics"] == [1, 1, 3, 7, 0]

        def pages() -> None:
            result = query(
                footfall, account, metrics=["pageviews", "scroll_depth"], dimensions=["event:page"]
            )
            # Scrolled to the bottom of the home page; the about page (3600 px tall) was seen
            # down to 720 px, in both of its routes.
            assert rows(result) == {
                ("/index.html",): [1, 100],
                ("/about.html",): [1, 20],
                ("/about/team",): [1, 20],
            }

        # The browser stays open meanwhile: closing it could cancel a beacon in flight.
        eventually(aggregate)
        eventually(pages)
        context.close()

    names = rows(query(footfall, account, metrics=["events"], dimensions=["event:name"]))
    assert names == {
        ("pageview",): [3],
        ("Outbound Link: Click",): [1],
        ("File Download",): [1],
        ("Signup",): [1],
        ("Newsletter",): [1],
    }
    clicks = rows(
        query(
            footfall,
            account,
            metrics=["events"],
            dimensions=["event:name", "event:element_tag", "event:element_text"],
            filters=[["is_not", "event:element_tag", [""]]],
        )
    )
    assert clicks == {
        ("Outbound Link: Click", "a", "GitHub"): [1],
        ("File Download", "a", "Annual report"): [1],
        ("Signup", "button", "Sign up"): [1],
    }
    props = rows(
        query(
            footfall,
            account,
            metrics=["events"],
            dimensions=["event:props:plan"],
            filters=[["is", "event:name", ["Signup"]]],
        )
    )
    assert props == {("pro",): [1]}
    sources = rows(
        query(
            footfall,
            account,
            metrics=["visits"],
            dimensions=["visit:entry_page", "visit:exit_page", "visit:browser", "visit:device"],
        )
    )
    assert sources == {("/index.html", "/about/team", "Chrome", "desktop"): [1]}
