"""The scale-out profile end to end: two ClickHouse shards behind Distributed tables,
PostgreSQL, Redis and two Footfall processes. Each visitor's events alternate between the
processes; both processes must answer every question exactly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from clickhouse_driver import Client

from bench.server import ServerProcess
from tests.conftest import CHROME_WINDOWS, SAFARI_IPHONE
from tests.servers import clickhouse_cluster, postgres, redis

pytestmark = pytest.mark.slow

SITE = "https://cluster.example"
VISITORS = 24


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("cluster")
    with (
        postgres(base / "pg") as pg,
        redis(base / "redis") as rd,
        clickhouse_cluster(base / "ch") as shards,
    ):
        env = {
            "FOOTFALL_DATABASE_URL": pg.url(),
            "FOOTFALL_CLICKHOUSE_URL": shards[0].url("footfall"),
            "FOOTFALL_CLICKHOUSE_CLUSTER": "footfall",
            "FOOTFALL_REDIS_URL": rd.url,
            "FOOTFALL_SECRET_KEY": "one-secret-for-every-process-of-the-cluster-0123456789",
            "FOOTFALL_FLUSH_INTERVAL_S": "0.2",
        }
        apps = [ServerProcess(base / f"app{i}", env=dict(env)) for i in (1, 2)]
        for app in apps:
            app.data_dir.mkdir(parents=True)
            app.start()
        try:
            yield {"apps": apps, "shards": shards}
        finally:
            for app in apps:
                app.stop()


def scripted_visits() -> list[list[dict[str, Any]]]:
    """Per visitor, the events of one visit: some bounce, some browse, some convert."""
    visits = []
    for v in range(VISITORS):
        pages = ["/", "/pricing", "/signup", "/docs"][: 1 + v % 4]
        events: list[dict[str, Any]] = []
        for i, page in enumerate(pages):
            referrer = "https://www.google.com/" if i == 0 and v % 2 else ""
            events.append(
                {
                    "n": "pageview",
                    "u": SITE + page,
                    "d": "cluster.example",
                    "r": referrer or SITE + pages[i - 1] if i else referrer,
                }
            )
            events.append(
                {
                    "n": "engagement",
                    "u": SITE + page,
                    "d": "cluster.example",
                    "i": False,
                    "sd": 50 + i * 10,
                    "e": 1000,
                }
            )
        if len(pages) == 3:
            events.append(
                {"n": "Signup", "u": SITE + "/signup", "d": "cluster.example", "p": {"plan": "pro"}}
            )
        visits.append(events)
    return visits


def client_of(visitor: int) -> dict[str, str]:
    return {
        "User-Agent": SAFARI_IPHONE if visitor % 3 == 0 else CHROME_WINDOWS,
        "X-Forwarded-For": f"85.214.{visitor // 200}.{visitor % 200 + 1}",
    }


def query(app: ServerProcess, token: str, site_id: int, **body: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{app.url}/api/v1/query",
        json={"site_id": site_id, "date_range": "day", **body},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    response.raise_for_status()
    return dict(response.json())


def test_two_processes_two_shards_one_truth(cluster: dict[str, Any]) -> None:
    first, second = cluster["apps"]
    token = httpx.post(
        f"{first.url}/api/v1/auth/register",
        json={"email": "ops@example.com", "password": "a long password"},
    ).json()["access_token"]
    site = httpx.post(
        f"{first.url}/api/v1/sites",
        json={"domain": "cluster.example"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()

    # The site was created on the first process; the second learns it at once (pub/sub).
    deadline = time.monotonic() + 10
    probe = {"n": "pageview", "u": SITE + "/probe", "d": "cluster.example"}
    while True:
        reply = httpx.post(
            f"{second.url}/api/event",
            json=probe,
            headers={"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": "8.8.4.4"},
        )
        if reply.headers.get("x-footfall-dropped") != "unknown_site":
            break
        assert time.monotonic() < deadline, "the second process never heard of the site"
        time.sleep(0.05)

    # Each visitor's consecutive events alternate between the two processes.
    visits = scripted_visits()
    served_by: dict[int, set[int]] = {}
    for index in range(max(len(v) for v in visits)):
        for visitor, events in enumerate(visits):
            if index < len(events):
                app = (first, second)[(visitor + index) % 2]
                served_by.setdefault(visitor, set()).add((visitor + index) % 2)
                reply = httpx.post(
                    f"{app.url}/api/event", json=events[index], headers=client_of(visitor)
                )
                assert reply.status_code == 202
                assert "x-footfall-dropped" not in reply.headers, reply.text

    assert all(served_by[v] == {0, 1} for v, events in enumerate(visits) if len(events) > 1)
    pageviews = sum(1 for v in visits for e in v if e["n"] == "pageview")
    bounced = sum(1 for v in visits if sum(e["n"] == "pageview" for e in v) == 1)
    expected_total = [
        VISITORS + 1,
        VISITORS + 1,
        pageviews + 1,
        round((bounced + 1) * 100 / (VISITORS + 1)),
    ]
    metrics = ["visitors", "visits", "pageviews", "bounce_rate"]

    def totals(app: ServerProcess) -> list[Any]:
        return list(query(app, token, site["id"], metrics=metrics)["results"][0]["metrics"])

    deadline = time.monotonic() + 30
    while totals(first) != expected_total and time.monotonic() < deadline:
        time.sleep(0.2)
    for app in (first, second):
        assert totals(app) == expected_total

        pages = query(
            app, token, site["id"], metrics=["visitors", "pageviews"], dimensions=["event:page"]
        )
        assert {r["dimensions"][0]: r["metrics"] for r in pages["results"]} == {
            "/": [24, 24],
            "/pricing": [18, 18],
            "/signup": [12, 12],
            "/docs": [6, 6],
            "/probe": [1, 1],
        }
        exits = query(app, token, site["id"], metrics=["visits"], dimensions=["visit:exit_page"])
        assert {r["dimensions"][0]: r["metrics"][0] for r in exits["results"]} == {
            "/": 6,
            "/pricing": 6,
            "/signup": 6,
            "/docs": 6,
            "/probe": 1,
        }
        sources = query(app, token, site["id"], metrics=["visits"], dimensions=["visit:source"])
        assert {r["dimensions"][0]: r["metrics"][0] for r in sources["results"]} == {
            "": 13,
            "Google": 12,
        }
        signups = query(
            app,
            token,
            site["id"],
            metrics=["visitors", "events"],
            filters=[["is", "event:name", ["Signup"]]],
        )
        assert signups["results"][0]["metrics"] == [6, 6]

    # Storage: one live visit per visitor, spread over both shards by visitor.
    shard_rows = []
    for shard in cluster["shards"]:
        ch = Client("127.0.0.1", port=shard.tcp_port, database="footfall")
        live = ch.execute("SELECT count() FROM sessions_local FINAL WHERE sign = 1")[0][0]
        events = ch.execute("SELECT count() FROM events_local")[0][0]
        shard_rows.append((live, events))
        ch.disconnect()
    assert sum(live for live, _ in shard_rows) == VISITORS + 1
    assert all(events > 0 for _, events in shard_rows)
