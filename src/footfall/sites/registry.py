"""In-memory map from tracked domain to site, read on every ingested event."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What ingestion and queries need to know about a site."""

    id: int
    domain: str
    timezone: str


def domain_key(domain: str) -> str:
    """The lookup form of a domain as a tracker sends it: trimmed, lower case, no "www."."""
    return domain.strip().lower().removeprefix("www.")


class SiteRegistry:
    """Sites by domain and by id; replaced wholesale on refresh, patched on local changes."""

    def __init__(self) -> None:
        self._by_domain: dict[str, SiteInfo] = {}
        self._by_id: dict[int, SiteInfo] = {}

    def replace_all(self, sites: Iterable[SiteInfo]) -> None:
        """Swap in a fresh list of every site."""
        by_id = {site.id: site for site in sites}
        self._by_id = by_id
        self._by_domain = {domain_key(site.domain): site for site in by_id.values()}

    def put(self, site: SiteInfo) -> None:
        """Add or update one site."""
        old = self._by_id.get(site.id)
        if old is not None:
            self._by_domain.pop(domain_key(old.domain), None)
        self._by_id[site.id] = site
        self._by_domain[domain_key(site.domain)] = site

    def remove(self, site_id: int) -> None:
        """Forget one site."""
        old = self._by_id.pop(site_id, None)
        if old is not None:
            self._by_domain.pop(domain_key(old.domain), None)

    def all(self) -> list[SiteInfo]:
        """Every known site."""
        return list(self._by_id.values())

    def get(self, site_id: int) -> SiteInfo | None:
        """The site with this id, if any."""
        return self._by_id.get(site_id)

    def resolve(self, domains: str) -> list[SiteInfo]:
        """The sites named by a tracker's data-domain (comma-separated for roll-ups)."""
        if "," not in domains:
            site = self._by_domain.get(domain_key(domains))
            return [site] if site else []
        found: dict[int, SiteInfo] = {}
        for part in domains.split(",")[:10]:
            site = self._by_domain.get(domain_key(part))
            if site is not None:
                found[site.id] = site
        return list(found.values())
