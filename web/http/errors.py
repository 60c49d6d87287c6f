"""Error answers for every route: a translated page (JSON under /api/), never a traceback.

Use cases raise `NotFound`, `Forbidden`, `Conflict` and `Invalid` with a message code; they
become 404, 403, 409 and 422 here, in the reader's language.
"""

from __future__ import annotations

import logging
import re
from html import escape
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from web import messages
from web.http.responses import redirect
from web.http.sessions import LoginRequired
from web.http.templating import render
from web.i18n import _
from web.usecases.errors import Conflict, Forbidden, Invalid, NotFound, UseCaseError

log = logging.getLogger(__name__)
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(request, "/login?next=" + quote(here, safe="/"))

    @app.exception_handler(UseCaseError)
    async def _refused(request: Request, exc: UseCaseError) -> Response:
        status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 400)
        message = messages.text(exc.message)
        if _is_api(request):
            return JSONResponse({"detail": message}, status)
        return error_page(request, status, message)

    # Starlette's HTTPException: also the router's own 404 (unknown address) and 405.
    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        headers = dict(exc.headers or {})
        if _is_api(request):
            if exc.status_code == 405:
                headers["Allow"] = _allowed_methods(request)
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)
        message = {
            "Not Found": _("There is no page at this address."),
            "Method Not Allowed": _("This address does not take that kind of request."),
        }.get(str(exc.detail), str(exc.detail))
        return error_page(request, exc.status_code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            problems = [
                f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                for e in exc.errors()
            ]
            return JSONResponse({"detail": problems}, 422)
        fields = sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()})
        message = _("Some values in this address or form are not valid: {fields}.")
        return error_page(request, 422, message.format(fields=", ".join(fields)))

    # An id or number beyond what the database stores (SQLite: OverflowError on binding;
    # PostgreSQL: DataError) is bad input, not our failure; the session rolls back on exit.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        message = _("A value in this request is out of range.")
        if _is_api(request):
            return JSONResponse({"detail": message}, 422)
        return error_page(request, 422, message)

    # The database is restarting, unreachable, or its disk is full: the transaction was rolled
    # back, so nothing was saved, and trying again later is the remedy.
    @app.exception_handler(OperationalError)
    async def _unavailable(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable on %s: %s", request.url.path, exc.orig)
        message = _(
            "The database is unavailable or its disk is full. Nothing was saved; "
            "try again in a moment."
        )
        if _is_api(request):
            return JSONResponse({"detail": message}, 503)
        return error_page(request, 503, message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        message = _("Something went wrong on our side. The error was logged; nothing was saved.")
        if _is_api(request):
            return JSONResponse({"detail": message}, 500)
        return error_page(request, 500, message)


def _allowed_methods(request: Request) -> str:
    """Every method the OpenAPI document gives this API address (the router's own 405 names
    only the first route's)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods.update(method.upper() for method in operations)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    titles = {
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Conflict"),
        422: _("Invalid input"),
        429: _("Too many attempts"),
    }
    context = {"status": status, "title": titles.get(status, _("Error")), "message": message}
    try:
        return render(
            request,
            "shared/error.html",
            context,
            block="content",
            status_code=status,
            headers=headers,
        )
    except Exception:  # the session may be unavailable (e.g. in a middleware failure)
        return HTMLResponse(f"<h1>{status}</h1><p>{escape(message)}</p>", status_code=status)
