"""Decodes and validates event bodies: Plausible's Events API plus Footfall's own fields.

Both long keys (`name`, `url`, ...) and the short keys trackers send (`n`, `u`, ...) are read.
Every rejection names the offending field, prefixed with the array index in a batch.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import msgspec

from footfall.errors import ValidationFailed

MAX_EVENT_BODY = 32 * 1024
MAX_BATCH_BODY = 512 * 1024
MAX_BATCH_EVENTS = 100
MAX_NAME = 120
MAX_URL = 2_000
MAX_DOMAIN = 1_000
MAX_REFERRER = 8_192
MAX_PROPS = 30
MAX_PROP_KEY = 300
MAX_PROP_VALUE = 2_000
MAX_EVENT_ID = 64
MAX_ENGAGED_MS = 24 * 3600 * 1000
MAX_REVENUE = Decimal("1e12")
# Element fields are free text from the page; long ones are cut, not rejected (documented).
ELEMENT_LIMITS = {"tag": 32, "text": 200, "selector": 500, "href": 2_000}

_decoder = msgspec.json.Decoder()
# A \uD800-\uDFFF escape not followed by its partner's escape.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


@dataclass(slots=True)
class Revenue:
    """A purchase amount in a currency."""

    amount: Decimal
    currency: str


@dataclass(slots=True)
class Element:
    """The page element a click event came from."""

    tag: str = ""
    text: str = ""
    selector: str = ""
    href: str = ""


@dataclass(slots=True)
class IncomingEvent:
    """One validated event as the client described it, before enrichment."""

    name: str
    url: str
    domain: str
    referrer: str = ""
    props: dict[str, str] = field(default_factory=dict)
    revenue: Revenue | None = None
    interactive: bool = True
    scroll_depth: int | None = None
    engaged_ms: int = 0
    element: Element | None = None
    event_id: str = ""
    screen_width: int | None = None
    hash_mode: bool = False


def decode_json(body: bytes) -> Any:
    """Parse JSON bytes; malformed JSON or invalid UTF-8 is a 400."""
    if not body.strip():
        raise ValidationFailed("Request body is empty", code="invalid_json")
    try:
        return _decoder.decode(body)
    except UnicodeDecodeError as exc:
        raise ValidationFailed("Body is not valid UTF-8", code="invalid_json") from exc
    except RecursionError as exc:
        raise ValidationFailed("JSON is nested too deeply", code="invalid_json") from exc
    except msgspec.DecodeError as exc:
        if _LONE_SURROGATE.search(body):
            # msgspec's own words for these ("input data was truncated") mislead.
            message = "JSON holds a \\u escape of a lone UTF-16 surrogate (not valid Unicode)"
        else:
            message = f"Malformed JSON: {exc}"
        raise ValidationFailed(message, code="invalid_json") from exc


def parse_event(data: Any, prefix: str = "") -> IncomingEvent:
    """Validate one event object (error field paths are built only on error: a hot path)."""
    if not isinstance(data, dict):
        raise ValidationFailed("Expected a JSON object", field=prefix or None)
    fields = _long_keys(data)
    name = _text(fields, "name", MAX_NAME, prefix, required=True)
    url = _text(fields, "url", MAX_URL, prefix, required=True)
    if not _is_web_url(url):
        raise ValidationFailed("url must be an absolute http(s) URL", field=_at(prefix, "url"))
    get = fields.get
    props, revenue, scroll, element = (
        get("props"),
        get("revenue"),
        get("scroll_depth"),
        get("element"),
    )
    return IncomingEvent(
        name=name,
        url=url,
        domain=_text(fields, "domain", MAX_DOMAIN, prefix, required=True),
        referrer=_text(fields, "referrer", MAX_REFERRER, prefix),
        props=_props(props, _at(prefix, "props")) if props not in (None, "") else {},
        revenue=_revenue(revenue, _at(prefix, "revenue")) if revenue is not None else None,
        interactive=_boolean(fields, "interactive", prefix, default=True),
        scroll_depth=(
            _scroll_depth(scroll, _at(prefix, "scroll_depth")) if scroll is not None else None
        ),
        engaged_ms=_integer(fields, "engaged_ms", 0, MAX_ENGAGED_MS, prefix) or 0,
        element=_element(element, _at(prefix, "element")) if element is not None else None,
        event_id=_text(fields, "id", MAX_EVENT_ID, prefix),
        screen_width=_integer(fields, "screen_width", 0, 100_000, prefix),
        hash_mode=_boolean(fields, "hash", prefix, default=False),
    )


# The short keys trackers send, and the long names they stand for.
SHORT_KEYS = {
    "n": "name",
    "u": "url",
    "d": "domain",
    "r": "referrer",
    "p": "props",
    "$": "revenue",
    "i": "interactive",
    "sd": "scroll_depth",
    "e": "engaged_ms",
    "el": "element",
    "w": "screen_width",
    "h": "hash",
}


def _long_keys(data: dict[str, Any]) -> dict[str, Any]:
    """The event's fields under their long names. A long key's value wins over its short
    twin's; null counts as not given."""
    fields: dict[str, Any] = {}
    for key, value in data.items():
        name = SHORT_KEYS.get(key, key)
        if value is None:
            fields.setdefault(name, None)
        elif key == name or fields.get(name) is None:
            fields[name] = value
    return fields


