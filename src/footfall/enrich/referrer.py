"""Referrer classification: a display referrer, a canonical source name and a source category.

The bundled data is read once, when this module is imported.

``data/referrers.json`` is a single JSON object:

- ``"hosts"``: ``{"host": {"name": "Google", "category": "search"}, ...}``. Hosts are lowercase
  and carry no ``www.``. An entry also covers every subdomain of its host (``facebook.com``
  covers ``l.facebook.com``); the longest matching host wins, so ``mail.google.com`` (Gmail)
  beats ``google.com`` (Google).
- ``"tld_generic"``: ``["google", "amazon", ...]``, registrable labels that exist under many
  country domains. When no host entry matches, a host whose label is one of these, followed by a
  public-suffix-shaped tail (one TLD such as ``.de``, or ``<sld>.<cc>`` such as ``.co.uk`` or
  ``.com.br``), is looked up again with that tail replaced by ``.com``: ``news.google.co.uk`` is
  looked up as ``news.google.com``. Every label therefore needs a ``<label>.com`` host entry.
  Host entries win over this rule, which is how ``yahoo.co.jp`` stays Yahoo Japan.
- ``"android_apps"``: ``{"package": {"name": ..., "category": ...}}`` for ``android-app://``
  referrers, which Android apps send instead of a web address.
- ``"utm_aliases"``: ``{"fb": "facebook.com", ...}``, utm_source shorthands resolved through
  ``"hosts"``. Keys are lowercase letters and digits only (see ``_name_key``).
- ``"email_sources"``: utm_source values of email service providers (``"mailchimp"``); they keep
  their own value as the source but get the ``email`` category.

``data/spam_referrers.txt`` lists referrer-spam hosts, one per line, ``#`` starting a comment; a
host also covers its subdomains.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

CATEGORIES: Final = frozenset({"search", "social", "email", "video", "shopping", "ai", "news", ""})
MAX_REFERRER_LEN: Final = 2_000
MAX_SOURCE_LEN: Final = 100
MAX_HOST_LEN: Final = 253

# The label before a country code in two-level public suffixes: .co.uk, .com.au, .ne.jp, .gob.mx.
_SECOND_LEVEL_LABELS: Final = frozenset({"co", "com", "net", "org", "ne", "or", "ac", "go", "gob"})
_GENERIC_TOP_LEVEL: Final = frozenset({"com", "net", "org"})
# Unknown hosts with one of these first labels are almost always webmail front ends.
_WEBMAIL_LABELS: Final = frozenset({"mail", "webmail", "owa"})
_BAD_HOST_CHARS: Final = re.compile(r"[\s/\\?#@<>\"'`{}|^%\x00-\x1f\x7f\ud800-\udfff]|\.\.")
# Control characters garble reports and lone surrogates cannot be stored as UTF-8.
_UNPRINTABLE: Final = dict.fromkeys([*range(0x20), 0x7F, *range(0xD800, 0xE000)])
_PACKAGE: Final = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
_EMAIL_WORDS: Final = re.compile(r"e[-_ ]?mail|newsletter|mailing|^mail$")


@dataclass(frozen=True, slots=True)
class ReferrerInfo:
    """Where a visit came from, as shown in reports."""

    referrer: str = ""
    source: str = ""
    category: str = ""


EMPTY: Final = ReferrerInfo()

Source = tuple[str, str]


def _read(name: str) -> str:
    return files("footfall.enrich").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _source(value: object, where: str) -> Source:
    if isinstance(value, dict):
        name, category = value.get("name"), value.get("category")
        if isinstance(name, str) and name and isinstance(category, str) and category in CATEGORIES:
            return name, category
    raise ValueError(f"referrers.json: bad source entry for {where!r}")


def _object(data: dict[str, object], section: str) -> dict[str, object]:
    value = data.get(section)
    if not isinstance(value, dict):
        raise ValueError(f"referrers.json: {section!r} must be an object")
    return value


def _strings(data: dict[str, object], section: str) -> frozenset[str]:
    value = data.get(section)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"referrers.json: {section!r} must be a list of strings")
    return frozenset(value)


@dataclass(frozen=True, slots=True)
class _Tables:
    hosts: Mapping[str, Source]
    android_apps: Mapping[str, Source]
    tld_generic: frozenset[str]
    utm_aliases: Mapping[str, str]
    email_sources: frozenset[str]
    spam_hosts: frozenset[str]


def _load() -> _Tables:
    data = json.loads(_read("referrers.json"))
    if not isinstance(data, dict):
        raise ValueError("referrers.json must hold an object")
    hosts = {host: _source(entry, host) for host, entry in _object(data, "hosts").items()}
    apps = {pkg: _source(entry, pkg) for pkg, entry in _object(data, "android_apps").items()}
    aliases = {alias: str(host) for alias, host in _object(data, "utm_aliases").items()}
    spam_lines = (
        line.split("#", 1)[0].strip().lower() for line in _read("spam_referrers.txt").splitlines()
    )
    return _Tables(
        hosts=MappingProxyType(hosts),
        android_apps=MappingProxyType(apps),
        tld_generic=_strings(data, "tld_generic"),
        utm_aliases=MappingProxyType(aliases),
        email_sources=_strings(data, "email_sources"),
        spam_hosts=frozenset(host.removeprefix("www.") for host in spam_lines if host),
    )


_TABLES: Final = _load()
HOSTS: Final = _TABLES.hosts
ANDROID_APPS: Final = _TABLES.android_apps
TLD_GENERIC: Final = _TABLES.tld_generic
UTM_ALIASES: Final = _TABLES.utm_aliases
EMAIL_SOURCES: Final = _TABLES.email_sources
SPAM_HOSTS: Final = _TABLES.spam_hosts


def _name_key(value: str) -> str:
    return _NON_ALNUM.sub("", value.lower())


def _build_names() -> Mapping[str, Source]:
    names: dict[str, Source] = {}
    for name, category in (*HOSTS.values(), *ANDROID_APPS.values()):
        names.setdefault(_name_key(name), (name, category))
    return MappingProxyType(names)


# Canonical names by their letters and digits, so "hackernews", "Hacker-News" find Hacker News.
_NAMES: Final = _build_names()


def _clean_host(host: str) -> str | None:
    """A lowercase host without "www." and trailing dot, or None when it is not a plausible host."""
    host = host.strip().lower().removeprefix("www.").rstrip(".")
    if not host or len(host) > MAX_HOST_LEN or host.startswith(".") or _BAD_HOST_CHARS.search(host):
        return None
    return host


def _host_of(value: str) -> str | None:
    """The cleaned host of a bare host (with optional port) or of an absolute URL."""
    value = value.strip()
    try:
        hostname = urlsplit(value if "://" in value else "//" + value).hostname
    except ValueError:
        return None
    return _clean_host(hostname) if hostname else None


def _match_host(host: str) -> Source | None:
    candidate = host
    while True:
        hit = HOSTS.get(candidate)
        if hit is not None:
            return hit
        _, dot, candidate = candidate.partition(".")
        if not dot:
            return None


def _is_suffix(labels: list[str]) -> bool:
    def country(label: str) -> bool:
        return len(label) == 2 and label.isascii() and label.isalpha()

    if len(labels) == 1:
        return labels[0] in _GENERIC_TOP_LEVEL or country(labels[0])
    return len(labels) == 2 and labels[0] in _SECOND_LEVEL_LABELS and country(labels[1])


def _generic_host(host: str) -> str | None:
    labels = host.split(".")
    for i, label in enumerate(labels[:-1]):
        if label in TLD_GENERIC and _is_suffix(labels[i + 1 :]):
            return ".".join([*labels[:i], f"{label}.com"])
    return None


def lookup_host(host: str) -> Source | None:
    """The (name, category) of a cleaned host from the bundled data, or None when unknown."""
    hit = _match_host(host)
    if hit is None and (generic := _generic_host(host)) is not None:
        hit = _match_host(generic)
    return hit


def _classify_app(package: str) -> ReferrerInfo:
    package = package.strip().lower()
    if not package or len(package) > MAX_HOST_LEN or not _PACKAGE.fullmatch(package):
        return EMPTY
    name, category = ANDROID_APPS.get(package, (package, ""))
    return ReferrerInfo(package, name[:MAX_SOURCE_LEN], category)


def _classify(referrer: str, own_hostname: str) -> ReferrerInfo:
    parts = urlsplit(referrer.strip())
    scheme = parts.scheme.lower()
    if scheme == "android-app":
        return _classify_app(parts.netloc)
    if scheme not in ("http", "https"):
        return EMPTY
    host = _clean_host(parts.hostname or "")
    if host is None or host == _host_of(own_hostname):
        return EMPTY
    path = parts.path.translate(_UNPRINTABLE).rstrip("/")
    hit = lookup_host(host)
    if hit is None:
        category = "email" if host.partition(".")[0] in _WEBMAIL_LABELS else ""
        hit = (host, category)
    name, category = hit
    return ReferrerInfo((host + path)[:MAX_REFERRER_LEN], name[:MAX_SOURCE_LEN], category)


@lru_cache(maxsize=8192)
def classify_referrer(referrer: str | None, own_hostname: str) -> ReferrerInfo:
    """Classify a raw Referer value; empty info when absent, malformed or internal navigation."""
    if not referrer:
        return EMPTY
    try:
        return _classify(referrer, own_hostname)
    except ValueError:  # urlsplit rejects some malformed netlocs (bad IPv6 brackets, NFKC tricks)
        return EMPTY


@lru_cache(maxsize=4096)
def source_from_utm(utm_source: str) -> tuple[str, str]:
    """The (canonical source, category) for a utm_source value; unknown values are kept as given."""
    value = utm_source.translate(_UNPRINTABLE).strip()
    if not value:
        return "", ""
    key = _name_key(value)
    alias = UTM_ALIASES.get(key)
    hit = lookup_host(alias) if alias is not None else None
    if hit is None and "." in value and " " not in value:
        host = _host_of(value)
        hit = lookup_host(host) if host is not None else None
    if hit is None:
        hit = _NAMES.get(key)
    if hit is not None:
        return hit[0][:MAX_SOURCE_LEN], hit[1]
    lowered = value.lower()
    provider = key in EMAIL_SOURCES or lowered.partition(".")[0] in EMAIL_SOURCES
    email = provider or bool(_EMAIL_WORDS.search(lowered))
    return value[:MAX_SOURCE_LEN], "email" if email else ""


@lru_cache(maxsize=4096)
def is_spam_referrer(host: str) -> bool:
    """True when the host, or a parent domain of it, is a known referrer-spam host."""
    candidate = _host_of(host)
    while candidate:
        if candidate in SPAM_HOSTS:
            return True
        candidate = candidate.partition(".")[2]
    return False
