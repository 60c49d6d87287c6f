"""An invitation's link: who it is for, and accepting it (signed in, or with a new account)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from web.http import sessions
from web.http.deps import Db, MaybeOrganiser
from web.http.responses import form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import logins, members
from web.usecases.errors import Invalid

router = APIRouter(prefix="/invitations/{token}", dependencies=[Depends(csrf_protect)])
PAGE = "organiser/invitation.html"


@router.get("")
def invitation_page(request: Request, db: Db, token: str, organiser: MaybeOrganiser) -> Response:
    """Opening the link changes nothing (mail scanners open links too): accepting is a POST."""
    context = {"invitation": members.invitation(db, token), "token": token, "errors": {}}
    return render(request, PAGE, context)


@router.post("")
async def accept(request: Request, db: Db, token: str, organiser: MaybeOrganiser) -> Response:
    if organiser is not None:
        event = members.accept(db, token, organiser)
        return redirect(request, f"/events/{event.id}/participants")
    form = await form_strings(request)
    try:
        person, event = members.accept_with_new_account(
            db, token, form.get("password", ""), form.get("repeat", "")
        )
    except Invalid as refused:
        context = {
            "invitation": members.invitation(db, token),
            "token": token,
            "errors": refused.fields or {"password": refused.message},
        }
        return render(request, PAGE, context, block="accept_form", status_code=422)
    sessions.log_in(request, logins.start(db, organiser=person))
    return redirect(request, f"/events/{event.id}/participants")
