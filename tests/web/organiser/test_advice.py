"""The "What would help" panel: advice in the background, and one suggestion applied."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from scheduler.advise import AdviceParams, advise
from scheduler.formats import event_to_json
from tests.conftest import OrganiserClient, import_event_json
from tests.scheduler.bottlenecks import KO, bottleneck_event
from tests.web.helpers import ROOT, store_version
from web import models as m
from web.usecases import mapper

HTMX = {"HX-Request": "true"}
HANOI = ROOT / "samples" / "hanoi-2026.json"  # an advice that runs for minutes


@pytest.fixture(scope="module")
def suggestions() -> list[dict[str, Any]]:
    """The bottleneck event's advice, as an advice job stores it (computed once)."""
    result = advise(bottleneck_event(), AdviceParams(time_limit=20, workers=1))
    return [s.to_json() for s in result.suggestions]


def _load(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return import_event_json(session, event_to_json(bottleneck_event())).id


def _finished_job(app: FastAPI, event_id: int, suggestions: list[dict[str, Any]]) -> int:
    with Session(app.state.engine) as session:
        job = m.AdviceJob(
            event_id=event_id,
            state="succeeded",
            active=False,
            result={"weight": 36, "weight_bound": 36, "suggestions": suggestions},
        )
        session.add(job)
        session.commit()
        return job.id


def _index(suggestions: list[dict[str, Any]], kind: str) -> int:
    return next(i for i, s in enumerate(suggestions) if s["kind"] == kind)


def _running_job(app: FastAPI, event_id: int, silent_for: float = 0.0) -> None:
    """An active advice row whose runner last gave a sign of life `silent_for` seconds ago."""
    beat = m.utcnow() - timedelta(seconds=silent_for)
    with Session(app.state.engine) as session:
        session.add(m.AdviceJob(event_id=event_id, state="running", heartbeat_at=beat))
        session.commit()


def _capacity(app: FastAPI, event_id: int) -> int:
    with Session(app.state.engine) as session:
        return (
            session.exec(
                select(m.Resource).where(m.Resource.event_id == event_id, m.Resource.name == KO)
            )
            .one()
            .capacity
        )


def test_the_review_page_loads_the_panel(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = _load(app)
    number = store_version(app, event_id, {})
    page = organiser_client.get(f"/events/{event_id}/versions/{number}").text
    assert f'hx-get="/events/{event_id}/advice"' in page


def test_advice_runs_in_the_background_and_lists_what_would_help(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _load(app)
    started = organiser_client.post_form(f"/events/{event_id}/advice", {}, headers=HTMX)
    assert started.status_code == 200
    deadline = time.monotonic() + 90
    page = started.text
    while 'id="advice-progress"' in page or "Waiting to start" in page:
        assert time.monotonic() < deadline, "the advice did not finish"
        time.sleep(0.5)
        page = organiser_client.get(f"/events/{event_id}/advice", headers=HTMX).text
    kinds = {
        kind for kind in ("interpreter", "tables", "delegate") if f'data-kind="{kind}"' in page
    }
    assert kinds == {"interpreter", "tables", "delegate"}


def test_applying_the_interpreter_raises_its_capacity(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    job_id = _finished_job(app, event_id, suggestions)
    index = _index(suggestions, "interpreter")
    response = organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{index}", {}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Applied: One more interpreter for Korean" in response.text
    assert _capacity(app, event_id) == 2


def test_only_one_suggestion_of_an_advice_can_be_applied(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    job_id = _finished_job(app, event_id, suggestions)
    organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{_index(suggestions, 'interpreter')}", {}
    )
    second = organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{_index(suggestions, 'tables')}",
        {},
        headers=HTMX,
    )
    assert (second.status_code, "applied already" in second.text) == (409, True)


def test_a_suggestion_measured_on_another_set_up_is_not_applied(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    job_id = _finished_job(app, event_id, suggestions)
    with Session(app.state.engine) as session:
        resource = session.exec(select(m.Resource).where(m.Resource.event_id == event_id)).one()
        resource.capacity = 3  # the organiser changed the set-up since
        session.add(resource)
        session.commit()
    response = organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{_index(suggestions, 'interpreter')}",
        {},
        headers=HTMX,
    )
    assert (response.status_code, "set-up changed" in response.text) == (422, True)
    assert _capacity(app, event_id) == 3


def test_applying_more_tables_adds_pooled_tables(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    job_id = _finished_job(app, event_id, suggestions)
    organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{_index(suggestions, 'tables')}", {}
    )
    with Session(app.state.engine) as session:
        assert mapper.event_of(session, event_id).pooled_table_count == 2


def test_applying_a_longer_session_moves_its_end(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    job_id = _finished_job(app, event_id, suggestions)
    organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{_index(suggestions, 'session')}", {}
    )
    with Session(app.state.engine) as session:
        (row,) = mapper.sessions_of(session, event_id)
        assert f"{row.end:%H:%M}" == "12:00"


def test_applying_a_delegate_moves_the_requests_to_a_new_participant_with_a_table(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    job_id = _finished_job(app, event_id, suggestions)
    index = _index(suggestions, "delegate")
    response = organiser_client.post_form(
        f"/events/{event_id}/advice/{job_id}/apply/{index}", {}, headers=HTMX
    )
    assert "New participant O1-2 takes over 4 requests" in response.text
    with Session(app.state.engine) as session:
        event = mapper.event_of(session, event_id)
    moved = set(suggestions[index]["change"]["requests"])
    assert {r.id for r in event.requests if r.to_id == "O1-2"} == moved
    assert "O1-2" in event.host_table_of()
    assert event.participant_by_id()["O1-2"].organisation == "O1"


def _advice_state(app: FastAPI, ready: Callable[[m.AdviceJob], bool]) -> m.AdviceJob:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with Session(app.state.engine) as session:
            job = session.exec(select(m.AdviceJob)).one()
            if ready(job):
                return job
        time.sleep(0.2)
    raise AssertionError("the advice never got there")


def test_a_running_advice_can_be_cancelled(app: FastAPI, organiser_client: OrganiserClient) -> None:
    """Through the database: the run (a worker on PostgreSQL) sees the request and stops."""
    with Session(app.state.engine) as session:
        event_id = import_event_json(session, json.loads(HANOI.read_text())).id
    organiser_client.post_form(f"/events/{event_id}/advice", {})
    _advice_state(app, lambda job: job.state == "running")
    organiser_client.post_form(f"/events/{event_id}/advice/cancel", {})
    job = _advice_state(app, lambda job: not job.active)
    assert (job.state, job.error) == ("cancelled", "advice.cancelled")


def test_a_second_advice_while_one_runs_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _load(app)
    _running_job(app, event_id)  # its runner gave a sign of life just now
    response = organiser_client.post_form(f"/events/{event_id}/advice", {}, headers=HTMX)
    assert (response.status_code, "already being worked out" in response.text) == (409, True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_advice_nothing_runs_any_more_is_reported_as_crashed(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """SQLite: the web process that ran it was killed (on PostgreSQL the workers notice,
    tests/web/test_jobqueue.py)."""
    event_id = _load(app)
    _running_job(app, event_id, silent_for=3600)
    page = organiser_client.get(f"/events/{event_id}/advice").text
    assert "stopped unexpectedly" in page


def test_the_panel_is_a_page_of_its_own_without_htmx(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = _load(app)
    page = organiser_client.get(f"/events/{event_id}/advice").text
    assert "<h1>What would help</h1>" in page and 'id="start-advice"' in page


def test_a_suggestion_reads_in_vietnamese(
    app: FastAPI, organiser_client: OrganiserClient, suggestions: list[dict[str, Any]]
) -> None:
    event_id = _load(app)
    _finished_job(app, event_id, suggestions)
    organiser_client.cookies.set("lang", "vi")
    page = organiser_client.get(f"/events/{event_id}/advice").text
    assert "Thêm một phiên dịch viên tiếng Hàn" in page and "Áp dụng vào thiết lập" in page
