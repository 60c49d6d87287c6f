"""Counted attempts in the database (failed sign-ins, links asked for): shared by every web
process, so N processes behind a proxy count as one. Keys are stored hashed."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from web import models as m
from web.models import utcnow

KEPT = timedelta(days=1)  # no count looks further back; older rows of any key are dropped


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def count(db: Session, key: str, window_seconds: float) -> int:
    """Attempts under `key` in the last `window_seconds`."""
    since = utcnow() - timedelta(seconds=window_seconds)
    query = select(func.count()).where(
        col(m.Attempt.key) == _hashed(key), col(m.Attempt.at) > since
    )
    return int(db.exec(query).one())


def record(db: Session, keys: tuple[str, ...], window_seconds: float) -> None:
    """One attempt under each key; attempts older than the window are dropped."""
    hashed = [_hashed(k) for k in keys]
    before = utcnow() - timedelta(seconds=window_seconds)
    db.exec(delete(m.Attempt).where(col(m.Attempt.key).in_(hashed), col(m.Attempt.at) <= before))
    db.exec(delete(m.Attempt).where(col(m.Attempt.at) <= utcnow() - KEPT))
    db.add_all(m.Attempt(key=k) for k in hashed)
    db.commit()


def forget(db: Session, keys: tuple[str, ...]) -> None:
    db.exec(delete(m.Attempt).where(col(m.Attempt.key).in_([_hashed(k) for k in keys])))
    db.commit()
