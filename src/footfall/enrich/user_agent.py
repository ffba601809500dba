"""User agent → browser, browser version, OS, OS version and device class."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse

# ua-parser's family names, folded into the names people expect to see in a report.
_BROWSER_NAMES = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome WebView",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
    "Samsung Internet": "Samsung Internet",
    "Yandex Browser": "Yandex Browser",
    "Facebook": "Facebook App",
    "Instagram": "Instagram App",
    "Other": "",
}
_OS_NAMES = {"Mac OS X": "macOS", "Other": ""}
_TABLET = re.compile(r"iPad|Tablet|Kindle|Silk/|PlayBook|Nexus (7|9|10)|SM-T\d|Tab ", re.I)
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android.+Mobile|Windows Phone|BlackBerry|Opera Mini", re.I)


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """What a user agent string says about the visitor's software and device."""

    browser: str
    browser_version: str
    os: str
    os_version: str
    device: str


@lru_cache(maxsize=16_384)
def parse_user_agent(user_agent: str) -> ClientInfo:
    """Browser, OS and device class of a user agent (cached: real traffic repeats them)."""
    result = parse(user_agent[:512])
    agent, os = result.user_agent, result.os
    browser = _BROWSER_NAMES.get(agent.family, agent.family) if agent else ""
    os_name = _OS_NAMES.get(os.family, os.family) if os else ""
    os_version = ""
    if os and os.major:
        os_version = os.major if os_name == "Windows" or not os.minor else f"{os.major}.{os.minor}"
    return ClientInfo(
        browser=browser,
        browser_version=(agent.major or "") if agent and browser else "",
        os=os_name,
        os_version=os_version if os_name else "",
        device=device_class(user_agent),
    )


def device_class(user_agent: str) -> str:
    """ "tablet", "mobile" or "desktop" (Android without "Mobile" is a tablet)."""
    if _TABLET.search(user_agent) or ("Android" in user_agent and "Mobile" not in user_agent):
        return "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "desktop"


def screen_class(width: int | None) -> str:
    """Screen size bucket from the window width the tracker reports."""
    if width is None or width <= 0:
        return ""
    if width < 576:
        return "Mobile"
    if width < 992:
        return "Tablet"
    if width < 1440:
        return "Laptop"
    return "Desktop"
