"""No-shows: who has not come to the session under way; mark them absent and re-solve."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web import messages
from web.http.deps import Db, EditEvent, LauncherDep, Now, ReadEvent, SettingsDep
from web.http.responses import form_lists, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import availability, noshows, solving
from web.usecases.errors import Conflict, Invalid

router = APIRouter(prefix="/events/{event_id}/no-shows", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/noshows.html"
RESOLVE_SECONDS = 10.0  # the re-solve answers in seconds (bench.resolve)


@router.get("")
def show(request: Request, db: Db, event: ReadEvent, settings: SettingsDep, clock: Now) -> Response:
    now = availability.event_time(clock, event.timezone)
    context = {
        "event": event,
        "board": noshows.board(db, event.id, now, settings.no_show_minutes),
        "now": now,
    }
    return render(request, PAGE, context)


@router.post("")
async def mark(
    request: Request,
    db: Db,
    event: EditEvent,
    settings: SettingsDep,
    launcher: LauncherDep,
    clock: Now,
) -> Response:
    form = await form_lists(request)
    # one person may be ticked twice: not checked in, and reported by a partner
    ids = list(
        dict.fromkeys(int(x) for x in form.get("participant", []) if x.isascii() and x.isdigit())
    )
    scope = noshows.Scope.DAY if form.get("scope") == ["day"] else noshows.Scope.SESSION
    now = availability.event_time(clock, event.timezone)
    try:
        noshows.mark_absent(db, event.id, ids, scope, now)
    except Invalid as refused:
        context = {
            "event": event,
            "board": noshows.board(db, event.id, now, settings.no_show_minutes),
            "now": now,
            "form_error": messages.text(refused.message),
        }
        return render(request, PAGE, context, status_code=422)
    try:
        solving.start_solve(
            db,
            launcher,
            event.id,
            time_limit=RESOLVE_SECONDS,
            max_time_limit=settings.solve_time_limit_max,
            workers=settings.solve_workers,
            from_release=True,
        )
    except Conflict:  # a solve runs already: the absences stand, re-solve once it ends
        return redirect(request, f"/events/{event.id}/solve?absent={len(ids)}")
    return redirect(request, f"/events/{event.id}/solve")
