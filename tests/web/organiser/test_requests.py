"""Meeting requests on the organiser side: the form, filters, CSV import."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import buyer_and_supplier, fresh_supplier, load_tiny
from web import models as m
from web.usecases.mapper import event_of


def _import(client: OrganiserClient, event_id: int, rows: str) -> str:
    response = client.post_form(
        f"/events/{event_id}/requests/import", files={"file": ("r.csv", rows.encode(), "text/csv")}
    )
    return f"{response.status_code} {response.text}"


def _vip_request(app: FastAPI, client: OrganiserClient, event_id: int) -> m.MeetingRequest:
    supplier = fresh_supplier(app, "B001-1")
    values = {
        "from": supplier.ext_id,
        "to": "B001-1",
        "priority": "3",
        "status": "pending",
        "forced": "true",
        "note": "VIP",
    }
    response = client.post_form(f"/events/{event_id}/requests", values, follow_redirects=False)
    assert response.status_code == 303, response.text
    with Session(app.state.engine) as session:
        return session.exec(select(m.MeetingRequest).where(m.MeetingRequest.note == "VIP")).one()


def test_a_participant_cannot_meet_itself(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    response = organiser_client.post_form(
        f"/events/{event_id}/requests",
        {"from": "S001-1", "to": "S001-1", "priority": "2"},
        headers={"HX-Request": "true"},
    )
    assert (response.status_code, "cannot meet itself" in response.text) == (422, True)


def test_the_form_stores_what_was_typed(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    row = _vip_request(app, organiser_client, event_id)
    assert (row.forced, row.status, row.priority) == (True, "pending", 3)


def test_a_forced_pending_request_goes_to_the_solver(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    row = _vip_request(app, organiser_client, event_id)
    with Session(app.state.engine) as session:
        solver = event_of(session, event_id, for_solver=True)
    assert row.ext_id in {r.id for r in solver.requests}


def test_the_status_filter_lists_pending_requests(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    row = _vip_request(app, organiser_client, event_id)
    assert row.ext_id in organiser_client.get(f"/events/{event_id}/requests?status=pending").text


def test_the_unscheduled_filter_without_a_version_lists_every_request(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/requests?unscheduled=1").text
    assert "32 requests" in page


@pytest.mark.parametrize("query", ["priority=²", "priority=99999999999999999999999", "who=a%00b"])
def test_odd_filter_values_match_nothing(
    app: FastAPI, organiser_client: OrganiserClient, query: str
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.get(f"/events/{event_id}/requests?{query}")
    assert (response.status_code, "0 requests" in response.text) == (200, True)


def test_a_nul_character_in_a_filter_is_dropped(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/requests?status=acc%00epted&who=B0%0001-1")
    assert page.status_code == 200 and "0 requests" not in page.text


def test_an_import_with_a_bad_row_names_each_problem(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer, supplier = buyer_and_supplier(app, event_id)
    rows = f"id,from,to,priority\nQ1,{fresh_supplier(app, buyer).ext_id},{buyer},3\nQ2,{supplier},NOPE,5\n"
    result = _import(organiser_client, event_id, rows)
    assert "unknown participant" in result and "must be 1, 2 or 3" in result


def test_an_import_with_a_bad_row_imports_nothing(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer, supplier = buyer_and_supplier(app, event_id)
    rows = f"id,from,to,priority\nQ1,{fresh_supplier(app, buyer).ext_id},{buyer},3\nQ2,{supplier},NOPE,5\n"
    _import(organiser_client, event_id, rows)
    with Session(app.state.engine) as session:
        assert (
            session.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == "Q1")).first()
            is None
        )


def test_a_good_import_creates_its_requests(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    rows = f"id,from,to,priority\nQ1,{fresh_supplier(app, 'B001-1').ext_id},B001-1,3\n"
    result = _import(organiser_client, event_id, rows)
    assert result.startswith("200") and "1 created" in result


def test_an_import_refuses_a_pair_twice(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    supplier = fresh_supplier(app, "B001-1").ext_id
    rows = f"id,from,to\nQ1,B001-1,{supplier}\nQ2,{supplier},B001-1\n"
    result = _import(organiser_client, event_id, rows)
    assert result.startswith("422") and "line 3, column to" in result


def test_reloading_the_import_address_goes_back_to_the_list(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.get(f"/events/{event_id}/requests/import", follow_redirects=False)
    assert response.headers["location"] == f"/events/{event_id}/requests"


def test_the_participant_filter_finds_a_name_typed_without_accents(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """S006-1 (in R00008 and R00020 of the tiny sample) renamed "Mai Đặng"."""
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        supplier = session.exec(select(m.Participant).where(m.Participant.ext_id == "S006-1")).one()
        supplier.name = "Mai Đặng"
        session.add(supplier)
        session.commit()
    page = organiser_client.get(f"/events/{event_id}/requests", params={"who": "Mai Dang"}).text
    assert re.findall(r">(R\d{5})</a>", page) == ["R00008", "R00020"]


def test_an_import_with_an_unknown_column_names_it(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    rows = f"id,from,to,prio\nQ1,{fresh_supplier(app, 'B001-1').ext_id},B001-1,3\n"
    assert "unknown column “prio”" in _import(organiser_client, event_id, rows)


def test_an_import_without_a_to_column_names_it(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    rows = f"id,from,priority\nQ1,{fresh_supplier(app, 'B001-1').ext_id},3\n"
    assert "the column “to” is missing" in _import(organiser_client, event_id, rows)


def test_a_semicolon_separated_import_is_read(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    rows = f"id;from;to;priority\nQ1;{fresh_supplier(app, 'B001-1').ext_id};B001-1;3\n"
    assert "1 created" in _import(organiser_client, event_id, rows)
