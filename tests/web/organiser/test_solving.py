"""Solving from the organiser's page: a job run by a worker, progress, cancel, failures."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient, import_event_json
from tests.web.helpers import ROOT, free_slot, load_tiny, meetings, wait_for_job
from web import models as m

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _running_job(app: FastAPI, event_id: int, silent_for: float = 0.0) -> None:
    """An active job row whose runner last gave a sign of life `silent_for` seconds ago."""
    beat = m.utcnow() - timedelta(seconds=silent_for)
    with Session(app.state.engine) as session:
        session.add(m.SolveJob(event_id=event_id, state="running", heartbeat_at=beat))
        session.commit()


def _lost_job(app: FastAPI, event_id: int) -> None:
    """A job of a web process that was killed: its heartbeat stopped long ago."""
    _running_job(app, event_id, silent_for=3600)


def _versions(app: FastAPI) -> list[m.ScheduleVersion]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(m.ScheduleVersion)))


def test_a_solve_makes_a_draft_version(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    assert 'id="job-state">succeeded' in wait_for_job(organiser_client, event_id)


def test_a_second_solve_while_one_runs_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _running_job(app, event_id)  # alive: its heartbeat is fresh
    response = organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    assert (response.status_code, "already running" in response.text) == (409, True)


@pytest.mark.parametrize("base", ["²", "99999999999999999999999"])
def test_an_odd_base_version_is_ignored(
    app: FastAPI, organiser_client: OrganiserClient, base: str
) -> None:
    event_id = load_tiny(app)
    _running_job(app, event_id)  # so that nothing is started
    response = organiser_client.post_form(
        f"/events/{event_id}/solve", {"time_limit": "2", "base_version": base}
    )
    assert response.status_code == 409


@pytest.mark.parametrize("limit", ["0", "abc", "601"])
def test_a_time_limit_outside_1_to_600_seconds_is_refused(
    app: FastAPI, organiser_client: OrganiserClient, limit: str
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": limit})
    assert (response.status_code, "1 to 600 seconds" in response.text) == (422, True)


@SQLITE_ONLY
def test_a_crashed_solver_is_reported(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    _lost_job(app, event_id)
    assert "stopped unexpectedly" in organiser_client.get(f"/events/{event_id}/solve").text


@SQLITE_ONLY
def test_a_crashed_solver_writes_no_version(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _lost_job(app, event_id)
    organiser_client.get(f"/events/{event_id}/solve")
    assert _versions(app) == []


@SQLITE_ONLY
def test_after_a_crash_a_new_solve_may_start(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _lost_job(app, event_id)
    response = organiser_client.post_form(
        f"/events/{event_id}/solve", {"time_limit": "2"}, follow_redirects=False
    )
    assert response.status_code == 303


@SQLITE_ONLY
def test_the_crash_report_is_in_the_readers_language(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """Stored as a message code: detected on an English page, read on a Vietnamese one."""
    event_id = load_tiny(app)
    _lost_job(app, event_id)
    organiser_client.get(f"/events/{event_id}/solve")
    organiser_client.cookies.set("lang", "vi")
    page = organiser_client.get(f"/events/{event_id}/solve").text
    assert "stopped unexpectedly" not in page and "Tiến trình xếp lịch dừng bất thường" in page


def test_a_running_solve_can_be_cancelled(app: FastAPI, organiser_client: OrganiserClient) -> None:
    with Session(app.state.engine) as session:
        doc = json.loads((ROOT / "samples/hanoi-2026.json").read_text())
        event_id = import_event_json(session, doc).id
    organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": "60"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with Session(app.state.engine) as session:
            if session.exec(select(m.SolveJob)).one().state == "running":
                break
        time.sleep(0.2)
    organiser_client.post_form(f"/events/{event_id}/solve/cancel")
    page = wait_for_job(organiser_client, event_id, timeout=120)
    assert "cancelled</span>" in page and "Cancelled by the organiser" in page


def test_an_infeasible_solve_fails_with_a_reason(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        request = session.exec(select(m.MeetingRequest).order_by(m.MeetingRequest.ext_id)).first()
        assert request is not None  # the sample has requests
        request.required = True
        a, b = (
            session.get(m.Participant, request.from_id),
            session.get(m.Participant, request.to_id),
        )
        assert a is not None and b is not None  # both sides exist
        a.available, b.available = ["d1-am"], ["d1-pm"]
        session.add_all([request, a, b])
        session.commit()
    organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    page = wait_for_job(organiser_client, event_id)
    assert "failed</span>" in page and "No schedule" in page and _versions(app) == []


def test_a_re_solve_keeps_the_pinned_meetings(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    wait_for_job(organiser_client, event_id)
    meeting = meetings(app, event_id, 1)[0]
    start, table = free_slot(app, event_id, meeting)
    organiser_client.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": start.isoformat(), "table": table},
    )
    organiser_client.post_form(
        f"/events/{event_id}/solve", {"time_limit": "2", "base_version": str(meeting.version_id)}
    )
    wait_for_job(organiser_client, event_id)
    again = next(x for x in meetings(app, event_id, 2) if x.request_ext == meeting.request_ext)
    assert (again.start, again.pinned) == (start, True)


def _job_at(app: FastAPI, event_id: int, progress: dict[str, object]) -> None:
    """A running 30-second solve that started 10 s ago and last reported `progress`."""
    now = m.utcnow()
    with Session(app.state.engine) as session:
        session.add(
            m.SolveJob(
                event_id=event_id,
                state="running",
                heartbeat_at=now,
                started_at=now - timedelta(seconds=10),
                params={"time_limit": 30},
                progress=progress,
            )
        )
        session.commit()


WEIGHING = {
    "phase": "weight",
    "elapsed": 4.6,
    "meetings": 600,
    "weight": 2470,
    "weight_bound": 2481,
}


def test_the_progress_bar_measures_time_against_the_limit_and_names_the_phase(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _job_at(app, event_id, WEIGHING)
    page = organiser_client.get(f"/events/{event_id}/solve").text
    label = re.search(r'<label for="job-time" id="job-time-label">([^<]*)</label>', page)
    bar = re.search(r'<progress id="job-time" max="30.0" value="(\d+\.\d+)">', page)
    assert label and bar
    assert re.fullmatch(r"Phase: proving the best weight · 10(\.\d)? s of at most 30 s", label[1])
    assert 10 <= float(bar[1]) < 12


def test_the_weight_found_is_a_figure_against_its_bound(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _job_at(app, event_id, WEIGHING)
    page = organiser_client.get(f"/events/{event_id}/solve").text
    figure = re.search(r'<div class="stat" id="job-weight">(.*?)</div>', page, re.S)
    assert figure and re.sub(r"\s+", " ", figure[1]).strip() == (
        "Weight found vs bound <b>2,470 / 2,481</b> "
        '<span class="muted">99.6 % of the most any schedule can hold</span>'
    )
