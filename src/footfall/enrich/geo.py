"""IP address → country (bundled offline database), and region and city from an .mmdb file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from geoip2fast import GeoIP2Fast


@dataclass(frozen=True, slots=True)
class Place:
    """Where an IP address is: ISO country code, ISO region code, city name."""

    country: str = ""
    region: str = ""
    city: str = ""


NOWHERE = Place()
IPV6_DATA = "geoip2fast-ipv6.dat.gz"


class GeoLocator:
    """Looks up places; the raw IP is used here and never kept."""

    def __init__(self, city_db: Path | None = None) -> None:
        # The IPv4 table costs ~37 MB; the IPv6 one (which covers IPv4 too) ~57 MB, so it is
        # loaded only once the first IPv6 visitor arrives.
        self._countries = GeoIP2Fast(verbose=False)
        self._has_ipv6 = False
        self._cities: Any = None
        # Consecutive events of a visit share an address; a small in-memory cache (never
        # persisted, evicted within seconds under load) saves re-parsing it for each.
        self._locate = lru_cache(maxsize=4096)(self._lookup)
        if city_db is not None:
            import maxminddb

            self._cities = maxminddb.open_database(str(city_db))

    def locate(self, ip: str) -> Place:
        """The place of an IP address; empty for private, loopback or unknown addresses."""
        return self._locate(ip)

    def _lookup(self, ip: str) -> Place:
        if self._cities is not None:
            place = _from_mmdb(self._city_record(ip))
            if place.country:
                return place
        if ":" in ip and not self._has_ipv6:
            self._countries = GeoIP2Fast(verbose=False, geoip2fast_data_file=IPV6_DATA)
            self._has_ipv6 = True
        # The bundled database answers "--" for private and reserved ranges, "" for garbage.
        result = self._countries.lookup(ip)
        code = getattr(result, "country_code", "") or ""
        return Place(country=code) if len(code) == 2 and code != "--" else NOWHERE

    def _city_record(self, ip: str) -> Any:
        try:
            return self._cities.get(ip)
        except ValueError:  # not an IP address
            return None


def _from_mmdb(record: Any) -> Place:
    if not isinstance(record, dict):
        return NOWHERE
    country = (record.get("country") or {}).get("iso_code", "") or ""
    subdivisions = record.get("subdivisions") or []
    region = ""
    if subdivisions and subdivisions[0].get("iso_code") and country:
        region = f"{country}-{subdivisions[0]['iso_code']}"
    city = ((record.get("city") or {}).get("names") or {}).get("en", "") or ""
    return Place(country=country, region=region, city=city)
