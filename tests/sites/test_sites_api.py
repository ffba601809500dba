"""Sites CRUD and membership roles over HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import PAGEVIEW_BODY, Harness

# The same behaviour with SQLite + DuckDB and with PostgreSQL + ClickHouse.
PROFILES = ("embedded", "scale-out")


async def test_create_site_returns_snippet_and_owner_role(harness: Harness) -> None:
    token = await harness.register()
    response = await harness.client.post(
        "/api/v1/sites",
        json={"domain": "https://WWW.Example.com/", "name": "My site", "timezone": "Europe/Berlin"},
        headers=harness.auth(token),
    )
    assert response.status_code == 201
    site = response.json()
    assert site["domain"] == "example.com"
    assert site["name"] == "My site"
    assert site["role"] == "owner"
    assert site["snippet"] == (
        '<script defer src="http://127.0.0.1:8000/js/footfall.js" data-domain="example.com">'
        "</script>"
    )
    listed = await harness.client.get("/api/v1/sites", headers=harness.auth(token))
    assert [s["id"] for s in listed.json()] == [site["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"domain": "not a domain"}, "domain"),
        ({"domain": "localhost"}, "domain"),
        ({"domain": "-bad-.com"}, "domain"),
        ({"domain": "example.com", "timezone": "Mars/Olympus"}, "timezone"),
        ({}, "domain"),
        ({"domain": "example.com", "owner": 2}, "owner"),
    ],
)
async def test_site_validation(harness: Harness, body: dict[str, str], field: str) -> None:
    token = await harness.register()
    response = await harness.client.post("/api/v1/sites", json=body, headers=harness.auth(token))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


async def test_duplicate_domain_is_a_409(harness: Harness) -> None:
    token = await harness.register()
    await harness.create_site(token, "example.com")
    response = await harness.client.post(
        "/api/v1/sites", json={"domain": "www.example.com"}, headers=harness.auth(token)
    )
    assert response.status_code == 409


async def test_non_members_cannot_see_a_site(harness: Harness) -> None:
    owner = await harness.register("owner@example.com")
    stranger = await harness.register("stranger@example.com")
    site = await harness.create_site(owner)
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("GET", "/members")):
        response = await harness.client.request(
            method,
            f"/api/v1/sites/{site['id']}{path}",
            json={} if method == "PATCH" else None,
            headers=harness.auth(stranger),
        )
        assert response.status_code == 404, (method, path)
    query = await harness.client.post(
        "/api/v1/query",
        json={"site_id": site["id"], "metrics": ["visitors"]},
        headers=harness.auth(stranger),
    )
    assert query.status_code == 404
    assert (await harness.client.get("/api/v1/sites", headers=harness.auth(stranger))).json() == []


async def test_viewers_read_and_managers_change(harness: Harness) -> None:
    owner = await harness.register("owner@example.com")
    viewer = await harness.register("viewer@example.com")
    admin = await harness.register("admin@example.com")
    site = await harness.create_site(owner)
    base = f"/api/v1/sites/{site['id']}"
    for email, role in (("viewer@example.com", "viewer"), ("admin@example.com", "admin")):
        added = await harness.client.post(
            f"{base}/members", json={"email": email, "role": role}, headers=harness.auth(owner)
        )
        assert added.status_code == 201
        assert added.json()["role"] == role

    assert (await harness.client.get(base, headers=harness.auth(viewer))).json()["role"] == "viewer"
    query = await harness.client.post(
        "/api/v1/query",
        json={"site_id": site["id"], "metrics": ["visitors"]},
        headers=harness.auth(viewer),
    )
    assert query.status_code == 200
    for method, path, body in (
        ("PATCH", "", {"name": "x"}),
        ("DELETE", "", None),
        ("POST", "/members", {"email": "owner@example.com"}),
    ):
        denied = await harness.client.request(
            method, base + path, json=body, headers=harness.auth(viewer)
        )
        assert denied.status_code == 403, (method, path)

    renamed = await harness.client.patch(
        base, json={"name": "Renamed", "timezone": "Asia/Tokyo"}, headers=harness.auth(admin)
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["timezone"]) == ("Renamed", "Asia/Tokyo")
    # Admins cannot grant ownership.
    escalate = await harness.client.post(
        f"{base}/members",
        json={"email": "viewer@example.com", "role": "owner"},
        headers=harness.auth(admin),
    )
    assert escalate.status_code == 403
    members = await harness.client.get(f"{base}/members", headers=harness.auth(viewer))
    assert [(m["email"], m["role"]) for m in members.json()] == [
        ("owner@example.com", "owner"),
        ("admin@example.com", "admin"),
        ("viewer@example.com", "viewer"),
    ]


async def test_member_removal_rules(harness: Harness) -> None:
    owner = await harness.register("owner@example.com")
    viewer = await harness.register("viewer@example.com")
    site = await harness.create_site(owner)
    base = f"/api/v1/sites/{site['id']}"
    me = await harness.client.get("/api/v1/auth/me", headers=harness.auth(owner))
    owner_id = me.json()["id"]
    added = await harness.client.post(
        f"{base}/members", json={"email": "viewer@example.com"}, headers=harness.auth(owner)
    )
    viewer_id = added.json()["user_id"]
    assert added.json()["role"] == "viewer"
    # A viewer cannot remove others, but can leave.
    assert (
        await harness.client.delete(f"{base}/members/{owner_id}", headers=harness.auth(viewer))
    ).status_code == 403
    assert (
        await harness.client.delete(f"{base}/members/{viewer_id}", headers=harness.auth(viewer))
    ).status_code == 204
    # The last owner stays.
    last = await harness.client.delete(f"{base}/members/{owner_id}", headers=harness.auth(owner))
    assert last.status_code == 409
    assert last.json()["error"]["code"] == "last_owner"
    unknown = await harness.client.post(
        f"{base}/members", json={"email": "nobody@example.com"}, headers=harness.auth(owner)
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["field"] == "email"


async def test_delete_site_removes_its_events_and_stops_ingestion(harness: Harness) -> None:
    token = await harness.register()
    site = await harness.create_site(token, "example.com")
    assert (await harness.send(PAGEVIEW_BODY)).headers.get("x-footfall-dropped") is None
    await harness.flush()
    response = await harness.client.delete(
        f"/api/v1/sites/{site['id']}", headers=harness.auth(token)
    )
    assert response.status_code == 204
    assert harness.runtime.store.query("SELECT count(*) FROM events") == [(0,)]
    after = await harness.send(PAGEVIEW_BODY)
    assert after.headers["x-footfall-dropped"] == "unknown_site"
    gone = await harness.client.get(f"/api/v1/sites/{site['id']}", headers=harness.auth(token))
    assert gone.status_code == 404


async def test_domain_change_moves_ingestion(harness: Harness) -> None:
    token = await harness.register()
    site = await harness.create_site(token, "old.example")
    await harness.client.patch(
        f"/api/v1/sites/{site['id']}", json={"domain": "new.example"}, headers=harness.auth(token)
    )
    old = await harness.send({**PAGEVIEW_BODY, "d": "old.example"})
    new = await harness.send({**PAGEVIEW_BODY, "d": "new.example"})
    assert old.headers["x-footfall-dropped"] == "unknown_site"
    assert new.headers.get("x-footfall-dropped") is None


async def test_unknown_routes_and_methods_are_json(harness: Harness) -> None:
    missing = await harness.client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = await harness.client.put("/api/v1/sites")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


async def test_allowed_origins_are_validated_and_normalized(harness: Harness) -> None:
    token = await harness.register()
    site = await harness.create_site(token)
    base = f"/api/v1/sites/{site['id']}"
    ok = await harness.client.patch(
        base,
        json={
            "allowed_origins": [
                "https://Shop.Example.com/",
                "http://localhost.test:8080",
                "https://shop.example.com",
            ]
        },
        headers=harness.auth(token),
    )
    assert ok.json()["allowed_origins"] == [
        "https://shop.example.com",
        "http://localhost.test:8080",
    ]
    bad = await harness.client.patch(
        base, json={"allowed_origins": ["ftp://x.example"]}, headers=harness.auth(token)
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "allowed_origins[0]"


async def test_public_sites_can_be_read_without_signing_in(harness: Harness) -> None:
    token = await harness.register()
    site = await harness.create_site(token)
    query = {"site_id": site["id"], "metrics": ["visitors"]}
    anonymous = await harness.client.post("/api/v1/query", json=query)
    assert anonymous.status_code == 401
    assert (await harness.client.get(f"/api/v1/public/sites/{site['id']}")).status_code == 404
    await harness.client.patch(
        f"/api/v1/sites/{site['id']}", json={"public": True}, headers=harness.auth(token)
    )
    opened = await harness.client.post("/api/v1/query", json=query)
    assert opened.status_code == 200
    info = (await harness.client.get(f"/api/v1/public/sites/{site['id']}")).json()
    assert info == {
        "id": site["id"],
        "domain": "example.com",
        "name": "example.com",
        "timezone": "Europe/Berlin",
    }
    # Still read-only: no change without credentials.
    denied = await harness.client.patch(f"/api/v1/sites/{site['id']}", json={"name": "x"})
    assert denied.status_code == 401
    # A bad token is still refused, even on a public site.
    forged = await harness.client.post(
        "/api/v1/query", json=query, headers={"Authorization": "Bearer forged"}
    )
    assert forged.status_code == 401


async def test_status_turns_true_with_the_first_event(harness: Harness) -> None:
    token = await harness.register()
    site = await harness.create_site(token)
    path = f"/api/v1/sites/{site['id']}/status"
    before = await harness.client.get(path, headers=harness.auth(token))
    assert before.json() == {"has_events": False, "last_event_at": None}
    await harness.send(PAGEVIEW_BODY)
    after = (await harness.client.get(path, headers=harness.auth(token))).json()
    assert after["has_events"] is True
    assert after["last_event_at"].startswith("2025-06-10T10:00:00")
