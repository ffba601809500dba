"""What the generated demo site looks like: its pages, traffic sources, devices and countries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """A way visitors arrive: referrer, landing-page tags, and the pages they land on."""

    name: str
    weight: float
    referrer: str = ""
    query: str = ""
    landings: tuple[str, ...] = ()


BLOG_POSTS = tuple(
    f"/blog/{slug}"
    for slug in (
        "cookieless-analytics-explained",
        "why-we-left-google-analytics",
        "gdpr-compliant-tracking",
        "measuring-landing-pages",
        "funnels-that-convert",
        "scroll-depth-matters",
        "server-side-events",
        "self-hosting-on-a-raspberry-pi",
        "clickhouse-vs-duckdb",
        "utm-tags-done-right",
        "core-web-vitals-and-analytics",
        "attribution-for-course-creators",
        "launch-week-recap",
        "privacy-first-ab-testing",
        "realtime-dashboards",
    )
)
DOC_PAGES = tuple(
    f"/docs/{section}"
    for section in (
        "install",
        "tracker",
        "custom-events",
        "revenue",
        "api",
        "query-api",
        "self-hosting",
        "scale-out",
        "proxy",
        "spa",
        "goals",
        "funnels",
    )
)
PAGES: tuple[str, ...] = (
    "/",
    "/pricing",
    "/features",
    "/features/realtime",
    "/features/funnels",
    "/features/privacy",
    "/blog",
    *BLOG_POSTS,
    "/docs",
    *DOC_PAGES,
    "/about",
    "/contact",
    "/changelog",
    "/careers",
    "/signup",
    "/login",
    "/compare/google-analytics",
    "/integrations/wordpress",
    "/integrations/shopify",
    "/checkout",
)

# Where a visitor goes next from a page (weights); anything else falls back to the home links.
NEXT_PAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "/": (
        ("/pricing", 5),
        ("/features", 4),
        ("/blog", 3),
        ("/docs", 2),
        ("/signup", 2),
        ("/about", 1),
        ("/login", 2),
    ),
    "/pricing": (
        ("/signup", 5),
        ("/features", 2),
        ("/", 1),
        ("/contact", 1),
        ("/compare/google-analytics", 1),
        ("/checkout", 2),
    ),
    "/features": (
        ("/features/realtime", 3),
        ("/features/funnels", 3),
        ("/features/privacy", 3),
        ("/pricing", 4),
        ("/signup", 1),
    ),
    "/blog": tuple((post, 1.0) for post in BLOG_POSTS),
    "/docs": tuple((page, 1.0) for page in DOC_PAGES),
    "/signup": (("/docs/install", 4), ("/", 1), ("/pricing", 1)),
    "/checkout": (("/docs/install", 3), ("/", 1)),
}
BLOG_NEXT = (("/blog", 3), ("/", 2), ("/pricing", 1), ("/signup", 1))
DOCS_NEXT = (*((page, 1.0) for page in DOC_PAGES), ("/docs", 2.0), ("/pricing", 1.0))
HOME_NEXT = NEXT_PAGES["/"]

SOURCES: tuple[Source, ...] = (
    Source("direct", 26, landings=("/", "/", "/", "/login", "/pricing", "/docs")),
    Source("google", 27, "https://www.google.com/", landings=("/", *BLOG_POSTS, *DOC_PAGES)),
    Source("bing", 3, "https://www.bing.com/", landings=("/", *BLOG_POSTS)),
    Source("duckduckgo", 3, "https://duckduckgo.com/", landings=("/", *BLOG_POSTS)),
    Source("ecosia", 1, "https://www.ecosia.org/", landings=BLOG_POSTS),
    Source("hacker news", 4, "https://news.ycombinator.com/", landings=BLOG_POSTS[:4]),
    Source("reddit", 3, "https://www.reddit.com/r/selfhosted/", landings=("/", *BLOG_POSTS[:6])),
    Source("twitter", 3, "https://t.co/", landings=("/", *BLOG_POSTS)),
    Source("linkedin", 2, "https://www.linkedin.com/", landings=("/", "/careers", *BLOG_POSTS)),
    Source("github", 3, "https://github.com/footfall/footfall", landings=("/", "/docs/install")),
    Source("facebook", 1, "https://l.facebook.com/", landings=("/", *BLOG_POSTS)),
    Source("chatgpt", 2, "https://chatgpt.com/", landings=("/", "/compare/google-analytics")),
    Source("producthunt", 1, "https://www.producthunt.com/", landings=("/",)),
    Source("devto", 2, "https://dev.to/", landings=BLOG_POSTS),
    Source(
        "partner blog",
        2,
        "https://blog.indiemaker.io/best-analytics-tools",
        landings=("/", "/pricing"),
    ),
    Source(
        "newsletter",
        4,
        query="utm_source=newsletter&utm_medium=email&utm_campaign=weekly",
        landings=("/changelog", *BLOG_POSTS[-4:]),
    ),
    Source(
        "google ads",
        4,
        "https://www.google.com/",
        "utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=demo",
        landings=("/", "/pricing"),
    ),
    Source(
        "facebook ads",
        2,
        "https://l.facebook.com/",
        "utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_promo",
        landings=("/pricing",),
    ),
    Source(
        "affiliate",
        1,
        "https://reviews.example.net/",
        "utm_source=reviews&utm_medium=affiliate",
        landings=("/pricing",),
    ),
)

# (user agent, weight, typical window widths)
USER_AGENTS: tuple[tuple[str, float, tuple[int, ...]], ...] = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        22,
        (1366, 1536, 1920, 2560),
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        14,
        (1440, 1512, 1728, 2560),
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15",
        9,
        (1440, 1512, 1728),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        16,
        (375, 390, 393, 430),
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        11,
        (360, 393, 412),
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
        4,
        (360, 384, 412),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        6,
        (1366, 1920),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        7,
        (1280, 1536, 1920),
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 3, (1920, 2560)),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        2,
        (1920,),
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Mobile/15E148 Safari/604.1",
        3,
        (820, 1024),
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        1,
        (800, 1280),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
        2,
        (390, 430),
    ),
)

COUNTRIES: tuple[tuple[str, float], ...] = (
    ("US", 24),
    ("DE", 10),
    ("GB", 8),
    ("FR", 6),
    ("IN", 6),
    ("CA", 4),
    ("NL", 3.5),
    ("BR", 3),
    ("ES", 3),
    ("IT", 3),
    ("AU", 3),
    ("PL", 2),
    ("SE", 2),
    ("JP", 2),
    ("CH", 1.5),
    ("AT", 1.5),
    ("BE", 1),
    ("DK", 1),
    ("NO", 1),
    ("FI", 1),
    ("IE", 1),
    ("PT", 1),
    ("CZ", 1),
    ("MX", 1),
    ("SG", 1),
    ("UA", 1),
    ("TR", 1),
    ("ZA", 0.7),
    ("NZ", 0.5),
    ("AR", 0.5),
    ("KR", 0.5),
)

# Local-hour weights of visit starts (0..23): quiet nights, a morning rise, an afternoon peak.
HOURLY = (
    1,
    0.7,
    0.5,
    0.4,
    0.4,
    0.6,
    1.2,
    2.2,
    3.4,
    4.4,
    5.0,
    5.2,
    5.0,
    5.3,
    5.6,
    5.5,
    5.1,
    4.6,
    4.0,
    3.8,
    3.6,
    3.0,
    2.2,
    1.5,
)
WEEKDAY = (1.0, 1.05, 1.05, 1.0, 0.92, 0.62, 0.6)
