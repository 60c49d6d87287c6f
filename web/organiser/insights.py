"""The insights page: charts of demand against what the schedule holds, for the screen,
a projector and print."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.http import charts
from web.http.deps import Db, ReadEvent
from web.http.templating import render
from web.usecases import insights

router = APIRouter(prefix="/events/{event_id}/insights")


@router.get("")
def show(request: Request, db: Db, event: ReadEvent) -> Response:
    context = {"event": event, "insights": insights.insights(db, event.id), "charts": charts}
    return render(request, "organiser/insights.html", context)
