"""Shared by the portal tests: load the tiny sample, find a participant, sign them in."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests import conftest
from web import models as m
from web.usecases import tokens

SECRET = "test-secret"  # the conftest app's secret key


def load_tiny(app: FastAPI) -> int:
    return conftest.load_tiny(app, venue="NECC Hà Nội")


def person(app: FastAPI, ext_id: str) -> m.Participant:
    with Session(app.state.engine) as session:
        found = session.exec(select(m.Participant).where(m.Participant.ext_id == ext_id)).one()
        session.expunge(found)
        return found


def signed_in(app: FastAPI, ext_id: str) -> TestClient:
    client = TestClient(app)
    token = tokens.login_token(SECRET, person(app, ext_id))
    response = client.get(f"/p/login/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def csrf(client: TestClient, url: str = "/p/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert match
    return match.group(1)
