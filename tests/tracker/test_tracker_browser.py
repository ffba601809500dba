"""Drives the built tracker (src/footfall/static/js/footfall.js) in the system Chromium.

Every page is served by the per-test capture server in conftest.py, which records each POST
body (one JSON array per batch). Waits poll the captured requests with a bounded deadline.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from .conftest import VIEWPORT, CaptureServer

pytestmark = pytest.mark.browser

Events = list[dict[str, Any]]

HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
  Object.defineProperty(document, "hidden", {value: true, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  delete document.visibilityState;
  delete document.hidden;
  document.dispatchEvent(new Event("visibilitychange"));
}"""
# With the batch timer disabled, an event that arrives proves an immediate flush.
NO_TIMER = "() => { window.setTimeout = () => 0; }"


def names(events: Events) -> list[str]:
    return [e["n"] for e in events]


def of(events: Events, name: str) -> Events:
    return [e for e in events if e["n"] == name]


def load(page: Page, server: CaptureServer, path: str, **goto: Any) -> dict[str, Any]:
    """Opens a tracked page and returns its pageview event."""
    url = server.url(path)
    page.goto(url, **goto)
    return server.wait_event(n="pageview", u=url.split("#")[0])


def sentinel(page: Page, server: CaptureServer, name: str) -> Events:
    """Sends a custom event with a callback (an immediate flush) and returns all events up to it.

    Everything the page sent before it is in the same or an earlier request, so this is how the
    tests check that something was NOT sent, without sleeping.
    """
    page.evaluate("name => new Promise(done => footfall(name, {callback: done}))", name)
    server.wait_event(n=name)
    events = server.events()
    return events[: names(events).index(name)]


def test_pageview_on_load(page: Page, server: CaptureServer) -> None:
    url = server.url("/basic.html?utm_source=news")
    page.goto(url + "#intro")
    pv = server.wait_event(n="pageview")
    assert pv == {
        "n": "pageview",
        "u": url,  # hash dropped outside hash mode
        "d": "example.com",
        "r": None,
        "w": VIEWPORT["width"],
    }
    posts = server.posts()
    assert len(posts) == 1
    assert posts[0].body == [pv]
    assert posts[0].headers["Content-Type"].startswith("text/plain")


def test_referrer_is_sent(page: Page, server: CaptureServer) -> None:
    page.goto(server.url("/landing.html"))
    page.evaluate("url => { location.href = url }", server.url("/spa.html"))
    pv = server.wait_event(n="pageview")
    assert pv["r"] == server.url("/landing.html")


def test_spa_history_navigation(page: Page, server: CaptureServer) -> None:
    first = server.url("/spa.html")
    load(page, server, "/spa.html", referer="https://search.example/?q=footfall")

    page.evaluate("() => history.pushState({}, '', '/spa/two')")
    two = server.wait_event(n="pageview", u=server.url("/spa/two"))
    # The page being left gets its engagement event first, in the same request.
    batch = next(p.body for p in server.posts() if two in p.body)
    assert names(batch) == ["engagement", "pageview"]
    left = batch[0]
    assert left["u"] == first
    assert left["i"] is False
    assert isinstance(left["e"], int)
    assert left["sd"] == 100  # the page does not scroll
    # The original referrer is kept for SPA navigations.
    assert two["r"] == "https://search.example/?q=footfall"

    page.evaluate("() => history.replaceState({x: 1}, '')")  # same URL: no pageview
    page.evaluate("() => history.pushState({}, '', '/spa/two#details')")  # hash only: none
    page.evaluate("() => history.back()")  # popstate to /spa/two, same page: none
    page.wait_for_function("() => !location.hash")
    page.evaluate("() => history.replaceState({}, '', '/spa/two?tab=2')")
    server.wait_event(n="pageview", u=server.url("/spa/two?tab=2"))
    page.evaluate("() => history.back()")  # popstate back to /spa.html
    page.wait_for_function("() => location.pathname === '/spa.html'")
    server.wait_for(lambda ev: len(of(ev, "pageview")) == 4)

    before = sentinel(page, server, "sentinel")
    assert [e["u"] for e in of(before, "pageview")] == [
        first,
        server.url("/spa/two"),
        server.url("/spa/two?tab=2"),
        first,
    ]
    # One engagement event per page left, each for the page being left.
    assert [e["u"] for e in of(before, "engagement")] == [
        first,
        server.url("/spa/two"),
        server.url("/spa/two?tab=2"),
    ]
    assert all("h" not in e for e in before)


