"""Events: list, create (form or b2b-event/1 upload), set-up form, JSON export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from scheduler.formats import FormatError, dumps, load_json
from web.http.deps import CurrentOrganiser, Db, EditEvent, Event, Organiser, ReadEvent
from web.http.responses import download, form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import events, releases
from web.usecases.setup import SetupForm, apply_setup

router = APIRouter(dependencies=[Depends(csrf_protect)])
SETUP = "organiser/events/setup.html"
LIST = "organiser/events/list.html"


@router.get("/")
def index(request: Request, db: Db, organiser: CurrentOrganiser) -> Response:
    return render(request, LIST, {"events": events.list_events(db, organiser)})


@router.get("/events/new")
def new_event(request: Request, organiser: CurrentOrganiser) -> Response:
    return render(request, SETUP, {"form": SetupForm.example(), "event": None})


@router.post("/events")
async def create_event(request: Request, db: Db, organiser: CurrentOrganiser) -> Response:
    form = SetupForm.from_values(await form_strings(request))
    return _save(request, db, form, None, organiser)


@router.get("/events/{event_id}")
def event_page(request: Request, db: Db, event: ReadEvent) -> Response:
    context = {
        "form": SetupForm.from_event(db, event),
        "event": event,
        "drift": releases.drift(db, event.id),
    }
    return render(request, SETUP, context)


@router.post("/events/{event_id}")
async def update_event(request: Request, db: Db, event: EditEvent) -> Response:
    return _save(request, db, SetupForm.from_values(await form_strings(request)), event)


def _save(
    request: Request, db: Db, form: SetupForm, event: Event | None, owner: Organiser | None = None
) -> Response:
    saved = apply_setup(db, form, event, owner) if form.validate() else None
    if saved is None:
        refused = {"form": form, "event": event}
        return render(request, SETUP, refused, block="setup_form", status_code=422)
    if event is None:
        return redirect(request, f"/events/{saved.id}/participants")
    context: dict[str, object] = {"form": SetupForm.from_event(db, saved), "event": saved}
    context["saved"] = True
    context["drift"] = releases.drift(db, saved.id)
    return render(request, SETUP, context, block="setup_form")


@router.get("/import-event")
def import_event_page(organiser: CurrentOrganiser) -> Response:
    """The import form is on the events list (a reload after a failed import lands here)."""
    return RedirectResponse("/", status_code=303)


@router.post("/import-event")
def import_event(
    request: Request,
    db: Db,
    organiser: CurrentOrganiser,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        event = events.import_event(db, organiser, load_json(file.file.read()))
    except FormatError as error:
        return _import_refused(request, db, organiser, error)
    return redirect(request, f"/events/{event.id}")


def _import_refused(request: Request, db: Db, organiser: Organiser, error: FormatError) -> Response:
    context = {"events": events.list_events(db, organiser), "import_problems": error.problems[:50]}
    return render(request, LIST, context, status_code=422)


@router.get("/events/{event_id}/export/event.json")
def export_event(db: Db, event: ReadEvent) -> Response:
    doc = events.event_document(db, event)
    return download(dumps(doc), "application/json", f"event-{event.id}.json")
