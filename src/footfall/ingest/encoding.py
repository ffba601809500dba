"""Content-Encoding of ingestion bodies: identity, gzip and deflate, inflated within a limit.

Server-side SDKs often compress what they send. A compressed body is inflated only up to the
same limit an uncompressed one has, so a "gzip bomb" (a few KB that inflate to gigabytes)
costs at most that many bytes of memory and the CPU to produce them, and gets a 413.
"""

from __future__ import annotations

import zlib

from footfall.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

# zlib window bits: gzip framing only; zlib or gzip framing, detected from the header.
_GZIP = 16 + zlib.MAX_WBITS
_ZLIB_OR_GZIP = 32 + zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS
SUPPORTED = (b"gzip", b"x-gzip", b"deflate", b"identity")


def content_coding(header: bytes | None) -> bytes:
    """The one coding a Content-Encoding header names; 415 for anything unsupported."""
    coding = (header or b"").strip().lower()
    if coding in (b"", b"identity"):
        return b"identity"
    if coding in SUPPORTED:
        return coding
    shown = coding[:40].decode("latin-1")
    raise UnsupportedMediaType(
        f"Content-Encoding {shown!r} is not supported; send gzip, deflate or identity",
        headers={"Connection": "close"},
    )


def decode_content(body: bytes, coding: bytes, limit: int) -> bytes:
    """The body with its content coding removed, never inflating past `limit` bytes."""
    if coding == b"identity":
        return body
    if coding == b"deflate":
        # "deflate" means zlib framing, but some clients send raw deflate streams.
        try:
            return _inflate(body, _ZLIB_OR_GZIP, limit)
        except zlib.error:
            return _inflate_or_400(body, _RAW_DEFLATE, limit)
    return _inflate_or_400(body, _GZIP, limit)


def _inflate_or_400(body: bytes, wbits: int, limit: int) -> bytes:
    try:
        return _inflate(body, wbits, limit)
    except zlib.error as exc:
        raise ValidationFailed(
            f"The body is not valid {'gzip' if wbits == _GZIP else 'deflate'} data",
            code="invalid_encoding",
        ) from exc


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"The decompressed body is larger than {limit} bytes")
    if not inflater.eof:
        raise ValidationFailed("The compressed body is truncated", code="invalid_encoding")
    if inflater.unused_data.strip(b"\x00"):
        # Concatenated gzip members are legal but no client sends them; refuse, don't guess.
        raise ValidationFailed("Unexpected data after the compressed body", code="invalid_encoding")
    return out
