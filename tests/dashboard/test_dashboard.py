"""The dashboard app in the system Chromium against a real server with demo data.

The numbers the app shows must be the ones POST /api/v1/query returns for the same question;
the whole view must live in the URL; user-supplied text must stay text.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.support import (
    DESKTOP,
    MOBILE,
    Demo,
    compact,
    eventually,
    new_context,
    screenshot,
    settle,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CARD_METRICS = [
    "visitors",
    "visits",
    "pageviews",
    "views_per_visit",
    "bounce_rate",
    "visit_duration",
]
XSS = "<img src=x onerror=alert(1)>"
DASH = "\u2013"  # the en dash of "1-20 of 136" in the details dialog


def stat(page: Page, metric: str) -> Any:
    return page.locator(f'.stat[data-metric="{metric}"]')


def expect_visitors(page: Page, visitors: int) -> None:
    card = stat(page, "visitors")
    expect(card).to_have_attribute("data-value", str(visitors))
    expect(card.locator(".stat-value")).to_have_text(compact(visitors))
    expect(card.locator(".stat-value")).to_have_attribute("title", f"{visitors:,}")


def no_dialogs(page: Page) -> list[str]:
    """Collect any alert/confirm/prompt the page opens (there should never be one)."""
    dialogs: list[str] = []

    def seen(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    return dialogs


def test_sign_up_add_site_and_see_the_first_event(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo)
    page = context.new_page()
    page.goto("/")
    settle(page)
    page.get_by_role("link", name="Sign up free").click()
    expect(page).to_have_url(re.compile(r"/register$"))

    # A friendly error from the API, next to its field.
    page.fill("#register-email", "newbie@example.test")
    page.fill("#register-password", "short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#register-password-error")).to_contain_text("at least 8 characters")

    page.fill("#register-name", "New Bie")
    page.fill("#register-password", "a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/sites$"))
    expect(page.get_by_text("No sites yet")).to_be_visible()

    page.get_by_role("link", name="Add your first site").click()
    expect(page).to_have_url(re.compile(r"/sites/new$"))
    # The browser's timezone is preselected.
    expect(page.locator("#site-timezone")).to_have_value("Europe/Paris")
    page.fill("#site-domain", "not a domain!")
    page.get_by_role("button", name="Add site").click()
    expect(page.locator("#site-domain-error")).to_be_visible()
    page.fill("#site-domain", "shop.example.test")
    page.get_by_role("button", name="Add site").click()
    expect(page).to_have_url(re.compile(r"/sites/\d+/install$"))

    snippet = page.get_by_test_id("snippet")
    expect(snippet).to_contain_text('data-domain="shop.example.test"')
    expect(snippet).to_contain_text(f"{demo.url}/js/footfall.js")
    expect(page.locator('[data-state="waiting"]')).to_be_visible()
    screenshot(page, "install-waiting", both_schemes=False)

    demo.send_event(name="pageview", url="https://shop.example.test/", domain="shop.example.test")
    expect(page.locator('[data-state="received"]')).to_be_visible(timeout=20_000)
    expect(page.locator('[data-state="received"]')).to_contain_text("Events are arriving")
    page.get_by_role("link", name="Open dashboard").click()
    expect(page).to_have_url(re.compile(r"/sites/\d+$"))
    expect_visitors(page, 1)
    context.close()


def test_dashboard_numbers_filters_details_and_url_state(browser: Browser, demo: Demo) -> None:
    token = demo.token()
    context = new_context(browser, demo)
    sign_in(context, demo, demo.email, demo.password)
    page = context.new_page()
    dialogs = no_dialogs(page)
    page.goto("/sites/1")
    settle(page)

    def api(**body: Any) -> dict[str, Any]:
        return demo.query(token, site_id=1, **body)

    # Stat cards and the first row of top pages equal the API's answers (30 days by default).
    totals = api(metrics=CARD_METRICS, date_range="30d")["results"][0]["metrics"]
    assert totals[0] > 0
    expect_visitors(page, totals[0])
    expect(stat(page, "pageviews")).to_have_attribute("data-value", str(totals[2]))
    top = api(
        metrics=["visitors", "pageviews"],
        dimensions=["event:page"],
        date_range="30d",
        order_by=[["visitors", "desc"]],
        limit=9,
    )["results"][0]
    row = page.get_by_test_id("list-pages").locator(".breakdown-row").first
    expect(row).to_have_attribute("data-value", top["dimensions"][0])
    expect(row.locator('[data-metric="visitors"]')).to_have_text(compact(top["metrics"][0]))
    expect(row.locator('[data-metric="visitors"]')).to_have_attribute(
        "title", f"{top['metrics'][0]:,} visitors"
    )
    expect(page.get_by_test_id("main-chart").locator("svg")).to_be_visible()

    # Change the range.
    page.get_by_role("button", name=re.compile("^Date range")).click()
    page.locator('[data-period="7d"]').click()
    expect(page).to_have_url(re.compile(r"period=7d"))
    expect(page.get_by_test_id("period-label")).to_have_text("Last 7 days")
    week = api(metrics=["visitors"], date_range="7d")["results"][0]["metrics"][0]
    expect_visitors(page, week)

    # Click a source: it becomes a filter, everything reloads, the URL holds it.
    source_row = page.get_by_test_id("list-sources").locator(".breakdown-row").first
    source = source_row.get_attribute("data-value")
    assert source
    source_row.locator(".row-label").click()
    chip = page.locator('.chip[data-dim="visit:source"]')
    expect(chip).to_be_visible()
    expect(chip).to_contain_text(source)
    expect(page).to_have_url(re.compile(r"f=is,visit:source," + re.escape(source)))
    filtered = api(
        metrics=["visitors"], date_range="7d", filters=[["is", "visit:source", [source]]]
    )["results"][0]["metrics"][0]
    assert filtered < week
    expect_visitors(page, filtered)

    # Pick another chart metric, then reload the shared URL: the same view comes back.
    stat(page, "pageviews").click()
    expect(page).to_have_url(re.compile(r"metric=pageviews"))
    expect(page.locator("#chart-title")).to_have_text("Pageviews")
    page.reload()
    settle(page)
    expect(page.get_by_test_id("period-label")).to_have_text("Last 7 days")
    expect(page.locator('.chip[data-dim="visit:source"]')).to_contain_text(source)
    expect(stat(page, "pageviews")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#chart-title")).to_have_text("Pageviews")
    expect_visitors(page, filtered)

    # Remove the filter with its chip.
    page.get_by_role("button", name=re.compile(r"^Remove filter: Source is")).click()
    expect(page.locator(".chip")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"f=is"))
    expect_visitors(page, week)

    # Details of top pages: count, search, sort, CSV.
    page.locator('[data-panel="pages"] .panel-footer').get_by_role("button", name="Details").click()
    dialog = page.locator("dialog.modal")
    expect(dialog).to_be_visible()
    expect(page).to_have_url(re.compile(r"details=pages"))
    settle(page)
    every = api(metrics=["visitors"], dimensions=["event:page"], date_range="7d", limit=1)["meta"][
        "total_rows"
    ]
    expect(page.get_by_test_id("details-count")).to_have_text(f"1{DASH}{min(20, every)} of {every}")

    contains = ["contains", "event:page", ["E"], {"case_sensitive": False}]
    dialog.get_by_role("searchbox").fill("E")
    search_body = {
        "metrics": ["visitors", "pageviews", "bounce_rate", "time_on_page", "scroll_depth"],
        "dimensions": ["event:page"],
        "date_range": "7d",
        "filters": [contains],
        "order_by": [["pageviews", "desc"]],
        "limit": 10_000,
    }
    found = api(**search_body)
    n = found["meta"]["total_rows"]
    assert 20 < n < every
    expect(page.get_by_test_id("details-count")).to_have_text(f"1{DASH}20 of {n}")
    dialog.get_by_role("button", name="Pageviews").click()
    header = dialog.locator("th", has=page.get_by_role("button", name="Pageviews"))
    expect(header).to_have_attribute("aria-sort", "descending")
    first_cell = dialog.locator("tbody tr").first.locator("td").first
    expect(first_cell).to_have_text(found["results"][0]["dimensions"][0])
    dialog.get_by_role("button", name="Next page").click()
    expect(page.get_by_test_id("details-count")).to_have_text(f"21{DASH}{min(40, n)} of {n}")
    screenshot(page, "details", both_schemes=False)

    with page.expect_download() as info:
        page.get_by_test_id("csv-download").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = (download.path().read_bytes()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Page",
        "Visitors",
        "Pageviews",
        "Bounce rate (%)",
        "Time on page (s)",
        "Scroll depth (%)",
    ]
    assert len(rows) == n + 1  # all pages of rows, not just the one on screen
    for got, want in zip(rows[1:], found["results"], strict=True):
        assert got[0] == want["dimensions"][0]
        for cell, value in zip(got[1:], want["metrics"], strict=True):
            assert (cell == "") if value is None else float(cell) == pytest.approx(value)

    # Clicking a row in the details filters by it and closes the dialog.
    target = dialog.locator("tbody tr").first.locator("td").first.inner_text()
    dialog.locator("tbody tr").first.get_by_role("button").first.click()
    expect(dialog).to_be_hidden()
    expect(page.locator('.chip[data-dim="event:page"]')).to_contain_text(target)
    assert dialogs == []
    context.close()


def test_public_dashboard_without_signing_in(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo)
    page = context.new_page()
    page.goto("/")
    settle(page)
    page.get_by_role("link", name="Live demo").click()
    expect(page).to_have_url(re.compile(r"/public/1$"))
    settle(page)
    expect(page.get_by_text("Public dashboard of")).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)

    # Anonymous queries work for public sites and give the same numbers.
    visitors = demo.query(site_id=1, metrics=["visitors"], date_range="30d")["results"][0][
        "metrics"
    ][0]
    expect_visitors(page, visitors)

    # The map is its own chunk, loaded on demand; tabs are ARIA tabs with arrow keys.
    expect(page.get_by_test_id("world-map").locator("svg path").first).to_be_attached()
    map_tab = page.get_by_role("tab", name="Map")
    expect(map_tab).to_have_attribute("aria-selected", "true")
    map_tab.focus()
    page.keyboard.press("ArrowRight")
    countries = page.get_by_role("tab", name="Countries")
    expect(countries).to_have_attribute("aria-selected", "true")
    expect(countries).to_be_focused()
    expect(page).to_have_url(re.compile(r"locations=countries"))
    top = demo.query(
        site_id=1,
        metrics=["visitors", "percentage"],
        dimensions=["visit:country"],
        date_range="30d",
        order_by=[["visitors", "desc"]],
        limit=1,
    )["results"][0]
    first = page.locator('[data-panel="locations"] .breakdown-row').first
    expect(first).to_have_attribute("data-value", top["dimensions"][0])

    # A private site's public URL is a friendly 404, not a blank page.
    page.goto("/public/999")
    expect(page.get_by_role("heading", name="This dashboard is not public")).to_be_visible()
    context.close()


def test_account_settings_password_and_sign_out(browser: Browser, demo: Demo) -> None:
    demo.register("account@example.test", "first password 1", "")
    context = new_context(browser, demo)
    sign_in(context, demo, "account@example.test", "first password 1")
    page = context.new_page()
    page.goto("/account")
    page.fill("#account-name", "Ada Lovelace")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Ada Lovelace")

    page.fill("#password-current", "wrong password")
    page.fill("#password-new", "second password 2")
    page.fill("#password-confirm", "second password 2")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-current-error")).to_contain_text("Current password is wrong")
    page.fill("#password-current", "first password 1")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()

    # The session survives a reload (restored with the new refresh cookie).
    page.reload()
    expect(page.locator("#account-name")).to_have_value("Ada Lovelace")
    assert demo.token("account@example.test", "second password 2")

    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/sites")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fsites$"))
    page.fill("#login-email", "account@example.test")
    page.fill("#login-password", "first password 1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong e-mail or password")
    page.fill("#login-password", "second password 2")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sites$"))
    context.close()


def test_site_settings_for_owners_and_viewers(browser: Browser, demo: Demo) -> None:
    owner = demo.register("owner@example.test")
    viewer = demo.register("viewer@example.test")
    site = demo.create_site(owner, "settings.example.test")
    headers = {"Authorization": f"Bearer {owner}"}
    context = new_context(browser, demo)
    sign_in(context, demo, "owner@example.test", "a long password")
    page = context.new_page()
    page.goto(f"/sites/{site['id']}/settings")

    page.fill("#settings-name", "Settings test")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("form", has_text="General").get_by_text("Saved.")).to_be_visible()

    switch = page.get_by_role("switch", name="Public dashboard")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("public-link")).to_be_visible()

    page.get_by_role("button", name="Add origin").click()
    page.fill("#origin-0", "not an origin")
    page.get_by_role("button", name="Save origins").click()
    expect(page.locator("#origins-title ~ ul .field-error")).to_contain_text("scheme://host")
    page.fill("#origin-0", "https://Shop.Example.test/")
    page.get_by_role("button", name="Save origins").click()
    expect(page.locator("#origin-0")).to_have_value("https://shop.example.test")

    page.fill("#member-email", "nobody@example.test")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#member-email-error")).to_contain_text("sign up first")
    page.fill("#member-email", "viewer@example.test")
    page.get_by_role("button", name="Add", exact=True).click()
    member = page.locator('.member[data-email="viewer@example.test"]')
    expect(member).to_be_visible()
    member.get_by_role("combobox").select_option("admin")
    expect(page.get_by_text("is now admin")).to_be_visible()

    def role_is(role: str) -> None:
        members = httpx.get(
            f"{demo.url}/api/v1/sites/{site['id']}/members", headers=headers, timeout=30
        ).json()
        assert {m["email"]: m["role"] for m in members}["viewer@example.test"] == role

    eventually(lambda: role_is("admin"))
    member.get_by_role("combobox").select_option("viewer")
    eventually(lambda: role_is("viewer"))
    got = httpx.get(f"{demo.url}/api/v1/sites/{site['id']}", headers=headers, timeout=30).json()
    assert (got["name"], got["public"], got["allowed_origins"]) == (
        "Settings test",
        True,
        ["https://shop.example.test"],
    )

    # A viewer sees everything read-only.
    viewer_context = new_context(browser, demo)
    sign_in(viewer_context, demo, "viewer@example.test", "a long password")
    viewer_page = viewer_context.new_page()
    viewer_page.goto(f"/sites/{site['id']}/settings")
    expect(viewer_page.get_by_text("You have view-only access")).to_be_visible()
    expect(viewer_page.locator("#settings-name")).to_be_disabled()
    expect(viewer_page.get_by_role("switch", name="Public dashboard")).to_be_disabled()
    expect(viewer_page.get_by_role("button", name="Delete site")).to_have_count(0)
    viewer_context.close()
    assert viewer  # the viewer's account exists through the API

    # Remove the member, then delete the site after typing its domain.
    member.get_by_role("button", name="Remove viewer@example.test").click()
    expect(member).to_have_count(0)
    delete = page.get_by_role("button", name="Delete site")
    expect(delete).to_be_disabled()
    page.fill("#delete-confirm", "settings.example.test")
    delete.click()
    expect(page).to_have_url(re.compile(r"/sites$"))
    gone = httpx.get(f"{demo.url}/api/v1/sites/{site['id']}", headers=headers, timeout=30)
    assert gone.status_code == 404
    context.close()


def test_user_supplied_text_is_shown_as_text(browser: Browser, demo: Demo) -> None:
    owner = demo.register("xss@example.test")
    site = demo.create_site(owner, "xss.example.test")
    common = {"domain": "xss.example.test", "url": "https://xss.example.test/"}
    demo.send_event(name="pageview", **common)
    demo.send_event(
        name=XSS,
        props={XSS: XSS, "plan": "<script>alert(2)</script>"},
        element={"tag": "a", "text": XSS, "selector": f"a[title='{XSS}']", "href": ""},
        **common,
    )

    def arrived() -> None:
        result = demo.query(
            owner,
            site_id=site["id"],
            metrics=["events"],
            dimensions=["event:name"],
            date_range="day",
        )
        assert [r["dimensions"][0] for r in result["results"]].count(XSS) == 1

    eventually(arrived)

    context = new_context(browser, demo)
    sign_in(context, demo, "xss@example.test", "a long password")
    page = context.new_page()
    dialogs = no_dialogs(page)
    page.goto(f"/sites/{site['id']}?period=day")
    settle(page)

    events = page.get_by_test_id("list-events")
    expect(events.locator(".row-value", has_text=XSS)).to_have_text(XSS)
    # The click chart draws the text; hovering shows an (escaped) HTML tooltip.
    chart = page.get_by_test_id("clicks-chart")
    expect(chart).to_have_attribute("aria-label", re.compile(re.escape(XSS)))
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
    tooltip = chart.locator("div", has_text=re.compile(r"clicks? by"))
    expect(tooltip.first).to_contain_text(XSS)

    # Break the event down by its odd property, then filter by the value.
    events.locator(".row-label", has_text=XSS).click()
    page.fill("#prop-key", XSS)
    page.get_by_role("button", name="Show").click()
    props = page.get_by_test_id("list-props")
    expect(props.locator(".row-value")).to_have_text([XSS])
    props.locator(".row-label").first.click()
    chips = page.locator(".chip")
    expect(chips).to_have_count(2)
    expect(chips.nth(1)).to_contain_text(XSS)
    settle(page)
    page.reload()
    settle(page)
    expect(page.locator(".chip").nth(1)).to_contain_text(XSS)

    # Nothing was parsed as markup: the app itself never renders an <img> or a dialog.
    assert page.locator("img").count() == 0
    assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") == 0
    assert dialogs == []
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_screenshots_of_every_main_screen(
    browser: Browser, demo: Demo, viewport: dict[str, int]
) -> None:
    """Light and dark, desktop and 375 px: every screen renders without overflow or errors."""
    errors: list[str] = []

    def watch(page: Page) -> Page:
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    def no_horizontal_overflow(page: Page) -> None:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{page.url} is {width}px wide"

    guest = new_context(browser, demo, viewport=viewport)
    page = watch(guest.new_page())
    for name, path in [
        ("landing", "/"),
        ("login", "/login"),
        ("register", "/register"),
        ("public-dashboard", "/public/1"),
    ]:
        page.goto(path)
        screenshot(page, name)
        no_horizontal_overflow(page)
    guest.close()

    member = new_context(browser, demo, viewport=viewport)
    sign_in(member, demo, demo.email, demo.password)
    page = watch(member.new_page())
    for name, path in [
        ("sites", "/sites"),
        ("add-site", "/sites/new"),
        ("install", "/sites/1/install"),
        ("dashboard", "/sites/1?compare=previous_period&period=7d"),
        ("dashboard-filtered", "/sites/1?f=is,event:page,/pricing"),
        ("details", "/sites/1?details=sources"),
        ("site-settings", "/sites/1/settings"),
        ("account", "/account"),
    ]:
        page.goto(path)
        screenshot(page, name)
        no_horizontal_overflow(page)
    member.close()
    assert errors == []
