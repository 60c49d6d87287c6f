"""`create_app(settings)`: the FastAPI application with its database, templates and routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from starlette.middleware.sessions import SessionMiddleware

from web import api, organiser, portal
from web.courier import Courier
from web.db import make_engine, migrate
from web.http import errors, language
from web.http.headers import SecurityHeaders
from web.http.limits import LoginLimiter
from web.http.templating import make_environment
from web.i18n import LocaleMiddleware
from web.jobqueue import make_launcher
from web.settings import Settings, get_settings
from web.usecases import releases

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
HTMX_DIST = NODE_MODULES / "htmx.org" / "dist"
SWAGGER_DIST = NODE_MODULES / "swagger-ui-dist"
JSQR_DIST = NODE_MODULES / "jsqr" / "dist"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.courier.kick()  # mail a crash or a restart left in the outbox
        yield
        app.state.courier.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="ketnoi",
        summary="Organiser app and JSON API of the ketnoi B2B meeting scheduler",
        docs_url=None,  # web.api.docs: Swagger UI from local files, allowed by the CSP
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    migrate(app.state.engine)
    with Session(app.state.engine) as db:
        releases.backfill(db)
    app.state.courier = Courier.from_settings(app.state.engine, settings)
    app.state.jinja = make_environment()
    app.state.launcher = make_launcher(settings, app.state.engine)
    engine, window = app.state.engine, settings.login_window_seconds
    app.state.login_limiter = LoginLimiter(
        engine, settings.login_attempts, window, {"ip": settings.login_client_attempts}
    )
    # Sign-in links asked for by e-mail: per address, as many per window as login attempts.
    app.state.link_limiter = LoginLimiter(engine, settings.login_attempts, window)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.get_secret_key(),
        session_cookie="ketnoi_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # The locale (cookie, then Accept-Language) is set before any handler runs.
    app.add_middleware(LocaleMiddleware)
    # Outermost: every answer, error pages and static files too, carries the headers.
    app.add_middleware(SecurityHeaders)
    if (HTMX_DIST / "htmx.min.js").exists():
        app.mount("/static/vendor", StaticFiles(directory=HTMX_DIST), name="vendor")
    else:
        log.warning("htmx not found in %s: run scripts/setup-dev (npm ci)", HTMX_DIST)
    if (JSQR_DIST / "jsQR.js").exists():
        # The check-in desk decodes QR codes in the browser (camera or photo), offline.
        app.mount("/static/jsqr", StaticFiles(directory=JSQR_DIST), name="jsqr")
    else:
        log.warning("jsQR not found in %s: run scripts/setup-dev (npm ci)", JSQR_DIST)
    if SWAGGER_DIST.exists():
        app.mount("/static/swagger", StaticFiles(directory=SWAGGER_DIST), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(organiser.router)
    app.include_router(portal.router)
    app.include_router(language.router)
    app.include_router(api.router, prefix="/api")
    errors.install(app)
    return app
