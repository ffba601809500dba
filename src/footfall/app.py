"""The ASGI application: routers, error handlers and the process runtime's lifecycle."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp

from footfall import __version__
from footfall.accounts.router import router as auth_router
from footfall.api.errors import install_error_handlers
from footfall.api.health import router as health_router
from footfall.api.openapi_doc import document_errors
from footfall.api.static import router as static_router
from footfall.ingest.asgi import IngestFastPath
from footfall.ingest.openapi import ingestion_paths
from footfall.query.router import router as query_router
from footfall.runtime import Runtime, utcnow
from footfall.settings import Settings
from footfall.sites.router import public_router
from footfall.sites.router import router as sites_router


class FootfallApp(FastAPI):
    """FastAPI with the raw-ASGI ingestion endpoints in front of its middleware stack."""

    def build_middleware_stack(self) -> ASGIApp:
        """Wrap the usual stack so /api/event(s) never pay for routing and middleware."""
        return IngestFastPath(super().build_middleware_stack(), lambda: self.state.runtime)

    def openapi(self) -> dict[str, Any]:
        """The generated schema plus the ingestion endpoints served outside the router."""
        if self.openapi_schema is not None:
            return self.openapi_schema
        schema = super().openapi()
        paths = schema.setdefault("paths", {})
        for path, item in ingestion_paths().items():
            paths.setdefault(path, item)
        self.openapi_schema = document_errors(schema)
        return self.openapi_schema


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    """A Footfall app for the given settings (environment by default)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await Runtime.start(settings, clock=clock or utcnow)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await runtime.stop()

    app = FootfallApp(
        title="Footfall",
        version=__version__,
        description="Privacy-first, real-time web and conversion analytics.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in (
        auth_router,
        sites_router,
        public_router,
        query_router,
        health_router,
        static_router,
    ):
        app.include_router(router)
    return app
