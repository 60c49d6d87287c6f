"""Walk-in meetings from the portal, when the organiser allows them: find someone of the
other side, see the earliest times both are free, book one at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from web.http.deps import CourierDep, Db, LinksDep, Me, OutboxDep, Participant
from web.http.responses import redirect
from web.http.sessions import csrf_protect
from web.portal.pages import portal_page
from web.usecases import walkins
from web.usecases.errors import Forbidden, Invalid, Msg, NotFound, UseCaseError

router = APIRouter(dependencies=[Depends(csrf_protect)])
PAGE = "portal/walkin.html"


def _open(db: Db, me: Participant) -> None:
    if not walkins.allowed(db, me):
        raise Forbidden(Msg("walkin.portal_off"))


def _page(
    request: Request,
    db: Db,
    me: Participant,
    other: int,
    *,
    error: Msg | None = None,
    booked: str = "",
    status_code: int = 200,
) -> Response:
    context: dict[str, object] = {
        "other": walkins.person(db, me.event_id, other) if other else None,
        "proposal": None,
        "error": error,
        "booked": walkins.held(db, me.event_id, booked, of=me) if booked else None,
    }
    if other:
        try:
            context["proposal"] = walkins.propose_for(db, me, other, datetime.now(UTC))
        except (NotFound, Forbidden):
            raise
        except UseCaseError as refused:  # nothing to propose: say why on the page
            context["error"] = error or refused.message
    return portal_page(request, db, me, PAGE, context, status_code, block="proposals")


@router.get("/p/walk-in")
def page(request: Request, me: Me, db: Db, other: int = 0, booked: str = "") -> Response:
    _open(db, me)
    return _page(request, db, me, other, booked=booked)


@router.get("/p/walk-in/search")
def search(request: Request, me: Me, db: Db, q: str = "") -> Response:
    """People of the other side matching what is typed."""
    _open(db, me)
    context = {"found": walkins.people(db, me.event_id, q, meeting=me), "q": q}
    return portal_page(request, db, me, "portal/walkin_found.html", context)


@router.post("/p/walk-in")
def book(
    request: Request,
    me: Me,
    db: Db,
    postman: OutboxDep,
    courier: CourierDep,
    links: LinksDep,
    other: Annotated[int, Form()] = 0,
    start: Annotated[str, Form()] = "",
) -> Response:
    _open(db, me)
    try:
        try:
            when = datetime.fromisoformat(start)
        except ValueError as bad:
            raise Invalid(Msg("walkin.slot_gone")) from bad
        booked = walkins.book_for(db, me, other, when, postman, links, now=datetime.now(UTC))
    except (NotFound, Forbidden):
        raise
    except UseCaseError as refused:
        return _page(request, db, me, other, error=refused.message, status_code=422)
    courier.kick()
    return redirect(request, f"/p/walk-in?booked={booked.request}")
