"""Schedule versions: list, review summary, master grid, agendas, move/pin, publish, diff, exports."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from scheduler.formats import dumps
from web import models as m
from web.db import SessionDep
from web.i18n import _
from web.routes.events import EventDep, _form, redirect
from web.security import CurrentOrganiser, csrf_protect
from web.services import schedules as svc
from web.services.events import event_from_db
from web.templating import render

router = APIRouter(prefix="/events/{event_id}/versions", dependencies=[Depends(csrf_protect)])


def _version(session: SessionDep, event: m.Event, number: int) -> m.ScheduleVersion:
    assert event.id is not None
    version = svc.get_version(session, event.id, number)
    if version is None:
        raise HTTPException(404, _("No such schedule version."))
    return version


@router.get("")
def list_versions(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    assert event.id is not None
    return render(
        request,
        "schedules/list.html",
        {"event": event, "versions": svc.versions(session, event.id)},
    )


@router.get("/diff")
def diff(
    request: Request,
    session: SessionDep,
    organiser: CurrentOrganiser,
    event: EventDep,
    a: int,
    b: int,
) -> Response:
    va, vb = _version(session, event, a), _version(session, event, b)
    names = {p.id: f"{p.ext_id} {p.name}" for p in session.exec(_people(event))}
    context = {"event": event, "a": va, "b": vb, "diff": svc.diff(session, va, vb), "names": names}
    return render(request, "schedules/diff.html", context)


def _people(event: m.Event):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    return select(m.Participant).where(m.Participant.event_id == event.id)


@router.get("/{number}")
def review(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, number: int
) -> Response:
    version = _version(session, event, number)
    return render(
        request,
        "schedules/review.html",
        {"event": event, "version": version, "summary": svc.summary(session, version)},
    )


@router.get("/{number}/grid")
def grid(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, number: int
) -> Response:
    version = _version(session, event, number)
    return render(
        request,
        "schedules/grid.html",
        {"event": event, "version": version, "grid": svc.grid(session, version)},
    )


@router.get("/{number}/agenda/{pid}")
def agenda(
    request: Request,
    session: SessionDep,
    organiser: CurrentOrganiser,
    event: EventDep,
    number: int,
    pid: int,
) -> Response:
    version = _version(session, event, number)
    person = session.get(m.Participant, pid)
    if person is None or person.event_id != event.id:
        raise HTTPException(404, _("No such participant."))
    rows = svc.agenda(session, version, pid)
    return render(
        request,
        "schedules/agenda.html",
        {"event": event, "version": version, "person": person, "rows": rows},
    )


def _move_context(
    session: SessionDep, event: m.Event, version: m.ScheduleVersion, meeting: m.Meeting
) -> dict[str, object]:
    assert event.id is not None
    full = event_from_db(session, event.id)
    return {"event": event, "version": version, "meeting": meeting, "slots": full.slots,
            "tables": [t.id for t in full.tables], "problems": []}  # fmt: skip


@router.get("/{number}/meetings/{mid}")
def meeting_page(
    request: Request,
    session: SessionDep,
    organiser: CurrentOrganiser,
    event: EventDep,
    number: int,
    mid: int,
) -> Response:
    version = _version(session, event, number)
    meeting = session.get(m.Meeting, mid)
    if meeting is None or meeting.version_id != version.id:
        raise HTTPException(404, _("No such meeting."))
    return render(request, "schedules/move.html", _move_context(session, event, version, meeting))


@router.post("/{number}/meetings/{mid}")
async def move(
    request: Request,
    session: SessionDep,
    organiser: CurrentOrganiser,
    event: EventDep,
    number: int,
    mid: int,
) -> Response:
    version = _version(session, event, number)
    meeting = session.get(m.Meeting, mid)
    if meeting is None or meeting.version_id != version.id:
        raise HTTPException(404, _("No such meeting."))
    form = await _form(request)
    try:
        start = datetime.fromisoformat(form.get("start", ""))
    except ValueError:
        problems = [_("{t} is not the start of a slot.").format(t=form.get("start", ""))]
        context = _move_context(session, event, version, meeting) | {"problems": problems}
        return render(request, "schedules/move.html", context, block="move_form", status_code=422)
    target, problems = svc.move_meeting(session, version, mid, start, form.get("table", ""))
    if problems or target is None:
        session.rollback()
        context = _move_context(session, event, version, meeting) | {"problems": problems}
        return render(request, "schedules/move.html", context, block="move_form", status_code=422)
    return redirect(request, f"/events/{event.id}/versions/{target.number}/grid")


@router.post("/{number}/meetings/{mid}/pin")
def pin(
    request: Request,
    session: SessionDep,
    organiser: CurrentOrganiser,
    event: EventDep,
    number: int,
    mid: int,
) -> Response:
    version = _version(session, event, number)
    target = svc.toggle_pin(session, version, mid)
    if target is None:
        raise HTTPException(404, _("No such meeting."))
    return redirect(request, f"/events/{event.id}/versions/{target.number}/grid")


@router.post("/{number}/publish")
def publish(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, number: int
) -> Response:
    svc.publish(session, _version(session, event, number))
    return redirect(request, f"/events/{event.id}/versions")


@router.get("/{number}/export.{kind}")
def export(
    session: SessionDep, organiser: CurrentOrganiser, event: EventDep, number: int, kind: str
) -> Response:
    version = _version(session, event, number)
    name = f"schedule-{event.id}-v{version.number}"
    if kind == "csv":
        return Response(svc.export_csv(session, version), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})  # fmt: skip
    if kind == "xlsx":
        return Response(svc.export_xlsx(session, version),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})  # fmt: skip
    if kind == "json":
        return Response(dumps(svc.version_doc(session, version, event.name)), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})  # fmt: skip
    raise HTTPException(404, _("Unknown export format."))
