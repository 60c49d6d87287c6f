"""Solve page: start a solve, poll its progress, cancel it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web import models as m
from web.db import SessionDep
from web.i18n import _
from web.routes.events import EventDep, _form, redirect
from web.security import CurrentOrganiser, csrf_protect
from web.services import schedules, solving
from web.templating import render

router = APIRouter(prefix="/events/{event_id}/solve", dependencies=[Depends(csrf_protect)])


def _context(session: SessionDep, event: m.Event) -> dict[str, object]:
    assert event.id is not None
    solving.reap(session, event.id)
    job = solving.latest_job(session, event.id)
    return {
        "event": event, "job": job, "elapsed": solving.elapsed(job) if job else 0.0,
        "versions": schedules.versions(session, event.id),
        "version": session.get(m.ScheduleVersion, job.version_id) if job and job.version_id else None,
    }  # fmt: skip


@router.get("")
def solve_page(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    """The solve page; its `job` block polls itself while the job is active."""
    return render(request, "solve.html", _context(session, event), block="job")


@router.post("")
async def start(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    assert event.id is not None
    form = await _form(request)
    settings = request.app.state.settings
    try:
        time_limit = float(form.get("time_limit") or settings.solve_time_limit)
        if not 1 <= time_limit <= 3600:
            raise ValueError
    except ValueError:
        context = _context(session, event) | {
            "form_error": _("The time limit must be 1 to 3600 seconds.")
        }
        return render(request, "solve.html", context, status_code=422)
    base = form.get("base_version")
    base_ok = base is not None and base.isascii() and base.isdigit() and len(base) < 10
    base_row = session.get(m.ScheduleVersion, int(base)) if base_ok else None
    base_id = base_row.id if base_row and base_row.event_id == event.id else None
    try:
        solving.start_solve(session, settings.database_url, event.id, time_limit=time_limit,
                            workers=settings.solve_workers, base_version_id=base_id)  # fmt: skip
    except solving.SolveBusy:
        context = _context(session, event) | {
            "form_error": _("A solve of this event is already running.")
        }
        return render(request, "solve.html", context, status_code=409)
    return redirect(request, f"/events/{event.id}/solve")


@router.post("/cancel")
def cancel(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    assert event.id is not None
    job = solving.active_job(session, event.id)
    if job is not None:
        solving.cancel(session, job)
    return redirect(request, f"/events/{event.id}/solve")
