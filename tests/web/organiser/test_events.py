"""Events: the list, the set-up form, b2b-event/1 import and export, the page language."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI

from tests.conftest import OrganiserClient
from tests.web.helpers import ROOT, SESSIONS, SETUP, create_event, domain_event, load_tiny

BAD_SETUP = {
    "name": "",
    "timezone": "Mars/Base",
    "slot_minutes": "x",
    "sessions": "nonsense",
    "pooled_tables": "1",
}
TINY_SETUP = {
    "name": "Tiny renamed",
    "timezone": "Asia/Ho_Chi_Minh",
    "slot_minutes": "20",
    "pooled_tables": "3",
    "resources": "interpreter:ja 1\ninterpreter:ko 2",
    "max_breaks": "2",
    "sessions": SESSIONS,
}


def test_set_up_errors_come_back_as_the_form_fragment(organiser_client: OrganiserClient) -> None:
    response = organiser_client.post_form("/events", BAD_SETUP, headers={"HX-Request": "true"})
    assert (response.status_code, "<html" in response.text) == (422, False)


@pytest.mark.parametrize(
    "message", ["A name is required", "IANA time zone", "whole number", "d1-am 2026-11-19"]
)
def test_set_up_errors_name_each_field(organiser_client: OrganiserClient, message: str) -> None:
    response = organiser_client.post_form("/events", BAD_SETUP, headers={"HX-Request": "true"})
    assert message in response.text


def test_a_created_event_shows_its_set_up(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    page = organiser_client.get(f"/events/{event_id}").text
    assert "Hall A" in page and "d1-pm 2026-11-19 13:30-16:30" in page


def test_overlapping_sessions_are_refused(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    sessions = "a 2026-11-19 08:30-11:30\nb 2026-11-19 10:30-12:00"
    response = organiser_client.post_form(f"/events/{event_id}", SETUP | {"sessions": sessions})
    assert (response.status_code, "overlap" in response.text) == (422, True)


def test_odd_digits_in_resources_are_a_field_error(organiser_client: OrganiserClient) -> None:
    response = organiser_client.post_form("/events", SETUP | {"resources": "interpreter:ko ²"})
    assert (response.status_code, "interpreter:ko 3" in response.text) == (422, True)


def test_set_up_update_sets_pooled_tables_and_keeps_host_tables(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.post_form(f"/events/{event_id}", TINY_SETUP, headers={"HX-Request": "true"})
    event = domain_event(app, event_id)
    assert (event.name, event.pooled_table_count, len(event.tables)) == ("Tiny renamed", 3, 7)


def test_set_up_update_sets_resources_and_breaks(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.post_form(f"/events/{event_id}", TINY_SETUP)
    event = domain_event(app, event_id)
    assert (dict(event.resources)["interpreter:ko"], event.max_breaks) == (2, 2)


def test_removing_a_session_that_participants_attend_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    form = TINY_SETUP | {"sessions": SESSIONS.splitlines()[0]}
    response = organiser_client.post_form(f"/events/{event_id}", form)
    assert (response.status_code, "Cannot remove session" in response.text) == (422, True)


def test_removing_a_resource_that_requests_need_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.post_form(f"/events/{event_id}", TINY_SETUP | {"resources": ""})
    assert (response.status_code, "Cannot remove interpreter" in response.text) == (422, True)


def test_a_refused_set_up_changes_nothing(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    form = TINY_SETUP | {"sessions": SESSIONS.splitlines()[0], "resources": ""}
    organiser_client.post_form(f"/events/{event_id}", form)
    assert len(domain_event(app, event_id).sessions) == 2


def test_an_invalid_event_file_is_not_imported(organiser_client: OrganiserClient) -> None:
    response = organiser_client.post_form(
        "/import-event",
        files={"file": ("e.json", b'{"format": "b2b-event/1"}', "application/json")},
    )
    assert (response.status_code, "was not imported" in response.text) == (422, True)


def test_a_failed_event_import_keeps_the_participant_counts(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    load_tiny(app)
    response = organiser_client.post_form(
        "/import-event",
        files={"file": ("e.json", b'{"format": "b2b-event/1"}', "application/json")},
    )
    assert '<td class="num">14</td>' in response.text


def test_an_event_file_becomes_an_event(organiser_client: OrganiserClient) -> None:
    tiny = (ROOT / "samples/tiny.json").read_bytes()
    response = organiser_client.post_form(
        "/import-event",
        files={"file": ("tiny.json", tiny, "application/json")},
        follow_redirects=False,
    )
    event_id = int(response.headers["location"].split("/")[2])
    assert "Tiny connection morning" in organiser_client.get(f"/events/{event_id}").text


def test_the_event_exports_as_the_document_it_was_imported_from(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    exported = json.loads(organiser_client.get(f"/events/{event_id}/export/event.json").text)
    original = json.loads((ROOT / "samples/tiny.json").read_text())
    assert [r["id"] for r in exported["requests"]] == [r["id"] for r in original["requests"]]


def test_reloading_the_import_address_goes_back_to_the_list(
    organiser_client: OrganiserClient,
) -> None:
    response = organiser_client.get("/import-event", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")


def test_pages_are_english_by_default(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/requests").text
    assert '<html lang="en">' in page and "Meeting requests" in page


def test_the_language_switch_returns_to_the_page(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    switched = organiser_client.get(
        f"/lang/vi?next=/events/{event_id}/requests", follow_redirects=False
    )
    assert switched.headers["location"] == f"/events/{event_id}/requests"


def test_pages_follow_the_chosen_language(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    organiser_client.get("/lang/vi?next=/")
    page = organiser_client.get(f"/events/{event_id}/requests").text
    assert '<html lang="vi">' in page and "Yêu cầu gặp" in page and "Đăng xuất" in page


def test_pages_follow_the_browser_language(organiser_client: OrganiserClient) -> None:
    page = organiser_client.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}).text
    assert '<html lang="vi">' in page


def test_language_links_keep_the_query(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/participants?role=buyer").text
    assert f"/lang/vi?next=/events/{event_id}/participants%3Frole%3Dbuyer" in page


def test_the_event_nav_links_to_the_portal_tab(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/requests").text
    assert f'href="/events/{event_id}/portal"' in page


@pytest.mark.parametrize("field", ["name", "venue"])
def test_a_set_up_field_with_a_line_break_is_refused(
    organiser_client: OrganiserClient, field: str
) -> None:
    response = organiser_client.post_form("/events", SETUP | {field: "Hai Phong\r\nfair"})
    assert (response.status_code, "must be one line" in response.text) == (422, True)


def test_an_event_file_with_a_line_break_in_its_name_is_refused(
    organiser_client: OrganiserClient,
) -> None:
    doc = json.loads((ROOT / "samples" / "tiny.json").read_text())
    doc["event"]["name"] = "Tiny\nfair"
    files = {"file": ("tiny.json", json.dumps(doc).encode(), "application/json")}
    response = organiser_client.post_form("/import-event", files=files)
    assert (response.status_code, "event.name: must be one line" in response.text) == (422, True)


def test_an_event_file_with_a_bad_address_is_refused(organiser_client: OrganiserClient) -> None:
    doc = json.loads((ROOT / "samples" / "tiny.json").read_text())
    doc["participants"][0]["email"] = "a@example.org\r\nBcc: all@example.org"
    files = {"file": ("tiny.json", json.dumps(doc).encode(), "application/json")}
    response = organiser_client.post_form("/import-event", files=files)
    assert (response.status_code, "participants[0].email" in response.text) == (422, True)
