"""Organiser accounts: argon2 passwords, sign-in checks and API tokens (only hashes stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from web import models as m
from web.models import utcnow
from web.usecases import attempts
from web.usecases.errors import Invalid, Msg, NotFound

_hasher = PasswordHasher()
MIN_PASSWORD = 8
LINK_SALT = "ketnoi-organiser-login"
LINK_MAX_AGE = 15 * 60  # seconds an organiser's sign-in link works, once
TOKEN_USE_EVERY = timedelta(minutes=1)  # how fresh an API token's last_used_at is kept


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _by_email(db: Session, email: str) -> m.Organiser | None:
    query = select(m.Organiser).where(m.Organiser.email == email.strip().lower())
    return db.exec(query).first()


def create_organiser(db: Session, email: str, password: str) -> m.Organiser:
    """Create an organiser, or set a new password if the e-mail exists."""
    email = email.strip().lower()
    if not email or "@" not in email:
        raise Invalid(Msg("account.email_required"))
    if len(password) < MIN_PASSWORD:
        raise Invalid(Msg("account.password_short", n=MIN_PASSWORD))
    organiser = _by_email(db, email)
    if organiser is None:
        organiser = m.Organiser(email=email, password_hash=hash_password(password))
    else:
        organiser.password_hash = hash_password(password)
    db.add(organiser)
    db.commit()
    db.refresh(organiser)
    return organiser


def authenticate(db: Session, email: str, password: str) -> m.Organiser | None:
    organiser = _by_email(db, email)
    if organiser is None:
        _hasher.hash(password)  # same work as a real check: no timing hint that the e-mail exists
        return None
    return organiser if verify_password(organiser.password_hash, password) else None


def organiser_by_id(db: Session, organiser_id: object) -> m.Organiser | None:
    """The organiser a browser session names, if it still exists."""
    return db.get(m.Organiser, organiser_id) if isinstance(organiser_id, int) else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(db: Session, email: str) -> str:
    """A new API token for an organiser; only its hash is stored."""
    organiser = _by_email(db, email)
    if organiser is None:
        raise NotFound(Msg("account.no_organiser"))
    token = "ktn_" + secrets.token_urlsafe(32)
    db.add(m.ApiToken(organiser_id=organiser.id, token_hash=token_hash(token)))
    db.commit()
    return token


def organiser_of_token(db: Session, token: str) -> m.Organiser | None:
    """The organiser an API token belongs to; None if unknown. Its last use is recorded to
    the minute: a read does not write (and wait behind a publish) on every call."""
    row = db.exec(select(m.ApiToken).where(m.ApiToken.token_hash == token_hash(token))).first()
    organiser = db.get(m.Organiser, row.organiser_id) if row else None
    if row is None or organiser is None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_EVERY:
        row.last_used_at = now
        db.add(row)
        db.commit()
    return organiser


# --- sign-in links: the way in that no one guessing passwords can block ---------------------


def _link_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=LINK_SALT)


def _fingerprint(organiser: m.Organiser) -> str:
    """Changes with the password, so a new password voids the links sent before."""
    return hashlib.sha256(organiser.password_hash.encode()).hexdigest()[:16]


def organiser_for_link(db: Session, email: str) -> m.Organiser | None:
    """The organiser a sign-in link may be sent to, if the address is one."""
    return _by_email(db, email)


def login_link_token(secret: str, organiser: m.Organiser) -> str:
    return _link_serializer(secret).dumps({"o": organiser.id, "f": _fingerprint(organiser)})


def organiser_of_link(db: Session, secret: str, token: str) -> m.Organiser | None:
    """The organiser of a valid sign-in link, which is then used up; None if tampered,
    expired, used before, or sent before a password change."""
    try:
        data = _link_serializer(secret).loads(token, max_age=LINK_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int):
        return None
    organiser = db.get(m.Organiser, data["o"])
    if organiser is None or data.get("f") != _fingerprint(organiser):
        return None
    used = f"link:{token_hash(token)}"
    if attempts.count(db, used, LINK_MAX_AGE) > 0:
        return None
    attempts.record(db, (used,), LINK_MAX_AGE)
    return organiser
