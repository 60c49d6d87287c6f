"""The review page at a glance: unscheduled requests by kind of reason, in the reader's
language, linked and paged; what is proven, in words; names in the grid; times in the
event's zone; refusals of a move in the reader's language."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import load_tiny, meetings, person, solved_small_event, store_version
from web import models as m


@pytest.fixture
def solved(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """The small event solved as version 1, reviewed two requests a page: (event, version id)."""
    monkeypatch.setattr(app.state.settings, "page_size", 2)
    with Session(app.state.engine) as session:
        version = solved_small_event(session)
        return version.event_id, version.id


def _review(client: OrganiserClient, event_id: int, query: str = "") -> str:
    response = client.get(f"/events/{event_id}/versions/1{query}")
    assert response.status_code == 200
    text: str = response.text
    return text


def _set_stats(app: FastAPI, version_id: int, stats: dict[str, Any]) -> None:
    with Session(app.state.engine) as session:
        version = session.get(m.ScheduleVersion, version_id)
        assert version is not None
        version.stats = stats
        session.add(version)
        session.commit()


def test_each_kind_of_reason_is_a_group_with_its_count(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    page = _review(organiser_client, solved[0])
    groups = re.findall(
        r'<details class="reason-group" id="reasons-(\w+)">\s*<summary><span class="label">'
        r'[^<]*</span> <b class="count">(\d+)</b>',
        page,
    )
    assert groups == [("meeting_limit", "3"), ("availability", "1")]


def test_a_vietnamese_page_gives_the_reasons_in_vietnamese(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    organiser_client.cookies.set("lang", "vi")
    page = _review(organiser_client, solved[0])
    assert "B1-1 đã có 1 cuộc gặp, mức tối đa họ nhận." in page


def test_a_vietnamese_page_shows_no_english_reason(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    organiser_client.cookies.set("lang", "vi")
    page = _review(organiser_client, solved[0])
    english = ("max_meetings", "reached", "available", "A side reached", "Never both")
    assert [w for w in english if w in page] == []


def test_each_request_id_links_to_the_request(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, _version = solved
    with Session(app.state.engine) as session:
        r5 = session.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == "R5")).one()
    page = _review(organiser_client, event_id)
    assert f'<a href="/events/{event_id}/requests/{r5.id}" class="request-link">R5</a>' in page


def test_each_participant_id_links_to_their_agenda_in_this_version(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, _version = solved
    supplier = person(app, "S5-1")
    page = _review(organiser_client, event_id)
    assert re.search(
        rf'<a href="/events/{event_id}/versions/1/agenda/{supplier.id}" class="agenda-link"'
        r"[^>]*>S5-1</a>",
        page,
    )


def test_a_group_pages_with_htmx(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, _version = solved
    response = organiser_client.get(
        f"/events/{event_id}/versions/1/unscheduled?reason=meeting_limit&page=2",
        headers={"HX-Request": "true"},
    )
    rows = re.findall(r'class="request-link">(R\d)</a>', response.text)
    assert (response.status_code, len(rows), "page 2 of 2" in response.text) == (200, 1, True)


def test_the_first_page_links_the_next_for_htmx_and_without(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, _version = solved
    page = _review(organiser_client, event_id)
    base = f"/events/{event_id}/versions/1"
    assert (
        f'<a href="{base}?reason=meeting_limit&amp;page=2#reasons-meeting_limit" '
        f'hx-get="{base}/unscheduled?reason=meeting_limit&amp;page=2"'
    ) in page


def test_without_htmx_a_page_of_a_group_opens_the_review_there(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, _version = solved
    response = organiser_client.get(
        f"/events/{event_id}/versions/1/unscheduled?reason=meeting_limit&page=2"
    )
    opened = '<details class="reason-group" id="reasons-meeting_limit" open>' in response.text
    assert (opened, "page 2 of 2" in response.text) == (True, True)


def test_the_review_opens_the_group_asked_for_at_its_page(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    page = _review(organiser_client, solved[0], "?reason=meeting_limit&page=2")
    assert '<details class="reason-group" id="reasons-meeting_limit" open>' in page


def test_an_unknown_kind_of_reason_is_not_found(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    response = organiser_client.get(
        f"/events/{solved[0]}/versions/1/unscheduled?reason=nonsense",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404


def _proof(page: str) -> tuple[str, str]:
    weight = re.search(r'<li id="proof-weight">\s*([^<]*?)\s*</li>', page)
    breaks = re.search(r'<li id="proof-breaks">\s*([^<]*?)\s*</li>', page)
    assert weight and breaks
    return weight[1], breaks[1]


def test_an_optimal_version_says_both_levels_are_proven(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, version_id = solved
    stats = {"weight": 2481, "weight_bound": 2481, "breaks": 4, "breaks_bound": 4}
    _set_stats(app, version_id, stats | {"meetings": 600, "status": "optimal"})
    assert _proof(_review(organiser_client, event_id)) == (
        "Weight: 2,481, optimal (proven)",
        "Breaks: 4, optimal (proven)",
    )


def test_a_version_short_of_its_bound_says_how_far_it_may_be(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, version_id = solved
    stats = {"weight": 2470, "weight_bound": 2481, "breaks": 13, "breaks_bound": 4}
    _set_stats(app, version_id, stats | {"meetings": 600, "status": "feasible"})
    assert _proof(_review(organiser_client, event_id))[0] == "Weight: 2,470, at most 2,481"


def test_the_best_weight_with_unproven_breaks_gives_their_bound(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, version_id = solved
    stats = {"weight": 2481, "weight_bound": 2481, "breaks": 13, "breaks_bound": 4}
    _set_stats(app, version_id, stats | {"meetings": 600, "status": "feasible"})
    assert _proof(_review(organiser_client, event_id)) == (
        "Weight: 2,481, optimal (proven)",
        "Breaks: 13, at least 4",
    )


def test_the_status_is_explained_in_a_sentence(
    app: FastAPI, organiser_client: OrganiserClient, solved: tuple[int, int]
) -> None:
    event_id, version_id = solved
    stats = {"weight": 2481, "weight_bound": 2481, "breaks": 13, "breaks_bound": 4}
    _set_stats(app, version_id, stats | {"meetings": 600, "status": "feasible"})
    page = _review(organiser_client, event_id)
    assert "but one with fewer breaks" in page


def test_grid_cells_name_the_organisations_and_tell_all_in_the_tooltip(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T001")})
    grid = organiser_client.get(f"/events/{event_id}/versions/1/grid").text
    cell = re.search(r'data-request="R00001" title="([^"]*)">([^<]*)<br>([^<]*)</a>', grid)
    assert cell and cell.groups() == (
        "R00001: Hung Le (Hoa Binh Precision JSC), S008-1 – Tom Pham (Shinwa Auto Parts "
        "Vietnam), B001-1",
        "Hoa Binh Precision JSC",
        "Shinwa Auto Parts Vietnam",
    )


def test_version_times_are_in_the_events_zone(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)  # Asia/Ho_Chi_Minh, UTC+7
    store_version(app, event_id, {"R00001": (0, "T001")})
    with Session(app.state.engine) as session:
        version = session.exec(select(m.ScheduleVersion)).one()
        version.created_at = datetime(2026, 11, 18, 20, 15)  # UTC
        session.add(version)
        session.commit()
    page = organiser_client.get(f"/events/{event_id}/versions").text
    assert ("2026-11-19 03:15" in page, "UTC" in page) == (True, False)


def test_a_refused_move_says_why_in_the_readers_language(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T001"), "R00003": (1, "T001")})
    meeting = next(x for x in meetings(app, event_id, 1) if x.request_ext == "R00001")
    organiser_client.cookies.set("lang", "vi")
    response = organiser_client.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": "2026-11-19T08:50:00", "table": "T001"},
        headers={"HX-Request": "true"},
    )
    assert (response.status_code, "already" in response.text, "đã có" in response.text) == (
        422,
        False,
        True,
    )
