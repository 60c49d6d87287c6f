"""Participants' access without a password: signed sign-in links, calendar feed tokens, renewal.

A token is an itsdangerous signature of {participant id, token_version} with the app's secret;
bumping `token_version` revokes every link and feed of that participant, and renewing also
ends their open portal sessions (`web.usecases.logins`).
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from web import models as m
from web.usecases import logins
from web.usecases.errors import Msg, NotFound

LOGIN_SALT = "ketnoi-portal-login"
FEED_SALT = "ketnoi-portal-feed"
LOGIN_MAX_AGE = 14 * 24 * 3600  # a sign-in link works for two weeks


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def login_token(secret: str, person: m.Participant) -> str:
    """Signed, timestamped {participant id, token_version}."""
    return _serializer(secret, LOGIN_SALT).dumps({"p": person.id, "v": person.token_version})


def feed_token(secret: str, person: m.Participant) -> str:
    """Signed, non-expiring token of the private webcal feed (revoked by token_version)."""
    return _serializer(secret, FEED_SALT).dumps({"p": person.id, "v": person.token_version})


def _current(db: Session, data: object) -> m.Participant | None:
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    person = db.get(m.Participant, data["p"])
    if person is None or person.token_version != data.get("v"):
        return None
    return person


def participant_of_login(db: Session, secret: str, token: str) -> m.Participant | None:
    """The participant of a valid sign-in link; None if tampered, expired or revoked."""
    try:
        data = _serializer(secret, LOGIN_SALT).loads(token, max_age=LOGIN_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    return _current(db, data)


def participant_of_feed(db: Session, secret: str, token: str) -> m.Participant | None:
    """The participant of a valid feed token; None if tampered or revoked."""
    try:
        data = _serializer(secret, FEED_SALT).loads(token)
    except BadSignature:
        return None
    return _current(db, data)


def login_url(base_url: str, secret: str, person: m.Participant) -> str:
    return f"{base_url.rstrip('/')}/p/login/{login_token(secret, person)}"


def feed_url(base_url: str, secret: str, person: m.Participant) -> str:
    """webcal:// subscription URL (calendar apps poll it)."""
    http = f"{base_url.rstrip('/')}/p/feed/{feed_token(secret, person)}/calendar.ics"
    return "webcal://" + http.split("://", 1)[1]


def links(
    db: Session, event_id: int, base_url: str, secret: str
) -> list[tuple[m.Participant, str]]:
    """Every participant of the event with their sign-in link, by id."""
    people = db.exec(
        select(m.Participant)
        .where(m.Participant.event_id == event_id)
        .order_by(col(m.Participant.ext_id))
    )
    return [(p, login_url(base_url, secret, p)) for p in people]


def renew(db: Session, event_id: int, participant_id: int) -> m.Participant:
    """A forwarded or leaked link: the old link, open sessions and the feed stop working."""
    person = db.get(m.Participant, participant_id)
    if person is None or person.event_id != event_id:
        raise NotFound(Msg("participant.not_found"))
    person.token_version += 1
    db.add(person)
    logins.end_all(db, participant=person)
    db.commit()
    return person
