"""The browser's cookie (Starlette's signed session): the tokens of its sign-ins and its
CSRF token. Who a token signs in is decided on the server (`web.usecases.logins`), so a
session ends when its row goes, whatever copies of the cookie exist."""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from web.i18n import _

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ORGANISER_KEY = "organiser_login"
PARTICIPANT_KEY = "participant_login"


class LoginRequired(Exception):
    """No organiser is signed in; the app answers with a redirect to the login page."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def csrf_protect(request: Request) -> None:
    """Dependency: unsafe requests must echo the session's CSRF token (header or form field)."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = request.session.get("csrf")
    if not expected:
        raise HTTPException(403, _("The form has expired. Reload the page and try again."))
    candidates = [request.headers.get(CSRF_HEADER)]
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        candidates.append(value if isinstance(value, str) else None)
    # A boosted page keeps <body hx-headers> from its first load, so either source may be current.
    if not any(sent and hmac.compare_digest(str(expected), sent) for sent in candidates):
        message = _(
            "The form has expired or did not come from this site. Reload the page and try again."
        )
        raise HTTPException(403, message)


def log_in(request: Request, token: str) -> None:
    """The cookie carries the organiser's new sign-in (and nothing from before)."""
    csrf = request.session.get("csrf") or secrets.token_urlsafe(32)
    request.session.clear()
    request.session[ORGANISER_KEY] = token
    request.session["csrf"] = csrf  # kept: boosted pages still send the token they loaded with


def log_out(request: Request) -> None:
    request.session.clear()


def organiser_token(request: Request) -> object:
    return request.session.get(ORGANISER_KEY)


def participant_token(request: Request) -> object:
    return request.session.get(PARTICIPANT_KEY)


def sign_in_participant(request: Request, token: str) -> None:
    request.session[PARTICIPANT_KEY] = token


def sign_out_participant(request: Request) -> None:
    request.session.pop(PARTICIPANT_KEY, None)
