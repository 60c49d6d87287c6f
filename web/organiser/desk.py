"""The check-in desk: find a participant as the desk types or scans their QR code, mark
them arrived (or undo it), print their agenda; arrived / expected per session; badges."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import CurrentOrganiser, Db, EditEvent, Event, LinksDep, ReadEvent
from web.http.responses import is_htmx
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import calendars, checkin
from web.usecases.errors import NotFound

router = APIRouter(prefix="/events/{event_id}", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/desk/page.html"
# What the desk's counts listen to: a check-in or undo refreshes them at once, not at the
# next poll.
CHANGED = {"HX-Trigger": "checkin-changed"}


def _person(db: Db, links: LinksDep, arrival: checkin.Arrival) -> dict[str, object]:
    """What the desk shows of one participant: who, whether and when they arrived, their
    QR code and their agenda in the published version."""
    row = arrival.check_in
    code = checkin.check_in_code(links.secret, arrival.participant)
    return {
        "person": arrival,
        "by": checkin.checked_in_by(db, row) if row else None,
        "qr": checkin.qr_svg(code),
        "agenda": calendars.agenda(db, arrival.participant),
    }


def _render(
    request: Request,
    db: Db,
    event: Event,
    context: Mapping[str, object],
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The desk page, or only `block` of it for htmx; each route computes what its block
    shows, and the whole page (a browser without htmx) gets the rest here."""
    base: dict[str, object] = {"event": event, "q": "", "found": [], "person": None}
    if block is None or not is_htmx(request):
        base["counts"] = checkin.counts(db, event.id)
    return render(
        request, PAGE, {**base, **context}, block=block, status_code=status_code, headers=headers
    )


@router.get("/desk")
def desk(
    request: Request, db: Db, event: ReadEvent, links: LinksDep, q: str = "", participant: int = 0
) -> Response:
    context: dict[str, object] = {"q": q, "found": checkin.find(db, event.id, q)}
    if participant:
        context |= _person(db, links, checkin.arrival(db, event.id, participant))
    return _render(request, db, event, context)


@router.get("/desk/search")
def search(request: Request, db: Db, event: ReadEvent, links: LinksDep, q: str = "") -> Response:
    """The participants matching what is typed (the desk asks again on every keystroke)."""
    context = {"q": q, "found": checkin.find(db, event.id, q)}
    return _render(request, db, event, context, block="results")


@router.get("/desk/counts")
def counts(request: Request, db: Db, event: ReadEvent) -> Response:
    """Arrived / expected per session (the desk polls it)."""
    return _render(request, db, event, {"counts": checkin.counts(db, event.id)}, block="counts")


@router.get("/desk/code")
def code(request: Request, db: Db, event: ReadEvent, links: LinksDep, code: str = "") -> Response:
    """The participant whose QR code was scanned, or why the code names nobody here."""
    if not code.strip():  # nothing scanned yet
        return _render(request, db, event, {}, block="person")
    try:
        found = checkin.participant_of_code(db, links.secret, event.id, code)
    except NotFound as refused:
        problem = {"problem": refused.message}
        return _render(request, db, event, problem, block="person", status_code=422)
    context = _person(db, links, checkin.arrival(db, event.id, found.id))
    return _render(request, db, event, context, block="person")


@router.get("/desk/participants/{participant_id}")
def participant(
    request: Request, db: Db, event: ReadEvent, links: LinksDep, participant_id: int
) -> Response:
    context = _person(db, links, checkin.arrival(db, event.id, participant_id))
    return _render(request, db, event, context, block="person")


def _changed(
    request: Request, db: Db, event: Event, links: LinksDep, participant_id: int
) -> Response:
    if not is_htmx(request):
        url = f"/events/{event.id}/desk?participant={participant_id}"
        return RedirectResponse(url, status_code=303)
    context = _person(db, links, checkin.arrival(db, event.id, participant_id))
    return _render(request, db, event, context, block="changed", headers=CHANGED)


@router.post("/desk/participants/{participant_id}/check-in")
def check_in(
    request: Request,
    db: Db,
    event: EditEvent,
    links: LinksDep,
    organiser: CurrentOrganiser,
    participant_id: int,
) -> Response:
    checkin.check_in(db, event.id, participant_id, organiser)
    return _changed(request, db, event, links, participant_id)


@router.post("/desk/participants/{participant_id}/undo")
def undo(
    request: Request, db: Db, event: EditEvent, links: LinksDep, participant_id: int
) -> Response:
    checkin.undo(db, event.id, participant_id)
    return _changed(request, db, event, links, participant_id)


@router.get("/badges")
def badges(
    request: Request, db: Db, event: ReadEvent, links: LinksDep, participant: int = 0
) -> Response:
    """Badges to print (name, organisation, QR code), several on an A4 page: everyone's, or
    one participant's."""
    people = (
        [checkin.arrival(db, event.id, participant)]
        if participant
        else checkin.everyone(db, event.id)
    )
    cards = [
        (a, checkin.qr_svg(checkin.check_in_code(links.secret, a.participant))) for a in people
    ]
    return render(request, "organiser/desk/badges.html", {"event": event, "cards": cards})
