"""Meeting outcomes: which meetings can be answered (by the event's clock), the rules of an
answer, privacy between the two sides, the organisers' report in exact numbers, and the
leads exported with formula-like names neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.web.helpers import load_tiny, publish_placed
from web import models as m
from web.usecases import outcomes
from web.usecases.errors import Conflict, Invalid, NotFound
from web.usecases.outcomes import Draft, FollowUp

# 2026-11-19, Asia/Ho_Chi_Minh (UTC+7), 20-minute slots from 08:30 and from 13:30:
# R00001 S008-1/B001-1 08:30-08:50, R00003 S004-1/B001-1 08:50-09:10,
# R00004 B003-2/S003-1 13:50-14:10, R00005 S008-1/B003-1 14:10-14:30.
PLACED = {
    "R00001": (0, "T005"),
    "R00003": (1, "T005"),
    "R00004": (10, "T005"),
    "R00005": (11, "T005"),
}
AFTER = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # 19:00 in Hanoi: every meeting has ended
MIDDAY = datetime(2026, 11, 19, 5, 0, tzinfo=UTC)  # 12:00 in Hanoi: the morning ones only
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _person(db: Session, event_id: int, ext_id: str) -> m.Participant:
    query = select(m.Participant).where(
        m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
    )
    return db.exec(query).one()


@pytest.fixture
def fair(app: FastAPI) -> Iterator[tuple[Session, int]]:
    """The tiny sample with PLACED published."""
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        yield db, event_id


def _answer(
    fair: tuple[Session, int],
    ext_id: str,
    request: str,
    took_place: bool = True,
    follow_up: set[FollowUp] | None = None,
    rating: int | None = None,
    note: str = "",
    now: datetime = AFTER,
) -> m.MeetingOutcome:
    db, event_id = fair
    draft = Draft(took_place, frozenset(follow_up or ()), rating, note)
    return outcomes.record(db, _person(db, event_id, ext_id), request, draft, now)


@pytest.fixture
def answered(fair: tuple[Session, int]) -> tuple[Session, int]:
    """R00001 held with follow-ups from both sides; R00003 a no-show for the buyer (the
    supplier says it took place); R00004 held with a quote; R00005 not answered."""
    q, s, f = FollowUp.QUOTE, FollowUp.SAMPLE, FollowUp.FACTORY_VISIT
    _answer(fair, "B001-1", "R00001", follow_up={q, s}, rating=5, note="Send prices")
    _answer(fair, "S008-1", "R00001", follow_up={f}, rating=4, note="Buyer is keen")
    _answer(fair, "B001-1", "R00003", took_place=False)
    _answer(fair, "S004-1", "R00003", rating=2)
    _answer(fair, "B003-2", "R00004", follow_up={q}, rating=3)
    return fair


def _report(fair: tuple[Session, int], now: datetime = AFTER) -> outcomes.Report:
    db, event_id = fair
    return outcomes.report(db, event_id, now)


# --- which meetings can be answered --------------------------------------------------------


def test_at_midday_only_the_morning_meetings_can_be_answered(fair: tuple[Session, int]) -> None:
    db, event_id = fair
    rows = outcomes.my_meetings(db, _person(db, event_id, "S008-1"), MIDDAY) or []
    assert [(r.request_id, r.ended) for r in rows] == [("R00001", True), ("R00005", False)]


def test_a_meeting_ends_by_the_event_clock_not_utc(fair: tuple[Session, int]) -> None:
    db, event_id = fair
    me = _person(db, event_id, "B001-1")
    just_before = datetime(2026, 11, 19, 1, 49, tzinfo=UTC)  # 08:49 in Hanoi
    at_the_end = datetime(2026, 11, 19, 1, 50, tzinfo=UTC)  # 08:50 in Hanoi
    ended = [outcomes.my_meeting(db, me, "R00001", now).ended for now in (just_before, at_the_end)]
    assert ended == [False, True]


def test_before_anything_is_published_there_is_nothing_to_answer(app: FastAPI) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        assert outcomes.my_meetings(db, _person(db, event_id, "B001-1"), AFTER) is None


def test_an_answer_before_the_meeting_ended_is_refused(fair: tuple[Session, int]) -> None:
    with pytest.raises(Conflict):
        _answer(fair, "S008-1", "R00005", now=MIDDAY)


# --- an answer and its rules ---------------------------------------------------------------


def test_an_answer_is_stored_as_given(fair: tuple[Session, int]) -> None:
    row = _answer(fair, "B001-1", "R00001", follow_up={FollowUp.SAMPLE, FollowUp.QUOTE}, rating=4)
    assert (row.took_place, row.follow_up, row.rating) == (True, ["quote", "sample"], 4)


def test_answering_again_changes_the_one_answer(fair: tuple[Session, int]) -> None:
    db, _event_id = fair
    _answer(fair, "B001-1", "R00001", rating=2, note="first")
    _answer(fair, "B001-1", "R00001", follow_up={FollowUp.QUOTE}, rating=5, note="second")
    rows = db.exec(select(m.MeetingOutcome)).all()
    assert [(r.rating, r.note, r.follow_up) for r in rows] == [(5, "second", ["quote"])]


def test_another_participants_meeting_is_refused(fair: tuple[Session, int]) -> None:
    db, _event_id = fair
    with pytest.raises(NotFound):
        _answer(fair, "B003-1", "R00001", rating=5)
    assert db.exec(select(m.MeetingOutcome)).all() == []


def test_a_request_that_is_not_in_the_published_schedule_is_refused(
    fair: tuple[Session, int],
) -> None:
    with pytest.raises(NotFound):
        _answer(fair, "B001-1", "R00002", rating=5)  # B001-1's, but not placed


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_one_to_five_is_refused(fair: tuple[Session, int], rating: int) -> None:
    with pytest.raises(Invalid) as refused:
        _answer(fair, "B001-1", "R00001", rating=rating)
    assert list(refused.value.fields) == ["rating"]


def test_a_meeting_that_did_not_take_place_cannot_be_rated(fair: tuple[Session, int]) -> None:
    with pytest.raises(Invalid) as refused:
        _answer(fair, "B001-1", "R00001", took_place=False, rating=3)
    assert refused.value.fields["rating"].code == "outcome.rating_not_held"


def test_a_note_of_the_longest_length_is_kept(fair: tuple[Session, int]) -> None:
    row = _answer(fair, "B001-1", "R00001", note="x" * outcomes.NOTE_MAX)
    assert len(row.note) == outcomes.NOTE_MAX


def test_a_note_one_character_too_long_is_refused_and_nothing_written(
    fair: tuple[Session, int],
) -> None:
    db, _event_id = fair
    with pytest.raises(Invalid) as refused:
        _answer(fair, "B001-1", "R00001", note="x" * (outcomes.NOTE_MAX + 1))
    assert (list(refused.value.fields), db.exec(select(m.MeetingOutcome)).all()) == (["note"], [])


def test_a_note_keeps_its_lines_and_loses_control_characters(fair: tuple[Session, int]) -> None:
    row = _answer(fair, "B001-1", "R00001", note="  prices\r\nsamples\x07 \n")
    assert row.note == "prices\nsamples"


def test_the_form_needs_to_say_whether_the_meeting_took_place() -> None:
    with pytest.raises(Invalid) as refused:
        outcomes.read_form("", [], "", "")
    assert list(refused.value.fields) == ["took_place"]


def test_the_form_refuses_an_unknown_follow_up() -> None:
    with pytest.raises(Invalid) as refused:
        outcomes.read_form("yes", ["quote", "dinner"], "", "")
    assert list(refused.value.fields) == ["follow_up"]


def test_the_form_reads_its_strings() -> None:
    draft = outcomes.read_form("yes", ["factory_visit", "quote"], "4", "ok")
    assert draft == Draft(True, frozenset({FollowUp.QUOTE, FollowUp.FACTORY_VISIT}), 4, "ok")


def test_the_form_refuses_a_rating_that_is_no_number() -> None:
    with pytest.raises(Invalid) as refused:
        outcomes.read_form("yes", [], "five", "")
    assert list(refused.value.fields) == ["rating"]


# --- privacy -------------------------------------------------------------------------------


def test_a_participant_sees_only_their_own_answer(answered: tuple[Session, int]) -> None:
    db, event_id = answered
    rows = outcomes.my_meetings(db, _person(db, event_id, "S008-1"), AFTER) or []
    mine = {r.request_id: r.answer.note if r.answer else None for r in rows}
    assert mine == {"R00001": "Buyer is keen", "R00005": None}


# --- the report ----------------------------------------------------------------------------


def test_the_report_counts_meetings_answers_and_no_shows(answered: tuple[Session, int]) -> None:
    r = _report(answered)
    counts = (r.meetings, r.ended, r.answered, r.held, r.not_held, r.answers)
    assert (counts, r.no_show_rate) == ((4, 4, 3, 2, 1, 5), 1 / 3)


def test_the_report_averages_every_rating_given(answered: tuple[Session, int]) -> None:
    r = _report(answered)
    assert (r.ratings, r.average_rating) == (4, 3.5)  # 5, 4, 2, 3


def test_the_report_counts_only_meetings_ended_by_now(answered: tuple[Session, int]) -> None:
    assert _report(answered, MIDDAY).ended == 2


def test_follow_ups_by_sector_of_the_supplier(answered: tuple[Session, int]) -> None:
    rows = [
        (x.label, x.answered, x.with_follow_up, x.quote, x.sample, x.factory_visit)
        for x in _report(answered).sectors
    ]
    assert rows == [
        ("auto-parts", 1, 1, 1, 0, 0),  # R00004, S003
        ("mechanical", 1, 1, 1, 1, 1),  # R00001, S008: both sides' follow-ups
        ("packaging", 1, 0, 0, 0, 0),  # R00003, S004: a no-show
    ]


def test_follow_ups_by_buyer(answered: tuple[Session, int]) -> None:
    rows = [(x.label, x.answered, x.with_follow_up, x.quote) for x in _report(answered).buyers]
    assert rows == [
        ("Tom Pham (Shinwa Auto Parts Vietnam)", 2, 1, 1),
        ("Ji-woo Bui (Nanfang Auto Parts Vietnam)", 1, 1, 1),
    ]


def test_leads_are_the_buyers_follow_ups_per_supplier(answered: tuple[Session, int]) -> None:
    leads = [
        (
            group.supplier.participant.id,
            [(x.request_id, x.buyer.participant.id) for x in group.leads],
        )
        for group in _report(answered).leads
    ]
    assert leads == [("S008-1", [("R00001", "B001-1")]), ("S003-1", [("R00004", "B003-2")])]


def test_a_lead_carries_the_buyers_follow_ups_rating_and_note(
    answered: tuple[Session, int],
) -> None:
    lead = _report(answered).leads[0].leads[0]
    wanted = ((FollowUp.QUOTE, FollowUp.SAMPLE), 5, "Send prices")
    assert (lead.follow_up, lead.rating, lead.note) == wanted


def test_the_report_before_anything_is_published_is_empty(app: FastAPI) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        r = outcomes.report(db, event_id, AFTER)
    assert (r.published, r.meetings, r.leads) == (False, 0, ())


# --- exports -------------------------------------------------------------------------------


@pytest.fixture
def formula_lead(app: FastAPI) -> Iterator[tuple[Session, int]]:
    """A buyer named like a spreadsheet formula asks S008-1 for a quote."""
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        buyer = _person(db, event_id, "B001-1")
        buyer.name = FORMULA
        db.add(buyer)
        db.commit()
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        fair = (db, event_id)
        _answer(fair, "B001-1", "R00001", follow_up={FollowUp.QUOTE}, note="+1 555 0100")
        yield fair


def test_the_csv_export_has_one_row_per_lead(answered: tuple[Session, int]) -> None:
    db, event_id = answered
    table = list(
        csv.reader(io.StringIO(outcomes.leads_csv(db, event_id, AFTER).decode("utf-8-sig")))
    )
    assert [(row[0], row[3], row[9]) for row in table] == [
        ("supplier_id", "buyer_id", "follow_up"),
        ("S008-1", "B001-1", "quote; sample"),
        ("S003-1", "B003-2", "quote"),
    ]


def test_a_formula_name_is_neutralised_in_the_csv(formula_lead: tuple[Session, int]) -> None:
    db, event_id = formula_lead
    text = outcomes.leads_csv(db, event_id, AFTER).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert (row[4], row[11]) == ("'" + FORMULA, "'+1 555 0100")


def test_a_formula_name_is_neutralised_text_in_the_xlsx(formula_lead: tuple[Session, int]) -> None:
    db, event_id = formula_lead
    sheet = load_workbook(io.BytesIO(outcomes.leads_xlsx(db, event_id, AFTER))).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=5)
    assert (cell.value, cell.data_type) == ("'" + FORMULA, "s")


# --- "my partner did not come" ------------------------------------------------------------

AT_0840 = datetime(2026, 11, 19, 1, 40, tzinfo=UTC)  # 08:40 in Hanoi: R00001 under way


def _absent(fair: tuple[Session, int], ext_id: str, request: str, now: datetime) -> None:
    db, event_id = fair
    outcomes.report_absent(db, _person(db, event_id, ext_id), request, now)


def _stored(fair: tuple[Session, int]) -> list[tuple[str, bool, list[str], int | None, str]]:
    db, _event_id = fair
    rows = db.exec(select(m.MeetingOutcome)).all()
    return [(r.request_ext, r.took_place, r.follow_up, r.rating, r.note) for r in rows]


def test_partner_absent_is_the_answer_did_not_take_place_recorded_now(
    fair: tuple[Session, int],
) -> None:
    db, _event_id = fair
    _absent(fair, "B001-1", "R00001", AT_0840)
    row = db.exec(select(m.MeetingOutcome)).one()
    assert (row.request_ext, row.took_place, row.recorded_at) == (
        "R00001",
        False,
        datetime(2026, 11, 19, 1, 40),
    )


def test_partner_absent_opens_at_the_meetings_start_by_the_event_clock(
    fair: tuple[Session, int],
) -> None:
    db, event_id = fair
    me = _person(db, event_id, "B001-1")
    just_before = datetime(2026, 11, 19, 1, 29, tzinfo=UTC)  # 08:29 in Hanoi
    at_the_start = datetime(2026, 11, 19, 1, 30, tzinfo=UTC)  # 08:30
    opened = [
        outcomes.my_meeting(db, me, "R00001", t).absence_open for t in (just_before, at_the_start)
    ]
    assert opened == [False, True]


def test_partner_absent_before_the_meeting_started_is_refused(fair: tuple[Session, int]) -> None:
    with pytest.raises(Conflict):
        _absent(fair, "B001-1", "R00003", AT_0840)  # 08:50
    assert _stored(fair) == []


def test_partner_absent_after_the_meetings_day_is_refused(fair: tuple[Session, int]) -> None:
    next_morning = datetime(2026, 11, 20, 1, 40, tzinfo=UTC)  # 08:40 the next day in Hanoi
    with pytest.raises(Conflict):
        _absent(fair, "B001-1", "R00001", next_morning)
    assert _stored(fair) == []


def test_partner_absent_on_a_meeting_that_is_not_mine_is_not_found(
    fair: tuple[Session, int],
) -> None:
    with pytest.raises(NotFound):
        _absent(fair, "S004-1", "R00001", AT_0840)  # R00001 is S008-1 with B001-1
    assert _stored(fair) == []


def test_partner_absent_keeps_my_follow_ups_and_note_and_drops_the_rating(
    fair: tuple[Session, int],
) -> None:
    after = datetime(2026, 11, 19, 1, 55, tzinfo=UTC)  # 08:55: R00001 has ended
    _answer(fair, "B001-1", "R00001", follow_up={FollowUp.QUOTE}, rating=4, note="x", now=after)
    _absent(fair, "B001-1", "R00001", after)
    assert _stored(fair) == [("R00001", False, ["quote"], None, "x")]
