from __future__ import annotations

import pytest

from footfall.enrich.geo import NOWHERE, GeoLocator
from tests.conftest import IP_DE, IP_FR, IP_GB, IP_US


@pytest.fixture(scope="module")
def locator() -> GeoLocator:
    return GeoLocator()


@pytest.mark.parametrize(
    ("ip", "country"),
    [(IP_DE, "DE"), (IP_US, "US"), (IP_GB, "GB"), (IP_FR, "FR"), ("2001:4860:4860::8888", "US")],
)
def test_country_from_bundled_database(locator: GeoLocator, ip: str, country: str) -> None:
    assert locator.locate(ip).country == country


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "::1", "fe80::1", "", "x"])
def test_private_or_invalid_addresses_have_no_place(locator: GeoLocator, ip: str) -> None:
    assert locator.locate(ip) == NOWHERE
