"""Signing in with a personal link, signing out, and asking for a new link by e-mail."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.http import sessions
from web.http.deps import Db, LinksDep, PostmanDep, secret
from web.http.limits import LoginLimiter
from web.http.responses import safe_next
from web.http.sessions import csrf_protect
from web.i18n import set_locale_cookie
from web.portal.pages import portal_page
from web.usecases import logins, notifications, tokens

router = APIRouter(dependencies=[Depends(csrf_protect)])
log = logging.getLogger(__name__)
LINK = "portal/link.html"


@router.get("/p/login/{token}")
def sign_in(request: Request, token: str, db: Db, next: str = "") -> Response:
    """Sign in by link, then open `next` if it is a portal page (the outcomes e-mail's link
    opens the outcomes page), else the agenda."""
    person = tokens.participant_of_login(db, secret(request), token)
    if person is None:
        return portal_page(request, db, None, LINK, {"expired": True}, status_code=403)
    sessions.sign_in_participant(request, logins.start(db, participant=person))
    target = safe_next(next, "/p/")
    response = RedirectResponse(target if target.startswith("/p/") else "/p/", status_code=303)
    if person.locale:
        set_locale_cookie(response, person.locale)
    return response


@router.post("/p/logout")
def sign_out(request: Request, db: Db) -> Response:
    logins.end(db, sessions.participant_token(request))
    sessions.sign_out_participant(request)
    return RedirectResponse("/p/link", status_code=303)


@router.get("/p/link")
def link_form(request: Request, db: Db) -> Response:
    return portal_page(request, db, None, LINK, {})


@router.post("/p/link")
def link_send(
    request: Request,
    db: Db,
    postman: PostmanDep,
    links: LinksDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Always the same answer, whether or not the address is registered (or rate-limited)."""
    limiter: LoginLimiter = request.app.state.link_limiter
    # Per address, not per client: behind a venue's proxy every participant has the same one.
    key = email.strip().casefold()[:320]
    if limiter.blocked(key):  # someone is flooding an inbox through this form
        log.warning("sign-in link requests for %s rate-limited", key)
        return portal_page(request, db, None, LINK, {"sent": True})
    limiter.fail(key)
    notifications.send_links_to_address(db, email[:320], postman, links)
    return portal_page(request, db, None, LINK, {"sent": True})
