"""GA4-style default channel grouping: one channel per visit from its source, category and UTM tags.

The rules are an ordered list; the first one that matches names the channel, and "Referral" is
the fallback. The order follows GA4's default channel group, with these deliberate differences:

- Paid click ids. ``paid_click_id`` is true when the landing URL carried ``gclid``, ``gbraid``,
  ``wbraid``, ``msclkid`` or ``dclid`` (``footfall.enrich.urls.PAID_CLICK_IDS``). Those ids are
  only ever added to ad clicks, so they make a visit paid even without a paid ``utm_medium``: a
  search, social, video or shopping source becomes its paid channel, no source at all becomes
  "Paid Search" (most such clicks are Google/Microsoft search ads whose referrer was stripped) and
  any other site becomes "Display" (an ad-network click on a publisher's page). ``fbclid`` is
  *not* a paid click id: Facebook appends it to every outbound link, organic posts included.
  ``ttclid`` (TikTok) and ``li_fat_id`` (LinkedIn) are left out too: the flag cannot say which
  network a click came from, so without a referrer they would be filed as "Paid Search"; such
  campaigns are classified by their UTM tags instead. ``srsltid`` marks organic Google Shopping
  results, so it is not paid either.
- Explicit non-paid mediums (email, affiliate, audio, sms, push) win over the organic source
  rules, so ``utm_source=facebook&utm_medium=email`` is "Email", not "Organic Social".
- Email also matches the ``email`` source category (webmail referrers, newsletter tools) and
  mediums that merely contain "email" or "newsletter".
- GA4's "Unassigned" does not exist here: anything unmatched, including unknown sources with no
  or an unknown medium, AI assistants and news aggregators, is "Referral".
- "Direct" needs no source, no utm_source, no utm_medium and no paid click id; a lone
  utm_campaign does not make a visit non-direct (except a cross-network campaign, checked first).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

CHANNELS: Final = (
    "Direct",
    "Organic Search",
    "Paid Search",
    "Organic Social",
    "Paid Social",
    "Email",
    "Affiliates",
    "Display",
    "Organic Video",
    "Paid Video",
    "Organic Shopping",
    "Paid Shopping",
    "Cross-network",
    "SMS",
    "Audio",
    "Mobile Push Notifications",
    "Paid Other",
    "Referral",
)

_PAID_MEDIUM: Final = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
_DISPLAY_MEDIUMS: Final = frozenset({"display", "banner", "expandable", "interstitial", "cpm"})
_EMAIL: Final = re.compile(r"e[-_ ]?mail|newsletter|^mail$")
_AFFILIATE_MEDIUMS: Final = frozenset({"affiliate", "affiliates"})
_PUSH_MEDIUM: Final = re.compile(r"push|mobile|notification")
_SOCIAL_MEDIUMS: Final = frozenset(
    {
        "social",
        "social-network",
        "social-media",
        "social_network",
        "social_media",
        "sm",
        "social network",
        "social media",
    }
)
_SHOPPING_CAMPAIGN: Final = re.compile(r"^(.*(([^a-df-z]|^)shop|shopping).*)$")
# GA4 writes these placeholders for "nothing"; treat them as empty.
_EMPTY_VALUES: Final = frozenset({"", "(none)", "(not set)", "(direct)"})


def _clean(value: str) -> str:
    value = value.strip().lower()
    return "" if value in _EMPTY_VALUES else value


@dataclass(frozen=True, slots=True)
class _Visit:
    source: str
    category: str
    medium: str
    utm_source: str
    campaign: str
    paid_click: bool

    @property
    def has_source(self) -> bool:
        return bool(self.source or self.utm_source)

    @property
    def paid(self) -> bool:
        return self.paid_click or bool(_PAID_MEDIUM.match(self.medium))

    @property
    def shopping(self) -> bool:
        return self.category == "shopping" or bool(_SHOPPING_CAMPAIGN.match(self.campaign))

    def source_is(self, name: str) -> bool:
        return name in (self.source, self.utm_source)


_Rule = tuple[str, Callable[[_Visit], bool]]

_RULES: Final[tuple[_Rule, ...]] = (
    ("Cross-network", lambda v: "cross-network" in v.campaign),
    ("Direct", lambda v: not v.has_source and not v.medium and not v.paid_click),
    ("Paid Shopping", lambda v: v.paid and v.shopping),
    ("Paid Search", lambda v: v.paid and v.category == "search"),
    ("Paid Social", lambda v: v.paid and v.category == "social"),
    ("Paid Video", lambda v: v.paid and v.category == "video"),
    ("Display", lambda v: v.medium in _DISPLAY_MEDIUMS),
    ("Paid Other", lambda v: bool(_PAID_MEDIUM.match(v.medium))),
    ("Paid Search", lambda v: v.paid_click and not v.has_source),
    ("Display", lambda v: v.paid_click),
    (
        "Email",
        lambda v: (
            v.category == "email"
            or bool(_EMAIL.search(v.medium))
            or bool(_EMAIL.search(v.utm_source))
        ),
    ),
    ("Affiliates", lambda v: v.medium in _AFFILIATE_MEDIUMS),
    ("Audio", lambda v: v.medium == "audio"),
    ("SMS", lambda v: v.medium == "sms" or v.source_is("sms")),
    (
        "Mobile Push Notifications",
        lambda v: bool(_PUSH_MEDIUM.search(v.medium)) or v.source_is("firebase"),
    ),
    ("Organic Shopping", lambda v: v.shopping),
    ("Organic Social", lambda v: v.category == "social" or v.medium in _SOCIAL_MEDIUMS),
    ("Organic Video", lambda v: v.category == "video" or "video" in v.medium),
    ("Organic Search", lambda v: v.category == "search" or v.medium == "organic"),
)


@lru_cache(maxsize=4096)
def channel_for(
    *,
    source: str,
    category: str,
    utm_medium: str,
    utm_source: str,
    utm_campaign: str,
    paid_click_id: bool,
) -> str:
    """The default channel of a visit; one of CHANNELS, "Referral" when no other rule matches."""
    visit = _Visit(
        source=_clean(source),
        category=category.strip().lower(),
        medium=_clean(utm_medium),
        utm_source=_clean(utm_source),
        campaign=utm_campaign.strip().lower(),
        paid_click=paid_click_id,
    )
    for channel, matches in _RULES:
        if matches(visit):
            return channel
    return "Referral"
