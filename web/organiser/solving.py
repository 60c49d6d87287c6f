"""Solve page: start a solve, poll its progress, cancel it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web import messages
from web.http.deps import Db, EditEvent, Event, LauncherDep, ReadEvent, SettingsDep
from web.http.responses import form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import jobs, solving, versions
from web.usecases.errors import Conflict, Invalid, Msg

router = APIRouter(prefix="/events/{event_id}/solve", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/solve.html"


def _context(db: Db, event: Event, launcher: LauncherDep) -> dict[str, object]:
    solving.reap(db, event.id, launcher.lost_after)
    job = solving.latest_job(db, event.id)
    return {
        "event": event,
        "job": job,
        "job_error": jobs.error_of(job) if job else None,
        "elapsed": jobs.elapsed(job) if job else 0.0,
        "versions": versions.versions(db, event.id),
        "version": versions.version_by_id(db, event.id, job.version_id) if job else None,
        "published": versions.published_version(db, event.id),
    }


@router.get("")
def solve_page(
    request: Request, db: Db, event: ReadEvent, launcher: LauncherDep, absent: int = 0
) -> Response:
    """The solve page; its `job` block polls itself while the job is active. `absent`:
    people just marked absent while another solve ran (re-solve once it ends)."""
    context = _context(db, event, launcher) | {"absent": absent}
    return render(request, PAGE, context, block="job")


@router.post("")
async def start(
    request: Request, db: Db, event: EditEvent, settings: SettingsDep, launcher: LauncherDep
) -> Response:
    form = await form_strings(request)
    try:
        time_limit = float(form.get("time_limit") or settings.solve_time_limit)
    except ValueError:
        time_limit = -1.0  # refused below with the range it must be in
    try:
        solving.start_solve(
            db,
            launcher,
            event.id,
            time_limit=time_limit,
            max_time_limit=settings.solve_time_limit_max,
            workers=settings.solve_workers,
            base_version_id=solving.base_version_id(db, event.id, form.get("base_version")),
            from_release=form.get("from") == "release",
        )
    except (Invalid, Conflict) as refused:
        status = 409 if isinstance(refused, Conflict) else 422
        return _refused(request, db, event, launcher, refused.message, status)
    return redirect(request, f"/events/{event.id}/solve")


def _refused(
    request: Request, db: Db, event: Event, launcher: LauncherDep, why: Msg, status: int
) -> Response:
    context = _context(db, event, launcher) | {"form_error": messages.text(why)}
    return render(request, PAGE, context, status_code=status)


@router.post("/cancel")
def cancel(request: Request, db: Db, event: EditEvent) -> Response:
    solving.cancel_active(db, event.id)
    return redirect(request, f"/events/{event.id}/solve")
