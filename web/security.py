"""Organiser accounts: argon2 passwords, session login, CSRF tokens, login rate limits, API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request
from sqlmodel import Session, select

from web import models as m
from web.db import SessionDep
from web.i18n import _
from web.models import utcnow

_hasher = PasswordHasher()
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_organiser(session: Session, email: str, password: str) -> m.Organiser:
    """Create an organiser, or set a new password if the e-mail exists."""
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValueError(_("an e-mail address is required"))
    if len(password) < 8:
        raise ValueError(_("the password must have at least 8 characters"))
    organiser = session.exec(select(m.Organiser).where(m.Organiser.email == email)).first()
    if organiser is None:
        organiser = m.Organiser(email=email, password_hash=hash_password(password))
    else:
        organiser.password_hash = hash_password(password)
    session.add(organiser)
    session.commit()
    session.refresh(organiser)
    return organiser


def authenticate(session: Session, email: str, password: str) -> m.Organiser | None:
    organiser = session.exec(
        select(m.Organiser).where(m.Organiser.email == email.strip().lower())
    ).first()
    if organiser is None:
        _hasher.hash(password)  # same work as a real check: no timing hint that the e-mail exists
        return None
    return organiser if verify_password(organiser.password_hash, password) else None


# --- API tokens --------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, email: str) -> str:
    """A new API token for an organiser; only its hash is stored."""
    organiser = session.exec(
        select(m.Organiser).where(m.Organiser.email == email.strip().lower())
    ).first()
    if organiser is None:
        raise LookupError(_("no organiser with that e-mail"))
    assert organiser.id is not None
    token = "ktn_" + secrets.token_urlsafe(32)
    session.add(m.ApiToken(organiser_id=organiser.id, token_hash=token_hash(token)))
    session.commit()
    return token


def api_organiser(request: Request, session: SessionDep) -> m.Organiser:
    """Dependency of /api/: the organiser of the `Authorization: Bearer` token, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    row = session.exec(
        select(m.ApiToken).where(m.ApiToken.token_hash == token_hash(token.strip()))
    ).first()
    organiser = session.get(m.Organiser, row.organiser_id) if row else None
    if row is None or organiser is None:
        raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    row.last_used_at = utcnow()
    session.add(row)
    session.commit()
    return organiser


ApiOrganiser = Annotated[m.Organiser, Depends(api_organiser)]


# --- browser sessions ----------------------------------------------------------------------


class LoginRequired(Exception):
    """Raised by `current_organiser`; the app turns it into a redirect to the login page."""


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
        raise HTTPException(
            403,
            _(
                "The form has expired or did not come from this site. Reload the page and try again."
            ),
        )


def current_organiser(request: Request, session: SessionDep) -> m.Organiser:
    organiser_id = request.session.get("organiser_id")
    organiser = session.get(m.Organiser, organiser_id) if organiser_id else None
    if organiser is None:
        raise LoginRequired()
    request.state.organiser = organiser
    return organiser


CurrentOrganiser = Annotated[m.Organiser, Depends(current_organiser)]


def log_in(request: Request, organiser: m.Organiser) -> None:
    csrf = request.session.get("csrf") or secrets.token_urlsafe(32)
    request.session.clear()
    request.session["organiser_id"] = organiser.id
    request.session["csrf"] = csrf  # kept: boosted pages still send the token they loaded with


def log_out(request: Request) -> None:
    request.session.clear()


class LoginLimiter:
    """Failed logins per key (e-mail, client address) in a sliding window, in this process."""

    def __init__(self, attempts: int, window_seconds: float) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._trim(k, now)) >= self.attempts for k in keys)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._trim(key, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
