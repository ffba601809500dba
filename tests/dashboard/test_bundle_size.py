"""The dashboard's first load stays small: everything index.html pulls in, gzipped, at most
250 KB (lazily imported chunks such as the world map are not part of the first load)."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.dashboard.support import APP_INDEX

BUDGET = 250 * 1024
APP_DIR = APP_INDEX.parent
# Static imports between chunks, as Vite writes them in minified output.
STATIC_IMPORT = re.compile(r"""(?:^|[;}\s])import\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+)["']""")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(str(a["src"]))
        if tag == "script" and not a.get("src"):
            raise AssertionError("index.html has an inline script (the CSP forbids them)")
        if tag == "link" and a.get("rel") in ("stylesheet", "modulepreload") and a.get("href"):
            self.refs.append(str(a["href"]))


def _local(ref: str) -> Path | None:
    if ref.startswith(("http:", "https:", "//", "data:")):
        return None
    return APP_DIR / ref.split("?")[0].lstrip("/")


def first_load_files() -> list[Path]:
    parser = _Refs()
    parser.feed(APP_INDEX.read_text())
    queue = [p for p in map(_local, parser.refs) if p is not None]
    seen: list[Path] = []
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        assert path.is_file(), f"index.html references a missing file: {path}"
        seen.append(path)
        if path.suffix == ".js":
            for spec in STATIC_IMPORT.findall(path.read_text()):
                if spec.startswith("."):
                    queue.append((path.parent / spec).resolve())
    return seen


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def test_first_load_is_at_most_250_kb_gzipped() -> None:
    if not APP_INDEX.is_file():
        pytest.fail(f"{APP_INDEX} is missing: run `cd dashboard && npm ci && npm run build`")
    files = first_load_files()
    assert any(f.suffix == ".js" for f in files)
    assert any(f.suffix == ".css" for f in files)
    sizes = {f.name: gzipped_size(f) for f in files}
    total = sum(sizes.values())
    assert total <= BUDGET, f"first load is {total / 1024:.1f} KB gzipped: {sizes}"


def test_the_world_map_is_not_part_of_the_first_load() -> None:
    if not APP_INDEX.is_file():
        pytest.fail(f"{APP_INDEX} is missing: run `cd dashboard && npm ci && npm run build`")
    names = {f.name for f in first_load_files()}
    lazy = [p for p in (APP_DIR / "assets").glob("*.js") if p.name not in names]
    assert any("WorldMap" in p.name for p in lazy), (names, lazy)
