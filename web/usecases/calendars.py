"""What participants see of the published schedule: their agenda and iCalendar files.

`published` is the one source for all of it (the agenda page, .ics downloads, the feed, the
organiser API's calendars and change e-mails): the domain event, the published schedule, and
the previous published version with SEQUENCE numbers accumulated over the published history.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session, col, select

from scheduler import domain
from scheduler.ical import (
    CalendarOptions,
    Method,
    meeting_calendar,
    participant_calendar,
    participant_meetings,
    sequences,
)
from web import models as m
from web.models import VersionStatus
from web.usecases import access, inputs, mapper


@dataclass(frozen=True, slots=True)
class Published:
    event: domain.Event
    schedule: domain.Schedule
    options: CalendarOptions
    version_id: int


def _history(db: Session, event_id: int) -> list[m.ScheduleVersion]:
    return list(
        db.exec(
            select(m.ScheduleVersion)
            .where(
                m.ScheduleVersion.event_id == event_id,
                col(m.ScheduleVersion.published_at).is_not(None),
                col(m.ScheduleVersion.status).in_(
                    [VersionStatus.PUBLISHED.value, VersionStatus.RETIRED.value]
                ),
            )
            .order_by(col(m.ScheduleVersion.published_at), col(m.ScheduleVersion.id))
        )
    )


def published(db: Session, event_id: int, version_id: int | None = None) -> Published | None:
    """The published schedule (or `version_id`, which must have been published), with the
    previous published one; None before anything is published."""
    row = db.get(m.Event, event_id)
    if row is None:
        return None
    history = _history(db, event_id)
    if version_id is not None:
        history = history[: next((i + 1 for i, v in enumerate(history) if v.id == version_id), 0)]
    elif history and history[-1].status != VersionStatus.PUBLISHED.value:
        history = []
    if not history:
        return None
    full = mapper.event_of(db, event_id)
    # The name also goes where iCalendar does not escape line breaks (X-WR-CALNAME, a
    # parameter): one line, whatever was stored before names were checked.
    full = replace(full, name=inputs.one_line(full.name))
    seq: dict[str, int] = {}
    previous: domain.Schedule | None = None
    schedules = [mapper.schedule_of(db, version, full) for version in history]
    for current in schedules[:-1]:
        seq.update(sequences(current, previous, seq))
        previous = current
    organiser = access.owner_of(db, event_id)
    options = CalendarOptions(
        event_slug=f"event-{event_id}",
        venue=row.venue or None,
        organiser_email=organiser.email if organiser else None,
        organiser_name=full.name,
        previous=previous,
        previous_sequence=seq,
    )
    return Published(full, schedules[-1], options, history[-1].id)


@dataclass
class AgendaRow:
    start: datetime
    end: datetime
    table: str
    request_id: str
    other: m.Participant | None
    other_org: m.Organisation | None
    interpreter: list[str] = field(default_factory=list)


def agenda(db: Session, me: m.Participant) -> list[AgendaRow] | None:
    """My meetings in the published schedule, in time order; None before anything is published."""
    source = published(db, me.event_id)
    if source is None:
        return None
    people = {
        p.ext_id: p
        for p in db.exec(select(m.Participant).where(m.Participant.event_id == me.event_id))
    }
    requests = source.event.request_by_id()
    rows = []
    for meeting in participant_meetings(source.event, source.schedule, me.ext_id):
        request = requests[meeting.request_id]
        slot = source.event.slots[meeting.slot_idx]
        other = people.get(request.to_id if request.from_id == me.ext_id else request.from_id)
        org = None
        if other is not None and other.organisation_id:
            org = db.get(m.Organisation, other.organisation_id)
        interpreters = [
            r.split(":", 1)[-1] for r in request.requires if r.startswith("interpreter")
        ]
        rows.append(
            AgendaRow(
                slot.start, slot.end, meeting.table_id, meeting.request_id, other, org, interpreters
            )
        )
    return rows


def with_table_label(source: Published, table_label: str) -> CalendarOptions:
    """The calendar options of `source`, with LOCATION saying `table_label` before a table."""
    o = source.options
    return CalendarOptions(
        event_slug=o.event_slug,
        venue=o.venue,
        organiser_email=o.organiser_email,
        organiser_name=o.organiser_name,
        previous=o.previous,
        previous_sequence=o.previous_sequence,
        table_label=table_label,
    )


def agenda_ics(db: Session, event_id: int, participant_ext: str, table_label: str) -> bytes | None:
    """A participant's published agenda as iCalendar; None before anything is published.
    `table_label` is the word before the table id in LOCATION, in the reader's language."""
    source = published(db, event_id)
    if source is None:
        return None
    return participant_calendar(
        source.event, source.schedule, participant_ext, with_table_label(source, table_label)
    )


def meeting_ics(db: Session, me: m.Participant, request_ext: str, table_label: str) -> bytes | None:
    """One of my published meetings as an invitation; None if it is not mine or not published."""
    source = published(db, me.event_id)
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
        with_table_label(source, table_label),
        Method.PUBLISH,
    )


def participant_by_ext(db: Session, event_id: int, ext_id: str) -> m.Participant | None:
    query = select(m.Participant).where(
        m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
    )
    return db.exec(query).first()
