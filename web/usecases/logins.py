"""Signed-in browsers, held on the server so that they can be ended.

Signing in (an organiser with their password, a participant with their link) stores a row
and gives the browser a random token for its cookie; only the token's hash is stored. A
request is signed in while the row exists and is younger than the session's lifetime, so
logging out, a password change or renewed participant links end a session for good, also
in a copy of the cookie taken before.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from web import models as m
from web.models import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    db: Session,
    *,
    organiser: m.Organiser | None = None,
    participant: m.Participant | None = None,
) -> str:
    """A new session of the organiser or the participant; the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.add(
        m.LoginSession(
            token_hash=_hash(token),
            organiser_id=organiser.id if organiser else None,
            participant_id=participant.id if participant else None,
        )
    )
    db.commit()
    return token


def _live(db: Session, token: object, max_age: int) -> m.LoginSession | None:
    if not isinstance(token, str) or not token:
        return None
    row = db.exec(select(m.LoginSession).where(m.LoginSession.token_hash == _hash(token))).first()
    if row is None or row.created_at < utcnow() - timedelta(seconds=max_age):
        return None
    return row


def organiser_of(db: Session, token: object, max_age: int) -> m.Organiser | None:
    """The organiser a cookie's token names, while their session lasts."""
    row = _live(db, token, max_age)
    return db.get(m.Organiser, row.organiser_id) if row and row.organiser_id else None


def participant_of(db: Session, token: object, max_age: int) -> m.Participant | None:
    """The participant a cookie's token names, while their session lasts."""
    row = _live(db, token, max_age)
    return db.get(m.Participant, row.participant_id) if row and row.participant_id else None


def end(db: Session, token: object) -> None:
    """Log out: the session of this token ends, wherever its cookie is."""
    if isinstance(token, str) and token:
        db.execute(delete(m.LoginSession).where(col(m.LoginSession.token_hash) == _hash(token)))
        db.commit()


def end_all(
    db: Session,
    *,
    organiser: m.Organiser | None = None,
    participant: m.Participant | None = None,
    keep: object = None,
) -> None:
    """End every session of the organiser or the participant except `keep`'s (not committed)."""
    query = delete(m.LoginSession)
    if organiser is not None:
        query = query.where(col(m.LoginSession.organiser_id) == organiser.id)
    elif participant is not None:
        query = query.where(col(m.LoginSession.participant_id) == participant.id)
    else:
        return
    if isinstance(keep, str) and keep:
        query = query.where(col(m.LoginSession.token_hash) != _hash(keep))
    db.execute(query)


def forget_expired(db: Session, max_age: int) -> None:
    """Delete the rows of sessions that have run out (they let nobody in any more)."""
    cutoff = utcnow() - timedelta(seconds=max_age)
    db.execute(delete(m.LoginSession).where(col(m.LoginSession.created_at) < cutoff))
    db.commit()
