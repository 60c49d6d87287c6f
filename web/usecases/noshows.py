"""No-shows: who has meetings in the session under way but has not checked in, and marking
them absent for the rest of the session or the day.

The list opens `grace_minutes` after a session starts (people arrive late; the desk needs
time). Marking someone absent adds an unavailable range from the slot under way to the end
of the session (or of the day's last session) to their registration, which is what the
minimal-change re-solve (`solving.start_solve(from_release=True)`) reads: their meetings
are dropped, the freed slots refilled, and nothing else moves. Publishing the result tells
their partners (the release's change notices).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler import domain
from scheduler.ical import participant_meetings
from web import models as m
from web.usecases import releases
from web.usecases.errors import Invalid, Msg


class Scope(enum.StrEnum):
    SESSION = "session"  # until the session under way ends
    DAY = "day"  # until the day's last session ends


@dataclass(frozen=True, slots=True)
class Missing:
    participant_id: int
    ext_id: str
    name: str
    organisation: str
    meetings: int  # in the session under way, from its current slot on
    next_start: datetime  # their next meeting


@dataclass(frozen=True, slots=True)
class Board:
    """The session under way and who is missing from it; `opens_at` while in its grace."""

    session: domain.Session | None
    opens_at: datetime | None
    missing: tuple[Missing, ...]


def local_now(timezone: str) -> datetime:
    """The wall-clock time at the event (naive, like every time of the event)."""
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)


def _session_at(event: domain.Event, now: datetime) -> domain.Session | None:
    return next((s for s in event.sessions if s.start <= now < s.end), None)


def _slot_start(event: domain.Event, now: datetime) -> datetime:
    """The start of the slot under way (a meeting that began a moment ago counts)."""
    return max((s.start for s in event.slots if s.start <= now), default=now)


def _absent(person: m.Participant, at: datetime) -> bool:
    return any(
        datetime.fromisoformat(u["start"]) <= at < datetime.fromisoformat(u["end"])
        for u in person.unavailable or ()
    )


def board(db: Session, event_id: int, now: datetime, grace_minutes: int) -> Board:
    """Who has published meetings left in the session under way at `now` (event-local)
    but has not checked in and is not marked absent."""
    release = releases.current(db, event_id)
    if release is None:
        return Board(None, None, ())
    event = release.event
    session = _session_at(event, now)
    if session is None:
        return Board(None, None, ())
    opens = session.start + timedelta(minutes=grace_minutes)
    if now < opens:
        return Board(session, opens, ())
    slot_start = _slot_start(event, now)
    arrived = set(db.exec(select(m.CheckIn.participant_id).where(m.CheckIn.event_id == event_id)))
    people = {
        p.ext_id: p
        for p in db.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    orgs = event.organisation_by_id()
    missing = []
    for domain_person in event.participants:
        person = people.get(domain_person.id)
        if person is None or person.id in arrived or _absent(person, slot_start):
            continue
        starts = sorted(
            event.slots[x.slot_idx].start
            for x in participant_meetings(event, release.schedule, domain_person.id)
            if slot_start <= event.slots[x.slot_idx].start < session.end
        )
        if not starts:
            continue
        org = orgs.get(domain_person.organisation or "")
        missing.append(
            Missing(
                participant_id=person.id,
                ext_id=person.ext_id,
                name=person.name,
                organisation=org.name if org else "",
                meetings=len(starts),
                next_start=starts[0],
            )
        )
    missing.sort(key=lambda x: (x.next_start, x.organisation, x.name))
    return Board(session, None, tuple(missing))


def mark_absent(
    db: Session, event_id: int, participant_ids: list[int], scope: Scope, now: datetime
) -> int:
    """Make the participants unavailable from the slot under way to the end of the session
    or day (committed); how many. Invalid outside a session or for nobody."""
    release = releases.current(db, event_id)
    session = _session_at(release.event, now) if release is not None else None
    if release is None or session is None:
        raise Invalid(Msg("noshow.no_session"))
    if not participant_ids:
        raise Invalid(Msg("noshow.nobody"))
    start = _slot_start(release.event, now)
    end = session.end
    if scope == Scope.DAY:
        end = max(s.end for s in release.event.sessions if s.start.date() == session.start.date())
    rows = db.exec(
        select(m.Participant).where(
            m.Participant.event_id == event_id, col(m.Participant.id).in_(participant_ids)
        )
    ).all()
    for row in rows:
        ranges = list(row.unavailable or ())
        ranges.append(
            {"start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes")}
        )
        row.unavailable = ranges
        db.add(row)
    db.commit()
    return len(rows)
