"""Organiser sign-in: login, logout, rate limit, CSRF, return addresses."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, csrf_of, log_in
from tests.web.helpers import load_tiny

PAGES = (
    "/",
    "/events/new",
    "/events/1",
    "/events/1/participants",
    "/events/1/requests",
    "/events/1/solve",
    "/events/1/versions",
    "/events/1/versions/1/grid",
    "/events/1/portal",
)


@pytest.mark.parametrize("url", PAGES)
def test_organiser_pages_send_strangers_to_the_login(
    client: TestClient, organiser: str, url: str
) -> None:
    response = client.get(url, follow_redirects=False)
    assert (response.status_code, response.headers["location"][:6]) == (303, "/login")


def test_htmx_request_without_login_gets_hx_redirect(client: TestClient) -> None:
    response = client.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["HX-Redirect"].startswith("/login")


def test_signed_in_organiser_sees_their_address(client: TestClient, organiser: str) -> None:
    log_in(client)
    assert ORGANISER_EMAIL in client.get("/").text


def test_logout_ends_the_session(client: TestClient, organiser: str) -> None:
    csrf = log_in(client)
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_cookie_copied_before_logout_no_longer_signs_in(
    app: FastAPI, client: TestClient, organiser: str
) -> None:
    csrf = log_in(client)
    copy = TestClient(app, cookies={"ketnoi_session": client.cookies["ketnoi_session"]})
    client.post("/logout", data={"csrf_token": csrf})
    assert copy.get("/", follow_redirects=False).status_code == 303


def test_a_cookie_of_an_ended_session_forgets_nothing_else(
    app: FastAPI, client: TestClient, organiser: str
) -> None:
    """Logging in twice gives two sessions; logging out of one leaves the other."""
    log_in(client)
    other = TestClient(app)
    csrf = log_in(other)
    other.post("/logout", data={"csrf_token": csrf})
    assert client.get("/", follow_redirects=False).status_code == 200


def test_wrong_password_is_refused(client: TestClient, organiser: str) -> None:
    token = csrf_of(client.get("/login").text)
    form = {"csrf_token": token, "email": ORGANISER_EMAIL, "password": "wrong password"}
    response = client.post("/login", data=form)
    assert (response.status_code, "Wrong e-mail or password" in response.text) == (422, True)


def test_after_five_failures_even_the_right_password_waits(
    client: TestClient, organiser: str
) -> None:
    token = csrf_of(client.get("/login").text)
    form = {"csrf_token": token, "email": ORGANISER_EMAIL, "password": "wrong password"}
    for _ in range(5):
        client.post("/login", data=form)
    form["password"] = ORGANISER_PASSWORD
    assert client.post("/login", data=form).status_code == 429


def test_login_without_csrf_token_is_refused(client: TestClient, organiser: str) -> None:
    response = client.post("/login", data={"email": ORGANISER_EMAIL, "password": "x"})
    assert response.status_code == 403


def test_form_without_csrf_token_is_refused(client: TestClient, organiser: str) -> None:
    log_in(client)
    assert client.post("/events", data={"name": "No token"}).status_code == 403


def test_form_with_forged_csrf_token_is_refused(client: TestClient, organiser: str) -> None:
    log_in(client)
    response = client.post("/events", data={"name": "Bad", "csrf_token": "forged"})
    assert (response.status_code, "Traceback" in response.text) == (403, False)


def test_login_returns_to_the_page_asked_for_with_its_query(
    app: FastAPI, client: TestClient
) -> None:
    event_id = load_tiny(app)
    response = client.get(f"/events/{event_id}/participants?role=buyer&q=B", follow_redirects=False)
    assert response.headers["location"] == (
        f"/login?next=/events/{event_id}/participants%3Frole%3Dbuyer%26q%3DB"
    )


def test_login_form_keeps_the_return_address(app: FastAPI, client: TestClient) -> None:
    event_id = load_tiny(app)
    wanted = f"/events/{event_id}/participants?role=buyer&q=B"
    login = client.get("/login", params={"next": wanted}).text
    assert f'value="{wanted}"'.replace("&", "&amp;") in login


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/"]
)
def test_login_never_returns_to_another_site(client: TestClient, target: str) -> None:
    page = client.get("/login", params={"next": target}).text
    assert '<input type="hidden" name="next" value="/">' in page


def test_nul_character_in_the_login_form_is_a_failed_login(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    form = {"csrf_token": token, "email": "a\x00@b.c", "password": "x", "next": "/"}
    assert client.post("/login", data=form).status_code == 422
