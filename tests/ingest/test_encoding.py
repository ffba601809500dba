"""Content-Encoding handling: inflation is bounded, malformed data is a 400."""

from __future__ import annotations

import gzip
import zlib

import pytest

from footfall.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from footfall.ingest.encoding import content_coding, decode_content


@pytest.mark.parametrize(
    ("header", "coding"),
    [(None, b"identity"), (b"", b"identity"), (b" Identity ", b"identity"), (b"GZIP", b"gzip")],
)
def test_supported_codings(header: bytes | None, coding: bytes) -> None:
    assert content_coding(header) == coding


@pytest.mark.parametrize("header", [b"br", b"zstd", b"gzip, br", b"compress", b"x" * 500])
def test_other_codings_are_a_415_naming_the_supported_ones(header: bytes) -> None:
    with pytest.raises(UnsupportedMediaType, match="gzip, deflate or identity") as caught:
        content_coding(header)
    assert len(caught.value.message) < 200


def test_round_trips() -> None:
    body = b'{"n": "pageview"}'
    assert decode_content(body, b"identity", 10) == body  # identity is not re-checked here
    assert decode_content(gzip.compress(body), b"gzip", 100) == body
    assert decode_content(zlib.compress(body), b"deflate", 100) == body
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_content(raw.compress(body) + raw.flush(), b"deflate", 100) == body


def test_inflation_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"\0" * 200_000_000)
    with pytest.raises(PayloadTooLarge, match="decompressed"):
        decode_content(bomb, b"gzip", 32 * 1024)
    assert decode_content(gzip.compress(b"x" * 100), b"gzip", 100) == b"x" * 100
    with pytest.raises(PayloadTooLarge):
        decode_content(gzip.compress(b"x" * 101), b"gzip", 100)


@pytest.mark.parametrize(
    ("body", "coding"),
    [
        (b"", b"gzip"),
        (b"plain text", b"gzip"),
        (gzip.compress(b"{}")[:-3], b"gzip"),
        (gzip.compress(b"{}") + b"trailing", b"gzip"),
        (b"plain text", b"deflate"),
    ],
)
def test_malformed_compressed_data_is_a_400(body: bytes, coding: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        decode_content(body, coding, 1000)
    assert caught.value.code == "invalid_encoding"
