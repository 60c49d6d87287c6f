"""Events: the organiser's list, creation from a `b2b-event/1` document, the document of one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from scheduler import domain
from scheduler.formats import FormatError, event_to_json, parse_event
from web import models as m
from web.usecases import mapper
from web.usecases.access import Permission, allows
from web.usecases.requests import may_meet


@dataclass(frozen=True, slots=True)
class EventSummary:
    event: m.Event
    participants: int
    published: int | None  # number of the published version


def list_events(db: Session, organiser: m.Organiser) -> list[EventSummary]:
    """The events `organiser` may see, newest first, with participant counts."""
    events = [
        e
        for e in db.exec(select(m.Event).order_by(col(m.Event.id).desc()))
        if allows(db, organiser, e, Permission.READ)
    ]
    counts: dict[int, int] = {
        event_id: count
        for event_id, count in db.exec(
            select(m.Participant.event_id, func.count()).group_by(col(m.Participant.event_id))
        )
    }
    published = {
        event_id: number
        for event_id, number in db.exec(
            select(m.ScheduleVersion.event_id, m.ScheduleVersion.number).where(
                m.ScheduleVersion.status == m.VersionStatus.PUBLISHED.value
            )
        )
    }
    return [EventSummary(e, counts.get(e.id, 0), published.get(e.id)) for e in events]


def create_event(
    db: Session, organiser: m.Organiser | None, event: domain.Event, *, venue: str = ""
) -> m.Event:
    """Store a domain event as a new event, in one transaction. `organiser` (None: the
    command line) is who creates it, the event's owner once events have owners."""
    row = mapper.insert_event(db, event, venue=venue)
    db.commit()
    db.refresh(row)
    return row


def import_event(
    db: Session, organiser: m.Organiser | None, doc: object, *, venue: str = ""
) -> m.Event:
    """A new event from a decoded `b2b-event/1` document; raises `FormatError` (problems
    named by JSON path) and writes nothing when the document is invalid, or pairs two
    participants of one side (buyers meet suppliers, whichever way a request arrives)."""
    event = parse_event(doc)
    roles = {o.id: o.role for o in event.organisations}
    side = {p.id: roles.get(p.organisation or "") for p in event.participants}
    problems = [
        f'requests[{i}].to: "{r.to_id}" is on the same side as "{r.from_id}": buyers meet suppliers'
        for i, r in enumerate(event.requests)
        if not may_meet(side.get(r.from_id), side.get(r.to_id))
    ]
    if problems:
        raise FormatError(problems)
    return create_event(db, organiser, event, venue=venue)


def find_by_name(db: Session, name: str) -> m.Event | None:
    return db.exec(select(m.Event).where(m.Event.name == name)).first()


def event_document(db: Session, event: m.Event) -> dict[str, Any]:
    """The event as a `b2b-event/1` document."""
    return event_to_json(mapper.event_of(db, event.id))
