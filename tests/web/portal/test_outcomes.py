"""The portal's outcomes page: a participant answers for their own meetings only, in place
(htmx), and never sees what the other side wrote; the outcomes link signs in to it."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import SECRET, csrf, load_tiny, person, publish_placed, signed_in
from web import models as m
from web.usecases import tokens

# The tiny sample's day (2026-11-19) has passed: every published meeting can be answered.
PLACED = {"R00001": (0, "T005"), "R00005": (11, "T005")}  # S008-1 with B001-1, with B003-1
HTMX = {"HX-Request": "true"}
ANSWER: dict[str, str | list[str]] = {
    "took_place": "yes",
    "follow_up": ["quote", "sample"],
    "rating": "4",
    "note": "Hi",
}


def _fair(app: FastAPI) -> int:
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    return event_id


def _post(client: TestClient, request: str, data: dict[str, str | list[str]]) -> httpx.Response:
    token = csrf(client, "/p/outcomes")
    response: httpx.Response = client.post(
        f"/p/outcomes/{request}", data={"csrf_token": token, **data}, headers=HTMX
    )
    return response


def _outcomes(app: FastAPI) -> list[tuple[str, bool, list[str], int | None, str]]:
    with Session(app.state.engine) as db:
        rows = db.exec(select(m.MeetingOutcome)).all()
        return [(r.request_ext, r.took_place, r.follow_up, r.rating, r.note) for r in rows]


def test_the_page_has_a_form_for_each_of_my_meetings(app: FastAPI) -> None:
    _fair(app)
    page = signed_in(app, "S008-1").get("/p/outcomes").text
    assert [rid for rid in PLACED if f'hx-post="/p/outcomes/{rid}"' in page] == list(PLACED)


def test_the_agenda_links_the_outcomes_page(app: FastAPI) -> None:
    _fair(app)
    assert 'href="/p/outcomes"' in signed_in(app, "S008-1").get("/p/").text


def test_an_answer_is_saved_in_place(app: FastAPI) -> None:
    _fair(app)
    response = _post(signed_in(app, "B001-1"), "R00001", ANSWER)
    saved = (response.status_code, 'id="m-R00001"' in response.text, "<html" in response.text)
    assert (saved, _outcomes(app)) == (
        (200, True, False),
        [("R00001", True, ["quote", "sample"], 4, "Hi")],
    )


def test_without_htmx_an_answer_returns_to_the_page(app: FastAPI) -> None:
    _fair(app)
    client = signed_in(app, "B001-1")
    token = csrf(client, "/p/outcomes")
    response = client.post(
        "/p/outcomes/R00001", data={"csrf_token": token, **ANSWER}, follow_redirects=False
    )
    assert (response.status_code, response.headers["location"]) == (303, "/p/outcomes#m-R00001")


def test_a_saved_answer_is_shown_again(app: FastAPI) -> None:
    _fair(app)
    client = signed_in(app, "B001-1")
    _post(client, "R00001", ANSWER | {"note": "Send the price list"})
    assert "Send the price list" in client.get("/p/outcomes").text


def test_another_participants_meeting_is_not_found(app: FastAPI) -> None:
    _fair(app)
    response = _post(signed_in(app, "B003-1"), "R00001", ANSWER)
    assert (response.status_code, _outcomes(app)) == (404, [])


def test_a_wrong_rating_is_named_and_nothing_is_written(app: FastAPI) -> None:
    _fair(app)
    response = _post(signed_in(app, "B001-1"), "R00001", ANSWER | {"rating": "9"})
    assert (
        response.status_code,
        "Enter a number from 1 to 5." in response.text,
        _outcomes(app),
    ) == (
        422,
        True,
        [],
    )


def test_the_counterparts_note_is_not_shown(app: FastAPI) -> None:
    _fair(app)
    _post(signed_in(app, "B001-1"), "R00001", ANSWER | {"note": "Their prices are too high"})
    page = signed_in(app, "S008-1").get("/p/outcomes").text
    assert ("Their prices are too high" in page, 'id="m-R00001"' in page) == (False, True)


def test_the_outcomes_link_signs_in_to_the_outcomes_page(app: FastAPI) -> None:
    _fair(app)
    token = tokens.login_token(SECRET, person(app, "S008-1"))
    response = TestClient(app).get(f"/p/login/{token}?next=/p/outcomes", follow_redirects=False)
    assert response.headers["location"] == "/p/outcomes"


def test_a_sign_in_link_never_leads_off_the_portal(app: FastAPI) -> None:
    _fair(app)
    token = tokens.login_token(SECRET, person(app, "S008-1"))
    client = TestClient(app)
    targets = [
        client.get(f"/p/login/{token}?next={target}", follow_redirects=False).headers["location"]
        for target in ("https://evil.example/p/", "//evil.example", "/events/1")
    ]
    assert targets == ["/p/"] * 3
