from __future__ import annotations

import ipaddress

import pytest

from footfall.api.client_ip import client_ip

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
PROXIES = (*LOOPBACK, ipaddress.ip_network("10.0.0.0/8"))


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("203.0.113.9", None, "203.0.113.9"),
        # An untrusted peer cannot pick its own address.
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        ("127.0.0.1", "1.2.3.4", "1.2.3.4"),
        # Spoofed leftmost hops are ignored: the first untrusted hop from the right wins.
        ("127.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.5", "1.2.3.4"),
        ("127.0.0.1", "1.2.3.4:5678", "1.2.3.4"),
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ("127.0.0.1", "not-an-ip", "127.0.0.1"),
        ("127.0.0.1", "10.0.0.5", "10.0.0.5"),
        (None, None, ""),
        ("::ffff:203.0.113.9", None, "203.0.113.9"),
        ("::ffff:127.0.0.1", "::ffff:1.2.3.4", "1.2.3.4"),
    ],
)
def test_client_ip(peer: str | None, header: str | None, expected: str) -> None:
    assert client_ip(peer, header, PROXIES) == expected
