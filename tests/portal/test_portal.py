"""Participant portal against SQLite and PostgreSQL: sign-in links, authorisation, catalogue,
requests, agenda, calendars, language switch and publish notifications."""

from __future__ import annotations

import email
import re
from datetime import datetime
from email import policy
from pathlib import Path

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

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
from web.usecases.accounts import create_api_token, create_organiser
from web.usecases.mapper import event_of as event_from_db


def _publish(app: FastAPI, event_id: int, placed: dict[str, tuple[int, str]]) -> int:
    """Store and publish a hand-made schedule: request ext id -> (slot index, table id)."""
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
        schedule = domain.Schedule(
            event_name=full.name,
            meetings=tuple(
                sorted(
                    (
                        domain.Meeting(request_id=r, slot_idx=s, table_id=t)
                        for r, (s, t) in placed.items()
                    ),
                    key=lambda x: (x.slot_idx, x.table_id),
                )
            ),
        )
        version = schedules.create_version(session, event_id, full, schedule, source="import")
        publish(app, session, version)
        assert version.id is not None
        return version.id


def _uids(data: bytes) -> list[str]:
    return sorted(str(e["uid"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_sign_in_link_tampered_expired_revoked(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(app)
    person = _person(app, "B001-1")
    token = tokens.login_token(SECRET, person)
    anonymous = TestClient(app)
    assert anonymous.get("/p/").status_code == 403
    bad = anonymous.get(f"/p/login/{token[:-2]}xx", follow_redirects=False)
    assert bad.status_code == 403 and "expired" in bad.text
    forged = tokens.login_token("another-secret", person)
    assert anonymous.get(f"/p/login/{forged}", follow_redirects=False).status_code == 403
    client = _client(app, "B001-1")
    page = client.get("/p/")
    assert page.status_code == 200 and 'id="not-published"' in page.text
    monkeypatch.setattr(tokens, "LOGIN_MAX_AGE", -1)
    assert TestClient(app).get(f"/p/login/{token}", follow_redirects=False).status_code == 403
    monkeypatch.undo()
    # bumping token_version revokes links and open sessions
    with Session(app.state.engine) as session:
        row = session.get(m.Participant, person.id)
        assert row is not None
        row.token_version += 1
        session.add(row)
        session.commit()
    assert client.get("/p/").status_code == 403
    assert TestClient(app).get(f"/p/login/{token}", follow_redirects=False).status_code == 403


def test_link_request_never_reveals_addresses(app: FastAPI, tmp_path: Path) -> None:
    _load(app)
    client = TestClient(app)
    csrf = _csrf(client, "/p/link")
    known = client.post("/p/link", data={"csrf_token": csrf, "email": "B001-1@buyer.example"})
    unknown = client.post("/p/link", data={"csrf_token": csrf, "email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda s: re.sub(r'value="[^"]+"', "", s)  # noqa: E731
    assert strip(known.text) == strip(unknown.text)
    outbox = list((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    msg = email.message_from_bytes(outbox[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "b001-1@buyer.example"
    link = re.search(r"(/p/login/\S+)", msg.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert link
    assert TestClient(app).get(link.group(1), follow_redirects=False).status_code == 303
    assert client.post("/p/link", data={"email": "x@y.z"}).status_code == 403  # CSRF


def test_catalogue_requests_accept_decline(app: FastAPI) -> None:
    event_id = _load(app)
    buyer = _client(app, "B001-1")
    page = buyer.get("/p/catalogue").text
    assert "S001-1" in page and "B002-1" not in page  # only the other side
    filtered = buyer.get("/p/catalogue", params={"q": "zzzz-nothing"}).text
    assert 'data-participant="S' not in filtered
    csrf = _csrf(buyer)
    s1, s2 = _person(app, "S001-1"), _person(app, "S006-1")
    for s in (s1, s2):
        r = buyer.post(
            "/p/requests",
            data={"csrf_token": csrf, "to": str(s.id), "priority": "3", "note": "hi"},
            follow_redirects=False,
        )
        assert r.status_code == 303
    again = buyer.post("/p/requests", data={"csrf_token": csrf, "to": str(s1.id), "priority": "3"})
    assert again.status_code == 422 and "already" in again.text
    bad = buyer.post("/p/requests", data={"csrf_token": csrf, "to": "abc", "priority": "9"})
    assert bad.status_code == 422
    other_event = buyer.post(
        "/p/requests", data={"csrf_token": csrf, "to": "999999", "priority": "2"}
    )
    assert other_event.status_code == 422
    with Session(app.state.engine) as session:
        mine = session.exec(
            select(m.MeetingRequest).where(m.MeetingRequest.created_by == "participant")
        ).all()
        assert {r.status for r in mine} == {"pending"}
        ext = {r.to_id: r.ext_id for r in mine}
        # pending requests do not go to the solver
        assert not set(ext.values()) & {
            r.id for r in event_from_db(session, event_id, for_solver=True).requests
        }
    # only the receiver can answer
    s3 = _client(app, "S003-1")
    c3 = _csrf(s3)
    assert s3.post(f"/p/requests/{ext[s1.id]}/accept", data={"csrf_token": c3}).status_code == 404
    assert (
        buyer.post(f"/p/requests/{ext[s1.id]}/accept", data={"csrf_token": csrf}).status_code == 404
    )
    sup1, sup2 = _client(app, "S001-1"), _client(app, "S006-1")
    assert (
        sup1.post(
            f"/p/requests/{ext[s1.id]}/accept",
            data={"csrf_token": _csrf(sup1)},
            follow_redirects=False,
        ).status_code
        == 303
    )
    assert (
        sup2.post(
            f"/p/requests/{ext[s2.id]}/decline",
            data={"csrf_token": _csrf(sup2)},
            follow_redirects=False,
        ).status_code
        == 303
    )
    text = buyer.get("/p/requests").text
    assert "accepted" in text and "declined" in text
    with Session(app.state.engine) as session:
        solver_ids = {r.id for r in event_from_db(session, event_id, for_solver=True).requests}
    assert ext[s1.id] in solver_ids and ext[s2.id] not in solver_ids
    # a counter-request is recognised as mutual and kept as one request (one meeting)
    b1 = _person(app, "B001-1")
    back = sup1.post(
        "/p/requests",
        data={"csrf_token": _csrf(sup1), "to": str(b1.id), "priority": "1", "note": "yes!"},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert "mutual" in sup1.get("/p/requests").text and "mutual" in buyer.get("/p/requests").text
    with Session(app.state.engine) as session:
        pair = session.exec(
            select(m.MeetingRequest).where(
                m.MeetingRequest.from_id.in_([b1.id, s1.id]),  # type: ignore[union-attr]
                m.MeetingRequest.to_id.in_([b1.id, s1.id]),  # type: ignore[union-attr]
            )
        ).all()
    assert len(pair) == 1 and pair[0].status == "accepted" and pair[0].priority == 3
    assert pair[0].note == "hi / yes!"


def test_request_limit_and_deadline(app: FastAPI) -> None:
    event_id = _load(app)
    buyer_id = _person(app, "B001-1").id
    with Session(app.state.engine) as session:
        already = len(
            session.exec(select(m.MeetingRequest).where(m.MeetingRequest.from_id == buyer_id)).all()
        )
        event = session.get(m.Event, event_id)
        assert event is not None
        event.max_requests_per_participant = already + 1
        session.add(event)
        session.commit()
    buyer = _client(app, "B001-1")
    csrf = _csrf(buyer)
    ids = [_person(app, e).id for e in ("S001-1", "S006-1")]
    first = buyer.post(
        "/p/requests", data={"csrf_token": csrf, "to": str(ids[0]), "priority": "2"},
        follow_redirects=False,
    )  # fmt: skip
    assert first.status_code == 303
    second = buyer.post(
        "/p/requests", data={"csrf_token": csrf, "to": str(ids[1]), "priority": "2"}
    )
    assert second.status_code == 422 and "limit" in second.text
    with Session(app.state.engine) as session:
        event = session.get(m.Event, event_id)
        assert event is not None
        event.max_requests_per_participant = 50
        event.request_deadline = datetime(2000, 1, 1)
        session.add(event)
        session.commit()
    closed = buyer.post(
        "/p/requests", data={"csrf_token": csrf, "to": str(ids[1]), "priority": "2"}
    )
    assert closed.status_code == 422 and "closed" in closed.text


def test_agenda_calendars_and_authorisation(app: FastAPI) -> None:
    event_id = _load(app)
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
    mine = [r for r in full.requests if "B001-1" in (r.from_id, r.to_id)][:2]
    foreign = next(r for r in full.requests if "B001-1" not in (r.from_id, r.to_id))
    assert len(mine) == 2
    buyer = _client(app, "B001-1")
    assert buyer.get("/p/calendar.ics").status_code == 404  # not yet published
    _publish(
        app, event_id, {mine[0].id: (0, "T005"), mine[1].id: (1, "T005"), foreign.id: (2, "T005")}
    )
    page = buyer.get("/p/").text
    assert 'id="agenda"' in page and "T005" in page
    cal = icalendar.Calendar.from_ical(buyer.get("/p/calendar.ics").content)
    uids = sorted(str(e["uid"]) for e in cal.walk("VEVENT"))
    assert uids == sorted(f"{r.id}@event-{event_id}.ketnoi" for r in mine)
    assert [str(t["tzid"]) for t in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    (ev,) = [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith(mine[0].id + "@")]
    assert str(ev["location"]) == "NECC Hà Nội, Table T005"
    one = buyer.get(f"/p/meetings/{mine[0].id}.ics")
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/calendar")
    # another participant's meeting: 404 and nothing leaked
    leak = buyer.get(f"/p/meetings/{foreign.id}.ics")
    assert leak.status_code == 404 and b"VCALENDAR" not in leak.content
    assert buyer.get("/p/meetings/nope.ics").status_code == 404
    # the subscription feed works without a cookie; a tampered feed token does not
    feed = re.search(r"webcal://[^/]+(/p/feed/[^\"]+)", page)
    assert feed
    assert TestClient(app).get(feed.group(1)).content.startswith(b"BEGIN:VCALENDAR")
    assert TestClient(app).get(feed.group(1).replace("/calendar", "x/calendar")).status_code == 404
    # a login token is not a feed token
    login = tokens.login_token(SECRET, _person(app, "B001-1"))
    assert TestClient(app).get(f"/p/feed/{login}/calendar.ics").status_code == 404
    # organiser API: bearer token required
    with Session(app.state.engine) as session:
        create_organiser(session, "org@example.org", "a long password 123")
        token = create_api_token(session, "org@example.org")
    url = f"/api/events/{event_id}/participants/B001-1/calendar.ics"
    assert TestClient(app).get(url).status_code == 401
    api = TestClient(app).get(url, headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert _uids(api.content) == _uids(buyer.get("/p/calendar.ics").content)
    missing = TestClient(app).get(
        f"/api/events/{event_id}/participants/NOPE/calendar.ics",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert missing.status_code == 404


def test_language_switch_is_remembered(app: FastAPI) -> None:
    _load(app)
    buyer = _client(app, "B001-1")
    assert "My agenda" in buyer.get("/p/").text
    buyer.get("/lang/vi?next=/p/", follow_redirects=False)
    assert _person(app, "B001-1").locale == "vi"
    # a new device signs in: the saved preference wins over the browser's language
    fresh = TestClient(app)
    token = tokens.login_token(SECRET, _person(app, "B001-1"))
    fresh.get(f"/p/login/{token}", headers={"Accept-Language": "en"})
    assert fresh.cookies.get("lang") == "vi"
    vi_page = fresh.get("/p/").text
    assert '<html lang="vi"' in vi_page and "Lịch gặp của tôi" in vi_page
    assert "Lịch chưa được công bố" in vi_page
    # open redirects are refused
    r = buyer.get("/lang/en?next=//evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/p/"


def test_on_publish_mails_changes(app: FastAPI, tmp_path: Path) -> None:
    event_id = _load(app)
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
    mine = [r for r in full.requests if "B001-1" in (r.from_id, r.to_id)][:2]
    v1 = _publish(app, event_id, {mine[0].id: (0, "T005"), mine[1].id: (1, "T005")})
    v2 = _publish(app, event_id, {mine[0].id: (3, "T005")})  # one moved, one dropped
    outbox = tmp_path / "mails"
    ctx = (MailPostman(Mailer(outbox=outbox)), notifications.Links("http://portal.test", SECRET))
    with Session(app.state.engine) as session:
        sent = notifications.version_published(session, event_id, v1, v2, *ctx)
    people = {mine[0].from_id, mine[0].to_id, mine[1].from_id, mine[1].to_id}
    with Session(app.state.engine) as session:
        with_mail = {
            p.ext_id for p in session.exec(select(m.Participant)) if p.email and p.ext_id in people
        }
    assert sent == len(with_mail) and sent >= 1
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in outbox.glob("*.eml")
    ]
    buyer_mail = next(x for x in messages if x["To"] == "b001-1@buyer.example")
    body = buyer_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Moved" in body and "Cancelled" in body and "http://portal.test/p/login/" in body
    methods = {}
    for att in buyer_mail.iter_attachments():
        cal = icalendar.Calendar.from_ical(att.get_payload(decode=True))
        (ev,) = cal.walk("VEVENT")
        methods[str(ev["uid"]).split("@")[0]] = (
            str(cal["method"]),
            str(ev["status"]),
            int(ev["sequence"]),
        )
    assert methods == {
        mine[0].id: ("REQUEST", "CONFIRMED", 1),
        mine[1].id: ("CANCEL", "CANCELLED", 1),
    }


def test_profile_edit_own_data_and_suggestions(app: FastAPI) -> None:
    _load(app)
    buyer = _client(app, "B001-1")
    assert buyer.get("/p/profile").status_code == 200
    csrf = _csrf(buyer, "/p/profile")
    bad = buyer.post("/p/profile", data={"csrf_token": csrf, "name": "", "max_meetings": "lots"})
    assert bad.status_code == 422 and "field-error" in bad.text
    assert _person(app, "B001-1").name == "Tom Pham"  # nothing saved
    form = {
        "csrf_token": csrf,
        "name": "Tom Pham Jr",
        "languages": "ko, en",
        "max_meetings": "6",
        "sectors": "auto-parts",
        "want_sectors": "medical-devices",
        "want_certifications": "ISO 9001",
        "want_languages": "ko",
    }
    assert buyer.post("/p/profile", data=form).status_code == 200
    me = _person(app, "B001-1")
    assert (me.name, me.languages, me.max_meetings) == ("Tom Pham Jr", ["ko", "en"], 6)
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, me.organisation_id)
        assert org is not None
        assert org.looking_for["sectors"] == ["medical-devices"]
    page = buyer.get("/p/catalogue").text
    assert 'id="suggestions"' in page and "no, interpreter needed" in page
    # another participant is untouched
    assert _person(app, "B002-1").name == "Lan Pham"
    # a supplier has no "looking for" section and sees buyers
    sup = _client(app, "S001-1")
    assert "want_sectors" not in sup.get("/p/profile").text
    assert 'data-participant="B001-1"' in sup.get("/p/catalogue").text


def test_publish_mails_use_the_apps_settings(app: FastAPI, tmp_path: Path) -> None:
    """on_publish called by the organiser's publish service, without a context: the app's
    outbox and secret key are used (registered by the portal router's lifespan)."""
    event_id = _load(app)
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
    mine = [r for r in full.requests if "B001-1" in (r.from_id, r.to_id)][:1]
    with TestClient(app):
        _publish(app, event_id, {mine[0].id: (0, "T005")})
    outbox = sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(outbox) == 2  # both sides of the one new meeting
    msg = email.message_from_bytes(outbox[0].read_bytes(), policy=policy.default)
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"https?://[^/]+(/p/login/\S+)", body)
    assert link and "New:" in body
    assert TestClient(app).get(link.group(1), follow_redirects=False).status_code == 303


def test_organiser_links_and_bulk_suggestions(app: FastAPI, organiser_client: TestClient) -> None:
    event_id = _load(app)
    assert (
        TestClient(app).get(f"/events/{event_id}/portal", follow_redirects=False).status_code == 303
    )
    page = organiser_client.get(f"/events/{event_id}/portal").text
    assert page.count("/p/login/") == 14
    buyer = _person(app, "B001-1")
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, buyer.organisation_id)
        assert org is not None
        org.looking_for = {"sectors": ["medical-devices"]}
        session.add(org)
        session.commit()
    page = organiser_client.get(f"/events/{event_id}/portal/suggestions").text
    s1 = _person(app, "S001-1")  # medical-devices, no request with B001-1 yet
    pair = f"{buyer.id}-{s1.id}"
    assert f'value="{pair}"' in page
    csrf = organiser_client.csrf  # type: ignore[attr-defined]
    r = organiser_client.post(
        f"/events/{event_id}/portal/suggestions",
        data={"csrf_token": csrf, "pair": [pair, pair, "999-998", "junk"]},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("created=1")
    with Session(app.state.engine) as session:
        made = session.exec(
            select(m.MeetingRequest).where(
                m.MeetingRequest.from_id == buyer.id, m.MeetingRequest.to_id == s1.id
            )
        ).one()
    assert made.status == "accepted" and made.created_by == "organiser"
    assert (
        f'value="{pair}"' not in organiser_client.get(f"/events/{event_id}/portal/suggestions").text
    )


def test_profile_attendance_and_unavailable(app: FastAPI) -> None:
    _load(app)
    sup = _client(app, "S001-1")
    page = sup.get("/p/profile").text
    assert 'value="d1-am"' in page and 'value="d1-pm"' in page
    csrf = _csrf(sup, "/p/profile")
    base = {"csrf_token": csrf, "name": "An", "has_sessions": "1"}
    none = sup.post("/p/profile", data=base)
    assert none.status_code == 422  # no session ticked
    bad = sup.post(
        "/p/profile", data={**base, "sessions": ["d1-am"], "unavailable": "2026-11-19T10:00/09:00"}
    )
    assert bad.status_code == 422 and "line 1" in bad.text
    ok = sup.post(
        "/p/profile",
        data={**base, "sessions": ["d1-am"], "unavailable": "2026-11-19T09:30/2026-11-19T10:10\n"},
    )
    assert ok.status_code == 200
    me = _person(app, "S001-1")
    assert me.available == ["d1-am"]
    assert me.unavailable == [{"start": "2026-11-19T09:30", "end": "2026-11-19T10:10"}]
    sup.post("/p/profile", data={**base, "sessions": ["d1-am", "d1-pm"]})
    assert _person(app, "S001-1").available is None  # every session = no restriction


def test_unreadable_published_version_is_not_a_500(app: FastAPI) -> None:
    event_id = _load(app)
    with Session(app.state.engine) as session:
        full = event_from_db(session, event_id)
    mine = next(r for r in full.requests if "B001-1" in (r.from_id, r.to_id))
    _publish(app, event_id, {mine.id: (0, "T005")})
    with Session(app.state.engine) as session:  # the organiser deletes the request afterwards
        row = session.exec(select(m.MeetingRequest).where(m.MeetingRequest.ext_id == mine.id)).one()
        session.delete(row)
        session.commit()
    buyer = _client(app, "B001-1")
    assert buyer.get("/p/").status_code == 200
    assert buyer.get("/p/calendar.ics").status_code in (200, 404)
    assert buyer.get(f"/p/meetings/{mine.id}.ics").status_code in (200, 404)
    assert buyer.get("/p/requests").status_code == 200
