"""Participants' requests: send, answer, withdraw; limits, deadline, sides, mutual requests."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import csrf, fresh_supplier, load_tiny, person, request_count, signed_in
from web import models as m
from web.usecases.mapper import event_of


def _ask(client: TestClient, to: int | str, priority: str = "2", note: str = "") -> int:
    data = {"csrf_token": csrf(client), "to": str(to), "priority": priority, "note": note}
    status: int = client.post("/p/requests", data=data, follow_redirects=False).status_code
    return status


def _request_to(app: FastAPI, to: m.Participant) -> m.MeetingRequest:
    with Session(app.state.engine) as session:
        return session.exec(select(m.MeetingRequest).where(m.MeetingRequest.to_id == to.id)).one()


def _answer(client: TestClient, ext_id: str, action: str) -> int:
    data = {"csrf_token": csrf(client)}
    url = f"/p/requests/{ext_id}/{action}"
    status: int = client.post(url, data=data, follow_redirects=False).status_code
    return status


def _set_event(app: FastAPI, event_id: int, **values: object) -> None:
    with Session(app.state.engine) as session:
        event = session.get(m.Event, event_id)
        assert event is not None  # just created
        for key, value in values.items():
            setattr(event, key, value)
        session.add(event)
        session.commit()


def _solver_ids(app: FastAPI, event_id: int) -> set[str]:
    with Session(app.state.engine) as session:
        return {r.id for r in event_of(session, event_id, for_solver=True).requests}


def test_a_sent_request_is_pending(app: FastAPI) -> None:
    load_tiny(app)
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id)
    assert _request_to(app, supplier).status == "pending"


def test_a_pending_request_does_not_go_to_the_solver(app: FastAPI) -> None:
    event_id = load_tiny(app)
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id)
    assert _request_to(app, supplier).ext_id not in _solver_ids(app, event_id)


def test_asking_the_same_person_twice_is_refused(app: FastAPI) -> None:
    load_tiny(app)
    buyer = signed_in(app, "B001-1")
    supplier = fresh_supplier(app, "B001-1")
    _ask(buyer, supplier.id)
    again = buyer.post("/p/requests", data={"csrf_token": csrf(buyer), "to": str(supplier.id)})
    assert (again.status_code, "already" in again.text) == (422, True)


@pytest.mark.parametrize("to", ["abc", "999999"])
def test_asking_no_such_participant_is_refused(app: FastAPI, to: str) -> None:
    load_tiny(app)
    assert _ask(signed_in(app, "B001-1"), to) == 422


def test_nobody_asks_someone_of_their_own_side(app: FastAPI) -> None:
    load_tiny(app)
    buyer = signed_in(app, "B001-1")
    data = {"csrf_token": csrf(buyer), "to": str(person(app, "B002-1").id), "priority": "2"}
    response = buyer.post("/p/requests", data=data)
    assert (response.status_code, "No such participant." in response.text) == (422, True)


def test_a_refused_same_side_request_is_not_stored(app: FastAPI) -> None:
    load_tiny(app)
    before = request_count(app)
    _ask(signed_in(app, "S002-1"), person(app, "S003-1").id)
    assert request_count(app) == before


@pytest.mark.parametrize("value", ["2.5", "x", "0"])
def test_a_bad_priority_says_priority(app: FastAPI, value: str) -> None:
    load_tiny(app)
    buyer = signed_in(app, "B001-1")
    data = {
        "csrf_token": csrf(buyer),
        "to": str(fresh_supplier(app, "B001-1").id),
        "priority": value,
    }
    warning = re.search(r'class="warning"[^>]*>([^<]*)', buyer.post("/p/requests", data=data).text)
    assert warning is not None and warning.group(1) == "Choose a priority from 1 to 3."


def test_a_priority_with_spaces_is_read(app: FastAPI) -> None:
    load_tiny(app)
    assert _ask(signed_in(app, "B001-1"), fresh_supplier(app, "B001-1").id, priority=" 3 ") == 303


def test_only_the_receiver_answers_a_request(app: FastAPI) -> None:
    load_tiny(app)
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id)
    ext_id = _request_to(app, supplier).ext_id
    assert (
        _answer(signed_in(app, "B001-1"), ext_id, "accept"),
        _answer(signed_in(app, "S003-1"), ext_id, "accept"),
    ) == (404, 404)


def test_an_accepted_request_goes_to_the_solver(app: FastAPI) -> None:
    event_id = load_tiny(app)
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id)
    ext_id = _request_to(app, supplier).ext_id
    _answer(signed_in(app, supplier.ext_id), ext_id, "accept")
    assert ext_id in _solver_ids(app, event_id)


def test_a_declined_request_does_not_go_to_the_solver(app: FastAPI) -> None:
    event_id = load_tiny(app)
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id)
    ext_id = _request_to(app, supplier).ext_id
    _answer(signed_in(app, supplier.ext_id), ext_id, "decline")
    assert ext_id not in _solver_ids(app, event_id)


def test_the_sender_sees_the_answer(app: FastAPI) -> None:
    load_tiny(app)
    buyer = signed_in(app, "B001-1")
    supplier = fresh_supplier(app, "B001-1")
    _ask(buyer, supplier.id)
    _answer(signed_in(app, supplier.ext_id), _request_to(app, supplier).ext_id, "decline")
    assert '<td class="state">declined' in buyer.get("/p/requests").text


def test_a_pending_request_can_be_withdrawn(app: FastAPI) -> None:
    load_tiny(app)
    buyer = signed_in(app, "B001-1")
    supplier = fresh_supplier(app, "B001-1")
    before = request_count(app)
    _ask(buyer, supplier.id)
    _answer(buyer, _request_to(app, supplier).ext_id, "withdraw")
    assert request_count(app) == before


def _mutual(app: FastAPI) -> tuple[m.Participant, m.Participant]:
    """B001-1 asks a supplier (priority 3, "hi"), who asks back (priority 1, "yes!")."""
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id, priority="3", note="hi")
    _ask(signed_in(app, supplier.ext_id), person(app, "B001-1").id, priority="1", note="yes!")
    return person(app, "B001-1"), supplier


def test_asking_back_keeps_one_accepted_request(app: FastAPI) -> None:
    load_tiny(app)
    buyer, supplier = _mutual(app)
    with Session(app.state.engine) as session:
        rows = session.exec(select(m.MeetingRequest)).all()
    pair = [r for r in rows if {r.from_id, r.to_id} == {buyer.id, supplier.id}]
    assert [(r.status, r.priority, r.note) for r in pair] == [("accepted", 3, "hi / yes!")]


def test_both_sides_see_a_mutual_request(app: FastAPI) -> None:
    load_tiny(app)
    _buyer, supplier = _mutual(app)
    pages = [signed_in(app, who).get("/p/requests").text for who in ("B001-1", supplier.ext_id)]
    assert all('<span class="badge">mutual</span>' in page for page in pages)


def test_the_request_limit_is_kept(app: FastAPI) -> None:
    event_id = load_tiny(app)
    buyer = person(app, "B001-1")
    with Session(app.state.engine) as session:
        sent = len(
            session.exec(select(m.MeetingRequest).where(m.MeetingRequest.from_id == buyer.id)).all()
        )
    _set_event(app, event_id, max_requests_per_participant=sent + 1)
    client = signed_in(app, "B001-1")
    _ask(client, person(app, "S001-1").id)
    response = client.post(
        "/p/requests", data={"csrf_token": csrf(client), "to": str(person(app, "S006-1").id)}
    )
    assert (response.status_code, "limit" in response.text) == (422, True)


def test_no_request_after_the_deadline(app: FastAPI) -> None:
    event_id = load_tiny(app)
    _set_event(app, event_id, request_deadline=datetime(2000, 1, 1))
    client = signed_in(app, "B001-1")
    response = client.post(
        "/p/requests", data={"csrf_token": csrf(client), "to": str(person(app, "S006-1").id)}
    )
    assert (response.status_code, "closed" in response.text) == (422, True)


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_no_answer_after_the_deadline(app: FastAPI, action: str) -> None:
    event_id = load_tiny(app)
    supplier = fresh_supplier(app, "B001-1")
    _ask(signed_in(app, "B001-1"), supplier.id)
    _set_event(app, event_id, request_deadline=datetime(2000, 1, 1))
    client = signed_in(app, supplier.ext_id)
    response = client.post(
        f"/p/requests/{_request_to(app, supplier).ext_id}/{action}",
        data={"csrf_token": csrf(client)},
    )
    assert (
        response.status_code,
        "Requests are closed." in response.text,
        _request_to(app, supplier).status,
    ) == (422, True, "pending")


def _forced(app: FastAPI) -> m.Participant:
    buyer, supplier = person(app, "B001-1"), fresh_supplier(app, "B001-1")
    with Session(app.state.engine) as session:
        session.add(
            m.MeetingRequest(
                event_id=buyer.event_id,
                ext_id="RF1",
                from_id=buyer.id,
                to_id=supplier.id,
                priority=3,
                status="pending",
                forced=True,
                created_by="organiser",
            )
        )
        session.commit()
    return supplier


def test_a_forced_request_offers_no_answer(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, _forced(app).ext_id).get("/p/requests").text
    assert ('action="/p/requests/RF1/decline"' in page, "set by the organiser" in page) == (
        False,
        True,
    )


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_participants_cannot_answer_a_forced_request(app: FastAPI, action: str) -> None:
    load_tiny(app)
    supplier = _forced(app)
    assert (
        _answer(signed_in(app, supplier.ext_id), "RF1", action),
        _request_to(app, supplier).status,
    ) == (404, "pending")


def test_the_requests_table_fits_a_phone(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/requests").text
    head = re.search(r'<table id="requests"><thead><tr>(.*?)</tr>', page)
    assert head is not None and head.group(1).count("<th") == 3
