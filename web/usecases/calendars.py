"""What participants see of the published schedule: their agenda and iCalendar files.

All of it (the agenda page, .ics downloads, the feed, the organiser API's calendars) comes
from the published release (`web.usecases.releases`), never from the live set-up, so that
nothing edited after publishing changes or breaks what participants were given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from scheduler import domain
from scheduler.ical import Method, meeting_calendar, participant_calendar, participant_meetings
from web import models as m
from web.usecases import releases


@dataclass
class AgendaRow:
    start: datetime
    end: datetime
    table: str
    request_id: str
    other: domain.Participant | None
    other_org: domain.Organisation | None
    interpreter: list[str] = field(default_factory=list)


def agenda(db: Session, me: m.Participant) -> list[AgendaRow] | None:
    """My meetings in the published release, in time order; None before anything is
    published."""
    source = releases.current(db, me.event_id)
    if source is None:
        return None
    event = source.event
    requests = event.request_by_id()
    people = event.participant_by_id()
    orgs = event.organisation_by_id()
    rows = []
    for meeting in participant_meetings(event, source.schedule, me.ext_id):
        request = requests[meeting.request_id]
        slot = event.slots[meeting.slot_idx]
        other = people.get(request.to_id if request.from_id == me.ext_id else request.from_id)
        org = orgs.get(other.organisation or "") if other is not None else None
        interpreters = [
            r.split(":", 1)[-1] for r in request.requires if r.startswith("interpreter")
        ]
        rows.append(
            AgendaRow(
                slot.start, slot.end, meeting.table_id, meeting.request_id, other, org, interpreters
            )
        )
    return rows


def agenda_ics(db: Session, event_id: int, participant_ext: str, table_label: str) -> bytes | None:
    """A participant's published agenda as iCalendar; None before anything is published.
    `table_label` is the word before the table id in LOCATION, in the reader's language."""
    source = releases.current(db, event_id)
    if source is None:
        return None
    return participant_calendar(
        source.event,
        source.schedule,
        participant_ext,
        releases.with_table_label(source, table_label),
    )


def meeting_ics(db: Session, me: m.Participant, request_ext: str, table_label: str) -> bytes | None:
    """One of my published meetings as an invitation; None if it is not mine or not published."""
    source = releases.current(db, me.event_id)
    if source is None:
        return None
    req = source.event.request_by_id().get(request_ext)
    if req is None or me.ext_id not in req.pair:
        return None
    if request_ext not in {x.request_id for x in source.schedule.meetings}:
        return None
    return meeting_calendar(
        source.event,
        source.schedule,
        request_ext,
        releases.with_table_label(source, table_label),
        Method.PUBLISH,
    )


def participant_by_ext(db: Session, event_id: int, ext_id: str) -> m.Participant | None:
    query = select(m.Participant).where(
        m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
    )
    return db.exec(query).first()
