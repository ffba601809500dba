"""Footfall: privacy-first, real-time web and conversion analytics."""

__version__ = "0.1.0"
