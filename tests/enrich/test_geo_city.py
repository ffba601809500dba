"""The optional city database: region and city from an operator-provided .mmdb file."""

from __future__ import annotations

from pathlib import Path

from mmdb_writer import MMDBWriter
from netaddr import IPSet

from footfall.enrich.geo import GeoLocator, Place


def write_city_db(path: Path) -> None:
    writer = MMDBWriter(ip_version=6, database_type="GeoLite2-City", ipv4_compatible=True)
    writer.insert_network(
        IPSet(["85.214.0.0/16"]),
        {
            "country": {"iso_code": "DE"},
            "subdivisions": [{"iso_code": "BE"}],
            "city": {"names": {"en": "Berlin", "de": "Berlin"}},
        },
    )
    writer.to_db_file(str(path))


def test_city_database_adds_region_and_city(tmp_path: Path) -> None:
    db = tmp_path / "cities.mmdb"
    write_city_db(db)
    locator = GeoLocator(db)
    assert locator.locate("85.214.132.117") == Place("DE", "DE-BE", "Berlin")
    # Addresses the city file does not know fall back to the bundled country table.
    assert locator.locate("8.8.8.8") == Place("US", "", "")
    assert locator.locate("10.0.0.1") == Place()
    assert locator.locate("not an ip") == Place()
