"""Sheets to print for the room staff, from the published release: one per table, one per
time slot."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.http.deps import Db, Event, ReadEvent
from web.http.templating import render
from web.usecases import rooms

router = APIRouter(prefix="/events/{event_id}")


def _sheets(request: Request, db: Db, event: Event, kind: str) -> Response:
    context = {"event": event, "kind": kind, "sheets": rooms.sheets(db, event.id)}
    return render(request, "organiser/rooms/sheets.html", context)


@router.get("/sheets/tables")
def tables(request: Request, db: Db, event: ReadEvent) -> Response:
    """A sheet per table: who meets there, when. Each prints on its own page."""
    return _sheets(request, db, event, "tables")


@router.get("/sheets/slots")
def slots(request: Request, db: Db, event: ReadEvent) -> Response:
    """A sheet per time slot: every meeting in it, table by table."""
    return _sheets(request, db, event, "slots")
