"""Walk-in meetings from the portal: only when the organiser allows them, only with the
other side, booked at once into the participant's agenda."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import tomorrow
from tests.web.helpers import csrf, load_tiny, publish_placed, signed_in
from web import models as m

HTMX = {"HX-Request": "true"}
PLACED = {"R00001": (9, "T001"), "R00003": (10, "T001"), "R00004": (0, "T004")}


def _event_day(app: FastAPI, allowed: bool) -> int:
    event_id = load_tiny(app, on=tomorrow())
    publish_placed(app, event_id, PLACED)
    with Session(app.state.engine) as db:
        event = db.get(m.Event, event_id)
        assert event is not None
        event.walk_ins_from_portal = allowed
        db.add(event)
        db.commit()
    return event_id


def _id(app: FastAPI, ext_id: str) -> int:
    with Session(app.state.engine) as db:
        return db.exec(select(m.Participant.id).where(m.Participant.ext_id == ext_id)).one()


def test_without_the_organisers_leave_there_is_no_walk_in_page(app: FastAPI) -> None:
    _event_day(app, allowed=False)
    client = signed_in(app, "S001-1")
    assert (client.get("/p/walk-in").status_code, "/p/walk-in" in client.get("/p/").text) == (
        403,
        False,
    )


def test_the_search_lists_only_the_other_side(app: FastAPI) -> None:
    _event_day(app, allowed=True)
    client = signed_in(app, "S001-1")
    html = client.get("/p/walk-in/search?q=park", headers=HTMX).text
    assert re.findall(r"<strong>([^<]+)</strong>", html) == ["Hung Park"]


def test_a_booking_from_the_portal_is_in_the_agenda_at_once(app: FastAPI) -> None:
    _event_day(app, allowed=True)
    client = signed_in(app, "S001-1")
    lan = _id(app, "B002-1")
    token = csrf(client, f"/p/walk-in?other={lan}")
    start = f"{tomorrow().isoformat()}T08:50:00"
    client.post("/p/walk-in", data={"csrf_token": token, "other": str(lan), "start": start})
    agenda = client.get("/p/").text
    assert re.findall(r"<td>(T\d+)</td>\s*<td><strong>([^<]+)</strong>", agenda) == [
        ("T002", "Hanil Components Vietnam")
    ]


def test_the_confirmation_shows_no_meeting_of_another_pair(app: FastAPI) -> None:
    _event_day(app, allowed=True)
    client = signed_in(app, "S001-1")
    html = client.get("/p/walk-in?booked=R00004").text  # B003-2 and S003-1
    assert 'id="walkin-booked"' not in html
