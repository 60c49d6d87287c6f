"""Registrations: searchable list, create/edit/delete, CSV/XLSX import and templates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import select

from web import models as m
from web.db import SessionDep
from web.i18n import _
from web.routes.events import EventDep, _form, redirect
from web.security import CurrentOrganiser, csrf_protect
from web.services import registrations as reg
from web.services.events import sessions_of
from web.services.schedules import latest_version
from web.templating import render

router = APIRouter(prefix="/events/{event_id}", dependencies=[Depends(csrf_protect)])


@router.get("/participants")
def participants(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep,
    q: str = "", role: str = "", country: str = "", page: int = 1,
) -> Response:  # fmt: skip
    assert event.id is not None
    size = request.app.state.settings.page_size
    result = reg.search_participants(session, event.id, q, role, country, page, size)
    context = {"event": event, "result": result, "q": q, "role": role, "country": country}
    return render(request, "registrations/list.html", context, block="results")


class _Form(dict[str, str]):
    """Row values with per-column errors, for the participant form."""

    def __init__(self, values: dict[str, str], errors: dict[str, str] | None = None) -> None:
        super().__init__({c: values.get(c, "") for c in reg.COLUMNS})
        self.errors = errors or {}


@router.get("/participants/new")
def new_participant(request: Request, organiser: CurrentOrganiser, event: EventDep) -> Response:
    return render(
        request, "registrations/form.html", {"event": event, "form": _Form({}), "person": None}
    )


@router.post("/participants")
async def create_participant(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep
) -> Response:
    return _save(request, session, event, None, await _form(request))


def _person(session: SessionDep, event: m.Event, pid: int) -> m.Participant:
    person = session.get(m.Participant, pid)
    if person is None or person.event_id != event.id:
        raise HTTPException(404, _("No such participant."))
    return person


@router.get("/participants/{pid}")
def edit_participant(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, pid: int
) -> Response:
    person = _person(session, event, pid)
    form = _Form(reg.registration_values(session, person))
    assert event.id is not None
    context = {"event": event, "form": form, "person": person}
    context["latest"] = latest_version(session, event.id)
    return render(request, "registrations/form.html", context)


@router.post("/participants/{pid}")
async def update_participant(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, pid: int
) -> Response:
    person = _person(session, event, pid)
    return _save(request, session, event, person, await _form(request))


@router.post("/participants/{pid}/delete")
def delete_participant(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep, pid: int
) -> Response:
    person = _person(session, event, pid)
    for request_row in session.exec(
        select(m.MeetingRequest).where(
            (m.MeetingRequest.from_id == pid) | (m.MeetingRequest.to_id == pid)
        )
    ):
        session.delete(request_row)
    for table in session.exec(select(m.EventTable).where(m.EventTable.host_id == pid)):
        session.delete(table)  # a host table goes with its host
    session.delete(person)
    session.commit()
    return redirect(request, f"/events/{event.id}/participants")


def _save(
    request: Request,
    session: SessionDep,
    event: m.Event,
    person: m.Participant | None,
    values: dict[str, str],
) -> Response:
    assert event.id is not None
    problems: list[reg.RowProblem] = []
    session_ids = {s.ext_id for s in sessions_of(session, event.id)}
    row = reg.validate_row(values, 0, session_ids, problems)
    if row is not None:
        clash = session.exec(
            select(m.Participant).where(
                m.Participant.event_id == event.id, m.Participant.ext_id == row.participant_id
            )
        ).first()
        if clash is not None and (person is None or clash.id != person.id):
            problems.append(
                reg.RowProblem(
                    0, "participant_id", _("already used by {name}").format(name=clash.name)
                )
            )
        problems += reg._table_problems(
            session, event.id, [row], [{"participant_id": row.participant_id, "__line__": "0"}]
        )
    if problems or row is None:
        form = _Form(values, {p.column: p.reason for p in problems})
        context = {"event": event, "form": form, "person": person}
        return render(
            request, "registrations/form.html", context, block="person_form", status_code=422
        )
    if person is not None and person.ext_id != row.participant_id:
        person.ext_id = row.participant_id
        session.add(person)
    reg.save_registration(session, event.id, row)
    session.commit()
    return redirect(request, f"/events/{event.id}/participants")


@router.get("/import")
def import_page(request: Request, organiser: CurrentOrganiser, event: EventDep) -> Response:
    return render(request, "registrations/import.html", {"event": event, "report": None})


@router.post("/import")
def import_registrations(
    request: Request, session: SessionDep, organiser: CurrentOrganiser, event: EventDep,
    file: Annotated[UploadFile, File()],
) -> Response:  # fmt: skip
    assert event.id is not None
    report = reg.import_registrations(
        session, event.id, file.file.read(), file.filename or "upload.csv"
    )
    status = 422 if report.problems else 200
    return render(
        request,
        "registrations/import.html",
        {"event": event, "report": report},
        block="report",
        status_code=status,
    )


@router.get("/import/template.csv")
def template_csv(organiser: CurrentOrganiser, event: EventDep) -> Response:
    return Response(
        reg.template_csv(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="registrations-template.csv"'},
    )


@router.get("/import/template.xlsx")
def template_xlsx(organiser: CurrentOrganiser, event: EventDep) -> Response:
    return Response(
        reg.template_xlsx(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="registrations-template.xlsx"'},
    )
