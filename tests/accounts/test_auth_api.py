"""Sign-up, sign-in, refresh rotation, sign-out and profile changes over HTTP."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from tests.conftest import PASSWORD, Harness

# The same behaviour with SQLite + DuckDB and with PostgreSQL + ClickHouse.
PROFILES = ("embedded", "scale-out")


async def test_register_returns_user_and_token_and_cookie(harness: Harness) -> None:
    response = await harness.client.post(
        "/api/v1/auth/register",
        json={"email": "Ada@Example.com ", "password": PASSWORD, "name": "Ada"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["name"] == "Ada"
    assert "password" not in str(body["user"])
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    cookie = response.headers["set-cookie"]
    assert "footfall_refresh=" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/api/v1/auth" in cookie
    assert "SameSite=strict" in cookie
    me = await harness.client.get("/api/v1/auth/me", headers=harness.auth(body["access_token"]))
    assert me.json()["email"] == "ada@example.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "x" * 257}, "password"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "role": "admin"}, "role"),
    ],
)
async def test_register_validation_names_the_field(
    harness: Harness, body: dict[str, str], field: str
) -> None:
    response = await harness.client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


async def test_one_megabyte_password_is_a_fast_400(harness: Harness) -> None:
    response = await harness.client.post(
        "/api/v1/auth/register", json={"email": "a@example.com", "password": "x" * 1_000_000}
    )
    assert response.status_code == 400


async def test_duplicate_email_is_a_409(harness: Harness) -> None:
    await harness.register("a@example.com")
    response = await harness.client.post(
        "/api/v1/auth/register", json={"email": "A@example.com", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "email"


async def test_login_and_wrong_password(harness: Harness) -> None:
    await harness.register("a@example.com")
    ok = await harness.client.post(
        "/api/v1/auth/login", json={"email": "a@example.com", "password": PASSWORD}
    )
    assert ok.status_code == 200
    assert set(ok.json()) == {"access_token", "token_type", "expires_in"}
    for body in (
        {"email": "a@example.com", "password": "wrong password"},
        {"email": "nobody@example.com", "password": PASSWORD},
    ):
        bad = await harness.client.post("/api/v1/auth/login", json=body)
        assert bad.status_code == 401
        assert bad.json()["error"] == {
            "code": "invalid_credentials",
            "message": "Wrong e-mail or password",
        }


async def test_refresh_rotates_and_reuse_revokes_the_family(harness: Harness) -> None:
    await harness.register("a@example.com")
    first = harness.client.cookies.get("footfall_refresh")
    rotated = await harness.client.post("/api/v1/auth/refresh")
    assert rotated.status_code == 200
    second = harness.client.cookies.get("footfall_refresh")
    assert second
    assert second != first
    # Presenting the old token again means it was stolen: the whole family dies.
    harness.client.cookies.set("footfall_refresh", first, path="/api/v1/auth")
    reused = await harness.client.post("/api/v1/auth/refresh")
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "refresh_token_reused"
    harness.client.cookies.set("footfall_refresh", second, path="/api/v1/auth")
    assert (await harness.client.post("/api/v1/auth/refresh")).status_code == 401


async def test_logout_revokes_the_refresh_token(harness: Harness) -> None:
    await harness.register("a@example.com")
    token = harness.client.cookies.get("footfall_refresh")
    response = await harness.client.post("/api/v1/auth/logout")
    assert response.status_code == 204
    harness.client.cookies.set("footfall_refresh", token, path="/api/v1/auth")
    assert (await harness.client.post("/api/v1/auth/refresh")).status_code == 401


async def test_refresh_without_cookie(harness: Harness) -> None:
    response = await harness.client.post("/api/v1/auth/refresh")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nonsense", "Basic abc", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."],
)
async def test_bad_bearer_tokens_are_401(harness: Harness, header: str) -> None:
    response = await harness.client.get("/api/v1/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_expired_and_foreign_tokens(harness: Harness) -> None:
    token = await harness.register("a@example.com")
    payload = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(payload, "another-secret-key-of-sufficient-length", algorithm="HS256")
    response = await harness.client.get("/api/v1/auth/me", headers=harness.auth(forged))
    assert response.status_code == 401
    past = {**payload, "iat": payload["iat"] - 1000, "exp": payload["iat"] - 100}
    stale = jwt.encode(past, harness.runtime.secret_key, algorithm="HS256")
    expired = await harness.client.get("/api/v1/auth/me", headers=harness.auth(stale))
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "token_expired"
    no_exp = {k: v for k, v in payload.items() if k != "exp"}
    unbounded = jwt.encode(no_exp, harness.runtime.secret_key, algorithm="HS256")
    assert (
        await harness.client.get("/api/v1/auth/me", headers=harness.auth(unbounded))
    ).status_code == 401
    # Right key, other algorithm: only HS256 is accepted.
    other_alg = jwt.encode(payload, harness.runtime.secret_key, algorithm="HS512")
    assert (
        await harness.client.get("/api/v1/auth/me", headers=harness.auth(other_alg))
    ).status_code == 401


async def test_profile_and_password_change(harness: Harness) -> None:
    token = await harness.register("a@example.com")
    auth = harness.auth(token)
    updated = await harness.client.patch("/api/v1/auth/me", json={"name": "Ada L."}, headers=auth)
    assert updated.json()["name"] == "Ada L."
    wrong = await harness.client.post(
        "/api/v1/auth/password",
        json={"current_password": "nope nope", "new_password": "a new password"},
        headers=auth,
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["field"] == "current_password"
    old_refresh = harness.client.cookies.get("footfall_refresh")
    changed = await harness.client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a new password"},
        headers=auth,
    )
    assert changed.status_code == 204
    harness.client.cookies.set("footfall_refresh", old_refresh, path="/api/v1/auth")
    assert (await harness.client.post("/api/v1/auth/refresh")).status_code == 401
    relogin = await harness.client.post(
        "/api/v1/auth/login", json={"email": "a@example.com", "password": "a new password"}
    )
    assert relogin.status_code == 200


async def test_registration_can_be_closed(settings: object, clock: object) -> None:
    import httpx

    from footfall.app import create_app
    from tests.conftest import make_settings

    closed = make_settings(settings.data_dir, registration_open=False)  # type: ignore[attr-defined]
    app = create_app(closed, clock=clock)  # type: ignore[arg-type]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.post(
                "/api/v1/auth/register", json={"email": "a@example.com", "password": PASSWORD}
            )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "registration_closed"


def test_token_lifetime_is_short() -> None:
    from footfall.settings import Settings

    assert timedelta(seconds=Settings(_env_file=None).access_token_ttl_s) <= timedelta(minutes=15)  # type: ignore[call-arg]
