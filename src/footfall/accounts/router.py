"""HTTP routes for sign-up, sign-in, token refresh, sign-out and the profile."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from footfall.accounts import service
from footfall.accounts.schemas import (
    LoginRequest,
    PasswordChange,
    RegisterOut,
    RegisterRequest,
    TokenOut,
    UserOut,
    UserUpdate,
)
from footfall.api.deps import DbDep, RuntimeDep, UserDep
from footfall.errors import Forbidden
from footfall.runtime import Runtime

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

REFRESH_COOKIE = "footfall_refresh"
REFRESH_PATH = "/api/v1/auth"


def _set_refresh_cookie(response: Response, runtime: Runtime, token: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=runtime.settings.refresh_token_ttl_s,
        path=REFRESH_PATH,
        httponly=True,
        secure=runtime.settings.cookie_secure,
        samesite="strict",
    )


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=RegisterOut)
async def register(
    body: RegisterRequest, response: Response, runtime: RuntimeDep, db: DbDep
) -> RegisterOut:
    """Create an account and sign it in."""
    if not runtime.settings.registration_open:
        raise Forbidden("Registration is closed on this server", code="registration_closed")
    user = await service.create_user(db, email=body.email, password=body.password, name=body.name)
    issued = await service.issue_tokens(db, user, runtime.tokens)
    await db.commit()
    _set_refresh_cookie(response, runtime, issued.refresh_token)
    return RegisterOut(
        user=UserOut.model_validate(user),
        access_token=issued.access_token,
        expires_in=issued.expires_in,
    )


@router.post("/login", response_model=TokenOut)
async def login(body: LoginRequest, response: Response, runtime: RuntimeDep, db: DbDep) -> TokenOut:
    """Exchange e-mail and password for an access token (and a refresh cookie)."""
    user = await service.authenticate(db, email=body.email, password=body.password)
    issued = await service.issue_tokens(db, user, runtime.tokens)
    await db.commit()
    _set_refresh_cookie(response, runtime, issued.refresh_token)
    return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)


@router.post("/refresh", response_model=TokenOut)
async def refresh(request: Request, response: Response, runtime: RuntimeDep, db: DbDep) -> TokenOut:
    """Rotate the refresh cookie and get a new access token."""
    _, issued = await service.rotate_refresh_token(
        db, request.cookies.get(REFRESH_COOKIE), runtime.tokens
    )
    await db.commit()
    _set_refresh_cookie(response, runtime, issued.refresh_token)
    return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, db: DbDep) -> Response:
    """Revoke the refresh cookie's session."""
    await service.revoke_refresh_token(db, request.cookies.get(REFRESH_COOKIE))
    await db.commit()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH, httponly=True, samesite="strict")
    return response


@router.get("/me", response_model=UserOut)
async def me(user: UserDep) -> UserOut:
    """The signed-in user."""
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut)
async def update_me(body: UserUpdate, user: UserDep, db: DbDep) -> UserOut:
    """Change the signed-in user's name or e-mail."""
    await service.update_profile(db, user, name=body.name, email=body.email)
    await db.commit()
    return UserOut.model_validate(user)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(body: PasswordChange, user: UserDep, db: DbDep) -> Response:
    """Change the password; every refresh session ends."""
    await service.change_password(db, user, current=body.current_password, new=body.new_password)
    await db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
