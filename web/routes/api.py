"""JSON API under /api/, authenticated by organiser tokens (`Authorization: Bearer ...`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from scheduler.formats import FormatError, event_to_json
from web import models as m
from web.db import SessionDep
from web.security import ApiOrganiser
from web.services import schedules, solving
from web.services.events import event_from_db, import_event_json

router = APIRouter(tags=["api"])


class Created(BaseModel):
    id: int


class SolveRequest(BaseModel):
    time_limit: float | None = Field(default=None, ge=1, le=3600)


class JobOut(BaseModel):
    id: int | None
    state: str
    progress: dict[str, Any]
    error: str | None
    version: int | None


def _event(session: SessionDep, event_id: int) -> m.Event:
    event = session.get(m.Event, event_id)
    if event is None:
        raise HTTPException(404, "no such event")
    return event


@router.post("/events", status_code=201, response_model=Created)
def create_event(session: SessionDep, organiser: ApiOrganiser, doc: Any = Body(...)) -> Any:  # noqa: B008
    """Create an event from a `b2b-event/1` document; returns its id."""
    try:
        event = import_event_json(session, doc)
    except FormatError as error:
        session.rollback()
        return JSONResponse({"detail": error.problems}, 422)
    return Created(id=event.id or 0)


@router.get("/events/{event_id}")
def get_event(session: SessionDep, organiser: ApiOrganiser, event_id: int) -> dict[str, Any]:
    """The event as `b2b-event/1`."""
    _event(session, event_id)
    return event_to_json(event_from_db(session, event_id))


def _job_out(session: SessionDep, job: m.SolveJob) -> JobOut:
    version = session.get(m.ScheduleVersion, job.version_id) if job.version_id else None
    return JobOut(id=job.id, state=job.state, progress=job.progress or {}, error=job.error,
                  version=version.number if version else None)  # fmt: skip


@router.post("/events/{event_id}/solve", status_code=202, response_model=JobOut)
def start_solve(
    request: Request,
    session: SessionDep,
    organiser: ApiOrganiser,
    event_id: int,
    body: SolveRequest | None = None,
) -> Any:
    """Start a solve (409 if one is running); poll GET for state and progress."""
    _event(session, event_id)
    settings = request.app.state.settings
    limit = body.time_limit if body and body.time_limit else settings.solve_time_limit
    try:
        job = solving.start_solve(
            session,
            settings.database_url,
            event_id,
            time_limit=limit,
            workers=settings.solve_workers,
        )
    except solving.SolveBusy:
        raise HTTPException(409, "a solve of this event is already running") from None
    return _job_out(session, job)


@router.get("/events/{event_id}/solve", response_model=JobOut)
def solve_state(session: SessionDep, organiser: ApiOrganiser, event_id: int) -> Any:
    """State and progress of the latest solve."""
    _event(session, event_id)
    solving.reap(session, event_id)
    job = solving.latest_job(session, event_id)
    if job is None:
        raise HTTPException(404, "no solve yet")
    session.refresh(job)
    return _job_out(session, job)


@router.get("/events/{event_id}/schedule")
def get_schedule(
    session: SessionDep, organiser: ApiOrganiser, event_id: int, published: bool = False
) -> dict[str, Any]:
    """The latest schedule version as `b2b-schedule/1` (`?published=true`: the published one)."""
    event = _event(session, event_id)
    version = (
        schedules.published_version(session, event_id)
        if published
        else schedules.latest_version(session, event_id)
    )
    if version is None:
        raise HTTPException(404, "no published schedule" if published else "no schedule yet")
    doc = schedules.version_doc(session, version, event.name)
    doc["version"] = version.number
    doc["status"] = version.status
    return doc


@router.post("/events/{event_id}/publish")
def publish(
    session: SessionDep, organiser: ApiOrganiser, event_id: int, version: int | None = None
) -> dict[str, Any]:
    """Publish a version (default: the latest)."""
    _event(session, event_id)
    row = (
        schedules.get_version(session, event_id, version)
        if version
        else schedules.latest_version(session, event_id)
    )
    if row is None:
        raise HTTPException(404, "no such schedule version")
    schedules.publish(session, row)
    return {"published": row.number}