def test_hash_change_is_not_a_pageview_without_data_hash(page: Page, server: CaptureServer) -> None:
    load(page, server, "/spa.html")
    page.evaluate("() => { location.hash = '#/settings' }")
    page.wait_for_function("() => location.hash === '#/settings'")
    assert len(of(sentinel(page, server, "sentinel"), "pageview")) == 1


def test_hash_routing_with_data_hash(page: Page, server: CaptureServer) -> None:
    page.goto(server.url("/hash.html#/home"))
    home = server.wait_event(n="pageview")
    assert home["u"] == server.url("/hash.html#/home")
    assert home["h"] == 1

    page.evaluate("() => { location.hash = '#/about' }")
    about = server.wait_event(n="pageview", u=server.url("/hash.html#/about"))
    assert about["h"] == 1
    engagement = of(server.events(), "engagement")
    assert [e["u"] for e in engagement] == [server.url("/hash.html#/home")]
    assert engagement[0]["h"] == 1


def test_custom_events_and_queue_stub(page: Page, server: CaptureServer) -> None:
    url = server.url("/stub.html")
    page.goto(url)
    # The stub's queue is replayed in order, in the same request as the first pageview.
    server.wait_event(n="Queued callback")
    page.wait_for_function("() => window.calls.includes('queued')")
    first = server.posts()[0].body
    assert names(first) == ["pageview", "Signup", "Queued callback"]
    signup = first[1]
    assert signup == {
        "n": "Signup",
        "u": url,
        "d": "example.com",
        "r": None,
        "w": VIEWPORT["width"],
        "p": {"plan": "pro", "seats": 3, "annual": True},
        "$": {"amount": "19.99", "currency": "EUR"},
    }
    assert "p" not in first[2]
    assert "$" not in first[2]

    page.evaluate(
        """() => new Promise(done => {
          footfall("Purchase", {props: {}, revenue: {amount: 42.5, currency: "EUR"}});
          footfall("Quiet", {interactive: false});
          const callback = () => { window.calls.push("live"); done() };
          footfall("Live", {props: {step: 2}, callback});
        })"""
    )
    assert page.evaluate("() => window.calls") == ["queued", "live"]
    events = server.events()
    purchase, quiet, live = of(events, "Purchase")[0], of(events, "Quiet")[0], of(events, "Live")[0]
    assert "p" not in purchase  # empty props are omitted
    assert purchase["$"] == {"amount": 42.5, "currency": "EUR"}
    assert quiet["i"] is False
    assert live["p"] == {"step": 2}
    assert "i" not in live

    # A manual pageview for a virtual page.
    page.evaluate("() => footfall('pageview', {u: 'https://example.com/virtual/step-2'})")
    virtual = server.wait_event(n="pageview", u="https://example.com/virtual/step-2")
    assert virtual["d"] == "example.com"


def test_outbound_link_click(page: Page, server: CaptureServer) -> None:
    load(page, server, "/basic.html")
    page.evaluate(NO_TIMER)
    page.click("a.out")
    event = server.wait_event(n="Outbound Link: Click")
    assert event["p"] == {"url": "https://example.org/pricing?from=ff"}
    assert event["el"] == {
        "t": "a",
        "x": "Example pricing",
        "s": "nav.top > a.stay.out",
        "h": "https://example.org/pricing?from=ff",
    }
    assert event["u"] == server.url("/basic.html")


