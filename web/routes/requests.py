"""Meeting requests: filtered list, add/edit, CSV import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from web import models as m
from web.db import SessionDep
from web.i18n import _
from web.routes.events import EventDep, _form, redirect
from web.security import CurrentOrganiser, csrf_protect
from web.services import requests as svc
from web.services.registrations import RowProblem
from web.templating import render

router = APIRouter(prefix="/events/{event_id}/requests", dependencies=[Depends(csrf_protect)])


@router.get("")
def list_requests(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep,
    status: str = "", priority: str = "", who: str = "", unscheduled: str = "", page: int = 1,
) -> Response:  # fmt: skip
    assert event.id is not None
    size = request.app.state.settings.page_size
    result = svc.search(
        session,
        event.id,
        status,
        priority,
        who,
        unscheduled=bool(unscheduled),
        page=page,
        size=size,
    )
    context = {
        "event": event,
        "result": result,
        "status": status,
        "priority": priority,
        "who": who,
        "unscheduled": unscheduled,
        "report": None,
    }
    return render(request, "requests/list.html", context, block="results")


def _values(row: m.MeetingRequest, session: SessionDep) -> dict[str, str]:
    a, b = session.get(m.Participant, row.from_id), session.get(m.Participant, row.to_id)
    return {
        "id": row.ext_id, "from": a.ext_id if a else "", "to": b.ext_id if b else "",
        "priority": str(row.priority), "required": "true" if row.required else "",
        "sessions": "; ".join(row.sessions or []), "requires": "; ".join(row.requires or []),
        "status": row.status, "note": row.note, "forced": "true" if row.forced else "",
    }  # fmt: skip


@router.get("/new")
def new_request(request: Request, organiser: CurrentOrganiser, event: EventDep) -> Response:
    form = {c: "" for c in svc.COLUMNS} | {"priority": "2", "status": "accepted"}
    return render(
        request, "requests/form.html", {"event": event, "form": form, "errors": {}, "row": None}
    )


@router.get("/import")
def import_page(organiser: CurrentOrganiser, event: EventDep) -> Response:
    """The import form is on the list (a reload after an import lands here)."""
    return RedirectResponse(f"/events/{event.id}/requests", status_code=303)


@router.get("/{rid}")
def edit_request(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, rid: int
) -> Response:
    row = _row(session, event, rid)
    return render(
        request,
        "requests/form.html",
        {"event": event, "form": _values(row, session), "errors": {}, "row": row},
    )


def _row(session: SessionDep, event: m.Event, rid: int) -> m.MeetingRequest:
    row = session.get(m.MeetingRequest, rid)
    if row is None or row.event_id != event.id:
        raise HTTPException(404, _("No such request."))
    return row


@router.post("")
async def create_request(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    return _save(request, session, event, None, await _form(request))


@router.post("/import")
def import_requests(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep,
    file: Annotated[UploadFile, File()],
) -> Response:  # fmt: skip
    assert event.id is not None
    report = svc.import_requests(session, event.id, file.file.read(), file.filename or "upload.csv")
    result = svc.search(session, event.id, size=request.app.state.settings.page_size)
    context = {
        "event": event,
        "result": result,
        "status": "",
        "priority": "",
        "who": "",
        "unscheduled": "",
        "report": report,
    }
    return render(
        request, "requests/list.html", context, status_code=422 if report.problems else 200
    )


@router.post("/{rid}")
async def update_request(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, rid: int
) -> Response:
    return _save(request, session, event, _row(session, event, rid), await _form(request))


def _save(
    request: Request,
    session: SessionDep,
    event: m.Event,
    row: m.MeetingRequest | None,
    values: dict[str, str],
) -> Response:
    assert event.id is not None
    known = svc.lookup(session, event.id)
    if row is not None:
        values["id"] = row.ext_id
    problems: list[RowProblem] = []
    parsed = svc.validate(values, 0, known, problems)
    if parsed is None:
        context = {
            "event": event,
            "form": values,
            "errors": {p.column: p.reason for p in problems},
            "row": row,
        }
        return render(request, "requests/form.html", context, block="request_form", status_code=422)
    if row is None and parsed["ext_id"] in known.existing:
        parsed["ext_id"] = ""  # a new request never overwrites another one
    svc.save(session, event.id, parsed, known, row)
    session.commit()
    return redirect(request, f"/events/{event.id}/requests")
