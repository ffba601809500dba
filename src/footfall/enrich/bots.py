"""Recognizes crawlers, monitors, headless browsers and other non-human user agents."""

from __future__ import annotations

import re
from functools import lru_cache

import crawleruseragents

# Cheap first pass that catches the bulk of automated traffic before the full pattern list.
_OBVIOUS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|lighthouse|phantomjs|puppeteer|playwright|"
    r"selenium|python-requests|python-urllib|aiohttp|httpx|curl/|wget/|go-http-client|"
    r"java/|okhttp|libwww|scrapy|node-fetch|axios/|monitor|uptime|pingdom|preview|"
    r"facebookexternalhit|whatsapp|embedly|prerender",
    re.IGNORECASE,
)


@lru_cache(maxsize=16_384)
def is_bot(user_agent: str) -> bool:
    """Whether the user agent belongs to software rather than a person."""
    ua = user_agent.strip()
    if len(ua) < 12 or not ua.startswith(("Mozilla/", "Opera/")):
        return True
    if _OBVIOUS.search(ua):
        return True
    return bool(crawleruseragents.is_crawler(ua))
