"""`create_app(settings)`: the FastAPI application with its database, templates and routers."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from web.db import make_engine, migrate
from web.i18n import LocaleMiddleware, _
from web.portal.routes import router as portal_router
from web.routes import api, auth, events, registrations, requests, schedules, solving
from web.security import LoginLimiter, LoginRequired
from web.settings import Settings, get_settings
from web.templating import is_htmx, make_environment, render

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
HTMX_DIST = Path(__file__).resolve().parent.parent / "node_modules" / "htmx.org" / "dist"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="ketnoi",
        summary="Organiser app and JSON API of the ketnoi B2B meeting scheduler",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    migrate(app.state.engine)
    app.state.jinja = make_environment()
    app.state.login_limiter = LoginLimiter(settings.login_attempts, settings.login_window_seconds)
    # Sign-in links asked for by e-mail: per address, as many per window as login attempts.
    app.state.link_limiter = LoginLimiter(settings.login_attempts, settings.login_window_seconds)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.get_secret_key(),
        session_cookie="ketnoi_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # Outermost: the locale (cookie, then Accept-Language) is set before any handler runs.
    app.add_middleware(LocaleMiddleware)
    if (HTMX_DIST / "htmx.min.js").exists():
        app.mount("/static/vendor", StaticFiles(directory=HTMX_DIST), name="vendor")
    else:
        log.warning("htmx not found in %s: run scripts/setup-dev (npm ci)", HTMX_DIST)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, events, registrations, requests, solving, schedules):
        app.include_router(module.router)
    app.include_router(api.router, prefix="/api")
    app.include_router(portal_router)
    _install_error_pages(app)
    return app


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = "/login?next=" + quote(here, safe="/")
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    # Starlette's HTTPException: also the router's own 404 (unknown address) and 405.
    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        message = {
            "Not Found": _("There is no page at this address."),
            "Method Not Allowed": _("This address does not take that kind of request."),
        }.get(str(exc.detail), str(exc.detail))
        return _error_page(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors()
        ]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": problems}, 422)
        fields = sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()})
        message = _("Some values in this address or form are not valid: {fields}.")
        return _error_page(request, 422, message.format(fields=", ".join(fields)))

    # An id or number beyond what the database stores (SQLite: OverflowError on binding;
    # PostgreSQL: DataError) is bad input, not our failure; the session rolls back on exit.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        message = _("A value in this request is out of range.")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, 422)
        return _error_page(request, 422, message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        message = _("Something went wrong on our side. The error was logged; nothing was saved.")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, 500)
        return _error_page(request, 500, message)


def _error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    titles = {
        403: _("Not allowed"),
        404: _("Not found"),
        422: _("Invalid input"),
        429: _("Too many attempts"),
    }
    context = {"status": status, "title": titles.get(status, _("Error")), "message": message}
    try:
        return render(
            request, "error.html", context, block="content", status_code=status, headers=headers
        )
    except Exception:  # the session may be unavailable (e.g. in a middleware failure)
        return HTMLResponse(f"<h1>{status}</h1><p>{message}</p>", status_code=status)
