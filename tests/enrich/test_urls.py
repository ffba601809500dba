from __future__ import annotations

from footfall.enrich.urls import parse_page_url


def test_splits_host_path_and_utm_tags() -> None:
    page = parse_page_url(
        "https://www.Example.com/pricing/?utm_source=Newsletter&utm_medium=email"
        "&utm_campaign=june&utm_content=cta&utm_term=analytics&x=1#plans"
    )
    assert page is not None
    assert page.hostname == "example.com"
    assert page.pathname == "/pricing/"
    assert page.url == "example.com/pricing/"
    assert (page.utm_source, page.utm_medium, page.utm_campaign) == ("Newsletter", "email", "june")
    assert (page.utm_content, page.utm_term) == ("cta", "analytics")
    assert not page.paid_click


def test_hash_mode_keeps_the_fragment_in_the_path() -> None:
    page = parse_page_url("https://app.example.com/#/settings/team", hash_mode=True)
    assert page is not None
    assert page.pathname == "/#/settings/team"
    plain = parse_page_url("https://app.example.com/#/settings/team")
    assert plain is not None
    assert plain.pathname == "/"


def test_paid_click_ids_and_ref_tags() -> None:
    page = parse_page_url("https://example.com/?gclid=abc&ref=producthunt")
    assert page is not None
    assert page.paid_click
    assert page.ref == "producthunt"


def test_percent_encoded_path_is_decoded_and_empty_path_is_root() -> None:
    page = parse_page_url("https://example.com/caf%C3%A9")
    assert page is not None
    assert page.pathname == "/café"
    root = parse_page_url("https://example.com")
    assert root is not None
    assert root.pathname == "/"


def test_rejects_non_http_and_hostless_urls() -> None:
    assert parse_page_url("javascript:alert(1)") is None
    assert parse_page_url("https://") is None
    assert parse_page_url("http://[::1") is None
