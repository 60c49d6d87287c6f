"""iCalendar (RFC 5545) files for a participant's agenda or one meeting: Schedule + Event -> bytes.

Pure: stdlib and `icalendar` only. Times carry a TZID of the event's zone and the calendar holds
the matching VTIMEZONE. A meeting's UID is derived from the event slug and the request id, so
it is stable across schedule versions; SEQUENCE rises when a meeting moved (other time or
table) or was dropped since the previous version, and a dropped meeting is sent with
STATUS:CANCELLED. The previous version may belong to an earlier state of the event (a frozen
release): meetings are then compared by their times, not by slot numbers.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar

from scheduler.domain import Event, Meeting, Participant, Schedule

PRODID = "-//ketnoi//B2B meeting scheduler//EN"


class Method(enum.StrEnum):
    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class Change(enum.StrEnum):
    ADDED = "added"
    MOVED = "moved"
    DROPPED = "dropped"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarOptions:
    """What the schedule does not know: where, who organises, and the previous version."""

    event_slug: str | None = None  # default: slugify(event.name)
    venue: str | None = None
    organiser_email: str | None = None
    organiser_name: str | None = None
    previous: Schedule | None = None  # the previously published version, if any
    # The event `previous` was made for, when it is not the current one (sessions, names or
    # requests may have changed since); its meetings are read against it.
    previous_event: Event | None = None
    # SEQUENCE of each meeting (by request id) in the previous version; default 0
    previous_sequence: Mapping[str, int] = field(default_factory=dict)
    dtstamp: datetime | None = None  # default: now (UTC)
    # SEQUENCE of every meeting of this version, when already known (a release stores it);
    # default: computed from `previous` and `previous_sequence`
    sequence: Mapping[str, int] | None = None
    table_label: str = "Table"  # the word before the table id in LOCATION


def slugify(text: str) -> str:
    """ASCII slug for UIDs: 'Hà Nội B2B 2026' -> 'ha-noi-b2b-2026'."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "event"


def meeting_uid(request_id: str, event_slug: str) -> str:
    """Stable UID of the meeting placed for `request_id`, the same in every version."""
    return f"{request_id}@{event_slug}.ketnoi"


def meeting_changes(
    schedule: Schedule,
    previous: Schedule | None,
    event: Event | None = None,
    previous_event: Event | None = None,
) -> dict[str, Change]:
    """Request id -> how its meeting changed from `previous` to `schedule`.

    With `event` (and `previous_event`, when `previous` was made for another state of the
    event), a meeting moved if its start, end or table differ; without, if its slot number or
    table differ."""
    old = {m.request_id: m for m in previous.meetings} if previous else {}
    new = {m.request_id: m for m in schedule.meetings}
    before = previous_event or event

    def place(meeting: Meeting, on: Event | None) -> tuple[object, ...]:
        if on is None:
            return (meeting.slot_idx, meeting.table_id)
        slot = on.slots[meeting.slot_idx]
        return (slot.start, slot.end, meeting.table_id)

    changes: dict[str, Change] = {}
    for rid in sorted(old.keys() | new.keys()):
        if rid not in old:
            changes[rid] = Change.ADDED
        elif rid not in new:
            changes[rid] = Change.DROPPED
        elif place(old[rid], before) != place(new[rid], event):
            changes[rid] = Change.MOVED
        else:
            changes[rid] = Change.UNCHANGED
    return changes


def sequences(
    schedule: Schedule,
    previous: Schedule | None,
    previous_sequence: Mapping[str, int],
    event: Event | None = None,
    previous_event: Event | None = None,
) -> dict[str, int]:
    """SEQUENCE per request id: previous value, plus one if the meeting moved or was dropped."""
    out: dict[str, int] = {}
    for rid, change in meeting_changes(schedule, previous, event, previous_event).items():
        base = previous_sequence.get(rid, 0)
        out[rid] = base + 1 if change in (Change.MOVED, Change.DROPPED) else base
    return out


def participant_meetings(event: Event, schedule: Schedule, participant_id: str) -> list[Meeting]:
    """The meetings of one participant (as requester or receiver), in schedule order."""
    requests = event.request_by_id()
    return [
        m
        for m in schedule.meetings
        if m.request_id in requests
        and participant_id in (requests[m.request_id].from_id, requests[m.request_id].to_id)
    ]


def participant_calendar(
    event: Event,
    schedule: Schedule,
    participant_id: str,
    options: CalendarOptions | None = None,
    method: Method = Method.PUBLISH,
) -> bytes:
    """A participant's whole agenda; meetings dropped since `options.previous` are CANCELLED."""
    options = options or CalendarOptions()
    builder = _Builder(event, schedule, options)
    for meeting in participant_meetings(event, schedule, participant_id):
        builder.add(meeting, cancelled=False)
    if options.previous is not None:
        current = {m.request_id for m in schedule.meetings}
        before = options.previous_event or event
        for meeting in participant_meetings(before, options.previous, participant_id):
            if meeting.request_id not in current:
                builder.add(meeting, cancelled=True)
    return builder.to_ical(method)


