"""Portal review fixes, on SQLite and PostgreSQL: same-side requests, priority messages, answers
after the deadline, time zones in unavailable ranges, profile errors keeping the ticked sessions,
the event name in sign-in e-mails, change e-mails in time order, narrow agenda/request tables."""

from __future__ import annotations

import email
import re
from datetime import datetime
from email import policy
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from scheduler import domain
from tests.conftest import publish
from tests.portal.helpers import SECRET
from tests.portal.helpers import csrf as _csrf
from tests.portal.helpers import load_tiny as _load
from tests.portal.helpers import person as _person
from tests.portal.helpers import signed_in as _client
from web import models as m
from web.mail import Mailer
from web.mailing import MailPostman
from web.usecases import notifications, tokens
from web.usecases import versions as schedules
from web.usecases.mapper import event_of as event_from_db


def _fresh_supplier(app: FastAPI, buyer_ext: str) -> m.Participant:
    """A supplier with no request to or from the buyer yet."""
    buyer = _person(app, buyer_ext)
    with Session(app.state.engine) as session:
        paired = {
            r.from_id if r.to_id == buyer.id else r.to_id
            for r in session.exec(select(m.MeetingRequest))
            if buyer.id in (r.from_id, r.to_id)
        }
        for person in session.exec(select(m.Participant).order_by(col(m.Participant.ext_id))):
            if person.ext_id.startswith("S") and person.id not in paired:
                session.expunge(person)
                return person
    raise AssertionError("no free supplier")


