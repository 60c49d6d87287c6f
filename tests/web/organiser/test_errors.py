"""Bad addresses and odd input get a page that says what is wrong, never a traceback."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import OrganiserClient
from tests.web.helpers import load_tiny

BIG = "99999999999999999999"


def test_static_files_are_served(client: TestClient) -> None:
    urls = (
        "/static/vendor/htmx.min.js",
        "/static/jsqr/jsQR.js",
        "/static/desk.js",
        "/static/style.css",
    )
    assert [client.get(u).status_code for u in urls] == [200, 200, 200, 200]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/events/abc", 422),
        ("/events/999", 404),
        ("/events/999/versions/1/grid", 404),
        ("/events/999/participants?page=x", 404),
    ],
)
def test_bad_urls_give_an_error_page(
    organiser_client: OrganiserClient, url: str, status: int
) -> None:
    response = organiser_client.get(url)
    assert (response.status_code, "<html" in response.text) == (status, True)


def test_unknown_address_gets_the_error_page(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert (missing.status_code, "There is no page at this address." in missing.text) == (404, True)


def test_wrong_method_gets_the_error_page(client: TestClient) -> None:
    response = client.put("/login")
    assert (response.status_code, "<html" in response.text) == (405, True)


def test_unknown_portal_address_links_to_the_sign_in_page(client: TestClient) -> None:
    response = client.get("/p/nothing-here")
    assert (response.status_code, 'href="/p/link"' in response.text) == (404, True)


def test_unknown_api_address_answers_json(client: TestClient) -> None:
    response = client.get("/api/no-such-thing")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_malformed_query_value_is_named_in_plain_words(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.get(f"/events/{event_id}/participants?page=abc")
    assert "are not valid: page." in response.text and "Input should" not in response.text


def test_malformed_query_value_message_is_translated(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.cookies.set("lang", "vi")
    response = organiser_client.get(f"/events/{event_id}/participants?page=abc")
    assert "không hợp lệ: page." in response.text


@pytest.mark.parametrize(
    "path", ["/events/{big}", "/events/{id}/participants/{big}", "/events/{id}/requests/{big}"]
)
def test_ids_beyond_the_database_range_are_bad_input(
    app: FastAPI, organiser_client: OrganiserClient, path: str
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.get(path.format(big=BIG, id=event_id))
    assert (response.status_code, "A value in this request is out of range." in response.text) == (
        422,
        True,
    )
