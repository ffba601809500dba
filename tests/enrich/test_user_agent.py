from __future__ import annotations

import pytest

from footfall.enrich.user_agent import device_class, parse_user_agent, screen_class
from tests.conftest import CHROME_WINDOWS, FIREFOX_LINUX, SAFARI_IPHONE

IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15"
)
EDGE = CHROME_WINDOWS + " Edg/131.0.0.0"


@pytest.mark.parametrize(
    ("ua", "browser", "version", "os", "os_version", "device"),
    [
        (CHROME_WINDOWS, "Chrome", "131", "Windows", "10", "desktop"),
        (SAFARI_IPHONE, "Safari", "18", "iOS", "18.1", "mobile"),
        (FIREFOX_LINUX, "Firefox", "133", "Linux", "", "desktop"),
        (IPAD, "Safari", "18", "iOS", "18.1", "tablet"),
        (ANDROID_PHONE, "Chrome", "131", "Android", "14", "mobile"),
        (ANDROID_TABLET, "Chrome", "131", "Android", "13", "tablet"),
        (MAC_SAFARI, "Safari", "18", "macOS", "10.15", "desktop"),
        (EDGE, "Edge", "131", "Windows", "10", "desktop"),
    ],
)
def test_parse_user_agent(
    ua: str, browser: str, version: str, os: str, os_version: str, device: str
) -> None:
    info = parse_user_agent(ua)
    assert (info.browser, info.browser_version, info.os, info.os_version, info.device) == (
        browser,
        version,
        os,
        os_version,
        device,
    )


def test_unknown_user_agent_gives_empty_fields() -> None:
    info = parse_user_agent("something odd")
    assert info.browser == ""
    assert info.os == ""
    assert info.device == "desktop"


def test_device_class_android_without_mobile_is_tablet() -> None:
    assert device_class("Mozilla/5.0 (Linux; Android 12; Tab)") == "tablet"


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (None, ""),
        (0, ""),
        (375, "Mobile"),
        (575, "Mobile"),
        (576, "Tablet"),
        (1024, "Laptop"),
        (1439, "Laptop"),
        (1440, "Desktop"),
        (3840, "Desktop"),
    ],
)
def test_screen_class(width: int | None, expected: str) -> None:
    assert screen_class(width) == expected
