"""The organiser's own account: changing the password ends other sessions; API tokens."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, OrganiserClient, log_in
from tests.web.helpers import load_tiny
from web.usecases import accounts

NEW = "a brand new password"


def _change(client: OrganiserClient, current: str = ORGANISER_PASSWORD, repeat: str = NEW) -> int:
    form = {"current": current, "new": NEW, "repeat": repeat}
    return int(client.post_form("/account/password", form, follow_redirects=False).status_code)


def test_a_password_change_signs_out_every_other_browser(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    other = TestClient(app)
    log_in(other)
    _change(organiser_client)
    assert other.get("/", follow_redirects=False).status_code == 303


def test_the_browser_that_changed_the_password_stays_signed_in(
    organiser_client: OrganiserClient,
) -> None:
    _change(organiser_client)
    assert organiser_client.get("/", follow_redirects=False).status_code == 200


def test_the_new_password_signs_in(app: FastAPI, organiser_client: OrganiserClient) -> None:
    _change(organiser_client)
    with Session(app.state.engine) as db:
        assert accounts.authenticate(db, ORGANISER_EMAIL, NEW) is not None


def test_a_wrong_current_password_changes_nothing(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    status = _change(organiser_client, current="not my password")
    with Session(app.state.engine) as db:
        still = accounts.authenticate(db, ORGANISER_EMAIL, ORGANISER_PASSWORD) is not None
    assert (status, still) == (422, True)


def test_two_different_new_passwords_are_refused(organiser_client: OrganiserClient) -> None:
    assert _change(organiser_client, repeat="something else entirely") == 422


def test_resetting_a_password_from_the_command_line_ends_every_session(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    with Session(app.state.engine) as db:
        accounts.create_organiser(db, ORGANISER_EMAIL, NEW)
    assert organiser_client.get("/", follow_redirects=False).status_code == 303


def _new_token(client: OrganiserClient) -> str:
    page = client.post_form("/account/tokens").text
    found = re.search(r'<code id="new-token">(ktn_[^<]+)</code>', page)
    assert found, page
    return found.group(1)


def test_a_token_made_on_the_account_page_reads_the_organisers_events(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    token = _new_token(organiser_client)
    response = TestClient(app).get(
        f"/api/events/{event_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200


def test_a_revoked_token_stops_working(app: FastAPI, organiser_client: OrganiserClient) -> None:
    token = _new_token(organiser_client)
    with Session(app.state.engine) as db:
        organiser = accounts.organiser_by_email(db, ORGANISER_EMAIL)
        assert organiser is not None
        token_id = accounts.api_tokens(db, organiser)[0].id
    organiser_client.post_form(f"/account/tokens/{token_id}/revoke")
    response = TestClient(app).get("/api/events/1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_nobody_revokes_another_organisers_token(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    with Session(app.state.engine) as db:
        accounts.create_organiser(db, "other@example.org", ORGANISER_PASSWORD)
        token = accounts.create_api_token(db, "other@example.org")
        other = accounts.organiser_by_email(db, "other@example.org")
        assert other is not None
        token_id = accounts.api_tokens(db, other)[0].id
    status = organiser_client.post_form(f"/account/tokens/{token_id}/revoke").status_code
    with Session(app.state.engine) as db:
        alive = accounts.organiser_of_token(db, token) is not None
    assert (status, alive) == (404, True)
