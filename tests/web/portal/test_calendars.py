"""The published agenda: the page, .ics files, the private feed and the organiser API calendar."""

from __future__ import annotations

import re

import icalendar
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import ORGANISER_EMAIL
from tests.web.helpers import (
    SECRET,
    load_tiny,
    organiser_token,
    person,
    publish_placed,
    signed_in,
)
from web import models as m
from web.usecases import checkin, tokens
from web.usecases.accounts import create_organiser

# Two meetings of B001-1 and one of others, at the pooled table T005.
PLACED = {"R00001": (0, "T005"), "R00003": (1, "T005"), "R00004": (2, "T005")}


def _published(app: FastAPI) -> int:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    return event_id


def _uids(data: bytes) -> list[str]:
    return sorted(str(e["uid"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _feed_path(client: TestClient) -> str:
    found = re.search(r"webcal://[^/]+(/p/feed/[^\"]+)", client.get("/p/").text)
    assert found is not None
    return found.group(1)


def test_before_publishing_there_is_no_calendar(app: FastAPI) -> None:
    load_tiny(app)
    assert signed_in(app, "B001-1").get("/p/calendar.ics").status_code == 404


def test_the_agenda_page_lists_my_meetings(app: FastAPI) -> None:
    _published(app)
    page = signed_in(app, "B001-1").get("/p/").text
    assert page.count('<a href="/p/meetings/') == 2


def test_the_agenda_shows_my_check_in_code_as_a_qr_code(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/").text
    code = checkin.check_in_code(SECRET, person(app, "B001-1"))
    assert checkin.qr_svg(code) in page


def test_the_agenda_table_fits_a_phone(app: FastAPI) -> None:
    _published(app)
    page = signed_in(app, "B001-1").get("/p/").text
    head = re.search(r'<table id="agenda"><thead><tr>(.*?)</tr>', page)
    assert head is not None and head.group(1).count("<th") == 4


def test_the_agenda_names_the_interpreter(app: FastAPI) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, {"R00002": (0, "T005")})  # needs interpreter:ko
    assert "Interpreter: ko" in signed_in(app, "B001-1").get("/p/").text


def test_my_calendar_holds_my_meetings_only(app: FastAPI) -> None:
    event_id = _published(app)
    data = signed_in(app, "B001-1").get("/p/calendar.ics").content
    assert _uids(data) == [f"R00001@event-{event_id}.ketnoi", f"R00003@event-{event_id}.ketnoi"]


def test_my_calendar_carries_the_event_zone(app: FastAPI) -> None:
    _published(app)
    cal = icalendar.Calendar.from_ical(signed_in(app, "B001-1").get("/p/calendar.ics").content)
    assert [str(t["tzid"]) for t in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]


def test_a_meeting_is_located_at_venue_and_table(app: FastAPI) -> None:
    _published(app)
    cal = icalendar.Calendar.from_ical(signed_in(app, "B001-1").get("/p/calendar.ics").content)
    first = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("R00001@"))
    assert str(first["location"]) == "NECC Hà Nội, Table T005"


def test_one_of_my_meetings_downloads_as_an_invitation(app: FastAPI) -> None:
    _published(app)
    response = signed_in(app, "B001-1").get("/p/meetings/R00001.ics")
    assert response.headers["content-type"].startswith("text/calendar")


def test_another_participants_meeting_is_not_found(app: FastAPI) -> None:
    _published(app)
    response = signed_in(app, "B001-1").get("/p/meetings/R00004.ics")
    assert (response.status_code, b"VCALENDAR" in response.content) == (404, False)


def test_the_feed_works_without_a_cookie(app: FastAPI) -> None:
    _published(app)
    path = _feed_path(signed_in(app, "B001-1"))
    assert TestClient(app).get(path).content.startswith(b"BEGIN:VCALENDAR")


def test_a_tampered_feed_is_not_found(app: FastAPI) -> None:
    _published(app)
    path = _feed_path(signed_in(app, "B001-1")).replace("/calendar", "x/calendar")
    assert TestClient(app).get(path).status_code == 404


def test_a_sign_in_token_is_no_feed_token(app: FastAPI) -> None:
    _published(app)
    login = tokens.login_token(SECRET, person(app, "B001-1"))
    assert TestClient(app).get(f"/p/feed/{login}/calendar.ics").status_code == 404


def _api_token(app: FastAPI, event_id: int) -> dict[str, str]:
    return organiser_token(app, "org@example.org", event_id)


def test_the_api_calendar_needs_a_token(app: FastAPI) -> None:
    event_id = _published(app)
    url = f"/api/events/{event_id}/participants/B001-1/calendar.ics"
    assert TestClient(app).get(url).status_code == 401


def test_the_api_calendar_is_the_participants(app: FastAPI) -> None:
    event_id = _published(app)
    url = f"/api/events/{event_id}/participants/B001-1/calendar.ics"
    api = TestClient(app).get(url, headers=_api_token(app, event_id)).content
    assert _uids(api) == _uids(signed_in(app, "B001-1").get("/p/calendar.ics").content)


def test_the_api_calendar_of_no_such_participant_is_not_found(app: FastAPI) -> None:
    event_id = _published(app)
    url = f"/api/events/{event_id}/participants/NOPE/calendar.ics"
    assert TestClient(app).get(url, headers=_api_token(app, event_id)).status_code == 404


def _delete_request(app: FastAPI, ext_id: str) -> None:
    with Session(app.state.engine) as session:
        row = session.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == ext_id)).one()
        session.delete(row)
        session.commit()


def test_a_request_deleted_after_publishing_stays_on_the_published_agenda(app: FastAPI) -> None:
    _published(app)
    _delete_request(app, "R00001")
    page = signed_in(app, "B001-1").get("/p/").text
    assert page.count('<a href="/p/meetings/') == 2


def test_a_request_deleted_after_publishing_leaves_the_calendar_with_the_next_release(
    app: FastAPI,
) -> None:
    event_id = _published(app)
    _delete_request(app, "R00001")
    publish_placed(app, event_id, {"R00003": (1, "T005"), "R00004": (2, "T005")})
    calendar = icalendar.Calendar.from_ical(signed_in(app, "B001-1").get("/p/calendar.ics").content)
    status = {str(e["uid"]): str(e["status"]) for e in calendar.walk("VEVENT")}
    assert status == {
        f"R00001@event-{event_id}.ketnoi": "CANCELLED",
        f"R00003@event-{event_id}.ketnoi": "CONFIRMED",
    }


def test_the_organizer_of_a_calendar_is_the_events_owner(app: FastAPI) -> None:
    with Session(app.state.engine) as session:
        create_organiser(session, "first@example.org", "a long password 123")
        create_organiser(session, ORGANISER_EMAIL, "a long password 123")
    _published(app)  # owned by ORGANISER_EMAIL, the second account
    data = signed_in(app, "B001-1").get("/p/calendar.ics").content
    organizers = {str(e["organizer"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    assert organizers == {f"mailto:{ORGANISER_EMAIL}"}


def test_a_stored_line_break_in_the_event_name_leaves_calendars_readable(app: FastAPI) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        event = session.get(m.Event, event_id)
        assert event is not None
        event.name = "Tiny\r\nfair"
        session.add(event)
        session.commit()
    publish_placed(app, event_id, PLACED)
    data = signed_in(app, "B001-1").get("/p/calendar.ics").content
    assert len(_uids(data)) == 2
