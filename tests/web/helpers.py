"""What the web tests share: events loaded from the samples, hand-made versions, signed-in
participants, and a finished solve."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from scheduler import domain
from scheduler.check import check_schedule
from scheduler.solve import SolveParams, solve
from tests.conftest import OrganiserClient, import_event_json, publish
from tests.conftest import load_tiny as _load_tiny
from web import models as m
from web.usecases import access, accounts, mapper, tokens, versions

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret"  # the conftest app's secret key
SESSIONS = "d1-am 2026-11-19 08:30-11:30\nd1-pm 2026-11-19 13:30-16:30"
SETUP = {
    "name": "Test fair",
    "venue": "Hall A",
    "timezone": "Asia/Ho_Chi_Minh",
    "slot_minutes": "20",
    "sessions": SESSIONS,
    "pooled_tables": "3",
    "resources": "interpreter:ko 1",
}


def organiser_token(
    app: FastAPI, email: str, event_id: int | None = None, role: m.Role = m.Role.OWNER
) -> dict[str, str]:
    """The API headers of a new organiser `email`, given `role` in the event (if any)."""
    with Session(app.state.engine) as session:
        organiser = accounts.create_organiser(session, email, "a long password 123")
        if event_id is not None:
            access.grant(session, event_id, organiser, role)
            session.commit()
        return {"Authorization": f"Bearer {accounts.create_api_token(session, email)}"}


def load_tiny(app: FastAPI, on: date | None = None) -> int:
    """samples/tiny.json as a new event at the NECC (held `on` another day if given); its id."""
    return _load_tiny(app, venue="NECC Hà Nội", on=on)


def create_event(client: OrganiserClient) -> int:
    """A new event through the set-up form (SETUP); its id."""
    response = client.post_form("/events", SETUP, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[2])


def person(app: FastAPI, ext_id: str) -> m.Participant:
    with Session(app.state.engine) as session:
        found = session.exec(select(m.Participant).where(m.Participant.ext_id == ext_id)).one()
        session.expunge(found)
        return found


def signed_in(app: FastAPI, ext_id: str) -> TestClient:
    """A browser signed in to the portal with the participant's link."""
    client = TestClient(app)
    token = tokens.login_token(SECRET, person(app, ext_id))
    response = client.get(f"/p/login/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def csrf(client: TestClient, url: str = "/p/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert match
    return match.group(1)


def domain_event(app: FastAPI, event_id: int) -> domain.Event:
    with Session(app.state.engine) as session:
        return mapper.event_of(session, event_id)


def store_version(app: FastAPI, event_id: int, placed: dict[str, tuple[int, str]]) -> int:
    """A hand-made draft version: request ext id -> (slot index, table id); its number."""
    with Session(app.state.engine) as session:
        full = mapper.event_of(session, event_id)
        meetings = sorted(
            (domain.Meeting(request_id=r, slot_idx=s, table_id=t) for r, (s, t) in placed.items()),
            key=lambda x: (x.slot_idx, x.table_id),
        )
        schedule = domain.Schedule(event_name=full.name, meetings=tuple(meetings))
        return versions.create_version(session, event_id, full, schedule, source="import").number


def publish_placed(app: FastAPI, event_id: int, placed: dict[str, tuple[int, str]]) -> int:
    """Store and publish a hand-made version; its row id."""
    number = store_version(app, event_id, placed)
    with Session(app.state.engine) as session:
        version = versions.get_version(session, event_id, number)
        publish(app, session, version)
        return version.id


def meetings(app: FastAPI, event_id: int, number: int) -> list[m.Meeting]:
    with Session(app.state.engine) as session:
        version = versions.get_version(session, event_id, number)
        return mapper.meetings_of(session, version.id)


def free_slot(app: FastAPI, event_id: int, meeting: m.Meeting) -> tuple[datetime, str]:
    """A (slot start, table) other than the meeting's own where moving it breaks no new rule."""
    event = domain_event(app, event_id)
    with Session(app.state.engine) as session:
        version = session.get(m.ScheduleVersion, meeting.version_id)
        assert version is not None
        base = mapper.schedule_of(session, version, event)
    before = set(check_schedule(event, base).violations)
    for slot in event.slots:
        for table in event.tables:
            moved = tuple(
                domain.Meeting(request_id=x.request_id, slot_idx=slot.idx, table_id=table.id)
                if x.request_id == meeting.request_ext
                else x
                for x in base.meetings
            )
            schedule = domain.Schedule(event_name=event.name, meetings=moved)
            here = (slot.start, table.id) == (meeting.start, meeting.table_ext)
            if not here and set(check_schedule(event, schedule).violations) <= before:
                return slot.start, table.id
    raise AssertionError("no free slot and table")


def wait_for_job(client: OrganiserClient, event_id: int, timeout: float = 60) -> str:
    """The solve page's job block once the latest solve has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page: str = client.get(f"/events/{event_id}/solve", headers={"HX-Request": "true"}).text
        if not re.search(r'id="job-state">(queued|running)<', page):
            return page
        time.sleep(0.3)
    raise AssertionError("solve did not finish")


def buyer_and_supplier(app: FastAPI, event_id: int) -> tuple[str, str]:
    """A buyer and a supplier id of the event."""
    with Session(app.state.engine) as session:
        rows = session.exec(
            select(m.Participant, m.Organisation)
            .join(m.Organisation)
            .where(m.Participant.event_id == event_id)
        ).all()
    buyer = next(p.ext_id for p, o in rows if o.role == "buyer")
    supplier = next(p.ext_id for p, o in rows if o.role == "supplier")
    return buyer, supplier


def fresh_supplier(app: FastAPI, buyer_ext: str) -> m.Participant:
    """A supplier with no request to or from the buyer yet."""
    buyer = person(app, buyer_ext)
    with Session(app.state.engine) as session:
        paired = {
            r.from_id if r.to_id == buyer.id else r.to_id
            for r in session.exec(select(m.MeetingRequest))
            if buyer.id in (r.from_id, r.to_id)
        }
        for row in session.exec(select(m.Participant).order_by(col(m.Participant.ext_id))):
            if row.ext_id.startswith("S") and row.id not in paired:
                session.expunge(row)
                return row
    raise AssertionError("no free supplier")


def request_count(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return len(session.exec(select(m.MeetingRequest)).all())


def set_profile(app: FastAPI, org_ext: str, **values: object) -> None:
    """Overwrite fields of an organisation's profile (products, certifications, looking_for...)."""
    with Session(app.state.engine) as session:
        org = session.exec(select(m.Organisation).where(m.Organisation.ext_id == org_ext)).one()
        for key, value in values.items():
            setattr(org, key, value)
        session.add(org)
        session.commit()


def clear_requests(app: FastAPI) -> None:
    """No request between anyone: every pair is a fresh one."""
    with Session(app.state.engine) as session:
        for row in session.exec(select(m.MeetingRequest)):
            session.delete(row)
        session.commit()


SUPPLIERS = ("S1", "S2", "S3", "S4", "S5")


def small_event() -> dict[str, Any]:
    """A `b2b-event/1` event whose unscheduled requests are known whatever the solver does:
    buyer B1-1 takes one meeting and four suppliers ask for it (three left out at its
    limit); supplier S5-1 is there only in the afternoon, buyer B2-1 only in the morning
    (their request left out: never both there)."""

    def org(oid: str, role: str) -> dict[str, str]:
        return {"id": oid, "name": f"{oid} Company", "role": role}

    def person(pid: str, **kw: object) -> dict[str, object]:
        return {"id": f"{pid}-1", "organisation": pid, "name": f"Person {pid}", **kw}

    requests = [
        {"id": f"R{i}", "from": f"{s}-1", "to": "B1-1"} for i, s in enumerate(SUPPLIERS[:4], 1)
    ]
    requests.append({"id": "R5", "from": "S5-1", "to": "B2-1"})
    return {
        "format": "b2b-event/1",
        "event": {
            "name": "Review fair",
            "timezone": "Asia/Ho_Chi_Minh",
            "slot_minutes": 20,
            "sessions": [
                {"id": "am", "start": "2026-11-19T09:00", "end": "2026-11-19T10:00"},
                {"id": "pm", "start": "2026-11-19T14:00", "end": "2026-11-19T15:00"},
            ],
        },
        "tables": [{"id": f"T{i}"} for i in range(1, 4)],
        "organisations": [org("B1", "buyer"), org("B2", "buyer")]
        + [org(s, "supplier") for s in SUPPLIERS],
        "participants": [
            person("B1", max_meetings=1),
            person("B2", available=["am"]),
            *(person(s) for s in SUPPLIERS[:4]),
            person("S5", available=["pm"]),
        ],
        "requests": requests,
    }


def solved_small_event(session: Session) -> m.ScheduleVersion:
    """The event imported, solved and stored as version 1."""
    event_id = import_event_json(session, small_event()).id
    event = mapper.event_of(session, event_id, for_solver=True)
    schedule = solve(event, SolveParams(time_limit=5, workers=1, seed=0))
    return versions.create_version(session, event_id, event, schedule, source="solve")
