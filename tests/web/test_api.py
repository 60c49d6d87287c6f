"""JSON API with organiser Bearer tokens: create, read, solve, schedule, publish."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from web.usecases.accounts import create_api_token

ROOT = Path(__file__).resolve().parents[2]


def test_api_requires_a_token(client: TestClient) -> None:
    assert client.get("/api/events/1").status_code == 401
    assert client.get("/api/events/1", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/openapi.json").status_code == 200


def test_api_flow(app: FastAPI, client: TestClient, organiser: str) -> None:
    with Session(app.state.engine) as session:
        token = create_api_token(session, organiser)
    auth = {"Authorization": f"Bearer {token}"}
    bad = client.post("/api/events", json={"format": "b2b-event/1", "event": {}}, headers=auth)
    assert bad.status_code == 422 and any("event" in p for p in bad.json()["detail"])
    doc = json.loads((ROOT / "samples/tiny.json").read_text())
    created = client.post("/api/events", json=doc, headers=auth)
    assert created.status_code == 201
    event_id = created.json()["id"]
    got = client.get(f"/api/events/{event_id}", headers=auth).json()
    assert got["format"] == "b2b-event/1" and len(got["requests"]) == len(doc["requests"])
    assert client.get(f"/api/events/{event_id}/schedule", headers=auth).status_code == 404
    started = client.post(f"/api/events/{event_id}/solve", json={"time_limit": 2}, headers=auth)
    assert started.status_code == 202
    assert (
        client.post(
            f"/api/events/{event_id}/solve", json={"time_limit": 2}, headers=auth
        ).status_code
        == 409
    )
    deadline = time.monotonic() + 60
    state = ""
    while time.monotonic() < deadline:
        state = client.get(f"/api/events/{event_id}/solve", headers=auth).json()["state"]
        if state not in ("queued", "running"):
            break
        time.sleep(0.3)
    assert state == "succeeded"
    schedule = client.get(f"/api/events/{event_id}/schedule", headers=auth).json()
    assert schedule["format"] == "b2b-schedule/1" and schedule["meetings"]
    assert (
        client.get(f"/api/events/{event_id}/schedule?published=true", headers=auth).status_code
        == 404
    )
    assert client.post(f"/api/events/{event_id}/publish", headers=auth).json() == {"published": 1}
    published = client.get(f"/api/events/{event_id}/schedule?published=true", headers=auth).json()
    assert published["status"] == "published" and published["meetings"] == schedule["meetings"]
