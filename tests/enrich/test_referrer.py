"""Tests for referrer classification, utm_source canonicalization and spam detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footfall.enrich import referrer as referrer_module
from footfall.enrich.referrer import (
    ANDROID_APPS,
    CATEGORIES,
    EMPTY,
    HOSTS,
    MAX_REFERRER_LEN,
    MAX_SOURCE_LEN,
    SPAM_HOSTS,
    TLD_GENERIC,
    UTM_ALIASES,
    ReferrerInfo,
    classify_referrer,
    is_spam_referrer,
    lookup_host,
    source_from_utm,
)

OWN = "mysite.com"


def source_of(url: str) -> tuple[str, str]:
    info = classify_referrer(url, OWN)
    return info.source, info.category


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/blog/post?utm=x#y", "example.com/blog/post"),
        ("https://example.com/", "example.com"),
        ("https://example.com", "example.com"),
        ("https://example.com//", "example.com"),
        ("https://example.com/a/b/", "example.com/a/b"),
        ("https://example.com/Case/Kept", "example.com/Case/Kept"),
        ("https://example.com?q=1", "example.com"),
        ("https://example.com#top", "example.com"),
        ("https://example.com:8443/a", "example.com/a"),
        ("http://user:pw@example.com/a", "example.com/a"),
        ("HTTPS://EXAMPLE.COM/A", "example.com/A"),
        ("  https://example.com/a  ", "example.com/a"),
        ("https://example.com./a", "example.com/a"),
        ("https://www.www.example.com/", "www.example.com"),
        ("https://Bücher.example/x", "bücher.example/x"),
        ("https://XN--bcher-kva.example/", "xn--bcher-kva.example"),
        ("https://[2001:db8::1]:8080/p", "2001:db8::1/p"),
        ("https://192.0.2.1/p", "192.0.2.1/p"),
    ],
)
def test_referrer_normalization(url: str, expected: str) -> None:
    assert classify_referrer(url, OWN).referrer == expected


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "   ",
        "example.com/no-scheme",
        "not a url",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "data:text/html,hello",
        "file:///etc/passwd",
        "chrome-extension://abcdef/page.html",
        "http://",
        "https:///path-only",
        "http://[::1",
        "http://exa mple.com/",
        "http://\ud800.com/",
        "http://exa<mple.com/",
        "http://a..b.com/",
        "http://www./",
        "http://" + "a" * 300 + ".com/",
        "android-app://",
        "android-app://not a package/",
    ],
)
def test_unusable_referrers_are_empty(url: str | None) -> None:
    assert classify_referrer(url, OWN) == EMPTY


@pytest.mark.parametrize(
    ("url", "own"),
    [
        ("https://mysite.com/page", "mysite.com"),
        ("https://www.mysite.com/page", "mysite.com"),
        ("https://mysite.com/page", "www.mysite.com"),
        ("https://www.mysite.com/page", "www.mysite.com"),
        ("https://MySite.COM/page", "mysite.com"),
        ("https://mysite.com/page", "MYSITE.com"),
        ("https://mysite.com:8443/page", "mysite.com"),
        ("http://mysite.com/page", "mysite.com:8080"),
        ("https://mysite.com./page", "mysite.com"),
        ("https://mysite.com/page", " mysite.com "),
        ("https://mysite.com/page", "https://www.mysite.com/"),
        ("http://localhost:3000/", "localhost"),
    ],
)
def test_internal_navigation_is_empty(url: str, own: str) -> None:
    assert classify_referrer(url, own) == EMPTY


@pytest.mark.parametrize(
    ("url", "own", "source"),
    [
        ("https://blog.mysite.com/", "mysite.com", "blog.mysite.com"),
        ("https://mysite.com/", "blog.mysite.com", "mysite.com"),
        ("https://mysite.com.evil.net/", "mysite.com", "mysite.com.evil.net"),
        ("https://mysite.com/", "", "mysite.com"),
        ("https://mysite.com/", "not a host", "mysite.com"),
    ],
)
def test_other_hosts_are_not_internal(url: str, own: str, source: str) -> None:
    assert classify_referrer(url, own).source == source


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "android-app://com.google.android.gm",
            ReferrerInfo("com.google.android.gm", "Gmail", "email"),
        ),
        (
            "android-app://com.google.android.gm/",
            ReferrerInfo("com.google.android.gm", "Gmail", "email"),
        ),
        (
            "android-app://com.google.android.googlequicksearchbox/https/www.google.com",
            ReferrerInfo("com.google.android.googlequicksearchbox", "Google", "search"),
        ),
        ("android-app://com.slack", ReferrerInfo("com.slack", "Slack", "social")),
        (
            "android-app://com.linkedin.android/",
            ReferrerInfo("com.linkedin.android", "LinkedIn", "social"),
        ),
        (
            "android-app://com.google.android.youtube",
            ReferrerInfo("com.google.android.youtube", "YouTube", "video"),
        ),
        (
            "ANDROID-APP://Com.Reddit.Frontpage",
            ReferrerInfo("com.reddit.frontpage", "Reddit", "social"),
        ),
        (
            "android-app://com.openai.chatgpt",
            ReferrerInfo("com.openai.chatgpt", "ChatGPT", "ai"),
        ),
        (
            "android-app://org.example.unknown",
            ReferrerInfo("org.example.unknown", "org.example.unknown", ""),
        ),
    ],
)
def test_android_app_referrers(url: str, expected: ReferrerInfo) -> None:
    assert classify_referrer(url, OWN) == expected


@pytest.mark.parametrize(
    ("host", "source", "category"),
    [
        # search
        ("www.google.com", "Google", "search"),
        ("bing.com", "Bing", "search"),
        ("search.yahoo.com", "Yahoo", "search"),
        ("duckduckgo.com", "DuckDuckGo", "search"),
        ("www.baidu.com", "Baidu", "search"),
        ("yandex.ru", "Yandex", "search"),
        ("www.ecosia.org", "Ecosia", "search"),
        ("www.qwant.com", "Qwant", "search"),
        ("search.brave.com", "Brave Search", "search"),
        ("www.startpage.com", "Startpage", "search"),
        ("search.naver.com", "Naver", "search"),
        ("search.seznam.cz", "Seznam", "search"),
        ("www.sogou.com", "Sogou", "search"),
        ("www.so.com", "So.com", "search"),
        ("www.ask.com", "Ask", "search"),
        ("search.aol.com", "AOL", "search"),
        ("search.yahoo.co.jp", "Yahoo Japan", "search"),
        ("kagi.com", "Kagi", "search"),
        ("www.mojeek.com", "Mojeek", "search"),
        ("presearch.com", "Presearch", "search"),
        ("scholar.google.com", "Google Scholar", "search"),
        # social
        ("www.facebook.com", "Facebook", "social"),
        ("www.instagram.com", "Instagram", "social"),
        ("twitter.com", "Twitter", "social"),
        ("t.co", "Twitter", "social"),
        ("x.com", "Twitter", "social"),
        ("www.linkedin.com", "LinkedIn", "social"),
        ("lnkd.in", "LinkedIn", "social"),
        ("www.reddit.com", "Reddit", "social"),
        ("www.pinterest.com", "Pinterest", "social"),
        ("www.tiktok.com", "TikTok", "social"),
        ("www.snapchat.com", "Snapchat", "social"),
        ("www.tumblr.com", "Tumblr", "social"),
        ("mastodon.social", "Mastodon", "social"),
        ("fosstodon.org", "Mastodon", "social"),
        ("bsky.app", "Bluesky", "social"),
        ("www.threads.net", "Threads", "social"),
        ("vk.com", "VK", "social"),
        ("weibo.com", "Weibo", "social"),
        ("discord.com", "Discord", "social"),
        ("t.me", "Telegram", "social"),
        ("web.telegram.org", "Telegram", "social"),
        ("web.whatsapp.com", "WhatsApp", "social"),
        ("app.slack.com", "Slack", "social"),
        ("news.ycombinator.com", "Hacker News", "social"),
        ("lobste.rs", "Lobsters", "social"),
        ("www.producthunt.com", "Product Hunt", "social"),
        ("www.quora.com", "Quora", "social"),
        ("medium.com", "Medium", "social"),
        ("someone.substack.com", "Substack", "social"),
        ("dev.to", "DEV Community", "social"),
        ("stackoverflow.com", "Stack Overflow", "social"),
        ("github.com", "GitHub", "social"),
        ("gitlab.com", "GitLab", "social"),
        ("www.indiehackers.com", "Indie Hackers", "social"),
        # video
        ("www.youtube.com", "YouTube", "video"),
        ("youtu.be", "YouTube", "video"),
        ("vimeo.com", "Vimeo", "video"),
        ("www.twitch.tv", "Twitch", "video"),
        ("www.dailymotion.com", "Dailymotion", "video"),
        # email
        ("mail.google.com", "Gmail", "email"),
        ("outlook.live.com", "Outlook", "email"),
        ("outlook.office.com", "Outlook", "email"),
        ("mail.yahoo.com", "Yahoo Mail", "email"),
        ("mail.proton.me", "Proton Mail", "email"),
        ("app.fastmail.com", "Fastmail", "email"),
        ("www.icloud.com", "iCloud Mail", "email"),
        ("www.gmx.net", "GMX", "email"),
        ("web.de", "WEB.DE", "email"),
        # shopping
        ("www.amazon.com", "Amazon", "shopping"),
        ("www.ebay.com", "eBay", "shopping"),
        ("www.etsy.com", "Etsy", "shopping"),
        ("www.aliexpress.com", "AliExpress", "shopping"),
        ("www.walmart.com", "Walmart", "shopping"),
        ("shopping.google.com", "Google Shopping", "shopping"),
        # ai
        ("chatgpt.com", "ChatGPT", "ai"),
        ("chat.openai.com", "ChatGPT", "ai"),
        ("www.perplexity.ai", "Perplexity", "ai"),
        ("claude.ai", "Claude", "ai"),
        ("gemini.google.com", "Gemini", "ai"),
        ("copilot.microsoft.com", "Copilot", "ai"),
        ("you.com", "You.com", "ai"),
        ("www.phind.com", "Phind", "ai"),
        ("poe.com", "Poe", "ai"),
        # news
        ("news.google.com", "Google News", "news"),
        ("flipboard.com", "Flipboard", "news"),
        ("feedly.com", "Feedly", "news"),
        ("apple.news", "Apple News", "news"),
        # known, but no category
        ("en.wikipedia.org", "Wikipedia", ""),
        ("docs.google.com", "Google Docs", ""),
    ],
)
def test_known_hosts(host: str, source: str, category: str) -> None:
    assert source_of(f"https://{host}/some/path") == (source, category)


@pytest.mark.parametrize(
    ("host", "source"),
    [
        ("l.facebook.com", "Facebook"),
        ("lm.facebook.com", "Facebook"),
        ("m.facebook.com", "Facebook"),
        ("l.instagram.com", "Instagram"),
        ("m.youtube.com", "YouTube"),
        ("music.youtube.com", "YouTube"),
        ("old.reddit.com", "Reddit"),
        ("out.reddit.com", "Reddit"),
        ("en.m.wikipedia.org", "Wikipedia"),
        ("gist.github.com", "GitHub"),
        ("uk.linkedin.com", "LinkedIn"),
        ("cn.bing.com", "Bing"),
        ("uk.search.yahoo.com", "Yahoo"),
        ("uk.mail.yahoo.com", "Yahoo Mail"),
        ("html.duckduckgo.com", "DuckDuckGo"),
        ("vm.tiktok.com", "TikTok"),
        ("a.b.c.medium.com", "Medium"),
    ],
)
def test_parent_domain_matching(host: str, source: str) -> None:
    assert classify_referrer(f"https://{host}/", OWN).source == source


@pytest.mark.parametrize(
    ("host", "source", "category"),
    [
        ("www.google.co.uk", "Google", "search"),
        ("www.google.com.br", "Google", "search"),
        ("google.de", "Google", "search"),
        ("www.google.com.au", "Google", "search"),
        ("www.google.co.jp", "Google", "search"),
        ("images.google.fr", "Google", "search"),
        ("news.google.co.uk", "Google News", "news"),
        ("maps.google.it", "Google Maps", ""),
        ("mail.google.de", "Gmail", "email"),
        ("www.bing.co.uk", "Bing", "search"),
        ("de.search.yahoo.com", "Yahoo", "search"),
        ("fr.yahoo.fr", "Yahoo", "search"),
        ("yandex.com.tr", "Yandex", "search"),
        ("mail.yandex.ru", "Yandex Mail", "email"),
        ("www.amazon.co.uk", "Amazon", "shopping"),
        ("www.amazon.de", "Amazon", "shopping"),
        ("www.amazon.com.br", "Amazon", "shopping"),
        ("smile.amazon.co.jp", "Amazon", "shopping"),
        ("www.ebay.co.uk", "eBay", "shopping"),
        ("www.ebay.com.au", "eBay", "shopping"),
        ("www.pinterest.co.uk", "Pinterest", "social"),
        ("yahoo.co.jp", "Yahoo Japan", "search"),
        ("mail.yahoo.co.jp", "Yahoo Mail", "email"),
    ],
)
def test_country_domains(host: str, source: str, category: str) -> None:
    assert source_of(f"https://{host}/") == (source, category)


@pytest.mark.parametrize(
    "host",
    [
        "google.evil.com",
        "google.com.evil.com",
        "google.co.evil",
        "notgoogle.com",
        "googleusercontent.com",
        "facebook.com.phish.net",
        "myfacebook.com",
        "amazon-deals.co.uk",
        "x.company.com",
    ],
)
def test_look_alike_hosts_stay_unknown(host: str) -> None:
    assert source_of(f"https://{host}/") == (host, "")


@pytest.mark.parametrize(
    ("url", "source", "category"),
    [
        ("https://blog.example.org/post", "blog.example.org", ""),
        ("https://www.example.org/", "example.org", ""),
        ("https://EXAMPLE.org:8080/", "example.org", ""),
        ("https://mail.example.edu/owa", "mail.example.edu", "email"),
        ("https://webmail.example.net/", "webmail.example.net", "email"),
        ("https://mailchimp-fan.example/", "mailchimp-fan.example", ""),
    ],
)
def test_unknown_hosts_use_their_host_as_source(url: str, source: str, category: str) -> None:
    assert source_of(url) == (source, category)


def test_long_values_are_truncated() -> None:
    info = classify_referrer("https://example.com/" + "p" * 5_000, OWN)
    assert len(info.referrer) == MAX_REFERRER_LEN
    assert info.referrer.startswith("example.com/ppp")
    host = ".".join(["a" * 60] * 3) + ".example"
    assert len(classify_referrer(f"https://{host}/", OWN).source) == MAX_SOURCE_LEN


def test_unprintable_characters_are_dropped() -> None:
    assert classify_referrer("https://example.com/a%20b/\x01c\ud800", OWN).referrer == (
        "example.com/a%20b/c"
    )
    assert source_from_utm("part\x00ner\udfff") == ("partner", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("google", ("Google", "search")),
        ("Google", ("Google", "search")),
        (" google.com ", ("Google", "search")),
        ("google.co.uk", ("Google", "search")),
        ("adwords", ("Google", "search")),
        ("google_ads", ("Google", "search")),
        ("bing", ("Bing", "search")),
        ("bing_ads", ("Bing", "search")),
        ("duckduckgo", ("DuckDuckGo", "search")),
        ("fb", ("Facebook", "social")),
        ("facebook", ("Facebook", "social")),
        ("Facebook", ("Facebook", "social")),
        ("m.facebook.com", ("Facebook", "social")),
        ("l.facebook.com", ("Facebook", "social")),
        ("ig", ("Instagram", "social")),
        ("instagram", ("Instagram", "social")),
        ("twitter", ("Twitter", "social")),
        ("x", ("Twitter", "social")),
        ("X", ("Twitter", "social")),
        ("t.co", ("Twitter", "social")),
        ("linkedin", ("LinkedIn", "social")),
        ("LinkedIn", ("LinkedIn", "social")),
        ("lnkd.in", ("LinkedIn", "social")),
        ("reddit", ("Reddit", "social")),
        ("hackernews", ("Hacker News", "social")),
        ("hacker-news", ("Hacker News", "social")),
        ("hn", ("Hacker News", "social")),
        ("news.ycombinator.com", ("Hacker News", "social")),
        ("bluesky", ("Bluesky", "social")),
        ("bsky", ("Bluesky", "social")),
        ("mastodon", ("Mastodon", "social")),
        ("youtube", ("YouTube", "video")),
        ("yt", ("YouTube", "video")),
        ("gmail", ("Gmail", "email")),
        ("chatgpt.com", ("ChatGPT", "ai")),
        ("chatgpt", ("ChatGPT", "ai")),
        ("ChatGPT", ("ChatGPT", "ai")),
        ("https://chatgpt.com/", ("ChatGPT", "ai")),
        ("perplexity", ("Perplexity", "ai")),
        ("perplexity.ai", ("Perplexity", "ai")),
        ("claude.ai", ("Claude", "ai")),
        ("amazon", ("Amazon", "shopping")),
        ("flipboard", ("Flipboard", "news")),
        ("newsletter", ("newsletter", "email")),
        ("Newsletter", ("Newsletter", "email")),
        ("email", ("email", "email")),
        ("e-mail", ("e-mail", "email")),
        ("weekly_newsletter", ("weekly_newsletter", "email")),
        ("mailchimp", ("mailchimp", "email")),
        ("MailChimp", ("MailChimp", "email")),
        ("mailchimp.com", ("mailchimp.com", "email")),
        ("klaviyo", ("klaviyo", "email")),
        ("partner-site", ("partner-site", "")),
        ("  Some Partner  ", ("Some Partner", "")),
        ("example.com", ("example.com", "")),
        ("", ("", "")),
        ("   ", ("", "")),
    ],
)
def test_source_from_utm(value: str, expected: tuple[str, str]) -> None:
    assert source_from_utm(value) == expected


def test_source_from_utm_truncates_unknown_values() -> None:
    source, category = source_from_utm("s" * 500)
    assert source == "s" * MAX_SOURCE_LEN
    assert category == ""


@pytest.mark.parametrize(
    ("host", "spam"),
    [
        ("semalt.com", True),
        ("SEMALT.COM", True),
        ("www.semalt.com", True),
        ("semalt.semalt.com", True),
        ("a.b.darodar.com", True),
        ("buttons-for-website.com", True),
        ("ilovevitaly.ru", True),
        ("semalt.com:443", True),
        ("semalt.com.", True),
        ("https://semalt.com/crawler", True),
        ("notsemalt.com", False),
        ("semalt.com.example.org", False),
        ("example.com", False),
        ("google.com", False),
        ("", False),
        ("not a host", False),
    ],
)
def test_spam_referrers(host: str, spam: bool) -> None:
    assert is_spam_referrer(host) is spam


def test_data_tables_are_sound() -> None:
    assert len(HOSTS) >= 250
    for host, (name, category) in HOSTS.items():
        assert host == host.strip().lower(), host
        assert not host.startswith("www."), host
        assert name, host
        assert category in CATEGORIES, host
    for package, (name, category) in ANDROID_APPS.items():
        assert package == package.lower(), package
        assert name
        assert category in CATEGORIES
    for label in TLD_GENERIC:
        assert f"{label}.com" in HOSTS, label
    for alias, host in UTM_ALIASES.items():
        assert alias.isalnum(), alias
        assert alias == alias.lower(), alias
        assert lookup_host(host) is not None, alias


def test_a_source_name_always_has_one_category() -> None:
    categories: dict[str, str] = {}
    for name, category in (*HOSTS.values(), *ANDROID_APPS.values()):
        assert categories.setdefault(name, category) == category, name


def test_country_host_entries_are_not_redundant() -> None:
    # A country host entry is only needed when lookup without it would resolve differently.
    for host, hit in HOSTS.items():
        generic = referrer_module._generic_host(host)
        if generic is None or generic == host:
            continue
        parent = host.partition(".")[2]
        without = referrer_module._match_host(parent) if parent else None
        if without is None:
            without = referrer_module._match_host(generic)
        assert without != hit, host


def test_spam_list_is_sound() -> None:
    assert len(SPAM_HOSTS) >= 30
    for host in SPAM_HOSTS:
        assert host == host.lower(), host
        assert " " not in host, host
        assert not host.startswith("www."), host
        assert "." in host, host


def test_data_files_are_read_only_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str) -> str:
        raise AssertionError(f"{name} read again")

    monkeypatch.setattr(referrer_module, "_read", refuse)
    assert classify_referrer("https://t.co/x", OWN).source == "Twitter"
    assert source_from_utm("fb") == ("Facebook", "social")
    assert is_spam_referrer("semalt.com")


url_like = st.builds(
    lambda scheme, body: scheme + body,
    st.sampled_from(["http://", "https://", "HTTP://", "android-app://", "ftp://", "", "//"]),
    st.text(),
)


@given(referrer=st.one_of(st.none(), st.text(), url_like), own=st.text())
def test_classify_referrer_never_raises(referrer: str | None, own: str) -> None:
    info = classify_referrer(referrer, own)
    assert isinstance(info, ReferrerInfo)
    assert info.category in CATEGORIES
    assert len(info.referrer) <= MAX_REFERRER_LEN
    assert len(info.source) <= MAX_SOURCE_LEN
    assert bool(info.referrer) == bool(info.source)
    # Everything returned must be storable as UTF-8.
    (info.referrer + info.source).encode("utf-8")


@given(value=st.one_of(st.text(), url_like))
def test_source_from_utm_never_raises(value: str) -> None:
    source, category = source_from_utm(value)
    assert category in CATEGORIES
    assert len(source) <= MAX_SOURCE_LEN
    source.encode("utf-8")


@given(host=st.one_of(st.text(), url_like))
def test_is_spam_referrer_never_raises(host: str) -> None:
    assert isinstance(is_spam_referrer(host), bool)
