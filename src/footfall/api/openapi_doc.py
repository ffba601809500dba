"""Completes the generated OpenAPI document with what FastAPI cannot see: the one error shape
and the statuses every operation can answer with, and optional authentication.

FastAPI documents a 422 validation error that Footfall never sends (bad input is a 400 in the
error shape of api/errors.py), and no 401/403/404/409/503 at all.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code"},
                "message": {"type": "string", "description": "What went wrong, for people"},
                "field": {"type": "string", "description": "The offending field, if any"},
            },
        }
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}

# The scheme names api/deps.py gives its bearer dependencies.
BEARER = "bearer"
OPTIONAL_BEARER = "optionalBearer"

_DESCRIPTIONS = {
    "400": "Invalid request: error.field names the problem",
    "401": "Missing, invalid or expired access token",
    "403": "Signed in, but not allowed to do this",
    "404": "No such resource (or not visible to you)",
    "405": "Method not allowed",
    "408": "The request took too long to arrive",
    "409": "Conflicts with existing data",
    "413": "Body too large",
    "415": "Unsupported content type or encoding",
    "429": "Too many requests; retry after Retry-After seconds",
    "503": "A backing store is unavailable; retry after Retry-After seconds",
}


def _error(status: str, existing: dict[str, Any] | None = None) -> dict[str, Any]:
    response = dict(existing or {})
    response.setdefault("description", _DESCRIPTIONS.get(status, "Error"))
    response["content"] = {"application/json": {"schema": _ERROR_REF}}
    return response


def _statuses(path: str, method: str, operation: dict[str, Any], optional: bool) -> list[str]:
    statuses = ["400", "503"]
    if operation.get("security") or "/auth/" in path:  # bad tokens, passwords, cookies
        statuses.append("401")
    if "{" in path or optional:  # a resource by id, or a site named in the body
        statuses += ["403", "404"]
    if "ingestion" in operation.get("tags", ()):
        return [*statuses, "408", "413", "415", "429"]
    if "requestBody" in operation:
        statuses += ["413", "415"]
    if method in ("post", "patch", "put", "delete") and ("requestBody" in operation or "{" in path):
        statuses.append("409")  # duplicates, or the last owner of a site
    return statuses


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses and optional-auth markers to a generated schema (in place)."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    schemas = components["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemes = components.get("securitySchemes", {})
    if OPTIONAL_BEARER in schemes:
        # Same mechanism as "bearer"; only its use differs (see below).
        schemes.pop(OPTIONAL_BEARER)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = operation.get("security") or []
            optional = any(OPTIONAL_BEARER in entry for entry in security)
            if optional:
                # Anonymous calls are allowed too (public sites): {} means "no credentials".
                operation["security"] = [{BEARER: []}, {}]
            responses = operation["responses"]
            responses.pop("422", None)
            for status in _statuses(path, method, operation, optional):
                responses[status] = _error(status, responses.get(status))
    return schema
