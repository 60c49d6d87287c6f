"""The "What would help" panel: ask for advice, follow its progress, apply one suggestion."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web.http.deps import Db, EditEvent, Event, LauncherDep, ReadEvent, SettingsDep
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import advice
from web.usecases.errors import Conflict, Invalid, Msg, NotFound

router = APIRouter(prefix="/events/{event_id}/advice", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/advice.html"


def _panel(
    request: Request,
    db: Db,
    event: Event,
    launcher: LauncherDep,
    *,
    notice: Msg | None = None,
    problem: Msg | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "event": event,
        "panel": advice.panel(db, event.id, launcher.lost_after),
        "notice": notice,
        "problem": problem,
    }
    return render(request, PAGE, context, block="advice", status_code=status_code)


@router.get("")
def show(request: Request, db: Db, event: ReadEvent, launcher: LauncherDep) -> Response:
    """The panel (polling itself while the advice runs), or a page holding it."""
    return _panel(request, db, event, launcher)


@router.post("")
def start(
    request: Request, db: Db, event: EditEvent, settings: SettingsDep, launcher: LauncherDep
) -> Response:
    try:
        advice.start_advice(db, launcher, event.id, workers=settings.solve_workers)
    except Conflict as refused:
        return _panel(request, db, event, launcher, problem=refused.message, status_code=409)
    return _panel(request, db, event, launcher)


@router.post("/cancel")
def cancel(request: Request, db: Db, event: EditEvent, launcher: LauncherDep) -> Response:
    advice.cancel_advice(db, event.id)
    return _panel(request, db, event, launcher)


@router.post("/{job_id}/apply/{index}")
def apply(
    request: Request, db: Db, event: EditEvent, launcher: LauncherDep, job_id: int, index: int
) -> Response:
    try:
        done = advice.apply_suggestion(db, event.id, job_id, index)
    except (Invalid, Conflict) as refused:
        status = 409 if isinstance(refused, Conflict) else 422
        return _panel(request, db, event, launcher, problem=refused.message, status_code=status)
    except NotFound as missing:
        return _panel(request, db, event, launcher, problem=missing.message, status_code=404)
    return _panel(request, db, event, launcher, notice=done)
