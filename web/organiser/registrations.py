"""Registrations: searchable list, create/edit/delete, CSV/XLSX import and templates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from web.http.deps import Db, EditEvent, Event, Participant, ReadEvent, SettingsDep
from web.http.responses import XLSX, download, form_strings, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import registrations as reg
from web.usecases.errors import Invalid, Msg
from web.usecases.versions import latest_version

router = APIRouter(prefix="/events/{event_id}", dependencies=[Depends(csrf_protect)])
FORM = "organiser/registrations/form.html"
IMPORT = "organiser/registrations/import.html"


@router.get("/participants")
def participants(
    request: Request,
    db: Db,
    event: ReadEvent,
    settings: SettingsDep,
    q: str = "",
    role: str = "",
    country: str = "",
    page: int = 1,
) -> Response:
    result = reg.search_participants(db, event.id, q, role, country, page, settings.page_size)
    context = {"event": event, "result": result, "q": q, "role": role, "country": country}
    return render(request, "organiser/registrations/list.html", context, block="results")


class _Form(dict[str, str]):
    """Row values with per-column errors, for the participant form."""

    def __init__(self, values: dict[str, str], errors: dict[str, Msg] | None = None) -> None:
        super().__init__({c: values.get(c, "") for c in reg.COLUMNS})
        self.errors = errors or {}


@router.get("/participants/new")
def new_participant(request: Request, event: EditEvent) -> Response:
    return render(request, FORM, {"event": event, "form": _Form({}), "person": None})


@router.post("/participants")
async def create_participant(request: Request, db: Db, event: EditEvent) -> Response:
    return _save(request, db, event, None, await form_strings(request))


@router.get("/participants/{pid}")
def edit_participant(request: Request, db: Db, event: ReadEvent, pid: int) -> Response:
    person = reg.get_participant(db, event.id, pid)
    context = {
        "event": event,
        "form": _Form(reg.registration_values(db, person)),
        "person": person,
        "latest": latest_version(db, event.id),
    }
    return render(request, FORM, context)


@router.post("/participants/{pid}")
async def update_participant(request: Request, db: Db, event: EditEvent, pid: int) -> Response:
    person = reg.get_participant(db, event.id, pid)
    return _save(request, db, event, person, await form_strings(request))


@router.post("/participants/{pid}/delete")
def delete_participant(request: Request, db: Db, event: EditEvent, pid: int) -> Response:
    reg.delete_participant(db, event.id, pid)
    return redirect(request, f"/events/{event.id}/participants")


def _save(
    request: Request, db: Db, event: Event, person: Participant | None, values: dict[str, str]
) -> Response:
    try:
        reg.save_participant(db, event.id, person, values)
    except Invalid as refused:
        context = {"event": event, "form": _Form(values, refused.fields), "person": person}
        return render(request, FORM, context, block="person_form", status_code=422)
    return redirect(request, f"/events/{event.id}/participants")


@router.get("/import")
def import_page(request: Request, event: EditEvent) -> Response:
    return render(request, IMPORT, {"event": event, "report": None})


@router.post("/import")
def import_registrations(
    request: Request, db: Db, event: EditEvent, file: Annotated[UploadFile, File()]
) -> Response:
    report = reg.import_registrations(
        db, event.id, file.file.read(reg.MAX_UPLOAD_BYTES + 1), file.filename or "upload.csv"
    )
    status = 422 if report.problems else 200
    context = {"event": event, "report": report}
    return render(request, IMPORT, context, block="report", status_code=status)


@router.get("/import/template.csv")
def template_csv(event: ReadEvent) -> Response:
    return download(reg.template_csv(), "text/csv", "registrations-template.csv")


@router.get("/import/template.xlsx")
def template_xlsx(event: ReadEvent) -> Response:
    return download(reg.template_xlsx(), XLSX, "registrations-template.xlsx")
