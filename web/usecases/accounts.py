"""Organiser accounts: argon2 passwords, sign-in checks and API tokens (only hashes stored).

An API token belongs to one organiser and sees what they see (`access.open_event`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from web import models as m
from web.models import utcnow
from web.usecases import attempts, inputs, logins
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


def organiser_by_email(db: Session, email: str) -> m.Organiser | None:
    query = select(m.Organiser).where(m.Organiser.email == email.strip().lower())
    return db.exec(query).first()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(Msg("account.password_short", n=MIN_PASSWORD))


def create_organiser(db: Session, email: str, password: str) -> m.Organiser:
    """Create an organiser, or set a new password if the e-mail exists (which ends every
    session they have open)."""
    address = inputs.email_address(email)
    if address is None:
        raise Invalid(Msg("account.email_required"))
    _check_password(password)
    organiser = organiser_by_email(db, address)
    if organiser is None:
        organiser = m.Organiser(email=address, password_hash=hash_password(password))
    else:
        organiser.password_hash = hash_password(password)
        logins.end_all(db, organiser=organiser)
    db.add(organiser)
    db.commit()
    db.refresh(organiser)
    return organiser


def change_password(
    db: Session, organiser: m.Organiser, current: str, new: str, repeat: str, keep: object
) -> None:
    """A new password, given the current one; every other session of the organiser ends
    (the one of token `keep`, the browser that changed it, stays signed in)."""
    errors: dict[str, Msg] = {}
    if not verify_password(organiser.password_hash, current):
        errors["current"] = Msg("account.wrong_password")
    if len(new) < MIN_PASSWORD:
        errors["new"] = Msg("account.password_short", n=MIN_PASSWORD)
    elif new != repeat:
        errors["repeat"] = Msg("account.passwords_differ")
    if errors:
        raise Invalid(Msg("form.correct_fields"), errors)
    organiser.password_hash = hash_password(new)
    db.add(organiser)
    logins.end_all(db, organiser=organiser, keep=keep)
    db.commit()


def authenticate(db: Session, email: str, password: str) -> m.Organiser | None:
    organiser = organiser_by_email(db, email)
    if organiser is None:
        _hasher.hash(password)  # same work as a real check: no timing hint that the e-mail exists
        return None
    return organiser if verify_password(organiser.password_hash, password) else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(db: Session, email: str) -> str:
    """A new API token for the organiser of this address; only its hash is stored."""
    organiser = organiser_by_email(db, email)
    if organiser is None:
        raise NotFound(Msg("account.no_organiser"))
    return new_api_token(db, organiser)


def new_api_token(db: Session, organiser: m.Organiser) -> str:
    """A new API token of `organiser`, shown once; only its hash is stored."""
    token = "ktn_" + secrets.token_urlsafe(32)
    db.add(m.ApiToken(organiser_id=organiser.id, token_hash=token_hash(token)))
    db.commit()
    return token


def api_tokens(db: Session, organiser: m.Organiser) -> list[m.ApiToken]:
    query = select(m.ApiToken).where(m.ApiToken.organiser_id == organiser.id)
    return list(db.exec(query.order_by(col(m.ApiToken.id))))


def revoke_api_token(db: Session, organiser: m.Organiser, token_id: int) -> None:
    """The token stops working at once; only its own organiser may revoke it."""
    row = db.get(m.ApiToken, token_id)
    if row is None or row.organiser_id != organiser.id:
        raise NotFound(Msg("account.no_token"))
    db.delete(row)
    db.commit()


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
    return organiser_by_email(db, email)


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
