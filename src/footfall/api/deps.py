"""FastAPI dependencies: the runtime, a database session, the signed-in user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from footfall.accounts.models import User
from footfall.accounts.tokens import verify_access_token
from footfall.errors import Unauthorized
from footfall.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    """The process runtime attached to the app."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


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


async def current_user(request: Request, runtime: RuntimeDep, db: DbDep) -> User:
    """The active user the bearer token belongs to, or 401."""
    claims = verify_access_token(runtime.secret_key, bearer_token(request))
    user = await db.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("Invalid access token", code="invalid_token")
    return user


UserDep = Annotated[User, Depends(current_user)]


async def optional_user(request: Request, runtime: RuntimeDep, db: DbDep) -> User | None:
    """The signed-in user, or None without an Authorization header (bad tokens still 401)."""
    if "authorization" not in request.headers:
        return None
    return await current_user(request, runtime, db)


OptionalUserDep = Annotated[User | None, Depends(optional_user)]
