"""The install snippet a site owner pastes into their pages."""

from __future__ import annotations

from html import escape


def tracker_snippet(public_url: str, domain: str) -> str:
    """The <script> tag for a site, pointing at this server."""
    src = escape(f"{public_url}/js/footfall.js", quote=True)
    return f'<script defer src="{src}" data-domain="{escape(domain, quote=True)}"></script>'