def test_outbound_click_that_navigates_away(page: Page, server: CaptureServer) -> None:
    load(page, server, "/basic.html")
    page.evaluate(
        "url => { const a = document.getElementById('leave'); a.href = url }",
        server.url("/landing.html").replace("127.0.0.1", "localhost"),
    )
    with page.expect_navigation():
        page.click("#leave")
    event = server.wait_event(n="Outbound Link: Click")
    assert event["p"]["url"].startswith("http://localhost:")
    assert event["el"]["s"] == "a#leave"


def test_file_download_clicks(page: Page, server: CaptureServer) -> None:
    load(page, server, "/basic.html")
    page.evaluate(NO_TIMER)
    page.click("a.dl")
    pdf = server.wait_event(n="File Download")
    assert pdf["p"] == {"url": server.url("/files/report.pdf")}
    assert pdf["el"]["t"] == "a"
    assert pdf["el"]["x"] == "Annual report"
    assert pdf["el"]["h"] == server.url("/files/report.pdf")

    page.click("a.dl2", button="middle")  # auxclick
    csv = server.wait_for(lambda ev: of(ev, "File Download")[1:])[0]
    assert csv["p"] == {"url": server.url("/files/data.CSV?v=2")}

    page.click("a.internal")  # same host, not a download: nothing
    page.click("a.mail")  # mailto: is not outbound
    page.click("a.dl", button="right")  # a right click is not a click
    before = sentinel(page, server, "sentinel")
    assert names(before) == ["pageview", "File Download", "File Download"]


def test_data_footfall_event_click(page: Page, server: CaptureServer) -> None:
    load(page, server, "/basic.html")
    page.click("button.btn span")  # the target is a child of the tagged element
    sentinel(page, server, "flush")  # not a link: the click waits in the queue until a flush
    cta = server.wait_event(n="Signup CTA")
    assert cta["p"] == {"plan": "pro", "source": "hero"}
    assert cta["el"] == {
        "t": "button",
        "x": "Start free trial",
        "s": "div.card.pricing > button.btn.primary",
    }

    page.evaluate(NO_TIMER)
    page.click("#buy")  # empty attribute on a link: "click", sent at once
    buy = server.wait_event(n="click")
    assert "p" not in buy
    assert buy["el"] == {"t": "a", "x": "Buy now", "s": "a#buy", "h": server.url("/buy")}


