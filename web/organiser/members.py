"""An event's organisers: the list for every member; inviting, role changes and removal for
the owner."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web.http.deps import (
    CurrentOrganiser,
    Db,
    Event,
    LinksDep,
    ManageEvent,
    PostmanDep,
    ReadEvent,
)
from web.http.responses import form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.i18n import get_locale
from web.usecases import members
from web.usecases.errors import Invalid

router = APIRouter(prefix="/events/{event_id}", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/members.html"


def _page(
    request: Request, db: Db, event: Event, status_code: int = 200, **context: object
) -> Response:
    base: dict[str, object] = {
        "event": event,
        "members": members.members(db, event.id),
        "invitations": members.pending(db, event.id),
        "roles": members.ROLES,
        "invitable": members.INVITABLE,
        "form": {"email": "", "role": members.INVITABLE[0].value},
        "errors": {},
    }
    return render(request, PAGE, base | context, status_code=status_code)


@router.get("/members")
def members_page(request: Request, db: Db, event: ReadEvent, sent: str = "") -> Response:
    return _page(request, db, event, sent=sent)


@router.post("/members")
async def invite(
    request: Request,
    db: Db,
    event: ManageEvent,
    organiser: CurrentOrganiser,
    postman: PostmanDep,
    links: LinksDep,
) -> Response:
    form = await form_strings(request)
    values = {"email": form.get("email", ""), "role": form.get("role", "")}
    try:
        role = members.parse_role(values["role"], members.INVITABLE)
        mailed = members.invite(
            db, event, organiser, values["email"], role, postman, links, get_locale()
        )
    except Invalid as refused:
        errors = refused.fields or {"role": refused.message}
        return _page(request, db, event, 422, form=values, errors=errors)
    return redirect(request, f"/events/{event.id}/members?sent={'yes' if mailed else 'no'}")


@router.post("/members/{member_id}/role")
async def change_role(request: Request, db: Db, event: ManageEvent, member_id: int) -> Response:
    form = await form_strings(request)
    try:
        members.set_role(db, event, member_id, members.parse_role(form.get("role", "")))
    except Invalid as refused:
        return _page(request, db, event, 422, refusal=refused.message)
    return redirect(request, f"/events/{event.id}/members")


@router.post("/members/{member_id}/remove")
def remove(request: Request, db: Db, event: ManageEvent, member_id: int) -> Response:
    try:
        members.remove(db, event, member_id)
    except Invalid as refused:
        return _page(request, db, event, 422, refusal=refused.message)
    return redirect(request, f"/events/{event.id}/members")


@router.post("/invitations/{invitation_id}/withdraw")
def withdraw(request: Request, db: Db, event: ManageEvent, invitation_id: int) -> Response:
    members.withdraw(db, event.id, invitation_id)
    return redirect(request, f"/events/{event.id}/members")
