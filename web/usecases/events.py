"""Events: the organiser's list, creation from a `b2b-event/1` document, the document of one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from scheduler import domain
from scheduler.formats import FormatError, event_to_json, parse_event
from web import models as m
from web.models import Role
from web.usecases import access, inputs, mapper
from web.usecases.requests import may_meet


@dataclass(frozen=True, slots=True)
class EventSummary:
    event: m.Event
    participants: int
    published: int | None  # number of the published version
    role: Role  # the reader's role in the event


def list_events(db: Session, organiser: m.Organiser) -> list[EventSummary]:
    """The events `organiser` is one of the organisers of, newest first, with participant
    counts and their role."""
    mine = db.exec(
        select(m.Event, m.EventMember.role)
        .join(m.EventMember, col(m.EventMember.event_id) == col(m.Event.id))
        .where(m.EventMember.organiser_id == organiser.id)
        .order_by(col(m.Event.id).desc())
    ).all()
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
    return [
        EventSummary(e, counts.get(e.id, 0), published.get(e.id), Role(role)) for e, role in mine
    ]


def text_problems(event: domain.Event, venue: str = "") -> list[str]:
    """Fields of a `b2b-event/1` document that must be one line (names, ids, addresses end
    up in mail headers, iCalendar lines and file names), and e-mail addresses that are not
    addresses, named by JSON path."""
    fields: list[tuple[str, str]] = [("event.name", event.name), ("venue", venue)]
    fields += [(f"participants[{i}].id", p.id) for i, p in enumerate(event.participants)]
    fields += [(f"participants[{i}].name", p.name or "") for i, p in enumerate(event.participants)]
    fields += [(f"organisations[{i}].id", o.id) for i, o in enumerate(event.organisations)]
    fields += [(f"organisations[{i}].name", o.name) for i, o in enumerate(event.organisations)]
    fields += [(f"tables[{i}].id", t.id) for i, t in enumerate(event.tables)]
    fields += [(f"requests[{i}].id", r.id) for i, r in enumerate(event.requests)]
    fields += [(f"event.sessions[{i}].id", s.id) for i, s in enumerate(event.sessions)]
    problems = [f"{path}: must be one line" for path, v in fields if not inputs.is_single_line(v)]
    for i, p in enumerate(event.participants):
        if p.email and inputs.email_address(p.email) is None:
            problems.append(f'participants[{i}].email: "{p.email}" is not an e-mail address')
    return problems


def create_event(
    db: Session, owner: m.Organiser | None, event: domain.Event, *, venue: str = ""
) -> m.Event:
    """Store a domain event as a new event owned by `owner`, in one transaction; raises
    `FormatError` when a field that must be one line is not. An event without an owner
    (`owner` None) is seen by nobody until `access.grant` gives it one."""
    problems = text_problems(event, venue)
    if problems:
        raise FormatError(problems)
    row = mapper.insert_event(db, event, venue=venue)
    if owner is not None:
        access.grant(db, row.id, owner, Role.OWNER)
    db.commit()
    db.refresh(row)
    return row


def import_event(
    db: Session, owner: m.Organiser | None, doc: object, *, venue: str = ""
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
    return create_event(db, owner, event, venue=venue)


def find_by_name(db: Session, name: str) -> m.Event | None:
    return db.exec(select(m.Event).where(m.Event.name == name)).first()


def event_document(db: Session, event: m.Event) -> dict[str, Any]:
    """The event as a `b2b-event/1` document."""
    return event_to_json(mapper.event_of(db, event.id))