def _request_count(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return len(session.exec(select(m.MeetingRequest)).all())


def test_no_request_to_someone_of_the_same_side(app: FastAPI) -> None:
    _load(app)
    buyer = _client(app, "B001-1")
    csrf = _csrf(buyer)
    before = _request_count(app)
    other_buyer = _person(app, "B002-1")
    r = buyer.post(
        "/p/requests", data={"csrf_token": csrf, "to": str(other_buyer.id), "priority": "2"}
    )
    assert r.status_code == 422 and "No such participant." in r.text
    supplier = _client(app, "S002-1")
    r = supplier.post(
        "/p/requests",
        data={"csrf_token": _csrf(supplier), "to": str(_person(app, "S003-1").id)},
    )
    assert r.status_code == 422
    assert _request_count(app) == before


def test_bad_priority_says_priority(app: FastAPI) -> None:
    _load(app)
    buyer = _client(app, "B001-1")
    csrf = _csrf(buyer)
    to = str(_fresh_supplier(app, "B001-1").id)
    for value in ("2.5", "x", "0"):
        r = buyer.post("/p/requests", data={"csrf_token": csrf, "to": to, "priority": value})
        assert r.status_code == 422, value
        warning = re.search(r'class="warning"[^>]*>([^<]*)', r.text)
        assert warning and warning.group(1) == "Choose a priority from 1 to 3.", (value, warning)
    ok = buyer.post(
        "/p/requests",
        data={"csrf_token": csrf, "to": to, "priority": " 3 "},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_no_answer_after_the_deadline(app: FastAPI) -> None:
    event_id = _load(app)
    buyer = _client(app, "B001-1")
    supplier = _fresh_supplier(app, "B001-1")
    r = buyer.post(
        "/p/requests",
        data={"csrf_token": _csrf(buyer), "to": str(supplier.id), "priority": "2"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with Session(app.state.engine) as session:
        req = session.exec(
            select(m.MeetingRequest).where(m.MeetingRequest.to_id == supplier.id)
        ).one()
        ext = req.ext_id
        event = session.get(m.Event, event_id)
        assert event is not None
        event.request_deadline = datetime(2000, 1, 1)
        session.add(event)
        session.commit()
    other = _client(app, supplier.ext_id)
    csrf = _csrf(other)
    for action in ("accept", "decline"):
        r = other.post(f"/p/requests/{ext}/{action}", data={"csrf_token": csrf})
        assert r.status_code == 422 and "Requests are closed." in r.text
    with Session(app.state.engine) as session:
        status = session.exec(
            select(m.MeetingRequest.status).where(m.MeetingRequest.ext_id == ext)
        ).one()
    assert status == "pending"


def test_unavailable_with_offsets_is_stored_in_event_time(app: FastAPI) -> None:
    event_id = _load(app)  # Asia/Ho_Chi_Minh, UTC+7
    sup = _client(app, "S001-1")
    csrf = _csrf(sup, "/p/profile")
    base = {"csrf_token": csrf, "name": "An", "has_sessions": "1", "sessions": ["d1-am"]}
    text = "2026-11-19T09:00/2026-11-19T10:00+07:00\n2026-11-19T09:00+09:00/2026-11-19T10:00Z\n"
    r = sup.post("/p/profile", data={**base, "unavailable": text})
    assert r.status_code == 200  # was a 500 (naive and aware times compared)
    assert _person(app, "S001-1").unavailable == [
        {"start": "2026-11-19T09:00", "end": "2026-11-19T10:00"},
        {"start": "2026-11-19T07:00", "end": "2026-11-19T17:00"},
    ]
    with Session(app.state.engine) as session:  # the solver gets naive local times
        person = next(p for p in event_from_db(session, event_id).participants if p.id == "S001-1")
    assert all(u.start.tzinfo is None and u.end.tzinfo is None for u in person.unavailable)


def test_profile_error_keeps_the_ticked_sessions(app: FastAPI) -> None:
    _load(app)
    sup = _client(app, "S001-1")
    csrf = _csrf(sup, "/p/profile")
    base = {"csrf_token": csrf, "name": "", "has_sessions": "1"}

    def ticked(html: str) -> set[str]:
        return set(re.findall(r'name="sessions" value="([^"]+)" checked', html))

    r = sup.post("/p/profile", data={**base, "sessions": ["d1-pm"]})
    assert r.status_code == 422 and ticked(r.text) == {"d1-pm"}
    r = sup.post("/p/profile", data={**base, "name": "An"})  # nothing ticked
    assert r.status_code == 422 and ticked(r.text) == set()
    assert _person(app, "S001-1").available is None  # nothing saved


def test_sign_in_mail_names_the_event(app: FastAPI, tmp_path: Path) -> None:
    _load(app)
    client = TestClient(app)
    csrf = _csrf(client, "/p/link")
    r = client.post("/p/link", data={"csrf_token": csrf, "email": "b001-1@buyer.example"})
    assert r.status_code == 200
    (path,) = (tmp_path / "var" / "outbox").glob("*.eml")
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Your sign-in link – Tiny connection morning"


def test_change_mail_lists_changes_in_time_order(app: FastAPI, tmp_path: Path) -> None:
    event_id = _load(app)
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
    mine = [r for r in full.requests if "B001-1" in (r.from_id, r.to_id)][:3]

    def publish_placed(placed: dict[str, int]) -> int:
        with Session(app.state.engine) as session:
            schedule = domain.Schedule(
                event_name=full.name,
                meetings=tuple(
                    domain.Meeting(request_id=r, slot_idx=s, table_id="T005")
                    for r, s in sorted(placed.items(), key=lambda x: x[1])
                ),
            )
            version = schedules.create_version(session, event_id, full, schedule, source="import")
            publish(app, session, version)
            assert version.id is not None
            return version.id

    v1 = publish_placed({mine[0].id: 0, mine[1].id: 1, mine[2].id: 2})
    v2 = publish_placed({mine[0].id: 6, mine[2].id: 4})  # moved later, dropped, moved earlier
    ctx = (
        MailPostman(Mailer(outbox=tmp_path / "mails")),
        notifications.Links("http://portal.test", SECRET),
    )
    with Session(app.state.engine) as session:
        notifications.version_published(session, event_id, v1, v2, *ctx)
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in (tmp_path / "mails").glob("*.eml")
    ]
    buyer_mail = next(x for x in messages if x["To"] == "b001-1@buyer.example")
    body = buyer_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    times = [re.search(r"(\d{1,2}):(\d\d)", line) for line in lines]  # all before noon
    minutes = [int(t.group(1)) * 60 + int(t.group(2)) for t in times if t]
    assert len(minutes) == 3 and minutes == sorted(minutes)


def test_request_and_agenda_tables_have_few_columns(app: FastAPI) -> None:
    """Phones: the state and the buttons must not be pushed out of a 390px screen."""
    event_id = _load(app)
    buyer = _client(app, "B001-1")
    page = buyer.get("/p/requests").text
    head = re.search(r'<table id="requests"><thead><tr>(.*?)</tr>', page)
    assert head and head.group(1).count("<th") == 3
    assert "Priority 3" in page
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
        mine = next(r for r in full.requests if "B001-1" in (r.from_id, r.to_id) and r.requires)
        first = session.exec(select(m.Event).where(col(m.Event.id) == event_id)).one()
        assert first.timezone == "Asia/Ho_Chi_Minh"
        schedule = domain.Schedule(
            event_name=full.name,
            meetings=(domain.Meeting(request_id=mine.id, slot_idx=0, table_id="T005"),),
        )
        version = schedules.create_version(session, event_id, full, schedule, source="import")
        publish(app, session, version)
    page = buyer.get("/p/").text
    head = re.search(r'<table id="agenda"><thead><tr>(.*?)</tr>', page)
    assert head and head.group(1).count("<th") == 4
    assert "Interpreter: " in page and "–<wbr>" in page


def test_participants_cannot_answer_a_forced_request(app: FastAPI) -> None:
    _load(app)
    buyer = _person(app, "B001-1")
    supplier = _fresh_supplier(app, "B001-1")
    with Session(app.state.engine) as session:
        session.add(
            m.MeetingRequest(
                event_id=buyer.event_id, ext_id="RF1", from_id=buyer.id, to_id=supplier.id,
                priority=3, status="pending", forced=True, created_by="organiser",
            )
        )  # fmt: skip
        session.commit()
    other = _client(app, supplier.ext_id)
    page = other.get("/p/requests").text
    assert 'action="/p/requests/RF1/decline"' not in page and "set by the organiser" in page
    csrf = _csrf(other)
    for action in ("accept", "decline"):
        assert other.post(f"/p/requests/RF1/{action}", data={"csrf_token": csrf}).status_code == 404
    with Session(app.state.engine) as session:
        req = session.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == "RF1")).one()
    assert req.status == "pending"


def test_sign_in_link_requests_are_rate_limited_per_address(app: FastAPI, tmp_path: Path) -> None:
    _load(app)
    client = TestClient(app)
    csrf = _csrf(client, "/p/link")
    attempts = app.state.settings.login_attempts
    for _ in range(attempts + 3):
        r = client.post("/p/link", data={"csrf_token": csrf, "email": "B001-1@buyer.example "})
        assert r.status_code == 200  # the same answer, limited or not
    assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) == attempts
    r = client.post("/p/link", data={"csrf_token": csrf, "email": "s001@supplier.example"})
    assert r.status_code == 200
    assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) == attempts + 1


