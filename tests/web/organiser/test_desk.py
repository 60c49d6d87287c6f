"""The check-in desk and badges pages: search as typed, check in and undo, counts, QR codes
scanned, and who may do which."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import ORGANISER_PASSWORD, OrganiserClient, log_in
from tests.web.helpers import SECRET, load_tiny, person, publish_placed
from web import models as m
from web.models import Role
from web.usecases import access, accounts, checkin, tokens

HTMX = {"HX-Request": "true"}
PLACED = {"R00001": (0, "T005"), "R00003": (1, "T005")}  # S008-1, S004-1 and B001-1 at 8:30


def _member(app: FastAPI, event_id: int, email: str, role: Role) -> OrganiserClient:
    with Session(app.state.engine) as db:
        organiser = accounts.create_organiser(db, email, ORGANISER_PASSWORD)
        access.grant(db, event_id, organiser, role)
        db.commit()
    client = OrganiserClient(app)
    client.csrf = log_in(client, email, ORGANISER_PASSWORD)
    return client


def _check_ins(app: FastAPI) -> list[int]:
    with Session(app.state.engine) as db:
        return [r.participant_id for r in db.exec(select(m.CheckIn))]


def _morning(client: OrganiserClient, event_id: int) -> tuple[int, int]:
    """(arrived, expected) of the morning session as the counts block shows them."""
    html = client.get(f"/events/{event_id}/desk/counts", headers=HTMX).text
    found = re.search(
        r'data-session="d1-am">.*?data-arrived>(\d+)<.*?data-expected>(\d+)<', html, re.S
    )
    assert found, html
    return int(found.group(1)), int(found.group(2))


def test_typing_a_name_without_accents_lists_the_participant(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        row = db.exec(select(m.Participant).where(m.Participant.ext_id == "S001-1")).one()
        row.name = "Nguyễn Văn Thuật"
        db.add(row)
        db.commit()
        pid = row.id
    html = organiser_client.get(f"/events/{event_id}/desk/search?q=nguyen", headers=HTMX).text
    assert re.findall(r'id="arrival-\d+"', html) == [f'id="arrival-{pid}"']


def test_checking_in_from_the_desk_counts_the_participant_as_arrived(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    pid = person(app, "S008-1").id
    before = _morning(organiser_client, event_id)
    response = organiser_client.post_form(
        f"/events/{event_id}/desk/participants/{pid}/check-in", headers=HTMX
    )
    assert (response.headers["HX-Trigger"], before, _morning(organiser_client, event_id)) == (
        "checkin-changed",
        (0, 3),
        (1, 3),
    )


def test_undo_at_the_desk_takes_the_arrival_back(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    pid = person(app, "S008-1").id
    organiser_client.post_form(f"/events/{event_id}/desk/participants/{pid}/check-in")
    organiser_client.post_form(f"/events/{event_id}/desk/participants/{pid}/undo")
    assert _check_ins(app) == []


def test_a_co_organiser_checks_participants_in(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    client = _member(app, event_id, "co@example.org", Role.CO_ORGANISER)
    pid = person(app, "B001-1").id
    response = client.post_form(
        f"/events/{event_id}/desk/participants/{pid}/check-in", follow_redirects=False
    )
    assert (response.status_code, _check_ins(app)) == (303, [pid])


def test_a_viewer_sees_the_desk_without_a_check_in_button(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    client = _member(app, event_id, "viewer@example.org", Role.VIEWER)
    html = client.get(f"/events/{event_id}/desk?q=B001-1").text
    assert ("arrival-" in html, "/check-in" in html) == (True, False)


def test_a_viewer_cannot_check_anyone_in(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    client = _member(app, event_id, "viewer@example.org", Role.VIEWER)
    pid = person(app, "B001-1").id
    response = client.post_form(f"/events/{event_id}/desk/participants/{pid}/check-in")
    assert (response.status_code, _check_ins(app)) == (403, [])


def test_a_stranger_finds_no_desk(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        accounts.create_organiser(db, "stranger@example.org", ORGANISER_PASSWORD)
    client = OrganiserClient(app)
    client.csrf = log_in(client, "stranger@example.org", ORGANISER_PASSWORD)
    pid = person(app, "B001-1").id
    page = client.get(f"/events/{event_id}/desk")
    post = client.post_form(f"/events/{event_id}/desk/participants/{pid}/check-in")
    assert (page.status_code, post.status_code, _check_ins(app)) == (404, 404, [])


def test_a_scanned_code_shows_its_participant(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    code = checkin.check_in_code(SECRET, person(app, "S003-1"))
    html = organiser_client.get(f"/events/{event_id}/desk/code", params={"code": code}).text
    assert "S003-1" in html


def test_a_forged_code_is_refused_at_the_desk(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    forged = checkin.check_in_code("not the app's secret", person(app, "S003-1"))
    response = organiser_client.get(
        f"/events/{event_id}/desk/code", params={"code": forged}, headers=HTMX
    )
    assert (response.status_code, "not a check-in code" in response.text) == (422, True)


def test_every_badge_carries_a_qr_code_and_no_sign_in_link(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    html = organiser_client.get(f"/events/{event_id}/badges").text
    login = tokens.login_token(SECRET, person(app, "S003-1"))
    assert (html.count('<svg viewBox="'), "/p/login/" in html, login in html) == (14, False, False)


def test_one_participants_badge(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    pid = person(app, "S003-1").id
    html = organiser_client.get(f"/events/{event_id}/badges?participant={pid}").text
    assert re.findall(r'id="badge-(\d+)"', html) == [str(pid)]
