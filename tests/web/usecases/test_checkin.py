"""The check-in desk's rules: finding people as typed, marking arrivals once, undoing them,
arrived / expected per session from the published version, and the QR check-in code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.web.helpers import SECRET, load_tiny, publish_placed, store_version
from web import models as m
from web.usecases import accounts, checkin, tokens
from web.usecases.errors import NotFound

# R00001 S008-1/B001-1 and R00003 S004-1/B001-1 in the morning (slots 0, 1); R00004
# B003-2/S003-1 and R00005 S008-1/B003-1 in the afternoon (slots 10, 11: 13:50, 14:10).
PLACED = {
    "R00001": (0, "T005"),
    "R00003": (1, "T005"),
    "R00004": (10, "T005"),
    "R00005": (11, "T005"),
}


@pytest.fixture
def desk(app: FastAPI, organiser: str) -> Iterator[tuple[Session, int, m.Organiser]]:
    """The tiny sample with one Vietnamese name and organisation; the desk's organiser."""
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        person = _person(db, event_id, "S001-1")
        person.name = "Nguyễn Văn Thuật"
        db.add(person)
        org = db.exec(select(m.Organisation).where(m.Organisation.ext_id == "S010")).one()
        org.name = "Đại Dương Garment Accessories JSC"
        db.add(org)
        db.commit()
        staff = accounts.organiser_by_email(db, organiser)
        assert staff is not None
        yield db, event_id, staff


def _person(db: Session, event_id: int, ext_id: str) -> m.Participant:
    query = select(m.Participant).where(
        m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
    )
    return db.exec(query).one()


def _found(desk: tuple[Session, int, m.Organiser], query: str) -> set[str]:
    db, event_id, _staff = desk
    return {a.participant.ext_id for a in checkin.find(db, event_id, query)}


def _check_in(desk: tuple[Session, int, m.Organiser], *ext_ids: str) -> None:
    db, event_id, staff = desk
    for ext_id in ext_ids:
        checkin.check_in(db, event_id, _person(db, event_id, ext_id).id, staff)


def test_a_name_typed_without_accents_finds_it_with_them(
    desk: tuple[Session, int, m.Organiser],
) -> None:
    assert _found(desk, "nguyen thuat") == {"S001-1"}


def test_an_organisation_typed_without_accents_finds_its_people(
    desk: tuple[Session, int, m.Organiser],
) -> None:
    assert _found(desk, "DAI DUONG") == {"S010-1"}


def test_a_participant_id_typed_in_lower_case_finds_them(
    desk: tuple[Session, int, m.Organiser],
) -> None:
    assert _found(desk, "b003-2") == {"B003-2"}


def test_an_empty_query_finds_nobody(desk: tuple[Session, int, m.Organiser]) -> None:
    assert _found(desk, "   ") == set()


def test_checking_in_twice_keeps_the_first_arrival(desk: tuple[Session, int, m.Organiser]) -> None:
    db, event_id, staff = desk
    pid = _person(db, event_id, "B001-1").id
    first = checkin.check_in(db, event_id, pid, staff)
    again = checkin.check_in(db, event_id, pid, staff)
    rows = db.exec(select(m.CheckIn)).all()
    assert ((again.id, again.arrived_at), len(rows)) == ((first.id, first.arrived_at), 1)


def test_a_check_in_records_who_marked_it(desk: tuple[Session, int, m.Organiser]) -> None:
    db, event_id, staff = desk
    row = checkin.check_in(db, event_id, _person(db, event_id, "B001-1").id, staff)
    assert checkin.checked_in_by(db, row) == staff.email


def test_undo_makes_the_participant_not_arrived(desk: tuple[Session, int, m.Organiser]) -> None:
    db, event_id, _staff = desk
    _check_in(desk, "B001-1")
    pid = _person(db, event_id, "B001-1").id
    checkin.undo(db, event_id, pid)
    assert checkin.arrival(db, event_id, pid).arrived is False


def test_undo_of_someone_not_checked_in_changes_nothing(
    desk: tuple[Session, int, m.Organiser],
) -> None:
    db, event_id, _staff = desk
    _check_in(desk, "S002-1")
    checkin.undo(db, event_id, _person(db, event_id, "B001-1").id)
    assert [r.participant_id for r in db.exec(select(m.CheckIn))] == [
        _person(db, event_id, "S002-1").id
    ]


def test_another_events_participant_cannot_be_checked_in(
    app: FastAPI, desk: tuple[Session, int, m.Organiser]
) -> None:
    db, event_id, staff = desk
    other_event = load_tiny(app)
    stranger = _person(db, other_event, "B001-1")
    with pytest.raises(NotFound):
        checkin.check_in(db, event_id, stranger.id, staff)


def test_counts_are_arrived_of_expected_per_session_of_the_published_version(
    app: FastAPI, desk: tuple[Session, int, m.Organiser]
) -> None:
    _db, event_id, _staff = desk
    publish_placed(app, event_id, PLACED)
    # A later draft with another morning meeting (S005-1/B001-1) expects nobody more.
    store_version(app, event_id, {**PLACED, "R00002": (2, "T005")})
    # S008-1 has meetings in both sessions, B003-2 in the afternoon, S001-1 none.
    _check_in(desk, "S008-1", "B003-2", "S001-1")
    db = desk[0]
    db.expire_all()
    counts = checkin.counts(db, event_id)
    per_session = [(s.ext_id, s.arrived, s.expected) for s in counts.sessions]
    assert (per_session, counts.arrived, counts.registered) == (
        [("d1-am", 1, 3), ("d1-pm", 2, 4)],
        3,
        14,
    )


def test_before_publishing_nobody_is_expected(desk: tuple[Session, int, m.Organiser]) -> None:
    db, event_id, _staff = desk
    _check_in(desk, "S008-1")
    counts = checkin.counts(db, event_id)
    assert (counts.published, [s.expected for s in counts.sessions]) == (False, [0, 0])


def test_a_check_in_code_names_its_participant(desk: tuple[Session, int, m.Organiser]) -> None:
    db, event_id, _staff = desk
    person = _person(db, event_id, "S003-1")
    code = checkin.check_in_code(SECRET, person)
    assert checkin.participant_of_code(db, SECRET, event_id, code).id == person.id


def test_a_forged_check_in_code_is_refused(desk: tuple[Session, int, m.Organiser]) -> None:
    db, event_id, _staff = desk
    forged = checkin.check_in_code("another secret", _person(db, event_id, "S003-1"))
    with pytest.raises(NotFound):
        checkin.participant_of_code(db, SECRET, event_id, forged)


def test_another_events_check_in_code_is_refused(
    app: FastAPI, desk: tuple[Session, int, m.Organiser]
) -> None:
    db, event_id, _staff = desk
    other = _person(db, load_tiny(app), "S003-1")
    with pytest.raises(NotFound):
        checkin.participant_of_code(db, SECRET, event_id, checkin.check_in_code(SECRET, other))


def test_a_portal_sign_in_token_is_no_check_in_code(
    desk: tuple[Session, int, m.Organiser],
) -> None:
    db, event_id, _staff = desk
    token = tokens.login_token(SECRET, _person(db, event_id, "S003-1"))
    with pytest.raises(NotFound):
        checkin.participant_of_code(db, SECRET, event_id, token)


def test_a_check_in_code_signs_nobody_in_to_the_portal(
    desk: tuple[Session, int, m.Organiser],
) -> None:
    db, event_id, _staff = desk
    code = checkin.check_in_code(SECRET, _person(db, event_id, "S003-1"))
    assert tokens.participant_of_login(db, SECRET, code) is None
