"""Schemathesis against /openapi.json: every documented operation, called in-process with a real
user's bearer token and a real site, never answers 500 and always answers as documented.

Example counts are bounded (a few minutes at most for the whole schema).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from footfall.app import create_app
from tests.conftest import CHROME_WINDOWS, PASSWORD, make_settings

pytestmark = pytest.mark.slow

EXAMPLES = 60


@dataclass
class Account:
    """The signed-in user and their site, as the generated requests use them."""

    app: Any
    token: str
    user_id: int
    site_id: int


def _site_for(client: Any, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    for site in client.get("http://testserver/api/v1/sites", headers=headers).json():
        if site["domain"] == "schema.example":
            return int(site["id"])
    created = client.post(
        "http://testserver/api/v1/sites",
        json={"domain": "schema.example", "timezone": "Europe/Berlin"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


# The schema is read from the app itself at collection time (no server started): schemathesis'
# fixture-based loader does not work with this pytest. The app starts on first use.
DATA_DIR = Path(tempfile.gettempdir()) / f"footfall-schemathesis-{os.getpid()}"
APP = create_app(make_settings(DATA_DIR))
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP
schema.location = "/openapi.json"


@pytest.fixture(scope="module")
def account(migrated_template: Path) -> Iterator[Account]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_template, DATA_DIR / "footfall.sqlite3")
    app = APP
    with asgi.get_client(app) as client:
        served = client.get("http://testserver/openapi.json")
        assert served.json() == app.openapi()
        registered = client.post(
            "http://testserver/api/v1/auth/register",
            json={"email": "schema@example.com", "password": PASSWORD, "name": "Schema"},
        )
        assert registered.status_code == 201, registered.text
        body = registered.json()
        token = body["access_token"]
        site_id = _site_for(client, token)
        # Some traffic, so queries have rows to describe.
        for path in ("/", "/pricing", "/blog"):
            client.post(
                "http://testserver/api/event",
                json={"n": "pageview", "u": f"https://schema.example{path}", "d": "schema.example"},
                headers={"User-Agent": CHROME_WINDOWS, "X-Forwarded-For": "85.214.132.117"},
            )
        yield Account(app, token, int(body["user"]["id"]), site_id)
    asgi.shutdown_lifespans()
    # The module keeps the app; drop its stopped runtime so the stores go before the process.
    app.state.runtime = None
    shutil.rmtree(DATA_DIR, ignore_errors=True)


def _negative(case: Any, location: ParameterLocation) -> bool:
    meta = case.meta
    info = meta.components.get(location) if meta is not None else None
    return info is not None and info.mode == GenerationMode.NEGATIVE


def _aim_at_real_rows(case: Any, account: Account) -> dict[str, str]:
    """Point about half the generated ids at the real user and site (the rest stay random), and
    recreate the site when an earlier case deleted it; cases meant to be invalid stay as they
    are. Returns the headers to send (the bearer token, unless the case leaves it out)."""
    with asgi.get_client(account.app) as client:
        account.site_id = _site_for(client, account.token)
    params = case.path_parameters or {}
    if not _negative(case, ParameterLocation.PATH):
        for name, real in (("site_id", account.site_id), ("user_id", account.user_id)):
            value = params.get(name)
            if isinstance(value, int) and value % 2 == 0:
                params[name] = real
    body = case.body
    if (
        not _negative(case, ParameterLocation.BODY)
        and isinstance(body, dict)
        and isinstance(body.get("site_id"), int)
        and body["site_id"] % 2 == 0
    ):
        body["site_id"] = account.site_id
    if _negative(case, ParameterLocation.HEADER):
        return {}
    return {"Authorization": f"Bearer {account.token}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, account: Account) -> None:
    headers = _aim_at_real_rows(case, account)
    # Every check but "schema-valid data is accepted": Footfall validates more than a JSON
    # Schema can say (a domain must look like one, a query must name known metrics, dates must
    # form a range...), and rightly answers those with a 400 naming the field.
    case.call_and_validate(
        headers=headers,
        excluded_checks=[positive_data_acceptance],
    )
