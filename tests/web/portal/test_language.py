"""The portal's language: switched by link, remembered in the participant's profile."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.helpers import SECRET, load_tiny, person, signed_in
from web.usecases import tokens


def test_the_portal_is_english_by_default(app: FastAPI) -> None:
    load_tiny(app)
    assert "My agenda" in signed_in(app, "B001-1").get("/p/").text


def test_switching_the_language_saves_it_in_the_profile(app: FastAPI) -> None:
    load_tiny(app)
    signed_in(app, "B001-1").get("/lang/vi?next=/p/", follow_redirects=False)
    assert person(app, "B001-1").locale == "vi"


def test_the_saved_language_wins_on_a_new_device(app: FastAPI) -> None:
    load_tiny(app)
    signed_in(app, "B001-1").get("/lang/vi?next=/p/", follow_redirects=False)
    fresh = TestClient(app)
    token = tokens.login_token(SECRET, person(app, "B001-1"))
    fresh.get(f"/p/login/{token}", headers={"Accept-Language": "en"})
    page = fresh.get("/p/").text
    assert (
        '<html lang="vi"' in page
        and "Lịch gặp của tôi" in page
        and "Lịch chưa được công bố" in page
    )


def test_the_switch_never_leads_to_another_site(app: FastAPI) -> None:
    load_tiny(app)
    response = signed_in(app, "B001-1").get("/lang/en?next=//evil.example/", follow_redirects=False)
    assert response.headers["location"] == "/p/"


def test_the_switch_refuses_a_backslash_address(client: TestClient) -> None:
    response = client.get("/lang/en", params={"next": "/\\evil.example"}, follow_redirects=False)
    assert response.headers["location"] == "/p/"


def test_one_language_switch_that_keeps_the_query(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue?sector=auto-parts").text
    assert (
        page.count('href="/lang/vi?'),
        'href="/lang/vi?next=/p/catalogue%3Fsector%3Dauto-parts"' in page,
    ) == (1, True)