def test_engagement_when_hidden(page: Page, server: CaptureServer) -> None:
    url = server.url("/basic.html")
    load(page, server, "/basic.html")
    page.mouse.move(100, 100)
    page.mouse.wheel(0, 2000)
    page.wait_for_function("() => scrollY > 1000")
    page.evaluate("() => scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => scrollY + innerHeight >= document.documentElement.scrollHeight")
    page.evaluate(NO_TIMER)
    page.evaluate(HIDE)
    first = server.wait_event(n="engagement")
    assert first["u"] == url
    assert first["i"] is False
    assert first["sd"] == 100
    assert isinstance(first["e"], int)
    assert first["e"] > 0
    assert "p" not in first
    assert "el" not in first

    page.evaluate(HIDE)  # nothing new to report: no second event
    page.evaluate("() => dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert len(of(sentinel(page, server, "sentinel 1"), "engagement")) == 1

    page.evaluate(SHOW)
    page.evaluate("() => scrollTo(0, 0)")  # the depth sent stays the maximum reached
    page.wait_for_function("() => scrollY === 0")
    page.mouse.move(200, 200)
    page.wait_for_timeout(50)  # let a little engaged time pass (not a timing assertion)
    page.mouse.move(300, 300)
    page.evaluate(HIDE)
    second = server.wait_for(lambda ev: of(ev, "engagement")[1:])[0]
    assert second["u"] == url
    assert second["sd"] == 100
    assert second["e"] > 0  # only the new engaged time


def test_engagement_when_leaving_the_page(page: Page, server: CaptureServer) -> None:
    url = server.url("/basic.html")
    load(page, server, "/basic.html")
    page.mouse.move(100, 100)
    page.evaluate("() => scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2)")
    page.wait_for_function("() => scrollY > 0")
    page.mouse.move(120, 120)
    page.goto(server.url("/tracked-landing.html"))
    engagement = server.wait_event(n="engagement", u=url)
    assert 10 < engagement["sd"] < 100
    assert engagement["e"] > 0
    server.wait_event(n="pageview", u=server.url("/tracked-landing.html"))
    assert len([e for e in server.events() if e["n"] == "engagement" and e["u"] == url]) == 1


def test_batching(page: Page, server: CaptureServer) -> None:
    load(page, server, "/basic.html")
    page.evaluate("() => { for (const n of ['one', 'two', 'three']) footfall(n) }")
    server.wait_event(n="three")
    posts = server.posts()
    assert len(posts) == 2  # the pageview, then one batch
    assert names(posts[1].body) == ["one", "two", "three"]


def test_ten_queued_events_are_sent_at_once(page: Page, server: CaptureServer) -> None:
    load(page, server, "/basic.html")
    page.evaluate(NO_TIMER)
    page.evaluate("() => { for (let i = 0; i < 12; i++) footfall('e' + i) }")
    server.wait_event(n="e9")
    assert names(server.posts()[1].body) == [f"e{i}" for i in range(10)]
    page.evaluate(HIDE)  # flushes the rest (and an engagement event)
    server.wait_event(n="e11")
    last = server.posts()[2].body
    assert names(last)[:2] == ["e10", "e11"]


def test_localhost_is_ignored_without_data_allow_localhost(
    page: Page, server: CaptureServer
) -> None:
    page.goto(server.url("/nolocal.html"))
    page.wait_for_function("() => window.calls.includes('queued')")  # callbacks still run
    page.evaluate("() => new Promise(done => footfall('Now', {callback: done}))")
    page.click("a.out")  # the page prevents the navigation
    page.click("button")
    page.evaluate(HIDE)
    load(page, server, "/tracked-landing.html")  # a tracked page, to prove the server listens
    events = server.events()
    assert names(events) == ["pageview"], events
    assert events[0]["u"] == server.url("/tracked-landing.html")


def test_opt_out_with_local_storage(page: Page, server: CaptureServer) -> None:
    page.goto(server.url("/landing.html"))
    page.evaluate("() => { localStorage.footfall_ignore = 'true' }")
    page.goto(server.url("/basic.html"))
    page.evaluate("() => new Promise(done => footfall('Opted out', {callback: done}))")
    page.click("a.out")
    page.evaluate("() => history.pushState({}, '', '/basic2.html')")
    page.evaluate(HIDE)
    page.goto(server.url("/landing.html"))
    page.evaluate("() => { localStorage.removeItem('footfall_ignore') }")
    load(page, server, "/tracked-landing.html")
    assert names(server.events()) == ["pageview"]


def test_data_api_endpoint_override(page: Page, server: CaptureServer) -> None:
    page.goto(server.url("/api.html"))
    page.evaluate("() => new Promise(done => footfall('Custom', {callback: done}))")
    events = server.events("/collect/events")
    assert names(events) == ["pageview", "Custom"]
    assert events[0]["u"] == server.url("/api.html")
    assert server.posts() == []  # nothing went to the default endpoint
    post = server.posts("/collect/events")[0]
    assert post.headers["Host"].startswith("localhost:")  # cross-origin, and no preflight
    page.evaluate(HIDE)  # the beacon path uses the override too
    server.wait_for(lambda _: of(server.events("/collect/events"), "engagement"))
    assert server.posts() == []


def test_never_throws_into_the_page(context: BrowserContext, server: CaptureServer) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    load(page, server, "/basic.html")
    page.evaluate(
        """() => {
          footfall();
          footfall(null, 5);
          footfall("Weird", {props: "not an object", callback: 7});
          history.pushState(null, "", "/spa/x");
          history.replaceState(null, "");
        }"""
    )
    page.evaluate(HIDE)
    page.evaluate("() => new Promise(done => footfall('sentinel', {callback: done}))")
    assert errors == []
