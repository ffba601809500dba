"""The cookieless visitor id: a keyed hash of (daily salt, site, IP, user agent)."""

from __future__ import annotations

import hashlib
from typing import Any

_keyed: dict[bytes, Any] = {}


def visitor_hash(salt: bytes, site_id: int, ip: str, user_agent: str) -> int:
    """A 64-bit visitor id; unlinkable across days because the salt rotates daily."""
    base = _keyed.get(salt)
    if base is None:
        if len(_keyed) > 8:  # only a few salts are ever live
            _keyed.clear()
        base = _keyed[salt] = hashlib.blake2b(digest_size=8, key=salt)
    hasher = base.copy()  # cheaper than keying a new hasher for every event
    hasher.update(f"{site_id}\x00{ip}\x00{user_agent}".encode("utf-8", "replace"))
    # Zero is reserved for "no visitor" in the stores.
    return int.from_bytes(hasher.digest(), "big") or 1
