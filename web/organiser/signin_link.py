"""Organisers' sign-in by a one-time link sent to their address: the way in when the
password is forgotten, or while someone guessing it keeps the password form locked."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.http import sessions
from web.http.deps import Db, PostmanDep, SettingsDep, secret
from web.http.limits import LoginLimiter
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import accounts, logins

router = APIRouter(dependencies=[Depends(csrf_protect)])
log = logging.getLogger(__name__)
PAGE = "organiser/login_link.html"


@router.get("/login/link")
def link_form(request: Request) -> Response:
    return render(request, PAGE, {})


@router.post("/login/link")
def link_send(
    request: Request,
    db: Db,
    postman: PostmanDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Always the same answer, whether or not the address is an organiser's (or limited)."""
    limiter: LoginLimiter = request.app.state.link_limiter
    key = "organiser:" + email.strip().casefold()[:320]
    # Per address: whoever floods it only fills the owner's inbox with links that work.
    if limiter.blocked(key):
        log.warning("organiser sign-in links for %s rate-limited", key)
        return render(request, PAGE, {"sent": True})
    limiter.fail(key)
    organiser = accounts.organiser_for_link(db, email[:320])
    if organiser is not None:
        token = accounts.login_link_token(settings.get_secret_key(), organiser)
        postman.send_organiser_link(
            organiser.email, f"{settings.base_url.rstrip('/')}/login/link/{token}"
        )
    return render(request, PAGE, {"sent": True})


@router.get("/login/link/{token}")
def link_sign_in(request: Request, db: Db, token: str) -> Response:
    organiser = accounts.organiser_of_link(db, secret(request), token)
    if organiser is None:
        return render(request, PAGE, {"expired": True}, status_code=403)
    sessions.log_in(request, logins.start(db, organiser=organiser))
    return RedirectResponse("/", status_code=303)
