"""The event's Portal tab: participants' sign-in links (copy, e-mail all, renew), suggested
meetings turned into requests in bulk, and the market (supply against demand)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from web.http.deps import (
    CourierDep,
    Db,
    EditEvent,
    LinksDep,
    OutboxDep,
    PublishEvent,
    ReadEvent,
)
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import matching, notifications, requests, tokens

router = APIRouter(prefix="/events/{event_id}/portal", dependencies=[Depends(csrf_protect)])


@router.get("")
def links(
    request: Request, db: Db, event: PublishEvent, links: LinksDep, sent: int = -1, renewed: int = 0
) -> Response:
    context = {
        "event": event,
        "links": tokens.links(db, event.id, links.base_url, links.secret),
        "sent": sent,
        "renewed": renewed,
    }
    return render(request, "organiser/portal/links.html", context)


@router.post("/send")
def send_links(
    db: Db, event: PublishEvent, postman: OutboxDep, courier: CourierDep, links: LinksDep
) -> Response:
    sent = notifications.send_all_login_links(db, event.id, postman, links)
    courier.kick()
    return RedirectResponse(f"/events/{event.id}/portal?sent={sent}", status_code=303)


@router.post("/revoke/{participant_id}")
def renew_link(db: Db, event: PublishEvent, participant_id: int) -> Response:
    """A forwarded or leaked link: the old link, open sessions and the feed URL stop working."""
    person = tokens.renew(db, event.id, participant_id)
    return RedirectResponse(
        f"/events/{event.id}/portal?renewed={person.id}#p{person.id}", status_code=303
    )


@router.get("/suggestions")
def suggestions(request: Request, db: Db, event: ReadEvent, created: int = -1) -> Response:
    context = {"event": event, "rows": matching.for_organiser(db, event.id), "created": created}
    return render(request, "organiser/portal/suggestions.html", context)


@router.get("/market")
def market(request: Request, db: Db, event: ReadEvent) -> Response:
    """Supply against demand: qualified suppliers and requests per buyer, holders per
    required certification."""
    context = {"event": event, "market": matching.market_view(db, event.id)}
    return render(request, "organiser/portal/market.html", context)


@router.post("/suggestions")
async def create_suggested(request: Request, db: Db, event: EditEvent) -> Response:
    pairs: list[tuple[int, int]] = []
    for value in (await request.form()).getlist("pair"):
        a, _sep, b = str(value).partition("-")
        if a.isascii() and a.isdigit() and b.isascii() and b.isdigit():
            pairs.append((int(a), int(b)))
    created = requests.create_suggested(db, event.id, pairs)
    return RedirectResponse(
        f"/events/{event.id}/portal/suggestions?created={created}", status_code=303
    )
