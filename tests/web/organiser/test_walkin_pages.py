"""The walk-in page (type-ahead, proposals, booking, refusals, roles), the walk-in setting
of the set-up form, and the room sheets per table and per time slot."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import ORGANISER_PASSWORD, OrganiserClient, log_in, tomorrow
from tests.web.helpers import SETUP, create_event, load_tiny, publish_placed
from web import models as m
from web.models import Role
from web.usecases import access, accounts, releases

HTMX = {"HX-Request": "true"}
# B001-1 (host of T001, afternoon only) meets S008-1 and S004-1 at 13:30 and 13:50;
# B003-2 (host of T004) meets S003-1 at 08:30.
PLACED = {"R00001": (9, "T001"), "R00003": (10, "T001"), "R00004": (0, "T004")}


def _event_day(app: FastAPI) -> int:
    """The tiny sample held tomorrow (every slot still to come), published."""
    event_id = load_tiny(app, on=tomorrow())
    publish_placed(app, event_id, PLACED)
    return event_id


def _ids(app: FastAPI, *ext_ids: str) -> list[int]:
    with Session(app.state.engine) as db:
        rows = {p.ext_id: p.id for p in db.exec(select(m.Participant))}
    return [rows[x] for x in ext_ids]


def _starts(html: str) -> list[str]:
    return re.findall(r'<tr data-start="[^"]*T(\d\d:\d\d)', html)


def _viewer(app: FastAPI, event_id: int) -> OrganiserClient:
    with Session(app.state.engine) as db:
        viewer = accounts.create_organiser(db, "viewer@example.org", ORGANISER_PASSWORD)
        access.grant(db, event_id, viewer, Role.VIEWER)
        db.commit()
    client = OrganiserClient(app)
    client.csrf = log_in(client, "viewer@example.org", ORGANISER_PASSWORD)
    return client


def test_typing_a_name_lists_people_to_pick(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    (lan,) = _ids(app, "B002-1")
    html = organiser_client.get(
        f"/events/{event_id}/walk-in/search?q=lan pham&pick=b&a=7", headers=HTMX
    ).text
    assert re.findall(r'href="(/events/\d+/walk-in\?[^"]+)"', html) == [
        f"/events/{event_id}/walk-in?a=7&amp;b={lan}"
    ]


def test_two_people_picked_show_their_five_earliest_free_times(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    a, b = _ids(app, "S001-1", "B002-1")
    html = organiser_client.get(f"/events/{event_id}/walk-in?a={a}&b={b}").text
    assert _starts(html) == ["08:30", "08:50", "09:10", "09:30", "09:50"]


def test_booking_a_time_publishes_it_and_says_so(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    a, b = _ids(app, "S001-1", "B002-1")
    start = f"{tomorrow().isoformat()}T08:50:00"
    answer = organiser_client.post_form(
        f"/events/{event_id}/walk-in", {"a": str(a), "b": str(b), "start": start}
    )
    notice = re.search(r'id="walkin-booked">([^<]*)<', answer.text)
    assert notice is not None and "Release 2 is published" in notice.group(1), answer.text
    assert "Hung Tran and Lan Pham" in notice.group(1) and "table T002" in notice.group(1)


def test_a_time_taken_meanwhile_is_refused_on_the_page(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """B003-2 has met S003-1 at 08:30: a booking of B003-2 then is refused and changes nothing."""
    event_id = _event_day(app)
    a, b = _ids(app, "S001-1", "B003-2")
    start = f"{tomorrow().isoformat()}T08:30:00"
    answer = organiser_client.post_form(
        f"/events/{event_id}/walk-in",
        {"a": str(a), "b": str(b), "start": start},
        headers=HTMX,
    )
    with Session(app.state.engine) as db:
        frozen = releases.current(db, event_id)
    assert (answer.status_code, "That time is no longer free" in answer.text) == (422, True)
    assert frozen is not None and frozen.number == 1


def test_a_start_that_is_not_a_time_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    a, b = _ids(app, "S001-1", "B002-1")
    answer = organiser_client.post_form(
        f"/events/{event_id}/walk-in", {"a": str(a), "b": str(b), "start": "soon"}
    )
    assert (answer.status_code, "That time is no longer free" in answer.text) == (422, True)


def test_a_participant_of_another_event_is_not_found(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    other_event = load_tiny(app)
    with Session(app.state.engine) as db:
        foreign = db.exec(
            select(m.Participant.id).where(
                m.Participant.event_id == other_event, m.Participant.ext_id == "B002-1"
            )
        ).one()
    (a,) = _ids(app, "S001-1")
    page = organiser_client.get(f"/events/{event_id}/walk-in?a={a}&b={foreign}")
    assert page.status_code == 404


def test_a_viewer_sees_the_times_without_a_book_button(app: FastAPI, organiser: str) -> None:
    event_id = _event_day(app)
    a, b = _ids(app, "S001-1", "B002-1")
    html = _viewer(app, event_id).get(f"/events/{event_id}/walk-in?a={a}&b={b}").text
    assert (len(_starts(html)), ">Book<" in html) == (5, False)


def test_the_set_up_form_lets_participants_book_walk_ins(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    organiser_client.post_form(f"/events/{event_id}", SETUP | {"walk_ins_from_portal": "on"})
    with Session(app.state.engine) as db:
        on = db.get(m.Event, event_id)
        allowed = on.walk_ins_from_portal if on else None
    organiser_client.post_form(f"/events/{event_id}", SETUP)
    with Session(app.state.engine) as db:
        off = db.get(m.Event, event_id)
        assert (allowed, off.walk_ins_from_portal if off else None) == (True, False)


def test_the_sheet_of_a_table_lists_its_meetings_by_time_with_names_and_organisations(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    html = organiser_client.get(f"/events/{event_id}/sheets/tables").text
    sheet = re.search(r'data-table="T001">(.*?)</section>', html, re.S)
    assert sheet is not None
    rows = re.findall(
        r"<tr><td>[^<]*?(\d\d:\d\d)–.*?<strong>([^<]+)</strong>, ([^<]+?) <", sheet[1]
    )
    assert rows == [
        ("13:30", "Hung Le", "Hoa Binh Precision JSC"),
        ("13:50", "Quang Le", "Song Da Precision JSC"),
    ]


def test_there_is_one_sheet_per_table_in_use_and_per_slot_in_use(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    tables = organiser_client.get(f"/events/{event_id}/sheets/tables").text
    slots = organiser_client.get(f"/events/{event_id}/sheets/slots").text
    assert (re.findall(r'data-table="([^"]+)"', tables), len(re.findall("data-slot=", slots))) == (
        ["T001", "T004"],
        3,
    )


def test_the_sheet_of_a_slot_lists_every_meeting_in_it_with_both_sides(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _event_day(app)
    html = organiser_client.get(f"/events/{event_id}/sheets/slots").text
    sheet = re.search(r'data-slot="[^"]*T08:30:00">(.*?)</section>', html, re.S)
    assert sheet is not None
    assert re.findall(r"<strong>([^<]+)</strong>", sheet[1]) == ["Ji-woo Bui", "Minh Bui"]


def test_before_publishing_the_sheets_say_nothing_is_published(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    html = organiser_client.get(f"/events/{event_id}/sheets/tables").text
    assert 'id="no-sheets"' in html
