"""Signing in to the portal with a personal link, and asking for a new one."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.web.helpers import SECRET, csrf, load_tiny, person, signed_in
from web import models as m
from web.usecases import tokens


def _outbox(tmp_path: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    ]


def test_the_portal_needs_a_sign_in(app: FastAPI) -> None:
    load_tiny(app)
    assert TestClient(app).get("/p/").status_code == 403


def test_a_signed_in_participant_sees_the_agenda_page(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/")
    assert (page.status_code, 'id="not-published"' in page.text) == (200, True)


def test_a_tampered_link_is_refused(app: FastAPI) -> None:
    load_tiny(app)
    token = tokens.login_token(SECRET, person(app, "B001-1"))
    response = TestClient(app).get(f"/p/login/{token[:-2]}xx", follow_redirects=False)
    assert (response.status_code, "expired" in response.text) == (403, True)


def test_a_link_signed_with_another_key_is_refused(app: FastAPI) -> None:
    load_tiny(app)
    forged = tokens.login_token("another-secret", person(app, "B001-1"))
    assert TestClient(app).get(f"/p/login/{forged}", follow_redirects=False).status_code == 403


def test_an_expired_link_is_refused(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    load_tiny(app)
    token = tokens.login_token(SECRET, person(app, "B001-1"))
    monkeypatch.setattr(tokens, "LOGIN_MAX_AGE", -1)
    assert TestClient(app).get(f"/p/login/{token}", follow_redirects=False).status_code == 403


def test_a_cookie_copied_before_signing_out_no_longer_signs_in(app: FastAPI) -> None:
    load_tiny(app)
    client = signed_in(app, "B001-1")
    copy = TestClient(app, cookies={"ketnoi_session": client.cookies["ketnoi_session"]})
    client.post("/p/logout", data={"csrf_token": csrf(client)})
    assert copy.get("/p/").status_code == 403


def test_renewed_links_end_open_sessions(app: FastAPI) -> None:
    event_id = load_tiny(app)
    client = signed_in(app, "B001-1")
    with Session(app.state.engine) as session:
        tokens.renew(session, event_id, person(app, "B001-1").id)
    assert client.get("/p/").status_code == 403


def test_asking_for_a_link_answers_the_same_for_any_address(app: FastAPI) -> None:
    load_tiny(app)
    client = TestClient(app)
    token = csrf(client, "/p/link")
    known = client.post("/p/link", data={"csrf_token": token, "email": "B001-1@buyer.example"})
    unknown = client.post("/p/link", data={"csrf_token": token, "email": "nobody@nowhere.example"})
    strip = re.compile(r'value="[^"]+"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)


def test_a_link_is_mailed_only_to_a_registered_address(app: FastAPI, tmp_path: Path) -> None:
    load_tiny(app)
    client = TestClient(app)
    token = csrf(client, "/p/link")
    client.post("/p/link", data={"csrf_token": token, "email": "B001-1@buyer.example"})
    client.post("/p/link", data={"csrf_token": token, "email": "nobody@nowhere.example"})
    assert [x["To"] for x in _outbox(tmp_path)] == ["b001-1@buyer.example"]


def test_the_mailed_link_signs_in(app: FastAPI, tmp_path: Path) -> None:
    load_tiny(app)
    client = TestClient(app)
    client.post(
        "/p/link", data={"csrf_token": csrf(client, "/p/link"), "email": "b001-1@buyer.example"}
    )
    body = _outbox(tmp_path)[0].get_body(("plain",))
    assert body is not None  # a plain-text part
    link = re.search(r"(/p/login/\S+)", body.get_content())
    assert link is not None
    assert TestClient(app).get(link.group(1), follow_redirects=False).status_code == 303


def test_asking_for_a_link_needs_the_csrf_token(app: FastAPI) -> None:
    load_tiny(app)
    assert TestClient(app).post("/p/link", data={"email": "x@y.z"}).status_code == 403


def test_the_sign_in_mail_names_the_event(app: FastAPI, tmp_path: Path) -> None:
    load_tiny(app)
    client = TestClient(app)
    client.post(
        "/p/link", data={"csrf_token": csrf(client, "/p/link"), "email": "b001-1@buyer.example"}
    )
    assert _outbox(tmp_path)[0]["Subject"] == "Your sign-in link – Tiny connection morning"


def test_links_asked_for_are_rate_limited_per_address(app: FastAPI, tmp_path: Path) -> None:
    load_tiny(app)
    client = TestClient(app)
    token = csrf(client, "/p/link")
    for _ in range(app.state.settings.login_attempts + 3):
        client.post("/p/link", data={"csrf_token": token, "email": "B001-1@buyer.example "})
    assert len(_outbox(tmp_path)) == app.state.settings.login_attempts


def test_the_rate_limit_of_one_address_spares_the_others(app: FastAPI, tmp_path: Path) -> None:
    load_tiny(app)
    client = TestClient(app)
    token = csrf(client, "/p/link")
    for _ in range(app.state.settings.login_attempts + 1):
        client.post("/p/link", data={"csrf_token": token, "email": "b001-1@buyer.example"})
    client.post("/p/link", data={"csrf_token": token, "email": "s001@supplier.example"})
    assert _outbox(tmp_path)[-1]["To"] == "s001@supplier.example"


def _store(app: FastAPI, event_id: int, name: str = "", email: str = "") -> None:
    """Values written before names and addresses were checked (straight into the table)."""
    with Session(app.state.engine) as session:
        event = session.get(m.Event, event_id)
        assert event is not None
        if name:
            event.name = name
            session.add(event)
        if email:
            row = session.get(m.Participant, person(app, "B001-1").id)
            assert row is not None
            row.email = email
            session.add(row)
        session.commit()


def test_a_stored_line_break_in_the_event_name_is_no_oracle_for_addresses(
    app: FastAPI,
) -> None:
    event_id = load_tiny(app)
    _store(app, event_id, name="Tiny\r\nfair")
    client = TestClient(app)
    token = csrf(client, "/p/link")
    known = client.post("/p/link", data={"csrf_token": token, "email": "B001-1@buyer.example"})
    unknown = client.post("/p/link", data={"csrf_token": token, "email": "nobody@nowhere.example"})
    strip = re.compile(r'value="[^"]+"')
    answers = [(r.status_code, strip.sub("", r.text)) for r in (known, unknown)]
    assert answers[0] == answers[1]


def test_a_stored_line_break_in_the_event_name_still_mails_the_link(
    app: FastAPI, tmp_path: Path
) -> None:
    event_id = load_tiny(app)
    _store(app, event_id, name="Tiny\r\nfair")
    client = TestClient(app)
    client.post(
        "/p/link", data={"csrf_token": csrf(client, "/p/link"), "email": "b001-1@buyer.example"}
    )
    assert [x["Subject"] for x in _outbox(tmp_path)] == ["Your sign-in link – Tiny fair"]


def test_a_stored_address_with_a_line_break_gets_no_mail(app: FastAPI, tmp_path: Path) -> None:
    event_id = load_tiny(app)
    _store(app, event_id, email="b001-1@buyer.example\r\nBcc: all@example.org")
    client = TestClient(app)
    client.post(
        "/p/link",
        data={"csrf_token": csrf(client, "/p/link"), "email": "b001-1@buyer.example"},
    )
    assert _outbox(tmp_path) == []