def meeting_calendar(
    event: Event,
    schedule: Schedule,
    request_id: str,
    options: CalendarOptions | None = None,
    method: Method | None = None,
) -> bytes:
    """One meeting as an invitation: REQUEST if placed, CANCEL if dropped since `previous`.

    Raises KeyError if the request has no meeting in `schedule` nor in `options.previous`.
    """
    options = options or CalendarOptions()
    builder = _Builder(event, schedule, options)
    placed = {m.request_id: m for m in schedule.meetings}
    before = {m.request_id: m for m in options.previous.meetings} if options.previous else {}
    if request_id in placed:
        builder.add(placed[request_id], cancelled=False)
        return builder.to_ical(method or Method.REQUEST)
    if request_id in before:
        builder.add(before[request_id], cancelled=True)
        return builder.to_ical(method or Method.CANCEL)
    raise KeyError(request_id)


class _Index:
    """One event's requests, people and organisations by id, built once per calendar."""

    def __init__(self, event: Event) -> None:
        self.requests = event.request_by_id()
        self.people = event.participant_by_id()
        self.orgs = {o.id: o for o in event.organisations}

    def label(self, p: Participant | None, fallback: str) -> str:
        if p is None:
            return fallback
        org = self.orgs.get(p.organisation or "")
        name = p.name or p.id
        return f"{name} ({org.name})" if org else name


class _Builder:
    """Collects VEVENTs for one calendar object."""

    def __init__(self, event: Event, schedule: Schedule, options: CalendarOptions) -> None:
        self.event = event
        self.options = options
        self.zone = ZoneInfo(event.timezone)
        self.slug = options.event_slug or slugify(event.name)
        self.before = options.previous_event or event  # what cancelled meetings belong to
        self.index = {id(on): _Index(on) for on in (event, self.before)}
        self.seq = (
            options.sequence
            if options.sequence is not None
            else sequences(
                schedule, options.previous, options.previous_sequence, event, options.previous_event
            )
        )
        self.stamp = (options.dtstamp or datetime.now(UTC)).astimezone(UTC)
        self.cal = icalendar.Calendar()
        self.cal.add("prodid", PRODID)
        self.cal.add("version", "2.0")
        self.cal.add("calscale", "GREGORIAN")
        self.cal.add("x-wr-calname", event.name)
        self.cal.add("x-wr-timezone", event.timezone)

    def add(self, meeting: Meeting, *, cancelled: bool) -> None:
        """Add a placed meeting, or (cancelled) one of the previous version's."""
        on = self.before if cancelled else self.event
        index = self.index[id(on)]
        request = index.requests[meeting.request_id]
        slot = on.slots[meeting.slot_idx]
        a, b = index.people.get(request.from_id), index.people.get(request.to_id)
        ev = icalendar.Event()
        ev.add("uid", meeting_uid(meeting.request_id, self.slug))
        ev.add("dtstamp", self.stamp)
        ev.add("dtstart", slot.start.replace(tzinfo=self.zone))
        ev.add("dtend", slot.end.replace(tzinfo=self.zone))
        ev.add("sequence", self.seq.get(meeting.request_id, 0))
        ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        ev.add("transp", "OPAQUE")
        left, right = index.label(a, request.from_id), index.label(b, request.to_id)
        ev.add("summary", f"{left} – {right}")
        ev.add("description", f"{self.event.name}: {left} – {right}")
        table = f"{self.options.table_label} {meeting.table_id}"
        ev.add("location", f"{self.options.venue}, {table}" if self.options.venue else table)
        if self.options.organiser_email:
            organizer = icalendar.vCalAddress(f"mailto:{self.options.organiser_email}")
            organizer.params["cn"] = self.options.organiser_name or self.event.name
            ev.add("organizer", organizer)
        for person in (a, b):
            if person is not None and person.email:
                attendee = icalendar.vCalAddress(f"mailto:{person.email}")
                attendee.params["cn"] = index.label(person, person.id)
                attendee.params["role"] = "REQ-PARTICIPANT"
                attendee.params["partstat"] = "ACCEPTED"
                ev.add("attendee", attendee)
        self.cal.add_component(ev)

    def to_ical(self, method: Method) -> bytes:
        self.cal.add("method", method.value)
        days = [s.start.date() for s in (*self.event.slots, *self.before.slots)]
        if days:
            # The zone's rules around the event only (RFC 5545 needs the observances that
            # cover its times), built once per zone and year range, not from 1970 to 2038
            # for every file.
            self.cal.add_component(_vtimezone(self.event.timezone, min(days).year, max(days).year))
        return bytes(self.cal.to_ical())


@functools.lru_cache(maxsize=64)
def _vtimezone(zone: str, first_year: int, last_year: int) -> icalendar.Timezone:
    return icalendar.Timezone.from_tzinfo(
        ZoneInfo(zone),
        tzid=zone,
        first_date=date(first_year - 1, 1, 1),
        last_date=date(last_year + 2, 1, 1),
    )
