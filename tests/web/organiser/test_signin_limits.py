"""Failed sign-ins counted per e-mail address and per client, each on its own, and the
one-time sign-in link by e-mail that lets the owner in while their address is locked."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, csrf_of
from web.usecases.accounts import create_organiser

ATTACKER, ATTACKER_PASSWORD = "attacker@example.org", "attacker's own password"


def _accounts(app: FastAPI) -> None:
    with Session(app.state.engine) as session:
        create_organiser(session, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        create_organiser(session, ATTACKER, ATTACKER_PASSWORD)


def _login(client: TestClient, address: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    form = {"csrf_token": token, "email": address, "password": password}
    return int(client.post("/login", data=form, follow_redirects=False).status_code)


def _link_in_outbox(var: Path) -> str:
    newest = max((var / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    body = email.message_from_bytes(newest.read_bytes()).get_payload(decode=True)
    assert isinstance(body, bytes)
    match = re.search(r"http://[^/\s]+(/login/link/\S+)", body.decode())
    assert match, body
    return match.group(1)


def _ask_for_link(client: TestClient, address: str) -> None:
    token = csrf_of(client.get("/login/link").text)
    client.post("/login/link", data={"csrf_token": token, "email": address})


def test_signing_in_to_ones_own_account_keeps_the_attacked_address_locked(
    app: FastAPI, client: TestClient
) -> None:
    _accounts(app)
    for _ in range(3):
        _login(client, ORGANISER_EMAIL, "guess")
    _login(client, ATTACKER, ATTACKER_PASSWORD)
    for _ in range(2):
        _login(client, ORGANISER_EMAIL, "guess")
    assert _login(client, ORGANISER_EMAIL, "guess") == 429


def test_signing_in_to_ones_own_account_keeps_the_clients_failures(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(login_client_attempts=3)
    _accounts(app)
    with TestClient(app) as client:
        for n in range(3):
            _login(client, f"someone{n}@example.org", "guess")  # three addresses, one client
        _login(client, ATTACKER, ATTACKER_PASSWORD)
        status = _login(client, "someone9@example.org", "guess")
    app.state.engine.dispose()
    assert status == 429


def test_failures_on_one_address_do_not_lock_another(app: FastAPI, client: TestClient) -> None:
    _accounts(app)
    for _ in range(5):
        _login(client, ORGANISER_EMAIL, "guess")
    assert _login(client, ATTACKER, ATTACKER_PASSWORD) == 303


def test_a_locked_out_owner_signs_in_with_the_link_sent_to_them(
    app: FastAPI, client: TestClient
) -> None:
    _accounts(app)
    for _ in range(5):
        _login(client, ORGANISER_EMAIL, "guess")
    owner = TestClient(app)
    _ask_for_link(owner, ORGANISER_EMAIL)
    owner.get(_link_in_outbox(app.state.settings.var_dir), follow_redirects=False)
    assert ORGANISER_EMAIL in owner.get("/").text


def test_a_sign_in_link_works_once(app: FastAPI, client: TestClient) -> None:
    _accounts(app)
    _ask_for_link(client, ORGANISER_EMAIL)
    link = _link_in_outbox(app.state.settings.var_dir)
    client.get(link)
    again = TestClient(app).get(link, follow_redirects=False)
    assert again.status_code == 403


def test_a_new_password_voids_the_links_sent_before(app: FastAPI, client: TestClient) -> None:
    _accounts(app)
    _ask_for_link(client, ORGANISER_EMAIL)
    link = _link_in_outbox(app.state.settings.var_dir)
    with Session(app.state.engine) as session:
        create_organiser(session, ORGANISER_EMAIL, "a brand new password")
    assert client.get(link, follow_redirects=False).status_code == 403


def test_no_link_goes_to_an_address_that_is_no_organisers(app: FastAPI, client: TestClient) -> None:
    _accounts(app)
    _ask_for_link(client, "stranger@example.org")
    assert not (app.state.settings.var_dir / "outbox").exists()
