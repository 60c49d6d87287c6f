"""Event set-up, registrations import, requests, solve job, review, move, publish, exports."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient, import_event_json, load_tiny
from web import models as m
from web.usecases.mapper import event_of as event_from_db

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = "d1-am 2026-11-19 08:30-11:30\nd1-pm 2026-11-19 13:30-16:30"


def _create_event(client: OrganiserClient) -> int:
    response = client.post_form(
        "/events",
        {"name": "Test fair", "venue": "Hall A", "timezone": "Asia/Ho_Chi_Minh", "slot_minutes": "20",
         "sessions": SESSIONS, "pooled_tables": "3", "resources": "interpreter:ko 1"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[2])


def test_event_setup_errors_are_field_fragments(organiser_client: OrganiserClient) -> None:
    c = organiser_client
    response = c.post_form(
        "/events", {"name": "", "timezone": "Mars/Base", "slot_minutes": "x", "sessions": "nonsense", "pooled_tables": "1"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "<html" not in response.text  # a fragment
    for message in ("A name is required", "IANA time zone", "whole number", "d1-am 2026-11-19"):
        assert message in response.text
    event_id = _create_event(c)
    page = c.get(f"/events/{event_id}").text
    assert "Hall A" in page and "d1-pm 2026-11-19 13:30-16:30" in page
    response = c.post_form(
        f"/events/{event_id}",
        {"name": "Test fair", "timezone": "Asia/Ho_Chi_Minh", "slot_minutes": "20", "pooled_tables": "3",
         "sessions": "a 2026-11-19 08:30-11:30\nb 2026-11-19 10:30-12:00"},
    )  # fmt: skip
    assert response.status_code == 422 and "overlap" in response.text


CSV_HEADER = "participant_id,name,email,organisation_id,organisation_name,role,country,sectors,languages,sessions,max_meetings\n"
GOOD = (
    "B1-1,Kim Min,kim@example.kr,B1,Hanil Vietnam,buyer,KR,auto-parts,ko; en,,6\n"
    "S1-1,Nguyen An,an@example.vn,S1,Song Da JSC,supplier,VN,auto-parts,vi,d1-am,\n"
)


def test_import_with_a_bad_row_imports_nothing_then_good_import_is_idempotent(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    c = organiser_client
    event_id = _create_event(c)
    bad = CSV_HEADER + GOOD + "S2-1,,x,S2,Other,seller,VN,,vi,d9,-1\n"
    response = c.post_form(
        f"/events/{event_id}/import", files={"file": ("reg.csv", bad.encode(), "text/csv")}
    )
    assert response.status_code == 422
    for text in (
        "<td>4</td>",
        "name",
        "role",
        "must be buyer or supplier",
        "unknown session",
        "max_meetings",
    ):
        assert text in response.text
    with Session(app.state.engine) as session:
        assert session.exec(select(m.Participant)).all() == []
    good = (CSV_HEADER + GOOD).encode()
    response = c.post_form(
        f"/events/{event_id}/import", files={"file": ("reg.csv", good, "text/csv")}
    )
    assert response.status_code == 200 and "2 created, 0 updated, 0 unchanged" in response.text
    response = c.post_form(
        f"/events/{event_id}/import", files={"file": ("reg.csv", good, "text/csv")}
    )
    assert "0 created, 0 updated, 2 unchanged" in response.text
    listing = c.get(f"/events/{event_id}/participants?q=hanil", headers={"HX-Request": "true"}).text
    assert "Kim Min" in listing and "Nguyen An" not in listing
    assert c.get(f"/events/{event_id}/import/template.xlsx").status_code == 200
    # requests: a bad row imports nothing, then the good file
    rows = "id,from,to,priority\nR1,S1-1,B1-1,3\nR2,S1-1,NOPE,5\n"
    response = c.post_form(
        f"/events/{event_id}/requests/import", files={"file": ("r.csv", rows.encode(), "text/csv")}
    )
    assert (
        response.status_code == 422
        and "unknown participant" in response.text
        and "must be 1, 2 or 3" in response.text
    )
    rows = "id,from,to,priority\nR1,S1-1,B1-1,3\n"
    response = c.post_form(
        f"/events/{event_id}/requests/import", files={"file": ("r.csv", rows.encode(), "text/csv")}
    )
    assert response.status_code == 200 and "1 created" in response.text
    with Session(app.state.engine) as session:
        event = event_from_db(session, event_id, for_solver=True)
    assert [r.id for r in event.requests] == ["R1"] and len(event.participants) == 2


def test_participant_form_errors_and_create(organiser_client: OrganiserClient) -> None:
    c = organiser_client
    event_id = _create_event(c)
    response = c.post_form(f"/events/{event_id}/participants", {"participant_id": "", "email": "nope"},
                           headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 422 and "not an e-mail address" in response.text
    response = c.post_form(
        f"/events/{event_id}/participants",
        {"participant_id": "P1", "name": "Le Binh", "organisation_id": "O1", "organisation_name": "Org", "role": "supplier"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert "Le Binh" in c.get(f"/events/{event_id}/participants").text


def _wait_for_job(c: OrganiserClient, event_id: int, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = c.get(f"/events/{event_id}/solve", headers={"HX-Request": "true"}).text
        if (
            'id="job-state">succeeded' in page
            or "failed</span>" in page
            or "cancelled</span>" in page
        ):
            return page
        time.sleep(0.3)
    raise AssertionError("solve did not finish")


def test_solve_review_move_publish(app: FastAPI, organiser_client: OrganiserClient) -> None:
    c = organiser_client
    event_id = load_tiny(app)
    response = c.post_form(f"/events/{event_id}/solve", {"time_limit": "2"}, follow_redirects=False)
    assert response.status_code == 303
    busy = c.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    assert busy.status_code in (303, 409, 200)  # 409 while the first one runs
    page = _wait_for_job(c, event_id)
    assert 'id="job-state">succeeded' in page, page
    review = c.get(f"/events/{event_id}/versions/1").text
    assert "Unscheduled requests" in review and "Meetings per buyer" in review
    grid = c.get(f"/events/{event_id}/versions/1/grid").text
    assert 'class="grid"' in grid
    with Session(app.state.engine) as session:
        version = session.exec(select(m.ScheduleVersion)).one()
        meetings = session.exec(select(m.Meeting).where(m.Meeting.version_id == version.id)).all()
        meeting = meetings[0]
        other = (
            next(
                x
                for x in meetings
                if x.start != meeting.start and meeting.from_id in (x.from_id, x.to_id)
            )
            if any(
                x.start != meeting.start and meeting.from_id in (x.from_id, x.to_id)
                for x in meetings
            )
            else None
        )
    # a move onto a slot where the participant already meets is refused with a clear message
    if other is not None:
        response = c.post_form(
            f"/events/{event_id}/versions/1/meetings/{meeting.id}",
            {"start": other.start.isoformat(), "table": meeting.table_ext}, headers={"HX-Request": "true"},
        )  # fmt: skip
        assert response.status_code == 422 and "breaks a rule" in response.text
    # publish version 1, then moving creates a draft copy and the published one stays
    c.post_form(f"/events/{event_id}/versions/1/publish")
    with Session(app.state.engine) as session:
        free = _free_slot(session, event_id, meeting)
    assert free is not None  # the tiny sample has spare slots and tables
    response = c.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": free[0].isoformat(), "table": free[1]}, follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("/versions/2/grid")
    diff = c.get(f"/events/{event_id}/versions/diff?a=1&b=2").text
    assert "1 added, 0 moved" not in diff and "moved" in diff
    edited = c.get(f"/events/{event_id}/versions/2").text
    assert "<b>edited</b>" in edited and "<b>optimal</b>" not in edited
    with Session(app.state.engine) as session:
        statuses = {v.number: v.status for v in session.exec(select(m.ScheduleVersion))}
    assert statuses[1] == "published"
    for kind in ("csv", "xlsx", "json"):
        assert c.get(f"/events/{event_id}/versions/1/export.{kind}").status_code == 200
    doc = json.loads(c.get(f"/events/{event_id}/versions/1/export.json").text)
    assert doc["format"] == "b2b-schedule/1" and doc["meetings"]


def _free_slot(session: Session, event_id: int, meeting: m.Meeting):  # type: ignore[no-untyped-def]
    """A (slot start, table) where moving `meeting` breaks no rule, if there is one."""
    from scheduler.check import check_schedule
    from scheduler.domain import Meeting, Schedule
    from web.usecases.mapper import schedule_of as _safe_schedule

    event = event_from_db(session, event_id)
    version = session.get(m.ScheduleVersion, meeting.version_id)
    assert version is not None
    base = _safe_schedule(session, version, event)
    for slot in event.slots:
        for table in event.tables:
            moved = tuple(
                Meeting(request_id=x.request_id, slot_idx=slot.idx, table_id=table.id)
                if x.request_id == meeting.request_ext
                else x
                for x in base.meetings
            )
            if (slot.start, table.id) != (meeting.start, meeting.table_ext) and check_schedule(
                event, Schedule(event_name=event.name, meetings=moved)
            ).ok:
                return slot.start, table.id
    return None


def test_crashed_solver_is_reported_and_a_new_solve_may_start(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    import subprocess

    event_id = load_tiny(app)
    dead = subprocess.Popen(["true"])
    dead.wait()
    with Session(app.state.engine) as session:
        session.add(m.SolveJob(event_id=event_id, state="running", pid=dead.pid))
        session.commit()
    page = organiser_client.get(f"/events/{event_id}/solve").text
    assert "stopped unexpectedly" in page
    with Session(app.state.engine) as session:
        assert session.exec(select(m.ScheduleVersion)).all() == []


def test_resolve_keeps_pinned_meetings(app: FastAPI, organiser_client: OrganiserClient) -> None:
    c = organiser_client
    event_id = load_tiny(app)
    c.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    _wait_for_job(c, event_id)
    with Session(app.state.engine) as session:
        version = session.exec(select(m.ScheduleVersion)).one()
        meeting = session.exec(select(m.Meeting).where(m.Meeting.version_id == version.id)).first()
        assert meeting is not None
        free = _free_slot(session, event_id, meeting)
    assert free is not None
    response = c.post_form(
        f"/events/{event_id}/versions/1/meetings/{meeting.id}",
        {"start": free[0].isoformat(), "table": free[1]}, follow_redirects=False,
    )  # fmt: skip
    assert response.headers["location"].endswith("/versions/1/grid")  # a draft is edited in place
    c.post_form(f"/events/{event_id}/solve", {"time_limit": "2", "base_version": str(version.id)})
    assert 'id="job-state">succeeded' in _wait_for_job(c, event_id)
    with Session(app.state.engine) as session:
        v2 = session.exec(select(m.ScheduleVersion).where(m.ScheduleVersion.number == 2)).one()
        again = session.exec(
            select(m.Meeting).where(
                m.Meeting.version_id == v2.id, m.Meeting.request_ext == meeting.request_ext
            )
        ).one()
    assert again.start == free[0] and again.pinned


def test_request_form_and_filters(app: FastAPI, organiser_client: OrganiserClient) -> None:
    c = organiser_client
    event_id = load_tiny(app)
    response = c.post_form(f"/events/{event_id}/requests", {"from": "S001-1", "to": "S001-1", "priority": "2"},
                           headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 422 and "cannot meet itself" in response.text
    response = c.post_form(
        f"/events/{event_id}/requests",
        {"from": "S001-1", "to": "B002-1", "priority": "3", "status": "pending", "forced": "true", "note": "VIP"},
        follow_redirects=False,
    )  # fmt: skip
    if response.status_code == 422:  # the sample may already pair them
        assert "already requested" in response.text
        return
    assert response.status_code == 303
    with Session(app.state.engine) as session:
        row = session.exec(select(m.MeetingRequest).where(m.MeetingRequest.note == "VIP")).one()
        assert row.forced and row.status == "pending" and row.priority == 3
        solver = event_from_db(session, event_id, for_solver=True)
    assert row.ext_id in {r.id for r in solver.requests}  # forced goes to the solver
    listing = c.get(f"/events/{event_id}/requests?status=pending").text
    assert row.ext_id in listing
    assert c.get(f"/events/{event_id}/requests?unscheduled=1").status_code == 200


def test_cancel_a_running_solve(app: FastAPI, organiser_client: OrganiserClient) -> None:
    c = organiser_client
    with Session(app.state.engine) as session:
        doc = json.loads((ROOT / "samples/hanoi-2026.json").read_text())
        event_id = import_event_json(session, doc).id
    c.post_form(f"/events/{event_id}/solve", {"time_limit": "60"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with Session(app.state.engine) as session:
            job = session.exec(select(m.SolveJob)).one()
            if job.state == "running":
                break
        time.sleep(0.2)
    started = time.monotonic()
    c.post_form(f"/events/{event_id}/solve/cancel")
    page = _wait_for_job(c, event_id, timeout=30)
    assert "cancelled</span>" in page and "Cancelled by the organiser" in page
    assert time.monotonic() - started < 20
    with Session(app.state.engine) as session:
        assert session.exec(select(m.ScheduleVersion)).all() == []


def test_upload_event_json_and_xlsx_registrations(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    from openpyxl import Workbook

    c = organiser_client
    response = c.post_form(
        "/import-event",
        files={"file": ("e.json", b'{"format": "b2b-event/1"}', "application/json")},
    )
    assert response.status_code == 422 and "was not imported" in response.text
    tiny = (ROOT / "samples/tiny.json").read_bytes()
    response = c.post_form(
        "/import-event",
        files={"file": ("tiny.json", tiny, "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    event_id = int(response.headers["location"].split("/")[2])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["participant_id", "name", "organisation_id", "organisation_name", "role", "max_meetings"]
    )
    sheet.append(["S001-1", "Renamed Person", "S001", "Soc Son Packaging JSC", "supplier", 4])
    sheet.append(["N1-1", "New Person", "N1", "New Org", "supplier", None])
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    response = c.post_form(
        f"/events/{event_id}/import",
        files={"file": ("reg.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 200 and "1 created, 1 updated" in response.text
    exported = json.loads(c.get(f"/events/{event_id}/export/event.json").text)
    person = next(p for p in exported["participants"] if p["id"] == "S001-1")
    assert person["name"] == "Renamed Person" and person["max_meetings"] == 4


def test_agenda_and_participant_pages(app: FastAPI, organiser_client: OrganiserClient) -> None:
    from scheduler.domain import Meeting, Schedule
    from web.usecases.versions import create_version

    c = organiser_client
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        event = event_from_db(session, event_id, for_solver=True)
        first = event.requests[0]
        schedule = Schedule(
            event_name=event.name,
            meetings=(Meeting(request_id=first.id, slot_idx=0, table_id="T005"),),
        )
        create_version(session, event_id, event, schedule, source="import")
        person = session.exec(
            select(m.Participant).where(m.Participant.ext_id == first.from_id)
        ).one()
    page = c.get(f"/events/{event_id}/participants/{person.id}").text
    assert "Agenda in schedule version 1" in page
    agenda = c.get(f"/events/{event_id}/versions/1/agenda/{person.id}").text
    assert "T005" in agenda and "08:30" in agenda
    assert c.get(f"/events/{event_id}/versions/9").status_code == 404
    assert c.get(f"/events/{event_id}/versions/1/export.pdf").status_code == 404


def test_delete_participant_removes_requests_and_host_table(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        person = session.exec(select(m.Participant).where(m.Participant.ext_id == "B001-1")).one()
    response = organiser_client.post_form(
        f"/events/{event_id}/participants/{person.id}/delete", follow_redirects=False
    )
    assert response.status_code == 303
    with Session(app.state.engine) as session:
        event = event_from_db(session, event_id)
    assert "T001" not in {t.id for t in event.tables}
    assert all("B001-1" not in r.pair for r in event.requests)


def test_setup_update_tables_and_blocked_session_removal(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    c = organiser_client
    event_id = load_tiny(app)
    base = {"name": "Tiny renamed", "timezone": "Asia/Ho_Chi_Minh", "slot_minutes": "20", "pooled_tables": "3",
            "resources": "interpreter:ja 1\ninterpreter:ko 2", "max_breaks": "2"}  # fmt: skip
    response = c.post_form(
        f"/events/{event_id}", base | {"sessions": SESSIONS}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Saved." in response.text
    with Session(app.state.engine) as session:
        event = event_from_db(session, event_id)
    assert event.name == "Tiny renamed" and event.pooled_table_count == 3 and event.max_breaks == 2
    assert (
        dict(event.resources)["interpreter:ko"] == 2 and len(event.tables) == 7
    )  # 4 host tables kept
    # removing a session that participants attend, or a resource requests need, is refused
    response = c.post_form(
        f"/events/{event_id}", base | {"sessions": SESSIONS.splitlines()[0], "resources": ""}
    )
    assert response.status_code == 422
    assert "Cannot remove session" in response.text or "Cannot remove interpreter" in response.text
    with Session(app.state.engine) as session:
        assert len(event_from_db(session, event_id).sessions) == 2


def test_infeasible_solve_fails_with_a_reason_and_keeps_versions(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    c = organiser_client
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        request = session.exec(select(m.MeetingRequest).order_by(m.MeetingRequest.ext_id)).first()
        assert request is not None
        request.required = True
        a, b = (
            session.get(m.Participant, request.from_id),
            session.get(m.Participant, request.to_id),
        )
        assert a is not None and b is not None
        a.available, b.available = ["d1-am"], ["d1-pm"]
        session.add_all([request, a, b])
        session.commit()
    c.post_form(f"/events/{event_id}/solve", {"time_limit": "2"})
    page = _wait_for_job(c, event_id)
    assert "failed</span>" in page and "No schedule" in page
    with Session(app.state.engine) as session:
        assert session.exec(select(m.ScheduleVersion)).all() == []


def test_organiser_pages_follow_the_chosen_language(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    c = organiser_client
    event_id = load_tiny(app)
    english = c.get(f"/events/{event_id}/requests").text
    assert '<html lang="en">' in english and "Meeting requests" in english
    assert f'href="/events/{event_id}/portal"' in english
    switched = c.get(f"/lang/vi?next=/events/{event_id}/requests", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/events/{event_id}/requests"
    page = c.get(f"/events/{event_id}/requests").text  # the `lang` cookie is now set
    assert '<html lang="vi">' in page
    assert "Yêu cầu gặp" in page and "Đăng xuất" in page and "Meeting requests" not in page
    c.cookies.delete("lang")
    header_choice = c.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}).text
    assert '<html lang="vi">' in header_choice
