"""Name search without accents or case, the same on SQLite and PostgreSQL: registrations,
requests (names and organisations, not only ids) and the participant catalogue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.web.helpers import load_tiny
from web import models as m
from web.usecases import registrations, requests

NAMES = {
    "S001-1": "Nguyễn Văn Thuật",
    "S002-1": "Nguyen Thi Ha",
    "S003-1": "NGUYỄN HỮU LONG",
    "S004-1": "Mai Đặng",
    "S005-1": "Đặng Thị Mai",
    "S006-1": "Dang Minh",
}
NGUYEN = {"S001-1", "S002-1", "S003-1"}


@pytest.fixture
def event(app: FastAPI) -> Iterator[tuple[Session, int]]:
    """The tiny sample with Vietnamese names written three ways, renamed through the ORM."""
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        for person in session.exec(select(m.Participant)):
            if person.ext_id in NAMES:
                person.name = NAMES[person.ext_id]
                session.add(person)
        org = session.exec(select(m.Organisation).where(m.Organisation.ext_id == "S010")).one()
        org.name = "Đại Dương Garment Accessories JSC"
        session.add(org)
        session.commit()
        yield session, event_id


def _registrations(event: tuple[Session, int], q: str) -> set[str]:
    session, event_id = event
    page = registrations.search_participants(session, event_id, q, size=100)
    return {person.ext_id for person, _org in page.rows}


def _requests_of(event: tuple[Session, int], who: str) -> set[str]:
    session, event_id = event
    page = requests.search(session, event_id, who=who, size=100)
    return {r.ext_id for r, _a, _b in page.rows}


def _requests_with(session: Session, ext_ids: set[str]) -> set[str]:
    """The requests from or to any of `ext_ids` (some, or the comparison would prove nothing)."""
    ids = {p.id for p in session.exec(select(m.Participant)) if p.ext_id in ext_ids}
    found = {
        r.ext_id
        for r in session.exec(select(m.MeetingRequest))
        if r.from_id in ids or r.to_id in ids
    }
    assert found, "the sample gives these participants requests"
    return found


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn", "NGUYEN", "nguyễn"])
def test_a_name_is_found_however_its_accents_and_case_are_typed(
    event: tuple[Session, int], query: str
) -> None:
    assert _registrations(event, query) == NGUYEN


def test_d_finds_the_vietnamese_d_with_stroke(event: tuple[Session, int]) -> None:
    assert _registrations(event, "Mai Dang") == {"S004-1", "S005-1"}


def test_every_word_of_a_query_must_occur(event: tuple[Session, int]) -> None:
    assert _registrations(event, "nguyen thuat") == {"S001-1"}


def test_an_organisation_is_found_without_its_accents(event: tuple[Session, int]) -> None:
    assert _registrations(event, "dai duong") == {"S010-1"}


def test_a_new_participant_is_found_without_accents(app: FastAPI) -> None:
    """Written by an insert (the import path), not only by an update."""
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        session.add(m.Participant(event_id=event_id, ext_id="S099-1", name="Trần Đức Thắng"))
        session.commit()
        page = registrations.search_participants(session, event_id, "tran duc thang")
        assert [p.ext_id for p, _org in page.rows] == ["S099-1"]


def test_a_rename_replaces_the_old_name_in_search(event: tuple[Session, int]) -> None:
    session, _event_id = event
    person = session.exec(select(m.Participant).where(m.Participant.ext_id == "S001-1")).one()
    person.name = "Lê Thị Hoa"
    session.add(person)
    session.commit()
    assert _registrations(event, "thuat") == set()


def test_the_request_filter_finds_a_name_typed_without_accents(
    event: tuple[Session, int],
) -> None:
    session, _event_id = event
    assert _requests_of(event, "Mai Dang") == _requests_with(session, {"S004-1", "S005-1"})


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn", "NGUYEN"])
def test_the_request_filter_treats_accents_and_case_alike(
    event: tuple[Session, int], query: str
) -> None:
    session, _event_id = event
    assert _requests_of(event, query) == _requests_with(session, NGUYEN)


def test_the_request_filter_finds_an_organisation(event: tuple[Session, int]) -> None:
    session, _event_id = event
    assert _requests_of(event, "Dai Duong") == _requests_with(session, {"S010-1"})


def test_the_request_filter_takes_an_id_exactly(app: FastAPI) -> None:
    """ "S001-1" is one participant, not also "S001-10"."""
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        org = session.exec(select(m.Organisation).where(m.Organisation.ext_id == "S001")).one()
        other = m.Participant(event_id=event_id, ext_id="S001-10", organisation_id=org.id)
        session.add(other)
        session.flush()
        buyer = session.exec(select(m.Participant).where(m.Participant.ext_id == "B001-1")).one()
        session.add(
            m.MeetingRequest(event_id=event_id, ext_id="R09999", from_id=buyer.id, to_id=other.id)
        )
        session.commit()
        expected = _requests_with(session, {"S001-1"})
        found = requests.search(session, event_id, who="s001-1", size=100)
        assert {r.ext_id for r, _a, _b in found.rows} == expected
