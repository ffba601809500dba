from __future__ import annotations

import pytest

from footfall.enrich.bots import is_bot
from tests.conftest import CHROME_WINDOWS, FIREFOX_LINUX, GOOGLEBOT, SAFARI_IPHONE


@pytest.mark.parametrize("ua", [CHROME_WINDOWS, SAFARI_IPHONE, FIREFOX_LINUX])
def test_browsers_are_not_bots(ua: str) -> None:
    assert not is_bot(ua)


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "curl/8.5.0",
        "python-requests/2.32.3",
        GOOGLEBOT,
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36 Chrome-Lighthouse",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    ],
)
def test_bots_are_recognized(ua: str) -> None:
    assert is_bot(ua)


def test_pattern_list_catches_crawlers_the_quick_check_misses() -> None:
    # No "bot"/"crawl"/"spider" word: only the crawler-user-agents list knows this one.
    assert is_bot(
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)"
    )
