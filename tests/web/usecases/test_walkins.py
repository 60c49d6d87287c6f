"""Walk-in meetings booked on the published schedule: proposals from now on, a booking as a
new release that passes the checker, mail to the two participants only, and the refusals."""

from __future__ import annotations

import email
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from scheduler.check import check_schedule
from tests.web.helpers import load_tiny, publish_placed
from web import models as m
from web.courier import deliver_due
from web.mail import Mailer
from web.mailing import OutboxPostman
from web.usecases import releases, walkins
from web.usecases.errors import Conflict, Forbidden, Invalid, Msg
from web.usecases.notifications import Links

# B001-1 (host of T001, afternoon only) meets S008-1 and S004-1 at 13:30 and 13:50;
# B003-2 (host of T004) meets S003-1 at 08:30.
PLACED = {"R00001": (9, "T001"), "R00003": (10, "T001"), "R00004": (0, "T004")}
NOW = datetime(2026, 11, 19, 1, 35, tzinfo=UTC)  # 08:35 in Hà Nội: the first slot has begun
LINKS = Links(base_url="http://testserver", secret="test-secret")


@pytest.fixture
def day(app: FastAPI) -> Iterator[tuple[Session, int]]:
    """The tiny sample with a published schedule, its mail already sent."""
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        yield db, event_id


def _id(db: Session, event_id: int, ext_id: str) -> int:
    query = select(m.Participant.id).where(
        m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
    )
    return db.exec(query).one()


def _times(proposal: walkins.Proposal) -> list[tuple[str, str]]:
    return [(f"{s.start:%H:%M}", s.table) for s in proposal.slots]


def _book(db: Session, event_id: int, a: str, b: str, at: str) -> walkins.Booked:
    start = datetime.fromisoformat(f"2026-11-19T{at}")
    pa, pb = _id(db, event_id, a), _id(db, event_id, b)
    return walkins.book(db, event_id, pa, pb, start, OutboxPostman(db), LINKS, now=NOW)


def _mailed_to(app: FastAPI, folder: Path) -> list[str]:
    """Send the outbox into `folder`; the addresses written to."""
    from web.courier import retry_of

    deliver_due(app.state.engine, Mailer(outbox=folder), retry_of(app.state.settings))
    return sorted(str(email.message_from_bytes(p.read_bytes())["To"]) for p in folder.glob("*.eml"))


def test_the_earliest_times_from_now_are_at_the_hosts_own_table(
    day: tuple[Session, int],
) -> None:
    db, event_id = day
    proposal = walkins.propose(
        db, event_id, _id(db, event_id, "S001-1"), _id(db, event_id, "B002-1"), NOW
    )
    assert _times(proposal) == [
        ("08:50", "T002"),
        ("09:10", "T002"),
        ("09:30", "T002"),
        ("09:50", "T002"),
        ("10:10", "T002"),
    ]


def test_a_booking_is_published_as_a_new_release_that_passes_the_checker(
    day: tuple[Session, int],
) -> None:
    db, event_id = day
    booked = _book(db, event_id, "S001-1", "B002-1", "08:50")
    frozen = releases.current(db, event_id)
    assert frozen is not None
    meeting = next(x for x in frozen.schedule.meetings if x.request_id == booked.request)
    assert (
        booked.release,
        frozen.number,
        f"{frozen.event.slots[meeting.slot_idx].start:%H:%M}",
        meeting.table_id,
        len(frozen.schedule.meetings),
        check_schedule(frozen.event, frozen.schedule).violations,
    ) == (2, 2, "08:50", "T002", 4, ())


def test_a_booking_makes_an_accepted_walk_in_request_by_the_organiser(
    day: tuple[Session, int],
) -> None:
    db, event_id = day
    booked = _book(db, event_id, "S001-1", "B002-1", "08:50")
    row = db.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == booked.request)).one()
    assert (row.status, row.created_by, row.note, row.priority, booked.request) == (
        "accepted",
        "organiser",
        "walk-in",
        2,
        "R00033",
    )


def test_only_the_two_participants_are_told(
    app: FastAPI, day: tuple[Session, int], tmp_path: Path
) -> None:
    db, event_id = day
    booked = _book(db, event_id, "S001-1", "B002-1", "08:50")
    assert (booked.notified, _mailed_to(app, tmp_path / "mail")) == (
        2,
        ["b002-1@buyer.example", "s001@supplier.example"],
    )


def test_a_second_booking_of_the_same_pair_is_refused(day: tuple[Session, int]) -> None:
    db, event_id = day
    _book(db, event_id, "S001-1", "B002-1", "08:50")
    with pytest.raises(Invalid) as refused:
        _book(db, event_id, "B002-1", "S001-1", "09:10")
    assert refused.value.message == Msg("walkin.already_meet", at="2026-11-19 08:50")


