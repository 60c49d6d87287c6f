"""'My partner did not come' on the portal agenda: offered for my meetings of today that
have started, recorded as my answer, refused for another's meeting or one not yet begun,
and listed for the organisers on the no-shows page. The clock stands at 08:40 in Hanoi on
the tiny sample's day (`deps.clock` overridden)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import csrf, load_tiny, person, publish_placed, signed_in
from web import models as m
from web.http import deps

# S008-1 meets B001-1 at 08:30 (R00001) and B003-1 at 14:10 (R00005).
PLACED = {"R00001": (0, "T005"), "R00005": (11, "T005")}
AT_0840 = datetime(2026, 11, 19, 1, 40, tzinfo=UTC)


@pytest.fixture
def fair(app: FastAPI, organiser: str) -> Iterator[int]:
    """The test organiser's tiny sample with PLACED published, at 08:40 of its day."""
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    app.dependency_overrides[deps.clock] = lambda: AT_0840
    yield event_id
    app.dependency_overrides.pop(deps.clock)


def _report(client: TestClient, request: str) -> httpx.Response:
    token = csrf(client, "/p/")
    response: httpx.Response = client.post(
        f"/p/agenda/{request}/partner-absent", data={"csrf_token": token}, follow_redirects=False
    )
    return response


def _answers(app: FastAPI) -> list[tuple[str, int, bool]]:
    with Session(app.state.engine) as db:
        rows = db.exec(select(m.MeetingOutcome)).all()
        return [(r.request_ext, r.participant_id, r.took_place) for r in rows]


def test_the_button_is_offered_for_the_meeting_that_has_started_only(
    app: FastAPI, fair: int
) -> None:
    page = signed_in(app, "S008-1").get("/p/").text
    offered = [r for r in PLACED if f'data-partner-absent="{r}"' in page]
    assert offered == ["R00001"]


def test_reporting_records_my_answer_and_returns_to_the_agenda(app: FastAPI, fair: int) -> None:
    response = _report(signed_in(app, "S008-1"), "R00001")
    assert (response.status_code, response.headers["location"], _answers(app)) == (
        303,
        "/p/?reported=R00001#agenda",
        [("R00001", person(app, "S008-1").id, False)],
    )


def test_after_reporting_the_agenda_says_so_instead_of_the_button(app: FastAPI, fair: int) -> None:
    client = signed_in(app, "S008-1")
    _report(client, "R00001")
    page = client.get("/p/?reported=R00001").text
    shown = (
        'id="absence-reported"' in page,
        'data-absence="R00001"' in page,
        'data-partner-absent="R00001"' in page,
    )
    assert shown == (True, True, False)


def test_a_meeting_that_is_not_mine_is_not_found_and_nothing_is_written(
    app: FastAPI, fair: int
) -> None:
    response = _report(signed_in(app, "S004-1"), "R00001")
    assert (response.status_code, _answers(app)) == (404, [])


def test_a_meeting_not_yet_started_is_refused_with_a_reason(app: FastAPI, fair: int) -> None:
    response = _report(signed_in(app, "S008-1"), "R00005")
    refused = (response.status_code, "once the meeting has started" in response.text)
    assert (refused, _answers(app)) == ((409, True), [])


def test_the_no_shows_page_lists_the_partner_with_mark_absent(
    app: FastAPI, fair: int, organiser_client: OrganiserClient
) -> None:
    _report(signed_in(app, "B001-1"), "R00001")
    page = organiser_client.get(f"/events/{fair}/no-shows").text
    absent = person(app, "S008-1").id
    listed = (
        'id="reported-R00001-' + str(absent) + '"' in page,
        "Tom Pham (Shinwa Auto Parts Vietnam)" in page,
        f'name="participant" value="{absent}" id="reported-absent-R00001-{absent}"' in page,
        'id="mark-absent"' in page,
    )
    assert listed == (True, True, True, True)