@lru_cache(maxsize=8192)
def _is_web_url(url: str) -> bool:
    if not url[:8].lower().startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def parse_batch(data: Any) -> tuple[list[IncomingEvent], list[dict[str, Any]]]:
    """Validate a JSON array of events: the valid ones, and a report on each invalid one.

    One malformed custom event must not cost the pageview sent beside it, so invalid items are
    rejected one by one (and reported); only a batch with no valid event at all is a 400.
    """
    if not isinstance(data, list):
        raise ValidationFailed("Expected a JSON array of events", code="invalid_batch")
    if not data:
        raise ValidationFailed("The batch is empty", code="invalid_batch")
    if len(data) > MAX_BATCH_EVENTS:
        raise ValidationFailed(
            f"A batch holds at most {MAX_BATCH_EVENTS} events, got {len(data)}",
            code="batch_too_long",
        )
    events: list[IncomingEvent] = []
    rejected: list[dict[str, Any]] = []
    first_error: ValidationFailed | None = None
    for index, item in enumerate(data):
        try:
            events.append(parse_event(item, f"[{index}]"))
        except ValidationFailed as exc:
            first_error = first_error or exc
            rejected.append({"index": index, **exc.body()["error"]})
    if not events and first_error is not None:
        raise first_error
    return events, rejected


def _at(prefix: str, key: str) -> str:
    """The field path of a key, inside a batch item when `prefix` is set."""
    return f"{prefix}.{key}" if prefix else key


def _text(
    fields: dict[str, Any],
    key: str,
    limit: int,
    prefix: str,
    *,
    required: bool = False,
) -> str:
    value = fields.get(key)
    if value is None or value == "":
        if required:
            raise ValidationFailed(f"{key} is required", field=_at(prefix, key))
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{key} must be a string", field=_at(prefix, key))
    if len(value) > limit:
        raise ValidationFailed(f"{key} is longer than {limit} characters", field=_at(prefix, key))
    value = value.strip()
    if value.isascii() and "\x00" not in value:
        return value
    return check_text(value, _at(prefix, key))


def _boolean(fields: dict[str, Any], key: str, prefix: str, *, default: bool) -> bool:
    value = fields.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValidationFailed(f"{key} must be true or false", field=_at(prefix, key))


def _integer(fields: dict[str, Any], key: str, low: int, high: int, prefix: str) -> int | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{key} must be a number", field=_at(prefix, key))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationFailed(f"{key} must be a finite number", field=_at(prefix, key))
        value = round(value)
    if not low <= value <= high:
        raise ValidationFailed(f"{key} must be between {low} and {high}", field=_at(prefix, key))
    return value


def check_text(value: str, where: str) -> str:
    """Reject strings that cannot be stored as UTF-8 (lone surrogates) or hold NUL bytes."""
    if value.isascii():
        if "\x00" in value:
            raise ValidationFailed("Text must not contain NUL characters", field=where)
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationFailed("Text is not valid Unicode", field=where) from exc
    if "\x00" in value:
        raise ValidationFailed("Text must not contain NUL characters", field=where)
    return value


def _props(value: Any, where: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        # Plausible's legacy trackers send props as a JSON-encoded string.
        try:
            value = decode_json(value.encode("utf-8", "surrogatepass"))
        except ValidationFailed as exc:
            raise ValidationFailed(f"props: {exc.message}", field=where) from exc
    if not isinstance(value, dict):
        raise ValidationFailed("props must be an object of strings", field=where)
    if len(value) > MAX_PROPS:
        raise ValidationFailed(f"props holds at most {MAX_PROPS} keys", field=where)
    props: dict[str, str] = {}
    for key, raw in value.items():
        key_where = f"{where}.{key[:50]}"
        if not key or len(key) > MAX_PROP_KEY:
            raise ValidationFailed(
                f"prop keys must be 1 to {MAX_PROP_KEY} characters", field=key_where
            )
        check_text(key, key_where)
        if raw is None:
            continue
        if isinstance(raw, bool):
            text = "true" if raw else "false"
        elif isinstance(raw, int | str):
            text = str(raw)
        elif isinstance(raw, float) and math.isfinite(raw):
            text = repr(raw)
        else:
            raise ValidationFailed(
                "prop values must be strings, numbers or booleans", field=key_where
            )
        if len(text) > MAX_PROP_VALUE:
            raise ValidationFailed(
                f"prop values are at most {MAX_PROP_VALUE} characters", field=key_where
            )
        props[key] = check_text(text, key_where)
    return props


def _revenue(value: Any, where: str) -> Revenue | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed("revenue must be an object {amount, currency}", field=where)
    raw_amount, currency = value.get("amount"), value.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise ValidationFailed(
            "currency must be a three-letter ISO 4217 code", field=f"{where}.currency"
        )
    if isinstance(raw_amount, bool) or not isinstance(raw_amount, int | float | str):
        raise ValidationFailed("amount must be a number", field=f"{where}.amount")
    try:
        amount = Decimal(str(raw_amount))
    except InvalidOperation as exc:
        raise ValidationFailed("amount must be a number", field=f"{where}.amount") from exc
    if not amount.is_finite() or abs(amount) >= MAX_REVENUE:
        raise ValidationFailed("amount is out of range", field=f"{where}.amount")
    return Revenue(amount=amount.quantize(Decimal("0.0001")), currency=currency.upper())


def _scroll_depth(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationFailed("scroll_depth must be a number from 0 to 100", field=where)
    if value < 0 or value > 1000:
        raise ValidationFailed("scroll_depth must be a number from 0 to 100", field=where)
    # Browsers round into 101% on zoomed pages; that is still "the bottom".
    return min(100, round(value))


def _element(value: Any, where: str) -> Element | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed("element must be an object", field=where)
    element = Element()
    for long, short in (("tag", "t"), ("text", "x"), ("selector", "s"), ("href", "h")):
        raw = value.get(long, value.get(short))
        if raw is None:
            continue
        if not isinstance(raw, str):
            raise ValidationFailed(f"element.{long} must be a string", field=f"{where}.{long}")
        setattr(element, long, check_text(raw.strip()[: ELEMENT_LIMITS[long]], f"{where}.{long}"))
    return element