def test_a_time_that_is_not_free_is_refused_and_nothing_is_written(
    day: tuple[Session, int],
) -> None:
    """08:30 has begun; nothing of the booking stays, not even the request number."""
    db, event_id = day

    def state() -> tuple[int, int, int]:
        event = db.get(m.Event, event_id)
        assert event is not None
        db.refresh(event)
        asked = db.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
        released = db.exec(select(m.Release).where(m.Release.event_id == event_id))
        return event.request_seq, len(asked.all()), len(released.all())

    before = state()
    with pytest.raises(Conflict):
        _book(db, event_id, "S001-1", "B002-1", "08:30")
    assert state() == before


def test_a_pending_request_of_the_pair_is_the_one_booked_and_accepted(
    day: tuple[Session, int],
) -> None:
    db, event_id = day
    row = db.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == "R00022")).one()
    row.status = "pending"
    db.add(row)
    db.commit()
    booked = _book(db, event_id, "S003-1", "B002-1", "08:50")
    db.refresh(row)
    assert (booked.request, row.status) == ("R00022", "accepted")


def test_two_buyers_are_refused(day: tuple[Session, int]) -> None:
    db, event_id = day
    with pytest.raises(Invalid) as refused:
        walkins.propose(db, event_id, _id(db, event_id, "B002-1"), _id(db, event_id, "B003-1"), NOW)
    assert refused.value.message == Msg("request.same_side")


def test_nothing_is_proposed_before_a_schedule_is_published(app: FastAPI) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        a, b = _id(db, event_id, "S001-1"), _id(db, event_id, "B002-1")
        with pytest.raises(Invalid) as refused:
            walkins.propose(db, event_id, a, b, NOW)
    assert refused.value.message == Msg("walkin.not_published")


def test_after_the_last_slot_none_is_left(day: tuple[Session, int]) -> None:
    db, event_id = day
    evening = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)  # 17:00 in Hà Nội
    a, b = _id(db, event_id, "S001-1"), _id(db, event_id, "B002-1")
    proposal = walkins.propose(db, event_id, a, b, evening)
    assert (proposal.slots, proposal.blocked) == ([], Msg("walkin.blocked.none_left"))


def test_the_portal_books_nothing_unless_the_organiser_allows_it(
    day: tuple[Session, int],
) -> None:
    db, event_id = day
    me = db.get(m.Participant, _id(db, event_id, "S001-1"))
    assert me is not None
    with pytest.raises(Forbidden):
        walkins.propose_for(db, me, _id(db, event_id, "B002-1"), NOW)


def test_a_participant_books_a_walk_in_when_the_organiser_allows_it(
    day: tuple[Session, int],
) -> None:
    db, event_id = day
    event = db.get(m.Event, event_id)
    assert event is not None
    event.walk_ins_from_portal = True
    db.add(event)
    db.commit()
    me = db.get(m.Participant, _id(db, event_id, "S001-1"))
    assert me is not None
    other = _id(db, event_id, "B002-1")
    start = walkins.propose_for(db, me, other, NOW).slots[0].start
    booked = walkins.book_for(db, me, other, start, OutboxPostman(db), LINKS, now=NOW)
    row = db.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == booked.request)).one()
    assert (booked.release, row.created_by, row.from_id) == (2, "participant", me.id)


def test_a_declined_pair_cannot_be_booked_from_the_portal(day: tuple[Session, int]) -> None:
    db, event_id = day
    event = db.get(m.Event, event_id)
    row = db.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == "R00022")).one()
    assert event is not None
    event.walk_ins_from_portal = True
    row.status = "declined"
    db.add_all([event, row])
    db.commit()
    me = db.get(m.Participant, _id(db, event_id, "S003-1"))
    assert me is not None
    with pytest.raises(Invalid) as refused:
        walkins.propose_for(db, me, _id(db, event_id, "B002-1"), NOW)
    assert refused.value.message == Msg("walkin.declined")


def test_the_portal_finds_only_people_of_the_other_side(day: tuple[Session, int]) -> None:
    db, event_id = day
    me = db.get(m.Participant, _id(db, event_id, "S001-1"))
    found = walkins.people(db, event_id, "park", meeting=me)
    assert [x.participant.ext_id for x in found] == ["B003-1"]


def test_pins_of_the_published_version_are_kept(app: FastAPI, day: tuple[Session, int]) -> None:
    db, event_id = day
    meeting = db.exec(
        select(m.Meeting)
        .join(m.ScheduleVersion, col(m.Meeting.version_id) == col(m.ScheduleVersion.id))
        .where(m.ScheduleVersion.status == "published", m.Meeting.request_ext == "R00001")
    ).one()
    meeting.pinned = True
    db.add(meeting)
    db.commit()
    _book(db, event_id, "S001-1", "B002-1", "08:50")
    pinned = db.exec(
        select(m.Meeting.request_ext)
        .join(m.ScheduleVersion, col(m.Meeting.version_id) == col(m.ScheduleVersion.id))
        .where(m.ScheduleVersion.status == "published", col(m.Meeting.pinned))
    ).all()
    assert list(pinned) == ["R00001"]
