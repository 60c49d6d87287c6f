"""Events: list, create (form or b2b-event/1 upload), set-up form, JSON export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import func, select

from scheduler.formats import FormatError, dumps, event_to_json, load_json
from web import models as m
from web.db import SessionDep
from web.i18n import _
from web.security import CurrentOrganiser, csrf_protect
from web.services.events import event_from_db, import_event_json, list_events
from web.services.setup import SetupForm, apply_setup
from web.templating import render

router = APIRouter(dependencies=[Depends(csrf_protect)])


def load_event(session: SessionDep, event_id: int) -> m.Event:
    event = session.get(m.Event, event_id)
    if event is None:
        raise HTTPException(404, _("No such event."))
    return event


EventDep = Annotated[m.Event, Depends(load_event)]


def redirect(request: Request, url: str) -> Response:
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.get("/")
def index(request: Request, session: SessionDep, organiser: CurrentOrganiser) -> Response:
    return render(request, "events/list.html", _list_context(session))


def _list_context(session: SessionDep) -> dict[str, object]:
    """The events with their participant counts and published version numbers."""
    events = list_events(session)
    counts = dict(
        session.exec(
            select(m.Participant.event_id, func.count()).group_by(m.Participant.event_id)
        ).all()
    )
    published = dict(
        session.exec(
            select(m.ScheduleVersion.event_id, m.ScheduleVersion.number).where(
                m.ScheduleVersion.status == m.VersionStatus.PUBLISHED.value
            )
        ).all()
    )
    return {"events": events, "counts": counts, "published": published}


@router.get("/events/new")
def new_event(request: Request, organiser: CurrentOrganiser) -> Response:
    form = SetupForm(
        sessions="d1-am 2026-11-19 08:30-11:30\nd1-pm 2026-11-19 13:30-16:30", pooled_tables="10"
    )
    return render(request, "events/setup.html", {"form": form, "event": None})


@router.post("/events")
async def create_event(
    request: Request, session: SessionDep, organiser: CurrentOrganiser
) -> Response:
    return _save(request, session, SetupForm(**_pick(await _form(request))), None)


@router.get("/events/{event_id}")
def event_page(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    form = SetupForm.from_event(session, event)
    return render(request, "events/setup.html", {"form": form, "event": event})


@router.post("/events/{event_id}")
async def update_event(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    return _save(request, session, SetupForm(**_pick(await _form(request))), event)


def _pick(values: dict[str, str]) -> dict[str, str]:
    keys = SetupForm.__dataclass_fields__.keys() - {"errors", "parsed"}
    return {k: v for k, v in values.items() if k in keys}


def _save(
    request: Request, session: SessionDep, form: SetupForm, event: m.Event | None
) -> Response:
    saved = apply_setup(session, form, event) if form.validate() else None
    if saved is None:
        return render(
            request,
            "events/setup.html",
            {"form": form, "event": event},
            block="setup_form",
            status_code=422,
        )
    if event is None:
        return redirect(request, f"/events/{saved.id}/participants")
    form = SetupForm.from_event(session, saved)
    return render(
        request,
        "events/setup.html",
        {"form": form, "event": saved, "saved": True},
        block="setup_form",
    )


@router.get("/import-event")
def import_event_page(organiser: CurrentOrganiser) -> Response:
    """The import form is on the events list (a reload after a failed import lands here)."""
    return RedirectResponse("/", status_code=303)


@router.post("/import-event")
def import_event(
    request: Request,
    session: SessionDep,
    organiser: CurrentOrganiser,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        event = import_event_json(session, load_json(file.file.read()))
    except FormatError as error:
        session.rollback()
        context = _list_context(session) | {"import_problems": error.problems[:50]}
        return render(request, "events/list.html", context, status_code=422)
    return redirect(request, f"/events/{event.id}")


@router.get("/events/{event_id}/export/event.json")
def export_event(session: SessionDep, organiser: CurrentOrganiser, event: EventDep) -> Response:
    assert event.id is not None
    doc = event_to_json(event_from_db(session, event.id))
    return Response(
        dumps(doc),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.json"'},
    )
