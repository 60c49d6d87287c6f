"""No-shows: who is listed once a session's grace is over, marking them absent, and the
re-solve from the published release that drops their meetings and keeps everyone else's."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from scheduler.formats import read_event_file as load_event
from tests.conftest import TINY_SAMPLE, OrganiserClient, publish
from tests.web.helpers import load_tiny, publish_placed, wait_for_job
from web import models as m
from web.usecases import accounts, checkin, mapper, noshows, outcomes, solving, versions
from web.usecases.errors import Invalid

# B001-1 meets S008-1 at 08:30 and S004-1 at 08:50; B003-2 meets S003-1 at 09:10 (session
# d1-am, 08:30-11:30; d1-pm 13:30-16:30).
PLACED = {"R00001": (0, "T001"), "R00003": (1, "T001"), "R00004": (2, "T004")}
GRACE = 15


def _published(app: FastAPI) -> int:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    return event_id


def _board(app: FastAPI, event_id: int, now: datetime) -> noshows.Board:
    with Session(app.state.engine) as db:
        return noshows.board(db, event_id, now, GRACE)


def _id(app: FastAPI, ext_id: str) -> int:
    with Session(app.state.engine) as db:
        return db.exec(select(m.Participant.id).where(m.Participant.ext_id == ext_id)).one()


def test_the_list_waits_for_the_grace_minutes(app: FastAPI) -> None:
    board = _board(app, _published(app), datetime(2026, 11, 19, 8, 40))
    assert (board.opens_at, board.missing) == (datetime(2026, 11, 19, 8, 45), ())


def test_those_with_meetings_left_who_have_not_checked_in_are_listed(app: FastAPI) -> None:
    event_id = _published(app)
    with Session(app.state.engine) as db:
        desk = accounts.create_organiser(db, "desk@example.org", "a long password 123")
        checkin.check_in(db, event_id, _id(app, "S004-1"), desk)
    # 08:55: R00001 (08:30) is over; B001-1 and S004-1 meet at 08:50; B003-2, S003-1 at 09:10.
    board = _board(app, event_id, datetime(2026, 11, 19, 8, 55))
    assert sorted((x.ext_id, x.meetings) for x in board.missing) == [
        ("B001-1", 1),
        ("B003-2", 1),
        ("S003-1", 1),
    ]


def test_outside_a_session_nobody_is_listed_or_marked(app: FastAPI) -> None:
    event_id = _published(app)
    now = datetime(2026, 11, 19, 12, 0)
    with Session(app.state.engine) as db, pytest.raises(Invalid):
        noshows.mark_absent(db, event_id, [_id(app, "B001-1")], noshows.Scope.SESSION, now)
    assert _board(app, event_id, now).session is None


@pytest.mark.parametrize(
    ("scope", "end"),
    [(noshows.Scope.SESSION, "2026-11-19T11:30"), (noshows.Scope.DAY, "2026-11-19T16:30")],
)
def test_absent_from_the_slot_under_way_to_the_end_of_the_session_or_day(
    app: FastAPI, scope: noshows.Scope, end: str
) -> None:
    event_id = _published(app)
    with Session(app.state.engine) as db:
        noshows.mark_absent(
            db, event_id, [_id(app, "B003-2")], scope, datetime(2026, 11, 19, 9, 15)
        )
        person = db.exec(select(m.Participant).where(m.Participant.ext_id == "B003-2")).one()
    assert person.unavailable == [{"start": "2026-11-19T09:10", "end": end}]


def test_marked_absent_they_leave_the_list(app: FastAPI) -> None:
    event_id = _published(app)
    now = datetime(2026, 11, 19, 8, 55)
    with Session(app.state.engine) as db:
        noshows.mark_absent(db, event_id, [_id(app, "B003-2")], noshows.Scope.SESSION, now)
    assert "B003-2" not in [x.ext_id for x in _board(app, event_id, now).missing]


def test_the_re_solve_drops_the_absent_persons_meetings_and_keeps_everyone_elses(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": "5"})
    assert 'id="job-state">succeeded<' in wait_for_job(organiser_client, event_id)
    with Session(app.state.engine) as db:
        solved = versions.get_version(db, event_id, 1)
        publish(app, db, solved)
        published = {x.request_ext: x for x in mapper.meetings_of(db, solved.id)}
    count = Counter(p for x in published.values() for p in (x.from_id, x.to_id))
    absent = count.most_common(1)[0][0]
    assert absent is not None
    with Session(app.state.engine) as db:
        noshows.mark_absent(
            db, event_id, [absent], noshows.Scope.DAY, datetime(2026, 11, 19, 8, 30)
        )
    organiser_client.post_form(f"/events/{event_id}/solve", {"from": "release", "time_limit": "5"})
    assert 'id="job-state">succeeded<' in wait_for_job(organiser_client, event_id)
    with Session(app.state.engine) as db:
        resolved = versions.get_version(db, event_id, 2)
        now = {x.request_ext: x for x in mapper.meetings_of(db, resolved.id)}
        source, stats = resolved.source, dict(resolved.stats)
    theirs = {r for r, x in published.items() if absent in (x.from_id, x.to_id)}
    others = set(published) - theirs
    stayed = {
        r
        for r in others
        if r in now
        and (now[r].start, now[r].table_ext) == (published[r].start, published[r].table_ext)
    }
    assert (source, stats["dropped"], theirs & set(now), stayed) == (
        "resolve",
        len(theirs),
        set(),
        others,
    )


def test_the_page_says_no_session_is_under_way_after_the_event(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _published(app)
    page = organiser_client.get(f"/events/{event_id}/no-shows").text
    assert "No session is under way" in page


def test_marking_nobody_absent_after_the_event_is_refused_with_a_reason(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _published(app)
    response = organiser_client.post_form(f"/events/{event_id}/no-shows", {"scope": "day"})
    assert (response.status_code, "nobody can be marked absent now" in response.text) == (422, True)


# --- reported by their partners -----------------------------------------------------------

UTC_0840 = datetime(2026, 11, 19, 1, 40, tzinfo=UTC)  # 08:40 in Hanoi: R00001 under way


def _report(app: FastAPI, reporter: str, request: str, now: datetime = UTC_0840) -> None:
    with Session(app.state.engine) as db:
        me = db.exec(select(m.Participant).where(m.Participant.ext_id == reporter)).one()
        outcomes.report_absent(db, me, request, now)


def _reported(board: noshows.Board) -> list[tuple[str, str, str, datetime, bool, bool]]:
    return [
        (x.ext_id, x.request_id, x.reporter, x.reported_at, x.checked_in, x.absent)
        for x in board.reported
    ]


def test_the_partner_reported_absent_is_listed_with_who_said_so_and_when(
    app: FastAPI,
) -> None:
    event_id = _published(app)
    _report(app, "B001-1", "R00001")  # S008-1 did not come
    board = _board(app, event_id, datetime(2026, 11, 19, 8, 41))  # still in the grace
    assert _reported(board) == [
        (
            "S008-1",
            "R00001",
            "Tom Pham (Shinwa Auto Parts Vietnam)",
            datetime(2026, 11, 19, 8, 40),
            False,
            False,
        )
    ]


def test_a_reported_person_who_checked_in_is_still_listed(app: FastAPI) -> None:
    event_id = _published(app)
    with Session(app.state.engine) as db:
        desk = accounts.create_organiser(db, "desk@example.org", "a long password 123")
        checkin.check_in(db, event_id, _id(app, "S008-1"), desk)
    _report(app, "B001-1", "R00001")
    board = _board(app, event_id, datetime(2026, 11, 19, 8, 55))
    assert [(x.ext_id, x.checked_in) for x in board.reported] == [("S008-1", True)]


def test_marked_absent_a_reported_person_stays_listed_as_absent(app: FastAPI) -> None:
    event_id = _published(app)
    _report(app, "B001-1", "R00001")
    now = datetime(2026, 11, 19, 8, 55)
    with Session(app.state.engine) as db:
        noshows.mark_absent(db, event_id, [_id(app, "S008-1")], noshows.Scope.SESSION, now)
    assert [(x.ext_id, x.absent) for x in _board(app, event_id, now).reported] == [("S008-1", True)]


def test_reports_of_another_day_are_not_listed(app: FastAPI) -> None:
    event_id = _published(app)
    _report(app, "B001-1", "R00001")
    assert _board(app, event_id, datetime(2026, 11, 20, 8, 55)).reported == ()


def test_a_did_not_take_place_answer_of_either_side_lists_the_other(app: FastAPI) -> None:
    event_id = _published(app)
    _report(app, "B001-1", "R00001")
    _report(app, "S008-1", "R00001", datetime(2026, 11, 19, 1, 42, tzinfo=UTC))
    board = _board(app, event_id, datetime(2026, 11, 19, 8, 45))
    assert [(x.ext_id, x.reported_at) for x in board.reported] == [
        ("B001-1", datetime(2026, 11, 19, 8, 42)),
        ("S008-1", datetime(2026, 11, 19, 8, 40)),
    ]


@pytest.mark.parametrize(
    ("hanoi", "expected"),
    [
        (datetime(2026, 11, 19, 8, 0), None),  # before the first session
        (datetime(2026, 11, 19, 9, 5), datetime(2026, 11, 19, 9, 5)),
        (datetime(2026, 11, 19, 17, 0), None),  # after the last one
    ],
)
def test_a_re_solve_closes_the_started_slots_only_while_the_event_runs(
    hanoi: datetime, expected: datetime | None
) -> None:
    event = load_event(TINY_SAMPLE)
    now = hanoi.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert solving.under_way(event, now) == expected
