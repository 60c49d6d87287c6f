"""Login, logout, CSRF, rate limits, and that every organiser page requires login."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import ORGANISER_EMAIL, csrf_of, log_in


def test_pages_require_login(client: TestClient, organiser: str) -> None:
    for url in ("/", "/events/new", "/events/1", "/events/1/participants", "/events/1/requests",
                "/events/1/solve", "/events/1/versions", "/events/1/versions/1/grid"):  # fmt: skip
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login")


def test_htmx_request_gets_hx_redirect(client: TestClient) -> None:
    response = client.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["HX-Redirect"].startswith("/login")


def test_login_logout(client: TestClient, organiser: str) -> None:
    csrf = log_in(client)
    assert ORGANISER_EMAIL in client.get("/").text
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_and_rate_limit(client: TestClient, organiser: str) -> None:
    token = csrf_of(client.get("/login").text)
    form = {"csrf_token": token, "email": ORGANISER_EMAIL, "password": "wrong password"}
    for _ in range(5):
        response = client.post("/login", data=form)
        assert response.status_code == 422
        assert "Wrong e-mail or password" in response.text
    form["password"] = "correct horse battery"
    response = client.post("/login", data=form)
    assert response.status_code == 429  # even the right password waits now


def test_csrf_refused(client: TestClient, organiser: str) -> None:
    response = client.post("/login", data={"email": ORGANISER_EMAIL, "password": "x"})
    assert response.status_code == 403
    log_in(client)
    response = client.post("/events", data={"name": "No token"})
    assert response.status_code == 403
    response = client.post("/events", data={"name": "Bad", "csrf_token": "forged"})
    assert response.status_code == 403
    assert "Traceback" not in response.text


def test_static_htmx_served(client: TestClient) -> None:
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_bad_urls_give_pages_not_tracebacks(organiser_client: TestClient) -> None:
    for url, status in (("/events/abc", 422), ("/events/999", 404), ("/events/999/versions/1/grid", 404),
                        ("/events/999/participants?page=x", 404)):  # fmt: skip
        response = organiser_client.get(url)
        assert response.status_code == status, url
        assert "Traceback" not in response.text and "<html" in response.text
