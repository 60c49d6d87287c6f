"""Meeting requests: filtered list, add/edit, CSV import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from web.http.deps import Db, EditEvent, Event, ReadEvent, SettingsDep
from web.http.responses import form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import requests as svc
from web.usecases.errors import Invalid
from web.usecases.registrations import MAX_UPLOAD_BYTES, ImportReport

router = APIRouter(prefix="/events/{event_id}/requests", dependencies=[Depends(csrf_protect)])
LIST = "organiser/requests/list.html"
FORM = "organiser/requests/form.html"


@router.get("")
def list_requests(
    request: Request,
    db: Db,
    event: ReadEvent,
    settings: SettingsDep,
    status: str = "",
    priority: str = "",
    who: str = "",
    unscheduled: str = "",
    page: int = 1,
) -> Response:
    result = svc.search(
        db, event.id, status, priority, who, bool(unscheduled), page, settings.page_size
    )
    filters = {"status": status, "priority": priority, "who": who, "unscheduled": unscheduled}
    context = {"event": event, "result": result, "report": None} | filters
    return render(request, LIST, context, block="results")


@router.get("/new")
def new_request(request: Request, event: EditEvent) -> Response:
    context = {"event": event, "form": svc.blank_form(), "errors": {}, "row": None}
    return render(request, FORM, context)


@router.get("/import")
def import_page(event: EditEvent) -> Response:
    """The import form is on the list (a reload after an import lands here)."""
    return RedirectResponse(f"/events/{event.id}/requests", status_code=303)


@router.get("/{rid}")
def edit_request(request: Request, db: Db, event: ReadEvent, rid: int) -> Response:
    row = svc.get_request(db, event.id, rid)
    context = {"event": event, "form": svc.form_values(db, row), "errors": {}, "row": row}
    return render(request, FORM, context)


@router.post("")
async def create_request(request: Request, db: Db, event: EditEvent) -> Response:
    return _save(request, db, event, None, await form_strings(request))


@router.post("/import")
def import_requests(
    request: Request,
    db: Db,
    event: EditEvent,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    report = svc.import_requests(
        db, event.id, file.file.read(MAX_UPLOAD_BYTES + 1), file.filename or "upload.csv"
    )
    return _list_with_report(request, db, event, settings.page_size, report)


def _list_with_report(
    request: Request, db: Db, event: Event, size: int, report: ImportReport
) -> Response:
    context = {
        "event": event,
        "result": svc.search(db, event.id, size=size),
        "status": "",
        "priority": "",
        "who": "",
        "unscheduled": "",
        "report": report,
    }
    return render(request, LIST, context, status_code=422 if report.problems else 200)


@router.post("/{rid}")
async def update_request(request: Request, db: Db, event: EditEvent, rid: int) -> Response:
    row = svc.get_request(db, event.id, rid)
    return _save(request, db, event, row.id, await form_strings(request))


def _save(
    request: Request, db: Db, event: Event, request_id: int | None, values: dict[str, str]
) -> Response:
    row = svc.get_request(db, event.id, request_id) if request_id is not None else None
    try:
        svc.save_request(db, event.id, row, values)
    except Invalid as refused:
        context = {"event": event, "form": values, "errors": refused.fields, "row": row}
        return render(request, FORM, context, block="request_form", status_code=422)
    return redirect(request, f"/events/{event.id}/requests")
