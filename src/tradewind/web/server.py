"""`create_app`: the FastAPI application of `tradewind serve` (REST API, dashboard,
vendored static assets, security headers), and `serve` to run it under uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from tradewind.__about__ import __version__
from tradewind.api import routes_read, routes_write
from tradewind.api.auth import LoginRequiredError
from tradewind.api.errors import install_error_handlers
from tradewind.api.security import SecurityHeaders
from tradewind.api.settings import ServeSettings
from tradewind.api.state import ServerState, open_state
from tradewind.web import control_pages, pages, run_pages
from tradewind.web.rendering import render_error

__all__ = ["STATIC_DIR", "create_app", "serve"]

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(state: ServerState, *, compute_mmin: bool = True) -> FastAPI:
    """The application over an opened `state` (the journal stays open while it serves)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        poller = asyncio.create_task(state.feed.run())
        if compute_mmin:
            threading.Thread(target=state.compute_mmin, name="mmin-view", daemon=True).start()
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller

    app = FastAPI(
        title="Tradewind",
        version=__version__,
        summary="Dashboard and REST API over a Tradewind journal",
        lifespan=lifespan,
        docs_url=None,  # the OpenAPI document and its page need a login (routes_read, pages)
        redoc_url=None,
        openapi_url=None,
    )
    app.state.tw = state
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    _install_page_handlers(app)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness (no authentication): the server answers."""
        return {"status": "ok", "version": __version__}

    app.include_router(routes_read.router)
    app.include_router(routes_write.router)
    app.include_router(pages.router)
    app.include_router(run_pages.router)
    app.include_router(control_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def to_login(request: Request, exc: LoginRequiredError) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", 303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, exc.status_code, headers=headers)
        return render_error(request, exc.status_code, str(exc.detail), headers=headers)


def serve(settings: ServeSettings, *, on_ready: Any = None) -> None:
    """Open the journal and serve until interrupted (Ctrl-C).

    Raises:
        JournalError / ConfigError: the journal or config cannot be opened.
    """
    import uvicorn

    state = open_state(settings)
    app = create_app(state)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            access_log=False, server_header=False)  # fmt: skip
    server = uvicorn.Server(config)
    if on_ready is not None:
        on_ready()
    try:
        server.run()
    finally:
        state.journal.close()
