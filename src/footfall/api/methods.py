"""The methods a path allows, from the OpenAPI document (Starlette's 405 names only the methods
of the first route whose path matches, and the dashboard's catch-all answers GET everywhere)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import compile_path

_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def allowed_methods(request: Request) -> list[str]:
    """Methods the API documents for this request's path (empty for undocumented paths)."""
    path = request.url.path
    methods: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            methods |= {m.upper() for m in item if m in _HTTP_METHODS}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
