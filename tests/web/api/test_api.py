"""The JSON API with organiser Bearer tokens: create, read, solve, schedule, publish."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import ORGANISER_EMAIL
from tests.web.helpers import ROOT, load_tiny, organiser_token, store_version
from web.models import Role
from web.usecases import access, accounts
from web.usecases.accounts import create_api_token

TINY = json.loads((ROOT / "samples/tiny.json").read_text())


@pytest.fixture
def auth(app: FastAPI, organiser: str) -> dict[str, str]:
    with Session(app.state.engine) as session:
        return {"Authorization": f"Bearer {create_api_token(session, organiser)}"}


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def test_a_call_without_a_token_is_unauthorised(api: TestClient) -> None:
    assert api.get("/api/events/1").status_code == 401


def test_a_call_with_an_unknown_token_is_unauthorised(api: TestClient) -> None:
    assert api.get("/api/events/1", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_openapi_document_describes_b2b_event(api: TestClient) -> None:
    schemas = api.get("/api/openapi.json").json()["components"]["schemas"]
    assert {"B2BEvent", "B2BSchedule", "JobOut"} <= set(schemas)


def test_creating_an_event_takes_a_b2b_event_body(api: TestClient) -> None:
    body = api.get("/api/openapi.json").json()["paths"]["/api/events"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["$ref"] == "#/components/schemas/B2BEvent"


def test_an_invalid_document_is_refused_by_json_path(api: TestClient, auth: dict[str, str]) -> None:
    bad = api.post("/api/events", json={"format": "b2b-event/1", "event": {}}, headers=auth)
    assert (bad.status_code, any(p.startswith("event.") for p in bad.json()["detail"])) == (
        422,
        True,
    )


def test_a_document_becomes_an_event(api: TestClient, auth: dict[str, str]) -> None:
    created = api.post("/api/events", json=TINY, headers=auth)
    event_id = created.json()["id"]
    got = api.get(f"/api/events/{event_id}", headers=auth).json()
    assert (created.status_code, got["format"], len(got["requests"])) == (201, "b2b-event/1", 32)


def test_an_unknown_event_is_not_found(api: TestClient, auth: dict[str, str]) -> None:
    assert api.get("/api/events/999", headers=auth).status_code == 404


def test_no_schedule_before_a_solve(app: FastAPI, api: TestClient, auth: dict[str, str]) -> None:
    event_id = load_tiny(app)
    assert api.get(f"/api/events/{event_id}/schedule", headers=auth).status_code == 404


def test_a_solve_runs_to_a_schedule(app: FastAPI, api: TestClient, auth: dict[str, str]) -> None:
    event_id = load_tiny(app)
    started = api.post(f"/api/events/{event_id}/solve", json={"time_limit": 2}, headers=auth)
    deadline = time.monotonic() + 60
    state = started.json()["state"]
    while state in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.3)
        state = api.get(f"/api/events/{event_id}/solve", headers=auth).json()["state"]
    schedule = api.get(f"/api/events/{event_id}/schedule", headers=auth).json()
    assert (started.status_code, state, schedule["format"]) == (202, "succeeded", "b2b-schedule/1")


def test_a_second_solve_while_one_runs_conflicts(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    from web import models as m

    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        session.add(m.SolveJob(event_id=event_id, state="running", heartbeat_at=m.utcnow()))
        session.commit()
    response = api.post(f"/api/events/{event_id}/solve", json={"time_limit": 2}, headers=auth)
    assert response.status_code == 409


def test_a_time_limit_beyond_an_hour_is_refused(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = load_tiny(app)
    response = api.post(f"/api/events/{event_id}/solve", json={"time_limit": 4000}, headers=auth)
    assert response.status_code == 422


def test_a_time_limit_beyond_the_settings_cap_is_refused(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = load_tiny(app)  # the cap is KETNOI_SOLVE_TIME_LIMIT_MAX, 600 s by default
    response = api.post(f"/api/events/{event_id}/solve", json={"time_limit": 601}, headers=auth)
    assert response.json() == {"detail": "The time limit must be 1 to 600 seconds."}


def test_nothing_is_published_before_publishing(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T001")})
    response = api.get(f"/api/events/{event_id}/schedule?published=true", headers=auth)
    assert response.status_code == 404


def test_publishing_publishes_the_newest_version(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T001")})
    store_version(app, event_id, {"R00003": (0, "T001")})
    answer = api.post(f"/api/events/{event_id}/publish", headers=auth).json()
    published = api.get(f"/api/events/{event_id}/schedule?published=true", headers=auth).json()
    assert (answer, published["status"], published["meetings"][0]["request"]) == (
        {"published": 2, "release": 1, "notified": 2},
        "published",
        "R00003",
    )


def test_publishing_a_named_version(app: FastAPI, api: TestClient, auth: dict[str, str]) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T001")})
    store_version(app, event_id, {"R00003": (0, "T001")})
    answer = api.post(f"/api/events/{event_id}/publish?version=1", headers=auth).json()
    assert answer == {"published": 1, "release": 1, "notified": 2}


def test_publishing_version_0_is_not_found(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T001")})
    assert api.post(f"/api/events/{event_id}/publish?version=0", headers=auth).status_code == 404


def _token_used_at(app: FastAPI, ago: timedelta | None = None) -> datetime | None:
    """The token's last use; with `ago`, first set it to that long before now."""
    from sqlmodel import select

    from web import models as m

    with Session(app.state.engine) as session:
        row = session.exec(select(m.ApiToken)).one()
        if ago is not None:
            row.last_used_at = m.utcnow() - ago
            session.add(row)
            session.commit()
        return row.last_used_at


def test_a_call_within_a_minute_of_the_last_writes_nothing(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    before = _token_used_at(app, ago=timedelta(seconds=30))
    api.get("/api/events/1", headers=auth)
    assert _token_used_at(app) == before


def test_a_call_a_minute_after_the_last_records_its_use(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    before = _token_used_at(app, ago=timedelta(minutes=2))
    api.get("/api/events/1", headers=auth)
    after = _token_used_at(app)
    assert after is not None and before is not None and after > before


def test_an_unsupported_method_names_every_method_of_the_address(
    api: TestClient, auth: dict[str, str]
) -> None:
    response = api.options("/api/events/1/solve", headers=auth)
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD, POST")


def test_a_null_event_body_is_refused_as_its_schema_says(
    api: TestClient, auth: dict[str, str]
) -> None:
    response = api.post(
        "/api/events", content="null", headers=auth | {"content-type": "application/json"}
    )
    assert (response.status_code, response.json()) == (
        422,
        {"detail": ["request: Input should be a valid dictionary"]},
    )


def test_an_event_posted_by_a_token_belongs_to_its_organiser(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = api.post("/api/events", json=TINY, headers=auth).json()["id"]
    with Session(app.state.engine) as session:
        organiser = accounts.organiser_by_email(session, ORGANISER_EMAIL)
        assert organiser is not None
        assert access.role_of(session, organiser, event_id) == Role.OWNER


def test_another_organisers_token_does_not_see_a_posted_event(
    app: FastAPI, api: TestClient, auth: dict[str, str]
) -> None:
    event_id = api.post("/api/events", json=TINY, headers=auth).json()["id"]
    other = organiser_token(app, "other@example.org")
    assert api.get(f"/api/events/{event_id}", headers=other).status_code == 404
