"""Login and logout of organisers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.db import SessionDep
from web.i18n import _
from web.security import authenticate, csrf_protect, log_in, log_out
from web.templating import render

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _safe_next(target: str) -> str:
    # "//host" and "/\\host" are other sites to a browser
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "email": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    limiter = request.app.state.login_limiter
    client = request.client.host if request.client else "unknown"
    keys = (f"email:{email.strip().lower()}", f"ip:{client}")
    context = {"next": _safe_next(next), "email": email}
    if limiter.blocked(*keys):
        context["error"] = _("Too many failed attempts. Wait a few minutes and try again.")
        return render(request, "login.html", context, block="login_form", status_code=429)
    organiser = authenticate(session, email, password)
    if organiser is None:
        limiter.fail(*keys)
        context["error"] = _("Wrong e-mail or password.")
        return render(request, "login.html", context, block="login_form", status_code=422)
    limiter.reset(*keys)
    log_in(request, organiser)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    log_out(request)
    return RedirectResponse("/login", status_code=303)
