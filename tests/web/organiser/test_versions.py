"""Schedule versions: review, grid, agendas, moving and pinning, publishing, changes, exports."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from scheduler.formats import load_json, parse_schedule
from tests.conftest import OrganiserClient
from tests.web.helpers import domain_event, free_slot, load_tiny, meetings, person, store_version
from web import models as m

PLACED = {"R00001": (0, "T001"), "R00003": (1, "T001")}  # two meetings of B001-1


def _version(app: FastAPI, client: OrganiserClient) -> tuple[int, m.Meeting]:
    """An event with version 1 holding PLACED; the event id and R00001's meeting."""
    event_id = load_tiny(app)
    store_version(app, event_id, PLACED)
    return event_id, next(x for x in meetings(app, event_id, 1) if x.request_ext == "R00001")


def _move(
    client: OrganiserClient, event_id: int, meeting: m.Meeting, start: str, table: str
) -> Any:
    return client.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": start, "table": table},
        headers={"HX-Request": "true"},
    )


def _statuses(app: FastAPI) -> dict[int, str]:
    with Session(app.state.engine) as session:
        return {v.number: v.status for v in session.exec(select(m.ScheduleVersion))}


def test_the_review_page_summarises_the_version(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _meeting = _version(app, organiser_client)
    review = organiser_client.get(f"/events/{event_id}/versions/1").text
    assert '<b id="sum-meetings">2</b>' in review


def test_the_grid_shows_each_meeting_at_its_table(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _meeting = _version(app, organiser_client)
    grid = organiser_client.get(f"/events/{event_id}/versions/1/grid").text
    assert grid.count('data-request="R000') == 2


def test_a_participants_agenda_lists_their_meetings(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _meeting = _version(app, organiser_client)
    buyer = person(app, "B001-1")
    agenda = organiser_client.get(f"/events/{event_id}/versions/1/agenda/{buyer.id}").text
    assert "2026-11-19 08:30" in agenda and "2026-11-19 08:50" in agenda


def test_the_participant_page_links_their_agenda(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _meeting = _version(app, organiser_client)
    buyer = person(app, "B001-1")
    page = organiser_client.get(f"/events/{event_id}/participants/{buyer.id}").text
    assert "Agenda in schedule version 1" in page


def test_an_unknown_version_is_not_found(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    assert organiser_client.get(f"/events/{event_id}/versions/9").status_code == 404


def test_a_move_onto_a_busy_slot_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, meeting = _version(app, organiser_client)
    response = _move(organiser_client, event_id, meeting, "2026-11-19T08:50:00", "T001")
    assert (response.status_code, "breaks a rule" in response.text) == (422, True)


def test_a_refused_move_changes_nothing(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id, meeting = _version(app, organiser_client)
    _move(organiser_client, event_id, meeting, "2026-11-19T08:50:00", "T001")
    moved = next(x for x in meetings(app, event_id, 1) if x.request_ext == "R00001")
    assert (moved.start, moved.pinned) == (meeting.start, False)


def test_a_move_to_an_unreadable_time_names_the_input(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, meeting = _version(app, organiser_client)
    response = _move(organiser_client, event_id, meeting, "soon", "T001")
    assert (response.status_code, "soon" in response.text, "1-01-01" in response.text) == (
        422,
        True,
        False,
    )


def test_a_move_in_a_draft_edits_it_and_pins_the_meeting(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, meeting = _version(app, organiser_client)
    start, table = free_slot(app, event_id, meeting)
    organiser_client.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": start.isoformat(), "table": table},
    )
    moved = next(x for x in meetings(app, event_id, 1) if x.request_ext == "R00001")
    assert (moved.start, moved.table_ext, moved.pinned) == (start, table, True)


def _publish_then_move(app: FastAPI, client: OrganiserClient) -> tuple[int, str]:
    event_id, meeting = _version(app, client)
    client.post_form(f"/events/{event_id}/versions/1/publish")
    start, table = free_slot(app, event_id, meeting)
    response = client.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": start.isoformat(), "table": table},
        follow_redirects=False,
    )
    return event_id, response.headers["location"]


def test_a_move_in_a_published_version_goes_into_a_new_draft(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, location = _publish_then_move(app, organiser_client)
    assert urlsplit(location).path == f"/events/{event_id}/versions/2/grid"


def test_the_published_version_stays_published_after_a_move(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    _publish_then_move(app, organiser_client)
    assert _statuses(app) == {1: "published", 2: "draft"}


def test_the_draft_copy_says_which_version_it_copies(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _location = _publish_then_move(app, organiser_client)
    page = organiser_client.get(f"/events/{event_id}/versions").text
    assert "copy of version 1" in page


def test_the_copy_note_is_in_the_readers_language(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _location = _publish_then_move(app, organiser_client)
    organiser_client.cookies.set("lang", "vi")
    page = organiser_client.get(f"/events/{event_id}/versions").text
    assert "copy of version 1" not in page


def test_a_hand_edited_version_claims_no_optimality(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _location = _publish_then_move(app, organiser_client)
    edited = organiser_client.get(f"/events/{event_id}/versions/2").text
    assert "<b>edited</b>" in edited


def test_the_comparison_lists_the_moved_meeting_as_moved(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _location = _publish_then_move(app, organiser_client)
    diff = organiser_client.get(f"/events/{event_id}/versions/diff?a=1&b=2").text
    moved = diff.split("<h2>Moved</h2>", 1)[1].split("<h2>", 1)[0]
    assert (moved.count("<li>"), "R00001:" in moved) == (1, True)


def test_the_comparison_counts_the_changes(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id, _location = _publish_then_move(app, organiser_client)
    diff = organiser_client.get(f"/events/{event_id}/versions/diff?a=1&b=2").text
    assert "0 added, 1 moved, 0 dropped." in diff


def test_pinning_a_meeting_of_a_draft_pins_it(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, meeting = _version(app, organiser_client)
    organiser_client.post_form(f"/events/{event_id}/versions/1/meetings/{meeting.id}/pin")
    assert next(x for x in meetings(app, event_id, 1) if x.id == meeting.id).pinned


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_version_exports(app: FastAPI, organiser_client: OrganiserClient, kind: str) -> None:
    event_id, _meeting = _version(app, organiser_client)
    assert organiser_client.get(f"/events/{event_id}/versions/1/export.{kind}").status_code == 200


def test_an_unknown_export_format_is_not_found(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _meeting = _version(app, organiser_client)
    assert organiser_client.get(f"/events/{event_id}/versions/1/export.pdf").status_code == 404


def test_the_json_export_is_a_schedule_of_the_event(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, _meeting = _version(app, organiser_client)
    text = organiser_client.get(f"/events/{event_id}/versions/1/export.json").text
    schedule = parse_schedule(load_json(text), domain_event(app, event_id))
    assert [(x.request_id, x.slot_idx, x.table_id) for x in schedule.meetings] == [
        ("R00001", 0, "T001"),
        ("R00003", 1, "T001"),
    ]


def test_the_json_export_of_an_edited_version_keeps_to_the_contract(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """A hand edit is a valid schedule without a proof: `feasible`, a status of b2b-schedule/1."""
    event_id, _location = _publish_then_move(app, organiser_client)
    doc = json.loads(organiser_client.get(f"/events/{event_id}/versions/2/export.json").text)
    assert doc["stats"]["status"] == "feasible"


def test_a_refused_move_answers_with_the_move_form_alone(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, meeting = _version(app, organiser_client)
    answer = _move(organiser_client, event_id, meeting, "2026-11-19T08:50:00", "T001").text
    assert (answer.count("<form"), 'id="move-form"' in answer) == (1, True)


def test_the_move_page_names_both_sides(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id, meeting = _version(app, organiser_client)
    page = organiser_client.get(f"/events/{event_id}/versions/1/meetings/{meeting.id}").text
    found = re.search(r'id="meeting-between">([^<]*)<', page)
    assert found is not None
    assert " – " in found.group(1) and found.group(1).count("(") == 2


def test_a_suggested_time_moves_the_meeting_there_and_the_grid_says_so(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id, meeting = _version(app, organiser_client)
    page = organiser_client.get(f"/events/{event_id}/versions/1/meetings/{meeting.id}").text
    first = re.search(r'name="suggested" value="([^"]+)"', page)
    assert first is not None
    start, _, table = first.group(1).partition("|")
    grid = organiser_client.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}", {"suggested": first.group(1)}
    ).text
    moved = next(x for x in meetings(app, event_id, 1) if x.request_ext == "R00001")
    assert ((moved.start.isoformat(), moved.table_ext), 'id="moved-notice"' in grid) == (
        (start, table),
        True,
    )
