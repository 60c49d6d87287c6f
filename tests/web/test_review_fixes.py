"""Regression tests for defects found in an organiser walk-through (500s on odd input, wrong
counts after a failed import, duplicate request pairs in an import, unsafe redirects...)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import OrganiserClient, csrf_of, load_tiny
from web import models as m

SESSIONS = "d1-am 2026-11-19 08:30-11:30\nd1-pm 2026-11-19 13:30-16:30"
SETUP = {"name": "Review fair", "venue": "Hall A", "timezone": "Asia/Ho_Chi_Minh",
         "slot_minutes": "20", "sessions": SESSIONS, "pooled_tables": "3"}  # fmt: skip


def _ext_ids(app: FastAPI, event_id: int) -> tuple[str, str]:
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


def test_odd_digits_in_resources_are_a_field_error(organiser_client: OrganiserClient) -> None:
    response = organiser_client.post_form("/events", SETUP | {"resources": "interpreter:ko ²"})
    assert response.status_code == 422
    assert "interpreter:ko 3" in response.text  # the line format hint


def test_odd_filter_values_do_not_crash(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    c = organiser_client
    for query in ("priority=²", "priority=99999999999999999999999", "who=a%00b"):
        response = c.get(f"/events/{event_id}/requests?{query}")
        assert response.status_code == 200, query
        assert "0 requests" in response.text
    for query in ("q=a%00b", "country=%00"):
        response = c.get(f"/events/{event_id}/participants?{query}")
        assert response.status_code == 200, query


def test_participant_search_treats_wildcards_literally(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    for query in ("%25", "_"):
        page = organiser_client.get(f"/events/{event_id}/participants?q={query}").text
        assert "0 participants" in page, query


def test_huge_max_meetings_is_a_field_error(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    values = {"participant_id": "X1", "name": "X", "organisation_id": "XO", "role": "supplier",
              "max_meetings": "99999999999999999999999"}  # fmt: skip
    response = organiser_client.post_form(f"/events/{event_id}/participants", values)
    assert response.status_code == 422
    with Session(app.state.engine) as session:
        assert (
            session.exec(select(m.Participant).where(m.Participant.ext_id == "X1")).first() is None
        )


def test_solve_with_odd_base_version_does_not_crash(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    import os

    event_id = load_tiny(app)
    with Session(app.state.engine) as session:  # a running solve: nothing new is spawned
        session.add(m.SolveJob(event_id=event_id, state="running", pid=os.getpid()))
        session.commit()
    for base in ("²", "99999999999999999999999"):
        response = organiser_client.post_form(
            f"/events/{event_id}/solve", {"time_limit": "2", "base_version": base}
        )
        assert response.status_code == 409, base


def test_request_import_refuses_a_pair_twice(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer, supplier = _ext_ids(app, event_id)
    csv = f"id,from,to\nQ1,{buyer},{supplier}\nQ2,{supplier},{buyer}\n"
    response = organiser_client.post(
        f"/events/{event_id}/requests/import",
        data={"csrf_token": organiser_client.csrf},
        files={"file": ("r.csv", csv.encode(), "text/csv")},
    )
    assert response.status_code == 422
    assert "line 3, column to" in response.text
    with Session(app.state.engine) as session:
        ids = session.exec(
            select(m.MeetingRequest.ext_id).where(m.MeetingRequest.event_id == event_id)
        ).all()
    assert "Q1" not in ids and "Q2" not in ids


def test_failed_event_import_keeps_the_event_list_right(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        count = len(
            session.exec(select(m.Participant).where(m.Participant.event_id == event_id)).all()
        )
    before = organiser_client.get("/").text
    assert f'<td class="num">{count}</td>' in before or f">{count}<" in before
    response = organiser_client.post(
        "/import-event",
        data={"csrf_token": organiser_client.csrf},
        files={"file": ("e.json", b'{"format": "b2b-event/1"}', "application/json")},
    )
    assert response.status_code == 422
    assert f">{count}<" in response.text


def test_move_with_unreadable_slot_names_the_input(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    from scheduler.domain import Meeting, Schedule
    from web.usecases.mapper import event_of as event_from_db
    from web.usecases.mapper import meetings_of
    from web.usecases.versions import create_version

    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        event = event_from_db(session, event_id, for_solver=True)
        schedule = Schedule(
            event_name=event.name,
            meetings=(Meeting(request_id=event.requests[0].id, slot_idx=0, table_id="T005"),),
        )
        version = create_version(session, event_id, event, schedule, source="import")
        assert version.id is not None
        meeting = meetings_of(session, version.id)[0]
        url = f"/events/{event_id}/versions/{version.number}/meetings/{meeting.id}"
    response = organiser_client.post_form(url, {"start": "soon", "table": "T005"})
    assert response.status_code == 422
    assert "soon" in response.text and "1-01-01" not in response.text


def test_nul_characters_in_forms_do_not_crash(
    app: FastAPI, client: TestClient, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    values = {"participant_id": "X1", "name": "A\x00B", "organisation_id": "XO", "role": "supplier"}
    response = organiser_client.post_form(f"/events/{event_id}/participants", values)
    assert response.status_code == 200  # saved, redirected to the list
    csv = "participant_id,name,organisation_id,role\nX2,C\x00D,XO,supplier\n"
    response = organiser_client.post(
        f"/events/{event_id}/import",
        data={"csrf_token": organiser_client.csrf},
        files={"file": ("r.csv", csv.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    with Session(app.state.engine) as session:
        names = set(session.exec(select(m.Participant.name)).all())
    assert {"AB", "CD"} <= names
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"csrf_token": token, "email": "a\x00@b.c", "password": "x", "next": "/"}
    )
    assert response.status_code == 422


def test_language_links_keep_the_query(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/participants?role=buyer").text
    assert f"/lang/vi?next=/events/{event_id}/participants%3Frole%3Dbuyer" in page


def test_roles_are_translated_in_the_registrations_list(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.cookies.set("lang", "vi")
    page = organiser_client.get(f"/events/{event_id}/participants?role=buyer").text
    assert "<td>buyer</td>" not in page
    assert "bên mua" in page


def test_reloading_an_import_url_goes_back_to_its_page(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    c = organiser_client
    response = c.get("/import-event", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    response = c.get(f"/events/{event_id}/requests/import", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/events/{event_id}/requests"


def test_nul_characters_in_searches_do_not_crash(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    for url in (
        f"/events/{event_id}/participants?q=B0%0001",
        f"/events/{event_id}/participants?role=buy%00er&country=V%00N",
        f"/events/{event_id}/requests?status=acc%00epted&who=B0%0001-1",
    ):
        assert organiser_client.get(url).status_code == 200, url
    page = organiser_client.get(f"/events/{event_id}/participants?q=B0%0001-1").text
    assert "B001-1" in page  # the NUL is dropped, the rest still matches


def test_unknown_addresses_get_the_error_page(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "<html" in missing.text
    assert "There is no page at this address." in missing.text
    wrong_method = client.put("/login")
    assert wrong_method.status_code == 405 and "<html" in wrong_method.text
    portal = client.get("/p/nothing-here")
    assert portal.status_code in (403, 404) and 'href="/p/link"' in portal.text
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_login_returns_to_the_page_with_its_query(app: FastAPI, client: TestClient) -> None:
    event_id = load_tiny(app)
    wanted = f"/events/{event_id}/participants?role=buyer&q=B"
    response = client.get(wanted, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/login?next=/events/{event_id}/participants%3Frole%3Dbuyer%26q%3DB"
    )
    login = client.get(response.headers["location"]).text
    assert f'value="{wanted}"'.replace("&", "&amp;") in login


def test_login_never_redirects_to_another_site(client: TestClient) -> None:
    for target in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/"):
        page = client.get("/login", params={"next": target}).text
        assert '<input type="hidden" name="next" value="/">' in page
    assert (
        client.get("/lang/en", params={"next": "/\\evil.example"}, follow_redirects=False).headers[
            "location"
        ]
        == "/p/"
    )


def test_malformed_query_values_get_a_plain_message(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    response = organiser_client.get(f"/events/{event_id}/participants?page=abc")
    assert response.status_code == 422 and "<html" in response.text
    assert "are not valid: page." in response.text and "Input should" not in response.text
    organiser_client.cookies.set("lang", "vi")
    response = organiser_client.get(f"/events/{event_id}/participants?page=abc")
    assert "không hợp lệ: page." in response.text


def test_ids_beyond_the_database_range_are_bad_input(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    big = "99999999999999999999"
    for url in (
        f"/events/{big}",
        f"/events/{event_id}/participants/{big}",
        f"/events/{event_id}/requests/{big}",
    ):
        response = organiser_client.get(url)
        assert response.status_code in (404, 422), (url, response.status_code)
        assert "Something went wrong" not in response.text
