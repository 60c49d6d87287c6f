"""JSON API routes: create and read events, solve, read and publish schedules, calendars."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import JSONResponse, Response

from scheduler.formats import FormatError
from web import messages
from web.api.schemas import (
    B2BEvent,
    B2BSchedule,
    Created,
    ErrorOut,
    JobOut,
    Problems,
    Published,
    SolveRequest,
)
from web.http.deps import (
    ApiEditEvent,
    ApiOrganiser,
    ApiPublishEvent,
    ApiReadEvent,
    CourierDep,
    Db,
    Job,
    LauncherDep,
    LinksDep,
    OutboxDep,
    SettingsDep,
)
from web.http.responses import ICS, download
from web.i18n import _
from web.usecases import calendars, events, exports, jobs, publishing, solving, versions

# What any call may answer besides its own success (documented once for every operation).
router = APIRouter(
    tags=["api"],
    responses={
        400: {"model": ErrorOut, "description": "the body is not JSON"},
        401: {"model": ErrorOut, "description": "missing or unknown bearer token"},
        403: {"model": ErrorOut, "description": "the token's organiser may not do this"},
        404: {"model": ErrorOut, "description": "no such event (or not yours), or nothing yet"},
        422: {"model": Problems, "description": "invalid input, each problem by its path"},
    },
)
EVENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B2BEvent"}}},
    }
}


@router.post(
    "/events",
    status_code=201,
    response_model=Created,
    openapi_extra=EVENT_BODY,
)
def create_event(db: Db, organiser: ApiOrganiser, doc: Annotated[dict[str, Any], Body()]) -> Any:
    """Create an event from a `b2b-event/1` document; returns its id."""
    try:
        event = events.import_event(db, organiser, doc)
    except FormatError as error:
        return JSONResponse({"detail": error.problems}, 422)
    return Created(id=event.id)


@router.get("/events/{event_id}", response_model=None, responses={200: {"model": B2BEvent}})
def get_event(db: Db, event: ApiReadEvent) -> dict[str, Any]:
    """The event as `b2b-event/1`."""
    return events.event_document(db, event)


def _job_out(db: Db, event_id: int, job: Job) -> JobOut:
    version = versions.version_by_id(db, event_id, job.version_id)
    error = jobs.error_of(job)
    return JobOut.model_validate(
        {
            "id": job.id,
            "state": job.state,
            "progress": job.progress or {},
            "error": messages.text(error) if error else None,
            "version": version.number if version else None,
        }
    )


@router.post(
    "/events/{event_id}/solve",
    status_code=202,
    response_model=JobOut,
    responses={409: {"model": ErrorOut, "description": "a solve of this event is running"}},
)
def start_solve(
    db: Db,
    event: ApiEditEvent,
    settings: SettingsDep,
    launcher: LauncherDep,
    body: SolveRequest | None = None,
) -> JobOut:
    """Start a solve (409 if one is running); poll GET for state and progress."""
    limit = body.time_limit if body and body.time_limit else settings.solve_time_limit
    job = solving.start_solve(
        db,
        launcher,
        event.id,
        time_limit=limit,
        max_time_limit=settings.solve_time_limit_max,
        workers=settings.solve_workers,
    )
    return _job_out(db, event.id, job)


@router.get("/events/{event_id}/solve", response_model=JobOut)
def solve_state(db: Db, event: ApiReadEvent, launcher: LauncherDep) -> JobOut:
    """State and progress of the latest solve."""
    solving.reap(db, event.id, launcher.lost_after)
    job = solving.latest_job(db, event.id)
    if job is None:
        raise HTTPException(404, _("No solve yet."))
    return _job_out(db, event.id, job)


@router.get(
    "/events/{event_id}/schedule", response_model=None, responses={200: {"model": B2BSchedule}}
)
def get_schedule(db: Db, event: ApiReadEvent, published: bool = False) -> dict[str, Any]:
    """The latest schedule version as `b2b-schedule/1` (`?published=true`: the published one)."""
    if published:
        version = versions.published_version(db, event.id)
    else:
        version = versions.latest_version(db, event.id)
    if version is None:
        raise HTTPException(
            404, _("No published schedule.") if published else _("No schedule yet.")
        )
    return exports.schedule_document(db, version) | {
        "version": version.number,
        "status": version.status,
    }


@router.post("/events/{event_id}/publish", response_model=Published)
def publish(
    db: Db,
    event: ApiPublishEvent,
    postman: OutboxDep,
    courier: CourierDep,
    links: LinksDep,
    version: int | None = None,
) -> Published:
    """Publish a version (`?version=n`; default: the latest) as a new release; change
    notices are queued in the outbox and sent after the publish committed."""
    row = publishing.version_to_publish(db, event.id, version)
    outcome = publishing.publish(db, row, postman, links)
    courier.kick()
    return Published(published=row.number, release=outcome.release, notified=outcome.notified)


@router.get("/events/{event_id}/participants/{participant_id}/calendar.ics")
def participant_calendar(db: Db, event: ApiReadEvent, participant_id: str) -> Response:
    """The published agenda of one participant (`participant_id`: its id in b2b-event/1)."""
    person = calendars.participant_by_ext(db, event.id, participant_id)
    if person is None:
        raise HTTPException(404, _("No such participant."))
    data = calendars.agenda_ics(db, event.id, person.ext_id, _("Table"))
    if data is None:
        raise HTTPException(404, _("No published schedule."))
    return download(data, ICS, f"{person.ext_id}.ics")
