"""The participant's calendars: the whole agenda, one meeting, the private feed."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from web.http.deps import Db, Me, secret
from web.http.responses import ICS, download
from web.i18n import _
from web.usecases import calendars, tokens

router = APIRouter()


@router.get("/p/calendar.ics")
def agenda_ics(me: Me, db: Db) -> Response:
    data = calendars.agenda_ics(db, me.event_id, me.ext_id, _("Table"))
    if data is None:
        raise HTTPException(404, _("The schedule is not yet published."))
    return download(data, ICS, "agenda.ics")


@router.get("/p/meetings/{ext_id}.ics")
def meeting_ics(me: Me, db: Db, ext_id: str) -> Response:
    data = calendars.meeting_ics(db, me, ext_id, _("Table"))
    if data is None:
        raise HTTPException(404, _("No such meeting."))
    return download(data, ICS, f"meeting-{ext_id}.ics")


@router.get("/p/feed/{token}/calendar.ics")
def feed(request: Request, token: str, db: Db) -> Response:
    """Private subscription feed: the published agenda, no cookie needed."""
    person = tokens.participant_of_feed(db, secret(request), token)
    if person is None:
        raise HTTPException(404, _("No such calendar."))
    data = calendars.agenda_ics(db, person.event_id, person.ext_id, _("Table"))
    if data is None:
        raise HTTPException(404, _("The schedule is not yet published."))
    return Response(data, media_type=ICS)
