"""Schedule versions: list, review summary, master grid, agendas, move/pin, publish, diff, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from scheduler.formats import dumps
from web.http.deps import (
    CourierDep,
    Db,
    EditEvent,
    Event,
    LinksDep,
    Meeting,
    OutboxDep,
    PublishEvent,
    ReadEvent,
    SettingsDep,
    Version,
)
from web.http.responses import XLSX, download, form_strings, is_htmx, redirect
from web.http.sessions import csrf_protect
from web.http.templating import render
from web.usecases import exports, publishing, registrations, releases, review, versions
from web.usecases.errors import Invalid, Msg, NotFound
from web.usecases.versions import MoveRefused

router = APIRouter(prefix="/events/{event_id}/versions", dependencies=[Depends(csrf_protect)])
MOVE = "organiser/versions/move.html"


@router.get("")
def list_versions(
    request: Request,
    db: Db,
    event: ReadEvent,
    published: int | None = None,
    release: int | None = None,
    notified: int | None = None,
) -> Response:
    context = {
        "event": event,
        "versions": versions.versions(db, event.id),
        "just_published": (published, release, notified) if published is not None else None,
    }
    return render(request, "organiser/versions/list.html", context)


@router.get("/diff")
def diff(request: Request, db: Db, event: ReadEvent, a: int, b: int) -> Response:
    va, vb = versions.get_version(db, event.id, a), versions.get_version(db, event.id, b)
    context = {
        "event": event,
        "a": va,
        "b": vb,
        "diff": versions.diff(db, va, vb),
        "names": review.participant_names(db, event.id),
    }
    return render(request, "organiser/versions/diff.html", context)


@router.get("/{number}")
def summary(
    request: Request,
    db: Db,
    event: ReadEvent,
    settings: SettingsDep,
    number: int,
    reason: str = "",
    page: int = 1,
) -> Response:
    """The review page; `reason` (a kind of reason) and `page` open that group of
    unscheduled requests at that page (where the group's pager leads without htmx)."""
    version = versions.get_version(db, event.id, number)
    context = {
        "event": event,
        "version": version,
        "summary": review.summary(db, version, settings.page_size, reason, page),
        "open_kind": reason,
        "drift": releases.drift(db, event.id),
        "against": releases.compare(db, version),
    }
    return render(request, "organiser/versions/review.html", context)


@router.get("/{number}/unscheduled")
def unscheduled(
    request: Request,
    db: Db,
    event: ReadEvent,
    settings: SettingsDep,
    number: int,
    reason: str,
    page: int = 1,
) -> Response:
    """One page of a group of unscheduled requests, swapped into the review page by htmx;
    without htmx, the review page with that group open at that page."""
    version = versions.get_version(db, event.id, number)
    group = review.unscheduled_group(db, version, reason, page, settings.page_size)
    if not is_htmx(request):
        return summary(request, db, event, settings, number, group.kind.value, group.page)
    context = {"event": event, "version": version, "g": group}
    return render(request, "organiser/versions/reasons.html", context)


@router.get("/{number}/grid")
def grid(
    request: Request,
    db: Db,
    event: ReadEvent,
    number: int,
    moved: str = "",
    at: str = "",
    table: str = "",
) -> Response:
    """The master grid; after a move, it says what moved where (`moved`, `at`, `table`)."""
    version = versions.get_version(db, event.id, number)
    try:
        moved_at = datetime.fromisoformat(at) if moved else None
    except ValueError:
        moved_at = None
    context = {
        "event": event,
        "version": version,
        "grid": review.grid(db, version),
        "moved": (moved, moved_at, table) if moved_at is not None else None,
    }
    return render(request, "organiser/versions/grid.html", context)


@router.get("/{number}/agenda/{pid}")
def agenda(request: Request, db: Db, event: ReadEvent, number: int, pid: int) -> Response:
    version = versions.get_version(db, event.id, number)
    person = registrations.get_participant(db, event.id, pid)
    rows = review.agenda(db, version, person)
    context = {"event": event, "version": version, "person": person, "rows": rows}
    return render(request, "organiser/versions/agenda.html", context)


@router.get("/{number}/meetings/{mid}")
def meeting_page(request: Request, db: Db, event: ReadEvent, number: int, mid: int) -> Response:
    version = versions.get_version(db, event.id, number)
    meeting = versions.get_meeting(db, version, mid)
    context = {
        "event": event,
        "version": version,
        "meeting": meeting,
        "view": review.meeting_view(db, version, meeting),
        "choices": review.move_choices(db, event.id),
    }
    return render(request, MOVE, context)


@router.post("/{number}/meetings/{mid}")
async def move(request: Request, db: Db, event: EditEvent, number: int, mid: int) -> Response:
    version = versions.get_version(db, event.id, number)
    meeting = versions.get_meeting(db, version, mid)
    form = await form_strings(request)
    refused = _refused_move(request, db, event, version, meeting)
    # A suggested time's button sends "start|table"; otherwise the two choices of the form.
    if form.get("suggested"):
        form["start"], _, form["table"] = form["suggested"].partition("|")
    try:
        start = datetime.fromisoformat(form.get("start", ""))
    except ValueError:
        return refused(Msg("move.not_a_slot", t=form.get("start", "")), [])
    try:
        target = versions.move_meeting(db, version, meeting, start, form.get("table", ""))
    except MoveRefused as refusal:
        return refused(refusal.message, refusal.violations)
    except Invalid as refusal:
        return refused(refusal.message, [])
    moved = f"moved={meeting.request_ext}&at={start.isoformat()}&table={form.get('table', '')}"
    return redirect(request, f"/events/{event.id}/versions/{target.number}/grid?{moved}")


def _refused_move(
    request: Request, db: Db, event: Event, version: Version, meeting: Meeting
) -> Callable[[Msg, list[Msg]], Response]:
    """The move form again, saying why the move was refused (nothing changed)."""

    def answer(why: Msg, violations: list[Msg]) -> Response:
        context = {
            "event": event,
            "version": version,
            "meeting": meeting,
            "view": review.meeting_view(db, version, meeting),
            "choices": review.move_choices(db, event.id),
            "refusal": why,
            "violations": violations,
        }
        return render(request, MOVE, context, block="move_form", status_code=422)

    return answer


@router.post("/{number}/meetings/{mid}/pin")
def pin(request: Request, db: Db, event: EditEvent, number: int, mid: int) -> Response:
    version = versions.get_version(db, event.id, number)
    target = versions.toggle_pin(db, version, versions.get_meeting(db, version, mid))
    return redirect(request, f"/events/{event.id}/versions/{target.number}/grid")


@router.post("/{number}/publish")
def publish(
    request: Request,
    db: Db,
    event: PublishEvent,
    number: int,
    postman: OutboxDep,
    courier: CourierDep,
    links: LinksDep,
) -> Response:
    outcome = publishing.publish(db, versions.get_version(db, event.id, number), postman, links)
    courier.kick()
    query = f"published={number}&release={outcome.release}&notified={outcome.notified}"
    return redirect(request, f"/events/{event.id}/versions?{query}")


@router.get("/{number}/export.{kind}")
def export(db: Db, event: ReadEvent, number: int, kind: str) -> Response:
    version = versions.get_version(db, event.id, number)
    name = f"schedule-{event.id}-v{version.number}"
    if kind == "csv":
        return download(exports.csv_bytes(db, version), "text/csv", f"{name}.csv")
    if kind == "xlsx":
        return download(exports.xlsx_bytes(db, version), XLSX, f"{name}.xlsx")
    if kind == "json":
        document = dumps(exports.schedule_document(db, version))
        return download(document, "application/json", f"{name}.json")
    raise NotFound(Msg("export.unknown_format"))
