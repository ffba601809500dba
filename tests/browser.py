"""The system Chromium for browser tests (defined in bench/, which the CLI ships too)."""

from bench.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP_UA, VIEWPORT, chromium

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DESKTOP_UA", "VIEWPORT", "chromium"]
