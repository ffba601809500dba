"""Splits an event URL into hostname, path, query-less URL, UTM tags and paid-click markers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

MAX_PATH = 2_000
MAX_TAG = 300
PAID_CLICK_IDS = frozenset({"gclid", "gbraid", "wbraid", "msclkid", "dclid"})


@dataclass(frozen=True, slots=True)
class PageUrl:
    """The parts of a page URL that analytics reports on."""

    hostname: str
    pathname: str
    url: str
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    utm_term: str = ""
    ref: str = ""
    paid_click: bool = False


def _printable(text: str) -> str:
    """Percent-encoded NUL bytes decode to NUL characters, which no report should show."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


@lru_cache(maxsize=8192)
def parse_page_url(url: str, *, hash_mode: bool = False) -> PageUrl | None:
    """The parts of an absolute http(s) URL, or None when it has no usable host."""
    try:
        parts = urlsplit(url)
        hostname = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    hostname = hostname.removeprefix("www.")
    path = unquote(parts.path or "/", errors="replace") or "/"
    if hash_mode and parts.fragment:
        path = f"{path}#{unquote(parts.fragment, errors='replace')}"
    path = _printable(path[:MAX_PATH])
    tags: dict[str, str] = {}
    paid = False
    if parts.query:
        for key, value in parse_qsl(parts.query, keep_blank_values=False):
            lowered = key.lower()
            if lowered in PAID_CLICK_IDS:
                paid = True
            elif lowered.startswith("utm_") or lowered in ("ref", "source"):
                tags.setdefault(lowered, _printable(value.strip()[:MAX_TAG]))
    return PageUrl(
        hostname=hostname,
        pathname=path,
        url=f"{hostname}{path}",
        utm_source=tags.get("utm_source", ""),
        utm_medium=tags.get("utm_medium", ""),
        utm_campaign=tags.get("utm_campaign", ""),
        utm_content=tags.get("utm_content", ""),
        utm_term=tags.get("utm_term", ""),
        ref=tags.get("ref") or tags.get("source", ""),
        paid_click=paid,
    )
