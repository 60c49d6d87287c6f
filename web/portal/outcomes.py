"""The participant's meeting outcomes: after each meeting, whether it took place, the
follow-ups wanted, a rating and a private note, one htmx form per meeting; and, from the
agenda during the event, "my partner did not come"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import Db, Me, Now
from web.http.responses import is_htmx
from web.http.sessions import csrf_protect
from web.portal.pages import portal_page
from web.usecases import outcomes
from web.usecases.errors import Conflict, Invalid, Msg

router = APIRouter(dependencies=[Depends(csrf_protect)])
PAGE = "portal/outcomes.html"


@router.get("/p/outcomes")
def page(request: Request, me: Me, db: Db, now: Now) -> Response:
    rows = outcomes.my_meetings(db, me, now)
    context = {"rows": rows, "follow_ups": list(outcomes.FollowUp), "note_max": outcomes.NOTE_MAX}
    return portal_page(request, db, me, PAGE, context)


@router.post("/p/outcomes/{request_ext}")
def save(
    request: Request,
    me: Me,
    db: Db,
    now: Now,
    request_ext: str,
    took_place: Annotated[str, Form()] = "",
    follow_up: Annotated[list[str] | None, Form()] = None,
    rating: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record my answer about one meeting; the meeting's card answers in place (htmx), with
    the answer saved or what is wrong with it."""
    meeting = outcomes.my_meeting(db, me, request_ext, now)
    form = {"took_place": took_place, "follow_up": follow_up or [], "rating": rating, "note": note}
    problem: Msg | None = None
    errors: dict[str, Msg] = {}
    try:
        draft = outcomes.read_form(took_place, follow_up or [], rating, note)
        outcomes.record(db, me, request_ext, draft, now)
    except Invalid as refused:
        problem, errors = refused.message, refused.fields
    except Conflict as refused:
        problem = refused.message
    if problem is None and not is_htmx(request):
        return RedirectResponse(f"/p/outcomes#m-{request_ext}", status_code=303)
    context = {
        "r": outcomes.my_meeting(db, me, request_ext, now) if problem is None else meeting,
        "saved": problem is None,
        "problem": problem,
        "errors": errors,
        "form": form if problem is not None else None,
        "follow_ups": list(outcomes.FollowUp),
        "note_max": outcomes.NOTE_MAX,
    }
    status = 200 if problem is None else 422
    return portal_page(request, db, me, "portal/outcome.html", context, status, block="meeting")


@router.post("/p/agenda/{request_ext}/partner-absent")
def partner_absent(request: Request, me: Me, db: Db, now: Now, request_ext: str) -> Response:
    """Say that the other side of one of my meetings of today did not come; back to the
    agenda, which says the organisers are told. Another's meeting is 404, a meeting not
    yet started or of another day 409 (the error page says why)."""
    outcomes.report_absent(db, me, request_ext, now)
    return RedirectResponse(f"/p/?reported={request_ext}#agenda", status_code=303)
