"""The insights page: any organiser of the event may read it, nobody else learns of it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import OrganiserClient, log_in
from tests.web.helpers import load_tiny, publish_placed, store_version
from web import models as m
from web.usecases import access, accounts


def _client_of(app: FastAPI, email: str, event_id: int | None, role: m.Role) -> TestClient:
    with Session(app.state.engine) as session:
        organiser = accounts.create_organiser(session, email, "a long password 123")
        if event_id is not None:
            access.grant(session, event_id, organiser, role)
            session.commit()
    client = TestClient(app)
    log_in(client, email, "a long password 123")
    return client


def test_a_viewer_of_the_event_reads_its_charts(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T005")})
    viewer = _client_of(app, "viewer@example.org", event_id, m.Role.VIEWER)
    page = viewer.get(f"/events/{event_id}/insights")
    assert page.status_code == 200
    assert 'id="chart-use"' in page.text
    assert "Drawn from version 1, the newest" in page.text


def test_an_organiser_of_another_event_gets_not_found(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    stranger = _client_of(app, "stranger@example.org", None, m.Role.OWNER)
    page = stranger.get(f"/events/{event_id}/insights")
    assert page.status_code == 404
    assert "Tiny connection morning" not in page.text


def test_without_a_version_the_page_explains_it_shows_demand_only(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/insights")
    assert page.status_code == 200
    assert "There is no schedule yet" in page.text
    assert 'id="chart-use"' not in page.text
    assert 'id="chart-sectors"' in page.text


def test_a_published_schedule_says_how_many_meetings_have_no_answer_yet(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, {"R00001": (0, "T005"), "R00003": (1, "T005")})
    page = organiser_client.get(f"/events/{event_id}/insights").text
    assert (
        "Of the 2 published meetings, 0 were held, 0 did not take place and 2 have no answer yet."
        in page
    )


def test_the_event_tabs_link_to_insights(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/requests")
    assert f'href="/events/{event_id}/insights"' in page.text


def test_the_page_is_in_vietnamese(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    organiser_client.cookies.set("lang", "vi")
    page = organiser_client.get(f"/events/{event_id}/insights")
    assert "Phễu yêu cầu" in page.text
