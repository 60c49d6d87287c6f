"""Walk-in meetings: pick two participants as one types, see the earliest free times in the
published schedule, and book one at once (a new release; the two are told)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from web.http.deps import CourierDep, Db, EditEvent, Event, LinksDep, OutboxDep, ReadEvent
from web.http.responses import redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import walkins
from web.usecases.errors import Invalid, Msg, NotFound, UseCaseError

router = APIRouter(prefix="/events/{event_id}", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/walkin/page.html"


def _needs(value: str) -> tuple[str, ...]:
    return (value.strip(),) if value.strip() else ()


def _chosen(db: Db, event: Event, pid: int) -> walkins.Person | None:
    return walkins.person(db, event.id, pid) if pid else None


def _page(
    request: Request,
    db: Db,
    event: Event,
    a: int,
    b: int,
    needs: str,
    *,
    error: Msg | None = None,
    booked: str = "",
    status_code: int = 200,
) -> Response:
    context: dict[str, object] = {
        "event": event,
        "a": _chosen(db, event, a),
        "b": _chosen(db, event, b),
        "needs": needs,
        "resources": walkins.resources(db, event.id),
        "proposal": None,
        "error": error,
        "booked": walkins.held(db, event.id, booked) if booked else None,
    }
    if a and b:
        try:
            now = datetime.now(UTC)
            context["proposal"] = walkins.propose(db, event.id, a, b, now, needs=_needs(needs))
        except NotFound:
            raise
        except UseCaseError as refused:  # no proposal for this pair: say why on the page
            context["error"] = error or refused.message
    return render(request, PAGE, context, block="proposals", status_code=status_code)


@router.get("/walk-in")
def page(
    request: Request,
    db: Db,
    event: ReadEvent,
    a: int = 0,
    b: int = 0,
    needs: str = "",
    booked: str = "",
) -> Response:
    return _page(request, db, event, a, b, needs, booked=booked)


@router.get("/walk-in/search")
def search(
    request: Request,
    db: Db,
    event: ReadEvent,
    q: str = "",
    pick: str = "a",
    a: int = 0,
    b: int = 0,
    needs: str = "",
) -> Response:
    """The participants matching what is typed, each a link that picks them as `pick`."""
    context = {
        "event": event,
        "found": walkins.people(db, event.id, q),
        "q": q,
        "pick": "b" if pick == "b" else "a",
        "a": a,
        "b": b,
        "needs": needs,
    }
    return render(request, "organiser/walkin/found.html", context)


@router.post("/walk-in")
def book(
    request: Request,
    db: Db,
    event: EditEvent,
    postman: OutboxDep,
    courier: CourierDep,
    links: LinksDep,
    a: Annotated[int, Form()] = 0,
    b: Annotated[int, Form()] = 0,
    start: Annotated[str, Form()] = "",
    needs: Annotated[str, Form()] = "",
) -> Response:
    try:
        try:
            when = datetime.fromisoformat(start)
        except ValueError as bad:
            raise Invalid(Msg("walkin.slot_gone")) from bad
        now = datetime.now(UTC)
        booked = walkins.book(
            db, event.id, a, b, when, postman, links, now=now, needs=_needs(needs)
        )
    except NotFound:
        raise
    except UseCaseError as refused:
        return _page(request, db, event, a, b, needs, error=refused.message, status_code=422)
    courier.kick()
    return redirect(request, f"/events/{event.id}/walk-in?booked={booked.request}")
