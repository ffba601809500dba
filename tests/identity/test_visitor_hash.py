from __future__ import annotations

from footfall.identity.visitor_hash import visitor_hash

SALT_A = b"a" * 32
SALT_B = b"b" * 32


def test_same_inputs_same_visitor() -> None:
    assert visitor_hash(SALT_A, 1, "1.2.3.4", "UA") == visitor_hash(SALT_A, 1, "1.2.3.4", "UA")


def test_each_input_changes_the_visitor() -> None:
    base = visitor_hash(SALT_A, 1, "1.2.3.4", "UA")
    assert visitor_hash(SALT_B, 1, "1.2.3.4", "UA") != base
    assert visitor_hash(SALT_A, 2, "1.2.3.4", "UA") != base
    assert visitor_hash(SALT_A, 1, "1.2.3.5", "UA") != base
    assert visitor_hash(SALT_A, 1, "1.2.3.4", "UA2") != base


def test_fits_in_uint64_and_is_never_zero() -> None:
    for i in range(1000):
        value = visitor_hash(SALT_A, 1, f"10.0.{i // 250}.{i % 250}", "UA")
        assert 0 < value < 2**64


def test_fields_cannot_be_shifted_into_each_other() -> None:
    # A separator keeps ("1.2.3.4", "5UA") and ("1.2.3.45", "UA") apart.
    assert visitor_hash(SALT_A, 1, "1.2.3.4", "5UA") != visitor_hash(SALT_A, 1, "1.2.3.45", "UA")
