"""Site domain rules: what users may type and the canonical form we store."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from footfall.errors import ValidationFailed

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TIMEZONES = frozenset(available_timezones())


def normalize_domain(value: str, field: str = "domain") -> str:
    """Canonical domain: lower case, no scheme, path, port or leading "www."; 400 when invalid.

    A path prefix is kept when given ("example.com/blog"), so one host can hold several sites.
    """
    raw = value.strip().lower()
    raw = re.sub(r"^[a-z][a-z0-9+.-]*://", "", raw)
    host, _, path = raw.partition("/")
    host = host.split(":", 1)[0].rstrip(".")
    host = host.removeprefix("www.")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationFailed("Enter a valid domain such as example.com", field=field) from exc
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValidationFailed("Enter a valid domain such as example.com", field=field)
    path = path.strip("/")
    if path and not re.fullmatch(r"[a-z0-9._~\-/]{1,100}", path):
        raise ValidationFailed("The path after the domain has invalid characters", field=field)
    return f"{host}/{path}" if path else host


MAX_ORIGINS = 20


def normalize_origins(values: list[str], field: str = "allowed_origins") -> list[str]:
    """Canonical, de-duplicated origins such as https://shop.example.com:8443; 400 if invalid."""
    if len(values) > MAX_ORIGINS:
        raise ValidationFailed(f"At most {MAX_ORIGINS} origins", field=field)
    origins: list[str] = []
    for index, value in enumerate(values):
        match = re.fullmatch(r"(https?)://([^/:?#]+)(?::(\d{1,5}))?/?", value.strip().lower())
        if match is None:
            raise ValidationFailed(
                "An origin is scheme://host[:port], e.g. https://shop.example.com",
                field=f"{field}[{index}]",
            )
        scheme, host, port = match.groups()
        normalize_domain(host, field=f"{field}[{index}]")  # same host rules as a domain
        origin = f"{scheme}://{host}" + (f":{port}" if port else "")
        if origin not in origins:
            origins.append(origin)
    return origins


def check_timezone(value: str, field: str = "timezone") -> str:
    """The IANA timezone name, or a 400 naming the field."""
    if value not in _TIMEZONES:
        raise ValidationFailed(
            f"Unknown timezone {value[:64]!r}; use an IANA name such as Europe/Berlin",
            field=field,
        )
    return value
