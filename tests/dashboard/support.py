"""Helpers for the dashboard's browser tests: API calls, waiting, screenshots."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, Page

from bench.server import ServerProcess
from tests.browser import DESKTOP_UA

ROOT = Path(__file__).resolve().parents[2]
APP_INDEX = ROOT / "src" / "footfall" / "static" / "app" / "index.html"
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
EVENT_HEADERS = {
    "User-Agent": DESKTOP_UA,
    "X-Forwarded-For": "81.2.69.142",
    "Content-Type": "application/json",
}


@dataclass
class Demo:
    """The running server and the demo account the demo command created."""

    server: ServerProcess
    email: str
    password: str

    @property
    def url(self) -> str:
        return self.server.url

    def token(self, email: str | None = None, password: str | None = None) -> str:
        response = httpx.post(
            f"{self.url}/api/v1/auth/login",
            json={"email": email or self.email, "password": password or self.password},
            timeout=30,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def query(self, token: str | None = None, **body: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(f"{self.url}/api/v1/query", json=body, headers=headers, timeout=30)
        response.raise_for_status()
        return dict(response.json())

    def register(self, email: str, password: str = "a long password", name: str = "") -> str:
        response = httpx.post(
            f"{self.url}/api/v1/auth/register",
            json={"email": email, "password": password, "name": name},
            timeout=30,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def create_site(self, token: str, domain: str, **extra: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/api/v1/sites",
            json={"domain": domain, "timezone": "UTC", **extra},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def send_event(self, **event: Any) -> httpx.Response:
        response = httpx.post(
            f"{self.url}/api/event", json=event, headers=EVENT_HEADERS, timeout=30
        )
        assert response.status_code == 202, response.text
        assert "X-Footfall-Dropped" not in response.headers, response.headers
        return response


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll until `check` stops raising AssertionError, within a bounded time."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def new_context(
    browser: Browser, demo: Demo, *, viewport: dict[str, int] = DESKTOP, **options: Any
) -> BrowserContext:
    context = browser.new_context(
        user_agent=DESKTOP_UA,
        viewport=viewport,
        base_url=demo.url,
        accept_downloads=True,
        reduced_motion="reduce",
        timezone_id=options.pop("timezone_id", "Europe/Paris"),
        locale="en-GB",
        **options,
    )
    context.set_default_timeout(15_000)
    return context


def sign_in(context: BrowserContext, demo: Demo, email: str, password: str) -> None:
    """Sign in through the API: the refresh cookie lands in the context's cookie jar."""
    response = context.request.post(
        f"{demo.url}/api/v1/auth/login", data={"email": email, "password": password}
    )
    assert response.ok, response.text()


def settle(page: Page) -> None:
    """Wait until the app has fetched everything and drawn no skeletons or spinners."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        """() => !document.querySelector('.skeleton, .page-loading, [aria-busy="true"]')"""
    )
    # Two animation frames: charts draw on the next frame after their data arrives.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def screenshot(page: Page, name: str, *, both_schemes: bool = True) -> None:
    """Full-page screenshots in light and (by re-emulating the media query) dark mode."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    kind = "mobile" if width < 600 else "desktop"
    settle(page)
    # With a modal open, the page behind it is not what the picture is about.
    full = not page.locator("dialog[open]").count()
    page.screenshot(path=str(ARTIFACTS / f"{name}-{kind}-light.png"), full_page=full)
    if both_schemes:
        page.emulate_media(color_scheme="dark")
        settle(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{kind}-dark.png"), full_page=full)
        page.emulate_media(color_scheme="light")
        settle(page)


def compact(value: float) -> str:
    """The dashboard's compact count format (942, 1.2k, 12.3k, 123k, 3.4M) for counts."""
    n = abs(value)
    if n < 1000:
        return f"{value:g}"
    for unit in ("k", "M", "B"):
        n /= 1000
        if n < 999.95:
            text = f"{n:.0f}" if n >= 100 else f"{n:.1f}".removesuffix(".0")
            return ("-" if value < 0 else "") + text + unit
    return f"{value:g}"
