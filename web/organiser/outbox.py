"""The event's outbox: what was mailed, what waits, what failed and why; resend failed mail."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import CourierDep, Db, PublishEvent
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import outbox

router = APIRouter(prefix="/events/{event_id}/outbox", dependencies=[Depends(csrf_protect)])


@router.get("")
def show(request: Request, db: Db, event: PublishEvent, state: str = "") -> Response:
    chosen = outbox.state_named(state)
    summary = outbox.summary(db, event.id)
    context = {
        "event": event,
        "summary": summary,
        "rows": outbox.messages(db, event.id, chosen),
        "state": chosen.value if chosen else "",
        "states": outbox.STATES,
        "busy": summary.pending + summary.sending > 0,
    }
    return render(request, "organiser/outbox.html", context, block="messages")


@router.post("/resend")
def resend_failed(db: Db, event: PublishEvent, courier: CourierDep) -> Response:
    outbox.resend(db, event.id)
    courier.kick()
    return RedirectResponse(f"/events/{event.id}/outbox", status_code=303)


@router.post("/{message_id}/resend")
def resend_one(db: Db, event: PublishEvent, courier: CourierDep, message_id: int) -> Response:
    outbox.resend(db, event.id, message_id)
    courier.kick()
    return RedirectResponse(f"/events/{event.id}/outbox", status_code=303)
