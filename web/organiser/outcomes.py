"""The outcome report: what the meetings of the published schedule led to, the leads per
supplier as CSV and XLSX, and the e-mail asking participants for their answers."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import CourierDep, Db, LinksDep, OutboxDep, PublishEvent, ReadEvent
from web.http.responses import XLSX, download
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import outcomes

router = APIRouter(prefix="/events/{event_id}/outcomes", dependencies=[Depends(csrf_protect)])


@router.get("")
def report(request: Request, db: Db, event: ReadEvent, asked: int = -1) -> Response:
    context = {
        "event": event,
        "report": outcomes.report(db, event.id, datetime.now(UTC)),
        "asked": asked,
    }
    return render(request, "organiser/outcomes.html", context)


@router.get("/leads.csv")
def leads_csv(db: Db, event: ReadEvent) -> Response:
    data = outcomes.leads_csv(db, event.id, datetime.now(UTC))
    return download(data, "text/csv", f"event-{event.id}-leads.csv")


@router.get("/leads.xlsx")
def leads_xlsx(db: Db, event: ReadEvent) -> Response:
    data = outcomes.leads_xlsx(db, event.id, datetime.now(UTC))
    return download(data, XLSX, f"event-{event.id}-leads.xlsx")


@router.post("/ask")
def ask(
    db: Db, event: PublishEvent, postman: OutboxDep, courier: CourierDep, links: LinksDep
) -> Response:
    """E-mail every participant with a published meeting a link to their outcomes page."""
    asked = outcomes.ask_for_outcomes(db, event.id, postman, links)
    courier.kick()
    return RedirectResponse(f"/events/{event.id}/outcomes?asked={asked}", status_code=303)
