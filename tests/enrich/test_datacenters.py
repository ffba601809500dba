"""Datacenter address ranges: the shipped list, an operator's extra file, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from footfall.enrich.datacenters import (
    AddressRanges,
    bundled_ranges,
    datacenter_ranges,
    is_datacenter,
    parse_ranges,
)
from tests.conftest import IP_DE, IP_FR, IP_GB, IP_US


@pytest.mark.parametrize(
    "address",
    [
        "3.120.10.20",  # AWS
        "54.230.1.1",  # AWS
        "34.90.1.1",  # Google Cloud
        "20.50.1.1",  # Azure
        "167.99.10.10",  # DigitalOcean
        "95.217.1.1",  # Hetzner
        "51.68.1.1",  # OVHcloud
        "2a01:4f8:1:2::3",  # Hetzner IPv6
        "2600:1f18::1",  # AWS IPv6
        "::ffff:3.120.10.20",  # IPv4-mapped
    ],
)
def test_known_cloud_addresses(address: str) -> None:
    assert is_datacenter(address)


@pytest.mark.parametrize(
    "address",
    [IP_DE, IP_US, IP_GB, IP_FR, "127.0.0.1", "10.0.0.1", "::1", "", "not an ip", "2001:db8::1"],
)
def test_other_addresses(address: str) -> None:
    assert not is_datacenter(address)


def test_the_shipped_list_is_small_and_valid() -> None:
    networks = bundled_ranges()
    assert 50 < len(networks) < 1000
    assert all(net.prefixlen <= 24 if net.version == 4 else net.prefixlen <= 48 for net in networks)


def test_overlapping_and_adjacent_ranges_merge() -> None:
    ranges = AddressRanges(parse_ranges(["10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25 # x", ""]))
    assert len(ranges) == 1
    assert ranges.contains("10.0.1.255")
    assert not ranges.contains("10.0.2.0")
    assert not ranges.contains("9.255.255.255")


def test_an_operator_file_adds_ranges(tmp_path: Path) -> None:
    extra = tmp_path / "ranges.txt"
    extra.write_text("# our own\n198.51.100.0/24\n")
    ranges = datacenter_ranges(extra)
    assert ranges.contains("198.51.100.7")
    assert ranges.contains("3.120.10.20")
    assert not datacenter_ranges().contains("198.51.100.7")