def test_organiser_revokes_and_renews_a_link(app: FastAPI, organiser_client: TestClient) -> None:
    event_id = _load(app)
    buyer = _person(app, "B001-1")
    participant = _client(app, "B001-1")  # signed in with the old link
    old_token = tokens.login_token(SECRET, buyer)
    feed = tokens.feed_token(SECRET, buyer)
    assert participant.get("/p/", follow_redirects=False).status_code == 200
    assert "not yet published" in TestClient(app).get(f"/p/feed/{feed}/calendar.ics").text
    csrf = organiser_client.csrf  # type: ignore[attr-defined]
    url = f"/events/{event_id}/portal/revoke/{buyer.id}"
    assert organiser_client.post(url, follow_redirects=False).status_code == 403  # no CSRF token
    r = organiser_client.post(url, data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    page = organiser_client.get(r.headers["location"]).text
    assert "New link: the old one" in page and old_token not in page
    assert participant.get("/p/", follow_redirects=False).status_code in (303, 403)
    assert TestClient(app).get(f"/p/login/{old_token}", follow_redirects=False).status_code != 303
    assert "No such calendar" in TestClient(app).get(f"/p/feed/{feed}/calendar.ics").text
    assert _client(app, "B001-1").get("/p/").status_code == 200  # the new link works
    wrong_event = f"/events/{event_id + 1}/portal/revoke/{buyer.id}"
    assert organiser_client.post(wrong_event, data={"csrf_token": csrf}).status_code == 404


def test_one_language_switch_that_keeps_the_query(app: FastAPI) -> None:
    _load(app)
    page = _client(app, "B001-1").get("/p/catalogue?sector=auto-parts").text
    assert page.count('href="/lang/vi?') == 1
    assert 'href="/lang/vi?next=/p/catalogue%3Fsector%3Dauto-parts"' in page
