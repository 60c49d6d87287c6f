"""Shared by the portal tests: load the tiny sample, find a participant, sign them in."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.formats import load_json
from web import models as m
from web.portal import services
from web.services.events import import_event_json

SECRET = "test-secret"  # the conftest app's secret key
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "tiny.json"


def load_tiny(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        event = import_event_json(session, load_json(SAMPLE.read_text()), venue="NECC Hà Nội")
        assert event.id is not None
        return event.id


def person(app: FastAPI, ext_id: str) -> m.Participant:
    with Session(app.state.engine) as session:
        found = session.exec(select(m.Participant).where(m.Participant.ext_id == ext_id)).one()
        session.expunge(found)
        return found


def signed_in(app: FastAPI, ext_id: str) -> TestClient:
    client = TestClient(app)
    token = services.login_token(SECRET, person(app, ext_id))
    response = client.get(f"/p/login/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def csrf(client: TestClient, url: str = "/p/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert match
    return match.group(1)
