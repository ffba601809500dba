"""The built tracker must stay within its gzipped byte budget."""

from __future__ import annotations

import gzip

from .conftest import TRACKER_JS, built_tracker

BUDGET = 2048  # bytes, gzip level 9


def test_tracker_gzipped_size_within_budget() -> None:
    code = built_tracker()
    size = len(gzip.compress(code, compresslevel=9))
    assert size <= BUDGET, f"{TRACKER_JS.name} is {size} bytes gzipped, budget is {BUDGET}"


def test_tracker_is_minified_iife() -> None:
    code = built_tracker().decode()
    assert code.startswith("(()=>{"), code[:40]
    assert "\n" not in code.strip()
    assert "footfall_ignore" in code
