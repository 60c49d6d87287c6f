"""iCalendar output parsed back with icalendar and checked field by field (scheduler.ical)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from scheduler.domain import (
    Event,
    Meeting,
    MeetingRequest,
    Organisation,
    Participant,
    Schedule,
    Session,
    Table,
)
from scheduler.ical import (
    PRODID,
    CalendarOptions,
    Change,
    Method,
    meeting_calendar,
    meeting_changes,
    meeting_uid,
    participant_calendar,
    sequences,
    slugify,
)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _event() -> Event:
    return Event(
        name="Hà Nội B2B 2026",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=20,
        sessions=(Session(id="am", start=datetime(2026, 3, 10, 9), end=datetime(2026, 3, 10, 10)),),
        tables=(Table(id="T01"), Table(id="T02")),
        organisations=(
            Organisation(id="o-b", name="Buyer Co", role="buyer"),
            Organisation(id="o-s", name="Supplier JSC", role="supplier"),
        ),
        participants=(
            Participant(id="b1", organisation="o-b", name="Kim", email="kim@buyer.kr"),
            Participant(id="s1", organisation="o-s", name="Lan", email="lan@sup.vn"),
            Participant(id="s2", organisation="o-s", name="Minh", email="minh@sup.vn"),
            Participant(id="s3", organisation="o-s", name="Hoa"),  # no e-mail
        ),
        requests=(
            MeetingRequest(id="r1", from_id="b1", to_id="s1"),
            MeetingRequest(id="r2", from_id="b1", to_id="s2"),
            MeetingRequest(id="r3", from_id="b1", to_id="s3"),
        ),
    )


V1 = Schedule(
    event_name="Hà Nội B2B 2026",
    meetings=(
        Meeting(request_id="r1", slot_idx=0, table_id="T01"),
        Meeting(request_id="r2", slot_idx=1, table_id="T01"),
        Meeting(request_id="r3", slot_idx=2, table_id="T02"),
    ),
)
# re-publish: r1 unchanged, r2 moved to slot 2 / T02, r3 dropped
V2 = Schedule(
    event_name="Hà Nội B2B 2026",
    meetings=(
        Meeting(request_id="r1", slot_idx=0, table_id="T01"),
        Meeting(request_id="r2", slot_idx=2, table_id="T02"),
    ),
)
OPTS = CalendarOptions(
    venue="NECC, Đông Anh",
    organiser_email="b2b@moit.gov.vn",
    organiser_name="MOIT",
    dtstamp=STAMP,
)


def _parse(data: bytes) -> Any:  # icalendar types its properties as a wide union
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    return icalendar.Calendar.from_ical(data)


def _events(cal: icalendar.Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_slug_and_uid() -> None:
    assert slugify("Hà Nội B2B 2026") == "ha-noi-b2b-2026"
    assert slugify("Đà Nẵng!!") == "da-nang"
    assert slugify("???") == "event"
    assert meeting_uid("r1", "ha-noi-b2b-2026") == "r1@ha-noi-b2b-2026.ketnoi"


def test_participant_calendar_fields() -> None:
    data = participant_calendar(_event(), V1, "b1", OPTS)
    assert b"TZID=Asia/Ho_Chi_Minh" in data
    cal = _parse(data)
    assert str(cal["prodid"]) == PRODID
    assert str(cal["version"]) == "2.0"
    assert str(cal["method"]) == "PUBLISH"
    tzs = cal.walk("VTIMEZONE")
    assert [str(t["tzid"]) for t in tzs] == ["Asia/Ho_Chi_Minh"]
    events = _events(cal)
    assert set(events) == {f"r{i}@ha-noi-b2b-2026.ketnoi" for i in (1, 2, 3)}
    e1 = events["r1@ha-noi-b2b-2026.ketnoi"]
    start = e1.decoded("dtstart")
    assert start == datetime(2026, 3, 10, 9, 0, tzinfo=ZONE)
    assert start.utcoffset() is not None and start.utcoffset().total_seconds() == 7 * 3600
    assert e1["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert e1.decoded("dtend") == datetime(2026, 3, 10, 9, 20, tzinfo=ZONE)
    assert e1.decoded("dtstamp") == STAMP
    assert int(e1["sequence"]) == 0
    assert str(e1["status"]) == "CONFIRMED"
    assert str(e1["location"]) == "NECC, Đông Anh, Table T01"
    assert str(e1["summary"]) == "Kim (Buyer Co) – Lan (Supplier JSC)"
    assert str(e1["organizer"]) == "mailto:b2b@moit.gov.vn"
    assert e1["organizer"].params["CN"] == "MOIT"
    attendees = e1["attendee"]
    assert [str(a) for a in attendees] == ["mailto:kim@buyer.kr", "mailto:lan@sup.vn"]
    # a participant without e-mail is not an ATTENDEE
    e3 = events["r3@ha-noi-b2b-2026.ketnoi"]
    assert str(e3["attendee"]) == "mailto:kim@buyer.kr"
    # supplier s1 only sees their own meeting
    only = _events(_parse(participant_calendar(_event(), V1, "s1", OPTS)))
    assert list(only) == ["r1@ha-noi-b2b-2026.ketnoi"]


def test_republish_moves_one_and_drops_another() -> None:
    assert meeting_changes(V2, V1) == {
        "r1": Change.UNCHANGED,
        "r2": Change.MOVED,
        "r3": Change.DROPPED,
    }
    opts = CalendarOptions(
        venue="NECC", organiser_email="b2b@moit.gov.vn", dtstamp=STAMP, previous=V1
    )
    events = _events(_parse(participant_calendar(_event(), V2, "b1", opts)))
    slug = "ha-noi-b2b-2026.ketnoi"
    e1, e2, e3 = events[f"r1@{slug}"], events[f"r2@{slug}"], events[f"r3@{slug}"]
    assert (int(e1["sequence"]), str(e1["status"])) == (0, "CONFIRMED")
    assert (int(e2["sequence"]), str(e2["status"])) == (1, "CONFIRMED")
    assert e2.decoded("dtstart") == datetime(2026, 3, 10, 9, 40, tzinfo=ZONE)
    assert str(e2["location"]) == "NECC, Table T02"
    assert (int(e3["sequence"]), str(e3["status"])) == (1, "CANCELLED")
    assert e3.decoded("dtstart") == datetime(2026, 3, 10, 9, 40, tzinfo=ZONE)  # as it was


def test_sequence_carries_over_previous_values() -> None:
    assert sequences(V2, V1, {"r1": 2, "r2": 3, "r3": 1}) == {"r1": 2, "r2": 4, "r3": 2}
    assert sequences(V1, None, {}) == {"r1": 0, "r2": 0, "r3": 0}
    opts = CalendarOptions(dtstamp=STAMP, previous=V1, previous_sequence={"r2": 3})
    e2 = _events(_parse(meeting_calendar(_event(), V2, "r2", opts)))
    assert int(next(iter(e2.values()))["sequence"]) == 4


def test_meeting_invitation_and_cancellation() -> None:
    opts = CalendarOptions(dtstamp=STAMP, previous=V1, organiser_email="b2b@moit.gov.vn")
    moved = _parse(meeting_calendar(_event(), V2, "r2", opts))
    assert str(moved["method"]) == "REQUEST"
    assert len(moved.walk("VEVENT")) == 1
    assert len(moved.walk("VTIMEZONE")) == 1
    cancelled = _parse(meeting_calendar(_event(), V2, "r3", opts))
    assert str(cancelled["method"]) == "CANCEL"
    (e3,) = cancelled.walk("VEVENT")
    assert str(e3["status"]) == "CANCELLED"
    assert str(e3["location"]) == "Table T02"
    assert int(e3["sequence"]) == 1
    forced = _parse(meeting_calendar(_event(), V1, "r1", opts, method=Method.PUBLISH))
    assert str(forced["method"]) == "PUBLISH"
    with pytest.raises(KeyError):
        meeting_calendar(_event(), V2, "nope", opts)


def test_dtstamp_defaults_to_now_utc() -> None:
    (e1,) = _parse(meeting_calendar(_event(), V1, "r1")).walk("VEVENT")
    stamp = e1.decoded("dtstamp")
    assert stamp.tzinfo is not None
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60


def _later_event_without_r3() -> Event:
    """The event an hour later, with r3 (and its participant s3) gone."""
    event = _event()
    return replace(
        event,
        sessions=(
            Session(id="am", start=datetime(2026, 3, 10, 10), end=datetime(2026, 3, 10, 11)),
        ),
        participants=event.participants[:3],
        requests=event.requests[:2],
    )


def test_against_an_earlier_event_a_meeting_at_the_same_slot_number_moved_with_its_session() -> (
    None
):
    later = _later_event_without_r3()
    now = Schedule(event_name=later.name, meetings=V1.meetings[:2])
    changes = meeting_changes(now, V1, later, _event())
    assert changes == {"r1": Change.MOVED, "r2": Change.MOVED, "r3": Change.DROPPED}


def test_a_meeting_dropped_with_its_request_is_cancelled_as_the_earlier_event_had_it() -> None:
    later = _later_event_without_r3()
    now = Schedule(event_name=later.name, meetings=V1.meetings[:2])
    opts = CalendarOptions(dtstamp=STAMP, previous=V1, previous_event=_event())
    events = _events(_parse(participant_calendar(later, now, "b1", opts)))
    e3 = events["r3@ha-noi-b2b-2026.ketnoi"]
    assert (str(e3["status"]), e3.decoded("dtstart"), str(e3["summary"])) == (
        "CANCELLED",
        datetime(2026, 3, 10, 9, 40, tzinfo=ZONE),
        "Kim (Buyer Co) – Hoa (Supplier JSC)",
    )
