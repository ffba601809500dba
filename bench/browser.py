"""The system Chromium, as browser tests and benchmarks launch it (never a downloaded one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Headless Chromium announces itself as "HeadlessChrome", which Footfall rightly drops as a bot.
# The flag (not only the context option) matters: beacons sent while a page unloads carry the
# browser-wide user agent, not the per-page override.
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
CHROMIUM_ARGS = [
    f"--user-agent={DESKTOP_UA}",
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 720}


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless system Chromium for the duration of the block."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
