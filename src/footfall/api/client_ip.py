"""Finds the visitor's IP address, trusting X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from footfall.settings import Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_ip(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The first untrusted address walking X-Forwarded-For from the right, or the peer itself.

    Walking from the right means a client cannot spoof its address by sending its own header:
    only hops appended by trusted proxies are skipped.
    """
    peer = _unmap(peer or "")
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        candidate = hop
        if candidate.startswith("[") and "]" in candidate:  # [v6]:port
            candidate = candidate[1 : candidate.index("]")]
        elif candidate.count(":") == 1:  # v4:port
            candidate = candidate.split(":", 1)[0]
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return peer
        if not _trusted(candidate, proxies):
            return _unmap(candidate)
    return _unmap(hops[0]) if hops else peer


def _unmap(address: str) -> str:
    """1.2.3.4 for ::ffff:1.2.3.4 (how dual-stack sockets report IPv4 peers)."""
    if address.startswith("::ffff:") and "." in address:
        return address[7:]
    return address
