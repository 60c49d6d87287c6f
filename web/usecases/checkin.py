"""The check-in desk: finding a participant as the desk types or scans, marking arrivals,
and how many of those expected in each session have arrived.

The QR code on a badge or an agenda carries a check-in code: an itsdangerous signature of
{event id, participant id} under its own salt. It is unguessable and names one participant
of one event, but it is not a credential: the portal's sign-in and feed tokens are signed
under other salts, so a check-in code opens nothing in the portal, and whoever photographs
a badge can at most have its holder marked as arrived by the desk staff, who see the name.
The participant's id (`ext_id`, "B001-1") is no such code: it is short and guessable. A
check-in code does not follow `token_version`, so renewing a leaked portal link leaves the
printed badges valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import segno
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from web import models as m
from web.usecases import mapper, search, versions
from web.usecases.errors import Msg, NotFound

CHECK_IN_SALT = "ketnoi-check-in"
FOUND_LIMIT = 20  # results shown as the desk types: enough to pick from, quick to read


@dataclass(frozen=True)
class Arrival:
    """A participant of the event with their organisation and check-in, if any."""

    participant: m.Participant
    organisation: m.Organisation | None
    check_in: m.CheckIn | None

    @property
    def arrived(self) -> bool:
        return self.check_in is not None

    @property
    def arrived_at(self) -> datetime | None:
        """When they arrived, as an aware UTC time (stored naive)."""
        return self.check_in.arrived_at.replace(tzinfo=UTC) if self.check_in else None


@dataclass(frozen=True)
class SessionCount:
    ext_id: str
    start: datetime
    end: datetime
    expected: int  # participants with a meeting in this session of the published version
    arrived: int  # of those, the ones checked in


@dataclass(frozen=True)
class Counts:
    published: bool  # whether a version is published (else nobody is expected)
    sessions: list[SessionCount]
    registered: int
    arrived: int  # checked in, with or without meetings


# --- the check-in code on badges and agendas ----------------------------------------------


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=CHECK_IN_SALT)


def check_in_code(secret: str, person: m.Participant) -> str:
    """The signed {event, participant} that a participant's QR code carries."""
    return _serializer(secret).dumps([person.event_id, person.id])


def participant_of_code(db: Session, secret: str, event_id: int, code: str) -> m.Participant:
    """The participant of a check-in code of this event; NotFound for anything else (a
    forged or damaged code, another event's, a deleted participant's)."""
    try:
        data = _serializer(secret).loads(code.strip())
    except BadSignature:
        data = None
    if (
        isinstance(data, list)
        and len(data) == 2
        and data[0] == event_id
        and isinstance(data[1], int)
        and not isinstance(data[1], bool)
    ):
        person = db.get(m.Participant, data[1])
        if person is not None and person.event_id == event_id:
            return person
    raise NotFound(Msg("checkin.bad_code"))


def qr_svg(code: str) -> str:
    """The QR code of `code` as an inline SVG element (scaled by its container)."""
    return str(segno.make(code, error="m").svg_inline(scale=4, omitsize=True, svgclass="qr"))


def qr_png(code: str, scale: int = 8) -> bytes:
    """The QR code of `code` as a PNG image (for a photo-like test image, or a download)."""
    buffer = BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


# --- finding and marking ------------------------------------------------------------------


def _arrivals(
    db: Session, event_id: int, *conditions: Any, limit: int | None = None
) -> list[Arrival]:
    query = (
        select(m.Participant, m.Organisation, m.CheckIn)
        .join(
            m.Organisation,
            col(m.Participant.organisation_id) == col(m.Organisation.id),
            isouter=True,
        )
        .join(m.CheckIn, col(m.CheckIn.participant_id) == col(m.Participant.id), isouter=True)
        .where(m.Participant.event_id == event_id, *conditions)
        .order_by(col(m.Participant.name), col(m.Participant.ext_id))
    )
    if limit is not None:
        query = query.limit(limit)
    return [Arrival(p, o, c) for p, o, c in db.exec(query)]


def find(db: Session, event_id: int, query: str, limit: int = FOUND_LIMIT) -> list[Arrival]:
    """Participants whose name, e-mail, id or organisation (name or id) hold every word of
    `query`, accents and case ignored (`search`); nobody for an empty query."""
    found = search.matches(query, col(m.Participant.search_key), col(m.Organisation.search_key))
    if found is None:
        return []
    return _arrivals(db, event_id, found, limit=limit)


def arrival(db: Session, event_id: int, participant_id: int) -> Arrival:
    """One participant of the event with their check-in; NotFound for another event's."""
    found = _arrivals(db, event_id, col(m.Participant.id) == participant_id)
    if not found:
        raise NotFound(Msg("participant.not_found"))
    return found[0]


def everyone(db: Session, event_id: int) -> list[Arrival]:
    """Every participant of the event, by name (for the badges)."""
    return _arrivals(db, event_id)


def check_in(db: Session, event_id: int, participant_id: int, organiser: m.Organiser) -> m.CheckIn:
    """Mark the participant arrived now, by `organiser`; a participant already checked in
    keeps their first arrival (two desks scanning one badge write one row)."""
    person = arrival(db, event_id, participant_id)
    if person.check_in is not None:
        return person.check_in
    row = m.CheckIn(event_id=event_id, participant_id=participant_id, checked_in_by=organiser.id)
    db.add(row)
    try:
        db.commit()
    except IntegrityError:  # another desk was quicker: theirs is the arrival
        db.rollback()
        existing = arrival(db, event_id, participant_id).check_in
        assert existing is not None
        return existing
    db.refresh(row)
    return row


def undo(db: Session, event_id: int, participant_id: int) -> None:
    """The participant has not arrived after all (a check-in by mistake); nothing happens if
    they were not checked in."""
    person = arrival(db, event_id, participant_id)
    if person.check_in is not None:
        db.delete(person.check_in)
        db.commit()


def checked_in_by(db: Session, row: m.CheckIn) -> str | None:
    """The address of the organiser who marked the arrival (None once their account is gone)."""
    if row.checked_in_by is None:
        return None
    organiser = db.get(m.Organiser, row.checked_in_by)
    return organiser.email if organiser else None


# --- counts -------------------------------------------------------------------------------


def counts(db: Session, event_id: int) -> Counts:
    """Arrived of expected per session: expected are the participants with a meeting that
    starts in the session in the published version; arrived, those of them checked in."""
    arrived = set(db.exec(select(m.CheckIn.participant_id).where(m.CheckIn.event_id == event_id)))
    registered = len(
        db.exec(select(m.Participant.id).where(m.Participant.event_id == event_id)).all()
    )
    version = versions.published_version(db, event_id)
    meetings = mapper.meetings_of(db, version.id) if version is not None else []
    rows = []
    for session in mapper.sessions_of(db, event_id):
        expected = {
            pid
            for x in meetings
            if session.start <= x.start < session.end
            for pid in (x.from_id, x.to_id)
            if pid is not None
        }
        rows.append(
            SessionCount(
                session.ext_id, session.start, session.end, len(expected), len(expected & arrived)
            )
        )
    return Counts(version is not None, rows, registered, len(arrived))
