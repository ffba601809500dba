"""FastAPI dependencies: the runtime, a database session, the signed-in user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from footfall.accounts.models import User
from footfall.accounts.tokens import verify_access_token
from footfall.api.openapi_doc import BEARER, OPTIONAL_BEARER
from footfall.errors import Unauthorized
from footfall.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    """The process runtime attached to the app."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
# A row id in a path: 64-bit, as SQLite and PostgreSQL store them (larger ones are a 400).
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


async def get_db(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """A metadata database session for one request (handlers commit explicitly)."""
    async with runtime.db() as session:
        yield session


DbDep = Annotated[AsyncSession, Depends(get_db)]


def bearer_token(request: Request) -> str:
    """The token of an `Authorization: Bearer …` header, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'")
    return token.strip()


# Declared for the OpenAPI document only (bearer_token reads the header and answers the 401s).
_bearer = HTTPBearer(scheme_name=BEARER, auto_error=False, description="An access token")
_optional_bearer = HTTPBearer(scheme_name=OPTIONAL_BEARER, auto_error=False)
Documented = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
DocumentedOptional = Annotated[HTTPAuthorizationCredentials | None, Security(_optional_bearer)]


async def current_user(
    request: Request, runtime: RuntimeDep, db: DbDep, _: Documented = None
) -> User:
    """The active user the bearer token belongs to, or 401."""
    claims = verify_access_token(runtime.secret_key, bearer_token(request))
    user = await db.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("Invalid access token", code="invalid_token")
    return user


UserDep = Annotated[User, Depends(current_user)]


async def optional_user(
    request: Request, runtime: RuntimeDep, db: DbDep, _: DocumentedOptional = None
) -> User | None:
    """The signed-in user, or None without an Authorization header (bad tokens still 401)."""
    if "authorization" not in request.headers:
        return None
    return await current_user(request, runtime, db)


OptionalUserDep = Annotated[User | None, Depends(optional_user)]
