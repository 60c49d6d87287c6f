"""No-shows: who has meetings in the session under way but has not checked in, and marking
them absent for the rest of the session or the day.

The list opens `grace_minutes` after a session starts (people arrive late; the desk needs
time). Marking someone absent adds an unavailable range from the slot under way to the end
of the session (or of the day's last session) to their registration, which is what the
minimal-change re-solve (`solving.start_solve(from_release=True)`) reads: their meetings
are dropped, the freed slots refilled, and nothing else moves. Publishing the result tells
their partners (the release's change notices).

The board also lists who was reported by a partner: the other side of a meeting of today
that one side answered "did not take place" (`outcomes.report_absent`, the portal's "My
partner did not come"). They may have checked in and left, so the check-in does not hide
them; they can be marked absent the same way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler import domain
from scheduler.ical import participant_meetings
from web import models as m
from web.usecases import outcomes, releases
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
class Reported:
    """Someone whose partner said they did not come to a meeting of today."""

    participant_id: int  # the absent side
    ext_id: str
    name: str
    organisation: str
    request_id: str
    meeting_start: datetime
    reporter: str  # "name (organisation)" of the side who said so
    reported_at: datetime  # event-local
    checked_in: bool
    absent: bool  # marked absent already, at the time of the board


@dataclass(frozen=True, slots=True)
class Board:
    """The session under way and who is missing from it; `opens_at` while in its grace;
    who was reported by a partner today (during a session or not)."""

    session: domain.Session | None
    opens_at: datetime | None
    missing: tuple[Missing, ...]
    reported: tuple[Reported, ...] = ()


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
    arrived = set(db.exec(select(m.CheckIn.participant_id).where(m.CheckIn.event_id == event_id)))
    people = {
        p.ext_id: p
        for p in db.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    reported = _reported(db, event_id, now, people, arrived)
    session = _session_at(event, now)
    if session is None:
        return Board(None, None, (), reported)
    opens = session.start + timedelta(minutes=grace_minutes)
    if now < opens:
        return Board(session, opens, (), reported)
    slot_start = _slot_start(event, now)
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
    return Board(session, None, tuple(missing), reported)


def _reported(
    db: Session,
    event_id: int,
    now: datetime,
    people: dict[str, m.Participant],
    arrived: set[int],
) -> tuple[Reported, ...]:
    """The other side of every meeting of today, started by `now`, that one side answered
    "did not take place"; the latest report first."""
    found = outcomes.meetings_with_answers(db, event_id)
    if found is None:
        return ()
    event, meetings = found
    zone = ZoneInfo(event.timezone)
    out = []
    for meeting in meetings:
        if meeting.start.date() != now.date() or meeting.start > now:
            continue
        first, second = meeting.sides
        for side, other in ((first, second), (second, first)):
            answer = side.answer
            person = people.get(other.participant.id)
            if answer is None or answer.took_place or person is None:
                continue
            out.append(
                Reported(
                    participant_id=person.id,
                    ext_id=person.ext_id,
                    name=person.name,
                    organisation=other.organisation.name if other.organisation else "",
                    request_id=meeting.request_id,
                    meeting_start=meeting.start,
                    reporter=side.label,
                    reported_at=answer.recorded_at.replace(tzinfo=UTC)
                    .astimezone(zone)
                    .replace(tzinfo=None),
                    checked_in=person.id in arrived,
                    absent=_absent(person, now),
                )
            )
    out.sort(key=lambda x: (x.reported_at, x.request_id), reverse=True)
    return tuple(out)


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
