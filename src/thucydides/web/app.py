"""The FastAPI application: the JSON API, the dashboard pages and their local assets.

``create_app(db)`` reads the event store through a
:class:`~thucydides.store.live.LiveStore`: it serves a read-only snapshot of the
database and follows new ones, and never keeps the database file open, so
``thucydides code`` can write it while the server answers (docs/reliability.md).
It serves:

- ``/api/...``: the JSON API (:mod:`thucydides.web.api`), described at ``/openapi.json``;
- ``/``: the dashboard (dyad picker and chart, filters, the events table);
- ``/articles/{article_id}``: an article with its events and quotes marked in the text;
- ``/map``: event locations on a world map;
- ``/docs``: the API reference, rendered from the OpenAPI schema;
- ``/static/...``: the CSS, scripts and world map; nothing is loaded from elsewhere.

Errors never show a stack trace: malformed parameters get 422, contradictory ones
400, unknown articles 404, an unreadable store 503 (with Retry-After), a path and
query over :data:`MAX_URL` characters 414, headers over :data:`MAX_HEADERS` bytes
431, and anything unexpected a bare 500 whose details go to the server log only. Every answer carries a Content
Security Policy that allows this server's own assets and nothing else.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from thucydides import __version__
from thucydides.errors import ConfigError, StoreError
from thucydides.records import UNIDENTIFIED
from thucydides.store.live import LiveStore
from thucydides.web.api import ErrorDetail, ErrorResponse, router
from thucydides.web.pages import pages

__all__ = ["MAX_HEADERS", "MAX_URL", "create_app"]

logger = logging.getLogger(__name__)

#: The longest path plus query string answered (every parameter has a short bound).
MAX_URL: Final = 4096
#: The most bytes of request headers answered (browsers send 1-2 KB).
MAX_HEADERS: Final = 16 * 1024

_HERE: Final = Path(str(resources.files("thucydides.web")))
_SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(db: str | Path, *, poll: float = 1.0) -> FastAPI:
    """Return the web application serving the event store at ``db`` (read-only).

    ``poll``: seconds between looks for new data while the app runs. Raises
    :class:`~thucydides.errors.StoreError` when the file is missing or is not an
    event store.
    """
    live = LiveStore(db, poll=poll)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        live.start()
        try:
            yield
        finally:
            live.close()

    app = FastAPI(
        title="Thucydides event data",
        version=__version__,
        description=(
            "Political events coded from news (CAMEO/PLOVER), each with the sentence that "
            "proves it. Read-only. Errors are JSON objects with an `error` message."
        ),
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; /docs is rendered here
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.live = live
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.globals["unidentified"] = UNIDENTIFIED  # for the actor_code macro
    app.state.templates = templates
    app.include_router(router)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    _add_error_handlers(app)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        headers = sum(len(name) + len(value) for name, value in request.headers.raw)
        if len(request.url.path) + len(request.url.query) > MAX_URL:
            message = f"the address is longer than {MAX_URL} characters; shorten the query"
            response = _error(request, 414, message, [])
        elif headers > MAX_HEADERS:
            message = f"the request headers exceed {MAX_HEADERS} bytes; send fewer or shorter ones"
            response = _error(request, 431, message, [])
        else:
            response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/openapi")) and "text/html" in (
        request.headers.get("accept", "")
    )


def _error(request: Request, status: int, message: str, details: list[ErrorDetail]) -> Response:
    """Answer an error as JSON for the API, or as a small HTML page for a browser."""
    if _wants_html(request):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )
    body = ErrorResponse(error=message, details=details)
    return JSONResponse(body.model_dump(), status_code=status)


def _describe(error: dict[str, Any]) -> ErrorDetail:
    """Turn one pydantic error into a location and a message that names the bad value."""
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid value"))
    if "input" in error and error["input"] is not None and error.get("type") != "missing":
        shown = repr(error["input"])
        message += f" (got {shown[:80]}{'…' if len(shown) > 80 else ''})"
    return ErrorDetail(location=location, message=message)


def _add_error_handlers(app: FastAPI) -> None:
    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        details = [_describe(dict(e)) for e in exc.errors()]
        summary = "; ".join(f"{d.location.split('.')[-1]}: {d.message}" for d in details)
        return _error(request, 422, f"invalid request: {summary}", details)

    async def contradictory(request: Request, exc: Exception) -> Response:
        return _error(request, 400, str(exc), [])

    async def unreadable(request: Request, exc: Exception) -> Response:
        logger.error("store error while serving %s: %s", request.url.path, exc)
        response = _error(
            request, 503, "the event database cannot be read right now; retry in a few seconds", []
        )
        response.headers["Retry-After"] = "5"
        return response

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page or endpoint at {request.url.path}; see /docs for the API"
        elif exc.status_code == 405:
            message = "this endpoint only answers GET requests"
        response = _error(request, exc.status_code, message, [])
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error while serving %s", request.url.path)
        return _error(request, 500, "internal error; the server log has the details", [])

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(ConfigError, contradictory)
    app.add_exception_handler(StoreError, unreadable)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
