"""Recognizes addresses of datacenters and cloud hosts: their traffic is servers, not visitors.

``data/datacenter_ranges.txt`` lists CIDR blocks, one per line, ``#`` starting a comment; an
operator's own file in the same format can be added (FOOTFALL_DATACENTER_RANGES_FILE).
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path


def parse_ranges(lines: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The CIDR blocks of a range list (comments and blank lines skipped)."""
    networks = []
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if text:
            networks.append(ipaddress.ip_network(text, strict=False))
    return networks


class AddressRanges:
    """A set of address blocks answering membership by binary search."""

    def __init__(self, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> None:
        # Per family: sorted, merged [start, end] integer intervals.
        self._starts: dict[int, list[int]] = {4: [], 6: []}
        self._ends: dict[int, list[int]] = {4: [], 6: []}
        by_family: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
        for net in networks:
            by_family[net.version].append((int(net.network_address), int(net.broadcast_address)))
        for family, spans in by_family.items():
            for start, end in sorted(spans):
                ends = self._ends[family]
                if ends and start <= ends[-1] + 1:
                    ends[-1] = max(ends[-1], end)
                else:
                    self._starts[family].append(start)
                    ends.append(end)
        self.contains = lru_cache(maxsize=16_384)(self._contains)

    def _contains(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        value = int(ip)
        starts = self._starts[ip.version]
        index = bisect_right(starts, value) - 1
        return index >= 0 and value <= self._ends[ip.version][index]

    def __len__(self) -> int:
        return len(self._starts[4]) + len(self._starts[6])


def bundled_ranges() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The shipped datacenter list."""
    text = files("footfall.enrich").joinpath("data/datacenter_ranges.txt").read_text("utf-8")
    return parse_ranges(text.splitlines())


def datacenter_ranges(extra_file: Path | None = None) -> AddressRanges:
    """The shipped list, plus an operator's file when given."""
    networks = bundled_ranges()
    if extra_file is not None:
        networks += parse_ranges(extra_file.read_text("utf-8").splitlines())
    return AddressRanges(networks)


_DEFAULT: AddressRanges | None = None


def is_datacenter(address: str) -> bool:
    """Whether the address belongs to the shipped datacenter list."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = datacenter_ranges()
    return _DEFAULT.contains(address)
