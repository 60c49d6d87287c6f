"""Organiser sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.http import sessions
from web.http.deps import Db, SettingsDep
from web.http.limits import LoginLimiter
from web.http.responses import safe_next
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.i18n import _
from web.usecases import accounts, logins

router = APIRouter(dependencies=[Depends(csrf_protect)])
TEMPLATE = "organiser/login.html"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, TEMPLATE, {"next": safe_next(next), "email": ""})


@router.post("/login")
def login(
    request: Request,
    db: Db,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    limiter: LoginLimiter = request.app.state.login_limiter
    client = request.client.host if request.client else "unknown"
    keys = (f"email:{email.strip().lower()}", f"ip:{client}")
    context = {"next": safe_next(next), "email": email}
    if limiter.blocked(*keys):
        context["error"] = _("Too many failed attempts. Wait a few minutes and try again.")
        return render(request, TEMPLATE, context, block="login_form", status_code=429)
    organiser = accounts.authenticate(db, email, password)
    if organiser is None:
        limiter.fail(*keys)
        context["error"] = _("Wrong e-mail or password.")
        return render(request, TEMPLATE, context, block="login_form", status_code=422)
    # A success proves the address's password only: the client's failures still count.
    limiter.reset(keys[0])
    logins.forget_expired(db, settings.session_max_age)
    sessions.log_in(request, logins.start(db, organiser=organiser))
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: Db) -> Response:
    """Ends the cookie's sessions on the server: a copy of it no longer signs anyone in."""
    logins.end(db, sessions.organiser_token(request))
    logins.end(db, sessions.participant_token(request))
    sessions.log_out(request)
    return RedirectResponse("/login", status_code=303)
