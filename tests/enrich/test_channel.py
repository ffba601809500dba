"""Tests for the default channel grouping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footfall.enrich.channel import CHANNELS, channel_for
from footfall.enrich.referrer import CATEGORIES, classify_referrer, source_from_utm


def channel(
    source: str = "",
    category: str = "",
    medium: str = "",
    utm_source: str = "",
    campaign: str = "",
    paid: bool = False,
) -> str:
    return channel_for(
        source=source,
        category=category,
        utm_medium=medium,
        utm_source=utm_source,
        utm_campaign=campaign,
        paid_click_id=paid,
    )


# (expected channel, source, category, medium, utm_source, campaign, paid click id)
CASES = [
    # Direct: nothing at all, or GA4 placeholders for nothing
    ("Direct", "", "", "", "", "", False),
    ("Direct", "", "", "(none)", "", "", False),
    ("Direct", "", "", "(not set)", "(direct)", "", False),
    ("Direct", "", "", "", "", "spring-sale", False),
    # Cross-network wins over everything, even a paid search source
    ("Cross-network", "Google", "search", "cpc", "google", "pmax cross-network", True),
    ("Cross-network", "", "", "", "", "Cross-Network Q3", False),
    # Paid Shopping: shopping source or shopping campaign, with a paid signal
    ("Paid Shopping", "Amazon", "shopping", "cpc", "amazon", "", False),
    ("Paid Shopping", "Google", "search", "cpc", "google", "Shopping - all products", False),
    ("Paid Shopping", "Google", "search", "ppc", "google", "eshop-brand", False),
    ("Paid Shopping", "Amazon", "shopping", "", "", "", True),
    # Paid Search
    ("Paid Search", "Google", "search", "cpc", "google", "", False),
    ("Paid Search", "Bing", "search", "PPC", "bing", "", False),
    ("Paid Search", "Google", "search", "paidsearch", "google", "", False),
    ("Paid Search", "Google", "search", "cpm", "google", "", False),
    ("Paid Search", "Google", "search", "", "", "", True),
    ("Paid Search", "", "", "", "", "", True),
    ("Paid Search", "Google", "search", "cpc", "google", "workshop-signup", False),
    # Paid Social
    ("Paid Social", "Facebook", "social", "paid_social", "facebook", "", False),
    ("Paid Social", "LinkedIn", "social", "cpc", "linkedin", "", False),
    ("Paid Social", "Reddit", "social", "retargeting", "reddit", "", False),
    ("Paid Social", "Facebook", "social", "", "", "", True),
    # Paid Video
    ("Paid Video", "YouTube", "video", "cpv", "youtube", "", False),
    ("Paid Video", "YouTube", "video", "", "", "", True),
    # Display
    ("Display", "partner.example", "", "display", "partner.example", "", False),
    ("Display", "", "", "banner", "", "", False),
    ("Display", "", "", "Interstitial", "", "", False),
    ("Display", "ads.example", "", "cpm", "ads.example", "", False),
    ("Display", "news-site.example", "", "", "", "", True),
    ("Display", "Google Ads", "", "", "", "", True),
    ("Display", "Gmail", "email", "", "", "", True),
    # Paid Other
    ("Paid Other", "partner.example", "", "cpc", "partner.example", "", False),
    ("Paid Other", "", "", "paid", "", "", False),
    ("Paid Other", "ChatGPT", "ai", "cpc", "chatgpt.com", "", False),
    # Email: medium, utm_source spelling or email category
    ("Email", "newsletter", "email", "email", "newsletter", "", False),
    ("Email", "weekly", "", "E-Mail", "weekly", "", False),
    ("Email", "weekly", "", "e_mail", "weekly", "", False),
    ("Email", "weekly", "", "e mail", "weekly", "", False),
    ("Email", "acme", "", "newsletter", "acme", "", False),
    ("Email", "acme", "", "html-email", "acme", "", False),
    ("Email", "newsletter", "", "", "newsletter", "", False),
    ("Email", "Gmail", "email", "", "", "", False),
    ("Email", "mailchimp", "email", "", "mailchimp", "", False),
    ("Email", "Facebook", "social", "email", "facebook", "", False),
    # Affiliates
    ("Affiliates", "partner.example", "", "affiliate", "partner.example", "", False),
    ("Affiliates", "Amazon", "shopping", "Affiliates", "amazon", "", False),
    # Audio
    ("Audio", "Spotify", "", "audio", "spotify", "", False),
    # SMS
    ("SMS", "twilio", "", "sms", "twilio", "", False),
    ("SMS", "sms", "", "", "sms", "", False),
    ("SMS", "SMS", "", "text", "SMS", "", False),
    # Mobile Push Notifications
    ("Mobile Push Notifications", "app", "", "push", "app", "", False),
    ("Mobile Push Notifications", "app", "", "web-push", "app", "", False),
    ("Mobile Push Notifications", "app", "", "mobile", "app", "", False),
    ("Mobile Push Notifications", "app", "", "in-app notification", "app", "", False),
    ("Mobile Push Notifications", "firebase", "", "", "firebase", "", False),
    # Organic Shopping
    ("Organic Shopping", "Amazon", "shopping", "", "", "", False),
    ("Organic Shopping", "eBay", "shopping", "referral", "", "", False),
    ("Organic Shopping", "partner.example", "", "", "partner.example", "shopping", False),
    ("Organic Shopping", "partner.example", "", "", "partner.example", "summer_shop", False),
    # Organic Social
    ("Organic Social", "Facebook", "social", "", "", "", False),
    ("Organic Social", "Hacker News", "social", "", "", "", False),
    ("Organic Social", "acme-forum", "", "social", "acme-forum", "", False),
    ("Organic Social", "acme-forum", "", "Social Media", "acme-forum", "", False),
    ("Organic Social", "acme-forum", "", "sm", "acme-forum", "", False),
    ("Organic Social", "acme-forum", "", "social-network", "acme-forum", "", False),
    ("Organic Social", "Twitter", "social", "referral", "twitter", "", False),
    # Organic Video
    ("Organic Video", "YouTube", "video", "", "", "", False),
    ("Organic Video", "acme", "", "video", "acme", "", False),
    ("Organic Video", "acme", "", "video-description", "acme", "", False),
    # Organic Search
    ("Organic Search", "Google", "search", "", "", "", False),
    ("Organic Search", "DuckDuckGo", "search", "organic", "duckduckgo", "", False),
    ("Organic Search", "acme-search", "", "organic", "acme-search", "", False),
    ("Organic Search", "Google", "search", "", "", "workshop", False),
    # Referral: everything else
    ("Referral", "blog.example.org", "", "", "", "", False),
    ("Referral", "blog.example.org", "", "referral", "", "", False),
    ("Referral", "partner.example", "", "link", "partner.example", "", False),
    ("Referral", "partner.example", "", "something-odd", "partner.example", "", False),
    ("Referral", "ChatGPT", "ai", "", "", "", False),
    ("Referral", "Google News", "news", "", "", "", False),
    ("Referral", "Wikipedia", "", "", "", "", False),
    ("Referral", "", "", "", "partner", "", False),
    ("Referral", "", "", "unknown-medium", "", "", False),
]


@pytest.mark.parametrize(
    ("expected", "source", "category", "medium", "utm_source", "campaign", "paid"),
    CASES,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(CASES)],
)
def test_channel_rules(
    expected: str,
    source: str,
    category: str,
    medium: str,
    utm_source: str,
    campaign: str,
    paid: bool,
) -> None:
    assert channel(source, category, medium, utm_source, campaign, paid) == expected


def test_every_channel_is_covered_by_the_table() -> None:
    assert {case[0] for case in CASES} == set(CHANNELS)


def test_fbclid_does_not_make_facebook_paid() -> None:
    # fbclid is on every Facebook outbound link, so the caller passes paid_click_id=False.
    info = classify_referrer("https://l.facebook.com/l.php?u=x", "mysite.com")
    organic = channel(info.source, info.category)
    paid = channel(info.source, info.category, medium="paid_social", utm_source="fb")
    assert (organic, paid) == ("Organic Social", "Paid Social")


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("https://www.google.com/", "Paid Search"),
        ("https://www.google.co.uk/", "Paid Search"),
        ("https://www.bing.com/", "Paid Search"),
        ("", "Paid Search"),
        ("https://m.youtube.com/", "Paid Video"),
        ("https://www.amazon.de/", "Paid Shopping"),
        ("https://www.instagram.com/", "Paid Social"),
        ("https://some-publisher.example/article", "Display"),
    ],
)
def test_gclid_makes_a_visit_paid(referrer: str, expected: str) -> None:
    info = classify_referrer(referrer, "mysite.com")
    assert channel(info.source, info.category, paid=True) == expected


@pytest.mark.parametrize(
    ("utm_source", "utm_medium", "expected"),
    [
        ("google", "cpc", "Paid Search"),
        ("fb", "paid", "Paid Social"),
        ("ig", "cpc", "Paid Social"),
        ("youtube", "cpv", "Paid Video"),
        ("newsletter", "", "Email"),
        ("mailchimp", "", "Email"),
        ("chatgpt.com", "", "Referral"),
        ("t.co", "", "Organic Social"),
        ("duckduckgo", "", "Organic Search"),
    ],
)
def test_utm_sources_flow_into_channels(utm_source: str, utm_medium: str, expected: str) -> None:
    source, category = source_from_utm(utm_source)
    assert channel(source, category, utm_medium, utm_source) == expected


@given(
    source=st.text(),
    category=st.one_of(st.sampled_from(sorted(CATEGORIES)), st.text()),
    medium=st.text(),
    utm_source=st.text(),
    campaign=st.text(),
    paid=st.booleans(),
)
def test_channel_for_never_raises(
    source: str, category: str, medium: str, utm_source: str, campaign: str, paid: bool
) -> None:
    assert channel(source, category, medium, utm_source, campaign, paid) in CHANNELS


@given(referrer=st.one_of(st.none(), st.text()), utm_source=st.text(), medium=st.text())
def test_pipeline_never_raises(referrer: str | None, utm_source: str, medium: str) -> None:
    info = classify_referrer(referrer, "mysite.com")
    source, category = (
        source_from_utm(utm_source) if utm_source.strip() else (info.source, info.category)
    )
    assert category in CATEGORIES
    result = channel(source, category, medium, utm_source, "", False)
    assert result in CHANNELS
