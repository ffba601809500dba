"""The one error shape of the HTTP API: {"error": {"code", "message", "field"?}}."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error to report to the client with a status, a stable code and a human message."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        status: int | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body for this error."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class ValidationFailed(ApiError):
    """The request is well-formed JSON but a field is wrong."""

    status = 400
    code = "invalid"


class Unauthorized(ApiError):
    """No valid credentials were given."""

    status = 401
    code = "unauthorized"

    def __init__(self, message: str = "Authentication required", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(ApiError):
    """Credentials are valid but do not allow this action."""

    status = 403
    code = "forbidden"


class NotFound(ApiError):
    """The thing does not exist, or the caller may not know it exists."""

    status = 404
    code = "not_found"


class Conflict(ApiError):
    """The change clashes with existing state (duplicate e-mail or domain)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(ApiError):
    """The body exceeds the configured limit."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ApiError):
    """The body's content type is not one we read."""

    status = 415
    code = "unsupported_media_type"


class RequestTimeout(ApiError):
    """The client took too long to send its request."""

    status = 408
    code = "request_timeout"


class RateLimited(ApiError):
    """Too many requests from one source; retry after the Retry-After header's seconds."""

    status = 429
    code = "rate_limited"


class ServiceUnavailable(ApiError):
    """A backing store cannot take the request right now."""

    status = 503
    code = "unavailable"
